import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import type { UserWorkspaceConfig } from 'vitest/config';

/** Export condition under which workspace packages expose their TypeScript sources. */
export const SOURCE_CONDITION = '@promql-ts/source';

/**
 * Loads `*.wasm` imports as a `Uint8Array` default export, as tsup's binary loader does
 * in the published bundles (the kernels package imports its compiled WebAssembly that
 * way; `pnpm build` compiles it).
 */
export function wasmBytesPlugin(): Plugin {
  return {
    name: 'promql-ts:wasm-bytes',
    enforce: 'pre',
    load(id) {
      const file = id.split('?')[0] as string;
      if (!file.endsWith('.wasm')) return null;
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch {
        throw new Error(`${file} is missing: build the WebAssembly first (pnpm build)`);
      }
      this.addWatchFile(file);
      const base64 = JSON.stringify(bytes.toString('base64'));
      return [
        `const text = atob(${base64});`,
        'const bytes = new Uint8Array(text.length);',
        'for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);',
        'export default bytes;',
      ].join('\n');
    },
  };
}

/**
 * The vitest project settings every workspace package shares: resolve sibling packages to
 * their sources, and pick up unit (`*.test.ts`), property (`*.prop.test.ts`) and benchmark
 * (`*.bench.ts`) files under `src/` and `test/`.
 */
export function projectConfig(name: string): UserWorkspaceConfig {
  const conditions = [SOURCE_CONDITION, 'module', 'node', 'import', 'default'];
  return {
    plugins: [wasmBytesPlugin()],
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: [SOURCE_CONDITION] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      benchmark: { include: ['src/**/*.bench.ts', 'bench/**/*.bench.ts'] },
      testTimeout: 30_000,
    },
  };
}

import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The differential tools start processes and read files: Node only.
  platform: 'node',
  // `import.meta.url` (used to find the scripts) in the CommonJS build too.
  shims: true,
});

// Rebuilds the WebAssembly before the tests when assembly/ is newer than build/, so a
// test run never checks stale binaries (pnpm build does the same for the bundle).

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(dir: string): number {
  return Math.max(...readdirSync(dir).map((f) => statSync(join(dir, f)).mtimeMs));
}

export default function setup(): void {
  const outputs = ['build/kernels.wasm', 'build/kernels-simd.wasm'].map((f) => join(root, f));
  const sources = Math.max(
    newest(join(root, 'assembly')),
    statSync(join(root, 'asconfig.json')).mtimeMs,
  );
  const stale = outputs.some((f) => !existsSync(f) || statSync(f).mtimeMs < sources);
  if (stale)
    execFileSync(process.execPath, [join(root, 'scripts/build-wasm.mjs')], { stdio: 'inherit' });
}

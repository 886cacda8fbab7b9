#!/usr/bin/env node
// Compiles assembly/ into the two WebAssembly builds the package inlines: the scalar
// release build (build/kernels.wasm) and the same sources with SIMD enabled
// (build/kernels-simd.wasm). Both use the options in asconfig.json.
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const target of ['release', 'simd']) {
  const { error, stderr } = await asc.main(
    ['assembly/index.ts', '--config', 'asconfig.json', '--target', target, '--baseDir', root],
    {},
  );
  if (error) {
    process.stderr.write(stderr.toString());
    throw error;
  }
  process.stderr.write(`kernels: built ${target}\n`);
}

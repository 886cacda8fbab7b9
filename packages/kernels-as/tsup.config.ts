import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  // The WebAssembly builds are inlined as bytes, so the bundle needs no file system,
  // network access or bundler configuration to load them.
  loader: { '.wasm': 'binary' },
});

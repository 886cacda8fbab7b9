// The WebAssembly builds are imported as bytes: tsup inlines them with its binary
// loader, and the test setup (vitest.shared.ts) loads them the same way.
declare module '*.wasm' {
  const bytes: Uint8Array<ArrayBuffer>;
  export default bytes;
}

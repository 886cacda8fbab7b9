import { defineConfig } from 'vitest/config';

/**
 * One vitest run for the whole workspace. Packages import each other through the
 * `@promql-ts/source` export condition, so tests run against sources and need no build
 * (the kernels' WASM is built by `pnpm build`, which `pnpm test` runs first).
 */
export default defineConfig({
  test: {
    projects: ['packages/*', 'conformance'],
  },
});

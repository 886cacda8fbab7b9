/**
 * `@promql-ts/cli`: the `promql-ts` command (`serve`, `query`, `promqltest`) and its
 * pieces, usable from code: the demo data, the commands, and the terminal renderers.
 *
 * @example
 * ```ts
 * import { MemoryStorage } from '@promql-ts/storage-mem';
 * import { loadDemo } from '@promql-ts/cli';
 * const storage = new MemoryStorage();
 * const info = loadDemo(storage); // 6 hours of a simulated fleet, ending now
 * ```
 */
export {
  type PromqltestOptions,
  parseTimeArg,
  promqltest,
  type QueryOptions,
  query,
  type ServeOptions,
  serve,
  UsageError,
} from './commands.js';
export {
  DEMO_QUERIES,
  type DemoInfo,
  type DemoOptions,
  type DemoProgress,
  loadDemo,
} from './demo.js';
export { type CliIo, detectFormat, type LoadedData, loadData, loadFiles } from './load.js';
export { type MainHooks, main, USAGE } from './main.js';
export {
  type ChartOptions,
  type ChartSeries,
  caretLines,
  lineChart,
  seriesName,
  table,
} from './render.js';

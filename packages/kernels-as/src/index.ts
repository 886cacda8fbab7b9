/**
 * @promql-ts/kernels: PromQL's numeric kernels, compiled from AssemblyScript to
 * WebAssembly, with a TypeScript reference implementation of every kernel.
 *
 * ```ts
 * const k = await initKernels();
 * const out = { values: new Float64Array(n * steps), mask: new Uint8Array(n * steps) };
 * k.rangeFunction('rate', batch, { startMs, stepMs, nSteps: steps }, { rangeMs: 300_000 }, out);
 * ```
 */

export type { Arena, Buf } from './arena.js';
export {
  AGGREGATE_OPS,
  BINARY_OPS,
  isStaleNaN,
  KernelFlags,
  MATH_FUNCTIONS,
  RANGE_FUNCTIONS,
  STALE_NAN,
} from './constants.js';
export type { KernelBackend, Kernels } from './kernels.js';
export { initKernels, type KernelOptions, simdSupported } from './loader.js';
export { referenceKernels } from './reference.js';
export type {
  AggregateOp,
  BinaryOp,
  BinaryOptions,
  ClassicHistograms,
  HistogramQuantileOutput,
  InstantSelectorOptions,
  InstantSelectorOutput,
  MathFunction,
  RangeFunction,
  RangeFunctionCounts,
  RangeFunctionOptions,
  RangeModifier,
  SeriesBatch,
  SeriesSource,
  StepGrid,
  StepMatrix,
} from './types.js';

import type { Arena } from './arena.js';
import type {
  AggregateOp,
  BinaryOp,
  BinaryOptions,
  ClassicHistograms,
  HistogramQuantileOutput,
  InstantSelectorOptions,
  InstantSelectorOutput,
  MathFunction,
  RangeFunction,
  RangeFunctionOptions,
  SeriesBatch,
  SeriesSource,
  StepGrid,
  StepMatrix,
} from './types.js';

/** Which implementation a {@link Kernels} object runs. */
export type KernelBackend = 'reference' | 'wasm' | 'wasm-simd';

/**
 * PromQL's numeric kernels. Every method does a whole batch: many series × many
 * steps. The WebAssembly implementations (see `initKernels`) and the TypeScript
 * reference (`referenceKernels`) compute bit-identical results.
 *
 * Buffers: any argument may be an ordinary typed array, or a view of a buffer from
 * {@link Kernels.arena}. Arena buffers are used in place (no copy); other arrays are
 * copied in and out. Because a call may grow the WebAssembly memory, re-read
 * `buf.array` after every call instead of keeping views (see `Arena`).
 *
 * Outputs are written, never read, and may not overlap the inputs — except for the
 * elementwise methods (binary, math, round, clamp), whose output may be the very
 * array of a vector input (in place). Matrices are row-major `rows × nSteps`; absent
 * cells get the value 0.
 *
 * An object serves one query at a time: its arena's reset() ends the query.
 */
export interface Kernels {
  /** The implementation behind these kernels. */
  readonly backend: KernelBackend;
  /** Per-query buffers in the memory the kernels work on. */
  readonly arena: Arena;

  /**
   * The instant-vector selector: for each series and step, the last sample no later
   * than the step (less `offsetMs`, or at `atMs`) within the lookback delta, unless that
   * sample is a staleness marker. Also reports the chosen sample's timestamp (for
   * `timestamp()`) when `out.ts` is given. Output is N × nSteps. `input` may be a {@link SeriesSource}, copied in
   * a batch of series at a time.
   */
  instantSelector(
    input: SeriesBatch | SeriesSource,
    grid: StepGrid,
    options: InstantSelectorOptions,
    out: InstantSelectorOutput,
  ): void;

  /**
   * A range-vector function for every series and step, over windows `(end - range,
   * end]` (closed in 2.x mode) where `end` is the step (less `offsetMs`, or `atMs`).
   * Staleness markers are dropped first, as Prometheus's matrix selector does. Output
   * is N × nSteps. Returns `KernelFlags` bits. With `options.counts`, also sets
   * `counts.windowSamples` to the samples in all the windows (series × steps) it
   * evaluated: Prometheus's totalQueryableSamples for the call, at no extra pass.
   * `input` may be a {@link SeriesSource}: its samples are then copied in a batch of
   * series at a time.
   */
  rangeFunction(
    fn: RangeFunction,
    input: SeriesBatch | SeriesSource,
    grid: StepGrid,
    options: RangeFunctionOptions,
    out: StepMatrix,
  ): number;

  /**
   * A range function whose output is aggregated at once: `aggregate(op, …)` (any op but
   * 'quantile') over `rangeFunction(fn, input, …)`'s N × nSteps output, row i going to
   * group `groups[i]`, into `out` (nGroups × nSteps), without that output ever being
   * whole: the function runs a batch of series at a time and each batch is folded into
   * the groups. Sets `rowPoints[i]` to the number of steps at which series i had a
   * result. Returns the range function's `KernelFlags`; `options.counts` as there.
   */
  rangeAggregate(
    fn: RangeFunction,
    input: SeriesBatch | SeriesSource,
    grid: StepGrid,
    options: RangeFunctionOptions,
    op: AggregateOp,
    groups: Uint32Array,
    nGroups: number,
    out: StepMatrix,
    rowPoints: Uint32Array,
  ): number;

  /**
   * Aggregates the rows of an N × nSteps matrix into nGroups × nSteps, row i going to
   * group `groups[i]`. Rows are folded in order at each step, as Prometheus folds its
   * input series. `param` is q per step for 'quantile'. Returns `KernelFlags`.
   */
  aggregate(
    op: AggregateOp,
    input: StepMatrix,
    groups: Uint32Array,
    nGroups: number,
    nSteps: number,
    out: StepMatrix,
    param?: Float64Array,
  ): number;

  /**
   * A binary operator with Go's float semantics between two vectors (aligned
   * matrices), a vector and a scalar (one value per step), or two scalars. See
   * {@link BinaryOptions}.
   */
  binary(
    op: BinaryOp,
    lhs: Float64Array,
    rhs: Float64Array,
    out: StepMatrix,
    options: BinaryOptions,
  ): void;

  /** An elementwise math function with Go's math package semantics. */
  math(fn: MathFunction, input: Float64Array, out: Float64Array): void;

  /** round(v, toNearest) with toNearest per step; ties round up. */
  round(input: Float64Array, toNearest: Float64Array, nSteps: number, out: Float64Array): void;

  /**
   * clamp(v, min, max) with bounds per step (clamp_min/clamp_max pass -Inf/+Inf). No
   * output at steps where max < min. `inputMask` marks present input cells.
   */
  clamp(
    input: Float64Array,
    min: Float64Array,
    max: Float64Array,
    nSteps: number,
    out: StepMatrix,
    inputMask?: Uint8Array,
  ): void;

  /**
   * histogram_quantile over classic histograms, q per step, with Prometheus's
   * monotonicity fix-ups. Output is nHist × nSteps. Returns `KernelFlags`.
   */
  histogramQuantile(
    input: ClassicHistograms,
    q: Float64Array,
    out: HistogramQuantileOutput,
  ): number;

  /**
   * histogram_fraction over classic histograms, bounds per step. Output is
   * nHist × nSteps. Returns `KernelFlags`.
   */
  histogramFraction(
    input: ClassicHistograms,
    lower: Float64Array,
    upper: Float64Array,
    out: StepMatrix,
  ): number;
}

/**
 * The data layouts and names every kernel shares. A kernel call covers a whole batch
 * (many series × many steps); nothing crosses between JavaScript and WebAssembly per
 * sample.
 */

/**
 * Samples of N series, concatenated. Series i owns `ts[offsets[i]]` up to (not
 * including) `ts[offsets[i + 1]]`, and the same range of `values`. Timestamps are
 * integer milliseconds, strictly increasing within a series.
 */
export interface SeriesBatch {
  readonly ts: Float64Array;
  readonly values: Float64Array;
  /** N + 1 offsets; `offsets[0]` is 0 and `offsets[N]` is the sample count. */
  readonly offsets: Uint32Array;
}

/**
 * Series whose samples are copied in only when a kernel needs them, batch by batch (from
 * a storage's chunks straight into the kernels' memory, with no whole copy in between).
 */
export interface SeriesSource {
  /** N + 1 offsets, as in {@link SeriesBatch}: series `i` has `offsets[i + 1] - offsets[i]` samples. */
  readonly offsets: Uint32Array;
  /**
   * Writes the samples of series `from` up to (not including) `to` into `ts` and `values`
   * from index 0: exactly `offsets[to] - offsets[from]` of them, each series' in
   * increasing time order, staleness markers bit for bit.
   */
  copy(from: number, to: number, ts: Float64Array, values: Float64Array): void;
}

/**
 * The evaluation steps of a query: `startMs + i * stepMs` for `i < nSteps`. `stepMs`
 * may be 0, making every step the same instant.
 */
export interface StepGrid {
  readonly startMs: number;
  readonly stepMs: number;
  readonly nSteps: number;
}

/**
 * A row-major `rows × nSteps` matrix: one value and one presence byte (1 = the point
 * exists) per cell. NaN is a legitimate value, so absence needs its own mask. Kernels
 * write every cell of their output, 0 into the value of an absent one, so an output may
 * be passed in with any contents.
 */
export interface StepMatrix {
  readonly values: Float64Array;
  readonly mask: Uint8Array;
}

/** Options of the instant-vector selector. */
export interface InstantSelectorOptions {
  /** The lookback delta in milliseconds (Prometheus's default is 300000). */
  readonly lookbackMs: number;
  /**
   * true (Prometheus 3.x, the default): a sample counts if `t - lookback < ts <= t`;
   * false (Prometheus 2.x): if `t - lookback <= ts <= t`.
   */
  readonly leftOpen?: boolean;
  /** The selector's offset in milliseconds (default 0). */
  readonly offsetMs?: number;
  /** The `@` timestamp in milliseconds: every step then looks at this instant. */
  readonly atMs?: number | null;
}

/** The instant selector's output: the value, presence and the chosen sample's timestamp. */
export interface InstantSelectorOutput extends StepMatrix {
  /**
   * Timestamp (ms) of the sample each present cell took its value from, else 0. Optional:
   * without it, the timestamps are not written anywhere.
   */
  readonly ts?: Float64Array;
}

/** PromQL's range-vector functions that the kernels implement. */
export type RangeFunction =
  | 'avg_over_time'
  | 'changes'
  | 'count_over_time'
  | 'delta'
  | 'deriv'
  | 'double_exponential_smoothing'
  | 'first_over_time'
  | 'idelta'
  | 'increase'
  | 'irate'
  | 'last_over_time'
  | 'mad_over_time'
  | 'max_over_time'
  | 'min_over_time'
  | 'predict_linear'
  | 'present_over_time'
  | 'quantile_over_time'
  | 'rate'
  | 'resets'
  | 'stddev_over_time'
  | 'stdvar_over_time'
  | 'sum_over_time'
  | 'ts_of_first_over_time'
  | 'ts_of_last_over_time'
  | 'ts_of_max_over_time'
  | 'ts_of_min_over_time';

/**
 * The selector modifiers of Prometheus 3.14: `anchored` (rate, increase, delta,
 * changes, resets) and `smoothed` (rate, increase, delta).
 */
export type RangeModifier = 'anchored' | 'none' | 'smoothed';

/** Options of a range-function call. */
export interface RangeFunctionOptions {
  /** The range of the matrix selector in milliseconds. */
  readonly rangeMs: number;
  /** true (3.x, the default): windows are `(end - range, end]`; false (2.x): closed. */
  readonly leftOpen?: boolean;
  /** The selector's offset in milliseconds (default 0). */
  readonly offsetMs?: number;
  /** The `@` timestamp in milliseconds: every step's window then ends here (minus offset). */
  readonly atMs?: number | null;
  /** The selector modifier (default 'none'). */
  readonly modifier?: RangeModifier;
  /** The lookback delta in milliseconds; required by 'anchored' and 'smoothed'. */
  readonly lookbackMs?: number;
  /** Extrapolate rate, increase and delta as Prometheus v2.42 did (default false). */
  readonly legacyExtrapolation?: boolean;
  /**
   * The per-step scalar argument, length nSteps: q for quantile_over_time, the
   * duration in seconds for predict_linear, the smoothing factor for
   * double_exponential_smoothing.
   */
  readonly param?: Float64Array;
  /** The trend factor of double_exponential_smoothing, per step. */
  readonly param2?: Float64Array;
  /**
   * An output: when given, the call sets its fields (see {@link RangeFunctionCounts}).
   * The object itself is the caller's; kernels only write its fields.
   */
  readonly counts?: RangeFunctionCounts;
}

/** What a range-function call counts besides its results (see `RangeFunctionOptions.counts`). */
export interface RangeFunctionCounts {
  /**
   * The samples of every series' window, summed over all steps: Prometheus's
   * totalQueryableSamples for the call. A window holds the samples the function sees:
   * `(end - range, end]` (closed in 2.x mode), reaching back by the lookback delta with
   * `anchored` and also forward by it with `smoothed` (Prometheus counts the extended
   * window it fetches); staleness markers never count. With `atMs`, every step counts
   * the same window again, as Prometheus does. Set (not added to) by each call.
   */
  windowSamples: number;
}

/** Aggregation operators the grouped-aggregation kernel implements. */
export type AggregateOp =
  | 'avg'
  | 'count'
  | 'group'
  | 'max'
  | 'min'
  | 'quantile'
  | 'stddev'
  | 'stdvar'
  | 'sum';

/** Binary operators on floats (set operators are the engine's business). */
export type BinaryOp =
  | '!='
  | '%'
  | '*'
  | '+'
  | '-'
  | '/'
  | '<'
  | '<='
  | '=='
  | '>'
  | '>='
  | '^'
  | 'atan2';

/** Options of a binary-operator call. */
export interface BinaryOptions {
  /** Steps per row; the output has `values.length / nSteps` rows. */
  readonly nSteps: number;
  /** The left operand is a scalar: one value per step (length nSteps), always present. */
  readonly lhsScalar?: boolean;
  /** The right operand is a scalar: one value per step (length nSteps), always present. */
  readonly rhsScalar?: boolean;
  /** Presence of the left vector's cells (default: all present). */
  readonly lhsMask?: Uint8Array;
  /** Presence of the right vector's cells (default: all present). */
  readonly rhsMask?: Uint8Array;
  /** Comparisons yield 1/0 instead of filtering (the `bool` modifier). */
  readonly returnBool?: boolean;
}

/** Elementwise math functions (plus `neg`, unary minus). */
export type MathFunction =
  | 'abs'
  | 'acos'
  | 'acosh'
  | 'asin'
  | 'asinh'
  | 'atan'
  | 'atanh'
  | 'ceil'
  | 'cos'
  | 'cosh'
  | 'deg'
  | 'exp'
  | 'floor'
  | 'ln'
  | 'log10'
  | 'log2'
  | 'neg'
  | 'rad'
  | 'sgn'
  | 'sin'
  | 'sinh'
  | 'sqrt'
  | 'tan'
  | 'tanh';

/**
 * Classic histograms: histogram h owns bucket rows `bucketOffsets[h]` up to
 * `bucketOffsets[h + 1]`. Each bucket row has an upper bound (the `le` label; rows
 * ascending by bound within a histogram, equal bounds are merged, +Inf last) and a row
 * of nSteps cumulative counts with presence bytes.
 */
export interface ClassicHistograms {
  readonly bucketOffsets: Uint32Array;
  readonly upperBounds: Float64Array;
  /** `bucketRows × nSteps` cumulative counts. */
  readonly counts: Float64Array;
  /** `bucketRows × nSteps` presence bytes. */
  readonly mask: Uint8Array;
  readonly nSteps: number;
}

/** histogram_quantile's output, optionally with the details of monotonicity fixes. */
export interface HistogramQuantileOutput extends StepMatrix {
  /**
   * `nHist × nSteps` bytes: bit 0 = counts had to be made monotonic (Prometheus's
   * "input to histogram_quantile needed to be fixed for monotonicity" info), bit 1 =
   * differences below the float-precision tolerance were ignored.
   */
  readonly fixFlags?: Uint8Array;
  /**
   * `3 × nHist × nSteps` values: for each cell whose counts were forced monotonic, the
   * lowest and highest upper bound that was raised and the largest raise (0 elsewhere).
   */
  readonly fixDetail?: Float64Array;
}

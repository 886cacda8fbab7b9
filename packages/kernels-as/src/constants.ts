import type { AggregateOp, BinaryOp, MathFunction, RangeFunction } from './types.js';

const staleBits = new Uint32Array([0x00000002, 0x7ff00000]);

/**
 * Prometheus's staleness marker: a NaN with the bit pattern 0x7ff0000000000002. It
 * survives in typed arrays only; V8 may canonicalise NaNs stored in plain Arrays.
 */
export const STALE_NAN: number = new Float64Array(staleBits.buffer)[0] as number;

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);

/** Whether v is the staleness marker (compared bit for bit; ordinary NaNs are not). */
export function isStaleNaN(v: number): boolean {
  scratchF64[0] = v;
  return scratchU32[0] === 0x00000002 && scratchU32[1] === 0x7ff00000;
}

/**
 * The 32-bit words of a float64 array (two per value, low word first), for reading
 * staleness markers from their raw bits without moving them through a number.
 */
export function float64Words(values: Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Whether value i, given the array's {@link float64Words}, is the staleness marker. */
export function isStaleWord(words: Uint32Array, i: number): boolean {
  return words[2 * i] === 0x00000002 && words[2 * i + 1] === 0x7ff00000;
}

/**
 * Bits a kernel returns so the engine can emit Prometheus's annotations (or errors).
 * Several calls' flags can be OR-ed together.
 */
export const KernelFlags = {
  /** Some step used a quantile outside [0, 1] or NaN (warning "quantile value should be between 0 and 1"). */
  InvalidQuantile: 1,
  /** double_exponential_smoothing saw a smoothing factor outside (0, 1) where it had samples (Prometheus fails the query). */
  InvalidSmoothingFactor: 2,
  /** double_exponential_smoothing saw a trend factor outside (0, 1) where it had samples (Prometheus fails the query). */
  InvalidTrendFactor: 4,
  /** histogram_quantile forced bucket counts to be monotonic somewhere (info annotation). */
  ForcedMonotonicity: 8,
  /** histogram_quantile ignored float-precision noise between buckets somewhere (no annotation in Prometheus). */
  FixedPrecision: 16,
  /** A classic histogram had no +Inf bucket, so its result is NaN. */
  BucketsWithoutInf: 32,
  /** A classic histogram had fewer than two buckets, so its result is NaN. */
  TooFewBuckets: 64,
} as const;

/** Kernel ids of the range functions (shared with assembly/range.ts). */
export const RANGE_FUNCTION_IDS = {
  rate: 0,
  increase: 1,
  delta: 2,
  irate: 3,
  idelta: 4,
  deriv: 5,
  predict_linear: 6,
  resets: 7,
  changes: 8,
  sum_over_time: 9,
  avg_over_time: 10,
  min_over_time: 11,
  max_over_time: 12,
  count_over_time: 13,
  last_over_time: 14,
  first_over_time: 15,
  present_over_time: 16,
  stddev_over_time: 17,
  stdvar_over_time: 18,
  quantile_over_time: 19,
  mad_over_time: 20,
  double_exponential_smoothing: 21,
  ts_of_min_over_time: 22,
  ts_of_max_over_time: 23,
  ts_of_last_over_time: 24,
  ts_of_first_over_time: 25,
} as const satisfies Record<RangeFunction, number>;

/** Every range function, in kernel-id order. */
export const RANGE_FUNCTIONS = Object.keys(RANGE_FUNCTION_IDS) as RangeFunction[];

/** Kernel ids of the aggregation operators (shared with assembly/aggregate.ts). */
export const AGGREGATE_OP_IDS = {
  sum: 0,
  avg: 1,
  min: 2,
  max: 3,
  count: 4,
  group: 5,
  stddev: 6,
  stdvar: 7,
  quantile: 8,
} as const satisfies Record<AggregateOp, number>;

/** Every aggregation operator, in kernel-id order. */
export const AGGREGATE_OPS = Object.keys(AGGREGATE_OP_IDS) as AggregateOp[];

/** Kernel ids of the binary operators (shared with assembly/binary.ts). */
export const BINARY_OP_IDS = {
  '+': 0,
  '-': 1,
  '*': 2,
  '/': 3,
  '%': 4,
  '^': 5,
  atan2: 6,
  '==': 7,
  '!=': 8,
  '>': 9,
  '<': 10,
  '>=': 11,
  '<=': 12,
} as const satisfies Record<BinaryOp, number>;

/** Every binary operator, in kernel-id order. */
export const BINARY_OPS = Object.keys(BINARY_OP_IDS) as BinaryOp[];

/** Kernel ids of the math functions (shared with assembly/unary.ts). */
export const MATH_FUNCTION_IDS = {
  abs: 0,
  ceil: 1,
  floor: 2,
  exp: 3,
  ln: 4,
  log2: 5,
  log10: 6,
  sqrt: 7,
  sgn: 8,
  sin: 9,
  cos: 10,
  tan: 11,
  asin: 12,
  acos: 13,
  atan: 14,
  sinh: 15,
  cosh: 16,
  tanh: 17,
  asinh: 18,
  acosh: 19,
  atanh: 20,
  deg: 21,
  rad: 22,
  neg: 23,
} as const satisfies Record<MathFunction, number>;

/** Every math function, in kernel-id order. */
export const MATH_FUNCTIONS = Object.keys(MATH_FUNCTION_IDS) as MathFunction[];

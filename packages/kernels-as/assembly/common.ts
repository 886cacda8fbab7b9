// Memory access and numeric helpers shared by the kernels. Every kernel takes pointers
// and lengths into memory the TypeScript side owns; nothing here allocates.

/** Loads element i of a float64 array at ptr. */
export function ldf(ptr: usize, i: i32): f64 {
  return load<f64>(ptr + ((<usize>i) << 3));
}

/** Stores v as element i of a float64 array at ptr. */
export function stf(ptr: usize, i: i32, v: f64): void {
  store<f64>(ptr + ((<usize>i) << 3), v);
}

/** Loads element i of a uint32 array at ptr. */
export function ldu(ptr: usize, i: i32): i32 {
  return load<i32>(ptr + ((<usize>i) << 2));
}

/** Stores v as element i of a uint32 array at ptr. */
export function stu(ptr: usize, i: i32, v: i32): void {
  store<i32>(ptr + ((<usize>i) << 2), v);
}

/** Loads byte i at ptr. */
export function ldb(ptr: usize, i: i32): i32 {
  return <i32>load<u8>(ptr + <usize>i);
}

/** Stores byte v at ptr + i. */
export function stb(ptr: usize, i: i32, v: i32): void {
  store<u8>(ptr + <usize>i, <u8>v);
}

/** The bit pattern of Prometheus's staleness marker, a NaN with payload 2. */
export const STALE_NAN_BITS: u64 = ((<u64>0x7ff00000) << 32) | 2;

/** Whether float64 element i at ptr is a staleness marker (compared bit for bit). */
export function isStaleAt(ptr: usize, i: i32): bool {
  return load<u64>(ptr + ((<usize>i) << 3)) === STALE_NAN_BITS;
}

/** Go's math.IsInf(x, 0). */
export function isInf(x: f64): bool {
  return abs<f64>(x) === Infinity;
}

/**
 * The compensation after one Kahan-Neumaier step that took `sum` to `t = sum + inc`
 * (the caller computes t). Semantics follow prometheus/prometheus
 * util/kahansum/kahansum.go Inc: an infinite sum resets the compensation to 0.
 */
export function kahanComp(inc: f64, sum: f64, t: f64, c: f64): f64 {
  if (isInf(t)) return 0;
  if (abs<f64>(sum) >= abs<f64>(inc)) return c + (sum - t + inc);
  return c + (inc - t + sum);
}

// Flags a kernel returns so the engine can emit Prometheus's annotations.
export const FLAG_INVALID_QUANTILE: i32 = 1;
export const FLAG_INVALID_SMOOTHING_FACTOR: i32 = 2;
export const FLAG_INVALID_TREND_FACTOR: i32 = 4;
export const FLAG_FORCED_MONOTONICITY: i32 = 8;
export const FLAG_FIXED_PRECISION: i32 = 16;
export const FLAG_BUCKETS_WITHOUT_INF: i32 = 32;
export const FLAG_TOO_FEW_BUCKETS: i32 = 64;

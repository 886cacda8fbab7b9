// Stable sorting of float64 values in the order Prometheus's quantile() sorts them
// (vectorByValueHeap.Less): NaN before every number, numbers ascending, -0 and +0
// equal. Stability makes the result independent of the algorithm, so the sliding
// window of quantile_over_time, this merge sort and the TypeScript reference's
// Array.prototype.sort all produce the same sequence. (Go's sort is stable for the
// insertion-sorted inputs of up to 12 elements; for longer inputs Go may order -0
// and +0 differently, which can only change the sign of a zero result.)

import { ldf, stf } from './common';

/** Strict order on sort keys: NaN first, then ascending; -0 === +0. */
export function keyLess(a: f64, b: f64): bool {
  if (Number.isNaN(a)) return !Number.isNaN(b);
  return a < b;
}

/** Index of the first element in [lo, hi) that sorts after v (upper bound). */
export function upperBound(ptr: usize, lo: i32, hi: i32, v: f64): i32 {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyLess(v, ldf(ptr, mid))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the first element in [lo, hi) that does not sort before v (lower bound). */
export function lowerBound(ptr: usize, lo: i32, hi: i32, v: f64): i32 {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyLess(ldf(ptr, mid), v)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertionSort(ptr: usize, n: i32): void {
  for (let i = 1; i < n; i++) {
    const v = ldf(ptr, i);
    let j = i - 1;
    while (j >= 0 && keyLess(v, ldf(ptr, j))) {
      stf(ptr, j + 1, ldf(ptr, j));
      j--;
    }
    stf(ptr, j + 1, v);
  }
}

/**
 * Sorts n float64 values at ptr stably by {@link keyLess}; tmp must hold n values.
 * Runs of 16 are insertion-sorted, then merged bottom-up.
 */
export function stableSort(ptr: usize, n: i32, tmp: usize): void {
  const RUN = 16;
  for (let lo = 0; lo < n; lo += RUN) {
    const len = min<i32>(RUN, n - lo);
    insertionSort(ptr + ((<usize>lo) << 3), len);
  }
  let src = ptr;
  let dst = tmp;
  for (let width = RUN; width < n; width <<= 1) {
    for (let lo = 0; lo < n; lo += width << 1) {
      const mid = min<i32>(lo + width, n);
      const hi = min<i32>(lo + (width << 1), n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = ldf(src, i);
        const b = ldf(src, j);
        // Take from the right run only when it is strictly smaller: stability.
        if (keyLess(b, a)) {
          stf(dst, k++, b);
          j++;
        } else {
          stf(dst, k++, a);
          i++;
        }
      }
      while (i < mid) stf(dst, k++, ldf(src, i++));
      while (j < hi) stf(dst, k++, ldf(src, j++));
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== ptr) memory.copy(ptr, src, (<usize>n) << 3);
}

/**
 * The q-quantile of n values already sorted at ptr, interpolating between neighbours.
 * Semantics follow prometheus/prometheus promql/quantile.go quantile.
 */
export function quantileSorted(q: f64, ptr: usize, n: i32): f64 {
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const fn = <f64>n;
  const rank = q * (fn - 1);
  const lowerIndex = max<f64>(0, floor<f64>(rank));
  const upperIndex = min<f64>(fn - 1, lowerIndex + 1);
  const weight = rank - floor<f64>(rank);
  return ldf(ptr, <i32>lowerIndex) * (1 - weight) + ldf(ptr, <i32>upperIndex) * weight;
}

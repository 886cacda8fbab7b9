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
  quantileRank(q, n);
  const upper = min<i32>(n - 1, qLower + 1);
  return ldf(ptr, qLower) * (1 - qWeight) + ldf(ptr, upper) * qWeight;
}

// Where the q-quantile of n sorted values lies (q in [0, 1], n > 0): qWeight of the way
// from the value of rank qLower to the next one. Set by quantileRank.
let qLower: i32 = 0;
let qWeight: f64 = 0;

function quantileRank(q: f64, n: i32): void {
  const rank = q * (<f64>n - 1);
  qLower = <i32>max<f64>(0, floor<f64>(rank));
  qWeight = rank - floor<f64>(rank);
}

/**
 * The q-quantile of n values at ptr, as {@link quantileSorted} of their stable sort
 * would give it, but by selection: only the two values the interpolation reads are put
 * in place (expected linear time instead of n log n). The values are reordered; tmp
 * must hold n values (the fallbacks sort).
 *
 * Equal keys are only identical values when no -0 is among them (NaN payloads aside,
 * which no result shows), so the values a stable sort would put at the two ranks are
 * then known without the order among equal keys; with a -0 the values are sorted
 * stably instead, as they are when selection degenerates on adversarial input.
 */
export function quantileSelect(q: f64, ptr: usize, n: i32, tmp: usize): f64 {
  // No value is read for these.
  if (n === 0 || Number.isNaN(q) || q < 0 || q > 1) return quantileSorted(q, ptr, n);
  let negativeZero = false;
  for (let i = 0; i < n; i++) {
    if (reinterpret<u64>(ldf(ptr, i)) === 0x8000000000000000) {
      negativeZero = true;
      break;
    }
  }
  quantileRank(q, n);
  const lo = qLower;
  const weight = qWeight;
  if (negativeZero || n <= 16 || !selectRank(ptr, n, lo)) {
    stableSort(ptr, n, tmp);
    return quantileSorted(q, ptr, n);
  }
  // Everything after lo sorts at or after it: the next rank is their minimum.
  let upper = ldf(ptr, lo);
  if (lo + 1 < n) {
    upper = ldf(ptr, lo + 1);
    for (let i = lo + 2; i < n; i++) {
      const x = ldf(ptr, i);
      if (keyLess(x, upper)) upper = x;
    }
  }
  return ldf(ptr, lo) * (1 - weight) + upper * weight;
}

function swap(ptr: usize, i: i32, j: i32): void {
  const t = ldf(ptr, i);
  stf(ptr, i, ldf(ptr, j));
  stf(ptr, j, t);
}

/**
 * Reorders n values at ptr (by {@link keyLess}) so that index k holds the value of rank
 * k, with no value after it sorting before it and none before it sorting after it:
 * quickselect with a median-of-three pivot. Returns false, leaving the values in some
 * order, when it needed more partitioning rounds than a few times log2(n) (so input
 * built to defeat the pivot choice costs no more than a sort).
 */
function selectRank(ptr: usize, n: i32, k: i32): bool {
  let l = 0;
  let ir = n - 1;
  let rounds = 4 * (32 - clz<i32>(n)) + 8;
  while (ir > l + 1) {
    if (--rounds < 0) return false;
    const mid = (l + ir) >>> 1;
    swap(ptr, mid, l + 1);
    if (keyLess(ldf(ptr, ir), ldf(ptr, l))) swap(ptr, l, ir);
    if (keyLess(ldf(ptr, ir), ldf(ptr, l + 1))) swap(ptr, l + 1, ir);
    if (keyLess(ldf(ptr, l + 1), ldf(ptr, l))) swap(ptr, l, l + 1);
    // ptr[l] <= pivot = ptr[l + 1] <= ptr[ir]: sentinels for both scans.
    const pivot = ldf(ptr, l + 1);
    let i = l + 1;
    let j = ir;
    for (;;) {
      do i++;
      while (keyLess(ldf(ptr, i), pivot));
      do j--;
      while (keyLess(pivot, ldf(ptr, j)));
      if (j < i) break;
      swap(ptr, i, j);
    }
    stf(ptr, l + 1, ldf(ptr, j));
    stf(ptr, j, pivot);
    if (j >= k) ir = j - 1;
    if (j <= k) l = i;
  }
  if (ir === l + 1 && keyLess(ldf(ptr, ir), ldf(ptr, l))) swap(ptr, l, ir);
  return true;
}

// histogram_quantile and histogram_fraction over classic (bucket-series) histograms.
//
// Input: nHist histograms; histogram h owns bucket rows bucketOff[h]..bucketOff[h+1],
// each with an upper bound (ascending within the histogram; equal bounds are merged)
// and a row of nSteps cumulative counts with presence bytes. At each step only the
// present buckets take part, as Prometheus groups the bucket samples it sees at that
// step; a histogram with no present bucket has no output.

import {
  FLAG_BUCKETS_WITHOUT_INF,
  FLAG_FIXED_PRECISION,
  FLAG_FORCED_MONOTONICITY,
  FLAG_INVALID_QUANTILE,
  FLAG_TOO_FEW_BUCKETS,
  ldb,
  ldf,
  ldu,
  stb,
  stf,
} from './common';
import { goMin } from './gomath';

const SMALL_DELTA_TOLERANCE: f64 = 1e-12;
const MIN_NORMAL: f64 = 2.2250738585072014e-308;

// Gathered buckets of the current histogram and step (scratch).
let gBounds: usize = 0;
let gCounts: usize = 0;
let gN: i32 = 0;

// Details of the last monotonicity fix.
let fixForced: bool = false;
let fixPrecision: bool = false;
let fixMinBucket: f64 = 0;
let fixMaxBucket: f64 = 0;
let fixMaxDiff: f64 = 0;

// Collects the present buckets of histogram h at step i, merging equal upper bounds
// (Prometheus's coalesceBuckets). Returns the number of present bucket rows.
function gather(
  boundsPtr: usize,
  countsPtr: usize,
  maskPtr: usize,
  lo: i32,
  hi: i32,
  nSteps: i32,
  i: i32,
): i32 {
  let present = 0;
  gN = 0;
  for (let k = lo; k < hi; k++) {
    const cell = k * nSteps + i;
    if (ldb(maskPtr, cell) === 0) continue;
    present++;
    const bound = ldf(boundsPtr, k);
    const count = ldf(countsPtr, cell);
    if (gN > 0 && ldf(gBounds, gN - 1) === bound) {
      stf(gCounts, gN - 1, ldf(gCounts, gN - 1) + count);
    } else {
      stf(gBounds, gN, bound);
      stf(gCounts, gN, count);
      gN++;
    }
  }
  return present;
}

// Go's almost.Equal (util/almost/almost.go).
function almostEqual(a: f64, b: f64, epsilon: f64): bool {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = abs<f64>(a) + abs<f64>(b);
  const diff = abs<f64>(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / goMin(absSum, f64.MAX_VALUE) < epsilon;
}

// Ignores tiny relative differences between neighbours (float noise) and lifts any
// decrease to the running maximum. Semantics follow prometheus/prometheus
// promql/quantile.go ensureMonotonicAndIgnoreSmallDeltas.
function ensureMonotonic(): void {
  fixForced = false;
  fixPrecision = false;
  fixMinBucket = Infinity;
  fixMaxBucket = -Infinity;
  fixMaxDiff = 0;
  let prev = ldf(gCounts, 0);
  for (let k = 1; k < gN; k++) {
    const curr = ldf(gCounts, k);
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      stf(gCounts, k, prev);
      fixPrecision = true;
      continue;
    }
    if (curr < prev) {
      stf(gCounts, k, prev);
      fixForced = true;
      const bound = ldf(gBounds, k);
      if (bound < fixMinBucket) fixMinBucket = bound;
      if (bound > fixMaxBucket) fixMaxBucket = bound;
      const diff = prev - curr;
      if (diff > fixMaxDiff) fixMaxDiff = diff;
      continue;
    }
    prev = curr;
  }
}

let gFlags: i32 = 0;

// === histogram_quantile(q scalar, v instant-vector) for classic buckets ===
// Semantics follow prometheus/prometheus promql/quantile.go BucketQuantile.
function bucketQuantile(q: f64): f64 {
  fixForced = false;
  fixPrecision = false;
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (ldf(gBounds, gN - 1) !== Infinity) {
    gFlags |= FLAG_BUCKETS_WITHOUT_INF;
    return NaN;
  }
  ensureMonotonic();
  if (gN < 2) {
    fixForced = false;
    fixPrecision = false;
    gFlags |= FLAG_TOO_FEW_BUCKETS;
    return NaN;
  }
  const observations = ldf(gCounts, gN - 1);
  if (observations === 0) {
    fixForced = false;
    fixPrecision = false;
    return NaN;
  }
  let rank = q * observations;
  // The first bucket (of all but the last) whose count reaches the rank.
  let b = 0;
  while (b < gN - 1 && !(ldf(gCounts, b) >= rank)) b++;
  if (b === gN - 1) return ldf(gBounds, gN - 2);
  if (b === 0 && ldf(gBounds, 0) <= 0) return ldf(gBounds, 0);
  let bucketStart: f64 = 0;
  const bucketEnd = ldf(gBounds, b);
  let count = ldf(gCounts, b);
  if (b > 0) {
    bucketStart = ldf(gBounds, b - 1);
    count -= ldf(gCounts, b - 1);
    rank -= ldf(gCounts, b - 1);
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

/**
 * histogram_quantile for every histogram and step, q per step. Scratch must hold
 * 16 × (largest bucket count) bytes. fixFlags (nHist × nSteps bytes, optional: 0)
 * receives bit 0 where monotonicity had to be forced and bit 1 where float noise was
 * ignored; fixDetail (3 × nHist × nSteps float64s, optional) receives the lowest and
 * highest bucket bound that was raised and the largest raise. Returns FLAG_* bits.
 */
export function histogram_quantile(
  boundsPtr: usize,
  bucketOffPtr: usize,
  nHist: i32,
  countsPtr: usize,
  maskPtr: usize,
  nSteps: i32,
  qPtr: usize,
  scratchPtr: usize,
  maxBuckets: i32,
  outVals: usize,
  outMask: usize,
  fixFlagsPtr: usize,
  fixDetailPtr: usize,
): i32 {
  gFlags = 0;
  gBounds = scratchPtr;
  gCounts = scratchPtr + ((<usize>maxBuckets) << 3);
  for (let i = 0; i < nSteps; i++) {
    const q = ldf(qPtr, i);
    if (Number.isNaN(q) || q < 0 || q > 1) gFlags |= FLAG_INVALID_QUANTILE;
  }
  for (let h = 0; h < nHist; h++) {
    const lo = ldu(bucketOffPtr, h);
    const hi = ldu(bucketOffPtr, h + 1);
    for (let i = 0; i < nSteps; i++) {
      const o = h * nSteps + i;
      fixForced = false;
      fixPrecision = false;
      let value: f64 = 0;
      let present = 0;
      if (gather(boundsPtr, countsPtr, maskPtr, lo, hi, nSteps, i) > 0) {
        present = 1;
        value = bucketQuantile(ldf(qPtr, i));
      }
      stf(outVals, o, value);
      stb(outMask, o, present);
      if (fixForced) gFlags |= FLAG_FORCED_MONOTONICITY;
      if (fixPrecision) gFlags |= FLAG_FIXED_PRECISION;
      if (fixFlagsPtr !== 0) stb(fixFlagsPtr, o, (fixForced ? 1 : 0) | (fixPrecision ? 2 : 0));
      if (fixDetailPtr !== 0) {
        stf(fixDetailPtr, o * 3, fixForced ? fixMinBucket : 0);
        stf(fixDetailPtr, o * 3 + 1, fixForced ? fixMaxBucket : 0);
        stf(fixDetailPtr, o * 3 + 2, fixForced ? fixMaxDiff : 0);
      }
    }
  }
  return gFlags;
}

// === histogram_fraction(lower, upper scalar, v instant-vector) for classic buckets ===
// Linear interpolation inside the bucket holding each bound; the lowest bucket starts
// at 0 when its upper bound is positive, else at -Inf (no interpolation there).
// Semantics follow prometheus/prometheus promql/quantile.go BucketFraction.
function bucketFraction(lower: f64, upper: f64): f64 {
  if (ldf(gBounds, gN - 1) !== Infinity) {
    gFlags |= FLAG_BUCKETS_WITHOUT_INF;
    return NaN;
  }
  const count = ldf(gCounts, gN - 1);
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank: f64 = 0;
  let lowerRank: f64 = 0;
  let upperRank: f64 = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound: f64 = ldf(gBounds, 0) <= 0 ? -Infinity : 0;
  for (let k = 0; k < gN; k++) {
    if (k > 0) lowerBound = ldf(gBounds, k - 1);
    const upperBound = ldf(gBounds, k);
    const bucketCount = ldf(gCounts, k);
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank =
        lowerBound === -Infinity
          ? bucketCount
          : rank + ((bucketCount - rank) * (lower - lowerBound)) / (upperBound - lowerBound);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank =
        lowerBound === -Infinity
          ? bucketCount
          : rank + ((bucketCount - rank) * (upper - lowerBound)) / (upperBound - lowerBound);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = bucketCount;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

/**
 * histogram_fraction for every histogram and step, bounds per step. Scratch as for
 * histogram_quantile. Returns FLAG_* bits.
 */
export function histogram_fraction(
  boundsPtr: usize,
  bucketOffPtr: usize,
  nHist: i32,
  countsPtr: usize,
  maskPtr: usize,
  nSteps: i32,
  lowerPtr: usize,
  upperPtr: usize,
  scratchPtr: usize,
  maxBuckets: i32,
  outVals: usize,
  outMask: usize,
): i32 {
  gFlags = 0;
  gBounds = scratchPtr;
  gCounts = scratchPtr + ((<usize>maxBuckets) << 3);
  for (let h = 0; h < nHist; h++) {
    const lo = ldu(bucketOffPtr, h);
    const hi = ldu(bucketOffPtr, h + 1);
    for (let i = 0; i < nSteps; i++) {
      const o = h * nSteps + i;
      let value: f64 = 0;
      let present = 0;
      if (gather(boundsPtr, countsPtr, maskPtr, lo, hi, nSteps, i) > 0) {
        present = 1;
        value = bucketFraction(ldf(lowerPtr, i), ldf(upperPtr, i));
      }
      stf(outVals, o, value);
      stb(outMask, o, present);
    }
  }
  return gFlags;
}

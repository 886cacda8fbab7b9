// The instant-vector selector and staleness-marker compaction.

import { isStaleAt, ldf, ldu, STALE_NAN_BITS, stb, stf, stu } from './common';

/**
 * For each series and step, the last sample at or before the reference time
 * ref = (hasAt ? atMs : startMs + i*stepMs) - offsetMs, provided it is newer than
 * ref - lookbackMs (3.x, leftOpen) or not older (2.x) and is not a staleness marker.
 * Writes the value, a presence byte and the sample's timestamp (0 when absent); the
 * timestamps only when outTs is not 0 (no output is at address 0: the heap starts above
 * the static data). Semantics follow prometheus/prometheus promql/engine.go
 * vectorSelectorSingle.
 */
export function select_instant(
  tsPtr: usize,
  valsPtr: usize,
  offPtr: usize,
  nSeries: i32,
  startMs: f64,
  stepMs: f64,
  nSteps: i32,
  lookbackMs: f64,
  leftOpen: i32,
  offsetMs: f64,
  atMs: f64,
  hasAt: i32,
  outVals: usize,
  outMask: usize,
  outTs: usize,
): void {
  for (let s = 0; s < nSeries; s++) {
    const lo = ldu(offPtr, s);
    const hi = ldu(offPtr, s + 1);
    const row = s * nSteps;
    let j = lo;
    // Times are integers of milliseconds (exact in float64), so stepping the reference
    // time by addition gives the same values as startMs + i * stepMs.
    let ref = (hasAt !== 0 ? atMs : startMs) - offsetMs;
    const step = hasAt !== 0 ? 0 : stepMs;
    // The step from which to look for an even stretch again, and the looks in a row that
    // found none (each one waits twice as long before the next, up to 16 steps).
    let nextTry = hasAt !== 0 ? nSteps : 0;
    let misses = 0;
    for (let i = 0; i < nSteps; i++, ref += step) {
      while (j < hi && ldf(tsPtr, j) <= ref) j++;
      const cell = row + i;
      if (j > lo) {
        const k = j - 1;
        const ts = ldf(tsPtr, k);
        const bound = ref - lookbackMs;
        if ((leftOpen !== 0 ? ts > bound : ts >= bound) && !isStaleAt(valsPtr, k)) {
          stf(outVals, cell, ldf(valsPtr, k));
          if (outTs !== 0) stf(outTs, cell, ts);
          stb(outMask, cell, 1);
          if (i < nextTry || j >= hi) continue;
          // An even stretch: from sample k on, samples spaced d apart with the step a
          // multiple m of d. Step i + q then takes sample k + q·m, at the same distance
          // behind its reference time as sample k here (so as fresh), as long as the
          // sample after it is in the run too (it is then after the reference time) or
          // it is the series' last. No search, no bounds: only staleness to check.
          const d = ldf(tsPtr, j) - ts;
          const ratio = step / d;
          const m = ratio >= 1 && ratio <= 65536 ? <i32>ratio : 0;
          if (m === 0 || <f64>m * d !== step) {
            nextTry = i + (1 << misses);
            if (misses < 4) misses++;
            continue;
          }
          // The run of spacing d from k to e, no longer than the remaining steps need.
          const need = k + (nSteps - 1 - i) * m + 1;
          const last = min(need, hi - 1);
          let e = j;
          while (e < last && ldf(tsPtr, e + 1) - ldf(tsPtr, e) === d) e++;
          let q = (e === hi - 1 ? e - k : e - 1 - k) / m;
          if (q > nSteps - 1 - i) q = nSteps - 1 - i;
          if (q < 4) {
            // Too short to pay: the usual loop for a while.
            nextTry = i + (1 << misses);
            if (misses < 4) misses++;
            continue;
          }
          misses = 0;
          for (let x = 1; x <= q; x++) {
            const at = k + x * m;
            const c = cell + x;
            const stale = isStaleAt(valsPtr, at);
            stf(outVals, c, stale ? 0 : ldf(valsPtr, at));
            if (outTs !== 0) stf(outTs, c, stale ? 0 : ldf(tsPtr, at));
            stb(outMask, c, stale ? 0 : 1);
          }
          i += q;
          ref += <f64>q * step;
          j = k + q * m + 1;
          continue;
        }
      }
      stf(outVals, cell, 0);
      if (outTs !== 0) stf(outTs, cell, 0);
      stb(outMask, cell, 0);
    }
  }
}

/**
 * Counts the staleness markers among len float64 values at valsPtr. Range functions call
 * it on all their input, where markers are rare: the SIMD build compares four values at
 * a time and counts one by one only in a group that has one.
 */
export function count_stale(valsPtr: usize, len: i32): i32 {
  let n = 0;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const stale = i64x2.splat(<i64>STALE_NAN_BITS);
    for (; i + 4 <= len; i += 4) {
      const p = valsPtr + ((<usize>i) << 3);
      const hit = v128.or(i64x2.eq(v128.load(p), stale), i64x2.eq(v128.load(p, 16), stale));
      if (v128.any_true(hit)) {
        for (let j = i; j < i + 4; j++) if (isStaleAt(valsPtr, j)) n++;
      }
    }
  }
  for (; i < len; i++) if (isStaleAt(valsPtr, i)) n++;
  return n;
}

/**
 * Counts the present cells (non-zero presence bytes) of each of nRows rows of nSteps
 * bytes at maskPtr, into the uint32 array at outPtr. The SIMD build adds sixteen bytes at
 * a time (a presence byte is 0 or 1) into 32-bit lanes, and a row with presence bytes
 * other than 0 and 1 is counted one byte at a time.
 */
export function row_points(maskPtr: usize, nRows: i32, nSteps: i32, outPtr: usize): void {
  for (let r = 0; r < nRows; r++) {
    const row = maskPtr + <usize>(r * nSteps);
    let n = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      let acc = i32x4.splat(0);
      let other = v128.splat<i8>(0);
      const one = i8x16.splat(1);
      for (; i + 16 <= nSteps; i += 16) {
        const m = v128.load(row + <usize>i);
        acc = i32x4.add(acc, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(m)));
        other = v128.or(other, i8x16.gt_u(m, one));
      }
      if (v128.any_true(other)) {
        i = 0;
      } else {
        n =
          i32x4.extract_lane(acc, 0) +
          i32x4.extract_lane(acc, 1) +
          i32x4.extract_lane(acc, 2) +
          i32x4.extract_lane(acc, 3);
      }
    }
    for (; i < nSteps; i++) if (load<u8>(row + <usize>i) !== 0) n++;
    stu(outPtr, r, n);
  }
}

/**
 * Copies the series without their staleness markers (range functions never see them)
 * and writes the new offsets. The output may not overlap the input.
 */
export function compact_stale(
  tsPtr: usize,
  valsPtr: usize,
  offPtr: usize,
  nSeries: i32,
  outTs: usize,
  outVals: usize,
  outOff: usize,
): i32 {
  let k = 0;
  stu(outOff, 0, 0);
  for (let s = 0; s < nSeries; s++) {
    const lo = ldu(offPtr, s);
    const hi = ldu(offPtr, s + 1);
    for (let i = lo; i < hi; i++) {
      if (isStaleAt(valsPtr, i)) continue;
      stf(outTs, k, ldf(tsPtr, i));
      stf(outVals, k, ldf(valsPtr, i));
      k++;
    }
    stu(outOff, s + 1, k);
  }
  return k;
}

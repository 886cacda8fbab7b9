// Grouped aggregation over an instant vector: an N × nSteps matrix (values + presence)
// whose rows belong to groups given by groups[N]; output is nGroups × nSteps. Series are
// folded in row order at each step, as Prometheus folds them in input order.
// Semantics follow prometheus/prometheus promql/engine.go aggregation.

import { FLAG_INVALID_QUANTILE, isInf, kahanComp, ldb, ldf, ldu, stb, stf, stu } from './common';
import { quantileSelect } from './sort';

export const AGG_SUM: i32 = 0;
export const AGG_AVG: i32 = 1;
export const AGG_MIN: i32 = 2;
export const AGG_MAX: i32 = 3;
export const AGG_COUNT: i32 = 4;
export const AGG_GROUP: i32 = 5;
export const AGG_STDDEV: i32 = 6;
export const AGG_STDVAR: i32 = 7;
export const AGG_QUANTILE: i32 = 8;

/**
 * Aggregates with op. Scratch must hold max(25 × nGroups × nSteps,
 * 8 × (nGroups + 2) + 16 × nSeries) bytes. paramPtr holds q per step (quantile only).
 * Returns FLAG_* bits.
 */
// Folds value f into output cell o (the scalar path of every operator).
function foldCell(
  op: i32,
  f: f64,
  o: i32,
  outVals: usize,
  outMask: usize,
  cPtr: usize,
  meanPtr: usize,
  countPtr: usize,
  incrPtr: usize,
): void {
  if (ldb(outMask, o) === 0) {
    stb(outMask, o, 1);
    switch (op) {
      case AGG_SUM:
        stf(outVals, o, f);
        stf(cPtr, o, 0);
        break;
      case AGG_AVG:
        stf(outVals, o, f);
        stf(meanPtr, o, f);
        stf(countPtr, o, 1);
        stf(cPtr, o, 0);
        break;
      case AGG_COUNT:
        stf(outVals, o, 1);
        break;
      case AGG_GROUP:
        stf(outVals, o, 1);
        break;
      case AGG_STDDEV:
      case AGG_STDVAR:
        stf(outVals, o, Number.isNaN(f) || isInf(f) ? NaN : 0);
        stf(meanPtr, o, f);
        stf(countPtr, o, 1);
        break;
      default:
        // min, max
        stf(outVals, o, f);
    }
    return;
  }
  switch (op) {
    case AGG_SUM: {
      const sum = ldf(outVals, o);
      const t = sum + f;
      stf(cPtr, o, kahanComp(f, sum, t, ldf(cPtr, o)));
      stf(outVals, o, t);
      break;
    }
    case AGG_AVG: {
      // Direct mean with compensated summation until the sum would overflow, then an
      // incremental mean.
      const count = ldf(countPtr, o) + 1;
      stf(countPtr, o, count);
      let mean = ldf(meanPtr, o);
      let c = ldf(cPtr, o);
      if (ldb(incrPtr, o) === 0) {
        const sum = ldf(outVals, o);
        const t = sum + f;
        if (!isInf(t)) {
          stf(cPtr, o, kahanComp(f, sum, t, c));
          stf(outVals, o, t);
          break;
        }
        stb(incrPtr, o, 1);
        mean = sum / (count - 1);
        c /= count - 1;
      }
      const q = (count - 1) / count;
      const inc = f / count;
      const scaled = q * mean;
      const t = scaled + inc;
      stf(cPtr, o, kahanComp(inc, scaled, t, q * c));
      stf(meanPtr, o, t);
      break;
    }
    case AGG_MAX: {
      const cur = ldf(outVals, o);
      if (cur < f || Number.isNaN(cur)) stf(outVals, o, f);
      break;
    }
    case AGG_MIN: {
      const cur = ldf(outVals, o);
      if (cur > f || Number.isNaN(cur)) stf(outVals, o, f);
      break;
    }
    case AGG_COUNT:
      stf(outVals, o, ldf(outVals, o) + 1);
      break;
    case AGG_GROUP:
      break;
    default: {
      // stddev, stdvar: Welford's online variance.
      const count = ldf(countPtr, o) + 1;
      stf(countPtr, o, count);
      const mean = ldf(meanPtr, o);
      const delta = f - mean;
      const newMean = mean + delta / count;
      stf(meanPtr, o, newMean);
      stf(outVals, o, ldf(outVals, o) + delta * (f - newMean));
    }
  }
}

/** Whether the `n` presence bytes at `ptr` are all 1. */
function allSet(ptr: usize, n: i32): bool {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const ones = i8x16.splat(1);
    for (; i + 16 <= n; i += 16) {
      if (!i8x16.all_true(i8x16.eq(v128.load(ptr + <usize>i), ones))) return false;
    }
  }
  for (; i < n; i++) if (load<u8>(ptr + <usize>i) !== 1) return false;
  return true;
}

/**
 * Folds a row's values at `valPtr` (one per step) into the sums of output cells from
 * `o` on, all present, two steps at a time; returns the steps done (the odd last one is
 * left to the caller).
 */
function sumFullRow(valPtr: usize, o: i32, nSteps: i32, outVals: usize, cPtr: usize): i32 {
  let i = 0;
  for (; i + 2 <= nSteps; i += 2) {
    const f = v128.load(valPtr + ((<usize>i) << 3));
    const vp = outVals + ((<usize>(o + i)) << 3);
    const cp = cPtr + ((<usize>(o + i)) << 3);
    const val = v128.load(vp);
    const t = f64x2.add(val, f);
    v128.store(cp, kahanComp2(f, val, t, v128.load(cp)));
    v128.store(vp, t);
  }
  return i;
}

/** `kahanComp` (common.ts) of two lanes at once. */
function kahanComp2(inc: v128, sum: v128, t: v128, c: v128): v128 {
  const bigSum = f64x2.ge(f64x2.abs(sum), f64x2.abs(inc));
  const comp = f64x2.add(
    c,
    v128.bitselect(f64x2.add(f64x2.sub(sum, t), inc), f64x2.add(f64x2.sub(inc, t), sum), bigSum),
  );
  return v128.andnot(comp, f64x2.eq(f64x2.abs(t), f64x2.splat(Infinity)));
}

// Lanes of all ones where the two bytes at ptr are non-zero.
function byteLanes(ptr: usize): v128 {
  const m = i64x2.replace_lane(i64x2.splat(<i64>load<u8>(ptr)), 1, <i64>load<u8>(ptr + 1));
  return v128.not(i64x2.eq(m, i64x2.splat(0)));
}

// Folds two steps' values (at valPtr, presence at maskPtr) into output cells o, o+1.
function simdCells(
  op: i32,
  valPtr: usize,
  maskPtr: usize,
  o: i32,
  outVals: usize,
  outMask: usize,
  cPtr: usize,
): void {
  const present = byteLanes(maskPtr);
  if (!v128.any_true(present)) return;
  const seen = byteLanes(outMask + <usize>o);
  const update = v128.and(present, seen);
  const init = v128.andnot(present, seen);
  const f = v128.load(valPtr);
  const vp = outVals + ((<usize>o) << 3);
  const val = v128.load(vp);
  let next: v128;
  if (op === AGG_SUM) {
    const cp = cPtr + ((<usize>o) << 3);
    const c = v128.load(cp);
    const t = f64x2.add(val, f);
    const newC = kahanComp2(f, val, t, c);
    next = v128.bitselect(t, v128.bitselect(f, val, init), update);
    v128.store(cp, v128.bitselect(newC, v128.andnot(c, init), update));
  } else if (op === AGG_MAX || op === AGG_MIN) {
    const better = op === AGG_MAX ? f64x2.lt(val, f) : f64x2.gt(val, f);
    const replace = v128.or(better, f64x2.ne(val, val));
    next = v128.bitselect(f, val, v128.or(init, v128.and(update, replace)));
  } else if (op === AGG_COUNT) {
    next = v128.bitselect(
      f64x2.add(val, f64x2.splat(1)),
      v128.bitselect(f64x2.splat(1), val, init),
      update,
    );
  } else {
    next = v128.bitselect(f64x2.splat(1), val, present);
  }
  v128.store(vp, next);
  if (load<u8>(maskPtr) !== 0) store<u8>(outMask + <usize>o, 1);
  if (load<u8>(maskPtr + 1) !== 0) store<u8>(outMask + <usize>o + 1, 1);
}

export function aggregate(
  op: i32,
  valsPtr: usize,
  maskPtr: usize,
  groupsPtr: usize,
  nSeries: i32,
  nGroups: i32,
  nSteps: i32,
  paramPtr: usize,
  scratchPtr: usize,
  outVals: usize,
  outMask: usize,
): i32 {
  if (op === AGG_QUANTILE) {
    return quantileAggregate(
      valsPtr,
      maskPtr,
      groupsPtr,
      nSeries,
      nGroups,
      nSteps,
      paramPtr,
      scratchPtr,
      outVals,
      outMask,
    );
  }
  aggregate_begin(op, nGroups, nSteps, scratchPtr, outMask);
  aggregate_fold(
    op,
    valsPtr,
    maskPtr,
    groupsPtr,
    nSeries,
    nGroups,
    nSteps,
    scratchPtr,
    outVals,
    outMask,
  );
  aggregate_end(op, nGroups, nSteps, scratchPtr, outVals, outMask);
  return 0;
}

/**
 * Streaming aggregation (every op but quantile): aggregate_begin clears the groups' state
 * (outVals/outMask and 25 × nGroups × nSteps bytes of scratch), aggregate_fold folds rows
 * into it (called for consecutive batches of rows, it gives the result of one call over
 * all of them: rows fold in order), aggregate_end turns the state into the result.
 */
export function aggregate_begin(
  op: i32,
  nGroups: i32,
  nSteps: i32,
  scratchPtr: usize,
  outMask: usize,
): void {
  const cells = nGroups * nSteps;
  memory.fill(outMask, 0, <usize>cells);
  if (op === AGG_AVG) memory.fill(scratchPtr + <usize>cells * 24, 0, <usize>cells);
}

/** See aggregate_begin. */
export function aggregate_fold(
  op: i32,
  valsPtr: usize,
  maskPtr: usize,
  groupsPtr: usize,
  nSeries: i32,
  nGroups: i32,
  nSteps: i32,
  scratchPtr: usize,
  outVals: usize,
  outMask: usize,
): void {
  const cells = nGroups * nSteps;
  const cPtr = scratchPtr; // Kahan compensation
  const meanPtr = scratchPtr + ((<usize>cells) << 3);
  const countPtr = scratchPtr + ((<usize>cells) << 4);
  const incrPtr = scratchPtr + <usize>cells * 24; // switched to incremental mean
  const simd =
    ASC_FEATURE_SIMD &&
    (op === AGG_SUM || op === AGG_MIN || op === AGG_MAX || op === AGG_COUNT || op === AGG_GROUP);
  for (let s = 0; s < nSeries; s++) {
    const g = ldu(groupsPtr, s);
    const row = s * nSteps;
    const grow = g * nSteps;
    let i = 0;
    if (
      simd &&
      op === AGG_SUM &&
      allSet(maskPtr + <usize>row, nSteps) &&
      allSet(outMask + <usize>grow, nSteps)
    ) {
      // A row with a value at every step into a group that has one at every step (every
      // row after a group's first full one, usually): the compensated sum without the
      // presence checks, the same operations as simdCells' update lanes.
      i = sumFullRow(valsPtr + ((<usize>row) << 3), grow, nSteps, outVals, cPtr);
    }
    if (simd) {
      // Two steps per vector; each lane folds its own step in series order, so the
      // result is the scalar loop's, bit for bit.
      for (; i + 2 <= nSteps; i += 2) {
        simdCells(
          op,
          valsPtr + ((<usize>(row + i)) << 3),
          maskPtr + <usize>(row + i),
          grow + i,
          outVals,
          outMask,
          cPtr,
        );
      }
    }
    for (; i < nSteps; i++) {
      if (ldb(maskPtr, row + i) === 0) continue;
      foldCell(
        op,
        ldf(valsPtr, row + i),
        grow + i,
        outVals,
        outMask,
        cPtr,
        meanPtr,
        countPtr,
        incrPtr,
      );
    }
  }
}

/** See aggregate_begin. */
export function aggregate_end(
  op: i32,
  nGroups: i32,
  nSteps: i32,
  scratchPtr: usize,
  outVals: usize,
  outMask: usize,
): void {
  const cells = nGroups * nSteps;
  const cPtr = scratchPtr;
  const meanPtr = scratchPtr + ((<usize>cells) << 3);
  const countPtr = scratchPtr + ((<usize>cells) << 4);
  const incrPtr = scratchPtr + <usize>cells * 24;
  for (let o = 0; o < cells; o++) {
    if (ldb(outMask, o) === 0) {
      stf(outVals, o, 0);
      continue;
    }
    switch (op) {
      case AGG_SUM:
        stf(outVals, o, ldf(outVals, o) + ldf(cPtr, o));
        break;
      case AGG_AVG: {
        const count = ldf(countPtr, o);
        if (ldb(incrPtr, o) !== 0) stf(outVals, o, ldf(meanPtr, o) + ldf(cPtr, o));
        else stf(outVals, o, ldf(outVals, o) / count + ldf(cPtr, o) / count);
        break;
      }
      case AGG_STDVAR:
        stf(outVals, o, ldf(outVals, o) / ldf(countPtr, o));
        break;
      case AGG_STDDEV:
        stf(outVals, o, sqrt<f64>(ldf(outVals, o) / ldf(countPtr, o)));
        break;
      default:
        break;
    }
  }
}

function quantileAggregate(
  valsPtr: usize,
  maskPtr: usize,
  groupsPtr: usize,
  nSeries: i32,
  nGroups: i32,
  nSteps: i32,
  paramPtr: usize,
  scratchPtr: usize,
  outVals: usize,
  outMask: usize,
): i32 {
  let flags = 0;
  const countsPtr = scratchPtr;
  const startsPtr = scratchPtr + ((<usize>nGroups) << 2);
  const valuesPtr = (startsPtr + ((<usize>(nGroups + 1)) << 2) + 7) & ~(<usize>7);
  const tmpPtr = valuesPtr + ((<usize>nSeries) << 3);
  for (let i = 0; i < nSteps; i++) {
    memory.fill(countsPtr, 0, (<usize>nGroups) << 2);
    for (let s = 0; s < nSeries; s++) {
      if (ldb(maskPtr, s * nSteps + i) === 0) continue;
      const g = ldu(groupsPtr, s);
      stu(countsPtr, g, ldu(countsPtr, g) + 1);
    }
    let acc = 0;
    for (let g = 0; g < nGroups; g++) {
      stu(startsPtr, g, acc);
      acc += ldu(countsPtr, g);
    }
    // Fill each group's slice in series order (the cursor reuses startsPtr).
    for (let s = 0; s < nSeries; s++) {
      if (ldb(maskPtr, s * nSteps + i) === 0) continue;
      const g = ldu(groupsPtr, s);
      const at = ldu(startsPtr, g);
      stf(valuesPtr, at, ldf(valsPtr, s * nSteps + i));
      stu(startsPtr, g, at + 1);
    }
    const q = ldf(paramPtr, i);
    for (let g = 0; g < nGroups; g++) {
      const n = ldu(countsPtr, g);
      const o = g * nSteps + i;
      if (n === 0) {
        stf(outVals, o, 0);
        stb(outMask, o, 0);
        continue;
      }
      if (Number.isNaN(q) || q < 0 || q > 1) flags |= FLAG_INVALID_QUANTILE;
      const start = valuesPtr + ((<usize>(ldu(startsPtr, g) - n)) << 3);
      stf(outVals, o, quantileSelect(q, start, n, tmpPtr));
      stb(outMask, o, 1);
    }
  }
  return flags;
}

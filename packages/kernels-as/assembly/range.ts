// Range-vector functions over many series × many steps in one call.
//
// Input: N series concatenated (ts, vals, offsets[N+1]) with staleness markers already
// removed (compact_stale does that, as Prometheus's matrix selector drops them).
// For step i the evaluation time is t = startMs + i*stepMs and the window ends at
// end = (hasAt ? atMs : t) - offsetMs. The samples a function sees are those with
// low < ts <= high (3.x, left-open) or low <= ts <= high (2.x), where for a plain
// selector low = end - range and high = end; `anchored` lowers low by the lookback
// delta, `smoothed` also raises high by it. Output is N × nSteps row-major: a value and
// a presence byte per cell (absent cells hold value 0). The call also totals the samples
// of every window it evaluated (range_window_samples reads the total): Prometheus's
// totalQueryableSamples for the call.
//
// Windows only move forward, so each series is walked with two indices. Functions whose
// result does not depend on float summation order slide: min/max and ts_of_min/max keep
// a monotonic deque, quantile_over_time a stable sorted buffer, changes/resets a running
// count, and rate/increase visit only the counter resets inside the window (and over
// evenly spaced samples move each window on from the last, see extrapolatedRates). The
// others rescan each window, because Prometheus's compensated sums are only reproducible
// by summing the window in order.

import {
  FLAG_INVALID_QUANTILE,
  FLAG_INVALID_SMOOTHING_FACTOR,
  FLAG_INVALID_TREND_FACTOR,
  isInf,
  kahanComp,
  ldf,
  ldu,
  stb,
  stf,
  stu,
} from './common';
import { lowerBound, quantileSorted, stableSort, upperBound } from './sort';

export const FN_RATE: i32 = 0;
export const FN_INCREASE: i32 = 1;
export const FN_DELTA: i32 = 2;
export const FN_IRATE: i32 = 3;
export const FN_IDELTA: i32 = 4;
export const FN_DERIV: i32 = 5;
export const FN_PREDICT_LINEAR: i32 = 6;
export const FN_RESETS: i32 = 7;
export const FN_CHANGES: i32 = 8;
export const FN_SUM: i32 = 9;
export const FN_AVG: i32 = 10;
export const FN_MIN: i32 = 11;
export const FN_MAX: i32 = 12;
export const FN_COUNT: i32 = 13;
export const FN_LAST: i32 = 14;
export const FN_FIRST: i32 = 15;
export const FN_PRESENT: i32 = 16;
export const FN_STDDEV: i32 = 17;
export const FN_STDVAR: i32 = 18;
export const FN_QUANTILE: i32 = 19;
export const FN_MAD: i32 = 20;
export const FN_DES: i32 = 21;
export const FN_TS_OF_MIN: i32 = 22;
export const FN_TS_OF_MAX: i32 = 23;
export const FN_TS_OF_LAST: i32 = 24;
export const FN_TS_OF_FIRST: i32 = 25;

export const MOD_NONE: i32 = 0;
export const MOD_ANCHORED: i32 = 1;
export const MOD_SMOOTHED: i32 = 2;

// The call's inputs, kept in globals so the helpers need no long parameter lists.
let gTs: usize = 0;
let gVals: usize = 0;
let gP1: usize = 0;
let gP2: usize = 0;
let gFn: i32 = 0;
let gModifier: i32 = 0;
let gRangeSeconds: f64 = 0;
let gFlags: i32 = 0;
let gOk: bool = false;
// Samples in the windows of the last range_eval call, over all series and steps.
let gWindowSamples: f64 = 0;

// extrapolatedRates' state between its window loop and its steady stretches (see there).
// The extrapolation of the last window geometry seen: gaps to the window's start and end
// and span of its samples in ms, their number, and the durations and factor derived.
let xStartMs: f64 = NaN;
let xEndMs: f64 = NaN;
let xSpanMs: f64 = NaN;
let xN: i32 = -1;
let xSampled: f64 = 0;
let xToStart: f64 = 0;
let xToEnd: f64 = 0;
let xFactor: f64 = 0; // over the range's seconds for rate
let xZeroBound: f64 = 0;
// Where rateWindows stopped: the window's bounds, the reset cursor, the samples counted.
let xA: i32 = 0;
let xB: i32 = 0;
let xRc: i32 = 0;
let xSamples: i64 = 0;
// The search for steady stretches in the current series: its regular spacing and the
// samples a step moves over at that spacing (see regularSpacing); the step to try again
// at; the positions where the spacing is not the regular one (see scanSeries): where they
// are, their number, and a cursor for each window edge.
let uD: f64 = 0;
let uK: i32 = 0;
let sNext: i32 = 0;
let uPtr: usize = 0;
let uN: i32 = 0;
let uA: i32 = 0;
let uB: i32 = 0;

// Scratch regions (see range_eval).
let gBuf0: usize = 0;
let gBuf1: usize = 0;
let gBuf2: usize = 0;
let gInts: usize = 0;

// Sliding state of the current series.
let dqHead: i32 = 0;
let dqTail: i32 = 0;
let sortedLen: i32 = 0;
let transitions: i32 = 0;
let resetCount: i32 = 0;
let resetCursor: i32 = 0;
// sum/avg_over_time of a series whose sums are exact: the series' first sample, and
// prefix sums in gBuf0 (see exactPrefixSums).
let exactSums: bool = false;
let seriesLo: i32 = 0;

function v(i: i32): f64 {
  return ldf(gVals, i);
}

function t(i: i32): f64 {
  return ldf(gTs, i);
}

/**
 * Samples in the windows of the last range_eval call, summed over every series and
 * step: the samples each window [a, b) handed to the function (staleness markers were
 * removed before the call), as Prometheus counts them for totalQueryableSamples.
 */
export function range_window_samples(): f64 {
  return gWindowSamples;
}

/**
 * Evaluates a range function for every series and step. Scratch must hold
 * 28 × maxLen bytes, where maxLen is the longest series. Returns FLAG_* bits; the
 * windows' sample total is then available from range_window_samples.
 */
export function range_eval(
  fn: i32,
  tsPtr: usize,
  valsPtr: usize,
  offPtr: usize,
  nSeries: i32,
  startMs: f64,
  stepMs: f64,
  nSteps: i32,
  rangeMs: f64,
  offsetMs: f64,
  atMs: f64,
  hasAt: i32,
  leftOpen: i32,
  modifier: i32,
  lookbackMs: f64,
  legacy: i32,
  rangeSeconds: f64,
  p1Ptr: usize,
  p2Ptr: usize,
  scratchPtr: usize,
  maxLen: i32,
  outVals: usize,
  outMask: usize,
): i32 {
  if ((fn === FN_IRATE || fn === FN_IDELTA) && modifier === MOD_NONE) {
    instantValues(
      fn === FN_IRATE,
      tsPtr,
      valsPtr,
      offPtr,
      nSeries,
      startMs,
      stepMs,
      nSteps,
      rangeMs,
      offsetMs,
      atMs,
      hasAt,
      leftOpen,
      outVals,
      outMask,
    );
    return 0;
  }
  const m = <usize>maxLen;
  if (
    (fn === FN_RATE || fn === FN_INCREASE || fn === FN_DELTA) &&
    modifier === MOD_NONE &&
    legacy === 0
  ) {
    extrapolatedRates(
      fn,
      tsPtr,
      valsPtr,
      offPtr,
      nSeries,
      startMs,
      stepMs,
      nSteps,
      rangeMs,
      offsetMs,
      atMs,
      hasAt,
      leftOpen,
      rangeSeconds,
      scratchPtr,
      scratchPtr + m * 24,
      outVals,
      outMask,
    );
    return 0;
  }
  if ((fn === FN_MAX || fn === FN_MIN) && modifier === MOD_NONE) {
    gVals = valsPtr;
    minMaxOverTime(
      fn === FN_MAX,
      tsPtr,
      offPtr,
      nSeries,
      startMs,
      stepMs,
      nSteps,
      rangeMs,
      offsetMs,
      atMs,
      hasAt,
      leftOpen,
      scratchPtr + m * 24,
      outVals,
      outMask,
    );
    return 0;
  }
  gTs = tsPtr;
  gVals = valsPtr;
  gP1 = p1Ptr;
  gP2 = p2Ptr;
  gFn = fn;
  gModifier = modifier;
  gRangeSeconds = rangeSeconds;
  gFlags = 0;
  gBuf0 = scratchPtr;
  gBuf1 = scratchPtr + (m << 3);
  gBuf2 = scratchPtr + (m << 4);
  gInts = scratchPtr + m * 24;
  const lowExtra = modifier === MOD_NONE ? 0 : lookbackMs;
  const highExtra = modifier === MOD_SMOOTHED ? lookbackMs : 0;
  const open = leftOpen !== 0;
  let windowSamples: i64 = 0;

  for (let s = 0; s < nSeries; s++) {
    const lo = ldu(offPtr, s);
    const hi = ldu(offPtr, s + 1);
    startSeries(lo, hi);
    let a = lo;
    let b = lo;
    const row = s * nSteps;
    for (let i = 0; i < nSteps; i++) {
      const evalT = startMs + <f64>i * stepMs;
      const end = (hasAt !== 0 ? atMs : evalT) - offsetMs;
      const rangeStart = end - rangeMs;
      const low = rangeStart - lowExtra;
      const high = end + highExtra;
      const nb = windowEnd(tsPtr, b, hi, high);
      const na = windowStart(tsPtr, a, nb, low, open);
      slide(a, b, na, nb);
      a = na;
      b = nb;
      windowSamples += <i64>(b - a);
      gOk = false;
      let value: f64 = 0;
      if (a < b) value = windowValue(a, b, i, evalT, rangeStart, end);
      stf(outVals, row + i, gOk ? value : 0);
      stb(outMask, row + i, gOk ? 1 : 0);
    }
  }
  gWindowSamples = <f64>windowSamples;
  return gFlags;
}

// Window bounds, shared by the loops below (small enough for the optimizer to inline):
// each step's window starts and ends no earlier than the previous step's, so both bounds
// only move forward.

/** The index after the last sample at or before `end`, moving forward from `b` (< hi). */
function windowEnd(tsPtr: usize, b: i32, hi: i32, end: f64): i32 {
  while (b < hi && ldf(tsPtr, b) <= end) b++;
  return b;
}

/**
 * The first sample of the window ending before `b` that lies after `rangeStart` (or at
 * it, when the range is closed on the left), moving forward from `a`.
 */
function windowStart(tsPtr: usize, a: i32, b: i32, rangeStart: f64, open: bool): i32 {
  if (open) {
    while (a < b && ldf(tsPtr, a) <= rangeStart) a++;
  } else {
    while (a < b && ldf(tsPtr, a) < rangeStart) a++;
  }
  return a;
}

/**
 * irate and idelta without modifiers: only the last two samples of each window matter,
 * so this loop keeps the two window bounds and nothing else (no sliding state, no
 * per-cell dispatch). The arithmetic is {@link instantValue}'s.
 */
function instantValues(
  isRate: bool,
  tsPtr: usize,
  valsPtr: usize,
  offPtr: usize,
  nSeries: i32,
  startMs: f64,
  stepMs: f64,
  nSteps: i32,
  rangeMs: f64,
  offsetMs: f64,
  atMs: f64,
  hasAt: i32,
  leftOpen: i32,
  outVals: usize,
  outMask: usize,
): void {
  const open = leftOpen !== 0;
  let windowSamples: i64 = 0;
  for (let s = 0; s < nSeries; s++) {
    const lo = ldu(offPtr, s);
    const hi = ldu(offPtr, s + 1);
    const row = s * nSteps;
    let a = lo;
    let b = lo;
    for (let i = 0; i < nSteps; i++) {
      const end = (hasAt !== 0 ? atMs : startMs + <f64>i * stepMs) - offsetMs;
      const rangeStart = end - rangeMs;
      b = windowEnd(tsPtr, b, hi, end);
      a = windowStart(tsPtr, a, b, rangeStart, open);
      windowSamples += <i64>(b - a);
      let ok = false;
      let result: f64 = 0;
      if (b - a >= 2) {
        const p0 = ldf(valsPtr, b - 2);
        const p1 = ldf(valsPtr, b - 1);
        const sampledInterval = ldf(tsPtr, b - 1) - ldf(tsPtr, b - 2);
        if (sampledInterval !== 0) {
          ok = true;
          result = p1;
          if (!isRate || !(p1 < p0)) result = p1 - p0;
          if (isRate) result /= sampledInterval / 1000;
        }
      }
      stf(outVals, row + i, result);
      stb(outMask, row + i, ok ? 1 : 0);
    }
  }
  gWindowSamples = <f64>windowSamples;
}

/**
 * rate, increase and delta of 3.x without modifiers. Semantics follow
 * prometheus/prometheus promql/functions.go extrapolatedRate (3.x).
 *
 * Each series' windows go through rateWindows, a loop with the window bounds, the counter
 * resets and the extrapolation factor in locals (no per-cell dispatch). Only the resets
 * inside a window are visited: their positions are listed once per series at
 * `resetsPtr`. The extrapolation factor, (sampledInterval + durationToStart +
 * durationToEnd) / sampledInterval (over the range's seconds for rate), depends, but for
 * a counter's zero point, only on where the window's first and last samples sit in it,
 * which repeats from step to step for regular scrapes: it is kept for the last window
 * geometry seen and reused when the next window has the same (computed by the same
 * operations on the same operands, so the result is unchanged, bit for bit).
 *
 * Regular scrapes also make steady stretches: when the samples at both edges of a window
 * are evenly spaced by an interval that divides the step (k samples per step), the next
 * window is this one moved on by k samples, at the same place in its range (its first
 * sample follows the window's start as the one before did, its last precedes the end as
 * the one before did), so with the same geometry. What lies between the edges does not
 * matter: a missed scrape inside the window moves along with it. A stretch lasts until an
 * uneven spacing reaches either edge (see edgeStretch). Its windows go through
 * steadyWindows instead, without bounds to search or geometry to compare. The window loop
 * stops where a stretch may begin (edgeStretch decides, and tells at which step to look
 * again), so that it holds no call: a call inside it made the compiler keep its locals in
 * memory, and every window paid for that.
 */
function extrapolatedRates(
  fn: i32,
  tsPtr: usize,
  valsPtr: usize,
  offPtr: usize,
  nSeries: i32,
  startMs: f64,
  stepMs: f64,
  nSteps: i32,
  rangeMs: f64,
  offsetMs: f64,
  atMs: f64,
  hasAt: i32,
  leftOpen: i32,
  rangeSeconds: f64,
  unevenPtr: usize,
  resetsPtr: usize,
  outVals: usize,
  outMask: usize,
): void {
  const isCounter = fn !== FN_DELTA;
  const isRate = fn === FN_RATE;
  xStartMs = NaN;
  xEndMs = NaN;
  xSpanMs = NaN;
  xN = -1;
  xSamples = 0;
  eTs = tsPtr;
  eBase = startMs - offsetMs;
  eStepMs = stepMs;
  eRangeMs = rangeMs;
  eSteps = nSteps;
  uPtr = unevenPtr;
  for (let s = 0; s < nSeries; s++) {
    const lo = ldu(offPtr, s);
    const hi = ldu(offPtr, s + 1);
    // Stretches need a regular spacing that divides the step (see edgeStretch); one pass
    // lists the counter resets and the positions where the spacing is not the regular one.
    const stretches = hasAt === 0 && nSteps >= 2 && regularSpacing(tsPtr, lo, hi, stepMs);
    const nResets = scanSeries(tsPtr, valsPtr, lo, hi, resetsPtr, isCounter, stretches);
    const row = s * nSteps;
    xA = lo;
    xB = lo;
    xRc = 0;
    let next = stretches ? 0 : nSteps;
    let i = 0;
    while (i < nSteps) {
      // Up to the step to try a stretch from (its window is the last one computed).
      const to = next >= nSteps - 1 ? nSteps : max(i + 1, max(next, 0) + 1);
      rateWindows(
        isCounter,
        isRate,
        tsPtr,
        valsPtr,
        resetsPtr,
        nResets,
        hi,
        row,
        i,
        to,
        startMs,
        stepMs,
        rangeMs,
        offsetMs,
        atMs,
        hasAt,
        leftOpen,
        rangeSeconds,
        outVals,
        outMask,
      );
      i = to;
      if (i >= nSteps) break;
      // The window of step i - 1 may begin a steady stretch.
      const a = xA;
      const b = xB;
      if (b - a < 2) {
        // Too few samples: look again once windows start at this one's end.
        next = startPasses(max(b, lo + 1));
        continue;
      }
      // xStartMs and xEndMs are the gaps from this window's start to its first sample
      // and from its last sample to its end (rateWindows kept its geometry, as it holds
      // two samples or more).
      const steps = edgeStretch(tsPtr, a, b, hi, nSteps - i, xStartMs, xEndMs, leftOpen !== 0);
      next = sNext;
      if (steps === 0) continue;
      const k = uK;
      xRc = steadyWindows(
        valsPtr,
        resetsPtr,
        xRc,
        nResets,
        a,
        b,
        k,
        steps,
        isCounter,
        isRate,
        rangeSeconds,
        xFactor,
        xZeroBound,
        xSampled,
        xToStart,
        xToEnd,
        outVals,
        outMask,
        row + i - 1,
      );
      xA = a + steps * k;
      xB = b + steps * k;
      xSamples += <i64>steps * <i64>(b - a);
      i += steps;
    }
  }
  gWindowSamples = <f64>xSamples;
}

/**
 * Windows of one series, into its row of the output, in a loop
 * with the window bounds, the reset cursor and the geometry's extrapolation in locals
 * (no calls: a call in the loop would make the compiler keep its locals in memory).
 * Computes the windows of steps `from` to `to` (exclusive), starting from, and leaving,
 * the bounds, cursor and geometry in the x* globals.
 */
function rateWindows(
  isCounter: bool,
  isRate: bool,
  tsPtr: usize,
  valsPtr: usize,
  resetsPtr: usize,
  nResets: i32,
  hi: i32,
  row: i32,
  from: i32,
  to: i32,
  startMs: f64,
  stepMs: f64,
  rangeMs: f64,
  offsetMs: f64,
  atMs: f64,
  hasAt: i32,
  leftOpen: i32,
  rangeSeconds: f64,
  outVals: usize,
  outMask: usize,
): void {
  const open = leftOpen !== 0;
  let a = xA;
  let b = xB;
  let rc = xRc;
  let windowSamples: i64 = 0;
  let cStartMs = xStartMs;
  let cEndMs = xEndMs;
  let cSpanMs = xSpanMs;
  let cN = xN;
  let cSampled = xSampled;
  let cToStart = xToStart;
  let cToEnd = xToEnd;
  let cFactor = xFactor;
  let cZeroBound = xZeroBound;
  for (let i = from; i < to; i++) {
    const end = (hasAt !== 0 ? atMs : startMs + <f64>i * stepMs) - offsetMs;
    const rangeStart = end - rangeMs;
    b = windowEnd(tsPtr, b, hi, end);
    a = windowStart(tsPtr, a, b, rangeStart, open);
    const n = b - a;
    windowSamples += <i64>n;
    if (n < 2) {
      stf(outVals, row + i, 0);
      stb(outMask, row + i, 0);
      continue;
    }
    const last = b - 1;
    const tFirst = ldf(tsPtr, a);
    const tLast = ldf(tsPtr, last);
    const vFirst = ldf(valsPtr, a);
    let result = ldf(valsPtr, last) - vFirst;
    if (rc < nResets) {
      while (rc < nResets && ldu(resetsPtr, rc) <= a) rc++;
      result = withResets(valsPtr, resetsPtr, rc, nResets, b, result);
    }
    const startGapMs = tFirst - rangeStart;
    const endGapMs = end - tLast;
    const spanMs = tLast - tFirst;
    if (startGapMs !== cStartMs || endGapMs !== cEndMs || spanMs !== cSpanMs || n !== cN) {
      cStartMs = startGapMs;
      cEndMs = endGapMs;
      cSpanMs = spanMs;
      cN = n;
      let durationToStart = startGapMs / 1000;
      let durationToEnd = endGapMs / 1000;
      const sampledInterval = spanMs / 1000;
      const averageDurationBetweenSamples = sampledInterval / <f64>(n - 1);
      const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
      if (durationToStart >= extrapolationThreshold) {
        durationToStart = averageDurationBetweenSamples / 2;
      }
      if (durationToEnd >= extrapolationThreshold) {
        durationToEnd = averageDurationBetweenSamples / 2;
      }
      cSampled = sampledInterval;
      cToStart = durationToStart;
      cToEnd = durationToEnd;
      const factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
      cFactor = isRate ? factor / rangeSeconds : factor;
      cZeroBound = (durationToStart / sampledInterval) * (1 + 1e-9);
    }
    stf(
      outVals,
      row + i,
      extrapolated(
        result,
        vFirst,
        isCounter,
        isRate,
        rangeSeconds,
        cFactor,
        cZeroBound,
        cSampled,
        cToStart,
        cToEnd,
      ),
    );
    stb(outMask, row + i, 1);
  }
  xA = a;
  xB = b;
  xRc = rc;
  xSamples += windowSamples;
  xStartMs = cStartMs;
  xEndMs = cEndMs;
  xSpanMs = cSpanMs;
  xN = cN;
  xSampled = cSampled;
  xToStart = cToStart;
  xToEnd = cToEnd;
  xFactor = cFactor;
  xZeroBound = cZeroBound;
}

// The step grid of the current extrapolatedRates call, for startPasses and endPasses.
let eTs: usize = 0;
let eBase: f64 = 0; // startMs - offsetMs: the end of step 0's window
let eStepMs: f64 = 0;
let eRangeMs: f64 = 0;
let eSteps: i32 = 0;

/** A step index from a real one: rounded up, and clamped to [0, eSteps]. */
function stepAtOrAfter(x: f64): i32 {
  const f = Math.ceil(x);
  return !(f > 0) ? 0 : f >= <f64>eSteps ? eSteps : <i32>f;
}

/**
 * About the first step whose window starts at sample `u` or later (its range start has
 * reached the sample before; for a window closed on the left that is one step later,
 * which only makes a try come a step early).
 */
function startPasses(u: i32): i32 {
  return stepAtOrAfter((ldf(eTs, u - 1) + eRangeMs - eBase) / eStepMs);
}

/** About the first step whose window ends at sample `u` or later (holds it). */
function endPasses(u: i32): i32 {
  return stepAtOrAfter((ldf(eTs, u) - eBase) / eStepMs);
}

/**
 * The spacing of most of the series' samples, judged by its first three spacings (two of
 * them equal), into uD, and the samples a step moves over at it into uK; false when
 * there is no such spacing (scrapes with jitter make no stretches) or it does not divide
 * the step.
 */
function regularSpacing(tsPtr: usize, lo: i32, hi: i32, stepMs: f64): bool {
  uD = 0;
  uK = 0;
  if (hi - lo < 4) return false;
  const d1 = ldf(tsPtr, lo + 1) - ldf(tsPtr, lo);
  const d2 = ldf(tsPtr, lo + 2) - ldf(tsPtr, lo + 1);
  const d3 = ldf(tsPtr, lo + 3) - ldf(tsPtr, lo + 2);
  const d = d1 === d2 || d1 === d3 ? d1 : d2 === d3 ? d2 : 0;
  if (!(d > 0)) return false;
  const kf = stepMs / d;
  if (!(kf === Math.floor(kf) && kf >= 1 && kf < <f64>(hi - lo))) return false;
  uD = d;
  uK = <i32>kf;
  return true;
}

/**
 * Lists, in one pass over the series, the positions p in (lo, hi) of its counter resets
 * (vs[p] < vs[p - 1]; at `resetsPtr`, when `counter`) and of its uneven spacings
 * (ts[p] - ts[p - 1] not uD; at uPtr, uN of them, when `uneven`), both ascending; puts
 * the edge cursors of the uneven list at its start. Returns the number of resets.
 */
function scanSeries(
  tsPtr: usize,
  valsPtr: usize,
  lo: i32,
  hi: i32,
  resetsPtr: usize,
  counter: bool,
  uneven: bool,
): i32 {
  let nResets = 0;
  uN = 0;
  uA = 0;
  uB = 0;
  if (!counter && !uneven) return 0;
  const d = uD;
  let p = lo + 1;
  if (ASC_FEATURE_SIMD) {
    // Four positions at a time; resets and uneven spacings are rare, so fours without
    // either are skipped.
    const even = f64x2.splat(d);
    const none = i64x2.splat(0);
    for (; p + 4 <= hi; p += 4) {
      const v = valsPtr + ((<usize>p) << 3);
      const t = tsPtr + ((<usize>p) << 3);
      const down = counter
        ? v128.or(
            f64x2.lt(v128.load(v), v128.load(v - 8)),
            f64x2.lt(v128.load(v, 16), v128.load(v, 8)),
          )
        : none;
      const off = uneven
        ? v128.or(
            f64x2.ne(f64x2.sub(v128.load(t), v128.load(t - 8)), even),
            f64x2.ne(f64x2.sub(v128.load(t, 16), v128.load(t, 8)), even),
          )
        : none;
      if (!v128.any_true(v128.or(down, off))) continue;
      for (let q = p; q < p + 4; q++) {
        if (counter && ldf(valsPtr, q) < ldf(valsPtr, q - 1)) stu(resetsPtr, nResets++, q);
        if (uneven && ldf(tsPtr, q) - ldf(tsPtr, q - 1) !== d) stu(uPtr, uN++, q);
      }
    }
  }
  for (; p < hi; p++) {
    if (counter && ldf(valsPtr, p) < ldf(valsPtr, p - 1)) stu(resetsPtr, nResets++, p);
    if (uneven && ldf(tsPtr, p) - ldf(tsPtr, p - 1) !== d) stu(uPtr, uN++, p);
  }
  return nResets;
}

/**
 * How many windows after the one from `a` to `b` (exclusive; two samples or more, the
 * first `startGapMs` after its start, the last `endGapMs` before its end) form a steady
 * stretch with it (see extrapolatedRates), at most `maxSteps`; 0 when none do. Sets
 * sNext to the step to try again at.
 *
 * With d the series' regular spacing and k = step / d, the window j + 1 steps on is
 * [a + (j + 1)k, b + (j + 1)k), with the same geometry, when every spacing in
 * (a, a + (j + 1)k] and in (b - 1, b - 1 + (j + 1)k] is d and the first sample is no
 * more than d after the window's start (less on a window closed on the left): its first
 * sample then lies (j + 1) steps after this one's and the sample before it d earlier, at
 * or before the moved start; its last sample lies (j + 1) steps after this one's, and
 * the sample after it, when still in the even run, d later, after the moved end (as
 * ts[b] is after this window's end). The sample after the last window's is checked.
 */
function edgeStretch(
  tsPtr: usize,
  a: i32,
  b: i32,
  hi: i32,
  maxSteps: i32,
  startGapMs: f64,
  endGapMs: f64,
  open: bool,
): i32 {
  const k = uK;
  const d = uD;
  if (open ? !(startGapMs <= d) : !(startGapMs < d)) {
    // Missed scrapes before the window's first sample: wait for the next sample.
    sNext = startPasses(a + 1);
    return 0;
  }
  // The first uneven position after each edge (hi when none).
  while (uA < uN && <i32>ldu(uPtr, uA) <= a) uA++;
  while (uB < uN && <i32>ldu(uPtr, uB) <= b - 1) uB++;
  const ua = uA < uN ? <i32>ldu(uPtr, uA) : hi;
  const ub = uB < uN ? <i32>ldu(uPtr, uB) : hi;
  const byStart = (ua - 1 - a) / k;
  const byEnd = (ub - b) / k;
  let steps = min(byStart, byEnd);
  let endLimits = byEnd <= byStart;
  if (steps > 0 && steps <= maxSteps) {
    const last = b + steps * k;
    if (last < hi && ldf(tsPtr, last) - ldf(tsPtr, last - 1) <= endGapMs) {
      // The sample after the last window's is not after its end.
      steps--;
      endLimits = true;
    }
  }
  if (steps >= maxSteps) {
    sNext = eSteps;
    return maxSteps;
  }
  // Try again once each edge that ended the stretch has passed its uneven spacing.
  let next = byStart <= steps ? startPasses(ua) : 0;
  if (endLimits) next = max(next, ub >= hi ? eSteps : endPasses(ub));
  sNext = next;
  return steps;
}

/**
 * The `steps` windows of a steady stretch after the one whose first sample is at `a`,
 * whose end is `b` and whose cell is `cell` (see extrapolatedRates), each `k` samples
 * further on, with that window's extrapolation; returns the reset cursor after them.
 */
function steadyWindows(
  valsPtr: usize,
  resetsPtr: usize,
  rc: i32,
  nResets: i32,
  a: i32,
  b: i32,
  k: i32,
  steps: i32,
  isCounter: bool,
  isRate: bool,
  rangeSeconds: f64,
  cFactor: f64,
  cZeroBound: f64,
  cSampled: f64,
  cToStart: f64,
  cToEnd: f64,
  outVals: usize,
  outMask: usize,
  cell: i32,
): i32 {
  let j = 0;
  if (ASC_FEATURE_SIMD && k === 1) {
    // Two windows at a time while neither holds a reset (the next one, if any, is
    // past both), with their first and last values side by side in memory. A pair
    // where a counter's zero point may matter goes through the scalar loop below.
    const factor = f64x2.splat(cFactor);
    const zeroBound = f64x2.splat(cZeroBound);
    const zero = f64x2.splat(0);
    while (rc < nResets && ldu(resetsPtr, rc) <= a) rc++;
    for (; j + 2 <= steps; j += 2) {
      if (rc < nResets && ldu(resetsPtr, rc) < b + 2) break;
      const first = v128.load(valsPtr + ((<usize>(a + 1)) << 3));
      const r = f64x2.sub(v128.load(valsPtr + ((<usize>b) << 3)), first);
      if (
        isCounter &&
        v128.any_true(
          v128.andnot(
            v128.and(f64x2.gt(r, zero), f64x2.ge(first, zero)),
            f64x2.ge(first, f64x2.mul(r, zeroBound)),
          ),
        )
      ) {
        break;
      }
      v128.store(outVals + ((<usize>(cell + 1)) << 3), f64x2.mul(r, factor));
      store<u16>(outMask + <usize>(cell + 1), 0x0101);
      a += 2;
      b += 2;
      cell += 2;
    }
  }
  for (; j < steps; j++) {
    a += k;
    b += k;
    cell++;
    const first = ldf(valsPtr, a);
    let r = ldf(valsPtr, b - 1) - first;
    if (rc < nResets) {
      while (rc < nResets && ldu(resetsPtr, rc) <= a) rc++;
      r = withResets(valsPtr, resetsPtr, rc, nResets, b, r);
    }
    stf(
      outVals,
      cell,
      extrapolated(
        r,
        first,
        isCounter,
        isRate,
        rangeSeconds,
        cFactor,
        cZeroBound,
        cSampled,
        cToStart,
        cToEnd,
      ),
    );
    stb(outMask, cell, 1);
  }
  return rc;
}

/**
 * `result` plus the value before each counter reset at positions listed from `rc` on
 * that lie before `b`, in order (the resets up to the window's first sample skipped).
 */
function withResets(
  valsPtr: usize,
  resetsPtr: usize,
  rc: i32,
  nResets: i32,
  b: i32,
  result: f64,
): f64 {
  for (let k = rc; k < nResets; k++) {
    const pos = ldu(resetsPtr, k);
    if (pos >= b) break;
    result += ldf(valsPtr, pos - 1);
  }
  return result;
}

/**
 * A window's `result` times its extrapolation factor: the geometry's `factor`, or, for a
 * counter whose zero point (durationToZero, when shorter than durationToStart, replaces
 * it) lies in the window, that point's. The zero point moves the start only when
 * vFirst / result is below toStart / sampled; `zeroBound` is that ratio raised by far
 * more than the rounding of either side, so a first value at or above result × zeroBound
 * needs no division.
 */
function extrapolated(
  result: f64,
  vFirst: f64,
  isCounter: bool,
  isRate: bool,
  rangeSeconds: f64,
  factor: f64,
  zeroBound: f64,
  sampled: f64,
  toStart: f64,
  toEnd: f64,
): f64 {
  if (isCounter && result > 0 && vFirst >= 0 && !(vFirst >= result * zeroBound)) {
    const durationToZero = sampled * (vFirst / result);
    if (durationToZero < toStart) {
      const f = (sampled + durationToZero + toEnd) / sampled;
      factor = isRate ? f / rangeSeconds : f;
    }
  }
  return result * factor;
}

/**
 * max_over_time and min_over_time without modifiers: the general loop's sliding deque
 * (see slide and dequePush) and its window bounds, in one loop with no per-cell
 * dispatch. A window's value is the deque's head, NaN when every sample in it is NaN.
 */
function minMaxOverTime(
  isMax: bool,
  tsPtr: usize,
  offPtr: usize,
  nSeries: i32,
  startMs: f64,
  stepMs: f64,
  nSteps: i32,
  rangeMs: f64,
  offsetMs: f64,
  atMs: f64,
  hasAt: i32,
  leftOpen: i32,
  dqPtr: usize,
  outVals: usize,
  outMask: usize,
): void {
  const open = leftOpen !== 0;
  let windowSamples: i64 = 0;
  for (let s = 0; s < nSeries; s++) {
    const lo = ldu(offPtr, s);
    const hi = ldu(offPtr, s + 1);
    let a = lo;
    let b = lo;
    let head = 0;
    let tail = 0;
    const row = s * nSteps;
    for (let i = 0; i < nSteps; i++) {
      const end = (hasAt !== 0 ? atMs : startMs + <f64>i * stepMs) - offsetMs;
      const rangeStart = end - rangeMs;
      const nb = windowEnd(tsPtr, b, hi, end);
      const na = windowStart(tsPtr, a, nb, rangeStart, open);
      if (nSteps === 1) {
        // One window: a scan, which keeps the first of equal extremes as the deque does.
        let m: f64 = NaN;
        for (let j = na; j < nb; j++) {
          const x = v(j);
          if (isMax ? x > m : x < m) m = x;
          else if (Number.isNaN(m)) m = x;
        }
        windowSamples += <i64>(nb - na);
        stf(outVals, row, na < nb ? m : 0);
        stb(outMask, row, na < nb ? 1 : 0);
        break;
      }
      while (head < tail && ldu(dqPtr, head) < na) head++;
      for (let j = max<i32>(b, na); j < nb; j++) {
        const x = v(j);
        if (Number.isNaN(x)) continue;
        while (head < tail) {
          const y = v(ldu(dqPtr, tail - 1));
          if (isMax ? !(y < x) : !(y > x)) break;
          tail--;
        }
        stu(dqPtr, tail++, j);
      }
      a = na;
      b = nb;
      windowSamples += <i64>(b - a);
      if (a < b) {
        stf(outVals, row + i, head < tail ? v(ldu(dqPtr, head)) : NaN);
        stb(outMask, row + i, 1);
      } else {
        stf(outVals, row + i, 0);
        stb(outMask, row + i, 0);
      }
    }
  }
  gWindowSamples = <f64>windowSamples;
}

// ===== Sliding state =====

function startSeries(lo: i32, hi: i32): void {
  dqHead = 0;
  dqTail = 0;
  sortedLen = 0;
  transitions = 0;
  resetCursor = 0;
  resetCount = 0;
  exactSums = (gFn === FN_SUM || gFn === FN_AVG) && exactPrefixSums(lo, hi);
  seriesLo = lo;
  if ((gFn === FN_RATE || gFn === FN_INCREASE) && gModifier === MOD_NONE) {
    // Positions i (lo < i < hi) where the counter went down.
    for (let i = lo + 1; i < hi; i++) {
      if (v(i) < v(i - 1)) stu(gInts, resetCount++, i);
    }
  }
}

/**
 * Prefix sums of samples [lo, hi) into gBuf0 (P(k), the sum of the first k samples, at
 * index k, for k = 0 … hi - lo; the one past maxLen lands in gBuf1, which sum and avg do
 * not use), when every sum of them is exact: all samples are integers and the sum of
 * their magnitudes is at most 2^52. Every partial sum is then an integer that a float64
 * holds exactly, so each addition of the compensated loop (sumOverTime, avgOverTime) is
 * exact, its compensation stays +0 and it never switches to the incremental mean: a
 * window's result is P(b) - P(a) (over the count for avg), bit for bit, without a pass
 * over the window. (Neither side yields -0: a sum starting from +0, or x - x, is +0, and
 * the loop's -0 / n + c / n is +0 too.) Integer gauges (bytes, counts, queue lengths)
 * are common; for anything else this stops at the first sample that is not an integer.
 */
function exactPrefixSums(lo: i32, hi: i32): bool {
  let magnitude: f64 = 0;
  for (let i = lo; i < hi; i++) {
    const x = v(i);
    if (x !== trunc<f64>(x)) return false;
    magnitude += abs<f64>(x);
  }
  // Inf and large sums fail here; NaN failed above.
  if (!(magnitude <= 4503599627370496.0)) return false;
  let sum: f64 = 0;
  stf(gBuf0, 0, 0);
  for (let i = lo; i < hi; i++) {
    sum += v(i);
    stf(gBuf0, i - lo + 1, sum);
  }
  return true;
}

// Moves the sliding state of the current function from window [a, b) to [na, nb).
function slide(a: i32, b: i32, na: i32, nb: i32): void {
  switch (gFn) {
    case FN_MIN:
    case FN_MAX:
    case FN_TS_OF_MIN:
    case FN_TS_OF_MAX: {
      while (dqHead < dqTail && ldu(gInts, dqHead) < na) dqHead++;
      for (let j = max<i32>(b, na); j < nb; j++) dequePush(j);
      break;
    }
    case FN_QUANTILE: {
      const overlap = min<i32>(b, nb) - na;
      if (overlap <= 0 || na - a + (nb - b) > nb - na) {
        // Rebuilding is cheaper than sliding (or the windows do not overlap).
        const n = nb - na;
        if (n > 0) memory.copy(gBuf0, gVals + ((<usize>na) << 3), (<usize>n) << 3);
        stableSort(gBuf0, n, gBuf1);
        sortedLen = n;
      } else {
        for (let j = a; j < na; j++) sortedRemove(v(j));
        for (let j = b; j < nb; j++) sortedInsert(v(j));
      }
      break;
    }
    case FN_CHANGES:
    case FN_RESETS: {
      if (gModifier !== MOD_NONE) break;
      if (na >= b) {
        transitions = 0;
        for (let j = na + 1; j < nb; j++) transitions += transition(j);
      } else {
        const removeTo = min<i32>(na, b - 1);
        for (let j = a + 1; j <= removeTo; j++) transitions -= transition(j);
        for (let j = b; j < nb; j++) if (j > na) transitions += transition(j);
      }
      break;
    }
    default:
      break;
  }
}

// For max: keep values non-increasing from head to tail, so the head is the earliest
// maximum (max_over_time keeps the first of equal maxima). ts_of_max keeps the last of
// equal maxima, so it also drops equal values. NaN never enters: it is ignored unless
// the whole window is NaN.
function dequePush(j: i32): void {
  const x = v(j);
  if (Number.isNaN(x)) return;
  while (dqHead < dqTail) {
    const y = v(ldu(gInts, dqTail - 1));
    let drop: bool;
    if (gFn === FN_MAX) drop = y < x;
    else if (gFn === FN_MIN) drop = y > x;
    else if (gFn === FN_TS_OF_MAX) drop = y <= x;
    else drop = y >= x;
    if (!drop) break;
    dqTail--;
  }
  stu(gInts, dqTail++, j);
}

function sortedInsert(x: f64): void {
  const pos = upperBound(gBuf0, 0, sortedLen, x);
  const p = gBuf0 + ((<usize>pos) << 3);
  memory.copy(p + 8, p, (<usize>(sortedLen - pos)) << 3);
  stf(gBuf0, pos, x);
  sortedLen++;
}

function sortedRemove(x: f64): void {
  // Among equal keys the oldest sample comes first, and it is the one leaving.
  const pos = lowerBound(gBuf0, 0, sortedLen, x);
  const p = gBuf0 + ((<usize>pos) << 3);
  memory.copy(p, p + 8, (<usize>(sortedLen - pos - 1)) << 3);
  sortedLen--;
}

// 1 if the pair (j-1, j) counts for changes (value changed, NaN == NaN) or resets
// (value went down).
function transition(j: i32): i32 {
  const cur = v(j);
  const prev = v(j - 1);
  if (gFn === FN_CHANGES) return cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev)) ? 1 : 0;
  return cur < prev ? 1 : 0;
}

// ===== Per-window evaluation =====

function windowValue(a: i32, b: i32, i: i32, evalT: f64, rangeStart: f64, end: f64): f64 {
  const n = b - a;
  gOk = true;
  switch (gFn) {
    case FN_RATE:
      return gModifier === MOD_NONE
        ? extrapolatedRate(a, b, rangeStart, end, true, true)
        : extendedRate(a, b, rangeStart, end, true, true);
    case FN_INCREASE:
      return gModifier === MOD_NONE
        ? extrapolatedRate(a, b, rangeStart, end, true, false)
        : extendedRate(a, b, rangeStart, end, true, false);
    case FN_DELTA:
      return gModifier === MOD_NONE
        ? extrapolatedRate(a, b, rangeStart, end, false, false)
        : extendedRate(a, b, rangeStart, end, false, false);
    case FN_IRATE:
    case FN_IDELTA:
      return instantValue(a, b, gFn === FN_IRATE);
    case FN_DERIV: {
      if (n < 2) {
        gOk = false;
        return 0;
      }
      linearRegression(a, b, t(a));
      return lrSlope;
    }
    case FN_PREDICT_LINEAR: {
      if (n < 2) {
        gOk = false;
        return 0;
      }
      linearRegression(a, b, evalT);
      return lrSlope * ldf(gP1, i) + lrIntercept;
    }
    case FN_RESETS:
    case FN_CHANGES:
      return gModifier === MOD_NONE ? <f64>transitions : anchoredTransitions(a, b, rangeStart);
    case FN_SUM:
      if (exactSums) return ldf(gBuf0, b - seriesLo) - ldf(gBuf0, a - seriesLo);
      return sumOverTime(a, b);
    case FN_AVG:
      if (exactSums) return (ldf(gBuf0, b - seriesLo) - ldf(gBuf0, a - seriesLo)) / <f64>n;
      return avgOverTime(a, b);
    case FN_MIN:
    case FN_MAX:
      return dqHead < dqTail ? v(ldu(gInts, dqHead)) : NaN;
    case FN_TS_OF_MIN:
    case FN_TS_OF_MAX:
      // An all-NaN window reports the last sample, as Prometheus's loop does.
      return (dqHead < dqTail ? t(ldu(gInts, dqHead)) : t(b - 1)) / 1000;
    case FN_COUNT:
      return <f64>n;
    case FN_LAST:
      return v(b - 1);
    case FN_FIRST:
      return v(a);
    case FN_PRESENT:
      return 1;
    case FN_STDDEV:
      return sqrt<f64>(varianceOverTime(a, b));
    case FN_STDVAR:
      return varianceOverTime(a, b);
    case FN_QUANTILE: {
      const q = ldf(gP1, i);
      if (Number.isNaN(q) || q < 0 || q > 1) gFlags |= FLAG_INVALID_QUANTILE;
      return quantileSorted(q, gBuf0, sortedLen);
    }
    case FN_MAD:
      return madOverTime(a, b);
    case FN_DES:
      return doubleExponentialSmoothing(a, b, ldf(gP1, i), ldf(gP2, i));
    case FN_TS_OF_LAST:
      return t(b - 1) / 1000;
    case FN_TS_OF_FIRST:
      return t(a) / 1000;
    default:
      gOk = false;
      return 0;
  }
}

// === rate/increase/delta(v range-vector) instant-vector, 2.x ===
// Semantics follow prometheus/prometheus promql/functions.go extrapolatedRate as of
// v2.42.0 (range_eval's legacy flag). The 3.x function is extrapolatedRates, which
// range_eval calls for every window at once.
function extrapolatedRate(
  a: i32,
  b: i32,
  rangeStart: f64,
  rangeEnd: f64,
  isCounter: bool,
  isRate: bool,
): f64 {
  const n = b - a;
  if (n < 2) {
    gOk = false;
    return 0;
  }
  const first = a;
  const last = b - 1;
  let result = v(last) - v(first);
  if (isCounter) {
    // Visit the counter resets inside the window, in order.
    while (resetCursor < resetCount && ldu(gInts, resetCursor) <= a) resetCursor++;
    result = withResets(gVals, gInts, resetCursor, resetCount, b, result);
  }
  // 2.42: the zero point first, then the thresholds.
  let durationToStart = (t(first) - rangeStart) / 1000;
  const durationToEnd = (rangeEnd - t(last)) / 1000;
  const sampledInterval = (t(last) - t(first)) / 1000;
  const averageDurationBetweenSamples = sampledInterval / <f64>(n - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  if (isCounter && result > 0 && v(first) >= 0) {
    const durationToZero = sampledInterval * (v(first) / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  let extrapolateToInterval = sampledInterval;
  if (durationToStart < extrapolationThreshold) extrapolateToInterval += durationToStart;
  else extrapolateToInterval += averageDurationBetweenSamples / 2;
  if (durationToEnd < extrapolationThreshold) extrapolateToInterval += durationToEnd;
  else extrapolateToInterval += averageDurationBetweenSamples / 2;
  let factor = extrapolateToInterval / sampledInterval;
  if (isRate) factor /= gRangeSeconds;
  return result * factor;
}

// Linear interpolation between samples p and p+1 at time x; a counter that went down
// is modelled as restarting from 0. Semantics follow functions.go interpolate.
function interpolate(p: i32, x: f64, isCounter: bool): f64 {
  let y1 = v(p);
  const y2 = v(p + 1);
  if (isCounter && y2 < y1) y1 = 0;
  return y1 + ((y2 - y1) * (x - t(p))) / (t(p + 1) - t(p));
}

// === rate/increase/delta with the anchored or smoothed modifier ===
// Semantics follow prometheus/prometheus promql/functions.go extendedRate (3.14).
function extendedRate(
  a: i32,
  b: i32,
  rangeStart: f64,
  rangeEnd: f64,
  isCounter: bool,
  isRate: bool,
): f64 {
  const smoothed = gModifier === MOD_SMOOTHED;
  let last = b - 1;
  // The last sample at or before rangeStart, else the first sample.
  let k = a;
  while (k < last && t(k) <= rangeStart) k++;
  let first = max<i32>(a, k - 1);
  if (smoothed) {
    let j = a;
    while (j < last && t(j) < rangeEnd) j++;
    last = j;
  }
  // Data only before or only after the range: nothing to interpolate across
  // (the latter per prometheus/prometheus#18523, in 3.14).
  if (t(last) <= rangeStart || t(a) > rangeEnd) {
    gOk = false;
    return 0;
  }
  const left =
    smoothed && t(first) < rangeStart ? interpolate(first, rangeStart, isCounter) : v(first);
  const right =
    smoothed && last > a && t(last) > rangeEnd
      ? interpolate(last - 1, rangeEnd, isCounter)
      : v(last);
  let result = right - left;
  if (isCounter) {
    // Only samples strictly inside the range take part in the reset correction; the
    // boundary values already account for resets at the edges.
    if (t(first) <= rangeStart) first++;
    if (t(last) >= rangeEnd) last--;
    let correction: f64 = 0;
    let prev = left;
    for (let j = first; j <= last; j++) {
      const x = v(j);
      if (x < prev) correction += prev;
      prev = x;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (isRate) result /= gRangeSeconds;
  return result;
}

// === irate/idelta(v range-vector) instant-vector ===
// Semantics follow prometheus/prometheus promql/functions.go instantValue.
function instantValue(a: i32, b: i32, isRate: bool): f64 {
  if (b - a < 2) {
    gOk = false;
    return 0;
  }
  const p0 = v(b - 2);
  const p1 = v(b - 1);
  const sampledInterval = t(b - 1) - t(b - 2);
  if (sampledInterval === 0) {
    gOk = false;
    return 0;
  }
  let result = p1;
  if (!isRate || !(p1 < p0)) result = p1 - p0;
  if (isRate) result /= sampledInterval / 1000;
  return result;
}

// Results of linearRegression.
let lrSlope: f64 = 0;
let lrIntercept: f64 = 0;

// Least squares with compensated sums. Semantics follow prometheus/prometheus
// promql/functions.go linearRegression.
function linearRegression(a: i32, b: i32, interceptTime: f64): void {
  const vals = gVals;
  const times = gTs;
  let n: f64 = 0;
  let sumX: f64 = 0;
  let cX: f64 = 0;
  let sumY: f64 = 0;
  let cY: f64 = 0;
  let sumXY: f64 = 0;
  let cXY: f64 = 0;
  let sumX2: f64 = 0;
  let cX2: f64 = 0;
  const initY = ldf(vals, a);
  let constY = true;
  for (let i = a; i < b; i++) {
    const y = ldf(vals, i);
    if (constY && i > a && y !== initY) constY = false;
    n += 1.0;
    const x = (ldf(times, i) - interceptTime) / 1e3;
    let t = sumX + x;
    cX = kahanComp(x, sumX, t, cX);
    sumX = t;
    t = sumY + y;
    cY = kahanComp(y, sumY, t, cY);
    sumY = t;
    const xy = x * y;
    t = sumXY + xy;
    cXY = kahanComp(xy, sumXY, t, cXY);
    sumXY = t;
    const xx = x * x;
    t = sumX2 + xx;
    cX2 = kahanComp(xx, sumX2, t, cX2);
    sumX2 = t;
  }
  if (constY) {
    if (isInf(initY)) {
      lrSlope = NaN;
      lrIntercept = NaN;
    } else {
      lrSlope = 0;
      lrIntercept = initY;
    }
    return;
  }
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  lrSlope = covXY / varX;
  lrIntercept = sumY / n - (lrSlope * sumX) / n;
}

// changes/resets with the anchored modifier: count from the last sample at or before
// the range start. Semantics follow functions.go pickFirstSampleIndex and funcChanges.
function anchoredTransitions(a: i32, b: i32, rangeStart: f64): f64 {
  if (t(b - 1) <= rangeStart) {
    gOk = false;
    return 0;
  }
  let k = a;
  while (k < b - 1 && t(k) <= rangeStart) k++;
  const first = max<i32>(a, k - 1);
  let count = 0;
  for (let j = first + 1; j < b; j++) count += transition(j);
  return <f64>count;
}

// === sum_over_time(range-vector) ===
// Semantics follow prometheus/prometheus promql/functions.go funcSumOverTime.
function sumOverTime(a: i32, b: i32): f64 {
  const vals = gVals;
  let sum: f64 = 0;
  let c: f64 = 0;
  for (let i = a; i < b; i++) {
    const x = ldf(vals, i);
    const t = sum + x;
    c = kahanComp(x, sum, t, c);
    sum = t;
  }
  if (isInf(sum)) return sum;
  return sum + c;
}

// === avg_over_time(range-vector) ===
// Direct mean with compensated summation, switching to an incremental mean once the
// sum would overflow. Semantics follow functions.go funcAvgOverTime.
function avgOverTime(a: i32, b: i32): f64 {
  const vals = gVals;
  let sum = ldf(vals, a);
  let count: f64 = 1;
  let mean: f64 = 0;
  let c: f64 = 0;
  let incremental = false;
  for (let i = a + 1; i < b; i++) {
    const f = ldf(vals, i);
    count = <f64>(i - a + 1);
    if (!incremental) {
      const t = sum + f;
      if (!isInf(t)) {
        c = kahanComp(f, sum, t, c);
        sum = t;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    const inc = f / count;
    const scaled = q * mean;
    const t = scaled + inc;
    c = kahanComp(inc, scaled, t, q * c);
    mean = t;
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

// === stddev_over_time / stdvar_over_time(range-vector) ===
// Welford's algorithm with compensated sums. Semantics follow functions.go
// varianceOverTime.
function varianceOverTime(a: i32, b: i32): f64 {
  const vals = gVals;
  let count: f64 = 0;
  let mean: f64 = 0;
  let cMean: f64 = 0;
  let aux: f64 = 0;
  let cAux: f64 = 0;
  for (let i = a; i < b; i++) {
    const f = ldf(vals, i);
    count++;
    const delta = f - (mean + cMean);
    const dm = delta / count;
    const tm = mean + dm;
    cMean = kahanComp(dm, mean, tm, cMean);
    mean = tm;
    const da = delta * (f - (mean + cMean));
    const ta = aux + da;
    cAux = kahanComp(da, aux, ta, cAux);
    aux = ta;
  }
  return (aux + cAux) / count;
}

// === mad_over_time(range-vector) ===
// Median of the absolute deviations from the median. Semantics follow functions.go
// funcMadOverTime as of 3.14.
function madOverTime(a: i32, b: i32): f64 {
  const n = b - a;
  // A NaN sample makes the result NaN (prometheus/prometheus#19040, in 3.14).
  for (let i = a; i < b; i++) if (Number.isNaN(v(i))) return NaN;
  memory.copy(gBuf0, gVals + ((<usize>a) << 3), (<usize>n) << 3);
  stableSort(gBuf0, n, gBuf2);
  const median = quantileSorted(0.5, gBuf0, n);
  for (let i = 0; i < n; i++) stf(gBuf1, i, abs<f64>(v(a + i) - median));
  stableSort(gBuf1, n, gBuf2);
  return quantileSorted(0.5, gBuf1, n);
}

// === double_exponential_smoothing(range-vector, sf, tf) ===
// Semantics follow functions.go funcDoubleExponentialSmoothing and calcTrendValue.
// Invalid factors make Prometheus fail the query; here they set a flag.
function doubleExponentialSmoothing(a: i32, b: i32, sf: f64, tf: f64): f64 {
  if (sf <= 0 || sf >= 1) {
    gFlags |= FLAG_INVALID_SMOOTHING_FACTOR;
    gOk = false;
    return 0;
  }
  if (tf <= 0 || tf >= 1) {
    gFlags |= FLAG_INVALID_TREND_FACTOR;
    gOk = false;
    return 0;
  }
  const l = b - a;
  if (l < 2) {
    gOk = false;
    return 0;
  }
  let s0: f64 = 0;
  let s1 = v(a);
  let trend = v(a + 1) - v(a);
  for (let i = 1; i < l; i++) {
    const x = sf * v(a + i);
    if (i - 1 !== 0) {
      trend = tf * (s1 - s0) + (1 - tf) * trend;
    }
    const y = (1 - sf) * (s1 + trend);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

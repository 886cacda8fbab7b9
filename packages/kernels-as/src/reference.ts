/**
 * The reference kernels: every kernel written in plain TypeScript for clarity. They
 * are the oracle the WebAssembly kernels are tested against (bit for bit) and the
 * fallback where WebAssembly is unavailable. Each function follows the Prometheus Go
 * code it names, loop for loop; windows are rescanned rather than slid.
 */

import { type Arena, HeapArena } from './arena.js';
import {
  AGGREGATE_OP_IDS,
  float64Words,
  isStaleWord,
  KernelFlags,
  MATH_FUNCTION_IDS,
  RANGE_FUNCTION_IDS,
} from './constants.js';
import * as go from './gomath.js';
import type { Kernels } from './kernels.js';
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
import {
  checkGrid,
  checkGroups,
  checkHistograms,
  checkLength,
  checkMatrix,
  checkRangeAggregate,
  checkRangeOptions,
  checkSeries,
  durationSeconds,
  isSource,
  packSource,
} from './validate.js';

// ===== Shared numerics =====

let kSum = 0;
let kC = 0;

/**
 * One Kahan-Neumaier step; leaves the sum in kSum and the compensation in kC.
 * Semantics follow prometheus/prometheus util/kahansum/kahansum.go Inc.
 */
function kahanInc(inc: number, sum: number, c: number): void {
  const t = sum + inc;
  if (Math.abs(t) === Infinity) c = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) c += sum - t + inc;
  else c += inc - t + sum;
  kSum = t;
  kC = c;
}

function isInf(x: number): boolean {
  return Math.abs(x) === Infinity;
}

/**
 * Prometheus's sort order for quantiles (vectorByValueHeap.Less): NaN first, then
 * ascending, -0 equal to +0. Sorting is stable (see assembly/sort.ts for why).
 */
function compareValues(a: number, b: number): number {
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedValues(values: ArrayLike<number>, from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(values[i] as number);
  return out.sort(compareValues);
}

/** Semantics follow prometheus/prometheus promql/quantile.go quantile. */
function quantile(q: number, sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0 || Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const rank = q * (n - 1);
  const lowerIndex = go.max(0, Math.floor(rank));
  const upperIndex = go.min(n - 1, lowerIndex + 1);
  const weight = rank - Math.floor(rank);
  return (sorted[lowerIndex] as number) * (1 - weight) + (sorted[upperIndex] as number) * weight;
}

/** The batch without staleness markers (the same object when it has none). */
function withoutStaleMarkers(input: SeriesBatch, n: number): SeriesBatch {
  const words = float64Words(input.values);
  const total = input.offsets[n] as number;
  let stale = 0;
  for (let i = 0; i < total; i++) if (isStaleWord(words, i)) stale++;
  if (stale === 0) return input;
  const ts = new Float64Array(total - stale);
  const values = new Float64Array(total - stale);
  const offsets = new Uint32Array(n + 1);
  let k = 0;
  for (let s = 0; s < n; s++) {
    for (let i = input.offsets[s] as number; i < (input.offsets[s + 1] as number); i++) {
      if (isStaleWord(words, i)) continue;
      ts[k] = input.ts[i] as number;
      values[k] = input.values[i] as number;
      k++;
    }
    offsets[s + 1] = k;
  }
  return { ts, values, offsets };
}

// ===== Instant-vector selector =====

/**
 * See {@link Kernels.instantSelector}. Semantics follow prometheus/prometheus
 * promql/engine.go vectorSelectorSingle.
 */
export function instantSelector(
  input: SeriesBatch,
  grid: StepGrid,
  options: InstantSelectorOptions,
  out: InstantSelectorOutput,
): void {
  const n = checkSeries(input);
  checkGrid(grid);
  const { nSteps } = grid;
  checkMatrix(out, n * nSteps, 'out');
  const outTs = out.ts;
  if (outTs !== undefined) checkLength(outTs, n * nSteps, 'out.ts');
  const leftOpen = options.leftOpen ?? true;
  const offsetMs = options.offsetMs ?? 0;
  const atMs = options.atMs ?? null;
  const words = float64Words(input.values);
  for (let s = 0; s < n; s++) {
    const lo = input.offsets[s] as number;
    const hi = input.offsets[s + 1] as number;
    // next: the first sample after the current step's reference time (steps only
    // move forward, so it only moves forward too).
    let next = lo;
    for (let i = 0; i < nSteps; i++) {
      const o = s * nSteps + i;
      const ref = (atMs ?? grid.startMs + i * grid.stepMs) - offsetMs;
      while (next < hi && (input.ts[next] as number) <= ref) next++;
      // The last sample at or before ref.
      const j = next - 1;
      const ts = j >= lo ? (input.ts[j] as number) : 0;
      const bound = ref - options.lookbackMs;
      const inLookback = j >= lo && (leftOpen ? ts > bound : ts >= bound);
      if (inLookback && !isStaleWord(words, j)) {
        out.values[o] = input.values[j] as number;
        if (outTs !== undefined) outTs[o] = ts;
        out.mask[o] = 1;
      } else {
        out.values[o] = 0;
        if (outTs !== undefined) outTs[o] = 0;
        out.mask[o] = 0;
      }
    }
  }
}

// ===== Range-vector functions =====

/** What a range function knows about the current step. */
interface WindowContext {
  fn: RangeFunction;
  rangeStart: number;
  rangeEnd: number;
  evalT: number;
  param: number;
  param2: number;
  modifier: 'anchored' | 'none' | 'smoothed';
  legacy: boolean;
  rangeSeconds: number;
  flags: number;
}

/**
 * See {@link Kernels.rangeFunction}. Each window's samples are handed to the function
 * named by `fn`, written after its Prometheus counterpart.
 */
export function rangeFunction(
  fn: RangeFunction,
  input: SeriesBatch,
  grid: StepGrid,
  options: RangeFunctionOptions,
  out: StepMatrix,
): number {
  if (!(fn in RANGE_FUNCTION_IDS)) throw new RangeError(`kernels: unknown range function ${fn}`);
  const n = checkSeries(input);
  checkGrid(grid);
  const { nSteps } = grid;
  checkMatrix(out, n * nSteps, 'out');
  checkRangeOptions(fn, options, nSteps);
  const batch = withoutStaleMarkers(input, n);
  const { ts, values } = batch;
  const leftOpen = options.leftOpen ?? true;
  const offsetMs = options.offsetMs ?? 0;
  const atMs = options.atMs ?? null;
  const modifier = options.modifier ?? 'none';
  const lookbackMs = options.lookbackMs ?? 0;
  const lowExtra = modifier === 'none' ? 0 : lookbackMs;
  const highExtra = modifier === 'smoothed' ? lookbackMs : 0;
  const ctx: WindowContext = {
    fn,
    rangeStart: 0,
    rangeEnd: 0,
    evalT: 0,
    param: 0,
    param2: 0,
    modifier,
    legacy: options.legacyExtrapolation ?? false,
    rangeSeconds: durationSeconds(options.rangeMs),
    flags: 0,
  };
  // Samples in all the windows (markers already dropped): totalQueryableSamples.
  let windowSamples = 0;
  for (let s = 0; s < n; s++) {
    const lo = batch.offsets[s] as number;
    const hi = batch.offsets[s + 1] as number;
    // Windows only move forward, so their bounds [a, b) only move forward too.
    let a = lo;
    let b = lo;
    for (let i = 0; i < nSteps; i++) {
      ctx.evalT = grid.startMs + i * grid.stepMs;
      ctx.rangeEnd = (atMs ?? ctx.evalT) - offsetMs;
      ctx.rangeStart = ctx.rangeEnd - options.rangeMs;
      ctx.param = options.param ? (options.param[i] as number) : 0;
      ctx.param2 = options.param2 ? (options.param2[i] as number) : 0;
      const low = ctx.rangeStart - lowExtra;
      const high = ctx.rangeEnd + highExtra;
      // The window [a, b): the samples with low < ts <= high (low <= ts in 2.x).
      while (b < hi && (ts[b] as number) <= high) b++;
      while (a < b && (leftOpen ? (ts[a] as number) <= low : (ts[a] as number) < low)) a++;
      windowSamples += b - a;
      const value = a < b ? windowFunction(ctx, ts, values, a, b) : undefined;
      const o = s * nSteps + i;
      out.values[o] = value ?? 0;
      out.mask[o] = value === undefined ? 0 : 1;
    }
  }
  if (options.counts) options.counts.windowSamples = windowSamples;
  return ctx.flags;
}

// Evaluates ctx.fn on the non-empty window [a, b); undefined means no output.
function windowFunction(
  ctx: WindowContext,
  ts: Float64Array,
  vals: Float64Array,
  a: number,
  b: number,
): number | undefined {
  switch (ctx.fn) {
    case 'rate':
      return ctx.modifier === 'none'
        ? extrapolatedRate(ctx, ts, vals, a, b, true, true)
        : extendedRate(ctx, ts, vals, a, b, true, true);
    case 'increase':
      return ctx.modifier === 'none'
        ? extrapolatedRate(ctx, ts, vals, a, b, true, false)
        : extendedRate(ctx, ts, vals, a, b, true, false);
    case 'delta':
      return ctx.modifier === 'none'
        ? extrapolatedRate(ctx, ts, vals, a, b, false, false)
        : extendedRate(ctx, ts, vals, a, b, false, false);
    case 'irate':
      return instantValue(ts, vals, a, b, true);
    case 'idelta':
      return instantValue(ts, vals, a, b, false);
    case 'deriv':
      if (b - a < 2) return undefined;
      return linearRegression(ts, vals, a, b, ts[a] as number)[0];
    case 'predict_linear': {
      if (b - a < 2) return undefined;
      const [slope, intercept] = linearRegression(ts, vals, a, b, ctx.evalT);
      return slope * ctx.param + intercept;
    }
    case 'resets':
    case 'changes':
      return transitions(ctx, ts, vals, a, b);
    case 'sum_over_time':
      return sumOverTime(vals, a, b);
    case 'avg_over_time':
      return avgOverTime(vals, a, b);
    case 'min_over_time':
      return compareOverTime(ts, vals, a, b, (cur, m) => cur < m || Number.isNaN(m), false);
    case 'max_over_time':
      return compareOverTime(ts, vals, a, b, (cur, m) => cur > m || Number.isNaN(m), false);
    case 'ts_of_min_over_time':
      return compareOverTime(ts, vals, a, b, (cur, m) => cur <= m || Number.isNaN(m), true);
    case 'ts_of_max_over_time':
      return compareOverTime(ts, vals, a, b, (cur, m) => cur >= m || Number.isNaN(m), true);
    case 'count_over_time':
      return b - a;
    case 'last_over_time':
      return vals[b - 1] as number;
    case 'first_over_time':
      return vals[a] as number;
    case 'present_over_time':
      return 1;
    case 'stddev_over_time':
      return Math.sqrt(varianceOverTime(vals, a, b));
    case 'stdvar_over_time':
      return varianceOverTime(vals, a, b);
    case 'quantile_over_time': {
      const q = ctx.param;
      if (Number.isNaN(q) || q < 0 || q > 1) ctx.flags |= KernelFlags.InvalidQuantile;
      return quantile(q, sortedValues(vals, a, b));
    }
    case 'mad_over_time':
      return madOverTime(vals, a, b);
    case 'double_exponential_smoothing':
      return doubleExponentialSmoothing(ctx, vals, a, b);
    case 'ts_of_last_over_time':
      return (ts[b - 1] as number) / 1000;
    case 'ts_of_first_over_time':
      return (ts[a] as number) / 1000;
  }
}

// === rate/increase/delta(v range-vector) instant-vector ===
// Semantics follow prometheus/prometheus promql/functions.go extrapolatedRate (3.x)
// and, with ctx.legacy, the same function as of v2.42.0.
function extrapolatedRate(
  ctx: WindowContext,
  ts: Float64Array,
  vals: Float64Array,
  a: number,
  b: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const n = b - a;
  if (n < 2) return undefined;
  const first = a;
  const last = b - 1;
  const firstV = vals[first] as number;
  let result = (vals[last] as number) - firstV;
  if (isCounter) {
    for (let i = first + 1; i <= last; i++) {
      const prev = vals[i - 1] as number;
      if ((vals[i] as number) < prev) result += prev;
    }
  }
  let durationToStart = ((ts[first] as number) - ctx.rangeStart) / 1000;
  let durationToEnd = (ctx.rangeEnd - (ts[last] as number)) / 1000;
  const sampledInterval = ((ts[last] as number) - (ts[first] as number)) / 1000;
  const averageDurationBetweenSamples = sampledInterval / (n - 1);
  const extrapolationThreshold = averageDurationBetweenSamples * 1.1;
  let factor: number;
  if (ctx.legacy) {
    // v2.42: clamp to the counter's zero point first, then extrapolate.
    if (isCounter && result > 0 && firstV >= 0) {
      const durationToZero = sampledInterval * (firstV / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
    let extrapolateToInterval = sampledInterval;
    if (durationToStart < extrapolationThreshold) extrapolateToInterval += durationToStart;
    else extrapolateToInterval += averageDurationBetweenSamples / 2;
    if (durationToEnd < extrapolationThreshold) extrapolateToInterval += durationToEnd;
    else extrapolateToInterval += averageDurationBetweenSamples / 2;
    factor = extrapolateToInterval / sampledInterval;
  } else {
    if (durationToStart >= extrapolationThreshold)
      durationToStart = averageDurationBetweenSamples / 2;
    if (isCounter) {
      let durationToZero = durationToStart;
      if (result > 0 && firstV >= 0) durationToZero = sampledInterval * (firstV / result);
      if (durationToZero < durationToStart) durationToStart = durationToZero;
    }
    if (durationToEnd >= extrapolationThreshold) durationToEnd = averageDurationBetweenSamples / 2;
    factor = (sampledInterval + durationToStart + durationToEnd) / sampledInterval;
  }
  if (isRate) factor /= ctx.rangeSeconds;
  return result * factor;
}

// Semantics follow functions.go interpolate.
function interpolate(
  ts: Float64Array,
  vals: Float64Array,
  p: number,
  x: number,
  isCounter: boolean,
): number {
  let y1 = vals[p] as number;
  const y2 = vals[p + 1] as number;
  if (isCounter && y2 < y1) y1 = 0;
  const t1 = ts[p] as number;
  return y1 + ((y2 - y1) * (x - t1)) / ((ts[p + 1] as number) - t1);
}

// === rate/increase/delta with the anchored or smoothed modifier ===
// Semantics follow prometheus/prometheus promql/functions.go extendedRate (3.14),
// pickOrInterpolateLeft/Right and correctForCounterResets.
function extendedRate(
  ctx: WindowContext,
  ts: Float64Array,
  vals: Float64Array,
  a: number,
  b: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  const smoothed = ctx.modifier === 'smoothed';
  const { rangeStart, rangeEnd } = ctx;
  let last = b - 1;
  // The last sample at or before rangeStart, else the first sample.
  let first = a;
  for (let i = a; i < last; i++) if ((ts[i] as number) <= rangeStart) first = i;
  if (smoothed) {
    // The first sample at or after rangeEnd, else the last one.
    let j = a;
    while (j < last && (ts[j] as number) < rangeEnd) j++;
    last = j;
  }
  // Data only before or only after the range: nothing to interpolate across (the
  // latter per prometheus/prometheus#18523, in 3.14).
  if ((ts[last] as number) <= rangeStart || (ts[a] as number) > rangeEnd) return undefined;
  const left =
    smoothed && (ts[first] as number) < rangeStart
      ? interpolate(ts, vals, first, rangeStart, isCounter)
      : (vals[first] as number);
  const right =
    smoothed && last > a && (ts[last] as number) > rangeEnd
      ? interpolate(ts, vals, last - 1, rangeEnd, isCounter)
      : (vals[last] as number);
  let result = right - left;
  if (isCounter) {
    if ((ts[first] as number) <= rangeStart) first++;
    if ((ts[last] as number) >= rangeEnd) last--;
    let correction = 0;
    let prev = left;
    for (let i = first; i <= last; i++) {
      const x = vals[i] as number;
      if (x < prev) correction += prev;
      prev = x;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (isRate) result /= ctx.rangeSeconds;
  return result;
}

// === irate/idelta(v range-vector) instant-vector ===
// Semantics follow prometheus/prometheus promql/functions.go instantValue.
function instantValue(
  ts: Float64Array,
  vals: Float64Array,
  a: number,
  b: number,
  isRate: boolean,
): number | undefined {
  if (b - a < 2) return undefined;
  const p0 = vals[b - 2] as number;
  const p1 = vals[b - 1] as number;
  const sampledInterval = (ts[b - 1] as number) - (ts[b - 2] as number);
  if (sampledInterval === 0) return undefined;
  let result = p1;
  // A counter that went down restarts from zero: irate is then the latest value.
  if (!isRate || !(p1 < p0)) result = p1 - p0;
  if (isRate) result /= sampledInterval / 1000;
  return result;
}

// Semantics follow prometheus/prometheus promql/functions.go linearRegression.
function linearRegression(
  ts: Float64Array,
  vals: Float64Array,
  a: number,
  b: number,
  interceptTime: number,
): [slope: number, intercept: number] {
  let n = 0;
  let sumX = 0;
  let cX = 0;
  let sumY = 0;
  let cY = 0;
  let sumXY = 0;
  let cXY = 0;
  let sumX2 = 0;
  let cX2 = 0;
  const initY = vals[a] as number;
  let constY = true;
  for (let i = a; i < b; i++) {
    const y = vals[i] as number;
    if (constY && i > a && y !== initY) constY = false;
    n += 1.0;
    const x = ((ts[i] as number) - interceptTime) / 1e3;
    kahanInc(x, sumX, cX);
    sumX = kSum;
    cX = kC;
    kahanInc(y, sumY, cY);
    sumY = kSum;
    cY = kC;
    kahanInc(x * y, sumXY, cXY);
    sumXY = kSum;
    cXY = kC;
    kahanInc(x * x, sumX2, cX2);
    sumX2 = kSum;
    cX2 = kC;
  }
  if (constY) return isInf(initY) ? [NaN, NaN] : [0, initY];
  sumX += cX;
  sumY += cY;
  sumXY += cXY;
  sumX2 += cX2;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

// === changes/resets(v range-vector) instant-vector ===
// Semantics follow prometheus/prometheus promql/functions.go funcChanges, funcResets
// and, for the anchored modifier, pickFirstSampleIndex.
function transitions(
  ctx: WindowContext,
  ts: Float64Array,
  vals: Float64Array,
  a: number,
  b: number,
): number | undefined {
  let first = a;
  if (ctx.modifier === 'anchored') {
    if ((ts[b - 1] as number) <= ctx.rangeStart) return undefined;
    for (let i = a; i < b - 1; i++) if ((ts[i] as number) <= ctx.rangeStart) first = i;
  }
  let count = 0;
  for (let i = first + 1; i < b; i++) {
    const cur = vals[i] as number;
    const prev = vals[i - 1] as number;
    if (ctx.fn === 'changes') {
      if (cur !== prev && !(Number.isNaN(cur) && Number.isNaN(prev))) count++;
    } else if (cur < prev) {
      count++;
    }
  }
  return count;
}

// === sum_over_time(range-vector) ===
// Semantics follow prometheus/prometheus promql/functions.go funcSumOverTime.
function sumOverTime(vals: Float64Array, a: number, b: number): number {
  let sum = 0;
  let c = 0;
  for (let i = a; i < b; i++) {
    kahanInc(vals[i] as number, sum, c);
    sum = kSum;
    c = kC;
  }
  if (isInf(sum)) return sum;
  return sum + c;
}

// === avg_over_time(range-vector) ===
// Semantics follow prometheus/prometheus promql/functions.go funcAvgOverTime.
function avgOverTime(vals: Float64Array, a: number, b: number): number {
  let sum = vals[a] as number;
  let count = 1;
  let mean = 0;
  let c = 0;
  let incremental = false;
  for (let i = a + 1; i < b; i++) {
    const f = vals[i] as number;
    count = i - a + 1;
    if (!incremental) {
      kahanInc(f, sum, c);
      if (!isInf(kSum)) {
        sum = kSum;
        c = kC;
        continue;
      }
      // The sum would overflow: continue with an incremental mean.
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    kahanInc(f / count, q * mean, q * c);
    mean = kSum;
    c = kC;
  }
  if (incremental) return mean + c;
  return sum / count + c / count;
}

// === min/max_over_time, ts_of_min/max_over_time(range-vector) ===
// Semantics follow prometheus/prometheus promql/functions.go compareOverTime.
function compareOverTime(
  ts: Float64Array,
  vals: Float64Array,
  a: number,
  b: number,
  replace: (cur: number, best: number) => boolean,
  returnTimestamp: boolean,
): number {
  let best = vals[a] as number;
  let tsOfBest = ts[a] as number;
  for (let i = a; i < b; i++) {
    const f = vals[i] as number;
    if (replace(f, best)) {
      best = f;
      tsOfBest = ts[i] as number;
    }
  }
  return returnTimestamp ? tsOfBest / 1000 : best;
}

// === stddev_over_time / stdvar_over_time(range-vector) ===
// Semantics follow prometheus/prometheus promql/functions.go varianceOverTime.
function varianceOverTime(vals: Float64Array, a: number, b: number): number {
  let count = 0;
  let mean = 0;
  let cMean = 0;
  let aux = 0;
  let cAux = 0;
  for (let i = a; i < b; i++) {
    const f = vals[i] as number;
    count++;
    const delta = f - (mean + cMean);
    kahanInc(delta / count, mean, cMean);
    mean = kSum;
    cMean = kC;
    kahanInc(delta * (f - (mean + cMean)), aux, cAux);
    aux = kSum;
    cAux = kC;
  }
  return (aux + cAux) / count;
}

// === mad_over_time(range-vector) ===
// Semantics follow prometheus/prometheus promql/functions.go funcMadOverTime as of
// 3.14, where a NaN sample makes the result NaN (prometheus/prometheus#19040).
function madOverTime(vals: Float64Array, a: number, b: number): number {
  for (let i = a; i < b; i++) if (Number.isNaN(vals[i])) return NaN;
  const median = quantile(0.5, sortedValues(vals, a, b));
  const deviations: number[] = [];
  for (let i = a; i < b; i++) deviations.push(Math.abs((vals[i] as number) - median));
  return quantile(0.5, deviations.sort(compareValues));
}

// === double_exponential_smoothing(range-vector, sf, tf) ===
// Semantics follow prometheus/prometheus promql/functions.go
// funcDoubleExponentialSmoothing and calcTrendValue. Invalid factors fail the query
// in Prometheus; here they raise a flag and give no output.
function doubleExponentialSmoothing(
  ctx: WindowContext,
  vals: Float64Array,
  a: number,
  b: number,
): number | undefined {
  const sf = ctx.param;
  const tf = ctx.param2;
  if (sf <= 0 || sf >= 1) {
    ctx.flags |= KernelFlags.InvalidSmoothingFactor;
    return undefined;
  }
  if (tf <= 0 || tf >= 1) {
    ctx.flags |= KernelFlags.InvalidTrendFactor;
    return undefined;
  }
  const l = b - a;
  if (l < 2) return undefined;
  let s0 = 0;
  let s1 = vals[a] as number;
  let trend = (vals[a + 1] as number) - (vals[a] as number);
  for (let i = 1; i < l; i++) {
    const x = sf * (vals[a + i] as number);
    if (i - 1 !== 0) trend = tf * (s1 - s0) + (1 - tf) * trend;
    const y = (1 - sf) * (s1 + trend);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

// ===== Grouped aggregation =====

/** One group's running state at one step. */
interface Group {
  seen: boolean;
  value: number;
  mean: number;
  kahanC: number;
  count: number;
  incrementalMean: boolean;
  values: number[];
}

/**
 * See {@link Kernels.aggregate}. Semantics follow prometheus/prometheus
 * promql/engine.go aggregation.
 */
export function aggregate(
  op: AggregateOp,
  input: StepMatrix,
  groups: Uint32Array,
  nGroups: number,
  nSteps: number,
  out: StepMatrix,
  param?: Float64Array,
): number {
  if (!(op in AGGREGATE_OP_IDS)) throw new RangeError(`kernels: unknown aggregation ${op}`);
  const n = checkGroups(op, input, groups, nGroups, nSteps, out, param);
  let flags = 0;
  for (let i = 0; i < nSteps; i++) {
    const state: Group[] = [];
    for (let g = 0; g < nGroups; g++) {
      state.push({
        seen: false,
        value: 0,
        mean: 0,
        kahanC: 0,
        count: 0,
        incrementalMean: false,
        values: [],
      });
    }
    for (let s = 0; s < n; s++) {
      if (input.mask[s * nSteps + i] === 0) continue;
      const f = input.values[s * nSteps + i] as number;
      const group = state[groups[s] as number] as Group;
      if (!group.seen) {
        group.seen = true;
        group.value = f;
        group.mean = f;
        group.count = 1;
        if (op === 'stddev' || op === 'stdvar') group.value = Number.isNaN(f) || isInf(f) ? NaN : 0;
        if (op === 'group') group.value = 1;
        if (op === 'quantile') group.values.push(f);
        continue;
      }
      switch (op) {
        case 'sum':
          kahanInc(f, group.value, group.kahanC);
          group.value = kSum;
          group.kahanC = kC;
          break;
        case 'avg':
          group.count++;
          if (!group.incrementalMean) {
            kahanInc(f, group.value, group.kahanC);
            if (!isInf(kSum)) {
              group.value = kSum;
              group.kahanC = kC;
              break;
            }
            // The sum would overflow: continue with an incremental mean.
            group.incrementalMean = true;
            group.mean = group.value / (group.count - 1);
            group.kahanC /= group.count - 1;
          }
          {
            const q = (group.count - 1) / group.count;
            kahanInc(f / group.count, q * group.mean, q * group.kahanC);
            group.mean = kSum;
            group.kahanC = kC;
          }
          break;
        case 'max':
          if (group.value < f || Number.isNaN(group.value)) group.value = f;
          break;
        case 'min':
          if (group.value > f || Number.isNaN(group.value)) group.value = f;
          break;
        case 'count':
          group.count++;
          break;
        case 'group':
          break;
        case 'stddev':
        case 'stdvar': {
          group.count++;
          const delta = f - group.mean;
          group.mean += delta / group.count;
          group.value += delta * (f - group.mean);
          break;
        }
        case 'quantile':
          group.values.push(f);
          break;
      }
    }
    for (let g = 0; g < nGroups; g++) {
      const group = state[g] as Group;
      const o = g * nSteps + i;
      out.mask[o] = group.seen ? 1 : 0;
      if (!group.seen) {
        out.values[o] = 0;
        continue;
      }
      let v = group.value;
      switch (op) {
        case 'sum':
          v = group.value + group.kahanC;
          break;
        case 'avg':
          v = group.incrementalMean
            ? group.mean + group.kahanC
            : group.value / group.count + group.kahanC / group.count;
          break;
        case 'count':
          v = group.count;
          break;
        case 'stdvar':
          v = group.value / group.count;
          break;
        case 'stddev':
          v = Math.sqrt(group.value / group.count);
          break;
        case 'quantile': {
          const q = (param as Float64Array)[i] as number;
          if (Number.isNaN(q) || q < 0 || q > 1) flags |= KernelFlags.InvalidQuantile;
          v = quantile(q, group.values.sort(compareValues));
          break;
        }
        default:
          break;
      }
      out.values[o] = v;
    }
  }
  return flags;
}

// ===== Binary operators =====

function arith(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return go.mod(l, r);
    case '^':
      return go.pow(l, r);
    default:
      return go.atan2(l, r);
  }
}

function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    default:
      return l <= r;
  }
}

const COMPARISONS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

/**
 * See {@link Kernels.binary}. Semantics follow prometheus/prometheus promql/engine.go
 * vectorElemBinop, VectorBinop and VectorscalarBinop.
 */
export function binary(
  op: BinaryOp,
  lhs: Float64Array,
  rhs: Float64Array,
  out: StepMatrix,
  options: BinaryOptions,
): void {
  const { nSteps } = options;
  const lhsScalar = options.lhsScalar ?? false;
  const rhsScalar = options.rhsScalar ?? false;
  const rows = binaryRows(lhs, rhs, out, options);
  const isComparison = COMPARISONS.has(op);
  const returnBool = options.returnBool ?? false;
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < nSteps; i++) {
      const k = r * nSteps + i;
      const l = lhs[lhsScalar ? i : k] as number;
      const rv = rhs[rhsScalar ? i : k] as number;
      let present = true;
      if (!lhsScalar && options.lhsMask && options.lhsMask[k] === 0) present = false;
      if (!rhsScalar && options.rhsMask && options.rhsMask[k] === 0) present = false;
      let value = 0;
      if (present && !isComparison) {
        value = arith(op, l, rv);
      } else if (present) {
        const holds = compare(op, l, rv);
        if (returnBool) value = holds ? 1 : 0;
        else if (holds)
          value = lhsScalar && !rhsScalar ? rv : l; // keep the vector's value
        else present = false;
      }
      out.values[k] = value;
      out.mask[k] = present ? 1 : 0;
    }
  }
}

/** Checks a binary call's shapes and returns the number of output rows. */
export function binaryRows(
  lhs: Float64Array,
  rhs: Float64Array,
  out: StepMatrix,
  options: BinaryOptions,
): number {
  const { nSteps } = options;
  if (!Number.isInteger(nSteps) || nSteps <= 0)
    throw new RangeError(`kernels: bad nSteps ${nSteps}`);
  const lhsScalar = options.lhsScalar ?? false;
  const rhsScalar = options.rhsScalar ?? false;
  if (lhsScalar) checkLength(lhs, nSteps, 'scalar lhs');
  if (rhsScalar) checkLength(rhs, nSteps, 'scalar rhs');
  const cells = lhsScalar && rhsScalar ? nSteps : !lhsScalar ? lhs.length : rhs.length;
  if (cells % nSteps !== 0)
    throw new RangeError('kernels: vector length must be a multiple of nSteps');
  if (!lhsScalar) checkLength(lhs, cells, 'lhs');
  if (!rhsScalar) checkLength(rhs, cells, 'rhs');
  if (options.lhsMask && !lhsScalar) checkLength(options.lhsMask, cells, 'lhsMask');
  if (options.rhsMask && !rhsScalar) checkLength(options.rhsMask, cells, 'rhsMask');
  checkMatrix(out, cells, 'out');
  return cells / nSteps;
}

// ===== Elementwise math =====

const PI = Math.PI;

/**
 * See {@link Kernels.math}. Semantics follow prometheus/prometheus promql/functions.go
 * funcAbs ... funcRad with Go's math package (src/gomath.ts).
 */
export function math(fn: MathFunction, input: Float64Array, out: Float64Array): void {
  if (!(fn in MATH_FUNCTION_IDS)) throw new RangeError(`kernels: unknown math function ${fn}`);
  checkLength(out, input.length, 'out');
  const f = MATH_IMPLS[fn];
  for (let k = 0; k < input.length; k++) out[k] = f(input[k] as number);
}

const MATH_IMPLS: Record<MathFunction, (x: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: go.exp,
  ln: go.log,
  log2: go.log2,
  log10: go.log10,
  sqrt: Math.sqrt,
  sgn: (x) => (x < 0 ? -1 : x > 0 ? 1 : x),
  sin: go.sin,
  cos: go.cos,
  tan: go.tan,
  asin: go.asin,
  acos: go.acos,
  atan: go.atan,
  sinh: go.sinh,
  cosh: go.cosh,
  tanh: go.tanh,
  asinh: go.asinh,
  acosh: go.acosh,
  atanh: go.atanh,
  deg: (x) => (x * 180) / PI,
  rad: (x) => (x * PI) / 180,
  neg: (x) => -x,
};

/** See {@link Kernels.round}. Semantics follow promql/functions.go funcRound. */
export function round(
  input: Float64Array,
  toNearest: Float64Array,
  nSteps: number,
  out: Float64Array,
): void {
  checkLength(toNearest, nSteps, 'toNearest');
  checkLength(out, input.length, 'out');
  if (nSteps <= 0 || input.length % nSteps !== 0)
    throw new RangeError('kernels: input length must be a multiple of nSteps');
  for (let k = 0; k < input.length; k++) {
    // Invert as Prometheus does: fewer floating-point surprises than dividing.
    const inverse = 1.0 / (toNearest[k % nSteps] as number);
    out[k] = Math.floor((input[k] as number) * inverse + 0.5) / inverse;
  }
}

/** See {@link Kernels.clamp}. Semantics follow promql/functions.go clamp. */
export function clamp(
  input: Float64Array,
  min: Float64Array,
  max: Float64Array,
  nSteps: number,
  out: StepMatrix,
  inputMask?: Uint8Array,
): void {
  checkLength(min, nSteps, 'min');
  checkLength(max, nSteps, 'max');
  checkMatrix(out, input.length, 'out');
  if (inputMask) checkLength(inputMask, input.length, 'inputMask');
  if (nSteps <= 0 || input.length % nSteps !== 0)
    throw new RangeError('kernels: input length must be a multiple of nSteps');
  for (let k = 0; k < input.length; k++) {
    const lo = min[k % nSteps] as number;
    const hi = max[k % nSteps] as number;
    const present = !(hi < lo) && (inputMask ? inputMask[k] !== 0 : true);
    out.values[k] = present ? go.max(lo, go.min(hi, input[k] as number)) : 0;
    out.mask[k] = present ? 1 : 0;
  }
}

// ===== Classic histograms =====

interface Bucket {
  upperBound: number;
  count: number;
}

/** The present buckets of histogram h at step i, equal bounds merged (coalesceBuckets). */
function presentBuckets(input: ClassicHistograms, h: number, i: number): Bucket[] {
  const buckets: Bucket[] = [];
  const last = input.bucketOffsets[h + 1] as number;
  for (let k = input.bucketOffsets[h] as number; k < last; k++) {
    const cell = k * input.nSteps + i;
    if (input.mask[cell] === 0) continue;
    const upperBound = input.upperBounds[k] as number;
    const count = input.counts[cell] as number;
    const prev = buckets[buckets.length - 1];
    if (prev && prev.upperBound === upperBound) prev.count += count;
    else buckets.push({ upperBound, count });
  }
  return buckets;
}

// Go's almost.Equal (util/almost/almost.go).
function almostEqual(a: number, b: number, epsilon: number): boolean {
  const minNormal = 2.2250738585072014e-308;
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / go.min(absSum, Number.MAX_VALUE) < epsilon;
}

interface MonotonicityFix {
  forced: boolean;
  fixedPrecision: boolean;
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
}

// Semantics follow prometheus/prometheus promql/quantile.go
// ensureMonotonicAndIgnoreSmallDeltas.
function ensureMonotonicAndIgnoreSmallDeltas(
  buckets: Bucket[],
  tolerance: number,
): MonotonicityFix {
  const fix = {
    forced: false,
    fixedPrecision: false,
    minBucket: Infinity,
    maxBucket: -Infinity,
    maxDiff: 0,
  };
  let prev = (buckets[0] as Bucket).count;
  for (let i = 1; i < buckets.length; i++) {
    const bucket = buckets[i] as Bucket;
    const curr = bucket.count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, tolerance)) {
      // Float noise, in either direction: ignore it.
      bucket.count = prev;
      fix.fixedPrecision = true;
      continue;
    }
    if (curr < prev) {
      bucket.count = prev;
      fix.forced = true;
      if (bucket.upperBound < fix.minBucket) fix.minBucket = bucket.upperBound;
      if (bucket.upperBound > fix.maxBucket) fix.maxBucket = bucket.upperBound;
      if (prev - curr > fix.maxDiff) fix.maxDiff = prev - curr;
      continue;
    }
    prev = curr;
  }
  return fix;
}

const NO_FIX: MonotonicityFix = {
  forced: false,
  fixedPrecision: false,
  minBucket: 0,
  maxBucket: 0,
  maxDiff: 0,
};

// Semantics follow prometheus/prometheus promql/quantile.go BucketQuantile.
function bucketQuantile(
  q: number,
  buckets: Bucket[],
  flags: { bits: number },
): [number, MonotonicityFix] {
  if (Number.isNaN(q)) return [NaN, NO_FIX];
  if (q < 0) return [-Infinity, NO_FIX];
  if (q > 1) return [Infinity, NO_FIX];
  if ((buckets[buckets.length - 1] as Bucket).upperBound !== Infinity) {
    flags.bits |= KernelFlags.BucketsWithoutInf;
    return [NaN, NO_FIX];
  }
  const fix = ensureMonotonicAndIgnoreSmallDeltas(buckets, 1e-12);
  if (buckets.length < 2) {
    flags.bits |= KernelFlags.TooFewBuckets;
    return [NaN, NO_FIX];
  }
  const observations = (buckets[buckets.length - 1] as Bucket).count;
  if (observations === 0) return [NaN, NO_FIX];
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !((buckets[b] as Bucket).count >= rank)) b++;
  if (b === buckets.length - 1) return [(buckets[buckets.length - 2] as Bucket).upperBound, fix];
  if (b === 0 && (buckets[0] as Bucket).upperBound <= 0)
    return [(buckets[0] as Bucket).upperBound, fix];
  let bucketStart = 0;
  const bucketEnd = (buckets[b] as Bucket).upperBound;
  let count = (buckets[b] as Bucket).count;
  if (b > 0) {
    const below = buckets[b - 1] as Bucket;
    bucketStart = below.upperBound;
    count -= below.count;
    rank -= below.count;
  }
  return [bucketStart + (bucketEnd - bucketStart) * (rank / count), fix];
}

/** See {@link Kernels.histogramQuantile}. */
export function histogramQuantile(
  input: ClassicHistograms,
  q: Float64Array,
  out: HistogramQuantileOutput,
): number {
  const [nHist] = checkHistograms(input);
  const { nSteps } = input;
  checkLength(q, nSteps, 'q');
  checkMatrix(out, nHist * nSteps, 'out');
  if (out.fixFlags) checkLength(out.fixFlags, nHist * nSteps, 'fixFlags');
  if (out.fixDetail) checkLength(out.fixDetail, 3 * nHist * nSteps, 'fixDetail');
  const flags = { bits: 0 };
  for (let i = 0; i < nSteps; i++) {
    const qi = q[i] as number;
    if (Number.isNaN(qi) || qi < 0 || qi > 1) flags.bits |= KernelFlags.InvalidQuantile;
  }
  for (let h = 0; h < nHist; h++) {
    for (let i = 0; i < nSteps; i++) {
      const o = h * nSteps + i;
      const buckets = presentBuckets(input, h, i);
      let value = 0;
      let fix = NO_FIX;
      if (buckets.length > 0) [value, fix] = bucketQuantile(q[i] as number, buckets, flags);
      out.values[o] = value;
      out.mask[o] = buckets.length > 0 ? 1 : 0;
      if (fix.forced) flags.bits |= KernelFlags.ForcedMonotonicity;
      if (fix.fixedPrecision) flags.bits |= KernelFlags.FixedPrecision;
      if (out.fixFlags) out.fixFlags[o] = (fix.forced ? 1 : 0) | (fix.fixedPrecision ? 2 : 0);
      if (out.fixDetail) {
        out.fixDetail[3 * o] = fix.forced ? fix.minBucket : 0;
        out.fixDetail[3 * o + 1] = fix.forced ? fix.maxBucket : 0;
        out.fixDetail[3 * o + 2] = fix.forced ? fix.maxDiff : 0;
      }
    }
  }
  return flags.bits;
}

// Semantics follow prometheus/prometheus promql/quantile.go BucketFraction: linear
// interpolation inside the bucket holding each bound; the lowest bucket starts at 0
// when its upper bound is positive, else at -Inf (no interpolation there).
function bucketFraction(
  lower: number,
  upper: number,
  buckets: Bucket[],
  flags: { bits: number },
): number {
  if ((buckets[buckets.length - 1] as Bucket).upperBound !== Infinity) {
    flags.bits |= KernelFlags.BucketsWithoutInf;
    return NaN;
  }
  const count = (buckets[buckets.length - 1] as Bucket).count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound = (buckets[0] as Bucket).upperBound <= 0 ? -Infinity : 0;
  for (let i = 0; i < buckets.length; i++) {
    if (i > 0) lowerBound = (buckets[i - 1] as Bucket).upperBound;
    const { upperBound, count: bucketCount } = buckets[i] as Bucket;
    // Classic counts are cumulative: this bucket alone holds bucketCount - rank.
    const interpolate = (v: number): number =>
      lowerBound === -Infinity
        ? bucketCount
        : rank + ((bucketCount - rank) * (v - lowerBound)) / (upperBound - lowerBound);
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
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = bucketCount;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

/** See {@link Kernels.histogramFraction}. */
export function histogramFraction(
  input: ClassicHistograms,
  lower: Float64Array,
  upper: Float64Array,
  out: StepMatrix,
): number {
  const [nHist] = checkHistograms(input);
  const { nSteps } = input;
  checkLength(lower, nSteps, 'lower');
  checkLength(upper, nSteps, 'upper');
  checkMatrix(out, nHist * nSteps, 'out');
  const flags = { bits: 0 };
  for (let h = 0; h < nHist; h++) {
    for (let i = 0; i < nSteps; i++) {
      const o = h * nSteps + i;
      const buckets = presentBuckets(input, h, i);
      out.values[o] =
        buckets.length > 0
          ? bucketFraction(lower[i] as number, upper[i] as number, buckets, flags)
          : 0;
      out.mask[o] = buckets.length > 0 ? 1 : 0;
    }
  }
  return flags.bits;
}

// ===== The reference Kernels object =====

class ReferenceKernels implements Kernels {
  readonly backend = 'reference' as const;
  readonly arena: Arena = new HeapArena();

  instantSelector(
    input: SeriesBatch | SeriesSource,
    grid: StepGrid,
    options: InstantSelectorOptions,
    out: InstantSelectorOutput,
  ): void {
    instantSelector(isSource(input) ? packSource(input) : input, grid, options, out);
  }

  rangeFunction(
    fn: RangeFunction,
    input: SeriesBatch | SeriesSource,
    grid: StepGrid,
    options: RangeFunctionOptions,
    out: StepMatrix,
  ): number {
    return rangeFunction(fn, isSource(input) ? packSource(input) : input, grid, options, out);
  }

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
  ): number {
    const n = checkRangeAggregate(fn, input, grid, options, op, groups, nGroups, out, rowPoints);
    const nSteps = grid.nSteps;
    const rows = { values: new Float64Array(n * nSteps), mask: new Uint8Array(n * nSteps) };
    const flags = this.rangeFunction(fn, input, grid, options, rows);
    aggregate(op, rows, groups, nGroups, nSteps, out);
    for (let r = 0; r < n; r++) {
      let points = 0;
      for (let s = 0; s < nSteps; s++) points += rows.mask[r * nSteps + s] as number;
      rowPoints[r] = points;
    }
    return flags;
  }

  aggregate(
    op: AggregateOp,
    input: StepMatrix,
    groups: Uint32Array,
    nGroups: number,
    nSteps: number,
    out: StepMatrix,
    param?: Float64Array,
  ): number {
    return aggregate(op, input, groups, nGroups, nSteps, out, param);
  }

  binary(
    op: BinaryOp,
    lhs: Float64Array,
    rhs: Float64Array,
    out: StepMatrix,
    options: BinaryOptions,
  ): void {
    binary(op, lhs, rhs, out, options);
  }

  math(fn: MathFunction, input: Float64Array, out: Float64Array): void {
    math(fn, input, out);
  }

  round(input: Float64Array, toNearest: Float64Array, nSteps: number, out: Float64Array): void {
    round(input, toNearest, nSteps, out);
  }

  clamp(
    input: Float64Array,
    min: Float64Array,
    max: Float64Array,
    nSteps: number,
    out: StepMatrix,
    inputMask?: Uint8Array,
  ): void {
    clamp(input, min, max, nSteps, out, inputMask);
  }

  histogramQuantile(
    input: ClassicHistograms,
    q: Float64Array,
    out: HistogramQuantileOutput,
  ): number {
    return histogramQuantile(input, q, out);
  }

  histogramFraction(
    input: ClassicHistograms,
    lower: Float64Array,
    upper: Float64Array,
    out: StepMatrix,
  ): number {
    return histogramFraction(input, lower, upper, out);
  }
}

/**
 * The reference kernels behind the {@link Kernels} interface, with an arena of ordinary
 * typed arrays. Use them where WebAssembly is unavailable, or as an oracle.
 */
export function referenceKernels(): Kernels {
  return new ReferenceKernels();
}

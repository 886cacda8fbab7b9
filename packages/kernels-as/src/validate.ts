// Argument checks shared by both implementations. A kernel reads and writes raw
// memory, so a wrong length would silently corrupt results; these checks turn it into
// an exception. They run once per call, never per sample.

import type {
  AggregateOp,
  ClassicHistograms,
  RangeFunction,
  RangeFunctionOptions,
  SeriesBatch,
  SeriesSource,
  StepGrid,
  StepMatrix,
} from './types.js';

function fail(message: string): never {
  throw new RangeError(`kernels: ${message}`);
}

/** Checks a series batch and returns its series count. */
export function checkSeries(input: SeriesBatch): number {
  const n = checkOffsets(input.offsets);
  const total = input.offsets[n] as number;
  if (input.ts.length < total || input.values.length < total) {
    fail(`ts and values must hold ${total} samples`);
  }
  return n;
}

/** Checks a batch, or a source's offsets; returns its series count. */
export function checkInput(input: SeriesBatch | SeriesSource): number {
  return isSource(input) ? checkOffsets(input.offsets) : checkSeries(input);
}

/** Checks the offsets of a batch or source (0 first, never decreasing); returns N. */
export function checkOffsets(offsets: Uint32Array): number {
  if (offsets.length < 1) fail('offsets must hold N + 1 entries');
  const n = offsets.length - 1;
  let prev = offsets[0] as number;
  if (prev !== 0) fail('offsets[0] must be 0');
  for (let i = 1; i <= n; i++) {
    const o = offsets[i] as number;
    if (o < prev) fail('offsets must not decrease');
    prev = o;
  }
  return n;
}

/** Checks the arguments of rangeAggregate; returns the series count. */
export function checkRangeAggregate(
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
  if (op === 'quantile') fail('rangeAggregate cannot compute quantile');
  const n = checkInput(input);
  checkGrid(grid);
  checkRangeOptions(fn, options, grid.nSteps);
  if (!Number.isInteger(nGroups) || nGroups < 0) fail(`bad nGroups ${nGroups}`);
  checkMatrix(out, nGroups * grid.nSteps, 'out');
  if (groups.length !== n) fail(`groups must hold ${n} rows`);
  if (rowPoints.length < n) fail(`rowPoints must hold ${n} rows`);
  for (let r = 0; r < n; r++)
    if ((groups[r] as number) >= nGroups) fail('group index out of range');
  return n;
}

/** A source's samples packed into one batch (for the kernels that take whole batches). */
export function packSource(input: SeriesSource): SeriesBatch {
  const n = checkOffsets(input.offsets);
  const total = input.offsets[n] as number;
  const ts = new Float64Array(total);
  const values = new Float64Array(total);
  input.copy(0, n, ts, values);
  return { ts, values, offsets: input.offsets };
}

/** Whether a range function's input is a source rather than a batch. */
export function isSource(input: SeriesBatch | SeriesSource): input is SeriesSource {
  return !('ts' in input);
}

/** Checks a step grid. */
export function checkGrid(grid: StepGrid): void {
  if (!Number.isInteger(grid.nSteps) || grid.nSteps < 0) fail(`bad nSteps ${grid.nSteps}`);
  if (!(grid.stepMs >= 0) || !Number.isFinite(grid.startMs)) fail('bad step grid');
}

/** Checks that a matrix output (or input) has room for `cells` cells. */
export function checkMatrix(m: StepMatrix, cells: number, what: string): void {
  if (m.values.length < cells || m.mask.length < cells) fail(`${what} must hold ${cells} cells`);
}

/** Checks that a float array holds at least `n` values. */
export function checkLength(a: ArrayLike<number>, n: number, what: string): void {
  if (a.length < n) fail(`${what} must hold ${n} values`);
}

/** Checks a set of classic histograms; returns [nHist, bucketRows, largest bucket count]. */
export function checkHistograms(h: ClassicHistograms): [number, number, number] {
  const { bucketOffsets } = h;
  if (bucketOffsets.length < 1) fail('bucketOffsets must hold nHist + 1 entries');
  const nHist = bucketOffsets.length - 1;
  let prev = bucketOffsets[0] as number;
  if (prev !== 0) fail('bucketOffsets[0] must be 0');
  let largest = 0;
  for (let i = 1; i <= nHist; i++) {
    const o = bucketOffsets[i] as number;
    if (o < prev) fail('bucketOffsets must not decrease');
    largest = Math.max(largest, o - prev);
    prev = o;
  }
  if (h.upperBounds.length < prev) fail(`upperBounds must hold ${prev} bounds`);
  if (!Number.isInteger(h.nSteps) || h.nSteps < 0) fail(`bad nSteps ${h.nSteps}`);
  const cells = prev * h.nSteps;
  if (h.counts.length < cells || h.mask.length < cells)
    fail(`counts and mask must hold ${cells} cells`);
  return [nHist, prev, largest];
}

const ANCHORED_SAFE = new Set<RangeFunction>(['changes', 'delta', 'increase', 'rate', 'resets']);
const SMOOTHED_SAFE = new Set<RangeFunction>(['delta', 'increase', 'rate']);

/** Checks a range function's options against the function. */
export function checkRangeOptions(
  fn: RangeFunction,
  options: RangeFunctionOptions,
  nSteps: number,
): void {
  if (!(options.rangeMs >= 0)) fail(`bad rangeMs ${options.rangeMs}`);
  const modifier = options.modifier ?? 'none';
  if (modifier !== 'none') {
    const safe = modifier === 'anchored' ? ANCHORED_SAFE : SMOOTHED_SAFE;
    if (!safe.has(fn)) fail(`the ${modifier} modifier does not apply to ${fn}`);
    if (!(options.lookbackMs !== undefined && options.lookbackMs >= 0))
      fail(`${modifier} needs lookbackMs`);
  }
  const needsParam =
    fn === 'quantile_over_time' || fn === 'predict_linear' || fn === 'double_exponential_smoothing';
  if (needsParam) {
    if (!options.param) fail(`${fn} needs param (one value per step)`);
    checkLength(options.param, nSteps, 'param');
  }
  if (fn === 'double_exponential_smoothing') {
    if (!options.param2) fail(`${fn} needs param2 (the trend factor per step)`);
    checkLength(options.param2, nSteps, 'param2');
  }
}

/** Checks an aggregation's arguments; returns the number of input series. */
export function checkGroups(
  op: AggregateOp,
  input: StepMatrix,
  groups: Uint32Array,
  nGroups: number,
  nSteps: number,
  out: StepMatrix,
  param?: Float64Array,
): number {
  const n = groups.length;
  if (!Number.isInteger(nSteps) || nSteps < 0) fail(`bad nSteps ${nSteps}`);
  if (!Number.isInteger(nGroups) || nGroups < 0) fail(`bad nGroups ${nGroups}`);
  checkMatrix(input, n * nSteps, 'input');
  checkMatrix(out, nGroups * nSteps, 'out');
  for (let s = 0; s < n; s++)
    if ((groups[s] as number) >= nGroups) fail('group index out of range');
  if (op === 'quantile') {
    if (!param) fail('quantile needs q per step');
    checkLength(param, nSteps, 'param');
  }
  return n;
}

/** Go's time.Duration.Seconds() for a whole number of milliseconds. */
export function durationSeconds(ms: number): number {
  const sec = Math.trunc(ms / 1000);
  const nsec = (ms - sec * 1000) * 1e6;
  return sec + nsec / 1e9;
}

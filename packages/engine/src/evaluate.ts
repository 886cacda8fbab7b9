/**
 * The public entry points: `evaluate` (an instant query) and `evaluateRange` (a range
 * query). Each parses (unless given an AST), plans, reads what the plan selects from the
 * storage, evaluates, and returns Prometheus's result with warnings, infos and stats.
 */
import { initKernels, type Kernels, type SeriesBatch } from '@promql-ts/kernels';
import { type Expr, isPromQLError, print, valueType } from '@promql-ts/parser';
import { ExecutionError, InternalError } from './errors.js';
import { EvalContext } from './eval/context.js';
import { evaluateNode } from './eval/evaluator.js';
import { toQueryValue } from './eval/result.js';
import { LoadedSeries } from './eval/series.js';
import { labelsKey } from './labels.js';
import { SAME_LABELSET } from './ops/checks.js';
import { type EvaluateOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { parseCached } from './parse-cache.js';
import { explainPlan } from './plan/explain.js';
import { lower } from './plan/lower.js';
import type { QueryPlan, SelectPlan } from './plan/nodes.js';
import { f64, QueryBuffers, u8, u32, withQueryBuffers } from './pool.js';
import type { QueryResult } from './result.js';
import type { Labels, MaybePromise, SeriesColumns, Storage, StorageSeries } from './storage.js';
import {
  emptyVectors,
  type Grid,
  makeGrid,
  markDistinct,
  type StepScalars,
  type StepVectors,
  type Value,
} from './value.js';

/** A point in time: a `Date` or milliseconds since the epoch. */
export type TimeInput = Date | number;

/** The time range and resolution of a range query. */
export interface RangeQuery {
  readonly start: TimeInput;
  readonly end: TimeInput;
  /** Milliseconds between evaluation steps (must be positive). */
  readonly stepMs: number;
}

let sharedKernels: Promise<Kernels> | null = null;

/** The kernels every query of this process shares unless its options bring their own. */
function defaultKernels(): Promise<Kernels> {
  sharedKernels ??= initKernels();
  return sharedKernels;
}

function toMs(t: TimeInput): number {
  const ms = typeof t === 'number' ? t : t.getTime();
  if (!Number.isFinite(ms)) throw new ExecutionError(`invalid time ${String(t)}`);
  return Math.round(ms);
}

/**
 * Evaluates an instant query: `query` at one time, as Prometheus's `/api/v1/query`.
 *
 * @param query PromQL source, or an expression already parsed with `@promql-ts/parser`.
 * @param storage Where the series come from.
 * @param time The evaluation time.
 * @returns The value (vector, scalar, string, or matrix for a range selector) with
 *   warnings, infos and statistics.
 * @throws {ParseError} when the query does not parse.
 * @throws {ExecutionError} when evaluation fails (e.g. many-to-many matching).
 * @throws {LimitError} when the query would hold more than `maxSamples` samples.
 * @throws {TimeoutError} / {CanceledError} when it runs out of time or is aborted.
 *
 * @example
 * ```ts
 * const result = await evaluate('sum by (job) (rate(http_requests_total[5m]))', storage, Date.now());
 * if (result.value.type === 'vector') for (const s of result.value.samples) console.log(s.metric, s.v);
 * ```
 */
export function evaluate(
  query: string | Expr,
  storage: Storage,
  time: TimeInput,
  options: EvaluateOptions = {},
): Promise<QueryResult> {
  return promised(() => {
    const t = toMs(time);
    return run(query, storage, { startMs: t, endMs: t, stepMs: 0 }, options);
  });
}

/**
 * Evaluates a range query: `query` at every step from `start` to `end`, as Prometheus's
 * `/api/v1/query_range`. The result is a matrix (one series per label set, sorted by
 * labels) whose points fall on the steps.
 *
 * @throws {ExecutionError} when `query` is not a scalar or instant vector, the step is not
 *   positive or the end is before the start; otherwise as {@link evaluate}.
 *
 * @example
 * ```ts
 * const end = Date.now();
 * const result = await evaluateRange('rate(x_total[5m])', storage, { start: end - 3_600_000, end, stepMs: 60_000 });
 * ```
 */
export function evaluateRange(
  query: string | Expr,
  storage: Storage,
  range: RangeQuery,
  options: EvaluateOptions = {},
): Promise<QueryResult> {
  return promised(() => {
    const startMs = toMs(range.start);
    const endMs = toMs(range.end);
    if (!(range.stepMs > 0)) {
      throw new ExecutionError(
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      );
    }
    if (endMs < startMs) throw new ExecutionError('end timestamp must not be before start time');
    return run(query, storage, { startMs, endMs, stepMs: Math.round(range.stepMs) }, options);
  });
}

/**
 * `f`'s answer as a promise, and what it throws as a rejection. A query whose storage and
 * kernels answer at once runs to its end without passing through the microtask queue, and
 * its result is handed over in one resolved promise: an `async` function per level would
 * add a pass per level.
 */
function promised<T>(f: () => MaybePromise<T>): Promise<T> {
  try {
    const v = f();
    return isPromise(v) ? v : Promise.resolve(v);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * The plan `query` would run with, as text: the operator tree (with step-invariant parts
 * marked) and every storage read with its time range and hints. Pass a time for an
 * instant query or a {@link RangeQuery}.
 *
 * @example
 * ```ts
 * console.log(explain('sum by (job) (rate(x_total[5m]))', Date.now()));
 * ```
 */
export function explain(
  query: string | Expr,
  at: TimeInput | RangeQuery,
  options: EvaluateOptions = {},
): string {
  const opts = resolveOptions(options);
  const expr =
    typeof query === 'string' ? parseCached(query, opts.experimental, opts.compat) : query;
  let range: Range;
  if (typeof at === 'number' || at instanceof Date) {
    const t = toMs(at);
    range = { startMs: t, endMs: t, stepMs: 0 };
  } else {
    range = { startMs: toMs(at.start), endMs: toMs(at.end), stepMs: Math.round(at.stepMs) };
  }
  return explainPlan(lower(expr, range, opts));
}

interface Range {
  readonly startMs: number;
  readonly endMs: number;
  /** 0 for an instant query. */
  readonly stepMs: number;
}

/** Parses, plans, reads and evaluates; synchronous unless the storage or kernels are not. */
function run(
  query: string | Expr,
  storage: Storage,
  range: Range,
  options: EvaluateOptions,
): MaybePromise<QueryResult> {
  const began = performance.now();
  const opts = resolveOptions(options);
  const expr =
    typeof query === 'string' ? parseCached(query, opts.experimental, opts.compat) : query;
  const parsed = performance.now();
  const isRange = range.stepMs > 0;
  if (isRange) {
    const type = valueType(expr);
    if (type !== 'scalar' && type !== 'vector') {
      const name = type === 'matrix' ? 'range vector' : type;
      throw new ExecutionError(
        `invalid expression type "${name}" for range query, must be Scalar or instant Vector`,
      );
    }
  }
  const queryText = typeof query === 'string' ? query : print(query);
  const plan = lower(expr, range, opts);
  const times = { began, parsed, planned: performance.now() };
  const execute = (kernels: Kernels): MaybePromise<QueryResult> => {
    // Intermediate arrays (and the packed reads) come from reused buffers, given back when
    // the query ends; the result's own arrays are fresh.
    const buffers = new QueryBuffers();
    const finish = (loaded: Loaded): QueryResult => {
      try {
        return evaluateLoaded(plan, loaded, opts, kernels, buffers, range, queryText, times);
      } finally {
        buffers.release();
      }
    };
    let reads: MaybePromise<Loaded>;
    try {
      // A storage that answers at once (as MemoryStorage does) is not awaited.
      reads = loadSeries(plan, storage, opts, buffers);
    } catch (e) {
      buffers.release();
      throw e;
    }
    if (!isPromise(reads)) return finish(reads);
    return reads.then(finish, (e: unknown) => {
      buffers.release();
      throw e;
    });
  };
  if (options.kernels !== undefined) return execute(options.kernels);
  return defaultKernels().then(execute);
}

/** Whether a storage's answer is a promise (a `then` method) rather than the value. */
function isPromise<T>(v: MaybePromise<T>): v is Promise<T> {
  return typeof (v as { then?: unknown }).then === 'function';
}

/** What {@link loadSeries} read: each select's series, by select id. */
interface Loaded {
  readonly series: readonly (LoadedSeries | undefined)[];
  readonly maxSeries: number;
}

function evaluateLoaded(
  plan: QueryPlan,
  loaded: Loaded,
  opts: ResolvedOptions,
  kernels: Kernels,
  buffers: QueryBuffers,
  range: Range,
  queryText: string,
  times: { began: number; parsed: number; planned: number },
): QueryResult {
  const { began, parsed, planned } = times;
  const isRange = range.stepMs > 0;
  const grid: Grid = isRange
    ? makeGrid(range.startMs, range.endMs, range.stepMs)
    : { startMs: range.startMs, endMs: range.startMs, stepMs: 1, nSteps: 1 };
  const ctx = new EvalContext(kernels, opts, grid, isRange, loaded.series, began);
  try {
    const result = withQueryBuffers(buffers, () =>
      toQueryValue(ctx, evaluateInBatches(ctx, plan, grid, loaded.maxSeries), grid, isRange),
    );
    const done = performance.now();
    return {
      query: queryText,
      value: result,
      warnings: ctx.annotations.warnings,
      infos: ctx.annotations.infos,
      stats: {
        totalQueryableSamples: ctx.totalQueryableSamples,
        peakSamples: ctx.peakSamples,
        timings: {
          parseMs: parsed - began,
          planMs: planned - parsed,
          evalMs: done - planned,
          totalMs: done - began,
        },
      },
    };
  } catch (e) {
    if (isPromQLError(e)) throw e;
    throw new InternalError(e, queryText);
  }
}

/**
 * A range query whose selectors return many series is evaluated in batches of steps
 * (`maxBatchCells` cells per batch), each independent of the others (PromQL's value at a
 * step never depends on another step's), so that intermediate matrices stay bounded
 * whatever the query's length.
 */
function evaluateInBatches(
  ctx: EvalContext,
  plan: QueryPlan,
  grid: Grid,
  maxSeries: number,
): Value {
  const perBatch = Math.max(1, Math.floor(ctx.options.maxBatchCells / Math.max(1, maxSeries)));
  if (grid.nSteps <= perBatch) return evaluateNode(ctx, plan.root, grid);
  const parts: { grid: Grid; value: Value }[] = [];
  for (let first = 0; first < grid.nSteps; first += perBatch) {
    const n = Math.min(perBatch, grid.nSteps - first);
    const startMs = grid.startMs + first * grid.stepMs;
    const sub: Grid = {
      startMs,
      endMs: startMs + (n - 1) * grid.stepMs,
      stepMs: grid.stepMs,
      nSteps: n,
    };
    parts.push({ grid: sub, value: evaluateNode(ctx, plan.root, sub) });
  }
  return concatSteps(parts, grid);
}

/** Joins the values of consecutive batches of steps into one value over `grid`. */
function concatSteps(parts: readonly { grid: Grid; value: Value }[], grid: Grid): Value {
  const first = parts[0]!.value;
  if (first.kind === 'scalar') {
    const values = f64(grid.nSteps);
    let k = 0;
    for (const p of parts) {
      values.set((p.value as StepScalars).values, k);
      k += p.grid.nSteps;
    }
    return { kind: 'scalar', values };
  }
  if (first.kind !== 'vector') return first;
  const rowOf = new Map<string, number>();
  const labels: Labels[] = [];
  for (const p of parts) {
    for (const ls of (p.value as StepVectors).labels) {
      const key = labelsKey(ls);
      if (!rowOf.has(key)) {
        rowOf.set(key, labels.length);
        labels.push(ls);
      }
    }
  }
  const out = emptyVectors(labels, grid.nSteps);
  let offset = 0;
  for (const p of parts) {
    const v = p.value as StepVectors;
    const n = p.grid.nSteps;
    for (let r = 0; r < v.labels.length; r++) {
      const row = rowOf.get(labelsKey(v.labels[r]!))!;
      if (v.dropName[r] === 1) out.dropName[row] = 1;
      for (let s = 0; s < n; s++) {
        if (v.mask[r * n + s] !== 1) continue;
        const cell = row * grid.nSteps + offset + s;
        if (out.mask[cell] === 1) throw new ExecutionError(SAME_LABELSET);
        out.mask[cell] = 1;
        out.values[cell] = v.values[r * n + s]!;
      }
    }
    offset += n;
  }
  return out;
}

/**
 * Reads every select of the plan: labels and sample counts; the samples stay in the
 * storage until an operator copies them (a storage without `selectColumns` returns
 * them, and they are packed at once).
 */
function loadSeries(
  plan: QueryPlan,
  storage: Storage,
  opts: ResolvedOptions,
  buffers: QueryBuffers,
): MaybePromise<Loaded> {
  // Every read starts before any is awaited: a remote storage's run side by side.
  const { selects } = plan;
  // The reads' own columns go in the query's buffers, given back when it ends.
  const memory = (bytes: number): Uint8Array => withQueryBuffers(buffers, () => u8(bytes));
  const reads: MaybePromise<LoadedSeries>[] = new Array(selects.length);
  let pending = false;
  for (let i = 0; i < selects.length; i++) {
    const s = selects[i]!;
    let read: MaybePromise<LoadedSeries>;
    if (storage.selectColumns !== undefined) {
      const c = storage.selectColumns(s.matchers, s.hints, memory);
      read = isPromise(c) ? c.then(fromColumns) : fromColumns(c);
    } else {
      const packed = (found: readonly StorageSeries[]): LoadedSeries =>
        withQueryBuffers(buffers, () => pack(s, found));
      const found = storage.select(s.matchers, s.hints);
      read = isPromise(found) ? found.then(packed) : packed(found);
    }
    if (isPromise(read)) pending = true;
    reads[i] = read;
  }
  if (pending) return Promise.all(reads).then((all) => collectSeries(selects, all, opts));
  return collectSeries(selects, reads as LoadedSeries[], opts);
}

/** A read's series from the storage's columns; their samples are copied when used. */
function fromColumns(c: SeriesColumns): LoadedSeries {
  const copy = (from: number, to: number, ts: Float64Array, values: Float64Array) =>
    c.copy(from, to, ts, values);
  return new LoadedSeries(c.labels as Labels[], c.offsets, copy);
}

function collectSeries(
  selects: readonly SelectPlan[],
  reads: readonly LoadedSeries[],
  opts: ResolvedOptions,
): Loaded {
  // By select id (the planner numbers its selects from 0).
  const series: LoadedSeries[] = new Array(selects.length);
  let maxSeries = 0;
  for (let i = 0; i < selects.length; i++) {
    if (opts.signal?.aborted) break;
    const loaded = reads[i]!;
    // A storage returns each series once.
    markDistinct(loaded.labels);
    series[selects[i]!.id] = loaded;
    maxSeries = Math.max(maxSeries, loaded.labels.length);
  }
  return { series, maxSeries };
}

/** Concatenates the samples of `found` inside the select's range. */
function pack(select: SelectPlan, found: readonly StorageSeries[]): LoadedSeries {
  const { startMs, endMs } = select.hints;
  // Series stay in the storage's order, as Prometheus keeps its querier's order: nothing
  // depends on it but the order of an instant vector's samples, which PromQL leaves open
  // (range results are sorted by labels at the end).
  const order = found.map((_, i) => i);
  // First pass: count the samples in range.
  let total = 0;
  const bounds: number[] = [];
  for (const i of order) {
    for (const chunk of found[i]!.chunks) {
      const n = chunk.timestamps.length;
      const lo =
        n > 0 && chunk.timestamps[0]! >= startMs ? 0 : lowerBound(chunk.timestamps, startMs);
      const hi =
        n > 0 && chunk.timestamps[n - 1]! <= endMs ? n : lowerBound(chunk.timestamps, endMs + 1);
      bounds.push(lo, hi);
      total += hi - lo;
    }
  }
  const ts = f64(total);
  const values = f64(total);
  const offsets = u32(order.length + 1);
  let k = 0;
  let b = 0;
  for (let r = 0; r < order.length; r++) {
    for (const chunk of found[order[r]!]!.chunks) {
      const lo = bounds[b++]!;
      const hi = bounds[b++]!;
      if (hi - lo > SMALL_COPY) {
        ts.set(chunk.timestamps.subarray(lo, hi), k);
        values.set(chunk.values.subarray(lo, hi), k);
        k += hi - lo;
        continue;
      }
      // Short runs: an element loop beats creating two views per chunk.
      const ct = chunk.timestamps;
      const cv = chunk.values;
      for (let i = lo; i < hi; i++, k++) {
        ts[k] = ct[i]!;
        const v = cv[i]!;
        values[k] = v;
        // A NaN's payload (the staleness marker) must survive bit for bit: copy NaNs as
        // bytes rather than trust the engine to keep the payload of a number.
        if (Number.isNaN(v)) values.set(cv.subarray(i, i + 1), k);
      }
    }
    offsets[r + 1] = k;
  }
  const batch: SeriesBatch = { ts, values, offsets };
  return new LoadedSeries(
    order.map((i) => found[i]!.labels),
    offsets,
    batch,
  );
}

/** Runs up to this long are copied element by element when packing. */
const SMALL_COPY = 64;

/** The first index whose timestamp is at least `t`. */
function lowerBound(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < t) lo = m + 1;
    else hi = m;
  }
  return lo;
}

/**
 * The endpoints of Prometheus's HTTP API (web/api/v1/api.go, Prometheus 3.5): each reads its
 * parameters in Prometheus's order, fails with Prometheus's error type and message, and
 * returns the `data` (and warnings) of a success response.
 */
import {
  CanceledError,
  type Compat,
  compareLabels,
  errorType,
  evaluate,
  evaluateRange,
  formatAnnotation,
  formatPrometheusData,
  formatSampleValue,
  goJsonString,
  type Labels,
  type Matcher,
  type MetricMetadata,
  type QueryResult,
  type QueryValue,
  type Storage,
  TimeoutError,
} from '@promql-ts/engine';
import {
  documentedType,
  type Expr,
  isPromQLError,
  isValidUtf8,
  type ParseOptions,
  parse,
  quoteGo,
  valueType,
} from '@promql-ts/parser';
import { translateAst } from './ast-json.js';
import { compareBytes, GoMap, RawJson, writeGoJson } from './go-json.js';
import type { QueryLimiter } from './limiter.js';
import {
  type FormValues,
  MAX_TIME_MS,
  MIN_TIME_MS,
  ParamError,
  parseAtoi,
  parseDurationNs,
  parseLimit,
  parseTime,
  parseTimeParam,
} from './params.js';
import { pretty } from './pretty.js';
import { parseMatchersParam } from './selectors.js';

/** The `errorType` values of Prometheus's API. */
export type ApiErrorType =
  | 'bad_data'
  | 'canceled'
  | 'execution'
  | 'internal'
  | 'not_found'
  | 'timeout'
  | 'unavailable';

/** A failed API call: Prometheus's error type and message. */
export class ApiError extends Error {
  constructor(
    readonly type: ApiErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The HTTP status Prometheus answers an error type with (`respondError`). */
export function statusOf(type: ApiErrorType): number {
  switch (type) {
    case 'bad_data':
      return 400;
    case 'execution':
      return 422;
    case 'canceled':
      return 499;
    case 'timeout':
      return 503;
    case 'not_found':
      return 404;
    default:
      return 500;
  }
}

/** What a successful endpoint returns: `data` as JSON text (null: 204 No Content). */
export interface ApiSuccess {
  readonly data: string | null;
  readonly warnings: readonly string[];
  readonly infos: readonly string[];
}

/** Build information, as `/api/v1/status/buildinfo` serves it. */
export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly branch: string;
  readonly buildUser: string;
  readonly buildDate: string;
  readonly goVersion: string;
}

/** The settings every endpoint reads. */
export interface ApiContext {
  readonly storage: Storage;
  readonly limiter: QueryLimiter;
  readonly timeoutMs: number;
  readonly lookbackDeltaMs: number | undefined;
  readonly maxSamples: number | undefined;
  readonly defaultSubqueryStepMs: number | undefined;
  readonly delayedNameRemoval: boolean;
  readonly experimental: boolean;
  readonly compat: Compat;
  readonly now: () => number;
  readonly buildInfo: BuildInfo;
}

const ok = (data: unknown, warnings: readonly string[] = []): ApiSuccess => ({
  data: writeGoJson(data),
  warnings,
  infos: [],
});

/** Prometheus's `invalidParamError`. */
function invalidParam(name: string, e: unknown): ApiError {
  return new ApiError('bad_data', `invalid parameter ${quoteGo(name)}: ${(e as Error).message}`);
}

/** Runs a parameter reader; its error becomes `invalid parameter "name": …`. */
function param<T>(name: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ParamError) throw invalidParam(name, e);
    throw e;
  }
}

function parseOptions(ctx: ApiContext): ParseOptions {
  return { experimental: ctx.experimental, compat: ctx.compat };
}

/** Parses the `query` parameter; a parse error is `invalid parameter "query": …`. */
function parseQuery(ctx: ApiContext, query: string): Expr {
  try {
    return parse(query, parseOptions(ctx));
  } catch (e) {
    throw invalidParam('query', e);
  }
}

/** `lookback_delta` as Prometheus's `extractQueryOpts` reads it (0: the default). */
function lookbackDelta(form: FormValues): number {
  const s = form.get('lookback_delta');
  if (s === '') return 0;
  try {
    return parseDurationNs(s) / 1e6;
  } catch (e) {
    throw new ApiError(
      'bad_data',
      `error parsing lookback delta duration: ${(e as Error).message}`,
    );
  }
}

/** The `timeout` parameter in milliseconds, or null when absent. */
function timeoutParam(form: FormValues): number | null {
  const s = form.get('timeout');
  if (s === '') return null;
  return param('timeout', () => parseDurationNs(s) / 1e6);
}

const TRUNCATED = 'results truncated due to limit';
/** Prometheus's API shows at most this many warnings and infos each. */
const MAX_ANNOTATIONS = 10;

/** `annotations.AsStrings`: at most 10, then a count of those left out. */
function capAnnotations(list: readonly string[], kind: 'warning' | 'info'): string[] {
  if (list.length <= MAX_ANNOTATIONS) return [...list];
  const shown = list.slice(0, MAX_ANNOTATIONS);
  shown.push(`${list.length - MAX_ANNOTATIONS} more ${kind} annotations omitted`);
  return shown;
}

function truncate(value: QueryValue, limit: number): { value: QueryValue; truncated: boolean } {
  if (limit <= 0) return { value, truncated: false };
  if (value.type === 'vector' && value.samples.length > limit) {
    return { value: { type: 'vector', samples: value.samples.slice(0, limit) }, truncated: true };
  }
  if (value.type === 'matrix' && value.series.length > limit) {
    return { value: { type: 'matrix', series: value.series.slice(0, limit) }, truncated: true };
  }
  return { value, truncated: false };
}

/** The longest delay `setTimeout` takes (longer ones fire at once). */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A duration of `ms` milliseconds as `stats` writes timings: Go's `Duration.Seconds()` of
 * whole nanoseconds, in json-iterator's float format (`0.000143072`, `8e-07`).
 */
function seconds(ms: number): RawJson {
  const ns = Math.round(Math.max(0, ms) * 1e6);
  const s = Math.floor(ns / 1e9) + (ns % 1e9) / 1e9;
  return new RawJson(formatSampleValue(s));
}

/** `data.stats` as Prometheus's `stats.NewQueryStats` writes it. */
function statsJson(result: QueryResult, queueMs: number): unknown {
  const t = result.stats.timings;
  const prep = t.parseMs + t.planMs;
  return {
    timings: {
      evalTotalTime: seconds(prep + t.evalMs),
      resultSortTime: 0,
      queryPreparationTime: seconds(prep),
      innerEvalTime: seconds(t.evalMs),
      execQueueTime: seconds(queueMs),
      execTotalTime: seconds(queueMs + t.totalMs),
    },
    samples: {
      totalQueryableSamples: result.stats.totalQueryableSamples,
      peakSamples: result.stats.peakSamples,
    },
  };
}

interface QuerySpec {
  readonly text: string;
  readonly expr: Expr;
  /** `{ timeMs }` for an instant query, `{ startMs, endMs, stepMs }` for a range query. */
  readonly at: { readonly timeMs: number } | { startMs: number; endMs: number; stepMs: number };
  readonly limit: number;
  readonly timeoutMs: number | null;
  readonly lookbackDeltaMs: number;
  readonly stats: boolean;
}

/**
 * Runs a query under the concurrency limit and the timeout, as Prometheus's engine does:
 * the timeout covers the wait for a slot ("query timed out in query queue") and the
 * evaluation; a canceled request cancels the query.
 */
async function runQuery(
  ctx: ApiContext,
  spec: QuerySpec,
  signal: AbortSignal | null,
): Promise<ApiSuccess> {
  const began = Date.now();
  const timeoutMs = Math.min(ctx.timeoutMs, spec.timeoutMs ?? Number.POSITIVE_INFINITY);
  const deadline = began + timeoutMs;
  const slot = await ctx.limiter.acquire(deadline, signal);
  if (slot === 'timeout') throw apiErrorOf(new TimeoutError('query queue'));
  if (slot === 'canceled') throw apiErrorOf(new CanceledError('query queue'));
  const queueMs = Date.now() - began;
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | null = null;
  try {
    const options = {
      timeoutMs: Math.max(0, deadline - Date.now()),
      signal: controller.signal,
      lookbackDeltaMs: spec.lookbackDeltaMs > 0 ? spec.lookbackDeltaMs : ctx.lookbackDeltaMs,
      maxSamples: ctx.maxSamples,
      defaultSubqueryStepMs: ctx.defaultSubqueryStepMs,
      delayedNameRemoval: ctx.delayedNameRemoval,
      experimental: ctx.experimental,
      compat: ctx.compat,
    };
    const running =
      'timeMs' in spec.at
        ? evaluate(spec.expr, ctx.storage, spec.at.timeMs, options)
        : evaluateRange(
            spec.expr,
            ctx.storage,
            { start: spec.at.startMs, end: spec.at.endMs, stepMs: spec.at.stepMs },
            options,
          );
    // The engine checks its deadline while it computes; this also ends a query whose
    // storage never answers.
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          controller.abort();
          reject(new TimeoutError());
        },
        Math.min(options.timeoutMs, MAX_TIMER_MS),
      );
    });
    running.catch(() => {});
    const result = await Promise.race([running, expired]);
    // The engine looks at the clock between the nodes of the query only; Prometheus also
    // does between the steps of a range evaluation, so a query that overran its deadline
    // fails there as well.
    if (Date.now() > deadline) throw new TimeoutError();
    return queryResponse(spec, result, queueMs);
  } catch (e) {
    throw apiErrorOf(e);
  } finally {
    if (timer !== null) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    slot();
  }
}

/** The API error for an exception thrown by a query (Prometheus's `returnAPIError`). */
export function apiErrorOf(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError(isPromQLError(e) ? errorType(e) : 'internal', message);
}

function queryResponse(spec: QuerySpec, result: QueryResult, queueMs: number): ApiSuccess {
  const { value, truncated } = truncate(result.value, spec.limit);
  let data = formatPrometheusData(value);
  if (spec.stats) data = `${data.slice(0, -1)},"stats":${writeGoJson(statsJson(result, queueMs))}}`;
  const warnings = result.warnings.map((a) => formatAnnotation(a, spec.text));
  if (truncated) warnings.push(TRUNCATED);
  const infos = result.infos.map((a) => formatAnnotation(a, spec.text));
  return {
    data,
    warnings: capAnnotations(warnings, 'warning'),
    infos: capAnnotations(infos, 'info'),
  };
}

// === /api/v1/query ===

/** `GET|POST /api/v1/query`: an instant query. */
export function query(
  ctx: ApiContext,
  form: FormValues,
  signal: AbortSignal | null,
): Promise<ApiSuccess> {
  const limit = param('limit', () => parseLimit(form.get('limit')));
  const timeMs = param('time', () => parseTimeParam(form.get('time'), 'time', ctx.now()));
  const timeoutMs = timeoutParam(form);
  const lookbackDeltaMs = lookbackDelta(form);
  const text = form.get('query');
  const expr = parseQuery(ctx, text);
  return runQuery(
    ctx,
    {
      text,
      expr,
      at: { timeMs },
      limit,
      timeoutMs,
      lookbackDeltaMs,
      stats: form.get('stats') !== '',
    },
    signal,
  );
}

// === /api/v1/query_range ===

/** Prometheus's cap on the points of one series of a range query. */
export const MAX_POINTS_PER_SERIES = 11_000;

/** `GET|POST /api/v1/query_range`: a range query. */
export function queryRange(
  ctx: ApiContext,
  form: FormValues,
  signal: AbortSignal | null,
): Promise<ApiSuccess> {
  const limit = param('limit', () => parseLimit(form.get('limit')));
  const startMs = param('start', () => parseTime(form.get('start')));
  const endMs = param('end', () => parseTime(form.get('end')));
  if (endMs < startMs) {
    throw invalidParam('end', new Error('end timestamp must not be before start time'));
  }
  const stepNs = param('step', () => parseDurationNs(form.get('step')));
  if (!(stepNs > 0)) {
    throw invalidParam(
      'step',
      new Error(
        'zero or negative query resolution step widths are not accepted. Try a positive integer',
      ),
    );
  }
  // For safety, Prometheus limits the points per series (a week at 60s, a year at 1h).
  if (Math.trunc(((endMs - startMs) * 1e6) / stepNs) > MAX_POINTS_PER_SERIES) {
    throw new ApiError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  }
  const timeoutMs = timeoutParam(form);
  const lookbackDeltaMs = lookbackDelta(form);
  const text = form.get('query');
  const expr = parseQuery(ctx, text);
  const type = valueType(expr);
  if (type !== 'vector' && type !== 'scalar') {
    throw invalidParam(
      'query',
      new Error(
        `invalid expression type ${quoteGo(documentedType(type))} for range query, must be Scalar or instant Vector`,
      ),
    );
  }
  // Prometheus's engine steps in whole milliseconds.
  const stepMs = Math.max(1, Math.trunc(stepNs / 1e6));
  return runQuery(
    ctx,
    {
      text,
      expr,
      at: { startMs, endMs, stepMs },
      limit,
      timeoutMs,
      lookbackDeltaMs,
      stats: form.get('stats') !== '',
    },
    signal,
  );
}

// === /api/v1/query_exemplars ===

/** `GET|POST /api/v1/query_exemplars`: no storage holds exemplars yet, so always none. */
export function queryExemplars(ctx: ApiContext, form: FormValues): ApiSuccess {
  const startMs = param('start', () => parseTimeParam(form.get('start'), 'start', MIN_TIME_MS));
  const endMs = param('end', () => parseTimeParam(form.get('end'), 'end', MAX_TIME_MS));
  if (endMs < startMs) {
    throw new ApiError('bad_data', 'end timestamp must not be before start timestamp');
  }
  const text = form.get('query');
  try {
    parse(text, parseOptions(ctx));
  } catch (e) {
    throw new ApiError('bad_data', e instanceof Error ? e.message : String(e));
  }
  return ok([]);
}

// === /api/v1/format_query, /api/v1/parse_query ===

/** `GET|POST /api/v1/format_query`: the query prettified as Prometheus does. */
export function formatQuery(ctx: ApiContext, form: FormValues): ApiSuccess {
  return ok(pretty(parseQuery(ctx, form.get('query'))));
}

/** `GET|POST /api/v1/parse_query`: the syntax tree as JSON. */
export function parseQueryTree(ctx: ApiContext, form: FormValues): ApiSuccess {
  return ok(translateAst(parseQuery(ctx, form.get('query'))));
}

// === /api/v1/labels, /api/v1/label/<name>/values ===

interface LabelsRequest {
  readonly limit: number;
  readonly range: { readonly startMs: number; readonly endMs: number };
  readonly sets: Matcher[][];
}

/** Limit, start, end and `match[]`, read in Prometheus's order. */
function labelsRequest(ctx: ApiContext, form: FormValues): LabelsRequest {
  const limit = param('limit', () => parseLimit(form.get('limit')));
  const startMs = param('start', () => parseTimeParam(form.get('start'), 'start', MIN_TIME_MS));
  const endMs = param('end', () => parseTimeParam(form.get('end'), 'end', MAX_TIME_MS));
  let sets: Matcher[][];
  try {
    sets = parseMatchersParam(form.getAll('match[]'), parseOptions(ctx));
  } catch (e) {
    throw new ApiError('bad_data', (e as Error).message);
  }
  return { limit, range: { startMs, endMs }, sets };
}

/** Storage failures are `execution` errors here, as in Prometheus. */
async function fromStorage<T>(read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    throw new ApiError('execution', e instanceof Error ? e.message : String(e));
  }
}

/** Sorted union of string lists, cut to `limit` (with the warning). */
function unionSorted(lists: readonly (readonly string[])[], limit: number): ApiSuccess {
  const all = new Set<string>();
  for (const list of lists) for (const s of list) all.add(s);
  const values = [...all].sort(compareBytes);
  if (limit > 0 && values.length > limit) return ok(values.slice(0, limit), [TRUNCATED]);
  return ok(values);
}

/** `GET|POST /api/v1/labels`: label names. */
export async function labelNames(ctx: ApiContext, form: FormValues): Promise<ApiSuccess> {
  const { limit, range, sets } = labelsRequest(ctx, form);
  const lists =
    sets.length === 0
      ? [await fromStorage(() => ctx.storage.labelNames([], range))]
      : await Promise.all(sets.map((ms) => fromStorage(() => ctx.storage.labelNames(ms, range))));
  return unionSorted(lists, limit);
}

/**
 * Go's `model.UnescapeName` with value-encoding escaping: `U__` names spell `_` as `__`
 * and other characters as `_<hex code point>_`. An invalid escape leaves the name as is.
 */
export function unescapeName(name: string): string {
  if (!name.startsWith('U__')) return name;
  const escaped = name.slice(3);
  let out = '';
  for (let i = 0; i < escaped.length; i++) {
    if (escaped[i] !== '_') {
      out += escaped[i];
      continue;
    }
    i++;
    if (i >= escaped.length) return name;
    if (escaped[i] === '_') {
      out += '_';
      continue;
    }
    let code = 0;
    let digits = 0;
    for (;;) {
      if (i >= escaped.length || digits >= 6) return name;
      const c = escaped[i]!;
      if (c === '_') break;
      const d = Number.parseInt(c, 16);
      if (Number.isNaN(d) || !/[0-9a-fA-F]/.test(c)) return name;
      code = code * 16 + d;
      digits++;
      i++;
    }
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return name;
    out += String.fromCodePoint(code);
  }
  return out;
}

/** `GET /api/v1/label/<name>/values`: the values of a label. */
export async function labelValues(
  ctx: ApiContext,
  rawName: string,
  form: FormValues,
): Promise<ApiSuccess> {
  const name = unescapeName(rawName);
  if (name === '' || !isValidUtf8(name)) {
    throw new ApiError('bad_data', `invalid label name: ${quoteGo(name)}`);
  }
  const { limit, range, sets } = labelsRequest(ctx, form);
  const lists =
    sets.length === 0
      ? [await fromStorage(() => ctx.storage.labelValues(name, [], range))]
      : await Promise.all(
          sets.map((ms) => fromStorage(() => ctx.storage.labelValues(name, ms, range))),
        );
  return unionSorted(lists, limit);
}

// === /api/v1/series ===

/** A label set as Prometheus writes one: `{"name":"value",…}`, not HTML-escaped. */
function labelsJson(ls: Labels): string {
  return `{${ls.map((l) => `${goJsonString(l.name, false)}:${goJsonString(l.value, false)}`).join(',')}}`;
}

/** `GET|POST /api/v1/series`: the label sets of the series matching `match[]`. */
export async function series(ctx: ApiContext, form: FormValues): Promise<ApiSuccess> {
  if (form.parseError !== null) {
    throw new ApiError('bad_data', `error parsing form values: ${form.parseError}`);
  }
  const matchValues = form.getAll('match[]');
  if (matchValues.length === 0) throw new ApiError('bad_data', 'no match[] parameter provided');
  const limit = param('limit', () => parseLimit(form.get('limit')));
  const startMs = param('start', () => parseTimeParam(form.get('start'), 'start', MIN_TIME_MS));
  const endMs = param('end', () => parseTimeParam(form.get('end'), 'end', MAX_TIME_MS));
  const sets = param('match[]', () => parseMatchersParam(matchValues, parseOptions(ctx)));
  const range = { startMs, endMs };
  const found = await Promise.all(
    sets.map((ms) => fromStorage(() => ctx.storage.series(ms, range))),
  );
  // Merge the sets, dropping duplicates, in label order (Prometheus's merged series set).
  const seen = new Set<string>();
  const all: Labels[] = [];
  for (const list of found) {
    for (const ls of list) {
      const key = ls.map((l) => `${l.name}\u0000${l.value}`).join('\u0001');
      if (seen.has(key)) continue;
      seen.add(key);
      all.push(ls);
    }
  }
  all.sort(compareLabels);
  const warnings: string[] = [];
  let shown = all;
  if (limit > 0 && all.length > limit) {
    shown = all.slice(0, limit);
    warnings.push(TRUNCATED);
  }
  return {
    data: `[${shown.map(labelsJson).join(',')}]`,
    warnings,
    infos: [],
  };
}

// === /api/v1/metadata ===

/** `limit` / `limit_per_metric` of the metadata endpoint: -1 when absent. */
function metadataLimit(form: FormValues, name: string): number {
  const s = form.get(name);
  if (s === '') return -1;
  try {
    return parseAtoi(s);
  } catch {
    throw new ApiError('bad_data', `${name} must be a number`);
  }
}

/** `GET /api/v1/metadata`: type, help and unit per metric family. */
export async function metadata(ctx: ApiContext, form: FormValues): Promise<ApiSuccess> {
  const limit = metadataLimit(form, 'limit');
  const limitPerMetric = metadataLimit(form, 'limit_per_metric');
  const metric = form.get('metric');
  const read = ctx.storage.metadata;
  const found: ReadonlyMap<string, readonly MetricMetadata[]> =
    read === undefined
      ? new Map()
      : await fromStorage(() => read.call(ctx.storage, metric === '' ? undefined : metric));
  const out: Record<string, unknown> = {};
  const names = [...found.keys()].sort(compareBytes);
  for (const name of names) {
    if (limit >= 0 && Object.keys(out).length >= limit) break;
    const unique = new Map<string, MetricMetadata>();
    for (const m of found.get(name) ?? []) {
      if (limitPerMetric > 0 && unique.size >= limitPerMetric) break;
      unique.set(`${m.type}\u0000${m.help}\u0000${m.unit}`, m);
    }
    out[name] = [...unique.values()].map((m) => ({ type: m.type, help: m.help, unit: m.unit }));
  }
  return ok(new GoMap(out));
}

// === /api/v1/status/buildinfo, /api/v1/rules, /api/v1/alerts ===

/** `GET /api/v1/status/buildinfo`. */
export function buildInfo(ctx: ApiContext): ApiSuccess {
  return ok({ ...ctx.buildInfo });
}

/** `GET /api/v1/rules`: no recording or alerting rules run here. */
export function rules(): ApiSuccess {
  return ok({ groups: [] });
}

/** `GET /api/v1/alerts`: no alerts. */
export function alerts(): ApiSuccess {
  return ok({ alerts: [] });
}

/** The body of a success response, as Prometheus's `respond` writes it. */
export function successBody(result: ApiSuccess): string {
  let body = `{"status":"success","data":${result.data ?? 'null'}`;
  if (result.warnings.length > 0) {
    body += `,"warnings":${writeGoJson(result.warnings)}`;
  }
  if (result.infos.length > 0) body += `,"infos":${writeGoJson(result.infos)}`;
  return `${body}}`;
}

/** The body of an error response, as Prometheus's `respondError` writes it. */
export function errorBody(e: ApiError): string {
  return writeGoJson({ status: 'error', errorType: e.type, error: e.message });
}

/**
 * A client for Prometheus's HTTP query API (`/api/v1/query`, `/api/v1/query_range`) that
 * returns promql-ts `QueryResult`s, so that a real Prometheus and the promql-ts engine can
 * be compared with the same code. Values arrive as strings (`"1.5"`, `"NaN"`, `"+Inf"`,
 * `"-Inf"`) and timestamps as float seconds; both convert exactly.
 */
import {
  type Annotation,
  compareStrings,
  type InstantSample,
  type Labels,
  type QueryResult,
  type QueryStats,
  type QueryValue,
  type RangeSeries,
} from '@promql-ts/engine';

/** An error Prometheus answered with (`status: "error"`), or a failed request. */
export class PrometheusApiError extends Error {
  /** Prometheus's `errorType` (`bad_data`, `execution`, `timeout`…), or `http` / `network`. */
  readonly errorType: string;
  /** HTTP status, 0 when there was no response. */
  readonly status: number;

  constructor(errorType: string, message: string, status: number) {
    super(message);
    this.name = 'PrometheusApiError';
    this.errorType = errorType;
    this.status = status;
  }
}

/** Options of {@link PrometheusClient}. */
export interface PrometheusClientOptions {
  /** Per-request timeout in ms (default 60 s). */
  readonly timeoutMs?: number;
  /** The fetch implementation (default the global one). */
  readonly fetch?: typeof fetch;
}

/** Prometheus's build information (`/api/v1/status/buildinfo`). */
export interface BuildInfo {
  readonly version: string;
  readonly revision: string;
  readonly goVersion: string;
}

type JsonLabels = Record<string, string>;
type JsonPoint = [number, string];

interface JsonResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
}

/** A label object of the API as a sorted label set. */
export function labelsFromJson(metric: JsonLabels): Labels {
  return Object.keys(metric)
    .sort(compareStrings)
    .map((name) => ({ name, value: metric[name]! }));
}

/** A sample value as the API writes it. */
export function parseApiValue(v: string): number {
  switch (v) {
    case 'NaN':
      return Number.NaN;
    case '+Inf':
      return Number.POSITIVE_INFINITY;
    case '-Inf':
      return Number.NEGATIVE_INFINITY;
    default: {
      const n = Number(v);
      if (v.trim() === '' || Number.isNaN(n))
        throw new PrometheusApiError('decode', `not a sample value: ${JSON.stringify(v)}`, 0);
      return n;
    }
  }
}

/** A timestamp of the API (float seconds) in milliseconds. */
export function parseApiTime(t: number): number {
  return Math.round(t * 1000);
}

/** Milliseconds as the API's time parameter (seconds with three decimals). */
export function formatApiTime(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

function noHistograms(item: object): void {
  if ('histogram' in item || 'histograms' in item) {
    throw new PrometheusApiError(
      'unsupported',
      'the result holds native histograms, which promql-ts does not represent yet',
      0,
    );
  }
}

/**
 * Converts a successful API response body into a `QueryResult`. `stats` come from
 * `stats=all` when present (Prometheus reports no separate parse and plan times:
 * preparation time is given as `planMs`), otherwise zeros.
 *
 * @throws {PrometheusApiError} for an error response or a result it cannot represent.
 */
export function queryResultFromJson(body: unknown, query = ''): QueryResult {
  const r = body as JsonResponse & { data?: { stats?: JsonStats } };
  if (r.status !== 'success' || r.data === undefined) {
    throw new PrometheusApiError(r.errorType ?? 'unknown', r.error ?? 'malformed response', 0);
  }
  let value: QueryValue;
  const result = r.data.result;
  switch (r.data.resultType) {
    case 'vector': {
      const samples: InstantSample[] = (result as { metric: JsonLabels; value?: JsonPoint }[]).map(
        (s) => {
          noHistograms(s);
          return {
            metric: labelsFromJson(s.metric),
            t: parseApiTime(s.value![0]),
            v: parseApiValue(s.value![1]),
          };
        },
      );
      value = { type: 'vector', samples };
      break;
    }
    case 'matrix': {
      const series: RangeSeries[] = (result as { metric: JsonLabels; values?: JsonPoint[] }[]).map(
        (s) => {
          noHistograms(s);
          const points = s.values ?? [];
          const timestamps = new Float64Array(points.length);
          const values = new Float64Array(points.length);
          points.forEach(([t, v], i) => {
            timestamps[i] = parseApiTime(t);
            values[i] = parseApiValue(v);
          });
          return { metric: labelsFromJson(s.metric), timestamps, values };
        },
      );
      value = { type: 'matrix', series };
      break;
    }
    case 'scalar': {
      const [t, v] = result as JsonPoint;
      value = { type: 'scalar', t: parseApiTime(t), v: parseApiValue(v) };
      break;
    }
    case 'string': {
      const [t, v] = result as JsonPoint;
      value = { type: 'string', t: parseApiTime(t), v };
      break;
    }
    default:
      throw new PrometheusApiError(
        'decode',
        `unknown result type ${JSON.stringify(r.data.resultType)}`,
        0,
      );
  }
  const annotations = (messages: string[] | undefined): Annotation[] =>
    (messages ?? []).map((m) => annotationFromApi(m, query));
  return {
    query,
    value,
    warnings: annotations(r.warnings),
    infos: annotations(r.infos),
    stats: statsFromJson(r.data.stats),
  };
}

/**
 * An annotation as the API writes it: the message, then ` (line:column)` of the position
 * in the query when Prometheus knows it. Returns the bare message (as the engine reports
 * it) with the position as an offset into `query`.
 */
export function annotationFromApi(text: string, query: string): Annotation {
  const m = / \((\d+):(\d+)\)$/.exec(text);
  if (m === null) return { message: text, pos: null };
  const line = Number(m[1]);
  const column = Number(m[2]);
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = query.indexOf('\n', offset);
    if (nl < 0) return { message: text, pos: null };
    offset = nl + 1;
  }
  // Prometheus counts columns in bytes; convert to UTF-16 offsets.
  const bytes = new TextEncoder().encode(query.slice(offset));
  const start = offset + new TextDecoder().decode(bytes.subarray(0, column - 1)).length;
  return { message: text.slice(0, m.index), pos: { start, end: start } };
}

interface JsonStats {
  timings?: { queryPreparationTime?: number; innerEvalTime?: number; execTotalTime?: number };
  samples?: { totalQueryableSamples?: number; peakSamples?: number };
}

function statsFromJson(s: JsonStats | undefined): QueryStats {
  const ms = (sec: number | undefined) => (sec ?? 0) * 1000;
  return {
    totalQueryableSamples: s?.samples?.totalQueryableSamples ?? 0,
    peakSamples: s?.samples?.peakSamples ?? 0,
    timings: {
      parseMs: 0,
      planMs: ms(s?.timings?.queryPreparationTime),
      evalMs: ms(s?.timings?.innerEvalTime),
      totalMs: ms(s?.timings?.execTotalTime),
    },
  };
}

/**
 * Queries a Prometheus server.
 *
 * @example
 * ```ts
 * const prom = new PrometheusClient('http://127.0.0.1:9090');
 * const r = await prom.instant('sum by (job) (up)', Date.parse('2023-01-01T01:00:00Z'));
 * r.value.type; // 'vector'
 * ```
 */
export class PrometheusClient {
  /** Base URL, without a trailing slash. */
  readonly url: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(url: string, options: PrometheusClientOptions = {}) {
    this.url = url.replace(/\/+$/, '');
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** POSTs `params` as a form, or GETs with `params` in the query string (`get`). */
  async #request(
    path: string,
    params: Record<string, string | readonly string[]> | null,
    get = false,
  ): Promise<unknown> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params ?? {})) {
      for (const x of typeof v === 'string' ? [v] : v) form.append(k, x);
    }
    const post = params !== null && !get;
    const query = get && params !== null ? `?${form.toString()}` : '';
    let res: Response;
    try {
      res = await this.#fetch(`${this.url}${path}${query}`, {
        method: post ? 'POST' : 'GET',
        headers: post ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
        body: post ? form.toString() : undefined,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (e) {
      throw new PrometheusApiError(
        'network',
        `request to ${this.url}${path} failed: ${(e as Error).message}`,
        0,
      );
    }
    const text = await res.text();
    let body: JsonResponse;
    try {
      body = JSON.parse(text) as JsonResponse;
    } catch {
      throw new PrometheusApiError(
        'http',
        `HTTP ${res.status} from ${path}: ${text.slice(0, 200)}`,
        res.status,
      );
    }
    if (body.status !== 'success') {
      throw new PrometheusApiError(
        body.errorType ?? 'http',
        body.error ?? `HTTP ${res.status}`,
        res.status,
      );
    }
    return body;
  }

  /** An instant query at `timeMs`. @throws {PrometheusApiError} */
  async instant(query: string, timeMs: number): Promise<QueryResult> {
    const body = await this.#request('/api/v1/query', {
      query,
      time: formatApiTime(timeMs),
      stats: 'all',
    });
    return queryResultFromJson(body, query);
  }

  /** A range query. @throws {PrometheusApiError} */
  async range(
    query: string,
    range: { startMs: number; endMs: number; stepMs: number },
  ): Promise<QueryResult> {
    const body = await this.#request('/api/v1/query_range', {
      query,
      start: formatApiTime(range.startMs),
      end: formatApiTime(range.endMs),
      step: `${range.stepMs / 1000}`,
      stats: 'all',
    });
    return queryResultFromJson(body, query);
  }

  /**
   * The values of label `name` on series with samples in the window (e.g. every metric
   * name for `__name__`), optionally only on series matching `match` selectors.
   * @throws {PrometheusApiError}
   */
  async labelValues(
    name: string,
    window: { startMs: number; endMs: number },
    match: readonly string[] = [],
  ): Promise<string[]> {
    const body = (await this.#request(
      `/api/v1/label/${encodeURIComponent(name)}/values`,
      {
        start: formatApiTime(window.startMs),
        end: formatApiTime(window.endMs),
        ...(match.length === 0 ? {} : { 'match[]': match }),
      },
      true,
    )) as { data: string[] };
    return body.data;
  }

  /**
   * The label sets of the series matching any of `match` with samples in the window.
   * @throws {PrometheusApiError}
   */
  async series(
    match: readonly string[],
    window: { startMs: number; endMs: number },
  ): Promise<Labels[]> {
    const body = (await this.#request('/api/v1/series', {
      'match[]': match,
      start: formatApiTime(window.startMs),
      end: formatApiTime(window.endMs),
    })) as { data: JsonLabels[] };
    return body.data.map(labelsFromJson);
  }

  /**
   * Metric metadata of the currently scraped targets (`/api/v1/metadata`): per metric
   * family, its type, help and unit as each target reports them.
   * @throws {PrometheusApiError}
   */
  async metadata(): Promise<Record<string, { type: string; help: string; unit: string }[]>> {
    const body = (await this.#request('/api/v1/metadata', null)) as {
      data: Record<string, { type: string; help: string; unit: string }[]>;
    };
    return body.data;
  }

  /**
   * The server's command-line flags (`/api/v1/status/flags`), e.g.
   * `query.lookback-delta`. @throws {PrometheusApiError}
   */
  async flags(): Promise<Record<string, string>> {
    const body = (await this.#request('/api/v1/status/flags', null)) as {
      data: Record<string, string>;
    };
    return body.data;
  }

  /** The server's version. @throws {PrometheusApiError} */
  async buildInfo(): Promise<BuildInfo> {
    const body = (await this.#request('/api/v1/status/buildinfo', null)) as { data: BuildInfo };
    return {
      version: body.data.version,
      revision: body.data.revision,
      goVersion: body.data.goVersion,
    };
  }
}

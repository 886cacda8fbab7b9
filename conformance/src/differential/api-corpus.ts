/**
 * The HTTP requests of the API comparison (`api.ts`): what a Prometheus-compatible server
 * must answer byte for byte as Prometheus 3.5 does. Every endpoint of `@promql-ts/server`,
 * GET and POST (form) where Prometheus takes both, every result type (vector, matrix,
 * scalar, string; NaN and ±Inf; warnings and infos; empty results), the parameter forms
 * (times as seconds with decimals and RFC 3339, steps as seconds and durations, `limit`,
 * `lookback_delta`, `stats`, `timeout`, `match[]`), and the error paths (parse errors,
 * execution errors, bad and missing parameters, the 11,000 points limit, timeouts, bad
 * URLs).
 *
 * The requests are for the generated fleet of `generate.ts` (metric names, labels, and
 * times relative to the data's window); every query names its times explicitly.
 */

/** Parts of a body that legitimately differ, replaced before the bytes are compared. */
export type ApiNormalization =
  /** `data.stats.timings`: durations measured on each side. */
  | 'stats-timings'
  /** `/api/v1/status/buildinfo`: the build's version, revision, branch, user, date, Go. */
  | 'build-info';

/** One request of the comparison. */
export interface ApiRequest {
  /** Unique id, e.g. `query:vector:get`: the part of its expected-failures key. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'OPTIONS';
  /**
   * The path as sent, percent-encoded, with a query string when there is one of its own
   * (`/api/v1/label/job/values`, `/api/v1/series?match[]=up&x=%ZZ`).
   */
  readonly path: string;
  /** Parameters: appended to the URL's query string (GET), or the form body (POST). */
  readonly params?: readonly (readonly [string, string])[];
  /** Content-Type of a POST body (default `application/x-www-form-urlencoded`). */
  readonly contentType?: string;
  /** More request headers (e.g. `Origin`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Response headers compared besides Content-Type (lower case). */
  readonly compareHeaders?: readonly string[];
  /** Narrow replacements before the bodies are compared (see {@link ApiNormalization}). */
  readonly normalize?: readonly ApiNormalization[];
}

/** The data window the requests are written for (the generated dataset's). */
export interface ApiCorpusWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** Seconds as the API takes them: integer seconds, or with decimals (`1672533600.5`). */
function sec(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3).replace(/0+$/, '');
}

/** RFC 3339 without fractional seconds when there are none. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * A query that runs well past its 150 ms timeout on both sides (about a second per term
 * on Prometheus, a fifth of that on promql-ts), in independent terms: promql-ts looks at
 * the clock between the nodes of a query, so it stops after the term that overran.
 */
function heavy(range: string): string {
  return ['0.1', '0.25', '0.5', '0.75', '0.9', '0.99']
    .map((q) => `quantile_over_time(${q}, http_request_duration_seconds_bucket[${range}])`)
    .join(' + ');
}

type P = readonly (readonly [string, string])[];

/** A histogram quantile over the generated histogram. */
const HQ = 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))';

/**
 * The requests for a dataset's window. About 120, each answered in milliseconds except
 * the two timeouts (150 ms on Prometheus, as long as promql-ts takes to notice).
 */
export function generateApiCorpus(window: ApiCorpusWindow): ApiRequest[] {
  const s = window.startMs;
  const e = window.endMs;
  const t = s + 40 * 60_000; // an instant well inside the data
  const rangeStart = s + 10 * 60_000;
  const rangeEnd = s + 70 * 60_000;
  const out: ApiRequest[] = [];
  const get = (id: string, path: string, params: P = [], extra: Partial<ApiRequest> = {}) =>
    out.push({ id, method: 'GET', path, params, ...extra });
  const post = (id: string, path: string, params: P = [], extra: Partial<ApiRequest> = {}) =>
    out.push({ id, method: 'POST', path, params, ...extra });
  const both = (id: string, path: string, params: P, extra: Partial<ApiRequest> = {}) => {
    get(`${id}:get`, path, params, extra);
    post(`${id}:post`, path, params, extra);
  };
  const at = (query: string, time = sec(t)): P => [
    ['query', query],
    ['time', time],
  ];
  const range = (query: string, step = '60', start = sec(rangeStart), end = sec(rangeEnd)): P => [
    ['query', query],
    ['start', start],
    ['end', end],
    ['step', step],
  ];
  const Q = '/api/v1/query';
  const R = '/api/v1/query_range';

  // === /api/v1/query: result types and values ===
  both('query:vector', Q, at('up'));
  both('query:aggregation', Q, at('sum by (job, code) (rate(http_requests_total[5m]))'));
  // Instant vectors in the storage's series order, as Prometheus returns them.
  get('query:selector-order', Q, at('http_requests_total'));
  get('query:function-order', Q, at('rate(http_requests_total[5m])'));
  get('query:matrix', Q, at('http_requests_total{method="GET",code="200"}[2m]'));
  get('query:scalar', Q, at('scalar(sum(up)) * 2.5'));
  get('query:scalar-small', Q, at('1e-7'));
  get('query:string', Q, at('"a<b>&c"'));
  get('query:nan-inf-raw', Q, at('queue_fill_ratio[2h]', sec(e)));
  get('query:nan-inf', Q, at('queue_fill_ratio / 0 or -process_cpu_seconds_total / 0'));
  get('query:exponent-values', Q, at('process_resident_memory_bytes * 1e15'));
  get('query:empty', Q, at('nonexistent_metric'));
  get('query:histogram-quantile', Q, at(HQ));
  get('query:subquery', Q, at('max_over_time(rate(http_requests_total[5m])[30m:1m])'));
  get('query:at-modifier', Q, at(`up @ ${sec(t)}`, sec(e)));
  get('query:label-escaping', Q, at('label_replace(up, "x", "<&>", "", "")'));
  get('query:topk', Q, at('topk(2, node_temperature_celsius)'));
  // Annotations.
  get('query:info-not-a-counter', Q, at('rate(up[5m])'));
  get('query:warning-quantile', Q, at('histogram_quantile(2, sum by (le) (rate(x_bucket[5m])))'));
  get(
    'query:warning-quantile-data',
    Q,
    at('histogram_quantile(1.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'),
  );
  get('query:warning-bad-le', Q, at('histogram_quantile(0.9, up)'));
  get('query:warning-bad-le-no-name', Q, at('histogram_quantile(0.9, sum by (job) (up))'));
  // Parameter forms.
  get('query:time-decimals', Q, at('up', sec(t + 500)));
  get('query:time-rounded', Q, at('time()', `${sec(t)}.0005`));
  get('query:time-rfc3339', Q, at('up', rfc3339(t)));
  get('query:time-rfc3339-offset', Q, at('time()', '2023-01-01T01:40:00.25+01:00'));
  get('query:time-default', Q, [['query', 'up']]);
  get('query:limit', Q, [...at('up'), ['limit', '2']]);
  get('query:lookback-delta', Q, [...at('up', sec(t + 7000)), ['lookback_delta', '10s']]);
  get('query:timeout-enough', Q, [...at('up'), ['timeout', '30s']]);
  both('query:stats', Q, [...at('up'), ['stats', '1']], { normalize: ['stats-timings'] });
  get('query:stats-all-rate', Q, [...at(HQ), ['stats', 'all']], {
    normalize: ['stats-timings'],
  });
  post('query:body-over-url', `${Q}?query=nonexistent`, at('up'));
  post('query:text-plain-body', Q, at('up'), { contentType: 'text/plain' });
  get('query:encoded-path', `/api/v1/quer%79?query=up&time=${sec(t)}`);
  // Errors.
  get('query:missing-query', Q, [['time', sec(t)]]);
  get('query:parse-error', Q, at('sum(rate(http_requests_total[5m])'));
  get('query:parse-error-unknown-function', Q, at('foo(up)'));
  get('query:parse-error-bad-regexp', Q, at('up{job=~"("}'));
  get('query:parse-error-type', Q, at('rate(up)'));
  get('query:parse-error-offset', Q, at('up offset'));
  post('query:parse-error-post', Q, at('1 +'));
  get('query:many-to-many', Q, at('up * on () up'));
  get('query:duplicate-labelset', Q, at('{__name__=~"up|jobs_in_flight"} * 0'));
  get('query:bad-time', Q, at('up', 'yesterday'));
  get('query:bad-timeout', Q, [...at('up'), ['timeout', '5x']]);
  get('query:bad-lookback-delta', Q, [...at('up'), ['lookback_delta', 'x']]);
  get('query:bad-limit', Q, [...at('up'), ['limit', '-1']]);
  get('query:bad-escape', `${Q}?query=up%ZZ&time=${sec(t)}`);
  get('query:semicolon', `${Q}?query=up;x&time=${sec(t)}`);
  get('query:timeout', Q, [...at(heavy('2h:100ms'), sec(e)), ['timeout', '150ms']]);
  out.push({ id: 'query:put', method: 'PUT', path: `${Q}?query=up` });
  out.push({
    id: 'query:options-cors',
    method: 'OPTIONS',
    path: `${Q}?query=up`,
    headers: { Origin: 'http://grafana.example' },
    compareHeaders: ['access-control-allow-origin', 'access-control-allow-methods'],
  });
  get('query:cors', Q, at('up'), {
    headers: { Origin: 'http://grafana.example' },
    compareHeaders: ['access-control-allow-origin', 'vary'],
  });

  // === /api/v1/query_range ===
  both('query_range:matrix', R, range('sum by (job) (rate(http_requests_total[5m]))'));
  get('query_range:scalar', R, range('scalar(sum(up))'));
  get('query_range:time', R, range('time()', '10m'));
  get('query_range:nan-inf', R, range('queue_fill_ratio', '15'));
  get('query_range:empty', R, range('nonexistent_metric'));
  get('query_range:info-not-a-counter', R, range('rate(up[5m])'));
  get('query_range:sort-warning', R, range('sort(up)', '10m'));
  get('query_range:step-duration', R, range('up', '1m30s'));
  get('query_range:step-decimals', R, range('jobs_in_flight', '45.5'));
  get(
    'query_range:rfc3339',
    R,
    range('up', '5m', `${rfc3339(rangeStart).slice(0, -1)}.250Z`, rfc3339(rangeEnd)),
  );
  get('query_range:limit', R, [...range('up'), ['limit', '1']]);
  both('query_range:stats', R, [...range('up', '5m'), ['stats', '1']], {
    normalize: ['stats-timings'],
  });
  get(
    'query_range:stats-rate',
    R,
    [...range('rate(http_requests_total[5m])', '5m'), ['stats', '1']],
    {
      normalize: ['stats-timings'],
    },
  );
  get('query_range:points-11000', R, range('time()', '0.1', sec(s), sec(s + 1_100_000)));
  get('query_range:points-11001', R, range('time()', '0.1', sec(s), sec(s + 1_100_100)));
  get('query_range:points-week-at-1s', R, range('up', '1', sec(s), sec(s + 7 * 86_400_000)));
  get('query_range:end-before-start', R, range('up', '60', sec(rangeEnd), sec(rangeStart)));
  get('query_range:zero-step', R, range('up', '0'));
  get('query_range:negative-step', R, range('up', '-1m'));
  get('query_range:missing-step', R, range('up').slice(0, 3));
  get(
    'query_range:missing-start',
    R,
    range('up').filter(([k]) => k !== 'start'),
  );
  get('query_range:bad-end', R, range('up', '60', sec(rangeStart), 'soon'));
  get('query_range:bad-step', R, range('up', 'often'));
  get('query_range:range-vector', R, range('up[5m]'));
  get('query_range:string', R, range('"text"'));
  get('query_range:many-to-many', R, range('up * on () up'));
  post('query_range:parse-error', R, range('sum by (job (up)'));
  get('query_range:timeout', R, [
    ...range(heavy('1h:1s'), '60', sec(s), sec(e)),
    ['timeout', '150ms'],
  ]);

  // === /api/v1/series ===
  const win: P = [
    ['start', sec(s)],
    ['end', sec(e)],
  ];
  const S = '/api/v1/series';
  both('series:one', S, [['match[]', 'up'], ...win]);
  get('series:two', S, [
    ['match[]', 'up'],
    ['match[]', 'process_cpu_seconds_total{job="api"}'],
    ...win,
  ]);
  get('series:regexp', S, [['match[]', '{__name__=~"node_.+",sensor="cpu"}'], ...win]);
  get('series:duplicate-match', S, [['match[]', 'up'], ['match[]', 'up{job="api"}'], ...win]);
  get('series:limit', S, [['match[]', 'up'], ['limit', '2'], ...win]);
  get('series:default-window', S, [['match[]', 'jobs_processed_total']]);
  get('series:rfc3339', S, [
    ['match[]', 'up'],
    ['start', rfc3339(s + 600_000)],
    ['end', rfc3339(s + 1_200_000)],
  ]);
  get('series:before-data', S, [
    ['match[]', 'up'],
    ['start', sec(s - 86_400_000)],
    ['end', sec(s - 3_600_000)],
  ]);
  get('series:keyword-name', S, [['match[]', 'sum{job="api"}'], ...win]);
  get('series:comment', S, [['match[]', 'up # the up series'], ...win]);
  get('series:no-match', S, win);
  get('series:empty-matchers', S, [['match[]', '{job=~".*"}'], ...win]);
  get('series:parse-error', S, [['match[]', 'up{'], ...win]);
  get('series:bad-regexp', S, [['match[]', 'up{job=~"("}'], ...win]);
  get('series:empty-selector', S, [['match[]', ''], ...win]);
  get('series:blank-selector', S, [['match[]', '  '], ...win]);
  get('series:range-selector', S, [['match[]', 'up[5m]'], ...win]);
  get('series:offset', S, [['match[]', 'up offset 5m'], ...win]);
  get('series:function', S, [['match[]', 'rate(http_requests_total[5m])'], ...win]);
  get('series:number', S, [['match[]', '42'], ...win]);
  get('series:binary', S, [['match[]', 'up or process_cpu_seconds_total'], ...win]);
  get('series:at', S, [['match[]', 'up @ 1672533600'], ...win]);
  get('series:bad-start', S, [
    ['match[]', 'up'],
    ['start', 'x'],
  ]);
  get('series:bad-limit', S, [
    ['match[]', 'up'],
    ['limit', 'ten'],
  ]);
  get('series:bad-escape', `${S}?match[]=up&x=%ZZ`);

  // === /api/v1/labels ===
  const L = '/api/v1/labels';
  both('labels:all', L, []);
  get('labels:window', L, win);
  get('labels:match', L, [['match[]', 'up'], ...win]);
  get('labels:match-two-limit', L, [
    ['match[]', 'up'],
    ['match[]', 'http_requests_total'],
    ['limit', '3'],
    ...win,
  ]);
  get('labels:limit-plus', L, [['limit', '+3']]);
  get('labels:before-data', L, [
    ['start', sec(s - 86_400_000)],
    ['end', sec(s - 3_600_000)],
  ]);
  get('labels:end-before-start', L, [
    ['start', sec(e)],
    ['end', sec(s)],
  ]);
  get('labels:parse-error', L, [['match[]', 'up{']]);
  get('labels:empty-selector', L, [['match[]', '']]);
  get('labels:unexpected-token', L, [['match[]', 'up offset 1m']]);
  get('labels:bad-end', L, [['end', 'x']]);

  // === /api/v1/label/<name>/values ===
  const V = (name: string) => `/api/v1/label/${name}/values`;
  get('label-values:name', V('__name__'), win);
  get('label-values:match', V('job'), [['match[]', 'up'], ...win]);
  get('label-values:two-matches', V('instance'), [
    ['match[]', 'jobs_processed_total'],
    ['match[]', 'http_requests_total{code="500"}'],
  ]);
  get('label-values:limit', V('instance'), [['limit', '2']]);
  get('label-values:le', V('le'), [
    ['start', sec(s + 600_000)],
    ['end', sec(s + 1_200_000)],
  ]);
  get('label-values:unknown-label', V('nonexistent'), []);
  get('label-values:escaped-name', V('U__j_6f_b'), []);
  get('label-values:encoded-name', V('jo%62'), []);
  get('label-values:slash-in-name', V('a%2Fb'), []);
  get('label-values:bad-escape', V('%ZZ'), []);
  get('label-values:end-before-start', V('job'), [
    ['start', sec(e)],
    ['end', sec(s)],
  ]);
  get('label-values:parse-error', V('job'), [['match[]', 'up{job=']]);
  get('label-values:bad-limit', V('job'), [['limit', '1.5']]);
  post('label-values:post', V('job'), []);

  // === /api/v1/metadata ===
  const M = '/api/v1/metadata';
  get('metadata:all', M);
  get('metadata:metric', M, [['metric', 'up']]);
  get('metadata:limits', M, [
    ['limit', '1'],
    ['limit_per_metric', '1'],
  ]);
  get('metadata:bad-limit', M, [['limit', 'x']]);
  get('metadata:bad-limit-per-metric', M, [['limit_per_metric', 'x']]);
  post('metadata:post', M);

  // === /api/v1/format_query, /api/v1/parse_query ===
  const longQuery =
    'sum by (job) (rate(http_requests_total{code=~"5.."}[5m] offset 1m)) / on (job) group_left sum by (job) (rate(http_requests_total[5m]))';
  both('format_query:short', '/api/v1/format_query', [['query', 'sum(rate(up[5m]))by(job)']]);
  get('format_query:long', '/api/v1/format_query', [['query', longQuery]]);
  get('format_query:html', '/api/v1/format_query', [['query', 'up > bool 0 and up < 2']]);
  get('format_query:parse-error', '/api/v1/format_query', [['query', 'foo +']]);
  get('format_query:missing-query', '/api/v1/format_query');
  both('parse_query:binary', '/api/v1/parse_query', [['query', longQuery]]);
  get('parse_query:subquery-at', '/api/v1/parse_query', [
    ['query', 'max_over_time(rate(up[5m])[1h:1m] @ end() offset -1m)'],
  ]);
  get('parse_query:aggregation', '/api/v1/parse_query', [
    ['query', 'topk(3, -up) unless on () count_values("v", up)'],
  ]);
  get('parse_query:string', '/api/v1/parse_query', [['query', '"a<b>"']]);
  get('parse_query:parse-error', '/api/v1/parse_query', [['query', 'up{']]);
  get('parse_query:missing-query', '/api/v1/parse_query');

  // === The rest ===
  get('query_exemplars:empty', '/api/v1/query_exemplars', [['query', 'up'], ...win]);
  get('query_exemplars:parse-error', '/api/v1/query_exemplars', [['query', 'up{'], ...win]);
  get('query_exemplars:end-before-start', '/api/v1/query_exemplars', [
    ['query', 'up'],
    ['start', sec(e)],
    ['end', sec(s)],
  ]);
  get('buildinfo', '/api/v1/status/buildinfo', [], { normalize: ['build-info'] });
  post('buildinfo:post', '/api/v1/status/buildinfo');
  get('rules', '/api/v1/rules');
  get('alerts', '/api/v1/alerts');
  get('ready', '/-/ready');
  get('healthy', '/-/healthy');
  post('ready:post', '/-/ready');
  get('not-found', '/api/v1/nonexistent');
  get('not-found:v2', '/api/v2/query');
  return out;
}

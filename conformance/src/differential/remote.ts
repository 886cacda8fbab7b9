/**
 * Differential runs on a user's own Prometheus and its real data (`--url`): choose a
 * window and a small set of series, read their raw samples back through the HTTP API into
 * a `MemoryStorage`, build a corpus on the metrics found, and compare every case on the
 * part of the window where everything the queries read lies inside it.
 *
 * Range selectors in the API drop staleness markers, so the markers are found separately:
 * where a series has a gap, an instant-selector probe at every whole second of the gap
 * shows when Prometheus stopped returning the series before the lookback delta ran out;
 * a marker is stored at that second. Evaluation times are whole seconds, so this gives
 * exactly the answers the real markers give.
 */
import type { Labels, MetricType } from '@promql-ts/engine';
import { MemoryStorage, STALE_NAN } from '@promql-ts/storage-mem';
import { PrometheusClient } from './client.js';
import {
  type CorpusCase,
  type CorpusMetrics,
  generateCorpus,
  TEMPLATES,
  VARIANT_ARGS,
} from './corpus.js';
import { queryReach } from './reach.js';
import {
  type DifferentialRun,
  describeMetrics,
  parseDuration,
  promqlTsTarget,
  type QuerySettings,
  type RunCasesOptions,
  runCases,
} from './run.js';
import { type RawSamples, readPrometheusSamples } from './samples.js';

/** A time flag: RFC 3339, or Unix seconds. @throws Error */
export function parseTime(s: string): number {
  if (/^-?\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new Error(`not a time: ${s} (RFC 3339 or Unix seconds)`);
  return t;
}

// === Escaping for queries ===

const LEGACY_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A value for a double-quoted PromQL string. */
export function escapeString(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A literal for an RE2 regex. */
export function escapeRegex(v: string): string {
  return v.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** An exact selector of one series: every label, and `l=""` for other labels of its metric. */
export function seriesSelector(labels: Labels, otherLabels: Iterable<string> = []): string {
  const own = new Set(labels.map((l) => l.name));
  const parts = labels.map(
    (l) =>
      `${LEGACY_LABEL.test(l.name) || l.name === '__name__' ? l.name : `"${escapeString(l.name)}"`}="${escapeString(l.value)}"`,
  );
  for (const n of otherLabels) {
    if (!own.has(n)) parts.push(`${LEGACY_LABEL.test(n) ? n : `"${escapeString(n)}"`}=""`);
  }
  return `{${parts.join(', ')}}`;
}

// === Choosing the metrics ===

/** What {@link chooseMetrics} found. */
export interface MetricChoice {
  /** Selectors whose series are loaded. */
  readonly selectors: readonly string[];
  /** Metric names and their types. */
  readonly types: ReadonlyMap<string, MetricType>;
}

/**
 * The type of a metric without metadata, from its name: `_total` counters; the series of
 * histograms and summaries (`_bucket`, `_count`, `_sum`, `_created`) and `_info` metrics
 * are none of ours; anything else is taken for a gauge.
 */
export function guessType(name: string): 'counter' | 'gauge' | undefined {
  if (name.endsWith('_total')) return 'counter';
  if (/_(bucket|count|sum|created|info)$/.test(name)) return undefined;
  return 'gauge';
}

/** Well-known metrics tried first, in this order (Prometheus itself, exporters, Go). */
const PREFERRED: Readonly<Record<'counter' | 'gauge' | 'histogram', readonly string[]>> = {
  counter: [
    'prometheus_http_requests_total',
    'process_cpu_seconds_total',
    'node_cpu_seconds_total',
    'node_network_receive_bytes_total',
    'prometheus_tsdb_head_samples_appended_total',
    'go_memstats_alloc_bytes_total',
  ],
  gauge: [
    'process_resident_memory_bytes',
    'node_hwmon_temp_celsius',
    'node_filesystem_avail_bytes',
    'go_goroutines',
    'prometheus_tsdb_head_series',
    'node_load1',
    'process_open_fds',
  ],
  histogram: [
    'prometheus_http_request_duration_seconds',
    'prometheus_http_response_size_bytes',
    'prometheus_tsdb_compaction_chunk_range_seconds',
  ],
};

/** Options of {@link chooseMetrics}. */
export interface ChooseOptions {
  readonly counters?: number;
  readonly gauges?: number;
  readonly histograms?: number;
  /** A metric with more series (histograms: more bucket series) is passed over (default 100). */
  readonly maxSeriesPerMetric?: number;
  /** At most this many series in all (default 2000). */
  readonly maxSeries?: number;
  readonly log?: (line: string) => void;
}

/**
 * A small set of metric families on the server with samples in the window: `up`, a few
 * counters, gauges and classic histograms (types from `/api/v1/metadata`, else from name
 * suffixes), well-known ones first, each with at most `maxSeriesPerMetric` series.
 */
export async function chooseMetrics(
  client: PrometheusClient,
  window: { startMs: number; endMs: number },
  options: ChooseOptions = {},
): Promise<MetricChoice> {
  const names = new Set(
    (await client.labelValues('__name__', window)).filter((n) => LEGACY_NAME.test(n)),
  );
  let metadata: Record<string, { type: string }[]> = {};
  try {
    metadata = await client.metadata();
  } catch {
    // Servers without the metadata API: types from names.
  }
  const typeOf = (family: string): string | undefined => metadata[family]?.[0]?.type;
  const candidates: Record<'counter' | 'gauge' | 'histogram', string[]> = {
    counter: [],
    gauge: [],
    histogram: [],
  };
  for (const n of [...names].sort()) {
    if (n === 'up') continue;
    if (n.endsWith('_bucket')) {
      const family = n.slice(0, -'_bucket'.length);
      const t = typeOf(family);
      if ((t === undefined || t === 'histogram') && names.has(`${family}_count`))
        candidates.histogram.push(family);
      continue;
    }
    const t =
      typeOf(n) ?? (n.endsWith('_total') ? typeOf(n.slice(0, -6)) : undefined) ?? guessType(n);
    if (t === 'counter' || t === 'gauge') candidates[t].push(n);
  }
  const maxPer = options.maxSeriesPerMetric ?? 100;
  const maxSeries = options.maxSeries ?? 2000;
  const want = {
    counter: options.counters ?? 3,
    gauge: options.gauges ?? 4,
    histogram: options.histograms ?? 1,
  };
  const types = new Map<string, MetricType>();
  const selectors: string[] = [];
  let total = 0;
  const count = async (selector: string, limit: number): Promise<number> => {
    const series = await client.series([selector], window);
    return series.length > limit ? Number.POSITIVE_INFINITY : series.length;
  };
  const take = async (selector: string, limit: number): Promise<boolean> => {
    const n = await count(selector, limit);
    if (n === 0 || n === Number.POSITIVE_INFINITY || total + n > maxSeries) return false;
    total += n;
    selectors.push(selector);
    return true;
  };
  if (names.has('up') && (await take('up', maxSeries))) types.set('up', 'gauge');
  for (const kind of ['counter', 'gauge', 'histogram'] as const) {
    const pool = candidates[kind];
    const ordered = [
      ...PREFERRED[kind].filter((n) => pool.includes(n)),
      ...pool.filter((n) => !PREFERRED[kind].includes(n)),
    ];
    let got = 0;
    // Counting a metric's series is one request: try a bounded number of candidates.
    for (const n of ordered.slice(0, 30)) {
      if (got >= want[kind]) break;
      const selector =
        kind === 'histogram' ? `{__name__=~"${escapeRegex(n)}_(bucket|count|sum)"}` : n;
      if (await take(selector, kind === 'histogram' ? maxPer * 4 : maxPer)) {
        types.set(n, kind);
        got++;
      }
    }
  }
  if (names.has('target_info') && (await take('target_info', maxPer)))
    types.set('target_info', 'info');
  options.log?.(`chose ${selectors.length} selectors, ${total} series`);
  return { selectors, types };
}

/** The type of each metric name of `raw`: from `types`, else from its name. */
function familyTypes(
  raw: RawSamples,
  types: ReadonlyMap<string, MetricType>,
): Map<string, MetricType> {
  const out = new Map<string, MetricType>();
  const names = new Set<string>();
  for (const s of raw.values()) names.add(s.labels.find((l) => l.name === '__name__')?.value ?? '');
  for (const n of names) {
    if (n === '') continue;
    const known = types.get(n);
    if (known !== undefined) {
      out.set(n, known);
      continue;
    }
    const family = n.replace(/_(bucket|count|sum)$/, '');
    if (family !== n && types.get(family) === 'histogram') {
      out.set(family, 'histogram');
      continue;
    }
    if (n.endsWith('_bucket') && names.has(`${family}_count`)) {
      out.set(family, 'histogram');
      continue;
    }
    if ((n.endsWith('_count') || n.endsWith('_sum')) && names.has(`${family}_bucket`)) continue;
    const guessed = guessType(n);
    if (guessed !== undefined) out.set(n, guessed);
  }
  return out;
}

/**
 * The corpus metrics for the loaded series: the dimensions' lists and the roles (a counter
 * and a gauge that have several series per target where there are any, label values of
 * `job`, …), falling back to whatever is loaded.
 *
 * @throws Error when nothing usable is loaded.
 */
export function corpusMetricsFor(
  raw: RawSamples,
  types: ReadonlyMap<string, MetricType>,
): CorpusMetrics {
  const families = familyTypes(raw, types);
  const seriesOf = new Map<string, Labels[]>();
  for (const s of raw.values()) {
    const n = s.labels.find((l) => l.name === '__name__')?.value ?? '';
    seriesOf.set(n, [...(seriesOf.get(n) ?? []), s.labels]);
  }
  const legacy = [...families.keys()].filter((n) => LEGACY_NAME.test(n)).sort();
  const of = (t: MetricType) => legacy.filter((n) => families.get(n) === t && n !== 'up');
  const counters = of('counter').slice(0, 3);
  const gauges = of('gauge').slice(0, 4);
  const histograms = of('histogram').slice(0, 2);
  const any = [...gauges, ...counters, ...(families.has('up') ? ['up'] : [])];
  if (any.length === 0) throw new Error('no counter or gauge series were loaded');
  const up = families.has('up') ? 'up' : any[0]!;

  // A label that splits a metric's series within a target, with its values.
  const splitLabel = (metric: string): { name: string; values: string[] } | null => {
    const values = new Map<string, Map<string, number>>();
    for (const labels of seriesOf.get(metric) ?? []) {
      for (const l of labels) {
        if (['__name__', 'job', 'instance', 'le'].includes(l.name) || !LEGACY_LABEL.test(l.name))
          continue;
        const m = values.get(l.name) ?? new Map<string, number>();
        m.set(l.value, (m.get(l.value) ?? 0) + 1);
        values.set(l.name, m);
      }
    }
    const best = [...values]
      .filter(([, v]) => v.size >= 2)
      .sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))[0];
    if (best === undefined) return null;
    return {
      name: best[0],
      values: [...best[1]].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([v]) => v),
    };
  };
  const pick = (pool: string[], prefer: (n: string) => boolean, fallback: string) =>
    pool.find(prefer) ?? pool[0] ?? fallback;
  const counterA = pick(counters, (n) => splitLabel(n) !== null, any[0]!);
  const counterB = pick(counters, (n) => n !== counterA && splitLabel(n) === null, counterA);
  const gaugeA = pick(gauges, (n) => splitLabel(n) !== null, any[0]!);
  const rest = gauges.filter((n) => n !== gaugeA);
  const gaugeB = rest[0] ?? gaugeA;
  const gaugeC = rest[1] ?? gaugeB;
  const gaugeD = rest[2] ?? gaugeC;
  const aSplit = splitLabel(gaugeA);
  const gaugeAValue = aSplit?.values[0] ?? '';
  const jobs = new Map<string, number>();
  for (const labels of seriesOf.get(up) ?? []) {
    const j = labels.find((l) => l.name === 'job')?.value;
    if (j !== undefined) jobs.set(j, (jobs.get(j) ?? 0) + 1);
  }
  const jobList = [...jobs].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([j]) => j);
  return {
    counters,
    gauges,
    histograms,
    up,
    counterA,
    counterALabel: splitLabel(counterA)?.name ?? 'instance',
    counterB,
    gaugeA,
    gaugeALabel: aSplit?.name ?? 'instance',
    gaugeAValue: escapeString(gaugeAValue),
    gaugeARegex: escapeString(`${escapeRegex(gaugeAValue.slice(0, 1))}.*`),
    gaugeANotRegex: escapeString(`${escapeRegex(gaugeAValue)}|nonexistent`),
    gaugeB,
    gaugeC,
    gaugeD,
    jobA: escapeString(jobList[0] ?? ''),
    jobB: escapeString(jobList[1] ?? jobList[0] ?? ''),
    nameRegex: escapeString([gaugeB, counterB].map(escapeRegex).join('|')),
  };
}

// === Staleness markers ===

/** Options of {@link findStaleMarkers}. */
export interface StaleMarkerOptions {
  readonly lookbackDeltaMs: number;
  /** At most this many gaps are probed (default 2000); the rest are reported. */
  readonly maxProbes?: number;
  /** Probes in flight at once (default 4). */
  readonly concurrency?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

/** Staleness markers found: whole-second timestamps per series key, and gaps not probed. */
export interface StaleMarkers {
  readonly markers: Map<string, number[]>;
  readonly probes: number;
  readonly unprobed: number;
  /**
   * The longest usual interval between samples of a series. The last 1.5 intervals of the
   * window are not probed (a series may have gone stale there unseen): evaluations end
   * before them.
   */
  readonly maxInterval: number;
}

/** The median distance between consecutive samples (the lookback for one sample). */
function typicalInterval(ts: readonly number[], fallback: number): number {
  if (ts.length < 2) return fallback;
  const d: number[] = [];
  for (let i = 1; i < ts.length; i++) d.push(ts[i]! - ts[i - 1]!);
  d.sort((a, b) => a - b);
  return d[Math.floor(d.length / 2)]!;
}

/**
 * Finds where Prometheus has staleness markers in `raw` (which the API's range selectors
 * leave out): for every gap of a series longer than 1.5 of its usual interval, and after
 * its last sample, a range query of `timestamp(<series>)` at every whole second of the gap
 * within the lookback delta; the first second the series is missing holds a marker.
 */
export async function findStaleMarkers(
  client: PrometheusClient,
  raw: RawSamples,
  window: { startMs: number; endMs: number },
  options: StaleMarkerOptions,
): Promise<StaleMarkers> {
  const lookback = options.lookbackDeltaMs;
  // Label names per metric, to select one series exactly.
  const namesOf = new Map<string, Set<string>>();
  for (const s of raw.values()) {
    const metric = s.labels.find((l) => l.name === '__name__')?.value ?? '';
    const set = namesOf.get(metric) ?? new Set<string>();
    for (const l of s.labels) set.add(l.name);
    namesOf.set(metric, set);
  }
  const gaps: { key: string; labels: Labels; last: number; fromMs: number; toMs: number }[] = [];
  let maxInterval = 0;
  for (const [key, s] of raw) {
    const ts = s.timestamps;
    const interval = typicalInterval(ts, lookback);
    maxInterval = Math.max(maxInterval, interval);
    for (let i = 0; i < ts.length; i++) {
      const next = ts[i + 1] ?? Number.POSITIVE_INFINITY;
      // A marker is written at a scrape that misses the series: the next sample is two
      // intervals away at least; after the last sample, a scrape must have been due.
      const gap = Math.min(next, window.endMs) - ts[i]!;
      if (gap <= 1.5 * interval) continue;
      // Whole seconds at which the sample would still be returned without a marker.
      const fromMs = Math.ceil((ts[i]! + 1) / 1000) * 1000;
      const toMs =
        Math.floor((Math.min(next, ts[i]! + lookback, window.endMs + 1) - 1) / 1000) * 1000;
      if (toMs < fromMs) continue;
      gaps.push({ key, labels: s.labels, last: ts[i]!, fromMs, toMs });
    }
  }
  const max = options.maxProbes ?? 2000;
  const probed = gaps.slice(0, max);
  const markers = new Map<string, number[]>();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < probed.length) {
      const g = probed[next++]!;
      const metric = g.labels.find((l) => l.name === '__name__')?.value ?? '';
      const selector = seriesSelector(g.labels, namesOf.get(metric) ?? []);
      const r = await client.range(`timestamp(${selector})`, {
        startMs: g.fromMs,
        endMs: g.toMs,
        stepMs: 1000,
      });
      if (r.value.type !== 'matrix') throw new Error('staleness probe: expected a matrix');
      const seen = new Set<number>();
      for (const s of r.value.series) {
        for (let i = 0; i < s.timestamps.length; i++) {
          if (s.values[i] === g.last / 1000) seen.add(s.timestamps[i]!);
        }
      }
      for (let t = g.fromMs; t <= g.toMs; t += 1000) {
        if (!seen.has(t)) {
          const list = markers.get(g.key) ?? [];
          list.push(t);
          markers.set(g.key, list);
          break;
        }
      }
      options.onProgress?.(++done, probed.length);
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 4, probed.length) }, worker),
  );
  return { markers, probes: probed.length, unprobed: gaps.length - probed.length, maxInterval };
}

/** Loads raw samples (and staleness markers) into a new `MemoryStorage`. */
export function storageFrom(
  raw: RawSamples,
  markers: ReadonlyMap<string, readonly number[]> = new Map(),
  types: ReadonlyMap<string, MetricType> = new Map(),
): MemoryStorage {
  const storage = new MemoryStorage();
  for (const [name, type] of types) storage.setMetadata(name, { type });
  for (const [key, s] of raw) {
    const stale = markers.get(key) ?? [];
    const n = s.timestamps.length + stale.length;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    let i = 0;
    let k = 0;
    for (let o = 0; o < n; o++) {
      if (k < stale.length && (i >= s.timestamps.length || stale[k]! < s.timestamps[i]!)) {
        ts[o] = stale[k++]!;
        vs[o] = STALE_NAN;
      } else {
        ts[o] = s.timestamps[i]!;
        vs[o] = s.values[i++]!;
      }
    }
    const r = storage.addSeries(s.labels, ts, vs);
    if (r.rejected > 0) throw new Error(`the storage refused ${r.rejected} samples of ${key}`);
  }
  storage.trim();
  return storage;
}

// === The run ===

/** Options of {@link runUrl}. */
export interface UrlRunOptions {
  readonly url: string;
  /** The data window (default: the hour ending 5 minutes ago, whole seconds). */
  readonly startMs?: number;
  readonly endMs?: number;
  /**
   * Series selectors: the metric families of the series they match are loaded, whole
   * (default: {@link chooseMetrics}).
   */
  readonly match?: readonly string[];
  /** At most this many series (default 2000). */
  readonly maxSeries?: number;
  readonly instantTimes?: number;
  readonly templates?: (template: string) => boolean;
  readonly concurrency?: number;
  readonly log?: (line: string) => void;
  readonly onCase?: RunCasesOptions['onCase'];
  readonly signal?: AbortSignal;
  /** Per-request timeout (default: the server's query timeout + 30 s). */
  readonly timeoutMs?: number;
  /** For tests: the fetch implementation. */
  readonly fetch?: typeof fetch;
}

/**
 * Selectors of the whole metric families of the series matching `match`: each metric name
 * (and for `_bucket` series, the histogram's `_count` and `_sum` too).
 */
export async function familiesOf(
  client: PrometheusClient,
  match: readonly string[],
  window: { startMs: number; endMs: number },
): Promise<string[]> {
  const names = new Set<string>();
  for (const selector of match) {
    for (const labels of await client.series([selector], window)) {
      const n = labels.find((l) => l.name === '__name__')?.value;
      if (n === undefined) continue;
      names.add(n);
      if (n.endsWith('_bucket')) {
        const family = n.slice(0, -'_bucket'.length);
        names.add(`${family}_count`);
        names.add(`${family}_sum`);
      }
    }
  }
  return [...names]
    .sort()
    .map((n) => (LEGACY_NAME.test(n) ? n : `{__name__="${escapeString(n)}"}`));
}

/** The server's query settings, from its flags and configuration. */
export async function serverSettings(
  client: PrometheusClient,
): Promise<{ settings: QuerySettings; features: string[] }> {
  const info = await client.buildInfo();
  let flags: Record<string, string> = {};
  try {
    flags = await client.flags();
  } catch {
    // Not every Prometheus-compatible server has the flags API: Prometheus's defaults.
  }
  const features = (flags['enable-feature'] ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const major = Number(info.version.split('.')[0]);
  const compat = major === 2 ? 'prometheus2' : 'prometheus3';
  const duration = (v: string | undefined, d: number) => {
    try {
      return v === undefined ? d : parseDuration(v);
    } catch {
      return d;
    }
  };
  return {
    settings: {
      compat,
      experimental: compat === 'prometheus3' && features.includes('promql-experimental-functions'),
      lookbackDeltaMs: duration(flags['query.lookback-delta'], 300_000),
      maxSamples: Number(flags['query.max-samples'] ?? 50_000_000),
      timeoutMs: duration(flags['query.timeout'], 120_000),
      defaultSubqueryStepMs: 60_000,
      delayedNameRemoval: features.includes('promql-delayed-name-removal'),
    },
    features,
  };
}

/** The global `evaluation_interval` of the server's configuration (the default subquery step). */
async function evaluationInterval(url: string, f: typeof fetch): Promise<number> {
  try {
    const res = await f(`${url.replace(/\/+$/, '')}/api/v1/status/config`, {
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { data?: { yaml?: string } };
    const m = /^global:\s*\n(?:[ \t]+.*\n)*?[ \t]+evaluation_interval:\s*(\S+)/m.exec(
      body.data?.yaml ?? '',
    );
    return m === null ? 60_000 : parseDuration(m[1]!);
  } catch {
    return 60_000;
  }
}

/**
 * The evaluation window of a corpus on data `[startMs, endMs]`: shrunk at the start by the
 * longest reach back of any query and at the end by the longest reach ahead (negative
 * offsets) and `endMarginMs`, plus a second, in whole seconds. Queries reaching more than
 * half the window are left out.
 */
export function evaluationWindow(
  cases: readonly CorpusCase[],
  data: { startMs: number; endMs: number },
  settings: Pick<QuerySettings, 'lookbackDeltaMs' | 'compat' | 'experimental'>,
  endMarginMs = 0,
): { startMs: number; endMs: number; dropped: Set<string> } {
  const span = data.endMs - data.startMs;
  let back = 0;
  let forward = 0;
  const dropped = new Set<string>();
  const seen = new Map<string, { backMs: number; forwardMs: number }>();
  for (const c of cases) {
    const key = `${c.query}\u0000${c.stepMs}`;
    let r = seen.get(key);
    if (r === undefined) {
      r = queryReach(c.query, {
        lookbackDeltaMs: settings.lookbackDeltaMs,
        stepMs: c.stepMs,
        rangeMs: c.endMs - c.startMs,
        compat: settings.compat,
        experimental: true,
      });
      seen.set(key, r);
    }
    if (r.backMs + r.forwardMs > span / 2) {
      dropped.add(c.query);
      continue;
    }
    back = Math.max(back, r.backMs);
    forward = Math.max(forward, r.forwardMs);
  }
  return {
    startMs: Math.ceil((data.startMs + back + 1000) / 1000) * 1000,
    endMs: Math.floor((data.endMs - forward - endMarginMs) / 1000) * 1000,
    dropped,
  };
}

/**
 * A differential run on a user's Prometheus: its flags give the query settings (lookback,
 * max samples, timeout, experimental functions, delayed name removal), a window of its data
 * is read back, and the corpus runs on the part of the window every query can see whole.
 *
 * @throws Error when the server cannot be reached or holds nothing usable in the window.
 */
export async function runUrl(options: UrlRunOptions): Promise<DifferentialRun> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const f = options.fetch ?? fetch;
  const probe = new PrometheusClient(options.url, { timeoutMs: 30_000, fetch: f });
  const { settings: base, features } = await serverSettings(probe);
  const settings: QuerySettings = {
    ...base,
    defaultSubqueryStepMs: await evaluationInterval(options.url, f),
  };
  const client = new PrometheusClient(options.url, {
    timeoutMs: options.timeoutMs ?? settings.timeoutMs + 30_000,
    fetch: f,
  });
  const info = await client.buildInfo();
  const endMs = options.endMs ?? Math.floor((Date.now() - 5 * 60_000) / 1000) * 1000;
  const startMs = options.startMs ?? endMs - 3600_000;
  if (!(endMs > startMs)) throw new Error('the window is empty: --end must be after --start');
  const window = { startMs, endMs };
  log(
    `Prometheus ${info.version} at ${options.url}; window ${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}`,
  );

  let selectors: readonly string[];
  let types: ReadonlyMap<string, MetricType> = new Map();
  if (options.match !== undefined && options.match.length > 0) {
    // Whole metric families: the corpus selects by metric name, and would read series the
    // `MemoryStorage` lacks if a selector's label matchers left some out.
    selectors = await familiesOf(client, options.match, window);
    try {
      const md = await client.metadata();
      types = new Map(
        Object.entries(md).map(([n, m]) => [n, (m[0]?.type ?? 'unknown') as MetricType]),
      );
    } catch {
      // Types from names.
    }
  } else {
    const choice = await chooseMetrics(client, window, {
      ...(options.maxSeries === undefined ? {} : { maxSeries: options.maxSeries }),
      log,
    });
    selectors = choice.selectors;
    types = choice.types;
  }
  if (selectors.length === 0) throw new Error('no series to load in the window');

  const raw: RawSamples = new Map();
  for (const selector of selectors) {
    options.signal?.throwIfAborted();
    const part = await readPrometheusSamples(client, startMs, endMs, {
      selector,
      windowMs: 15 * 60_000,
    });
    for (const [k, s] of part) raw.set(k, s);
  }
  const maxSeries = options.maxSeries ?? 2000;
  if (raw.size > maxSeries) {
    throw new Error(
      `the selectors match ${raw.size} series, more than --max-series ${maxSeries}: narrow them`,
    );
  }
  let samples = 0;
  for (const s of raw.values()) samples += s.timestamps.length;
  log(`read ${samples} samples of ${raw.size} series (${selectors.join(', ')})`);
  if (raw.size === 0) throw new Error('no samples in the window');

  const stale = await findStaleMarkers(client, raw, window, {
    lookbackDeltaMs: settings.lookbackDeltaMs,
  });
  let markerCount = 0;
  for (const m of stale.markers.values()) markerCount += m.length;
  log(`probed ${stale.probes} gaps, found ${markerCount} staleness markers`);
  const storage = storageFrom(raw, stale.markers, types);

  const metrics = corpusMetricsFor(raw, types);
  // Ranges that leave most of the window to evaluate on.
  const ranges = VARIANT_ARGS.range!.filter((r) => parseDuration(r) <= (endMs - startMs) / 4);
  const corpusOptions = {
    compat: settings.compat,
    experimental: settings.experimental,
    metrics,
    variants: { range: ranges.length > 0 ? ranges : ['1m'] },
    templates: TEMPLATES,
    ...(options.instantTimes === undefined ? {} : { instantTimes: options.instantTimes }),
  };
  const provisional = generateCorpus({ ...corpusOptions, ...window });
  const evalWindow = evaluationWindow(
    provisional,
    window,
    settings,
    Math.min(settings.lookbackDeltaMs, Math.ceil(1.5 * stale.maxInterval)),
  );
  if (evalWindow.endMs <= evalWindow.startMs) {
    throw new Error('the window is too short for the corpus: choose a longer one');
  }
  const filter = options.templates;
  const cases = generateCorpus({
    ...corpusOptions,
    startMs: evalWindow.startMs,
    endMs: evalWindow.endMs,
  }).filter(
    (c) => !evalWindow.dropped.has(c.query) && (filter === undefined || filter(c.template)),
  );
  log(
    `running ${cases.length} cases on ${new Date(evalWindow.startMs).toISOString()} to ${new Date(evalWindow.endMs).toISOString()}`,
  );
  const results = await runCases(cases, client, promqlTsTarget(storage, settings), {
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.onCase === undefined ? {} : { onCase: options.onCase }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return {
    name: 'url',
    server: info,
    url: options.url,
    settings,
    features,
    data: [
      `data window ${new Date(startMs).toISOString()} to ${new Date(endMs).toISOString()}: ${raw.size} series, ${samples} samples of ${selectors.join(', ')}`,
      `${markerCount} staleness markers found by ${stale.probes} probes${stale.unprobed > 0 ? ` (${stale.unprobed} gaps not probed)` : ''}`,
      `metrics: ${describeMetrics(metrics)}`,
      `evaluation window ${new Date(evalWindow.startMs).toISOString()} to ${new Date(evalWindow.endMs).toISOString()}${evalWindow.dropped.size > 0 ? `; ${evalWindow.dropped.size} queries reading beyond half the window left out` : ''}`,
    ],
    samples: null,
    results,
    complete: filter === undefined,
    durationMs: performance.now() - started,
  };
}

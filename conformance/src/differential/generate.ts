/**
 * A deterministic generator of realistic monitoring data for differential runs: a fleet of
 * instances of two jobs, scraped at a fixed interval with a per-instance phase, with
 *
 * - counters that reset when an instance restarts,
 * - gauges (random walks, temperatures below zero, integer counts),
 * - classic histograms (`_bucket{le}`, `_sum`, `_count`) that reset with their counters,
 * - missed scrapes (no sample of any series of the instance at that time),
 * - outages (a run of scrapes where only `up` is written, as 0),
 * - NaN, +Inf and −Inf values in one gauge.
 *
 * The same seed and sizes give the same samples everywhere. The data can be written as
 * OpenMetrics text (for `promtool tsdb create-blocks-from openmetrics`) and loaded into a
 * `MemoryStorage`; both hold exactly the same float64 values and millisecond timestamps.
 */
import { compareLabels, type Labels, type MetricType } from '@promql-ts/engine';
import { type MemoryStorage, normalizeLabels } from '@promql-ts/storage-mem';
import { Random } from './random.js';

/** Sizes and seed of a generated dataset. */
export interface GenerateOptions {
  /** Seed of the random generator (default 1). */
  readonly seed?: number;
  /** Number of instances in the fleet (default 4); about 25 series each. */
  readonly instances?: number;
  /** First scrape time, ms since the epoch (default 2023-01-01T00:00:00Z). */
  readonly startMs?: number;
  /** Length of the data in ms (default 2 h). */
  readonly durationMs?: number;
  /** Scrape interval in ms (default 15 s). */
  readonly intervalMs?: number;
  /** Probability that a scrape is missed (default 0.01). */
  readonly missedScrapeProbability?: number;
  /** Called after each instance with the running totals. */
  readonly onProgress?: (progress: GenerateProgress) => void;
}

/** Progress of {@link generateDataset}. */
export interface GenerateProgress {
  readonly instancesDone: number;
  readonly instances: number;
  readonly series: number;
  readonly samples: number;
}

/** One metric family (OpenMetrics `# TYPE` / `# HELP`). */
export interface MetricFamily {
  readonly name: string;
  readonly type: Extract<MetricType, 'counter' | 'gauge' | 'histogram'>;
  readonly help: string;
}

/** One generated series: its family, labels and samples in time order. */
export interface GeneratedSeries {
  readonly family: string;
  /** Labels, sorted by name, `__name__` included (e.g. `http_requests_total`). */
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** A generated dataset. */
export interface Dataset {
  readonly seed: number;
  readonly instances: number;
  readonly startMs: number;
  /** The last scrape time that may hold a sample (inclusive). */
  readonly endMs: number;
  readonly intervalMs: number;
  readonly families: readonly MetricFamily[];
  /** Series grouped by family, families in {@link families} order. */
  readonly series: readonly GeneratedSeries[];
  readonly samples: number;
}

/** 2023-01-01T00:00:00Z: the default start, well in the past and inside one promtool block. */
export const DEFAULT_START_MS = 1_672_531_200_000;

/** Bucket bounds of the generated classic histogram. */
export const HISTOGRAM_BOUNDS: readonly number[] = [
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
  10,
  Number.POSITIVE_INFINITY,
];

/** The metric families of the fleet. */
export const FAMILIES: readonly MetricFamily[] = [
  { name: 'up', type: 'gauge', help: 'Whether the last scrape succeeded.' },
  { name: 'http_requests', type: 'counter', help: 'HTTP requests served.' },
  { name: 'jobs_processed', type: 'counter', help: 'Background jobs finished.' },
  { name: 'process_cpu_seconds', type: 'counter', help: 'CPU time used.' },
  { name: 'process_resident_memory_bytes', type: 'gauge', help: 'Resident memory.' },
  { name: 'node_temperature_celsius', type: 'gauge', help: 'Sensor temperature.' },
  { name: 'jobs_in_flight', type: 'gauge', help: 'Jobs being processed.' },
  { name: 'queue_fill_ratio', type: 'gauge', help: 'Queue fill ratio, NaN or ±Inf when broken.' },
  { name: 'http_request_duration_seconds', type: 'histogram', help: 'Request latency.' },
];

/** Builds the samples of one series while an instance is simulated. */
class SeriesBuilder {
  readonly family: string;
  readonly labels: Labels;
  readonly ts: number[] = [];
  readonly vs: number[] = [];

  constructor(family: string, labels: Record<string, string>) {
    this.family = family;
    this.labels = normalizeLabels(labels);
  }

  add(t: number, v: number): void {
    this.ts.push(t);
    this.vs.push(v);
  }

  build(): GeneratedSeries {
    return {
      family: this.family,
      labels: this.labels,
      timestamps: Float64Array.from(this.ts),
      values: Float64Array.from(this.vs),
    };
  }
}

/**
 * A bucket bound in the canonical OpenMetrics form (`1.0`, `0.25`, `+Inf`), which
 * Prometheus 3 normalises `le` values to when it parses OpenMetrics; written that way, both
 * Prometheus versions and the `MemoryStorage` hold the same label value.
 */
export function formatBucketBound(le: number): string {
  if (le === Number.POSITIVE_INFINITY) return '+Inf';
  const s = String(le);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** Rounds to `digits` decimals, so values are short and exact in text. */
function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Simulates one instance of the fleet. */
function simulateInstance(
  i: number,
  rng: Random,
  o: Required<Omit<GenerateOptions, 'onProgress'>>,
): SeriesBuilder[] {
  const job = i % 2 === 0 ? 'api' : 'worker';
  const instance = `node-${i}:9100`;
  const base = { job, instance };
  const out: SeriesBuilder[] = [];
  const series = (family: string, name: string, extra: Record<string, string> = {}) => {
    const b = new SeriesBuilder(family, { __name__: name, ...base, ...extra });
    out.push(b);
    return b;
  };

  const up = series('up', 'up');
  const requests =
    job === 'api'
      ? ['GET', 'POST'].flatMap((method) =>
          ['200', '500'].map((code) => ({
            b: series('http_requests', 'http_requests_total', { method, code }),
            rate: (method === 'GET' ? 20 : 5) * (code === '200' ? 1 : 0.02) * (1 + i * 0.1),
            value: 0,
          })),
        )
      : [];
  const jobs =
    job === 'worker'
      ? ['default', 'priority'].map((queue) => ({
          b: series('jobs_processed', 'jobs_processed_total', { queue }),
          rate: queue === 'default' ? 3 : 0.5,
          value: 0,
        }))
      : [];
  const cpu = { b: series('process_cpu_seconds', 'process_cpu_seconds_total'), value: 0 };
  const memory = {
    b: series('process_resident_memory_bytes', 'process_resident_memory_bytes'),
    value: 1.5e8 + i * 1e7,
  };
  const temps = ['cpu', 'ambient'].map((sensor, k) => ({
    b: series('node_temperature_celsius', 'node_temperature_celsius', { sensor }),
    value: sensor === 'cpu' ? 55 + i : -5 + k + i,
  }));
  const inFlight = series('jobs_in_flight', 'jobs_in_flight');
  const ratio = series('queue_fill_ratio', 'queue_fill_ratio');
  const handler = job === 'api' ? '/api' : '/work';
  const buckets = HISTOGRAM_BOUNDS.map((le) => ({
    le,
    b: series('http_request_duration_seconds', 'http_request_duration_seconds_bucket', {
      handler,
      le: formatBucketBound(le),
    }),
    value: 0,
  }));
  const hSum = {
    b: series('http_request_duration_seconds', 'http_request_duration_seconds_sum', { handler }),
    value: 0,
  };
  const hCount = {
    b: series('http_request_duration_seconds', 'http_request_duration_seconds_count', { handler }),
    value: 0,
  };

  // One outage per instance for most instances: 2 to 40 scrapes with only up=0.
  const scrapes = Math.floor(o.durationMs / o.intervalMs) + 1;
  const outageStart = rng.chance(0.75) ? rng.int(1, Math.max(1, scrapes - 2)) : -1;
  const outageEnd = outageStart + rng.int(2, 40);
  const phase = (i * 1237) % o.intervalMs;
  const resetAll = () => {
    for (const r of requests) r.value = 0;
    for (const r of jobs) r.value = 0;
    for (const b of buckets) b.value = 0;
    cpu.value = 0;
    hSum.value = 0;
    hCount.value = 0;
  };
  const seconds = o.intervalMs / 1000;
  for (let k = 0; k < scrapes; k++) {
    const t = o.startMs + phase + k * o.intervalMs;
    if (t > o.startMs + o.durationMs) break;
    if (rng.chance(o.missedScrapeProbability)) continue;
    if (k >= outageStart && k < outageEnd) {
      up.add(t, 0);
      // The instance comes back restarted: counters start again from zero.
      if (k === outageEnd - 1) resetAll();
      continue;
    }
    if (rng.chance(0.003)) resetAll(); // a restart between two scrapes
    up.add(t, 1);
    for (const r of [...requests, ...jobs]) {
      r.value += Math.max(
        0,
        Math.round(rng.normal(r.rate * seconds, Math.sqrt(r.rate * seconds) + 0.5)),
      );
      r.b.add(t, r.value);
    }
    cpu.value = round(cpu.value + Math.max(0, rng.normal(0.3, 0.1)) * seconds, 3);
    cpu.b.add(t, cpu.value);
    memory.value = Math.max(1e7, Math.round(memory.value + rng.normal(0, 2e6)));
    memory.b.add(t, memory.value);
    for (const tp of temps) {
      tp.value = round(tp.value + rng.normal(0, 0.4), 2);
      tp.b.add(t, tp.value);
    }
    inFlight.add(t, Math.max(0, Math.round(rng.normal(4 + (i % 3), 2))));
    const special = rng.next();
    ratio.add(
      t,
      special < 0.01
        ? Number.NaN
        : special < 0.015
          ? Number.POSITIVE_INFINITY
          : special < 0.02
            ? Number.NEGATIVE_INFINITY
            : round(rng.next(), 4),
    );
    const observations = rng.int(0, 30);
    for (let n = 0; n < observations; n++) {
      const latency = round(Math.exp(rng.normal(-3, 1.2)), 4);
      hSum.value = round(hSum.value + latency, 4);
      hCount.value++;
      for (const b of buckets) if (latency <= b.le) b.value++;
    }
    for (const b of buckets) b.b.add(t, b.value);
    hSum.b.add(t, hSum.value);
    hCount.b.add(t, hCount.value);
  }
  return out;
}

/**
 * Generates a dataset.
 *
 * @example
 * ```ts
 * const data = generateDataset({ seed: 7, instances: 2, durationMs: 30 * 60_000 });
 * data.series.length; // 48
 * ```
 */
export function generateDataset(options: GenerateOptions = {}): Dataset {
  const o = {
    seed: options.seed ?? 1,
    instances: options.instances ?? 4,
    startMs: options.startMs ?? DEFAULT_START_MS,
    durationMs: options.durationMs ?? 2 * 3600_000,
    intervalMs: options.intervalMs ?? 15_000,
    missedScrapeProbability: options.missedScrapeProbability ?? 0.01,
  };
  if (!Number.isSafeInteger(o.startMs) || !Number.isSafeInteger(o.durationMs) || o.durationMs < 0) {
    throw new RangeError('startMs and durationMs must be integers, durationMs not negative');
  }
  if (!Number.isSafeInteger(o.intervalMs) || o.intervalMs <= 0) {
    throw new RangeError('intervalMs must be a positive integer');
  }
  if (!Number.isSafeInteger(o.instances) || o.instances < 1) {
    throw new RangeError('instances must be a positive integer');
  }
  const root = new Random(o.seed);
  const builders: SeriesBuilder[] = [];
  let samples = 0;
  for (let i = 0; i < o.instances; i++) {
    const made = simulateInstance(i, root.fork(i), o);
    for (const b of made) samples += b.ts.length;
    builders.push(...made);
    options.onProgress?.({
      instancesDone: i + 1,
      instances: o.instances,
      series: builders.length,
      samples,
    });
  }
  const order = new Map(FAMILIES.map((f, k) => [f.name, k]));
  const series = builders
    .filter((b) => b.ts.length > 0)
    .map((b, k) => ({ b, k }))
    .sort((x, y) => order.get(x.b.family)! - order.get(y.b.family)! || x.k - y.k)
    .map(({ b }) => b.build());
  return {
    seed: o.seed,
    instances: o.instances,
    startMs: o.startMs,
    endMs: o.startMs + o.durationMs,
    intervalMs: o.intervalMs,
    families: FAMILIES,
    series,
    samples,
  };
}

// === OpenMetrics ===

/** A float as OpenMetrics text; the shortest decimal that reads back to the same float64. */
export function formatOpenMetricsValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  // String(-0) is "0"; Prometheus stores the sign.
  return Object.is(v, -0) ? '-0' : String(v);
}

/** A millisecond timestamp as OpenMetrics seconds with exactly three decimals. */
export function formatOpenMetricsTimestamp(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  return `${sign}${Math.floor(abs / 1000)}.${String(abs % 1000).padStart(3, '0')}`;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatSeriesName(labels: Labels): string {
  const name = labels.find((l) => l.name === '__name__')?.value ?? '';
  const rest = labels.filter((l) => l.name !== '__name__');
  if (rest.length === 0) return name;
  return `${name}{${rest.map((l) => `${l.name}="${escapeLabelValue(l.value)}"`).join(',')}}`;
}

/**
 * The dataset as OpenMetrics text, in chunks of about `chunkSize` characters, ending with
 * `# EOF`. Families are contiguous; counter and gauge series are written one after the
 * other with all their samples; a histogram's series are written per timestamp (buckets,
 * `_count`, `_sum`), as OpenMetrics groups a histogram's MetricPoint.
 */
export function* openMetricsChunks(dataset: Dataset, chunkSize = 1 << 16): Generator<string> {
  let buf = '';
  const flush = function* (force: boolean) {
    if (buf.length >= chunkSize || (force && buf.length > 0)) {
      yield buf;
      buf = '';
    }
  };
  for (const family of dataset.families) {
    const members = dataset.series.filter((s) => s.family === family.name);
    if (members.length === 0) continue;
    buf += `# TYPE ${family.name} ${family.type}\n# HELP ${family.name} ${family.help}\n`;
    if (family.type !== 'histogram') {
      for (const s of members) {
        const prefix = `${formatSeriesName(s.labels)} `;
        for (let i = 0; i < s.timestamps.length; i++) {
          buf += `${prefix}${formatOpenMetricsValue(s.values[i]!)} ${formatOpenMetricsTimestamp(s.timestamps[i]!)}\n`;
          yield* flush(false);
        }
      }
      continue;
    }
    // Group a histogram's series by their labels without `le` and `__name__`.
    const groups = new Map<string, GeneratedSeries[]>();
    for (const s of members) {
      const key = JSON.stringify(s.labels.filter((l) => l.name !== 'le' && l.name !== '__name__'));
      const g = groups.get(key) ?? [];
      g.push(s);
      groups.set(key, g);
    }
    for (const g of groups.values()) {
      const rank = (s: GeneratedSeries) => {
        const name = s.labels.find((l) => l.name === '__name__')!.value;
        if (name.endsWith('_bucket')) {
          const le = s.labels.find((l) => l.name === 'le')!.value;
          return le === '+Inf' ? Number.MAX_VALUE : Number(le);
        }
        return name.endsWith('_count') ? Number.POSITIVE_INFINITY : Number.NaN;
      };
      const ordered = [...g].sort((a, b) => {
        const ra = rank(a);
        const rb = rank(b);
        if (Number.isNaN(ra)) return 1;
        if (Number.isNaN(rb)) return -1;
        return ra - rb;
      });
      const times = new Set<number>();
      for (const s of ordered) for (const t of s.timestamps) times.add(t);
      const cursor = ordered.map(() => 0);
      for (const t of [...times].sort((a, b) => a - b)) {
        ordered.forEach((s, k) => {
          const i = cursor[k]!;
          if (s.timestamps[i] !== t) return;
          buf += `${formatSeriesName(s.labels)} ${formatOpenMetricsValue(s.values[i]!)} ${formatOpenMetricsTimestamp(t)}\n`;
          cursor[k] = i + 1;
        });
        yield* flush(false);
      }
    }
  }
  buf += '# EOF\n';
  yield* flush(true);
}

/**
 * Loads the dataset into `storage` (samples and metadata). Returns the samples added.
 *
 * Series go in in label order: the order a compacted Prometheus block (such as the
 * backfilled one) holds them in and its querier returns them in. The engine keeps a
 * storage's series order, as Prometheus does, and so does the order of an instant query's
 * result (compared byte for byte by the HTTP API comparison).
 */
export function loadDataset(storage: MemoryStorage, dataset: Dataset): number {
  let added = 0;
  for (const f of dataset.families) storage.setMetadata(f.name, { type: f.type, help: f.help });
  const ordered = [...dataset.series].sort((a, b) => compareLabels(a.labels, b.labels));
  for (const s of ordered) {
    const r = storage.addSeries(s.labels, s.timestamps, s.values);
    if (r.rejected > 0) {
      throw new Error(`the storage refused ${r.rejected} samples of ${JSON.stringify(s.labels)}`);
    }
    added += r.added;
  }
  storage.trim();
  return added;
}

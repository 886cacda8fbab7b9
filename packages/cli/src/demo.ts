/**
 * The built-in demo data: a simulated web-service fleet with hours of history ending now,
 * deterministic for a given seed and end time.
 *
 * Three jobs (`api` ×4, `web` ×3, `auth` ×2 instances) serve HTTP requests whose rate
 * follows a slow wave with noise and a traffic surge. What happens to them:
 * - `api-3:8080` degrades (slow responses), then is down for 30 minutes: `up` is 0, its
 *   series go stale (staleness markers, as Prometheus writes them) and come back from zero.
 * - `api-2:8080` has a burst of 500 errors.
 * - `web-2:8080` restarts for a deploy: its counters reset without a gap.
 *
 * Metrics: `http_requests_total{job,instance,method,status,path}` (counter),
 * `request_latency_seconds` (classic histogram: `_bucket{le}`, `_sum`, `_count`),
 * `active_connections`, `cpu_usage_ratio` and `memory_usage_bytes` (gauges) and `up`, with
 * their metadata (`# TYPE`, `# HELP`).
 */
import type { MemoryStorage } from '@promql-ts/storage-mem';
import { STALE_NAN } from '@promql-ts/storage-mem';

/** Options of {@link loadDemo}. */
export interface DemoOptions {
  /** Seed of the pseudo-random generator (default 42). */
  readonly seed?: number;
  /** Time of the last sample in milliseconds (default now, rounded down to the interval). */
  readonly endMs?: number;
  /** Length of the history in milliseconds (default 6 hours). */
  readonly durationMs?: number;
  /** Scrape interval in milliseconds (default 15 seconds). */
  readonly intervalMs?: number;
  /**
   * Milliseconds of samples to generate after `endMs` (default 0). A server started with
   * some keeps a live-looking fleet: those samples show up in queries as time reaches them.
   */
  readonly futureMs?: number;
  /** Called after each metric family is stored. */
  readonly onProgress?: (progress: DemoProgress) => void;
}

/** Progress of {@link loadDemo}. */
export interface DemoProgress {
  readonly family: string;
  readonly series: number;
  readonly samples: number;
}

/** What {@link loadDemo} stored. */
export interface DemoInfo {
  readonly startMs: number;
  /** The end of the history (the `endMs` option). */
  readonly endMs: number;
  /** The last sample, after {@link DemoOptions.futureMs}. */
  readonly lastMs: number;
  readonly intervalMs: number;
  readonly series: number;
  readonly samples: number;
  /** The instance that goes down, and when (its samples stop in `[startMs, endMs)`). */
  readonly outage: { readonly instance: string; readonly startMs: number; readonly endMs: number };
}

/** Queries that show the demo off (the first is the README's). */
export const DEMO_QUERIES: readonly string[] = [
  'sum by (job) (rate(http_requests_total[5m]))',
  'sum by (instance) (rate(http_requests_total{status="500"}[5m]))',
  'histogram_quantile(0.99, sum by (job, le) (rate(request_latency_seconds_bucket[5m])))',
  'up == 0',
  'avg by (job) (cpu_usage_ratio)',
  'topk(3, sum by (path) (rate(http_requests_total[5m])))',
];

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** mulberry32: a small, fast, seedable generator (uniform in [0, 1)). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal variate (Box–Muller). */
function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** The standard normal CDF (Abramowitz–Stegun 7.1.26 for erf). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

interface Endpoint {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Requests per second across the job. */
  readonly rate: number;
}

interface Job {
  readonly name: string;
  readonly instances: number;
  readonly endpoints: readonly Endpoint[];
  /** Median latency in seconds. */
  readonly latency: number;
}

const JOBS: readonly Job[] = [
  {
    name: 'api',
    instances: 4,
    latency: 0.08,
    endpoints: [
      { method: 'GET', path: '/api/users', rate: 42 },
      { method: 'POST', path: '/api/users', rate: 6 },
      { method: 'GET', path: '/api/orders', rate: 30 },
      { method: 'POST', path: '/api/orders', rate: 9 },
      { method: 'GET', path: '/api/search', rate: 18 },
    ],
  },
  {
    name: 'web',
    instances: 3,
    latency: 0.04,
    endpoints: [
      { method: 'GET', path: '/', rate: 55 },
      { method: 'GET', path: '/static', rate: 120 },
      { method: 'GET', path: '/checkout', rate: 8 },
      { method: 'POST', path: '/checkout', rate: 3 },
    ],
  },
  {
    name: 'auth',
    instances: 2,
    latency: 0.12,
    endpoints: [
      { method: 'POST', path: '/login', rate: 7 },
      { method: 'POST', path: '/token', rate: 25 },
      { method: 'POST', path: '/logout', rate: 2 },
    ],
  },
];

/** Share of requests per status code, by method. */
const STATUSES: Readonly<Record<Endpoint['method'], readonly [string, number][]>> = {
  GET: [
    ['200', 0.955],
    ['400', 0.005],
    ['404', 0.03],
    ['500', 0.01],
  ],
  POST: [
    ['200', 0.95],
    ['400', 0.035],
    ['500', 0.015],
  ],
};

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const LATENCY_SIGMA = 0.6;

/** One instance's timeline: whether each step is scraped, and its process restarts. */
interface Timeline {
  readonly job: Job;
  readonly instance: string;
  /** Index among the job's instances. */
  readonly index: number;
  /** 1 when the target answered the scrape at step i. */
  readonly up: Uint8Array;
  /** 1 when the process (re)started just before step i: counters start from zero. */
  readonly restart: Uint8Array;
  /** Requests served per step. */
  readonly requests: Float64Array;
  /** Median latency per step, in seconds. */
  readonly latency: Float64Array;
}

/**
 * Generates the demo fleet into `storage` (which should be empty or hold other metrics).
 * Takes well under a second for the default six hours.
 *
 * @example
 * ```ts
 * const storage = new MemoryStorage();
 * const info = loadDemo(storage);
 * await evaluate('sum by (job) (rate(http_requests_total[5m]))', storage, info.endMs);
 * ```
 */
export function loadDemo(storage: MemoryStorage, options: DemoOptions = {}): DemoInfo {
  const intervalMs = options.intervalMs ?? 15_000;
  const durationMs = options.durationMs ?? 6 * HOUR;
  const endMs = options.endMs ?? Math.floor(Date.now() / intervalMs) * intervalMs;
  const historySteps = Math.floor(durationMs / intervalMs) + 1;
  const startMs = endMs - (historySteps - 1) * intervalMs;
  const steps = historySteps + Math.floor((options.futureMs ?? 0) / intervalMs);
  const lastMs = startMs + (steps - 1) * intervalMs;
  const seed = options.seed ?? 42;
  let salt = 0;
  // Each piece of data (the load curve, each instance, each series) draws from its own
  // stream, so that the history does not depend on how much future is generated.
  const fresh = () => random((Math.imul(seed, 2654435761) + Math.imul(++salt, 40503)) >>> 0);
  let rand = fresh();
  const stepOf = (t: number) => Math.round((t - startMs) / intervalMs);
  const ts = new Float64Array(steps);
  for (let i = 0; i < steps; i++) ts[i] = startMs + i * intervalMs;
  const seconds = intervalMs / 1000;

  // Events, relative to the end of the history.
  const outage = { instance: 'api-3:8080', startMs: endMs - 2 * HOUR, endMs: endMs - 90 * MINUTE };
  const degradeFrom = stepOf(outage.startMs - 10 * MINUTE);
  const outageFrom = stepOf(outage.startMs);
  const outageTo = stepOf(outage.endMs);
  const errorBurst = {
    instance: 'api-2:8080',
    from: stepOf(endMs - 4 * HOUR),
    to: stepOf(endMs - 220 * MINUTE),
  };
  const deploy = { instance: 'web-2:8080', at: stepOf(endMs - 270 * MINUTE) };
  const surge = { from: stepOf(endMs - 3 * HOUR), to: stepOf(endMs - 160 * MINUTE) };

  let seriesCount = 0;
  let samples = 0;
  const add = (labels: Record<string, string>, values: Float64Array, keep: Uint8Array | null) => {
    if (keep === null) {
      storage.addSeries(labels, ts, values);
      samples += steps;
    } else {
      // Only the scraped steps, plus a staleness marker where a target stops answering.
      // (Values go straight into a Float64Array: a plain array would lose the marker's
      // NaN payload.)
      let n = 0;
      for (let i = 0; i < steps; i++) if (keep[i] === 1 || (i > 0 && keep[i - 1] === 1)) n++;
      const t = new Float64Array(n);
      const v = new Float64Array(n);
      let k = 0;
      for (let i = 0; i < steps; i++) {
        if (keep[i] === 1) {
          t[k] = ts[i]!;
          v[k++] = values[i]!;
        } else if (i > 0 && keep[i - 1] === 1) {
          t[k] = ts[i]!;
          v[k++] = STALE_NAN;
        }
      }
      storage.addSeries(labels, t, v);
      samples += n;
    }
    seriesCount++;
  };
  const report = (family: string) => options.onProgress?.({ family, series: seriesCount, samples });

  // Traffic shape shared by the fleet: a slow wave, a surge, and per-step noise.
  const load = new Float64Array(steps);
  rand = fresh();
  const phase = rand() * Math.PI * 2;
  for (let i = 0; i < steps; i++) {
    const wave = 1 + 0.3 * Math.sin(phase + (2 * Math.PI * i) / historySteps);
    const inSurge = i >= surge.from && i < surge.to ? 1.6 : 1;
    load[i] = wave * inSurge * (1 + 0.05 * gaussian(rand));
  }

  const timelines: Timeline[] = [];
  for (const job of JOBS) {
    for (let k = 0; k < job.instances; k++) {
      const instance = `${job.name}-${k + 1}:8080`;
      const up = new Uint8Array(steps).fill(1);
      const restart = new Uint8Array(steps);
      const latency = new Float64Array(steps);
      rand = fresh();
      const skew = 0.85 + 0.3 * rand();
      const requests = new Float64Array(steps);
      const jobRate = job.endpoints.reduce((sum, e) => sum + e.rate, 0);
      for (let i = 0; i < steps; i++) {
        latency[i] = job.latency * (i >= surge.from && i < surge.to ? 1.5 : 1);
        requests[i] = (jobRate / job.instances) * skew * load[i]! * seconds;
      }
      if (instance === outage.instance) {
        for (let i = outageFrom; i < outageTo; i++) up[i] = 0;
        restart[outageTo] = 1;
        for (let i = degradeFrom; i < outageFrom; i++) latency[i] = job.latency * 3;
      }
      if (instance === deploy.instance) restart[deploy.at] = 1;
      timelines.push({ job, instance, index: k, up, restart, requests, latency });
    }
  }
  // The other api instances take over the traffic of the one that is down.
  const down = timelines.find((t) => t.instance === outage.instance)!;
  for (const t of timelines) {
    if (t.job !== down.job || t === down) continue;
    const n = t.job.instances;
    for (let i = outageFrom; i < outageTo; i++) t.requests[i] = t.requests[i]! * (n / (n - 1));
  }

  // === up ===
  for (const t of timelines) {
    const values = new Float64Array(steps);
    for (let i = 0; i < steps; i++) values[i] = t.up[i]!;
    add({ __name__: 'up', job: t.job.name, instance: t.instance }, values, null);
  }
  storage.setMetadata('up', {
    type: 'gauge',
    help: 'Whether the target answered its last scrape (1) or not (0).',
  });
  report('up');

  /** Cumulative sum of per-step increments, restarting from zero after a restart. */
  const counter = (t: Timeline, increment: (i: number) => number): Float64Array => {
    const out = new Float64Array(steps);
    let total = 0;
    for (let i = 0; i < steps; i++) {
      if (t.restart[i] === 1) total = 0;
      if (t.up[i] === 1) total += increment(i);
      out[i] = total;
    }
    return out;
  };
  /** A whole number of events around `mean` (normal approximation of a Poisson draw). */
  const draw = (mean: number) => Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rand)));

  // === http_requests_total ===
  for (const t of timelines) {
    const jobRate = t.job.endpoints.reduce((sum, e) => sum + e.rate, 0);
    for (const e of t.job.endpoints) {
      for (const [status, share] of STATUSES[e.method]) {
        const burst = t.instance === errorBurst.instance && status === '500';
        rand = fresh();
        const values = counter(t, (i) => {
          const inBurst = burst && i >= errorBurst.from && i < errorBurst.to ? 12 : 1;
          return draw(t.requests[i]! * (e.rate / jobRate) * share * inBurst);
        });
        add(
          {
            __name__: 'http_requests_total',
            job: t.job.name,
            instance: t.instance,
            method: e.method,
            path: e.path,
            status,
          },
          values,
          t.up,
        );
      }
    }
  }
  storage.setMetadata('http_requests_total', {
    type: 'counter',
    help: 'HTTP requests served, by method, path and status code.',
  });
  report('http_requests_total');

  // === request_latency_seconds (histogram) ===
  for (const t of timelines) {
    rand = fresh();
    const counts = BUCKETS.map(() => new Float64Array(steps));
    const inf = new Float64Array(steps);
    const sum = new Float64Array(steps);
    const totals = new Float64Array(BUCKETS.length);
    let totalInf = 0;
    let totalSum = 0;
    for (let i = 0; i < steps; i++) {
      if (t.restart[i] === 1) {
        totals.fill(0);
        totalInf = 0;
        totalSum = 0;
      }
      if (t.up[i] === 1) {
        const n = draw(t.requests[i]!);
        const median = t.latency[i]! * (1 + 0.05 * gaussian(rand));
        for (let b = 0; b < BUCKETS.length; b++) {
          const z = Math.log(BUCKETS[b]! / median) / LATENCY_SIGMA;
          totals[b] = totals[b]! + Math.round(n * normalCdf(z));
        }
        totalInf += n;
        totalSum += n * median * Math.exp((LATENCY_SIGMA * LATENCY_SIGMA) / 2);
      }
      for (let b = 0; b < BUCKETS.length; b++) counts[b]![i] = totals[b]!;
      inf[i] = totalInf;
      sum[i] = Math.round(totalSum * 1000) / 1000;
    }
    const base = { job: t.job.name, instance: t.instance };
    BUCKETS.forEach((le, b) => {
      add(
        { __name__: 'request_latency_seconds_bucket', ...base, le: String(le) },
        counts[b]!,
        t.up,
      );
    });
    add({ __name__: 'request_latency_seconds_bucket', ...base, le: '+Inf' }, inf, t.up);
    add({ __name__: 'request_latency_seconds_count', ...base }, Float64Array.from(inf), t.up);
    add({ __name__: 'request_latency_seconds_sum', ...base }, sum, t.up);
  }
  storage.setMetadata('request_latency_seconds', {
    type: 'histogram',
    help: 'Time to serve a request, in seconds.',
    unit: 'seconds',
  });
  report('request_latency_seconds');

  // === Gauges ===
  for (const t of timelines) {
    rand = fresh();
    const base = { job: t.job.name, instance: t.instance };
    const conns = new Float64Array(steps);
    const cpu = new Float64Array(steps);
    const mem = new Float64Array(steps);
    let heap = 180e6 + 40e6 * rand();
    for (let i = 0; i < steps; i++) {
      const perSecond = t.requests[i]! / seconds;
      conns[i] = Math.max(0, Math.round(perSecond * t.latency[i]! * 4 + 3 + 2 * gaussian(rand)));
      cpu[i] = Math.min(1, Math.max(0.01, 0.08 + perSecond / 90 + 0.03 * gaussian(rand)));
      if (t.restart[i] === 1) heap = 150e6;
      // Grows with traffic; a garbage collection now and then gives it back.
      heap += perSecond * 4e3 * (1 + 0.2 * gaussian(rand));
      if (heap > 420e6 || rand() < 0.004) heap *= 0.6;
      mem[i] = Math.round(heap);
      cpu[i] = Math.round(cpu[i]! * 1e4) / 1e4;
    }
    add({ __name__: 'active_connections', ...base }, conns, t.up);
    add({ __name__: 'cpu_usage_ratio', ...base }, cpu, t.up);
    add({ __name__: 'memory_usage_bytes', ...base }, mem, t.up);
  }
  storage.setMetadata('active_connections', { type: 'gauge', help: 'Open client connections.' });
  storage.setMetadata('cpu_usage_ratio', {
    type: 'gauge',
    help: 'Share of one CPU used by the process, from 0 to 1.',
    unit: 'ratio',
  });
  storage.setMetadata('memory_usage_bytes', {
    type: 'gauge',
    help: 'Resident memory of the process.',
    unit: 'bytes',
  });
  report('gauges');
  storage.trim();
  return { startMs, endMs, lastMs, intervalMs, series: seriesCount, samples, outage };
}

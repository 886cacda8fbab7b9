/**
 * The Prometheus side of the comparison: queries with Prometheus's own timing, the
 * process's memory from `/proc`, and short-lived servers over a copy of the backfilled
 * block, so that each query's memory is measured in a process that has run nothing else.
 */
import { spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  formatApiTime,
  PrometheusApiError,
  type PrometheusServer,
  queryResultFromJson,
} from '@promql-ts/conformance';
import type { QueryResult } from '@promql-ts/engine';

/** Prometheus's timings of one query (`stats` of the query API), in ms. */
export interface PrometheusTimings {
  /** `evalTotalTime`: preparation (series selection), evaluation and result sorting. */
  readonly evalMs: number;
  readonly preparationMs: number;
  readonly innerEvalMs: number;
  readonly resultSortMs: number;
  readonly peakSamples: number;
  readonly totalQueryableSamples: number;
}

interface StatsJson {
  timings?: {
    evalTotalTime?: number;
    resultSortTime?: number;
    queryPreparationTime?: number;
    innerEvalTime?: number;
  };
  samples?: { totalQueryableSamples?: number; peakSamples?: number };
}

/** A query to send: instant at `timeMs`, or a range. */
export type PrometheusQuery =
  | { readonly query: string; readonly timeMs: number }
  | {
      readonly query: string;
      readonly startMs: number;
      readonly endMs: number;
      readonly stepMs: number;
    };

/**
 * Runs a query against a Prometheus server with `stats=<stats>` and returns its result
 * and its own timings. `stats=all` also turns on per-step sample statistics, which add
 * work to the evaluation; any other non-empty value reports the same timings without them.
 *
 * With `decode: false` only the statistics are decoded (the result is null): decoding a
 * large answer into series allocates a great deal in this process, which is also the
 * process whose own query is timed next, and that garbage and those cache misses would be
 * counted against it.
 *
 * @throws {PrometheusApiError}
 */
export async function queryPrometheus(
  url: string,
  q: PrometheusQuery,
  stats: string,
  { decode = true, timeoutMs = 180_000 }: { decode?: boolean; timeoutMs?: number } = {},
): Promise<{ result: QueryResult | null; timings: PrometheusTimings }> {
  const form = new URLSearchParams({ query: q.query, stats });
  if ('timeMs' in q) form.set('time', formatApiTime(q.timeMs));
  else {
    form.set('start', formatApiTime(q.startMs));
    form.set('end', formatApiTime(q.endMs));
    form.set('step', `${q.stepMs / 1000}`);
  }
  const res = await fetch(`${url}/api/v1/${'timeMs' in q ? 'query' : 'query_range'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  // A successful answer ends with `"stats":{…}}}`: the last member of `data`.
  const at = text.lastIndexOf('"stats":');
  const statsOnly = !decode && text.startsWith('{"status":"success"') && at > 0;
  const body = (
    statsOnly
      ? { status: 'success', data: JSON.parse(`{${text.slice(at, -2)}}`) }
      : JSON.parse(text)
  ) as {
    status: string;
    errorType?: string;
    error?: string;
    data?: { stats?: StatsJson };
  };
  if (body.status !== 'success') {
    throw new PrometheusApiError(
      body.errorType ?? 'http',
      body.error ?? `HTTP ${res.status}`,
      res.status,
    );
  }
  const s = body.data?.stats;
  if (s?.timings?.evalTotalTime === undefined) {
    throw new PrometheusApiError('decode', 'the response holds no stats.timings.evalTotalTime', 0);
  }
  const ms = (sec: number | undefined) => (sec ?? 0) * 1000;
  return {
    result: statsOnly ? null : queryResultFromJson(body, q.query),
    timings: {
      evalMs: ms(s.timings.evalTotalTime),
      preparationMs: ms(s.timings.queryPreparationTime),
      innerEvalMs: ms(s.timings.innerEvalTime),
      resultSortMs: ms(s.timings.resultSortTime),
      peakSamples: s.samples?.peakSamples ?? 0,
      totalQueryableSamples: s.samples?.totalQueryableSamples ?? 0,
    },
  };
}

/** Memory of a process from `/proc/<pid>/status`, in bytes. */
export interface ProcMemory {
  /** Resident set (anonymous + file-backed + shared). */
  readonly rss: number;
  /** Peak resident set since start or since the last {@link resetPeakRss}. */
  readonly hwm: number;
  /** Anonymous resident memory: the Go heap, stacks and runtime. */
  readonly anon: number;
  /** File-backed resident memory: mostly the TSDB block files Prometheus mmaps. */
  readonly file: number;
}

/** Reads `/proc/<pid>/status`. @throws Error when the process is gone. */
export function procMemory(pid: number): ProcMemory {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
    return m === null ? 0 : Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/**
 * Resets the process's peak RSS (`VmHWM`) to its current RSS (`echo 5 >
 * /proc/<pid>/clear_refs`, Linux ≥ 4.0, same user). Returns whether it could.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples a process's anonymous RSS every `intervalMs` until stopped; returns the largest
 * value seen (Go returns freed memory to the OS only slowly, so the RSS after a query is
 * close to its peak; the sampling catches the rest).
 */
export function sampleAnonRss(pid: number, intervalMs = 2): () => number {
  let max = procMemory(pid).anon;
  const timer = setInterval(() => {
    try {
      max = Math.max(max, procMemory(pid).anon);
    } catch {
      // The process ended; the caller finds out from its query.
    }
  }, intervalMs);
  return () => {
    clearInterval(timer);
    try {
      max = Math.max(max, procMemory(pid).anon);
    } catch {
      // As above.
    }
    return max;
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Directories of a TSDB data directory that are blocks (hold a `meta.json`). */
export function blockDirs(dataDir: string): string[] {
  return readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((name) => {
      try {
        readFileSync(join(dataDir, name, 'meta.json'));
        return true;
      } catch {
        return false;
      }
    });
}

/** Settings of {@link startIsolated}: what start.sh passes too. */
export interface IsolatedOptions {
  /** The install directory (`installPrometheus`). */
  readonly installDir: string;
  /** The data directory of the backfilled server, whose blocks are copied. */
  readonly sourceDataDir: string;
  /** A run directory of its own: pid, url, data-dir, log. */
  readonly runDir: string;
  readonly lookbackDelta: string;
  readonly maxSamples: number;
  readonly queryTimeout: string;
  readonly features: readonly string[];
  readonly readyTimeoutMs?: number;
}

/**
 * Starts a Prometheus over a fresh copy of the blocks of an already backfilled server, with
 * the flags `scripts/prometheus/start.sh` uses (127.0.0.1, a free port, the same query
 * flags). It records its PID and data directory in `runDir` the way start.sh does, so that
 * `stopPrometheus` (stop.sh) and `watchServer` stop it by PID and remove the copy (named
 * `promql-ts-prometheus-*`, as stop.sh requires).
 */
export async function startIsolated(
  o: IsolatedOptions,
  version = '3.5.3',
): Promise<PrometheusServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'promql-ts-prometheus-bench-'));
  writeFileSync(join(o.runDir, 'data-dir'), `${dataDir}\n`);
  for (const b of blockDirs(o.sourceDataDir)) {
    await cp(join(o.sourceDataDir, b), join(dataDir, b), { recursive: true });
  }
  const config = join(o.runDir, 'prometheus.yml');
  writeFileSync(
    config,
    '# Written by bench/src/prometheus-process.ts: nothing is scraped; data comes from backfill.\nglobal:\n  scrape_interval: 1m\n  evaluation_interval: 1m\nscrape_configs: []\n',
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(join(o.runDir, 'prometheus.log'), 'w');
  const child = spawn(
    join(o.installDir, 'bin', 'prometheus'),
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      `--query.lookback-delta=${o.lookbackDelta}`,
      `--query.max-samples=${o.maxSamples}`,
      `--query.timeout=${o.queryTimeout}`,
      ...o.features.map((f) => `--enable-feature=${f}`),
    ],
    { stdio: ['ignore', log, log] },
  );
  if (child.pid === undefined) throw new Error('could not start prometheus');
  const pid = child.pid;
  child.unref();
  writeFileSync(join(o.runDir, 'pid'), `${pid}\n`);
  const server: PrometheusServer = { version, url, pid, runDir: o.runDir };
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `prometheus exited during startup:\n${readFileSync(join(o.runDir, 'prometheus.log'), 'utf8').slice(-2000)}`,
      );
    }
    try {
      const r = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
      if (r.ok) {
        writeFileSync(join(o.runDir, 'url'), `${url}\n`);
        return server;
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw Object.assign(new Error(`prometheus at ${url} was not ready in time`), { server });
}

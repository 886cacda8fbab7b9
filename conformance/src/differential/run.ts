/**
 * A whole differential run against a real Prometheus installed from Debian's packages:
 * install, generate a dataset, load it into a `MemoryStorage` and backfill it into the
 * server, check that both hold the same samples, run every corpus case against both, stop
 * the server by its PID. `runUrl` (remote.ts) does the same on a user's own Prometheus.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EvaluateOptions,
  evaluate,
  evaluateRange,
  type QueryResult,
  type Storage,
} from '@promql-ts/engine';
import { MemoryStorage } from '@promql-ts/storage-mem';
import type { Compat } from '../promqltest/types.js';
import { type BuildInfo, PrometheusClient } from './client.js';
import { type CorpusCase, type CorpusMetrics, generateCorpus } from './corpus.js';
import { type DifferentialResult, type QueryTarget, runDifferentialCase } from './diff.js';
import { type Dataset, generateDataset, loadDataset } from './generate.js';
import {
  compareSamples,
  readPrometheusSamples,
  readStorageSamples,
  type SamplesComparison,
} from './samples.js';
import {
  installPrometheus,
  type PrometheusServer,
  startPrometheus,
  stopPrometheus,
  watchServer,
  writeOpenMetricsFile,
} from './server.js';

/** A Prometheus version the differential run can install, and how it is compared. */
export interface ServerVersion {
  /** The name in case keys and result files: `3.5.3` or `2.42`. */
  readonly name: string;
  /** Which Prometheus promql-ts follows for it. */
  readonly compat: Compat;
  /** Experimental functions and syntax, on both sides. */
  readonly experimental: boolean;
  /** `--enable-feature` values the server is started with (3.x: the experimental ones). */
  readonly features: readonly string[];
}

/**
 * The versions `scripts/prometheus/install.sh` installs: 3.5.x from Debian's forky suite
 * (named `3.5.3`, the version of the issue) with every experimental PromQL feature it has
 * (unknown ones are ignored by the server), and 2.42 from bookworm, in compat mode.
 */
export const SERVER_VERSIONS: Readonly<Record<string, ServerVersion>> = {
  '3.5.3': {
    name: '3.5.3',
    compat: 'prometheus3',
    experimental: true,
    features: [
      'promql-experimental-functions',
      'promql-duration-expr',
      'promql-extended-range-selectors',
    ],
  },
  '2.42': { name: '2.42', compat: 'prometheus2', experimental: false, features: [] },
};

/** `3`, `3.5`, `3.5.x` → the 3.5.3 entry; `2`, `2.42`, `2.42.x` → 2.42. @throws Error */
export function serverVersion(v: string): ServerVersion {
  if (/^3(\.5(\.\d+)?)?$/.test(v)) return SERVER_VERSIONS['3.5.3']!;
  if (/^2(\.42(\.\d+)?)?$/.test(v)) return SERVER_VERSIONS['2.42']!;
  throw new Error(`unknown Prometheus version ${v}: 3.5.3 or 2.42`);
}

/** A Prometheus duration (`5m`, `1h30m`, `90s`, `250ms`) in ms. @throws Error */
export function parseDuration(d: string): number {
  const units: Record<string, number> = {
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3600_000,
    d: 86_400_000,
    w: 604_800_000,
    y: 31_536_000_000,
  };
  if (!/^(\d+(ms|s|m|h|d|w|y))+$/.test(d)) throw new Error(`not a duration: ${d}`);
  let ms = 0;
  for (const m of d.matchAll(/(\d+)(ms|s|m|h|d|w|y)/g)) ms += Number(m[1]) * units[m[2]!]!;
  return ms;
}

/** The query settings both sides share. */
export interface QuerySettings {
  readonly compat: Compat;
  readonly experimental: boolean;
  readonly lookbackDeltaMs: number;
  readonly maxSamples: number;
  readonly timeoutMs: number;
  /** Step of subqueries without one: the server's `evaluation_interval`. */
  readonly defaultSubqueryStepMs: number;
  /** On only when the server runs with `promql-delayed-name-removal`. */
  readonly delayedNameRemoval: boolean;
}

/** promql-ts over `storage` with `settings`, as a {@link QueryTarget}. */
export function promqlTsTarget(storage: Storage, settings: QuerySettings): QueryTarget {
  const options: EvaluateOptions = {
    compat: settings.compat,
    experimental: settings.experimental,
    lookbackDeltaMs: settings.lookbackDeltaMs,
    maxSamples: settings.maxSamples,
    timeoutMs: settings.timeoutMs,
    defaultSubqueryStepMs: settings.defaultSubqueryStepMs,
    delayedNameRemoval: settings.delayedNameRemoval,
  };
  return {
    instant: (query, timeMs): Promise<QueryResult> => evaluate(query, storage, timeMs, options),
    range: (query, r): Promise<QueryResult> =>
      evaluateRange(query, storage, { start: r.startMs, end: r.endMs, stepMs: r.stepMs }, options),
  };
}

/** Options of {@link runCases}. */
export interface RunCasesOptions {
  /** Cases in flight at once (default 4): the server answers while promql-ts computes. */
  readonly concurrency?: number;
  /** Called after each case, in completion order. */
  readonly onCase?: (done: number, total: number, result: DifferentialResult) => void;
  /** Stops starting new cases; the run then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Runs cases against both targets; results in corpus order. */
export async function runCases(
  cases: readonly CorpusCase[],
  reference: QueryTarget,
  candidate: QueryTarget,
  options: RunCasesOptions = {},
): Promise<DifferentialResult[]> {
  const results: DifferentialResult[] = new Array(cases.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < cases.length) {
      options.signal?.throwIfAborted();
      const i = next++;
      results[i] = await runDifferentialCase(cases[i]!, reference, candidate);
      options.onCase?.(++done, cases.length, results[i]!);
    }
  };
  const n = Math.max(1, Math.min(options.concurrency ?? 4, cases.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

/** A finished differential run. */
export interface DifferentialRun {
  /** `3.5.3`, `2.42`, or `url` for a user's server: the version part of case keys. */
  readonly name: string;
  /** The server's build information. */
  readonly server: BuildInfo;
  readonly url: string;
  readonly settings: QuerySettings;
  /** `--enable-feature` values of the server. */
  readonly features: readonly string[];
  /** What was compared, for the report (dataset sizes, window, metrics). */
  readonly data: readonly string[];
  /** The check that both sides hold the same samples (null when not made). */
  readonly samples: SamplesComparison | null;
  readonly results: readonly DifferentialResult[];
  /** Whether every case of the corpus ran (no template filter). */
  readonly complete: boolean;
  readonly durationMs: number;
}

/** What {@link LocalRunOptions.withServer} gets. */
export interface LocalRunContext {
  readonly server: PrometheusServer;
  readonly client: PrometheusClient;
  readonly storage: MemoryStorage;
  readonly dataset: Dataset;
  readonly settings: QuerySettings;
}

/** Options of {@link runLocal}. */
export interface LocalRunOptions {
  /** `3.5.3` or `2.42` (aliases as {@link serverVersion}). */
  readonly version: string;
  readonly seed?: number;
  /** Instances of the generated fleet (default 4). */
  readonly instances?: number;
  /** Hours of generated data (default 2). */
  readonly hours?: number;
  /** Scrape interval of the generated data in ms (default 15 s). */
  readonly intervalMs?: number;
  /** `--query.lookback-delta` (default `5m`). */
  readonly lookbackDelta?: string;
  /** `--query.max-samples` (default 50,000,000). */
  readonly maxSamples?: number;
  /** `--query.timeout` (default `2m`). */
  readonly queryTimeout?: string;
  /** Start the server with `promql-delayed-name-removal` and compare with it on (3.x). */
  readonly delayedNameRemoval?: boolean;
  /** Instant evaluation times per query (default 3). */
  readonly instantTimes?: number;
  /** Only cases of templates for which this returns true. */
  readonly templates?: (template: string) => boolean;
  /** Cases in flight at once (default 4). */
  readonly concurrency?: number;
  /** Progress lines (install, data, backfill…). */
  readonly log?: (line: string) => void;
  readonly onCase?: RunCasesOptions['onCase'];
  /** Called once the server runs, e.g. to stop it on SIGINT. */
  readonly onServer?: (server: PrometheusServer) => void;
  /** Called after the cases, before the server stops: for more checks against it. */
  readonly withServer?: (context: LocalRunContext) => Promise<void>;
  readonly signal?: AbortSignal;
}

/**
 * The full differential run against a local Prometheus. The server is stopped by its PID
 * when the run ends, also when it fails or is aborted.
 *
 * @throws Error when the server cannot be installed or started, or when it and the
 *   `MemoryStorage` do not hold the same samples.
 */
export async function runLocal(options: LocalRunOptions): Promise<DifferentialRun> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const version = serverVersion(options.version);
  const lookbackDelta = options.lookbackDelta ?? '5m';
  const queryTimeout = options.queryTimeout ?? '2m';
  const maxSamples = options.maxSamples ?? 50_000_000;
  const delayed = (options.delayedNameRemoval ?? false) && version.compat === 'prometheus3';
  const features = [...version.features, ...(delayed ? ['promql-delayed-name-removal'] : [])];
  const settings: QuerySettings = {
    compat: version.compat,
    experimental: version.experimental,
    lookbackDeltaMs: parseDuration(lookbackDelta),
    maxSamples,
    timeoutMs: parseDuration(queryTimeout),
    // start.sh's configuration: evaluation_interval 1m.
    defaultSubqueryStepMs: 60_000,
    delayedNameRemoval: delayed,
  };

  log(`installing Prometheus ${version.name}`);
  await installPrometheus(version.name);
  options.signal?.throwIfAborted();

  const hours = options.hours ?? 2;
  const data = generateDataset({
    seed: options.seed ?? 1,
    instances: options.instances ?? 4,
    durationMs: Math.round(hours * 3600_000),
    intervalMs: options.intervalMs ?? 15_000,
  });
  const storage = new MemoryStorage();
  loadDataset(storage, data);
  log(
    `generated ${data.series.length} series, ${data.samples} samples (seed ${data.seed}, ${data.instances} instances, ${hours} h)`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'promql-ts-differential-'));
  let server: PrometheusServer | undefined;
  let unwatch = () => {};
  try {
    const om = join(dir, 'data.om');
    await writeOpenMetricsFile(data, om);
    log(`backfilling and starting Prometheus ${version.name}`);
    server = await startPrometheus(version.name, {
      runDir: join(dir, 'run'),
      backfill: om,
      lookbackDelta,
      maxSamples,
      queryTimeout,
      // start.sh adds promql-experimental-functions for 3.x itself.
      features: features.filter((f) => f !== 'promql-experimental-functions'),
    });
    // Stops the server should this process die before the `finally` below runs.
    unwatch = watchServer(server, { removeDir: dir });
    options.onServer?.(server);
    options.signal?.throwIfAborted();
    const client = new PrometheusClient(server.url, { timeoutMs: settings.timeoutMs + 30_000 });
    const info = await client.buildInfo();
    log(`Prometheus ${info.version} at ${server.url} (PID ${server.pid})`);

    const samples = compareSamples(
      await readStorageSamples(storage, data.startMs, data.endMs),
      await readPrometheusSamples(client, data.startMs, data.endMs),
    );
    if (samples.differenceCount > 0) {
      throw new Error(
        `Prometheus and the MemoryStorage do not hold the same samples (${samples.differenceCount} differences):\n${samples.differences.join('\n')}`,
      );
    }
    log(`both hold the same ${samples.samples} samples of ${samples.series} series`);

    const all = generateCorpus({
      startMs: data.startMs,
      endMs: data.endMs,
      compat: version.compat,
      experimental: version.experimental,
      ...(options.instantTimes === undefined ? {} : { instantTimes: options.instantTimes }),
    });
    const filter = options.templates;
    const cases = filter === undefined ? all : all.filter((c) => filter(c.template));
    log(`running ${cases.length} cases`);
    const results = await runCases(cases, client, promqlTsTarget(storage, settings), {
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      ...(options.onCase === undefined ? {} : { onCase: options.onCase }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    await options.withServer?.({ server, client, storage, dataset: data, settings });
    return {
      name: version.name,
      server: info,
      url: server.url,
      settings,
      features,
      data: [
        `generated fleet: seed ${data.seed}, ${data.instances} instances, ${hours} h at ${data.intervalMs / 1000} s, ${data.series.length} series, ${data.samples} samples`,
        `window ${new Date(data.startMs).toISOString()} to ${new Date(data.endMs).toISOString()}`,
      ],
      samples,
      results,
      complete: filter === undefined,
      durationMs: performance.now() - started,
    };
  } finally {
    if (server !== undefined) {
      await stopPrometheus(server);
      unwatch();
    }
    await rm(dir, { recursive: true, force: true });
  }
}

/** The corpus metrics of a run's data, for reports. */
export function describeMetrics(m: CorpusMetrics): string {
  return [
    `counters ${m.counters.join(', ') || '-'}`,
    `gauges ${m.gauges.join(', ') || '-'}`,
    `histograms ${m.histograms.join(', ') || '-'}`,
  ].join('; ');
}

/**
 * promql-ts side by side with a real Prometheus 3.5.3 (issue 7): one generated dataset
 * (about 10,000 series × 6 h × 15 s of the conformance fleet generator) in a MemoryStorage
 * and backfilled into Prometheus, the query set of `PROMETHEUS_CASES` run against both,
 * alternating, timed and checked equal; then each query's peak memory on both sides.
 *
 * Run with `pnpm bench:prometheus` (it builds first; this script uses the built packages).
 * Flags: `--runs N` (timed runs per side, default 9), `--warmup N` (default 3),
 * `--warmup-ms MS` (default 1000), `--only RE`
 * (cases whose `name mode` matches), `--skip-memory`, `--stats VALUE` (the `stats`
 * parameter sent to Prometheus, default `1`; `all` adds per-step statistics to its
 * evaluation). `BENCH_INSTANCES` (default 416) and `BENCH_HOURS` (default 6) shrink the
 * dataset for development; such runs write `*.tmp` results. Progress goes to stderr; the
 * table goes to stdout and to bench/results/prometheus.md (raw numbers: prometheus.json).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  diffQueryValues,
  generateDataset,
  installPrometheus,
  loadDataset,
  PrometheusClient,
  startPrometheus,
  stopPrometheus,
  watchServer,
  writeOpenMetricsFile,
} from '@promql-ts/conformance';
import {
  type EvaluateOptions,
  evaluate,
  evaluateRange,
  type QueryResult,
  type QueryValue,
  setPoolRetainLimit,
} from '@promql-ts/engine';
import { initKernels, type Kernels } from '@promql-ts/kernels';
import { MemoryStorage } from '@promql-ts/storage-mem';
import {
  formatMs,
  geomean,
  type MemoryPeak,
  machine,
  measurePeak,
  median,
  mib,
  minorFaults,
  pageFaultCostUs,
} from './measure.js';
import {
  type PrometheusQuery,
  type PrometheusTimings,
  procMemory,
  queryPrometheus,
  resetPeakRss,
  sampleAnonRss,
  startIsolated,
} from './prometheus-process.js';
import { type BenchCase, caseKey, PROMETHEUS_CASES, STORAGE_OPTIONS } from './queries.js';

const here = dirname(fileURLToPath(import.meta.url));
const progress = (msg: string) => process.stderr.write(`[prometheus bench] ${msg}\n`);

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    warmup: { type: 'string', default: '3' },
    'warmup-ms': { type: 'string', default: '1000' },
    only: { type: 'string' },
    'skip-memory': { type: 'boolean', default: false },
    stats: { type: 'string', default: '1' },
  },
});
const RUNS = Number(flags.runs);
const WARMUP = Number(flags.warmup);
const WARMUP_MS = Number(flags['warmup-ms']);
if (!(RUNS >= 1 && WARMUP >= 0 && WARMUP_MS >= 0)) {
  throw new Error('--runs must be ≥ 1, --warmup and --warmup-ms ≥ 0');
}
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 416); // ≈ 10,000 series
const HOURS = Number(process.env.BENCH_HOURS ?? 6);
const SEED = 7;
const VERSION = '3.5.3';
const LOOKBACK = '5m';
const QUERY_TIMEOUT = '5m';
/** Far above what the query set holds at once (see the peak samples in the results). */
const MAX_SAMPLES = 200_000_000;
const only = flags.only === undefined ? null : new RegExp(flags.only);
const cases = PROMETHEUS_CASES.filter((c) => only === null || only.test(caseKey(c)));
/** A full run writes the committed results; a smaller one writes `*.tmp` files beside them. */
const full = INSTANCES === 416 && HOURS === 6 && only === null && !flags['skip-memory'];
const suffix = full ? '' : '.tmp';
const RESULTS_MD = join(here, `../results/prometheus.md${suffix}`);
const RESULTS_JSON = join(here, `../results/prometheus.json${suffix}`);

/** What one case measured. */
interface CaseResult {
  readonly key: string;
  readonly name: string;
  readonly query: string;
  readonly mode: 'instant' | 'range';
  readonly stepMs: number;
  /** The error of either side, if one failed. */
  readonly error: string | null;
  readonly prometheusMs: number;
  readonly oursMs: number;
  readonly prometheusRunsMs: readonly number[];
  readonly oursRunsMs: readonly number[];
  /** Minor page faults during each of our timed runs (empty where they cannot be read). */
  readonly oursFaults: readonly number[];
  readonly prometheusTimings: PrometheusTimings | null;
  readonly differences: readonly string[];
  readonly size: string;
  prometheusMemory: PrometheusMemory | null;
  oursMemory: MemoryPeak | null;
}

/** The Prometheus process's memory growth during one query in a fresh server, bytes. */
interface PrometheusMemory {
  /** Peak anonymous RSS (Go heap, stacks, runtime) over the RSS before the query. */
  readonly anonBytes: number;
  /** Peak total RSS (`VmHWM` after a reset) over the RSS before: adds the mmapped block pages touched. */
  readonly totalBytes: number | null;
  /** The anonymous RSS before the query. */
  readonly baselineAnonBytes: number;
}

function size(v: QueryValue): string {
  if (v.type === 'vector') return `${v.samples.length} series`;
  if (v.type === 'matrix') {
    const points = v.series.reduce((n, s) => n + s.timestamps.length, 0);
    return `${v.series.length} series, ${points} points`;
  }
  return v.type;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// === Cleanup: every server this run starts is stopped by its PID, on errors and signals too ===

const cleanups = new Map<string, () => Promise<void>>();
/** Set on SIGINT/SIGTERM: the run stops before starting anything new. */
let stopping = false;
function checkStopping(): void {
  if (stopping) throw new Error('interrupted');
}
async function cleanup(): Promise<void> {
  for (const [what, f] of [...cleanups].reverse()) {
    cleanups.delete(what);
    try {
      await f();
    } catch (e) {
      progress(`cleanup of ${what} failed: ${(e as Error).message}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    stopping = true;
    progress(`${signal}: stopping the Prometheus servers`);
    void cleanup().finally(() => process.exit(130));
  });
}

// === The run ===

async function main(): Promise<void> {
  const started = performance.now();
  progress(`installing Prometheus ${VERSION}`);
  const installDir = await installPrometheus(VERSION);

  progress(`generating ${INSTANCES} instances × ${HOURS} h × 15 s (seed ${SEED})`);
  const genStart = performance.now();
  const data = generateDataset({
    seed: SEED,
    instances: INSTANCES,
    durationMs: HOURS * 3600_000,
    onProgress: (p) => {
      if (p.instancesDone % 50 === 0 || p.instancesDone === p.instances) {
        progress(
          `  ${p.instancesDone}/${p.instances} instances, ${p.series} series, ${p.samples} samples`,
        );
      }
    },
  });
  const generateMs = performance.now() - genStart;
  const storage = new MemoryStorage(STORAGE_OPTIONS);
  const loadStart = performance.now();
  loadDataset(storage, data);
  const loadMs = performance.now() - loadStart;
  progress(
    `generated ${data.series.length} series, ${data.samples} samples in ${(generateMs / 1000).toFixed(1)} s; MemoryStorage load ${(loadMs / 1000).toFixed(1)} s`,
  );

  const dir = await mkdtemp(join(tmpdir(), 'promql-ts-bench-prometheus-'));
  cleanups.set('temporary directory', () => rm(dir, { recursive: true, force: true }));
  const om = join(dir, 'data.om');
  const writeStart = performance.now();
  const bytes = await writeOpenMetricsFile(data, om);
  const writeMs = performance.now() - writeStart;
  progress(`wrote ${mib(bytes)} MiB of OpenMetrics in ${(writeMs / 1000).toFixed(1)} s`);

  // start.sh backfills with promtool (one block), then starts the server; the files it
  // creates tell when each step began: backfill.log at the backfill, prometheus.log at the
  // server's start.
  const runDir = join(dir, 'run');
  mkdirSync(runDir);
  const marks: { backfill?: number; server?: number } = {};
  const watcher = setInterval(() => {
    const now = performance.now();
    if (marks.backfill === undefined && existsSync(join(runDir, 'backfill.log')))
      marks.backfill = now;
    if (marks.server === undefined && existsSync(join(runDir, 'prometheus.log')))
      marks.server = now;
  }, 20);
  progress(
    `backfilling (promtool tsdb create-blocks-from openmetrics) and starting Prometheus ${VERSION}`,
  );
  const startStart = performance.now();
  const starting = startPrometheus(VERSION, {
    runDir,
    backfill: om,
    lookbackDelta: LOOKBACK,
    maxSamples: MAX_SAMPLES,
    queryTimeout: QUERY_TIMEOUT,
  });
  // Interrupted during the backfill, start.sh would still start the server afterwards:
  // wait for it, then stop it.
  cleanups.set('main server', async () => {
    await starting.catch(() => {});
    await stopPrometheus({ version: VERSION, url: '', pid: 0, runDir }).catch(() => {});
  });
  const server = await starting;
  checkStopping();
  const startEnd = performance.now();
  clearInterval(watcher);
  const unwatch = watchServer(server, { removeDir: dir });
  cleanups.set('main server', async () => {
    await stopPrometheus(server);
    unwatch();
  });
  const backfillMs = (marks.server ?? startEnd) - (marks.backfill ?? startStart);
  const startupMs = startEnd - (marks.server ?? startEnd);
  progress(
    `backfill took ${(backfillMs / 1000).toFixed(1)} s, server start ${(startupMs / 1000).toFixed(1)} s (PID ${server.pid}, ${server.url})`,
  );
  await rm(om, { force: true });
  const client = new PrometheusClient(server.url);
  const info = await client.buildInfo();
  const dataDir = readFileSync(join(runDir, 'data-dir'), 'utf8').trim();

  const end = data.endMs;
  const range = (c: BenchCase) => ({ start: end - 3600_000, end, stepMs: c.stepMs });
  const wasm = await initKernels();
  const options = (kernels: Kernels): EvaluateOptions => ({
    kernels,
    lookbackDeltaMs: 5 * 60_000,
    maxSamples: MAX_SAMPLES,
    timeoutMs: 5 * 60_000,
    defaultSubqueryStepMs: 60_000,
  });
  const ours = (c: BenchCase, kernels: Kernels): Promise<QueryResult> =>
    c.mode === 'instant'
      ? evaluate(c.query, storage, end, options(kernels))
      : evaluateRange(c.query, storage, range(c), options(kernels));
  const promQuery = (c: BenchCase): PrometheusQuery =>
    c.mode === 'instant'
      ? { query: c.query, timeMs: end }
      : { query: c.query, startMs: end - 3600_000, endMs: end, stepMs: c.stepMs };

  // --- Timing: alternate the sides, warm-up first, medians ---
  const results: CaseResult[] = [];
  for (const [i, c] of cases.entries()) {
    checkStopping();
    const key = caseKey(c);
    const promRuns: number[] = [];
    const promTimings: PrometheusTimings[] = [];
    const oursRuns: number[] = [];
    const oursFaults: number[] = [];
    let promResult: { result: QueryResult; timings: PrometheusTimings } | null = null;
    let oursResult: QueryResult | null = null;
    let error: string | null = null;
    const failed = (side: string, e: unknown) =>
      new Error(`${side}: ${(e as Error).message.split('\n')[0]!.slice(0, 200)}`);
    const runProm = async (record: boolean) => {
      // The first answer is decoded for the comparison; later ones only for their
      // statistics (see queryPrometheus).
      const r = await queryPrometheus(server.url, promQuery(c), flags.stats, {
        decode: promResult === null,
      }).catch((e) => {
        throw failed('Prometheus', e);
      });
      if (record) {
        promRuns.push(r.timings.evalMs);
        promTimings.push(r.timings);
      }
      if (promResult === null && r.result !== null) promResult = { ...r, result: r.result };
    };
    const runOurs = async (record: boolean) => {
      const f0 = minorFaults();
      const t0 = performance.now();
      const r = await ours(c, wasm).catch((e) => {
        throw failed('promql-ts', e);
      });
      const ms = performance.now() - t0;
      const f1 = minorFaults();
      if (record) {
        oursRuns.push(ms);
        if (f0 !== null && f1 !== null) oursFaults.push(f1 - f0);
      }
      oursResult ??= r;
    };
    try {
      // Warm up both sides for at least WARMUP runs and WARMUP_MS: V8 compiles a function
      // with its optimising tier only after it has run for a while, and a query that only
      // ran a few times would be timed in the interpreter (Prometheus, compiled ahead of
      // time, needs no such warm-up; it gets the same runs, which warm its caches).
      const warmStart = performance.now();
      for (let k = 0; k < WARMUP || performance.now() - warmStart < WARMUP_MS; k++) {
        await runProm(false);
        await runOurs(false);
      }
      for (let k = 0; k < RUNS; k++) {
        if (k % 2 === 0) {
          await runProm(true);
          await runOurs(true);
        } else {
          await runOurs(true);
          await runProm(true);
        }
      }
    } catch (e) {
      error = (e as Error).message;
    }
    const p = promResult as { result: QueryResult; timings: PrometheusTimings } | null;
    const o = oursResult as QueryResult | null;
    const differences =
      error === null && p !== null && o !== null
        ? diffQueryValues(p.result.value, o.value, { orderMatters: false })
        : [];
    const row: CaseResult = {
      key,
      name: c.name,
      query: c.query,
      mode: c.mode,
      stepMs: c.stepMs,
      error,
      prometheusMs: promRuns.length > 0 ? median(promRuns) : Number.NaN,
      oursMs: oursRuns.length > 0 ? median(oursRuns) : Number.NaN,
      prometheusRunsMs: promRuns,
      oursRunsMs: oursRuns,
      oursFaults,
      // The breakdown of the run whose evalTotalTime is the median.
      prometheusTimings:
        promTimings.find((t) => t.evalMs === median(promRuns)) ?? p?.timings ?? null,
      differences,
      size: p !== null ? size(p.result.value) : o !== null ? size(o.value) : '-',
      prometheusMemory: null,
      oursMemory: null,
    };
    results.push(row);
    progress(
      `[${i + 1}/${cases.length}] ${key}: Prometheus ${formatMs(row.prometheusMs)} ms, promql-ts ${formatMs(row.oursMs)} ms, ${error ?? (differences.length === 0 ? 'equal' : `DIFFERENT (${differences[0]})`)}`,
    );
  }

  // --- Memory: each query once, in a fresh Prometheus and after a GC here ---
  let peakResetWorks = true;
  if (!flags['skip-memory']) {
    const memRunDir = join(dir, 'isolated');
    mkdirSync(memRunDir);
    // The engine keeps freed intermediate buffers for the next query (up to 256 MiB):
    // empty that pool, as each Prometheus runs its query in a fresh process, so that a
    // query's buffers count against it instead of being reused from the timing runs.
    setPoolRetainLimit(0);
    for (const [i, row] of results.entries()) {
      if (row.error !== null) continue;
      const c = cases[i]!;
      const kernels = await initKernels();
      const { peak } = await measurePeak(() => ours(c, kernels), kernels);
      row.oursMemory = peak;

      checkStopping();
      const isolated = { version: VERSION, url: '', pid: 0, runDir: memRunDir };
      const startingIsolated = startIsolated({
        installDir,
        sourceDataDir: dataDir,
        runDir: memRunDir,
        lookbackDelta: LOOKBACK,
        maxSamples: MAX_SAMPLES,
        queryTimeout: QUERY_TIMEOUT,
        features: ['promql-experimental-functions'],
      });
      cleanups.set('isolated server', async () => {
        await startingIsolated.catch(() => {});
        await stopPrometheus(isolated).catch(() => {});
      });
      let unwatchIsolated = () => {};
      try {
        const s = await startingIsolated;
        unwatchIsolated = watchServer(s);
        checkStopping();
        // One trivial query first, so that the API's and engine's one-time set-up is not
        // charged to the measured query; then let the runtime settle.
        await queryPrometheus(s.url, { query: 'vector(1)', timeMs: end }, flags.stats);
        await sleep(500);
        const before = procMemory(s.pid);
        peakResetWorks = resetPeakRss(s.pid) && peakResetWorks;
        const stopSampling = sampleAnonRss(s.pid);
        await queryPrometheus(s.url, promQuery(c), flags.stats);
        const maxAnon = stopSampling();
        const after = procMemory(s.pid);
        row.prometheusMemory = {
          anonBytes: Math.max(0, maxAnon - before.anon),
          totalBytes: peakResetWorks ? Math.max(0, after.hwm - before.rss) : null,
          baselineAnonBytes: before.anon,
        };
      } finally {
        await stopPrometheus(isolated);
        unwatchIsolated();
        cleanups.delete('isolated server');
      }
      progress(
        `memory [${i + 1}/${results.length}] ${row.key}: Prometheus +${mib(row.prometheusMemory?.anonBytes ?? Number.NaN)} MiB anon RSS, promql-ts +${mib(peak.totalBytes)} MiB (heap ${mib(peak.heapBytes)}, external ${mib(peak.externalBytes)}, WASM grew ${mib(peak.wasmBytes)}, arena peak ${mib(peak.arenaBytes)})`,
      );
    }
  }

  await cleanup();
  const totalMs = performance.now() - started;

  // --- Report ---
  const faultUs = pageFaultCostUs();
  const ok = results.filter((r) => r.error === null && r.differences.length === 0);
  const ratios = ok.map((r) => r.prometheusMs / r.oursMs);
  const gm = geomean(ratios);
  // The ratio of the fastest runs: noise on a shared machine only ever adds time.
  const gmMin = geomean(ok.map((r) => Math.min(...r.prometheusRunsMs) / Math.min(...r.oursRunsMs)));
  const faster = ok.filter((r) => r.oursMs < r.prometheusMs).length;
  const withMemory = ok.filter((r) => r.prometheusMemory !== null && r.oursMemory !== null);
  const leaner = withMemory.filter(
    (r) => r.oursMemory!.totalBytes <= r.prometheusMemory!.anonBytes,
  ).length;
  const cell = (r: CaseResult, f: (r: CaseResult) => string) => (r.error === null ? f(r) : '-');
  const table = [
    '| query | mode | Prometheus ms | promql-ts ms | Prometheus / promql-ts | Prometheus peak MiB | promql-ts peak MiB | equal |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...results.map((r) => {
      const mode = r.mode === 'range' ? `range ${r.stepMs / 1000}s` : 'instant';
      const equal =
        r.error !== null
          ? `error: ${r.error}`
          : r.differences.length === 0
            ? 'yes'
            : `**NO** (${r.differences.length}${r.differences.length >= 10 ? '+' : ''} differences)`;
      const ratio =
        r.error === null && r.differences.length === 0
          ? `${(r.prometheusMs / r.oursMs).toFixed(2)}×`
          : 'fail';
      return `| ${r.name} | ${mode} | ${cell(r, (x) => formatMs(x.prometheusMs))} | ${cell(r, (x) => formatMs(x.oursMs))} | ${ratio} | ${r.prometheusMemory === null ? '-' : mib(r.prometheusMemory.anonBytes)} | ${r.oursMemory === null ? '-' : mib(r.oursMemory.totalBytes)} | ${equal} |`;
    }),
  ].join('\n');
  const summary = [
    `Geometric mean of Prometheus / promql-ts over the ${ok.length} equal results: **${gm.toFixed(2)}×** (above 1: promql-ts is faster; ${gmMin.toFixed(2)}× on the fastest run of each side).`,
    `promql-ts is faster on ${faster} of ${ok.length}; ${results.length - ok.length} failed (different results or an error).`,
    withMemory.length > 0
      ? `promql-ts's peak memory is no higher than Prometheus's on ${leaner} of ${withMemory.length}.`
      : 'Memory was not measured (`--skip-memory`).',
  ].join(' ');

  const details = [
    '| query | mode | result | Prometheus runs ms | promql-ts runs ms | promql-ts page faults per run | Prometheus prep / inner eval / sort ms | peak samples | Prometheus RSS growth: anon / total MiB | promql-ts heap / external (WASM grown, arena peak) MiB, GCs |',
    '|---|---|---|---|---|---|---|---:|---|---|',
    ...results.map((r) => {
      const t = r.prometheusTimings;
      const pm = r.prometheusMemory;
      const om = r.oursMemory;
      const mode = r.mode === 'range' ? `range ${r.stepMs / 1000}s` : 'instant';
      return `| ${r.name} | ${mode} | ${r.size} | ${r.prometheusRunsMs.map(formatMs).join(' ')} | ${r.oursRunsMs.map(formatMs).join(' ')} | ${r.oursFaults.length === 0 ? '-' : r.oursFaults.join(' ')} | ${t === null ? '-' : `${formatMs(t.preparationMs)} / ${formatMs(t.innerEvalMs)} / ${formatMs(t.resultSortMs)}`} | ${t?.peakSamples ?? '-'} | ${pm === null ? '-' : `${mib(pm.anonBytes)} / ${pm.totalBytes === null ? '-' : mib(pm.totalBytes)}`} | ${om === null ? '-' : `${mib(om.heapBytes)} / ${mib(om.externalBytes)} (${mib(om.wasmBytes)}, ${mib(om.arenaBytes)}), ${om.gcs}`} |`;
    }),
  ].join('\n');
  const failures = results.filter((r) => r.error !== null || r.differences.length > 0);
  const date = new Date().toISOString();
  const text = [
    '# promql-ts vs Prometheus',
    '',
    `${data.series.length} series × ${HOURS} h × 15 s (${data.samples} samples; fleet generator, seed ${SEED}, ${INSTANCES} instances) in a MemoryStorage (with \`recentSamples: 32\`: each series' last 32 samples also kept in series order, 512 bytes per series, off by default) and backfilled into Prometheus ${info.version} (${info.goVersion}); instant queries at the end of the data, range queries over its last hour (at 15 s steps unless the mode says otherwise). Lookback 5m. Warm-up of at least ${WARMUP} runs and ${WARMUP_MS / 1000} s per case, then the median of ${RUNS} runs per side, the two sides alternating.`,
    '',
    `Machine: ${machine()}; ${date.slice(0, 10)}. Shared machine: absolute times are noisy, compare the ratios.`,
    '',
    table,
    '',
    summary,
    '',
    `Set-up: generating the data ${(generateMs / 1000).toFixed(1)} s, loading the MemoryStorage ${(loadMs / 1000).toFixed(1)} s, writing ${mib(bytes)} MiB of OpenMetrics ${(writeMs / 1000).toFixed(1)} s, **backfill (promtool tsdb create-blocks-from openmetrics, one block) ${(backfillMs / 1000).toFixed(1)} s**, Prometheus start ${(startupMs / 1000).toFixed(1)} s. Whole run ${(totalMs / 60_000).toFixed(1)} min.`,
    '',
    '## Method',
    '',
    `- **Prometheus's time** is its own \`evalTotalTime\` from the query API's statistics (\`stats=${flags.stats}\`${flags.stats === 'all' ? ', which also collects per-step sample statistics during the evaluation' : '; not `all`, which would also collect per-step sample statistics during the evaluation'}): series selection, evaluation and result sorting, without parsing, the HTTP round trip and JSON encoding.`,
    "- **promql-ts's time** is `evaluate` / `evaluateRange` of the built packages in this process, from the query string to the typed result, on one WebAssembly kernels instance. Parsing is included, but the engine keeps parsed queries by their text (as a dashboard's refreshes repeat them), so after a case's first run the parser is a cache lookup; the parse of a new query is timed in `pnpm bench` (parser against lezer). Likewise, an aggregation's grouping and a join's matching of the same series as in an earlier run are looked up (`label-list-cache.ts` of the engine) rather than computed from the labels again.",
    `- **Page faults.** The details give the minor page faults of this process during each of our timed runs (\`/proc/self/stat\`): pages of memory touched for the first time, or again after the C allocator gave them back to the system.${faultUs === null ? '' : ` One cost ${faultUs.toFixed(1)} µs in this run (touching a fresh 16 MiB buffer), so a range query whose megabyte of results lands in such memory pays milliseconds for it.`} That happens when V8's young-generation collections are rare: the buffers of earlier results are freed only at the next one.`,
    `- Each case first runs on both sides, alternating, at least ${WARMUP} times and for at least ${WARMUP_MS / 1000} s: V8 compiles a function with its optimising tier only once it has run for a while, so a query timed after a handful of runs would be timed partly in the interpreter (a server embedding the engine runs its queries warm). Prometheus, compiled ahead of time, gets the same runs. Then each side runs ${RUNS} times, alternating which side goes first; the table shows medians.`,
    "- **Equal?** compares Prometheus's result with ours (`diffQueryValues` of @promql-ts/conformance: the same series, timestamps exactly, values within a relative 1e-6, NaN equal to NaN, series order ignored). A case whose results differ counts as a failure: it has no ratio and stays out of the geometric mean.",
    `- **Prometheus peak memory** is the growth of its anonymous resident memory (\`RssAnon\` of /proc/<pid>/status: Go heap, stacks, runtime) while it answers the query, sampled every 2 ms and read at the end, over the value before. Each query runs alone in a freshly started server over a copy of the backfilled block, after one \`vector(1)\` query: the Go runtime keeps freed memory for minutes, so in a server that has already run other queries the growth would depend on what ran before. It includes the encoding of the JSON response. The details also give the total RSS growth (\`VmHWM\` after resetting it through /proc/<pid>/clear_refs), which adds the pages of the mmapped block files the query touched${peakResetWorks ? '' : ' (the reset failed on this machine, so it is not shown)'}.`,
    "- **promql-ts peak memory** is the growth of V8's `used_heap_size + external_memory` during one run: the largest value V8 reported just before each garbage collection during the run (`v8.GCProfiler`) or at its end (with the result still held), over the value before. Before it: two full GCs, three unmeasured runs and a young-generation GC (a full GC deoptimises compiled code that refers to objects it freed, so a run right after one would partly run interpreted and box numbers on the heap, which a warm engine does not do; the unmeasured runs compile it again — with only one, V8's background optimisation sometimes was not done yet and the measured run allocated several times its usual memory — as Prometheus's measured query follows a trivial one). The engine's pool of intermediate buffers is emptied first and keeps nothing between queries (`setPoolRetainLimit(0)`), so that the query's buffers count. The kernels' `WebAssembly.Memory` is part of V8's external memory at its committed size, but it grows by doubling and its arena zero-fills what it hands out, so pages beyond the arena's high point are never touched: the table counts the WebAssembly memory by the arena's high point instead (the details show both, and heap and external as V8 reported them at the peak). Each measured run gets a fresh kernels instance.",
    '',
    '## Details',
    '',
    details,
    '',
    ...(failures.length === 0
      ? []
      : [
          '## Failures',
          '',
          ...failures.flatMap((r) => [
            `- ${r.key}: \`${r.query}\``,
            ...(r.error !== null ? [`  - ${r.error}`] : r.differences.map((d) => `  - ${d}`)),
          ]),
          '',
        ]),
    'Queries:',
    '',
    ...[...new Map(results.map((r) => [r.name, r.query]))].map(([n, q]) => `- ${n}: \`${q}\``),
    '',
    `Reproduce: \`pnpm bench:prometheus\` (see bench/README.md).`,
    '',
  ].join('\n');
  console.log(table);
  console.log();
  console.log(summary);
  mkdirSync(dirname(RESULTS_MD), { recursive: true });
  writeFileSync(RESULTS_MD, text);
  writeFileSync(
    RESULTS_JSON,
    `${JSON.stringify(
      {
        date,
        machine: machine(),
        prometheus: info,
        dataset: {
          seed: SEED,
          instances: INSTANCES,
          hours: HOURS,
          series: data.series.length,
          samples: data.samples,
        },
        runs: RUNS,
        warmup: WARMUP,
        warmupMs: WARMUP_MS,
        stats: flags.stats,
        backfillMs,
        pageFaultUs: faultUs,
        geomean: gm,
        cases: results,
      },
      null,
      2,
    )}\n`,
  );
  progress(`wrote ${RESULTS_MD} and ${RESULTS_JSON} (${(totalMs / 60_000).toFixed(1)} min)`);
}

try {
  await main();
} catch (e) {
  // After a signal, its handler stops the servers and exits.
  if (!stopping) {
    progress(`failed: ${(e as Error).stack ?? String(e)}`);
    await cleanup();
    process.exitCode = 1;
  }
}

/**
 * Benchmark of @promql-ts/storage-mem on 10,000 series × 6 h × 15 s = 14.4 M samples:
 * bulk ingest, text ingest, bytes per sample, select latency. Runs the BUILT package
 * (`pnpm build` first), prints a markdown table on stdout (progress on stderr) and writes
 * it to bench/results/storage-mem.md at the workspace root.
 *
 * Run: `pnpm --filter @promql-ts/storage-mem bench` (or `pnpm bench` at the root).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';
import { compileMatcher, type Matcher, type MatchType, type SelectHints } from '@promql-ts/engine';

// Types from the sources, code from the build: the bench measures what users run.
type StorageMem = typeof import('../src/index.js');
const here = dirname(fileURLToPath(import.meta.url));
const { MemoryStorage, loadText }: StorageMem = await import(
  new URL('../dist/index.js', import.meta.url).href
);

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

const SERIES = 10_000;
const STEP_MS = 15_000;
const SAMPLES = (6 * 3_600_000) / STEP_MS; // 1440 per series
const T0 = 1_700_006_400_000; // a multiple of 2 h, so each series fills 3 partitions
const TOTAL = SERIES * SAMPLES;

const progress = (msg: string) => process.stderr.write(`[storage-mem bench] ${msg}\n`);

/** Labels of series `i`: 2 metrics × 500 instances × 10 slots; job has 10 values. */
function labelsOf(i: number): Record<string, string> {
  const k = i % 5000;
  const host = Math.floor(k / 10);
  return {
    __name__: i < 5000 ? 'http_requests_total' : 'node_cpu_seconds_total',
    instance: `host-${host}`,
    job: `job-${host % 10}`,
    slot: `s${k % 10}`,
  };
}

function seriesText(l: Record<string, string>): string {
  return `${l.__name__}{instance="${l.instance}",job="${l.job}",slot="${l.slot}"}`;
}

const rows: string[][] = [];
function row(what: string, value: string, goal: string, note = ''): void {
  rows.push([what, value, goal, note]);
  progress(`${what}: ${value}`);
}
const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

// === Input data ===
progress(`generating ${fmt(TOTAL)} samples`);
const timestamps = new Float64Array(SAMPLES);
for (let j = 0; j < SAMPLES; j++) timestamps[j] = T0 + j * STEP_MS;
const values = new Float64Array(TOTAL);
for (let i = 0; i < SERIES; i++) {
  let v = i % 1000;
  for (let j = 0; j < SAMPLES; j++) {
    v += (i * 7 + j * 13) % 50;
    values[i * SAMPLES + j] = i < 5000 ? v : v / 100;
  }
}
const labels = Array.from({ length: SERIES }, (_, i) => labelsOf(i));

// === Bulk ingest ===
/** CPU milliseconds (user + system, all threads) since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

function bulkIngest() {
  const storage = new MemoryStorage();
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < SERIES; i++) {
    storage.addSeries(labels[i]!, timestamps, values.subarray(i * SAMPLES, (i + 1) * SAMPLES));
  }
  return { storage, ms: performance.now() - start, cpu: cpuMs(cpu) };
}
const bulkRuns: number[] = [];
const bulkCpu: number[] = [];
for (let r = 0; r < 5; r++) {
  gc();
  const { ms, cpu } = bulkIngest();
  bulkRuns.push(ms);
  bulkCpu.push(cpu);
  progress(`bulk run ${r + 1}: ${fmt(ms)} ms`);
}
const bulkMs = median(bulkRuns);
const rate = (ms: number) => `${fmt(TOTAL / (ms / 1000) / 1e6)} M samples/s`;
row(
  'bulk ingest (`addSeries`)',
  rate(bulkMs),
  '≥ 10 M/s',
  `wall clock, median of 5 runs (${fmt(bulkMs, 0)} ms); the first run, into fresh memory: ${rate(bulkRuns[0]!)}; per CPU second: ${rate(median(bulkCpu))}`,
);

// === Memory ===
function heapBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}
const before = heapBytes();
const { storage } = bulkIngest();
const afterIngest = heapBytes();
const stats = storage.stats();
row(
  'bytes/sample, typed-array accounting',
  fmt(stats.sampleBytes / stats.samples),
  '≤ 17',
  `${stats.chunks} chunks`,
);
row(
  'bytes/sample, process heap + external (incl. index, labels, chunk headers)',
  fmt((afterIngest - before) / TOTAL),
  '≤ 17',
  'after bulk ingest; gc before and after',
);
const hintsAll = hints(T0, T0 + SAMPLES * STEP_MS);
storage.select([compileMatcher('=~', '__name__', '.+')], hintsAll); // caches every full view
const afterViews = heapBytes();
row(
  'bytes/sample, same, after a full-range select',
  fmt((afterViews - before) / TOTAL),
  '≤ 17',
  'chunk views are cached on first read',
);

// === Select latency ===
function hints(startMs: number, endMs: number): SelectHints {
  return { startMs, endMs, stepMs: 0, rangeMs: 0, func: null, grouping: [], by: false };
}
const lastT = T0 + (SAMPLES - 1) * STEP_MS;
const cases: [string, [MatchType, string, string][]][] = [
  ['{__name__="http_requests_total"}', [['=', '__name__', 'http_requests_total']]],
  ['{__name__=~"http_.*"}', [['=~', '__name__', 'http_.*']]],
  [
    '{__name__="http_requests_total", job=~"job-[0-4]"}',
    [
      ['=', '__name__', 'http_requests_total'],
      ['=~', 'job', 'job-[0-4]'],
    ],
  ],
  [
    '{__name__="http_requests_total", instance!~"host-1.*"}',
    [
      ['=', '__name__', 'http_requests_total'],
      ['!~', 'instance', 'host-1.*'],
    ],
  ],
  ['{job="job-3"}', [['=', 'job', 'job-3']]],
  [
    '{__name__="node_cpu_seconds_total", instance="host-42", slot="s7"}',
    [
      ['=', '__name__', 'node_cpu_seconds_total'],
      ['=', 'instance', 'host-42'],
      ['=', 'slot', 's7'],
    ],
  ],
];
for (const [range, h] of [
  ['last 5 min', hints(lastT - 300_000, lastT)],
  ['full 6 h', hintsAll],
] as const) {
  for (const [query, ms] of cases) {
    const matchers: Matcher[] = ms.map(([t, n, v]) => compileMatcher(t, n, v));
    let n = 0;
    for (let w = 0; w < 20; w++) n = storage.select(matchers, h).length;
    const times: number[] = [];
    for (let r = 0; r < 200; r++) {
      const start = performance.now();
      storage.select(matchers, h);
      times.push(performance.now() - start);
    }
    const goal = n === 5000 ? '≤ 2 ms' : '';
    row(
      `select ${query}, ${range}`,
      `${fmt(median(times), 3)} ms`,
      goal,
      `${fmt(n)} series; median of 200 (p10 ${fmt([...times].sort((a, b) => a - b)[20]!, 3)} ms)`,
    );
  }
}

// === Text ingest ===
progress('generating exposition text');
const lineHeads = labels.map((l) => `${seriesText(l)} `);
const encoder = new TextEncoder();
const scrapes: Uint8Array[] = [];
let textBytes = 0;
for (let j = 0; j < SAMPLES; j++) {
  const ts = ` ${T0 + j * STEP_MS}\n`;
  let body = '';
  for (let i = 0; i < SERIES; i++) body += lineHeads[i] + values[i * SAMPLES + j] + ts;
  const bytes = encoder.encode(body);
  textBytes += bytes.length;
  scrapes.push(bytes);
}
progress(`text: ${fmt(textBytes / 1e6, 0)} MB in ${scrapes.length} chunks; loading`);
async function* stream() {
  yield* scrapes;
}
const beforeText = heapBytes();
const textStorage = new MemoryStorage();
const textCpu = process.cpuUsage();
const textStart = performance.now();
const loaded = await loadText(textStorage, stream(), {
  onProgress: (p) => {
    if (!p.done) progress(`  ${fmt(p.bytesRead / 1e6, 0)} MB, ${fmt(p.samples)} samples`);
  },
  progressIntervalBytes: 256 * 1024 * 1024,
});
const textMs = performance.now() - textStart;
const textCpuMs = cpuMs(textCpu);
if (loaded.added !== TOTAL) throw new Error(`text ingest stored ${loaded.added} samples`);
row(
  'text ingest (`loadText`, Prometheus format)',
  `${fmt(TOTAL / (textMs / 1000) / 1e6)} M samples/s`,
  '≥ 1.5 M/s',
  `wall clock: ${fmt(textBytes / 1e6, 0)} MB streamed in ${fmt(textMs / 1000)} s (${fmt(textBytes / 1e6 / (textMs / 1000), 0)} MB/s); per CPU second: ${fmt(TOTAL / (textCpuMs / 1000) / 1e6)} M samples/s`,
);
const textStats = textStorage.stats();
row(
  'bytes/sample after text ingest, typed-array accounting',
  fmt(textStats.sampleBytes / textStats.samples),
  '≤ 17',
  'heads trimmed when the load ends',
);
const afterText = heapBytes();
row(
  'bytes/sample after text ingest, process heap + external',
  fmt((afterText - beforeText) / TOTAL),
  '≤ 17',
  'the input chunks are alive in both readings',
);

// === Report ===
const table = [
  `# @promql-ts/storage-mem benchmark`,
  '',
  `${fmt(SERIES)} series × 6 h × 15 s = ${fmt(TOTAL)} samples. Node ${process.version}, ${os.cpus().length} CPUs, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')} when the run ended (timings move with other load on the machine).`,
  '',
  'Bytes per sample are measured two ways: by accounting the bytes of the sample arrays (`stats().sampleBytes`), and as the growth of `process.memoryUsage()` heap + external memory across the ingest, with a full GC before each reading, so that the index, labels, chunk objects and typed-array headers count too.',
  '',
  '| measure | result | goal | note |',
  '|---|---:|---:|---|',
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
].join('\n');
process.stdout.write(table);
const out = join(here, '..', '..', '..', 'bench', 'results', 'storage-mem.md');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, table);
progress(`written to ${out}`);

/**
 * End-to-end benchmark of the engine: the fleet generator's data (about 10,000 series ×
 * 6 h × 15 s) in a MemoryStorage, a fixed query set as instant queries and as 1 h range
 * queries at 15 s, timed from query string to typed result (median of 5 after a warm-up),
 * on the WebAssembly kernels and, for comparison, on the TypeScript reference kernels.
 * Run with `pnpm bench` (after `pnpm build`; it uses the built packages). Progress goes to
 * stderr; the table goes to stdout and to bench/results/engine.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDataset, loadDataset } from '@promql-ts/conformance';
import { type EvaluateOptions, evaluate, evaluateRange, type QueryResult } from '@promql-ts/engine';
import { initKernels, referenceKernels } from '@promql-ts/kernels';
import { MemoryStorage } from '@promql-ts/storage-mem';
import { QUERIES } from './queries.js';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, '../results/engine.md');
const progress = (msg: string) => process.stderr.write(`[engine bench] ${msg}\n`);

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 416); // ≈ 10,000 series
const HOURS = 6;
const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function size(r: QueryResult): string {
  const v = r.value;
  if (v.type === 'vector') return `${v.samples.length} series`;
  if (v.type === 'matrix') {
    const points = v.series.reduce((n, s) => n + s.timestamps.length, 0);
    return `${v.series.length} series, ${points} points`;
  }
  return v.type;
}

async function time(run: () => Promise<QueryResult>): Promise<{ ms: number; result: QueryResult }> {
  let result = await run(); // warm-up (three runs: JIT and WebAssembly memory growth)
  result = await run();
  result = await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    result = await run();
    times.push(performance.now() - start);
  }
  return { ms: median(times), result };
}

progress(`generating ${INSTANCES} instances × ${HOURS} h × 15 s`);
const data = generateDataset({
  seed: 7,
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
const storage = new MemoryStorage();
const loadStart = performance.now();
loadDataset(storage, data);
progress(
  `loaded ${data.series.length} series, ${data.samples} samples in ${(performance.now() - loadStart).toFixed(0)} ms`,
);

const end = data.endMs;
const range = { start: end - 3600_000, end, stepMs: 15_000 };
const wasm = await initKernels();
const backends: { name: string; options: EvaluateOptions }[] = [
  { name: wasm.backend, options: { kernels: wasm } },
  { name: 'reference (TS)', options: { kernels: referenceKernels() } },
];

const rows: string[] = [];
for (const q of QUERIES) {
  for (const mode of ['instant', 'range'] as const) {
    const cells: string[] = [];
    let shape = '';
    for (const b of backends) {
      try {
        const { ms, result } = await time(() =>
          mode === 'instant'
            ? evaluate(q.query, storage, end, b.options)
            : evaluateRange(q.query, storage, range, b.options),
        );
        cells.push(ms.toFixed(2));
        shape = size(result);
      } catch (e) {
        cells.push(`error: ${(e as Error).message.slice(0, 60)}`);
      }
    }
    const ratio =
      Number.isFinite(Number(cells[0])) && Number.isFinite(Number(cells[1]))
        ? `${(Number(cells[1]) / Number(cells[0])).toFixed(2)}×`
        : '-';
    rows.push(`| ${q.name} | ${mode} | ${cells.join(' | ')} | ${ratio} | ${shape} |`);
    progress(`${q.name} ${mode}: ${cells.join(' / ')} ms`);
  }
}

const table = [
  `| query | mode | ${backends.map((b) => `${b.name} ms`).join(' | ')} | WASM speed-up | result |`,
  '|---|---|---:|---:|---:|---|',
  ...rows,
].join('\n');
const text = [
  '# Engine end to end',
  '',
  `${data.series.length} series × ${HOURS} h × 15 s (${data.samples} samples) in a MemoryStorage; instant queries at the end of the data, range queries over its last hour at 15 s steps. Median of ${RUNS} runs after a warm-up, from query string to typed result. Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} × ${cpus().length}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
  table,
  '',
  'Queries:',
  '',
  ...QUERIES.map((q) => `- ${q.name}: \`${q.query}\``),
  '',
].join('\n');
console.log(table);
mkdirSync(dirname(RESULTS), { recursive: true });
writeFileSync(RESULTS, text);
progress(`wrote ${RESULTS}`);

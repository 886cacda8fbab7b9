/**
 * Where promql-ts spends its time on the slowest queries of the Prometheus comparison:
 * reads bench/results/prometheus.json, picks the cases that took us longest and those with
 * the worst ratio to Prometheus, runs each in a loop under V8's sampling CPU profiler (the
 * profiler of `node --cpu-prof`, started through `node:inspector` around the loop only, so
 * that generating the data is not in the profile), and summarises self time by function,
 * mapped to the TypeScript sources through the builds' source maps.
 *
 * Run with `pnpm --filter @promql-ts/bench bench:profile` after `pnpm bench:prometheus`.
 * Flags: `--top N` (cases by time and by ratio, default 3 each), `--case "name mode"`
 * (repeatable, instead), `--seconds S` (profiling time per case, default 10), `--from
 * FILE`, `--flush-mb MB` (default 64: each run follows a write over that much memory, which
 * evicts the CPU caches as a Prometheus query does between two of ours in the comparison; 0
 * for none). Writes bench/results/prometheus-profile.md and one `.cpuprofile` per case in
 * bench/results/profiles/ (git-ignored; open them in Chrome DevTools).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { generateDataset, loadDataset, REPO_ROOT } from '@promql-ts/conformance';
import { evaluate, evaluateRange, type QueryResult } from '@promql-ts/engine';
import { initKernels } from '@promql-ts/kernels';
import { MemoryStorage } from '@promql-ts/storage-mem';
import { formatMs, machine, minorFaults, promotedBytes } from './measure.js';
import { type BenchCase, caseKey, PROMETHEUS_CASES, STORAGE_OPTIONS } from './queries.js';

const here = dirname(fileURLToPath(import.meta.url));
const progress = (msg: string) => process.stderr.write(`[profile] ${msg}\n`);

const { values: flags } = parseArgs({
  options: {
    from: { type: 'string', default: join(here, '../results/prometheus.json') },
    top: { type: 'string', default: '3' },
    case: { type: 'string', multiple: true },
    seconds: { type: 'string', default: '10' },
    'flush-mb': { type: 'string', default: '64' },
    out: { type: 'string', default: join(here, '../results/prometheus-profile.md') },
  },
});
const TOP = Number(flags.top);
const SECONDS = Number(flags.seconds);
const FLUSH_MB = Number(flags['flush-mb']);
const TOP_FUNCTIONS = 15;

interface SavedCase {
  readonly key: string;
  readonly error: string | null;
  readonly differences: readonly string[];
  readonly prometheusMs: number;
  readonly oursMs: number;
}
interface Saved {
  readonly date: string;
  readonly dataset: { seed: number; instances: number; hours: number };
  readonly cases: readonly SavedCase[];
}

// === Choosing the cases ===

const saved = JSON.parse(readFileSync(flags.from, 'utf8')) as Saved;
const byKey = new Map(PROMETHEUS_CASES.map((c) => [caseKey(c), c]));
const chosen: { c: BenchCase; why: string; saved: SavedCase | undefined }[] = [];
const choose = (key: string, why: string) => {
  const c = byKey.get(key);
  if (c === undefined)
    throw new Error(`no case ${JSON.stringify(key)}; cases: ${[...byKey.keys()].join(', ')}`);
  const have = chosen.find((x) => caseKey(x.c) === key);
  if (have !== undefined) have.why += `; ${why}`;
  else chosen.push({ c, why, saved: saved.cases.find((s) => s.key === key) });
};
if (flags.case !== undefined) {
  for (const k of flags.case) choose(k, 'asked for');
} else {
  const ok = saved.cases.filter((s) => s.error === null && s.differences.length === 0);
  const slowest = [...ok].sort((a, b) => b.oursMs - a.oursMs).slice(0, TOP);
  const worst = [...ok]
    .sort((a, b) => a.prometheusMs / a.oursMs - b.prometheusMs / b.oursMs)
    .slice(0, TOP);
  for (const [i, s] of slowest.entries()) choose(s.key, `#${i + 1} by our time`);
  for (const [i, s] of worst.entries()) choose(s.key, `#${i + 1} by worst ratio`);
}

// === Source locations ===

const maps = new Map<string, { map: SourceMap; dir: string } | null>();
/** `src/file.ts:line` of a generated location (0-based line and column), via the build's source map. */
function sourceLocation(url: string, line: number, column: number): string {
  if (url === '') return '';
  if (!url.startsWith('file://')) return url.startsWith('wasm://') ? 'kernels (WebAssembly)' : url;
  const file = fileURLToPath(url);
  let entry = maps.get(file);
  if (entry === undefined) {
    try {
      const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload;
      entry = { map: new SourceMap(payload), dir: dirname(file) };
    } catch {
      entry = null;
    }
    maps.set(file, entry);
  }
  const fallback = `${relative(REPO_ROOT, file)}:${line + 1}`;
  if (entry === null) return fallback;
  const m = entry.map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
  if (m.originalSource === undefined || m.originalLine === undefined) return fallback;
  const src = m.originalSource.startsWith('file://')
    ? fileURLToPath(m.originalSource)
    : resolve(entry.dir, m.originalSource);
  return `${relative(REPO_ROOT, src)}:${m.originalLine + 1}`;
}

/**
 * Names of the kernels' WebAssembly functions by index (the profiler shows
 * `wasm-function[N]`): the order of the `(func $name …)` definitions in the build's text
 * format, after the imported functions. Empty when the text file is missing.
 */
function wasmFunctionNames(backend: string): string[] {
  const file = join(
    REPO_ROOT,
    'packages/kernels-as/build',
    backend === 'wasm-simd' ? 'kernels-simd.wat' : 'kernels.wat',
  );
  let wat: string;
  try {
    wat = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const m of wat.matchAll(/^ \(import "[^"]*" "([^"]*)" \(func/gm))
    names.push(`import ${m[1]}`);
  for (const m of wat.matchAll(/^ \(func \$(\S+)/gm)) names.push(m[1]!.replace(/^assembly\//, ''));
  return names;
}
let wasmNames: string[] = [];

/** Which part of the program a location belongs to. */
function area(url: string, functionName: string): string {
  if (url === '') {
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(program)') return 'V8 (program)';
    return 'V8 builtins';
  }
  if (url.startsWith('wasm://')) return 'WASM kernels';
  const m = /\/packages\/([^/]+)\//.exec(url) ?? /\/(conformance|bench)\//.exec(url);
  if (m !== null) return m[1]!;
  const dep = /\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep !== null) return dep[1]!;
  if (url.startsWith('node:')) return 'Node internals';
  return 'other';
}

// === Profiles ===

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

interface FunctionTime {
  readonly name: string;
  readonly location: string;
  readonly area: string;
  selfUs: number;
  totalUs: number;
}

/** Self and total (inclusive) time per function, and self time per area. */
/** Location prefix of this script's own functions (see {@link sourceLocation}). */
const SELF = 'bench/src/profile.ts';

function summarise(p: CpuProfile): {
  functions: FunctionTime[];
  areas: Map<string, number>;
  totalUs: number;
} {
  const node = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = new Map<number, FunctionTime>();
  const functions = new Map<string, FunctionTime>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const location = sourceLocation(f.url, f.lineNumber, f.columnNumber);
    const wasmIndex = /^wasm-function\[(\d+)\]$/.exec(f.functionName);
    const wasmName = wasmIndex === null ? undefined : wasmNames[Number(wasmIndex[1])];
    const name =
      wasmName !== undefined
        ? `${wasmName} (wasm)`
        : f.functionName === ''
          ? '(anonymous)'
          : f.functionName;
    const k = `${name} ${location}`;
    let ft = functions.get(k);
    if (ft === undefined) {
      ft = { name, location, area: area(f.url, f.functionName), selfUs: 0, totalUs: 0 };
      functions.set(k, ft);
    }
    keyOf.set(n.id, ft);
  }
  const areas = new Map<string, number>();
  let totalUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    // The time of sample i runs until the next sample.
    const us = i + 1 < p.timeDeltas.length ? p.timeDeltas[i + 1]! : 0;
    const id = p.samples[i]!;
    const self = keyOf.get(id)!;
    const fn = node.get(id)?.callFrame.functionName;
    // The profiling script's own time (its loop, and the cache flush, which V8 may
    // inline into the loop so that it no longer shows under its own name) is left out.
    if (fn === '(idle)' || fn === flushCaches.name || self.location.startsWith(SELF)) continue;
    totalUs += us;
    self.selfUs += us;
    areas.set(self.area, (areas.get(self.area) ?? 0) + us);
    const seen = new Set<FunctionTime>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const ft = keyOf.get(n)!;
      if (!seen.has(ft)) {
        seen.add(ft);
        ft.totalUs += us;
      }
    }
  }
  return { functions: [...functions.values()], areas, totalUs };
}

// === Cold caches ===

// In the comparison, half of our runs follow a Prometheus query, which has evicted the CPU
// caches our data was in; back to back, a query finds its data cached and runs 2-4×
// faster, spending its time elsewhere. So each profiled run follows a write over a
// buffer larger than the caches (`--flush-mb`, 0 for none); that time is left out.
const flushBuffer = new Float64Array((FLUSH_MB * 2 ** 20) / 8);
function flushCaches(): void {
  for (let i = 0; i < flushBuffer.length; i += 8) flushBuffer[i]! += 1;
}

// === The run ===

const { seed, instances, hours } = saved.dataset;
progress(`generating ${instances} instances × ${hours} h (seed ${seed}), as in ${flags.from}`);
const data = generateDataset({ seed, instances, durationMs: hours * 3600_000 });
const storage = new MemoryStorage(STORAGE_OPTIONS);
loadDataset(storage, data);
progress(`loaded ${data.series.length} series, ${data.samples} samples`);
const end = data.endMs;
const kernels = await initKernels();
wasmNames = wasmFunctionNames(kernels.backend);
const options = { kernels, lookbackDeltaMs: 300_000, maxSamples: 200_000_000, timeoutMs: 300_000 };
const run = (c: BenchCase): Promise<QueryResult> =>
  c.mode === 'instant'
    ? evaluate(c.query, storage, end, options)
    : evaluateRange(c.query, storage, { start: end - 3600_000, end, stepMs: c.stepMs }, options);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
const profilesDir = join(here, '../results/profiles');
mkdirSync(profilesDir, { recursive: true });
// The profiles of an earlier run would be mistaken for this one's.
for (const f of readdirSync(profilesDir)) {
  if (f.endsWith('.cpuprofile')) rmSync(join(profilesDir, f));
}

const sections: string[] = [];
for (const { c, why, saved: s } of chosen) {
  const key = caseKey(c);
  for (let i = 0; i < 3; i++) await run(c); // warm-up
  await session.post('Profiler.start');
  const t0 = performance.now();
  let iterations = 0;
  let elapsed = 0;
  // Counted around the whole loop: reading them at every run would show in the profile.
  const faultsBefore = minorFaults();
  const gcProfiler = new v8.GCProfiler();
  gcProfiler.start();
  while (performance.now() - t0 < SECONDS * 1000 || iterations < 5) {
    flushCaches();
    const r0 = performance.now();
    await run(c);
    elapsed += performance.now() - r0;
    iterations++;
  }
  const faultsAfter = minorFaults();
  const promoted = promotedBytes(gcProfiler.stop().statistics);
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
  const file = join(
    profilesDir,
    `${key.replace(/[^a-z0-9]+/gi, '-').replace(/-$/, '')}.cpuprofile`,
  );
  writeFileSync(file, JSON.stringify(profile));
  const { functions, areas, totalUs } = summarise(profile);
  const perIter = (us: number) => {
    const ms = us / 1000 / iterations;
    return ms < 0.1 ? ms.toFixed(3) : formatMs(ms);
  };
  const pct = (us: number) => `${((100 * us) / totalUs).toFixed(1)}%`;
  const top = functions.sort((a, b) => b.selfUs - a.selfUs).slice(0, TOP_FUNCTIONS);
  progress(
    `${key}: ${iterations} runs, ${formatMs(elapsed / iterations)} ms each; top: ${top[0]?.name} ${pct(top[0]?.selfUs ?? 0)}`,
  );
  sections.push(
    [
      `## ${key}`,
      '',
      `\`${c.query}\` (${c.mode === 'instant' ? 'instant' : `1 h range at ${c.stepMs / 1000} s`}); chosen as ${why}.${s === undefined ? '' : ` Benchmark: promql-ts ${formatMs(s.oursMs)} ms, Prometheus ${formatMs(s.prometheusMs)} ms.`} Profiled: ${iterations} runs, ${formatMs(elapsed / iterations)} ms per run (under the profiler${FLUSH_MB > 0 ? ', caches flushed before each' : ''})${faultsBefore === null || faultsAfter === null ? '' : `, ${((faultsAfter - faultsBefore) / iterations).toFixed(1)} page faults per run (see bench/README.md)`}, ${(promoted.bytes / iterations / 1024).toFixed(1)} KiB per run promoted to V8's old generation (${promoted.scavenges} young-generation collections; see bench/README.md).`,
      '',
      `Self time by area: ${[...areas]
        .sort((a, b) => b[1] - a[1])
        .map(([a, us]) => `${a} ${pct(us)}`)
        .join(', ')}.`,
      '',
      `| function | source | self ms / run | self | total |`,
      '|---|---|---:|---:|---:|',
      ...top.map(
        (f) =>
          `| \`${f.name}\` | ${f.location === '' ? f.area : f.location} | ${perIter(f.selfUs)} | ${pct(f.selfUs)} | ${pct(f.totalUs)} |`,
      ),
      '',
      `Profile: bench/results/profiles/${relative(profilesDir, file)}`,
      '',
    ].join('\n'),
  );
}
await session.post('Profiler.disable');
session.disconnect();

const text = [
  '# Where promql-ts spends its time',
  '',
  `The slowest cases of bench/results/prometheus.md (${saved.date.slice(0, 10)}): the ${TOP} that took promql-ts longest and the ${TOP} with the worst ratio to Prometheus, each run in a loop for ${SECONDS} s under V8's sampling CPU profiler (100 µs interval; the profiler of \`node --cpu-prof\`, started around the loop only)${FLUSH_MB > 0 ? `, each run after a write over ${FLUSH_MB} MiB that evicts the CPU caches, as a Prometheus query between two of ours does in the comparison (its time is left out)` : ''}, on the same dataset (${data.series.length} series, ${data.samples} samples) and the built packages. Self time is time with the function on top of the stack; total counts it once per sample when it is anywhere on the stack. Locations are mapped to the TypeScript sources through the builds' source maps. ${machine()}.`,
  '',
  'Reproduce: `pnpm bench:prometheus`, then `pnpm --filter @promql-ts/bench bench:profile`.',
  '',
  ...sections,
].join('\n');
writeFileSync(flags.out, text);
console.log(text);
progress(`wrote ${flags.out}`);

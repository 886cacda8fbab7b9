// Benchmarks of the hot kernels: the WebAssembly builds (SIMD and scalar) against the
// TypeScript reference, in one run, beside this machine's memory bandwidth (a plain
// JavaScript sum over a 100 MB Float64Array). Run with `pnpm bench` after `pnpm build`;
// prints a markdown table (progress goes to stderr) and writes it to
// bench/results/kernels-as.md at the workspace root.
//
// Inputs for the WebAssembly kernels live in their arenas (the zero-copy path the
// engine uses); the reference works on ordinary typed arrays. Data come from a
// fixed-seed generator, so runs are comparable. The three implementations of a kernel
// are timed in interleaved rounds and each keeps its best time, so a busy machine
// slows them alike.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClassicHistograms, Kernels, SeriesBatch, StepGrid } from '../src/index.js';

// The built package, as users get it (typed by the sources, which tsc can always see).
const DIST = '../dist/index.js';
const { initKernels, referenceKernels } = (await import(DIST)) as typeof import('../src/index.js');

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = resolve(here, '../../../bench/results/kernels-as.md');

function progress(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

// A small deterministic generator (mulberry32).
let seed = 0x9e3779b9;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

type Impl = 'ref' | 'scalar' | 'simd';
const IMPLS: readonly Impl[] = ['ref', 'scalar', 'simd'];

/** Best times (ms) of the three implementations, timed in interleaved rounds. */
function compare(run: Record<Impl, () => void>, budgetMs = 2500): Record<Impl, number> {
  const best: Record<Impl, number> = { ref: Infinity, scalar: Infinity, simd: Infinity };
  for (const impl of IMPLS) run[impl](); // warm-up
  const start = performance.now();
  for (let round = 0; round < 40; round++) {
    for (const impl of IMPLS) {
      const t0 = performance.now();
      run[impl]();
      best[impl] = Math.min(best[impl], performance.now() - t0);
    }
    if (round >= 2 && performance.now() - start > budgetMs) break;
  }
  return best;
}

function memoryBandwidth(): number {
  const a = new Float64Array(100_000_000 / 8);
  for (let i = 0; i < a.length; i++) a[i] = i & 1023;
  let best = Infinity;
  let sink = 0;
  for (let r = 0; r < 8; r++) {
    const t0 = performance.now();
    let s = 0;
    for (let i = 0; i < a.length; i++) s += a[i] as number;
    sink += s;
    best = Math.min(best, performance.now() - t0);
  }
  if (sink === -1) progress('');
  return a.byteLength / (best / 1000) / 1e9;
}

/** nSeries counters (with rare resets) of nSamples samples each, every intervalMs. */
function counters(nSeries: number, nSamples: number, intervalMs: number): SeriesBatch {
  const total = nSeries * nSamples;
  const ts = new Float64Array(total);
  const values = new Float64Array(total);
  const offsets = new Uint32Array(nSeries + 1);
  for (let s = 0; s < nSeries; s++) {
    let v = random() * 1000;
    const jitter = Math.floor(random() * intervalMs);
    for (let i = 0; i < nSamples; i++) {
      const k = s * nSamples + i;
      ts[k] = jitter + i * intervalMs;
      v = random() < 0.001 ? 0 : v + Math.floor(random() * 10);
      values[k] = v;
    }
    offsets[s + 1] = (s + 1) * nSamples;
  }
  return { ts, values, offsets };
}

/** The batch copied into k's arena; call the result for fresh views at each use. */
function inArena(k: Kernels, b: SeriesBatch): () => SeriesBatch {
  const ts = k.arena.f64From(b.ts);
  const values = k.arena.f64From(b.values);
  const offsets = k.arena.u32From(b.offsets);
  return () => ({ ts: ts.array, values: values.array, offsets: offsets.array });
}

/** An output matrix in k's arena; call the result for fresh views at each use. */
function matrixIn(k: Kernels, cells: number) {
  const values = k.arena.f64(cells);
  const mask = k.arena.u8(cells);
  return () => ({ values: values.array, mask: mask.array });
}

interface Row {
  kernel: string;
  note: string;
  items: number;
  bytes: number;
  ms: Record<Impl, number>;
}

function rate(items: number, ms: number): string {
  const perSec = items / (ms / 1000);
  if (perSec >= 1e9) return `${(perSec / 1e9).toFixed(2)} G/s`;
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(1)} M/s`;
  return `${(perSec / 1e3).toFixed(1)} k/s`;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  progress('kernels bench: memory bandwidth');
  const bandwidth = memoryBandwidth();
  const simd = await initKernels({ backend: 'wasm-simd', initialMemoryBytes: 256 << 20 });
  const scalar = await initKernels({ backend: 'wasm', initialMemoryBytes: 256 << 20 });
  const ref = referenceKernels();
  const wasm = { simd, scalar } as const;

  // --- Range functions and the instant selector: 1000 series × 1440 samples (6 h at
  // 15 s), 360 steps of 60 s.
  {
    const batch = counters(1000, 1440, 15_000);
    const samples = 1000 * 1440;
    const grid: StepGrid = { startMs: 300_000, stepMs: 60_000, nSteps: 360 };
    const cells = 1000 * grid.nSteps;
    const q = new Float64Array(grid.nSteps).fill(0.9);
    const duration = new Float64Array(grid.nSteps).fill(3600);
    const inputs = { simd: inArena(simd, batch), scalar: inArena(scalar, batch) };
    const outs = { simd: matrixIn(simd, cells), scalar: matrixIn(scalar, cells) };
    const refOut = { values: new Float64Array(cells), mask: new Uint8Array(cells) };
    const cases = [
      ['rate', { rangeMs: 300_000 }, '5m windows'],
      ['increase', { rangeMs: 3_600_000 }, '1h windows'],
      ['sum_over_time', { rangeMs: 300_000 }, '5m windows'],
      ['avg_over_time', { rangeMs: 300_000 }, '5m windows'],
      ['max_over_time', { rangeMs: 3_600_000 }, '1h windows'],
      ['quantile_over_time', { rangeMs: 3_600_000, param: q }, '1h windows, q=0.9'],
      ['changes', { rangeMs: 3_600_000 }, '1h windows'],
      ['deriv', { rangeMs: 300_000 }, '5m windows'],
      ['predict_linear', { rangeMs: 300_000, param: duration }, '5m windows'],
      ['stddev_over_time', { rangeMs: 300_000 }, '5m windows'],
      ['irate', { rangeMs: 300_000 }, '5m windows'],
    ] as const;
    for (const [fn, options, note] of cases) {
      progress(`kernels bench: ${fn}`);
      const ms = compare({
        ref: () => ref.rangeFunction(fn, batch, grid, options, refOut),
        scalar: () => wasm.scalar.rangeFunction(fn, inputs.scalar(), grid, options, outs.scalar()),
        simd: () => wasm.simd.rangeFunction(fn, inputs.simd(), grid, options, outs.simd()),
      });
      rows.push({
        kernel: fn,
        note: `1000 series × 1440 samples, 360 steps, ${note}`,
        items: samples,
        bytes: samples * 16 + cells * 9,
        ms,
      });
    }

    progress('kernels bench: instant selector');
    const opts = { lookbackMs: 300_000 };
    const tsOut = { simd: simd.arena.f64(cells), scalar: scalar.arena.f64(cells) };
    const refSel = { ...refOut, ts: new Float64Array(cells) };
    const ms = compare({
      ref: () => ref.instantSelector(batch, grid, opts, refSel),
      scalar: () =>
        scalar.instantSelector(inputs.scalar(), grid, opts, {
          ...outs.scalar(),
          ts: tsOut.scalar.array,
        }),
      simd: () =>
        simd.instantSelector(inputs.simd(), grid, opts, { ...outs.simd(), ts: tsOut.simd.array }),
    });
    rows.push({
      kernel: 'instant selector',
      note: '1000 series × 1440 samples, 360 steps',
      items: samples,
      bytes: samples * 16 + cells * 17,
      ms,
    });
  }

  // --- Aggregation: 10 000 series × 360 steps into 100 groups.
  {
    const nSeries = 10_000;
    const nSteps = 360;
    const nGroups = 100;
    const n = nSeries * nSteps;
    const values = new Float64Array(n);
    const mask = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      values[i] = random() * 100;
      mask[i] = random() < 0.95 ? 1 : 0;
    }
    const groups = new Uint32Array(nSeries);
    for (let s = 0; s < nSeries; s++) groups[s] = s % nGroups;
    const param = new Float64Array(nSteps).fill(0.9);
    const place = (k: Kernels) => {
      const v = k.arena.f64From(values);
      const m = k.arena.u8From(mask);
      const g = k.arena.u32From(groups);
      const out = matrixIn(k, nGroups * nSteps);
      return { input: () => ({ values: v.array, mask: m.array }), groups: () => g.array, out };
    };
    const placed = { simd: place(simd), scalar: place(scalar) };
    const refOut = {
      values: new Float64Array(nGroups * nSteps),
      mask: new Uint8Array(nGroups * nSteps),
    };
    for (const op of ['sum', 'avg', 'max', 'count', 'stddev', 'quantile'] as const) {
      progress(`kernels bench: aggregate ${op}`);
      const run = (impl: 'simd' | 'scalar') => () => {
        const p = placed[impl];
        wasm[impl].aggregate(op, p.input(), p.groups(), nGroups, nSteps, p.out(), param);
      };
      const ms = compare({
        ref: () => ref.aggregate(op, { values, mask }, groups, nGroups, nSteps, refOut, param),
        scalar: run('scalar'),
        simd: run('simd'),
      });
      rows.push({
        kernel: `aggregate ${op}`,
        note: '10 000 series × 360 steps → 100 groups',
        items: n,
        bytes: n * 9 + nSeries * 4,
        ms,
      });
    }
  }

  // --- Binary operators and math: 10 000 × 360 cells.
  {
    const n = 10_000 * 360;
    const nSteps = 360;
    const lhs = new Float64Array(n);
    const rhs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      lhs[i] = random() * 100 - 50;
      rhs[i] = random() * 10 + 0.1;
    }
    const scalarRhs = new Float64Array(nSteps).fill(3);
    const place = (k: Kernels) => {
      const l = k.arena.f64From(lhs);
      const r = k.arena.f64From(rhs);
      const s = k.arena.f64From(scalarRhs);
      return { l: () => l.array, r: () => r.array, s: () => s.array, out: matrixIn(k, n) };
    };
    const placed = { simd: place(simd), scalar: place(scalar) };
    const refOut = { values: new Float64Array(n), mask: new Uint8Array(n) };
    const binCases = [
      ['+', false, 'vector + vector'],
      ['*', true, 'vector * scalar'],
      ['/', false, 'vector / vector'],
      ['>', true, 'vector > scalar (filter)'],
      ['%', false, 'vector % vector (Go math.Mod)'],
      ['^', true, 'vector ^ scalar (Go math.Pow)'],
    ] as const;
    for (const [op, withScalar, note] of binCases) {
      progress(`kernels bench: binary ${op}`);
      const opts = { nSteps, rhsScalar: withScalar };
      const run = (impl: 'simd' | 'scalar') => () => {
        const p = placed[impl];
        wasm[impl].binary(op, p.l(), withScalar ? p.s() : p.r(), p.out(), opts);
      };
      const ms = compare({
        ref: () => ref.binary(op, lhs, withScalar ? scalarRhs : rhs, refOut, opts),
        scalar: run('scalar'),
        simd: run('simd'),
      });
      rows.push({
        kernel: `binary ${op}`,
        note: `10 000 × 360 cells, ${note}`,
        items: n,
        bytes: n * (withScalar ? 17 : 25),
        ms,
      });
    }
    const mathOut = new Float64Array(n);
    for (const fn of ['abs', 'sqrt', 'exp', 'ln', 'sin'] as const) {
      progress(`kernels bench: math ${fn}`);
      const run = (impl: 'simd' | 'scalar') => () => {
        const p = placed[impl];
        wasm[impl].math(fn, p.r(), p.out().values);
      };
      const ms = compare({
        ref: () => ref.math(fn, rhs, mathOut),
        scalar: run('scalar'),
        simd: run('simd'),
      });
      rows.push({ kernel: `math ${fn}`, note: '3.6 M values', items: n, bytes: n * 16, ms });
    }
  }

  // --- histogram_quantile: 1000 classic histograms × 12 buckets × 360 steps.
  {
    const nHist = 1000;
    const nBuckets = 12;
    const nSteps = 360;
    const bucketRows = nHist * nBuckets;
    const upperBounds = new Float64Array(bucketRows);
    const counts = new Float64Array(bucketRows * nSteps);
    const mask = new Uint8Array(bucketRows * nSteps).fill(1);
    const bucketOffsets = new Uint32Array(nHist + 1);
    for (let h = 0; h < nHist; h++) {
      bucketOffsets[h + 1] = (h + 1) * nBuckets;
      for (let b = 0; b < nBuckets; b++)
        upperBounds[h * nBuckets + b] = b === nBuckets - 1 ? Infinity : 0.005 * 2 ** b;
      for (let i = 0; i < nSteps; i++) {
        let acc = 0;
        for (let b = 0; b < nBuckets; b++) {
          acc += Math.floor(random() * 100);
          counts[(h * nBuckets + b) * nSteps + i] = acc;
        }
      }
    }
    const q = new Float64Array(nSteps).fill(0.99);
    const input: ClassicHistograms = { bucketOffsets, upperBounds, counts, mask, nSteps };
    const place = (k: Kernels) => {
      const c = k.arena.f64From(counts);
      const m = k.arena.u8From(mask);
      const out = matrixIn(k, nHist * nSteps);
      return () => k.histogramQuantile({ ...input, counts: c.array, mask: m.array }, q, out());
    };
    progress('kernels bench: histogram_quantile');
    const refOut = {
      values: new Float64Array(nHist * nSteps),
      mask: new Uint8Array(nHist * nSteps),
    };
    const ms = compare({
      ref: () => ref.histogramQuantile(input, q, refOut),
      scalar: place(scalar),
      simd: place(simd),
    });
    rows.push({
      kernel: 'histogram_quantile',
      note: '1000 histograms × 12 buckets × 360 steps',
      items: bucketRows * nSteps,
      bytes: bucketRows * nSteps * 9,
      ms,
    });
  }

  const lines = [
    '# @promql-ts/kernels benchmark',
    '',
    `Node ${process.version}, ${process.platform}/${process.arch}. Memory bandwidth (a plain JavaScript sum over a 100 MB Float64Array): **${bandwidth.toFixed(2)} GB/s**.`,
    '',
    'Throughput counts input samples (or matrix cells) per second; GB/s counts the bytes the kernel reads and writes. The speed-up is the reference time over the WebAssembly time. Each figure is the best of interleaved rounds.',
    '',
    '| kernel | workload | reference | wasm (scalar) | wasm (SIMD) | SIMD GB/s | speed-up scalar | speed-up SIMD |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => {
      const cell = (impl: Impl) => `${r.ms[impl].toFixed(1)} ms (${rate(r.items, r.ms[impl])})`;
      const gbps = (r.bytes / (r.ms.simd / 1000) / 1e9).toFixed(2);
      const up = (impl: Impl) => `${(r.ms.ref / r.ms[impl]).toFixed(2)}×`;
      return `| ${r.kernel} | ${r.note} | ${cell('ref')} | ${cell('scalar')} | ${cell('simd')} | ${gbps} | ${up('scalar')} | ${up('simd')} |`;
    }),
    '',
  ];
  const table = lines.join('\n');
  process.stdout.write(`${table}\n`);
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, table);
  progress(`kernels bench: wrote ${RESULTS}`);
}

await main();

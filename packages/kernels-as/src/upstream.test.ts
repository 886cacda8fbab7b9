// Prometheus's own expectations: the evaluations of the upstream promqltest scripts that
// reduce to kernel calls (range functions, instant selectors, aggregations, math
// functions and classic histograms over plain selectors) run through the reference
// and the SIMD kernels and must give the values the scripts expect (relative 1e-6, as
// promqltest compares). The v2.42.0 scripts run in 2.x mode (closed windows, legacy
// extrapolation).

import { beforeAll, describe, expect, test } from 'vitest';
import {
  closeEnough,
  type Evaluation,
  type ExpectedSeries,
  type LoadedSeries,
  labelKey,
  parseDuration,
  parseNumber,
  parseSelector,
  readScript,
  type Selector,
  selectSeries,
} from '../test/promqltest.js';
import {
  type Implementations,
  implementations,
  type Sample,
  STALE,
  toFloat64,
} from '../test/support.js';
import {
  AGGREGATE_OPS,
  type AggregateOp,
  type Kernels,
  MATH_FUNCTIONS,
  type MathFunction,
  RANGE_FUNCTIONS,
  type RangeFunction,
  type SeriesBatch,
} from './index.js';

const SCRIPTS = '/work/shared/promqltest';
const LOOKBACK_MS = 300_000;

interface Mode {
  readonly leftOpen: boolean;
  readonly legacy: boolean;
}

/** One output series: labels and one value per step (undefined = absent). */
interface Result {
  labels: ReadonlyMap<string, string>;
  values: (number | undefined)[];
}

function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' && text[i - 1] !== '\\') inString = !inString;
    if (inString) continue;
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth--;
    if (c === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return args;
}

function scalarArg(text: string): number | null {
  try {
    return parseNumber(text);
  } catch {
    try {
      return parseDuration(text) / 1000;
    } catch {
      return null;
    }
  }
}

function batchOf(series: readonly LoadedSeries[]): SeriesBatch {
  const ts: number[] = [];
  const values: Sample[] = [];
  const offsets = new Uint32Array(series.length + 1);
  series.forEach((s, i) => {
    ts.push(...s.ts);
    for (const v of s.values) values.push(v === 'stale' ? STALE : v);
    offsets[i + 1] = ts.length;
  });
  return { ts: Float64Array.from(ts), values: toFloat64(values), offsets };
}

function toResults(
  series: readonly LoadedSeries[],
  values: Float64Array,
  mask: Uint8Array,
  nSteps: number,
  keepName: boolean,
): Result[] {
  return series.map((s, r) => {
    const labels = new Map(s.labels);
    if (!keepName) labels.delete('__name__');
    const vals: (number | undefined)[] = [];
    for (let i = 0; i < nSteps; i++)
      vals.push(mask[r * nSteps + i] ? values[r * nSteps + i] : undefined);
    return { labels, values: vals };
  });
}

/** Evaluates the expression, or returns null when it is not one the harness handles. */
function evaluate(k: Kernels, e: Evaluation, mode: Mode): Result[] | null {
  const grid = { startMs: e.startMs, stepMs: e.stepMs, nSteps: e.nSteps };
  return evalExpr(k, e.expr.trim(), e, grid, mode);
}

function instantVector(
  k: Kernels,
  sel: Selector,
  e: Evaluation,
  grid: { startMs: number; stepMs: number; nSteps: number },
  mode: Mode,
) {
  const series = selectSeries(e.series, sel);
  if (!series) return null;
  const batch = batchOf(series);
  const cells = series.length * grid.nSteps;
  const out = {
    values: new Float64Array(cells),
    mask: new Uint8Array(cells),
    ts: new Float64Array(cells),
  };
  k.instantSelector(
    batch,
    grid,
    { lookbackMs: LOOKBACK_MS, leftOpen: mode.leftOpen, offsetMs: sel.offsetMs, atMs: sel.atMs },
    out,
  );
  return { series, out };
}

function evalExpr(
  k: Kernels,
  expr: string,
  e: Evaluation,
  grid: { startMs: number; stepMs: number; nSteps: number },
  mode: Mode,
): Result[] | null {
  const agg =
    /^(\w+)\s*(?:(by|without)\s*\(([^)]*)\))?\s*\((.*)\)\s*(?:(by|without)\s*\(([^)]*)\))?$/.exec(
      expr,
    );
  if (agg && (AGGREGATE_OPS as string[]).includes(agg[1] as string)) {
    const op = agg[1] as AggregateOp;
    const how = agg[2] ?? agg[5];
    const labelList = (agg[3] ?? agg[6] ?? '')
      .split(',')
      .map((l) => l.trim())
      .filter(Boolean);
    const args = splitArgs(agg[4] as string);
    let q: number | null = null;
    if (op === 'quantile') {
      if (args.length !== 2) return null;
      q = scalarArg(args[0] as string);
      if (q === null) return null;
    } else if (args.length !== 1) {
      return null;
    }
    const sel = parseSelector(args[args.length - 1] as string);
    if (!sel || sel.rangeMs !== null || sel.modifier !== 'none') return null;
    const iv = instantVector(k, sel, e, grid, mode);
    if (!iv) return null;
    const { series, out } = iv;
    const keys = new Map<string, number>();
    const groupLabels: Map<string, string>[] = [];
    const groups = new Uint32Array(series.length);
    series.forEach((s, i) => {
      const labels = new Map<string, string>();
      for (const [name, value] of s.labels) {
        const listed = labelList.includes(name);
        if (how === 'by' ? listed : how === 'without' ? !listed && name !== '__name__' : false)
          labels.set(name, value);
      }
      const key = labelKey(labels, false);
      if (!keys.has(key)) {
        keys.set(key, groupLabels.length);
        groupLabels.push(labels);
      }
      groups[i] = keys.get(key) as number;
    });
    const cells = groupLabels.length * grid.nSteps;
    const res = { values: new Float64Array(cells), mask: new Uint8Array(cells) };
    const param = new Float64Array(grid.nSteps).fill(q ?? 0);
    k.aggregate(op, out, groups, groupLabels.length, grid.nSteps, res, param);
    return groupLabels.map((labels, g) => ({
      labels,
      values: Array.from({ length: grid.nSteps }, (_, i) =>
        res.mask[g * grid.nSteps + i] ? res.values[g * grid.nSteps + i] : undefined,
      ),
    }));
  }

  const call = /^(\w+)\s*\((.*)\)$/.exec(expr);
  if (call) {
    const name = call[1] as string;
    const args = splitArgs(call[2] as string);
    if ((RANGE_FUNCTIONS as string[]).includes(name))
      return rangeCall(k, name as RangeFunction, args, e, grid, mode);
    if (
      (MATH_FUNCTIONS as string[]).includes(name) ||
      ['round', 'clamp', 'clamp_min', 'clamp_max', 'timestamp'].includes(name)
    ) {
      const sel = parseSelector(args[0] as string);
      if (!sel || sel.rangeMs !== null || sel.modifier !== 'none') return null;
      const iv = instantVector(k, sel, e, grid, mode);
      if (!iv) return null;
      const { series, out } = iv;
      const cells = series.length * grid.nSteps;
      const res = { values: new Float64Array(cells), mask: new Uint8Array(out.mask) };
      const steps = (v: number) => new Float64Array(grid.nSteps).fill(v);
      if (name === 'timestamp') {
        for (let c = 0; c < cells; c++) res.values[c] = (out.ts[c] as number) / 1000;
      } else if (name === 'round') {
        const to = args.length > 1 ? scalarArg(args[1] as string) : 1;
        if (to === null) return null;
        k.round(out.values, steps(to), grid.nSteps, res.values);
      } else if (name.startsWith('clamp')) {
        const nums = args.slice(1).map(scalarArg);
        if (nums.some((n) => n === null)) return null;
        const lo = name === 'clamp_max' ? -Infinity : (nums[0] as number);
        const hi =
          name === 'clamp_min'
            ? Infinity
            : name === 'clamp_max'
              ? (nums[0] as number)
              : (nums[1] as number);
        k.clamp(out.values, steps(lo), steps(hi), grid.nSteps, res, out.mask);
      } else {
        if (args.length !== 1) return null;
        k.math(name as MathFunction, out.values, res.values);
      }
      return toResults(series, res.values, res.mask, grid.nSteps, false);
    }
    if (name === 'histogram_quantile' || name === 'histogram_fraction')
      return classicHistogram(k, name, args, e, grid, mode);
    return null;
  }

  const sel = parseSelector(expr);
  if (sel && sel.rangeMs === null && sel.modifier === 'none') {
    const iv = instantVector(k, sel, e, grid, mode);
    if (!iv) return null;
    const { series, out } = iv;
    return toResults(series, out.values, out.mask, grid.nSteps, true);
  }
  return null;
}

function rangeCall(
  k: Kernels,
  fn: RangeFunction,
  args: string[],
  e: Evaluation,
  grid: { startMs: number; stepMs: number; nSteps: number },
  mode: Mode,
): Result[] | null {
  const selIndex = fn === 'quantile_over_time' ? 1 : 0;
  const sel = parseSelector(args[selIndex] as string);
  if (!sel || sel.rangeMs === null) return null;
  const scalars = args.filter((_, i) => i !== selIndex).map(scalarArg);
  if (scalars.some((s) => s === null)) return null;
  const steps = (v: number | null | undefined) =>
    v === null || v === undefined ? undefined : new Float64Array(grid.nSteps).fill(v);
  const series = selectSeries(e.series, sel);
  if (!series) return null;
  const cells = series.length * grid.nSteps;
  const out = { values: new Float64Array(cells), mask: new Uint8Array(cells) };
  const param = steps(scalars[0]);
  const param2 = steps(scalars[1]);
  const flags = k.rangeFunction(
    fn,
    batchOf(series),
    grid,
    {
      rangeMs: sel.rangeMs,
      leftOpen: mode.leftOpen,
      offsetMs: sel.offsetMs,
      atMs: sel.atMs,
      modifier: sel.modifier,
      lookbackMs: LOOKBACK_MS,
      legacyExtrapolation: mode.legacy,
      ...(param ? { param } : {}),
      ...(param2 ? { param2 } : {}),
    },
    out,
  );
  // Prometheus fails the query for invalid smoothing/trend factors.
  if (flags & 6) throw new Error('invalid smoothing or trend factor');
  return toResults(
    series,
    out.values,
    out.mask,
    grid.nSteps,
    fn === 'last_over_time' || fn === 'first_over_time',
  );
}

function classicHistogram(
  k: Kernels,
  name: 'histogram_fraction' | 'histogram_quantile',
  args: string[],
  e: Evaluation,
  grid: { startMs: number; stepMs: number; nSteps: number },
  mode: Mode,
): Result[] | null {
  const scalars = args.slice(0, -1).map(scalarArg);
  if (scalars.some((s) => s === null)) return null;
  const inner = evalExpr(k, (args[args.length - 1] as string).trim(), e, grid, mode);
  if (!inner) return null;
  // Group bucket series by their labels without le (and __name__).
  const byKey = new Map<
    string,
    { labels: Map<string, string>; buckets: { le: number; values: (number | undefined)[] }[] }
  >();
  for (const r of inner) {
    const le = r.labels.get('le');
    if (le === undefined) continue;
    const labels = new Map(r.labels);
    labels.delete('le');
    labels.delete('__name__');
    const key = labelKey(labels, true);
    if (!byKey.has(key)) byKey.set(key, { labels, buckets: [] });
    let bound: number;
    try {
      bound = parseNumber(le);
    } catch {
      continue; // an unparsable le: Prometheus ignores the series (with a warning)
    }
    byKey.get(key)?.buckets.push({ le: bound, values: r.values });
  }
  const hists = [...byKey.values()];
  const offsets = [0];
  const bounds: number[] = [];
  const counts: number[] = [];
  const mask: number[] = [];
  for (const h of hists) {
    h.buckets.sort((a, b) => a.le - b.le);
    for (const b of h.buckets) {
      bounds.push(b.le);
      for (const v of b.values) {
        counts.push(v ?? 0);
        mask.push(v === undefined ? 0 : 1);
      }
    }
    offsets.push(bounds.length);
  }
  const input = {
    bucketOffsets: Uint32Array.from(offsets),
    upperBounds: Float64Array.from(bounds),
    counts: Float64Array.from(counts),
    mask: Uint8Array.from(mask),
    nSteps: grid.nSteps,
  };
  const cells = hists.length * grid.nSteps;
  const out = { values: new Float64Array(cells), mask: new Uint8Array(cells) };
  const steps = (v: number) => new Float64Array(grid.nSteps).fill(v);
  if (name === 'histogram_quantile') k.histogramQuantile(input, steps(scalars[0] as number), out);
  else k.histogramFraction(input, steps(scalars[0] as number), steps(scalars[1] as number), out);
  return hists.map((h, r) => ({
    labels: h.labels,
    values: Array.from({ length: grid.nSteps }, (_, i) =>
      out.mask[r * grid.nSteps + i] ? out.values[r * grid.nSteps + i] : undefined,
    ),
  }));
}

/** Compares results with expectations (labels without __name__, values at 1e-6). */
function check(
  results: Result[],
  expected: readonly ExpectedSeries[],
  e: Evaluation,
): string | null {
  const got = new Map<string, (number | undefined)[]>();
  for (const r of results) {
    if (r.values.every((v) => v === undefined)) continue;
    got.set(labelKey(r.labels, true), r.values);
  }
  const want = new Map<string, (number | undefined)[]>();
  for (const x of expected) want.set(labelKey(x.labels, true), x.values);
  if (got.size !== want.size)
    return `got ${got.size} series, want ${want.size}: ${[...got.keys()]} vs ${[...want.keys()]}`;
  for (const [key, values] of want) {
    const g = got.get(key);
    if (!g) return `missing series {${key}}`;
    for (let i = 0; i < e.nSteps; i++) {
      const w = values[i];
      const a = g[i];
      if (w === undefined || a === undefined) {
        if (w !== a) return `{${key}} step ${i}: got ${a}, want ${w}`;
      } else if (!closeEnough(w, a)) {
        return `{${key}} step ${i}: got ${a}, want ${w}`;
      }
    }
  }
  return null;
}

let impls: Implementations;
beforeAll(async () => {
  impls = await implementations();
});

// minChecked: how many evaluations the harness understands today, so a regression in
// the harness cannot quietly turn the suite into a no-op.
const V3: Mode = { leftOpen: true, legacy: false };
const V2: Mode = { leftOpen: false, legacy: true };
const SUITES: { dir: string; file: string; mode: Mode; minChecked: number }[] = [
  { dir: 'prometheus-v3.14.0', file: 'functions.test', mode: V3, minChecked: 130 },
  { dir: 'prometheus-v3.14.0', file: 'extended_vectors.test', mode: V3, minChecked: 100 },
  { dir: 'prometheus-v3.14.0', file: 'aggregators.test', mode: V3, minChecked: 64 },
  { dir: 'prometheus-v3.14.0', file: 'histograms.test', mode: V3, minChecked: 62 },
  { dir: 'prometheus-v3.14.0', file: 'selectors.test', mode: V3, minChecked: 5 },
  { dir: 'prometheus-v3.14.0', file: 'staleness.test', mode: V3, minChecked: 17 },
  { dir: 'prometheus-v3.14.0', file: 'trig_functions.test', mode: V3, minChecked: 11 },
  { dir: 'prometheus-v2.42.0', file: 'functions.test', mode: V2, minChecked: 82 },
  { dir: 'prometheus-v2.42.0', file: 'aggregators.test', mode: V2, minChecked: 33 },
  { dir: 'prometheus-v2.42.0', file: 'histograms.test', mode: V2, minChecked: 23 },
  { dir: 'prometheus-v2.42.0', file: 'selectors.test', mode: V2, minChecked: 5 },
  { dir: 'prometheus-v2.42.0', file: 'staleness.test', mode: V2, minChecked: 14 },
  { dir: 'prometheus-v2.42.0', file: 'trig_functions.test', mode: V2, minChecked: 11 },
];

for (const suite of SUITES) {
  describe(`${suite.dir}/${suite.file}`, () => {
    const evals = readScript(`${SCRIPTS}/${suite.dir}/${suite.file}`);
    for (const backend of ['reference', 'simd'] as const) {
      test(`${backend}: supported evaluations give Prometheus's results`, () => {
        const k = impls[backend];
        const failures: string[] = [];
        let checked = 0;
        for (const e of evals) {
          if (e.unsupportedResult) continue;
          let results: Result[] | null;
          try {
            results = evaluate(k, e, suite.mode);
          } catch (err) {
            if (e.fails) {
              checked++;
              continue;
            }
            failures.push(`line ${e.line} ${e.text}: threw ${(err as Error).message}`);
            continue;
          }
          k.arena.reset();
          if (results === null || e.fails) continue;
          checked++;
          const problem = check(results, e.expected, e);
          if (problem) failures.push(`line ${e.line} ${e.text}: ${problem}`);
        }
        expect(failures).toEqual([]);
        expect(checked).toBeGreaterThanOrEqual(suite.minChecked);
      });
    }
  });
}

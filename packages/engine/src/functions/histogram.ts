/**
 * `histogram_quantile`, `histogram_quantiles` and `histogram_fraction` over classic
 * histograms: the input's series are grouped by their labels without `le` (Prometheus's
 * `resetHistograms`), each group's buckets sorted by their `le` bound, and all groups go
 * to one kernel call for every step. Native histograms are not supported by promql-ts, so
 * `histogram_count`, `histogram_sum`, `histogram_avg`, `histogram_stddev` and
 * `histogram_stdvar`, which Prometheus computes from native histograms only, have nothing
 * to work on: they return an empty vector, as Prometheus does for float input.
 */
import { type ClassicHistograms, KernelFlags } from '@promql-ts/kernels';
import { formatFloatG, type PosRange } from '@promql-ts/parser';
import { messages } from '../annotations.js';
import type { EvalContext } from '../eval/context.js';
import {
  dropLabels,
  dropMetricName,
  getLabel,
  labelsKey,
  METRIC_NAME,
  setLabel,
} from '../labels.js';
import { f64, u8, u32 } from '../pool.js';
import type { Labels } from '../storage.js';
import { emptyVectors, type Grid, type StepVectors } from '../value.js';
import type { FunctionImpl } from './index.js';
import { checkedResult, scalarArg, stringArg, vectorArg } from './util.js';

const BUCKET_LABEL = 'le';

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+$/;
const INF = /^[+-]?(?:inf|infinity)$/i;

/** Go's underscoreOK: underscores only between digits, or after a base prefix. */
function underscoresOK(s: string): boolean {
  let saw = '^';
  let i = s[0] === '+' || s[0] === '-' ? 1 : 0;
  let hex = false;
  if (s.length - i >= 2 && s[i] === '0' && 'xXoObB'.includes(s[i + 1]!)) {
    hex = s[i + 1] === 'x' || s[i + 1] === 'X';
    i += 2;
    saw = '0';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) {
      saw = '0';
    } else if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

function hexFloat(s: string): number {
  const neg = s[0] === '-';
  const body = s.replace(/^[+-]/, '').slice(2);
  const [mant = '', exp = '0'] = body.split(/[pP]/);
  const [intPart = '', frac = ''] = mant.split('.');
  let v = 0;
  for (const ch of intPart + frac) v = v * 16 + Number.parseInt(ch, 16);
  const r = v * 2 ** (Number(exp) - 4 * frac.length);
  return neg ? -r : r;
}

/**
 * Go's `strconv.ParseFloat(s, 64)`, or null where it returns an error: bad syntax, or a
 * finite number too large for a float64 (Go reports the range error).
 */
export function parseBucketBound(s: string): number | null {
  if (INF.test(s)) return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^nan$/i.test(s)) return Number.NaN;
  let body = s;
  if (body.includes('_')) {
    if (!underscoresOK(s)) return null;
    body = body.replaceAll('_', '');
  }
  let v: number;
  if (DECIMAL_FLOAT.test(body)) v = Number(body);
  else if (HEX_FLOAT.test(body)) v = hexFloat(body);
  else return null;
  return Number.isFinite(v) ? v : null;
}

/** Classic histograms built from an instant vector of bucket series. */
interface Histograms {
  /** Each histogram's output labels (without `le`; the name as the caller handles it). */
  readonly labels: Labels[];
  readonly input: ClassicHistograms;
}

/**
 * Groups the bucket series of `v` into classic histograms. A series with a missing or
 * malformed `le` is left out with a warning at `pos` (naming the metric only with delayed
 * name removal, as Prometheus does).
 */
function classicHistograms(ctx: EvalContext, v: StepVectors, pos: PosRange | null): Histograms {
  const { nSteps } = v;
  const groupOf = new Map<string, number>();
  const groupLabels: Labels[] = [];
  const members: { row: number; bound: number }[][] = [];
  for (let r = 0; r < v.labels.length; r++) {
    const base = r * nSteps;
    let present = false;
    for (let s = 0; s < nSteps && !present; s++) present = v.mask[base + s] === 1;
    if (!present) continue;
    const ls = v.labels[r]!;
    const le = getLabel(ls, BUCKET_LABEL);
    const bound = parseBucketBound(le);
    if (bound === null) {
      const name = ctx.delayedNameRemoval ? getLabel(ls, METRIC_NAME) : '';
      ctx.annotations.warn(messages.badBucketLabel(name, le), pos);
      continue;
    }
    const withoutLe = dropLabels(ls, [BUCKET_LABEL]);
    const key = labelsKey(withoutLe);
    let g = groupOf.get(key);
    if (g === undefined) {
      g = groupLabels.length;
      groupOf.set(key, g);
      groupLabels.push(withoutLe);
      members.push([]);
    }
    members[g]!.push({ row: r, bound });
  }
  let nBuckets = 0;
  for (const m of members) nBuckets += m.length;
  const bucketOffsets = u32(members.length + 1);
  const upperBounds = f64(nBuckets);
  const counts = f64(nBuckets * nSteps);
  const mask = u8(nBuckets * nSteps);
  let k = 0;
  for (let g = 0; g < members.length; g++) {
    bucketOffsets[g] = k;
    // Stable, so that buckets with equal bounds add up in input order.
    const sorted = members[g]!.slice().sort((a, b) =>
      a.bound < b.bound ? -1 : a.bound > b.bound ? 1 : 0,
    );
    for (const { row, bound } of sorted) {
      upperBounds[k] = bound;
      counts.set(v.values.subarray(row * nSteps, (row + 1) * nSteps), k * nSteps);
      mask.set(v.mask.subarray(row * nSteps, (row + 1) * nSteps), k * nSteps);
      k++;
    }
  }
  bucketOffsets[members.length] = k;
  return {
    labels: groupLabels,
    input: { bucketOffsets, upperBounds, counts, mask, nSteps },
  };
}

/** A vector of the histograms' results, named as functions that drop the name are. */
function histogramResult(
  ctx: EvalContext,
  labels: Labels[],
  values: Float64Array,
  mask: Uint8Array,
  grid: Grid,
): StepVectors {
  const out: StepVectors = {
    kind: 'vector',
    labels: ctx.delayedNameRemoval ? labels : labels.map(dropMetricName),
    dropName: u8(labels.length).fill(1),
    values,
    mask,
    nSteps: grid.nSteps,
  };
  return checkedResult(ctx, out, grid);
}

/** Warns about each quantile outside [0, 1] (or NaN) among the steps' values. */
function warnInvalidQuantiles(ctx: EvalContext, q: Float64Array, pos: PosRange | null): void {
  for (const x of q) {
    if (Number.isNaN(x) || x < 0 || x > 1) ctx.annotations.warn(messages.invalidQuantile(x), pos);
  }
}

/**
 * The quantile `q` (per step) of every histogram; infos for the histograms whose bucket
 * counts had to be made monotonic.
 */
function quantiles(
  ctx: EvalContext,
  h: Histograms,
  q: Float64Array,
  pos: PosRange | null,
): { values: Float64Array; mask: Uint8Array } {
  const n = h.labels.length * h.input.nSteps;
  const values = f64(n);
  const mask = u8(n);
  if (n === 0) return { values, mask };
  const fixFlags = u8(n);
  const flags = ctx.kernels.histogramQuantile(h.input, q, { values, mask, fixFlags });
  if (flags & KernelFlags.ForcedMonotonicity) {
    const { nSteps } = h.input;
    for (let g = 0; g < h.labels.length; g++) {
      for (let s = 0; s < nSteps; s++) {
        if ((fixFlags[g * nSteps + s]! & 1) === 0) continue;
        const name = ctx.delayedNameRemoval ? getLabel(h.labels[g]!, METRIC_NAME) : '';
        ctx.annotations.info(messages.forcedMonotonicity(name), pos);
        break;
      }
    }
  }
  return { values, mask };
}

/** `histogram_quantile(q, buckets)`. */
const histogramQuantile: FunctionImpl = (ctx, plan, args, grid) => {
  const q = scalarArg(plan, args, 0);
  const v = vectorArg(plan, args, 1);
  const qPos = plan.ast.args[0]?.pos ?? null;
  const vPos = plan.ast.args[1]?.pos ?? null;
  warnInvalidQuantiles(ctx, q, qPos);
  const h = classicHistograms(ctx, v, vPos);
  const { values, mask } = quantiles(ctx, h, q, vPos);
  return histogramResult(ctx, h.labels, values, mask, grid);
};

/** Prometheus's `labels.FormatOpenMetricsFloat`: Go's shortest `%g`, with `.0` on integers. */
export function formatOpenMetricsFloat(f: number): string {
  if (f === 1) return '1.0';
  if (f === 0) return '0.0';
  if (f === -1) return '-1.0';
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = formatFloatG(f);
  return s.includes('e') || s.includes('.') ? s : `${s}.0`;
}

/**
 * `histogram_quantiles(buckets, label, q...)`: for each quantile, every histogram's
 * quantile with the label set to the quantile's value.
 */
const histogramQuantiles: FunctionImpl = (ctx, plan, args, grid) => {
  const v = vectorArg(plan, args, 0);
  const label = stringArg(plan, args, 1);
  const { nSteps } = grid;
  const qs: Float64Array[] = [];
  for (let i = 2; i < args.length; i++) {
    const q = scalarArg(plan, args, i);
    warnInvalidQuantiles(ctx, q, plan.ast.args[i]?.pos ?? null);
    qs.push(q);
  }
  const vPos = plan.ast.args[0]?.pos ?? null;
  const h = classicHistograms(ctx, v, vPos);
  const nHist = h.labels.length;
  const labels: Labels[] = [];
  const rows: { values: Float64Array; mask: Uint8Array }[] = [];
  for (const q of qs) {
    const res = quantiles(ctx, h, q, vPos);
    // The label value follows q, which may differ between steps.
    const stepsOf = new Map<string, number[]>();
    for (let s = 0; s < nSteps; s++) {
      const text = formatOpenMetricsFloat(q[s]!);
      const list = stepsOf.get(text);
      if (list === undefined) stepsOf.set(text, [s]);
      else list.push(s);
    }
    for (const [text, steps] of stepsOf) {
      for (let g = 0; g < nHist; g++) {
        const values = f64(nSteps);
        const mask = u8(nSteps);
        let any = false;
        for (const s of steps) {
          if (res.mask[g * nSteps + s] !== 1) continue;
          values[s] = res.values[g * nSteps + s]!;
          mask[s] = 1;
          any = true;
        }
        if (!any) continue;
        labels.push(setLabel(h.labels[g]!, label, text));
        rows.push({ values, mask });
      }
    }
  }
  const values = f64(rows.length * nSteps);
  const mask = u8(rows.length * nSteps);
  rows.forEach((r, i) => {
    values.set(r.values, i * nSteps);
    mask.set(r.mask, i * nSteps);
  });
  return histogramResult(ctx, labels, values, mask, grid);
};

/**
 * `histogram_fraction(lower, upper, buckets)`. Prometheus 2.x computed it for native
 * histograms only: float samples (classic buckets) gave nothing.
 */
const histogramFraction: FunctionImpl = (ctx, plan, args, grid) => {
  const lower = scalarArg(plan, args, 0);
  const upper = scalarArg(plan, args, 1);
  const v = vectorArg(plan, args, 2);
  if (ctx.options.compat === 'prometheus2') return emptyVectors([], grid.nSteps);
  const h = classicHistograms(ctx, v, plan.ast.args[2]?.pos ?? null);
  const n = h.labels.length * grid.nSteps;
  const values = f64(n);
  const mask = u8(n);
  if (n > 0) ctx.kernels.histogramFraction(h.input, lower, upper, { values, mask });
  return histogramResult(ctx, h.labels, values, mask, grid);
};

/** A statistic of native histograms: float samples give nothing. */
const nativeOnly: FunctionImpl = (_ctx, plan, args, grid) => {
  vectorArg(plan, args, 0);
  return emptyVectors([], grid.nSteps);
};

/** The histogram functions, by PromQL name. */
export const histogramFunctions: Readonly<Record<string, FunctionImpl>> = {
  histogram_quantile: histogramQuantile,
  histogram_quantiles: histogramQuantiles,
  histogram_fraction: histogramFraction,
  histogram_count: nativeOnly,
  histogram_sum: nativeOnly,
  histogram_avg: nativeOnly,
  histogram_stddev: nativeOnly,
  histogram_stdvar: nativeOnly,
};

/**
 * The last step of a query: delayed name removal, then the evaluated value in the shape
 * the API returns (an instant vector, a matrix sorted by labels, a scalar or a string).
 */
import { isStaleNaN } from '@promql-ts/kernels';
import { ExecutionError } from '../errors.js';
import { compareLabels, dropMetricName, labelsKey } from '../labels.js';
import { SAME_LABELSET } from '../ops/checks.js';
import type { InstantSample, QueryValue, RangeSeries } from '../result.js';
import {
  countOnes,
  type Grid,
  mergeSameLabelsets,
  type RangeVectors,
  type StepVectors,
  type Value,
} from '../value.js';
import type { EvalContext } from './context.js';

/**
 * Drops the names that delayed name removal kept until now; returns `v` itself when no
 * label changed.
 */
function cleanupNames(ctx: EvalContext, v: StepVectors): StepVectors {
  if (!ctx.delayedNameRemoval) return v;
  let changed = false;
  const labels = v.labels.map((ls, i) => {
    if (v.dropName[i] !== 1) return ls;
    const out = dropMetricName(ls);
    if (out !== ls) changed = true;
    return out;
  });
  return changed ? { ...v, labels, dropName: new Uint8Array(labels.length) } : v;
}

/** Converts the root's value to the query's result. */
export function toQueryValue(
  ctx: EvalContext,
  value: Value,
  grid: Grid,
  isRange: boolean,
): QueryValue {
  switch (value.kind) {
    case 'string':
      return { type: 'string', t: grid.startMs, v: value.value };
    case 'scalar':
      if (!isRange) return { type: 'scalar', t: grid.startMs, v: value.values[0]! };
      return {
        type: 'matrix',
        series: [
          {
            metric: [],
            timestamps: Float64Array.from(
              { length: grid.nSteps },
              (_, i) => grid.startMs + i * grid.stepMs,
            ),
            values: Float64Array.from(value.values),
          },
        ],
      };
    case 'range':
      return { type: 'matrix', series: rawSeries(ctx, value, grid.startMs) };
    case 'vector': {
      const v = cleanupNames(ctx, value);
      // Without delayed name removal every operation has already refused equal label
      // sets at a step; names dropped now may make some equal.
      const check = v !== value;
      if (!isRange) return { type: 'vector', samples: instantSamples(v, grid.startMs, check) };
      return { type: 'matrix', series: rangeSeries(mergeSameLabelsets(v), grid) };
    }
  }
}

function instantSamples(v: StepVectors, t: number, check: boolean): InstantSample[] {
  const out: InstantSample[] = [];
  const seen = new Set<string>();
  for (let r = 0; r < v.labels.length; r++) {
    if (v.mask[r * v.nSteps] !== 1) continue;
    if (check) {
      const key = labelsKey(v.labels[r]!);
      if (seen.has(key)) throw new ExecutionError(SAME_LABELSET);
      seen.add(key);
    }
    out.push({ metric: v.labels[r]!, t, v: v.values[r * v.nSteps]! });
  }
  return out;
}

/**
 * A range query's series, sorted by labels. Values are copied out of the (pooled)
 * intermediate arrays into one array for the whole result; timestamps are shared: a
 * series present at a contiguous run of steps (nearly all of them) gets a view of one
 * array of the steps' times, and only series with gaps get timestamps of their own.
 */
function rangeSeries(v: StepVectors, grid: Grid): RangeSeries[] {
  const { nSteps, mask, values } = v;
  const n = v.labels.length;
  const order = v.labels.map((_, i) => i);
  order.sort((a, b) => compareLabels(v.labels[a]!, v.labels[b]!));
  // Per row: first and last present step and how many are present.
  const first = new Int32Array(n);
  const last = new Int32Array(n);
  const count = new Int32Array(n);
  let total = 0;
  let gapped = 0;
  for (let r = 0; r < n; r++) {
    const base = r * nSteps;
    const f = mask.indexOf(1, base);
    if (f < 0 || f >= base + nSteps) continue;
    const l = mask.lastIndexOf(1, base + nSteps - 1);
    const c = countOnes(mask, f, l + 1);
    first[r] = f - base;
    last[r] = l - base;
    count[r] = c;
    total += c;
    if (c !== l - f + 1) gapped += c;
  }
  const stepTimes = new Float64Array(nSteps);
  for (let s = 0; s < nSteps; s++) stepTimes[s] = grid.startMs + s * grid.stepMs;
  const columns = new ArrayBuffer((total + gapped) * 8);
  const allValues = new Float64Array(columns, 0, total);
  const gapTs = new Float64Array(columns, total * 8, gapped);
  const out: RangeSeries[] = [];
  let k = 0;
  let g = 0;
  for (const r of order) {
    const c = count[r]!;
    if (c === 0) continue;
    const base = r * nSteps;
    const f = first[r]!;
    const l = last[r]!;
    let timestamps: Float64Array;
    if (c === l - f + 1) {
      allValues.set(values.subarray(base + f, base + l + 1), k);
      timestamps = stepTimes.subarray(f, l + 1);
    } else {
      const g0 = g;
      for (let s = f, i = k; s <= l; s++) {
        if (mask[base + s] !== 1) continue;
        gapTs[g++] = stepTimes[s]!;
        allValues[i++] = values[base + s]!;
      }
      timestamps = gapTs.subarray(g0, g);
    }
    out.push({ metric: v.labels[r]!, timestamps, values: allValues.subarray(k, k + c) });
    k += c;
  }
  return out;
}

/** A range vector at time `t`: each series' samples in its window, staleness markers left out. */
function rawSeries(ctx: EvalContext, v: RangeVectors, t: number): RangeSeries[] {
  const { window, batch } = v;
  const end = (window.atMs ?? t) - window.offsetMs;
  const start = end - window.rangeMs;
  const closed = ctx.options.compat === 'prometheus2';
  const out: RangeSeries[] = [];
  for (let r = 0; r < v.labels.length; r++) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = batch.offsets[r]!; i < batch.offsets[r + 1]!; i++) {
      const st = batch.ts[i]!;
      if (st > end) break;
      if (closed ? st < start : st <= start) continue;
      const val = batch.values[i]!;
      if (isStaleNaN(val)) continue;
      ts.push(st);
      vs.push(val);
    }
    if (ts.length === 0) continue;
    ctx.totalQueryableSamples += ts.length;
    out.push({
      metric: v.labels[r]!,
      timestamps: Float64Array.from(ts),
      values: Float64Array.from(vs),
    });
  }
  return out;
}

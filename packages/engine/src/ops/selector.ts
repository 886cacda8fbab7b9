/**
 * Selectors: instant-vector selectors (the sample in the lookback window at each step,
 * or with `smoothed` the value interpolated between the samples around the step), range
 * selectors (raw samples, windowed later by the range function), and `timestamp()` of an
 * instant selector (the timestamp of the sample each step took).
 */
import { isStaleNaN } from '@promql-ts/kernels';
import type { EvalContext } from '../eval/context.js';
import { SourcedRange } from '../eval/series.js';
import { dropMetricName } from '../labels.js';
import type { RangeSelectorPlan, SelectorPlan } from '../plan/nodes.js';
import { f64, f64Unfilled, u8 } from '../pool.js';
import {
  countPoints,
  dropEmptyRows,
  emptyVectors,
  type Grid,
  kernelGrid,
  kernelOutputVectors,
  type RangeVectors,
  type StepVectors,
} from '../value.js';

/** Lookback windows are `(t - lookback, t]` in 3.x and `[t - lookback, t]` in 2.x. */
function leftOpen(ctx: EvalContext): boolean {
  return ctx.options.compat === 'prometheus3';
}

/** An instant-vector selector at every step of `grid`; rows without points are dropped. */
export function evalSelector(ctx: EvalContext, plan: SelectorPlan, grid: Grid): StepVectors {
  const out = selectAtSteps(ctx, plan, grid, false);
  const vectors = dropEmptyRows(out.vectors);
  ctx.totalQueryableSamples += countPoints(vectors);
  return vectors;
}

/**
 * `timestamp(selector)`: the timestamp, in seconds, of the sample the selector took at each
 * step (not the step's time, as for any other argument).
 */
export function evalSelectorTimestamps(
  ctx: EvalContext,
  plan: SelectorPlan,
  grid: Grid,
): StepVectors {
  const { vectors, ts } = selectAtSteps(ctx, plan, grid, true);
  const values = vectors.values;
  for (let i = 0; i < values.length; i++) values[i] = ts[i]! / 1000;
  const labels = ctx.delayedNameRemoval ? vectors.labels : vectors.labels.map(dropMetricName);
  const dropName = u8(labels.length).fill(1);
  const out = dropEmptyRows({ ...vectors, labels, dropName });
  ctx.totalQueryableSamples += countPoints(out);
  return out;
}

/**
 * The selector's value at every step and, when `withTs`, the timestamp of each point's
 * sample (otherwise `ts` may be empty).
 */
function selectAtSteps(
  ctx: EvalContext,
  plan: SelectorPlan,
  grid: Grid,
  withTs: boolean,
): { vectors: StepVectors; ts: Float64Array } {
  const series = ctx.series(plan.select);
  if (series.labels.length === 0 || grid.nSteps === 0 || plan.smoothed) {
    const vectors = emptyVectors(series.labels, grid.nSteps);
    const ts = f64(vectors.values.length);
    if (plan.smoothed && ts.length > 0) smoothedSelect(ctx, plan, grid, vectors, ts);
    return { vectors, ts };
  }
  // The kernel writes every cell: no need to zero the arrays first.
  const vectors = kernelOutputVectors(series.labels, grid.nSteps);
  const ts = withTs ? f64Unfilled(vectors.values.length) : new Float64Array(0);
  ctx.kernels.instantSelector(
    series.kernelInput(),
    kernelGrid(grid),
    {
      lookbackMs: ctx.options.lookbackDeltaMs,
      leftOpen: leftOpen(ctx),
      offsetMs: plan.offsetMs,
      atMs: plan.atMs,
    },
    { values: vectors.values, mask: vectors.mask, ts: withTs ? ts : undefined },
  );
  return { vectors, ts };
}

/**
 * `x smoothed`: at each step, the value linearly interpolated between the last sample in
 * the lookback window and the first sample after the step (within the lookback delta);
 * the last sample's value when there is none after it or it is a staleness marker.
 */
function smoothedSelect(
  ctx: EvalContext,
  plan: SelectorPlan,
  grid: Grid,
  out: StepVectors,
  outTs: Float64Array,
): void {
  const { batch } = ctx.series(plan.select);
  const lookback = ctx.options.lookbackDeltaMs;
  const open = leftOpen(ctx);
  const { ts, values, offsets } = batch;
  const nSteps = grid.nSteps;
  for (let r = 0; r + 1 < offsets.length; r++) {
    const lo = offsets[r]!;
    const hi = offsets[r + 1]!;
    for (let s = 0; s < nSteps; s++) {
      const t = (plan.atMs ?? grid.startMs + s * grid.stepMs) - plan.offsetMs;
      // i = first sample after t.
      let a = lo;
      let b = hi;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (ts[m]! <= t) a = m + 1;
        else b = m;
      }
      const prev = a - 1;
      if (prev < lo) continue;
      const pt = ts[prev]!;
      if (open ? pt <= t - lookback : pt < t - lookback) continue;
      const pv = values[prev]!;
      if (isStaleNaN(pv)) continue;
      let v = pv;
      if (pt !== t && a < hi) {
        const nt = ts[a]!;
        const nv = values[a]!;
        if (nt - t <= lookback && !isStaleNaN(nv)) v = pv + ((nv - pv) * (t - pt)) / (nt - pt);
      }
      const cell = r * nSteps + s;
      out.values[cell] = v;
      out.mask[cell] = 1;
      outTs[cell] = t;
    }
  }
}

/**
 * The samples in the last series' window at the last step (staleness markers excluded):
 * what Prometheus still holds, beside a range function's whole output, when it finishes
 * the function (it evaluates series after series and releases each window after adding
 * the series' output).
 */
export function lastWindowSamples(v: RangeVectors, grid: Grid, leftOpen: boolean): number {
  const n = v.labels.length;
  if (n <= 0 || grid.nSteps === 0) return 0;
  const { ts, values } =
    v.source !== undefined
      ? v.source.row(n - 1)
      : {
          ts: v.batch.ts.subarray(v.batch.offsets[n - 1], v.batch.offsets[n]),
          values: v.batch.values.subarray(v.batch.offsets[n - 1], v.batch.offsets[n]),
        };
  const { rangeMs, offsetMs, atMs } = v.window;
  const end = (atMs ?? grid.startMs + (grid.nSteps - 1) * grid.stepMs) - offsetMs;
  const start = end - rangeMs;
  let count = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t > end) break;
    if ((leftOpen ? t > start : t >= start) && !isStaleNaN(values[i]!)) count++;
  }
  return count;
}

/** A range selector: its series' raw samples and the window each step applies. */
export function evalRangeSelector(ctx: EvalContext, plan: RangeSelectorPlan): RangeVectors {
  return new SourcedRange(ctx.series(plan.select), {
    rangeMs: plan.rangeMs,
    offsetMs: plan.offsetMs,
    atMs: plan.atMs,
    modifier: plan.modifier,
  });
}

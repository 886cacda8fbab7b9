/**
 * Subqueries: `expr[range:step]` evaluates `expr` on its own grid of steps (aligned to
 * multiples of the step) and hands the points to a range function as raw samples.
 */
import type { SeriesBatch } from '@promql-ts/kernels';
import type { EvalContext } from '../eval/context.js';
import { dropMetricName } from '../labels.js';
import type { SubqueryPlan } from '../plan/nodes.js';
import { f64, u32 } from '../pool.js';
import type { Labels } from '../storage.js';
import { type Grid, makeGrid, type RangeVectors, type Value } from '../value.js';

/**
 * The inner grid of a subquery evaluated for the outer `grid`: from the first multiple of
 * the step after `start - offset - range` (at or after it in 2.x) to `end - offset`; with
 * `@`, both ends are the `@` time.
 */
export function subqueryGrid(ctx: EvalContext, plan: SubqueryPlan, grid: Grid): Grid {
  const outerStart = plan.atMs ?? grid.startMs;
  const outerEnd = plan.atMs ?? grid.endMs;
  const step = plan.stepMs;
  const first = outerStart - plan.offsetMs - plan.rangeMs;
  // Go's integer division truncates toward zero.
  let start = step * Math.trunc(first / step);
  if (ctx.options.compat === 'prometheus3' ? start <= first : start < first) start += step;
  return makeGrid(start, outerEnd - plan.offsetMs, step);
}

/**
 * Turns the inner result into raw samples: one series per row, a sample at every step the
 * row has a point.
 */
export function subqueryResult(plan: SubqueryPlan, inner: Value, innerGrid: Grid): RangeVectors {
  if (inner.kind !== 'vector') {
    throw new Error(`subquery of a ${inner.kind} value`);
  }
  const { nSteps } = inner;
  const labels: Labels[] = [];
  const rows: number[] = [];
  let total = 0;
  for (let r = 0; r < inner.labels.length; r++) {
    let n = 0;
    const base = r * nSteps;
    for (let s = 0; s < nSteps; s++) n += inner.mask[base + s]!;
    if (n === 0) continue;
    rows.push(r);
    const ls = inner.labels[r]!;
    labels.push(inner.dropName[r] === 1 ? dropMetricName(ls) : ls);
    total += n;
  }
  const ts = f64(total);
  const values = f64(total);
  const offsets = u32(rows.length + 1);
  let k = 0;
  for (let i = 0; i < rows.length; i++) {
    const base = rows[i]! * nSteps;
    for (let s = 0; s < nSteps; s++) {
      if (inner.mask[base + s] !== 1) continue;
      ts[k] = innerGrid.startMs + s * innerGrid.stepMs;
      values[k] = inner.values[base + s]!;
      k++;
    }
    offsets[i + 1] = k;
  }
  const batch: SeriesBatch = { ts, values, offsets };
  return {
    kind: 'range',
    labels,
    batch,
    window: { rangeMs: plan.rangeMs, offsetMs: plan.offsetMs, atMs: plan.atMs, modifier: 'none' },
  };
}

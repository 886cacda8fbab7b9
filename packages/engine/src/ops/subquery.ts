/**
 * Subqueries: `expr[range:step]` evaluates `expr` on its own grid of steps (aligned to
 * multiples of the step) and hands the points to a range function as raw samples.
 */
import type { EvalContext } from '../eval/context.js';
import { LoadedSeries, SourcedRange } from '../eval/series.js';
import { dropMetricName } from '../labels.js';
import type { SubqueryPlan } from '../plan/nodes.js';
import { u32 } from '../pool.js';
import type { Labels } from '../storage.js';
import {
  countOnes,
  type Grid,
  makeGrid,
  maskWords,
  type RangeVectors,
  stepTimes,
  type Value,
} from '../value.js';

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
 * row has a point. The samples are not packed here: a range function over the subquery
 * copies them a batch of series at a time straight into the kernels' memory (the inner
 * result stays in the query's buffers until the query ends), and other readers pack them
 * on first use.
 */
export function subqueryResult(plan: SubqueryPlan, inner: Value, innerGrid: Grid): RangeVectors {
  if (inner.kind !== 'vector') {
    throw new Error(`subquery of a ${inner.kind} value`);
  }
  const { nSteps, mask, values } = inner;
  const labels: Labels[] = [];
  const rows: number[] = [];
  const counts: number[] = [];
  const words = maskWords(mask);
  for (let r = 0; r < inner.labels.length; r++) {
    const n = countOnes(mask, r * nSteps, (r + 1) * nSteps, words);
    if (n === 0) continue;
    rows.push(r);
    counts.push(n);
    const ls = inner.labels[r]!;
    labels.push(inner.dropName[r] === 1 ? dropMetricName(ls) : ls);
  }
  const offsets = u32(rows.length + 1);
  for (let i = 0; i < rows.length; i++) offsets[i + 1] = offsets[i]! + counts[i]!;
  const { startMs, stepMs } = innerGrid;
  // The steps' times, for rows with a point at every step (most of them): those are
  // copied whole.
  let times: Float64Array | null = null;
  const copy = (from: number, to: number, ts: Float64Array, vs: Float64Array): void => {
    let k = 0;
    for (let i = from; i < to; i++) {
      const base = rows[i]! * nSteps;
      if (counts[i] === nSteps) {
        times ??= stepTimes(innerGrid);
        ts.set(times, k);
        vs.set(values.subarray(base, base + nSteps), k);
        k += nSteps;
        continue;
      }
      for (let s = 0; s < nSteps; s++) {
        if (mask[base + s] !== 1) continue;
        ts[k] = startMs + s * stepMs;
        vs[k] = values[base + s]!;
        k++;
      }
    }
  };
  return new SourcedRange(new LoadedSeries(labels, offsets, copy), {
    rangeMs: plan.rangeMs,
    offsetMs: plan.offsetMs,
    atMs: plan.atMs,
    modifier: 'none',
  });
}

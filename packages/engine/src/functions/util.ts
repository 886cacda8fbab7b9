/**
 * Helpers shared by the functions over instant vectors: argument access, the metric-name
 * handling of functions that drop it, and the duplicate-label-set check Prometheus's
 * `rangeEval` makes on every function result.
 */
import type { EvalContext } from '../eval/context.js';
import { dropMetricName } from '../labels.js';
import type { CallPlan, PlanNode } from '../plan/nodes.js';
import { f64, u8 } from '../pool.js';
import type { Labels } from '../storage.js';
import { type Grid, mergeSameLabelsets, type StepVectors, type Value } from '../value.js';

/** The instant-vector argument `i` (the type checker guarantees the type). */
export function vectorArg(plan: CallPlan, args: readonly Value[], i: number): StepVectors {
  const v = args[i];
  if (v === undefined || v.kind !== 'vector') {
    throw new Error(`${plan.func}: argument ${i + 1} is not an instant vector`);
  }
  return v;
}

/** The scalar argument `i`: one value per step. */
export function scalarArg(plan: CallPlan, args: readonly Value[], i: number): Float64Array {
  const v = args[i];
  if (v === undefined || v.kind !== 'scalar') {
    throw new Error(`${plan.func}: argument ${i + 1} is not a scalar`);
  }
  return v.values;
}

/** The string argument `i`. */
export function stringArg(plan: CallPlan, args: readonly Value[], i: number): string {
  const v = args[i];
  if (v === undefined || v.kind !== 'string') {
    throw new Error(`${plan.func}: argument ${i + 1} is not a string`);
  }
  return v.value;
}

/** The plan node under any step-invariant wrappers. */
export function unwrapInvariant(node: PlanNode): PlanNode {
  let n = node;
  while (n.kind === 'StepInvariant') n = n.expr;
  return n;
}

/**
 * The labels of the result of a function that drops the metric name, and its `dropName`
 * flags: without delayed name removal the name goes at once; with it the labels stay and
 * every row is marked.
 */
export function droppedNames(
  ctx: EvalContext,
  labels: readonly Labels[],
): { labels: Labels[]; dropName: Uint8Array } {
  const out = ctx.delayedNameRemoval ? labels.slice() : labels.map(dropMetricName);
  return { labels: out, dropName: u8(out.length).fill(1) };
}

/**
 * Prometheus's checks on a function's result, as its `rangeEval` makes them. With one
 * step (an instant query, or anything evaluated at one time) the result may not hold one
 * label set twice, unless names are dropped late (the final result is checked then).
 * With more steps, rows with equal label sets are one series: they may not both have a
 * point at the same step.
 */
export function checkedResult(ctx: EvalContext, v: StepVectors, grid: Grid): StepVectors {
  if (grid.nSteps <= 1 && ctx.delayedNameRemoval) return v;
  return mergeSameLabelsets(v);
}

/** Zeroes the values of absent cells, as every value the engine passes around has them. */
export function zeroAbsent(values: Float64Array, mask: Uint8Array): void {
  for (let i = 0; i < values.length; i++) if (mask[i] === 0) values[i] = 0;
}

/** The time of every step in seconds. */
export function stepSeconds(grid: Grid): Float64Array {
  const out = f64(grid.nSteps);
  for (let s = 0; s < grid.nSteps; s++) out[s] = (grid.startMs + s * grid.stepMs) / 1000;
  return out;
}

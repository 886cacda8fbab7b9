/**
 * `op by (…) (f(selector[range]))` in one pass: the range function's output is folded
 * into the groups a batch of series at a time (`Kernels.rangeAggregate`) instead of being
 * built whole and then aggregated, so that such a query holds one batch of samples and the
 * groups' state rather than every series × step. The result, annotations and sample
 * accounting are those of the two operators evaluated one after the other.
 */
import type { AggregateOp as KernelAggregateOp } from '@promql-ts/kernels';
import type { EvalContext } from '../eval/context.js';
import { dropMetricName, METADATA_LABELS } from '../labels.js';
import type { AggregatePlan, CallPlan, PlanNode } from '../plan/nodes.js';
import { f64, u8, u32 } from '../pool.js';
import type { Labels } from '../storage.js';
import {
  copyMask,
  copyValues,
  emptyVectors,
  type Grid,
  kernelGrid,
  type RangeVectors,
  rangeInput,
  type StepVectors,
  type Value,
} from '../value.js';
import { groupingLabels, groupLabels, withoutNames } from './aggregate-common.js';
import {
  afterKernel,
  checkDroppedNames,
  isRangeFunction,
  keepsName,
  kernelCall,
  rangeArg,
  warnNonCounters,
} from './range-function.js';

/** The aggregations that fold one value at a time (quantile needs all of a step's values). */
const FOLDING_OPS: ReadonlySet<string> = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
]);

/**
 * The range function call under `node` when the two can run fused: a folding aggregation
 * of a name-dropping range function straight over a range selector, in the default
 * (Prometheus 3) mode with names dropped at once (delayed name removal and 2.x's
 * arithmetic take the general path).
 */
export function fusedRangeCall(ctx: EvalContext, node: AggregatePlan): CallPlan | null {
  if (!FOLDING_OPS.has(node.op) || node.param !== null) return null;
  if (ctx.options.compat !== 'prometheus3' || ctx.delayedNameRemoval) return null;
  const call: PlanNode = node.expr;
  if (call.kind !== 'Call' || !isRangeFunction(call.func)) return null;
  if (call.func === 'absent_over_time' || keepsName(call.func)) return null;
  const matrix = call.args.find((a) => a.kind === 'RangeSelector' || a.kind === 'Subquery');
  return matrix?.kind === 'RangeSelector' ? call : null;
}

/** What {@link evalRangeAggregate} computed. */
export interface RangeAggregateResult {
  /** The aggregation's result. */
  readonly out: StepVectors;
  /** The points the range function produced (held while Prometheus aggregates them). */
  readonly functionPoints: number;
  /** The range function's range-vector argument. */
  readonly input: RangeVectors;
}

/**
 * Evaluates `node` (see {@link fusedRangeCall}) over the range function's evaluated
 * arguments `args`.
 */
export function evalRangeAggregate(
  ctx: EvalContext,
  node: AggregatePlan,
  call: CallPlan,
  args: readonly Value[],
  grid: Grid,
): RangeAggregateResult {
  const input = rangeArg(call, args);
  const { nSteps } = grid;
  const n = input.labels.length;
  const names = node.without ? withoutNames(node.grouping) : node.grouping;
  // The labels every row would have in the function's result, and provisional groups
  // numbered by first row: which rows have points is known only once the kernel ran.
  // Grouping `by` labels that are not metadata labels picks the same labels whether or
  // not the metric name was dropped, so the input's labels serve as they are.
  const byPlainLabels = !node.without && !names.some((l) => METADATA_LABELS.includes(l));
  const rowLabels = byPlainLabels ? input.labels : input.labels.map(dropMetricName);
  const { groupOf: provisional, firstRow } = groupLabels(rowLabels, names, node.without, null);
  const nProvisional = firstRow.length;
  const state = { values: f64(nProvisional * nSteps), mask: u8(nProvisional * nSteps) };
  const rowPoints = u32(n);
  const kc = kernelCall(ctx, call, args);
  if (n > 0 && nSteps > 0) {
    const flags = ctx.kernels.rangeAggregate(
      kc.fn,
      rangeInput(input),
      kernelGrid(grid),
      kc.options,
      node.op as KernelAggregateOp,
      provisional,
      nProvisional,
      state,
      rowPoints,
    );
    afterKernel(ctx, call, kc, flags);
  }
  if (call.func === 'rate' || call.func === 'increase') {
    warnNonCounters(ctx, call, input, (r) => rowPoints[r]! > 0);
  }
  // The rows the function's result holds: checked as its labels are.
  const keep: number[] = [];
  let functionPoints = 0;
  for (let r = 0; r < n; r++) {
    if (rowPoints[r]! === 0) continue;
    keep.push(r);
    functionPoints += rowPoints[r]!;
  }
  checkDroppedNames(input.labels, keep);
  // Groups in the order of their first row with points, as the aggregation numbers them.
  const finalOf = new Int32Array(nProvisional).fill(-1);
  const groups: number[] = [];
  const labels: Labels[] = [];
  for (const r of keep) {
    const g = provisional[r]!;
    if (finalOf[g] !== -1) continue;
    finalOf[g] = groups.length;
    groups.push(g);
    labels.push(groupingLabels(rowLabels[r]!, names, node.without));
  }
  const out = emptyVectors(labels, nSteps);
  for (let i = 0; i < groups.length; i++) {
    const from = groups[i]! * nSteps;
    copyValues(out.values, i * nSteps, state.values, from, nSteps);
    copyMask(out.mask, i * nSteps, state.mask, from, nSteps);
    // Every row of a name-dropping function is marked for name removal, and a group's
    // last point comes from one of its rows.
    out.dropName[i] = 1;
  }
  return { out, functionPoints, input };
}

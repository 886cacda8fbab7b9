/**
 * The evaluator: runs a plan node for every step of a grid at once and returns its value.
 * Each node kind has one place here; the work itself lives in `ops/` and `functions/`.
 */
import { assertNever } from '@promql-ts/parser';
import { ExecutionError } from '../errors.js';
import { functions } from '../functions/index.js';
import { dropMetricName } from '../labels.js';
import { evalAggregate } from '../ops/aggregate.js';
import { evalBinary } from '../ops/binary.js';
import { checkUniqueLabelsets } from '../ops/checks.js';
import { evalRangeAggregate, fusedRangeCall } from '../ops/range-aggregate.js';
import { evalRangeFunction, isRangeFunction, matrixArgIndex } from '../ops/range-function.js';
import {
  evalRangeSelector,
  evalSelector,
  evalSelectorTimestamps,
  lastWindowSamples,
} from '../ops/selector.js';
import { subqueryGrid, subqueryResult } from '../ops/subquery.js';
import type {
  AggregatePlan,
  CallPlan,
  PlanNode,
  StepInvariantPlan,
  SubqueryPlan,
  UnaryPlan,
} from '../plan/nodes.js';
import { f64, u8 } from '../pool.js';
import {
  constantScalars,
  countPoints,
  type Grid,
  type RangeVectors,
  rangeSampleCount,
  type StepScalars,
  type StepVectors,
  type Value,
} from '../value.js';
import type { EvalContext } from './context.js';

/** Samples a value holds, for the `maxSamples` accounting. */
export function sampleCount(v: Value): number {
  switch (v.kind) {
    case 'vector':
      return countPoints(v);
    case 'scalar':
      return v.values.length;
    case 'range':
      return rangeSampleCount(v);
    case 'string':
      return 0;
  }
}

/** Evaluates `node` at every step of `grid`. */
export function evaluateNode(ctx: EvalContext, node: PlanNode, grid: Grid): Value {
  ctx.checkInterrupt();
  switch (node.kind) {
    case 'Number':
      return constantScalars(node.value, grid.nSteps);
    case 'String':
      return { kind: 'string', value: node.value };
    case 'Selector':
      return held(ctx, evalSelector(ctx, node, grid));
    case 'RangeSelector':
      // Not counted as held: Prometheus holds one series' window at a time while a range
      // function runs, and so bounds its peak by the function's output (counted there).
      return evalRangeSelector(ctx, node);
    case 'Subquery':
      return evalSubquery(ctx, node, grid);
    case 'StepInvariant':
      return evalStepInvariant(ctx, node, grid);
    case 'Unary':
      return evalUnary(ctx, node, grid);
    case 'Binary': {
      const lhs = evaluateNode(ctx, node.lhs, grid);
      const rhs = evaluateNode(ctx, node.rhs, grid);
      const out = held(ctx, evalBinary(ctx, node, lhs, rhs, grid));
      release(ctx, lhs, rhs);
      return out;
    }
    case 'Aggregate': {
      const fused = fusedRangeCall(ctx, node);
      if (fused !== null) return evalFused(ctx, node, fused, grid);
      const param = node.param === null ? null : evaluateNode(ctx, node.param, grid);
      const input = evaluateNode(ctx, node.expr, grid);
      if (input.kind !== 'vector') throw new Error(`${node.op} of a ${input.kind} value`);
      const out = held(ctx, evalAggregate(ctx, node, input, param, grid));
      release(ctx, input);
      return out;
    }
    case 'Call':
      return evalCall(ctx, node, grid);
    default:
      return assertNever(node);
  }
}

/**
 * An aggregation of a range function evaluated in one pass (see ops/range-aggregate.ts),
 * holding samples as the two would one after the other: the function's output, and the
 * last window briefly, then the aggregation's output before the function's is released.
 */
function evalFused(ctx: EvalContext, node: AggregatePlan, call: CallPlan, grid: Grid): Value {
  ctx.checkInterrupt();
  const args = call.args.map((a) => evaluateNode(ctx, a, grid));
  const { out, functionPoints, input } = evalRangeAggregate(ctx, node, call, args, grid);
  ctx.hold(functionPoints);
  ctx.holdBriefly(lastWindowSamples(input, grid, ctx.options.compat === 'prometheus3'));
  release(ctx, ...args);
  const result = held(ctx, out);
  ctx.release(functionPoints);
  return result;
}

/**
 * Counts `v` as held (see EvalContext.hold) and records what it was counted for, so that
 * releasing it gives back the same amount. Held values are few at a time (one per level
 * of the plan being evaluated): a list searched from its end, not a map.
 */
function held<V extends Value>(ctx: EvalContext, v: V): V {
  const n = sampleCount(v);
  const { heldValues, heldCounts } = ctx;
  let i = heldValues.length - 1;
  while (i >= 0 && heldValues[i] !== v) i--;
  if (i >= 0) heldCounts[i] = n;
  else {
    heldValues.push(v);
    heldCounts.push(n);
  }
  ctx.hold(n);
  return v;
}

function release(ctx: EvalContext, ...values: Value[]): void {
  const { heldValues, heldCounts } = ctx;
  for (const v of values) {
    let i = heldValues.length - 1;
    while (i >= 0 && heldValues[i] !== v) i--;
    if (i < 0) continue;
    const n = heldCounts[i]!;
    // Swap with the last, then drop it.
    heldValues[i] = heldValues[heldValues.length - 1]!;
    heldCounts[i] = heldCounts[heldCounts.length - 1]!;
    heldValues.pop();
    heldCounts.pop();
    ctx.release(n);
  }
}

function evalCall(ctx: EvalContext, node: CallPlan, grid: Grid): Value {
  if (node.func === 'timestamp') {
    let arg = node.args[0]!;
    while (arg.kind === 'StepInvariant') arg = arg.expr;
    if (arg.kind === 'Selector') return held(ctx, evalSelectorTimestamps(ctx, arg, grid));
  }
  const args = node.args.map((a) => evaluateNode(ctx, a, grid));
  let out: Value;
  if (isRangeFunction(node.func)) {
    out = evalRangeFunction(ctx, node, args, grid);
    held(ctx, out);
    // Prometheus still holds the last series' window when the function's output is all
    // held (see lastWindowSamples): count it towards the peak as it does.
    const input = args[matrixArgIndex(node.func)];
    if (input?.kind === 'range') {
      ctx.holdBriefly(lastWindowSamples(input, grid, ctx.options.compat === 'prometheus3'));
    }
    release(ctx, ...args);
    return out;
  } else {
    const impl = functions[node.func];
    if (impl === undefined) throw new ExecutionError(`unknown function ${node.func}`, node.ast.pos);
    out = impl(ctx, node, args, grid);
  }
  held(ctx, out);
  release(ctx, ...args);
  return out;
}

function evalSubquery(ctx: EvalContext, node: SubqueryPlan, grid: Grid): RangeVectors {
  const inner = subqueryGrid(ctx, node, grid);
  const value = evaluateNode(ctx, node.expr, inner);
  // Prometheus holds a subquery's whole result while the function over it runs.
  const out = held(ctx, subqueryResult(node, value, inner));
  release(ctx, value);
  return out;
}

/**
 * A step-invariant subtree: evaluated at the first step only, then repeated at every
 * step. Range vectors do not depend on the step and are returned as they are.
 */
function evalStepInvariant(ctx: EvalContext, node: StepInvariantPlan, grid: Grid): Value {
  const inner = node.expr;
  if (grid.nSteps <= 1 || inner.kind === 'Number' || inner.kind === 'String') {
    return evaluateNode(ctx, inner, grid);
  }
  const once: Grid = { startMs: grid.startMs, endMs: grid.startMs, stepMs: grid.stepMs, nSteps: 1 };
  const v = evaluateNode(ctx, inner, once);
  switch (v.kind) {
    case 'string':
    case 'range':
      return v;
    case 'scalar':
      return constantScalars(v.values[0]!, grid.nSteps);
    case 'vector': {
      const n = grid.nSteps;
      const values = f64(v.labels.length * n);
      const mask = u8(v.labels.length * n);
      for (let r = 0; r < v.labels.length; r++) {
        values.fill(v.values[r]!, r * n, (r + 1) * n);
        mask.fill(v.mask[r]!, r * n, (r + 1) * n);
      }
      release(ctx, v);
      return held(ctx, { ...v, values, mask, nSteps: n });
    }
  }
}

/** Unary minus negates and drops the metric name; unary plus changes nothing. */
function evalUnary(ctx: EvalContext, node: UnaryPlan, grid: Grid): Value {
  const v = evaluateNode(ctx, node.expr, grid);
  if (node.op === '+') return v;
  if (v.kind === 'scalar') {
    const out: StepScalars = { kind: 'scalar', values: f64(v.values.length) };
    ctx.kernels.math('neg', v.values, out.values);
    return out;
  }
  if (v.kind !== 'vector') throw new Error(`unary minus of a ${v.kind} value`);
  const values = f64(v.values.length);
  ctx.kernels.math('neg', v.values, values);
  for (let i = 0; i < values.length; i++) if (v.mask[i] === 0) values[i] = 0;
  const labels = ctx.delayedNameRemoval ? v.labels : v.labels.map(dropMetricName);
  if (!ctx.delayedNameRemoval) checkUniqueLabelsets(labels);
  const out: StepVectors = {
    ...v,
    labels,
    values,
    dropName: u8(labels.length).fill(1),
  };
  return out;
}

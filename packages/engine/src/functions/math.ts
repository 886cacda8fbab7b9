/**
 * Elementwise math over instant vectors (`abs`, `ln`, the trigonometric functions…),
 * `round`, the `clamp` family, and the scalar functions `pi`, `min_of`, `max_of`. Every
 * cell goes through one kernel call; the results drop the metric name, as Prometheus's
 * `simpleFloatFunc` and `clamp` do.
 */
import type { MathFunction } from '@promql-ts/kernels';
import type { EvalContext } from '../eval/context.js';
import type { CallPlan } from '../plan/nodes.js';
import { f64, u8 } from '../pool.js';
import {
  constantScalars,
  type Grid,
  type StepScalars,
  type StepVectors,
  type Value,
} from '../value.js';
import type { FunctionImpl } from './index.js';
import { checkedResult, droppedNames, scalarArg, vectorArg, zeroAbsent } from './util.js';

/** A result with the input's rows and mask, the name dropped, and new values. */
function sameRows(
  ctx: EvalContext,
  v: StepVectors,
  values: Float64Array,
  mask: Uint8Array,
  grid: Grid,
): StepVectors {
  const { labels, dropName } = droppedNames(ctx, v.labels);
  zeroAbsent(values, mask);
  return checkedResult(
    ctx,
    { kind: 'vector', labels, dropName, values, mask, nSteps: v.nSteps },
    grid,
  );
}

/** A function applying the kernel's math function `fn` to every point. */
function elementwise(fn: MathFunction): FunctionImpl {
  return (ctx, plan, args, grid) => {
    const v = vectorArg(plan, args, 0);
    const values = f64(v.values.length);
    if (values.length > 0) ctx.kernels.math(fn, v.values, values);
    return sameRows(ctx, v, values, v.mask.slice(), grid);
  };
}

/** `round(v, to_nearest=1)`: ties round up. */
const round: FunctionImpl = (ctx, plan, args, grid) => {
  const v = vectorArg(plan, args, 0);
  const toNearest = args.length > 1 ? scalarArg(plan, args, 1) : f64(grid.nSteps).fill(1);
  const values = f64(v.values.length);
  if (values.length > 0) ctx.kernels.round(v.values, toNearest, v.nSteps, values);
  return sameRows(ctx, v, values, v.mask.slice(), grid);
};

/** `clamp` with bounds per step: no point at the steps where max < min. */
function clampBetween(
  ctx: EvalContext,
  v: StepVectors,
  min: Float64Array,
  max: Float64Array,
  grid: Grid,
): StepVectors {
  const values = f64(v.values.length);
  const mask = u8(v.mask.length);
  if (values.length > 0) ctx.kernels.clamp(v.values, min, max, v.nSteps, { values, mask }, v.mask);
  return sameRows(ctx, v, values, mask, grid);
}

const clamp: FunctionImpl = (ctx, plan, args, grid) =>
  clampBetween(
    ctx,
    vectorArg(plan, args, 0),
    scalarArg(plan, args, 1),
    scalarArg(plan, args, 2),
    grid,
  );

const clampMin: FunctionImpl = (ctx, plan, args, grid) =>
  clampBetween(
    ctx,
    vectorArg(plan, args, 0),
    scalarArg(plan, args, 1),
    f64(grid.nSteps).fill(Number.POSITIVE_INFINITY),
    grid,
  );

const clampMax: FunctionImpl = (ctx, plan, args, grid) =>
  clampBetween(
    ctx,
    vectorArg(plan, args, 0),
    f64(grid.nSteps).fill(Number.NEGATIVE_INFINITY),
    scalarArg(plan, args, 1),
    grid,
  );

/** Go's `math.Max`: +Inf wins over NaN, NaN over numbers, +0 over -0. */
export function goMax(x: number, y: number): number {
  if (x === Number.POSITIVE_INFINITY || y === Number.POSITIVE_INFINITY)
    return Number.POSITIVE_INFINITY;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  return Math.max(x, y);
}

/** Go's `math.Min`: -Inf wins over NaN, NaN over numbers, -0 over +0. */
export function goMin(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY || y === Number.NEGATIVE_INFINITY)
    return Number.NEGATIVE_INFINITY;
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  return Math.min(x, y);
}

function scalarPair(op: (x: number, y: number) => number): FunctionImpl {
  return (_ctx, plan: CallPlan, args: readonly Value[], grid): StepScalars => {
    const a = scalarArg(plan, args, 0);
    const b = scalarArg(plan, args, 1);
    const values = f64(grid.nSteps);
    for (let s = 0; s < grid.nSteps; s++) values[s] = op(a[s]!, b[s]!);
    return { kind: 'scalar', values };
  };
}

const ELEMENTWISE: readonly MathFunction[] = [
  'abs',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'ceil',
  'cos',
  'cosh',
  'deg',
  'exp',
  'floor',
  'ln',
  'log10',
  'log2',
  'rad',
  'sgn',
  'sin',
  'sinh',
  'sqrt',
  'tan',
  'tanh',
];

/** The math functions, by PromQL name. */
export const mathFunctions: Readonly<Record<string, FunctionImpl>> = {
  ...Object.fromEntries(ELEMENTWISE.map((fn) => [fn, elementwise(fn)])),
  round,
  clamp,
  clamp_min: clampMin,
  clamp_max: clampMax,
  pi: (_ctx, _plan, _args, grid) => constantScalars(Math.PI, grid.nSteps),
  max_of: scalarPair(goMax),
  min_of: scalarPair(goMin),
};

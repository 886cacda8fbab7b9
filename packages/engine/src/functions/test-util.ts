/**
 * Fixtures for the functions' unit tests: a context, vectors written as tables, plans of
 * parsed calls, and readers of results.
 */
import { referenceKernels } from '@promql-ts/kernels';
import { type Call, parse } from '@promql-ts/parser';
import { EvalContext } from '../eval/context.js';
import { labelsFrom, labelsToString } from '../labels.js';
import { type EvaluateOptions, resolveOptions } from '../options.js';
import type { CallPlan, PlanNode } from '../plan/nodes.js';
import type { Labels } from '../storage.js';
import {
  constantScalars,
  emptyVectors,
  type Grid,
  makeGrid,
  type StepVectors,
  type Value,
} from '../value.js';
import { functions } from './index.js';

/** A grid of `nSteps` steps one minute apart from t = 0 (one step: an instant query's). */
export function gridOf(nSteps: number, startMs = 0): Grid {
  return nSteps === 1
    ? { startMs, endMs: startMs, stepMs: 1, nSteps: 1 }
    : makeGrid(startMs, startMs + (nSteps - 1) * 60_000, 60_000);
}

/** A context for `grid`. */
export function contextFor(
  grid: Grid,
  options: EvaluateOptions = {},
  isRange = grid.nSteps > 1,
): EvalContext {
  return new EvalContext(
    referenceKernels(),
    resolveOptions(options),
    grid,
    isRange,
    [],
    performance.now(),
  );
}

/** One row of a test vector: its labels and its value at each step (null = no point). */
export type Row = readonly [Record<string, string>, readonly (number | null)[]];

/** A vector from rows. */
export function vec(rows: readonly Row[], nSteps = rows[0]?.[1].length ?? 1): StepVectors {
  const out = emptyVectors(
    rows.map(([ls]) => labelsFrom(Object.entries(ls))),
    nSteps,
  );
  rows.forEach(([, values], r) => {
    values.forEach((v, s) => {
      if (v === null) return;
      out.values[r * nSteps + s] = v;
      out.mask[r * nSteps + s] = 1;
    });
  });
  return out;
}

/** The plan of `query`'s outermost call, with placeholder argument plans. */
export function callPlan(query: string): CallPlan {
  const ast = parse(query, { experimental: true }) as Call;
  if (ast.kind !== 'Call') throw new Error(`${query} is not a call`);
  const args: PlanNode[] = ast.args.map((a) => ({ kind: 'Number', value: 0, ast: a }));
  return { kind: 'Call', func: ast.func, args, ast };
}

/** Calls the function of `query` (its arguments given already evaluated). */
export function call(
  query: string,
  args: readonly (Value | number | string)[],
  grid: Grid,
  ctx: EvalContext = contextFor(grid),
): Value {
  const plan = callPlan(query);
  const values: Value[] = args.map((a) =>
    typeof a === 'number'
      ? constantScalars(a, grid.nSteps)
      : typeof a === 'string'
        ? { kind: 'string', value: a }
        : a,
  );
  const impl = functions[plan.func];
  if (impl === undefined) throw new Error(`no function ${plan.func}`);
  return impl(ctx, plan, values, grid);
}

/** The rows of a vector as `labels → values per step (null = no point)`, in row order. */
export function rows(v: Value): [string, (number | null)[]][] {
  if (v.kind !== 'vector') throw new Error(`not a vector: ${v.kind}`);
  return v.labels.map((ls: Labels, r) => [
    labelsToString(ls),
    Array.from({ length: v.nSteps }, (_, s) =>
      v.mask[r * v.nSteps + s] === 1 ? v.values[r * v.nSteps + s]! : null,
    ),
  ]);
}

/** The values of a scalar. */
export function scalars(v: Value): number[] {
  if (v.kind !== 'scalar') throw new Error(`not a scalar: ${v.kind}`);
  return [...v.values];
}

/**
 * Conversions between scalars and vectors and the step time: `scalar`, `vector`, `time`,
 * `timestamp` (of anything but a selector), `absent`, and `start_timestamp`.
 */
import { absentLabels } from '../ops/absent.js';
import { f64, u8, u32 } from '../pool.js';
import { emptyVectors, type StepScalars, type StepVectors } from '../value.js';
import type { FunctionImpl } from './index.js';
import { checkedResult, droppedNames, scalarArg, stepSeconds, vectorArg } from './util.js';

/** `scalar(v)`: the value of the single point at each step, NaN when there is not exactly one. */
const scalar: FunctionImpl = (_ctx, plan, args, grid): StepScalars => {
  const v = vectorArg(plan, args, 0);
  const { nSteps } = grid;
  const count = u32(nSteps);
  const values = f64(nSteps);
  for (let r = 0; r < v.labels.length; r++) {
    const base = r * nSteps;
    for (let s = 0; s < nSteps; s++) {
      if (v.mask[base + s] !== 1) continue;
      count[s]!++;
      values[s] = v.values[base + s]!;
    }
  }
  for (let s = 0; s < nSteps; s++) if (count[s] !== 1) values[s] = Number.NaN;
  return { kind: 'scalar', values };
};

/** `vector(s)`: one series without labels holding the scalar. */
const vector: FunctionImpl = (_ctx, plan, args, grid): StepVectors => {
  const s = scalarArg(plan, args, 0);
  const out = emptyVectors([[]], grid.nSteps);
  out.values.set(s);
  out.mask.fill(1);
  return out;
};

/** `time()`: the step's time in seconds. */
const time: FunctionImpl = (_ctx, _plan, _args, grid): StepScalars => ({
  kind: 'scalar',
  values: stepSeconds(grid),
});

/**
 * `timestamp(expr)` of anything but a selector: every point's timestamp is the step's
 * time. (Of a selector, the evaluator reads the samples' own timestamps instead.)
 */
const timestamp: FunctionImpl = (ctx, plan, args, grid) => {
  const v = vectorArg(plan, args, 0);
  const { nSteps } = grid;
  const times = stepSeconds(grid);
  const values = f64(v.values.length);
  for (let r = 0; r < v.labels.length; r++) {
    const base = r * nSteps;
    for (let s = 0; s < nSteps; s++) if (v.mask[base + s] === 1) values[base + s] = times[s]!;
  }
  const { labels, dropName } = droppedNames(ctx, v.labels);
  return checkedResult(
    ctx,
    { kind: 'vector', labels, dropName, values, mask: v.mask.slice(), nSteps },
    grid,
  );
};

/**
 * `absent(v)`: 1 at the steps where `v` has no point. The series is labelled from the
 * equality matchers of the argument when it is a selector as written.
 */
const absent: FunctionImpl = (_ctx, plan, args, grid) => {
  const v = vectorArg(plan, args, 0);
  const { nSteps } = grid;
  const present = u8(nSteps);
  for (let r = 0; r < v.labels.length; r++) {
    const base = r * nSteps;
    for (let s = 0; s < nSteps; s++) if (v.mask[base + s] === 1) present[s] = 1;
  }
  if (present.every((p) => p === 1)) return emptyVectors([], nSteps);
  const arg = plan.ast.args[0];
  const labels = arg?.kind === 'VectorSelector' ? absentLabels(arg.labelMatchers) : [];
  const out = emptyVectors([labels], nSteps);
  for (let s = 0; s < nSteps; s++) {
    if (present[s] === 1) continue;
    out.values[s] = 1;
    out.mask[s] = 1;
  }
  return out;
};

/**
 * `start_timestamp(v)`: Prometheus answers it only from samples' start timestamps, which
 * it reads only with its `use-start-timestamps` feature. promql-ts does not store start
 * timestamps, so the result is empty, as in Prometheus without that feature.
 */
const startTimestamp: FunctionImpl = (_ctx, plan, args, grid) => {
  vectorArg(plan, args, 0);
  return emptyVectors([], grid.nSteps);
};

/** The functions of this file, by PromQL name. */
export const miscFunctions: Readonly<Record<string, FunctionImpl>> = {
  scalar,
  vector,
  time,
  timestamp,
  absent,
  start_timestamp: startTimestamp,
};

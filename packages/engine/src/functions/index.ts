/**
 * Functions over instant vectors and scalars, by name. (Functions over range vectors are
 * in `ops/range-function.ts`; `start()`, `end()`, `range()` and `step()` are numbers by
 * the time a plan is evaluated.)
 */
import type { EvalContext } from '../eval/context.js';
import type { CallPlan } from '../plan/nodes.js';
import type { Grid, Value } from '../value.js';
import { histogramFunctions } from './histogram.js';
import { infoFunctions } from './info.js';
import { labelFunctions } from './labels.js';
import { mathFunctions } from './math.js';
import { miscFunctions } from './misc.js';
import { sortFunctions } from './sort.js';
import { timeFunctions } from './time.js';

/** A function's implementation: its arguments are evaluated for every step of `grid`. */
export type FunctionImpl = (
  ctx: EvalContext,
  plan: CallPlan,
  args: readonly Value[],
  grid: Grid,
) => Value;

/** Every function over instant vectors and scalars. */
export const functions: Readonly<Record<string, FunctionImpl>> = {
  ...mathFunctions,
  ...miscFunctions,
  ...timeFunctions,
  ...labelFunctions,
  ...sortFunctions,
  ...histogramFunctions,
  ...infoFunctions,
};

/**
 * `sort`, `sort_desc`, `sort_by_label`, `sort_by_label_desc`: they reorder the series of
 * an instant vector and change nothing else. Order only shows in an instant query's
 * result (a range query's series are always ordered by labels, and Prometheus warns that
 * sorting there is ineffective); when evaluated over several steps the rows are returned
 * as they are.
 */
import { messages } from '../annotations.js';
import type { EvalContext } from '../eval/context.js';
import { compareLabels, getLabel } from '../labels.js';
import type { CallPlan } from '../plan/nodes.js';
import { type Grid, type StepVectors, selectRows, type Value } from '../value.js';
import { goSort, natsortLess } from './gosort.js';
import type { FunctionImpl } from './index.js';
import { stringArg, vectorArg } from './util.js';

type RowLess = (v: StepVectors, a: number, b: number) => boolean;

function sortFunction(makeLess: (plan: CallPlan, args: readonly Value[]) => RowLess): FunctionImpl {
  return (ctx: EvalContext, plan, args, grid: Grid) => {
    if (ctx.isRangeQuery) ctx.annotations.warn(messages.sortIneffective(), plan.ast.pos);
    const v = vectorArg(plan, args, 0);
    if (grid.nSteps !== 1) return v;
    const less = makeLess(plan, args);
    const rows: number[] = [];
    for (let r = 0; r < v.labels.length; r++) if (v.mask[r] === 1) rows.push(r);
    goSort(rows, (a, b) => less(v, a, b));
    return selectRows(v, rows);
  };
}

/**
 * `sort`: Go's `sort.Sort(sort.Reverse(vectorByReverseValueHeap))`, that is `a < b`
 * ascending with NaN last: `a` sorts first when `b` is NaN or `a < b`.
 */
const byValueAsc: RowLess = (v, a, b) => {
  const x = v.values[a]!;
  const y = v.values[b]!;
  return Number.isNaN(y) || x < y;
};

/** `sort_desc`: `sort.Reverse(vectorByValueHeap)`, descending with NaN last. */
const byValueDesc: RowLess = (v, a, b) => {
  const x = v.values[a]!;
  const y = v.values[b]!;
  return Number.isNaN(y) || x > y;
};

/**
 * `sort_by_label(_desc)`: by each named label in natural order, then by the whole label
 * set (`slices.SortFunc` with a comparator that is a total order).
 */
function byLabels(desc: boolean): (plan: CallPlan, args: readonly Value[]) => RowLess {
  return (plan, args) => {
    const names: string[] = [];
    for (let i = 1; i < args.length; i++) names.push(stringArg(plan, args, i));
    return (v, a, b) => {
      const la = v.labels[a]!;
      const lb = v.labels[b]!;
      for (const name of names) {
        const x = getLabel(la, name);
        const y = getLabel(lb, name);
        if (x === y) continue;
        return natsortLess(x, y) !== desc;
      }
      const c = compareLabels(la, lb);
      return desc ? c > 0 : c < 0;
    };
  };
}

/** The sort functions, by PromQL name. */
export const sortFunctions: Readonly<Record<string, FunctionImpl>> = {
  sort: sortFunction(() => byValueAsc),
  sort_desc: sortFunction(() => byValueDesc),
  sort_by_label: sortFunction(byLabels(false)),
  sort_by_label_desc: sortFunction(byLabels(true)),
};

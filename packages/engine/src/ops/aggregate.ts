/**
 * Aggregation expressions: `sum`, `avg`, `min`, `max`, `count`, `group`, `stddev`,
 * `stdvar`, `quantile` (one output series per group, computed by the aggregation kernel),
 * `count_values` (one series per group and value), and `topk`, `bottomk`, `limitk`,
 * `limit_ratio` (a subset of the input series, see aggregate-k.ts). Semantics follow
 * prometheus/prometheus promql/engine.go (the AggregateExpr case of `eval`,
 * `rangeEvalAgg`, `aggregation`, `aggregationCountValues`).
 */
import type { AggregateOp as KernelAggregateOp } from '@promql-ts/kernels';
import { formatFloatF, isLegacyLabelName, isValidUtf8, quoteGo } from '@promql-ts/parser';
import { messages } from '../annotations.js';
import { ExecutionError } from '../errors.js';
import type { EvalContext } from '../eval/context.js';
import { compareStrings, setLabel } from '../labels.js';
import type { AggregatePlan } from '../plan/nodes.js';
import { f64, i32 } from '../pool.js';
import type { Labels } from '../storage.js';
import { emptyVectors, type Grid, type StepVectors, type Value } from '../value.js';
import {
  groupingKey,
  groupingLabels,
  groupRows,
  type StepParams,
  stepParams,
  withoutNames,
} from './aggregate-common.js';
import { evalAggregateK, paramPos } from './aggregate-k.js';
import { rowGroupKey } from './count-values-groups.js';
import { FloatIndex, memoFormat } from './float-key-map.js';

/** Evaluates an aggregation of `input` at every step of `grid`. */
export function evalAggregate(
  ctx: EvalContext,
  plan: AggregatePlan,
  input: StepVectors,
  param: Value | null,
  _grid: Grid,
): StepVectors {
  switch (plan.op) {
    case 'count_values':
      return countValues(ctx, plan, input, param);
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return evalAggregateK(ctx, plan, input, scalarParams(plan, param, input.nSteps));
    default:
      return aggregateGroups(ctx, plan, plan.op, input, param);
  }
}

function scalarParams(plan: AggregatePlan, param: Value | null, nSteps: number): StepParams {
  if (param === null || param.kind !== 'scalar') {
    throw new Error(`${plan.op} needs a scalar parameter`);
  }
  return stepParams(param, nSteps);
}

/**
 * Prometheus warns about a quantile outside [0, 1] once per evaluation, from the parameter's
 * range over all steps, whether or not any group has samples.
 */
function warnQuantile(ctx: EvalContext, plan: AggregatePlan, fp: StepParams): void {
  if (ctx.options.compat === 'prometheus2') return; // 2.x had no such warning
  const pos = paramPos(plan);
  if (fp.hasNaN) ctx.annotations.warn(messages.invalidQuantile(Number.NaN), pos);
  if (fp.max > 1) ctx.annotations.warn(messages.invalidQuantile(fp.max), pos);
  if (fp.min < 0) ctx.annotations.warn(messages.invalidQuantile(fp.min), pos);
}

/** sum, avg, min, max, count, group, stddev, stdvar or quantile by group. */
function aggregateGroups(
  ctx: EvalContext,
  plan: AggregatePlan,
  op: KernelAggregateOp,
  input: StepVectors,
  param: Value | null,
): StepVectors {
  const { nSteps } = input;
  let q: Float64Array | undefined;
  if (op === 'quantile') {
    const fp = scalarParams(plan, param, nSteps);
    warnQuantile(ctx, plan, fp);
    q = fp.values;
  }
  const names = plan.without ? withoutNames(plan.grouping) : plan.grouping;
  const { groupOf, firstRow, present } = groupRows(input, names, plan.without);
  const nGroups = firstRow.length;
  if (nGroups === 0) return emptyVectors([], nSteps);

  const labels = firstRow.map((r) => groupingLabels(input.labels[r]!, names, plan.without));
  const out = emptyVectors(labels, nSteps);
  if (ctx.options.compat === 'prometheus2' && LEGACY_OPS.has(op)) {
    legacyAggregate(op, input, groupOf, present, out);
  } else {
    ctx.kernels.aggregate(op, input, groupOf, nGroups, nSteps, out, q);
  }
  markDropName(input, groupOf, present, out);
  return out;
}

/**
 * Prometheus marks an output series for name removal when any sample aggregated into it
 * was so marked; the mark of the series is the one of its last step.
 */
function markDropName(
  input: StepVectors,
  groupOf: Uint32Array,
  present: Uint8Array,
  out: StepVectors,
): void {
  const { nSteps } = input;
  const nGroups = out.labels.length;
  const lastStep = i32(nGroups).fill(-1);
  for (let g = 0; g < nGroups; g++) {
    for (let s = nSteps - 1; s >= 0; s--) {
      if (out.mask[g * nSteps + s] === 1) {
        lastStep[g] = s;
        break;
      }
    }
  }
  for (let r = 0; r < input.labels.length; r++) {
    if (input.dropName[r] !== 1 || present[r] !== 1) continue;
    const g = groupOf[r]!;
    const s = lastStep[g]!;
    if (s >= 0 && input.mask[r * nSteps + s] === 1) out.dropName[g] = 1;
  }
}

/** The aggregations whose arithmetic differed in Prometheus 2.x. */
const LEGACY_OPS: ReadonlySet<KernelAggregateOp> = new Set(['sum', 'avg', 'stddev', 'stdvar']);

/**
 * sum, avg, stddev and stdvar as Prometheus 2.x computed them: a plain running sum (no
 * Kahan compensation), an incremental mean that keeps an infinite mean when the next value
 * cannot change it, and a variance that starts at 0 even for an infinite or NaN sample.
 */
function legacyAggregate(
  op: KernelAggregateOp,
  input: StepVectors,
  groupOf: Uint32Array,
  present: Uint8Array,
  out: StepVectors,
): void {
  const { nSteps } = input;
  const nGroups = out.labels.length;
  const value = f64(nGroups);
  const mean = f64(nGroups);
  const count = f64(nGroups);
  for (let s = 0; s < nSteps; s++) {
    count.fill(0);
    for (let r = 0; r < input.labels.length; r++) {
      if (present[r] !== 1 || input.mask[r * nSteps + s] !== 1) continue;
      const v = input.values[r * nSteps + s]!;
      const g = groupOf[r]!;
      if (count[g] === 0) {
        count[g] = 1;
        value[g] = op === 'stddev' || op === 'stdvar' ? 0 : v;
        mean[g] = v;
        continue;
      }
      const n = ++count[g]!;
      switch (op) {
        case 'sum':
          value[g]! += v;
          break;
        case 'avg': {
          const m = mean[g]!;
          if (isInf(m)) {
            if (isInf(v) && m > 0 === v > 0) break;
            if (!isInf(v) && !Number.isNaN(v)) break;
          }
          mean[g] = m + (v / n - m / n);
          break;
        }
        default: {
          const delta = v - mean[g]!;
          mean[g]! += delta / n;
          value[g]! += delta * (v - mean[g]!);
        }
      }
    }
    for (let g = 0; g < nGroups; g++) {
      const n = count[g]!;
      if (n === 0) continue;
      let v = value[g]!;
      if (op === 'avg') v = mean[g]!;
      else if (op === 'stdvar') v /= n;
      else if (op === 'stddev') v = Math.sqrt(v / n);
      out.values[g * nSteps + s] = v;
      out.mask[g * nSteps + s] = 1;
    }
  }
}

function isInf(v: number): boolean {
  return v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY;
}

/** Whether `name` may be the label of count_values (UTF-8 names in 3.x, legacy in 2.x). */
function validLabelName(ctx: EvalContext, name: string): boolean {
  if (ctx.options.compat === 'prometheus2') return isLegacyLabelName(name);
  return name.length > 0 && isValidUtf8(name);
}

/**
 * count_values' counts: per output series (numbered as `newSeries` finds them) and step,
 * the number of cells of `input` with a value of that series, series-major; and in
 * `firstCell` each series' first cell in Prometheus's order (steps, then rows) as
 * `step × rows + row`. Rows are walked in memory order. A small integer's series is read
 * from its group's table; another value's series is the one before when the row's value
 * has not changed since (a branch that is taken at random for a gauge of small integers,
 * and slower than the table), else looked up in the group's map. `newSeries` resolves a
 * value its row's group has not had yet.
 */
function countCells(
  input: StepVectors,
  rowGroup: Int32Array,
  groupSeries: readonly FloatIndex[],
  firstCell: number[],
  newSeries: (row: number, value: number) => number,
): Float64Array {
  const { nSteps, mask, values } = input;
  const nRows = input.labels.length;
  let counts = new Float64Array(Math.min(nRows, 16) * nSteps);
  for (let r = 0; r < nRows; r++) {
    const group = groupSeries[rowGroup[r]!]!;
    let series = -1;
    let last = 0;
    for (let s = 0, i = r * nSteps; s < nSteps; s++, i++) {
      if (mask[i] !== 1) continue;
      const v = values[i]!;
      const inTable = group.getInTable(v);
      if (inTable >= 0) {
        series = inTable;
        last = v;
      } else if (series < 0 || !Object.is(last, v)) {
        series = inTable === -1 ? -1 : group.get(v);
        if (series < 0) {
          series = newSeries(r, v);
          if ((series + 1) * nSteps > counts.length) {
            const more = new Float64Array(Math.max(2 * counts.length, (series + 1) * nSteps));
            more.set(counts);
            counts = more;
          }
        }
        last = v;
      }
      const cell = s * nRows + r;
      if (cell < firstCell[series]!) firstCell[series] = cell;
      counts[series * nSteps + s]! += 1;
    }
  }
  return counts;
}

/** Row groups of count_values with a table for small integer values (see FloatIndex). */
const DENSE_GROUPS = 1024;

/**
 * count_values: at each step, the number of samples of each group with each value; the
 * value, formatted as Go's `strconv.FormatFloat(v, 'f', -1, 64)`, becomes a label.
 *
 * Prometheus sets the label on each sample's metric and groups the results at every step.
 * The output series of a sample depends only on the labels of its row that the grouping
 * keeps (the value label aside) and on the value: rows that agree on those labels form a
 * row group, and each (row group, value) pair is resolved to its output series once, by
 * the same label set and grouping key as Prometheus's, then reused at every other row and
 * step. The output series come in order of first appearance (steps, then rows), as a
 * sample-by-sample grouping finds them.
 */
function countValues(
  ctx: EvalContext,
  plan: AggregatePlan,
  input: StepVectors,
  param: Value | null,
): StepVectors {
  if (param === null || param.kind !== 'string') throw new Error('count_values needs a string');
  const valueLabel = param.value;
  if (!validLabelName(ctx, valueLabel)) {
    throw new ExecutionError(`invalid label name ${quoteGo(valueLabel)}`);
  }
  const without = plan.without;
  let names: string[];
  if (without) names = withoutNames(plan.grouping);
  else {
    names = [...new Set([...plan.grouping, valueLabel])];
    names.sort(compareStrings);
  }
  const { nSteps } = input;
  const nRows = input.labels.length;
  const format = memoFormat(formatFloatF);
  // Output series by label set, in order of first appearance.
  const seriesIndex = new Map<string, number>();
  const seriesLabels: Labels[] = [];
  // The row group of each row, and each group's output series by value.
  const rowGroup = i32(nRows);
  const groupIndex = new Map<string, number>();
  const groupSeries: FloatIndex[] = [];
  // The key leaves the value label out: with `by`, naming only the grouping labels lets it
  // stop reading a row's labels after the last of them (at once for `by ()`), instead of
  // reading on to where the value label would sort.
  const keyNames = without ? names : names.filter((n) => n !== valueLabel);
  for (let r = 0; r < nRows; r++) {
    const key = rowGroupKey(input.labels[r]!, keyNames, without, valueLabel);
    let g = groupIndex.get(key);
    if (g === undefined) {
      g = groupSeries.length;
      groupIndex.set(key, g);
      groupSeries.push(new FloatIndex(g < DENSE_GROUPS));
    }
    rowGroup[r] = g;
  }
  // Per output series, its first cell in Prometheus's order (steps, then rows) as
  // `step × nRows + row`: the series are numbered as found, row by row, then renumbered
  // by that cell.
  const firstCell: number[] = [];
  /** The output series of value `v` of row `r`, the first time its group has `v`. */
  const newSeries = (r: number, v: number): number => {
    const metric = setLabel(input.labels[r]!, valueLabel, format(v));
    const key = groupingKey(metric, names, without);
    let idx = seriesIndex.get(key);
    if (idx === undefined) {
      idx = seriesLabels.length;
      seriesIndex.set(key, idx);
      seriesLabels.push(groupingLabels(metric, names, without));
      firstCell.push(Number.POSITIVE_INFINITY);
    }
    groupSeries[rowGroup[r]!]!.set(v, idx);
    return idx;
  };
  const counts = countCells(input, rowGroup, groupSeries, firstCell, newSeries);
  const nSeries = seriesLabels.length;
  const byFirst = Array.from({ length: nSeries }, (_, j) => j);
  byFirst.sort((a, b) => firstCell[a]! - firstCell[b]!);
  const labels = byFirst.map((j) => seriesLabels[j]!);
  const out = emptyVectors(labels, nSteps);
  for (let j = 0; j < nSeries; j++) {
    for (let s = 0, from = byFirst[j]! * nSteps, to = j * nSteps; s < nSteps; s++) {
      const c = counts[from + s]!;
      if (c === 0) continue;
      out.values[to + s] = c;
      out.mask[to + s] = 1;
    }
  }
  return out;
}

/**
 * Functions over range vectors (`rate`, `*_over_time`, `predict_linear`…): one kernel
 * call for every series and step, then Prometheus's annotations and label handling.
 */
import { KernelFlags, type RangeFunction, type RangeFunctionOptions } from '@promql-ts/kernels';
import { formatFloatF, type VectorSelector } from '@promql-ts/parser';
import { messages } from '../annotations.js';
import { ExecutionError } from '../errors.js';
import type { EvalContext } from '../eval/context.js';
import { derivedFromList, namesDropped } from '../label-list-cache.js';
import { dropMetricName, getLabel, METADATA_LABELS, METRIC_NAME } from '../labels.js';
import type { CallPlan } from '../plan/nodes.js';
import { f64, u8 } from '../pool.js';
import type { Labels } from '../storage.js';
import {
  copyMask,
  copyValues,
  emptyVectors,
  type Grid,
  kernelGrid,
  kernelOutputVectors,
  knownDistinct,
  markDistinct,
  type RangeVectors,
  rangeInput,
  rowsWithPoints,
  type StepScalars,
  type StepVectors,
  type Value,
} from '../value.js';
import { absentLabels } from './absent.js';
import { checkUniqueLabelsets } from './checks.js';

/** Range functions the kernels compute, by PromQL name. */
const KERNEL_FUNCTIONS: Readonly<Record<string, RangeFunction>> = {
  avg_over_time: 'avg_over_time',
  changes: 'changes',
  count_over_time: 'count_over_time',
  delta: 'delta',
  deriv: 'deriv',
  double_exponential_smoothing: 'double_exponential_smoothing',
  holt_winters: 'double_exponential_smoothing',
  first_over_time: 'first_over_time',
  idelta: 'idelta',
  increase: 'increase',
  irate: 'irate',
  last_over_time: 'last_over_time',
  mad_over_time: 'mad_over_time',
  max_over_time: 'max_over_time',
  min_over_time: 'min_over_time',
  predict_linear: 'predict_linear',
  present_over_time: 'present_over_time',
  quantile_over_time: 'quantile_over_time',
  rate: 'rate',
  resets: 'resets',
  stddev_over_time: 'stddev_over_time',
  stdvar_over_time: 'stdvar_over_time',
  sum_over_time: 'sum_over_time',
  ts_of_first_over_time: 'ts_of_first_over_time',
  ts_of_last_over_time: 'ts_of_last_over_time',
  ts_of_max_over_time: 'ts_of_max_over_time',
  ts_of_min_over_time: 'ts_of_min_over_time',
};

/** Functions whose result keeps the input series' metric name. */
const KEEPS_NAME: ReadonlySet<string> = new Set(['last_over_time', 'first_over_time']);

const ANCHORED_SAFE = ['changes', 'delta', 'increase', 'rate', 'resets'];
const SMOOTHED_SAFE = ['delta', 'increase', 'rate'];

const COUNTER_SUFFIXES = ['_total', '_sum', '_count', '_bucket'];

/** Whether `func` takes a range vector. */
export function isRangeFunction(func: string): boolean {
  return func in KERNEL_FUNCTIONS || func === 'absent_over_time';
}

/** Index of the range-vector argument of a range function. */
export function matrixArgIndex(func: string): number {
  return func === 'quantile_over_time' ? 1 : 0;
}

function scalarArg(v: Value | undefined, what: string): Float64Array {
  if (v === undefined || v.kind !== 'scalar') throw new Error(`${what} must be a scalar`);
  return (v as StepScalars).values;
}

/** Evaluates a range function whose arguments are evaluated. */
export function evalRangeFunction(
  ctx: EvalContext,
  plan: CallPlan,
  args: readonly Value[],
  grid: Grid,
): StepVectors {
  const func = plan.func;
  const input = rangeArg(plan, args);
  if (func === 'absent_over_time') return absentOverTime(ctx, plan, input, grid);
  const call = kernelCall(ctx, plan, args);
  // The kernel writes every cell: no need to zero the arrays first.
  const out = kernelOutputVectors(input.labels, grid.nSteps);
  if (input.labels.length > 0 && grid.nSteps > 0) {
    const flags = ctx.kernels.rangeFunction(
      call.fn,
      rangeInput(input),
      kernelGrid(grid),
      call.options,
      out,
    );
    afterKernel(ctx, plan, call, flags);
  }
  if (func === 'rate' || func === 'increase') {
    const { mask, nSteps } = out;
    warnNonCounters(ctx, plan, input, (r) => {
      const i = mask.indexOf(1, r * nSteps);
      return i >= 0 && i < (r + 1) * nSteps;
    });
  }
  return finishRows(ctx, func, out);
}

/** The range-vector argument of a range function (its modifier checked). */
export function rangeArg(plan: CallPlan, args: readonly Value[]): RangeVectors {
  const input = args[matrixArgIndex(plan.func)];
  if (input === undefined || input.kind !== 'range') {
    throw new Error(`${plan.func} expects a range vector argument`);
  }
  checkModifier(plan.func, input);
  return input;
}

/** A range function as the kernels take it: which, its options and parameters. */
export interface KernelCall {
  readonly fn: RangeFunction;
  readonly options: RangeFunctionOptions & { readonly counts: { windowSamples: number } };
  readonly param: Float64Array | undefined;
  readonly param2: Float64Array | undefined;
}

/** The kernel call of a range function (not absent_over_time) over its evaluated args. */
export function kernelCall(ctx: EvalContext, plan: CallPlan, args: readonly Value[]): KernelCall {
  const func = plan.func;
  const fn = KERNEL_FUNCTIONS[func]!;
  const { window } = rangeArg(plan, args);
  let param: Float64Array | undefined;
  let param2: Float64Array | undefined;
  if (func === 'quantile_over_time') param = scalarArg(args[0], 'quantile');
  else if (func === 'predict_linear') param = scalarArg(args[1], 'duration');
  else if (fn === 'double_exponential_smoothing') {
    param = scalarArg(args[1], 'smoothing factor');
    param2 = scalarArg(args[2], 'trend factor');
  }
  const options = {
    rangeMs: window.rangeMs,
    leftOpen: ctx.options.compat === 'prometheus3',
    offsetMs: window.offsetMs,
    atMs: window.atMs,
    modifier: window.modifier,
    lookbackMs: ctx.options.lookbackDeltaMs,
    legacyExtrapolation: ctx.options.compat === 'prometheus2',
    ...(param === undefined ? {} : { param }),
    ...(param2 === undefined ? {} : { param2 }),
    counts: { windowSamples: 0 },
  };
  return { fn, options, param, param2 };
}

/** Accounts a kernel call's samples and reports what its flags say. */
export function afterKernel(
  ctx: EvalContext,
  plan: CallPlan,
  call: KernelCall,
  flags: number,
): void {
  // Prometheus's queryable samples: every sample in every step's window (the kernel
  // counts them as it walks the windows).
  ctx.totalQueryableSamples += call.options.counts.windowSamples;
  reportFlags(ctx, plan, flags, call.param, call.param2);
}

/** Whether `func`'s result keeps the input series' metric name. */
export function keepsName(func: string): boolean {
  return KEEPS_NAME.has(func);
}

/** The anchored and smoothed modifiers only go with some functions. */
function checkModifier(func: string, input: RangeVectors): void {
  const modifier = input.window.modifier;
  if (modifier === 'none') return;
  const safe = modifier === 'anchored' ? ANCHORED_SAFE : SMOOTHED_SAFE;
  if (!safe.includes(func)) {
    throw new ExecutionError(
      `${modifier} modifier can only be used with: ${safe.join(', ')} - not with ${func}`,
    );
  }
}

/**
 * Drops rows without points and, unless the function keeps it, the metric name; the
 * result may then not hold one label set twice.
 */
function finishRows(ctx: EvalContext, func: string, out: StepVectors): StepVectors {
  const { nSteps } = out;
  const keep = rowsWithPoints(out);
  const { labels, dropName } = finishLabels(ctx, func, out.labels, keep);
  if (keep === null) {
    return { kind: 'vector', labels, dropName, values: out.values, mask: out.mask, nSteps };
  }
  const values = f64(keep.length * nSteps);
  const mask = u8(keep.length * nSteps);
  for (let i = 0; i < keep.length; i++) {
    const r = keep[i]!;
    copyValues(values, i * nSteps, out.values, r * nSteps, nSteps);
    copyMask(mask, i * nSteps, out.mask, r * nSteps, nSteps);
  }
  return { kind: 'vector', labels, dropName, values, mask, nSteps };
}

/**
 * The labels of a range function's result rows `keep` (the input rows with points):
 * without the metric name unless the function keeps it (or names are removed later), and
 * never one label set twice.
 */
export function finishLabels(
  ctx: EvalContext,
  func: string,
  inputLabels: readonly Labels[],
  keep: readonly number[] | null,
): { labels: Labels[]; dropName: Uint8Array } {
  const dropsName = !KEEPS_NAME.has(func);
  const n = keep === null ? inputLabels.length : keep.length;
  const dropName = u8(n);
  if (dropsName) dropName.fill(1);
  const dropNow = dropsName && !ctx.delayedNameRemoval;
  if (dropNow && keep === null) {
    // Every row: the same rows as in an earlier query get the sets derived then (see
    // label-list-cache.ts).
    const dropped = namesDropped(inputLabels, (sets) => {
      if (!metadataMayVary(inputLabels, null)) return knownDistinct(inputLabels);
      checkUniqueLabelsets(sets);
      return true;
    });
    const labels = dropped.labels.slice();
    if (dropped.distinct || knownDistinct(inputLabels)) markDistinct(labels);
    return { labels, dropName };
  }
  const labels: Labels[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const ls = inputLabels[keep === null ? i : keep[i]!]!;
    labels[i] = dropNow ? dropMetricName(ls) : ls;
  }
  if (dropNow && metadataMayVary(inputLabels, keep)) {
    checkUniqueLabelsets(labels);
    markDistinct(labels);
  } else if (knownDistinct(inputLabels)) {
    // The same sets, or all without one same name: still distinct.
    markDistinct(labels);
  }
  return { labels, dropName };
}

/**
 * Refuses, as {@link finishLabels} does, rows `keep` of `inputLabels` that would be equal
 * once a name-dropping function dropped their metric names, without building the
 * name-less label sets unless the rows' metadata labels differ.
 */
export function checkDroppedNames(inputLabels: readonly Labels[], keep: readonly number[]): void {
  if (metadataMayVary(inputLabels, keep)) {
    checkUniqueLabelsets(keep.map((r) => dropMetricName(inputLabels[r]!)));
  }
}

/** The greatest metadata label name: in a sorted label set, no metadata label follows it. */
const LAST_METADATA_LABEL = [...METADATA_LABELS].sort().at(-1)!;

/**
 * Whether dropping the metadata labels (the metric name, `__type__`, `__unit__`) may make
 * two of the (distinct) label sets `rows` of `all` equal: only when those labels differ
 * between them, that is when the names differ or a set has a type or unit label.
 */
function metadataMayVary(all: readonly Labels[], rows: readonly number[] | null): boolean {
  // Over all rows, kept for the same list (label-list-cache.ts): when the labels do not
  // vary over all rows, they do not over some of them.
  const overAll = derivedFromList('metadataMayVary', all, () => metadataVaries(all, null));
  return overAll && rows !== null ? metadataVaries(all, rows) : overAll;
}

/** {@link metadataMayVary}, from the labels. */
function metadataVaries(all: readonly Labels[], rows: readonly number[] | null): boolean {
  const n = rows === null ? all.length : rows.length;
  let firstName: string | null = null;
  for (let k = 0; k < n; k++) {
    const ls = all[rows === null ? k : rows[k]!]!;
    let name = '';
    for (let i = 0; i < ls.length; i++) {
      const n = ls[i]!.name;
      if (n === METRIC_NAME) name = ls[i]!.value;
      else if (METADATA_LABELS.includes(n)) return true;
      // Label names are sorted, and none after the greatest metadata label is one.
      else if (n > LAST_METADATA_LABEL) break;
    }
    if (firstName === null) firstName = name;
    else if (name !== firstName) return true;
  }
  return false;
}

/**
 * Prometheus's info for `rate`/`increase` of a series whose name does not end like a
 * counter's: checked for every input series that has a result.
 */
export function warnNonCounters(
  ctx: EvalContext,
  plan: CallPlan,
  input: RangeVectors,
  hasResult: (row: number) => boolean,
): void {
  const arg = plan.ast.args[0];
  const pos = arg?.pos ?? null;
  const isCounterName = (name: string) => COUNTER_SUFFIXES.some((s) => name.endsWith(s));
  // A range selector with `__name__="x"` (any written name) selects series named x only:
  // judge that name once instead of every series'.
  const fixed =
    arg?.kind === 'MatrixSelector'
      ? arg.vectorSelector.labelMatchers.find((m) => m.name === METRIC_NAME && m.type === '=')
      : undefined;
  if (fixed !== undefined) {
    const name = fixed.value;
    if (name === '' || isCounterName(name)) return;
    for (let r = 0; r < input.labels.length; r++) {
      if (hasResult(r)) {
        ctx.annotations.info(messages.possibleNonCounter(name), pos);
        return;
      }
    }
    return;
  }
  // Names already judged: counter-like ones, and the others once reported.
  const done = new Set<string>();
  for (let r = 0; r < input.labels.length; r++) {
    const name = getLabel(input.labels[r]!, METRIC_NAME);
    if (name === '' || done.has(name)) continue;
    if (isCounterName(name)) {
      done.add(name);
      continue;
    }
    if (hasResult(r)) {
      ctx.annotations.info(messages.possibleNonCounter(name), pos);
      done.add(name);
    }
  }
}

function reportFlags(
  ctx: EvalContext,
  plan: CallPlan,
  flags: number,
  param: Float64Array | undefined,
  param2: Float64Array | undefined,
): void {
  if (flags & KernelFlags.InvalidSmoothingFactor && param !== undefined) {
    const sf = param.find((v) => !(v > 0 && v < 1)) ?? Number.NaN;
    throw new ExecutionError(`invalid smoothing factor. Expected: 0 < sf < 1, got: ${goF(sf)}`);
  }
  if (flags & KernelFlags.InvalidTrendFactor && param2 !== undefined) {
    const tf = param2.find((v) => !(v > 0 && v < 1)) ?? Number.NaN;
    throw new ExecutionError(`invalid trend factor. Expected: 0 < tf < 1, got: ${goF(tf)}`);
  }
  if (flags & KernelFlags.InvalidQuantile && param !== undefined) {
    const pos = plan.ast.args[0]?.pos ?? null;
    for (const q of param) {
      if (Number.isNaN(q) || q < 0 || q > 1) ctx.annotations.warn(messages.invalidQuantile(q), pos);
    }
  }
}

/** Go's `%f`: six decimals. */
function goF(v: number): string {
  if (!Number.isFinite(v)) return formatFloatF(v);
  return v.toFixed(6);
}

/**
 * `absent_over_time(m[range])`: 1 at the steps where no series has a sample in the window,
 * labelled from the selector's equality matchers.
 */
function absentOverTime(
  ctx: EvalContext,
  plan: CallPlan,
  input: RangeVectors,
  grid: Grid,
): StepVectors {
  const { nSteps } = grid;
  const present = u8(nSteps);
  if (input.labels.length > 0 && nSteps > 0) {
    const counts = emptyVectors(input.labels, nSteps);
    const { window } = input;
    const sampleCounts = { windowSamples: 0 };
    ctx.kernels.rangeFunction(
      'count_over_time',
      rangeInput(input),
      kernelGrid(grid),
      {
        rangeMs: window.rangeMs,
        leftOpen: ctx.options.compat === 'prometheus3',
        offsetMs: window.offsetMs,
        atMs: window.atMs,
        counts: sampleCounts,
      },
      counts,
    );
    ctx.totalQueryableSamples += sampleCounts.windowSamples;
    for (let i = 0; i < counts.mask.length; i++) if (counts.mask[i] === 1) present[i % nSteps] = 1;
  }
  const arg = plan.ast.args[0]!;
  const labels =
    arg.kind === 'MatrixSelector'
      ? absentLabels((arg.vectorSelector as VectorSelector).labelMatchers)
      : [];
  const out = emptyVectors([labels], nSteps);
  out.dropName[0] = 1;
  let any = false;
  for (let s = 0; s < nSteps; s++) {
    if (present[s] === 1) continue;
    out.values[s] = 1;
    out.mask[s] = 1;
    any = true;
  }
  return any ? out : emptyVectors([], nSteps);
}

/**
 * `info(v, {data label selectors})` (experimental): adds to each series of `v` the data
 * labels of the info series (by default `target_info`) that share its identifying labels
 * `instance` and `job`, as Prometheus's `evalInfo` does.
 *
 * The info series come from a storage read the planner makes (`CallPlan.infoSelect`). That read may be wider than
 * Prometheus's (it does not know the identifying label values of `v`), so the series are
 * filtered here exactly as Prometheus's select would: by the effective name matchers
 * (see {@link effectiveNameMatchers}), the data label matchers and the
 * identifying label values of `v`. Each info series is then sampled at every step as an
 * instant selector (no offset) over the time range Prometheus's select hints give it.
 */
import { isStaleNaN } from '@promql-ts/kernels';
import type { LabelMatcher } from '@promql-ts/parser';
import { ExecutionError } from '../errors.js';
import type { EvalContext } from '../eval/context.js';
import type { LoadedSeries } from '../eval/series.js';
import {
  getLabel,
  keepLabels,
  labelsKey,
  labelsToString,
  METRIC_NAME,
  setLabel,
} from '../labels.js';
import { compileMatcher } from '../matchers.js';
import { SAME_LABELSET } from '../ops/checks.js';
import type { CallPlan, PlanNode, SelectPlan } from '../plan/nodes.js';
import { f64, u8 } from '../pool.js';
import type { Labels, Matcher } from '../storage.js';
import type { Grid, StepVectors } from '../value.js';
import type { FunctionImpl } from './index.js';
import { vectorArg } from './util.js';

const TARGET_INFO = 'target_info';
/** The info metrics picked when only negative name matchers are given. */
const INFO_PATTERN = '.+_info';
/** The labels that identify the target an info series describes. */
const IDENTIFYING_LABELS = ['instance', 'job'] as const;

/** The storage read holding the info series (the planner adds it to every `info` call). */
function infoSelect(plan: CallPlan): SelectPlan {
  if (plan.infoSelect === undefined) throw new Error('info() was planned without its info read');
  return plan.infoSelect;
}

/** Offset and `@` of the first selector in `node` (depth first), as Prometheus's info hints use. */
function firstSelector(node: PlanNode): { offsetMs: number; atMs: number | null } | null {
  switch (node.kind) {
    case 'Selector':
    case 'RangeSelector':
      return { offsetMs: node.offsetMs, atMs: node.atMs };
    case 'Number':
    case 'String':
      return null;
    case 'StepInvariant':
    case 'Unary':
    case 'Subquery':
      return firstSelector(node.expr);
    case 'Aggregate':
      return firstSelector(node.expr) ?? (node.param === null ? null : firstSelector(node.param));
    case 'Binary':
      return firstSelector(node.lhs) ?? firstSelector(node.rhs);
    case 'Call':
      for (const a of node.args) {
        const f = firstSelector(a);
        if (f !== null) return f;
      }
      return null;
  }
}

/**
 * The matchers that pick the info metrics (Prometheus's `effectiveInfoNameMatchers`): the
 * `__name__` matchers given when one of them is positive (`=`, `=~`); `.+_info` and the
 * negative ones when all are negative; `target_info` when there is none.
 */
function effectiveNameMatchers(given: readonly Matcher[]): Matcher[] {
  if (given.some((m) => m.type === '=' || m.type === '=~')) return [...given];
  if (given.length > 0) return [compileMatcher('=~', METRIC_NAME, INFO_PATTERN), ...given];
  return [compileMatcher('=', METRIC_NAME, TARGET_INFO)];
}

function compile(m: LabelMatcher): Matcher {
  return compileMatcher(m.type, m.name, m.value);
}

/**
 * At each step, the timestamp (ms) of the sample an instant selector without offset
 * takes from each info series, reading only samples within `[fromMs, toMs]`; NaN where
 * there is none.
 */
function sampleTimes(
  ctx: EvalContext,
  series: LoadedSeries,
  rows: readonly number[],
  grid: Grid,
  fromMs: number,
  toMs: number,
): Float64Array {
  const { nSteps } = grid;
  const { ts, values, offsets } = series.batch;
  const lookback = ctx.options.lookbackDeltaMs;
  const out = f64(rows.length * nSteps).fill(Number.NaN);
  rows.forEach((r, i) => {
    const lo = offsets[r]!;
    const hi = offsets[r + 1]!;
    for (let s = 0; s < nSteps; s++) {
      const t = grid.startMs + s * grid.stepMs;
      const limit = Math.min(t, toMs);
      // The last sample at or before `limit`.
      let a = lo;
      let b = hi;
      while (a < b) {
        const m = (a + b) >>> 1;
        if (ts[m]! <= limit) a = m + 1;
        else b = m;
      }
      const k = a - 1;
      if (k < lo) continue;
      const st = ts[k]!;
      if (st < fromMs || st <= t - lookback) continue;
      if (isStaleNaN(values[k]!)) continue;
      out[i * nSteps + s] = st;
    }
  });
  return out;
}

/** `info(v)` and `info(v, {selectors})`. */
const info: FunctionImpl = (ctx, plan, args, grid) => {
  const base = vectorArg(plan, args, 0);
  const { nSteps } = grid;
  const selector = plan.ast.args[1];
  const written = selector?.kind === 'VectorSelector' ? selector.labelMatchers : [];

  // The matchers on the info metric's name pick the info metrics; the others select
  // data labels.
  const nameMatchers = written.filter((m) => m.name === METRIC_NAME).map(compile);
  const dataMatchers = new Map<string, Matcher[]>();
  for (const m of written) {
    if (m.name === METRIC_NAME) continue;
    const list = dataMatchers.get(m.name);
    if (list === undefined) dataMatchers.set(m.name, [compile(m)]);
    else list.push(compile(m));
  }
  const infoNameMatchers = effectiveNameMatchers(nameMatchers);

  const rowPresent = (v: StepVectors, r: number) => {
    for (let s = 0; s < nSteps; s++) if (v.mask[r * nSteps + s] === 1) return true;
    return false;
  };

  // Info series themselves are not enriched.
  const ignored = base.labels.map((ls) => {
    const name = getLabel(ls, METRIC_NAME);
    return infoNameMatchers.every((m) => m.matches(name));
  });

  // The identifying label values of the series to enrich.
  const idValues = new Map<string, Set<string>>();
  for (let r = 0; r < base.labels.length; r++) {
    if (ignored[r] || !rowPresent(base, r)) continue;
    for (const l of IDENTIFYING_LABELS) {
      const value = getLabel(base.labels[r]!, l);
      if (value === '') continue;
      const set = idValues.get(l);
      if (set === undefined) idValues.set(l, new Set([value]));
      else set.add(value);
    }
  }

  // The info series Prometheus's select returns, and their sample times at each step.
  const infoRows: number[] = [];
  let infoLabels: Labels[] = [];
  let infoTimes = f64(0);
  if (idValues.size > 0) {
    const loaded = ctx.series(infoSelect(plan));
    for (let r = 0; r < loaded.labels.length; r++) {
      const ls = loaded.labels[r]!;
      const name = getLabel(ls, METRIC_NAME);
      if (!infoNameMatchers.every((m) => m.matches(name))) continue;
      let ok = true;
      for (const [l, ms] of dataMatchers) {
        const value = getLabel(ls, l);
        if (!ms.every((m) => m.matches(value))) ok = false;
      }
      for (const [l, set] of idValues) if (!set.has(getLabel(ls, l))) ok = false;
      if (ok) infoRows.push(r);
    }
    const at = firstSelector(plan.args[0]!);
    const offsetMs = at?.offsetMs ?? 0;
    const from = (at?.atMs ?? grid.startMs) - (ctx.options.lookbackDeltaMs - 1) - offsetMs;
    const to = (at?.atMs ?? grid.endMs) - offsetMs;
    const times = sampleTimes(ctx, loaded, infoRows, grid, from, to);
    // Only series with a point somewhere are part of Prometheus's info matrix.
    const kept: number[] = [];
    infoRows.forEach((_, i) => {
      for (let s = 0; s < nSteps; s++) {
        if (!Number.isNaN(times[i * nSteps + s]!)) {
          kept.push(i);
          break;
        }
      }
    });
    infoLabels = kept.map((i) => loaded.labels[infoRows[i]!]!);
    infoTimes = f64(kept.length * nSteps);
    kept.forEach((i, j) => {
      infoTimes.set(times.subarray(i * nSteps, (i + 1) * nSteps), j * nSteps);
    });
  }

  // Signatures: the info metric's name and the identifying labels.
  const infoNames = [...new Set(infoLabels.map((ls) => getLabel(ls, METRIC_NAME)))];
  const signature = (name: string, ls: Labels) =>
    labelsKey(setLabel(keepLabels(ls, IDENTIFYING_LABELS), METRIC_NAME, name));
  const infoSigs = infoLabels.map((ls) => signature(getLabel(ls, METRIC_NAME), ls));
  const baseSigs = base.labels.map((ls) => infoNames.map((n) => signature(n, ls)));

  let dropWithoutInfo = false;
  for (const ms of dataMatchers.values())
    if (ms.some((m) => !m.matches(''))) dropWithoutInfo = true;

  // Output rows by label set.
  const outRows = new Map<string, number>();
  const outLabels: Labels[] = [];
  const cells: { row: number; step: number; value: number }[] = [];
  const seenAt: number[][] = [];
  const emit = (ls: Labels, step: number, value: number) => {
    const key = labelsKey(ls);
    let row = outRows.get(key);
    if (row === undefined) {
      row = outLabels.length;
      outRows.set(key, row);
      outLabels.push(ls);
      seenAt.push([]);
    }
    const seen = seenAt[row]!;
    if (seen[seen.length - 1] === step) throw new ExecutionError(SAME_LABELSET);
    seen.push(step);
    cells.push({ row, step, value });
  };

  for (let s = 0; s < nSteps; s++) {
    let anyBase = false;
    for (let r = 0; r < base.labels.length && !anyBase; r++)
      anyBase = base.mask[r * nSteps + s] === 1;
    if (!anyBase) continue;
    // The newest info sample of each signature.
    const bySig = new Map<string, number>();
    for (let i = 0; i < infoLabels.length; i++) {
      const t = infoTimes[i * nSteps + s]!;
      if (Number.isNaN(t)) continue;
      const sig = infoSigs[i]!;
      const existing = bySig.get(sig);
      if (existing === undefined) {
        bySig.set(sig, i);
        continue;
      }
      const et = infoTimes[existing * nSteps + s]!;
      if (et < t) bySig.set(sig, i);
      else if (et === t) {
        throw new ExecutionError(
          `found duplicate series for info metric: existing ${labelsToString(infoLabels[existing]!)} @ ${et}, new ${labelsToString(infoLabels[i]!)} @ ${t}`,
        );
      }
    }
    for (let r = 0; r < base.labels.length; r++) {
      const cell = r * nSteps + s;
      if (base.mask[cell] !== 1) continue;
      const ls = base.labels[r]!;
      const value = base.values[cell]!;
      if (ignored[r]) {
        emit(ls, s, value);
        continue;
      }
      const added = new Map<string, string>();
      let matched = false;
      infoNames.forEach((_, n) => {
        const i = bySig.get(baseSigs[r]![n]!);
        if (i === undefined) return;
        for (const l of infoLabels[i]!) {
          if (l.name === METRIC_NAME) continue;
          if (dataMatchers.size > 0 && !dataMatchers.has(l.name)) continue;
          const prev = added.get(l.name);
          if (prev !== undefined && prev !== l.value) {
            throw new ExecutionError(`conflicting label: ${l.name}`);
          }
          if (getLabel(ls, l.name) !== '') continue;
          added.set(l.name, l.value);
        }
        matched = true;
      });
      if (!matched && dropWithoutInfo) continue;
      let out = ls;
      for (const [name, v] of added) out = setLabel(out, name, v);
      emit(out, s, value);
    }
  }

  const values = f64(outLabels.length * nSteps);
  const mask = u8(outLabels.length * nSteps);
  for (const c of cells) {
    values[c.row * nSteps + c.step] = c.value;
    mask[c.row * nSteps + c.step] = 1;
  }
  // Prometheus builds the result's series anew: none keeps a pending name drop.
  return {
    kind: 'vector',
    labels: outLabels,
    dropName: u8(outLabels.length),
    values,
    mask,
    nSteps,
  };
};

/** The info function, by PromQL name. */
export const infoFunctions: Readonly<Record<string, FunctionImpl>> = { info };

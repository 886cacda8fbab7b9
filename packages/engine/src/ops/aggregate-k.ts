/**
 * topk, bottomk, limitk and limit_ratio: aggregations that return some of their input
 * series (labels, metric name and name-dropping mark unchanged) rather than one series per
 * group. Semantics follow prometheus/prometheus promql/engine.go (`rangeEvalAgg`,
 * `aggregationK`, the `HashRatioSampler`), including its heaps, so that ties and NaNs pick
 * the same series, and instant results come in the same order, as in Prometheus.
 */
import { goG, messages } from '../annotations.js';
import { ExecutionError } from '../errors.js';
import type { EvalContext } from '../eval/context.js';
import { goSort } from '../functions/gosort.js';
import type { AggregatePlan } from '../plan/nodes.js';
import { f64, u8 } from '../pool.js';
import { emptyVectors, knownDistinct, markDistinct, type StepVectors } from '../value.js';
import { groupRows, type StepParams, withoutNames } from './aggregate-common.js';
import { heapPop, heapPush, type Less, replaceTop } from './go-heap.js';
import { labelsHash } from './xxhash64.js';

/** The largest float that converts to an int64 without overflow (Prometheus's `maxInt64`). */
export const MAX_INT64 = 2 ** 63 - 1024;
/** The smallest float that converts to an int64 (Prometheus's `minInt64`). */
export const MIN_INT64 = -(2 ** 63);

const TWO_POW_64 = 2 ** 64;

/**
 * Prometheus's sampling offset of a series for limit_ratio: its label hash as a fraction
 * of the largest uint64, in [0, 1].
 */
export function ratioSampleOffset(hash: bigint): number {
  return Number(hash) / TWO_POW_64;
}

/** Whether a series with sampling offset `offset` is kept by `limit_ratio(ratio, …)`. */
export function keptByRatio(ratio: number, offset: number): boolean {
  return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1 + ratio);
}

/** The position of the aggregation's parameter, parentheses removed as Prometheus does. */
export function paramPos(plan: AggregatePlan) {
  let p = plan.ast.param;
  while (p !== null && p.kind === 'ParenExpr') p = p.expr;
  return p === null ? plan.ast.pos : p.pos;
}

type KOp = 'topk' | 'bottomk' | 'limitk' | 'limit_ratio';

/**
 * The checks Prometheus makes on the parameter over all steps before it looks at any
 * sample. Returns false when the result is empty whatever the input.
 */
function checkParams(ctx: EvalContext, plan: AggregatePlan, op: KOp, fp: StepParams): boolean {
  if (op === 'limit_ratio') {
    if (fp.max === 0 && fp.min === 0) return false;
    if (fp.hasNaN) throw new ExecutionError('Ratio value is NaN');
    if (fp.max > 1) ctx.annotations.warn(messages.invalidRatio(fp.max, 1), paramPos(plan));
    if (fp.min < -1) ctx.annotations.warn(messages.invalidRatio(fp.min, -1), paramPos(plan));
    return true;
  }
  if (fp.max < 1) return false;
  if (fp.hasNaN) throw new ExecutionError('Parameter value is NaN');
  if (fp.min <= MIN_INT64) {
    throw new ExecutionError(`Scalar value ${goG(fp.min)} underflows int64`);
  }
  if (fp.max >= MAX_INT64) {
    throw new ExecutionError(`Scalar value ${goG(fp.max)} overflows int64`);
  }
  return true;
}

/**
 * Prometheus 2.x checked k at every step (a NaN or out-of-range k failed the query, with
 * one message for both directions).
 */
function checkParamsV2(fp: StepParams, nSteps: number): void {
  for (let s = 0; s < nSteps; s++) {
    const f = fp.values[s]!;
    if (!(f <= MAX_INT64 && f >= MIN_INT64)) {
      throw new ExecutionError(`Scalar value ${goG(f)} overflows int64`);
    }
  }
}

/** Steps whose values evalAggregateK copies step-major at a time (one cache line per row). */
const STEP_BLOCK = 8;

/** topk, bottomk, limitk or limit_ratio of `input`. */
export function evalAggregateK(
  ctx: EvalContext,
  plan: AggregatePlan,
  input: StepVectors,
  fp: StepParams,
): StepVectors {
  const op = plan.op as KOp;
  const { nSteps } = input;
  const legacy = ctx.options.compat === 'prometheus2' && (op === 'topk' || op === 'bottomk');
  if (legacy) checkParamsV2(fp, nSteps);
  else if (!checkParams(ctx, plan, op, fp)) return emptyVectors([], nSteps);

  const names = plan.without ? withoutNames(plan.grouping) : plan.grouping;
  const { groupOf, firstRow, present } = groupRows(input, names, plan.without);
  const nGroups = firstRow.length;
  const nRows = input.labels.length;
  let nSeries = 0;
  for (let r = 0; r < nRows; r++) nSeries += present[r]!;
  if (nGroups === 0) return emptyVectors([], nSteps);

  const heaps: number[][] = Array.from({ length: nGroups }, () => []);
  const seen = u8(nGroups);
  const { values, mask } = input;
  // The loop below walks all rows at one step, and the heaps compare the values of rows
  // at that step. Read in place, consecutive rows' values are a row's length apart (a
  // cache line and often a page each); so the values and mask of a block of STEP_BLOCK
  // steps are first copied step-major (each row's cache line read once), and a step's
  // values are then one contiguous array.
  const block = Math.min(STEP_BLOCK, nSteps);
  const blockValues = nSteps === 1 ? values : f64(nRows * block);
  const blockMask = nSteps === 1 ? mask : u8(nRows * block);
  // Sampling offsets for limit_ratio, computed once per series when first needed.
  const offsets = op === 'limit_ratio' ? f64(nRows).fill(Number.NaN) : null;
  const offsetOf = (r: number): number => {
    let o = offsets![r]!;
    if (Number.isNaN(o)) {
      o = ratioSampleOffset(labelsHash(input.labels[r]!));
      offsets![r] = o;
    }
    return o;
  };

  // topk and bottomk (3.x) with a full heap replace its top only with a value wanted more:
  // `worst` keeps each full group's top value, so that the loop rejects most samples
  // after one comparison, without the heap.
  const fastReject = (op === 'topk' || op === 'bottomk') && !legacy;
  const isTop = op === 'topk';
  const full = u8(nGroups);
  const worst = f64(nGroups);
  const instant = nSteps === 1;
  const emitted: number[] = [];
  const selected = instant ? null : u8(nRows * nSteps);

  for (let s = 0; s < nSteps; s++) {
    ctx.checkInterrupt();
    const j = s % block;
    if (j === 0 && nSteps > 1) {
      const n = Math.min(block, nSteps - s);
      for (let r = 0; r < nRows; r++) {
        const from = r * nSteps + s;
        for (let i = 0; i < n; i++) {
          blockValues[i * nRows + r] = values[from + i]!;
          blockMask[i * nRows + r] = mask[from + i]!;
        }
      }
    }
    const at = j * nRows;
    const f = fp.values[s]!;
    let k = 0;
    let ratio = 0;
    if (op === 'limit_ratio') {
      if (f === 0) continue;
      ratio = Math.max(-1, Math.min(1, f)); // never NaN: checked above
    } else {
      k = legacy ? Math.trunc(f) : Math.min(Math.trunc(f), nSeries);
      if (k < 1) continue;
    }
    // Go's heaps compare by value; NaN counts as less than everything.
    const top: Less<number> = (a, b) => {
      const va = blockValues[at + a]!;
      return Number.isNaN(va) || va < blockValues[at + b]!;
    };
    const bottom: Less<number> = (a, b) => {
      const va = blockValues[at + a]!;
      return Number.isNaN(va) || va > blockValues[at + b]!;
    };
    seen.fill(0);
    full.fill(0);
    for (let r = 0; r < nRows; r++) {
      if (blockMask[at + r] !== 1) continue;
      const g = groupOf[r]!;
      const v = blockValues[at + r]!;
      if (full[g] === 1) {
        const v0 = worst[g]!;
        if (!(isTop ? v0 < v : v0 > v) && !(Number.isNaN(v0) && !Number.isNaN(v))) continue;
      }
      const h = heaps[g]!;
      if (seen[g] === 0) {
        seen[g] = 1;
        h.length = 0;
        switch (op) {
          case 'limit_ratio':
            if (keptByRatio(ratio, offsetOf(r))) heapPush(h, r, top);
            break;
          case 'limitk':
            h.push(r);
            break;
          case 'topk':
            heapPush(h, r, top);
            break;
          case 'bottomk':
            heapPush(h, r, bottom);
            break;
        }
      } else {
        switch (op) {
          case 'topk': {
            if (legacy) {
              const v0 = blockValues[at + h[0]!]!;
              if (h.length < k || v0 < v || Number.isNaN(v0)) {
                if (h.length === k) heapPop(h, top);
                heapPush(h, r, top);
              }
            } else if (h.length < k) {
              heapPush(h, r, top);
            } else {
              const v0 = blockValues[at + h[0]!]!;
              if (v0 < v || (Number.isNaN(v0) && !Number.isNaN(v))) {
                replaceTop(h, r, blockValues, at, false);
              }
            }
            break;
          }
          case 'bottomk': {
            if (legacy) {
              const v0 = blockValues[at + h[0]!]!;
              if (h.length < k || v0 > v || Number.isNaN(v0)) {
                if (h.length === k) heapPop(h, bottom);
                heapPush(h, r, bottom);
              }
            } else if (h.length < k) {
              heapPush(h, r, bottom);
            } else {
              const v0 = blockValues[at + h[0]!]!;
              if (v0 > v || (Number.isNaN(v0) && !Number.isNaN(v))) {
                replaceTop(h, r, blockValues, at, true);
              }
            }
            break;
          }
          case 'limitk':
            if (h.length < k) heapPush(h, r, top);
            break;
          case 'limit_ratio':
            if (keptByRatio(ratio, offsetOf(r))) heapPush(h, r, top);
            break;
        }
      }
      // However the heap filled (a group's first sample at this step included).
      if (fastReject && h.length === k) {
        full[g] = 1;
        worst[g] = blockValues[at + h[0]!]!;
      }
    }
    for (let g = 0; g < nGroups; g++) {
      if (seen[g] === 0) continue;
      const h = heaps[g]!;
      // The heaps keep the least wanted value on top: sort them the other way round.
      if (op === 'topk' && h.length > 1) goSort(h, (a, b) => top(b, a));
      else if (op === 'bottomk' && h.length > 1) goSort(h, (a, b) => bottom(b, a));
      for (const r of h) {
        if (instant) emitted.push(r);
        else selected![r * nSteps + s] = 1;
      }
    }
  }
  return instant ? instantResult(input, emitted) : rangeResult(input, selected!);
}

/** The emitted rows of a one-step evaluation, in Prometheus's order. */
function instantResult(input: StepVectors, rows: readonly number[]): StepVectors {
  const labels = rows.map((r) => input.labels[r]!);
  // Each row is emitted once at the one step.
  if (knownDistinct(input.labels)) markDistinct(labels);
  const out = emptyVectors(labels, 1);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.values[i] = input.values[r]!;
    out.mask[i] = 1;
    out.dropName[i] = input.dropName[r]!;
  }
  return out;
}

/** The input rows that were picked at some step, with only the picked points. */
function rangeResult(input: StepVectors, selected: Uint8Array): StepVectors {
  const { nSteps } = input;
  const rows: number[] = [];
  for (let r = 0; r < input.labels.length; r++) {
    const base = r * nSteps;
    for (let s = 0; s < nSteps; s++) {
      if (selected[base + s] === 1) {
        rows.push(r);
        break;
      }
    }
  }
  const labels = rows.map((r) => input.labels[r]!);
  if (knownDistinct(input.labels)) markDistinct(labels);
  const out = emptyVectors(labels, nSteps);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out.dropName[i] = input.dropName[r]!;
    const src = r * nSteps;
    const dst = i * nSteps;
    for (let s = 0; s < nSteps; s++) {
      if (selected[src + s] !== 1) continue;
      out.mask[dst + s] = 1;
      out.values[dst + s] = input.values[src + s]!;
    }
  }
  return out;
}

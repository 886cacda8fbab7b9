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

/** Steps evalAggregateK takes at a time, row by row (a row's points there: a cache line). */
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

  const { values, mask } = input;
  // Steps go a block of STEP_BLOCK at a time, and within a block row by row: each row's
  // points at those steps are side by side (a cache line), where a walk over all rows at
  // one step would read a line per row and step. Every step still sees the rows in
  // order, with a heap per step and group, so the result is the same.
  const block = Math.min(STEP_BLOCK, nSteps);
  const slots = nGroups * block;
  const heaps: number[][] = Array.from({ length: slots }, () => []);
  const seen = u8(slots);
  // Each step's k (or limit_ratio's ratio), and whether the step takes any series.
  const ks = new Int32Array(block);
  const ratios = new Float64Array(block);
  const active = new Uint8Array(block);
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
  // Go's heaps compare by value; NaN counts as less than everything. Row x's value at
  // step s is values[x × nSteps + s].
  const topAt =
    (s: number): Less<number> =>
    (a, b) => {
      const va = values[a * nSteps + s]!;
      return Number.isNaN(va) || va < values[b * nSteps + s]!;
    };
  const bottomAt =
    (s: number): Less<number> =>
    (a, b) => {
      const va = values[a * nSteps + s]!;
      return Number.isNaN(va) || va > values[b * nSteps + s]!;
    };
  // The block's comparisons, by step in the block.
  const tops: Less<number>[] = [];
  const bottoms: Less<number>[] = [];

  // topk and bottomk (3.x) with a full heap replace its top only with a value wanted more:
  // `worst` keeps each full heap's top value, so that the loop rejects most samples
  // after one comparison, without the heap.
  const fastReject = (op === 'topk' || op === 'bottomk') && !legacy;
  const isTop = op === 'topk';
  const full = u8(slots);
  const worst = f64(slots);
  const instant = nSteps === 1;
  const emitted: number[] = [];
  const selected = instant ? null : u8(nRows * nSteps);

  for (let s0 = 0; s0 < nSteps; s0 += block) {
    ctx.checkInterrupt();
    const n = Math.min(block, nSteps - s0);
    let anyActive = false;
    for (let j = 0; j < n; j++) {
      const f = fp.values[s0 + j]!;
      active[j] = 0;
      if (op === 'limit_ratio') {
        if (f === 0) continue;
        ratios[j] = Math.max(-1, Math.min(1, f)); // never NaN: checked above
      } else {
        ks[j] = legacy ? Math.trunc(f) : Math.min(Math.trunc(f), nSeries);
        if (ks[j]! < 1) continue;
      }
      active[j] = 1;
      anyActive = true;
    }
    if (!anyActive) continue;
    for (let j = 0; j < n; j++) {
      tops[j] = topAt(s0 + j);
      bottoms[j] = bottomAt(s0 + j);
    }
    seen.fill(0);
    full.fill(0);
    for (let r = 0; r < nRows; r++) {
      const g = groupOf[r]!;
      const base = r * nSteps + s0;
      for (let j = 0; j < n; j++) {
        if (mask[base + j] !== 1 || active[j] !== 1) continue;
        const v = values[base + j]!;
        const slot = j * nGroups + g;
        if (full[slot] === 1) {
          const v0 = worst[slot]!;
          if (!(isTop ? v0 < v : v0 > v) && !(Number.isNaN(v0) && !Number.isNaN(v))) continue;
        }
        const s = s0 + j;
        const k = ks[j]!;
        const h = heaps[slot]!;
        if (seen[slot] === 0) {
          seen[slot] = 1;
          h.length = 0;
          // The first row of a heap: pushing onto an empty heap moves nothing.
          if (op !== 'limit_ratio' || keptByRatio(ratios[j]!, offsetOf(r))) h.push(r);
        } else {
          switch (op) {
            case 'topk':
            case 'bottomk': {
              const descending = op === 'bottomk';
              const less = descending ? bottoms[j]! : tops[j]!;
              const v0 = values[h[0]! * nSteps + s]!;
              // Whether v is wanted more than the top's value (NaN is wanted least).
              const wanted = descending ? v0 > v : v0 < v;
              if (legacy) {
                if (h.length < k || wanted || Number.isNaN(v0)) {
                  if (h.length === k) heapPop(h, less);
                  heapPush(h, r, less);
                }
              } else if (h.length < k) {
                heapPush(h, r, less);
              } else if (wanted || (Number.isNaN(v0) && !Number.isNaN(v))) {
                replaceTop(h, r, values, s, nSteps, descending);
              }
              break;
            }
            case 'limitk':
              if (h.length < k) heapPush(h, r, tops[j]!);
              break;
            case 'limit_ratio':
              if (keptByRatio(ratios[j]!, offsetOf(r))) heapPush(h, r, tops[j]!);
              break;
          }
        }
        // However the heap filled (a group's first sample at this step included).
        if (fastReject && h.length === k) {
          full[slot] = 1;
          worst[slot] = values[h[0]! * nSteps + s]!;
        }
      }
    }
    for (let j = 0; j < n; j++) {
      if (active[j] !== 1) continue;
      const s = s0 + j;
      for (let g = 0; g < nGroups; g++) {
        const slot = j * nGroups + g;
        if (seen[slot] === 0) continue;
        const h = heaps[slot]!;
        // The heaps keep the least wanted value on top: sort them the other way round.
        if (op === 'topk' && h.length > 1) {
          const top = tops[j]!;
          goSort(h, (a, b) => top(b, a));
        } else if (op === 'bottomk' && h.length > 1) {
          const bottom = bottoms[j]!;
          goSort(h, (a, b) => bottom(b, a));
        }
        for (const r of h) {
          if (instant) emitted.push(r);
          else selected![r * nSteps + s] = 1;
        }
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

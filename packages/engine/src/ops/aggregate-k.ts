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
import { f64, f64Unfilled, u8 } from '../pool.js';
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

/**
 * Heaps (steps × groups) evalAggregateK keeps at a time: it takes as many steps as that
 * allows at a time, row by row, and at least STEP_BLOCK (a row's points there: a cache
 * line).
 */
const MAX_SLOTS = 4096;
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
  // Steps go a block at a time, and within a block row by row: each row's points at those
  // steps are side by side (a cache line or more, read in order), where a walk over all
  // rows at one step would read a line per row and step. Every step still sees the rows
  // in order, with a heap per step and group, so the result is the same.
  const block = Math.min(Math.max(STEP_BLOCK, Math.floor(MAX_SLOTS / nGroups)), nSteps);
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

  // A range query's topk and bottomk need only the set each step picks, not its order.
  // That set is the k values wanted most, whatever order the rows come in, unless values
  // equal to the k-th are left out (or NaNs make up the numbers). So a block first offers
  // the rows the previous step picked (most of them still wanted most, they fill the heaps
  // with values that reject nearly every other row at once), then the others; a heap that
  // may have met such a tie (`tie`) is rebuilt in Prometheus's row order.
  const seeded = fastReject && !instant;
  const tie = seeded ? u8(slots) : null;
  const redo = seeded ? u8(slots) : null;
  // Per slot, what mayEnter compares with: the full heap's top value (for a NaN top,
  // and for a heap not yet full: what no point is wanted less than); for a step that
  // takes no series, what every point is wanted less than.
  const bar = seeded ? f64Unfilled(slots) : null;
  let seeds: number[] = [];
  const seedMark = seeded ? new Int32Array(nRows).fill(-1) : null;

  /**
   * Offers row `r`'s points at the block's steps (`n` of them from `s0`) to their heaps;
   * with `only`, to those of the slots it marks.
   */
  const offer = (r: number, s0: number, n: number, only: Uint8Array | null): void => {
    const g = groupOf[r]!;
    const base = r * nSteps + s0;
    for (let j = 0; j < n; j++) {
      if (mask[base + j] !== 1 || active[j] !== 1) continue;
      const slot = j * nGroups + g;
      if (only !== null && only[slot] !== 1) continue;
      const v = values[base + j]!;
      if (full[slot] === 1) {
        const v0 = worst[slot]!;
        if (!(isTop ? v0 < v : v0 > v) && !(Number.isNaN(v0) && !Number.isNaN(v))) {
          if (tie !== null && (v === v0 || (Number.isNaN(v) && Number.isNaN(v0)))) tie[slot] = 1;
          continue;
        }
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
              // The row pushed out may tie with the new top.
              if (tie !== null && values[h[0]! * nSteps + s] === v0) tie[slot] = 1;
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
        const w = values[h[0]! * nSteps + s]!;
        worst[slot] = w;
        if (bar !== null && !Number.isNaN(w)) bar[slot] = w;
      }
    }
  };

  for (let b = 0, s0 = 0, n = 0; s0 < nSteps; b++, s0 += n) {
    ctx.checkInterrupt();
    // With seeds, the first block is one step: the rows it picks seed the next one.
    n = seeded && b === 0 ? 1 : Math.min(block, nSteps - s0);
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
    if (!anyActive) {
      seeds = [];
      continue;
    }
    for (let j = 0; j < n; j++) {
      tops[j] = topAt(s0 + j);
      bottoms[j] = bottomAt(s0 + j);
    }
    seen.fill(0);
    full.fill(0);
    if (seeded) {
      tie!.fill(0);
      const none = isTop ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      for (let j = 0; j < n; j++) {
        bar!.fill(active[j] === 1 ? none : -none, j * nGroups, (j + 1) * nGroups);
      }
      for (const r of seeds) {
        seedMark![r] = b;
        offer(r, s0, n, null);
      }
      for (let r = 0; r < nRows; r++) {
        if (seedMark![r] === b) continue;
        const base = r * nSteps + s0;
        if (mayEnter(values, mask, base, n, bar!, groupOf[r]!, nGroups, isTop)) {
          offer(r, s0, n, null);
        }
      }
      // Heaps that may have left out a value equal to their k-th, or hold a NaN, again in
      // Prometheus's order.
      let again = false;
      redo!.fill(0);
      for (let j = 0; j < n; j++) {
        if (active[j] !== 1) continue;
        for (let g = 0, slot = j * nGroups; g < nGroups; g++, slot++) {
          if (full[slot] !== 1 || (tie![slot] !== 1 && !Number.isNaN(worst[slot]!))) continue;
          redo![slot] = 1;
          seen[slot] = 0;
          full[slot] = 0;
          again = true;
        }
      }
      if (again) for (let r = 0; r < nRows; r++) offer(r, s0, n, redo);
    } else {
      for (let r = 0; r < nRows; r++) offer(r, s0, n, null);
    }
    for (let j = 0; j < n; j++) {
      if (active[j] !== 1) continue;
      const s = s0 + j;
      const lastStep = j === n - 1;
      if (lastStep) seeds = [];
      for (let g = 0; g < nGroups; g++) {
        const slot = j * nGroups + g;
        if (seen[slot] === 0) continue;
        const h = heaps[slot]!;
        // The heaps keep the least wanted value on top: sort them the other way round
        // (a range query keeps only the set).
        if (instant && op === 'topk' && h.length > 1) {
          const top = tops[j]!;
          goSort(h, (a, b) => top(b, a));
        } else if (instant && op === 'bottomk' && h.length > 1) {
          const bottom = bottoms[j]!;
          goSort(h, (a, b) => bottom(b, a));
        }
        for (const r of h) {
          if (instant) emitted.push(r);
          else selected![r * nSteps + s] = 1;
          if (seeded && lastStep) seeds.push(r);
        }
      }
    }
  }
  return instant ? instantResult(input, emitted) : rangeResult(input, selected!);
}

/**
 * Whether row points `values[base, base + n)` may enter their heaps (group `g`'s at the
 * block's steps, whose bars are `bar[j × nGroups + g]`): false when each present point is
 * less wanted than its bar, strictly. That is what most rows find once the heaps hold the
 * rows the previous step picked.
 */
function mayEnter(
  values: Float64Array,
  mask: Uint8Array,
  base: number,
  n: number,
  bar: Float64Array,
  g: number,
  nGroups: number,
  isTop: boolean,
): boolean {
  if (isTop) {
    for (let j = 0, slot = g; j < n; j++, slot += nGroups) {
      if (mask[base + j] === 1 && !(values[base + j]! < bar[slot]!)) return true;
    }
  } else {
    for (let j = 0, slot = g; j < n; j++, slot += nGroups) {
      if (mask[base + j] === 1 && !(values[base + j]! > bar[slot]!)) return true;
    }
  }
  return false;
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

/**
 * The last step of a query: delayed name removal, then the evaluated value in the shape
 * the API returns (an instant vector, a matrix sorted by labels, a scalar or a string).
 */
import { isStaleNaN } from '@promql-ts/kernels';
import { ExecutionError } from '../errors.js';
import { labelOrder } from '../label-list-cache.js';
import { ALL_LABELS, LabelSetIndex } from '../label-set-index.js';
import { dropMetricName } from '../labels.js';
import { SAME_LABELSET } from '../ops/checks.js';
import { i32 } from '../pool.js';
import type { InstantSample, QueryValue, RangeSeries } from '../result.js';
import {
  countOnes,
  type Grid,
  maskWords,
  mergeSameLabelsets,
  type RangeVectors,
  type StepVectors,
  stepTimes,
  type Value,
} from '../value.js';
import type { EvalContext } from './context.js';

/**
 * Drops the names that delayed name removal kept until now; returns `v` itself when no
 * label changed.
 */
function cleanupNames(ctx: EvalContext, v: StepVectors): StepVectors {
  if (!ctx.delayedNameRemoval) return v;
  let changed = false;
  const labels = v.labels.map((ls, i) => {
    if (v.dropName[i] !== 1) return ls;
    const out = dropMetricName(ls);
    if (out !== ls) changed = true;
    return out;
  });
  return changed ? { ...v, labels, dropName: new Uint8Array(labels.length) } : v;
}

/** Converts the root's value to the query's result. */
export function toQueryValue(
  ctx: EvalContext,
  value: Value,
  grid: Grid,
  isRange: boolean,
): QueryValue {
  switch (value.kind) {
    case 'string':
      return { type: 'string', t: grid.startMs, v: value.value };
    case 'scalar':
      if (!isRange) return { type: 'scalar', t: grid.startMs, v: value.values[0]! };
      return {
        type: 'matrix',
        series: [
          {
            metric: [],
            timestamps: stepTimes(grid),
            values: Float64Array.from(value.values),
          },
        ],
      };
    case 'range':
      return { type: 'matrix', series: rawSeries(ctx, value, grid.startMs) };
    case 'vector': {
      const v = cleanupNames(ctx, value);
      // Without delayed name removal every operation has already refused equal label
      // sets at a step; names dropped now may make some equal.
      const check = v !== value;
      if (!isRange) return { type: 'vector', samples: instantSamples(v, grid.startMs, check) };
      return { type: 'matrix', series: rangeSeries(mergeSameLabelsets(v), grid) };
    }
  }
}

function instantSamples(v: StepVectors, t: number, check: boolean): InstantSample[] {
  const { nSteps, mask } = v;
  const nRows = v.labels.length;
  // The array at its final size: pushing would grow it step by step, leaving garbage.
  let count = 0;
  for (let r = 0; r < nRows; r++) count += mask[r * nSteps]!;
  const out: InstantSample[] = new Array(count);
  const seen = check ? new LabelSetIndex(ALL_LABELS, nRows) : null;
  for (let r = 0, k = 0; r < nRows; r++) {
    if (mask[r * nSteps] !== 1) continue;
    if (seen !== null) {
      const before = seen.size;
      if (seen.add(v.labels[r]!) < before) throw new ExecutionError(SAME_LABELSET);
    }
    out[k++] = { metric: v.labels[r]!, t, v: v.values[r * nSteps]! };
  }
  return out;
}

/** Doubles per block of result values (64 KiB, well below the C allocator's mmap threshold). */
const BLOCK_DOUBLES = 1 << 13;

/**
 * A range query's series, sorted by labels.
 *
 * Values are copied out of the (pooled) intermediate arrays into blocks of up to 64 KiB,
 * each holding the values of consecutive series, and each series gets a view of its
 * part: one allocation per block rather than one per series (each typed array with a
 * buffer of its own is a system allocation plus the garbage collector's bookkeeping,
 * several times the cost of copying its values), while a block stays small enough for
 * the C allocator to serve from memory that earlier results gave back. (One array for a
 * whole large result would be mapped afresh and pay a page fault per 4 KiB on first
 * write; so would handing out the pooled array itself, since the pool would then map a
 * new one for the next query.) A series longer than a block gets an array of its own.
 *
 * Timestamps: a series present at every step (nearly all of them) gets the one array of
 * the steps' times, one present at a contiguous run of steps a view of it; a series with
 * gaps gets timestamps of its own, in its block right after its values.
 */
function rangeSeries(v: StepVectors, grid: Grid): RangeSeries[] {
  const { nSteps, mask, values } = v;
  const nRows = v.labels.length;
  // The same series as in an earlier query: their order from then (label-list-cache.ts).
  const order = labelOrder(v.labels);
  const times = stepTimes(grid);
  // Each row's first and last step with a value (-1 if none), and its number of values.
  const first = i32(nRows).fill(-1);
  const last = i32(nRows);
  const count = i32(nRows);
  // Doubles each row takes in the blocks: its values, and its timestamps if it has gaps.
  const need = i32(nRows);
  const words = maskWords(mask);
  for (let r = 0; r < nRows; r++) {
    const base = r * nSteps;
    const n = countOnes(mask, base, base + nSteps, words);
    if (n === 0) continue;
    count[r] = n;
    need[r] = n;
    if (n === nSteps) {
      // A value at every step (most rows): no search for the ends.
      first[r] = base;
      last[r] = base + nSteps - 1;
      continue;
    }
    first[r] = mask.indexOf(1, base);
    last[r] = mask.lastIndexOf(1, base + nSteps - 1);
    if (n !== last[r]! - first[r]! + 1) need[r] = 2 * n;
  }
  let block = new Float64Array(0);
  let at = 0;
  const out: RangeSeries[] = [];
  for (let o = 0; o < nRows; o++) {
    const r = order[o]!;
    const f = first[r]!;
    if (f < 0) continue;
    const l = last[r]!;
    const c = count[r]!;
    if (at + need[r]! > block.length) {
      // A new block, sized for this series and the following ones that fit in it.
      let size = need[r]!;
      for (let p = o + 1; p < nRows && size + need[order[p]!]! <= BLOCK_DOUBLES; p++) {
        size += need[order[p]!]!;
      }
      block = new Float64Array(size);
      at = 0;
    }
    const dst = at;
    at += need[r]!;
    const base = r * nSteps;
    if (c === l - f + 1) {
      block.set(values.subarray(f, l + 1), dst);
      out.push({
        metric: v.labels[r]!,
        // A series with a value at every step has the steps' times themselves.
        timestamps: c === nSteps ? times : times.subarray(f - base, l + 1 - base),
        values: block.subarray(dst, dst + c),
      });
      continue;
    }
    // Gaps: the series' own timestamps, in the block after its values.
    for (let i = f, k = 0; i <= l; i++) {
      if (mask[i] !== 1) continue;
      block[dst + c + k] = times[i - base]!;
      block[dst + k++] = values[i]!;
    }
    out.push({
      metric: v.labels[r]!,
      timestamps: block.subarray(dst + c, dst + 2 * c),
      values: block.subarray(dst, dst + c),
    });
  }
  return out;
}

/** A range vector at time `t`: each series' samples in its window, staleness markers left out. */
function rawSeries(ctx: EvalContext, v: RangeVectors, t: number): RangeSeries[] {
  const { window, batch } = v;
  const end = (window.atMs ?? t) - window.offsetMs;
  const start = end - window.rangeMs;
  const closed = ctx.options.compat === 'prometheus2';
  const out: RangeSeries[] = [];
  for (let r = 0; r < v.labels.length; r++) {
    const ts: number[] = [];
    const vs: number[] = [];
    for (let i = batch.offsets[r]!; i < batch.offsets[r + 1]!; i++) {
      const st = batch.ts[i]!;
      if (st > end) break;
      if (closed ? st < start : st <= start) continue;
      const val = batch.values[i]!;
      if (isStaleNaN(val)) continue;
      ts.push(st);
      vs.push(val);
    }
    if (ts.length === 0) continue;
    ctx.totalQueryableSamples += ts.length;
    out.push({
      metric: v.labels[r]!,
      timestamps: Float64Array.from(ts),
      values: Float64Array.from(vs),
    });
  }
  return out;
}

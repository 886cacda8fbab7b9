/**
 * What the evaluator passes between nodes: every value is computed for all steps of a
 * grid at once. An instant vector is a matrix of rows (one per series) × steps with a
 * presence mask; a scalar is one value per step; a range vector keeps raw samples for the
 * range functions that consume it.
 */
import type { SeriesBatch, SeriesSource } from '@promql-ts/kernels';
import { ExecutionError } from './errors.js';
import type { LoadedSeries } from './eval/series.js';
import { ALL_LABELS, LabelSetIndex } from './label-set-index.js';
import { f64, f64Unfilled, i32, u8, u8Unfilled } from './pool.js';
import type { Labels } from './storage.js';

/** Evaluation steps: `startMs, startMs + stepMs, …, endMs` (one step when start = end). */
export interface Grid {
  readonly startMs: number;
  readonly endMs: number;
  /** Milliseconds between steps; Prometheus uses 1 for instant queries. */
  readonly stepMs: number;
  readonly nSteps: number;
}

/** The grid from `startMs` to `endMs` every `stepMs` (empty when end < start). */
export function makeGrid(startMs: number, endMs: number, stepMs: number): Grid {
  const nSteps = endMs < startMs ? 0 : Math.floor((endMs - startMs) / stepMs) + 1;
  return { startMs, endMs, stepMs, nSteps };
}

/** Time of step `i`. */
export function stepTime(grid: Grid, i: number): number {
  return grid.startMs + i * grid.stepMs;
}

/** The times of all the grid's steps. */
export function stepTimes(grid: Grid): Float64Array {
  const out = new Float64Array(grid.nSteps);
  for (let i = 0; i < grid.nSteps; i++) out[i] = grid.startMs + i * grid.stepMs;
  return out;
}

/** The kernels' view of a grid. */
export function kernelGrid(grid: Grid): { startMs: number; stepMs: number; nSteps: number } {
  return { startMs: grid.startMs, stepMs: grid.stepMs, nSteps: grid.nSteps };
}

/** An instant vector at every step of a grid. */
export interface StepVectors {
  readonly kind: 'vector';
  /** One label set per row. */
  readonly labels: Labels[];
  /**
   * Per row: the metric name is to be dropped at the end of the query (delayed name
   * removal). Without delayed name removal it is always 0: names are dropped at once.
   */
  readonly dropName: Uint8Array;
  /** rows × nSteps values, row-major. */
  readonly values: Float64Array;
  /** rows × nSteps presence (1 = the series has a point at that step). */
  readonly mask: Uint8Array;
  readonly nSteps: number;
}

/** A scalar at every step. */
export interface StepScalars {
  readonly kind: 'scalar';
  readonly values: Float64Array;
}

/** A string (the same at every step). */
export interface StringValue {
  readonly kind: 'string';
  readonly value: string;
}

/** How the samples of a range vector are windowed at each step. */
export interface RangeWindow {
  readonly rangeMs: number;
  /** Offset in milliseconds (windows end at the step minus the offset). */
  readonly offsetMs: number;
  /** With `@`: every window ends at this time (minus the offset). */
  readonly atMs: number | null;
  readonly modifier: 'none' | 'anchored' | 'smoothed';
}

/**
 * A range vector: raw samples of each series, concatenated as the kernels take them, and
 * the window to apply at each step.
 */
export interface RangeVectors {
  readonly kind: 'range';
  readonly labels: Labels[];
  /** The samples of every row, packed (for a selector's rows, on first use). */
  readonly batch: SeriesBatch;
  /** For a range selector: its read, which can also hand out its samples batch by batch. */
  readonly source?: LoadedSeries;
  readonly window: RangeWindow;
}

/**
 * The samples of a range value as a kernel takes them: a selector's rows straight from
 * the storage, a batch of them at a time, unless they are packed already.
 */
export function rangeInput(v: RangeVectors): SeriesBatch | SeriesSource {
  return v.source?.kernelInput() ?? v.batch;
}

/**
 * An instant-vector value of `rows` rows for a kernel to write: the kernels write every
 * cell of their output (see @promql-ts/kernels' StepMatrix), so its arrays come from the
 * pool as they are, without zero-filling.
 */
export function kernelOutputVectors(labels: Labels[], nSteps: number): StepVectors {
  const n = labels.length * nSteps;
  return {
    kind: 'vector',
    labels,
    dropName: u8(labels.length),
    values: f64Unfilled(n),
    mask: u8Unfilled(n),
    nSteps,
  };
}

/** The samples a range value holds. */
export function rangeSampleCount(v: RangeVectors): number {
  return v.source?.sampleCount ?? v.batch.offsets[v.batch.offsets.length - 1] ?? 0;
}

/** Any evaluated value. */
export type Value = StepVectors | StepScalars | StringValue | RangeVectors;

/** A new instant-vector value of `rows` rows with nothing present. */
export function emptyVectors(labels: Labels[], nSteps: number, dropName?: Uint8Array): StepVectors {
  const n = labels.length * nSteps;
  return {
    kind: 'vector',
    labels,
    dropName: dropName ?? u8(labels.length),
    values: f64(n),
    mask: u8(n),
    nSteps,
  };
}

/** Number of present points. */
export function countPoints(v: StepVectors): number {
  return countOnes(v.mask, 0, v.mask.length);
}

/**
 * A 32-bit view of the whole buffer under `mask`, for {@link countOnes} over many of its
 * rows: one view for all of them instead of one per call.
 */
export function maskWords(mask: Uint8Array): Uint32Array {
  return new Uint32Array(mask.buffer, 0, mask.buffer.byteLength >>> 2);
}

/**
 * How many of `mask[from..to)` are 1, for a mask of 0/1 bytes: four bytes at a time where
 * the bytes are aligned (a 32-bit word of 0/1 bytes times 0x01010101 holds their sum in
 * its top byte). `words` is {@link maskWords} of `mask`, when the caller has it.
 */
export function countOnes(
  mask: Uint8Array,
  from: number,
  to: number,
  words: Uint32Array | null = null,
): number {
  let n = 0;
  let i = from;
  const abs = mask.byteOffset + i;
  for (let head = (4 - (abs & 3)) & 3; head > 0 && i < to; head--) n += mask[i++]!;
  if (to - i >= 4) {
    const count = (to - i) >>> 2;
    const first = (mask.byteOffset + i) >>> 2;
    const w32 = words ?? maskWords(mask);
    for (let w = first; w < first + count; w++) n += Math.imul(w32[w]!, 0x01010101) >>> 24;
    i += count << 2;
  }
  while (i < to) n += mask[i++]!;
  return n;
}

/**
 * Row copies shorter than this go element by element: `set` of a `subarray` creates a view
 * object per row, which costs more than the copy for the short rows of instant queries
 * (one step each), and leaves garbage behind.
 */
const SHORT_ROW = 32;

/**
 * Copies `n` values of `src` from `from` into `dst` at `at`. A NaN is copied as bytes, so
 * that its payload (a staleness marker) survives whichever way the copy goes.
 */
export function copyValues(
  dst: Float64Array,
  at: number,
  src: Float64Array,
  from: number,
  n: number,
): void {
  if (n >= SHORT_ROW) {
    dst.set(src.subarray(from, from + n), at);
    return;
  }
  for (let i = 0; i < n; i++) {
    const x = src[from + i]!;
    dst[at + i] = x;
    if (Number.isNaN(x)) dst.set(src.subarray(from + i, from + i + 1), at + i);
  }
}

/** Copies `n` flags of `src` from `from` into `dst` at `at` (see {@link copyValues}). */
export function copyMask(
  dst: Uint8Array,
  at: number,
  src: Uint8Array,
  from: number,
  n: number,
): void {
  if (n >= SHORT_ROW) {
    dst.set(src.subarray(from, from + n), at);
    return;
  }
  for (let i = 0; i < n; i++) dst[at + i] = src[from + i]!;
}

/** Keeps only the rows that have at least one point. */
export function dropEmptyRows(v: StepVectors): StepVectors {
  const keep = rowsWithPoints(v);
  return keep === null ? v : selectRows(v, keep);
}

/**
 * The rows of `v` with a point at one step at least, in order; null when every row has
 * one (the usual case, which then allocates nothing). The array is allocated at its
 * final size, counted first.
 */
export function rowsWithPoints(v: StepVectors): number[] | null {
  const { nSteps, mask } = v;
  const nRows = v.labels.length;
  let count = 0;
  for (let r = 0; r < nRows; r++) if (hasPoint(mask, r * nSteps, nSteps)) count++;
  if (count === nRows) return null;
  const keep: number[] = new Array(count);
  for (let r = 0, k = 0; r < nRows; r++) if (hasPoint(mask, r * nSteps, nSteps)) keep[k++] = r;
  return keep;
}

/** Whether the `n` presence bytes of `mask` from `start` hold a point. */
export function hasPoint(mask: Uint8Array, start: number, n: number): boolean {
  for (let s = 0; s < n; s++) if (mask[start + s] === 1) return true;
  return false;
}

/**
 * Arrays of rows' label sets known to hold no two equal sets, without checking again:
 * a storage read's series, a range function's results, the rows of a merge, and subsets
 * of such rows. Keyed by the array itself: an operation that changes labels makes a new
 * array, which is not known until marked.
 */
const distinctRows = new WeakSet<readonly Labels[]>();

/** Marks `labels` as holding no two equal label sets; returns it. */
export function markDistinct<L extends readonly Labels[]>(labels: L): L {
  distinctRows.add(labels);
  return labels;
}

/** Whether `labels` is known to hold no two equal label sets (see {@link markDistinct}). */
export function knownDistinct(labels: readonly Labels[]): boolean {
  return distinctRows.has(labels);
}

/** The rows `rows` of `v` (each at most once), in that order. */
export function selectRows(v: StepVectors, rows: readonly number[]): StepVectors {
  const { nSteps } = v;
  const labels = rows.map((r) => v.labels[r]!);
  // Some of distinct rows, each once, are distinct.
  if (knownDistinct(v.labels)) markDistinct(labels);
  const out = emptyVectors(labels, nSteps);
  for (let i = 0; i < rows.length; i++) {
    const src = rows[i]! * nSteps;
    copyValues(out.values, i * nSteps, v.values, src, nSteps);
    copyMask(out.mask, i * nSteps, v.mask, src, nSteps);
    out.dropName[i] = v.dropName[rows[i]!]!;
  }
  return out;
}

/**
 * Merges rows whose label sets are equal, as Prometheus's range evaluation collects the
 * points of one output series: points of different rows must fall on different steps,
 * otherwise the vector holds the same label set twice at one time, which is an error.
 */
export function mergeSameLabelsets(v: StepVectors): StepVectors {
  if (knownDistinct(v.labels)) return v;
  const { nSteps } = v;
  const sets = new LabelSetIndex(ALL_LABELS, v.labels.length);
  const rows: number[] = [];
  let duplicates = false;
  const target = i32(v.labels.length);
  for (let r = 0; r < v.labels.length; r++) {
    const ord = sets.add(v.labels[r]!);
    if (ord === rows.length) {
      rows.push(r);
      target[r] = r;
    } else {
      duplicates = true;
      target[r] = rows[ord]!;
    }
  }
  if (!duplicates) {
    markDistinct(v.labels);
    return v;
  }
  const index = new Map(rows.map((r, i) => [r, i]));
  const out = selectRows(v, rows);
  for (let r = 0; r < v.labels.length; r++) {
    const t = target[r]!;
    if (t === r) continue;
    const dst = index.get(t)! * nSteps;
    const src = r * nSteps;
    for (let s = 0; s < nSteps; s++) {
      if (v.mask[src + s] !== 1) continue;
      if (out.mask[dst + s] === 1) {
        throw new ExecutionError('vector cannot contain metrics with the same labelset');
      }
      out.mask[dst + s] = 1;
      out.values[dst + s] = v.values[src + s]!;
    }
    if (v.dropName[r] === 1) out.dropName[index.get(t)!] = 1;
  }
  markDistinct(out.labels);
  return out;
}

/** A scalar value holding `x` at every step. */
export function constantScalars(x: number, nSteps: number): StepScalars {
  return { kind: 'scalar', values: f64(nSteps).fill(x) };
}

/**
 * The series of one storage read: labels and sample counts at once, the samples
 * themselves when an operator asks for them. A range function over many series reads
 * them a batch of series at a time, straight from the storage into the kernels' memory
 * (as a `SeriesSource`); every other operator takes them packed into one batch, once.
 */
import type { SeriesBatch, SeriesSource } from '@promql-ts/kernels';
import { f64 } from '../pool.js';
import type { Labels } from '../storage.js';
import type { RangeVectors, RangeWindow } from '../value.js';

/** Copies the samples of series `[from, to)` into `ts`/`values` from index 0. */
export type CopyRows = (from: number, to: number, ts: Float64Array, values: Float64Array) => void;

/** The series one storage read returned, in its order. */
export class LoadedSeries implements SeriesSource {
  #batch: SeriesBatch | null = null;
  readonly #copyRows: CopyRows | null = null;

  /**
   * @param offsets `labels.length + 1` offsets: series `i` has `offsets[i + 1] -
   *   offsets[i]` samples.
   * @param samples the samples packed, or how to copy them out of the storage.
   */
  constructor(
    readonly labels: Labels[],
    readonly offsets: Uint32Array,
    samples: SeriesBatch | CopyRows,
  ) {
    if (typeof samples === 'function') this.#copyRows = samples;
    else this.#batch = samples;
  }

  /** The number of samples of all the series. */
  get sampleCount(): number {
    return this.offsets[this.offsets.length - 1] ?? 0;
  }

  /** All the samples in one batch, packed (from the query's buffers) on first use. */
  get batch(): SeriesBatch {
    if (this.#batch === null) {
      const n = this.sampleCount;
      const ts = f64(n);
      const values = f64(n);
      this.#copyRows!(0, this.labels.length, ts, values);
      this.#batch = { ts, values, offsets: this.offsets };
    }
    return this.#batch;
  }

  /**
   * The samples as a kernel takes them: the packed batch when there is one (reading it
   * costs nothing), otherwise this source, copied a batch of series at a time.
   */
  kernelInput(): SeriesBatch | SeriesSource {
    return this.#batch ?? this;
  }

  /** See `SeriesSource.copy`. */
  copy(from: number, to: number, ts: Float64Array, values: Float64Array): void {
    if (this.#batch === null) {
      this.#copyRows!(from, to, ts, values);
      return;
    }
    const lo = this.offsets[from]!;
    const hi = this.offsets[to]!;
    ts.set(this.#batch.ts.subarray(lo, hi));
    values.set(this.#batch.values.subarray(lo, hi));
  }

  /** The samples of series `r` (views of the batch when packed, a copy otherwise). */
  row(r: number): { ts: Float64Array; values: Float64Array } {
    const lo = this.offsets[r]!;
    const hi = this.offsets[r + 1]!;
    if (this.#batch !== null) {
      return { ts: this.#batch.ts.subarray(lo, hi), values: this.#batch.values.subarray(lo, hi) };
    }
    const ts = f64(hi - lo);
    const values = f64(hi - lo);
    this.#copyRows!(r, r + 1, ts, values);
    return { ts, values };
  }
}

/**
 * A range value whose rows are the series of `source` (a range selector's read, or a
 * subquery's rows), packed only when an operator reads `batch`.
 *
 * A class rather than an object literal with a `batch` getter: V8 gives each such literal
 * a hidden class of its own (the getter is a new closure every time), allocated in its
 * old generation, so the getter's closure, and through it the whole read (its labels and
 * everything the storage's copy function keeps), stayed alive past the next young-
 * generation collections until a full one. Objects of this class share one.
 */
export class SourcedRange implements RangeVectors {
  readonly kind = 'range';
  readonly labels: Labels[];

  constructor(
    readonly source: LoadedSeries,
    readonly window: RangeWindow,
  ) {
    this.labels = source.labels;
  }

  get batch(): SeriesBatch {
    return this.source.batch;
  }
}

import { grown, grownSize } from './grown.js';

/**
 * Each series' newest partition, by series id, in columns: where its samples are and
 * their first and last timestamps.
 *
 * Nearly every query reads the recent end of its series (an instant query reads the
 * last few minutes, a dashboard's range query the last hours), and a read that starts in
 * a series' newest partition finds all its samples there. Through the series object that
 * read is a chain of dependent memory accesses per series (the series, its chunk list,
 * the chunk, the chunk's array object, then the samples); with the CPU caches cold, as
 * between two queries, each is a trip to memory. Here the series' entries sit in dense
 * typed arrays that a scan of ascending ids reads in order, and the sample arrays are
 * the arena's slabs, which many series share: only the samples themselves are left to
 * fetch (and none for a read of each series' newest sample, which the table holds). `MemSeries` publishes its entry after every change
 * ({@link NewestTable.set} / {@link NewestTable.clear}); `MemoryStorage.selectColumns`
 * reads it.
 *
 * The arrays an entry points to are never modified where it points (appends write past
 * the published length, rewrites make new arrays), so positions read from an entry stay
 * valid after later writes.
 */
export class NewestTable {
  /** Timestamp of the newest partition's first sample; +Infinity when the series has none. */
  first: Float64Array = new Float64Array(0);
  /** Timestamp of the series' newest sample; -Infinity when it has none. */
  last: Float64Array = new Float64Array(0);
  /** Value of the series' newest sample (bit for bit). */
  lastValue: Float64Array = new Float64Array(0);
  /** Index in `arrays[id]` of the partition's first timestamp. */
  tsAt: Int32Array = new Int32Array(0);
  /** Index in `arrays[id]` of the partition's first value. */
  vsAt: Int32Array = new Int32Array(0);
  /** Samples in the newest partition. */
  len: Int32Array = new Int32Array(0);
  /** The array holding the partition's timestamps and values (often a shared arena slab). */
  arrays: (Float64Array | null)[] = [];

  /** Makes room for series ids up to `id`, with an empty entry for each new one. */
  ensure(id: number): void {
    const old = this.first.length;
    if (id < old) return;
    const size = grownSize(old, id);
    this.first = grown(this.first, size, Number.POSITIVE_INFINITY);
    this.last = grown(this.last, size, Number.NEGATIVE_INFINITY);
    this.lastValue = grown(this.lastValue, size);
    this.tsAt = grown(this.tsAt, size);
    this.vsAt = grown(this.vsAt, size);
    this.len = grown(this.len, size);
    for (let i = this.arrays.length; i < size; i++) this.arrays.push(null);
  }

  /**
   * Records series `id`'s newest partition: `len` (at least 1) samples, timestamps at
   * `array[tsAt …]`, values at `array[vsAt …]`.
   */
  set(id: number, array: Float64Array, tsAt: number, vsAt: number, len: number): void {
    this.arrays[id] = array;
    this.tsAt[id] = tsAt;
    this.vsAt[id] = vsAt;
    this.len[id] = len;
    this.first[id] = array[tsAt]!;
    this.last[id] = array[tsAt + len - 1]!;
    this.lastValue.set(array.subarray(vsAt + len - 1, vsAt + len), id);
  }

  /** Series `id`'s newest partition grew to `len` samples, `(t, v)` the last. */
  grew(id: number, len: number, t: number, v: number): void {
    this.len[id] = len;
    this.last[id] = t;
    this.lastValue[id] = v;
  }

  /** Records that series `id` has no samples (or none readable through the table). */
  clear(id: number): void {
    this.arrays[id] = null;
    this.len[id] = 0;
    this.first[id] = Number.POSITIVE_INFINITY;
    this.last[id] = Number.NEGATIVE_INFINITY;
  }
}

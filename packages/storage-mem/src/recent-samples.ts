/**
 * The last few samples of every series, by series id, side by side in one array: a ring
 * of `k` timestamps and `k` values per series.
 *
 * An instant query reads a short window at the recent end of each of its series (the
 * last 5 minutes: 21 samples at 15 s scrapes). Read from the chunks, each series' window
 * lies in its own chunk somewhere in memory, its timestamps and values 4 KiB or more
 * apart: with the caches cold, as between two queries, that is several trips to memory
 * per series, for the pages as much as for the samples. Here consecutive series ids
 * have their rings next to each other (512 bytes per series with 32 samples), so a read
 * of ascending ids moves through memory in order. The price is `16 × k` bytes per series
 * and two more stores per appended sample.
 *
 * Samples are numbered per series from 0 in the order they enter the ring; the ring holds
 * numbers `[written - filled, written)`, consecutive numbers in consecutive slots (modulo
 * `k`), the newest just before slot `next`. A rewrite of the series'
 * past (an out-of-order insert, a deletion) refills the ring from the series' chunks
 * under new numbers, so that a reader holding old numbers finds them gone, and reads the
 * chunks instead.
 */
import type { FloatChunk } from '@promql-ts/engine';
import { grown, grownSize } from './grown.js';
import type { Postings } from './postings.js';
import { SHORT_RUN, touchRun } from './prefetch.js';

export class RecentSamples {
  /** Samples kept per series (0: none, the ring is off). */
  readonly k: number;
  /** Per series id, at `id × 2k`: `k` timestamps, then `k` values, by slot. */
  data: Float64Array = new Float64Array(0);
  /** Per series id: the number the next sample will get. */
  written: Float64Array = new Float64Array(0);
  /**
   * Per series id: the slot the next sample goes to. Sample `number` is in slot `next -
   * (written - number)` (plus k when below 0): reads find their slots with integer
   * arithmetic, where `number % k` would be a call to the C library's `fmod` (`written`
   * is a double), twice per series read.
   */
  next: Int32Array = new Int32Array(0);
  /** Per series id: how many samples the ring holds (at most `k`). */
  filled: Int32Array = new Int32Array(0);
  /** Per series id: 1 when the ring holds every sample of the series. */
  complete: Uint8Array = new Uint8Array(0);
  /** Per series id: the timestamp of the oldest sample in the ring. */
  oldest: Float64Array = new Float64Array(0);

  constructor(k: number) {
    this.k = k;
  }

  /** Makes room for series ids up to `id`. */
  ensure(id: number): void {
    const old = this.written.length;
    if (this.k === 0 || id < old) return;
    const size = grownSize(old, id);
    this.data = grown(this.data, size * 2 * this.k);
    this.written = grown(this.written, size);
    this.next = grown(this.next, size);
    this.filled = grown(this.filled, size);
    this.complete = grown(this.complete, size);
    this.oldest = grown(this.oldest, size);
  }

  /** Series `id` is new, or has no samples any more: an empty ring. */
  reset(id: number): void {
    if (this.k === 0) return;
    // New numbers, past any a reader may hold (the same slots: k more).
    this.written[id]! += this.k;
    this.filled[id] = 0;
    this.complete[id] = 1;
  }

  /** Appends a sample newer than all of series `id`'s. */
  push(id: number, t: number, v: number): void {
    const k = this.k;
    if (k === 0) return;
    const slot = this.next[id]!;
    const base = id * 2 * k;
    this.data[base + slot] = t;
    this.data[base + k + slot] = v;
    this.written[id]! += 1;
    this.next[id] = slot === k - 1 ? 0 : slot + 1;
    const f = this.filled[id]!;
    if (f === 0) this.oldest[id] = t;
    if (f < k) this.filled[id] = f + 1;
    else {
      this.complete[id] = 0;
      this.oldest[id] = this.data[base + (slot === k - 1 ? 0 : slot + 1)]!;
    }
  }

  /** Appends the newest samples of `ts`/`vs` `[from, to)`, all newer than series `id`'s. */
  pushRun(
    id: number,
    ts: ArrayLike<number>,
    vs: ArrayLike<number>,
    from: number,
    to: number,
  ): void {
    const k = this.k;
    if (k === 0) return;
    // Only the last k can stay; the ones before them are dropped from the ring.
    if (to - from > k) {
      this.written[id]! += to - from - k;
      this.filled[id] = k;
      this.complete[id] = 0;
      from = to - k;
    }
    for (let i = from; i < to; i++) this.push(id, ts[i]!, vs[i]!);
  }

  /**
   * Whether series `id`'s ring holds every sample at or after `start`, so that a read from
   * `start` on can take them all from it: when it holds one at or before `start`, or the
   * whole series.
   */
  holdsFrom(id: number, start: number): boolean {
    if (this.k === 0 || this.filled[id] === 0) return false;
    return this.oldest[id]! <= start || this.complete[id] === 1;
  }

  /**
   * Brings into the CPU's caches, ahead of a read of series `ids[from, to)` from `start`
   * on, the newest samples (at most {@link SHORT_RUN}, timestamps and values) of each
   * ring that {@link holdsFrom} `start`: the rings the read will use (see prefetch.ts).
   */
  prefetch(ids: Postings, start: number, from: number, to: number): void {
    const k = this.k;
    if (k === 0) return;
    const { data, filled, next } = this;
    for (let i = from; i < to; i++) {
      const id = ids[i]!;
      if (!this.holdsFrom(id, start)) continue;
      const m = Math.min(filled[id]!, SHORT_RUN);
      const base = id * 2 * k;
      const end = next[id]!;
      // Slots [end - m, end), modulo k: one run, or two when they wrap.
      const first = end - m;
      if (first >= 0) {
        touchRun(data, base + first, m);
        touchRun(data, base + k + first, m);
      } else {
        touchRun(data, base + k + first, -first);
        touchRun(data, base + 2 * k + first, -first);
        touchRun(data, base, end);
        touchRun(data, base + k, end);
      }
    }
  }

  /**
   * Copies `n` samples of series `id` numbered from `number` into `ts`/`vs` at `at`;
   * returns the index after them, or -1 when the ring no longer holds them all.
   */
  copy(
    id: number,
    number: number,
    n: number,
    ts: Float64Array,
    vs: Float64Array,
    at: number,
  ): number {
    const k = this.k;
    const written = this.written[id]!;
    if (number < written - this.filled[id]! || number + n > written) return -1;
    const data = this.data;
    const base = id * 2 * k;
    // Sample `number` is `written - number` samples before the next one.
    let slot = this.next[id]! - (written - number);
    if (slot < 0) slot += k;
    for (let i = 0; i < n; i++) {
      ts[at + i] = data[base + slot]!;
      const v = data[base + k + slot]!;
      vs[at + i] = v;
      // A NaN again as bytes, so that its payload (the staleness marker) survives.
      if (Number.isNaN(v)) vs.set(data.subarray(base + k + slot, base + k + slot + 1), at + i);
      slot = slot === k - 1 ? 0 : slot + 1;
    }
    return at + n;
  }

  /**
   * Refills series `id`'s ring from its chunks (sealed chunks then the head's), after a
   * change other than an append; `samples` is the series' sample count.
   */
  rebuild(id: number, chunks: readonly FloatChunk[], samples: number): void {
    if (this.k === 0) return;
    this.reset(id);
    const want = Math.min(this.k, samples);
    // The chunks that hold the last `want` samples, oldest first.
    let first = chunks.length;
    let have = 0;
    while (first > 0 && have < want) have += chunks[--first]!.timestamps.length;
    let skip = have - want;
    for (let c = first; c < chunks.length; c++) {
      const { timestamps, values } = chunks[c]!;
      const n = timestamps.length;
      const from = Math.min(skip, n);
      skip -= from;
      this.pushRun(id, timestamps, values, from, n);
    }
    this.complete[id] = samples <= this.k ? 1 : 0;
  }
}

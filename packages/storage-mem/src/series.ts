/**
 * One series' samples: time-partitioned chunks of `Float64Array` timestamps and values.
 *
 * - Sealed chunks are exact-size `FloatChunk`s, in time order, one per partition of
 *   `rangeMs` (aligned to multiples of it). Their arrays are views into large shared
 *   slabs (the {@link Arena}), so a sealed chunk costs 16 bytes per sample plus one small
 *   object and two typed-array headers, and reads hand these very objects out.
 * - The head is the chunk being appended to: its own buffer `[t0 … t(cap-1) | v0 …
 *   v(cap-1)]` with spare capacity. When the next partition starts (or on trim) it is
 *   copied into the arena as a sealed chunk. Appending to the newest partition after it
 *   was sealed "reopens" it into a head.
 *
 * Nothing visible to a reader is ever modified: chunk arrays and chunk lists are
 * replaced, never edited, and appends write past the end of every view handed out.
 */
import type { FloatChunk, Labels } from '@promql-ts/engine';
import type { NewestTable } from './newest-table.js';
import { SHORT_RUN } from './prefetch.js';
import type { RecentSamples } from './recent-samples.js';
import { sameBits } from './values.js';

/** Doubles per arena slab (1 MiB: small enough that the unused tail of the current slab stays negligible). */
const SLAB_DOUBLES = 1 << 17;
/** Chunks above this many doubles get their own buffer instead of slab space. */
const MAX_SLAB_CHUNK = SLAB_DOUBLES >> 3;
const MIN_HEAD_CAPACITY = 8;
const EMPTY: readonly FloatChunk[] = Object.freeze([]);

/**
 * The array over the whole of a buffer that chunk and head arrays are views into, for
 * the {@link NewestTable}: the arena's slab itself for arena views (registered when the
 * slab is made), the view itself when it covers its buffer, else a view made once.
 */
const wholeArrays = new WeakMap<ArrayBufferLike, Float64Array>();

function wholeArray(view: Float64Array): Float64Array {
  if (view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) return view;
  let whole = wholeArrays.get(view.buffer);
  if (whole === undefined) {
    whole = new Float64Array(view.buffer);
    wholeArrays.set(view.buffer, whole);
  }
  return whole;
}

/**
 * A bump allocator for sealed chunks: carves exact-size chunks out of 1 MiB slabs. It
 * never frees: a slab's memory goes back when no chunk in it is referenced any more.
 * Chunks that are rewritten (out-of-order inserts, deletions) leave their slab for a
 * buffer of their own, so each sealed chunk leaves at most one hole behind.
 */
export class Arena {
  #slab: Float64Array | null = null;
  #used = 0;

  /** A new sealed chunk of `n` samples, to be filled by the caller. */
  chunk(n: number): FloatChunk {
    const doubles = 2 * n;
    if (doubles > MAX_SLAB_CHUNK) return ownChunk(n);
    const at = this.#reserve(doubles);
    const slab = this.#slab!;
    return {
      kind: 'float',
      timestamps: slab.subarray(at, at + n),
      values: slab.subarray(at + n, at + doubles),
    };
  }

  /** Room for a head of `capacity` samples (`[timestamps | values]`), or null if too big. */
  head(capacity: number): Float64Array | null {
    const doubles = 2 * capacity;
    if (doubles > MAX_SLAB_CHUNK) return null;
    const at = this.#reserve(doubles);
    return this.#slab!.subarray(at, at + doubles);
  }

  #reserve(doubles: number): number {
    if (this.#slab === null || this.#used + doubles > SLAB_DOUBLES) {
      this.#slab = new Float64Array(SLAB_DOUBLES);
      wholeArrays.set(this.#slab.buffer, this.#slab);
      this.#used = 0;
    }
    const at = this.#used;
    this.#used += doubles;
    return at;
  }
}

/** A sealed chunk of `n` samples with a buffer of its own. */
function ownChunk(n: number): FloatChunk {
  const buf = new Float64Array(2 * n);
  return { kind: 'float', timestamps: buf.subarray(0, n), values: buf.subarray(n) };
}

/** What a series needs from its storage to change its chunks. */
export interface ChunkContext {
  readonly arena: Arena;
  readonly rangeMs: number;
}

/**
 * First index in `ts[lo, hi)` with `ts[i] >= t` (`hi` if none). Starts where the value
 * would be if timestamps were evenly spaced, then gallops: with regular scrapes that is
 * one or two probes instead of a dozen, and each probe into a large, cold array is a
 * cache miss.
 */
export function lowerBound(ts: Float64Array, lo: number, hi: number, t: number): number {
  if (lo >= hi || ts[lo]! >= t) return lo;
  if (ts[hi - 1]! < t) return hi;
  return lowerBoundInside(ts, lo, hi, t, ts[lo]!, ts[hi - 1]!);
}

/**
 * {@link lowerBound} when `ts[lo] = first < t <= last = ts[hi - 1]`, with those two
 * timestamps already known (from the {@link NewestTable}): it reads neither of them.
 */
export function lowerBoundInside(
  ts: Float64Array,
  lo: number,
  hi: number,
  t: number,
  first: number,
  last: number,
): number {
  // Invariant: ts[lo] < t <= ts[hi - 1].
  const span = last - first;
  let k = lo + Math.floor(((t - first) / span) * (hi - 1 - lo));
  if (k <= lo) k = lo + 1;
  if (k >= hi) k = hi - 1;
  let a: number; // ts[a] < t
  let b: number; // ts[b] >= t
  if (ts[k]! >= t) {
    b = k;
    let step = 1;
    a = k - 1;
    while (ts[a]! >= t) {
      b = a;
      a = Math.max(lo, a - step);
      step *= 2;
    }
  } else {
    a = k;
    let step = 1;
    b = k + 1;
    while (ts[b]! < t) {
      a = b;
      b = Math.min(hi - 1, b + step);
      step *= 2;
    }
  }
  while (b - a > 1) {
    const mid = (a + b) >>> 1;
    if (ts[mid]! < t) a = mid;
    else b = mid;
  }
  return b;
}

/** First index in `ts[lo, hi)` with `ts[i] > t`; timestamps are integers. */
function upperBound(ts: Float64Array, lo: number, hi: number, t: number): number {
  return lowerBound(ts, lo, hi, Math.floor(t) + 1);
}

/** `list` plus `c` at index `at` (default: the end), as a new exact-size array. */
function withChunk(list: readonly FloatChunk[], c: FloatChunk, at = list.length): FloatChunk[] {
  const out = new Array<FloatChunk>(list.length + 1);
  for (let i = 0; i < at; i++) out[i] = list[i]!;
  out[at] = c;
  for (let i = at; i < list.length; i++) out[i + 1] = list[i]!;
  return out;
}

/**
 * Copies samples `[lo, hi)` (values at `valueBase + i` of `cvs`) into `ts`/`vs` at `k`;
 * returns the index after them. Runs longer than {@link SHORT_RUN} are copied as bytes;
 * shorter ones element by element, a NaN again as bytes so that its payload (the
 * staleness marker) survives. Two views and two `set` calls cost more than the loop up to
 * about that length: an instant query's 10 minute windows (41 samples at 15 s, read from
 * cache after the prefetch) copied 1.02–1.15× faster than with a bound of 32.
 */
export function copySamples(
  cts: Float64Array,
  cvs: Float64Array,
  lo: number,
  hi: number,
  ts: Float64Array,
  vs: Float64Array,
  k: number,
  valueBase = 0,
): number {
  if (hi - lo > SHORT_RUN) {
    ts.set(cts.subarray(lo, hi), k);
    vs.set(cvs.subarray(valueBase + lo, valueBase + hi), k);
    return k + hi - lo;
  }
  for (let i = lo; i < hi; i++, k++) {
    ts[k] = cts[i]!;
    const v = cvs[valueBase + i]!;
    vs[k] = v;
    if (Number.isNaN(v)) vs.set(cvs.subarray(valueBase + i, valueBase + i + 1), k);
  }
  return k;
}

/** Samples `[from, to)` of the inputs into `ts` / `vs` at `at`. */
function copyRun(
  ts: Float64Array,
  vs: Float64Array,
  at: number,
  srcTs: ArrayLike<number>,
  srcVs: ArrayLike<number>,
  from: number,
  to: number,
): void {
  if (srcTs instanceof Float64Array && srcVs instanceof Float64Array) {
    ts.set(srcTs.subarray(from, to), at);
    vs.set(srcVs.subarray(from, to), at);
    return;
  }
  for (let i = from; i < to; i++) {
    ts[at + i - from] = srcTs[i]!;
    vs[at + i - from] = srcVs[i]!;
  }
}

/** Prometheus's `memSeries`: labels and samples of one series. */
export class MemSeries {
  readonly id: number;
  readonly labels: Labels;
  /** Sealed chunks in time order. Replaced, never modified: readers may hold it. */
  chunks: readonly FloatChunk[] = EMPTY;
  /** Where this series publishes its newest partition (see `newest-table.ts`). */
  readonly #table: NewestTable;
  /** Where this series keeps its last samples (see `recent-samples.ts`). */
  readonly #recent: RecentSamples;
  /** The chunk being appended to, or null. */
  head: Float64Array | null = null;
  /** Whether `head` lives in the arena (then it is sealed in place, without a copy). */
  headInArena = false;
  headLen = 0;
  /** Cached view of the head's `headLen` samples. */
  headView: FloatChunk | null = null;
  /** Exclusive end of the newest chunk's partition: an in-order sample past it opens one. */
  headEnd = Number.NEGATIVE_INFINITY;
  minT = Number.POSITIVE_INFINITY;
  maxT = Number.NEGATIVE_INFINITY;
  samples = 0;
  /** Cached list of all chunks (sealed + head view), for reads of the whole series. */
  all: readonly FloatChunk[] | null = null;

  constructor(id: number, labels: Labels, table: NewestTable, recent: RecentSamples) {
    this.id = id;
    this.labels = labels;
    this.#table = table;
    table.ensure(id);
    table.clear(id);
    this.#recent = recent;
    recent.ensure(id);
    recent.reset(id);
  }

  // === Writes ===

  /** Appends a sample newer than every sample held (`t > maxT`). */
  appendInOrder(t: number, v: number, ctx: ChunkContext): void {
    const before = this.head;
    if (t >= this.headEnd) this.#startPartition(t, ctx);
    else if (this.head === null) this.#reopen(1);
    let buf = this.head!;
    let cap = buf.length >> 1;
    if (this.headLen === cap) {
      buf = this.#grow(this.#nextCapacity(buf, t));
      cap = buf.length >> 1;
    }
    buf[this.headLen] = t;
    buf[cap + this.headLen] = v;
    this.headLen++;
    if (this.samples === 0) this.minT = t;
    this.maxT = t;
    this.samples++;
    this.all = null;
    if (buf === before && this.headLen > 1) this.#table.grew(this.id, this.headLen, t, v);
    else this.#publish();
    this.#recent.push(this.id, t, v);
  }

  /**
   * Appends samples that are strictly increasing, valid and newer than every sample
   * held: straight into exact-size arena chunks, one per partition.
   */
  appendBulk(ts: ArrayLike<number>, vs: ArrayLike<number>, ctx: ChunkContext): void {
    const n = ts.length;
    let i = 0;
    if (this.samples > 0 && ts[0]! < this.headEnd) {
      // The first run continues the newest partition.
      let j = 1;
      while (j < n && ts[j]! < this.headEnd) j++;
      if (this.head === null) this.#reopen(j);
      let buf = this.head!;
      const needed = this.headLen + j;
      if (needed > buf.length >> 1) buf = this.#grow(Math.max(needed, buf.length));
      const cap = buf.length >> 1;
      copyRun(buf.subarray(0, cap), buf.subarray(cap), this.headLen, ts, vs, 0, j);
      this.headLen = needed;
      i = j;
    }
    while (i < n) {
      const end = (Math.floor(ts[i]! / ctx.rangeMs) + 1) * ctx.rangeMs;
      let j = i + 1;
      while (j < n && ts[j]! < end) j++;
      this.#closeHead(ctx.arena);
      const c = ctx.arena.chunk(j - i);
      copyRun(c.timestamps, c.values, 0, ts, vs, i, j);
      this.chunks = withChunk(this.chunks, c);
      this.headEnd = end;
      i = j;
    }
    if (this.samples === 0) this.minT = ts[0]!;
    this.maxT = ts[n - 1]!;
    this.samples += n;
    this.all = null;
    this.#publish();
    this.#recent.pushRun(this.id, ts, vs, 0, n);
  }

  /** The value of the newest sample (the series must not be empty). */
  newestValue(): number {
    if (this.head !== null) return this.head[(this.head.length >> 1) + this.headLen - 1]!;
    const last = this.chunks[this.chunks.length - 1]!.values;
    return last[last.length - 1]!;
  }

  /**
   * Inserts a sample older than the newest one (`t < maxT`) into the chunk of its
   * partition, as a copy. A sample at an existing timestamp is `'identical'` (same
   * bits) or a duplicate, and changes nothing.
   */
  insert(
    t: number,
    v: number,
    ctx: ChunkContext,
  ): 'added' | 'identical' | 'duplicate sample for timestamp' {
    this.#closeHead(null);
    this.#publish();
    const chunks = this.chunks;
    const i = firstEndingAtOrAfter(chunks, t);
    const c = chunks[i]!;
    const n = c.timestamps.length;
    const k = lowerBound(c.timestamps, 0, n, t);
    if (k < n && c.timestamps[k] === t) {
      return sameBits(c.values[k]!, v) ? 'identical' : 'duplicate sample for timestamp';
    }
    const part = Math.floor(t / ctx.rangeMs);
    let next: FloatChunk[];
    if (k > 0 || Math.floor(c.timestamps[0]! / ctx.rangeMs) === part) {
      next = chunks.slice();
      next[i] = inserted(c, k, t, v);
    } else if (i > 0 && Math.floor(lastTs(chunks[i - 1]!) / ctx.rangeMs) === part) {
      const prev = chunks[i - 1]!;
      next = chunks.slice();
      next[i - 1] = inserted(prev, prev.timestamps.length, t, v);
    } else {
      const one = ownChunk(1);
      one.timestamps[0] = t;
      one.values[0] = v;
      next = withChunk(chunks, one, i);
    }
    this.chunks = next;
    if (t < this.minT) this.minT = t;
    this.samples++;
    this.all = null;
    this.#publish();
    this.#recent.rebuild(this.id, this.#allChunks(), this.samples);
    return 'added';
  }

  /**
   * Deletes the samples with `start <= t <= end` (`t < end` when `endInclusive` is
   * false) and returns how many.
   */
  deleteRange(start: number, end: number, endInclusive: boolean, ctx: ChunkContext): number {
    if (this.samples === 0 || this.maxT < start || this.minT > end) return 0;
    if (!endInclusive && this.minT >= end) return 0;
    this.#closeHead(null);
    this.#publish();
    const next: FloatChunk[] = [];
    let removed = 0;
    for (const c of this.chunks) {
      const ts = c.timestamps;
      const n = ts.length;
      const lo = lowerBound(ts, 0, n, start);
      const hi = endInclusive ? upperBound(ts, lo, n, end) : lowerBound(ts, lo, n, end);
      if (lo >= hi) {
        next.push(c);
        continue;
      }
      removed += hi - lo;
      const keep = n - (hi - lo);
      if (keep === 0) continue;
      const out = ownChunk(keep);
      out.timestamps.set(ts.subarray(0, lo), 0);
      out.timestamps.set(ts.subarray(hi), lo);
      out.values.set(c.values.subarray(0, lo), 0);
      out.values.set(c.values.subarray(hi), lo);
      next.push(out);
    }
    if (removed === 0) return 0;
    this.chunks = next.length === 0 ? EMPTY : next;
    this.samples -= removed;
    this.all = null;
    if (next.length === 0) {
      this.minT = Number.POSITIVE_INFINITY;
      this.maxT = Number.NEGATIVE_INFINITY;
      this.headEnd = Number.NEGATIVE_INFINITY;
    } else {
      const last = next[next.length - 1]!;
      this.minT = next[0]!.timestamps[0]!;
      this.maxT = lastTs(last);
      this.headEnd = (Math.floor(last.timestamps[0]! / ctx.rangeMs) + 1) * ctx.rangeMs;
    }
    this.#publish();
    this.#recent.rebuild(this.id, this.#allChunks(), this.samples);
    return removed;
  }

  /**
   * Seals the head without spare capacity: in place when it lives in the arena or is
   * full, else copied into an exact buffer of its own (not into the arena, so that a
   * series reopened after every trim leaves no holes there).
   */
  trim(): void {
    this.#closeHead(null);
    this.#publish();
  }

  // === Reads ===

  /** Views of the samples in `[start, end]`: whole chunks where possible, else slices. */
  chunksIn(start: number, end: number): readonly FloatChunk[] {
    if (this.samples === 0 || this.maxT < start || this.minT > end) return EMPTY;
    if (start <= this.minT && end >= this.maxT) return this.#allChunks();
    if (!this.hasSamplesIn(start, end)) return EMPTY;
    const chunks = this.chunks;
    const nc = chunks.length;
    let out: FloatChunk[] | null = null;
    const first = this.#firstChunkFor(start);
    // Whole chunks, not trimmed views: the interface lets a read hold samples outside the
    // range (the engine windows them exactly), and this saves two views per chunk.
    for (let i = first; i < nc; i++) {
      const c = chunks[i]!;
      const ts = c.timestamps;
      const n = ts.length;
      if (ts[0]! > end) return out ?? EMPTY;
      if (ts[n - 1]! < start) continue;
      if (out === null) out = [c];
      else out.push(c);
    }
    const buf = this.head;
    if (buf !== null) {
      const n = this.headLen;
      if (buf[0]! <= end && buf[n - 1]! >= start) {
        const piece = this.#headFull();
        if (out === null) out = [piece];
        else out.push(piece);
      }
    }
    return out ?? EMPTY;
  }

  /**
   * The number of samples in `[start, end]`. (`MemoryStorage` reads a range that starts
   * in the newest partition through the {@link NewestTable}, without this.)
   */
  countIn(start: number, end: number): number {
    if (this.samples === 0 || this.maxT < start || this.minT > end) return 0;
    let n = 0;
    const chunks = this.chunks;
    const nc = chunks.length;
    for (let i = this.#firstChunkFor(start); i < nc; i++) {
      const ts = chunks[i]!.timestamps;
      const len = ts.length;
      if (ts[0]! > end) return n;
      const [lo, hi] = bounds(ts, len, start, end);
      n += hi - lo;
    }
    const buf = this.head;
    const len = this.headLen;
    if (buf !== null && len > 0 && buf[0]! <= end && buf[len - 1]! >= start) {
      const [lo, hi] = bounds(buf, len, start, end);
      n += hi - lo;
    }
    return n;
  }

  /**
   * Copies the samples in `[start, end]`, at most `max` of them (the first ones), into
   * `ts`/`vs` from index `at` (which must have room for {@link countIn} of them, or
   * `max`); returns the index after the last one written.
   */
  copyIn(
    start: number,
    end: number,
    ts: Float64Array,
    vs: Float64Array,
    at: number,
    max = Number.POSITIVE_INFINITY,
  ): number {
    const limit = at + max;
    let k = at;
    const chunks = this.chunks;
    const nc = chunks.length;
    for (let i = this.#firstChunkFor(start); i < nc && k < limit; i++) {
      const c = chunks[i]!;
      const cts = c.timestamps;
      const len = cts.length;
      if (cts[0]! > end) return k;
      const [lo, hi] = bounds(cts, len, start, end);
      if (lo < hi) k = copySamples(cts, c.values, lo, Math.min(hi, lo + limit - k), ts, vs, k);
    }
    const buf = this.head;
    const len = this.headLen;
    if (k < limit && buf !== null && len > 0 && buf[0]! <= end && buf[len - 1]! >= start) {
      const [lo, hi] = bounds(buf, len, start, end);
      if (lo < hi) {
        k = copySamples(buf, buf, lo, Math.min(hi, lo + limit - k), ts, vs, k, buf.length >> 1);
      }
    }
    return k;
  }

  /**
   * Copies the newest sample in `[start, end]`, if any, into `ts`/`vs` at `at`; returns
   * the index after what it wrote.
   */
  copyLatestIn(start: number, end: number, ts: Float64Array, vs: Float64Array, at: number): number {
    if (this.samples === 0 || this.maxT < start || this.minT > end) return at;
    const head = this.head;
    const len = this.headLen;
    if (head !== null && len > 0 && head[0]! <= end) {
      const i = upperBound(head, 0, len, end) - 1;
      return head[i]! >= start
        ? copySamples(head, head, i, i + 1, ts, vs, at, head.length >> 1)
        : at;
    }
    const chunks = this.chunks;
    for (let c = chunks.length - 1; c >= 0; c--) {
      const cts = chunks[c]!.timestamps;
      if (cts[0]! > end) continue;
      const i = upperBound(cts, 0, cts.length, end) - 1;
      return cts[i]! >= start ? copySamples(cts, chunks[c]!.values, i, i + 1, ts, vs, at) : at;
    }
    return at;
  }

  /** The first sealed chunk that may hold samples at or after `start`. */
  #firstChunkFor(start: number): number {
    const chunks = this.chunks;
    const nc = chunks.length;
    // Recent ranges are the common case: look back a few chunks before a binary search.
    let first = nc;
    while (first > 0 && nc - first < 4 && lastTs(chunks[first - 1]!) >= start) first--;
    if (first > 0 && nc - first === 4 && lastTs(chunks[first - 1]!) >= start) {
      first = firstEndingAtOrAfter(chunks, start);
    }
    return first;
  }

  /** Whether some sample lies in `[start, end]`. */
  hasSamplesIn(start: number, end: number): boolean {
    if (this.samples === 0 || this.maxT < start || this.minT > end) return false;
    const i = firstEndingAtOrAfter(this.chunks, start);
    if (i < this.chunks.length) {
      const ts = this.chunks[i]!.timestamps;
      return ts[lowerBound(ts, 0, ts.length, start)]! <= end;
    }
    const buf = this.head!;
    return buf[lowerBound(buf, 0, this.headLen, start)]! <= end;
  }

  chunkCount(): number {
    return this.chunks.length + (this.head === null ? 0 : 1);
  }

  /** Bytes of sample arrays, spare head capacity included. */
  sampleBytes(): number {
    let bytes = this.head === null ? 0 : this.head.byteLength;
    for (const c of this.chunks) bytes += c.timestamps.byteLength + c.values.byteLength;
    return bytes;
  }

  // === Internals ===

  /** Publishes where the newest partition's samples are to the {@link NewestTable}. */
  #publish(): void {
    const table = this.#table;
    const head = this.head;
    if (head !== null && this.headLen > 0) {
      const whole = wholeArray(head);
      const at = head.byteOffset / 8;
      table.set(this.id, whole, at, at + (head.length >> 1), this.headLen);
      return;
    }
    const chunks = this.chunks;
    if (chunks.length === 0) {
      table.clear(this.id);
      return;
    }
    const { timestamps, values } = chunks[chunks.length - 1]!;
    if (values.buffer !== timestamps.buffer) {
      // Not one array: read through the series instead. (Every chunk made here is one.)
      table.clear(this.id);
      return;
    }
    table.set(
      this.id,
      wholeArray(timestamps),
      timestamps.byteOffset / 8,
      values.byteOffset / 8,
      timestamps.length,
    );
  }

  #allChunks(): readonly FloatChunk[] {
    if (this.head === null) return this.chunks;
    if (this.all === null) this.all = withChunk(this.chunks, this.#headFull());
    return this.all;
  }

  #headFull(): FloatChunk {
    const v = this.headView;
    if (v !== null && v.timestamps.length === this.headLen) return v;
    const buf = this.head!;
    const cap = buf.length >> 1;
    const n = this.headLen;
    const view: FloatChunk = {
      kind: 'float',
      timestamps: buf.subarray(0, n),
      values: buf.subarray(cap, cap + n),
    };
    this.headView = view;
    return view;
  }

  /** Seals the head and opens an empty one for the partition of `t`. */
  #startPartition(t: number, ctx: ChunkContext): void {
    this.#closeHead(ctx.arena);
    // Regular scrapes put as many samples in each partition as in the previous one, so
    // that many (plus one for jitter) is reserved in the arena, where the head will be
    // sealed in place. A head that outgrows it moves to a growing buffer of its own.
    const prev =
      this.chunks.length > 0 ? this.chunks[this.chunks.length - 1]!.timestamps.length : 0;
    const inArena = prev > 0 ? ctx.arena.head(prev + 1) : null;
    this.head = inArena ?? new Float64Array(2 * Math.max(MIN_HEAD_CAPACITY, prev));
    this.headInArena = inArena !== null;
    this.headLen = 0;
    this.headView = null;
    this.headEnd = (Math.floor(t / ctx.rangeMs) + 1) * ctx.rangeMs;
  }

  /**
   * Turns the head into a sealed chunk: copied into the arena, or (`arena` null, before
   * a rewrite) kept in a buffer of its own — the head's buffer itself when it is full.
   */
  #closeHead(arena: Arena | null): void {
    const buf = this.head;
    if (buf === null) return;
    const n = this.headLen;
    const cap = buf.length >> 1;
    const inArena = this.headInArena;
    this.head = null;
    this.headInArena = false;
    this.headLen = 0;
    this.headView = null;
    if (n === 0) return;
    let c: FloatChunk;
    if (inArena || (arena === null && n === cap)) {
      // Sealed in place; an arena head leaves its unused capacity (usually one sample).
      c = { kind: 'float', timestamps: buf.subarray(0, n), values: buf.subarray(cap, cap + n) };
    } else {
      c = arena === null ? ownChunk(n) : arena.chunk(n);
      c.timestamps.set(buf.subarray(0, n));
      c.values.set(buf.subarray(cap, cap + n));
    }
    this.chunks = withChunk(this.chunks, c);
  }

  /** Makes the newest sealed chunk the head again, with room for `extra` more samples. */
  #reopen(extra: number): void {
    const last = this.chunks[this.chunks.length - 1]!;
    const n = last.timestamps.length;
    const cap = Math.max(MIN_HEAD_CAPACITY, n + extra, 2 * n);
    const buf = new Float64Array(2 * cap);
    buf.set(last.timestamps, 0);
    buf.set(last.values, cap);
    this.chunks = this.chunks.slice(0, -1);
    this.head = buf;
    this.headInArena = false;
    this.headLen = n;
    this.headView = null;
  }

  /**
   * Capacity for a full head about to take a sample at `t`: four times larger while
   * small, then twice, but no more than the partition will hold if the series keeps
   * its average interval so far — with regular scrapes the head then ends the
   * partition exactly full.
   */
  #nextCapacity(buf: Float64Array, t: number): number {
    const n = this.headLen;
    const grown = n < 1024 ? n * 4 : n * 2;
    if (n < 2) return Math.max(grown, MIN_HEAD_CAPACITY);
    const first = buf[0]!;
    const expected = Math.floor(((this.headEnd - 1 - first) * n) / (t - first)) + 1;
    return expected > n && expected < grown ? expected : grown;
  }

  /** Moves the head into a buffer with room for `capacity` samples. */
  #grow(capacity: number): Float64Array {
    const old = this.head!;
    const cap = old.length >> 1;
    const n = this.headLen;
    const grown = new Float64Array(2 * capacity);
    grown.set(old.subarray(0, n), 0);
    grown.set(old.subarray(cap, cap + n), capacity);
    this.head = grown;
    this.headInArena = false;
    this.headView = null;
    return grown;
  }
}

/** Index of the first chunk whose newest sample is at or after `t` (length if none). */
function firstEndingAtOrAfter(chunks: readonly FloatChunk[], t: number): number {
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lastTs(chunks[mid]!) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The indices `[lo, hi)` of the samples in `[start, end]` among `ts[0, len)` (`lo <= hi`). */
function bounds(ts: Float64Array, len: number, start: number, end: number): [number, number] {
  const lo = ts[0]! >= start ? 0 : lowerBound(ts, 0, len, start);
  const hi = ts[len - 1]! <= end ? len : upperBound(ts, lo, len, end);
  return [lo, Math.max(lo, hi)];
}

function lastTs(c: FloatChunk): number {
  return c.timestamps[c.timestamps.length - 1]!;
}

/** A new chunk (own buffer): the samples of `c` with `(t, v)` inserted at index `k`. */
function inserted(c: FloatChunk, k: number, t: number, v: number): FloatChunk {
  const n = c.timestamps.length;
  const out = ownChunk(n + 1);
  out.timestamps.set(c.timestamps.subarray(0, k), 0);
  out.timestamps[k] = t;
  out.timestamps.set(c.timestamps.subarray(k), k + 1);
  out.values.set(c.values.subarray(0, k), 0);
  out.values[k] = v;
  out.values.set(c.values.subarray(k), k + 1);
  return out;
}

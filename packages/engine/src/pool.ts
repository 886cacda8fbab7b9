/**
 * Buffer reuse across queries. Every operator materialises typed arrays (rows × steps);
 * allocating them fresh each time costs a zero-filled allocation from the system, page
 * faults on first touch and garbage-collector work on release. Instead, a query takes its
 * intermediate arrays from a process-wide pool of `ArrayBuffer`s, and gives all of them
 * back when it ends: a steady stream of queries then runs on memory that is already
 * mapped. Only intermediate values come from the pool; results handed to the caller are
 * always fresh arrays (see `eval/result.ts`).
 *
 * Evaluation is synchronous, so while one query evaluates it is the only user of
 * {@link f64}/{@link u8}/… (the current query's buffers are set around it with
 * {@link withQueryBuffers}); outside of that they allocate normally.
 */

/** Smallest pooled buffer (bytes); smaller arrays are cut from a slab (see {@link SLAB_BYTES}). */
const MIN_BYTES = 1 << 10;
/**
 * Bytes of the pooled slabs that a query's small arrays (65 bytes to {@link MIN_BYTES})
 * are cut from. Each typed array with a buffer of its own is a system allocation plus
 * the garbage collector's bookkeeping: 1.5–4 µs here (Node 20), whatever its size, where
 * a view of an existing buffer costs a few dozen nanoseconds. A query makes a handful
 * to hundreds of such arrays (an operator's per-row arrays, a small result's columns).
 */
const SLAB_BYTES = 1 << 14;
/** Largest typed array V8 keeps inside its heap (no system allocation, cheap as it is). */
const ON_HEAP_BYTES = 64;
/** Largest pooled buffer (bytes); larger ones are rare and allocated on their own. */
const MAX_BYTES = 1 << 28;

/** Free buffers by size class (log2 of the byte length). */
const free = new Map<number, ArrayBuffer[]>();
let retainedBytes = 0;
/** How many bytes the pool keeps between queries at most. */
let retainLimit = 256 << 20;

/** Sets how many bytes of free buffers the pool may keep between queries (default 256 MiB). */
export function setPoolRetainLimit(bytes: number): void {
  retainLimit = Math.max(0, bytes);
  trim();
}

function trim(): void {
  // Drop the largest buffers first until the pool fits its limit.
  const classes = [...free.keys()].sort((a, b) => b - a);
  for (const c of classes) {
    const list = free.get(c)!;
    while (retainedBytes > retainLimit && list.length > 0) {
      list.pop();
      retainedBytes -= 2 ** c;
    }
  }
}

function sizeClass(bytes: number): number {
  return Math.max(10, Math.ceil(Math.log2(bytes)));
}

/** The buffers one query took from the pool; {@link release} gives them all back. */
export class QueryBuffers {
  private readonly taken: ArrayBuffer[] = [];
  /** The slab small arrays are cut from now (null before the first). */
  slab: ArrayBuffer | null = null;
  /** Where the next small array starts in {@link slab}. */
  private slabAt = SLAB_BYTES;

  /**
   * The offset in {@link slab} of a new small array of `bytes` bytes (fewer than
   * {@link MIN_BYTES}), at a multiple of 8; its bytes hold whatever an earlier query left.
   */
  cut(bytes: number): number {
    if (this.slabAt + bytes > SLAB_BYTES) {
      this.slab = this.take(SLAB_BYTES, false);
      this.slabAt = 0;
    }
    const at = this.slabAt;
    this.slabAt = (at + bytes + 7) & ~7;
    return at;
  }

  /**
   * A buffer of at least `bytes` bytes (pooled when large enough), zero-filled unless
   * `zero` is false (then its first `bytes` hold whatever an earlier query left).
   */
  take(bytes: number, zero = true): ArrayBuffer {
    if (bytes < MIN_BYTES || bytes > MAX_BYTES) return new ArrayBuffer(bytes);
    const c = sizeClass(bytes);
    const list = free.get(c);
    const reused = list?.pop();
    let buf: ArrayBuffer;
    if (reused !== undefined) {
      retainedBytes -= reused.byteLength;
      if (zero) new Uint8Array(reused, 0, bytes).fill(0);
      buf = reused;
    } else {
      buf = new ArrayBuffer(2 ** c);
    }
    this.taken.push(buf);
    return buf;
  }

  /** Returns every buffer this query took; its arrays must not be used afterwards. */
  release(): void {
    for (const buf of this.taken) {
      if (buf.byteLength < MIN_BYTES || buf.byteLength > MAX_BYTES) continue;
      const c = sizeClass(buf.byteLength);
      let list = free.get(c);
      if (list === undefined) {
        list = [];
        free.set(c, list);
      }
      list.push(buf);
      retainedBytes += buf.byteLength;
    }
    this.taken.length = 0;
    this.slab = null;
    this.slabAt = SLAB_BYTES;
    if (retainedBytes > retainLimit) trim();
  }
}

let current: QueryBuffers | null = null;

/** Runs `f` (synchronous) with `buffers` as the source of {@link f64} and friends. */
export function withQueryBuffers<T>(buffers: QueryBuffers, f: () => T): T {
  const previous = current;
  current = buffers;
  try {
    return f();
  } finally {
    current = previous;
  }
}

/**
 * Where an intermediate array of `bytes` bytes comes from: a pooled buffer of its own
 * ('pool'), a cut of the query's slab ('slab'), or a typed array of its own ('own':
 * outside a query, and up to {@link ON_HEAP_BYTES}, which V8 keeps inside its heap).
 */
function source(bytes: number): 'pool' | 'slab' | 'own' {
  if (current === null || bytes <= ON_HEAP_BYTES) return 'own';
  return bytes >= MIN_BYTES ? 'pool' : 'slab';
}

/** A Float64Array of `n` elements for an intermediate value, zero-filled if `zero`. */
function f64Of(n: number, zero: boolean): Float64Array {
  const from = source(n * 8);
  if (from === 'pool') return new Float64Array(current!.take(n * 8, zero), 0, n);
  if (from === 'own') return new Float64Array(n);
  const at = current!.cut(n * 8);
  const a = new Float64Array(current!.slab!, at, n);
  return zero ? a.fill(0) : a;
}

/** A Uint8Array of `n` elements for an intermediate value, zero-filled if `zero`. */
function u8Of(n: number, zero: boolean): Uint8Array {
  const from = source(n);
  if (from === 'pool') return new Uint8Array(current!.take(n, zero), 0, n);
  if (from === 'own') return new Uint8Array(n);
  const at = current!.cut(n);
  const a = new Uint8Array(current!.slab!, at, n);
  return zero ? a.fill(0) : a;
}

/** A zero-filled Float64Array of `n` elements for an intermediate value. */
export function f64(n: number): Float64Array {
  return f64Of(n, true);
}

/**
 * A Float64Array of `n` elements for an intermediate value that its producer writes in
 * full (a kernel's output): taken from the pool without zero-filling it.
 */
export function f64Unfilled(n: number): Float64Array {
  return f64Of(n, false);
}

/** A Uint8Array of `n` elements written in full by its producer (see {@link f64Unfilled}). */
export function u8Unfilled(n: number): Uint8Array {
  return u8Of(n, false);
}

/** A zero-filled Uint8Array of `n` elements for an intermediate value. */
export function u8(n: number): Uint8Array {
  return u8Of(n, true);
}

/** A zero-filled Uint32Array of `n` elements for an intermediate value. */
export function u32(n: number): Uint32Array {
  const from = source(n * 4);
  if (from === 'pool') return new Uint32Array(current!.take(n * 4), 0, n);
  if (from === 'own') return new Uint32Array(n);
  const at = current!.cut(n * 4);
  return new Uint32Array(current!.slab!, at, n).fill(0);
}

/** A zero-filled Int32Array of `n` elements for an intermediate value. */
export function i32(n: number): Int32Array {
  const from = source(n * 4);
  if (from === 'pool') return new Int32Array(current!.take(n * 4), 0, n);
  if (from === 'own') return new Int32Array(n);
  const at = current!.cut(n * 4);
  return new Int32Array(current!.slab!, at, n).fill(0);
}

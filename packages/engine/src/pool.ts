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

/** A typed array type: its constructors for a length and for a view of a buffer. */
interface TypedArrayType<T> {
  new (length: number): T;
  new (buffer: ArrayBuffer, byteOffset: number, length: number): T;
  readonly BYTES_PER_ELEMENT: number;
}

/**
 * A typed array of `n` elements for an intermediate value, zero-filled if `zero`: a view
 * of a pooled buffer of its own (from {@link MIN_BYTES} bytes), of a cut of the query's
 * slab (smaller), or an array of its own (outside a query, and up to
 * {@link ON_HEAP_BYTES}, which V8 keeps inside its heap).
 */
function intermediate<T extends { fill(value: number): T }>(
  type: TypedArrayType<T>,
  n: number,
  zero: boolean,
): T {
  const bytes = n * type.BYTES_PER_ELEMENT;
  if (current === null || bytes <= ON_HEAP_BYTES) return new type(n);
  if (bytes >= MIN_BYTES) return new type(current.take(bytes, zero), 0, n);
  const at = current.cut(bytes); // may start a new slab: read `slab` after it
  const a = new type(current.slab!, at, n);
  return zero ? a.fill(0) : a;
}

/** A zero-filled Float64Array of `n` elements for an intermediate value. */
export function f64(n: number): Float64Array {
  return intermediate(Float64Array, n, true);
}

/**
 * A Float64Array of `n` elements for an intermediate value that its producer writes in
 * full (a kernel's output): taken from the pool without zero-filling it.
 */
export function f64Unfilled(n: number): Float64Array {
  return intermediate(Float64Array, n, false);
}

/** A Uint8Array of `n` elements written in full by its producer (see {@link f64Unfilled}). */
export function u8Unfilled(n: number): Uint8Array {
  return intermediate(Uint8Array, n, false);
}

/** A zero-filled Uint8Array of `n` elements for an intermediate value. */
export function u8(n: number): Uint8Array {
  return intermediate(Uint8Array, n, true);
}

/** A zero-filled Uint32Array of `n` elements for an intermediate value. */
export function u32(n: number): Uint32Array {
  return intermediate(Uint32Array, n, true);
}

/** A zero-filled Int32Array of `n` elements for an intermediate value. */
export function i32(n: number): Int32Array {
  return intermediate(Int32Array, n, true);
}

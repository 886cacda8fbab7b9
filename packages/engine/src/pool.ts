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

/** Smallest pooled buffer (bytes); smaller arrays are cheap to allocate. */
const MIN_BYTES = 1 << 10;
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
 * Whether an array of `bytes` bytes comes from the pool: only while a query evaluates,
 * and only when large enough. A small array is allocated as a typed array of its own,
 * which V8 keeps inside its heap up to 64 bytes (no system allocation at all); a buffer
 * taken from the pool is always a system allocation.
 */
function pooled(bytes: number): boolean {
  return current !== null && bytes >= MIN_BYTES;
}

/** A zero-filled Float64Array of `n` elements for an intermediate value. */
export function f64(n: number): Float64Array {
  return pooled(n * 8) ? new Float64Array(current!.take(n * 8), 0, n) : new Float64Array(n);
}

/**
 * A Float64Array of `n` elements for an intermediate value that its producer writes in
 * full (a kernel's output): taken from the pool without zero-filling it.
 */
export function f64Unfilled(n: number): Float64Array {
  return pooled(n * 8) ? new Float64Array(current!.take(n * 8, false), 0, n) : new Float64Array(n);
}

/** A Uint8Array of `n` elements written in full by its producer (see {@link f64Unfilled}). */
export function u8Unfilled(n: number): Uint8Array {
  return pooled(n) ? new Uint8Array(current!.take(n, false), 0, n) : new Uint8Array(n);
}

/** A zero-filled Uint8Array of `n` elements for an intermediate value. */
export function u8(n: number): Uint8Array {
  return pooled(n) ? new Uint8Array(current!.take(n), 0, n) : new Uint8Array(n);
}

/** A zero-filled Uint32Array of `n` elements for an intermediate value. */
export function u32(n: number): Uint32Array {
  return pooled(n * 4) ? new Uint32Array(current!.take(n * 4), 0, n) : new Uint32Array(n);
}

/** A zero-filled Int32Array of `n` elements for an intermediate value. */
export function i32(n: number): Int32Array {
  return pooled(n * 4) ? new Int32Array(current!.take(n * 4), 0, n) : new Int32Array(n);
}

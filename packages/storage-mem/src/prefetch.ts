/**
 * Software prefetching for reads whose data is not in the CPU's caches, as between two
 * queries of a dashboard (each of which evicts the other's data).
 *
 * A read visits many series, and each series' samples are a few cache lines somewhere in
 * memory. Read series after series, each of those runs starts with a trip to memory that
 * the loop waits for (which series comes next depends on the previous one's loop
 * finishing; the hardware prefetcher only follows runs it has seen start). Loading one
 * value of every line of every run first, in a loop with nothing else in it, lets the CPU
 * have many of those trips in flight at once; the read proper then finds its lines in
 * cache. On the comparison's data (bench/README.md), with the caches flushed before each
 * read, a read of 828 series' last 5 minutes from the rings of recent samples got 1.3–1.6×
 * faster, of 4,992 histogram buckets' 1.3–1.5×, of 416 series' last 10 minutes from their
 * chunks 1.04–1.1×; the instant queries built on the first (rate, topk, label_replace, a
 * ratio of sums) 1.1–1.3×.
 *
 * Long runs (more than {@link SHORT_RUN} samples) are left to the hardware prefetcher,
 * which streams them well once started: for them, the pass only added a second trip
 * through memory.
 *
 * JavaScript has no prefetch instruction: the loads are real, and their sum is kept in a
 * module variable so that the compiler cannot drop them.
 */

/**
 * Runs up to this many samples are short: prefetched, and copied element by element (see
 * `copySamples`); longer ones stream on their own, and are copied as bytes.
 */
export const SHORT_RUN = 64;

/** Doubles per 64-byte cache line. */
const LINE = 8;

let sink = 0;

/**
 * Loads one double of every cache line of `a[from, from + n)`: every eighth from the
 * first, and the last (lines need not start where the run does).
 */
export function touchRun(a: Float64Array, from: number, n: number): void {
  if (n <= 0) return;
  let s = a[from + n - 1]!;
  for (let j = 0; j < n; j += LINE) s += a[from + j]!;
  sink += s;
}

/** The sum of what was loaded (only so that the loads have a use). */
export function touched(): number {
  return sink;
}

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
 * cache. Measured on the comparison's data (bench/README.md), a read of 828 series' last
 * 5 minutes from the rings of recent samples took 0.22–0.37 ms with caches flushed, and
 * 0.13–0.34 ms after such a pass; 416 series' last 10 minutes from their chunks, 0.29–0.34
 * ms and 0.23–0.31 ms.
 *
 * Long runs (more than {@link SHORT_RUN} samples) are left to the hardware prefetcher,
 * which streams them well once started: for them, the pass only added a second trip
 * through memory.
 *
 * JavaScript has no prefetch instruction: the loads are real, and their sum is kept in a
 * module variable so that the compiler cannot drop them.
 */

/** Runs up to this many samples are prefetched; longer ones stream on their own. */
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

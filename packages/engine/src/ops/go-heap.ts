/**
 * Go's `container/heap` over an array of elements with a "less" relation. Prometheus's
 * topk, bottomk and limitk keep their candidates in such heaps (and sort them with Go's
 * `sort.Sort`, see functions/gosort.ts), neither of which is stable: which of several
 * equal values is kept, and in which order equal values come out, depend on the exact
 * sequence of comparisons and swaps. Reproducing that sequence gives the same answers and
 * the same order as Prometheus.
 *
 * `less(a, b)` compares two elements (Go's `Less(i, j)` on the elements at i and j).
 */

/** A strict "less than" on elements. */
export type Less<T> = (a: T, b: T) => boolean;

function swap<T>(h: T[], i: number, j: number): void {
  const t = h[i]!;
  h[i] = h[j]!;
  h[j] = t;
}

function up<T>(h: T[], j: number, less: Less<T>): void {
  for (;;) {
    const i = Math.trunc((j - 1) / 2); // parent (Go's integer division truncates)
    if (i === j || !less(h[j]!, h[i]!)) break;
    swap(h, i, j);
    j = i;
  }
}

function down<T>(h: T[], i0: number, n: number, less: Less<T>): boolean {
  let i = i0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n || j1 < 0) break;
    let j = j1;
    const j2 = j1 + 1;
    if (j2 < n && less(h[j2]!, h[j1]!)) j = j2;
    if (!less(h[j]!, h[i]!)) break;
    swap(h, i, j);
    i = j;
  }
  return i > i0;
}

/** `heap.Push`: appends `x` and restores the heap order. */
export function heapPush<T>(h: T[], x: T, less: Less<T>): void {
  h.push(x);
  up(h, h.length - 1, less);
}

/** `heap.Fix`: restores the heap order after element `i` changed. */
export function heapFix<T>(h: T[], i: number, less: Less<T>): void {
  if (!down(h, i, h.length, less)) up(h, i, less);
}

/** `heap.Pop`: removes and returns the least element. */
export function heapPop<T>(h: T[], less: Less<T>): T {
  const n = h.length - 1;
  swap(h, 0, n);
  down(h, 0, n, less);
  return h.pop()!;
}

/**
 * `h[0] = x` then `heap.Fix(h, 0)`, for a heap of row numbers ordered by their values
 * `values[at + row × stride]`, with NaN least and then `<` (`descending` false: topk's
 * heap) or `>` (true: bottomk's). The same comparisons and moves as {@link heapFix} with
 * such a `less`, the values read inline instead of through a closure per comparison: this
 * runs for most samples when values arrive in ascending order.
 */
export function replaceTop(
  h: number[],
  x: number,
  values: Float64Array,
  at: number,
  stride: number,
  descending: boolean,
): void {
  const n = h.length;
  const vx = values[at + x * stride]!;
  let i = 0;
  for (;;) {
    const j1 = 2 * i + 1;
    if (j1 >= n) break;
    let j = j1;
    let vj = values[at + h[j1]! * stride]!;
    const j2 = j1 + 1;
    if (j2 < n) {
      const v2 = values[at + h[j2]! * stride]!;
      if (Number.isNaN(v2) || (descending ? v2 > vj : v2 < vj)) {
        j = j2;
        vj = v2;
      }
    }
    // Less(j, i), where i holds x all the way down.
    if (!(Number.isNaN(vj) || (descending ? vj > vx : vj < vx))) break;
    h[i] = h[j]!;
    i = j;
  }
  h[i] = x;
}

/**
 * Go's `container/heap` and `sort.Sort` (pattern-defeating quicksort, Go ≥ 1.19) over an
 * array of elements with a "less" relation. Prometheus's topk, bottomk and limitk keep their
 * candidates in such heaps and sort them with `sort.Sort`, which is not stable: which of
 * several equal values is kept, and in which order equal values come out, depend on the
 * exact sequence of comparisons and swaps. Reproducing that sequence gives the same answers
 * and the same order as Prometheus.
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

// === container/heap ===

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

// === sort.Sort ===

/** `bits.Len(uint(x))` for 0 ≤ x < 2³²: the number of bits needed to represent x. */
function bitsLen(x: number): number {
  return 32 - Math.clz32(x);
}

function insertionSort<T>(h: T[], a: number, b: number, less: Less<T>): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(h[j]!, h[j - 1]!); j--) swap(h, j, j - 1);
  }
}

function siftDown<T>(h: T[], lo: number, hi: number, first: number, less: Less<T>): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && less(h[first + child]!, h[first + child + 1]!)) child++;
    if (!less(h[first + root]!, h[first + child]!)) return;
    swap(h, first + root, first + child);
    root = child;
  }
}

function heapSort<T>(h: T[], a: number, b: number, less: Less<T>): void {
  const first = a;
  const hi = b - a;
  for (let i = Math.trunc((hi - 1) / 2); i >= 0; i--) siftDown(h, i, hi, first, less);
  for (let i = hi - 1; i >= 0; i--) {
    swap(h, first, first + i);
    siftDown(h, 0, i, first, less);
  }
}

const UNKNOWN_HINT = 0;
const INCREASING_HINT = 1;
const DECREASING_HINT = 2;

function pdqsort<T>(h: T[], a: number, b: number, limit: number, less: Less<T>): void {
  const maxInsertion = 12;
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= maxInsertion) {
      insertionSort(h, a, b, less);
      return;
    }
    if (limit === 0) {
      heapSort(h, a, b, less);
      return;
    }
    if (!wasBalanced) {
      breakPatterns(h, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(h, a, b, less);
    if (hint === DECREASING_HINT) {
      reverseRange(h, a, b);
      pivot = b - 1 - (pivot - a);
      hint = INCREASING_HINT;
    }
    if (wasBalanced && wasPartitioned && hint === INCREASING_HINT) {
      if (partialInsertionSort(h, a, b, less)) return;
    }
    if (a > 0 && !less(h[a - 1]!, h[pivot]!)) {
      a = partitionEqual(h, a, b, pivot, less);
      continue;
    }
    const [mid, alreadyPartitioned] = partition(h, a, b, pivot, less);
    wasPartitioned = alreadyPartitioned;
    const leftLen = mid - a;
    const rightLen = b - mid;
    const balanceThreshold = Math.trunc(length / 8);
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= balanceThreshold;
      pdqsort(h, a, mid, limit, less);
      a = mid + 1;
    } else {
      wasBalanced = rightLen >= balanceThreshold;
      pdqsort(h, mid + 1, b, limit, less);
      b = mid;
    }
  }
}

function partition<T>(
  h: T[],
  a: number,
  b: number,
  pivot: number,
  less: Less<T>,
): [number, boolean] {
  swap(h, a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && less(h[i]!, h[a]!)) i++;
  while (i <= j && !less(h[j]!, h[a]!)) j--;
  if (i > j) {
    swap(h, j, a);
    return [j, true];
  }
  swap(h, i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && less(h[i]!, h[a]!)) i++;
    while (i <= j && !less(h[j]!, h[a]!)) j--;
    if (i > j) break;
    swap(h, i, j);
    i++;
    j--;
  }
  swap(h, j, a);
  return [j, false];
}

function partitionEqual<T>(h: T[], a: number, b: number, pivot: number, less: Less<T>): number {
  swap(h, a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !less(h[a]!, h[i]!)) i++;
    while (i <= j && less(h[a]!, h[j]!)) j--;
    if (i > j) break;
    swap(h, i, j);
    i++;
    j--;
  }
  return i;
}

function partialInsertionSort<T>(h: T[], a: number, b: number, less: Less<T>): boolean {
  const maxSteps = 5;
  const shortestShifting = 50;
  let i = a + 1;
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !less(h[i]!, h[i - 1]!)) i++;
    if (i === b) return true;
    if (b - a < shortestShifting) return false;
    swap(h, i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!less(h[j]!, h[j - 1]!)) break;
        swap(h, j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!less(h[j]!, h[j - 1]!)) break;
        swap(h, j, j - 1);
      }
    }
  }
  return false;
}

const MASK64 = (1n << 64n) - 1n;

function breakPatterns<T>(h: T[], a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let random = BigInt(length);
  const modulus = BigInt(2 ** bitsLen(length));
  const mid = a + Math.trunc(length / 4) * 2;
  for (let idx = mid - 1; idx <= mid + 1; idx++) {
    random ^= (random << 13n) & MASK64;
    random ^= random >> 7n;
    random ^= (random << 17n) & MASK64;
    let other = Number(random & (modulus - 1n));
    if (other >= length) other -= length;
    swap(h, idx, a + other);
  }
}

function choosePivot<T>(h: T[], a: number, b: number, less: Less<T>): [number, number] {
  const shortestNinther = 50;
  const maxSwaps = 4 * 3;
  const l = b - a;
  const swaps = { n: 0 };
  const q = Math.trunc(l / 4);
  let i = a + q;
  let j = a + q * 2;
  let k = a + q * 3;
  if (l >= 8) {
    if (l >= shortestNinther) {
      i = median(h, i - 1, i, i + 1, swaps, less);
      j = median(h, j - 1, j, j + 1, swaps, less);
      k = median(h, k - 1, k, k + 1, swaps, less);
    }
    j = median(h, i, j, k, swaps, less);
  }
  if (swaps.n === 0) return [j, INCREASING_HINT];
  if (swaps.n === maxSwaps) return [j, DECREASING_HINT];
  return [j, UNKNOWN_HINT];
}

function median<T>(
  h: T[],
  a: number,
  b: number,
  c: number,
  swaps: { n: number },
  less: Less<T>,
): number {
  // order2(a, b), order2(b, c), order2(a, b): returns the index of the median.
  if (less(h[b]!, h[a]!)) {
    swaps.n++;
    [a, b] = [b, a];
  }
  if (less(h[c]!, h[b]!)) {
    swaps.n++;
    [b, c] = [c, b];
  }
  if (less(h[b]!, h[a]!)) {
    swaps.n++;
    [a, b] = [b, a];
  }
  return b;
}

function reverseRange<T>(h: T[], a: number, b: number): void {
  for (let i = a, j = b - 1; i < j; i++, j--) swap(h, i, j);
}

/** Go's `sort.Sort`: sorts `h` in place by `less` (not stable). */
export function goSort<T>(h: T[], less: Less<T>): void {
  const n = h.length;
  if (n <= 1) return;
  pdqsort(h, 0, n, bitsLen(n), less);
}

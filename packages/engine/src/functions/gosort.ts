/**
 * Go's `sort.Sort` (pattern-defeating quicksort, Go ≥ 1.19) over indices, and the natural
 * string order of github.com/facette/natsort. Prometheus's `sort` and `sort_desc` use
 * comparators that are not strict weak orders (NaN compares "less" both ways), so the
 * order they give to NaNs and ties depends on the exact sequence of comparisons and
 * swaps; reproducing Go's algorithm step by step gives the same order Prometheus returns.
 */

/**
 * Sorts `data` in place with Go's `sort.Sort`, `less(a, b)` comparing two elements (the
 * element at position i is the `a` of Go's `Less(i, j)`). `slices.SortFunc` runs the same
 * algorithm with `less(a, b) = cmp(a, b) < 0`.
 */
export function goSort<T>(data: T[], less: (a: T, b: T) => boolean): void {
  const n = data.length;
  if (n <= 1) return;
  const lessAt = (i: number, j: number) => less(data[i]!, data[j]!);
  const swap = (i: number, j: number) => {
    const t = data[i]!;
    data[i] = data[j]!;
    data[j] = t;
  };
  pdqsort(lessAt, swap, 0, n, bitsLen(n));
}

type Less = (i: number, j: number) => boolean;
type Swap = (i: number, j: number) => void;

/** Go's bits.Len: the number of bits needed to represent n. */
function bitsLen(n: number): number {
  let len = 0;
  for (let x = n; x > 0; x = Math.floor(x / 2)) len++;
  return len;
}

const UNKNOWN_HINT = 0;
const INCREASING_HINT = 1;
const DECREASING_HINT = 2;

function insertionSort(less: Less, swap: Swap, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(j, j - 1); j--) swap(j, j - 1);
  }
}

function siftDown(less: Less, swap: Swap, lo: number, hi: number, first: number): void {
  let root = lo;
  for (;;) {
    let child = 2 * root + 1;
    if (child >= hi) return;
    if (child + 1 < hi && less(first + child, first + child + 1)) child++;
    if (!less(first + root, first + child)) return;
    swap(first + root, first + child);
    root = child;
  }
}

function heapSort(less: Less, swap: Swap, a: number, b: number): void {
  const first = a;
  const hi = b - a;
  for (let i = Math.floor((hi - 1) / 2); i >= 0; i--) siftDown(less, swap, i, hi, first);
  for (let i = hi - 1; i >= 0; i--) {
    swap(first, first + i);
    siftDown(less, swap, 0, i, first);
  }
}

function pdqsort(less: Less, swap: Swap, a0: number, b0: number, limit0: number): void {
  const maxInsertion = 12;
  let a = a0;
  let b = b0;
  let limit = limit0;
  let wasBalanced = true;
  let wasPartitioned = true;
  for (;;) {
    const length = b - a;
    if (length <= maxInsertion) {
      insertionSort(less, swap, a, b);
      return;
    }
    if (limit === 0) {
      heapSort(less, swap, a, b);
      return;
    }
    if (!wasBalanced) {
      breakPatterns(swap, a, b);
      limit--;
    }
    let [pivot, hint] = choosePivot(less, a, b);
    if (hint === DECREASING_HINT) {
      reverseRange(swap, a, b);
      pivot = b - 1 - (pivot - a);
      hint = INCREASING_HINT;
    }
    if (wasBalanced && wasPartitioned && hint === INCREASING_HINT) {
      if (partialInsertionSort(less, swap, a, b)) return;
    }
    if (a > 0 && !less(a - 1, pivot)) {
      a = partitionEqual(less, swap, a, b, pivot);
      continue;
    }
    const [mid, alreadyPartitioned] = partition(less, swap, a, b, pivot);
    wasPartitioned = alreadyPartitioned;
    const leftLen = mid - a;
    const rightLen = b - mid;
    const balanceThreshold = Math.floor(length / 8);
    if (leftLen < rightLen) {
      wasBalanced = leftLen >= balanceThreshold;
      pdqsort(less, swap, a, mid, limit);
      a = mid + 1;
    } else {
      wasBalanced = rightLen >= balanceThreshold;
      pdqsort(less, swap, mid + 1, b, limit);
      b = mid;
    }
  }
}

function partition(less: Less, swap: Swap, a: number, b: number, pivot: number): [number, boolean] {
  swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  while (i <= j && less(i, a)) i++;
  while (i <= j && !less(j, a)) j--;
  if (i > j) {
    swap(j, a);
    return [j, true];
  }
  swap(i, j);
  i++;
  j--;
  for (;;) {
    while (i <= j && less(i, a)) i++;
    while (i <= j && !less(j, a)) j--;
    if (i > j) break;
    swap(i, j);
    i++;
    j--;
  }
  swap(j, a);
  return [j, false];
}

function partitionEqual(less: Less, swap: Swap, a: number, b: number, pivot: number): number {
  swap(a, pivot);
  let i = a + 1;
  let j = b - 1;
  for (;;) {
    while (i <= j && !less(a, i)) i++;
    while (i <= j && less(a, j)) j--;
    if (i > j) break;
    swap(i, j);
    i++;
    j--;
  }
  return i;
}

function partialInsertionSort(less: Less, swap: Swap, a: number, b: number): boolean {
  const maxSteps = 5;
  const shortestShifting = 50;
  let i = a + 1;
  for (let step = 0; step < maxSteps; step++) {
    while (i < b && !less(i, i - 1)) i++;
    if (i === b) return true;
    if (b - a < shortestShifting) return false;
    swap(i, i - 1);
    if (i - a >= 2) {
      for (let j = i - 1; j >= 1; j--) {
        if (!less(j, j - 1)) break;
        swap(j, j - 1);
      }
    }
    if (b - i >= 2) {
      for (let j = i + 1; j < b; j++) {
        if (!less(j, j - 1)) break;
        swap(j, j - 1);
      }
    }
  }
  return false;
}

const MASK64 = (1n << 64n) - 1n;

function breakPatterns(swap: Swap, a: number, b: number): void {
  const length = b - a;
  if (length < 8) return;
  let random = BigInt(length);
  const next = (): bigint => {
    random ^= (random << 13n) & MASK64;
    random ^= random >> 7n;
    random ^= (random << 17n) & MASK64;
    return random;
  };
  const modulus = 2 ** bitsLen(length);
  const lo = a + Math.floor(length / 4) * 2 - 1;
  for (let idx = lo; idx <= lo + 2; idx++) {
    let other = Number(next() & BigInt(modulus - 1));
    if (other >= length) other -= length;
    swap(idx, a + other);
  }
}

function choosePivot(less: Less, a: number, b: number): [number, number] {
  const shortestNinther = 50;
  const maxSwaps = 4 * 3;
  const l = b - a;
  const swaps = { n: 0 };
  let i = a + Math.floor(l / 4) * 1;
  let j = a + Math.floor(l / 4) * 2;
  let k = a + Math.floor(l / 4) * 3;
  if (l >= 8) {
    if (l >= shortestNinther) {
      i = medianAdjacent(less, i, swaps);
      j = medianAdjacent(less, j, swaps);
      k = medianAdjacent(less, k, swaps);
    }
    j = median(less, i, j, k, swaps);
  }
  switch (swaps.n) {
    case 0:
      return [j, INCREASING_HINT];
    case maxSwaps:
      return [j, DECREASING_HINT];
    default:
      return [j, UNKNOWN_HINT];
  }
}

function order2(less: Less, a: number, b: number, swaps: { n: number }): [number, number] {
  if (less(b, a)) {
    swaps.n++;
    return [b, a];
  }
  return [a, b];
}

function median(less: Less, a0: number, b0: number, c0: number, swaps: { n: number }): number {
  const [a1, b1] = order2(less, a0, b0, swaps);
  const [b2] = order2(less, b1, c0, swaps);
  return order2(less, a1, b2, swaps)[1];
}

function medianAdjacent(less: Less, a: number, swaps: { n: number }): number {
  return median(less, a - 1, a, a + 1, swaps);
}

function reverseRange(swap: Swap, a: number, b: number): void {
  let i = a;
  let j = b - 1;
  while (i < j) {
    swap(i, j);
    i++;
    j--;
  }
}

/** Maximal runs of ASCII digits and of anything else (Go's `regexp` `(\d+|\D+)`). */
function chunkify(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const digit = isDigit(s.charCodeAt(i));
    let j = i + 1;
    while (j < s.length && isDigit(s.charCodeAt(j)) === digit) j++;
    out.push(s.slice(i, j));
    i = j;
  }
  return out;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Go's `strconv.Atoi` of a run of ASCII digits: its value, or null past int64. */
function atoi(chunk: string): number | null {
  if (!isDigit(chunk.charCodeAt(0))) return null;
  const n = chunk.replace(/^0+(?=.)/, '');
  // 9223372036854775807 has 19 digits; beyond, strconv.Atoi reports a range error.
  if (n.length > 19 || (n.length === 19 && n > '9223372036854775807')) return null;
  return Number(n);
}

/** Go's byte-wise string order (UTF-8 bytes compare like code points). */
function lessUtf8(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y;
    if (x > 0xffff) i++;
  }
  return a.length < b.length;
}

/**
 * facette/natsort `Compare(a, b)` as Prometheus uses it for `sort_by_label`: whether `a`
 * comes before `b` in natural order. Both are split into runs of digits and non-digits;
 * runs that both parse as integers (`strconv.Atoi`) compare by value, others byte-wise;
 * when the runs so far are equal, running out of runs first means "before". (Go's
 * version indexes past the end of `b` when `b` is empty and `a` is not; that pair is
 * "not before" here, as Prometheus's own tie-break treats it.)
 */
export function natsortLess(a: string, b: string): boolean {
  const ca = chunkify(a);
  const cb = chunkify(b);
  for (let i = 0; i < ca.length; i++) {
    if (i >= cb.length) return false;
    const x = ca[i]!;
    const y = cb[i]!;
    const ax = atoi(x);
    const by = atoi(y);
    if (ax !== null && by !== null) {
      if (ax === by) {
        if (i === ca.length - 1) return true;
        if (i === cb.length - 1) return false;
        continue;
      }
      return ax < by;
    }
    if (x === y) {
      if (i === ca.length - 1) return true;
      if (i === cb.length - 1) return false;
      continue;
    }
    return lessUtf8(x, y);
  }
  return false;
}

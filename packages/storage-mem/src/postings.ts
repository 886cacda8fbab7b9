/**
 * Postings: ascending lists of dense series ids, and the set operations the index runs on
 * them. Inputs are any ascending array-likes; outputs are fresh `Uint32Array`s (or an
 * input returned as is when that is the answer).
 */

/** A sorted, duplicate-free list of series ids. */
export type Postings = ArrayLike<number>;

/** The empty postings list. */
export const EMPTY_POSTINGS: Uint32Array = new Uint32Array(0);

/**
 * Union of postings lists. Lists of one label name are disjoint (a series has one value
 * per name), the common case; overlapping lists are deduplicated too.
 */
export function union(lists: readonly Postings[]): Postings {
  if (lists.length === 0) return EMPTY_POSTINGS;
  if (lists.length === 1) return lists[0]!;
  let total = 0;
  for (const l of lists) total += l.length;
  const out = new Uint32Array(total);
  let n = 0;
  for (const l of lists) {
    if (l instanceof Uint32Array) {
      out.set(l, n);
      n += l.length;
    } else {
      for (let i = 0; i < l.length; i++) out[n++] = l[i]!;
    }
  }
  out.sort();
  let w = 1;
  for (let r = 1; r < total; r++) if (out[r] !== out[w - 1]) out[w++] = out[r]!;
  return w === total ? out : out.subarray(0, w);
}

/** Ids in both `a` and `b`. Gallops through the longer list when sizes differ a lot. */
export function intersect(a: Postings, b: Postings): Postings {
  if (a.length > b.length) {
    const t = a;
    a = b;
    b = t;
  }
  if (a.length === 0) return EMPTY_POSTINGS;
  const out = new Uint32Array(a.length);
  let n = 0;
  if (b.length > 16 * a.length) {
    let lo = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      lo = lowerBound(b, x, lo);
      if (lo === b.length) break;
      if (b[lo] === x) out[n++] = x;
    }
  } else {
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const x = a[i]!;
      const y = b[j]!;
      if (x === y) {
        out[n++] = x;
        i++;
        j++;
      } else if (x < y) i++;
      else j++;
    }
  }
  return out.subarray(0, n);
}

/** Ids in `a` but not in `b`. */
export function subtract(a: Postings, b: Postings): Postings {
  if (a.length === 0 || b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return n === a.length ? a : out.subarray(0, n);
}

/** First index `i >= from` with `list[i] >= x` (galloping, then binary search). */
function lowerBound(list: Postings, x: number, from: number): number {
  let step = 1;
  let hi = from;
  while (hi < list.length && list[hi]! < x) {
    from = hi + 1;
    hi += step;
    step *= 2;
  }
  if (hi > list.length) hi = list.length;
  let lo = from;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

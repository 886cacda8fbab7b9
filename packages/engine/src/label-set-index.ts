/**
 * Numbering label sets (or their projections on some label names) without building a
 * string key per set: a 32-bit hash of the names and values walks the strings in place,
 * and sets with the same hash are told apart by comparing their labels. Joins and
 * aggregations number every input series this way; string keys would allocate a few
 * hundred bytes per series and query.
 */
import type { Labels } from './storage.js';

/** Which labels of a set take part: all, only `names`, or all but `names` (sorted). */
export type Projection =
  | { readonly kind: 'all' }
  | { readonly kind: 'on'; readonly names: readonly string[] }
  | { readonly kind: 'without'; readonly names: readonly string[] };

/** All labels of a set. */
export const ALL_LABELS: Projection = { kind: 'all' };

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function mixString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

function mixLabel(h: number, name: string, value: string): number {
  // 0xFFFE and 0xFFFF are noncharacters: they separate a name from its value and a
  // label from the next one, so that ("a", "bc") and ("ab", "c") hash apart.
  h = Math.imul(mixString(h, name) ^ 0xfffe, FNV_PRIME);
  return Math.imul(mixString(h, value) ^ 0xffff, FNV_PRIME);
}

/**
 * `mixLabel` for a projection on named labels: the name's position in the (sorted) list
 * stands for the name, which every set that has the label shares, so its characters need
 * no hashing. (Positions mix in above 0xFFFF, where no character code lies.)
 */
function mixNamed(h: number, position: number, value: string): number {
  h = Math.imul(h ^ (0x10000 + position), FNV_PRIME);
  return Math.imul(mixString(h, value) ^ 0xffff, FNV_PRIME);
}

/**
 * A 32-bit hash of the labels of `ls` that `p` selects: equal projections on the same
 * `p`, equal hashes (hashes of different projections are not comparable).
 */
export function projectionHash(ls: Labels, p: Projection): number {
  let h = FNV_OFFSET;
  if (p.kind === 'all') {
    for (let i = 0; i < ls.length; i++) h = mixLabel(h, ls[i]!.name, ls[i]!.value);
    return h >>> 0;
  }
  const names = p.names;
  let j = 0;
  if (p.kind === 'on') {
    for (let i = 0; i < ls.length && j < names.length; ) {
      const l = ls[i]!;
      const n = names[j]!;
      if (l.name === n) {
        h = mixNamed(h, j, l.value);
        i++;
        j++;
      } else if (l.name < n) i++;
      else j++;
    }
    return h >>> 0;
  }
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    while (j < names.length && names[j]! < l.name) j++;
    if (j < names.length && names[j] === l.name) continue;
    h = mixLabel(h, l.name, l.value);
  }
  return h >>> 0;
}

/** The index of the next label of `ls` from `i` on that `p` selects (`ls.length` if none). */
function nextSelected(ls: Labels, i: number, p: Projection): number {
  if (p.kind === 'all') return i;
  const names = p.names;
  for (; i < ls.length; i++) {
    const name = ls[i]!.name;
    let found = false;
    // `names` is short (a `by`/`on` clause): a linear scan beats a search.
    for (let j = 0; j < names.length; j++) {
      if (names[j] === name) {
        found = true;
        break;
      }
    }
    if (found === (p.kind === 'on')) return i;
  }
  return i;
}

/** Whether `p` selects the same labels, with the same values, from `a` and `b`. */
export function sameProjection(a: Labels, b: Labels, p: Projection): boolean {
  if (a === b) return true;
  if (p.kind === 'all') {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x !== y && (x.name !== y.name || x.value !== y.value)) return false;
    }
    return true;
  }
  let i = nextSelected(a, 0, p);
  let j = nextSelected(b, 0, p);
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x !== y && (x.name !== y.name || x.value !== y.value)) return false;
    i = nextSelected(a, i + 1, p);
    j = nextSelected(b, j + 1, p);
  }
  return i === a.length && j === b.length;
}

/**
 * Numbers the distinct projections of the label sets it is given, 0, 1, 2… in order of
 * first appearance. A chained hash table in typed arrays: no allocation per set beyond
 * the arrays' doubling.
 */
export class LabelSetIndex {
  readonly #projection: Projection;
  /** Per bucket (hash & mask): 1 + the last ordinal placed in it, or 0. */
  #buckets: Int32Array;
  #mask: number;
  /** Per ordinal: 1 + the previous ordinal of its bucket, or 0. */
  #next: Int32Array;
  /** Per ordinal: its hash. */
  #hashes: Int32Array;
  /**
   * Per ordinal: a label set it was first given. Sized with the other arrays (so that
   * numbering n sets does not grow it step by step); `#size` of it are in use.
   */
  #sets: (Labels | undefined)[];
  #size = 0;

  /** `expected`: about how many distinct sets to make room for at once. */
  constructor(projection: Projection = ALL_LABELS, expected = 16) {
    this.#projection = projection;
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.#buckets = new Int32Array(cap);
    this.#mask = cap - 1;
    this.#next = new Int32Array(cap >> 1);
    this.#hashes = new Int32Array(cap >> 1);
    this.#sets = new Array(cap >> 1);
  }

  /** The number of distinct projections seen. */
  get size(): number {
    return this.#size;
  }

  /** The ordinal of `ls`'s projection, numbering it when it is new. */
  add(ls: Labels): number {
    const h = projectionHash(ls, this.#projection) | 0;
    const found = this.#find(ls, h);
    if (found >= 0) return found;
    const ord = this.#size;
    if (ord === this.#next.length) this.#grow();
    this.#sets[ord] = ls;
    this.#size = ord + 1;
    this.#hashes[ord] = h;
    const b = h & this.#mask;
    this.#next[ord] = this.#buckets[b]!;
    this.#buckets[b] = ord + 1;
    return ord;
  }

  #find(ls: Labels, h: number): number {
    let ord = this.#buckets[h & this.#mask]! - 1;
    while (ord >= 0) {
      if (this.#hashes[ord] === h && sameProjection(this.#sets[ord]!, ls, this.#projection)) {
        return ord;
      }
      ord = this.#next[ord]! - 1;
    }
    return -1;
  }

  /** Doubles the table and re-chains the ordinals (keeping at most one per two buckets). */
  #grow(): void {
    const cap = this.#buckets.length * 2;
    const n = this.#size;
    this.#sets.length = cap >> 1;
    const hashes = new Int32Array(cap >> 1);
    hashes.set(this.#hashes.subarray(0, n));
    this.#hashes = hashes;
    this.#next = new Int32Array(cap >> 1);
    this.#buckets = new Int32Array(cap);
    this.#mask = cap - 1;
    for (let ord = 0; ord < n; ord++) {
      const b = hashes[ord]! & this.#mask;
      this.#next[ord] = this.#buckets[b]!;
      this.#buckets[b] = ord + 1;
    }
  }
}

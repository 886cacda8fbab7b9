/**
 * What the engine derives from a list of label sets, kept across queries for the very
 * same list: the ordinals of an aggregation's groups and of a join's matching
 * signatures ({@link projectionOrdinals}), a range function's label sets without the
 * metric name ({@link namesDropped}), the order of a range query's result series
 * ({@link labelOrder}), and what an operation derives from its inputs' labels
 * ({@link derivedFromList}: `label_replace`'s new label sets, a join's result labels).
 *
 * Deriving them reads every series' labels: the list of labels, the label objects, the
 * values' characters. With the caches cold, as between two queries of a dashboard, that
 * is several trips to memory per series. On the comparison's data it was a third of
 * `histogram_quantile(0.9, sum by (le) (rate(...)))` over 4,992 bucket series, and half
 * of `quantile by (sensor) (...)`.
 *
 * A dashboard runs the same queries again and again over mostly the same series, and a
 * storage hands out the same label-set arrays for the same series every time (label sets
 * are never modified, see CONVENTIONS.md). So what was derived from a list is kept, and a
 * later list that holds the very same arrays in the same order (checked one pointer at a
 * time, which reads only the two lists) gets it without reading a label. Any other list
 * is derived afresh, and replaces only the least recently used entries.
 *
 * The cache holds at most {@link setLabelListCacheRows} rows over all its lists (default
 * 2^20; a row costs the list's pointer, its share of the value and of the numbers it was
 * checked against: 8 to 20 bytes), dropping the least recently used lists first; a list
 * longer than a quarter of that is not kept.
 */

import { LabelSetIndex, type Projection } from './label-set-index.js';
import { compareLabels, dropMetricName } from './labels.js';
import type { Labels } from './storage.js';

/** Rows the cache holds at most, over all its lists. */
let capacityRows = 1 << 20;
let cachedRows = 0;

/** Numbers a value depends on besides the label sets (which rows take part, say). */
type Extra = Uint8Array | Int32Array;

interface Entry {
  readonly sets: readonly Labels[];
  readonly extras: readonly Extra[];
  readonly value: unknown;
}

/** Every kind of value in one map, so that one least-recently-used order spans them. */
const entries = new Map<string, Entry>();

/** A number per label-set array, for the cache's keys (held weakly). */
const setIds = new WeakMap<Labels, number>();
let nextSetId = 1;

function setId(ls: Labels): number {
  let id = setIds.get(ls);
  if (id === undefined) {
    id = nextSetId++;
    setIds.set(ls, id);
  }
  return id;
}

function keyOf(kind: string, sets: readonly Labels[], extras: readonly Extra[]): string {
  const n = sets.length;
  // The kind last: the numbers before it have a fixed form, so keys of two kinds never
  // coincide whatever characters a kind holds.
  return `${n}|${setId(sets[0]!)}|${setId(sets[n - 1]!)}|${extras.length}|${kind}`;
}

function sameRows(e: Entry, sets: readonly Labels[], extras: readonly Extra[]): boolean {
  const n = sets.length;
  if (e.sets.length !== n || e.extras.length !== extras.length) return false;
  for (let r = 0; r < n; r++) if (e.sets[r] !== sets[r]) return false;
  for (let x = 0; x < extras.length; x++) {
    const a = extras[x]!;
    const b = e.extras[x]!;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  }
  return true;
}

/** The value kept for `key` if its entry holds the same rows (now the most recently used). */
function lookup(key: string, sets: readonly Labels[], extras: readonly Extra[]): unknown {
  const hit = entries.get(key);
  if (hit === undefined || !sameRows(hit, sets, extras)) return undefined;
  entries.delete(key);
  entries.set(key, hit);
  return hit.value;
}

/** Keeps `value` for `key` and these rows, in place of any entry of the same key. */
function store(
  key: string,
  sets: readonly Labels[],
  extras: readonly Extra[],
  value: unknown,
): void {
  const old = entries.get(key);
  if (old !== undefined) {
    entries.delete(key);
    cachedRows -= old.sets.length;
  }
  if (sets.length > capacityRows / 4) return;
  entries.set(key, { sets: sets.slice(), extras: extras.map((a) => a.slice()), value });
  cachedRows += sets.length;
  evict();
}

/** Drops the least recently used lists until the cache is within its capacity. */
function evict(): void {
  for (const [k, e] of entries) {
    if (cachedRows <= capacityRows) break;
    entries.delete(k);
    cachedRows -= e.sets.length;
  }
}

/** The ordinals of a list's rows: -1 for rows left out, the number of distinct projections. */
export interface Ordinals {
  /** Per row, the ordinal of its projection (0, 1, 2… in order of first appearance), or -1. */
  readonly ords: Int32Array;
  /** The number of distinct projections. */
  readonly count: number;
}

/**
 * Label names as text for a derivation's name (see {@link derivedFromList}): each after its
 * length, so that no two lists give the same text.
 */
export function namesKey(names: readonly string[]): string {
  let key = '';
  for (const name of names) key += `${name.length}:${name}`;
  return key;
}

/**
 * The ordinals of the projections `p` of `sets`, rows whose `present` is not 1 left out
 * (when given): what numbering the rows in order with a {@link LabelSetIndex} gives. The
 * returned arrays are shared with the cache: read them, never write them.
 */
export function projectionOrdinals(
  p: Projection,
  sets: readonly Labels[],
  present: Uint8Array | null,
): Ordinals {
  const n = sets.length;
  const kind = p.kind === 'all' ? 'all' : `${p.kind}${namesKey(p.names)}`;
  // Rows left out are told by their presence flags (0 or 1; anything but 1 is left out).
  const extras = present === null ? [] : [present.map((f) => (f === 1 ? 1 : 0))];
  return derivedFromList(
    `ordinals${kind}`,
    sets,
    () => {
      const index = new LabelSetIndex(p, n);
      const ords = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        ords[r] = present !== null && present[r] !== 1 ? -1 : index.add(sets[r]!);
      }
      return { ords, count: index.size };
    },
    extras,
  );
}

/** Label sets without their metric names, and whether they are known to be distinct. */
export interface NamesDropped {
  /** `dropMetricName` of each set. Shared with the cache: read it, never write it. */
  readonly labels: readonly Labels[];
  /** Whether no two of `labels` are equal (checked, or known from the input). */
  readonly distinct: boolean;
}

/**
 * `sets` without their metric names (and the other metadata labels, see
 * `dropMetricName`), as the rows of a range function's result. `check` makes the
 * derived sets and says whether they are distinct; it runs only for a list not seen
 * before (and may throw, in which case nothing is kept).
 */
export function namesDropped(
  sets: readonly Labels[],
  check: (dropped: Labels[]) => boolean,
): NamesDropped {
  // No rows: nothing to check.
  if (sets.length === 0) return { labels: [], distinct: true };
  return derivedFromList('names', sets, () => {
    const labels = sets.map(dropMetricName);
    return { labels, distinct: check(labels) };
  });
}

/**
 * The rows of `sets` in label order (Prometheus sorts a range query's result series so),
 * equal sets in row order. Shared with the cache: read it, never write it.
 */
export function labelOrder(sets: readonly Labels[]): Int32Array {
  return derivedFromList('order', sets, () => {
    const order = sets.map((_, i) => i);
    order.sort((a, b) => compareLabels(sets[a]!, sets[b]!));
    const out = new Int32Array(order.length);
    for (let i = 0; i < order.length; i++) out[i] = order[i]!;
    return out;
  });
}

/**
 * What `compute` derives from the label sets `sets` alone, for a derivation named
 * `kind` (a name no other derivation uses, which must also name everything else the
 * value depends on, or hold it in
 * `extras`: arrays of numbers compared element by element): kept for the same list and
 * extras in a later call. `compute` runs only for those not seen before (and may throw,
 * in which case nothing is kept). The value is shared with the cache: never modify it.
 */
export function derivedFromList<V>(
  kind: string,
  sets: readonly Labels[],
  compute: () => V,
  extras: readonly Extra[] = [],
): V {
  if (sets.length === 0) return compute();
  const key = keyOf(kind, sets, extras);
  const hit = lookup(key, sets, extras) as { v: V } | undefined;
  if (hit !== undefined) return hit.v;
  const v = compute();
  store(key, sets, extras, { v });
  return v;
}

/**
 * Sets how many rows (label sets) the engine keeps derived values of, over all the lists
 * it keeps (default 2^20, 8 to 20 MiB; 0 turns the cache off and empties it). See
 * `label-list-cache.ts`.
 */
export function setLabelListCacheRows(rows: number): void {
  capacityRows = Math.max(0, Math.floor(rows));
  evict();
}

/** The number of lists and of rows the cache holds (for tests). */
export function labelListCacheSize(): { lists: number; rows: number } {
  return { lists: entries.size, rows: cachedRows };
}

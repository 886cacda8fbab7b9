/**
 * Projection ordinals of lists of label sets, kept across queries.
 *
 * An aggregation numbers its input series by their `by`/`without` labels, and a join by
 * its `on`/`ignoring` labels ({@link LabelSetIndex}): each series' labels are read and
 * hashed, and compared with the first set of the same hash. With the caches cold, as
 * between two queries of a dashboard, that is several trips to memory per series (the
 * list of labels, the label objects, the values' characters): on the comparison's data,
 * a third of `histogram_quantile(0.9, sum by (le) (rate(...)))` over 4,992 bucket series,
 * and half of `quantile by (sensor) (...)`.
 *
 * A dashboard runs the same queries again and again over mostly the same series, and a
 * storage hands out the same label-set arrays for the same series every time (label sets
 * are never modified). So the ordinals of a list are kept, and a later list that holds
 * the very same arrays in the same order (checked one pointer at a time, which reads only
 * the two lists) gets them without reading a label. Any other list is numbered afresh
 * and replaces nothing but the least recently used entries.
 *
 * The cache holds at most {@link setOrdinalsCacheRows} rows in all (default 2^20, about
 * 9 bytes each: a pointer, an ordinal and a presence flag), dropping the least recently
 * used lists first; a list longer than a quarter of that is not kept.
 */
import { LabelSetIndex, type Projection } from './label-set-index.js';
import type { Labels } from './storage.js';

/** Rows the cache holds at most, over all its lists. */
let capacityRows = 1 << 20;

/** The ordinals of a list's rows: -1 for rows left out, the number of distinct projections. */
export interface Ordinals {
  /** Per row, the ordinal of its projection (0, 1, 2… in order of first appearance), or -1. */
  readonly ords: Int32Array;
  /** The number of distinct projections. */
  readonly count: number;
}

interface Entry extends Ordinals {
  readonly sets: readonly Labels[];
  /** The rows taken part (1) and left out (0), or null when all took part. */
  readonly present: Uint8Array | null;
}

const entries = new Map<string, Entry>();
let cachedRows = 0;

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

function projectionKey(p: Projection): string {
  return p.kind === 'all' ? 'all' : `${p.kind}${JSON.stringify(p.names)}`;
}

function sameRows(e: Entry, sets: readonly Labels[], present: Uint8Array | null): boolean {
  const n = sets.length;
  if (e.sets.length !== n || (e.present === null) !== (present === null)) return false;
  for (let r = 0; r < n; r++) if (e.sets[r] !== sets[r]) return false;
  if (present !== null) {
    for (let r = 0; r < n; r++) if ((present[r] === 1) !== (e.present![r] === 1)) return false;
  }
  return true;
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
  if (n === 0) return { ords: new Int32Array(0), count: 0 };
  const key = `${projectionKey(p)}|${n}|${setId(sets[0]!)}|${setId(sets[n - 1]!)}|${present === null ? 'all' : 'some'}`;
  const hit = entries.get(key);
  if (hit !== undefined && sameRows(hit, sets, present)) {
    // The most recently used goes last.
    entries.delete(key);
    entries.set(key, hit);
    return hit;
  }
  const index = new LabelSetIndex(p, n);
  const ords = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    ords[r] = present !== null && present[r] !== 1 ? -1 : index.add(sets[r]!);
  }
  const entry: Entry = {
    sets: sets.slice(),
    present: present === null ? null : present.slice(),
    ords,
    count: index.size,
  };
  if (hit !== undefined) {
    entries.delete(key);
    cachedRows -= hit.sets.length;
  }
  if (n <= capacityRows / 4) {
    entries.set(key, entry);
    cachedRows += n;
    evict();
  }
  return entry;
}

/** Drops the least recently used lists until the cache is within its capacity. */
function evict(): void {
  for (const [k, e] of entries) {
    if (cachedRows <= capacityRows) break;
    entries.delete(k);
    cachedRows -= e.sets.length;
  }
}

/**
 * Sets how many rows (label sets) the engine keeps the grouping and matching ordinals of,
 * over all the lists it keeps (default 2^20, about 9 MiB at most; 0 turns the cache off
 * and empties it). See `ordinals-cache.ts`.
 */
export function setOrdinalsCacheRows(rows: number): void {
  capacityRows = Math.max(0, Math.floor(rows));
  evict();
}

/** The number of lists and of rows the cache holds (for tests). */
export function ordinalsCacheSize(): { lists: number; rows: number } {
  return { lists: entries.size, rows: cachedRows };
}

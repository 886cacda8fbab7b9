/**
 * The inverted index: for every label name, its values, and for every value the
 * ascending ids of the series that carry it (its postings). Label objects are interned:
 * all series with `job="api"` share one frozen `{name: 'job', value: 'api'}`.
 */
import type { Label, Labels, Matcher } from '@promql-ts/engine';
import { EMPTY_POSTINGS, type Postings, union } from './postings.js';

/** One label name=value pair: its shared label object and its postings. */
export interface PostingsEntry {
  readonly label: Label;
  /** Ascending series ids. Ids only grow, so adding a series appends. */
  readonly ids: number[];
}

export class LabelIndex {
  /** name → value → entry. */
  readonly byName = new Map<string, Map<string, PostingsEntry>>();

  /**
   * Indexes series `id` (larger than every id indexed before) and returns its label set
   * rebuilt from the interned label objects.
   */
  add(id: number, labels: Labels): Labels {
    const interned: Label[] = new Array(labels.length);
    for (let i = 0; i < labels.length; i++) {
      const l = labels[i]!;
      let values = this.byName.get(l.name);
      if (values === undefined) {
        values = new Map();
        this.byName.set(l.name, values);
      }
      let entry = values.get(l.value);
      if (entry === undefined) {
        entry = { label: l, ids: [] };
        values.set(l.value, entry);
      }
      entry.ids.push(id);
      interned[i] = entry.label;
    }
    return Object.freeze(interned);
  }

  /** Removes series `id` from the postings of each of its labels. */
  remove(id: number, labels: Labels): void {
    for (const l of labels) {
      const values = this.byName.get(l.name);
      const entry = values?.get(l.value);
      if (values === undefined || entry === undefined) continue;
      const ids = entry.ids;
      let lo = 0;
      let hi = ids.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (ids[mid]! < id) lo = mid + 1;
        else hi = mid;
      }
      if (ids[lo] === id) ids.splice(lo, 1);
      if (ids.length === 0) {
        values.delete(l.value);
        if (values.size === 0) this.byName.delete(l.name);
      }
    }
  }

  /** Number of distinct values of label `name`. */
  valueCount(name: string): number {
    return this.byName.get(name)?.size ?? 0;
  }

  /**
   * Ids of the series whose label `m.name` has a value `v` for which `m.matches(v)` is
   * `want`. Series without the label are never included (their value is `""`; callers
   * handle that case). Finite `setMatches` become direct lookups instead of a scan.
   */
  postingsWhere(m: Matcher, want: boolean): Postings {
    const values = this.byName.get(m.name);
    if (values === undefined) return EMPTY_POSTINGS;
    const set = m.setMatches;
    if (set !== null) {
      // `=`/`=~` list the values they accept, `!=`/`!~` the values they reject.
      const listsAccepted = m.type === '=' || m.type === '=~';
      if (listsAccepted === want) {
        const lists: number[][] = [];
        for (const v of set) {
          const e = values.get(v);
          if (e !== undefined) lists.push(e.ids);
        }
        return union(lists);
      }
    }
    const lists: number[][] = [];
    for (const [v, e] of values) if (m.matches(v) === want) lists.push(e.ids);
    return union(lists);
  }
}

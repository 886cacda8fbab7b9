import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  derivedFromList,
  labelListCacheSize,
  labelOrder,
  namesDropped,
  projectionOrdinals,
  setLabelListCacheRows,
} from './label-list-cache.js';
import { LabelSetIndex, type Projection } from './label-set-index.js';
import { compareLabels, dropMetricName } from './labels.js';
import type { Label, Labels } from './storage.js';

const NAMES = ['__name__', 'a', 'instance', 'job', 'le'];

const arbLabels: fc.Arbitrary<Labels> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { maxLength: NAMES.length })
  .chain((names) =>
    fc
      .tuple(...names.map(() => fc.constantFrom('1', '2', 'ab', 'x\u00e9')))
      .map((values) => names.map((name, i) => ({ name, value: values[i]! })).sort(byName)),
  );

function byName(p: Label, q: Label): number {
  return p.name < q.name ? -1 : p.name > q.name ? 1 : 0;
}

const arbProjection: fc.Arbitrary<Projection> = fc.oneof(
  fc.constant<Projection>({ kind: 'all' }),
  fc
    .uniqueArray(fc.constantFrom(...NAMES), { maxLength: 3 })
    .map((names): Projection => ({ kind: 'on', names: [...names].sort() })),
  fc
    .uniqueArray(fc.constantFrom(...NAMES), { maxLength: 3 })
    .map((names): Projection => ({ kind: 'without', names: [...names].sort() })),
);

/** What numbering `sets` afresh gives (rows whose `present` is not 1 get -1). */
function fresh(p: Projection, sets: readonly Labels[], present: Uint8Array | null) {
  const index = new LabelSetIndex(p);
  const ords = sets.map((ls, r) => (present !== null && present[r] !== 1 ? -1 : index.add(ls)));
  return { ords, count: index.size };
}

/** A copy of `ls` with equal labels in new arrays and objects: equal, but not the same. */
function copyOf(ls: Labels): Labels {
  return ls.map((l) => ({ name: l.name, value: l.value }));
}

/** `sets` whose label reads are counted (each set a Proxy that counts its element reads). */
function counted(sets: readonly Labels[]): { sets: Labels[]; reads: () => number } {
  let reads = 0;
  const wrapped = sets.map(
    (ls) =>
      new Proxy(ls as Label[], {
        get(target, key, receiver) {
          reads++;
          return Reflect.get(target, key, receiver);
        },
      }),
  );
  return { sets: wrapped, reads: () => reads };
}

afterEach(() => setLabelListCacheRows(1 << 20));

describe('projectionOrdinals', () => {
  test.prop([
    fc.array(arbLabels, { minLength: 1, maxLength: 60 }),
    arbProjection,
    fc.option(fc.uint8Array({ min: 0, max: 1, minLength: 60, maxLength: 60 }), { nil: null }),
    fc.nat(),
    fc.nat(),
  ])(
    'numbers as a fresh index does, first for a list, again for the same list, and for a changed one',
    (sets, p, mask, at, pick) => {
      const present = mask === null ? null : mask.subarray(0, sets.length);
      const check = (list: readonly Labels[], pr: Uint8Array | null) => {
        const got = projectionOrdinals(p, list, pr);
        const want = fresh(p, list, pr);
        expect([...got.ords]).toEqual(want.ords);
        expect(got.count).toBe(want.count);
      };
      check(sets, present);
      // The same arrays: from the cache.
      check([...sets], present);
      // One row replaced by an equal copy, by another set, or left out.
      const r = at % sets.length;
      const changed = [...sets];
      changed[r] = copyOf(sets[r]!);
      check(changed, present);
      changed[r] = sets[pick % sets.length]!;
      check(changed, present);
      if (present !== null) {
        const other = present.slice();
        other[r] = other[r] === 1 ? 0 : 1;
        check(sets, other);
      }
    },
  );

  it('reads no label of a list it has numbered before', () => {
    const sets = Array.from({ length: 50 }, (_, i) => [
      { name: 'instance', value: `i${i % 7}` },
      { name: 'job', value: `j${i % 3}` },
    ]);
    const { sets: watched, reads } = counted(sets);
    const p: Projection = { kind: 'on', names: ['job'] };
    const first = projectionOrdinals(p, watched, null);
    expect(reads()).toBeGreaterThan(0);
    const before = reads();
    const again = projectionOrdinals(p, [...watched], null);
    expect(reads()).toBe(before);
    expect([...again.ords]).toEqual([...first.ords]);
    expect(again.count).toBe(3);
  });

  it('keeps at most its capacity of rows, least recently used lists going first', () => {
    setLabelListCacheRows(100);
    const list = (n: number, tag: string) =>
      Array.from({ length: n }, (_, i) => [{ name: 'a', value: `${tag}${i}` }]);
    const p: Projection = { kind: 'all' };
    const a = list(20, 'a');
    const b = list(25, 'b');
    const c = list(25, 'c');
    const d = list(25, 'd');
    for (const l of [a, b, c, d]) projectionOrdinals(p, l, null);
    expect(labelListCacheSize()).toEqual({ lists: 4, rows: 95 });
    // a is used again: b is now the least recently used, and goes for e.
    projectionOrdinals(p, a, null);
    projectionOrdinals(p, list(10, 'e'), null);
    expect(labelListCacheSize()).toEqual({ lists: 4, rows: 80 });
    const { sets: watched, reads } = counted(b);
    projectionOrdinals(p, watched, null);
    expect(reads()).toBeGreaterThan(0);
    // A list longer than a quarter of the capacity is not kept.
    const before = labelListCacheSize();
    projectionOrdinals(p, list(26, 'f'), null);
    expect(labelListCacheSize()).toEqual(before);
    setLabelListCacheRows(0);
    expect(labelListCacheSize()).toEqual({ lists: 0, rows: 0 });
  });
});

describe('namesDropped', () => {
  it('drops the metric names once for a list, and gives the same sets for it again', () => {
    const sets = Array.from({ length: 20 }, (_, i) => [
      { name: '__name__', value: 'x' },
      { name: 'instance', value: `i${i}` },
    ]);
    const { sets: watched, reads } = counted(sets);
    let checks = 0;
    const check = (dropped: Labels[]) => {
      checks++;
      expect(dropped).toEqual(sets.map((ls) => dropMetricName(ls)));
      return true;
    };
    const first = namesDropped(watched, check);
    expect(first.labels).toEqual(sets.map((ls) => [ls[1]]));
    expect(first.distinct).toBe(true);
    const before = reads();
    const again = namesDropped([...watched], check);
    expect(reads()).toBe(before);
    expect(checks).toBe(1);
    expect(again.labels).toBe(first.labels);
    // A different list: derived afresh.
    const other = [...watched];
    other[3] = copyOf(sets[3]!);
    expect(namesDropped(other, check).labels).toEqual(first.labels);
    expect(checks).toBe(2);
  });

  it('keeps nothing when the check throws', () => {
    const sets = [
      [
        { name: '__name__', value: 'a' },
        { name: 'job', value: 'j' },
      ],
      [
        { name: '__name__', value: 'b' },
        { name: 'job', value: 'j' },
      ],
    ];
    let checks = 0;
    const check = () => {
      checks++;
      throw new Error('same labelset');
    };
    expect(() => namesDropped(sets, check)).toThrow('same labelset');
    expect(() => namesDropped(sets, check)).toThrow('same labelset');
    expect(checks).toBe(2);
  });
});

describe('labelOrder', () => {
  test.prop([fc.array(arbLabels, { maxLength: 60 })])(
    'sorts the rows by labels, equal sets in row order, the same for the same list again',
    (sets) => {
      const want = sets.map((_, i) => i).sort((a, b) => compareLabels(sets[a]!, sets[b]!) || a - b);
      expect([...labelOrder(sets)]).toEqual(want);
      expect([...labelOrder([...sets])]).toEqual(want);
    },
  );

  it('reads no label of a list it has ordered before', () => {
    const sets = Array.from({ length: 30 }, (_, i) => [{ name: 'a', value: `${(i * 7) % 30}` }]);
    const { sets: watched, reads } = counted(sets);
    const first = labelOrder(watched);
    const before = reads();
    expect(labelOrder([...watched])).toBe(first);
    expect(reads()).toBe(before);
  });
});

describe('derivedFromList', () => {
  it('derives again for the same list with other extras, or under another kind', () => {
    const sets = [[{ name: 'a', value: '1' }], [{ name: 'a', value: '2' }]];
    let computed = 0;
    const derive = (kind: string, extras: Int32Array[]) =>
      derivedFromList(kind, sets, () => ++computed, extras);
    expect(derive('k', [Int32Array.of(0, 1)])).toBe(1);
    expect(derive('k', [Int32Array.of(0, 1)])).toBe(1);
    expect(derive('k', [Int32Array.of(1, 0)])).toBe(2);
    expect(derive('k', [Int32Array.of(1, 0), Int32Array.of(2)])).toBe(3);
    expect(derive('other', [Int32Array.of(1, 0)])).toBe(4);
    expect(derive('k', [Int32Array.of(1, 0)])).toBe(2);
  });
});

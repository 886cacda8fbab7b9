import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  LabelSetIndex,
  type Projection,
  projectionHash,
  sameProjection,
} from './label-set-index.js';
import { keyForLabels, keyWithoutLabels, labelsKey } from './labels.js';
import type { Labels } from './storage.js';

const NAMES = ['__name__', 'a', 'b', 'instance', 'job', 'le', 'x'];

/** Label sets over a few names and values: many equal sets and projections. */
const arbLabels: fc.Arbitrary<Labels> = fc
  .uniqueArray(fc.constantFrom(...NAMES), { maxLength: NAMES.length })
  .chain((names) =>
    fc
      .tuple(...names.map(() => fc.constantFrom('1', '2', 'ab', 'a', 'b', 'x\u00e9', '\u{1f600}')))
      .map((values) =>
        names
          .map((name, i) => ({ name, value: values[i]! }))
          .sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : 0)),
      ),
  );

const arbProjection: fc.Arbitrary<Projection> = fc.oneof(
  fc.constant<Projection>({ kind: 'all' }),
  fc
    .uniqueArray(fc.constantFrom(...NAMES), { maxLength: 4 })
    .map((names): Projection => ({ kind: 'on', names: [...names].sort() })),
  fc
    .uniqueArray(fc.constantFrom(...NAMES), { maxLength: 4 })
    .map((names): Projection => ({ kind: 'without', names: [...names].sort() })),
);

/** The string key the engine used before: equal keys, equal projections. */
function stringKey(ls: Labels, p: Projection): string {
  if (p.kind === 'all') return labelsKey(ls);
  return p.kind === 'on' ? keyForLabels(ls, p.names) : keyWithoutLabels(ls, p.names);
}

describe('LabelSetIndex', () => {
  test.prop([fc.array(arbLabels, { maxLength: 200 }), arbProjection, fc.nat({ max: 300 })])(
    'numbers projections as their string keys do, in order of first appearance',
    (sets, p, expected) => {
      const index = new LabelSetIndex(p, expected);
      const byKey = new Map<string, number>();
      for (const ls of sets) {
        const key = stringKey(ls, p);
        const want = byKey.get(key) ?? byKey.size;
        byKey.set(key, want);
        expect(index.add(ls)).toBe(want);
      }
      expect(index.size).toBe(byKey.size);
      // Seen sets keep their ordinals.
      for (const ls of sets) expect(index.add(ls)).toBe(byKey.get(stringKey(ls, p)));
      expect(index.size).toBe(byKey.size);
    },
  );

  test.prop([arbLabels, arbLabels, arbProjection])(
    'sameProjection compares projections as their string keys do',
    (a, b, p) => {
      expect(sameProjection(a, b, p)).toBe(stringKey(a, p) === stringKey(b, p));
    },
  );

  test.prop([arbLabels, arbLabels, arbProjection])('equal projections hash alike', (a, b, p) => {
    if (stringKey(a, p) === stringKey(b, p)) {
      expect(projectionHash(a, p)).toBe(projectionHash(b, p));
    }
  });

  test('hashes names and values apart', () => {
    // Moving characters between a name and a value changes the hash.
    const all: Projection = { kind: 'all' };
    expect(projectionHash([{ name: 'ab', value: 'x' }], all)).not.toBe(
      projectionHash([{ name: 'a', value: 'bx' }], all),
    );
  });

  test('tells apart different sets with the same hash', () => {
    // Find two one-label sets whose hashes collide (a birthday search over 32 bits).
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (let i = 0; pair === null; i++) {
      const v = String(i);
      const h = projectionHash([{ name: 'a', value: v }], { kind: 'all' });
      const other = seen.get(h);
      if (other !== undefined) pair = [other, v];
      else seen.set(h, v);
    }
    const [u, v] = pair;
    const index = new LabelSetIndex();
    expect(index.add([{ name: 'a', value: u }])).toBe(0);
    expect(index.add([{ name: 'a', value: v }])).toBe(1);
    expect(index.add([{ name: 'a', value: u }])).toBe(0);
    expect(index.add([{ name: 'a', value: v }])).toBe(1);
    expect(index.size).toBe(2);
  });

  test('grows past its expected size', () => {
    const index = new LabelSetIndex(undefined, 1);
    for (let i = 0; i < 5000; i++) expect(index.add([{ name: 'i', value: String(i) }])).toBe(i);
    for (let i = 0; i < 5000; i++) expect(index.add([{ name: 'i', value: String(i) }])).toBe(i);
    expect(index.size).toBe(5000);
  });
});

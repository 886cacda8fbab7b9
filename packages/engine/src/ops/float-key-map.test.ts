import { fc, test } from '@fast-check/vitest';
import { formatFloatF } from '@promql-ts/parser';
import { describe, expect, it } from 'vitest';
import { FloatIndex, FloatKeyMap, memoFormat } from './float-key-map.js';

/** A key that tells floats apart as Object.is does. */
const refKey = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));

/** Floats that stress the keys: zeros of both signs, NaNs, infinities, small integers. */
const floats = fc.oneof(
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
  fc.constantFrom(1, 255, 256, 257, -1, 0.5, 255.5, 1e-300, 2 ** 31, -(2 ** 31), 2 ** 32),
  fc.integer({ min: -3, max: 300 }),
  fc.double(),
);

describe('FloatKeyMap', () => {
  it('keeps -0 and +0 apart and every NaN together', () => {
    const m = new FloatKeyMap<string>();
    m.set(0, 'zero');
    expect(m.get(-0)).toBeUndefined();
    expect(m.has(-0)).toBe(false);
    m.set(-0, 'minus zero');
    expect(m.get(0)).toBe('zero');
    expect(m.get(-0)).toBe('minus zero');
    m.set(Number.NaN, 'nan');
    const otherNaN = new Float64Array(new Uint32Array([1, 0x7ff80000]).buffer)[0]!;
    expect(m.get(otherNaN)).toBe('nan');
    expect(m.size).toBe(3);
  });

  test.prop([fc.array(fc.tuple(floats, fc.integer()))])(
    'behaves as a map keyed with Object.is',
    (entries) => {
      const m = new FloatKeyMap<number>();
      const ref = new Map<string, number>();
      for (const [k, v] of entries) {
        expect(m.get(k)).toBe(ref.get(refKey(k)));
        expect(m.has(k)).toBe(ref.has(refKey(k)));
        m.set(k, v);
        ref.set(refKey(k), v);
        expect(m.size).toBe(ref.size);
      }
      for (const [k] of entries) expect(m.get(k)).toBe(ref.get(refKey(k)));
    },
  );
});

describe('FloatIndex', () => {
  it('answers -1 for a missing key, small integers from its table', () => {
    const ix = new FloatIndex(true);
    expect(ix.get(3)).toBe(-1);
    ix.set(3, 0);
    ix.set(-0, 1);
    ix.set(3.5, 2);
    ix.set(256, 3);
    expect([ix.get(3), ix.get(-0), ix.get(0), ix.get(3.5), ix.get(256), ix.get(255)]).toEqual([
      0, 1, -1, 2, 3, -1,
    ]);
  });

  test.prop([fc.boolean(), fc.array(fc.tuple(floats, fc.nat({ max: 1000 })))])(
    'behaves as a map keyed with Object.is, with or without its table',
    (dense, entries) => {
      const ix = new FloatIndex(dense);
      const ref = new Map<string, number>();
      for (const [k, v] of entries) {
        expect(ix.get(k)).toBe(ref.get(refKey(k)) ?? -1);
        ix.set(k, v);
        ref.set(refKey(k), v);
      }
      for (const [k] of entries) expect(ix.get(k)).toBe(ref.get(refKey(k)));
    },
  );
});

describe('memoFormat', () => {
  test.prop([fc.array(floats)])('gives what the formatting gives', (xs) => {
    let calls = 0;
    const format = memoFormat((v) => {
      calls++;
      return formatFloatF(v);
    });
    for (const x of [...xs, ...xs]) expect(format(x)).toBe(formatFloatF(x));
    expect(calls).toBe(new Set(xs.map(refKey)).size);
  });

  it('formats -0 and 0 apart', () => {
    const format = memoFormat(formatFloatF);
    expect([format(0), format(-0), format(0), format(Number.NaN)]).toEqual(['0', '-0', '0', 'NaN']);
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { heapFix, heapPop, heapPush, replaceTop } from './go-heap.js';

const lessNum = (a: number, b: number) => a < b;
const byValue = (a: { v: number }, b: { v: number }) => a.v < b.v;

describe('container/heap', () => {
  test.prop([fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 60 })])(
    'pushing then popping yields ascending order',
    (xs) => {
      const h: number[] = [];
      for (const x of xs) heapPush(h, x, lessNum);
      const out: number[] = [];
      while (h.length > 0) out.push(heapPop(h, lessNum));
      expect(out).toEqual([...xs].sort((a, b) => a - b));
    },
  );

  test.prop([
    fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 40 }),
    fc.integer(),
  ])('Fix restores the heap after the top changes', (xs, replacement) => {
    const h: number[] = [];
    for (const x of xs) heapPush(h, x, lessNum);
    h[0] = replacement;
    heapFix(h, 0, lessNum);
    for (let i = 1; i < h.length; i++) {
      expect(h[Math.trunc((i - 1) / 2)]! <= h[i]!).toBe(true);
    }
  });

  test.prop([
    fc.array(fc.constantFrom(0, 1, 2, 3, -0, Number.NaN, Number.POSITIVE_INFINITY), {
      minLength: 2,
      maxLength: 40,
    }),
    fc.nat(),
    fc.boolean(),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 1, max: 3 }),
  ])(
    'replaceTop moves rows exactly as setting the top and Fix do (ties, NaN, both orders)',
    (vals, pick, descending, at, stride) => {
      // Row r's value is at `at + r × stride` (other slots hold 99); the heap holds all rows
      // but one, which replaces the top.
      const values = new Float64Array(at + vals.length * stride).fill(99);
      vals.forEach((v, r) => {
        values[at + r * stride] = v;
      });
      const value = (r: number) => values[at + r * stride]!;
      const less = (a: number, b: number) => {
        const va = value(a);
        return Number.isNaN(va) || (descending ? va > value(b) : va < value(b));
      };
      const x = pick % vals.length;
      const want: number[] = [];
      for (let r = 0; r < vals.length; r++) if (r !== x) heapPush(want, r, less);
      const got = [...want];
      want[0] = x;
      heapFix(want, 0, less);
      replaceTop(got, x, values, at, stride, descending);
      expect(got).toEqual(want);
    },
  );

  test('keeps equal elements in Go order', () => {
    // Go: pushing a, b, c (all equal) never swaps; popping swaps the root with the last.
    const h: { v: number; id: string }[] = [];
    for (const id of ['a', 'b', 'c']) heapPush(h, { v: 1, id }, byValue);
    expect(h.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(heapPop(h, byValue).id).toBe('a');
    expect(h.map((e) => e.id)).toEqual(['c', 'b']);
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { goSort, heapFix, heapPop, heapPush } from './aggregate-gosort.js';

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

  test('keeps equal elements in Go order', () => {
    // Go: pushing a, b, c (all equal) never swaps; popping swaps the root with the last.
    const h: { v: number; id: string }[] = [];
    for (const id of ['a', 'b', 'c']) heapPush(h, { v: 1, id }, byValue);
    expect(h.map((e) => e.id)).toEqual(['a', 'b', 'c']);
    expect(heapPop(h, byValue).id).toBe('a');
    expect(h.map((e) => e.id)).toEqual(['c', 'b']);
  });
});

describe('sort.Sort', () => {
  test.prop([fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 300 })])(
    'sorts any array (pdqsort paths included)',
    (xs) => {
      const h = [...xs];
      goSort(h, lessNum);
      expect(h).toEqual([...xs].sort((a, b) => a - b));
    },
  );

  test.prop([fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 13, maxLength: 200 })])(
    'sorts arrays with many duplicates',
    (xs) => {
      const h = [...xs];
      goSort(h, lessNum);
      expect(h).toEqual([...xs].sort((a, b) => a - b));
    },
  );

  test('sorts reversed and organ-pipe inputs long enough for every pdqsort step', () => {
    for (const n of [13, 50, 51, 100, 1000]) {
      const rev = Array.from({ length: n }, (_, i) => n - i);
      goSort(rev, lessNum);
      expect(rev).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      const pipe = Array.from({ length: n }, (_, i) => Math.min(i, n - i));
      const want = [...pipe].sort((a, b) => a - b);
      goSort(pipe, lessNum);
      expect(pipe).toEqual(want);
    }
  });

  test('is an insertion sort (stable) up to 12 elements', () => {
    const h = [
      { v: 2, id: 'a' },
      { v: 1, id: 'b' },
      { v: 2, id: 'c' },
      { v: 1, id: 'd' },
    ];
    goSort(h, byValue);
    expect(h.map((e) => e.id)).toEqual(['b', 'd', 'a', 'c']);
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { goSort, natsortLess } from './gosort.js';
import { call, contextFor, gridOf, rows, vec } from './test-util.js';

const one = gridOf(1);

describe('goSort', () => {
  test.prop([fc.array(fc.integer({ min: -50, max: 50 }), { maxLength: 300 })])(
    'sorts with a strict weak order, as a permutation',
    (xs) => {
      const data = xs.slice();
      goSort(data, (a, b) => a < b);
      expect(data).toEqual(xs.slice().sort((a, b) => a - b));
    },
  );

  test.prop([fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 200 })])(
    'keeps every element with many ties and patterns',
    (xs) => {
      const tagged = xs.map((x, i) => ({ x, i }));
      goSort(tagged, (a, b) => a.x > b.x);
      expect(tagged.map((t) => t.x)).toEqual(xs.slice().sort((a, b) => b - a));
      expect(tagged.map((t) => t.i).sort((a, b) => a - b)).toEqual(xs.map((_, i) => i));
    },
  );

  it('handles long descending and organ-pipe inputs (pattern breaking, heapsort fallback)', () => {
    const desc = Array.from({ length: 1000 }, (_, i) => 1000 - i);
    goSort(desc, (a, b) => a < b);
    expect(desc).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    const pipe = Array.from({ length: 999 }, (_, i) => (i < 500 ? i : 999 - i));
    const want = pipe.slice().sort((a, b) => a - b);
    goSort(pipe, (a, b) => a < b);
    expect(pipe).toEqual(want);
  });
});

describe('goSort as sort.Sort of topk/bottomk candidates', () => {
  const lessNum = (a: number, b: number) => a < b;
  const byValue = (a: { v: number }, b: { v: number }) => a.v < b.v;

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

describe('natsortLess', () => {
  it('orders digit runs by value', () => {
    const xs = ['100', '21', '20', '12', '11', '10', '3', '2', '1', '0'];
    goSort(xs, natsortLess);
    expect(xs).toEqual(['0', '1', '2', '3', '10', '11', '12', '20', '21', '100']);
    expect(natsortLess('4m5', '4m600')).toBe(true);
    expect(natsortLess('4m600', '4m1000')).toBe(true);
    expect(natsortLess('1.2.3', '1.11.3')).toBe(true);
    expect(natsortLess('1.11.3', '1.111.3')).toBe(true);
    // Zero-padded and colon-separated instance names, as a real Prometheus orders them.
    expect(natsortLess('node-0:9100', 'node-1:9100')).toBe(true);
    expect(natsortLess('node-1:9100', 'node-0:9100')).toBe(false);
    expect(natsortLess('z2.doc', 'z10.doc')).toBe(true);
    expect(natsortLess('Alpha 2A-900', 'Alpha 2A-8000')).toBe(true);
    // natsort's quirks: "" is never before anything; equal strings are "before".
    expect(natsortLess('', 'a')).toBe(false);
    expect(natsortLess('a', '')).toBe(false);
    expect(natsortLess('a', 'a')).toBe(true);
    // Runs past int64 compare byte-wise.
    expect(natsortLess('x100000000000000000000', 'x2')).toBe(true);
  });

  test.prop([fc.string(), fc.string()])('is asymmetric for values that differ in value', (a, b) => {
    if (natsortLess(a, b) && natsortLess(b, a)) {
      // Only runs equal in value but not in text (leading zeros) are "before" both ways.
      expect(a.replace(/(^|\D)0+(?=\d)/g, '$1')).toBe(b.replace(/(^|\D)0+(?=\d)/g, '$1'));
    }
  });
});

const requests = vec([
  [{ __name__: 'r', job: 'api', instance: '0', group: 'production' }, [100]],
  [{ __name__: 'r', job: 'api', instance: '1', group: 'production' }, [200]],
  [{ __name__: 'r', job: 'api', instance: '0', group: 'canary' }, [300]],
  [{ __name__: 'r', job: 'api', instance: '2', group: 'canary' }, [Number.NaN]],
  [{ __name__: 'r', job: 'app', instance: '0', group: 'production' }, [500]],
  [{ __name__: 'r', job: 'app', instance: '1', group: 'canary' }, [800]],
  [{ __name__: 'r', job: 'api', instance: '3', group: 'canary' }, [null]],
]);

describe('sort functions', () => {
  it('sort is ascending with NaN last, and leaves out absent rows', () => {
    const out = rows(call('sort(x)', [requests], one)).map((r) => r[1][0]);
    expect(out).toEqual([100, 200, 300, 500, 800, Number.NaN]);
  });

  it('sort_desc is descending with NaN last', () => {
    const out = rows(call('sort_desc(x)', [requests], one)).map((r) => r[1][0]);
    expect(out).toEqual([800, 500, 300, 200, 100, Number.NaN]);
  });

  it('sort_by_label orders by the labels in natural order, then by all labels', () => {
    const q = 'sort_by_label(x, "instance")';
    expect(rows(call(q, [requests, 'instance'], one)).map((r) => r[1][0])).toEqual([
      300,
      100,
      500,
      800,
      200,
      Number.NaN,
    ]);
    const d = 'sort_by_label_desc(x, "job", "group")';
    expect(rows(call(d, [requests, 'job', 'group'], one)).map((r) => r[1][0])).toEqual([
      500,
      800,
      200,
      100,
      Number.NaN,
      300,
    ]);
  });

  test.prop([fc.array(fc.oneof(fc.double(), fc.constant(Number.NaN)), { maxLength: 40 })])(
    'sort returns the points in order, NaNs last',
    (xs) => {
      const v = vec(
        xs.map((x, i) => [{ i: String(i) }, [x]] as const),
        1,
      );
      const out = rows(call('sort(x)', [v], one)).map((r) => r[1][0]!);
      expect(out.map(String).sort()).toEqual(xs.map(String).sort());
      const numbers = out.filter((x) => !Number.isNaN(x));
      expect(out.slice(0, numbers.length)).toEqual(numbers);
      for (let i = 1; i < numbers.length; i++) expect(numbers[i - 1]! <= numbers[i]!).toBe(true);
    },
  );

  it('warns in range queries and leaves multi-step values alone', () => {
    const grid = gridOf(2);
    const ctx = contextFor(grid);
    const v = vec([
      [{ a: '2' }, [2, 1]],
      [{ a: '1' }, [1, 2]],
    ]);
    expect(rows(call('sort(x)', [v], grid, ctx)).map((r) => r[0])).toEqual(['{a="2"}', '{a="1"}']);
    expect(ctx.annotations.warnings.map((w) => w.message)).toEqual([
      'PromQL warning: sort is ineffective for range queries since results are always ordered by labels',
    ]);
  });
});

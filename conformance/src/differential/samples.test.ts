import { MemoryStorage } from '@promql-ts/storage-mem';
import { describe, expect, test } from 'vitest';
import { compareSamples, type RawSamples, readStorageSamples } from './samples.js';

const raw = (entries: [string, number[], number[]][]): RawSamples =>
  new Map(
    entries.map(([n, ts, vs]) => [
      n,
      { labels: [{ name: '__name__', value: n }], timestamps: ts, values: vs },
    ]),
  );

describe('compareSamples', () => {
  test('equal sets, NaN equal to NaN', () => {
    const a = raw([['a', [1, 2], [1, Number.NaN]]]);
    expect(compareSamples(a, raw([['a', [1, 2], [1, Number.NaN]]]))).toEqual({
      series: 1,
      samples: 2,
      differences: [],
      differenceCount: 0,
    });
  });

  test('missing and extra series, timestamps and values, -0 distinct from 0', () => {
    const c = compareSamples(
      raw([
        ['a', [1, 2], [1, 2]],
        ['b', [1], [0]],
        ['c', [1], [-0]],
      ]),
      raw([
        ['a', [1, 3], [1, 2]],
        ['d', [1], [1]],
        ['c', [1], [0]],
      ]),
    );
    expect(c.differences).toEqual([
      'series {__name__="a"}: sample 1 is at 2 in one and 3 in the other',
      'series {__name__="b"} (1 samples) is missing',
      'series {__name__="c"} at 1: 0 vs 0',
      'unexpected series {__name__="d"} (1 samples)',
    ]);
    expect(compareSamples(raw([['a', [1], [1]]]), raw([['a', [1], [1.5]]]), 0)).toMatchObject({
      differences: [],
      differenceCount: 1,
    });
  });
});

describe('readStorageSamples', () => {
  test('the samples of a time window', async () => {
    const s = new MemoryStorage();
    s.addSeries({ __name__: 'x', a: '1' }, [0, 10, 20], [1, 2, 3]);
    s.addSeries({ __name__: 'y' }, [30], [4]);
    const r = await readStorageSamples(s, 10, 20);
    expect([...r.values()]).toEqual([
      {
        labels: [
          { name: '__name__', value: 'x' },
          { name: 'a', value: '1' },
        ],
        timestamps: [10, 20],
        values: [2, 3],
      },
    ]);
  });
});

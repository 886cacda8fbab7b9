import { describe, expect, test } from 'vitest';
import { generateCorpus } from './corpus.js';
import { queryReach } from './reach.js';

const o = { lookbackDeltaMs: 300_000 };
const reach = (q: string, extra = {}) => {
  const r = queryReach(q, { ...o, ...extra });
  return [r.backMs / 60_000, r.forwardMs / 60_000];
};

describe('queryReach', () => {
  test('instant selectors read the lookback delta; range selectors their range', () => {
    expect(reach('up')).toEqual([5, 0]);
    expect(reach('rate(x[15m])')).toEqual([15, 0]);
    expect(reach('42')).toEqual([0, 0]);
    expect(reach('time()')).toEqual([0, 0]);
    expect(reach('sum(x) + rate(y[10m])')).toEqual([10, 0]);
  });

  test('offsets move the reach; negative offsets read ahead', () => {
    expect(reach('x offset 5m')).toEqual([10, 0]);
    expect(reach('rate(x[5m] offset 1m)')).toEqual([6, 0]);
    expect(reach('x offset -10m')).toEqual([0, 10]);
  });

  test('subqueries add their range and offset to what the inner query reads', () => {
    expect(reach('max_over_time(rate(x[1m])[10m:1m])')).toEqual([11, 0]);
    expect(reach('min_over_time(x[10m:30s] offset 5m)')).toEqual([20, 0]);
    expect(reach('max_over_time(deriv(rate(x[1m])[5m:1m])[10m:2m])')).toEqual([16, 0]);
    expect(reach('max_over_time((x offset -10m)[5m:1m])')).toEqual([0, 10]);
  });

  test('duration expressions, step() and range()', () => {
    expect(reach('rate(x[5m + 1m] offset (1m * 2))')).toEqual([8, 0]);
    expect(reach('max_over_time(x[max_of(1m, min_of(10m, 5m))])')).toEqual([5, 0]);
    expect(reach('count_over_time(x[step()])', { stepMs: 120_000 })).toEqual([2, 0]);
  });

  test('anchored and smoothed read a lookback delta around the range', () => {
    expect(reach('rate(x[5m] anchored)')).toEqual([10, 0]);
    expect(reach('rate(x[5m] smoothed)')).toEqual([10, 5]);
  });

  test('a query that does not parse reads nothing', () => {
    expect(reach('rate(')).toEqual([0, 0]);
  });

  test('the default corpus reads at most 1h back and 10m ahead', () => {
    const corpus = generateCorpus({ startMs: 0, endMs: 7200_000 });
    let back = 0;
    let forward = 0;
    for (const c of corpus) {
      const r = queryReach(c.query, { ...o, stepMs: c.stepMs, rangeMs: c.endMs - c.startMs });
      back = Math.max(back, r.backMs);
      forward = Math.max(forward, r.forwardMs);
    }
    expect([back / 60_000, forward / 60_000]).toEqual([60, 10]);
  });
});

import { parse, print } from '@promql-ts/parser';
import { describe, expect, test } from 'vitest';
import { atModifierTestCases, pinToTime } from './at-modifier.js';

const pinned = (q: string, t = 60_000) => {
  const e = pinToTime(parse(q, { experimental: true }), t);
  return e === null ? null : print(e);
};

describe('pinToTime', () => {
  test('instant and range selectors get @ <eval time>', () => {
    expect(pinned('up')).toBe('up @ 60.000');
    expect(pinned('rate(x[5m])')).toBe('rate(x[5m] @ 60.000)');
    expect(pinned('sum by (job) (a + on (i) b)')).toBe(
      'sum by (job) (a @ 60.000 + on (i) b @ 60.000)',
    );
  });

  test('an existing @ timestamp is kept; @ start() / @ end() are replaced', () => {
    expect(pinned('a @ 10 + b')).toBe('a @ 10.000 + b @ 60.000');
    expect(pinned('a @ start() + b @ end()')).toBe('a @ 60.000 + b @ 60.000');
  });

  test('offsets stay; the printed form follows Prometheus', () => {
    expect(pinned('x offset 5m')).toBe('x @ 60.000 offset 5m');
  });

  test('a subquery gets the @; nothing inside it is touched', () => {
    expect(pinned('max_over_time(rate(x[1m])[5m:1m])')).toBe(
      'max_over_time(rate(x[1m])[5m:1m] @ 60.000)',
    );
    expect(pinned('sum_over_time(x[5m:] @ 20)')).toBe('sum_over_time(x[5m:] @ 20.000)');
  });

  test('functions that depend on the evaluation time give no pinned query', () => {
    for (const f of [
      'time()',
      'timestamp(x)',
      'hour(x)',
      'day_of_year()',
      'predict_linear(x[5m], 60)',
    ]) {
      expect(pinned(f), f).toBeNull();
    }
  });

  test('those functions inside a subquery do not count', () => {
    expect(pinned('max_over_time(timestamp(x)[5m:1m])')).toBe(
      'max_over_time(timestamp(x)[5m:1m] @ 60.000)',
    );
  });

  test('the second argument of info() is a selector too', () => {
    expect(pinned('info(x, {data="1"})')).toBe('info(x @ 60.000, {data="1"} @ 60.000)');
  });
});

describe('atModifierTestCases', () => {
  test('at t > 0: -10t, 0, t/5 (truncated), t, 10t', () => {
    expect(atModifierTestCases('x', 61_003)).toEqual(
      [-610_030, 0, 12_200, 61_003, 610_030].map((evalMs) => ({ expr: 'x @ 61.003', evalMs })),
    );
  });

  test('at 0: -1s, 0, 1s', () => {
    expect(atModifierTestCases('x', 0).map((c) => c.evalMs)).toEqual([-1000, 0, 1000]);
    expect(atModifierTestCases('x', 0)[0]!.expr).toBe('x @ 0.000');
  });

  test('none for time-dependent functions and for queries without selectors that are unsafe', () => {
    expect(atModifierTestCases('time()', 60_000)).toEqual([]);
    expect(atModifierTestCases('1 + 1', 60_000).map((c) => c.expr)).toEqual(Array(5).fill('1 + 1'));
  });

  test('Prometheus 2 mode parses with that dialect', () => {
    expect(
      atModifierTestCases('holt_winters(x[5m], 0.5, 0.5)', 60_000, { compat: 'prometheus2' })[0]!
        .expr,
    ).toBe('holt_winters(x[5m] @ 60.000, 0.5, 0.5)');
  });
});

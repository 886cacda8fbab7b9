import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { call, contextFor, gridOf, rows, vec } from './test-util.js';
import { goDate, goDateExact, goInt64 } from './time.js';

const one = gridOf(1);

describe('goDate', () => {
  it('gives the UTC calendar fields', () => {
    // 2006-01-02 22:04:05, a Monday.
    expect(goDate(1136239445)).toEqual({
      year: 2006,
      month: 1,
      day: 2,
      yearDay: 2,
      weekday: 1,
      hour: 22,
      minute: 4,
      daysInMonth: 31,
    });
    expect(goDate(-1)).toMatchObject({ year: 1969, month: 12, day: 31, hour: 23, minute: 59 });
    expect(goDate(1454284800).daysInMonth).toBe(29); // February 2016
    expect(goDate(1485907200).daysInMonth).toBe(28); // February 2017
    expect(goDate(1483191420).yearDay).toBe(366); // 2016-12-31
    expect(goDate(1672493820).yearDay).toBe(365); // 2022-12-31
  });

  it('converts floats to int64 as Go does on amd64', () => {
    expect(goInt64(1.9)).toBe(1);
    expect(goInt64(-1.9)).toBe(-1);
    expect(goInt64(Number.NaN)).toBe(-(2n ** 63n));
    expect(goInt64(Number.POSITIVE_INFINITY)).toBe(-(2n ** 63n));
    expect(goInt64(2 ** 63)).toBe(-(2n ** 63n));
    expect(goInt64(-(2 ** 63))).toBe(-(2n ** 63n));
    expect(goInt64(2 ** 60)).toBe(2n ** 60n);
  });

  it('wraps around for math.MinInt64 as Go does', () => {
    // time.Unix(math.MinInt64, 0).UTC() is 292277026596-12-04 15:30:08 in Go.
    expect(goDate(-(2n ** 63n))).toMatchObject({
      year: 292277026596,
      month: 12,
      day: 4,
      hour: 15,
      minute: 30,
    });
  });

  test.prop([fc.integer({ min: -(2 ** 49), max: 2 ** 49 })])(
    'takes a fast path that agrees with the exact one',
    (sec) => {
      expect(goDate(sec)).toEqual(goDateExact(sec));
    },
  );

  /** Midnight UTC of a date (Date.UTC maps years 0 to 99 to 1900 to 1999). */
  const utc = (y: number, m: number, d: number): number => {
    const x = new Date(0);
    x.setUTCFullYear(y, m, d);
    return x.getTime();
  };

  test.prop([fc.integer({ min: -8_600_000_000_000, max: 8_600_000_000_000 })])(
    'agrees with the proleptic Gregorian calendar of JavaScript dates',
    (sec) => {
      const d = new Date(sec * 1000);
      const y = d.getUTCFullYear();
      const m = d.getUTCMonth();
      expect(goDate(sec)).toEqual({
        year: y,
        month: m + 1,
        day: d.getUTCDate(),
        yearDay: (utc(y, m, d.getUTCDate()) - utc(y, 0, 1)) / 86_400_000 + 1,
        weekday: d.getUTCDay(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        daysInMonth: new Date(utc(y, m + 1, 0)).getUTCDate(),
      });
    },
  );
});

describe('date functions', () => {
  it('read the argument as Unix seconds, truncated', () => {
    const v = vec([[{ __name__: 'x', a: '1' }, [1136239445.9]]]);
    expect(rows(call('year(x)', [v], one))).toEqual([['{a="1"}', [2006]]]);
    expect(rows(call('hour(x)', [v], one))[0]![1]).toEqual([22]);
    expect(rows(call('minute(x)', [v], one))[0]![1]).toEqual([4]);
    expect(rows(call('day_of_week(x)', [v], one))[0]![1]).toEqual([1]);
  });

  it('use the step time without an argument', () => {
    const grid = {
      startMs: 1136239445_000,
      endMs: 1136239445_000 + 3600_000,
      stepMs: 3600_000,
      nSteps: 2,
    };
    expect(rows(call('hour()', [], grid, contextFor(grid)))).toEqual([['{}', [22, 23]]]);
  });

  it('truncate negative step times toward zero', () => {
    const grid = { startMs: -1500, endMs: -1500, stepMs: 1, nSteps: 1 };
    // time.Unix(-1, 0): 1969-12-31 23:59:59.
    expect(rows(call('minute()', [], grid, contextFor(grid)))[0]![1]).toEqual([59]);
  });
});

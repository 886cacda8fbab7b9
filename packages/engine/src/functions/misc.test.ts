import { describe, expect, it } from 'vitest';
import { call, contextFor, gridOf, rows, scalars, vec } from './test-util.js';

const three = gridOf(3);

describe('scalar', () => {
  it('is the single point of each step, NaN for none or several', () => {
    const v = vec([
      [{ a: '1' }, [1, 2, null]],
      [{ a: '2' }, [null, 3, null]],
    ]);
    expect(scalars(call('scalar(x)', [v], three))).toEqual([1, Number.NaN, Number.NaN]);
  });
});

describe('vector and time', () => {
  it('vector holds the scalar in a series without labels', () => {
    expect(rows(call('vector(1)', [7], three))).toEqual([['{}', [7, 7, 7]]]);
  });

  it('time is the step time in seconds', () => {
    expect(scalars(call('time()', [], three))).toEqual([0, 60, 120]);
    const grid = gridOf(1, 1);
    expect(scalars(call('time()', [], grid))).toEqual([0.001]);
  });
});

describe('timestamp of an expression', () => {
  it('is the step time of each point, without the name', () => {
    const v = vec([[{ __name__: 'm', a: '1' }, [5, null, 6]]]);
    expect(rows(call('timestamp(-x)', [v], three))).toEqual([['{a="1"}', [0, null, 120]]]);
  });
});

describe('absent', () => {
  it('is 1 where the argument is empty, labelled from its equality matchers', () => {
    const v = vec([[{ __name__: 'x', job: 'a' }, [1, null, null]]]);
    expect(rows(call('absent(x{job="a", instance="i", m=~"y"})', [v], three))).toEqual([
      ['{instance="i", job="a"}', [null, 1, 1]],
    ]);
  });

  it('drops labels matched more than once and has none for other expressions', () => {
    const empty = vec([], 3);
    expect(rows(call('absent(x{job="a", job="b", foo="bar"})', [empty], three))).toEqual([
      ['{foo="bar"}', [1, 1, 1]],
    ]);
    expect(rows(call('absent(sum(x{job="a"}))', [empty], three))).toEqual([['{}', [1, 1, 1]]]);
    expect(rows(call('absent((x{job="a"}))', [empty], three))).toEqual([['{}', [1, 1, 1]]]);
  });

  it('is empty when the argument has a point at every step', () => {
    const v = vec([[{ a: '1' }, [1, 2, 3]]]);
    expect(rows(call('absent(x)', [v], three))).toEqual([]);
  });
});

describe('start_timestamp', () => {
  it('is empty: start timestamps are not stored', () => {
    const v = vec([[{ a: '1' }, [1, 2, 3]]]);
    expect(
      rows(call('start_timestamp(x)', [v], three, contextFor(three, { experimental: true }))),
    ).toEqual([]);
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ExecutionError } from '../errors.js';
import { goMax, goMin } from './math.js';
import { call, contextFor, gridOf, rows, scalars, vec } from './test-util.js';

const one = gridOf(1);
const three = gridOf(3);

describe('elementwise math', () => {
  it('applies the function to present points, drops the name, zeroes absent cells', () => {
    const v = vec([
      [{ __name__: 'm', a: '1' }, [-1.5, null, 4]],
      [{ __name__: 'm', a: '2' }, [null, 9, -0]],
    ]);
    const out = call('abs(x)', [v], three);
    expect(rows(out)).toEqual([
      ['{a="1"}', [1.5, null, 4]],
      ['{a="2"}', [null, 9, 0]],
    ]);
    expect(out.kind === 'vector' && [...out.values]).toEqual([1.5, 0, 4, 0, 9, 0]);
    expect(rows(call('sqrt(x)', [v], three))[1]).toEqual(['{a="2"}', [null, 3, -0]]);
  });

  it('keeps the name but marks it with delayed name removal', () => {
    const grid = one;
    const ctx = contextFor(grid, { delayedNameRemoval: true });
    const out = call('ln(x)', [vec([[{ __name__: 'm' }, [1]]])], grid, ctx);
    expect(rows(out)).toEqual([['{__name__="m"}', [0]]]);
    expect(out.kind === 'vector' && [...out.dropName]).toEqual([1]);
  });

  it('has sgn, deg and rad as Prometheus defines them', () => {
    const v = vec([[{}, [Number.NEGATIVE_INFINITY, Number.NaN, -0, 2]]]);
    expect(rows(call('sgn(x)', [v], gridOf(4)))[0]![1]).toEqual([-1, Number.NaN, -0, 1]);
    expect(rows(call('deg(x)', [vec([[{}, [Math.PI]]])], one))[0]![1]).toEqual([180]);
    expect(rows(call('rad(x)', [vec([[{}, [180]]])], one))[0]![1]).toEqual([Math.PI]);
  });

  it('fails when dropping names makes two series equal at one step', () => {
    const v = vec([
      [{ __name__: 'a', x: '1' }, [1]],
      [{ __name__: 'b', x: '1' }, [2]],
    ]);
    expect(() => call('abs(x)', [v], one)).toThrow(ExecutionError);
    expect(() => call('abs(x)', [v], one)).toThrow(
      'vector cannot contain metrics with the same labelset',
    );
  });

  it('merges series made equal when their points are at different steps', () => {
    const v = vec([
      [{ __name__: 'a', x: '1' }, [1, null, null]],
      [{ __name__: 'b', x: '1' }, [null, 2, null]],
    ]);
    expect(rows(call('abs(x)', [v], three))).toEqual([['{x="1"}', [1, 2, null]]]);
  });

  it('leaves the duplicate check to the end with delayed name removal', () => {
    const ctx = contextFor(one, { delayedNameRemoval: true });
    const v = vec([
      [{ __name__: 'a', x: '1' }, [1]],
      [{ __name__: 'b', x: '1' }, [2]],
    ]);
    expect(rows(call('abs(x)', [v], one, ctx))).toHaveLength(2);
  });
});

describe('round', () => {
  it('rounds to the nearest multiple, ties up', () => {
    const v = vec([[{}, [2.5, -2.5, 1.24, 17]]]);
    expect(rows(call('round(x)', [v], gridOf(4)))[0]![1]).toEqual([3, -2, 1, 17]);
    expect(rows(call('round(x, 0.1)', [v, 0.1], gridOf(4)))[0]![1]).toEqual([2.5, -2.5, 1.2, 17]);
    expect(rows(call('round(x, 5)', [v, 5], gridOf(4)))[0]![1]).toEqual([5, 0, 0, 15]);
  });

  test.prop([fc.array(fc.integer({ min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 20 })])(
    'is the identity on integers with to_nearest 1',
    (xs) => {
      const grid = gridOf(xs.length === 1 ? 1 : xs.length);
      const out = call('round(x, 1)', [vec([[{}, xs]]), 1], grid);
      expect(rows(out)[0]![1]).toEqual(xs.map((x) => x + 0));
    },
  );
});

describe('clamp', () => {
  const v = vec([
    [{ __name__: 'c', src: 'a' }, [-50]],
    [{ __name__: 'c', src: 'b' }, [0]],
    [{ __name__: 'c', src: 'c' }, [100]],
  ]);

  it('clamps between the bounds', () => {
    expect(rows(call('clamp(x, -25, 75)', [v, -25, 75], one)).map((r) => r[1][0])).toEqual([
      -25, 0, 75,
    ]);
    expect(rows(call('clamp_min(x, -25)', [v, -25], one)).map((r) => r[1][0])).toEqual([
      -25, 0, 100,
    ]);
    expect(rows(call('clamp_max(x, 75)', [v, 75], one)).map((r) => r[1][0])).toEqual([-50, 0, 75]);
  });

  it('gives NaN for NaN bounds and nothing where max < min', () => {
    expect(rows(call('clamp(x, 0, NaN)', [v, 0, Number.NaN], one)).map((r) => r[1][0])).toEqual([
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
    expect(rows(call('clamp(x, 5, -5)', [v, 5, -5], one)).every((r) => r[1][0] === null)).toBe(
      true,
    );
  });

  test.prop([
    fc.array(fc.double({ noNaN: true }), { minLength: 1, maxLength: 10 }),
    fc.double({ noNaN: true }),
    fc.double({ noNaN: true }),
  ])('puts every point within [min, max], or drops it when max < min', (xs, a, b) => {
    const grid = gridOf(1);
    const input = vec(xs.map((x, i) => [{ i: String(i) }, [x]] as const));
    const out = rows(call('clamp(x, 1, 2)', [input, a, b], grid));
    for (const [, [y]] of out) {
      if (b < a) expect(y).toBeNull();
      else expect(y! >= a && y! <= b).toBe(true);
    }
  });
});

describe('scalar functions', () => {
  it('pi, min_of and max_of with Go semantics', () => {
    expect(scalars(call('pi()', [], three))).toEqual([Math.PI, Math.PI, Math.PI]);
    expect(scalars(call('min_of(3, 5)', [3, 5], one))).toEqual([3]);
    expect(scalars(call('max_of(-2, -5)', [-2, -5], one))).toEqual([-2]);
    expect(scalars(call('min_of(NaN, 3)', [Number.NaN, 3], one))).toEqual([Number.NaN]);
    expect(scalars(call('max_of(3, NaN)', [3, Number.NaN], one))).toEqual([Number.NaN]);
  });

  it('lets infinities win over NaN as Go does', () => {
    expect(goMax(Number.NaN, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(goMin(Number.NEGATIVE_INFINITY, Number.NaN)).toBe(Number.NEGATIVE_INFINITY);
    expect(Object.is(goMax(-0, 0), 0)).toBe(true);
    expect(Object.is(goMin(0, -0), -0)).toBe(true);
  });
});

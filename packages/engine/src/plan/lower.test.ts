import { parse } from '@promql-ts/parser';
import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../options.js';
import { lower } from './lower.js';

const opts = resolveOptions({});
const at = (t: number) => ({ startMs: t, endMs: t, stepMs: 0 });

describe('lower', () => {
  it('gives selectors with equal matchers one read over the union of their ranges', () => {
    const plan = lower(parse('a{x="1"} + a{x="1"} offset 1h + a{x=~"1"}'), at(7_200_000), opts);
    expect(plan.selects).toHaveLength(2);
    expect(plan.selects[0]!.hints.startMs).toBe(7_200_000 - 3_600_000 - opts.lookbackDeltaMs);
    expect(plan.selects[0]!.hints.endMs).toBe(7_200_000);
  });

  it('compiles the matchers of a parsed query once, and each query afresh', () => {
    const expr = parse('sum(rate(a{x=~"1|2", y!="3"}[5m]))');
    const first = lower(expr, at(1000), opts).selects[0]!;
    const again = lower(expr, at(61_000), opts).selects[0]!;
    // The same parsed query (as the parse cache hands out): the compiled matchers are
    // shared, the hints are the new query's.
    expect(again.matchers).toBe(first.matchers);
    expect(again.hints.endMs).toBe(61_000);
    const other = lower(parse('sum(rate(a{x=~"1|3", y!="3"}[5m]))'), at(1000), opts).selects[0]!;
    expect(other.matchers).not.toBe(first.matchers);
    const x = (m: typeof first) => m.matchers.find((k) => k.name === 'x')!;
    expect(['1', '2', '3'].map((v) => x(first).matches(v))).toEqual([true, true, false]);
    expect(['1', '2', '3'].map((v) => x(other).matches(v))).toEqual([true, false, true]);
  });
});

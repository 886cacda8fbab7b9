import { parse } from '@promql-ts/parser';
import { afterEach, describe, expect, it } from 'vitest';
import { arrayStorage, regular } from '../test/array-storage.js';
import { evaluate, evaluateRange } from './index.js';
import { parseCached, setParseCacheSize } from './parse-cache.js';

afterEach(() => setParseCacheSize(1000));

describe('parse cache', () => {
  it('hands out the AST of a query again, per parser configuration', () => {
    const a = parseCached('sum(rate(x[5m]))', false, 'prometheus3');
    expect(parseCached('sum(rate(x[5m]))', false, 'prometheus3')).toBe(a);
    expect(a).toEqual(parse('sum(rate(x[5m]))'));
    expect(parseCached('sum(rate(x[5m]))', true, 'prometheus3')).not.toBe(a);
    expect(parseCached('sum(rate(x[5m]))', false, 'prometheus2')).not.toBe(a);
  });

  it('drops the least recently used query beyond its size', () => {
    setParseCacheSize(2);
    const a = parseCached('a', false, 'prometheus3');
    const b = parseCached('b', false, 'prometheus3');
    expect(parseCached('a', false, 'prometheus3')).toBe(a); // a is now the most recent
    parseCached('c', false, 'prometheus3'); // evicts b
    expect(parseCached('a', false, 'prometheus3')).toBe(a);
    expect(parseCached('b', false, 'prometheus3')).not.toBe(b);
  });

  it('keeps no parse error, and nothing at size 0', () => {
    expect(() => parseCached('sum(', false, 'prometheus3')).toThrow(/unclosed left paren/);
    expect(() => parseCached('sum(', false, 'prometheus3')).toThrow(/unclosed left paren/);
    setParseCacheSize(0);
    expect(parseCached('x', false, 'prometheus3')).not.toBe(parseCached('x', false, 'prometheus3'));
  });

  it('the engine never writes to an AST, so one can serve every evaluation', async () => {
    const storage = arrayStorage([
      {
        labels: { __name__: 'x_total', job: 'a', instance: '1' },
        samples: regular(15_000, [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]),
      },
      {
        labels: { __name__: 'y', job: 'a', instance: '1', sensor: 'cpu' },
        samples: regular(15_000, [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]),
      },
      ...['0.5', '+Inf'].map((le, i) => ({
        labels: { __name__: 'h_bucket', le },
        samples: regular(
          15_000,
          [0, 1, 3, 6, 10, 15, 21, 28, 36, 45, 55].map((v) => v * (i + 1)),
        ),
      })),
    ]);
    const queries = [
      'sum by (job) (rate(x_total[1m])) / on (job) group_left count by (job) (y)',
      'topk(1, x_total offset 15s) or label_replace(y, "h", "$1", "instance", "(.*)")',
      'max_over_time(rate(x_total[30s])[1m:15s] @ 120) > bool 0',
      'histogram_quantile(0.9, sum by (le) (rate(h_bucket[1m]))) + -scalar(y) * vector(2)',
      'quantile by (sensor) (0.5, y) unless absent(x_total)',
      'count_values("v", y) and on () vector(time()) > 0',
    ];
    const range = { start: 0, end: 150_000, stepMs: 15_000 };
    const answer = (r: Awaited<ReturnType<typeof evaluateRange>>) =>
      JSON.stringify([r.value, r.warnings, r.infos]);
    for (const q of queries) {
      const expr = deepFreeze(parse(q));
      const want = answer(await evaluateRange(q, storage, range));
      expect(answer(await evaluateRange(expr, storage, range))).toBe(want);
      expect(want).toContain('"metric"');
      await evaluate(expr, storage, 150_000);
    }
  });
});

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

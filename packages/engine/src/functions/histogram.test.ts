import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { formatOpenMetricsFloat, parseBucketBound } from './histogram.js';
import { call, contextFor, gridOf, rows, vec } from './test-util.js';

const one = gridOf(1);

/** Buckets of one histogram with cumulative counts, one step. */
function buckets(name: string, extra: Record<string, string>, counts: [string, number][]) {
  return counts.map(([le, c]) => [{ __name__: name, ...extra, le }, [c]] as const);
}

const hist = vec([
  ...buckets('h_bucket', { start: 'positive' }, [
    ['0.1', 50],
    ['.2', 70],
    ['1e0', 110],
    ['+Inf', 120],
  ]),
  ...buckets('h_bucket', { start: 'negative' }, [
    ['-.2', 1],
    ['-0.1', 2],
    ['0.3', 2],
    ['+Inf', 2],
  ]),
]);

describe('parseBucketBound', () => {
  it('parses as Go strconv.ParseFloat does', () => {
    expect(parseBucketBound('+Inf')).toBe(Number.POSITIVE_INFINITY);
    expect(parseBucketBound('-inf')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseBucketBound('Infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseBucketBound('NaN')).toBeNaN();
    expect(parseBucketBound('0x1p-2')).toBe(0.25);
    expect(parseBucketBound('1_000')).toBe(1000);
    expect(parseBucketBound('017')).toBe(17);
    expect(parseBucketBound('1e-400')).toBe(0);
    expect(parseBucketBound('1e400')).toBeNull();
    expect(parseBucketBound('')).toBeNull();
    expect(parseBucketBound('Hello World')).toBeNull();
    expect(parseBucketBound('1_')).toBeNull();
    expect(parseBucketBound('+nan')).toBeNull();
  });
});

describe('formatOpenMetricsFloat', () => {
  it('formats as Prometheus labels do', () => {
    expect(
      [0, 1, -1, 0.25, 2, 1e6, 1e-7, Number.NaN, Number.POSITIVE_INFINITY].map(
        formatOpenMetricsFloat,
      ),
    ).toEqual(['0.0', '1.0', '-1.0', '0.25', '2.0', '1e+06', '1e-07', 'NaN', '+Inf']);
  });
});

describe('histogram_quantile', () => {
  it('interpolates within the bucket of the rank, grouping by labels without le', () => {
    const out = rows(call('histogram_quantile(0.5, x)', [0.5, hist], one));
    expect(out).toEqual([
      ['{start="positive"}', [0.1 + (0.1 * 10) / 20]],
      ['{start="negative"}', [-0.2]],
    ]);
  });

  it('warns about invalid quantiles and gives ±Inf', () => {
    const ctx = contextFor(one);
    const out = rows(call('histogram_quantile(1.01, x)', [1.01, hist], one, ctx));
    expect(out.map((r) => r[1][0])).toEqual([Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY]);
    expect(ctx.annotations.warnings.map((w) => w.message)).toEqual([
      'PromQL warning: quantile value should be between 0 and 1, got 1.01',
    ]);
    const empty = contextFor(one);
    call('histogram_quantile(NaN, x)', [Number.NaN, vec([], 1)], one, empty);
    expect(empty.annotations.warnings).toHaveLength(1);
  });

  it('skips series with a bad le, naming the metric only with delayed name removal', () => {
    const bad = vec([[{ __name__: 'series', le: 'Hello World' }, [2]]]);
    const eager = contextFor(one);
    expect(rows(call('histogram_quantile(0.8, x)', [0.8, bad], one, eager))).toEqual([]);
    expect(eager.annotations.warnings.map((w) => w.message)).toEqual([
      'PromQL warning: bucket label "le" is missing or has a malformed value of "Hello World"',
    ]);
    const late = contextFor(one, { delayedNameRemoval: true });
    call('histogram_quantile(0.8, x)', [0.8, bad], one, late);
    expect(late.annotations.warnings.map((w) => w.message)).toEqual([
      'PromQL warning: bucket label "le" is missing or has a malformed value of "Hello World" for metric name "series"',
    ]);
  });

  it('reports forced monotonicity as an info', () => {
    const nonmono = vec(
      buckets('nonmonotonic_bucket', {}, [
        ['0.1', 20],
        ['1', 10],
        ['10', 50],
        ['100', 40],
        ['1000', 90],
        ['+Inf', 80],
      ]),
    );
    const ctx = contextFor(one, { delayedNameRemoval: true });
    const out = call('histogram_quantile(0.5, x)', [0.5, nonmono], one, ctx);
    expect(rows(out)).toEqual([['{__name__="nonmonotonic_bucket"}', [8.5]]]);
    expect(out.kind === 'vector' && out.dropName[0]).toBe(1);
    expect(ctx.annotations.infos.map((i) => i.message)).toEqual([
      'PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "nonmonotonic_bucket"',
    ]);
  });

  it('fails on histograms that differ only by name once names are dropped', () => {
    const two = vec([
      ...buckets('a_bucket', { job: 'j' }, [['+Inf', 1]]),
      ...buckets('b_bucket', { job: 'j' }, [['+Inf', 1]]),
    ]);
    expect(() => call('histogram_quantile(0.5, x)', [0.5, two], one)).toThrow(
      'vector cannot contain metrics with the same labelset',
    );
  });

  it('is NaN at q = 0 when the first bucket is empty, as Prometheus computes 0/0', () => {
    const v = vec(
      buckets('p_bucket', {}, [
        ['1', 0],
        ['+Inf', 1],
      ]),
    );
    expect(rows(call('histogram_quantile(0, x)', [0, v], one))[0]![1][0]).toBeNaN();
  });

  // q > 0: the bucket holding the rank then has observations (q = 0 may give 0/0, above).
  test.prop([
    fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 8 }),
    fc.double({ min: 1e-9, max: 1, noNaN: true }),
  ])('is monotonic in q and within the finite bounds', (increments, q) => {
    let total = 0;
    const counts = increments.map((inc, i) => {
      total += inc;
      return [i === increments.length - 1 ? '+Inf' : String(i + 1), total] as [string, number];
    });
    const v = vec(buckets('p_bucket', {}, counts));
    const at = (x: number) => rows(call('histogram_quantile(0.5, x)', [x, v], one))[0]![1][0]!;
    const r = at(q);
    if (total === 0) {
      expect(r).toBeNaN();
      return;
    }
    expect(r >= 0 && r <= increments.length - 1).toBe(true);
    expect(at(Math.min(1, q + 0.1)) >= r).toBe(true);
  });
});

describe('histogram_quantiles', () => {
  it('adds the quantile label to each result', () => {
    const out = rows(call('histogram_quantiles(x, "q", 0, 1)', [hist, 'q', 0, 1], one));
    expect(out.map((r) => r[0])).toEqual([
      '{q="0.0", start="positive"}',
      '{q="0.0", start="negative"}',
      '{q="1.0", start="positive"}',
      '{q="1.0", start="negative"}',
    ]);
  });

  it('fails when the quantile label makes results equal', () => {
    expect(() => call('histogram_quantiles(x, "start", 0.5)', [hist, 'start', 0.5], one)).toThrow(
      'vector cannot contain metrics with the same labelset',
    );
  });
});

describe('histogram_fraction', () => {
  it('is the share of observations between the bounds', () => {
    const out = rows(call('histogram_fraction(0, 0.2, x)', [0, 0.2, hist], one));
    expect(out).toEqual([
      ['{start="positive"}', [70 / 120]],
      ['{start="negative"}', [0]],
    ]);
  });

  it('ignores classic buckets in Prometheus 2 mode, as 2.x only knew native histograms', () => {
    const ctx = contextFor(one, { compat: 'prometheus2' });
    expect(rows(call('histogram_fraction(0, 0.2, x)', [0, 0.2, hist], one, ctx))).toEqual([]);
  });
});

describe('native histogram statistics', () => {
  it('give nothing for float series', () => {
    for (const f of [
      'histogram_count',
      'histogram_sum',
      'histogram_avg',
      'histogram_stddev',
      'histogram_stdvar',
    ]) {
      expect(rows(call(`${f}(x)`, [hist], one))).toEqual([]);
    }
  });
});

// Named Prometheus edge cases, each checked on the SIMD build, the scalar build and the
// reference. Values computed by hand from prometheus/prometheus promql/functions.go,
// engine.go and quantile.go are derived in the comments.

import { beforeAll, describe, expect, test } from 'vitest';
import {
  type Implementations,
  implementations,
  type Sample,
  STALE,
  toFloat64,
} from '../test/support.js';
import {
  KernelFlags,
  type Kernels,
  type RangeFunction,
  type RangeFunctionOptions,
  type SeriesBatch,
} from './index.js';

let impls: Implementations;
beforeAll(async () => {
  impls = await implementations();
});

function each(body: (k: Kernels, name: string) => void): void {
  for (const [name, k] of Object.entries(impls)) body(k, name);
}

/** One series from [timestamp ms, value] pairs. */
function series(...samples: [number, Sample][]): SeriesBatch {
  return {
    ts: Float64Array.from(samples.map(([t]) => t)),
    values: toFloat64(samples.map(([, v]) => v)),
    offsets: new Uint32Array([0, samples.length]),
  };
}

/** Evaluates a range function at the given step times; undefined = no point. */
function rangeAt(
  k: Kernels,
  fn: RangeFunction,
  batch: SeriesBatch,
  times: number[],
  options: RangeFunctionOptions,
): { values: (number | undefined)[]; flags: number } {
  const n = batch.offsets.length - 1;
  let flags = 0;
  const values: (number | undefined)[] = [];
  // One call per time keeps arbitrary times; steps only have to be evenly spaced.
  for (const t of times) {
    const one = { values: new Float64Array(n), mask: new Uint8Array(n) };
    flags |= k.rangeFunction(fn, batch, { startMs: t, stepMs: 0, nSteps: 1 }, options, one);
    values.push(one.mask[0] ? one.values[0] : undefined);
  }
  return { values, flags };
}

function instantAt(
  k: Kernels,
  batch: SeriesBatch,
  t: number,
  leftOpen = true,
  lookbackMs = 300_000,
) {
  const out = { values: new Float64Array(1), mask: new Uint8Array(1), ts: new Float64Array(1) };
  k.instantSelector(batch, { startMs: t, stepMs: 0, nSteps: 1 }, { lookbackMs, leftOpen }, out);
  return out.mask[0] ? { value: out.values[0] as number, ts: out.ts[0] as number } : undefined;
}

describe('instant-vector selector', () => {
  test('the lookback window is left-open in 3.x and closed in 2.x', () => {
    const b = series([0, 1]);
    each((k, name) => {
      expect(instantAt(k, b, 300_000, true), `${name} 3.x`).toBeUndefined();
      expect(instantAt(k, b, 300_000, false), `${name} 2.x`).toEqual({ value: 1, ts: 0 });
      expect(instantAt(k, b, 299_999, true), `${name} inside`).toEqual({ value: 1, ts: 0 });
    });
  });

  test('a staleness marker hides the series until the next sample; a plain NaN does not', () => {
    const b = series([0, 1], [10_000, STALE], [20_000, 2], [30_000, Number.NaN]);
    each((k, name) => {
      expect(instantAt(k, b, 5_000), name).toEqual({ value: 1, ts: 0 });
      expect(instantAt(k, b, 10_000), name).toBeUndefined();
      expect(instantAt(k, b, 15_000), name).toBeUndefined();
      expect(instantAt(k, b, 25_000), name).toEqual({ value: 2, ts: 20_000 });
      expect(instantAt(k, b, 35_000)?.value, name).toBeNaN();
    });
  });

  test('offset and @ move the reference time; stepMs 0 repeats one instant', () => {
    const b = series([0, 1], [60_000, 2], [120_000, 3]);
    each((k, name) => {
      const out = { values: new Float64Array(3), mask: new Uint8Array(3), ts: new Float64Array(3) };
      k.instantSelector(
        b,
        { startMs: 120_000, stepMs: 60_000, nSteps: 3 },
        { lookbackMs: 300_000, offsetMs: 60_000 },
        out,
      );
      expect(Array.from(out.values), `${name} offset`).toEqual([2, 3, 3]);
      k.instantSelector(
        b,
        { startMs: 0, stepMs: 60_000, nSteps: 3 },
        { lookbackMs: 300_000, atMs: 60_000 },
        out,
      );
      expect(Array.from(out.values), `${name} @`).toEqual([2, 2, 2]);
      expect(Array.from(out.ts), `${name} @ ts`).toEqual([60_000, 60_000, 60_000]);
    });
  });
});

describe('range functions', () => {
  test('rate, increase, delta, irate, idelta, deriv and predict_linear need two samples', () => {
    const one = series([60_000, 5]);
    const fns: RangeFunction[] = [
      'rate',
      'increase',
      'delta',
      'irate',
      'idelta',
      'deriv',
      'predict_linear',
    ];
    each((k, name) => {
      for (const fn of fns) {
        const r = rangeAt(k, fn, one, [90_000], { rangeMs: 60_000, param: new Float64Array([60]) });
        expect(r.values, `${name} ${fn}`).toEqual([undefined]);
      }
      expect(
        rangeAt(k, 'count_over_time', one, [90_000], { rangeMs: 60_000 }).values,
        name,
      ).toEqual([1]);
    });
  });

  test('a zero-length range never holds a sample in 3.x; in 2.x it holds the one at its end', () => {
    const b = series([60_000, 5]);
    each((k, name) => {
      expect(
        rangeAt(k, 'count_over_time', b, [60_000], { rangeMs: 0 }).values,
        `${name} 3.x`,
      ).toEqual([undefined]);
      expect(
        rangeAt(k, 'count_over_time', b, [60_000], { rangeMs: 0, leftOpen: false }).values,
        `${name} 2.x`,
      ).toEqual([1]);
    });
  });

  test('a counter reset adds the value before the reset', () => {
    // Samples 0, 10, 5 at 0s, 30s, 60s; window (0, 60]: 10 and 5. Increase before
    // extrapolation: 5 - 10 + 10 = 5. durationToStart = 30s >= 1.1 * 30s? no (30 < 33),
    // durationToZero = 30 * 10/5 = 60 > 30; durationToEnd = 0 → factor (30+30+0)/30 = 2.
    const b = series([0, 0], [30_000, 10], [60_000, 5]);
    each((k, name) => {
      expect(rangeAt(k, 'increase', b, [60_000], { rangeMs: 60_000 }).values, name).toEqual([10]);
      expect(rangeAt(k, 'resets', b, [60_000], { rangeMs: 60_001 }).values, name).toEqual([1]);
      // irate across the reset is the new value over the interval: 5 / 30s.
      expect(rangeAt(k, 'irate', b, [60_000], { rangeMs: 60_000 }).values, name).toEqual([5 / 30]);
    });
  });

  test('extrapolation: 3.x clamps to the zero point after the threshold, 2.42 before', () => {
    // Samples every 60s at 100s..280s with values 10, 22, 34, 46; window (0, 300].
    // durationToStart = 100s, durationToEnd = 20s, sampledInterval = 180s, average 60s,
    // threshold 66s; the counter would reach zero 180 * 10/36 = 50s before the first
    // sample.
    // 3.x: 100 >= 66 → 30 (half an interval); then min(30, 50) = 30; end 20 → factor
    //      (180 + 30 + 20) / 180, increase 36 * 230/180 = 46.
    // 2.42: min(100, 50) = 50 first; 50 < 66 → extrapolate 50; end 20 → factor
    //      (180 + 50 + 20) / 180, increase 36 * 250/180 = 50.
    const b = series([100_000, 10], [160_000, 22], [220_000, 34], [280_000, 46]);
    each((k, name) => {
      const [v3] = rangeAt(k, 'increase', b, [300_000], { rangeMs: 300_000 }).values;
      const [v2] = rangeAt(k, 'increase', b, [300_000], {
        rangeMs: 300_000,
        leftOpen: false,
        legacyExtrapolation: true,
      }).values;
      expect(v3, `${name} 3.x`).toBeCloseTo(46, 12);
      expect(v2, `${name} 2.42`).toBeCloseTo(50, 12);
      const [rate] = rangeAt(k, 'rate', b, [300_000], { rangeMs: 300_000 }).values;
      expect(rate, `${name} rate`).toBeCloseTo(46 / 300, 14);
    });
  });

  test('anchored and smoothed increase (extended_vectors.test, "Basic test with counter resets")', () => {
    // metric{id="1"} 1+1x4 1+1x4 at 1m intervals; at 1m30s over [1m]:
    // anchored: from the sample at 30s-or-before (1 at 0s? no: rangeStart = 30s, last
    // sample at or before it is 1@0s) to 2@60s → 1; smoothed interpolates 1.5 → 2.5 → 1.
    const b = series(
      [0, 1],
      [60_000, 2],
      [120_000, 3],
      [180_000, 4],
      [240_000, 5],
      [300_000, 1],
      [360_000, 2],
    );
    each((k, name) => {
      const opts = { rangeMs: 60_000, lookbackMs: 300_000 };
      expect(
        rangeAt(k, 'increase', b, [90_000], { ...opts, modifier: 'anchored' }).values,
        name,
      ).toEqual([1]);
      expect(
        rangeAt(k, 'increase', b, [90_000], { ...opts, modifier: 'smoothed' }).values,
        name,
      ).toEqual([1]);
      // Across the reset at 300s: anchored from 5@240s to 1@300s = 1 - 5 + 5 = 1.
      expect(
        rangeAt(k, 'increase', b, [330_000], { ...opts, modifier: 'anchored' }).values,
        name,
      ).toEqual([1]);
      // Plain increase has no samples in (30s, 90s] but one, so nothing.
      expect(rangeAt(k, 'increase', b, [90_000], opts).values, name).toEqual([undefined]);
    });
  });

  test('staleness markers inside a range are dropped before the function sees them', () => {
    const b = series([10_000, 1], [20_000, STALE], [30_000, 3]);
    each((k, name) => {
      expect(rangeAt(k, 'count_over_time', b, [40_000], { rangeMs: 60_000 }).values, name).toEqual([
        2,
      ]);
      expect(rangeAt(k, 'last_over_time', b, [25_000], { rangeMs: 60_000 }).values, name).toEqual([
        1,
      ]);
      expect(rangeAt(k, 'changes', b, [40_000], { rangeMs: 60_000 }).values, name).toEqual([1]);
      expect(rangeAt(k, 'count_over_time', b, [20_000], { rangeMs: 5_000 }).values, name).toEqual([
        undefined,
      ]);
    });
  });

  test('min/max_over_time ignore NaN unless all are NaN; ts_of_max takes the last maximum', () => {
    const b = series([1_000, Number.NaN], [2_000, 5], [3_000, Number.NaN], [4_000, 5], [5_000, 2]);
    const nan = series([1_000, Number.NaN], [2_000, Number.NaN]);
    each((k, name) => {
      const at = [6_000];
      const opts = { rangeMs: 10_000 };
      expect(rangeAt(k, 'max_over_time', b, at, opts).values, name).toEqual([5]);
      expect(rangeAt(k, 'min_over_time', b, at, opts).values, name).toEqual([2]);
      expect(rangeAt(k, 'ts_of_max_over_time', b, at, opts).values, name).toEqual([4]);
      expect(rangeAt(k, 'ts_of_min_over_time', b, at, opts).values, name).toEqual([5]);
      expect(rangeAt(k, 'max_over_time', nan, at, opts).values[0], name).toBeNaN();
      // With only NaN, Prometheus's loop ends on the last sample.
      expect(rangeAt(k, 'ts_of_max_over_time', nan, at, opts).values, name).toEqual([2]);
    });
  });

  test('sum_over_time and avg_over_time use compensated sums; avg survives overflow', () => {
    const cancel = series([1_000, 1e100], [2_000, 1], [3_000, -1e100]);
    const big = series([1_000, 1e308], [2_000, 1e308], [3_000, -1e308]);
    each((k, name) => {
      // A naive sum gives 0; Kahan-Neumaier keeps the 1.
      expect(
        rangeAt(k, 'sum_over_time', cancel, [3_000], { rangeMs: 10_000 }).values,
        name,
      ).toEqual([1]);
      // 1e308 + 1e308 overflows, so the mean continues incrementally: 1e308 / 3.
      const [avg] = rangeAt(k, 'avg_over_time', big, [3_000], { rangeMs: 10_000 }).values;
      expect(avg, name).toBeCloseTo(1e308 / 3, -294);
      expect(rangeAt(k, 'sum_over_time', big, [2_000], { rangeMs: 10_000 }).values, name).toEqual([
        Infinity,
      ]);
    });
  });

  test('quantile_over_time: q outside [0, 1] gives ±Inf and a flag; NaN gives NaN', () => {
    const b = series([1_000, 1], [2_000, 2], [3_000, 3], [4_000, 4]);
    each((k, name) => {
      const q = (v: number) => ({ rangeMs: 10_000, param: new Float64Array([v]) });
      expect(rangeAt(k, 'quantile_over_time', b, [4_000], q(0.5)), name).toEqual({
        values: [2.5],
        flags: 0,
      });
      expect(rangeAt(k, 'quantile_over_time', b, [4_000], q(1.5)), name).toEqual({
        values: [Infinity],
        flags: KernelFlags.InvalidQuantile,
      });
      expect(rangeAt(k, 'quantile_over_time', b, [4_000], q(-1)).values, name).toEqual([-Infinity]);
      expect(rangeAt(k, 'quantile_over_time', b, [4_000], q(Number.NaN)).values[0], name).toBeNaN();
      // No samples, no flag (Prometheus returns before checking q).
      expect(rangeAt(k, 'quantile_over_time', b, [100_000], q(1.5)), name).toEqual({
        values: [undefined],
        flags: 0,
      });
    });
  });

  test('mad_over_time returns NaN for a NaN sample (3.14)', () => {
    const b = series([0, 1], [10_000, 2], [20_000, Number.NaN], [30_000, 4]);
    each((k, name) => {
      expect(
        rangeAt(k, 'mad_over_time', b, [30_000], { rangeMs: 40_000 }).values[0],
        name,
      ).toBeNaN();
      expect(rangeAt(k, 'mad_over_time', b, [10_000], { rangeMs: 40_000 }).values, name).toEqual([
        0.5,
      ]);
    });
  });

  test('double_exponential_smoothing flags invalid factors where it has samples', () => {
    const b = series([0, 1], [10_000, 2], [20_000, 4]);
    each((k, name) => {
      const run = (sf: number, tf: number, t = 20_000) =>
        rangeAt(k, 'double_exponential_smoothing', b, [t], {
          rangeMs: 60_000,
          param: new Float64Array([sf]),
          param2: new Float64Array([tf]),
        });
      expect(run(0.5, 0.5).flags, name).toBe(0);
      expect(run(1, 0.5), name).toEqual({
        values: [undefined],
        flags: KernelFlags.InvalidSmoothingFactor,
      });
      expect(run(0.5, 0), name).toEqual({
        values: [undefined],
        flags: KernelFlags.InvalidTrendFactor,
      });
      expect(run(1, 0.5, 500_000).flags, `${name} no samples`).toBe(0);
      // s1 = 1, b = 1; i=1: x = 1, y = 0.5*(1+1) = 1 → s1 = 2; i=2: b = 0.5*(2-1) + 0.5*1
      // = 1, x = 2, y = 0.5*(2+1) = 1.5 → 3.5.
      expect(run(0.5, 0.5).values, name).toEqual([3.5]);
    });
  });
});

describe('aggregation', () => {
  function agg(
    k: Kernels,
    op: Parameters<Kernels['aggregate']>[0],
    values: number[],
    mask?: number[],
    q?: number,
  ) {
    const n = values.length;
    const out = { values: new Float64Array(1), mask: new Uint8Array(1) };
    const flags = k.aggregate(
      op,
      { values: Float64Array.from(values), mask: Uint8Array.from(mask ?? values.map(() => 1)) },
      new Uint32Array(n),
      1,
      1,
      out,
      new Float64Array([q ?? 0.5]),
    );
    return { value: out.mask[0] ? out.values[0] : undefined, flags };
  }

  test('max and min are NaN only when every value is NaN', () => {
    each((k, name) => {
      expect(agg(k, 'max', [Number.NaN, 3, Number.NaN, 1]).value, name).toBe(3);
      expect(agg(k, 'min', [Number.NaN, 3, Number.NaN, 1]).value, name).toBe(1);
      expect(agg(k, 'max', [Number.NaN, Number.NaN]).value, name).toBeNaN();
      expect(agg(k, 'sum', [Number.NaN, 1]).value, name).toBeNaN();
    });
  });

  test('sum is compensated; avg switches to an incremental mean on overflow', () => {
    each((k, name) => {
      expect(agg(k, 'sum', [1e100, 1, -1e100]).value, name).toBe(1);
      expect(agg(k, 'avg', [1e308, 1e308]).value, name).toBe(1e308);
      expect(agg(k, 'avg', [1, 2, 3, 4]).value, name).toBe(2.5);
    });
  });

  test('stddev and stdvar: an infinite first value gives NaN', () => {
    each((k, name) => {
      expect(agg(k, 'stdvar', [2, 4, 4, 4, 5, 5, 7, 9]).value, name).toBe(4);
      expect(agg(k, 'stddev', [2, 4, 4, 4, 5, 5, 7, 9]).value, name).toBe(2);
      expect(agg(k, 'stddev', [Infinity, 1]).value, name).toBeNaN();
    });
  });

  test('absent cells are skipped; a group with none has no output', () => {
    each((k, name) => {
      expect(agg(k, 'count', [1, 2, 3], [1, 0, 1]).value, name).toBe(2);
      expect(agg(k, 'group', [7, 8], [0, 1]).value, name).toBe(1);
      expect(agg(k, 'sum', [1, 2], [0, 0]).value, name).toBeUndefined();
    });
  });

  test('quantile interpolates, sorts NaN first and flags q outside [0, 1]', () => {
    each((k, name) => {
      expect(agg(k, 'quantile', [4, 1, 3, 2], undefined, 0.5), name).toEqual({
        value: 2.5,
        flags: 0,
      });
      expect(agg(k, 'quantile', [Number.NaN, 1, 3], undefined, 0).value, name).toBeNaN();
      expect(agg(k, 'quantile', [1, 2], undefined, 2), name).toEqual({
        value: Infinity,
        flags: KernelFlags.InvalidQuantile,
      });
    });
  });
});

describe('binary operators', () => {
  function bin(
    k: Kernels,
    op: Parameters<Kernels['binary']>[0],
    lhs: number[],
    rhs: number[],
    opts: Partial<Parameters<Kernels['binary']>[4]> = {},
  ) {
    const n = Math.max(opts.lhsScalar ? 0 : lhs.length, opts.rhsScalar ? 0 : rhs.length, 1);
    const out = { values: new Float64Array(n), mask: new Uint8Array(n) };
    k.binary(op, Float64Array.from(lhs), Float64Array.from(rhs), out, {
      nSteps: opts.lhsScalar || opts.rhsScalar ? 1 : n,
      ...opts,
    });
    return Array.from(out.values, (v, i) => (out.mask[i] ? v : undefined));
  }

  test('a comparison filter keeps the vector side\u2019s value, also with the scalar on the left', () => {
    each((k, name) => {
      expect(bin(k, '>', [1, 5, 3], [2], { rhsScalar: true }), name).toEqual([undefined, 5, 3]);
      // 2 < v keeps v (the vector element), not 2.
      expect(bin(k, '<', [2], [1, 5, 3], { lhsScalar: true }), name).toEqual([undefined, 5, 3]);
      expect(bin(k, '==', [Number.NaN, 1], [Number.NaN, 1]), name).toEqual([undefined, 1]);
    });
  });

  test('the bool modifier yields 1 or 0 wherever both sides exist', () => {
    each((k, name) => {
      expect(
        bin(k, '!=', [1, 2, Number.NaN], [1, 3, Number.NaN], { returnBool: true }),
        name,
      ).toEqual([0, 1, 1]);
      expect(
        bin(k, '>=', [1, 2], [1, 3], { returnBool: true, lhsMask: new Uint8Array([1, 0]) }),
        name,
      ).toEqual([1, undefined]);
    });
  });

  test('division by zero follows IEEE 754; % and ^ follow Go', () => {
    each((k, name) => {
      expect(bin(k, '/', [1, -1, 0], [0, 0, 0]).slice(0, 2), name).toEqual([Infinity, -Infinity]);
      expect(bin(k, '/', [0], [0])[0], name).toBeNaN();
      expect(bin(k, '%', [-7, 7], [3, -3]), name).toEqual([-1, 1]);
      expect(bin(k, '^', [1, -1], [Number.NaN, Infinity]), name).toEqual([1, 1]);
    });
  });
});

describe('classic histograms', () => {
  function hist(bounds: number[], counts: number[]) {
    return {
      bucketOffsets: new Uint32Array([0, bounds.length]),
      upperBounds: Float64Array.from(bounds),
      counts: Float64Array.from(counts),
      mask: new Uint8Array(bounds.length).fill(1),
      nSteps: 1,
    };
  }

  function quantileOf(k: Kernels, q: number, bounds: number[], counts: number[]) {
    const out = {
      values: new Float64Array(1),
      mask: new Uint8Array(1),
      fixFlags: new Uint8Array(1),
      fixDetail: new Float64Array(3),
    };
    const flags = k.histogramQuantile(hist(bounds, counts), new Float64Array([q]), out);
    return {
      value: out.values[0] as number,
      flags,
      fix: out.fixFlags[0],
      detail: Array.from(out.fixDetail),
    };
  }

  test('interpolates inside the bucket; the lowest bucket starts at 0', () => {
    each((k, name) => {
      // rank = 0.5 * 20 = 10 falls in (1, 2] holding 10..20: 1 + (2-1) * (10-10)/10... the
      // first bucket with count >= 10 is le=1 (count 10): 0 + 1 * 10/10 = 1.
      expect(quantileOf(k, 0.5, [1, 2, Infinity], [10, 20, 20]).value, name).toBe(1);
      // rank 15: bucket le=2 (10, 20]: 1 + 1 * (15 - 10) / 10 = 1.5.
      expect(quantileOf(k, 0.75, [1, 2, Infinity], [10, 20, 20]).value, name).toBe(1.5);
      // In the +Inf bucket: the upper bound of the second-highest bucket.
      expect(quantileOf(k, 0.99, [1, 2, Infinity], [10, 20, 30]).value, name).toBe(2);
    });
  });

  test('forced monotonicity is reported with the raised buckets and the largest raise', () => {
    each((k, name) => {
      const r = quantileOf(k, 0.5, [1, 2, 4, Infinity], [10, 5, 7, 20]);
      expect(r.flags & KernelFlags.ForcedMonotonicity, name).toBeTruthy();
      expect(r.fix, name).toBe(1);
      // le=2 raised from 5 to 10 (by 5), le=4 from 7 to 10 (by 3).
      expect(r.detail, name).toEqual([2, 4, 5]);
    });
  });

  test('differences below the float-precision tolerance are ignored silently', () => {
    each((k, name) => {
      const r = quantileOf(k, 0.5, [1, 2, Infinity], [100, 100 * (1 - 1e-13), 200]);
      expect(r.flags, name).toBe(KernelFlags.FixedPrecision);
      expect(r.fix, name).toBe(2);
    });
  });

  test('invalid buckets give NaN and a flag; q outside [0, 1] gives ±Inf', () => {
    each((k, name) => {
      const noInf = quantileOf(k, 0.5, [1, 2], [1, 2]);
      expect(noInf.value, name).toBeNaN();
      expect(noInf.flags, name).toBe(KernelFlags.BucketsWithoutInf);
      const single = quantileOf(k, 0.5, [Infinity], [3]);
      expect(single.value, name).toBeNaN();
      expect(single.flags, name).toBe(KernelFlags.TooFewBuckets);
      expect(quantileOf(k, 1.5, [1, Infinity], [1, 2]), name).toMatchObject({
        value: Infinity,
        flags: KernelFlags.InvalidQuantile,
      });
      expect(quantileOf(k, -1, [1, Infinity], [1, 2]).value, name).toBe(-Infinity);
      expect(quantileOf(k, 0.5, [1, Infinity], [0, 0]).value, `${name} no observations`).toBeNaN();
    });
  });

  test('histogram_fraction interpolates linearly (histograms.test, "lower falls in the first bucket")', () => {
    each((k, name) => {
      const out = { values: new Float64Array(1), mask: new Uint8Array(1) };
      k.histogramFraction(
        hist([1, 2, 3, Infinity], [1, 3, 6, 100]),
        new Float64Array([0]),
        new Float64Array([1.5]),
        out,
      );
      expect(out.values[0], name).toBeCloseTo(0.02, 15);
    });
  });
});

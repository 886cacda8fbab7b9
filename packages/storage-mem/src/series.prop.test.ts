import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { copySamples, lowerBound } from './series.js';

describe('lowerBound (interpolating search)', () => {
  test.prop(
    [
      fc.uniqueArray(fc.integer({ min: -1_000_000, max: 1_000_000 }), { maxLength: 300 }),
      fc.integer({ min: -1_100_000, max: 1_100_000 }),
      fc.nat(),
      fc.nat(),
    ],
    { numRuns: 2000 },
  )('finds the first element >= t in any sub-range, however spaced', (values, t, a, b) => {
    const ts = Float64Array.from(values.sort((x, y) => x - y));
    const lo = ts.length === 0 ? 0 : a % (ts.length + 1);
    const hi = lo + (ts.length === 0 ? 0 : b % (ts.length - lo + 1));
    let expected = lo;
    while (expected < hi && ts[expected]! < t) expected++;
    expect(lowerBound(ts, lo, hi, t)).toBe(expected);
    if (hi > lo) expect(lowerBound(ts, lo, hi, ts[hi - 1]!)).toBe(ts.indexOf(ts[hi - 1]!));
  });
});

/** The 64 bits of `a[i]`, so that NaN payloads compare. */
function bits(a: Float64Array, i: number): bigint {
  return new BigUint64Array(a.buffer, a.byteOffset + i * 8, 1)[0]!;
}

describe('copySamples', () => {
  // Values, with staleness markers and other NaN payloads among them.
  const value = fc.oneof(
    fc.double(),
    fc.constantFrom(0x7ff0000000000002n, 0x7ff8000000000001n, 0xfff8000000000000n),
  );
  test.prop(
    [
      fc.array(value, { maxLength: 200, size: 'max' }),
      fc.nat(),
      fc.nat(),
      fc.nat({ max: 10 }),
      fc.boolean(),
    ],
    { numRuns: 500 },
  )(
    'copies runs of any length bit for bit, short (element by element) and long (as bytes)',
    (vals, a, b, at, shared) => {
      const n = vals.length;
      const lo = n === 0 ? 0 : a % (n + 1);
      const hi = lo + (n === 0 ? 0 : b % (n - lo + 1));
      // Timestamps and values in separate arrays, or in one (values after the timestamps).
      const cts = new Float64Array(shared ? 2 * n : n).map((_, i) => i * 15);
      const cvs = shared ? cts : new Float64Array(n);
      const base = shared ? n : 0;
      const raw = new BigUint64Array(cvs.buffer, cvs.byteOffset + base * 8, n);
      vals.forEach((v, i) => {
        if (typeof v === 'bigint') raw[i] = v;
        else cvs[base + i] = v;
      });
      const ts = new Float64Array(at + n + 1).fill(-1);
      const vs = new Float64Array(at + n + 1).fill(-1);
      expect(copySamples(cts, cvs, lo, hi, ts, vs, at, base)).toBe(at + hi - lo);
      for (let i = 0; i < ts.length; i++) {
        const inRun = i >= at && i < at + hi - lo;
        expect(ts[i]).toBe(inRun ? cts[lo + i - at] : -1);
        expect(bits(vs, i)).toBe(inRun ? bits(cvs, base + lo + i - at) : bits(vs, ts.length - 1));
      }
    },
  );
});

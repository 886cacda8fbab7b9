import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { lowerBound } from './series.js';

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

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { countOnes } from './value.js';

describe('countOnes', () => {
  test.prop([
    fc.array(fc.boolean(), { maxLength: 100 }),
    fc.nat({ max: 7 }),
    fc.nat({ max: 100 }),
    fc.nat({ max: 100 }),
  ])('counts the ones of any slice of a mask, at any byte offset', (bits, shift, a, b) => {
    const buf = new Uint8Array(bits.length + shift);
    const mask = buf.subarray(shift);
    bits.forEach((bit, i) => {
      mask[i] = bit ? 1 : 0;
    });
    const from = Math.min(a, b, bits.length);
    const to = Math.min(Math.max(a, b), bits.length);
    const expected = bits.slice(from, to).filter(Boolean).length;
    expect(countOnes(mask, from, to)).toBe(expected);
  });
});

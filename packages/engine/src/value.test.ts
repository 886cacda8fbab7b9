import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { Labels } from './storage.js';
import {
  countOnes,
  emptyVectors,
  knownDistinct,
  markDistinct,
  mergeSameLabelsets,
  type StepVectors,
  selectRows,
} from './value.js';

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

describe('rows known to be distinct', () => {
  const ls = (v: string): Labels => [{ name: 'a', value: v }];
  const rows = (values: string[]): StepVectors => {
    const out = emptyVectors(values.map(ls), 2);
    out.mask.fill(1);
    return out;
  };

  test('a merge marks its result, and a marked array is not checked again', () => {
    const v = rows(['x', 'y']);
    expect(knownDistinct(v.labels)).toBe(false);
    expect(mergeSameLabelsets(v)).toBe(v);
    expect(knownDistinct(v.labels)).toBe(true);
    // Equal sets at the same steps fail the merge, unless the array is (wrongly) marked.
    const dup = rows(['x', 'x']);
    expect(() => mergeSameLabelsets(dup)).toThrow('same labelset');
    markDistinct(dup.labels);
    expect(mergeSameLabelsets(dup)).toBe(dup);
  });

  test('subsets of marked rows are marked; of unmarked rows, not', () => {
    const v = rows(['x', 'y', 'z']);
    markDistinct(v.labels);
    expect(knownDistinct(selectRows(v, [2, 0]).labels)).toBe(true);
    expect(knownDistinct(selectRows(rows(['x', 'y']), [0, 1]).labels)).toBe(false);
  });
});

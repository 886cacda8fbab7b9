import { describe, expect, it } from 'vitest';
import { intersect, subtract, union } from './postings.js';

const arr = (p: ArrayLike<number>) => Array.from(p);

describe('postings', () => {
  it('union merges, sorts and deduplicates', () => {
    expect(arr(union([]))).toEqual([]);
    expect(arr(union([[3, 5]]))).toEqual([3, 5]);
    expect(arr(union([[5, 9], [1, 7], new Uint32Array([2, 5])]))).toEqual([1, 2, 5, 7, 9]);
  });

  it('intersect, with and without galloping', () => {
    expect(arr(intersect([1, 3, 5, 7], [3, 4, 5, 8]))).toEqual([3, 5]);
    expect(arr(intersect([], [1, 2]))).toEqual([]);
    const big = Array.from({ length: 1000 }, (_, i) => i * 2);
    expect(arr(intersect([4, 5, 1998, 2000], big))).toEqual([4, 1998]);
    expect(arr(intersect(big, [0, 999, 1000]))).toEqual([0, 1000]);
  });

  it('subtract', () => {
    expect(arr(subtract([1, 2, 3, 4], [2, 4, 6]))).toEqual([1, 3]);
    expect(arr(subtract([1, 2], []))).toEqual([1, 2]);
    expect(arr(subtract([1, 2], [0, 1, 2, 3]))).toEqual([]);
  });
});

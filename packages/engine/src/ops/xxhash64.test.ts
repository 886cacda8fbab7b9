import { describe, expect, test } from 'vitest';
import { labelsBytes, labelsHash, xxhash64 } from './xxhash64.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const hex = (h: bigint) => `0x${h.toString(16).padStart(16, '0')}`;

// Reference digests computed with the C library (libxxhash XXH64, seed 0).
describe('xxhash64', () => {
  test.each([
    ['', '0xef46db3751d8e999'],
    ['a', '0xd24ec4f1a98c6e5b'],
    ['as', '0x1c330fb2d66be179'],
    ['asd', '0x631c37ce72a97393'],
    ['asdf', '0x415872f599cea71e'],
    ['abc', '0x44bc2cf5ad770999'],
    ['Call me Ishmael. Some years ago--never mind how long precisely-', '0x02a2e85470d6fd96'],
    ['x'.repeat(31), '0x60dd0d01083b99f0'],
    ['y'.repeat(32), '0x64da1f1d3495ce66'],
    ['z'.repeat(33), '0xc5241253c64e0268'],
    [`${'0123456789abcdef'.repeat(5)}xyz`, '0x2cf0ab3f2d7c78c7'],
  ])('of %j', (input, digest) => {
    expect(hex(xxhash64(bytes(input)))).toBe(digest);
  });

  test('of all byte values', () => {
    const data = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(hex(xxhash64(data))).toBe('0x1facbe8406cd904b');
  });

  test('of a view into a larger buffer', () => {
    const buf = new Uint8Array(40);
    buf.set(bytes('abc'), 7);
    expect(hex(xxhash64(buf.subarray(7, 10)))).toBe('0x44bc2cf5ad770999');
  });
});

describe('labelsHash (Prometheus stringlabels encoding)', () => {
  test('encodes each name and value with a one-byte length', () => {
    const ls = [
      { name: '__name__', value: 'http_requests' },
      { name: 'group', value: 'canary' },
    ];
    expect([...labelsBytes(ls)]).toEqual([
      8,
      ...bytes('__name__'),
      13,
      ...bytes('http_requests'),
      5,
      ...bytes('group'),
      6,
      ...bytes('canary'),
    ]);
  });

  test('hashes like Prometheus', () => {
    const ls = [
      { name: '__name__', value: 'http_requests' },
      { name: 'group', value: 'canary' },
      { name: 'instance', value: '0' },
      { name: 'job', value: 'api-server' },
    ];
    expect(hex(labelsHash(ls))).toBe('0xfa6e5aa974a03e59');
  });

  test('writes UTF-8 and surrogate-escaped bytes as Go holds them', () => {
    const ls = [
      { name: 'a', value: 'é世😀' },
      { name: 'b', value: 'a\udcc5z' },
    ];
    expect([...labelsBytes(ls)].slice(-6)).toEqual([1, 0x62, 3, 0x61, 0xc5, 0x7a]);
    expect(hex(labelsHash(ls))).toBe('0xeee86d316c8b6629');
  });

  test('uses the four-byte length form from 255 bytes on', () => {
    const ls = [{ name: 'k', value: 'v'.repeat(300) }];
    expect([...labelsBytes(ls).subarray(0, 6)]).toEqual([1, 0x6b, 255, 300 & 255, 1, 0]);
    expect(hex(labelsHash(ls))).toBe('0xb318d6c2f01afe45');
  });
});

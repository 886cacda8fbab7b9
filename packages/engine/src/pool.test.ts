import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import {
  f64,
  f64Unfilled,
  i32,
  QueryBuffers,
  u8,
  u8Unfilled,
  u32,
  withQueryBuffers,
} from './pool.js';

type Make = (n: number) => Float64Array | Uint8Array | Int32Array | Uint32Array;
const ZEROED: readonly Make[] = [f64, u8, u32, i32];
const ANY: readonly Make[] = [...ZEROED, f64Unfilled, u8Unfilled];

/** Sizes that land in each of the pool's three sources: own array, slab cut, pooled buffer. */
const size = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.integer({ min: 9, max: 255 }),
  fc.integer({ min: 256, max: 3000 }),
);

describe('pool', () => {
  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 0, max: ANY.length - 1 }), size), { maxLength: 60 }),
    fc.integer({ min: 1, max: 3 }),
  ])(
    'arrays of one query never share memory, and zero-filled ones start zero in later queries',
    (specs, queries) => {
      for (let q = 0; q < queries; q++) {
        const buffers = new QueryBuffers();
        withQueryBuffers(buffers, () => {
          const made = specs.map(([kind, n]) => {
            const make = ANY[kind]!;
            const a = make(n);
            expect(a.length).toBe(n);
            if (ZEROED.includes(make)) expect(a.every((x) => x === 0)).toBe(true);
            return a;
          });
          // Each array gets its own pattern; any overlap would overwrite another's.
          for (const [i, a] of made.entries()) a.fill((i % 100) + 1);
          for (const [i, a] of made.entries()) {
            expect(a.every((x) => x === (i % 100) + 1)).toBe(true);
          }
        });
        buffers.release();
      }
    },
  );

  it('cuts small arrays from a shared slab and gives it back with the query', () => {
    const first = new QueryBuffers();
    const [a, b] = withQueryBuffers(first, () => [f64(20), i32(30)] as const);
    expect(a.buffer).toBe(b.buffer);
    expect(a.buffer.byteLength).toBeGreaterThan(a.byteLength + b.byteLength);
    expect(a.byteOffset % 8).toBe(0);
    expect(b.byteOffset % 8).toBe(0);
    a.fill(7);
    first.release();
    // The next query reuses the slab, zero-filled where asked.
    const second = new QueryBuffers();
    const c = withQueryBuffers(second, () => f64(20));
    expect(c.buffer).toBe(a.buffer);
    expect([...c]).toEqual(new Array(20).fill(0));
    second.release();
  });

  it('allocates normally outside a query and for tiny arrays', () => {
    expect(f64(20).buffer.byteLength).toBe(160);
    const buffers = new QueryBuffers();
    const tiny = withQueryBuffers(buffers, () => u8(8));
    expect(tiny.buffer.byteLength).toBe(8);
    buffers.release();
  });
});

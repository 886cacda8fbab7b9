// The memory contract: arenas, views re-created after memory.grow, zero-copy and
// copying call paths, and loading.

import { describe, expect, test } from 'vitest';
import { initKernels, type Kernels, referenceKernels, simdSupported } from './index.js';

const grid = { startMs: 0, stepMs: 1000, nSteps: 4 };

function rateInputs() {
  return {
    ts: new Float64Array([0, 1000, 2000, 3000]),
    values: new Float64Array([1, 2, 4, 8]),
    offsets: new Uint32Array([0, 4]),
  };
}

describe('arena', () => {
  test('allocations start above __heap_base, 16-byte aligned, zero-filled', async () => {
    const k = await initKernels({ backend: 'wasm' });
    const a = k.arena.f64(3);
    const b = k.arena.u8(5);
    const c = k.arena.u32(2);
    expect(a.ptr).toBeGreaterThan(0);
    for (const buf of [a, b, c]) expect(buf.ptr % 16).toBe(0);
    expect(b.ptr).toBeGreaterThanOrEqual(a.ptr + 24);
    expect(Array.from(a.array)).toEqual([0, 0, 0]);
    expect(k.arena.bytesInUse).toBeGreaterThanOrEqual(24 + 5 + 8);
  });

  test('growing the memory detaches old views; buf.array re-creates them with the data intact', async () => {
    const k = await initKernels({ backend: 'wasm', initialMemoryBytes: 64 * 1024 });
    const buf = k.arena.f64From([1, 2, 3]);
    const oldView = buf.array;
    const big = k.arena.f64(8 * 1024 * 1024); // 64 MiB: the memory has to grow
    expect(oldView.byteLength).toBe(0); // detached
    expect(Array.from(buf.array)).toEqual([1, 2, 3]);
    expect(big.array.length).toBe(8 * 1024 * 1024);
  });

  test('a kernel call that grows the memory leaves arena buffers readable', async () => {
    const k = await initKernels({ backend: 'wasm-simd', initialMemoryBytes: 64 * 1024 });
    const inputs = rateInputs();
    const ts = k.arena.f64From(inputs.ts);
    const values = k.arena.f64From(inputs.values);
    const offsets = k.arena.u32From(inputs.offsets);
    const out = { values: k.arena.f64(4), mask: k.arena.u8(4) };
    // A large foreign input is copied into scratch space, which grows the memory.
    const huge = new Float64Array(4 * 1024 * 1024);
    const before = k.arena.f64(1).array;
    k.math('abs', huge, new Float64Array(huge.length));
    expect(before.byteLength).toBe(0);
    k.rangeFunction(
      'increase',
      { ts: ts.array, values: values.array, offsets: offsets.array },
      grid,
      { rangeMs: 3000 },
      {
        values: out.values.array,
        mask: out.mask.array,
      },
    );
    expect(Array.from(out.mask.array)).toEqual([0, 1, 1, 1]);
  });

  test('release frees what came after the mark; reset ends the query and old buffers refuse', async () => {
    for (const k of [await initKernels({ backend: 'wasm' }), referenceKernels()]) {
      const keep = k.arena.f64From([7]);
      const mark = k.arena.mark();
      const temp = k.arena.f64(10);
      k.arena.release(mark);
      expect(keep.array[0], k.backend).toBe(7);
      expect(() => temp.array, k.backend).toThrow(/released|reset/);
      k.arena.reset();
      expect(() => keep.array, k.backend).toThrow(/reset/);
      expect(k.arena.bytesInUse, k.backend).toBe(0);
    }
  });

  test('a detached view passed to a kernel is rejected, not read as empty data', async () => {
    const k = await initKernels({ backend: 'wasm', initialMemoryBytes: 64 * 1024 });
    const buf = k.arena.f64(4);
    const stale = buf.array;
    k.arena.f64(4 * 1024 * 1024); // grows and detaches `stale`
    expect(() => k.math('abs', stale, new Float64Array(4))).not.toThrow(); // empty input, empty work
    expect(() => k.math('abs', new Float64Array(4), stale)).toThrow(RangeError);
  });

  test('elementwise kernels may write in place', async () => {
    for (const k of [
      await initKernels({ backend: 'wasm-simd' }),
      await initKernels({ backend: 'wasm' }),
      referenceKernels(),
    ]) {
      const buf = k.arena.f64From([-1, 2, -3, 4, -5]);
      k.math('abs', buf.array, buf.array);
      expect(Array.from(buf.array), k.backend).toEqual([1, 2, 3, 4, 5]);
      const mask = k.arena.u8(5);
      k.binary(
        '*',
        buf.array,
        new Float64Array([2]),
        { values: buf.array, mask: mask.array },
        { nSteps: 1, rhsScalar: true },
      );
      expect(Array.from(buf.array), k.backend).toEqual([2, 4, 6, 8, 10]);
    }
  });

  test('arena buffers and ordinary arrays give the same results', async () => {
    const k = await initKernels();
    const inputs = rateInputs();
    const plain = { values: new Float64Array(4), mask: new Uint8Array(4) };
    k.rangeFunction('rate', inputs, grid, { rangeMs: 3000 }, plain);
    const ts = k.arena.f64From(inputs.ts);
    const values = k.arena.f64From(inputs.values);
    const offsets = k.arena.u32From(inputs.offsets);
    const out = { values: k.arena.f64(4), mask: k.arena.u8(4) };
    k.rangeFunction(
      'rate',
      { ts: ts.array, values: values.array, offsets: offsets.array },
      grid,
      { rangeMs: 3000 },
      {
        values: out.values.array,
        mask: out.mask.array,
      },
    );
    expect(Array.from(out.values.array)).toEqual(Array.from(plain.values));
    expect(Array.from(out.mask.array)).toEqual(Array.from(plain.mask));
  });

  test('bad arguments throw RangeError instead of reading out of bounds', async () => {
    const kernels: Kernels[] = [await initKernels(), referenceKernels()];
    for (const k of kernels) {
      const inputs = rateInputs();
      const small = { values: new Float64Array(3), mask: new Uint8Array(3) };
      expect(
        () => k.rangeFunction('rate', inputs, grid, { rangeMs: 1000 }, small),
        k.backend,
      ).toThrow(RangeError);
      const badOffsets = { ...inputs, offsets: new Uint32Array([0, 9]) };
      expect(() =>
        k.rangeFunction(
          'rate',
          badOffsets,
          grid,
          { rangeMs: 1000 },
          { values: new Float64Array(4), mask: new Uint8Array(4) },
        ),
      ).toThrow(RangeError);
      expect(() =>
        k.rangeFunction(
          'quantile_over_time',
          inputs,
          grid,
          { rangeMs: 1000 },
          { values: new Float64Array(4), mask: new Uint8Array(4) },
        ),
      ).toThrow(/param/);
      expect(() =>
        k.rangeFunction(
          'deriv',
          inputs,
          grid,
          { rangeMs: 1000, modifier: 'anchored', lookbackMs: 1 },
          { values: new Float64Array(4), mask: new Uint8Array(4) },
        ),
      ).toThrow(/anchored/);
      expect(() =>
        k.aggregate(
          'sum',
          { values: new Float64Array(2), mask: new Uint8Array(2) },
          new Uint32Array([0, 5]),
          2,
          1,
          { values: new Float64Array(2), mask: new Uint8Array(2) },
        ),
      ).toThrow(/group/);
    }
  });
});

describe('loading', () => {
  test('auto picks the SIMD build where the host validates it', async () => {
    const k = await initKernels();
    expect(k.backend).toBe(simdSupported() ? 'wasm-simd' : 'wasm');
    expect((await initKernels({ backend: 'reference' })).backend).toBe('reference');
  });

  test('every instance has its own memory', async () => {
    const a = await initKernels({ backend: 'wasm' });
    const b = await initKernels({ backend: 'wasm' });
    const x = a.arena.f64From([1]);
    const y = b.arena.f64From([2]);
    expect(x.array.buffer).not.toBe(y.array.buffer);
    expect(x.ptr).toBe(y.ptr);
    expect(x.array[0]).toBe(1);
  });
});

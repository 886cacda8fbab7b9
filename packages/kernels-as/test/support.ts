// Shared test helpers: the three implementations, fast-check generators for the
// kernels' inputs (NaN, ±Inf, -0, staleness markers, counter resets, ties, empty and
// short series, lengths around the SIMD and sort-run widths) and bit-exact comparison.

import fc from 'fast-check';
import { expect } from 'vitest';
import { initKernels, type Kernels, referenceKernels, type SeriesBatch } from '../src/index.js';

/** The SIMD build, the scalar build and the reference. */
export interface Implementations {
  readonly simd: Kernels;
  readonly scalar: Kernels;
  readonly reference: Kernels;
}

let loaded: Promise<Implementations> | undefined;

/** Loads (once) the three implementations. */
export function implementations(): Promise<Implementations> {
  loaded ??= (async () => ({
    simd: await initKernels({ backend: 'wasm-simd' }),
    scalar: await initKernels({ backend: 'wasm' }),
    reference: referenceKernels(),
  }))();
  return loaded;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** A float64 from its two 32-bit words. */
export function fromBits(hi: number, lo: number): number {
  u32[0] = lo;
  u32[1] = hi;
  return f64[0] as number;
}

/** Marker a generator uses for "staleness NaN here" (written into arrays bit for bit). */
export const STALE = Symbol('stale');
export type Sample = number | typeof STALE;

/** Copies samples into a Float64Array, writing staleness markers by their bits. */
export function toFloat64(values: readonly Sample[]): Float64Array {
  const out = new Float64Array(values.length);
  const words = new Uint32Array(out.buffer);
  values.forEach((v, i) => {
    if (v === STALE) {
      words[2 * i] = 0x00000002;
      words[2 * i + 1] = 0x7ff00000;
    } else {
      out[i] = v;
    }
  });
  return out;
}

/** Lengths that matter: empty, single, pairs, and around the SIMD (2) and sort-run (16) widths. */
export const INTERESTING_LENGTHS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33];

/** A special or ordinary double, heavy on the values that break naive code. */
export const arbValue: fc.Arbitrary<number> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 5 }) },
  { weight: 3, arbitrary: fc.double({ noNaN: true, min: -1e6, max: 1e6 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      NaN,
      Infinity,
      -Infinity,
      -0,
      0,
      0.5,
      -0.5,
      1e308,
      -1e308,
      5e-324,
      2 ** 53,
    ),
  },
  { weight: 1, arbitrary: fc.double() },
);

/** A value, or now and then a staleness marker. */
export const arbSample: fc.Arbitrary<Sample> = fc.oneof(
  { weight: 12, arbitrary: arbValue },
  { weight: 1, arbitrary: fc.constant(STALE) },
);

function arbLength(max: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(...INTERESTING_LENGTHS.filter((l) => l <= max)),
    fc.integer({ min: 0, max }),
  );
}

/** A counter: non-negative increments with occasional resets, as float64s. */
function arbCounter(length: number): fc.Arbitrary<Sample[]> {
  return fc
    .array(
      fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: 20 }) },
        { weight: 1, arbitrary: fc.constant(-1) }, // reset
        { weight: 1, arbitrary: fc.constant(-2) }, // staleness marker
      ),
      { minLength: length, maxLength: length },
    )
    .map((steps) => {
      const out: Sample[] = [];
      let v = 0;
      for (const d of steps) {
        if (d === -2) {
          out.push(STALE);
          continue;
        }
        v = d === -1 ? v % 7 : v + d;
        out.push(v);
      }
      return out;
    });
}

/** Values for one series: counters, small integers (ties, changes), or anything. */
function arbValues(length: number): fc.Arbitrary<Sample[]> {
  return fc.oneof(
    arbCounter(length),
    fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), arbSample), {
      minLength: length,
      maxLength: length,
    }),
    fc.array(arbSample, { minLength: length, maxLength: length }),
  );
}

/** Strictly increasing integer timestamps (ms): mostly regular, sometimes jittery. */
function arbTimestamps(length: number): fc.Arbitrary<number[]> {
  return fc
    .tuple(
      fc.integer({ min: -50_000, max: 50_000 }),
      fc.constantFrom(1000, 5000, 15_000, 60_000),
      fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: length, maxLength: length }),
      fc.boolean(),
    )
    .map(([start, interval, jitter, regular]) => {
      const ts: number[] = [];
      let t = start;
      for (let i = 0; i < length; i++) {
        t += regular ? interval : (jitter[i] as number);
        ts.push(t);
      }
      return ts;
    });
}

/** A batch of series (the generator's own description, for shrinking and printing). */
export interface BatchSpec {
  readonly series: readonly { ts: readonly number[]; values: readonly Sample[] }[];
}

/** Up to `maxSeries` series of up to `maxLen` samples each. */
export function arbBatch(maxSeries = 4, maxLen = 40): fc.Arbitrary<BatchSpec> {
  const one = arbLength(maxLen).chain((len) =>
    fc.record({ ts: arbTimestamps(len), values: arbValues(len) }),
  );
  return fc.array(one, { minLength: 0, maxLength: maxSeries }).map((series) => ({ series }));
}

/** The typed arrays of a batch. */
export function toBatch(spec: BatchSpec): SeriesBatch {
  const offsets = new Uint32Array(spec.series.length + 1);
  const ts: number[] = [];
  const values: Sample[] = [];
  spec.series.forEach((s, i) => {
    ts.push(...s.ts);
    values.push(...s.values);
    offsets[i + 1] = ts.length;
  });
  return { ts: Float64Array.from(ts), values: toFloat64(values), offsets };
}

/** A step grid overlapping the generated timestamps; sometimes stepMs is 0. */
export const arbGrid = fc.record({
  startMs: fc.integer({ min: -60_000, max: 400_000 }),
  stepMs: fc.oneof(
    fc.constant(0),
    fc.constantFrom(1000, 15_000, 30_000, 60_000, 300_000),
    fc.integer({ min: 1, max: 100_000 }),
  ),
  nSteps: fc.oneof(fc.constantFrom(1, 2, 3, 7, 8, 9), fc.integer({ min: 0, max: 24 })),
});

/** Copies a typed array into `kernels`' arena at an offset that is not 16-byte aligned. */
export function intoArenaUnaligned<T extends Float64Array | Uint32Array | Uint8Array>(
  kernels: Kernels,
  a: T,
): T {
  const arena = kernels.arena;
  const skip = a instanceof Uint8Array ? 3 : 1;
  const buf =
    a instanceof Float64Array
      ? arena.f64(a.length + skip)
      : a instanceof Uint32Array
        ? arena.u32(a.length + skip)
        : arena.u8(a.length + skip);
  // Reading the view only after the allocation: allocations may move the memory.
  const view = buf.array.subarray(skip) as T;
  if (a instanceof Float64Array) {
    new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    );
  } else {
    view.set(a);
  }
  return view;
}

/** Bit-exact equality (Object.is per element: NaN equals NaN, -0 differs from +0). */
export function expectSameValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!Object.is(a, e)) {
      expect.fail(
        `${what}[${i}]: got ${Object.is(a, -0) ? '-0' : a}, want ${Object.is(e, -0) ? '-0' : e}`,
      );
    }
  }
}

/** A fresh output matrix of `cells` cells. */
export function matrix(cells: number): { values: Float64Array; mask: Uint8Array } {
  return { values: new Float64Array(cells).fill(-123.25), mask: new Uint8Array(cells).fill(7) };
}

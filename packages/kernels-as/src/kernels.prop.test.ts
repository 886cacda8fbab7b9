// Properties: every WebAssembly kernel (SIMD and scalar builds, with inputs copied in
// or placed unaligned in the arena) equals the TypeScript reference bit for bit.

import { fc, test } from '@fast-check/vitest';
import { beforeAll, describe } from 'vitest';
import {
  arbBatch,
  arbGrid,
  arbValue,
  type BatchSpec,
  expectSameValues,
  type Implementations,
  INTERESTING_LENGTHS,
  implementations,
  intoArenaUnaligned,
  matrix,
  STALE,
  toBatch,
} from '../test/support.js';
import {
  AGGREGATE_OPS,
  type AggregateOp,
  BINARY_OPS,
  type ClassicHistograms,
  type InstantSelectorOptions,
  type Kernels,
  MATH_FUNCTIONS,
  RANGE_FUNCTIONS,
  type RangeFunction,
  type RangeFunctionOptions,
  type SeriesBatch,
  type SeriesSource,
  type StepGrid,
} from './index.js';

let impls: Implementations;
beforeAll(async () => {
  impls = await implementations();
});

const wasmImpls = (): [string, Kernels][] => [
  ['simd', impls.simd],
  ['scalar', impls.scalar],
];

/** The batch placed unaligned in a kernels object's arena (the zero-copy path). */
function batchInArena(k: Kernels, b: SeriesBatch): SeriesBatch {
  return {
    ts: intoArenaUnaligned(k, b.ts),
    values: intoArenaUnaligned(k, b.values),
    offsets: intoArenaUnaligned(k, b.offsets),
  };
}

const PARAM_STEPS = 24;

const arbQuantile = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 3, arbitrary: fc.constantFrom(0, 0.5, 1, 0.9, 0.99) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, -0.5, 1.5, -0, Infinity) },
);
const arbFactor = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: 0.01, max: 0.99, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, -0.5, 1.5, NaN) },
);
const arbDuration = fc.oneof(fc.integer({ min: -3600, max: 3600 }), arbValue);

const ANCHORED = new Set<RangeFunction>(['rate', 'increase', 'delta', 'changes', 'resets']);
const SMOOTHED = new Set<RangeFunction>(['rate', 'increase', 'delta']);

const arbRangeCase = fc
  .record({
    fn: fc.constantFrom(...RANGE_FUNCTIONS),
    spec: arbBatch(4, 40),
    grid: arbGrid,
    rangeMs: fc.oneof(
      fc.constantFrom(0, 1000, 15_000, 60_000, 300_000),
      fc.integer({ min: 0, max: 400_000 }),
    ),
    leftOpen: fc.oneof(
      { weight: 3, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    offsetMs: fc.oneof(fc.constant(0), fc.integer({ min: -100_000, max: 100_000 })),
    atMs: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 400_000 }) },
    ),
    modifier: fc.constantFrom('none', 'anchored', 'smoothed'),
    lookbackMs: fc.oneof(fc.constant(300_000), fc.integer({ min: 0, max: 400_000 })),
    legacy: fc.boolean(),
    quantiles: fc.array(arbQuantile, { minLength: PARAM_STEPS, maxLength: PARAM_STEPS }),
    durations: fc.array(arbDuration, { minLength: PARAM_STEPS, maxLength: PARAM_STEPS }),
    sf: fc.array(arbFactor, { minLength: PARAM_STEPS, maxLength: PARAM_STEPS }),
    tf: fc.array(arbFactor, { minLength: PARAM_STEPS, maxLength: PARAM_STEPS }),
  })
  .map((c) => {
    const modifier =
      (c.modifier === 'anchored' && ANCHORED.has(c.fn)) ||
      (c.modifier === 'smoothed' && SMOOTHED.has(c.fn))
        ? c.modifier
        : 'none';
    const n = c.grid.nSteps;
    let param: Float64Array | undefined;
    let param2: Float64Array | undefined;
    if (c.fn === 'quantile_over_time') param = Float64Array.from(c.quantiles.slice(0, n));
    if (c.fn === 'predict_linear') param = Float64Array.from(c.durations.slice(0, n));
    if (c.fn === 'double_exponential_smoothing') {
      param = Float64Array.from(c.sf.slice(0, n));
      param2 = Float64Array.from(c.tf.slice(0, n));
    }
    const options: RangeFunctionOptions = {
      rangeMs: c.rangeMs,
      leftOpen: modifier === 'none' ? c.leftOpen : true,
      offsetMs: c.offsetMs,
      atMs: c.atMs,
      modifier,
      lookbackMs: c.lookbackMs,
      legacyExtrapolation: c.legacy,
      ...(param ? { param } : {}),
      ...(param2 ? { param2 } : {}),
    };
    return { fn: c.fn, spec: c.spec, grid: c.grid, options };
  });

/**
 * Prometheus's totalQueryableSamples of a range-function call, counted the slow way: for
 * every series and step, the samples of the raw input (staleness markers skipped) inside
 * the window the function sees.
 */
function bruteWindowSamples(spec: BatchSpec, grid: StepGrid, o: RangeFunctionOptions): number {
  const modifier = o.modifier ?? 'none';
  const lookback = o.lookbackMs ?? 0;
  const leftOpen = o.leftOpen ?? true;
  let total = 0;
  for (const { ts, values } of spec.series) {
    for (let i = 0; i < grid.nSteps; i++) {
      const end = (o.atMs ?? grid.startMs + i * grid.stepMs) - (o.offsetMs ?? 0);
      const low = end - o.rangeMs - (modifier === 'none' ? 0 : lookback);
      const high = end + (modifier === 'smoothed' ? lookback : 0);
      for (let j = 0; j < ts.length; j++) {
        const t = ts[j] as number;
        if (values[j] === STALE || t > high) continue;
        if (leftOpen ? t > low : t >= low) total++;
      }
    }
  }
  return total;
}

/**
 * Runs `fn` on the reference and on both WebAssembly builds (given the batch, copied in,
 * and a source of the same samples, written in batch by batch) and expects
 * the same values, mask, flags and window-sample count; returns the reference's.
 */
function expectWasmLikeReference(
  fn: RangeFunction,
  batch: SeriesBatch,
  grid: StepGrid,
  options: RangeFunctionOptions,
  cells: number,
): { want: { values: Float64Array; mask: Uint8Array }; wantCounts: { windowSamples: number } } {
  const want = matrix(cells);
  const wantCounts = { windowSamples: -1 };
  const wantFlags = impls.reference.rangeFunction(
    fn,
    batch,
    grid,
    { ...options, counts: wantCounts },
    want,
  );
  // Every cell written: matrix() fills presence bytes with 7.
  expectSameValues([want.mask.findIndex((m) => m > 1)], [-1], `reference ${fn} wrote every cell`);
  const inputs = [
    ['batch', batch],
    ['source', asSource(batch)],
  ] as const;
  for (const [name, k] of wasmImpls()) {
    for (const [form, input] of inputs) {
      const got = matrix(cells);
      const counts = { windowSamples: -1 };
      const flags = k.rangeFunction(fn, input, grid, { ...options, counts }, got);
      const what = `${name} ${fn} (${form})`;
      expectSameValues(got.values, want.values, `${what} values`);
      expectSameValues(got.mask, want.mask, `${what} mask`);
      expectSameValues([flags], [wantFlags], `${what} flags`);
      expectSameValues([counts.windowSamples], [wantCounts.windowSamples], `${what} count`);
      k.arena.reset();
    }
  }
  return { want, wantCounts };
}

/** The batch as a source that copies its samples out on request. */
function asSource(b: SeriesBatch): SeriesSource {
  return {
    offsets: b.offsets,
    copy(from, to, ts, values) {
      const lo = b.offsets[from] as number;
      const hi = b.offsets[to] as number;
      ts.set(b.ts.subarray(lo, hi));
      values.set(b.values.subarray(lo, hi));
    },
  };
}

/**
 * 150 series × 300 samples (counters with resets, some staleness markers, every seventh
 * series empty): more than one batch of the WebAssembly kernels.
 */
function largeCase(seed: number): {
  batch: SeriesBatch;
  grid: StepGrid;
  options: RangeFunctionOptions;
} {
  const next = lcg(seed);
  const rand = () => next() / 2 ** 32;
  const series = Array.from({ length: 150 }, (_, r) => {
    const len = r % 7 === 0 ? 0 : 300;
    const ts = Array.from({ length: len }, (_, i) => i * 15_000 + Math.floor(rand() * 5000));
    let v = 0;
    const values = ts.map((): number | typeof STALE => {
      if (rand() < 0.01) return STALE;
      v = rand() < 0.02 ? 0 : v + rand() * 10;
      return v;
    });
    return { ts, values };
  });
  const grid: StepGrid = { startMs: 0, stepMs: 60_000, nSteps: 76 };
  const options: RangeFunctionOptions = {
    rangeMs: 300_000,
    param: new Float64Array(grid.nSteps).fill(0.5),
    param2: new Float64Array(grid.nSteps).fill(0.3),
  };
  return { batch: toBatch({ series }), grid, options };
}

describe('range functions', () => {
  test.prop([arbRangeCase], { numRuns: 4000 })(
    'wasm equals the reference',
    ({ fn, spec, grid, options }) => {
      const batch = toBatch(spec);
      const cells = spec.series.length * grid.nSteps;
      const { want, wantCounts } = expectWasmLikeReference(fn, batch, grid, options, cells);
      // The samples the windows held, staleness markers excluded.
      expectSameValues(
        [wantCounts.windowSamples],
        [bruteWindowSamples(spec, grid, options)],
        `reference ${fn} windowSamples`,
      );
      // Zero-copy: inputs and outputs in the arena, deliberately unaligned.
      const k = impls.simd;
      const inArena = batchInArena(k, batch);
      const out = {
        values: intoArenaUnaligned(k, new Float64Array(cells)),
        mask: intoArenaUnaligned(k, new Uint8Array(cells)),
      };
      const counts = { windowSamples: -1 };
      k.rangeFunction(fn, inArena, grid, { ...options, counts }, out);
      // The call may have grown the memory: copy the results out of fresh views.
      expectSameValues(new Float64Array(out.values), want.values, `arena ${fn} values`);
      expectSameValues(
        [counts.windowSamples],
        [wantCounts.windowSamples],
        `arena ${fn} windowSamples`,
      );
      k.arena.reset();
    },
  );

  // Regular scrapes make steady stretches, where each window is the one before moved on
  // by the samples of a step (and the SIMD build computes two windows at a time); missed
  // scrapes, a late scrape and a step the interval does not divide end or prevent them.
  const GAP = -2; // a missed scrape: no sample
  const LATE = -3; // a scrape 1 ms late (the same value as the one before)
  const EARLY = -4; // a scrape 1 ms early (the same value as the one before)
  test.prop(
    [
      fc.constantFrom('rate', 'increase', 'delta') as fc.Arbitrary<RangeFunction>,
      fc.array(
        fc.record({
          // Offsets at the ends put samples 1 ms after a window's end or at its start.
          offset: fc.oneof(fc.constantFrom(0, 14_998, 14_999), fc.integer({ min: 0, max: 14_999 })),
          // Small integers put the counter's zero point right at the window's start
          // (vFirst / result × sampled interval equal to the duration to the start).
          start: fc.oneof(
            fc.constant(0),
            fc.integer({ min: 0, max: 60 }),
            fc.double({ min: 0, max: 1e6, noNaN: true }),
          ),
          steps: fc.array(
            fc.oneof(
              { weight: 12, arbitrary: fc.double({ min: 0, max: 100, noNaN: true }) },
              { weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }) },
              { weight: 1, arbitrary: fc.constant(-1) }, // a reset
              { weight: 1, arbitrary: fc.constant(Number.NaN) },
              { weight: 1, arbitrary: fc.constant(GAP) },
              { weight: 1, arbitrary: fc.constant(LATE) },
              { weight: 1, arbitrary: fc.constant(EARLY) },
            ),
            { minLength: 0, maxLength: 120 },
          ),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.constantFrom(15_000, 30_000, 45_000, 60_000, 10_000, 7_500),
      fc.constantFrom(60_000, 300_000, 600_000),
      fc.boolean(),
      fc.record({
        leftOpen: fc.oneof(
          { weight: 3, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
        offsetMs: fc.oneof(fc.constant(0), fc.constantFrom(15_000, -30_000, 7_000)),
        atMs: fc.oneof(
          { weight: 6, arbitrary: fc.constant(null) },
          { weight: 1, arbitrary: fc.integer({ min: 0, max: 1_500_000 }) },
        ),
      }),
    ],
    { numRuns: 2500 },
  )(
    'rate over regular scrapes (window shapes repeating step after step) equals the reference',
    (fn, specs, stepMs, rangeMs, legacy, where) => {
      const series = specs.map(({ offset, start, steps }) => {
        let v = start;
        const ts: number[] = [];
        const values: number[] = [];
        steps.forEach((d, i) => {
          if (d === GAP) return;
          if (d !== LATE && d !== EARLY) v = d === -1 ? 0 : Number.isNaN(d) ? d : v + d;
          ts.push(offset + 1 + i * 15_000 + (d === LATE ? 1 : d === EARLY ? -1 : 0));
          values.push(v);
        });
        return { ts, values };
      });
      const grid: StepGrid = { startMs: 0, stepMs, nSteps: Math.ceil(1_800_000 / stepMs) + 1 };
      const options: RangeFunctionOptions = { rangeMs, legacyExtrapolation: legacy, ...where };
      expectWasmLikeReference(fn, toBatch({ series }), grid, options, series.length * grid.nSteps);
    },
  );

  test('a steady stretch ends before a scrape that comes early or late, or a missed one', () => {
    // The sample after a stretch's last window can fall inside that window's range when
    // it comes early: every position, offset and step, against the reference.
    for (const shift of [-1, 1, 14_999, 15_000]) {
      for (let q = 18; q < 40; q++) {
        for (const offset of [0, 1, 7_500, 14_998, 14_999]) {
          for (const stepMs of [15_000, 30_000, 45_000]) {
            const ts: number[] = [];
            const values: number[] = [];
            for (let i = 0; i < 60; i++) {
              ts.push(
                offset + i * 15_000 + (i === q ? shift : i > q && shift === 15_000 ? 15_000 : 0),
              );
              values.push(i * 10 + (i >= q ? 5 : 0));
            }
            const series = [{ ts, values }];
            const grid: StepGrid = { startMs: 0, stepMs, nSteps: Math.ceil(900_000 / stepMs) + 1 };
            for (const rangeMs of [60_000, 300_000]) {
              expectWasmLikeReference('rate', toBatch({ series }), grid, { rangeMs }, grid.nSteps);
            }
          }
        }
      }
    }
  });

  test('windows move on steadily over missed scrapes inside them', () => {
    // A missed scrape inside a window moves along with it; stretches end only where an
    // uneven spacing reaches a window's edge. Long windows hold several such gaps.
    const missed = new Set([7, 40, 41, 95, 160, 161, 162, 230, 301, 302]);
    for (const early of [-1, 5, 120]) {
      for (const offset of [0, 1, 7_500, 14_999]) {
        const ts: number[] = [];
        const values: number[] = [];
        for (let i = 0; i < 400; i++) {
          if (missed.has(i)) continue;
          ts.push(offset + i * 15_000 - (i === early ? 1_000 : 0));
          values.push(i === 200 ? 3 : i * 7 + (i > 200 ? 0 : 1_000));
        }
        const series = [{ ts, values }];
        for (const stepMs of [15_000, 30_000, 60_000]) {
          const grid: StepGrid = { startMs: 0, stepMs, nSteps: Math.ceil(6_000_000 / stepMs) + 1 };
          for (const rangeMs of [300_000, 3_600_000]) {
            for (const leftOpen of [true, false]) {
              for (const fn of ['rate', 'increase', 'delta'] as const) {
                expectWasmLikeReference(
                  fn,
                  toBatch({ series }),
                  grid,
                  { rangeMs, leftOpen },
                  grid.nSteps,
                );
              }
            }
          }
        }
      }
    }
  });

  test.prop(
    [
      fc.constantFrom('sum_over_time', 'avg_over_time') as fc.Arbitrary<RangeFunction>,
      fc.array(
        fc.array(
          fc.oneof(
            { weight: 6, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
            // Large magnitudes: a series' total crosses the 2^52 bound of the exact path
            // now and then, so both paths run, and a sum may round on the other.
            {
              weight: 2,
              arbitrary: fc.integer({ min: -(2 ** 30), max: 2 ** 30 }).map((x) => x * 2 ** 20),
            },
            { weight: 1, arbitrary: fc.constantFrom(-0, 0, 2 ** 52, -(2 ** 52), 2 ** 53) },
            // One sample that is not an integer (or not finite) takes the series off it.
            { weight: 1, arbitrary: fc.constantFrom(0.5, -1.25, Infinity, -Infinity, NaN) },
          ),
          { minLength: 0, maxLength: 120 },
        ),
        { minLength: 1, maxLength: 4 },
      ),
      fc.constantFrom(15_000, 60_000),
      fc.constantFrom(15_000, 60_000, 300_000, 600_000),
    ],
    { numRuns: 1500 },
  )(
    'sum and avg over time of integer series (exact prefix sums) equal the reference',
    (fn, valueLists, stepMs, rangeMs) => {
      const series = valueLists.map((values) => ({
        ts: values.map((_, i) => 7_000 + i * 15_000),
        values,
      }));
      const grid: StepGrid = { startMs: 0, stepMs, nSteps: Math.ceil(1_900_000 / stepMs) + 1 };
      const options: RangeFunctionOptions = { rangeMs };
      expectWasmLikeReference(fn, toBatch({ series }), grid, options, series.length * grid.nSteps);
    },
  );

  test.prop(
    [
      fc.constantFrom('max_over_time', 'min_over_time') as fc.Arbitrary<RangeFunction>,
      fc.array(
        fc.array(fc.constantFrom(-0, 0, 1, -1, Number.NaN), { minLength: 0, maxLength: 30 }),
        { minLength: 1, maxLength: 3 },
      ),
      fc.integer({ min: 1, max: 12 }),
      fc.constantFrom(15_000, 60_000, 300_000),
    ],
    { numRuns: 1500 },
  )(
    'max and min over time keep the first of equal extremes (signed zeros), one step or many',
    (fn, valueLists, nSteps, rangeMs) => {
      const series = valueLists.map((values) => ({
        ts: values.map((_, i) => 1_000 + i * 15_000),
        values,
      }));
      const grid: StepGrid = { startMs: 300_000, stepMs: 30_000, nSteps };
      expectWasmLikeReference(fn, toBatch({ series }), grid, { rangeMs }, series.length * nSteps);
    },
  );

  test.prop([fc.integer({ min: 1, max: 2 ** 31 }), fc.constantFrom(...RANGE_FUNCTIONS)], {
    numRuns: 12,
  })('large inputs, evaluated in batches of rows, equal the reference', (seed, fn) => {
    const { batch, grid, options } = largeCase(seed);
    expectWasmLikeReference(fn, batch, grid, options, (batch.offsets.length - 1) * grid.nSteps);
  });

  test.prop([arbBatch(4, 40), arbGrid], { numRuns: 300 })(
    'windowSamples is set by every call, not accumulated',
    (spec, grid) => {
      const batch = toBatch(spec);
      const cells = spec.series.length * grid.nSteps;
      const options: RangeFunctionOptions = { rangeMs: 300_000 };
      const want = bruteWindowSamples(spec, grid, options);
      for (const [name, k] of [...wasmImpls(), ['reference', impls.reference] as const]) {
        const counts = { windowSamples: 12345 };
        // irate and rate take their own loops in the WebAssembly kernel; sum_over_time
        // the general one.
        for (const fn of ['irate', 'rate', 'sum_over_time', 'irate', 'rate'] as const) {
          k.rangeFunction(fn, batch, grid, { ...options, counts }, matrix(cells));
          expectSameValues([counts.windowSamples], [want], `${name} ${fn} windowSamples`);
        }
        k.arena.reset();
      }
    },
  );
});

describe('range function and aggregation together', () => {
  const STREAMING_OPS = AGGREGATE_OPS.filter((op) => op !== 'quantile');

  /** rangeAggregate of both builds, given a batch and a source, equals the reference's. */
  function expectLikeReference(
    fn: RangeFunction,
    batch: SeriesBatch,
    grid: StepGrid,
    options: RangeFunctionOptions,
    op: AggregateOp,
    groups: Uint32Array,
    nGroups: number,
  ): void {
    const n = groups.length;
    const want = matrix(nGroups * grid.nSteps);
    const wantPoints = new Uint32Array(n);
    const wantCounts = { windowSamples: -1 };
    const wantFlags = impls.reference.rangeAggregate(
      fn,
      batch,
      grid,
      { ...options, counts: wantCounts },
      op,
      groups,
      nGroups,
      want,
      wantPoints,
    );
    // The reference itself: the range function, then the aggregation.
    const rows = matrix(n * grid.nSteps);
    impls.reference.rangeFunction(fn, batch, grid, options, rows);
    const direct = matrix(nGroups * grid.nSteps);
    impls.reference.aggregate(op, rows, groups, nGroups, grid.nSteps, direct);
    expectSameValues(want.values, direct.values, `reference ${op}(${fn}) values`);
    expectSameValues(want.mask, direct.mask, `reference ${op}(${fn}) mask`);
    for (const [name, k] of wasmImpls()) {
      for (const [form, input] of [
        ['batch', batch],
        ['source', asSource(batch)],
      ] as const) {
        const got = matrix(nGroups * grid.nSteps);
        const points = new Uint32Array(n);
        const counts = { windowSamples: -1 };
        const flags = k.rangeAggregate(
          fn,
          input,
          grid,
          { ...options, counts },
          op,
          groups,
          nGroups,
          got,
          points,
        );
        const what = `${name} ${op}(${fn}) (${form})`;
        expectSameValues(got.values, want.values, `${what} values`);
        expectSameValues(got.mask, want.mask, `${what} mask`);
        expectSameValues(points, wantPoints, `${what} points`);
        expectSameValues([flags], [wantFlags], `${what} flags`);
        expectSameValues([counts.windowSamples], [wantCounts.windowSamples], `${what} count`);
        k.arena.reset();
      }
    }
  }

  test.prop(
    [
      arbRangeCase,
      fc.constantFrom(...STREAMING_OPS),
      fc.integer({ min: 1, max: 3 }),
      fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    ],
    { numRuns: 1500 },
  )('wasm equals the reference', ({ fn, spec, grid, options }, op, nGroups, picks) => {
    const groups = Uint32Array.from(
      { length: spec.series.length },
      (_, r) => picks[r % picks.length]! % nGroups,
    );
    expectLikeReference(fn, toBatch(spec), grid, options, op, groups, nGroups);
  });

  test.prop(
    [
      fc.integer({ min: 1, max: 2 ** 31 }),
      fc.constantFrom(...RANGE_FUNCTIONS),
      fc.constantFrom(...STREAMING_OPS),
    ],
    { numRuns: 12 },
  )('large inputs, folded a batch at a time, equal the reference', (seed, fn, op) => {
    const { batch, grid, options } = largeCase(seed);
    const groups = Uint32Array.from({ length: batch.offsets.length - 1 }, (_, r) => r % 5);
    expectLikeReference(fn, batch, grid, options, op, groups, 5);
  });
});

describe('instant selector', () => {
  const arbCase = fc.record({
    spec: arbBatch(4, 40),
    grid: arbGrid,
    lookbackMs: fc.oneof(
      fc.constantFrom(0, 1, 15_000, 300_000),
      fc.integer({ min: 0, max: 400_000 }),
    ),
    leftOpen: fc.boolean(),
    offsetMs: fc.oneof(fc.constant(0), fc.integer({ min: -100_000, max: 100_000 })),
    atMs: fc.oneof(
      { weight: 4, arbitrary: fc.constant(null) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 400_000 }) },
    ),
  });
  /** Both builds, given the batch and a source of it, equal the reference. */
  function expectLikeReference(
    batch: SeriesBatch,
    grid: StepGrid,
    options: InstantSelectorOptions,
  ): void {
    const cells = (batch.offsets.length - 1) * grid.nSteps;
    const want = { ...matrix(cells), ts: new Float64Array(cells).fill(-0.5) };
    impls.reference.instantSelector(batch, grid, options, want);
    expectSameValues([want.mask.findIndex((m) => m > 1)], [-1], 'reference wrote every cell');
    expectSameValues([want.ts.indexOf(-0.5)], [-1], 'reference wrote every timestamp');
    const bare = matrix(cells);
    impls.reference.instantSelector(batch, grid, options, bare);
    expectSameValues(bare.values, want.values, 'reference values without ts');
    expectSameValues(bare.mask, want.mask, 'reference mask without ts');
    for (const [name, k] of wasmImpls()) {
      for (const [form, input] of [
        ['batch', batch],
        ['source', asSource(batch)],
      ] as const) {
        const got = { ...matrix(cells), ts: new Float64Array(cells).fill(-1) };
        k.instantSelector(input, grid, options, got);
        expectSameValues(got.values, want.values, `${name} (${form}) values`);
        expectSameValues(got.mask, want.mask, `${name} (${form}) mask`);
        expectSameValues(got.ts, want.ts, `${name} (${form}) ts`);
        k.arena.reset();
        // Without timestamps: the same values and mask.
        const bare = matrix(cells);
        k.instantSelector(input, grid, options, bare);
        expectSameValues(bare.values, want.values, `${name} (${form}) values without ts`);
        expectSameValues(bare.mask, want.mask, `${name} (${form}) mask without ts`);
        k.arena.reset();
      }
    }
  }

  test.prop([arbCase], { numRuns: 1500 })(
    'wasm equals the reference',
    ({ spec, grid, ...options }) => {
      expectLikeReference(toBatch(spec), grid, options);
    },
  );

  // Regular scrapes make even stretches, where step after step takes the sample a fixed
  // number of scrapes on; missed, late and early scrapes, staleness markers, a step the
  // interval does not divide and the series' end stop them.
  test.prop(
    [
      fc.array(
        fc.record({
          offset: fc.oneof(fc.constantFrom(0, 14_999), fc.integer({ min: 0, max: 14_999 })),
          kinds: fc.array(
            fc.oneof(
              { weight: 20, arbitrary: fc.constant('ok') },
              { weight: 1, arbitrary: fc.constant('gap') },
              { weight: 1, arbitrary: fc.constant('late') },
              { weight: 1, arbitrary: fc.constant('early') },
              { weight: 1, arbitrary: fc.constant('stale') },
            ),
            { minLength: 0, maxLength: 150 },
          ),
        }),
        { minLength: 1, maxLength: 4 },
      ),
      fc.constantFrom(15_000, 30_000, 45_000, 60_000, 10_000, 7_500, 15_001),
      fc.constantFrom(0, 1_000, 14_999, 15_000),
      fc.constantFrom(15_000, 60_000, 300_000),
      fc.boolean(),
      fc.oneof(fc.constant(0), fc.constantFrom(15_000, -30_000, 7_000)),
    ],
    { numRuns: 1500 },
  )(
    'over regular scrapes (even stretches) wasm equals the reference',
    (specs, stepMs, startMs, lookbackMs, leftOpen, offsetMs) => {
      const series = specs.map(({ offset, kinds }) => {
        const ts: number[] = [];
        const values: (number | typeof STALE)[] = [];
        kinds.forEach((kind, i) => {
          if (kind === 'gap') return;
          ts.push(offset + i * 15_000 + (kind === 'late' ? 1 : kind === 'early' ? -1 : 0));
          values.push(kind === 'stale' ? STALE : i);
        });
        return { ts, values };
      });
      const grid: StepGrid = { startMs, stepMs, nSteps: Math.ceil(2_400_000 / stepMs) + 1 };
      expectLikeReference(toBatch({ series }), grid, { lookbackMs, leftOpen, offsetMs });
    },
  );

  test.prop([fc.integer({ min: 1, max: 2 ** 31 })], { numRuns: 12 })(
    'large inputs, selected in batches of rows, equal the reference',
    (seed) => {
      const { batch, grid } = largeCase(seed);
      expectLikeReference(batch, grid, { lookbackMs: 300_000 });
    },
  );
});

describe('aggregation', () => {
  const arbCase = fc
    .record({
      op: fc.constantFrom(...AGGREGATE_OPS),
      nSeries: fc.constantFrom(...INTERESTING_LENGTHS.filter((l) => l <= 17)),
      nSteps: fc.constantFrom(0, 1, 2, 3, 7, 8, 9),
      nGroups: fc.integer({ min: 1, max: 4 }),
      sparse: fc.boolean(),
      seed: fc.array(fc.tuple(arbValue, fc.integer({ min: 0, max: 3 }), fc.boolean()), {
        minLength: 17 * 9,
        maxLength: 17 * 9,
      }),
      groups: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 17, maxLength: 17 }),
      q: fc.array(arbQuantile, { minLength: 9, maxLength: 9 }),
    })
    .map((c) => {
      const cells = c.nSeries * c.nSteps;
      const values = new Float64Array(cells);
      const mask = new Uint8Array(cells);
      for (let k = 0; k < cells; k++) {
        const [v, small, present] = c.seed[k] as [number, number, boolean];
        values[k] = c.sparse ? small : v;
        mask[k] = present || !c.sparse ? 1 : 0;
      }
      const groups = Uint32Array.from(c.groups.slice(0, c.nSeries).map((g) => g % c.nGroups));
      return {
        op: c.op,
        values,
        mask,
        groups,
        nGroups: c.nGroups,
        nSteps: c.nSteps,
        q: Float64Array.from(c.q.slice(0, c.nSteps)),
      };
    });
  test.prop([arbCase], { numRuns: 2500 })('wasm equals the reference', (c) => {
    const cells = c.nGroups * c.nSteps;
    const want = matrix(cells);
    const input = { values: c.values, mask: c.mask };
    const wantFlags = impls.reference.aggregate(
      c.op,
      input,
      c.groups,
      c.nGroups,
      c.nSteps,
      want,
      c.q,
    );
    for (const [name, k] of wasmImpls()) {
      const got = matrix(cells);
      const flags = k.aggregate(c.op, input, c.groups, c.nGroups, c.nSteps, got, c.q);
      expectSameValues(got.values, want.values, `${name} ${c.op} values`);
      expectSameValues(got.mask, want.mask, `${name} ${c.op} mask`);
      expectSameValues([flags], [wantFlags], `${name} ${c.op} flags`);
    }
  });
});

/** A linear congruential generator from `seed`: the same numbers for the same seed. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x;
  };
}

describe('sum over long rows', () => {
  // Rows with a value at every step, folded into groups that already have one at every
  // step, take a path without presence checks in the SIMD kernel; rows with gaps, and a
  // group's first rows, do not. Values that cancel and overflow exercise the compensation.
  test.prop(
    [
      fc.constantFrom(16, 17, 31, 32, 33, 241),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 3 }),
      fc.array(arbValue, { minLength: 1, maxLength: 16 }),
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.constantFrom(0, 4, 64),
    ],
    { numRuns: 600 },
  )('wasm equals the reference', (nSteps, nSeries, nGroups, pool, seed, gapsIn) => {
    const next = lcg(seed);
    const values = new Float64Array(nSeries * nSteps);
    const mask = new Uint8Array(nSeries * nSteps);
    for (let s = 0; s < nSeries; s++) {
      // One row in `gapsIn` misses some steps (none when 0).
      const gappy = gapsIn > 0 && next() % gapsIn === 0;
      for (let i = 0; i < nSteps; i++) {
        const k = s * nSteps + i;
        values[k] = pool[next() % pool.length]!;
        mask[k] = gappy && next() % 3 === 0 ? 0 : 1;
      }
    }
    const groups = Uint32Array.from({ length: nSeries }, () => next() % nGroups);
    const cells = nGroups * nSteps;
    const input = { values, mask };
    const want = matrix(cells);
    impls.reference.aggregate('sum', input, groups, nGroups, nSteps, want);
    for (const [name, k] of wasmImpls()) {
      const got = matrix(cells);
      k.aggregate('sum', input, groups, nGroups, nSteps, got);
      expectSameValues(got.values, want.values, `${name} values`);
      expectSameValues(got.mask, want.mask, `${name} mask`);
    }
  });
});

describe('quantile over large groups', () => {
  // Groups of more than 16 values take the selection path of the WebAssembly kernel
  // (a -0 among them, the stable sort); both must give what the reference's sort gives.
  test.prop(
    [
      fc.integer({ min: 17, max: 400 }),
      fc.integer({ min: 1, max: 3 }),
      fc.oneof(
        fc.array(arbValue, { minLength: 1, maxLength: 64 }),
        // Mostly signed zeros: which zero lands at a rank shows in the result's sign.
        fc.constant([-0, 0, -0, 0, -0, 1, -1]),
      ),
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.array(arbQuantile, { minLength: 3, maxLength: 3 }),
      fc.boolean(),
    ],
    { numRuns: 400 },
  )('wasm equals the reference', (nSeries, nGroups, pool, seed, qs, sorted) => {
    const nSteps = 3;
    const next = lcg(seed);
    const values = new Float64Array(nSeries * nSteps);
    const mask = new Uint8Array(nSeries * nSteps);
    for (let k = 0; k < values.length; k++) {
      values[k] = pool[next() % pool.length]!;
      mask[k] = next() % 8 === 0 ? 0 : 1;
    }
    // Already ordered input (step-wise), the classic bad case of a naive pivot.
    if (sorted) {
      for (let s = 0; s < nSeries; s++) values[s * nSteps] = s;
    }
    const groups = Uint32Array.from({ length: nSeries }, (_, s) => s % nGroups);
    const q = Float64Array.from(qs);
    const cells = nGroups * nSteps;
    const want = matrix(cells);
    const input = { values, mask };
    const wantFlags = impls.reference.aggregate(
      'quantile',
      input,
      groups,
      nGroups,
      nSteps,
      want,
      q,
    );
    for (const [name, k] of wasmImpls()) {
      const got = matrix(cells);
      const flags = k.aggregate('quantile', input, groups, nGroups, nSteps, got, q);
      expectSameValues(got.values, want.values, `${name} quantile values`);
      expectSameValues(got.mask, want.mask, `${name} quantile mask`);
      expectSameValues([flags], [wantFlags], `${name} quantile flags`);
    }
  });
});

describe('binary operators', () => {
  const arbCase = fc
    .record({
      op: fc.constantFrom(...BINARY_OPS),
      shape: fc.constantFrom('vv', 'vs', 'sv', 'ss'),
      rows: fc.constantFrom(1, 2, 3),
      nSteps: fc.constantFrom(1, 2, 3, 7, 8, 9, 16, 17),
      returnBool: fc.boolean(),
      withMasks: fc.boolean(),
      lhs: fc.array(arbValue, { minLength: 51, maxLength: 51 }),
      rhs: fc.array(arbValue, { minLength: 51, maxLength: 51 }),
      lm: fc.array(fc.boolean(), { minLength: 51, maxLength: 51 }),
      rm: fc.array(fc.boolean(), { minLength: 51, maxLength: 51 }),
    })
    .map((c) => {
      const lhsScalar = c.shape[0] === 's';
      const rhsScalar = c.shape[1] === 's';
      const rows = lhsScalar && rhsScalar ? 1 : c.rows;
      const cells = rows * c.nSteps;
      const lhs = Float64Array.from(c.lhs.slice(0, lhsScalar ? c.nSteps : cells));
      const rhs = Float64Array.from(c.rhs.slice(0, rhsScalar ? c.nSteps : cells));
      const lhsMask =
        c.withMasks && !lhsScalar ? Uint8Array.from(c.lm.slice(0, cells), Number) : undefined;
      const rhsMask =
        c.withMasks && !rhsScalar ? Uint8Array.from(c.rm.slice(0, cells), Number) : undefined;
      return {
        op: c.op,
        lhs,
        rhs,
        cells,
        options: {
          nSteps: c.nSteps,
          lhsScalar,
          rhsScalar,
          returnBool: c.returnBool,
          lhsMask,
          rhsMask,
        },
      };
    });
  test.prop([arbCase], { numRuns: 3000 })('wasm equals the reference', (c) => {
    const want = matrix(c.cells);
    impls.reference.binary(c.op, c.lhs, c.rhs, want, c.options);
    for (const [name, k] of wasmImpls()) {
      const got = matrix(c.cells);
      k.binary(c.op, c.lhs, c.rhs, got, c.options);
      expectSameValues(got.values, want.values, `${name} ${c.op} values`);
      expectSameValues(got.mask, want.mask, `${name} ${c.op} mask`);
    }
  });
});

describe('math functions', () => {
  const arbInput = fc.array(
    fc.oneof(
      arbValue,
      fc.double({ min: -10, max: 10, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: 2 ** 28, max: 2 ** 60 }),
    ),
    { maxLength: 40 },
  );
  test.prop([fc.constantFrom(...MATH_FUNCTIONS), arbInput], { numRuns: 3000 })(
    'wasm equals the reference',
    (fn, values) => {
      const input = Float64Array.from(values);
      const want = new Float64Array(input.length);
      impls.reference.math(fn, input, want);
      for (const [name, k] of wasmImpls()) {
        const got = new Float64Array(input.length).fill(-1);
        k.math(fn, input, got);
        expectSameValues(got, want, `${name} ${fn}`);
      }
    },
  );

  const arbStepped = fc.record({
    nSteps: fc.constantFrom(1, 2, 3, 7, 8, 9),
    rows: fc.constantFrom(1, 2, 3),
    values: fc.array(arbValue, { minLength: 27, maxLength: 27 }),
    a: fc.array(fc.oneof(arbValue, fc.constantFrom(1, 0.1, 10, 0.5, 3, -2)), {
      minLength: 9,
      maxLength: 9,
    }),
    b: fc.array(arbValue, { minLength: 9, maxLength: 9 }),
    mask: fc.array(fc.boolean(), { minLength: 27, maxLength: 27 }),
  });
  test.prop([arbStepped], { numRuns: 1500 })('round and clamp equal the reference', (c) => {
    const cells = c.rows * c.nSteps;
    const input = Float64Array.from(c.values.slice(0, cells));
    const a = Float64Array.from(c.a.slice(0, c.nSteps));
    const b = Float64Array.from(c.b.slice(0, c.nSteps));
    const mask = Uint8Array.from(c.mask.slice(0, cells), Number);
    const wantRound = new Float64Array(cells);
    impls.reference.round(input, a, c.nSteps, wantRound);
    const wantClamp = matrix(cells);
    impls.reference.clamp(input, a, b, c.nSteps, wantClamp, mask);
    for (const [name, k] of wasmImpls()) {
      const gotRound = new Float64Array(cells);
      k.round(input, a, c.nSteps, gotRound);
      expectSameValues(gotRound, wantRound, `${name} round`);
      const gotClamp = matrix(cells);
      k.clamp(input, a, b, c.nSteps, gotClamp, mask);
      expectSameValues(gotClamp.values, wantClamp.values, `${name} clamp values`);
      expectSameValues(gotClamp.mask, wantClamp.mask, `${name} clamp mask`);
    }
  });
});

describe('classic histograms', () => {
  const arbHistogram = fc.record({
    nBuckets: fc.constantFrom(0, 1, 2, 3, 4, 7, 8, 9, 12),
    bounds: fc.array(
      fc.oneof(fc.integer({ min: -5, max: 20 }), fc.double({ min: -10, max: 100, noNaN: true })),
      { minLength: 12, maxLength: 12 },
    ),
    infLast: fc.oneof(
      { weight: 5, arbitrary: fc.constant(true) },
      { weight: 1, arbitrary: fc.constant(false) },
    ),
    increments: fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.integer({ min: 0, max: 10 }) },
        { weight: 1, arbitrary: fc.integer({ min: -5, max: -1 }) },
        { weight: 1, arbitrary: fc.constantFrom(1e-13, -1e-13, NaN, 0) },
      ),
      { minLength: 12 * 9, maxLength: 12 * 9 },
    ),
    present: fc.array(
      fc.oneof({ weight: 6, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constant(0) }),
      {
        minLength: 12 * 9,
        maxLength: 12 * 9,
      },
    ),
  });
  const arbCase = fc
    .record({
      nSteps: fc.constantFrom(1, 2, 3, 9),
      hists: fc.array(arbHistogram, { maxLength: 4 }),
      q: fc.array(arbQuantile, { minLength: 9, maxLength: 9 }),
      lower: fc.array(fc.oneof(arbValue, fc.integer({ min: -5, max: 20 })), {
        minLength: 9,
        maxLength: 9,
      }),
      upper: fc.array(fc.oneof(arbValue, fc.integer({ min: -5, max: 20 })), {
        minLength: 9,
        maxLength: 9,
      }),
    })
    .map((c) => {
      const offsets = [0];
      const bounds: number[] = [];
      const counts: number[] = [];
      const mask: number[] = [];
      for (const h of c.hists) {
        const b = h.bounds.slice(0, h.nBuckets).sort((x, y) => x - y);
        if (h.infLast && b.length > 0) b[b.length - 1] = Infinity;
        const rows: number[][] = b.map(() => []);
        for (let i = 0; i < c.nSteps; i++) {
          let acc = 0;
          for (let r = 0; r < b.length; r++) {
            const d = h.increments[r * 9 + i] as number;
            acc = Math.abs(d) < 1e-6 ? acc * (1 + d) : acc + d;
            (rows[r] as number[]).push(acc);
          }
        }
        b.forEach((bound, r) => {
          bounds.push(bound);
          counts.push(...(rows[r] as number[]));
          for (let i = 0; i < c.nSteps; i++) mask.push(h.present[r * 9 + i] as number);
        });
        offsets.push(bounds.length);
      }
      const input: ClassicHistograms = {
        bucketOffsets: Uint32Array.from(offsets),
        upperBounds: Float64Array.from(bounds),
        counts: Float64Array.from(counts),
        mask: Uint8Array.from(mask),
        nSteps: c.nSteps,
      };
      const steps = (a: number[]) => Float64Array.from(a.slice(0, c.nSteps));
      return {
        input,
        nHist: c.hists.length,
        q: steps(c.q),
        lower: steps(c.lower),
        upper: steps(c.upper),
      };
    });
  test.prop([arbCase], { numRuns: 2500 })('wasm equals the reference', (c) => {
    const cells = c.nHist * c.input.nSteps;
    const want = {
      ...matrix(cells),
      fixFlags: new Uint8Array(cells),
      fixDetail: new Float64Array(3 * cells),
    };
    const wantFlags = impls.reference.histogramQuantile(c.input, c.q, want);
    const wantFraction = matrix(cells);
    const wantFractionFlags = impls.reference.histogramFraction(
      c.input,
      c.lower,
      c.upper,
      wantFraction,
    );
    for (const [name, k] of wasmImpls()) {
      const got = {
        ...matrix(cells),
        fixFlags: new Uint8Array(cells).fill(9),
        fixDetail: new Float64Array(3 * cells).fill(9),
      };
      const flags = k.histogramQuantile(c.input, c.q, got);
      expectSameValues(got.values, want.values, `${name} quantile values`);
      expectSameValues(got.mask, want.mask, `${name} quantile mask`);
      expectSameValues(got.fixFlags, want.fixFlags, `${name} quantile fixFlags`);
      expectSameValues(got.fixDetail, want.fixDetail, `${name} quantile fixDetail`);
      expectSameValues([flags], [wantFlags], `${name} quantile flags`);
      const gotFraction = matrix(cells);
      const fractionFlags = k.histogramFraction(c.input, c.lower, c.upper, gotFraction);
      expectSameValues(gotFraction.values, wantFraction.values, `${name} fraction values`);
      expectSameValues(gotFraction.mask, wantFraction.mask, `${name} fraction mask`);
      expectSameValues([fractionFlags], [wantFractionFlags], `${name} fraction flags`);
    }
  });
});

import { fc, test } from '@fast-check/vitest';
import type { Labels, Matcher, MatchType, SelectHints } from '@promql-ts/engine';
import { compareStrings, compileMatcher } from '@promql-ts/engine';
import { describe, expect } from 'vitest';
import { labelValue, normalizeLabels } from './labels.js';
import { type AppendStatus, MemoryStorage, type OutOfOrderPolicy } from './memory-storage.js';
import { STALE_NAN } from './values.js';

/** A map key for a normalised label set. */
const keyOf = (labels: Labels): string => JSON.stringify(labels);

const ALL = { startMs: Number.NEGATIVE_INFINITY, endMs: Number.POSITIVE_INFINITY };

function hints(startMs: number, endMs: number): SelectHints {
  return { startMs, endMs, stepMs: 0, rangeMs: 0, func: null, grouping: [], by: false };
}

const scratch = new Float64Array(1);
const scratchBits = new BigUint64Array(scratch.buffer);
function bitsOf(arr: Float64Array, i: number): bigint {
  return new BigUint64Array(arr.buffer, arr.byteOffset + i * 8, 1)[0]!;
}

/** A value as written: a number, or the staleness marker (kept symbolic: see values.ts). */
type Value = number | 'stale';
const value: fc.Arbitrary<Value> = fc.oneof(
  fc.double(),
  fc.constantFrom<Value>(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    0,
    'stale',
  ),
);
function bitsOfValue(v: Value): bigint {
  scratch[0] = v === 'stale' ? STALE_NAN : v;
  return scratchBits[0]!;
}

const labelSet = fc.record(
  {
    __name__: fc.constantFrom('a', 'b'),
    job: fc.constantFrom('', 'x', 'y'),
    i: fc.constantFrom('', '1', '2'),
  },
  { requiredKeys: ['__name__'] },
);

type Write =
  | { kind: 'append'; labels: Record<string, string>; t: number; v: Value }
  | { kind: 'bulk'; labels: Record<string, string>; ts: number[]; vs: Value[] }
  | { kind: 'deleteBefore'; t: number }
  | { kind: 'deleteRange'; job: string; start: number; end: number }
  | { kind: 'trim' }
  | { kind: 'read'; back: number };

const timestamp = fc.integer({ min: -50, max: 400 });
const write: fc.Arbitrary<Write> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      labels: labelSet,
      t: timestamp,
      v: value,
    }),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(labelSet, fc.array(fc.tuple(timestamp, value), { maxLength: 30 }), fc.boolean())
      .map(([labels, samples, sorted]): Write => {
        // Sorted, unique timestamps exercise the bulk path; others the per-sample one.
        const pairs = sorted
          ? [...new Map(samples.map(([t, v]) => [t, v])).entries()].sort((x, y) => x[0] - y[0])
          : samples;
        return { kind: 'bulk', labels, ts: pairs.map((p) => p[0]), vs: pairs.map((p) => p[1]) };
      }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteBefore' as const), t: timestamp }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'trim' as const }) },
  // A read of the recent end between writes: the newest-partition table must follow
  // every change, not only be right at the end.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      back: fc.integer({ min: 0, max: 200 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deleteRange' as const),
      job: fc.constantFrom('x', 'y'),
      start: timestamp,
      end: timestamp,
    }),
  },
);

/** The reference model: per series, timestamp → value bits, with Prometheus's rules. */
class Model {
  readonly series = new Map<string, { labels: Labels; samples: Map<number, bigint> }>();
  constructor(readonly policy: OutOfOrderPolicy) {}

  append(labelsIn: Record<string, string>, t: number, v: Value): AppendStatus {
    const labels = normalizeLabels(labelsIn);
    const key = keyOf(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels, samples: new Map() };
      this.series.set(key, s);
    }
    const bits = bitsOfValue(v);
    const maxT = s.samples.size === 0 ? Number.NEGATIVE_INFINITY : Math.max(...s.samples.keys());
    let status: AppendStatus;
    if (t > maxT) status = 'added';
    else if (t === maxT || (this.policy === 'accept' && s.samples.has(t))) {
      status = s.samples.get(t) === bits ? 'identical' : 'duplicate sample for timestamp';
    } else status = this.policy === 'accept' ? 'added' : 'out of order sample';
    if (status === 'added') s.samples.set(t, bits);
    if (s.samples.size === 0) this.series.delete(key);
    return status;
  }

  delete(pred: (labels: Labels, t: number) => boolean): number {
    let n = 0;
    for (const [key, s] of this.series) {
      for (const t of [...s.samples.keys()]) {
        if (pred(s.labels, t)) {
          s.samples.delete(t);
          n++;
        }
      }
      if (s.samples.size === 0) this.series.delete(key);
    }
    return n;
  }
}

function newestOf(model: Model): number {
  let newest = Number.NEGATIVE_INFINITY;
  for (const s of model.series.values())
    for (const t of s.samples.keys()) newest = Math.max(newest, t);
  return newest;
}

/**
 * Reads `[start, end]` every way the storage offers (chunks, columns copied out at once
 * or in two parts, only the newest samples) and expects the model's samples bit for bit,
 * and chunks that follow the time partitions of `chunkRangeMs`.
 */
function checkReads(
  storage: MemoryStorage,
  model: Model,
  start: number,
  end: number,
  chunkRangeMs: number,
): void {
  const got = new Map<string, [number, bigint][]>();
  for (const s of storage.select([], hints(start, end))) {
    const samples: [number, bigint][] = [];
    let last = Number.NEGATIVE_INFINITY;
    let lastPartition = Number.NEGATIVE_INFINITY;
    for (const c of s.chunks) {
      expect(c.timestamps.length).toBe(c.values.length);
      // One chunk per time partition, each within its partition.
      const partition = Math.floor(c.timestamps[0]! / chunkRangeMs);
      expect(partition).toBeGreaterThan(lastPartition);
      expect(Math.floor(c.timestamps[c.timestamps.length - 1]! / chunkRangeMs)).toBe(partition);
      lastPartition = partition;
      for (let i = 0; i < c.timestamps.length; i++) {
        const t = c.timestamps[i]!;
        expect(t).toBeGreaterThan(last);
        last = t;
        if (t >= start && t <= end) samples.push([t, bitsOf(c.values, i)]);
      }
    }
    expect(samples.length).toBeGreaterThan(0);
    got.set(keyOf(s.labels), samples);
  }
  const want = new Map<string, [number, bigint][]>();
  for (const [key, s] of model.series) {
    const samples = [...s.samples.entries()]
      .filter(([t]) => t >= start && t <= end)
      .sort((x, y) => x[0] - y[0]);
    if (samples.length > 0) want.set(key, samples);
  }
  expect(got).toEqual(want);
  // The column read holds exactly the same samples (bit for bit), whether copied out
  // at once or in two parts split at any series, and whether its own columns are in
  // memory the engine gives (zero-filled, at an offset in a larger buffer) or its own.
  const given: Uint8Array[] = [];
  const memory = (bytes: number) => {
    // Other data around the given bytes, which the read must leave alone.
    const buffer = new Uint8Array(bytes + 64).fill(0xab);
    const m = buffer.subarray(24, 24 + bytes).fill(0);
    given.push(m);
    return m;
  };
  const inGiven = storage.selectColumns([], hints(start, end), memory);
  expect(given).toHaveLength(1);
  expect(inGiven.offsets.buffer).toBe(given[0]!.buffer);
  for (const columns of [storage.selectColumns([], hints(start, end)), inGiven]) {
    const n = columns.labels.length;
    const total = columns.offsets[n]!;
    for (const split of new Set([0, n >> 1, n])) {
      const ts = new Float64Array(total);
      const vs = new Float64Array(total);
      const at = columns.offsets[split]!;
      columns.copy(0, split, ts.subarray(0, at), vs.subarray(0, at));
      columns.copy(split, n, ts.subarray(at), vs.subarray(at));
      const gotColumns = new Map<string, [number, bigint][]>();
      columns.labels.forEach((ls, i) => {
        const samples: [number, bigint][] = [];
        for (let k = columns.offsets[i]!; k < columns.offsets[i + 1]!; k++) {
          samples.push([ts[k]!, bitsOf(vs, k)]);
        }
        gotColumns.set(keyOf(ls), samples);
      });
      expect(gotColumns).toEqual(want);
    }
  }
  const around = new Uint8Array(given[0]!.buffer);
  const outside = [...around.subarray(0, 24), ...around.subarray(24 + given[0]!.length)];
  expect(outside.every((b) => b === 0xab)).toBe(true);
  // Only the newest sample of each series, when that is all the reader needs.
  const latest = storage.selectColumns([], { ...hints(start, end), latestOnly: true });
  const m = latest.labels.length;
  expect(Array.from(latest.offsets)).toEqual(Array.from({ length: m + 1 }, (_, i) => i));
  const lts = new Float64Array(m);
  const lvs = new Float64Array(m);
  latest.copy(0, m, lts, lvs);
  const gotLatest = new Map<string, [number, bigint][]>();
  latest.labels.forEach((ls, i) => {
    gotLatest.set(keyOf(ls), [[lts[i]!, bitsOf(lvs, i)]]);
  });
  expect(gotLatest).toEqual(new Map([...want].map(([k, ss]) => [k, [ss[ss.length - 1]!]])));
}

describe('MemoryStorage: what is read equals what was written', () => {
  test.prop(
    [
      fc.array(write, { maxLength: 60 }),
      fc.constantFrom<OutOfOrderPolicy>('reject', 'accept'),
      fc.integer({ min: 1, max: 120 }),
      fc.tuple(timestamp, timestamp),
      // Rings of recent samples shorter and longer than the reads (0: none).
      fc.constantFrom(0, 1, 3, 8, 32),
    ],
    { numRuns: 300 },
  )('random writes, deletions and reads', (writes, policy, chunkRangeMs, [q1, q2], recent) => {
    const storage = new MemoryStorage({
      outOfOrder: policy,
      chunkRangeMs,
      maxRejections: 1000,
      recentSamples: recent,
    });
    const model = new Model(policy);
    for (const w of writes) {
      if (w.kind === 'append') {
        const r = storage.append(w.labels, w.t, w.v === 'stale' ? STALE_NAN : w.v);
        const status = model.append(w.labels, w.t, w.v);
        const got = r.added ? 'added' : r.identical ? 'identical' : r.rejections[0]!.reason;
        expect(got).toBe(status);
      } else if (w.kind === 'bulk') {
        const vs = new Float64Array(w.vs.length);
        w.vs.forEach((v, i) => {
          vs[i] = v === 'stale' ? STALE_NAN : v;
        });
        const r = storage.addSeries(w.labels, w.ts, vs);
        const statuses = w.ts.map((t, i) => model.append(w.labels, t, w.vs[i]!));
        expect(r.added).toBe(statuses.filter((s) => s === 'added').length);
        expect(r.identical).toBe(statuses.filter((s) => s === 'identical').length);
        expect(r.rejections.map((x) => x.reason)).toEqual(
          statuses.filter((s) => s !== 'added' && s !== 'identical'),
        );
      } else if (w.kind === 'deleteBefore') {
        expect(storage.deleteBefore(w.t).samples).toBe(model.delete((_, t) => t < w.t));
      } else if (w.kind === 'trim') {
        storage.trim();
      } else if (w.kind === 'read') {
        const newest = newestOf(model);
        checkReads(storage, model, newest - w.back, newest, chunkRangeMs);
        checkReads(storage, model, newest - w.back, newest - (w.back >> 1), chunkRangeMs);
      } else {
        const range = { startMs: w.start, endMs: w.end };
        const removed = storage.deleteSeries([compileMatcher('=', 'job', w.job)], range);
        expect(removed.samples).toBe(
          model.delete((l, t) => labelValue(l, 'job') === w.job && t >= w.start && t <= w.end),
        );
      }
    }
    // Whole range, a random sub-range, and the recent end (most reads start in the newest
    // partition, which has a path of its own).
    const newest = newestOf(model);
    for (const [start, end] of [
      [ALL.startMs, ALL.endMs],
      [Math.min(q1, q2), Math.max(q1, q2)],
      [newest - (Math.abs(q1) % chunkRangeMs), newest],
    ] as const) {
      checkReads(storage, model, start, end, chunkRangeMs);
    }
    // Reads that start right at, before and after the oldest sample a ring holds (and its
    // neighbours): where a ring stops being enough and the read must go to the chunks.
    if (recent > 0) {
      const starts = new Set<number>();
      for (const s of model.series.values()) {
        const ts = [...s.samples.keys()].sort((x, y) => x - y);
        for (let i = ts.length - recent - 1; i <= ts.length - recent + 1; i++) {
          if (i < 0 || i >= ts.length) continue;
          for (const d of [-1, 0, 1]) starts.add(ts[i]! + d);
        }
      }
      for (const start of starts) checkReads(storage, model, start, newest, chunkRangeMs);
    }
    let total = 0;
    for (const s of model.series.values()) total += s.samples.size;
    expect(storage.stats()).toMatchObject({ series: model.series.size, samples: total });
  });
});

// === Matcher selection equals a brute-force filter ===

const names = ['__name__', 'job', 'env', 'none'];
const values = ['', 'x', 'y', 'xy', 'é', 'x\ny'];
const seriesLabels = fc.record({
  __name__: fc.constantFrom('up', 'down', 'up_total'),
  job: fc.constantFrom(...values),
  env: fc.constantFrom(...values),
});
const matcher: fc.Arbitrary<[MatchType, string, string]> = fc.tuple(
  fc.constantFrom<MatchType>('=', '!=', '=~', '!~'),
  fc.constantFrom(...names),
  fc.constantFrom(
    ...values,
    'up.*',
    '.*',
    '.+',
    'x|y',
    'x|',
    '(x|xy)',
    'x.*y',
    '.*y',
    'up|down',
    '[xy]+',
    'X',
  ),
);

describe('MemoryStorage: selection equals a brute-force filter', () => {
  test.prop(
    [
      fc.array(seriesLabels, { minLength: 1, maxLength: 40 }),
      fc.array(matcher, { maxLength: 4 }),
      fc.constantFrom(...names),
    ],
    { numRuns: 500 },
  )('select, series, labelNames and labelValues', (all, ms, valuesOf) => {
    const storage = new MemoryStorage();
    const distinct = new Map<string, Labels>();
    all.forEach((l, i) => {
      const labels = normalizeLabels(l);
      storage.append(labels, i, i);
      distinct.set(keyOf(labels), labels);
    });
    const matchers: Matcher[] = ms.map(([t, n, v]) => compileMatcher(t, n, v));
    const expected = [...distinct.values()].filter((l) =>
      matchers.every((m) => m.matches(labelValue(l, m.name))),
    );
    const key = (l: Labels) => keyOf(l);
    const sortKeys = (ls: readonly Labels[]) => ls.map(key).sort();
    expect(
      sortKeys(storage.select(matchers, hints(ALL.startMs, ALL.endMs)).map((s) => s.labels)),
    ).toEqual(sortKeys(expected));
    expect(sortKeys(storage.series(matchers, ALL))).toEqual(sortKeys(expected));
    const expectedNames = [...new Set(expected.flatMap((l) => l.map((x) => x.name)))].sort(
      compareStrings,
    );
    expect(storage.labelNames(matchers, ALL)).toEqual(expectedNames);
    const expectedValues = [...new Set(expected.map((l) => labelValue(l, valuesOf)))]
      .filter((v) => v !== '')
      .sort(compareStrings);
    expect(storage.labelValues(valuesOf, matchers, ALL)).toEqual(expectedValues);
  });

  test.prop(
    [
      fc.array(seriesLabels, { minLength: 1, maxLength: 40 }),
      fc.array(matcher, { minLength: 1, maxLength: 4 }),
      fc.nat(),
      fc.array(matcher, { minLength: 1, maxLength: 2 }),
    ],
    { numRuns: 300 },
  )('selects what is there now after series come and go', (all, ms, split, gone) => {
    // A matcher set's postings are kept between reads: new and deleted series must show.
    const storage = new MemoryStorage();
    const matchers: Matcher[] = ms.map(([t, n, v]) => compileMatcher(t, n, v));
    const present = new Map<string, Labels>();
    const check = () => {
      const want = [...present.values()]
        .filter((l) => matchers.every((m) => m.matches(labelValue(l, m.name))))
        .map((l) => keyOf(l))
        .sort();
      const got = storage
        .select(matchers, hints(ALL.startMs, ALL.endMs))
        .map((s) => keyOf(s.labels));
      expect(got.sort()).toEqual(want);
    };
    const add = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const labels = normalizeLabels(all[i]!);
        storage.append(labels, i, i);
        present.set(keyOf(labels), labels);
      }
    };
    const half = split % (all.length + 1);
    add(0, half);
    check();
    check();
    add(half, all.length);
    check();
    const drop: Matcher[] = gone.map(([t, n, v]) => compileMatcher(t, n, v));
    storage.deleteSeries(drop);
    for (const [k, l] of present) {
      if (drop.every((m) => m.matches(labelValue(l, m.name)))) present.delete(k);
    }
    check();
  });
});

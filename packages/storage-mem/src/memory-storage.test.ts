import type { FloatChunk, SelectHints, StorageSeries } from '@promql-ts/engine';
import { compileMatcher } from '@promql-ts/engine';
import { describe, expect, it } from 'vitest';
import { InvalidLabelsError, StorageError } from './errors.js';
import { labelsHash, normalizeLabels } from './labels.js';
import { MemoryStorage } from './memory-storage.js';
import { isStaleNaN, NORMAL_NAN, STALE_NAN } from './values.js';

const H = 3_600_000;
const ALL = { startMs: Number.NEGATIVE_INFINITY, endMs: Number.POSITIVE_INFINITY };

function hints(startMs = ALL.startMs, endMs = ALL.endMs): SelectHints {
  return { startMs, endMs, stepMs: 0, rangeMs: 0, func: null, grouping: [], by: false };
}

/** All samples of a selected series, chunks concatenated. */
function samples(s: StorageSeries): [number[], number[]] {
  const ts: number[] = [];
  const vs: number[] = [];
  for (const c of s.chunks) {
    ts.push(...c.timestamps);
    vs.push(...c.values);
  }
  return [ts, vs];
}

function only(storage: MemoryStorage, name: string, start?: number, end?: number): StorageSeries {
  const out = storage.select([compileMatcher('=', '__name__', name)], hints(start, end));
  expect(out).toHaveLength(1);
  return out[0]!;
}

function bits(v: number): string {
  const f = new Float64Array([0]);
  f[0] = v;
  return new BigUint64Array(f.buffer)[0]!.toString(16);
}

describe('MemoryStorage writes', () => {
  it('append and read back', () => {
    const s = new MemoryStorage();
    expect(s.append({ __name__: 'up', job: 'api' }, 1000, 1)).toEqual({
      added: 1,
      identical: 0,
      rejected: 0,
      rejections: [],
    });
    s.append({ __name__: 'up', job: 'api' }, 2000, 0);
    const got = only(s, 'up');
    expect(got.labels).toEqual([
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'api' },
    ]);
    expect(samples(got)).toEqual([
      [1000, 2000],
      [1, 0],
    ]);
  });

  it('refuses an out-of-order sample and keeps the others (Prometheus default)', () => {
    const s = new MemoryStorage();
    const r = s.addSeries({ __name__: 'm' }, [1000, 3000, 2000, 4000], [1, 3, 2, 4]);
    expect(r.added).toBe(3);
    expect(r.rejected).toBe(1);
    expect(r.rejections).toEqual([
      {
        labels: [{ name: '__name__', value: 'm' }],
        timestampMs: 2000,
        value: 2,
        reason: 'out of order sample',
      },
    ]);
    expect(samples(only(s, 'm'))).toEqual([
      [1000, 3000, 4000],
      [1, 3, 4],
    ]);
  });

  it('same timestamp: identical value is a no-op, another value a duplicate', () => {
    const s = new MemoryStorage();
    s.append({ __name__: 'm' }, 1000, 1);
    expect(s.append({ __name__: 'm' }, 1000, 1).identical).toBe(1);
    const dup = s.append({ __name__: 'm' }, 1000, 2);
    expect(dup.rejected).toBe(1);
    expect(dup.rejections[0]!.reason).toBe('duplicate sample for timestamp');
    // Bits decide: 0 and -0 differ, NaN and StaleNaN differ.
    expect(s.append({ __name__: 'z' }, 1, 0).added).toBe(1);
    expect(s.append({ __name__: 'z' }, 1, -0).rejected).toBe(1);
    expect(s.append({ __name__: 'n' }, 1, Number.NaN).added).toBe(1);
    expect(s.append({ __name__: 'n' }, 1, Number.NaN).identical).toBe(1);
    expect(s.append({ __name__: 'n' }, 1, STALE_NAN).rejected).toBe(1);
    expect(samples(only(s, 'm'))).toEqual([[1000], [1]]);
  });

  it('only the newest sample is checked for duplicates; older timestamps are out of order', () => {
    const s = new MemoryStorage();
    s.addSeries({ __name__: 'm' }, [1, 2, 3], [1, 2, 3]);
    expect(s.append({ __name__: 'm' }, 2, 2).rejections[0]!.reason).toBe('out of order sample');
  });

  it("outOfOrder: 'accept' inserts in time order across chunks", () => {
    const s = new MemoryStorage({ outOfOrder: 'accept', chunkRangeMs: 1000 });
    const ts = [5500, 500, 3500, 2500, 200, 5100, 1500, 4200, 4100, 2600];
    const r = s.addSeries(
      { __name__: 'm' },
      ts,
      ts.map((t) => t / 100),
    );
    expect(r).toMatchObject({ added: 10, rejected: 0 });
    expect(s.append({ __name__: 'm' }, 2500, 25).identical).toBe(1);
    expect(s.append({ __name__: 'm' }, 2500, 26).rejections[0]!.reason).toBe(
      'duplicate sample for timestamp',
    );
    const got = only(s, 'm');
    const sorted = [...ts].sort((a, b) => a - b);
    expect(samples(got)).toEqual([sorted, sorted.map((t) => t / 100)]);
    // One chunk per 1 s partition.
    for (const c of got.chunks) {
      const part = Math.floor(c.timestamps[0]! / 1000);
      expect(Math.floor(c.timestamps[c.timestamps.length - 1]! / 1000)).toBe(part);
    }
    expect(s.stats().samples).toBe(10);
  });

  it('refuses timestamps that are not integer milliseconds', () => {
    const s = new MemoryStorage();
    for (const t of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(s.append({ __name__: 'm' }, t, 1).rejections[0]!.reason).toBe('invalid timestamp');
    }
    // A series that never got a sample does not linger in the index.
    expect(s.stats().series).toBe(0);
    expect(s.labelNames([], ALL)).toEqual([]);
  });

  it('bulk addSeries cuts exact-size chunks at partition boundaries', () => {
    const s = new MemoryStorage();
    const n = 1440;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = 6 * H + i * 15_000;
      vs[i] = i;
    }
    expect(s.addSeries({ __name__: 'm' }, ts, vs).added).toBe(n);
    const got = only(s, 'm');
    expect(got.chunks.map((c) => c.timestamps.length)).toEqual([480, 480, 480]);
    expect(s.stats()).toMatchObject({ chunks: 3, samples: n, sampleBytes: n * 16 });
    // A second batch continues the head chunk.
    s.addSeries({ __name__: 'm' }, [12 * H, 12 * H + 1], [1, 2]);
    expect(only(s, 'm').chunks.map((c) => c.timestamps.length)).toEqual([480, 480, 480, 2]);
  });

  it('appends grow the head and trim() makes it exact', () => {
    const s = new MemoryStorage();
    for (let i = 0; i < 100; i++) s.append({ __name__: 'm' }, i * 1000, i);
    expect(s.stats().sampleBytes).toBeGreaterThan(100 * 16);
    s.trim();
    expect(s.stats().sampleBytes).toBe(100 * 16);
    s.append({ __name__: 'm' }, 100_000, 100);
    expect(samples(only(s, 'm'))[0]).toHaveLength(101);
  });

  it('throws on invalid labels and on length mismatch', () => {
    const s = new MemoryStorage();
    expect(() => s.append({ a: '\ud800' }, 1, 1)).toThrow(InvalidLabelsError);
    expect(() => s.addSeries({ 'bad\udfff': 'x' }, [1], [1])).toThrow(/invalid UTF-8/);
    expect(() => s.addSeries({ a: 'b' }, [1, 2], [1])).toThrow(StorageError);
    expect(() => new MemoryStorage({ chunkRangeMs: 0 })).toThrow(StorageError);
  });

  it('stores StaleNaN and NaN payloads bit for bit', () => {
    const s = new MemoryStorage();
    const vs = new Float64Array(4);
    vs[0] = STALE_NAN;
    vs[1] = NORMAL_NAN;
    vs[2] = Number.NaN;
    vs[3] = -0;
    s.addSeries({ __name__: 'bulk' }, [1, 2, 3, 4], vs);
    s.append({ __name__: 'single' }, 1, STALE_NAN);
    s.append({ __name__: 'single' }, 2, NORMAL_NAN);
    // Read bits from the typed array itself: a plain Array may quiet a signalling NaN.
    const bulk = only(s, 'bulk').chunks[0]!.values;
    expect(Array.from({ length: 4 }, (_, i) => bits(bulk[i]!))).toEqual([
      '7ff0000000000002',
      '7ff8000000000001',
      '7ff8000000000000',
      '8000000000000000',
    ]);
    const single = only(s, 'single').chunks[0]!.values;
    expect(isStaleNaN(single[0]!)).toBe(true);
    expect(isStaleNaN(single[1]!)).toBe(false);
    expect(bits(single[1]!)).toBe('7ff8000000000001');
  });

  it('ref and appendRef skip label handling', () => {
    const s = new MemoryStorage();
    const ref = s.ref({ __name__: 'm', a: 'b' });
    expect(
      s.ref([
        { name: 'a', value: 'b' },
        { name: '__name__', value: 'm' },
      ]),
    ).toBe(ref);
    expect(s.appendRef(ref, 10, 1)).toBe('added');
    expect(s.appendRef(ref, 10, 1)).toBe('identical');
    expect(s.appendRef(ref, 5, 1)).toBe('out of order sample');
    expect(s.labelsOf(ref)).toEqual([
      { name: '__name__', value: 'm' },
      { name: 'a', value: 'b' },
    ]);
    expect(() => s.appendRef(999, 1, 1)).toThrow(/no series/);
  });
});

describe('MemoryStorage series identity', () => {
  it('keeps series whose label sets hash alike apart', () => {
    const a = { a: 'v522789' };
    const b = { a: 'v739192' };
    expect(labelsHash(normalizeLabels(a))).toBe(labelsHash(normalizeLabels(b)));
    const s = new MemoryStorage();
    s.append(a, 1, 1);
    s.append(b, 1, 2);
    s.append(a, 2, 3);
    const refA = s.ref(a);
    const refB = s.ref(b);
    expect(refA).not.toBe(refB);
    expect(s.stats()).toMatchObject({ series: 2, samples: 3 });
    expect(samples(s.select([compileMatcher('=', 'a', 'v739192')], hints())[0]!)).toEqual([
      [1],
      [2],
    ]);
    // Removing one keeps the other findable; the removed one comes back with a new id.
    expect(s.deleteSeries([compileMatcher('=', 'a', 'v522789')]).series).toBe(1);
    expect(s.ref(b)).toBe(refB);
    expect(s.ref(a)).not.toBe(refA);
    expect(s.append(a, 5, 5).added).toBe(1);
    expect(s.stats()).toMatchObject({ series: 2, samples: 2 });
  });
});

describe('MemoryStorage reads', () => {
  function fixture(): MemoryStorage {
    const s = new MemoryStorage({ chunkRangeMs: 100 });
    const ts = Array.from({ length: 50 }, (_, i) => i * 10);
    s.addSeries({ __name__: 'm', job: 'api', instance: 'a' }, ts, ts);
    s.addSeries({ __name__: 'm', job: 'api', instance: 'b' }, ts, ts);
    s.addSeries({ __name__: 'm', job: 'web' }, ts, ts);
    s.addSeries({ __name__: 'other', job: 'web', env: '' }, [1000], [1]);
    return s;
  }
  const names = (out: readonly StorageSeries[]) =>
    out.map((x) => x.labels.map((l) => `${l.name}=${l.value}`).join(',')).sort();

  it('returns the whole chunks that overlap the asked range, and no others', () => {
    const s = fixture();
    const got = only(s, 'other');
    expect(got.labels).toEqual([
      { name: '__name__', value: 'other' },
      { name: 'job', value: 'web' },
    ]);
    const [series] = s.select([compileMatcher('=', 'instance', 'a')], hints(95, 215));
    const ts = series!.chunks.flatMap((c) => Array.from(c.timestamps));
    // Every sample of the range is there, in order; samples outside it may come along
    // (the interface allows it: the engine applies exact windows).
    expect(ts.filter((t) => t >= 95 && t <= 215)).toEqual([
      100, 110, 120, 130, 140, 150, 160, 170, 180, 190, 200, 210,
    ]);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    for (const c of series!.chunks) {
      expect(c.timestamps[0]!).toBeLessThanOrEqual(215);
      expect(c.timestamps[c.timestamps.length - 1]!).toBeGreaterThanOrEqual(95);
    }
    expect(s.select([compileMatcher('=', 'instance', 'a')], hints(501, 600))).toEqual([]);
    expect(s.select([compileMatcher('=', 'instance', 'a')], hints(1, 9))).toEqual([]);
  });

  it('reads are zero-copy and later writes never change a returned view', () => {
    const s = new MemoryStorage({ chunkRangeMs: 1000, outOfOrder: 'accept' });
    s.addSeries({ __name__: 'm' }, [100, 200, 300], [1, 2, 3]);
    const first = only(s, 'm').chunks[0]!;
    const again = only(s, 'm').chunks[0]!;
    expect(again).toBe(first); // the cached full view
    const part = only(s, 'm', 150, 250).chunks[0]!;
    expect(part.timestamps.buffer).toBe(first.timestamps.buffer);
    // Kept as it was read: later writes make new arrays.
    const partTs = Array.from(part.timestamps);
    s.append({ __name__: 'm' }, 400, 4); // grows the head
    s.append({ __name__: 'm' }, 250, 2.5); // out-of-order insert: copy on write
    s.deleteSeries([compileMatcher('=', '__name__', 'm')], { startMs: 100, endMs: 100 });
    expect(Array.from(first.timestamps)).toEqual([100, 200, 300]);
    expect(Array.from(first.values)).toEqual([1, 2, 3]);
    expect(Array.from(part.timestamps)).toEqual(partTs);
    expect(samples(only(s, 'm'))).toEqual([
      [200, 250, 300, 400],
      [2, 2.5, 3, 4],
    ]);
  });

  it.each([
    [[['=', 'job', 'api']], ['__name__=m,instance=a,job=api', '__name__=m,instance=b,job=api']],
    [[['!=', 'job', 'api']], ['__name__=m,job=web', '__name__=other,job=web']],
    [[['=', 'instance', '']], ['__name__=m,job=web', '__name__=other,job=web']],
    [[['!=', 'instance', '']], ['__name__=m,instance=a,job=api', '__name__=m,instance=b,job=api']],
    [
      [['=~', 'instance', 'a|']],
      ['__name__=m,instance=a,job=api', '__name__=m,job=web', '__name__=other,job=web'],
    ],
    [[['!~', 'instance', 'a|']], ['__name__=m,instance=b,job=api']],
    [
      [
        ['=~', '__name__', 'm|x'],
        ['!~', 'job', 'w.*'],
      ],
      ['__name__=m,instance=a,job=api', '__name__=m,instance=b,job=api'],
    ],
    [
      [['=~', 'nolabel', '.*']],
      [
        '__name__=m,instance=a,job=api',
        '__name__=m,instance=b,job=api',
        '__name__=m,job=web',
        '__name__=other,job=web',
      ],
    ],
    [[['=~', 'nolabel', '.+']], []],
    [
      [['=', 'env', '']],
      [
        '__name__=m,instance=a,job=api',
        '__name__=m,instance=b,job=api',
        '__name__=m,job=web',
        '__name__=other,job=web',
      ],
    ],
    [
      [
        ['=', '__name__', 'm'],
        ['=~', 'instance', 'b|c'],
      ],
      ['__name__=m,instance=b,job=api'],
    ],
    [[['=', '__name__', 'nope']], []],
  ] as const)('select %j', (ms, expected) => {
    const s = fixture();
    const matchers = ms.map(([t, n, v]) => compileMatcher(t, n, v));
    expect(names(s.select(matchers, hints()))).toEqual(expected);
    expect(
      s
        .series(matchers, ALL)
        .map((l) => l.map((x) => `${x.name}=${x.value}`).join(','))
        .sort(),
    ).toEqual(expected);
  });

  it('answers a matcher list passed again from what it found, until series change', () => {
    const s = fixture();
    // The same array each time, as the engine passes a parsed query's matchers.
    const matchers = [compileMatcher('=', '__name__', 'm'), compileMatcher('=', 'job', 'api')];
    expect(names(s.select(matchers, hints()))).toEqual([
      '__name__=m,instance=a,job=api',
      '__name__=m,instance=b,job=api',
    ]);
    // A new series of that job is found by the same list.
    s.addSeries({ __name__: 'm', job: 'api', instance: 'c' }, [0], [1]);
    expect(s.select(matchers, hints())).toHaveLength(3);
    // The array changed in place: its new matchers decide.
    matchers[1] = compileMatcher('=~', 'job', 'web|none');
    expect(names(s.select(matchers, hints()))).toEqual(['__name__=m,job=web']);
    // A deleted series is gone from the answer.
    s.deleteSeries([compileMatcher('=', 'job', 'web')]);
    expect(s.select(matchers, hints())).toEqual([]);
    // More lists than are kept by list: each still gets its own series.
    const lists = Array.from({ length: 40 }, (_, i) => [
      compileMatcher('=', 'instance', i % 2 === 0 ? 'a' : 'b'),
    ]);
    for (let round = 0; round < 2; round++) {
      for (const [i, list] of lists.entries()) {
        expect(names(s.select(list, hints()))).toEqual([
          `__name__=m,instance=${i % 2 === 0 ? 'a' : 'b'},job=api`,
        ]);
      }
    }
  });

  it('answers a list of one `=` matcher passed again from the index, until series change', () => {
    const s = fixture();
    const db = [compileMatcher('=', 'job', 'db')];
    expect(s.select(db, hints())).toEqual([]);
    s.addSeries({ __name__: 'n', job: 'db' }, [0], [1]);
    expect(names(s.select(db, hints()))).toEqual(['__name__=n,job=db']);
    s.addSeries({ __name__: 'o', job: 'db' }, [0], [1]);
    expect(names(s.select(db, hints()))).toEqual(['__name__=n,job=db', '__name__=o,job=db']);
    s.deleteSeries([compileMatcher('=', '__name__', 'n')]);
    expect(names(s.select(db, hints()))).toEqual(['__name__=o,job=db']);
  });

  it('honours hints.limit', () => {
    const s = fixture();
    const out = s.select([compileMatcher('=', '__name__', 'm')], { ...hints(), limit: 2 });
    expect(out).toHaveLength(2);
  });

  it('labelNames / labelValues / series respect matchers and time ranges', () => {
    const s = fixture();
    expect(s.labelNames([], ALL)).toEqual(['__name__', 'instance', 'job']);
    expect(s.labelNames([], { startMs: 600, endMs: 2000 })).toEqual(['__name__', 'job']);
    expect(s.labelNames([compileMatcher('=', 'job', 'web')], ALL)).toEqual(['__name__', 'job']);
    expect(s.labelValues('job', [], ALL)).toEqual(['api', 'web']);
    expect(s.labelValues('instance', [compileMatcher('=', 'job', 'api')], ALL)).toEqual(['a', 'b']);
    expect(s.labelValues('instance', [compileMatcher('=', 'job', 'web')], ALL)).toEqual([]);
    expect(s.labelValues('__name__', [], { startMs: 495, endMs: 495 })).toEqual([]);
    expect(s.labelValues('__name__', [], { startMs: 490, endMs: 490 })).toEqual(['m']);
    expect(s.series([compileMatcher('=', 'job', 'web')], { startMs: 999, endMs: 1000 })).toEqual([
      [
        { name: '__name__', value: 'other' },
        { name: 'job', value: 'web' },
      ],
    ]);
  });

  it('metadata is merged per family and listed in order', () => {
    const s = new MemoryStorage();
    s.setMetadata('b_total', { type: 'counter' });
    s.setMetadata('b_total', { help: 'B.' });
    s.setMetadata('a', { unit: 'seconds' });
    expect([...s.metadata()]).toEqual([
      ['a', [{ type: 'unknown', help: '', unit: 'seconds' }]],
      ['b_total', [{ type: 'counter', help: 'B.', unit: '' }]],
    ]);
    expect([...s.metadata('b_total').keys()]).toEqual(['b_total']);
    expect(s.metadata('nope').size).toBe(0);
  });
});

describe('MemoryStorage retention', () => {
  it('deleteBefore drops old samples, chunks and emptied series', () => {
    const s = new MemoryStorage({ chunkRangeMs: 100 });
    const ts = Array.from({ length: 30 }, (_, i) => i * 10);
    s.addSeries({ __name__: 'a' }, ts, ts);
    s.addSeries({ __name__: 'b' }, [10, 20], [1, 2]);
    expect(s.deleteBefore(155)).toEqual({ samples: 16 + 2, series: 1 });
    expect(samples(only(s, 'a'))[0]).toEqual(ts.filter((t) => t >= 155));
    expect(s.select([compileMatcher('=', '__name__', 'b')], hints())).toEqual([]);
    expect(s.labelValues('__name__', [], ALL)).toEqual(['a']);
    expect(s.stats()).toMatchObject({ series: 1, samples: 14, minTimeMs: 160 });
  });

  it('deleteSeries by matchers and range, then appending again', () => {
    const s = new MemoryStorage({ chunkRangeMs: 100 });
    const ts = Array.from({ length: 30 }, (_, i) => i * 10);
    s.addSeries({ __name__: 'a', k: '1' }, ts, ts);
    s.addSeries({ __name__: 'a', k: '2' }, ts, ts);
    const m = [compileMatcher('=', 'k', '1')];
    expect(s.deleteSeries(m, { startMs: 95, endMs: 290 })).toEqual({ samples: 20, series: 0 });
    const [left] = s.select(m, hints());
    expect(samples(left!)[0]).toEqual(ts.filter((t) => t < 95));
    // The newest samples are gone, so earlier timestamps are in order again.
    expect(s.append({ __name__: 'a', k: '1' }, 100, 1).added).toBe(1);
    expect(s.deleteSeries(m)).toEqual({ samples: 11, series: 1 });
    expect(s.select(m, hints())).toEqual([]);
    expect(s.select([compileMatcher('=', 'k', '2')], hints())).toHaveLength(1);
    // A deleted series can come back with fresh samples.
    expect(s.append({ __name__: 'a', k: '1' }, 5, 1).added).toBe(1);
    expect(samples(s.select(m, hints())[0]!)).toEqual([[5], [1]]);
  });
});

describe('MemoryStorage column reads', () => {
  it('copies exactly the counted samples, even after more arrived in the range', () => {
    const s = new MemoryStorage({ chunkRangeMs: 100, outOfOrder: 'accept' });
    s.addSeries({ __name__: 'a' }, [10, 30, 50], [1, 3, 5]);
    s.addSeries({ __name__: 'b' }, [20, 40], [2, 4]);
    const columns = s.selectColumns([], hints(0, 45));
    expect(Array.from(columns.offsets)).toEqual([0, 2, 4]);
    s.append({ __name__: 'a' }, 5, 0.5); // out of order, inside the range
    const ts = new Float64Array(4);
    const vs = new Float64Array(4);
    columns.copy(0, 2, ts, vs);
    expect(Array.from(ts)).toEqual([5, 10, 20, 40]);
    expect(Array.from(vs)).toEqual([0.5, 1, 2, 4]);
  });

  it('copies the samples as counted from the newest partition, whatever was written since', () => {
    // Reads that start in a series' newest partition record where the samples are;
    // appends write past them and rewrites make new arrays, so the copy still finds them.
    // (Without the ring of recent samples, which the next test is about.)
    const s = new MemoryStorage({ chunkRangeMs: 100, recentSamples: 0 });
    const ref = s.ref({ __name__: 'a' });
    for (const t of [110, 120, 130]) s.appendRef(ref, t, t / 10);
    const columns = s.selectColumns([], hints(115, 1000));
    const latest = s.selectColumns([], { ...hints(115, 1000), latestOnly: true });
    expect(Array.from(columns.offsets)).toEqual([0, 2]);
    for (let t = 140; t < 400; t += 10) s.appendRef(ref, t, t / 10); // grows, new partitions
    s.trim();
    s.deleteBefore(1000);
    const ts = new Float64Array(2);
    const vs = new Float64Array(2);
    columns.copy(0, 1, ts, vs);
    expect([Array.from(ts), Array.from(vs)]).toEqual([
      [120, 130],
      [12, 13],
    ]);
    latest.copy(0, 1, ts, vs);
    expect([ts[0], vs[0]]).toEqual([130, 13]);
  });

  it('copies recent samples counted from the ring, or through the series once the ring moved on', () => {
    const s = new MemoryStorage({ chunkRangeMs: 100, recentSamples: 8 });
    const ref = s.ref({ __name__: 'a' });
    for (const t of [110, 120, 130]) s.appendRef(ref, t, t / 10);
    const read = () => s.selectColumns([], hints(115, 1000));
    const copied = (c: ReturnType<typeof read>) => {
      const ts = new Float64Array(2);
      const vs = new Float64Array(2);
      c.copy(0, 1, ts, vs);
      return [Array.from(ts), Array.from(vs)];
    };
    const want = [
      [120, 130],
      [12, 13],
    ];
    const inRing = read();
    const movedOn = read();
    const deleted = read();
    for (let t = 140; t < 180; t += 10) s.appendRef(ref, t, t / 10); // the ring still holds them
    expect(copied(inRing)).toEqual(want);
    for (let t = 180; t < 400; t += 10) s.appendRef(ref, t, t / 10); // now it does not
    expect(copied(movedOn)).toEqual(want);
    s.deleteBefore(1000);
    expect(() => copied(deleted)).toThrow(
      expect.objectContaining({ name: 'StorageError', code: 'changed' }),
    );
  });

  it('fails with a typed error when counted samples of older partitions were deleted before the copy', () => {
    // The range starts before the newest partition: it is read through the series.
    const s = new MemoryStorage({ chunkRangeMs: 100 });
    s.addSeries({ __name__: 'a' }, [10, 30, 50], [1, 3, 5]);
    const columns = s.selectColumns([], hints(0, 100));
    s.deleteBefore(40);
    expect(() => columns.copy(0, 1, new Float64Array(3), new Float64Array(3))).toThrow(
      expect.objectContaining({ name: 'StorageError', code: 'changed' }),
    );
  });
});

describe('FloatChunk contract', () => {
  it('chunks are ordered, non-overlapping, equal-length pairs', () => {
    const s = new MemoryStorage({ chunkRangeMs: 7 });
    for (let t = 0; t < 100; t += 3) s.append({ __name__: 'm' }, t, t);
    let last = Number.NEGATIVE_INFINITY;
    for (const c of only(s, 'm').chunks as FloatChunk[]) {
      expect(c.kind).toBe('float');
      expect(c.timestamps.length).toBe(c.values.length);
      for (const t of c.timestamps) {
        expect(t).toBeGreaterThan(last);
        last = t;
      }
    }
  });
});

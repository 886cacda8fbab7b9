import { isStaleNaN, referenceKernels } from '@promql-ts/kernels';
import { isPromQLError, ParseError, parse } from '@promql-ts/parser';
import { describe, expect, it } from 'vitest';
import { arrayStorage, columnStorage, regular } from '../test/array-storage.js';
import {
  CanceledError,
  ExecutionError,
  errorType,
  evaluate,
  evaluateRange,
  explain,
  LimitError,
  type QueryResult,
  type SeriesColumns,
  type Storage,
  type StorageSeries,
  TimeoutError,
} from './index.js';

const S = 1000;
const M = 60 * S;

// http_requests_total: two series, a sample every 15 s from 0 to 10 m.
const storage = arrayStorage([
  {
    labels: { __name__: 'http_requests_total', job: 'api', instance: 'a' },
    samples: regular(
      15 * S,
      Array.from({ length: 41 }, (_, i) => i * 10),
    ),
  },
  {
    labels: { __name__: 'http_requests_total', job: 'api', instance: 'b' },
    samples: regular(
      15 * S,
      Array.from({ length: 41 }, (_, i) => i * 20),
    ),
  },
  {
    labels: { __name__: 'gauge', job: 'db' },
    samples: [
      [0, 1],
      [60 * S, 2],
      [120 * S, 'stale'],
      [180 * S, 4],
    ],
  },
]);

/** 30 counters `c_total` in three jobs, a sample every 15 s for 50 minutes. */
function thirtyCounters() {
  return Array.from({ length: 30 }, (_, r) => ({
    labels: { __name__: 'c_total', job: `j${r % 3}`, i: `${r}` },
    samples: regular(
      15 * S,
      Array.from({ length: 200 }, (_, i) => i * (r + 1)),
    ),
  }));
}

function vector(r: QueryResult): [string, number][] {
  if (r.value.type !== 'vector') throw new Error(`not a vector: ${r.value.type}`);
  return r.value.samples.map((s) => [s.metric.map((l) => `${l.name}=${l.value}`).join(','), s.v]);
}

describe('instant queries', () => {
  it('keeps staleness markers bit for bit in the test storage', async () => {
    const found = await storage.select([], {
      startMs: 0,
      endMs: 1e9,
      stepMs: 0,
      rangeMs: 0,
      func: null,
      grouping: [],
      by: false,
    });
    const gauge = found.find((s) => s.labels.some((l) => l.value === 'gauge'))!;
    expect(isStaleNaN(gauge.chunks[0]!.values[2]!)).toBe(true);
  });

  it('selects the last sample in the lookback window', async () => {
    const r = await evaluate('http_requests_total', storage, 5 * M);
    expect(vector(r)).toEqual([
      ['__name__=http_requests_total,instance=a,job=api', 200],
      ['__name__=http_requests_total,instance=b,job=api', 400],
    ]);
    expect(r.value.type === 'vector' && r.value.samples[0]!.t).toBe(5 * M);
  });

  it('hides a series after a staleness marker and past the lookback delta', async () => {
    expect(vector(await evaluate('gauge', storage, 150 * S))).toEqual([]);
    expect(vector(await evaluate('gauge', storage, 200 * S))).toEqual([
      ['__name__=gauge,job=db', 4],
    ]);
    expect(vector(await evaluate('gauge', storage, 180 * S + 5 * M))).toEqual([]);
    expect(
      vector(await evaluate('gauge', storage, 180 * S + 5 * M, { lookbackDeltaMs: 6 * M })),
    ).toEqual([['__name__=gauge,job=db', 4]]);
  });

  it('computes rate and drops the metric name', async () => {
    const r = await evaluate('rate(http_requests_total[1m])', storage, 5 * M);
    expect(vector(r)).toEqual([
      ['instance=a,job=api', 10 / 15],
      ['instance=b,job=api', 20 / 15],
    ]);
  });

  it('returns a matrix for a range selector, with raw sample times', async () => {
    const r = await evaluate('http_requests_total{instance="a"}[1m]', storage, 5 * M);
    expect(r.value.type).toBe('matrix');
    if (r.value.type !== 'matrix') return;
    // (4m, 5m]: 4m15s, 4m30s, 4m45s, 5m.
    expect(Array.from(r.value.series[0]!.timestamps)).toEqual(
      [255, 270, 285, 300].map((s) => s * S),
    );
  });

  it('returns scalars and strings', async () => {
    expect((await evaluate('7', storage, 0)).value).toEqual({ type: 'scalar', t: 0, v: 7 });
    expect((await evaluate('"hello"', storage, 5 * S)).value).toEqual({
      type: 'string',
      t: 5 * S,
      v: 'hello',
    });
  });

  it('accepts a parsed expression and a Date', async () => {
    const r = await evaluate(parse('gauge'), storage, new Date(60 * S));
    expect(vector(r)).toEqual([['__name__=gauge,job=db', 2]]);
    expect(r.query).toBe('gauge');
  });

  it('reports a non-counter name with its position', async () => {
    const r = await evaluate('rate(gauge[5m])', storage, 200 * S);
    expect(r.infos.map((a) => a.message)).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "gauge"',
    ]);
    expect(r.infos[0]!.pos).toEqual({ start: 5, end: 14 });
    // Names matched by a regex are judged series by series, each name once.
    const both = await evaluate(
      'rate({__name__=~"gauge|http_requests_total"}[5m])',
      storage,
      200 * S,
    );
    expect(both.infos.map((a) => a.message)).toEqual([r.infos[0]!.message]);
    expect((await evaluate('rate(http_requests_total[5m])', storage, 200 * S)).infos).toEqual([]);
    // No info when the non-counter has no result.
    expect((await evaluate('rate(gauge[5m])', storage, 10_000 * S)).infos).toEqual([]);
  });

  it('counts the samples used as Prometheus does', async () => {
    // One per series and step for an instant selector…
    expect(
      (await evaluate('http_requests_total', storage, 5 * M)).stats.totalQueryableSamples,
    ).toBe(2);
    const range = await evaluateRange('http_requests_total', storage, {
      start: 0,
      end: 2 * M,
      stepMs: M,
    });
    expect(range.stats.totalQueryableSamples).toBe(6);
    // …every sample in the window of a range selector: (4m, 5m] holds 4 per series.
    const r = await evaluate('rate(http_requests_total[1m])', storage, 5 * M);
    expect(r.stats.totalQueryableSamples).toBe(8);
    expect(
      (await evaluate('http_requests_total[1m]', storage, 5 * M)).stats.totalQueryableSamples,
    ).toBe(8);
    // Staleness markers do not count.
    expect(
      (await evaluate('count_over_time(gauge[5m])', storage, 200 * S)).stats.totalQueryableSamples,
    ).toBe(3);
    expect(r.stats.peakSamples).toBeGreaterThan(0);
  });
});

describe('range queries', () => {
  it('returns one series per label set, sorted, with a point per step', async () => {
    const r = await evaluateRange('http_requests_total', storage, {
      start: 0,
      end: 2 * M,
      stepMs: M,
    });
    expect(r.value.type).toBe('matrix');
    if (r.value.type !== 'matrix') return;
    expect(r.value.series.map((s) => s.metric.find((l) => l.name === 'instance')?.value)).toEqual([
      'a',
      'b',
    ]);
    expect(Array.from(r.value.series[0]!.values)).toEqual([0, 40, 80]);
    expect(Array.from(r.value.series[0]!.timestamps)).toEqual([0, M, 2 * M]);
    // Series with a value at every step share one array of the steps' times.
    expect(r.value.series[1]!.timestamps).toBe(r.value.series[0]!.timestamps);
  });

  it('sorts series by labels in UTF-8 byte order, as Go compares strings', async () => {
    // U+FFFD is EF BF BD in UTF-8, U+1F600 is F0 9F 98 80: U+FFFD sorts first in bytes,
    // though its UTF-16 code unit (FFFD) is above the emoji's first one (D83D).
    const s = arrayStorage([
      { labels: { __name__: 'u', v: '\u{1F600}' }, samples: [[0, 1]] },
      { labels: { __name__: 'u', v: '\uFFFD' }, samples: [[0, 2]] },
      { labels: { __name__: 'u', v: 'z' }, samples: [[0, 3]] },
    ]);
    const r = await evaluateRange('u', s, { start: 0, end: 0, stepMs: 1000 });
    if (r.value.type !== 'matrix') throw new Error(r.value.type);
    expect(r.value.series.map((x) => x.values[0])).toEqual([3, 2, 1]);
  });

  it("keeps each series' own timestamps when it has gaps", async () => {
    const r = await evaluateRange('gauge or http_requests_total{instance="a"} @ 60', storage, {
      start: 0,
      end: 240 * S,
      stepMs: 30 * S,
    });
    if (r.value.type !== 'matrix') throw new Error(r.value.type);
    const [gauge, a] = r.value.series;
    expect(Array.from(gauge!.timestamps)).toEqual([0, 30, 60, 90, 180, 210, 240].map((t) => t * S));
    expect(Array.from(gauge!.values)).toEqual([1, 1, 2, 2, 4, 4, 4]);
    expect(Array.from(a!.timestamps)).toEqual(
      [0, 30, 60, 90, 120, 150, 180, 210, 240].map((t) => t * S),
    );
    expect(Array.from(a!.values)).toEqual(Array(9).fill(40));
  });

  it('gives each series its own values when a result spans several value blocks', async () => {
    // 60 series × 301 steps fill several 64 KiB blocks of result values; every third
    // series has gaps (compacted), and a 10,001-step query makes series longer than a block.
    const series = Array.from({ length: 60 }, (_, r) => ({
      labels: { __name__: 'm', i: String(r).padStart(2, '0') },
      samples: regular(
        S,
        Array.from({ length: 10_001 }, (_, k) => (r % 3 === 0 && k % 7 === 3 ? null : r * 1e5 + k)),
      ),
    }));
    const s = arrayStorage(series);
    for (const end of [300 * S, 10_000 * S]) {
      const r = await evaluateRange('m', s, { start: 0, end, stepMs: S }, { lookbackDeltaMs: 1 });
      if (r.value.type !== 'matrix') throw new Error(r.value.type);
      expect(r.value.series).toHaveLength(60);
      r.value.series.forEach((got, row) => {
        const want = series[row]!.samples.filter(([t]) => t <= end);
        expect(Array.from(got.timestamps)).toEqual(want.map(([t]) => t));
        expect(Array.from(got.values)).toEqual(want.map(([, v]) => v));
      });
    }
  });

  it('gives the same results over a storage that copies samples out on demand', async () => {
    // 120 series × 400 samples: range functions read them in several batches.
    const many = Array.from({ length: 120 }, (_, r) => ({
      labels: { __name__: 'c_total', job: `j${r % 3}`, i: `${r}` },
      samples: regular(
        15 * S,
        Array.from({ length: 400 }, (_, i) => (r % 11 === 0 && i % 97 === 5 ? null : i * (r + 1))),
      ),
    }));
    const packed = arrayStorage(many);
    const columns = columnStorage(many);
    const range = { start: 30 * M, end: 95 * M, stepMs: 30 * S };
    for (const q of [
      'c_total',
      'rate(c_total[5m])',
      'sum by (job) (rate(c_total[5m])) / sum(rate(c_total[10m]))',
      'max_over_time(rate(c_total[5m])[10m:1m])',
      'avg_over_time(c_total[1h]) + on (i) group_left count_over_time(c_total[1h])',
      'timestamp(c_total)',
      'absent_over_time(c_total[1m])',
    ]) {
      const a = await evaluateRange(q, packed, range);
      const b = await evaluateRange(q, columns, range);
      expect(b.value, q).toEqual(a.value);
      const { timings: _a, ...statsA } = a.stats;
      const { timings: _b, ...statsB } = b.stats;
      expect(statsB, q).toEqual(statsA);
    }
    const a = await evaluate('c_total[5m]', packed, 60 * M);
    const b = await evaluate('c_total[5m]', columns, 60 * M);
    expect(b.value).toEqual(a.value);
  });

  it('gives the same results over a storage that answers with promises, and its errors', async () => {
    const many = thirtyCounters();
    const later = <T>(v: T): Promise<T> => new Promise((done) => setTimeout(() => done(v), 1));
    for (const sync of [arrayStorage(many), columnStorage(many)]) {
      const async: Storage = {
        labelNames: (m, r) => sync.labelNames(m, r),
        labelValues: (n, m, r) => sync.labelValues(n, m, r),
        series: (m, r) => sync.series(m, r),
        select: (m, h) => later(sync.select(m, h) as readonly StorageSeries[]),
        ...(sync.selectColumns === undefined
          ? {}
          : { selectColumns: (m, h) => later(sync.selectColumns!(m, h) as SeriesColumns) }),
      };
      const range = { start: 10 * M, end: 40 * M, stepMs: 30 * S };
      for (const q of [
        'c_total',
        'sum by (job) (rate(c_total[5m])) / on () group_left sum(c_total)',
      ]) {
        expect((await evaluateRange(q, async, range)).value, q).toEqual(
          (await evaluateRange(q, sync, range)).value,
        );
        expect((await evaluate(q, async, 30 * M)).value, q).toEqual(
          (await evaluate(q, sync, 30 * M)).value,
        );
      }
    }
    const failing = (how: 'throw' | 'reject'): Storage => ({
      ...arrayStorage([]),
      select: () => {
        if (how === 'throw') throw new Error('storage down');
        return Promise.reject(new Error('storage down'));
      },
    });
    await expect(evaluate('c_total', failing('throw'), 0)).rejects.toThrow('storage down');
    await expect(evaluate('c_total', failing('reject'), 0)).rejects.toThrow('storage down');
  });

  it("puts a read's own columns in the query's memory when the storage takes it", async () => {
    const many = thirtyCounters();
    const storage = columnStorage(many);
    const q = 'sum by (job) (rate(c_total[5m])) / on () group_left sum(c_total)';
    const range = { start: 10 * M, end: 40 * M, stepMs: 30 * S };
    const want = (await evaluateRange(q, arrayStorage(many), range)).value;
    // Twice: the second query runs on memory the first gave back.
    for (let round = 0; round < 2; round++) {
      storage.given.length = 0;
      expect((await evaluateRange(q, storage, range)).value).toEqual(want);
      expect(storage.given.length).toBeGreaterThan(0);
      for (const g of storage.given) {
        expect(g.bytes.every((b) => b === 0)).toBe(true);
        expect(g.byteOffset % 8).toBe(0);
      }
    }
  });

  it('aggregates a range function in one pass as it would after it', async () => {
    const many = Array.from({ length: 90 }, (_, r) => ({
      labels: { __name__: r % 4 === 0 ? 'g' : 'c_total', job: `j${r % 3}`, i: `${r}` },
      samples: regular(
        15 * S,
        Array.from({ length: 400 }, (_, i) => (r % 13 === 0 && i > 200 ? null : (i * r) % 977)),
      ),
    }));
    const range = { start: 30 * M, end: 95 * M, stepMs: 30 * S };
    for (const storage of [arrayStorage(many), columnStorage(many)]) {
      for (const [agg, fn] of [
        ['sum by (job)', 'rate'],
        ['avg without (i)', 'increase'],
        ['max', 'deriv'],
        ['count by (i)', 'changes'],
        ['stddev by (job)', 'avg_over_time'],
        ['group', 'resets'],
      ]) {
        const fused = await evaluateRange(`${agg} (${fn}({__name__=~".+"}[5m]))`, storage, range);
        // `* 1` changes no value but makes the function's result whole first.
        const apart = await evaluateRange(
          `${agg} (${fn}({__name__=~".+"}[5m]) * 1)`,
          storage,
          range,
        );
        expect(fused.value, `${agg} ${fn}`).toEqual(apart.value);
        expect(fused.infos, `${agg} ${fn}`).toEqual(apart.infos);
        // Samples held as Prometheus holds them: the function's result, then also the
        // aggregation's.
        const inner = await evaluateRange(`${fn}({__name__=~".+"}[5m])`, storage, range);
        const points = (r: QueryResult) =>
          r.value.type === 'matrix' ? r.value.series.reduce((n, s) => n + s.values.length, 0) : 0;
        expect(fused.stats.totalQueryableSamples).toBe(inner.stats.totalQueryableSamples);
        expect(fused.stats.peakSamples).toBe(
          Math.max(inner.stats.peakSamples, points(inner) + points(fused)),
        );
      }
    }
  });

  it('gives the same result in batches of steps', async () => {
    for (const q of [
      'http_requests_total',
      'rate(http_requests_total[1m])',
      'max_over_time(http_requests_total[1m:10s])',
      'gauge @ 60',
      'time()',
    ]) {
      const range = { start: 0, end: 10 * M, stepMs: 7 * S };
      const whole = await evaluateRange(q, storage, range);
      const batched = await evaluateRange(q, storage, range, { maxBatchCells: 5 });
      expect(batched.value, q).toEqual(whole.value);
    }
  });

  it('repeats a step-invariant expression at every step', async () => {
    const r = await evaluateRange('gauge @ 60', storage, { start: 0, end: 10 * M, stepMs: 5 * M });
    if (r.value.type !== 'matrix') throw new Error('not a matrix');
    expect(Array.from(r.value.series[0]!.values)).toEqual([2, 2, 2]);
  });

  it('refuses range vectors and strings', async () => {
    const range = { start: 0, end: M, stepMs: S };
    await expect(evaluateRange('gauge[5m]', storage, range)).rejects.toThrow(
      'invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    );
    await expect(evaluateRange('"x"', storage, range)).rejects.toBeInstanceOf(ExecutionError);
    await expect(evaluateRange('gauge', storage, { ...range, stepMs: 0 })).rejects.toThrow(
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
    await expect(evaluateRange('gauge', storage, { start: M, end: 0, stepMs: S })).rejects.toThrow(
      'end timestamp must not be before start time',
    );
  });

  it('aligns subquery steps to multiples of the step', async () => {
    // At 5m, [1m:20s] evaluates at 4m20s, 4m40s, 5m (after 4m, aligned to 20 s).
    const r = await evaluate(
      'count_over_time(http_requests_total{instance="a"}[1m:20s])',
      storage,
      5 * M,
    );
    expect(vector(r)).toEqual([['instance=a,job=api', 3]]);
  });
});

describe('errors and limits', () => {
  it('reports every failure through the returned promise, never by throwing', async () => {
    const calls: [string, () => Promise<QueryResult>][] = [
      ['parse', () => evaluate('sum(', storage, M, { kernels: referenceKernels() })],
      ['time', () => evaluate('gauge', storage, Number.NaN, { kernels: referenceKernels() })],
      [
        'step',
        () =>
          evaluateRange(
            'gauge',
            storage,
            { start: 0, end: M, stepMs: 0 },
            {
              kernels: referenceKernels(),
            },
          ),
      ],
      ['default kernels', () => evaluate('sum(', storage, M)],
    ];
    for (const [what, call] of calls) {
      let p: Promise<QueryResult> | undefined;
      expect(() => {
        p = call();
      }, what).not.toThrow();
      await expect(p, what).rejects.toBeInstanceOf(Error);
    }
    // Answered at once, the result still comes in a promise.
    const p = evaluate('gauge', storage, M, { kernels: referenceKernels() });
    expect(p).toBeInstanceOf(Promise);
    expect(vector(await p)).toEqual([['__name__=gauge,job=db', 2]]);
  });

  it('times out at the deadline the options give', async () => {
    for (const timeoutMs of [0, -1]) {
      await expect(
        evaluate('sum(gauge)', storage, M, { kernels: referenceKernels(), timeoutMs }),
      ).rejects.toBeInstanceOf(TimeoutError);
    }
    expect(
      vector(
        await evaluate('sum(gauge)', storage, M, {
          kernels: referenceKernels(),
          timeoutMs: 60_000,
        }),
      ),
    ).toEqual([['', 2]]);
  });

  it('refuses series made equal by dropping metric names, fused into an aggregation or not', async () => {
    const counter = regular(15 * S, [1, 2, 3, 4, 5]);
    const byName = arrayStorage([
      { labels: { __name__: 'a_total', job: 'x' }, samples: counter },
      { labels: { __name__: 'b_total', job: 'x' }, samples: counter },
    ]);
    const byType = arrayStorage([
      { labels: { __name__: 'a_total', __type__: 'counter', job: 'x' }, samples: counter },
      { labels: { __name__: 'a_total', __type__: 'gauge', job: 'x' }, samples: counter },
    ]);
    for (const storage of [byName, byType]) {
      for (const q of [
        'rate({job="x"}[1m])',
        'sum by (job) (rate({job="x"}[1m]))',
        'sum without () (rate({job="x"}[1m]))',
      ]) {
        await expect(evaluate(q, storage, M)).rejects.toThrow('same labelset');
      }
    }
    // One name and no type or unit: nothing to refuse.
    const one = arrayStorage([
      { labels: { __name__: 'a_total', job: 'x', i: '1' }, samples: counter },
      { labels: { __name__: 'a_total', job: 'x', i: '2' }, samples: counter },
    ]);
    const [[labels, v]] = vector(await evaluate('sum by (job) (rate({job="x"}[1m]))', one, M));
    expect(labels).toBe('job=x');
    expect(v).toBeCloseTo(2 / 15, 12);
  });

  it('throws a ParseError with a position', async () => {
    const e = await evaluate('sum(', storage, 0).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ParseError);
    expect(errorType(e)).toBe('bad_data');
  });

  it('fails with a LimitError beyond maxSamples', async () => {
    const e = await evaluateRange(
      'http_requests_total',
      storage,
      {
        start: 0,
        end: 10 * M,
        stepMs: S,
      },
      { maxSamples: 100 },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LimitError);
    expect((e as Error).message).toBe(
      'query processing would load too many samples into memory in query execution',
    );
    expect(errorType(e)).toBe('execution');
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const e = await evaluate('gauge', storage, 0, { signal: controller.signal }).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(CanceledError);
    expect(isPromQLError(e) && errorType(e)).toBe('canceled');
  });

  it('runs on the reference kernels as on WebAssembly', async () => {
    const q = 'rate(http_requests_total[2m])';
    const wasm = await evaluate(q, storage, 5 * M);
    const ref = await evaluate(q, storage, 5 * M, { kernels: referenceKernels() });
    expect(vector(ref)).toEqual(vector(wasm));
  });
});

describe('explain', () => {
  it('shows the operators and the storage reads', () => {
    const text = explain(
      'rate(http_requests_total{job="api"}[5m]) / rate(http_requests_total{job="api"}[1m])',
      5 * M,
    );
    expect(text.split('\n').slice(0, 5)).toEqual([
      'Binary /',
      '├─ Call rate',
      '│  └─ RangeSelector select#0 [5m]',
      '└─ Call rate',
      '   └─ RangeSelector select#0 [1m]',
    ]);
    // One read shared by both selectors, over the union of their ranges.
    expect(text).toContain(
      'select#0 {job="api", __name__="http_requests_total"} from 1970-01-01T00:00:00.000Z to 1970-01-01T00:05:00.000Z',
    );
  });

  it('asks the storage for only the newest sample when a selector is read at one time', () => {
    const latest = (text: string) => / latest\)|\(latest\)/.test(text);
    expect(latest(explain('gauge', 5 * M))).toBe(true);
    expect(latest(explain('sum(gauge @ 100)', { start: 0, end: M, stepMs: S }))).toBe(true);
    expect(latest(explain('gauge', { start: 0, end: M, stepMs: S }))).toBe(false);
    expect(latest(explain('gauge smoothed', 5 * M, { experimental: true }))).toBe(false);
    expect(latest(explain('max_over_time(gauge[5m:1m])', 5 * M))).toBe(false);
    // One read for both: the range selector needs the whole range.
    expect(latest(explain('gauge + rate(gauge[5m])', 5 * M))).toBe(false);
  });

  it('marks step-invariant subtrees', () => {
    expect(explain('sum(gauge @ 100)', { start: 0, end: M, stepMs: S })).toMatch(
      /^StepInvariant \(evaluated once\)\n└─ Aggregate sum/,
    );
  });
});

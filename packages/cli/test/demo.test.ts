/**
 * The demo fleet: deterministic, shaped as documented (jobs, counters with resets, an
 * outage with staleness markers, a histogram, gauges, metadata), and quick to generate.
 */
import { evaluate } from '@promql-ts/engine';
import { isStaleNaN, MemoryStorage } from '@promql-ts/storage-mem';
import { describe, expect, test } from 'vitest';
import { DEMO_QUERIES, loadDemo } from '../src/index.js';

const END = Date.UTC(2025, 0, 15, 18, 0, 0);
const storage = new MemoryStorage();
const info = loadDemo(storage, { endMs: END });

async function vector(query: string, at = END) {
  const r = await evaluate(query, storage, at);
  if (r.value.type !== 'vector') throw new Error(`not a vector: ${query}`);
  // An instant vector's order is open (the storage's): compare in label order.
  return r.value.samples
    .map((s) => ({
      key: JSON.stringify(s.metric),
      labels: Object.fromEntries(s.metric.map((l) => [l.name, l.value])),
      v: s.v,
    }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ labels, v }) => ({ labels, v }));
}

describe('loadDemo', () => {
  test('six hours at 15s ending at the given time', () => {
    expect(info.endMs).toBe(END);
    expect(info.startMs).toBe(END - 6 * 3_600_000);
    expect(info.intervalMs).toBe(15_000);
    expect(info.series).toBe(storage.stats().series);
    expect(info.samples).toBe(storage.stats().samples);
    expect(info.series).toBeGreaterThan(250);
  });

  test('deterministic for a seed, different for another', () => {
    const a = new MemoryStorage();
    const b = new MemoryStorage();
    const c = new MemoryStorage();
    loadDemo(a, { endMs: END });
    loadDemo(b, { endMs: END });
    loadDemo(c, { endMs: END, seed: 7 });
    const hints = {
      startMs: 0,
      endMs: END,
      stepMs: 0,
      rangeMs: 0,
      func: null,
      grouping: [],
      by: false,
    };
    const values = (s: MemoryStorage) =>
      s
        .select(
          [
            {
              type: '=',
              name: 'instance',
              value: 'web-1:8080',
              setMatches: null,
              matches: (v) => v === 'web-1:8080',
            },
          ],
          hints,
        )
        .flatMap((x) => x.chunks.flatMap((ch) => Array.from(ch.values)));
    expect(values(a)).toEqual(values(b));
    expect(values(a)).not.toEqual(values(c));
  });

  test('futureMs: samples after the end, appearing as time passes', async () => {
    const live = new MemoryStorage();
    const i = loadDemo(live, { endMs: END, futureMs: 3_600_000 });
    expect(i.lastMs).toBe(END + 3_600_000);
    expect(live.stats().maxTimeMs).toBe(END + 3_600_000);
    const later = await evaluate('sum(rate(http_requests_total[5m]))', live, END + 1_800_000);
    expect(later.value.type === 'vector' && later.value.samples[0]!.v).toBeGreaterThan(50);
    // The history is the same with or without a future.
    const a = await evaluate('sum(http_requests_total)', live, END);
    const b = await evaluate('sum(http_requests_total)', storage, END);
    expect(a.value).toEqual(b.value);
  });

  test('loads in well under two seconds', () => {
    const began = performance.now();
    loadDemo(new MemoryStorage(), { endMs: END });
    expect(performance.now() - began).toBeLessThan(2000);
  });

  test('three jobs, by method, status and path', async () => {
    expect((await vector('count by (job) (up)')).map((s) => [s.labels.job, s.v])).toEqual([
      ['api', 4],
      ['auth', 2],
      ['web', 3],
    ]);
    const labels = storage.labelNames([], { startMs: info.startMs, endMs: END });
    expect(labels).toEqual(['__name__', 'instance', 'job', 'le', 'method', 'path', 'status']);
    expect(storage.labelValues('status', [], { startMs: info.startMs, endMs: END })).toEqual([
      '200',
      '400',
      '404',
      '500',
    ]);
  });

  test('the outage: up is 0, the series go stale, then come back from zero', async () => {
    const during = info.outage.startMs + 10 * 60_000;
    expect(info.outage.instance).toBe('api-3:8080');
    const down = await vector('up == 0', during);
    expect(down.map((s) => s.labels.instance)).toEqual(['api-3:8080']);
    const hints = {
      startMs: info.outage.startMs,
      endMs: info.outage.startMs,
      stepMs: 0,
      rangeMs: 0,
      func: null,
      grouping: [],
      by: false,
    };
    const [first] = storage.select(
      [
        {
          type: '=',
          name: '__name__',
          value: 'active_connections',
          setMatches: null,
          matches: (v) => v === 'active_connections',
        },
        {
          type: '=',
          name: 'instance',
          value: 'api-3:8080',
          setMatches: null,
          matches: (v) => v === 'api-3:8080',
        },
      ],
      hints,
    );
    const chunk = first!.chunks.find((c) => c.timestamps.includes(info.outage.startMs))!;
    expect(isStaleNaN(chunk.values[chunk.timestamps.indexOf(info.outage.startMs)]!)).toBe(true);
    const after = await vector(
      'sum(http_requests_total{instance="api-3:8080"})',
      info.outage.endMs + 60_000,
    );
    const before = await vector(
      'sum(http_requests_total{instance="api-3:8080"})',
      info.outage.startMs - 15_000,
    );
    expect(after[0]!.v).toBeLessThan(before[0]!.v / 10);
  });

  test('counters reset: the outage restart and the web-2 deploy', async () => {
    const resets = await vector('sum by (instance) (resets(http_requests_total[6h]))');
    const byInstance = Object.fromEntries(resets.map((s) => [s.labels.instance, s.v]));
    expect(byInstance['web-2:8080']).toBeGreaterThan(0);
    expect(byInstance['web-1:8080']).toBe(0);
  });

  test('a classic histogram whose buckets add up', async () => {
    const buckets = await vector('request_latency_seconds_bucket{instance="web-1:8080"}');
    const les = buckets.map((b) => b.labels.le);
    expect(les).toContain('+Inf');
    const counts = buckets
      .map((b) => ({ le: b.labels.le === '+Inf' ? Infinity : Number(b.labels.le), v: b.v }))
      .sort((x, y) => x.le - y.le);
    for (let i = 1; i < counts.length; i++)
      expect(counts[i]!.v).toBeGreaterThanOrEqual(counts[i - 1]!.v);
    const [count] = await vector('request_latency_seconds_count{instance="web-1:8080"}');
    expect(count!.v).toBe(counts.at(-1)!.v);
  });

  test('metadata for every family', () => {
    const meta = storage.metadata();
    expect([...meta.keys()]).toEqual([
      'active_connections',
      'cpu_usage_ratio',
      'http_requests_total',
      'memory_usage_bytes',
      'request_latency_seconds',
      'up',
    ]);
    expect(meta.get('http_requests_total')![0]!.type).toBe('counter');
    expect(meta.get('request_latency_seconds')![0]!.type).toBe('histogram');
  });

  test('the README query gives one rate per job', async () => {
    const rates = await vector(DEMO_QUERIES[0]!);
    expect(rates.map((s) => s.labels.job)).toEqual(['api', 'auth', 'web']);
    for (const s of rates) expect(s.v).toBeGreaterThan(5);
  });
});

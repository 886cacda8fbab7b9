/**
 * The `--url` mode against a fake Prometheus: promql-ts itself answering the HTTP API over
 * a `MemoryStorage` that holds staleness markers, as a scraping Prometheus does. Since both
 * sides are the same engine, every difference a run finds comes from the tooling: the
 * sample read-back, the staleness markers it infers, the evaluation window.
 */
import {
  compileMatcher,
  evaluate,
  evaluateRange,
  formatPrometheusResponse,
  type Labels,
  type Matcher,
  type MetricType,
} from '@promql-ts/engine';
import { parse, type VectorSelector } from '@promql-ts/parser';
import { MemoryStorage, normalizeLabels, STALE_NAN } from '@promql-ts/storage-mem';
import { describe, expect, test } from 'vitest';
import { labelsKey } from '../labels.js';
import { PrometheusClient } from './client.js';
import { generateCorpus } from './corpus.js';
import { diffQueryValues } from './diff.js';
import {
  chooseMetrics,
  corpusMetricsFor,
  escapeRegex,
  escapeString,
  evaluationWindow,
  findStaleMarkers,
  guessType,
  parseTime,
  runUrl,
  seriesSelector,
  serverSettings,
  storageFrom,
} from './remote.js';
import { readPrometheusSamples } from './samples.js';

const T0 = 1_700_000_000_000;
const HOUR = 3600_000;

/**
 * A scraped fleet: targets `a` and `b` of job `node` every 15 s (phase 500 ms); `b`
 * disappears after 1200.5 s (staleness markers at the next scrape) and comes back at
 * 2400.5 s; the `sdb` series of `g1` goes stale at 1815.5 s for good; one missed scrape of
 * `a` (no marker: a gap only).
 */
function scrapedStorage(): { storage: MemoryStorage; metadata: Record<string, MetricType> } {
  const storage = new MemoryStorage();
  const metadata: Record<string, MetricType> = {
    up: 'gauge',
    c1_total: 'counter',
    g1: 'gauge',
    g2: 'gauge',
    h: 'histogram',
  };
  for (const [n, type] of Object.entries(metadata)) storage.setMetadata(n, { type });
  const add = (labels: Record<string, string>, t: number, v: number) => {
    const r = storage.append(normalizeLabels(labels), T0 + t, v);
    if (r.rejected > 0) throw new Error(`refused ${JSON.stringify(labels)} at ${t}`);
  };
  for (let k = 0; k <= 240; k++) {
    const t = 500 + k * 15_000;
    for (const instance of ['a:1', 'b:1']) {
      const base = { job: 'node', instance };
      if (instance === 'a:1' && k === 100) continue; // a missed scrape
      const gone = instance === 'b:1' && t > 1200_500 && t < 2400_500;
      if (gone) {
        if (t === 1215_500) {
          for (const labels of seriesOfTarget(base)) add(labels, t, STALE_NAN);
        }
        continue;
      }
      add({ __name__: 'up', ...base }, t, 1);
      for (const path of ['/a', '/b']) add({ __name__: 'c1_total', ...base, path }, t, k * 3);
      for (const device of ['sda', 'sdb']) {
        if (device === 'sdb' && t > 1800_500) {
          if (t === 1815_500) add({ __name__: 'g1', ...base, device }, t, STALE_NAN);
          continue;
        }
        add({ __name__: 'g1', ...base, device }, t, Math.sin(k / 10) * 50);
      }
      add({ __name__: 'g2', ...base }, t, 1e6 + k);
      let count = 0;
      for (const le of ['0.1', '1.0', '+Inf']) {
        count += k;
        add({ __name__: 'h_bucket', ...base, le }, t, count);
      }
      add({ __name__: 'h_count', ...base }, t, count);
      add({ __name__: 'h_sum', ...base }, t, k * 1.5);
    }
  }
  return { storage, metadata };
}

function seriesOfTarget(base: Record<string, string>): Record<string, string>[] {
  return [
    { __name__: 'up', ...base },
    ...['/a', '/b'].map((path) => ({ __name__: 'c1_total', ...base, path })),
    ...['sda', 'sdb'].map((device) => ({ __name__: 'g1', ...base, device })),
    { __name__: 'g2', ...base },
    ...['0.1', '1.0', '+Inf'].map((le) => ({ __name__: 'h_bucket', ...base, le })),
    { __name__: 'h_count', ...base },
    { __name__: 'h_sum', ...base },
  ];
}

function matchersOf(selector: string): Matcher[] {
  const e = parse(selector) as VectorSelector;
  return e.labelMatchers.map((m) => compileMatcher(m.type, m.name, m.value));
}

/** The HTTP API of a Prometheus 3.5.3 over `storage`, answered by promql-ts. */
function fakePrometheus(storage: MemoryStorage, metadata: Record<string, MetricType>) {
  const requests: string[] = [];
  const json = (body: unknown, status = 200) =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  const fake: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const params = new URLSearchParams(url.search);
    if (typeof init?.body === 'string') {
      for (const [k, v] of new URLSearchParams(init.body)) params.append(k, v);
    }
    requests.push(url.pathname);
    const time = (name: string) => Math.round(Number(params.get(name)) * 1000);
    const range = () => ({ startMs: time('start'), endMs: time('end') });
    const options = { experimental: true, lookbackDeltaMs: 300_000, defaultSubqueryStepMs: 30_000 };
    try {
      switch (url.pathname) {
        case '/api/v1/status/buildinfo':
          return json({
            status: 'success',
            data: { version: '3.5.3', revision: 'fake', goVersion: 'go1.24' },
          });
        case '/api/v1/status/flags':
          return json({
            status: 'success',
            data: {
              'query.lookback-delta': '5m',
              'query.max-samples': '50000000',
              'query.timeout': '2m',
              'enable-feature': 'promql-experimental-functions',
            },
          });
        case '/api/v1/status/config':
          return json({
            status: 'success',
            data: { yaml: 'global:\n  scrape_interval: 15s\n  evaluation_interval: 30s\n' },
          });
        case '/api/v1/metadata':
          return json({
            status: 'success',
            data: Object.fromEntries(
              Object.entries(metadata).map(([n, type]) => [n, [{ type, help: '', unit: '' }]]),
            ),
          });
        case '/api/v1/label/__name__/values':
          return json({ status: 'success', data: storage.labelValues('__name__', [], range()) });
        case '/api/v1/series': {
          const { startMs, endMs } = range();
          const out = new Map<string, Labels>();
          for (const selector of params.getAll('match[]')) {
            const series = storage.select(matchersOf(selector), {
              startMs,
              endMs,
              stepMs: 0,
              rangeMs: 0,
              func: null,
              grouping: [],
              by: false,
            });
            for (const s of series) {
              const inRange = s.chunks.some((c) =>
                Array.from(c.timestamps as Float64Array).some((t) => t >= startMs && t <= endMs),
              );
              if (inRange) out.set(labelsKey(s.labels), s.labels);
            }
          }
          return json({
            status: 'success',
            data: [...out.values()].map((l) => Object.fromEntries(l.map((x) => [x.name, x.value]))),
          });
        }
        case '/api/v1/query':
          return json(
            formatPrometheusResponse(
              await evaluate(params.get('query')!, storage, time('time'), options),
            ),
          );
        case '/api/v1/query_range':
          return json(
            formatPrometheusResponse(
              await evaluateRange(
                params.get('query')!,
                storage,
                {
                  start: time('start'),
                  end: time('end'),
                  stepMs: Math.round(Number(params.get('step')) * 1000),
                },
                options,
              ),
            ),
          );
        default:
          return json({ status: 'error', errorType: 'not_found', error: url.pathname }, 404);
      }
    } catch (e) {
      return json(
        {
          status: 'error',
          errorType: 'bad_data',
          error: `${url.pathname}: ${(e as Error).message}`,
        },
        400,
      );
    }
  };
  return { fetch: fake, requests };
}

const { storage: original, metadata } = scrapedStorage();
const window = { startMs: T0, endMs: T0 + HOUR };

describe('helpers', () => {
  test('escaping for strings and regexes; exact series selectors', () => {
    expect(escapeString('a"b\\c\n')).toBe('a\\"b\\\\c\\n');
    expect(escapeRegex('a.b|c(d)+')).toBe('a\\.b\\|c\\(d\\)\\+');
    expect(
      seriesSelector(
        [
          { name: '__name__', value: 'g1' },
          { name: 'device', value: 'sd"a' },
        ],
        ['__name__', 'device', 'instance'],
      ),
    ).toBe('{__name__="g1", device="sd\\"a", instance=""}');
  });

  test('times as RFC 3339 or Unix seconds', () => {
    expect(parseTime('1700000000')).toBe(T0);
    expect(parseTime('1700000000.5')).toBe(T0 + 500);
    expect(parseTime('2023-11-14T22:13:20Z')).toBe(T0);
    expect(() => parseTime('yesterday')).toThrow(/not a time/);
  });

  test('types from names when there is no metadata', () => {
    expect(guessType('x_total')).toBe('counter');
    expect(guessType('x_bucket')).toBeUndefined();
    expect(guessType('go_gc_duration_seconds_count')).toBeUndefined();
    expect(guessType('target_info')).toBeUndefined();
    expect(guessType('node_load1')).toBe('gauge');
  });
});

describe('against a fake Prometheus', () => {
  const { fetch: fake, requests } = fakePrometheus(original, metadata);
  const client = new PrometheusClient('http://prometheus.test', { fetch: fake });

  test('the server settings come from its flags and configuration', async () => {
    const { settings, features } = await serverSettings(client);
    expect(settings).toMatchObject({
      compat: 'prometheus3',
      experimental: true,
      lookbackDeltaMs: 300_000,
      maxSamples: 50_000_000,
      timeoutMs: 120_000,
      delayedNameRemoval: false,
    });
    expect(features).toEqual(['promql-experimental-functions']);
  });

  test('chooseMetrics: up, counters, gauges and histograms within the series limits', async () => {
    const choice = await chooseMetrics(client, window);
    expect(choice.selectors).toEqual([
      'up',
      'c1_total',
      'g1',
      'g2',
      '{__name__=~"h_(bucket|count|sum)"}',
    ]);
    expect(Object.fromEntries(choice.types)).toEqual({
      up: 'gauge',
      c1_total: 'counter',
      g1: 'gauge',
      g2: 'gauge',
      h: 'histogram',
    });
    const small = await chooseMetrics(client, window, { maxSeriesPerMetric: 3 });
    expect(small.selectors).toEqual(['up', 'g2', '{__name__=~"h_(bucket|count|sum)"}']);
    const tiny = await chooseMetrics(client, window, { maxSeries: 3 });
    expect(tiny.selectors).toEqual(['up']);
  });

  test('the raw samples read back leave out the staleness markers; the probes find them', async () => {
    const raw = await readPrometheusSamples(client, window.startMs, window.endMs);
    let samples = 0;
    for (const s of raw.values()) {
      samples += s.timestamps.length;
      expect(s.values.every((v) => typeof v === 'number')).toBe(true);
    }
    expect(raw.size).toBe(22);
    const stale = await findStaleMarkers(client, raw, window, { lookbackDeltaMs: 300_000 });
    const found = Object.fromEntries(
      [...stale.markers].map(([k, ts]) => [
        raw
          .get(k)!
          .labels.map((l) => l.value)
          .join(','),
        ts.map((t) => (t - T0) / 1000),
      ]),
    );
    // Every series of target b at the next whole second after 1215.5 s, and g1/sdb of
    // both targets after 1815.5 s; a's missed scrape is only a gap.
    expect(found).toEqual({
      'up,b:1,node': [1216],
      'c1_total,b:1,node,/a': [1216],
      'c1_total,b:1,node,/b': [1216],
      'g1,sda,b:1,node': [1216],
      'g1,sdb,b:1,node': [1216],
      'g1,sdb,a:1,node': [1816],
      'g2,b:1,node': [1216],
      'h_bucket,b:1,node,0.1': [1216],
      'h_bucket,b:1,node,1.0': [1216],
      'h_bucket,b:1,node,+Inf': [1216],
      'h_count,b:1,node': [1216],
      'h_sum,b:1,node': [1216],
    });
    expect(stale.unprobed).toBe(0);
    expect(stale.maxInterval).toBe(15_000);
    expect(samples).toBeGreaterThan(4000);

    // Rebuilt with the markers, the storage answers instant queries at whole seconds as
    // the original does.
    const rebuilt = storageFrom(raw, stale.markers);
    for (let t = T0 + 1000_000; t <= T0 + 2600_000; t += 7000) {
      for (const q of ['up', 'g1', 'count(c1_total)', 'timestamp(h_count)']) {
        const a = await evaluate(q, original, t);
        const b = await evaluate(q, rebuilt, t);
        expect(diffQueryValues(a.value, b.value), `${q} at ${(t - T0) / 1000}`).toEqual([]);
      }
    }
  });

  test('the corpus metrics of what was loaded', async () => {
    const raw = await readPrometheusSamples(client, window.startMs, window.endMs);
    const m = corpusMetricsFor(raw, new Map(Object.entries(metadata)));
    expect(m).toMatchObject({
      counters: ['c1_total'],
      gauges: ['g1', 'g2'],
      histograms: ['h'],
      up: 'up',
      counterA: 'c1_total',
      counterALabel: 'path',
      counterB: 'c1_total',
      gaugeA: 'g1',
      gaugeALabel: 'device',
      gaugeAValue: 'sda',
      gaugeARegex: 's.*',
      gaugeANotRegex: 'sda|nonexistent',
      gaugeB: 'g2',
      jobA: 'node',
      jobB: 'node',
      nameRegex: 'g2|c1_total',
    });
  });

  test('the evaluation window leaves room for the longest reach back and ahead', () => {
    const corpus = generateCorpus({ ...window, variants: { range: ['1m', '5m', '15m'] } });
    const w = evaluationWindow(corpus, window, {
      lookbackDeltaMs: 300_000,
      compat: 'prometheus3',
      experimental: true,
    });
    // subquery-offset reads 20 minutes back; offset -10m reads 10 minutes ahead.
    expect((w.startMs - T0) / 60_000).toBeCloseTo(20 + 1 / 60, 6);
    expect((window.endMs - w.endMs) / 60_000).toBe(10);
    expect(w.dropped.size).toBe(0);
    const full = evaluationWindow(generateCorpus(window), window, {
      lookbackDeltaMs: 300_000,
      compat: 'prometheus3',
      experimental: true,
    });
    expect([...full.dropped].some((q) => q.includes('[1h]'))).toBe(true);
  });

  test('runUrl: every case matches, since both sides are promql-ts', async () => {
    requests.length = 0;
    const lines: string[] = [];
    const run = await runUrl({
      url: 'http://prometheus.test',
      fetch: fake,
      ...window,
      instantTimes: 2,
      templates: (t) =>
        [
          'selector',
          'matcher-re',
          'offset',
          'offset-negative',
          'at',
          'staleness-gaps',
          'over-time',
          'rate',
          'aggr-by',
          'subquery-offset',
          'subquery-default-step',
          'histogram-quantile-sum',
        ].includes(t),
      log: (l) => lines.push(l),
    });
    expect(run.settings.defaultSubqueryStepMs).toBe(30_000);
    const mismatches = run.results.filter((r) => r.status === 'mismatch');
    expect(mismatches.map((r) => `${r.id}: ${r.differences[0]}`)).toEqual([]);
    expect(run.results.length).toBeGreaterThan(300);
    expect(run.results.filter((r) => (r.referenceSize ?? 0) > 0).length).toBeGreaterThan(250);
    expect(run.data.join('\n')).toContain('12 staleness markers found');
    expect(lines.some((l) => l.startsWith('running '))).toBe(true);
  });

  test('runUrl with --match selectors loads the metric families of the series they match', async () => {
    const run = await runUrl({
      url: 'http://prometheus.test',
      fetch: fake,
      ...window,
      match: ['up', 'g1{device="sda"}'],
      instantTimes: 1,
      templates: (t) => t === 'selector' || t === 'aggr',
    });
    // g1 whole: the corpus's `sum(g1)` reads every g1 series on the server.
    expect(run.data[0]).toMatch(/: 6 series, \d+ samples of g1, up$/);
    expect(
      run.results.filter((r) => r.status !== 'match').map((r) => `${r.id}: ${r.differences[0]}`),
    ).toEqual([]);
    await expect(
      runUrl({
        url: 'http://prometheus.test',
        fetch: fake,
        ...window,
        match: ['up'],
        maxSeries: 1,
      }),
    ).rejects.toThrow(/more than --max-series 1/);
  });
});

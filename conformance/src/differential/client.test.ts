import { describe, expect, test } from 'vitest';
import {
  annotationFromApi,
  formatApiTime,
  labelsFromJson,
  PrometheusApiError,
  PrometheusClient,
  parseApiValue,
  queryResultFromJson,
} from './client.js';

const ok = (resultType: string, result: unknown, extra: object = {}) => ({
  status: 'success',
  data: { resultType, result },
  ...extra,
});

describe('queryResultFromJson', () => {
  test('a vector: labels sorted, values as strings, float-second timestamps', () => {
    const r = queryResultFromJson(
      ok('vector', [
        { metric: { job: 'api', __name__: 'up' }, value: [1672531200.015, '1'] },
        { metric: {}, value: [1672531200.015, 'NaN'] },
      ]),
    );
    expect(r.value).toEqual({
      type: 'vector',
      samples: [
        {
          metric: [
            { name: '__name__', value: 'up' },
            { name: 'job', value: 'api' },
          ],
          t: 1672531200015,
          v: 1,
        },
        { metric: [], t: 1672531200015, v: Number.NaN },
      ],
    });
  });

  test('a matrix with +Inf and -Inf', () => {
    const r = queryResultFromJson(
      ok('matrix', [
        {
          metric: { a: 'b' },
          values: [
            [0, '+Inf'],
            [60, '-Inf'],
            [120, '0.1'],
          ],
        },
      ]),
    );
    if (r.value.type !== 'matrix') throw new Error('not a matrix');
    const s = r.value.series[0]!;
    expect([...s.timestamps]).toEqual([0, 60_000, 120_000]);
    expect([...s.values]).toEqual([Infinity, -Infinity, 0.1]);
  });

  test('scalar and string', () => {
    expect(queryResultFromJson(ok('scalar', [10.5, '2'])).value).toEqual({
      type: 'scalar',
      t: 10_500,
      v: 2,
    });
    expect(queryResultFromJson(ok('string', [1, 'hi'])).value).toEqual({
      type: 'string',
      t: 1000,
      v: 'hi',
    });
  });

  test('warnings and infos become annotations with positions; stats map over', () => {
    const r = queryResultFromJson(
      ok('vector', [], {
        warnings: ['PromQL warning: bad bucket (1:5)'],
        infos: ['PromQL info: note'],
      }),
      'sum(x)',
    );
    expect(r.warnings).toEqual([
      { message: 'PromQL warning: bad bucket', pos: { start: 4, end: 4 } },
    ]);
    expect(r.infos).toEqual([{ message: 'PromQL info: note', pos: null }]);
    const s = queryResultFromJson({
      status: 'success',
      data: {
        resultType: 'scalar',
        result: [0, '1'],
        stats: {
          timings: { queryPreparationTime: 0.001, innerEvalTime: 0.002, execTotalTime: 0.004 },
          samples: { totalQueryableSamples: 7, peakSamples: 3 },
        },
      },
    }).stats;
    expect(s).toEqual({
      totalQueryableSamples: 7,
      peakSamples: 3,
      timings: { parseMs: 0, planMs: 1, evalMs: 2, totalMs: 4 },
    });
  });

  test('native histograms and unknown types are refused', () => {
    expect(() => queryResultFromJson(ok('vector', [{ metric: {}, histogram: [0, {}] }]))).toThrow(
      PrometheusApiError,
    );
    expect(() => queryResultFromJson(ok('streams', []))).toThrow(/unknown result type/);
    expect(() =>
      queryResultFromJson({ status: 'error', errorType: 'bad_data', error: 'nope' }),
    ).toThrow('nope');
  });
});

describe('helpers', () => {
  test('values, times, labels, annotation positions in multi-byte queries', () => {
    expect(parseApiValue('1e-7')).toBe(1e-7);
    expect(() => parseApiValue('')).toThrow(PrometheusApiError);
    expect(formatApiTime(1672531200005)).toBe('1672531200.005');
    expect(formatApiTime(-1500)).toBe('-1.500');
    expect(labelsFromJson({ b: '1', a: '2' }).map((l) => l.name)).toEqual(['a', 'b']);
    // Prometheus counts columns in bytes: "é" is two.
    expect(annotationFromApi('w (1:8)', 'x{a="é"} + y').pos).toEqual({ start: 6, end: 6 });
    expect(annotationFromApi('w (2:1)', 'x\n+ y').pos).toEqual({ start: 2, end: 2 });
  });
});

describe('PrometheusClient', () => {
  test('POSTs form-encoded queries with stats and converts the answer', async () => {
    const requests: { url: string; body: string }[] = [];
    const fakeFetch = (async (url: string, init: RequestInit) => {
      requests.push({ url, body: String(init.body) });
      return new Response(JSON.stringify(ok('scalar', [1, '3'])), { status: 200 });
    }) as typeof fetch;
    const c = new PrometheusClient('http://127.0.0.1:9/', { fetch: fakeFetch });
    expect((await c.instant('1+2', 1000)).value).toEqual({ type: 'scalar', t: 1000, v: 3 });
    await c.range('up', { startMs: 0, endMs: 60_000, stepMs: 15_000 });
    expect(requests).toEqual([
      { url: 'http://127.0.0.1:9/api/v1/query', body: 'query=1%2B2&time=1.000&stats=all' },
      {
        url: 'http://127.0.0.1:9/api/v1/query_range',
        body: 'query=up&start=0.000&end=60.000&step=15&stats=all',
      },
    ]);
  });

  test('errors carry the errorType and status', async () => {
    const fakeFetch = (async () =>
      new Response(
        JSON.stringify({ status: 'error', errorType: 'bad_data', error: '1:5: parse error' }),
        { status: 400 },
      )) as unknown as typeof fetch;
    const err = await new PrometheusClient('http://x', { fetch: fakeFetch })
      .instant('sum(', 0)
      .catch((e) => e);
    expect(err).toBeInstanceOf(PrometheusApiError);
    expect(err).toMatchObject({ errorType: 'bad_data', status: 400, message: '1:5: parse error' });
    const down = (async () => {
      throw new TypeError('fetch failed');
    }) as unknown as typeof fetch;
    await expect(
      new PrometheusClient('http://x', { fetch: down }).instant('1', 0),
    ).rejects.toMatchObject({ errorType: 'network' });
  });
});

describe('metadata requests', () => {
  const calls: { url: string; method: string; body: string | undefined }[] = [];
  const fake: typeof fetch = async (input, init) => {
    calls.push({ url: String(input), method: init?.method ?? 'GET', body: init?.body as string });
    const path = new URL(String(input)).pathname;
    const data =
      path === '/api/v1/series'
        ? [{ __name__: 'up', job: 'a' }]
        : path === '/api/v1/metadata'
          ? { up: [{ type: 'gauge', help: 'h', unit: '' }] }
          : path === '/api/v1/status/flags'
            ? { 'query.lookback-delta': '5m' }
            : ['up', 'x'];
    return new Response(JSON.stringify({ status: 'success', data }));
  };
  const client = new PrometheusClient('http://p.test/', { fetch: fake });
  const window = { startMs: 1000, endMs: 61_500 };

  test('label values: GET with the window and match[] in the query string', async () => {
    expect(await client.labelValues('__name__', window, ['up', '{job="a"}'])).toEqual(['up', 'x']);
    const u = new URL(calls.at(-1)!.url);
    expect(calls.at(-1)!.method).toBe('GET');
    expect(u.pathname).toBe('/api/v1/label/__name__/values');
    expect(u.searchParams.get('start')).toBe('1.000');
    expect(u.searchParams.get('end')).toBe('61.500');
    expect(u.searchParams.getAll('match[]')).toEqual(['up', '{job="a"}']);
  });

  test('series: POSTed form with repeated match[]; label sets sorted', async () => {
    expect(await client.series(['up', 'x'], window)).toEqual([
      [
        { name: '__name__', value: 'up' },
        { name: 'job', value: 'a' },
      ],
    ]);
    expect(calls.at(-1)!.method).toBe('POST');
    expect(new URLSearchParams(calls.at(-1)!.body).getAll('match[]')).toEqual(['up', 'x']);
  });

  test('metadata and flags', async () => {
    expect(await client.metadata()).toEqual({ up: [{ type: 'gauge', help: 'h', unit: '' }] });
    expect(await client.flags()).toEqual({ 'query.lookback-delta': '5m' });
    expect(calls.at(-1)!.url).toBe('http://p.test/api/v1/status/flags');
  });
});

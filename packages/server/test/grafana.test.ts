/**
 * Grafana's Prometheus data source against a real `node:http` server: the requests it
 * sends (health check, build info probe, metric browser lookups, query editor
 * autocompletion, dashboard panels' range queries, table panels' instant queries), with the
 * headers and parameter encodings it uses (form-encoded POSTs, times as Unix seconds with
 * decimals, step in seconds), and the parts of the responses it reads.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RunningServer, startServer } from '../src/index.js';
import { fixtureStorage, NOW, NOW_S, T0 } from './fixture.js';

let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ storage: fixtureStorage(), port: 0, now: () => NOW });
});
afterAll(() => server.close());

/** Headers Grafana's backend sends to a Prometheus data source. */
const GRAFANA_HEADERS = {
  'User-Agent': 'Grafana/11.6.0',
  Accept: 'application/json, text/plain, */*',
  'Accept-Encoding': 'gzip',
  'X-Grafana-Org-Id': '1',
  'X-Datasource-Uid': 'promql-ts',
};

/** Grafana's `formatTime`: Unix seconds, with decimals only when there are any. */
const grafanaTime = (ms: number) => String(ms / 1000);

async function grafanaGet(path: string, params: [string, string][] = []) {
  const q = new URLSearchParams(params).toString();
  const res = await fetch(`${server.url}${path}${q === '' ? '' : `?${q}`}`, {
    headers: GRAFANA_HEADERS,
  });
  return { status: res.status, type: res.headers.get('content-type'), json: await res.json() };
}

async function grafanaPost(path: string, params: [string, string][]) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...GRAFANA_HEADERS, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, type: res.headers.get('content-type'), json: await res.json() };
}

const start = grafanaTime(T0);
const end = grafanaTime(NOW);

describe('data source setup', () => {
  test('"Save & test": build info probe, then the 1+1 health query', async () => {
    const info = await grafanaGet('/api/v1/status/buildinfo');
    expect(info.status).toBe(200);
    expect(info.json.status).toBe('success');
    // Grafana reads the version to enable features (label values with match[] since 2.24).
    expect(info.json.data.version).toMatch(/^\d+\.\d+\.\d+$/);
    const health = await grafanaPost('/api/v1/query', [
      ['query', '1+1'],
      ['time', String(NOW_S + 0.123)],
    ]);
    expect(health.status).toBe(200);
    expect(health.json).toEqual({
      status: 'success',
      data: { resultType: 'scalar', result: [NOW_S + 0.123, '2'] },
    });
  });

  test('the same health query as GET (data source set to GET)', async () => {
    const r = await grafanaGet('/api/v1/query', [
      ['query', '1+1'],
      ['time', String(NOW_S)],
    ]);
    expect(r.json.data.result[1]).toBe('2');
  });
});

describe('metric browser and autocompletion', () => {
  test('metric names for the time range', async () => {
    const r = await grafanaGet('/api/v1/label/__name__/values', [
      ['start', start],
      ['end', end],
    ]);
    expect(r.type).toBe('application/json');
    expect(r.json).toEqual({ status: 'success', data: ['http_requests_total', 'up', 'weird'] });
  });

  test('label names, with and without a selected metric', async () => {
    const all = await grafanaGet('/api/v1/labels', [
      ['start', start],
      ['end', end],
    ]);
    expect(all.json.data).toContain('job');
    const forMetric = await grafanaGet('/api/v1/labels', [
      ['match[]', '{__name__="http_requests_total"}'],
      ['start', start],
      ['end', end],
    ]);
    expect(forMetric.json.data).toEqual(['__name__', 'instance', 'job', 'method', 'status']);
    const posted = await grafanaPost('/api/v1/labels', [
      ['match[]', '{__name__="http_requests_total"}'],
      ['start', start],
      ['end', end],
    ]);
    expect(posted.json.data).toEqual(forMetric.json.data);
  });

  test('label values narrowed by the labels already chosen', async () => {
    const r = await grafanaGet('/api/v1/label/instance/values', [
      ['match[]', '{__name__="http_requests_total",job="api",method="GET"}'],
      ['start', start],
      ['end', end],
    ]);
    expect(r.json.data).toEqual(['a:80', 'b:80']);
    const regex = await grafanaGet('/api/v1/label/status/values', [
      ['match[]', 'http_requests_total{job=~"api|web"}'],
      ['start', start],
      ['end', end],
    ]);
    expect(regex.json.data).toEqual(['200', '500']);
  });

  test('series lookups (label_values(metric, label) variables, the metric browser)', async () => {
    const r = await grafanaGet('/api/v1/series', [
      ['match[]', 'http_requests_total{job="web"}'],
      ['start', start],
      ['end', end],
    ]);
    expect(r.json.data).toEqual([
      {
        __name__: 'http_requests_total',
        instance: 'w:80',
        job: 'web',
        method: 'GET',
        status: '200',
      },
    ]);
    const posted = await grafanaPost('/api/v1/series', [
      ['match[]', '{__name__=~"up|weird"}'],
      ['start', start],
      ['end', end],
    ]);
    expect(posted.json.data).toHaveLength(4);
  });

  test('metadata for metric help and types in the query editor', async () => {
    const r = await grafanaGet('/api/v1/metadata');
    expect(r.json.data.http_requests_total).toEqual([
      { type: 'counter', help: 'Total HTTP requests.', unit: '' },
    ]);
    const one = await grafanaGet('/api/v1/metadata', [['metric', 'up']]);
    expect(Object.keys(one.json.data)).toEqual(['up']);
  });

  test('exemplar queries answer with none', async () => {
    const r = await grafanaPost('/api/v1/query_exemplars', [
      ['query', 'rate(http_requests_total[5m])'],
      ['start', start],
      ['end', end],
    ]);
    expect(r.json).toEqual({ status: 'success', data: [] });
  });
});

describe('panels', () => {
  test('a time series panel: query_range POST, step in seconds, aligned times', async () => {
    const step = 60;
    const alignedStart = Math.floor((T0 / 1000 + 120) / step) * step;
    const r = await grafanaPost('/api/v1/query_range', [
      ['query', 'sum by (job) (rate(http_requests_total[1m]))'],
      ['start', String(alignedStart)],
      ['end', String(Math.floor(NOW_S / step) * step)],
      ['step', String(step)],
    ]);
    expect(r.status).toBe(200);
    expect(r.json.data.resultType).toBe('matrix');
    const jobs = r.json.data.result.map((s: { metric: { job: string } }) => s.metric.job);
    expect(jobs).toEqual(['api', 'web']);
    for (const s of r.json.data.result) {
      for (const [t, v] of s.values) {
        expect(t % step).toBe(0);
        expect(typeof v).toBe('string');
      }
    }
  });

  test('a panel with a fractional step and fractional times', async () => {
    const r = await grafanaPost('/api/v1/query_range', [
      ['query', 'up{job="web"}'],
      ['start', String(NOW_S - 10.5)],
      ['end', String(NOW_S)],
      ['step', '2.5'],
    ]);
    expect(r.json.data.result[0].values.map((p: [number, string]) => p[0])).toEqual([
      NOW_S - 10.5,
      NOW_S - 8,
      NOW_S - 5.5,
      NOW_S - 3,
      NOW_S - 0.5,
    ]);
  });

  test('a table panel: instant query POST', async () => {
    const r = await grafanaPost('/api/v1/query', [
      ['query', 'sum by (instance) (up)'],
      ['time', String(NOW_S)],
    ]);
    expect(r.json.data.result).toEqual([
      { metric: { instance: 'a:80' }, value: [NOW_S, '1'] },
      { metric: { instance: 'b:80' }, value: [NOW_S, '0'] },
      { metric: { instance: 'w:80' }, value: [NOW_S, '1'] },
    ]);
  });

  test('errors come back as Grafana shows them', async () => {
    const r = await grafanaPost('/api/v1/query_range', [
      ['query', 'sum(rate(http_requests_total[5m])'],
      ['start', start],
      ['end', end],
      ['step', '15'],
    ]);
    expect(r.status).toBe(400);
    expect(r.json.status).toBe('error');
    expect(r.json.errorType).toBe('bad_data');
    expect(r.json.error).toMatch(/^invalid parameter "query": 1:\d+: parse error: /);
  });

  test('a too-fine resolution is refused as by Prometheus', async () => {
    const r = await grafanaPost('/api/v1/query_range', [
      ['query', 'up'],
      ['start', '0'],
      ['end', end],
      ['step', '15'],
    ]);
    expect(r.status).toBe(400);
    expect(r.json.error).toContain('exceeded maximum resolution of 11,000 points per timeseries');
  });
});

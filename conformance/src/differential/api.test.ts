import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryStorage } from '@promql-ts/storage-mem';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type ApiResponse,
  describeApiRequest,
  diffApiResponses,
  encodeApiRequest,
  normalizeApiBody,
  runApiComparison,
  withoutMetadata,
} from './api.js';
import { type ApiRequest, generateApiCorpus } from './api-corpus.js';
import { apiKey, checkApiDifferential, keyVersion } from './expected.js';
import { DEFAULT_START_MS } from './generate.js';

const window = { startMs: DEFAULT_START_MS, endMs: DEFAULT_START_MS + 2 * 3600_000 };

describe('the request corpus', () => {
  const corpus = generateApiCorpus(window);

  test('ids are unique and keys without white space', () => {
    const ids = corpus.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^\S+$/);
    expect(corpus.length).toBeGreaterThan(100);
  });

  test('covers every endpoint, GET and POST, successes and errors', () => {
    const endpoint = (r: ApiRequest) => r.path.split('?')[0]!;
    const paths = new Set(corpus.map(endpoint));
    for (const p of [
      '/api/v1/query',
      '/api/v1/query_range',
      '/api/v1/series',
      '/api/v1/labels',
      '/api/v1/label/job/values',
      '/api/v1/metadata',
      '/api/v1/format_query',
      '/api/v1/parse_query',
      '/api/v1/query_exemplars',
      '/api/v1/status/buildinfo',
      '/-/ready',
    ])
      expect(paths, p).toContain(p);
    for (const p of ['/api/v1/query', '/api/v1/query_range', '/api/v1/series', '/api/v1/labels']) {
      const methods = new Set(corpus.filter((r) => endpoint(r) === p).map((r) => r.method));
      expect(methods, p).toContain('GET');
      expect(methods, p).toContain('POST');
    }
    const ids = corpus.map((r) => r.id);
    for (const id of [
      'query:timeout',
      'query_range:timeout',
      'query_range:points-11000',
      'query_range:points-11001',
      'query:many-to-many',
      'query:parse-error',
      'query_range:end-before-start',
      'query_range:zero-step',
    ])
      expect(ids).toContain(id);
  });

  test('every query names its time, except the one that checks the default', () => {
    for (const r of corpus) {
      if (r.method !== 'GET' && r.method !== 'POST') continue; // not evaluated
      if (!r.path.startsWith('/api/v1/query?') && r.path !== '/api/v1/query') continue;
      const { path, body } = encodeApiRequest(r);
      const params = new URLSearchParams(`${path.split('?')[1] ?? ''}&${body ?? ''}`);
      if (params.get('query') && r.id !== 'query:time-default') {
        expect(params.has('time'), r.id).toBe(true);
      }
    }
  });
});

describe('requests and normalizations', () => {
  test('GET parameters go to the URL, POST parameters to a form body', () => {
    const params = [
      ['query', 'up{job="a b"}'],
      ['time', '1'],
    ] as const;
    expect(encodeApiRequest({ id: 'x', method: 'GET', path: '/api/v1/query', params })).toEqual({
      path: '/api/v1/query?query=up%7Bjob%3D%22a+b%22%7D&time=1',
      body: null,
    });
    expect(encodeApiRequest({ id: 'x', method: 'GET', path: '/q?a=%ZZ', params })).toEqual({
      path: '/q?a=%ZZ&query=up%7Bjob%3D%22a+b%22%7D&time=1',
      body: null,
    });
    expect(encodeApiRequest({ id: 'x', method: 'POST', path: '/q', params })).toEqual({
      path: '/q',
      body: 'query=up%7Bjob%3D%22a+b%22%7D&time=1',
    });
    expect(describeApiRequest({ id: 'x', method: 'POST', path: '/q', params })).toBe(
      'POST /q <- query=up%7Bjob%3D%22a+b%22%7D&time=1',
    );
  });

  test('stats timings: Go durations in seconds become 0, other numbers stay', () => {
    const body = (t: string) =>
      `{"data":{"stats":{"timings":{"evalTotalTime":${t},"resultSortTime":0,"execQueueTime":8.05e-07},"samples":{"totalQueryableSamples":4,"peakSamples":4}}}}`;
    expect(normalizeApiBody(body('0.000143072'), ['stats-timings'])).toBe(
      body('0').replace('8.05e-07', '0'),
    );
    expect(normalizeApiBody(body('12.5'), ['stats-timings'])).toBe(
      body('0').replace('8.05e-07', '0'),
    );
    // Not a whole number of nanoseconds, or JavaScript's exponent form: left for the diff.
    expect(normalizeApiBody(body('0.0007109290000080363'), ['stats-timings'])).toContain(
      '0.0007109290000080363',
    );
    expect(normalizeApiBody(body('8e-7'), ['stats-timings'])).toContain('8e-7');
    // Sample counts are never touched; without the normalization nothing is.
    expect(normalizeApiBody(body('1'), ['stats-timings'])).toContain('"peakSamples":4');
    expect(normalizeApiBody(body('1'))).toBe(body('1'));
  });

  test('build info: the six values, not the fields', () => {
    const a =
      '{"status":"success","data":{"version":"3.5.3+ds1","revision":"3.5.3+ds1-6","branch":"debian/sid","buildUser":"team+pkg-go@tracker.debian.org","buildDate":"20260929-11:59:39","goVersion":"go1.27.1"}}';
    const b =
      '{"status":"success","data":{"version":"3.5.0","revision":"promql-ts","branch":"promql-ts","buildUser":"promql-ts","buildDate":"","goVersion":"none (promql-ts)"}}';
    expect(normalizeApiBody(a, ['build-info'])).toBe(normalizeApiBody(b, ['build-info']));
    expect(normalizeApiBody(a, ['build-info'])).not.toBe(
      normalizeApiBody(b.replace('"goVersion"', '"go"'), ['build-info']),
    );
  });

  test('differences: status, Content-Type, named headers, body with context', () => {
    const req: ApiRequest = { id: 'x', method: 'GET', path: '/', compareHeaders: ['vary'] };
    const res = (status: number, type: string, body: string, vary?: string): ApiResponse => ({
      status,
      headers: { 'content-type': type, ...(vary === undefined ? {} : { vary }) },
      body: Buffer.from(body),
    });
    const ref = res(400, 'application/json', '{"error":"1:1: parse error"}', 'Origin');
    expect(diffApiResponses(req, ref, ref)).toEqual([]);
    expect(
      diffApiResponses(req, ref, res(422, 'text/plain', '{"error":"1:2: parse error"}')),
    ).toEqual([
      'status 422, expected 400',
      'content-type: text/plain, expected application/json',
      'vary: (none), expected Origin',
      'body differs at character 12 (28 characters, expected 28): got {\\"error\\":\\"1:2: parse error\\"}, expected {\\"error\\":\\"1:1: parse error\\"}',
    ]);
  });
});

describe('runApiComparison', () => {
  const servers: Server[] = [];
  const urls: string[] = [];
  beforeAll(async () => {
    for (const flavor of ['reference', 'candidate']) {
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => {
          body += c.toString();
        });
        req.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          // The candidate gets the POST body's `query` wrong.
          const q = new URLSearchParams(req.method === 'POST' ? body : req.url!.split('?')[1]);
          const answer = flavor === 'candidate' && req.method === 'POST' ? 'x' : q.get('query');
          res.end(JSON.stringify({ path: req.url!.split('?')[0], query: answer }));
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      servers.push(server);
      urls.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
  });
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  test('sends each request to both, in order, and compares', async () => {
    const seen: string[] = [];
    const results = await runApiComparison({
      referenceUrl: urls[0]!,
      candidateUrl: urls[1]!,
      requests: [
        { id: 'get', method: 'GET', path: '/api/v1/quer%79', params: [['query', 'up']] },
        { id: 'post', method: 'POST', path: '/api/v1/query', params: [['query', 'up']] },
      ],
      onRequest: (done, total, r) => seen.push(`${done}/${total} ${r.id}`),
    });
    expect(results.map((r) => [r.id, r.status])).toEqual([
      ['get', 'match'],
      ['post', 'mismatch'],
    ]);
    expect(results[0]!.reference.body.toString()).toBe('{"path":"/api/v1/quer%79","query":"up"}');
    expect(seen).toEqual(['1/2 get', '2/2 post']);
  });
});

test('withoutMetadata: the same series, no metadata', async () => {
  const storage = new MemoryStorage();
  storage.addSeries({ __name__: 'up', job: 'a' }, [1000], [1]);
  storage.setMetadata('up', { type: 'gauge', help: 'Up.' });
  const bare = withoutMetadata(storage);
  expect(bare.metadata).toBeUndefined();
  expect('metadata' in bare).toBe(false);
  expect(typeof storage.metadata).toBe('function');
  const range = { startMs: 0, endMs: 2000 };
  expect(await bare.labelNames([], range)).toEqual(['__name__', 'job']);
  expect(await bare.labelValues('job', [], range)).toEqual(['a']);
});

describe('expected failures of the API comparison', () => {
  const result = (id: string, match: boolean) =>
    ({
      id,
      status: match ? 'match' : 'mismatch',
      differences: match ? [] : ['status 400'],
    }) as never;
  const entry = (id: string, version = '3.5.3') => ({
    key: apiKey(version, id),
    reason: 'r',
    line: 1,
  });

  test('keys, out of reach of the corpus runs', () => {
    expect(apiKey('3.5.3', 'query:vector:get')).toBe('differential:api:3.5.3:query:vector:get');
    expect(keyVersion(apiKey('3.5.3', 'x'))).toBeNull();
    expect(keyVersion('differential:3.5.3:x')).toBe('3.5.3');
  });

  test('unlisted mismatch, listed match, and listed keys that name no request fail', () => {
    const check = checkApiDifferential(
      '3.5.3',
      [result('a', true), result('b', false), result('c', false), result('d', true)],
      [
        entry('c'),
        entry('d'),
        entry('gone'),
        entry('other-version', '9.9'),
        { key: 'differential:3.5.3:gone', reason: 'r', line: 1 },
      ],
    );
    expect(check.unexpectedFailures.map((o) => o.key)).toEqual([apiKey('3.5.3', 'b')]);
    expect(check.unexpectedPasses.map((e) => e.key)).toEqual([apiKey('3.5.3', 'd')]);
    expect(check.unknown.map((e) => e.key)).toEqual([apiKey('3.5.3', 'gone')]);
    expect(check.expectedFailures).toBe(1);
  });
});

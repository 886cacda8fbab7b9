/**
 * The HTTP API endpoint by endpoint: parameters in every form Prometheus accepts, the
 * responses byte for byte where Prometheus's are known, and every error path with
 * Prometheus's error type, message and status code.
 */
import type { Storage } from '@promql-ts/engine';
import { describe, expect, test } from 'vitest';
import { call, fixtureHandler, fixtureStorage, form, NOW, NOW_S, qs, T0 } from './fixture.js';

const api = fixtureHandler();

const UP_VECTOR =
  '{"status":"success","data":{"resultType":"vector","result":[' +
  '{"metric":{"__name__":"up","instance":"a:80","job":"api"},"value":[1700000600,"1"]},' +
  '{"metric":{"__name__":"up","instance":"b:80","job":"api"},"value":[1700000600,"0"]},' +
  '{"metric":{"__name__":"up","instance":"w:80","job":"web"},"value":[1700000600,"1"]}]}}';

const badData = (error: string) => ({ status: 'error', errorType: 'bad_data', error });

describe('/api/v1/query', () => {
  test('GET at the handler clock, byte for byte', async () => {
    const r = await call(api, '/api/v1/query?query=up');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body).toBe(UP_VECTOR);
  });

  test('POST form body, and body values win over URL values', async () => {
    const r = await call(
      api,
      '/api/v1/query?query=nothing',
      form({ query: 'up', time: String(NOW_S) }),
    );
    expect(r.body).toBe(UP_VECTOR);
  });

  test.each([
    ['seconds', String(NOW_S)],
    ['seconds with decimals', `${NOW_S - 0.5}`],
    ['RFC 3339', '2023-11-14T22:23:20Z'],
    ['RFC 3339 with offset and fraction', '2023-11-14T23:23:19.500+01:00'],
  ])('time as %s', async (_, time) => {
    const r = await call(api, `/api/v1/query${qs({ query: 'up{instance="a:80"}', time })}`);
    expect(r.status).toBe(200);
    const [t] = r.json.data.result[0].value;
    expect(Math.abs(t - NOW_S)).toBeLessThanOrEqual(0.5);
  });

  test('a time with decimals keeps milliseconds', async () => {
    const r = await call(api, `/api/v1/query${qs({ query: 'time()', time: '1700000000.1234' })}`);
    expect(r.body).toBe(
      '{"status":"success","data":{"resultType":"scalar","result":[1700000000.123,"1700000000.123"]}}',
    );
  });

  test('scalar and string results', async () => {
    expect((await call(api, `/api/v1/query${qs({ query: '1+1', time: '100' })}`)).body).toBe(
      '{"status":"success","data":{"resultType":"scalar","result":[100,"2"]}}',
    );
    expect((await call(api, `/api/v1/query${qs({ query: '"a<b"', time: '100' })}`)).body).toBe(
      '{"status":"success","data":{"resultType":"string","result":[100,"a\\u003cb"]}}',
    );
  });

  test('a range vector selector gives a matrix', async () => {
    const r = await call(api, `/api/v1/query${qs({ query: 'up{instance="a:80"}[30s]' })}`);
    expect(r.body).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","instance":"a:80","job":"api"},"values":[[1700000585,"1"],[1700000600,"1"]]}]}}',
    );
  });

  test('label values are not HTML-escaped, as in Prometheus', async () => {
    const r = await call(api, '/api/v1/query?query=weird');
    expect(r.body).toContain('{"__name__":"weird","label":"<a&b>"}');
  });

  test('rate over a counter', async () => {
    const r = await call(
      api,
      `/api/v1/query${qs({ query: 'rate(http_requests_total{instance="a:80",method="GET"}[1m])' })}`,
    );
    expect(r.status).toBe(200);
    expect(r.json.data.result).toHaveLength(1);
    expect(Number(r.json.data.result[0].value[1])).toBeCloseTo(10 / 15, 10);
  });

  test('limit truncates the result with a warning', async () => {
    const r = await call(api, `/api/v1/query${qs({ query: 'up', limit: '2' })}`);
    expect(r.json.data.result).toHaveLength(2);
    expect(r.json.warnings).toEqual(['results truncated due to limit']);
    const all = await call(api, `/api/v1/query${qs({ query: 'up', limit: '0' })}`);
    expect(all.json.data.result).toHaveLength(3);
    expect(all.json.warnings).toBeUndefined();
  });

  test('stats adds timings and sample counts', async () => {
    for (const stats of ['1', 'all']) {
      const r = await call(api, `/api/v1/query${qs({ query: 'up', stats })}`);
      const s = r.json.data.stats;
      expect(Object.keys(s)).toEqual(['timings', 'samples']);
      expect(Object.keys(s.timings)).toEqual([
        'evalTotalTime',
        'resultSortTime',
        'queryPreparationTime',
        'innerEvalTime',
        'execQueueTime',
        'execTotalTime',
      ]);
      expect(s.samples).toEqual({
        totalQueryableSamples: expect.any(Number),
        peakSamples: expect.any(Number),
      });
      expect(r.body.indexOf('"stats"')).toBeGreaterThan(r.body.indexOf('"result"'));
      // Go's Duration.Seconds(): whole nanoseconds, in json-iterator's float format.
      for (const t of r.body.match(/"timings":\{([^}]*)\}/)![1]!.split(',')) {
        expect(t).toMatch(/^"\w+":(0|\d+(\.\d{1,9})?|\d(\.\d+)?e-0\d)$/);
      }
    }
  });

  test('lookback_delta narrows what an instant selector sees', async () => {
    const late = `${NOW_S + 60}`;
    expect(
      (await call(api, `/api/v1/query${qs({ query: 'up', time: late })}`)).json.data.result,
    ).toHaveLength(3);
    const r = await call(
      api,
      `/api/v1/query${qs({ query: 'up', time: late, lookback_delta: '30s' })}`,
    );
    expect(r.json.data.result).toEqual([]);
    expect(
      (await call(api, `/api/v1/query${qs({ query: 'up', time: late, lookback_delta: '30' })}`))
        .json.data.result,
    ).toEqual([]);
  });

  test('warnings carry the position of what they are about', async () => {
    const r = await call(api, `/api/v1/query${qs({ query: 'rate(up[1m])' })}`);
    expect(r.status).toBe(200);
    expect(r.json.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "up" (1:6)',
    ]);
  });

  test.each([
    [
      'time',
      { query: 'up', time: 'abc' },
      `invalid parameter "time": invalid time value for 'time': cannot parse "abc" to a valid timestamp`,
    ],
    [
      'time',
      { query: 'up', time: '2023-13-01T00:00:00Z' },
      `invalid parameter "time": invalid time value for 'time': cannot parse "2023-13-01T00:00:00Z" to a valid timestamp`,
    ],
    [
      'limit',
      { query: 'up', limit: 'x' },
      'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax',
    ],
    [
      'limit',
      { query: 'up', limit: '-1' },
      'invalid parameter "limit": limit must be non-negative',
    ],
    [
      'timeout',
      { query: 'up', timeout: 'soon' },
      'invalid parameter "timeout": cannot parse "soon" to a valid duration',
    ],
    [
      'lookback_delta',
      { query: 'up', lookback_delta: '5x' },
      'error parsing lookback delta duration: cannot parse "5x" to a valid duration',
    ],
    [
      'query',
      { query: 'sum(' },
      'invalid parameter "query": 1:5: parse error: unclosed left parenthesis',
    ],
    [
      'query',
      { query: '' },
      // Prometheus's StartPosInput names no position in an empty query.
      'invalid parameter "query": unknown position: parse error: no expression found in input',
    ],
    [
      'query',
      { query: 'rate(up)' },
      'invalid parameter "query": 1:6: parse error: expected type range vector in call to function "rate", got instant vector',
    ],
  ])('bad %s: 400 bad_data', async (_, params, error) => {
    const r = await call(api, `/api/v1/query${qs(params)}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual(badData(error));
    expect(Object.keys(r.json)).toEqual(['status', 'errorType', 'error']);
  });

  test('too many samples: 422 execution', async () => {
    const small = fixtureHandler({ maxSamples: 2 });
    const r = await call(small, '/api/v1/query?query=up');
    expect(r.status).toBe(422);
    expect(r.json).toEqual({
      status: 'error',
      errorType: 'execution',
      error: 'query processing would load too many samples into memory in query execution',
    });
  });

  test('a failing storage: 500 internal, and the next query still works', async () => {
    const storage = fixtureStorage();
    const broken: Storage = {
      ...bind(storage),
      select: () => {
        throw new Error('disk on fire');
      },
    };
    const h = fixtureHandler({ storage: broken });
    const r = await call(h, '/api/v1/query?query=up');
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ status: 'error', errorType: 'internal', error: 'disk on fire' });
    expect((await call(h, '/api/v1/labels')).status).toBe(200);
  });

  test('a canceled request: 499 canceled', async () => {
    const controller = new AbortController();
    controller.abort();
    const res = await api.handleFetch(
      new Request('http://localhost/api/v1/query?query=up', { signal: controller.signal }),
    );
    expect(res.status).toBe(499);
    expect(await res.json()).toEqual({
      status: 'error',
      errorType: 'canceled',
      error: 'query was canceled in query queue',
    });
  });
});

/** The storage's methods bound to it, to spread into a test double. */
function bind(s: Storage): Storage {
  return {
    select: s.select.bind(s),
    labelNames: s.labelNames.bind(s),
    labelValues: s.labelValues.bind(s),
    series: s.series.bind(s),
    ...(s.metadata === undefined ? {} : { metadata: s.metadata.bind(s) }),
  };
}

describe('/api/v1/query_range', () => {
  const range = {
    query: 'up{instance="a:80"}',
    start: `${T0 / 1000}`,
    end: `${T0 / 1000 + 60}`,
    step: '30',
  };

  test('GET, byte for byte', async () => {
    const r = await call(api, `/api/v1/query_range${qs(range)}`);
    expect(r.status).toBe(200);
    expect(r.body).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","instance":"a:80","job":"api"},"values":[[1700000000,"1"],[1700000030,"1"],[1700000060,"1"]]}]}}',
    );
  });

  test.each([
    ['seconds', '30'],
    ['seconds with decimals', '30.0'],
    ['a duration', '30s'],
    ['a compound duration', '0m30s'],
  ])('step as %s', async (_, step) => {
    const r = await call(api, '/api/v1/query_range', form({ ...range, step }));
    expect(r.json.data.result[0].values).toHaveLength(3);
  });

  test('RFC 3339 start and end', async () => {
    const r = await call(
      api,
      `/api/v1/query_range${qs({ ...range, start: '2023-11-14T22:13:20Z', end: '2023-11-14T22:14:20.000Z' })}`,
    );
    expect(r.json.data.result[0].values.map((v: [number, string]) => v[0])).toEqual([
      1700000000, 1700000030, 1700000060,
    ]);
  });

  test('rate and sum over a range, with a counter reset', async () => {
    const r = await call(
      api,
      `/api/v1/query_range${qs({ query: 'sum by (instance) (rate(http_requests_total{method="GET",job="api"}[1m]))', start: `${T0 / 1000 + 120}`, end: `${NOW_S}`, step: '60' })}`,
    );
    expect(r.status).toBe(200);
    const b = r.json.data.result.find(
      (s: { metric: { instance: string } }) => s.metric.instance === 'b:80',
    );
    // 20 per 15s, through the reset at minute 5.
    for (const [, v] of b.values) expect(Number(v)).toBeCloseTo(20 / 15, 6);
  });

  test('limit truncates series', async () => {
    const r = await call(api, `/api/v1/query_range${qs({ ...range, query: 'up', limit: '1' })}`);
    expect(r.json.data.result).toHaveLength(1);
    expect(r.json.warnings).toEqual(['results truncated due to limit']);
  });

  test('stats', async () => {
    const r = await call(api, `/api/v1/query_range${qs({ ...range, stats: 'all' })}`);
    expect(r.json.data.stats.samples.totalQueryableSamples).toBeGreaterThan(0);
  });

  test('11,000 points per series at most', async () => {
    const ok = await call(
      api,
      `/api/v1/query_range${qs({ ...range, start: '0', end: '11000', step: '1' })}`,
    );
    expect(ok.status).toBe(200);
    const r = await call(
      api,
      `/api/v1/query_range${qs({ ...range, start: '0', end: '11001', step: '1' })}`,
    );
    expect(r.status).toBe(400);
    expect(r.json).toEqual(
      badData(
        'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
      ),
    );
  });

  test.each([
    [
      'missing start',
      { ...range, start: '' },
      'invalid parameter "start": cannot parse "" to a valid timestamp',
    ],
    [
      'bad end',
      { ...range, end: 'later' },
      'invalid parameter "end": cannot parse "later" to a valid timestamp',
    ],
    [
      'end before start',
      { ...range, end: `${T0 / 1000 - 1}` },
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [
      'missing step',
      { ...range, step: '' },
      'invalid parameter "step": cannot parse "" to a valid duration',
    ],
    [
      'zero step',
      { ...range, step: '0' },
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      'negative step',
      { ...range, step: '-15' },
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      'overflowing step',
      { ...range, step: '1e300' },
      'invalid parameter "step": cannot parse "1e300" to a valid duration. It overflows int64',
    ],
    [
      'bad limit',
      { ...range, limit: '1.5' },
      'invalid parameter "limit": strconv.Atoi: parsing "1.5": invalid syntax',
    ],
    [
      'bad timeout',
      { ...range, timeout: '1x' },
      'invalid parameter "timeout": cannot parse "1x" to a valid duration',
    ],
    [
      'range vector query',
      { ...range, query: 'up[5m]' },
      'invalid parameter "query": invalid expression type "range vector" for range query, must be Scalar or instant Vector',
    ],
    [
      'string query',
      { ...range, query: '"x"' },
      'invalid parameter "query": invalid expression type "string" for range query, must be Scalar or instant Vector',
    ],
    [
      'parse error',
      { ...range, query: 'up{' },
      'invalid parameter "query": 1:4: parse error: unexpected end of input inside braces',
    ],
  ])('%s: 400 bad_data', async (_, params, error) => {
    const r = await call(api, `/api/v1/query_range${qs(params)}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual(badData(error));
  });
});

describe('/api/v1/series', () => {
  test('match[] with start and end, sorted, byte for byte', async () => {
    const r = await call(
      api,
      `/api/v1/series${qs({ 'match[]': 'up', start: `${T0 / 1000}`, end: `${NOW_S}` })}`,
    );
    expect(r.body).toBe(
      '{"status":"success","data":[{"__name__":"up","instance":"a:80","job":"api"},{"__name__":"up","instance":"b:80","job":"api"},{"__name__":"up","instance":"w:80","job":"web"}]}',
    );
  });

  test('several match[] are merged without duplicates', async () => {
    const r = await call(
      api,
      '/api/v1/series',
      form({ 'match[]': ['up{job="api"}', 'up{instance="a:80"}', 'weird'] }),
    );
    expect(r.json.data).toEqual([
      { __name__: 'up', instance: 'a:80', job: 'api' },
      { __name__: 'up', instance: 'b:80', job: 'api' },
      { __name__: 'weird', label: '<a&b>' },
    ]);
    expect(r.body).toContain('"<a&b>"');
  });

  test('a time range without samples finds nothing', async () => {
    const r = await call(api, `/api/v1/series${qs({ 'match[]': 'up', start: '0', end: '100' })}`);
    expect(r.body).toBe('{"status":"success","data":[]}');
  });

  test('limit', async () => {
    const r = await call(api, `/api/v1/series${qs({ 'match[]': 'up', limit: '2' })}`);
    expect(r.json.data).toHaveLength(2);
    expect(r.json.warnings).toEqual(['results truncated due to limit']);
  });

  test.each([
    ['no match[]', {}, 'no match[] parameter provided'],
    [
      'a bad selector',
      { 'match[]': 'up{' },
      'invalid parameter "match[]": 1:4: parse error: unexpected end of input inside braces',
    ],
    [
      'an empty selector',
      { 'match[]': '{job=""}' },
      'invalid parameter "match[]": match[] must contain at least one non-empty matcher',
    ],
    [
      'a bad start',
      { 'match[]': 'up', start: 'x' },
      `invalid parameter "start": invalid time value for 'start': cannot parse "x" to a valid timestamp`,
    ],
    [
      'a bad limit',
      { 'match[]': 'up', limit: 'many' },
      'invalid parameter "limit": strconv.Atoi: parsing "many": invalid syntax',
    ],
    [
      'a bad escape in the form',
      { 'match[]': 'up', x: '%ZZ' },
      'error parsing form values: invalid URL escape "%ZZ"',
    ],
  ])('%s: 400 bad_data', async (_, params, error) => {
    const raw = qs(params).replace('%25ZZ', '%ZZ');
    const r = await call(api, `/api/v1/series${raw}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual(badData(error));
  });
});

describe('match[] as Prometheus 3.5 parses a series selector', () => {
  // Messages of Prometheus 3.5.3 for each value (conformance/test/differential.test.ts
  // compares more of them with a running Prometheus).
  test.each([
    ['', 'unknown position: parse error: unexpected end of input'],
    ['  ', '1:3: parse error: unexpected end of input'],
    ['1', '1:1: parse error: unexpected number "1"'],
    ['"up"', '1:1: parse error: unexpected string "\\"up\\""'],
    ['up[5m]', '1:3: parse error: unexpected "["'],
    ['up offset 5m', '1:4: parse error: unexpected <offset>'],
    ['up OFFSET', '1:4: parse error: unexpected <OFFSET>'],
    ['sum(up)', '1:4: parse error: unexpected "("'],
    ['up or x', '1:4: parse error: unexpected <op:or>'],
    ['up sum', '1:4: parse error: unexpected <aggr:sum>'],
    ['up start', '1:4: parse error: unexpected "start"'],
    ['up == x', '1:4: parse error: unexpected <op:==>'],
    ['up@100', '1:3: parse error: unexpected "<Item 57400>" <op:@>'],
    ['up 5m', '1:4: parse error: unexpected duration "5m"'],
    ['up x:y', '1:4: parse error: unexpected metric identifier "x:y"'],
    ["up 'a very long string'", `1:4: parse error: unexpected string "'a very lo"...`],
    ['up )', "1:5: parse error: unexpected right parenthesis ')'"],
    ['up ]', "1:4: parse error: unexpected right bracket ']'"],
    ['up }', "1:4: parse error: unexpected character: '}'"],
    ['up ! x', "1:4: parse error: unexpected character after '!': ' '"],
    ['up "a', '1:4: parse error: unterminated quoted string'],
    ['on{job="api"}', '1:1: parse error: unexpected <on>'],
    ['nan', '1:1: parse error: unexpected number "nan"'],
    ['{a="b"}{c="d"}', '1:8: parse error: unexpected "{"'],
    ['up{a="b"} x', '1:11: parse error: unexpected identifier "x"'],
    // A problem inside the braces comes first.
    ['up{a=~"("} x', '1:4: parse error: error parsing regexp: missing closing ): `(`'],
  ])('%j: %s', async (selector, error) => {
    const r = await call(api, `/api/v1/series${qs({ 'match[]': selector })}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual(badData(`invalid parameter "match[]": ${error}`));
  });

  test('keywords name metrics; comments and white space around the selector are fine', async () => {
    for (const selector of ['sum{job="api"}', 'offset', 'by']) {
      const r = await call(api, `/api/v1/series${qs({ 'match[]': selector })}`);
      expect(r.body, selector).toBe('{"status":"success","data":[]}');
    }
    const r = await call(api, `/api/v1/series${qs({ 'match[]': ' up{job="web"} # web only\n' })}`);
    expect(r.json.data).toEqual([{ __name__: 'up', instance: 'w:80', job: 'web' }]);
  });
});

describe('/api/v1/labels', () => {
  test('all label names, byte for byte', async () => {
    const r = await call(api, '/api/v1/labels');
    expect(r.body).toBe(
      '{"status":"success","data":["__name__","instance","job","label","method","status"]}',
    );
  });

  test('with match[], GET and POST', async () => {
    const expected = ['__name__', 'instance', 'job'];
    expect((await call(api, `/api/v1/labels${qs({ 'match[]': 'up' })}`)).json.data).toEqual(
      expected,
    );
    expect((await call(api, '/api/v1/labels', form({ 'match[]': 'up' }))).json.data).toEqual(
      expected,
    );
    expect(
      (await call(api, `/api/v1/labels${qs({ 'match[]': ['up', 'weird'] })}`)).json.data,
    ).toEqual(['__name__', 'instance', 'job', 'label']);
  });

  test('start and end, and limit', async () => {
    expect((await call(api, `/api/v1/labels${qs({ start: '0', end: '10' })}`)).json.data).toEqual(
      [],
    );
    const r = await call(api, `/api/v1/labels${qs({ limit: '2' })}`);
    expect(r.json).toEqual({
      status: 'success',
      data: ['__name__', 'instance'],
      warnings: ['results truncated due to limit'],
    });
  });

  test('errors', async () => {
    const r = await call(api, `/api/v1/labels${qs({ 'match[]': '{a=~".*"}' })}`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual(badData('match[] must contain at least one non-empty matcher'));
    const bad = await call(api, `/api/v1/labels${qs({ end: 'x' })}`);
    expect(bad.json.error).toBe(
      `invalid parameter "end": invalid time value for 'end': cannot parse "x" to a valid timestamp`,
    );
  });
});

describe('/api/v1/label/<name>/values', () => {
  test('metric names', async () => {
    const r = await call(api, '/api/v1/label/__name__/values');
    expect(r.body).toBe('{"status":"success","data":["http_requests_total","up","weird"]}');
  });

  test('values are HTML-escaped in this list, as in Prometheus', async () => {
    const r = await call(api, '/api/v1/label/label/values');
    expect(r.body).toBe('{"status":"success","data":["\\u003ca\\u0026b\\u003e"]}');
    expect(r.json.data).toEqual(['<a&b>']);
  });

  test('match[], start, end and limit', async () => {
    const base = '/api/v1/label/instance/values';
    expect((await call(api, `${base}${qs({ 'match[]': 'up{job="api"}' })}`)).json.data).toEqual([
      'a:80',
      'b:80',
    ]);
    expect(
      (await call(api, `${base}${qs({ 'match[]': 'up', start: '0', end: '1' })}`)).json.data,
    ).toEqual([]);
    const r = await call(api, `${base}${qs({ limit: '1' })}`);
    expect(r.json.data).toEqual(['a:80']);
    expect(r.json.warnings).toEqual(['results truncated due to limit']);
  });

  test('U__ escaped names', async () => {
    const r = await call(api, '/api/v1/label/U__j_6f_b/values');
    expect(r.json.data).toEqual(['api', 'web']);
  });

  test('unknown label: no values', async () => {
    expect((await call(api, '/api/v1/label/nope/values')).body).toBe(
      '{"status":"success","data":[]}',
    );
  });

  test('errors', async () => {
    const r = await call(api, `/api/v1/label/job/values${qs({ limit: 'x' })}`);
    expect(r.json).toEqual(
      badData('invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax'),
    );
    const m = await call(api, `/api/v1/label/job/values${qs({ 'match[]': 'up{' })}`);
    expect(m.json).toEqual(badData('1:4: parse error: unexpected end of input inside braces'));
    const post = await call(api, '/api/v1/label/job/values', form({}));
    expect(post.status).toBe(405);
  });
});

describe('/api/v1/metadata', () => {
  test('every family, sorted, HTML-escaped', async () => {
    const r = await call(api, '/api/v1/metadata');
    expect(r.body).toBe(
      '{"status":"success","data":{"http_requests_total":[{"type":"counter","help":"Total HTTP requests.","unit":""}],"up":[{"type":"gauge","help":"Whether the target is \\u003cup\\u003e.","unit":""}]}}',
    );
  });

  test('metric, limit and limit_per_metric', async () => {
    expect(Object.keys((await call(api, '/api/v1/metadata?metric=up')).json.data)).toEqual(['up']);
    expect((await call(api, '/api/v1/metadata?metric=nope')).body).toBe(
      '{"status":"success","data":{}}',
    );
    expect(Object.keys((await call(api, '/api/v1/metadata?limit=1')).json.data)).toHaveLength(1);
    expect((await call(api, '/api/v1/metadata?limit=0')).json.data).toEqual({});
    expect((await call(api, '/api/v1/metadata?limit_per_metric=1')).json.data.up).toHaveLength(1);
  });

  test('errors', async () => {
    expect((await call(api, '/api/v1/metadata?limit=x')).json).toEqual(
      badData('limit must be a number'),
    );
    expect((await call(api, '/api/v1/metadata?limit_per_metric=x')).json).toEqual(
      badData('limit_per_metric must be a number'),
    );
  });

  test('a storage without metadata', async () => {
    const s = fixtureStorage();
    const h = fixtureHandler({ storage: { ...bind(s), metadata: undefined } });
    expect((await call(h, '/api/v1/metadata')).body).toBe('{"status":"success","data":{}}');
  });
});

describe('/api/v1/format_query and /api/v1/parse_query', () => {
  test('format_query: short queries on one line', async () => {
    const r = await call(api, `/api/v1/format_query${qs({ query: 'sum(rate(x[5m]))by(job)' })}`);
    expect(r.body).toBe('{"status":"success","data":"sum by (job) (rate(x[5m]))"}');
  });

  test('format_query: long queries split and indented', async () => {
    const query =
      'sum by (job) (rate(http_requests_total{status="500",job="api",path="/api/orders"}[5m])) / sum by (job) (rate(http_requests_total{job="api",path="/api/orders"}[5m]))';
    const r = await call(api, '/api/v1/format_query', form({ query }));
    expect(r.json.data).toBe(
      [
        '  sum by (job) (rate(http_requests_total{job="api",path="/api/orders",status="500"}[5m]))',
        '/',
        '  sum by (job) (rate(http_requests_total{job="api",path="/api/orders"}[5m]))',
      ].join('\n'),
    );
    const long = await call(
      api,
      '/api/v1/format_query',
      form({
        query:
          'topk(5, sum by (job, instance, method, path, status) (rate(http_requests_total{job="api",status="500"}[5m])))',
      }),
    );
    expect(long.json.data).toBe(
      [
        'topk(',
        '  5,',
        '  sum by (job, instance, method, path, status) (rate(http_requests_total{job="api",status="500"}[5m]))',
        ')',
      ].join('\n'),
    );
  });

  test('format_query error', async () => {
    const r = await call(api, `/api/v1/format_query${qs({ query: '1+' })}`);
    expect(r.json).toEqual(
      badData('invalid parameter "query": 1:3: parse error: unexpected end of input'),
    );
  });

  test('parse_query: the tree with sorted keys', async () => {
    const r = await call(
      api,
      `/api/v1/parse_query${qs({ query: 'sum by (job) (rate(x{a="b"}[5m])) > bool 1' })}`,
    );
    expect(r.body).toBe(
      '{"status":"success","data":{"bool":true,"lhs":{"expr":{"args":[{"matchers":[{"name":"a","type":"=","value":"b"},{"name":"__name__","type":"=","value":"x"}],"name":"x","offset":0,"range":300000,"startOrEnd":null,"timestamp":null,"type":"matrixSelector"}],"func":{"argTypes":["matrix"],"name":"rate","returnType":"vector","variadic":0},"type":"call"},"grouping":["job"],"op":"sum","param":null,"type":"aggregation","without":false},"matching":null,"op":"\\u003e","rhs":{"type":"numberLiteral","val":"1"},"type":"binaryExpr"}}',
    );
  });

  test('parse_query: selectors with @ and offset, subqueries', async () => {
    const r = await call(
      api,
      `/api/v1/parse_query${qs({ query: 'max_over_time(up[1h:5m] offset 1m @ start())' })}`,
    );
    expect(r.status).toBe(200);
    const sub = r.json.data.args[0];
    expect(sub).toMatchObject({
      type: 'subquery',
      range: 3_600_000,
      step: 300_000,
      offset: 60_000,
    });
    const at = await call(api, `/api/v1/parse_query${qs({ query: 'up @ 100 offset -5m' })}`);
    expect(at.json.data).toMatchObject({
      type: 'vectorSelector',
      timestamp: 100_000,
      offset: -300_000,
    });
  });
});

describe('/api/v1/status/buildinfo, rules, alerts, exemplars', () => {
  test('buildinfo: Prometheus 3.5 fields, configurable', async () => {
    const r = await call(api, '/api/v1/status/buildinfo');
    expect(Object.keys(r.json.data)).toEqual([
      'version',
      'revision',
      'branch',
      'buildUser',
      'buildDate',
      'goVersion',
    ]);
    expect(r.json.data.version).toBe('3.5.0');
    const custom = fixtureHandler({ buildInfo: { version: '3.5.1', revision: 'abc' } });
    expect((await call(custom, '/api/v1/status/buildinfo')).json.data).toMatchObject({
      version: '3.5.1',
      revision: 'abc',
      branch: 'promql-ts',
    });
  });

  test('no rules, no alerts, no exemplars', async () => {
    expect((await call(api, '/api/v1/rules')).body).toBe(
      '{"status":"success","data":{"groups":[]}}',
    );
    expect((await call(api, '/api/v1/alerts')).body).toBe(
      '{"status":"success","data":{"alerts":[]}}',
    );
    expect((await call(api, '/api/v1/query_exemplars?query=up')).body).toBe(
      '{"status":"success","data":[]}',
    );
    expect((await call(api, '/api/v1/query_exemplars?query=up{')).status).toBe(400);
  });
});

describe('health, page, routing, CORS', () => {
  test('/-/healthy and /-/ready', async () => {
    const h = await call(api, '/-/healthy');
    expect([h.status, h.body]).toEqual([200, 'Prometheus Server is Healthy.\n']);
    const r = await call(api, '/-/ready');
    expect([r.status, r.body]).toEqual([200, 'Prometheus Server is Ready.\n']);
    const head = await call(api, '/-/ready', { method: 'HEAD' });
    expect([head.status, head.body]).toEqual([200, '']);
  });

  test('the page at /, or not', async () => {
    const r = await call(api, '/');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<textarea id="expr"');
    expect(r.body).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const none = fixtureHandler({ ui: false });
    expect((await call(none, '/')).status).toBe(404);
  });

  test('unknown paths and methods', async () => {
    expect(await call(api, '/api/v1/nope')).toMatchObject({
      status: 404,
      body: '404 page not found\n',
    });
    expect(await call(api, '/graph')).toMatchObject({ status: 404 });
    const del = await call(api, '/api/v1/query?query=up', { method: 'DELETE' });
    expect(del.status).toBe(405);
    expect(del.headers.get('allow')).toBe('GET, POST, OPTIONS');
  });

  test('routes on the decoded path, as Go does', async () => {
    expect((await call(api, '/api/v1/quer%79?query=up')).body).toBe(UP_VECTOR);
    expect((await call(api, '/api/v1/label/jo%62/values')).json.data).toEqual(['api', 'web']);
    // An encoded slash splits the label name: no such route.
    expect(await call(api, '/api/v1/label/a%2Fb/values')).toMatchObject({ status: 404 });
  });

  test('CORS headers for browsers, OPTIONS preflight', async () => {
    const r = await call(api, '/api/v1/query?query=up', {
      headers: { Origin: 'http://grafana.local' },
    });
    expect(r.headers.get('access-control-allow-origin')).toBe('http://grafana.local');
    expect(r.headers.get('vary')).toBe('Origin');
    expect(
      (await call(api, '/api/v1/query?query=up')).headers.get('access-control-allow-origin'),
    ).toBeNull();
    const pre = await call(api, '/api/v1/query_range', {
      method: 'OPTIONS',
      headers: { Origin: 'http://x' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
  });

  test('form encoding: + and %XX, repeated keys, bad escapes skipped', async () => {
    const r = await call(api, '/api/v1/query?query=up%7Binstance%3D%22a%3A80%22%7D+%2B+0');
    expect(r.json.data.result).toHaveLength(1);
    const bad = await call(api, '/api/v1/query?query=%zz&query=up');
    expect(bad.json.data.result).toHaveLength(3);
  });
});

describe('concurrency and timeouts', () => {
  /** A storage whose reads wait until released. */
  function slowStorage() {
    const s = fixtureStorage();
    const waiting: (() => void)[] = [];
    const storage: Storage = {
      ...bind(s),
      select: (m, h) =>
        new Promise((resolve) => {
          waiting.push(() => resolve(s.select(m, h)));
        }),
    };
    return {
      storage,
      release: () => {
        for (const f of waiting.splice(0)) f();
      },
      waiting,
    };
  }

  /** Waits until `cond` holds (polling), or fails after 5 s. */
  async function until(cond: () => boolean): Promise<void> {
    const end = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  test('queries above the limit queue, then run', async () => {
    const slow = slowStorage();
    const h = fixtureHandler({ storage: slow.storage, maxConcurrency: 1 });
    const first = call(h, '/api/v1/query?query=up');
    const second = call(h, '/api/v1/query?query=up');
    await until(() => slow.waiting.length === 1);
    // The second query waits for the slot, not for the storage.
    await new Promise((r) => setTimeout(r, 30));
    expect(slow.waiting).toHaveLength(1);
    slow.release();
    await until(() => slow.waiting.length === 1);
    slow.release();
    const [a, b] = await Promise.all([first, second]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.body).toBe(UP_VECTOR);
  });

  test('a query waiting too long for a slot times out: 503', async () => {
    const slow = slowStorage();
    const h = fixtureHandler({ storage: slow.storage, maxConcurrency: 1, timeoutMs: 100 });
    const first = call(h, '/api/v1/query?query=up');
    const second = await call(h, '/api/v1/query?query=up&timeout=0.05');
    expect(second.status).toBe(503);
    expect(second.json).toEqual({
      status: 'error',
      errorType: 'timeout',
      error: 'query timed out in query queue',
    });
    // The first one's storage never answers: it times out too, and frees its slot.
    const a = await first;
    expect(a.status).toBe(503);
    expect(a.json.errorType).toBe('timeout');
    slow.release();
    const after = await call(fixtureHandler({ maxConcurrency: 1 }), '/api/v1/query?query=up');
    expect(after.status).toBe(200);
  });

  test('a timeout parameter only shortens the configured timeout', async () => {
    const slow = slowStorage();
    const h = fixtureHandler({ storage: slow.storage, timeoutMs: 50 });
    const began = Date.now();
    const r = await call(h, '/api/v1/query?query=up&timeout=1h');
    expect(r.status).toBe(503);
    expect(Date.now() - began).toBeLessThan(2000);
    slow.release();
  });
});

describe('Prometheus time defaults', () => {
  test('boundary times Prometheus clients send', async () => {
    const r = await call(
      api,
      `/api/v1/labels${qs({ start: '-292273086-05-16T16:47:06Z', end: '292277025-08-18T07:12:54.999999999Z' })}`,
    );
    expect(r.json.data).toContain('job');
  });

  test('queries without time use the handler clock', async () => {
    const h = fixtureHandler({ now: () => NOW + 3_600_000 });
    expect((await call(h, '/api/v1/query?query=up')).json.data.result).toEqual([]);
  });
});

test('a very long configured timeout does not fire at once', async () => {
  const h = fixtureHandler({ timeoutMs: Number.POSITIVE_INFINITY, maxConcurrency: 1 });
  expect((await call(h, '/api/v1/query?query=up')).status).toBe(200);
  expect((await call(h, '/api/v1/query?query=up&timeout=100000d')).status).toBe(200);
});

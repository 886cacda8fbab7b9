/**
 * `handleNode` and `startServer`: real sockets, bodies read from the request stream or
 * pre-parsed by a framework, raw bytes in URLs, and a server that survives bad requests.
 */
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApiHandler, MAX_POINTS_PER_SERIES, startServer } from '../src/index.js';
import { fixtureStorage, NOW } from './fixture.js';

/** A raw HTTP request, so that tests control every byte of the target and body. */
function raw(
  port: number,
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingMessage['headers']; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

describe('startServer', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ storage: fixtureStorage(), port: 0, now: () => NOW });
  });
  afterAll(() => server.close());

  test('listens on 127.0.0.1 by default and reports its URL', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    expect((server.server.address() as AddressInfo).address).toBe('127.0.0.1');
  });

  test('POST form bodies, chunked', async () => {
    const r = await raw(server.port, 'POST', '/api/v1/query', 'query=up%7Bjob%3D%22web%22%7D', {
      'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
      'Transfer-Encoding': 'chunked',
    });
    expect(JSON.parse(r.body).data.result).toHaveLength(1);
  });

  test('other content types are not read as forms, as in Go', async () => {
    const r = await raw(server.port, 'POST', '/api/v1/query?time=1', 'query=up', {
      'Content-Type': 'text/plain',
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toBe(
      'invalid parameter "query": unknown position: parse error: no expression found in input',
    );
  });

  test('percent-encoded UTF-8 in the URL', async () => {
    const r = await raw(
      server.port,
      'GET',
      '/api/v1/query?query=label_replace(up,"x","%C3%A9","","")',
    );
    expect(r.status).toBe(200);
    expect(r.body).toContain('"x":"\u00e9"');
  });

  test('a body larger than 10 MiB is not read', async () => {
    const big = `query=up&pad=${'a'.repeat(10 * 1024 * 1024)}`;
    const r = await raw(server.port, 'POST', '/api/v1/series', big, {
      'Content-Type': 'application/x-www-form-urlencoded',
    });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error).toBe('error parsing form values: http: POST too large');
  });

  test('HEAD and 204', async () => {
    const head = await raw(server.port, 'HEAD', '/-/healthy');
    expect([head.status, head.body]).toEqual([200, '']);
    const options = await raw(server.port, 'OPTIONS', '/api/v1/labels', undefined, { Origin: 'x' });
    expect([options.status, options.body]).toEqual([204, '']);
  });

  test('many bad requests in a row leave the server up', async () => {
    const bad = [
      '/api/v1/query?query=%ff%fe',
      `/api/v1/query?query=${'('.repeat(5000)}`,
      '/api/v1/query_range?query=up&start=1&end=2&step=NaN',
      '/api/v1/query_range?query=up&start=Inf&end=NaN&step=1',
      '/api/v1/label/%ff/values',
      `/api/v1/series?match[]=${encodeURIComponent('{__name__=~"("}')}`,
      '/api/v1/query?query=up&timeout=-1s',
    ];
    for (const path of bad) {
      const r = await raw(server.port, 'GET', path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(JSON.parse(r.body).status, path).toBe('error');
    }
    // A bad escape in the path is refused before routing, as Go's server does.
    const badPath = await raw(server.port, 'GET', '/api/v1/label/%zz/values');
    expect([badPath.status, badPath.body]).toEqual([400, '400 Bad Request']);
    const ok = await raw(server.port, 'GET', '/api/v1/query?query=up');
    expect(ok.status).toBe(200);
  });

  test('close is idempotent', async () => {
    const s = await startServer({ storage: fixtureStorage(), port: 0 });
    await Promise.all([s.close(), s.close()]);
    await expect(fetch(`${s.url}/-/ready`)).rejects.toThrow();
  });

  test('exports the points-per-series limit', () => {
    expect(MAX_POINTS_PER_SERIES).toBe(11_000);
  });
});

describe('handleNode mounted in an existing server', () => {
  test('next to other routes, and behind a body parser (Express style)', async () => {
    const api = createApiHandler({ storage: fixtureStorage(), now: () => NOW });
    const app = createServer((req, res) => {
      if (req.url === '/other') {
        res.end('mine');
        return;
      }
      if (req.url?.startsWith('/parsed')) {
        // What express.urlencoded() leaves: the stream consumed, the fields on req.body.
        req.url = req.url.slice('/parsed'.length);
        req.resume();
        req.on('end', () => {
          (req as IncomingMessage & { body: unknown }).body = {
            query: 'up',
            'match[]': ['up', 'weird'],
          };
          void api.handleNode(req, res);
        });
        return;
      }
      void api.handleNode(req, res);
    });
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const port = (app.address() as AddressInfo).port;
    try {
      expect((await raw(port, 'GET', '/other')).body).toBe('mine');
      expect(
        JSON.parse((await raw(port, 'GET', '/api/v1/query?query=up')).body).data.result,
      ).toHaveLength(3);
      const parsed = await raw(port, 'POST', '/parsed/api/v1/series', 'ignored=1', {
        'Content-Type': 'application/x-www-form-urlencoded',
      });
      expect(JSON.parse(parsed.body).data).toHaveLength(4);
    } finally {
      app.closeAllConnections();
      await new Promise((r) => app.close(r));
    }
  });
});

/**
 * Test data: a small fleet over ten minutes at 15s, with a counter reset, a target that
 * goes down, metadata, and a label value that needs escaping in JSON.
 */
import type { Storage } from '@promql-ts/engine';
import { MemoryStorage } from '@promql-ts/storage-mem';
import { type ApiHandler, type ApiHandlerOptions, createApiHandler } from '../src/index.js';

/** 2023-11-14T22:13:20Z: the first sample. */
export const T0 = 1_700_000_000_000;
/** The last sample, and the handler's "now". */
export const NOW = T0 + 600_000;
export const NOW_S = NOW / 1000;

export function fixtureStorage(): MemoryStorage {
  const s = new MemoryStorage();
  const ts = Array.from({ length: 41 }, (_, i) => T0 + i * 15_000);
  const series = (labels: Record<string, string>, f: (i: number) => number) =>
    s.addSeries(
      labels,
      ts,
      Float64Array.from(ts, (_, i) => f(i)),
    );
  series({ __name__: 'up', job: 'api', instance: 'a:80' }, () => 1);
  series({ __name__: 'up', job: 'api', instance: 'b:80' }, (i) => (i < 20 ? 1 : 0));
  series({ __name__: 'up', job: 'web', instance: 'w:80' }, () => 1);
  const req = (job: string, instance: string, method: string, status: string) => ({
    __name__: 'http_requests_total',
    job,
    instance,
    method,
    status,
  });
  series(req('api', 'a:80', 'GET', '200'), (i) => i * 10);
  series(req('api', 'b:80', 'GET', '200'), (i) => (i < 20 ? i * 20 : (i - 19) * 20));
  series(req('api', 'a:80', 'POST', '500'), (i) => i);
  series(req('web', 'w:80', 'GET', '200'), (i) => i * 5);
  series({ __name__: 'weird', label: '<a&b>' }, () => 1);
  s.setMetadata('http_requests_total', { type: 'counter', help: 'Total HTTP requests.' });
  s.setMetadata('up', { type: 'gauge', help: 'Whether the target is <up>.' });
  return s;
}

/** A handler over the fixture, with the clock at {@link NOW}. */
export function fixtureHandler(
  options: Partial<ApiHandlerOptions> & { storage?: Storage } = {},
): ApiHandler {
  return createApiHandler({ storage: fixtureStorage(), now: () => NOW, ...options });
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience
  readonly json: any;
}

/** Sends a request through `handleFetch`. */
export async function call(api: ApiHandler, path: string, init?: RequestInit): Promise<Reply> {
  const res = await api.handleFetch(new Request(`http://localhost${path}`, init));
  const body = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(body);
  } catch {
    // not JSON
  }
  return { status: res.status, headers: res.headers, body, json };
}

/** A POST with a URL-encoded form body. */
export function form(params: Record<string, string | string[]>): RequestInit {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) p.append(k, item);
  }
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: p.toString(),
  };
}

/** `?a=b&…` with proper encoding. */
export function qs(params: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) p.append(k, item);
  }
  return `?${p.toString()}`;
}

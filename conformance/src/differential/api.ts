/**
 * Byte-level comparison of two Prometheus-compatible HTTP APIs: the same requests
 * (`api-corpus.ts`) go to a reference (a real Prometheus) and a candidate (the
 * `@promql-ts/server` over a `MemoryStorage` holding the same data), and the status code,
 * the Content-Type header (and any header a request names) and the body bytes must be
 * equal. Bodies are compared after the request's narrow normalizations only: measured
 * durations in `stats`, and the build description of `/api/v1/status/buildinfo`.
 */
import { request as httpRequest } from 'node:http';
import type { Storage } from '@promql-ts/engine';
import type { ApiNormalization, ApiRequest } from './api-corpus.js';

/** What a server answered. */
export interface ApiResponse {
  readonly status: number;
  /** Response headers, names in lower case (repeated ones joined with `, `). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

/** The outcome of one request. */
export interface ApiComparison {
  readonly id: string;
  readonly request: ApiRequest;
  readonly status: 'match' | 'mismatch';
  /** What differs, reference first (empty when they match). */
  readonly differences: readonly string[];
  readonly reference: ApiResponse;
  readonly candidate: ApiResponse;
}

/** The path and body a request is sent with. */
export function encodeApiRequest(req: ApiRequest): { path: string; body: string | null } {
  const form = new URLSearchParams();
  for (const [k, v] of req.params ?? []) form.append(k, v);
  const encoded = form.toString();
  if (req.method === 'POST') return { path: req.path, body: encoded };
  if (encoded === '') return { path: req.path, body: null };
  return { path: `${req.path}${req.path.includes('?') ? '&' : '?'}${encoded}`, body: null };
}

/**
 * Sends `req` to the server at `baseUrl` with `node:http` (no `Accept-Encoding`: bodies
 * come uncompressed; the path goes out exactly as written, bad escapes included).
 */
export function sendApiRequest(
  baseUrl: string,
  req: ApiRequest,
  timeoutMs = 60_000,
): Promise<ApiResponse> {
  const url = new URL(baseUrl);
  const { path, body } = encodeApiRequest(req);
  const headers: Record<string, string> = { ...req.headers };
  if (body !== null) {
    headers['Content-Type'] = req.contentType ?? 'application/x-www-form-urlencoded';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname.replace(/\/$/, '')}${path}`,
        method: req.method,
        headers,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
          }
          resolve({ status: res.statusCode ?? 0, headers: out, body: Buffer.concat(chunks) });
        });
        res.once('error', reject);
      },
    );
    r.once('timeout', () => r.destroy(new Error(`${req.id}: no answer in ${timeoutMs} ms`)));
    r.once('error', reject);
    r.end(body ?? undefined);
  });
}

/**
 * A JSON number as json-iterator writes a Go `time.Duration`'s `Seconds()`: whole
 * nanoseconds, `0.000143072` or `8.05e-07`. Timings of any other form are left in place
 * by the normalization, so that a formatting difference still shows.
 */
const DURATION_SECONDS = /^(?:0|[1-9]\d*(?:\.\d{1,9})?|0\.\d{1,9}|[1-9](?:\.\d+)?e-0[6-9])$/;

/** The replacement of one normalization, applied to a body. */
function normalizeOne(body: string, kind: ApiNormalization): string {
  switch (kind) {
    // The timings of `stats` are durations measured on each side: each value becomes 0,
    // provided it is written as Prometheus writes one. Keys, their order and the sample
    // counts are still compared.
    case 'stats-timings':
      return body.replace(
        /"timings":\{([^{}]*)\}/,
        (_, fields: string) =>
          `"timings":{${fields.replace(/("[A-Za-z]+":)([^,]*)/g, (m, key: string, v: string) =>
            DURATION_SECONDS.test(v) ? `${key}0` : m,
          )}}`,
      );
    // The build description is the server's own (a Debian build of Prometheus against
    // promql-ts): the values of these six fields. Which fields there are, and their order,
    // are still compared.
    case 'build-info':
      return body.replace(
        /"(version|revision|branch|buildUser|buildDate|goVersion)":"(?:[^"\\]|\\.)*"/g,
        '"$1":"<build>"',
      );
  }
}

/** A body after the request's normalizations. */
export function normalizeApiBody(body: string, kinds: readonly ApiNormalization[] = []): string {
  let out = body;
  for (const k of kinds) out = normalizeOne(out, k);
  return out;
}

/** Up to `n` characters of `s` around `at`, on one line. */
function around(s: string, at: number, n = 60): string {
  const from = Math.max(0, at - n / 2);
  const cut = s.slice(from, from + n);
  return `${from > 0 ? '…' : ''}${JSON.stringify(cut).slice(1, -1)}${from + n < s.length ? '…' : ''}`;
}

/** The differences between a reference and a candidate response to `req`. */
export function diffApiResponses(
  req: ApiRequest,
  reference: ApiResponse,
  candidate: ApiResponse,
): string[] {
  const out: string[] = [];
  if (reference.status !== candidate.status) {
    out.push(`status ${candidate.status}, expected ${reference.status}`);
  }
  for (const h of ['content-type', ...(req.compareHeaders ?? [])]) {
    const want = reference.headers[h];
    const got = candidate.headers[h];
    if (want !== got) {
      out.push(`${h}: ${got ?? '(none)'}, expected ${want ?? '(none)'}`);
    }
  }
  const want = normalizeApiBody(reference.body.toString('utf8'), req.normalize);
  const got = normalizeApiBody(candidate.body.toString('utf8'), req.normalize);
  if (want !== got) {
    let i = 0;
    while (i < want.length && i < got.length && want[i] === got[i]) i++;
    out.push(
      `body differs at character ${i} (${got.length} characters, expected ${want.length}): got ${around(got, i)}, expected ${around(want, i)}`,
    );
  }
  return out;
}

/** Options of {@link runApiComparison}. */
export interface ApiComparisonOptions {
  /** Base URL of the reference (a real Prometheus). */
  readonly referenceUrl: string;
  /** Base URL of the candidate (e.g. `startServer`'s `url`). */
  readonly candidateUrl: string;
  readonly requests: readonly ApiRequest[];
  /** Per-request timeout in ms (default 60 s). */
  readonly timeoutMs?: number;
  /** Called after each request. */
  readonly onRequest?: (done: number, total: number, result: ApiComparison) => void;
}

/**
 * Sends every request to both servers, one at a time (the reference first), and compares
 * the answers. Sequential, so that timings (the `timeout` requests) are not disturbed.
 */
export async function runApiComparison(options: ApiComparisonOptions): Promise<ApiComparison[]> {
  const out: ApiComparison[] = [];
  for (const req of options.requests) {
    const reference = await sendApiRequest(options.referenceUrl, req, options.timeoutMs);
    const candidate = await sendApiRequest(options.candidateUrl, req, options.timeoutMs);
    const differences = diffApiResponses(req, reference, candidate);
    const result: ApiComparison = {
      id: req.id,
      request: req,
      status: differences.length === 0 ? 'match' : 'mismatch',
      differences,
      reference,
      candidate,
    };
    out.push(result);
    options.onRequest?.(out.length, options.requests.length, result);
  }
  return out;
}

/**
 * `storage` without its metadata. A Prometheus holds metadata only for what it scrapes,
 * none for backfilled blocks (its `/api/v1/metadata` answers `{}`): the candidate reads
 * the same samples, and the same (absent) metadata, through this view. Every other member
 * (optional ones included) is the storage's own.
 */
export function withoutMetadata<S extends Storage>(storage: S): Storage {
  return new Proxy(storage, {
    get(target, prop) {
      if (prop === 'metadata') return undefined;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
    has: (target, prop) => prop !== 'metadata' && Reflect.has(target, prop),
  });
}

/** A one-line account of a request, for test names and reports. */
export function describeApiRequest(req: ApiRequest): string {
  const { path, body } = encodeApiRequest(req);
  const text = `${req.method} ${path}${body === null || body === '' ? '' : ` <- ${body}`}`;
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

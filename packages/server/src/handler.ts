/**
 * The request handler: routes requests to the API endpoints, the health endpoints and the
 * query page, reads form parameters, and writes responses as Prometheus's web server does
 * (JSON bodies, status codes, CORS headers, `404 page not found`). One core serves both
 * Node's `(req, res)` and the web-standard `Request` → `Response`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Compat, DEFAULT_TIMEOUT_MS, type Storage } from '@promql-ts/engine';
import {
  type ApiContext,
  ApiError,
  type ApiSuccess,
  alerts,
  apiErrorOf,
  type BuildInfo,
  buildInfo,
  errorBody,
  formatQuery,
  labelNames,
  labelValues,
  metadata,
  parseQueryTree,
  query,
  queryExemplars,
  queryRange,
  rules,
  series,
  statusOf,
  successBody,
} from './endpoints.js';
import { QueryLimiter } from './limiter.js';
import { decodePathSegment, FormValues } from './params.js';
import { renderPage } from './ui/page.js';

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions {
  /** Where the series come from: any implementation of the engine's `Storage`. */
  readonly storage: Storage;
  /**
   * How many queries may run at once (Prometheus's `--query.max-concurrency`); more
   * wait in arrival order. Default 20.
   */
  readonly maxConcurrency?: number;
  /**
   * Milliseconds a query may take, waiting for a slot included (Prometheus's
   * `--query.timeout`); a request's `timeout` parameter can only shorten it. Default
   * 2 minutes.
   */
  readonly timeoutMs?: number;
  /** Default lookback delta in milliseconds (`--query.lookback-delta`); default 5 minutes. */
  readonly lookbackDeltaMs?: number;
  /** Most samples a query may hold (`--query.max-samples`); default 50,000,000. */
  readonly maxSamples?: number;
  /**
   * Step of subqueries that name none (`x[1h:]`): Prometheus's `evaluation_interval`.
   * Default 1 minute.
   */
  readonly defaultSubqueryStepMs?: number;
  /** Keep metric names until the end of the query (`promql-delayed-name-removal`). */
  readonly delayedNameRemoval?: boolean;
  /** Accept experimental functions and syntax, as Prometheus's feature flags do. */
  readonly experimental?: boolean;
  /** `'prometheus3'` (default) or `'prometheus2'` semantics. */
  readonly compat?: Compat;
  /** The current time in milliseconds (default `Date.now`), for queries without `time`. */
  readonly now?: () => number;
  /** What `/api/v1/status/buildinfo` reports; unset fields keep their defaults. */
  readonly buildInfo?: Partial<BuildInfo>;
  /** Serve the query page at `/` (default true). */
  readonly ui?: boolean;
}

/** A Prometheus-compatible HTTP API over a storage. */
export interface ApiHandler {
  /**
   * Handles a Node request: mount it in a `node:http` server or as Express middleware
   * (with or without `express.urlencoded()` before it). Never rejects: every failure is
   * answered with an error response.
   */
  handleNode(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Handles a web-standard request (Deno, Bun, workers, service workers, tests). */
  handleFetch(request: Request): Promise<Response>;
}

/**
 * The default build information: Prometheus 3.5's API version, so that clients (Grafana)
 * enable what that version supports, and `promql-ts` where Prometheus names its build.
 */
export const DEFAULT_BUILD_INFO: BuildInfo = {
  version: '3.5.0',
  revision: 'promql-ts',
  branch: 'promql-ts',
  buildUser: 'promql-ts',
  buildDate: '',
  goVersion: 'none (promql-ts)',
};

/** Go's `http.maxFormSize`: larger form bodies are not read. */
export const MAX_FORM_BYTES = 10 << 20;

/** A request reduced to what the handler reads. */
interface RawRequest {
  readonly method: string;
  /** The path as sent (percent-encoded). */
  readonly path: string;
  /** The query string's bytes, without `?`. */
  readonly query: Uint8Array;
  /** The body's bytes when it is a form to read, else null. */
  readonly body: Uint8Array | null;
  /** Form values a framework already parsed from the body (Express), else null. */
  readonly parsedBody: Readonly<Record<string, unknown>> | null;
  readonly contentType: string;
  readonly origin: string;
  readonly signal: AbortSignal | null;
}

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

type Endpoint = (
  ctx: ApiContext,
  form: FormValues,
  req: RawRequest,
) => ApiSuccess | Promise<ApiSuccess>;

/** The API routes (under `/api/v1`) and the methods each accepts. */
const ROUTES: Readonly<Record<string, { methods: readonly string[]; run: Endpoint }>> = {
  '/query': { methods: ['GET', 'POST'], run: (c, f, r) => query(c, f, r.signal) },
  '/query_range': { methods: ['GET', 'POST'], run: (c, f, r) => queryRange(c, f, r.signal) },
  '/query_exemplars': { methods: ['GET', 'POST'], run: queryExemplars },
  '/format_query': { methods: ['GET', 'POST'], run: formatQuery },
  '/parse_query': { methods: ['GET', 'POST'], run: parseQueryTree },
  '/labels': { methods: ['GET', 'POST'], run: labelNames },
  '/series': { methods: ['GET', 'POST'], run: series },
  '/metadata': { methods: ['GET'], run: metadata },
  '/status/buildinfo': { methods: ['GET'], run: buildInfo },
  '/rules': { methods: ['GET'], run: rules },
  '/alerts': { methods: ['GET'], run: alerts },
};

const LABEL_VALUES = /^\/label\/([^/]+)\/values$/;

const TEXT = 'text/plain; charset=utf-8';

/**
 * Prometheus's CORS headers (`httputil.SetCORS` with the default `--web.cors.origin` `.*`,
 * which matches every origin: Prometheus 3.5 echoes the request's `Origin`).
 */
function corsHeaders(origin: string): Record<string, string> {
  if (origin === '') return {};
  return {
    'Access-Control-Allow-Headers': 'Accept, Authorization, Content-Type, Origin',
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Expose-Headers': 'Date',
    Vary: 'Origin',
    'Access-Control-Allow-Origin': origin,
  };
}

const text = (status: number, body: string, headers: Record<string, string> = {}): RawResponse => ({
  status,
  headers: { 'Content-Type': TEXT, ...headers },
  body,
});

/** Whether the content type is a URL-encoded form (Go's `parsePostForm`). */
function isForm(contentType: string): boolean {
  return contentType.split(';')[0]!.trim().toLowerCase() === 'application/x-www-form-urlencoded';
}

/** Reads the form values: the body's first, then the URL's, as Go's `Request.Form`. */
function readForm(req: RawRequest): FormValues {
  const form = new FormValues();
  const hasBody = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';
  if (hasBody && req.parsedBody !== null) {
    for (const [k, v] of Object.entries(req.parsedBody)) {
      for (const item of Array.isArray(v) ? v : [v]) form.add(k, String(item));
    }
  } else if (hasBody && req.body !== null && isForm(req.contentType)) {
    if (req.body.length > MAX_FORM_BYTES) form.parseError = 'http: POST too large';
    else form.addEncoded(req.body);
  }
  form.addEncoded(req.query);
  return form;
}

/**
 * Creates the HTTP handler of a Prometheus-compatible API over `options.storage`.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { createApiHandler } from '@promql-ts/server';
 * const api = createApiHandler({ storage });
 * createServer((req, res) => api.handleNode(req, res)).listen(9090);
 * ```
 */
export function createApiHandler(options: ApiHandlerOptions): ApiHandler {
  const ctx: ApiContext = {
    storage: options.storage,
    limiter: new QueryLimiter(Math.max(1, options.maxConcurrency ?? 20)),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    lookbackDeltaMs: options.lookbackDeltaMs,
    maxSamples: options.maxSamples,
    defaultSubqueryStepMs: options.defaultSubqueryStepMs,
    delayedNameRemoval: options.delayedNameRemoval ?? false,
    experimental: options.experimental ?? false,
    compat: options.compat ?? 'prometheus3',
    now: options.now ?? Date.now,
    buildInfo: { ...DEFAULT_BUILD_INFO, ...options.buildInfo },
  };
  const ui = options.ui ?? true;
  let page: string | null = null;

  async function api(req: RawRequest, route: string): Promise<RawResponse> {
    const cors = corsHeaders(req.origin);
    if (req.method === 'OPTIONS') return { status: 204, headers: cors, body: '' };
    let run: Endpoint | null = null;
    let methods: readonly string[] = [];
    const labelMatch = LABEL_VALUES.exec(route);
    if (labelMatch !== null) {
      methods = ['GET'];
      const name = labelMatch[1]!;
      run = (c, f) => labelValues(c, name, f);
    } else if (Object.hasOwn(ROUTES, route)) {
      methods = ROUTES[route]!.methods;
      run = ROUTES[route]!.run;
    }
    if (run === null) return text(404, '404 page not found\n');
    if (!methods.includes(req.method)) {
      return text(405, 'Method Not Allowed\n', { Allow: [...methods, 'OPTIONS'].join(', ') });
    }
    const json = { 'Content-Type': 'application/json', ...cors };
    try {
      const result = await run(ctx, readForm(req), req);
      if (result.data === null) return { status: 204, headers: cors, body: '' };
      return { status: 200, headers: json, body: successBody(result) };
    } catch (e) {
      const err = apiErrorOf(e);
      return { status: statusOf(err.type), headers: json, body: errorBody(err) };
    }
  }

  async function dispatch(req: RawRequest): Promise<RawResponse> {
    // Go's server routes on the decoded path (`/api/v1/quer%79` is the query endpoint, a
    // label name with `%2F` holds a `/`), and refuses a path with a bad escape.
    const path = decodePathSegment(req.path);
    if (path === null) {
      return {
        status: 400,
        headers: { 'Content-Type': TEXT, Connection: 'close' },
        body: '400 Bad Request',
      };
    }
    if (path.startsWith('/api/v1/')) return api(req, path.slice('/api/v1'.length));
    const getOrHead = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/-/healthy' || path === '/-/ready') {
      if (!getOrHead) return text(405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      return text(200, `Prometheus Server is ${path === '/-/ready' ? 'Ready' : 'Healthy'}.\n`);
    }
    if (ui && (path === '/' || path === '/index.html')) {
      if (!getOrHead) return text(405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
      page ??= renderPage();
      return {
        status: 200,
        headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' },
        body: page,
      };
    }
    return text(404, '404 page not found\n');
  }

  /** Never throws: an unexpected failure is a 500 with Prometheus's error body. */
  async function respond(req: RawRequest): Promise<RawResponse> {
    try {
      return await dispatch(req);
    } catch (e) {
      const err = new ApiError('internal', e instanceof Error ? e.message : String(e));
      return { status: 500, headers: { 'Content-Type': 'application/json' }, body: errorBody(err) };
    }
  }

  return {
    async handleNode(req, res) {
      try {
        const raw = await fromNode(req, res);
        const out = await respond(raw);
        if (res.headersSent || res.destroyed) return;
        res.writeHead(out.status, out.headers);
        res.end(req.method === 'HEAD' || out.status === 204 ? undefined : out.body);
      } catch (e) {
        if (!res.headersSent && !res.destroyed) {
          res.writeHead(500, { 'Content-Type': TEXT });
          res.end(`${e instanceof Error ? e.message : String(e)}\n`);
        } else res.destroy();
      }
    },

    async handleFetch(request) {
      const raw = await fromFetch(request);
      const out = await respond(raw);
      const empty = request.method === 'HEAD' || out.status === 204;
      return new Response(empty ? null : out.body, { status: out.status, headers: out.headers });
    },
  };
}

function splitUrl(url: string): { path: string; query: string } {
  const hash = url.indexOf('#');
  const noHash = hash < 0 ? url : url.slice(0, hash);
  const q = noHash.indexOf('?');
  return q < 0
    ? { path: noHash, query: '' }
    : { path: noHash.slice(0, q), query: noHash.slice(q + 1) };
}

/** Node delivers the request target byte for byte as latin1 characters. */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

function hasFormBody(method: string): boolean {
  return method === 'POST' || method === 'PUT' || method === 'PATCH';
}

async function fromNode(req: IncomingMessage, res: ServerResponse): Promise<RawRequest> {
  const method = req.method ?? 'GET';
  const { path, query } = splitUrl(req.url ?? '/');
  const contentType = String(req.headers['content-type'] ?? '');
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  let body: Uint8Array | null = null;
  let parsedBody: Record<string, unknown> | null = null;
  const preParsed = (req as IncomingMessage & { body?: unknown }).body;
  if (hasFormBody(method)) {
    if (
      preParsed !== undefined &&
      preParsed !== null &&
      typeof preParsed === 'object' &&
      !(preParsed instanceof Uint8Array)
    ) {
      parsedBody = preParsed as Record<string, unknown>;
    } else if (typeof preParsed === 'string') body = new TextEncoder().encode(preParsed);
    else if (preParsed instanceof Uint8Array) body = preParsed;
    else if (!req.readableEnded && isForm(contentType)) body = await readBody(req);
  }
  return {
    method,
    path,
    query: latin1Bytes(query),
    body,
    parsedBody,
    contentType,
    origin: String(req.headers.origin ?? ''),
    signal: controller.signal,
  };
}

/** Reads a body, stopping past {@link MAX_FORM_BYTES} (the rest is drained, not kept). */
function readBody(req: IncomingMessage): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    req.on('data', (chunk: Uint8Array) => {
      if (size <= MAX_FORM_BYTES) chunks.push(chunk);
      size += chunk.length;
    });
    req.once('end', () => {
      const out = new Uint8Array(Math.min(size, MAX_FORM_BYTES + 1));
      let k = 0;
      for (const c of chunks) {
        const n = Math.min(c.length, out.length - k);
        out.set(c.subarray(0, n), k);
        k += n;
      }
      resolve(out);
    });
    req.once('error', reject);
  });
}

async function fromFetch(request: Request): Promise<RawRequest> {
  const url = new URL(request.url);
  const method = request.method.toUpperCase();
  const contentType = request.headers.get('content-type') ?? '';
  let body: Uint8Array | null = null;
  if (hasFormBody(method) && isForm(contentType) && request.body !== null) {
    body = new Uint8Array(await request.arrayBuffer());
  }
  return {
    method,
    path: url.pathname,
    query: new TextEncoder().encode(url.search.slice(1)),
    body,
    parsedBody: null,
    contentType,
    origin: request.headers.get('origin') ?? '',
    signal: request.signal,
  };
}

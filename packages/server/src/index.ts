/**
 * `@promql-ts/server`: a Prometheus-compatible HTTP API (and a small query page) over any
 * promql-ts `Storage`, so that Grafana and other Prometheus clients can query it.
 *
 * @example
 * ```ts
 * import { startServer } from '@promql-ts/server';
 * const server = await startServer({ storage, port: 9090 });
 * // Grafana: add a Prometheus data source with URL server.url
 * ```
 */
export type { ApiErrorType, BuildInfo } from './endpoints.js';
export { MAX_POINTS_PER_SERIES } from './endpoints.js';
export {
  type ApiHandler,
  type ApiHandlerOptions,
  createApiHandler,
  DEFAULT_BUILD_INFO,
} from './handler.js';
export {
  MAX_TIME_MS,
  MIN_TIME_MS,
  ParamError,
  parseDurationNs,
  parseTime,
} from './params.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';

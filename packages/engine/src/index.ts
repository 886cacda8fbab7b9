/**
 * `@promql-ts/engine`: evaluates PromQL over any {@link Storage}.
 *
 * @example
 * ```ts
 * import { evaluate } from '@promql-ts/engine';
 * const { value } = await evaluate('sum by (job) (rate(http_requests_total[5m]))', storage, Date.now());
 * ```
 */

export { formatAnnotation } from './annotations.js';
export {
  type ApiErrorType,
  CanceledError,
  ExecutionError,
  errorType,
  InternalError,
  LimitError,
  TimeoutError,
  UnsupportedError,
} from './errors.js';
export {
  evaluate,
  evaluateRange,
  explain,
  type RangeQuery,
  type TimeInput,
} from './evaluate.js';
export {
  formatPrometheusData,
  formatPrometheusResponse,
  formatSampleValue,
  formatTimestamp,
  goJsonString,
  type JsonPoint,
  type PrometheusQueryData,
  type PrometheusQueryResponse,
  toPrometheusData,
  toPrometheusJSON,
} from './json.js';
export { setLabelListCacheRows } from './label-list-cache.js';
export { compareLabels, compareStrings, labelsFrom, labelsToString } from './labels.js';
export { compileMatcher, MatcherError } from './matchers.js';
export {
  type Compat,
  DEFAULT_LOOKBACK_MS,
  DEFAULT_MAX_SAMPLES,
  DEFAULT_SUBQUERY_STEP_MS,
  DEFAULT_TIMEOUT_MS,
  type EvaluateOptions,
} from './options.js';
export { setParseCacheSize } from './parse-cache.js';
export { setPoolRetainLimit } from './pool.js';
export type {
  Annotation,
  InstantSample,
  MatrixValue,
  QueryResult,
  QueryStats,
  QueryValue,
  RangeSeries,
  ScalarValue,
  StringValue,
  VectorValue,
} from './result.js';
export type {
  FloatChunk,
  Label,
  Labels,
  Matcher,
  MatchType,
  MaybePromise,
  MetricMetadata,
  MetricType,
  ReadMemory,
  SampleChunk,
  SelectHints,
  SeriesColumns,
  Storage,
  StorageSeries,
  TimeRange,
} from './storage.js';

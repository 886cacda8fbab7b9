/**
 * `@promql-ts/conformance`: checks promql-ts against Prometheus.
 *
 * - The promqltest language (`parseTestFile`, `parseSeriesDescription`) and a runner that
 *   executes Prometheus's own test files against any engine (`runTestFile`), comparing
 *   results as Prometheus's runner does (`compareResult`, `almostEqual`).
 * - The expected-failures list and its check.
 * - Differential runs against a real Prometheus: a data generator, a query corpus, an HTTP
 *   client, raw-sample round trips and result diffs.
 *
 * @example
 * ```ts
 * import { parseTestFile, runTestFile } from '@promql-ts/conformance';
 * const result = await runTestFile(text, engine, { file: 'prometheus-v3.14.0/functions.test' });
 * ```
 */

export { compareLabels } from '@promql-ts/engine';
export {
  AT_MODIFIER_UNSAFE_FUNCTIONS,
  type AtModifierCase,
  atModifierTestCases,
  pinToTime,
} from './at-modifier.js';
export {
  almostEqual,
  checkAnnotations,
  checkExpectedFailure,
  checkMatrixSorted,
  compareResult,
  DEFAULT_EPSILON,
  formatSequenceValue,
  formatValue,
  isFail,
  isOrdered,
  messageMatches,
  vectorAt,
} from './compare.js';
export {
  type ApiComparison,
  type ApiComparisonOptions,
  type ApiResponse,
  describeApiRequest,
  diffApiResponses,
  encodeApiRequest,
  normalizeApiBody,
  runApiComparison,
  sendApiRequest,
  withoutMetadata,
} from './differential/api.js';
export {
  type ApiCorpusWindow,
  type ApiNormalization,
  type ApiRequest,
  generateApiCorpus,
} from './differential/api-corpus.js';
export {
  annotationFromApi,
  type BuildInfo,
  formatApiTime,
  labelsFromJson,
  PrometheusApiError,
  PrometheusClient,
  type PrometheusClientOptions,
  parseApiTime,
  parseApiValue,
  queryResultFromJson,
} from './differential/client.js';
export {
  type CorpusCase,
  type CorpusMetrics,
  type CorpusOptions,
  type CorpusQuery,
  type CorpusTemplate,
  DEFAULT_METRICS,
  expandTemplates,
  generateCorpus,
  placeholders,
  TEMPLATES,
  VARIANT_ARGS,
} from './differential/corpus.js';
export {
  type DifferentialResult,
  type DifferentialStatus,
  type DiffOptions,
  diffQueryValues,
  isUnknownToReference,
  type QueryTarget,
  runDifferentialCase,
} from './differential/diff.js';
export { apiKey, checkApiDifferential, checkDifferential } from './differential/expected.js';
export {
  type Dataset,
  DEFAULT_START_MS,
  FAMILIES,
  formatBucketBound,
  formatOpenMetricsTimestamp,
  formatOpenMetricsValue,
  type GeneratedSeries,
  type GenerateOptions,
  type GenerateProgress,
  generateDataset,
  HISTOGRAM_BOUNDS,
  loadDataset,
  type MetricFamily,
  openMetricsChunks,
} from './differential/generate.js';
export { Random } from './differential/random.js';
export { queryReach } from './differential/reach.js';
export { runUrl, type UrlRunOptions } from './differential/remote.js';
export { formatDifferentialReport } from './differential/report.js';
export {
  type DifferentialRun,
  type LocalRunOptions,
  runLocal,
  SERVER_VERSIONS,
} from './differential/run.js';
export {
  compareSamples,
  type RawSamples,
  type RawSeries,
  type ReadSamplesOptions,
  readPrometheusSamples,
  readStorageSamples,
  type SamplesComparison,
} from './differential/samples.js';
export {
  installPrometheus,
  PrometheusScriptError,
  type PrometheusServer,
  REPO_ROOT,
  type StartOptions,
  startPrometheus,
  stopPrometheus,
  watchServer,
  writeOpenMetricsFile,
} from './differential/server.js';
export { engineOptions, promqlTsEngine } from './engine.js';
export {
  type CaseOutcome,
  checkExpectedFailures,
  compareKeys,
  type ExpectedFailure,
  type ExpectedFailuresCheck,
  ExpectedFailuresError,
  expectedFailuresFor,
  formatCheck,
  formatExpectedFailures,
  parseExpectedFailures,
} from './expected-failures.js';
export { formatLabels, labelsKey, sortLabelSets } from './labels.js';
export {
  applyLoad,
  type FloatSeriesSamples,
  firstUnsupportedRead,
  floatSamples,
  LoadError,
  nhcbSeriesLabels,
  type UnsupportedReason,
  type UnsupportedSeries,
} from './load.js';
export {
  type ParseTestFileOptions,
  parseSTSequence,
  parseTestFile,
  TestFileParseError,
} from './promqltest/parse.js';
export {
  isStaleMarker,
  parseSeriesDescription,
  SeriesDescriptionError,
  type SeriesDescriptionOptions,
  STALE_MARKER,
} from './promqltest/series.js';
export type * from './promqltest/types.js';
export {
  type Counts,
  countCases,
  formatFileReport,
  formatSummary,
  type ReportOptions,
} from './report.js';
export {
  type CaseResult,
  type CaseStatus,
  defaultEvalOptions,
  type EvalOptions,
  type FileResult,
  type QueryEngine,
  type RangeSpec,
  type RunOptions,
  runTestFile,
} from './runner.js';

export { compileMatcher, MatcherError } from './matchers.js';
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
  SampleChunk,
  SelectHints,
  Storage,
  StorageSeries,
  TimeRange,
} from './storage.js';

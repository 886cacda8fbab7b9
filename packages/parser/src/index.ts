/**
 * `@promql-ts/parser`: PromQL source → a typed, checked AST with positions, and back.
 *
 * @example
 * ```ts
 * import { parse, print } from '@promql-ts/parser';
 * print(parse('sum(rate(x[5m]))by(job)')); // 'sum by (job) (rate(x[5m]))'
 * ```
 */
export * from './ast.js';
export { documentedType, matchesEmpty } from './check.js';
export {
  errorDetail,
  isPromQLError,
  lineColumn,
  ParseError,
  type ParseErrorDetail,
  PromQLError,
  type PromQLErrorCode,
} from './errors.js';
export {
  FUNCTIONS,
  type FunctionName,
  type FunctionSignature,
  functionSignature,
} from './functions.js';
export {
  decodeUtf8Lossless,
  durationSeconds,
  formatDuration,
  formatFloatF,
  formatFloatG,
  isLegacyLabelName,
  isLegacyMetricName,
  isValidUtf8,
  parseDuration,
  parseGoNumber,
  quoteGo,
  unquoteString,
} from './literals.js';
export { type ParseOptions, parse } from './parse.js';
export { print, printMatcher } from './printer.js';
export { tree } from './tree.js';

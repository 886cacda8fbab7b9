import type { ValueType } from './ast.js';

/**
 * The signature of a PromQL function: its argument types, how many optional trailing
 * arguments it takes, its return type, and whether it is experimental (refused unless
 * experimental features are enabled, as Prometheus's `--enable-feature=promql-experimental-functions`).
 *
 * `variadic`: 0 = exactly `argTypes.length` arguments; n > 0 = the last argument type is
 * optional and may repeat up to n times in all; -1 = the last type repeats without limit.
 */
export interface FunctionSignature {
  readonly name: FunctionName;
  readonly argTypes: readonly ValueType[];
  readonly variadic: number;
  readonly returnType: ValueType;
  readonly experimental: boolean;
  /** Exists only in the Prometheus 2.x compatibility mode (`holt_winters`). */
  readonly prometheus2Only: boolean;
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

type Sig = Omit<FunctionSignature, 'name'>;
const sig = (
  argTypes: ValueType[],
  returnType: ValueType,
  variadic = 0,
  experimental = false,
): Sig => ({ argTypes, variadic, returnType, experimental, prometheus2Only: false });

const vecToVec = sig([V], V);
const matToVec = sig([M], V);
const dateFn = sig([V], V, 1);

// Semantics follow prometheus/prometheus promql/parser/functions.go (the function table of
// Prometheus 3.x, with the experimental flags it sets).
const TABLE = {
  abs: vecToVec,
  absent: vecToVec,
  absent_over_time: matToVec,
  acos: vecToVec,
  acosh: vecToVec,
  asin: vecToVec,
  asinh: vecToVec,
  atan: vecToVec,
  atanh: vecToVec,
  avg_over_time: matToVec,
  ceil: vecToVec,
  changes: matToVec,
  clamp: sig([V, S, S], V),
  clamp_max: sig([V, S], V),
  clamp_min: sig([V, S], V),
  cos: vecToVec,
  cosh: vecToVec,
  count_over_time: matToVec,
  day_of_month: dateFn,
  day_of_week: dateFn,
  day_of_year: dateFn,
  days_in_month: dateFn,
  deg: vecToVec,
  delta: matToVec,
  deriv: matToVec,
  double_exponential_smoothing: sig([M, S, S], V, 0, true),
  end: sig([], S, 0, true),
  exp: vecToVec,
  first_over_time: sig([M], V, 0, true),
  floor: vecToVec,
  histogram_avg: vecToVec,
  histogram_count: vecToVec,
  histogram_fraction: sig([S, S, V], V),
  histogram_quantile: sig([S, V], V),
  histogram_quantiles: sig([V, STR, S, S], V, 9, true),
  histogram_stddev: vecToVec,
  histogram_stdvar: vecToVec,
  histogram_sum: vecToVec,
  // Renamed double_exponential_smoothing in Prometheus 3.0.
  holt_winters: { ...sig([M, S, S], V), prometheus2Only: true },
  hour: dateFn,
  idelta: matToVec,
  increase: matToVec,
  info: sig([V, V], V, 1, true),
  irate: matToVec,
  label_join: sig([V, STR, STR, STR], V, -1),
  label_replace: sig([V, STR, STR, STR, STR], V),
  last_over_time: matToVec,
  ln: vecToVec,
  log10: vecToVec,
  log2: vecToVec,
  mad_over_time: sig([M], V, 0, true),
  max_of: sig([S, S], S, 0, true),
  max_over_time: matToVec,
  min_of: sig([S, S], S, 0, true),
  min_over_time: matToVec,
  minute: dateFn,
  month: dateFn,
  pi: sig([], S),
  predict_linear: sig([M, S], V),
  present_over_time: matToVec,
  quantile_over_time: sig([S, M], V),
  rad: vecToVec,
  range: sig([], S, 0, true),
  rate: matToVec,
  resets: matToVec,
  round: sig([V, S], V, 1),
  scalar: sig([V], S),
  sgn: vecToVec,
  sin: vecToVec,
  sinh: vecToVec,
  sort: vecToVec,
  sort_by_label: sig([V, STR], V, -1, true),
  sort_by_label_desc: sig([V, STR], V, -1, true),
  sort_desc: vecToVec,
  sqrt: vecToVec,
  start: sig([], S, 0, true),
  start_timestamp: sig([V], V, 0, true),
  stddev_over_time: matToVec,
  stdvar_over_time: matToVec,
  step: sig([], S, 0, true),
  sum_over_time: matToVec,
  tan: vecToVec,
  tanh: vecToVec,
  time: sig([], S),
  timestamp: vecToVec,
  ts_of_first_over_time: sig([M], V, 0, true),
  ts_of_last_over_time: sig([M], V, 0, true),
  ts_of_max_over_time: sig([M], V, 0, true),
  ts_of_min_over_time: sig([M], V, 0, true),
  vector: sig([S], V),
  year: dateFn,
} satisfies Record<string, Sig>;

/** The name of every PromQL function. */
export type FunctionName = keyof typeof TABLE;

/** Every PromQL function's signature, keyed by name. */
export const FUNCTIONS: Readonly<Record<FunctionName, FunctionSignature>> = Object.fromEntries(
  Object.entries(TABLE).map(([name, s]) => [name, { name, ...s }]),
) as unknown as Record<FunctionName, FunctionSignature>;

/** The signature of the function called `name`, or undefined if there is none. */
export function functionSignature(name: string): FunctionSignature | undefined {
  return Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name as FunctionName] : undefined;
}

/**
 * A query corpus for differential runs, generated from templates in the manner of
 * prometheus/compliance's PromQL tester: a template names variant dimensions
 * (`{{rateFunc}}({{counter}}[{{range}}])`) and expands to every combination of their
 * values. The templates cover every function of the parser's table, every aggregation,
 * binary operator and modifier; each query becomes instant cases at several times and a
 * range case over the whole data window.
 *
 * Metric names are parameters ({@link CorpusMetrics}): the `{{counter}}`, `{{gauge}}` and
 * `{{histogram}}` dimensions expand over lists of metrics, and single-metric roles
 * (`{{up}}`, `{{counterA}}`, `{{gaugeA}}`, …) and label roles (`{{jobA}}`,
 * `{{gaugeALabel}}`, …) are substituted without becoming part of case ids. The defaults
 * ({@link DEFAULT_METRICS}) are the series of `generate.ts`; `--url` runs build them from
 * what a user's Prometheus holds.
 */
import type { Compat } from '../promqltest/types.js';

/**
 * The metrics and labels a corpus is built on. Values are inserted into queries as they
 * are: names must be legacy identifiers, and label values and regexes must already be
 * escaped for a double-quoted PromQL string.
 */
export interface CorpusMetrics {
  /** Counters (`{{counter}}`). */
  readonly counters: readonly string[];
  /** Gauges (`{{gauge}}`). */
  readonly gauges: readonly string[];
  /** Classic histogram families, without `_bucket` (`{{histogram}}`). */
  readonly histograms: readonly string[];
  /** One series per target, 0 or 1: `up`. */
  readonly up: string;
  /** A counter with several series per target (default `http_requests_total`). */
  readonly counterA: string;
  /** A label that splits `counterA`'s series within a target (default `code`). */
  readonly counterALabel: string;
  /** A counter with one series per target (default `process_cpu_seconds_total`). */
  readonly counterB: string;
  /** A gauge with several series per target (default `node_temperature_celsius`). */
  readonly gaugeA: string;
  /** A label that splits `gaugeA`'s series within a target (default `sensor`). */
  readonly gaugeALabel: string;
  /** A value of `gaugeALabel` (default `cpu`). */
  readonly gaugeAValue: string;
  /** A regex matching some values of `gaugeALabel` (default `c.*`). */
  readonly gaugeARegex: string;
  /** A regex for `!~` on `gaugeALabel` (default `cpu|gpu`). */
  readonly gaugeANotRegex: string;
  /** A gauge with one series per target (default `process_resident_memory_bytes`). */
  readonly gaugeB: string;
  /** A gauge with unusual values: NaN, ±Inf, fractions (default `queue_fill_ratio`). */
  readonly gaugeC: string;
  /** A gauge of small integers (default `jobs_in_flight`). */
  readonly gaugeD: string;
  /** A value of `job` (default `api`). */
  readonly jobA: string;
  /** Another value of `job` (default `worker`). */
  readonly jobB: string;
  /** A regex on `__name__` matching a few metrics (default `process_.+`). */
  readonly nameRegex: string;
}

/** The metrics of the generated fleet (`generate.ts`). */
export const DEFAULT_METRICS: CorpusMetrics = {
  counters: ['http_requests_total', 'process_cpu_seconds_total', 'jobs_processed_total'],
  gauges: [
    'process_resident_memory_bytes',
    'node_temperature_celsius',
    'queue_fill_ratio',
    'jobs_in_flight',
  ],
  histograms: ['http_request_duration_seconds'],
  up: 'up',
  counterA: 'http_requests_total',
  counterALabel: 'code',
  counterB: 'process_cpu_seconds_total',
  gaugeA: 'node_temperature_celsius',
  gaugeALabel: 'sensor',
  gaugeAValue: 'cpu',
  gaugeARegex: 'c.*',
  gaugeANotRegex: 'cpu|gpu',
  gaugeB: 'process_resident_memory_bytes',
  gaugeC: 'queue_fill_ratio',
  gaugeD: 'jobs_in_flight',
  jobA: 'api',
  jobB: 'worker',
  nameRegex: 'process_.+',
};

/** The single-value roles of {@link CorpusMetrics}: substituted, not part of case ids. */
export const METRIC_ROLES = [
  'up',
  'counterA',
  'counterALabel',
  'counterB',
  'gaugeA',
  'gaugeALabel',
  'gaugeAValue',
  'gaugeARegex',
  'gaugeANotRegex',
  'gaugeB',
  'gaugeC',
  'gaugeD',
  'jobA',
  'jobB',
  'nameRegex',
] as const satisfies readonly (keyof CorpusMetrics)[];

/** Dimensions whose values are metric lists of {@link CorpusMetrics}. */
const METRIC_DIMENSIONS: Readonly<Record<string, 'counters' | 'gauges' | 'histograms'>> = {
  counter: 'counters',
  gauge: 'gauges',
  histogram: 'histograms',
};

/** Values of the variant dimensions templates may name. */
export const VARIANT_ARGS: Readonly<Record<string, readonly string[]>> = {
  range: ['1m', '5m', '15m', '1h'],
  offset: ['1m', '5m', '10m'],
  simpleAggrOp: ['sum', 'avg', 'max', 'min', 'count', 'stddev', 'stdvar', 'group'],
  topBottomOp: ['topk', 'bottomk'],
  quantile: ['-0.5', '0', '0.1', '0.5', '0.9', '0.99', '1', '1.5'],
  arithBinOp: ['+', '-', '*', '/', '%', '^', 'atan2'],
  compBinOp: ['==', '!=', '<', '>', '<=', '>='],
  binOp: ['+', '-', '*', '/', '%', '^', 'atan2', '==', '!=', '<', '>', '<=', '>='],
  setOp: ['and', 'or', 'unless'],
  mathFunc: [
    'abs',
    'ceil',
    'floor',
    'exp',
    'sqrt',
    'ln',
    'log2',
    'log10',
    'round',
    'sgn',
    'deg',
    'rad',
  ],
  trigFunc: [
    'sin',
    'cos',
    'tan',
    'asin',
    'acos',
    'atan',
    'sinh',
    'cosh',
    'tanh',
    'asinh',
    'acosh',
    'atanh',
  ],
  overTimeFunc: [
    'avg_over_time',
    'sum_over_time',
    'min_over_time',
    'max_over_time',
    'count_over_time',
    'stddev_over_time',
    'stdvar_over_time',
    'last_over_time',
    'present_over_time',
    'absent_over_time',
    'changes',
    'resets',
    'deriv',
  ],
  experimentalOverTimeFunc: [
    'first_over_time',
    'mad_over_time',
    'ts_of_first_over_time',
    'ts_of_last_over_time',
    'ts_of_max_over_time',
    'ts_of_min_over_time',
  ],
  rateFunc: ['rate', 'increase', 'delta', 'irate', 'idelta'],
  dateFunc: [
    'day_of_month',
    'day_of_week',
    'day_of_year',
    'days_in_month',
    'hour',
    'minute',
    'month',
    'year',
  ],
  clampFunc: ['clamp_min', 'clamp_max'],
  sortFunc: ['sort', 'sort_desc'],
  nativeHistogramFunc: [
    'histogram_avg',
    'histogram_count',
    'histogram_sum',
    'histogram_stddev',
    'histogram_stdvar',
  ],
  gauge: DEFAULT_METRICS.gauges,
  counter: DEFAULT_METRICS.counters,
  histogram: DEFAULT_METRICS.histograms,
};

/** A query template. */
export interface CorpusTemplate {
  /** Stable identifier (no spaces): part of every case id. */
  readonly id: string;
  /** The query, with `{{dimension}}` for variants and `{{at}}` for a time inside the data (s). */
  readonly query: string;
  /** Which modes make sense (default both; a range vector is instant-only). */
  readonly modes?: readonly ('instant' | 'range')[];
  /** The query must fail (in both engines). */
  readonly shouldFail?: boolean;
  /** Needs experimental features (Prometheus 3: `--enable-feature=promql-experimental-functions`). */
  readonly experimental?: boolean;
  /** Only for this Prometheus generation. */
  readonly only?: Compat;
}

/** The templates. */
export const TEMPLATES: readonly CorpusTemplate[] = [
  // Literals and scalars.
  { id: 'number', query: '42' },
  { id: 'float', query: '1.5e-3' },
  { id: 'hex', query: '0x3d' },
  { id: 'inf', query: '-Inf' },
  { id: 'nan', query: 'NaN' },
  { id: 'string', query: '"a string"', modes: ['instant'] },
  { id: 'precedence', query: '1 + 2 * 3 ^ 2 % 5 - -1 ^ 2' },
  { id: 'scalar-arith', query: '2 {{arithBinOp}} 3' },
  { id: 'scalar-compare', query: '2 {{compBinOp}} bool 3' },
  { id: 'pi', query: 'pi()' },
  { id: 'time', query: 'time()' },
  { id: 'time-arith', query: 'time() {{arithBinOp}} 1000' },
  { id: 'vector', query: 'vector(time())' },
  { id: 'scalar', query: 'scalar(sum({{up}}))' },

  // Selectors and modifiers.
  { id: 'selector', query: '{{up}}' },
  { id: 'selector-name', query: '{__name__="{{up}}"}' },
  { id: 'matcher-eq', query: '{{up}}{job="{{jobA}}"}' },
  { id: 'matcher-neq', query: '{{up}}{job!="{{jobA}}"}' },
  { id: 'matcher-re', query: '{{gaugeA}}{{{gaugeALabel}}=~"{{gaugeARegex}}"}' },
  { id: 'matcher-nre', query: '{{gaugeA}}{{{gaugeALabel}}!~"{{gaugeANotRegex}}"}' },
  { id: 'matcher-name-re', query: '{__name__=~"{{nameRegex}}", job="{{jobB}}"}' },
  { id: 'matcher-empty', query: '{__name__=~".*"}', shouldFail: true },
  { id: 'nonexistent', query: 'nonexistent_metric' },
  { id: 'offset', query: '{{gaugeB}} offset {{offset}}' },
  { id: 'offset-negative', query: '{{gaugeB}} offset -{{offset}}' },
  { id: 'at', query: '{{gaugeC}} @ {{at}}' },
  { id: 'at-start', query: '{{gaugeC}} @ start()' },
  { id: 'at-end', query: 'rate({{counterA}}[5m] @ end())' },
  { id: 'at-offset', query: '{{counterB}} offset 5m @ {{at}}' },
  { id: 'range-selector', query: '{{gaugeC}}[{{range}}]', modes: ['instant'] },
  { id: 'range-selector-in-range-query', query: '{{up}}[5m]', modes: ['range'], shouldFail: true },
  { id: 'staleness-gaps', query: '{{up}} == 0' },
  { id: 'anchored', query: '{{rateFunc}}({{counterA}}[5m] anchored)', experimental: true },
  { id: 'smoothed', query: 'increase({{counterB}}[5m] smoothed)', experimental: true },
  {
    id: 'duration-step',
    query: 'count_over_time({{up}}[step()])',
    experimental: true,
    modes: ['range'],
  },
  {
    id: 'duration-arith',
    query: 'rate({{counterA}}[5m + 1m] offset (1m * 2))',
    experimental: true,
  },
  {
    id: 'duration-min-max',
    query: 'max_over_time({{gaugeC}}[max_of(1m, min_of(10m, 5m))])',
    experimental: true,
  },
  { id: 'step', query: 'step()', experimental: true },
  { id: 'range-fn', query: 'range()', experimental: true },
  { id: 'start-end', query: 'end() - start()', experimental: true },
  { id: 'min-of', query: 'min_of(2, max_of(1, 3))', experimental: true },

  // Aggregations.
  { id: 'aggr', query: '{{simpleAggrOp}}({{gauge}})' },
  { id: 'aggr-by', query: '{{simpleAggrOp}} by (job) ({{gauge}})' },
  { id: 'aggr-by-empty', query: '{{simpleAggrOp}} by () ({{gaugeA}})' },
  { id: 'aggr-by-nonexistent', query: 'sum by (nonexistent) ({{gaugeA}})' },
  { id: 'aggr-without', query: '{{simpleAggrOp}} without (instance) ({{gauge}})' },
  { id: 'aggr-without-name', query: 'sum without (__name__, {{gaugeALabel}}) ({{gaugeA}})' },
  { id: 'aggr-nonexistent', query: '{{simpleAggrOp}}(nonexistent_metric)' },
  { id: 'aggr-rate', query: 'sum by (job, {{counterALabel}}) (rate({{counterA}}[5m]))' },
  { id: 'topk', query: '{{topBottomOp}}(3, {{gauge}})' },
  { id: 'topk-by', query: '{{topBottomOp}} by (job) (1, {{gaugeA}})' },
  { id: 'topk-scalar-param', query: 'topk(scalar(count({{up}})) - 1, {{gaugeB}})' },
  { id: 'quantile', query: 'quantile({{quantile}}, {{gauge}})' },
  { id: 'quantile-by', query: 'quantile by (job) (0.5, {{gaugeB}})' },
  { id: 'count-values', query: 'count_values("value", {{gaugeD}})' },
  { id: 'count-values-by', query: 'count_values by (job) ("n", {{gaugeD}})' },
  { id: 'limitk', query: 'limitk(2, {{gaugeA}})', experimental: true },
  { id: 'limit-ratio', query: 'limit_ratio(0.5, {{gaugeA}})', experimental: true },
  {
    id: 'limit-ratio-negative',
    query: 'count(limit_ratio(-0.5, {{counterA}}))',
    experimental: true,
  },
  { id: 'aggr-nested', query: 'avg(max by (job) ({{gaugeB}}))' },

  // Binary operators.
  { id: 'vector-scalar', query: '{{gauge}} {{binOp}} 1.5' },
  { id: 'scalar-vector', query: '2 {{binOp}} {{gauge}}' },
  { id: 'compare-bool', query: '{{gauge}} {{compBinOp}} bool 0.5' },
  {
    id: 'vector-vector',
    query: '{{gaugeB}} {{binOp}} on (instance, job) {{counterB}}',
  },
  {
    id: 'vector-vector-same',
    query: '{{gaugeA}} {{arithBinOp}} {{gaugeA}}',
  },
  {
    id: 'ignoring',
    query:
      '{{counterA}} / ignoring ({{counterALabel}}) group_left sum without ({{counterALabel}}) ({{counterA}})',
  },
  {
    id: 'group-left-labels',
    query: '{{gaugeA}} * on (instance) group_left (job) {{up}}',
  },
  {
    id: 'group-right',
    query: 'sum by (instance) ({{up}}) + on (instance) group_right {{gaugeA}}',
  },
  { id: 'name-dropped', query: '{{up}} / on (instance, job, __name__) {{up}}' },
  {
    id: 'set-op',
    query: '{{gaugeA}} {{setOp}} on (instance) {{gaugeC}} > 0.5',
  },
  { id: 'set-op-plain', query: '{{up}} {{setOp}} {{up}}{job="{{jobA}}"}' },
  {
    id: 'many-to-many',
    query: '{{counterA}} + on (job) {{counterB}}',
    shouldFail: true,
  },
  { id: 'unary', query: '-{{gauge}}' },
  { id: 'unary-paren', query: '-({{up}} + 1)' },
  { id: 'timestamp-unary', query: 'timestamp(-{{up}})' },
  { id: 'nan-inf', query: '{{counterB}} * {{special}}' },
  {
    id: 'fill',
    query: '{{up}} + fill (0) {{gaugeA}}{{{gaugeALabel}}="{{gaugeAValue}}"}',
    experimental: true,
  },
  {
    id: 'fill-left-right',
    query: '{{up}} + on (instance) fill_left (1) fill_right (2) {{gaugeC}}',
    experimental: true,
  },

  // Functions.
  { id: 'math', query: '{{mathFunc}}({{gauge}})' },
  { id: 'math-negative', query: '{{mathFunc}}(-{{gaugeA}})' },
  { id: 'trig', query: '{{trigFunc}}({{gaugeC}})' },
  { id: 'round-to', query: 'round({{gaugeA}}, 0.5)' },
  { id: 'clamp', query: '{{clampFunc}}({{gauge}}, 10)' },
  { id: 'clamp-both', query: 'clamp({{gaugeA}}, 0, 40)' },
  { id: 'clamp-inverted', query: 'clamp({{gaugeA}}, 40, 0)' },
  { id: 'over-time', query: '{{overTimeFunc}}({{gauge}}[{{range}}])' },
  {
    id: 'over-time-experimental',
    query: '{{experimentalOverTimeFunc}}({{gauge}}[{{range}}])',
    experimental: true,
  },
  {
    id: 'quantile-over-time',
    query: 'quantile_over_time({{quantile}}, {{gaugeC}}[{{range}}])',
  },
  { id: 'rate', query: '{{rateFunc}}({{counter}}[{{range}}])' },
  { id: 'rate-nonexistent', query: '{{rateFunc}}(nonexistent_metric[5m])' },
  { id: 'predict-linear', query: 'predict_linear({{gaugeB}}[{{range}}], 600)' },
  {
    id: 'double-exponential-smoothing',
    query: 'double_exponential_smoothing({{gaugeA}}[10m], 0.5, 0.5)',
    experimental: true,
  },
  {
    id: 'holt-winters',
    query: 'holt_winters({{gaugeA}}[10m], 0.5, 0.5)',
    only: 'prometheus2',
  },
  {
    id: 'histogram-quantile',
    query: 'histogram_quantile({{quantile}}, rate({{histogram}}_bucket[5m]))',
  },
  {
    id: 'histogram-quantile-sum',
    query: 'histogram_quantile(0.9, sum by (le, job) (rate({{histogram}}_bucket[5m])))',
  },
  {
    id: 'histogram-quantile-no-le',
    query: 'histogram_quantile(0.9, {__name__=~"{{histogram}}_.+"})',
  },
  {
    id: 'histogram-quantiles',
    query: 'histogram_quantiles(sum by (le) (rate({{histogram}}_bucket[5m])), "q", 0.5, 0.9)',
    experimental: true,
  },
  {
    id: 'histogram-fraction',
    query: 'histogram_fraction(0, 0.1, rate({{histogram}}_bucket[5m]))',
  },
  {
    id: 'native-histogram-func',
    query: '{{nativeHistogramFunc}}({{histogram}}_count)',
  },
  { id: 'label-replace', query: 'label_replace({{up}}, "host", "$1", "instance", "(.*):.*")' },
  {
    id: 'label-replace-no-match',
    query: 'label_replace({{up}}, "host", "$1", "instance", "nomatch(.*)")',
  },
  { id: 'label-replace-drop', query: 'label_replace({{up}}, "job", "", "job", ".*")' },
  {
    id: 'label-replace-collision',
    query: 'label_replace({{up}}, "instance", "", "", "")',
    shouldFail: true,
  },
  {
    id: 'label-replace-bad-regex',
    query: 'label_replace({{up}}, "x", "$1", "instance", "(.*")',
    shouldFail: true,
  },
  { id: 'label-join', query: 'label_join({{up}}, "id", "-", "job", "instance")' },
  { id: 'label-join-none', query: 'label_join({{up}}, "job", "-")' },
  { id: 'timestamp', query: 'timestamp({{gaugeC}})' },
  { id: 'timestamp-of-timestamp', query: 'timestamp(timestamp({{up}}))' },
  { id: 'absent', query: 'absent({{up}}{job="missing"})' },
  { id: 'absent-present', query: 'absent({{up}})' },
  { id: 'absent-over-time', query: 'absent_over_time(nonexistent_metric{job="x"}[5m])' },
  { id: 'date', query: '{{dateFunc}}()' },
  { id: 'date-arg', query: '{{dateFunc}}(timestamp({{up}}))' },
  { id: 'sort', query: '{{sortFunc}}({{gaugeB}})' },
  {
    id: 'sort-by-label',
    query: 'sort_by_label({{gaugeA}}, "{{gaugeALabel}}", "instance")',
    experimental: true,
  },
  { id: 'sort-by-label-desc', query: 'sort_by_label_desc({{up}}, "instance")', experimental: true },
  { id: 'info', query: 'info({{counterB}})', experimental: true },
  {
    id: 'start-timestamp',
    query: 'start_timestamp({{counterB}})',
    experimental: true,
  },

  // Subqueries.
  { id: 'subquery', query: 'max_over_time(rate({{counterA}}[1m])[10m:1m])' },
  { id: 'subquery-default-step', query: 'avg_over_time({{up}}[10m:])' },
  {
    id: 'subquery-offset',
    query: 'min_over_time({{gaugeB}}[10m:30s] offset 5m)',
  },
  { id: 'subquery-at', query: 'sum_over_time({{up}}[10m:1m] @ {{at}})' },
  {
    id: 'subquery-nested',
    query: 'max_over_time(deriv(rate({{counterB}}[1m])[5m:1m])[10m:2m])',
  },
  { id: 'subquery-time', query: 'max_over_time((time() - timestamp({{up}}))[5m:30s])' },
  { id: 'subquery-matrix', query: 'rate({{counterA}}[5m])[10m:1m]', modes: ['instant'] },
];

/** Values substituted for `{{special}}`. */
const SPECIAL = ['Inf', '-Inf', 'NaN'];

/** One query of the corpus with its template and variant values. */
export interface CorpusQuery {
  /** `<template>` or `<template>:<value>:<value>…` (no spaces). */
  readonly id: string;
  readonly template: string;
  readonly query: string;
  readonly shouldFail: boolean;
  readonly modes: readonly ('instant' | 'range')[];
  readonly experimental: boolean;
}

/** Names of the `{{…}}` placeholders of a template, in order of first use. */
export function placeholders(query: string): string[] {
  const out: string[] = [];
  for (const m of query.matchAll(/\{\{(\w+)\}\}/g)) if (!out.includes(m[1]!)) out.push(m[1]!);
  return out;
}

/** Options of {@link expandTemplates}. */
export interface ExpandOptions {
  /** Metrics and labels (default {@link DEFAULT_METRICS}). */
  readonly metrics?: CorpusMetrics;
  /** Values of dimensions that replace those of {@link VARIANT_ARGS} (e.g. fewer `range`s). */
  readonly variants?: Readonly<Record<string, readonly string[]>>;
}

/** Substitutes the single-value roles of `metrics` (`{{up}}`, `{{gaugeA}}`, …). */
export function substituteRoles(query: string, metrics: CorpusMetrics): string {
  return query.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    (METRIC_ROLES as readonly string[]).includes(name)
      ? metrics[name as (typeof METRIC_ROLES)[number]]
      : whole,
  );
}

/**
 * Expands templates into queries: roles substituted from `options.metrics`, then every
 * combination of the values of the dimensions a template names (case ids name these
 * values); `{{at}}` becomes `atSeconds`.
 *
 * @throws Error for a placeholder that is neither a role, a dimension nor `at`.
 */
export function expandTemplates(
  templates: readonly CorpusTemplate[],
  atSeconds: string,
  options: ExpandOptions = {},
): CorpusQuery[] {
  const metrics = options.metrics ?? DEFAULT_METRICS;
  const valuesOf = (d: string): readonly string[] | undefined => {
    if (d === 'special') return SPECIAL;
    const fromMetrics = METRIC_DIMENSIONS[d];
    if (fromMetrics !== undefined) return metrics[fromMetrics];
    return options.variants?.[d] ?? VARIANT_ARGS[d];
  };
  const out: CorpusQuery[] = [];
  for (const t of templates) {
    const text = substituteRoles(t.query, metrics);
    const dims = placeholders(text).filter((p) => p !== 'at');
    let combos: Record<string, string>[] = [{}];
    for (const d of dims) {
      const values = valuesOf(d);
      if (values === undefined) throw new Error(`template ${t.id}: unknown variant ${d}`);
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [d]: v })));
    }
    for (const c of combos) {
      const query = text.replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
        name === 'at' ? atSeconds : c[name]!,
      );
      out.push({
        id: dims.length === 0 ? t.id : `${t.id}:${dims.map((d) => c[d]).join(':')}`,
        template: t.id,
        query,
        shouldFail: t.shouldFail ?? false,
        modes: t.modes ?? ['instant', 'range'],
        experimental: t.experimental ?? false,
      });
    }
  }
  return out;
}

/** One differential case: a query, a mode and its times. */
export interface CorpusCase {
  /** `<query id>:instant@<n>` or `<query id>:range`. */
  readonly id: string;
  readonly template: string;
  readonly query: string;
  readonly mode: 'instant' | 'range';
  /** Instant cases: the evaluation time. */
  readonly timeMs: number;
  /** Range cases: the range (instant cases: start = end = `timeMs`, step 0). */
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly shouldFail: boolean;
  /**
   * Whether the order of the result's series is part of the answer: range results (sorted
   * by labels) and instant results of a top-level sort function.
   */
  readonly orderMatters: boolean;
}

/** Options of {@link generateCorpus}. */
export interface CorpusOptions {
  /** The data window (ms). */
  readonly startMs: number;
  readonly endMs: number;
  /** Instant evaluation times per query, spread over the window (default 3). */
  readonly instantTimes?: number;
  /** Step of the range cases (default 60 s). */
  readonly rangeStepMs?: number;
  /** Which Prometheus the corpus is for (default `'prometheus3'`). */
  readonly compat?: Compat;
  /** Include templates that need experimental features (default true for Prometheus 3). */
  readonly experimental?: boolean;
  /** Templates to expand (default {@link TEMPLATES}). */
  readonly templates?: readonly CorpusTemplate[];
  /** Metrics and labels (default {@link DEFAULT_METRICS}: the generated fleet). */
  readonly metrics?: CorpusMetrics;
  /** Dimension values replacing those of {@link VARIANT_ARGS} (e.g. shorter `range`s). */
  readonly variants?: Readonly<Record<string, readonly string[]>>;
}

const SORT_FUNCTIONS = /^\s*\(*\s*(sort|sort_desc|sort_by_label|sort_by_label_desc)\s*\(/;

/**
 * The corpus for a data window: each query as instant cases at `instantTimes` times
 * (whole seconds, spread from a quarter into the window to its end) and as one range case
 * over the window.
 */
export function generateCorpus(options: CorpusOptions): CorpusCase[] {
  const compat = options.compat ?? 'prometheus3';
  const experimental = options.experimental ?? compat === 'prometheus3';
  const n = options.instantTimes ?? 3;
  const stepMs = options.rangeStepMs ?? 60_000;
  const span = options.endMs - options.startMs;
  const times = Array.from({ length: n }, (_, k) => {
    const t = options.startMs + Math.round(span * (n === 1 ? 1 : 0.25 + (0.75 * k) / (n - 1)));
    return Math.floor(t / 1000) * 1000;
  });
  // Whole seconds, like every evaluation time of the corpus.
  const at = Math.floor((options.startMs + Math.round(span / 2)) / 1000) * 1000;
  const atSeconds = `${Math.floor(at / 1000)}.${String(at % 1000).padStart(3, '0')}`;
  const templates = (options.templates ?? TEMPLATES).filter(
    (t) =>
      (t.only === undefined || t.only === compat) &&
      (experimental || !t.experimental) &&
      !(compat === 'prometheus2' && t.experimental),
  );
  const out: CorpusCase[] = [];
  const expand: ExpandOptions = {
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    ...(options.variants === undefined ? {} : { variants: options.variants }),
  };
  for (const q of expandTemplates(templates, atSeconds, expand)) {
    const sorted = SORT_FUNCTIONS.test(q.query);
    if (q.modes.includes('instant')) {
      times.forEach((t, k) => {
        out.push({
          id: `${q.id}:instant@${k}`,
          template: q.template,
          query: q.query,
          mode: 'instant',
          timeMs: t,
          startMs: t,
          endMs: t,
          stepMs: 0,
          shouldFail: q.shouldFail,
          orderMatters: sorted,
        });
      });
    }
    if (q.modes.includes('range')) {
      out.push({
        id: `${q.id}:range`,
        template: q.template,
        query: q.query,
        mode: 'range',
        timeMs: options.endMs,
        startMs: options.startMs,
        endMs: options.endMs,
        stepMs,
        shouldFail: q.shouldFail,
        orderMatters: true,
      });
    }
  }
  return out;
}

/**
 * A query corpus for differential runs, generated from templates in the manner of
 * prometheus/compliance's PromQL tester: a template names variant dimensions
 * (`{{rangeFunc}}(http_requests_total[{{range}}])`) and expands to every combination of
 * their values. The templates cover every function of the parser's table, every
 * aggregation, binary operator and modifier, over the series of `generate.ts`; each query
 * becomes instant cases at several times and a range case over the whole data window.
 */
import type { Compat } from '../promqltest/types.js';

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
  gauge: [
    'process_resident_memory_bytes',
    'node_temperature_celsius',
    'queue_fill_ratio',
    'jobs_in_flight',
  ],
  counter: ['http_requests_total', 'process_cpu_seconds_total', 'jobs_processed_total'],
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
  { id: 'scalar', query: 'scalar(sum(up))' },

  // Selectors and modifiers.
  { id: 'selector', query: 'up' },
  { id: 'selector-name', query: '{__name__="up"}' },
  { id: 'matcher-eq', query: 'up{job="api"}' },
  { id: 'matcher-neq', query: 'up{job!="api"}' },
  { id: 'matcher-re', query: 'node_temperature_celsius{sensor=~"c.*"}' },
  { id: 'matcher-nre', query: 'node_temperature_celsius{sensor!~"cpu|gpu"}' },
  { id: 'matcher-name-re', query: '{__name__=~"process_.+", job="worker"}' },
  { id: 'matcher-empty', query: '{__name__=~".*"}', shouldFail: true },
  { id: 'nonexistent', query: 'nonexistent_metric' },
  { id: 'offset', query: 'process_resident_memory_bytes offset {{offset}}' },
  { id: 'offset-negative', query: 'process_resident_memory_bytes offset -{{offset}}' },
  { id: 'at', query: 'queue_fill_ratio @ {{at}}' },
  { id: 'at-start', query: 'queue_fill_ratio @ start()' },
  { id: 'at-end', query: 'rate(http_requests_total[5m] @ end())' },
  { id: 'at-offset', query: 'process_cpu_seconds_total offset 5m @ {{at}}' },
  { id: 'range-selector', query: 'queue_fill_ratio[{{range}}]', modes: ['instant'] },
  { id: 'range-selector-in-range-query', query: 'up[5m]', modes: ['range'], shouldFail: true },
  { id: 'staleness-gaps', query: 'up == 0' },
  { id: 'anchored', query: '{{rateFunc}}(http_requests_total[5m] anchored)', experimental: true },
  { id: 'smoothed', query: 'increase(process_cpu_seconds_total[5m] smoothed)', experimental: true },
  {
    id: 'duration-step',
    query: 'count_over_time(up[step()])',
    experimental: true,
    modes: ['range'],
  },
  {
    id: 'duration-arith',
    query: 'rate(http_requests_total[5m + 1m] offset (1m * 2))',
    experimental: true,
  },
  {
    id: 'duration-min-max',
    query: 'max_over_time(queue_fill_ratio[max_of(1m, min_of(10m, 5m))])',
    experimental: true,
  },
  { id: 'step', query: 'step()', experimental: true },
  { id: 'range-fn', query: 'range()', experimental: true },
  { id: 'start-end', query: 'end() - start()', experimental: true },
  { id: 'min-of', query: 'min_of(2, max_of(1, 3))', experimental: true },

  // Aggregations.
  { id: 'aggr', query: '{{simpleAggrOp}}({{gauge}})' },
  { id: 'aggr-by', query: '{{simpleAggrOp}} by (job) ({{gauge}})' },
  { id: 'aggr-by-empty', query: '{{simpleAggrOp}} by () (node_temperature_celsius)' },
  { id: 'aggr-by-nonexistent', query: 'sum by (nonexistent) (node_temperature_celsius)' },
  { id: 'aggr-without', query: '{{simpleAggrOp}} without (instance) ({{gauge}})' },
  { id: 'aggr-without-name', query: 'sum without (__name__, sensor) (node_temperature_celsius)' },
  { id: 'aggr-nonexistent', query: '{{simpleAggrOp}}(nonexistent_metric)' },
  { id: 'aggr-rate', query: 'sum by (job, code) (rate(http_requests_total[5m]))' },
  { id: 'topk', query: '{{topBottomOp}}(3, {{gauge}})' },
  { id: 'topk-by', query: '{{topBottomOp}} by (job) (1, node_temperature_celsius)' },
  { id: 'topk-scalar-param', query: 'topk(scalar(count(up)) - 1, process_resident_memory_bytes)' },
  { id: 'quantile', query: 'quantile({{quantile}}, {{gauge}})' },
  { id: 'quantile-by', query: 'quantile by (job) (0.5, process_resident_memory_bytes)' },
  { id: 'count-values', query: 'count_values("value", jobs_in_flight)' },
  { id: 'count-values-by', query: 'count_values by (job) ("n", jobs_in_flight)' },
  { id: 'limitk', query: 'limitk(2, node_temperature_celsius)', experimental: true },
  { id: 'limit-ratio', query: 'limit_ratio(0.5, node_temperature_celsius)', experimental: true },
  {
    id: 'limit-ratio-negative',
    query: 'count(limit_ratio(-0.5, http_requests_total))',
    experimental: true,
  },
  { id: 'aggr-nested', query: 'avg(max by (job) (process_resident_memory_bytes))' },

  // Binary operators.
  { id: 'vector-scalar', query: '{{gauge}} {{binOp}} 1.5' },
  { id: 'scalar-vector', query: '2 {{binOp}} {{gauge}}' },
  { id: 'compare-bool', query: '{{gauge}} {{compBinOp}} bool 0.5' },
  {
    id: 'vector-vector',
    query: 'process_resident_memory_bytes {{binOp}} on (instance, job) process_cpu_seconds_total',
  },
  {
    id: 'vector-vector-same',
    query: 'node_temperature_celsius {{arithBinOp}} node_temperature_celsius',
  },
  {
    id: 'ignoring',
    query:
      'http_requests_total / ignoring (code) group_left sum without (code) (http_requests_total)',
  },
  {
    id: 'group-left-labels',
    query: 'node_temperature_celsius * on (instance) group_left (job) up',
  },
  {
    id: 'group-right',
    query: 'sum by (instance) (up) + on (instance) group_right node_temperature_celsius',
  },
  { id: 'name-dropped', query: 'up / on (instance, job, __name__) up' },
  {
    id: 'set-op',
    query: 'node_temperature_celsius {{setOp}} on (instance) queue_fill_ratio > 0.5',
  },
  { id: 'set-op-plain', query: 'up {{setOp}} up{job="api"}' },
  {
    id: 'many-to-many',
    query: 'http_requests_total + on (job) process_cpu_seconds_total',
    shouldFail: true,
  },
  { id: 'unary', query: '-{{gauge}}' },
  { id: 'unary-paren', query: '-(up + 1)' },
  { id: 'timestamp-unary', query: 'timestamp(-up)' },
  { id: 'nan-inf', query: 'process_cpu_seconds_total * {{special}}' },
  { id: 'fill', query: 'up + fill (0) node_temperature_celsius{sensor="cpu"}', experimental: true },
  {
    id: 'fill-left-right',
    query: 'up + on (instance) fill_left (1) fill_right (2) queue_fill_ratio',
    experimental: true,
  },

  // Functions.
  { id: 'math', query: '{{mathFunc}}({{gauge}})' },
  { id: 'math-negative', query: '{{mathFunc}}(-node_temperature_celsius)' },
  { id: 'trig', query: '{{trigFunc}}(queue_fill_ratio)' },
  { id: 'round-to', query: 'round(node_temperature_celsius, 0.5)' },
  { id: 'clamp', query: '{{clampFunc}}({{gauge}}, 10)' },
  { id: 'clamp-both', query: 'clamp(node_temperature_celsius, 0, 40)' },
  { id: 'clamp-inverted', query: 'clamp(node_temperature_celsius, 40, 0)' },
  { id: 'over-time', query: '{{overTimeFunc}}({{gauge}}[{{range}}])' },
  {
    id: 'over-time-experimental',
    query: '{{experimentalOverTimeFunc}}({{gauge}}[{{range}}])',
    experimental: true,
  },
  {
    id: 'quantile-over-time',
    query: 'quantile_over_time({{quantile}}, queue_fill_ratio[{{range}}])',
  },
  { id: 'rate', query: '{{rateFunc}}({{counter}}[{{range}}])' },
  { id: 'rate-nonexistent', query: '{{rateFunc}}(nonexistent_metric[5m])' },
  { id: 'predict-linear', query: 'predict_linear(process_resident_memory_bytes[{{range}}], 600)' },
  {
    id: 'double-exponential-smoothing',
    query: 'double_exponential_smoothing(node_temperature_celsius[10m], 0.5, 0.5)',
    experimental: true,
  },
  {
    id: 'holt-winters',
    query: 'holt_winters(node_temperature_celsius[10m], 0.5, 0.5)',
    only: 'prometheus2',
  },
  {
    id: 'histogram-quantile',
    query: 'histogram_quantile({{quantile}}, rate(http_request_duration_seconds_bucket[5m]))',
  },
  {
    id: 'histogram-quantile-sum',
    query:
      'histogram_quantile(0.9, sum by (le, job) (rate(http_request_duration_seconds_bucket[5m])))',
  },
  {
    id: 'histogram-quantile-no-le',
    query: 'histogram_quantile(0.9, {__name__=~"http_request_duration_seconds_.+"})',
  },
  {
    id: 'histogram-quantiles',
    query:
      'histogram_quantiles(sum by (le) (rate(http_request_duration_seconds_bucket[5m])), "q", 0.5, 0.9)',
    experimental: true,
  },
  {
    id: 'histogram-fraction',
    query: 'histogram_fraction(0, 0.1, rate(http_request_duration_seconds_bucket[5m]))',
  },
  {
    id: 'native-histogram-func',
    query: '{{nativeHistogramFunc}}(http_request_duration_seconds_count)',
  },
  { id: 'label-replace', query: 'label_replace(up, "host", "$1", "instance", "(.*):.*")' },
  {
    id: 'label-replace-no-match',
    query: 'label_replace(up, "host", "$1", "instance", "nomatch(.*)")',
  },
  { id: 'label-replace-drop', query: 'label_replace(up, "job", "", "job", ".*")' },
  {
    id: 'label-replace-collision',
    query: 'label_replace(up, "instance", "", "", "")',
    shouldFail: true,
  },
  {
    id: 'label-replace-bad-regex',
    query: 'label_replace(up, "x", "$1", "instance", "(.*")',
    shouldFail: true,
  },
  { id: 'label-join', query: 'label_join(up, "id", "-", "job", "instance")' },
  { id: 'label-join-none', query: 'label_join(up, "job", "-")' },
  { id: 'timestamp', query: 'timestamp(queue_fill_ratio)' },
  { id: 'timestamp-of-timestamp', query: 'timestamp(timestamp(up))' },
  { id: 'absent', query: 'absent(up{job="missing"})' },
  { id: 'absent-present', query: 'absent(up)' },
  { id: 'absent-over-time', query: 'absent_over_time(nonexistent_metric{job="x"}[5m])' },
  { id: 'date', query: '{{dateFunc}}()' },
  { id: 'date-arg', query: '{{dateFunc}}(timestamp(up))' },
  { id: 'sort', query: '{{sortFunc}}(process_resident_memory_bytes)' },
  {
    id: 'sort-by-label',
    query: 'sort_by_label(node_temperature_celsius, "sensor", "instance")',
    experimental: true,
  },
  { id: 'sort-by-label-desc', query: 'sort_by_label_desc(up, "instance")', experimental: true },
  { id: 'info', query: 'info(process_cpu_seconds_total)', experimental: true },
  {
    id: 'start-timestamp',
    query: 'start_timestamp(process_cpu_seconds_total)',
    experimental: true,
  },

  // Subqueries.
  { id: 'subquery', query: 'max_over_time(rate(http_requests_total[1m])[10m:1m])' },
  { id: 'subquery-default-step', query: 'avg_over_time(up[10m:])' },
  {
    id: 'subquery-offset',
    query: 'min_over_time(process_resident_memory_bytes[10m:30s] offset 5m)',
  },
  { id: 'subquery-at', query: 'sum_over_time(up[10m:1m] @ {{at}})' },
  {
    id: 'subquery-nested',
    query: 'max_over_time(deriv(rate(process_cpu_seconds_total[1m])[5m:1m])[10m:2m])',
  },
  { id: 'subquery-time', query: 'max_over_time((time() - timestamp(up))[5m:30s])' },
  { id: 'subquery-matrix', query: 'rate(http_requests_total[5m])[10m:1m]', modes: ['instant'] },
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

/**
 * Expands templates into queries: every combination of the values of the dimensions a
 * template names; `{{at}}` becomes `atSeconds`.
 *
 * @throws Error for a placeholder that is neither a dimension nor `at`.
 */
export function expandTemplates(
  templates: readonly CorpusTemplate[],
  atSeconds: string,
): CorpusQuery[] {
  const out: CorpusQuery[] = [];
  for (const t of templates) {
    const dims = placeholders(t.query).filter((p) => p !== 'at');
    let combos: Record<string, string>[] = [{}];
    for (const d of dims) {
      const values = d === 'special' ? SPECIAL : VARIANT_ARGS[d];
      if (values === undefined) throw new Error(`template ${t.id}: unknown variant ${d}`);
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [d]: v })));
    }
    for (const c of combos) {
      const query = t.query.replace(/\{\{(\w+)\}\}/g, (_, name: string) =>
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
  const at = options.startMs + Math.round(span / 2);
  const atSeconds = `${Math.floor(at / 1000)}.${String(at % 1000).padStart(3, '0')}`;
  const templates = (options.templates ?? TEMPLATES).filter(
    (t) =>
      (t.only === undefined || t.only === compat) &&
      (experimental || !t.experimental) &&
      !(compat === 'prometheus2' && t.experimental),
  );
  const out: CorpusCase[] = [];
  for (const q of expandTemplates(templates, atSeconds)) {
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

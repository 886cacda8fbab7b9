/**
 * The query sets of the end-to-end benchmarks, with the fleet generator's metric names
 * (`@promql-ts/conformance` `generateDataset`): `http_requests_total{job,instance,method,code}`,
 * the classic histogram `http_request_duration_seconds_bucket{handler,le}`, the gauges
 * `process_resident_memory_bytes`, `node_temperature_celsius{sensor}`, `jobs_in_flight`,
 * `queue_fill_ratio`, and the counters `process_cpu_seconds_total`, `jobs_processed_total`.
 */

/**
 * The MemoryStorage options of the Prometheus comparison (and of its profile): the last
 * 32 samples of each series are also kept in series order (`recentSamples`; off by
 * default, as they cost 512 bytes per series), which the instant queries' short windows
 * read from.
 */
export const STORAGE_OPTIONS = { recentSamples: 32 } as const;

/** A named query. */
export interface BenchQuery {
  readonly name: string;
  readonly query: string;
}

/** The query set of issue 7 that the engine benchmark runs, each as instant and range. */
export const QUERIES: readonly BenchQuery[] = [
  { name: 'selector', query: 'http_requests_total{job="api",code="200"}' },
  { name: 'rate', query: 'rate(http_requests_total[5m])' },
  { name: 'sum by rate', query: 'sum by (job) (rate(http_requests_total[5m]))' },
  { name: 'topk', query: 'topk(10, rate(http_requests_total[5m]))' },
  {
    name: 'histogram_quantile',
    query: 'histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))',
  },
  {
    name: 'ratio of aggregations',
    query:
      'sum by (job) (rate(http_requests_total{code="500"}[5m])) / sum by (job) (rate(http_requests_total[5m]))',
  },
  { name: 'avg_over_time', query: 'avg_over_time(process_resident_memory_bytes[10m])' },
  { name: 'subquery', query: 'max_over_time(rate(http_requests_total[5m])[1h:1m])' },
  { name: 'sum(rate[1h])', query: 'sum(rate(http_requests_total[1h]))' },
];

/** The queries the Prometheus comparison adds to {@link QUERIES}. */
export const MORE_QUERIES: readonly BenchQuery[] = [
  { name: 'count_values', query: 'count_values("value", jobs_in_flight)' },
  { name: 'quantile', query: 'quantile by (sensor) (0.9, node_temperature_celsius)' },
  {
    name: 'label_replace',
    query: 'label_replace(rate(http_requests_total[5m]), "host", "$1", "instance", "([^:]+):.*")',
  },
  {
    name: 'group_left join',
    query:
      'rate(http_requests_total[5m]) * on (job, instance) group_left (sensor) node_temperature_celsius{sensor="cpu"}',
  },
];

/** One measured case: a query in one mode. */
export interface BenchCase extends BenchQuery {
  readonly mode: 'instant' | 'range';
  /** Step of a range query in ms (range queries cover the last hour of the data). */
  readonly stepMs: number;
}

/** `name mode` and, for a step other than 15 s, the step: the key of a case in results. */
export function caseKey(c: BenchCase): string {
  return c.mode === 'range' && c.stepMs !== 15_000
    ? `${c.name} range ${c.stepMs / 1000}s`
    : `${c.name} ${c.mode}`;
}

/**
 * The cases of the Prometheus comparison: every query as an instant query and as a 1 h
 * range query at 15 s steps, except `sum by rate`, which the issue asks for as range
 * queries at 15 s and at 60 s steps.
 */
export const PROMETHEUS_CASES: readonly BenchCase[] = [...QUERIES, ...MORE_QUERIES].flatMap(
  (q): BenchCase[] =>
    q.name === 'sum by rate'
      ? [
          { ...q, mode: 'range', stepMs: 15_000 },
          { ...q, mode: 'range', stepMs: 60_000 },
        ]
      : [
          { ...q, mode: 'instant', stepMs: 15_000 },
          { ...q, mode: 'range', stepMs: 15_000 },
        ],
);

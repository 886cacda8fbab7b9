/**
 * Warnings and infos, worded as Prometheus's util/annotations words them. A query collects
 * them in an {@link Annotations} set, deduplicated by message and position as Prometheus
 * deduplicates by error text.
 */
import { formatFloatG, lineColumn, type PosRange, quoteGo } from '@promql-ts/parser';
import type { Annotation } from './result.js';

const WARNING = 'PromQL warning';
const INFO = 'PromQL info';

/** The warnings and infos of one query. */
export class Annotations {
  private readonly warningMap = new Map<string, Annotation>();
  private readonly infoMap = new Map<string, Annotation>();

  private static key(a: Annotation): string {
    return a.pos === null ? a.message : `${a.message}\u0000${a.pos.start}`;
  }

  /** Adds a warning. */
  warn(message: string, pos: PosRange | null): void {
    const a = { message: `${WARNING}: ${message}`, pos };
    this.warningMap.set(Annotations.key(a), a);
  }

  /** Adds an info. */
  info(message: string, pos: PosRange | null): void {
    const a = { message: `${INFO}: ${message}`, pos };
    this.infoMap.set(Annotations.key(a), a);
  }

  /** The warnings, in the order first added. */
  get warnings(): Annotation[] {
    return [...this.warningMap.values()];
  }

  /** The infos, in the order first added. */
  get infos(): Annotation[] {
    return [...this.infoMap.values()];
  }
}

/** Go's `%g` of a float (as Prometheus formats values inside messages). */
export function goG(v: number): string {
  return formatFloatG(v);
}

/**
 * An annotation as Prometheus's API prints it: the message, then the position of the part
 * of the query it concerns as ` (line:col)` when known (columns in UTF-16 code units).
 */
export function formatAnnotation(a: Annotation, query: string): string {
  if (a.pos === null) return a.message;
  const { line, column } = lineColumn(query, a.pos.start);
  return `${a.message} (${line}:${column})`;
}

const withName = (msg: string, metricName: string) =>
  metricName === '' ? msg : `${msg} for metric name ${quoteGo(metricName)}`;

/** Message texts (without the "PromQL warning: "/"PromQL info: " prefix). */
export const messages = {
  invalidQuantile: (q: number) => `quantile value should be between 0 and 1, got ${goG(q)}`,
  invalidRatio: (r: number, to: number) =>
    `ratio value should be between -1 and 1, got ${goG(r)}, capping to ${goG(to)}`,
  badBucketLabel: (metricName: string, label: string) =>
    withName(
      `bucket label "le" is missing or has a malformed value of ${quoteGo(label)}`,
      metricName,
    ),
  possibleNonCounter: (metricName: string) =>
    `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${quoteGo(metricName)}`,
  possibleNonCounterLabel: (metricName: string, typeLabel: string) =>
    `metric might not be a counter, __type__ label is not set to "counter" or "histogram", got ${quoteGo(typeLabel)}: ${quoteGo(metricName)}`,
  forcedMonotonicity: (metricName: string) =>
    withName(
      'input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)',
      metricName,
    ),
  sortIneffective: () =>
    'sort is ineffective for range queries since results are always ordered by labels',
  incompatibleTypesInBinOp: (lhsType: string, op: string, rhsType: string) =>
    `incompatible sample types encountered for binary operator ${quoteGo(op)}: ${lhsType} ${op} ${rhsType}`,
} as const;

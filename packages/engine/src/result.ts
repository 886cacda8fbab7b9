/**
 * What a query evaluates to, as the engine returns it. Mirrors Prometheus's `promql.Value`
 * (vector, matrix, scalar, string) with columnar range series.
 *
 * Timestamps are milliseconds since the epoch. Float values are raw float64 (NaN and ±Inf
 * included). Label sets are sorted by name (see `Labels` in `storage.ts`).
 */
import type { PosRange } from '@promql-ts/parser';
import type { Labels } from './storage.js';

/** One sample of an instant vector. */
export interface InstantSample {
  readonly metric: Labels;
  /** Timestamp of the sample in milliseconds (the evaluation time for instant queries). */
  readonly t: number;
  readonly v: number;
}

/** One series of a range result: points in increasing time order, as columns. */
export interface RangeSeries {
  readonly metric: Labels;
  /**
   * Point timestamps in milliseconds; the same length as `values`. Read-only: the series
   * of one range query's result may share one array of step times.
   */
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** An instant vector: one sample per series, at one time. */
export interface VectorValue {
  readonly type: 'vector';
  readonly samples: readonly InstantSample[];
}

/** A range vector or a range query's result: many points per series. */
export interface MatrixValue {
  readonly type: 'matrix';
  readonly series: readonly RangeSeries[];
}

/** A scalar at a time. */
export interface ScalarValue {
  readonly type: 'scalar';
  readonly t: number;
  readonly v: number;
}

/** A string at a time. */
export interface StringValue {
  readonly type: 'string';
  readonly t: number;
  readonly v: string;
}

/** Every kind of query result. */
export type QueryValue = VectorValue | MatrixValue | ScalarValue | StringValue;

/** A warning or an info, as Prometheus's annotations: a message and where it points. */
export interface Annotation {
  readonly message: string;
  /** The part of the query it is about, when known. */
  readonly pos: PosRange | null;
}

/** Timings and sample counts, as Prometheus's `stats=all`. */
export interface QueryStats {
  /**
   * Samples the query used, counted as Prometheus counts them: for each step, one per
   * series an instant selector found a sample for, and every sample inside a range
   * selector's or subquery's window.
   */
  readonly totalQueryableSamples: number;
  /** The largest number of samples held at once (Prometheus's peak samples). */
  readonly peakSamples: number;
  /** Milliseconds spent parsing, planning, and evaluating; and in total. */
  readonly timings: {
    readonly parseMs: number;
    readonly planMs: number;
    readonly evalMs: number;
    readonly totalMs: number;
  };
}

/** The outcome of `evaluate` / `evaluateRange`. */
export interface QueryResult {
  /** The query as evaluated (printed from the AST when one was given). */
  readonly query: string;
  readonly value: QueryValue;
  readonly warnings: readonly Annotation[];
  readonly infos: readonly Annotation[];
  readonly stats: QueryStats;
}

/**
 * The parsed form of a promqltest file: the commands `load`, `clear` and `eval`, with the
 * sample sequences and expectations they carry. Field names follow Prometheus's
 * `promql/promqltest/test.go` (`loadCmd`, `evalCmd`, `expectCmd`) and
 * `promql/parser` (`SequenceValue`); times are milliseconds since the epoch, which is the
 * runner's start time.
 */
import type { Labels } from '@promql-ts/engine';

/** Which Prometheus's test language and runner to follow: v3.x (default) or v2.x. */
export type Compat = 'prometheus3' | 'prometheus2';

/** One span of a native histogram's buckets: `offset` from the previous span, `length` buckets. */
export interface HistogramSpan {
  readonly offset: number;
  readonly length: number;
}

/** A native histogram's counter-reset hint (`counter_reset_hint:` in the notation). */
export type CounterResetHint = 'unknown' | 'reset' | 'not_reset' | 'gauge';

/**
 * A float native histogram as the test notation writes it
 * (`{{schema:1 sum:3 count:22 buckets:[5 10 7]}}`), built as Prometheus's
 * `buildHistogramFromMap` does: absent fields are zero, `buckets`/`offset` give one positive
 * span, `n_buckets`/`n_offset` one negative span.
 */
export interface HistogramValue {
  readonly schema: number;
  readonly sum: number;
  readonly count: number;
  /** `z_bucket`. */
  readonly zeroCount: number;
  /** `z_bucket_w`. */
  readonly zeroThreshold: number;
  /** `custom_values` (bucket bounds of a custom-buckets histogram), empty when absent. */
  readonly customValues: readonly number[];
  readonly positiveSpans: readonly HistogramSpan[];
  readonly positiveBuckets: readonly number[];
  readonly negativeSpans: readonly HistogramSpan[];
  readonly negativeBuckets: readonly number[];
  readonly counterResetHint: CounterResetHint;
  /** Whether `counter_reset_hint` was written (only then do comparisons check it). */
  readonly counterResetHintSet: boolean;
}

/**
 * One position of a value sequence (Prometheus's `parser.SequenceValue`).
 *
 * - `omitted`: `_`, no sample at this step.
 * - `float`: a float sample (`stale` is the staleness-marker NaN, bit for bit).
 * - `histogram`: a native histogram sample.
 * - `histogram-series`: step `steps` of `base+deltaxN` (`op: 'add'`) or `base-deltaxN`
 *   (`'sub'`): `base` combined `steps` times with `delta`, one histogram addition or
 *   subtraction per step as Prometheus's `histogramsSeries` computes it. It is kept
 *   unexpanded because histogram arithmetic belongs to native-histogram support, which does
 *   not exist yet (the runner reports such data as unsupported).
 */
export type SequenceValue =
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'histogram'; readonly histogram: HistogramValue }
  | {
      readonly kind: 'histogram-series';
      readonly base: HistogramValue;
      readonly delta: HistogramValue;
      readonly op: 'add' | 'sub';
      readonly steps: number;
    }
  | { readonly kind: 'omitted' };

/** A parsed series description: `metric{labels} values…`. */
export interface SeriesDescription {
  /**
   * The labels as written, sorted by name (Go's `labels.New`). Empty values are kept: an
   * expected series with one can never match a result, as in Prometheus.
   */
  readonly labels: Labels;
  readonly values: readonly SequenceValue[];
}

/** One series of a `load` command. */
export interface LoadSeries {
  /** 1-based line of the series description. */
  readonly line: number;
  readonly labels: Labels;
  /** Value `i` is at `i × interval` milliseconds. */
  readonly values: readonly SequenceValue[];
  /**
   * Start timestamp of each value as an offset in milliseconds from the value's own time
   * (`metric@st` lines, or the load's standalone `@st` default), null where a value has none;
   * null as a whole when the series has no start timestamps at all.
   */
  readonly startTimestampOffsets: readonly (number | null)[] | null;
}

/**
 * `load <interval>` (or `load_with_nhcb <interval>`): samples added to the storage. Series
 * defined twice in one command keep the later definition, as in Prometheus.
 */
export interface LoadCommand {
  readonly kind: 'load';
  readonly line: number;
  readonly intervalMs: number;
  /** `load_with_nhcb`: classic histograms are also loaded as custom-bucket native histograms. */
  readonly withNHCB: boolean;
  readonly series: readonly LoadSeries[];
}

/** `clear`: a fresh, empty storage. */
export interface ClearCommand {
  readonly kind: 'clear';
  readonly line: number;
}

/** The kinds of `expect` line. */
export type ExpectKind = 'fail' | 'info' | 'no_info' | 'no_warn' | 'ordered' | 'warn';

/**
 * How an `expect` line matches a message: exactly (`msg:`), by an RE2 pattern searched
 * anywhere in the message (`regex:`), or by the runner's default pattern `^.*$` (any
 * message without a newline) when neither is given.
 */
export type MessageMatch =
  | { readonly type: 'any' }
  | { readonly type: 'msg'; readonly message: string }
  | { readonly type: 'regex'; readonly pattern: string };

/** One `expect <kind> [msg:|regex: …]` line. */
export interface ExpectLine {
  readonly kind: ExpectKind;
  readonly line: number;
  readonly match: MessageMatch;
}

/** An expected series of an `eval`: labels and values (one value for an instant vector). */
export interface ExpectedSeries {
  readonly line: number;
  /** Prometheus's `entry.pos`: the line's index in the eval block, for ordered results. */
  readonly position: number;
  readonly labels: Labels;
  readonly values: readonly SequenceValue[];
}

/** `eval instant at …` / `eval range from … to … step …` and its expectations. */
export interface EvalCommand {
  readonly kind: 'eval';
  /** 1-based line of the `eval` line: the case's identity. */
  readonly line: number;
  readonly mode: 'instant' | 'range';
  /** The query text exactly as written. */
  readonly expr: string;
  /**
   * Instant queries: the evaluation time (with `expect range vector`, its `to` time, as
   * Prometheus's runner sets it). Range queries: the end.
   */
  readonly evalMs: number;
  /** Range queries and `expect range vector`: first step; instant queries otherwise `evalMs`. */
  readonly startMs: number;
  /** Range queries and `expect range vector`: last step; `-Infinity` for plain instant queries. */
  readonly endMs: number;
  /** Step of a range query or of `expect range vector`; 0 otherwise. */
  readonly stepMs: number;
  /** The deprecated suffixes `eval_fail`, `eval_warn`, `eval_info`, `eval_ordered`. */
  readonly legacy: {
    readonly fail: boolean;
    readonly warn: boolean;
    readonly info: boolean;
    readonly ordered: boolean;
  };
  /** `expected_fail_message …` (after `eval_fail`), or null. */
  readonly expectedFailMessage: string | null;
  /** `expected_fail_regexp …` (after `eval_fail`), or null. */
  readonly expectedFailRegexp: string | null;
  readonly expects: readonly ExpectLine[];
  /** `expect range vector from … to … step …` was given: an instant query returning a matrix. */
  readonly expectRangeVector: boolean;
  /** `expect string "…"`, or null. */
  readonly expectedString: string | null;
  /** Instant evals only: skip the runner's re-run as a range query. */
  readonly excludeFromRangeQuery: boolean;
  /** A bare number line: the query must return this scalar. */
  readonly expectedScalar: { readonly line: number; readonly value: number } | null;
  /**
   * Expected series, one per distinct label set in order of first appearance; a label set
   * given twice keeps its last values and position, as Prometheus's map does.
   */
  readonly expectedSeries: readonly ExpectedSeries[];
}

/** Every command of a test file. */
export type TestCommand = ClearCommand | EvalCommand | LoadCommand;

/** A parsed test file. */
export interface TestFile {
  readonly compat: Compat;
  readonly commands: readonly TestCommand[];
}

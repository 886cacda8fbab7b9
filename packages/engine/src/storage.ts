/**
 * The storage interface: everything the engine (and the HTTP API) needs from a place that
 * holds samples. It is types only, so that an adapter (in memory, a remote Prometheus, a
 * database, a file) can implement it with `import type` and never pull in engine code.
 *
 * Conventions shared by every method:
 * - Timestamps are integer milliseconds since the Unix epoch, held in `Float64Array`s
 *   (exact below 2^53).
 * - A label set is sorted by label name, names are unique, and no value is empty (a label
 *   with an empty value does not exist, as in Prometheus).
 * - Matchers arrive compiled (see {@link Matcher}); an adapter needs no regex engine.
 * - Any method may return its result directly or as a Promise (a result returned directly
 *   is used at once: an in-memory adapter saves the query a pass through the microtask
 *   queue per read).
 *
 * Native histograms: a series carries chunks of one {@link SampleChunk} kind at a time;
 * today only `'float'` exists. A histogram chunk kind will be added beside it, so adapters
 * should switch on `kind`.
 */

/** One label: a name and its (non-empty) value. */
export interface Label {
  readonly name: string;
  readonly value: string;
}

/** A label set, sorted by name with unique names. */
export type Labels = readonly Label[];

/** The four PromQL matcher operators. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/**
 * A compiled label matcher.
 *
 * `matches` has Prometheus's exact semantics: regexes are RE2 syntax, fully anchored, with
 * `.` matching newlines; a label that is absent has the value `""`, so `{a=""}` selects
 * series without `a` and `{a!=""}` those that have it. `matches` runs in time linear in
 * the value's length whatever the pattern.
 */
export interface Matcher {
  readonly type: MatchType;
  readonly name: string;
  /** The literal value or regex source, as written in the query (for push-down). */
  readonly value: string;
  /**
   * When not null, the exact, finite set of values this matcher accepts (for `=` and
   * `=~"a|b|c"`) or rejects (for `!=` and `!~"a|b"`), so an index can look values up
   * instead of scanning them. Empty strings are included when they match.
   */
  readonly setMatches: readonly string[] | null;
  /** Whether the matcher accepts `value` (pass `""` for an absent label). */
  matches(value: string): boolean;
}

/** An inclusive range of time, in milliseconds since the epoch. */
export interface TimeRange {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * What the engine will do with the selected series, as Prometheus's `SelectHints`
 * carry it. An adapter may use these to push work down (downsample, pre-aggregate,
 * fetch less) or ignore them entirely.
 */
export interface SelectHints extends TimeRange {
  /** Query step in milliseconds; 0 for an instant query. */
  readonly stepMs: number;
  /** Range of the enclosing range selector in milliseconds; 0 for an instant selector. */
  readonly rangeMs: number;
  /** Name of the function wrapping the selector (`rate`, `max_over_time`…), or null. */
  readonly func: string | null;
  /** Labels of an enclosing aggregation's `by`/`without` clause. */
  readonly grouping: readonly string[];
  /** True for `by`, false for `without` (meaningful only when `grouping` is set). */
  readonly by: boolean;
  /** Upper bound on the number of series the caller will use, if known. */
  readonly limit?: number;
  /**
   * True when only each series' newest sample in `[startMs, endMs]` is used (an instant
   * selector evaluated at one time): an adapter may return just that sample per series.
   * Returning more is always allowed.
   */
  readonly latestOnly?: boolean;
}

/**
 * A run of float samples of one series, in increasing time order. `timestamps` and
 * `values` have the same length. Values are raw: a staleness marker is the NaN whose bit
 * pattern is `0x7ff0000000000002` and must come back bit for bit.
 *
 * The arrays may be views into the adapter's own memory; the engine never writes to them
 * and does not keep them past the query.
 */
export interface FloatChunk {
  readonly kind: 'float';
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

/** A run of samples of one series. Only float chunks exist today. */
export type SampleChunk = FloatChunk;

/** One selected series: its labels and its samples in the asked time range. */
export interface StorageSeries {
  readonly labels: Labels;
  /**
   * Chunks in increasing time order; together strictly increasing timestamps. They hold
   * at least every sample in the asked range and may hold samples outside it (the engine
   * ignores those).
   */
  readonly chunks: readonly SampleChunk[];
}

/**
 * A metric family's type, as Prometheus's metadata API reports it (`untyped` in the
 * text format is `unknown` here).
 */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'gaugehistogram'
  | 'histogram'
  | 'info'
  | 'stateset'
  | 'summary'
  | 'unknown';

/** Metadata of one metric family (from `# TYPE`, `# HELP` and `# UNIT` lines). */
export interface MetricMetadata {
  readonly type: MetricType;
  /** Help text, unescaped; `""` when none was given. */
  readonly help: string;
  /** Unit (OpenMetrics `# UNIT`); `""` when none was given. */
  readonly unit: string;
}

/**
 * The series of one read, whose samples the engine copies out when, and as far as, it
 * needs them (see {@link Storage.selectColumns}): a range function over many series
 * reads them a batch of series at a time, straight into the kernels' memory, rather
 * than the whole read at once.
 */
export interface SeriesColumns {
  /** Labels of each series, in the storage's order. */
  readonly labels: readonly Labels[];
  /**
   * `labels.length + 1` offsets: series `i` has `offsets[i + 1] - offsets[i]` samples in
   * the read's range; the first is 0, the last the number of samples.
   */
  readonly offsets: Uint32Array;
  /**
   * Writes the samples of series `from` up to (not including) `to`, series after series,
   * into `timestamps` and `values` from index 0: exactly `offsets[to] - offsets[from]`
   * of them, each series' in increasing time order, staleness markers bit for bit. Stays
   * callable until the query ends.
   */
  copy(from: number, to: number, timestamps: Float64Array, values: Float64Array): void;
}

/**
 * Bytes for a read's own columns, from the engine's buffers for the query (see
 * {@link Storage.selectColumns}): `bytes` zero-filled bytes starting at a multiple of 8
 * in their buffer, valid until the query ends.
 */
export type ReadMemory = (bytes: number) => Uint8Array;

/** A value that may be returned directly or through a Promise. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A source of series for the engine. Implement this to query any data store.
 */
export interface Storage {
  /**
   * The series that match all `matchers` and have samples in `[hints.startMs,
   * hints.endMs]`, with those samples. Series come back in any order; the engine sorts
   * what it needs. Every series has at least one sample in the range, and comes once (no
   * two with the same labels).
   */
  select(matchers: readonly Matcher[], hints: SelectHints): MaybePromise<readonly StorageSeries[]>;

  /**
   * Optional, for speed and memory: what `select` returns, as columns the engine copies
   * out of the storage on demand (no object per series or chunk, and no copy of every
   * sample at once). The engine uses it when present; an adapter that holds its samples
   * in memory can copy them straight from there.
   *
   * `memory`, when given, hands out zero-filled bytes that stay valid until the query
   * ends, as long as the returned columns may be used: a place for the read's own
   * columns (its offsets and whatever `copy` needs to find the samples) without a
   * system allocation of its own. Call it before returning (or settling the promise).
   */
  selectColumns?(
    matchers: readonly Matcher[],
    hints: SelectHints,
    memory?: ReadMemory,
  ): MaybePromise<SeriesColumns>;

  /**
   * Sorted, unique label names of the series that match all `matchers` (all series when
   * `matchers` is empty) and have samples in `range`.
   */
  labelNames(matchers: readonly Matcher[], range: TimeRange): MaybePromise<readonly string[]>;

  /**
   * Sorted, unique values of label `name` among the series that match all `matchers`
   * (all series when empty) and have samples in `range`.
   */
  labelValues(
    name: string,
    matchers: readonly Matcher[],
    range: TimeRange,
  ): MaybePromise<readonly string[]>;

  /**
   * Label sets of the series that match all `matchers` and have samples in `range`, in
   * any order. `matchers` is never empty.
   */
  series(matchers: readonly Matcher[], range: TimeRange): MaybePromise<readonly Labels[]>;

  /**
   * Optional: metadata per metric family name (what `/api/v1/metadata` serves), for one
   * family when `metric` is given, otherwise for all. A family may have several distinct
   * entries (e.g. from different sources). Adapters without metadata omit the method.
   */
  metadata?(metric?: string): MaybePromise<ReadonlyMap<string, readonly MetricMetadata[]>>;
}

/**
 * `load` commands into a `MemoryStorage`, as Prometheus's runner appends them
 * (test.go `loadCmd.set`, `append`, `appendCustomHistogram`): value `i` of a series at
 * `i × interval` ms; `_` adds nothing; a staleness marker is stored bit for bit.
 *
 * What the storage cannot hold yet is not loaded but recorded as unsupported, with the
 * label set it would have had, so that the runner can tell which evals depend on it:
 * series with native-histogram samples, the custom-bucket histograms `load_with_nhcb`
 * derives from classic ones, and series with start timestamps (`@st`).
 */
import type { Labels, Matcher } from '@promql-ts/engine';
import { compileMatcher } from '@promql-ts/engine';
import { type Expr, walk } from '@promql-ts/parser';
import type { MemoryStorage } from '@promql-ts/storage-mem';
import { formatLabels } from './labels.js';
import type { LoadCommand, LoadSeries } from './promqltest/types.js';

/** Why loaded data is not in the storage. */
export type UnsupportedReason = 'native histograms' | 'start timestamps';

/** A series a `load` defined that the storage does not hold (or holds without its start timestamps). */
export interface UnsupportedSeries {
  readonly labels: Labels;
  readonly reason: UnsupportedReason;
  /** 1-based line of the series description (of the `load` line for derived series). */
  readonly line: number;
}

/** A `load` the storage refused (out-of-order or conflicting samples), as Prometheus would. */
export class LoadError extends Error {
  readonly line: number;

  constructor(line: number, message: string) {
    super(message);
    this.name = 'LoadError';
    this.line = line;
  }
}

/** The float samples of one loaded series, in time order. */
export interface FloatSeriesSamples {
  readonly labels: Labels;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
}

function hasHistogram(s: LoadSeries): boolean {
  return s.values.some((v) => v.kind === 'histogram' || v.kind === 'histogram-series');
}

/** The float samples `load` puts into the storage for `series` (which must hold no histograms). */
export function floatSamples(series: LoadSeries, intervalMs: number): FloatSeriesSamples {
  let n = 0;
  for (const v of series.values) if (v.kind === 'float') n++;
  // Straight into typed arrays: a JS number array may canonicalise NaNs and so lose the
  // staleness marker's payload.
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  let k = 0;
  series.values.forEach((v, i) => {
    if (v.kind !== 'float') return;
    timestamps[k] = i * intervalMs;
    values[k] = v.value;
    k++;
  });
  return { labels: withoutEmpty(series.labels), timestamps, values };
}

/** Prometheus drops labels with empty values when it stores a series. */
function withoutEmpty(labels: Labels): Labels {
  return labels.some((l) => l.value === '') ? labels.filter((l) => l.value !== '') : labels;
}

const CLASSIC_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/**
 * The custom-bucket histogram series `load_with_nhcb` derives from a classic histogram
 * series: the base name (without `_bucket`, `_sum`, `_count`) and no `le`; null for other
 * series.
 */
export function nhcbSeriesLabels(labels: Labels): Labels | null {
  const name = labels.find((l) => l.name === '__name__')?.value;
  if (name === undefined) return null;
  const suffix = CLASSIC_SUFFIXES.find((s) => name.endsWith(s));
  if (suffix === undefined) return null;
  return labels
    .filter((l) => l.name !== 'le' && l.value !== '')
    .map((l) =>
      l.name === '__name__' ? { name: l.name, value: name.slice(0, -suffix.length) } : l,
    );
}

/**
 * Appends a `load` command's float series to `storage` and returns what it could not load.
 *
 * @throws {LoadError} when the storage refuses a sample (out of order, or a different value
 *   at a timestamp it already has), which fails a test file in Prometheus too.
 */
export function applyLoad(storage: MemoryStorage, cmd: LoadCommand): UnsupportedSeries[] {
  const unsupported: UnsupportedSeries[] = [];
  const nhcb = new Map<string, Labels>();
  for (const s of cmd.series) {
    if (hasHistogram(s)) {
      unsupported.push({
        labels: withoutEmpty(s.labels),
        reason: 'native histograms',
        line: s.line,
      });
      continue;
    }
    if (s.startTimestampOffsets !== null) {
      unsupported.push({
        labels: withoutEmpty(s.labels),
        reason: 'start timestamps',
        line: s.line,
      });
    }
    if (cmd.withNHCB) {
      const derived = nhcbSeriesLabels(s.labels);
      if (derived !== null) nhcb.set(JSON.stringify(derived), derived);
    }
    const samples = floatSamples(s, cmd.intervalMs);
    if (samples.timestamps.length === 0) continue;
    const result = storage.addSeries(samples.labels, samples.timestamps, samples.values);
    const rejected = result.rejections[0];
    if (rejected !== undefined) {
      throw new LoadError(
        s.line,
        `${rejected.reason} for series ${formatLabels(samples.labels)} at ${rejected.timestampMs}`,
      );
    }
  }
  for (const labels of nhcb.values()) {
    unsupported.push({ labels, reason: 'native histograms', line: cmd.line });
  }
  return unsupported;
}

function labelValue(labels: Labels, name: string): string {
  for (const l of labels) if (l.name === name) return l.value;
  return '';
}

/**
 * The first unsupported series a query may read: one that all matchers of one of its
 * selectors accept (and `target_info` for `info()`, which reads it implicitly). A query
 * that reads none gives the same result whether those series are stored or not.
 */
export function firstUnsupportedRead(
  expr: Expr,
  unsupported: readonly UnsupportedSeries[],
): UnsupportedSeries | null {
  if (unsupported.length === 0) return null;
  const selectors: Matcher[][] = [];
  for (const e of walk(expr)) {
    if (e.kind === 'VectorSelector') {
      selectors.push(e.labelMatchers.map((m) => compileMatcher(m.type, m.name, m.value)));
    } else if (e.kind === 'Call' && e.func === 'info') {
      selectors.push([compileMatcher('=', '__name__', 'target_info')]);
    }
  }
  for (const s of unsupported) {
    for (const matchers of selectors) {
      if (matchers.every((m) => m.matches(labelValue(s.labels, m.name)))) return s;
    }
  }
  return null;
}

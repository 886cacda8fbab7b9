/**
 * Raw samples of a time window, read from a Prometheus through its HTTP API or from a
 * `Storage`, and compared: the check that a backfilled Prometheus and a `MemoryStorage`
 * hold the same data before their query results are compared.
 */
import type { Labels, Storage } from '@promql-ts/engine';
import { compileMatcher } from '@promql-ts/engine';
import { formatLabels, labelsKey } from '../labels.js';
import type { PrometheusClient } from './client.js';

/** The raw samples of one series. */
export interface RawSeries {
  readonly labels: Labels;
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

/** Raw series by {@link labelsKey}. */
export type RawSamples = Map<string, RawSeries>;

/** Options of {@link readPrometheusSamples}. */
export interface ReadSamplesOptions {
  /** Series selector (default `{__name__=~".+"}`: every series). */
  readonly selector?: string;
  /** Width of one range-selector query in ms (default 1 h); bounded by `--query.max-samples`. */
  readonly windowMs?: number;
  /** Called after each window. */
  readonly onProgress?: (done: number, total: number) => void;
}

function add(
  out: Map<string, { labels: Labels; ts: number[]; vs: number[] }>,
  labels: Labels,
  t: number,
  v: number,
) {
  const key = labelsKey(labels);
  let s = out.get(key);
  if (s === undefined) {
    s = { labels, ts: [], vs: [] };
    out.set(key, s);
  }
  // Windows are closed at both ends in Prometheus 2: skip a timestamp read twice.
  if (s.ts.length > 0 && s.ts[s.ts.length - 1]! >= t) return;
  s.ts.push(t);
  s.vs.push(v);
}

function finish(m: Map<string, { labels: Labels; ts: number[]; vs: number[] }>): RawSamples {
  const out: RawSamples = new Map();
  for (const [k, s] of m) out.set(k, { labels: s.labels, timestamps: s.ts, values: s.vs });
  return out;
}

/**
 * Reads every raw sample in `[startMs, endMs]` from a Prometheus: instant queries of
 * `selector[window]` at the end of consecutive windows, whose matrices hold the stored
 * samples unchanged.
 *
 * @throws {PrometheusApiError} when a query fails.
 */
export async function readPrometheusSamples(
  client: PrometheusClient,
  startMs: number,
  endMs: number,
  options: ReadSamplesOptions = {},
): Promise<RawSamples> {
  const selector = options.selector ?? '{__name__=~".+"}';
  const windowMs = options.windowMs ?? 3600_000;
  const acc = new Map<string, { labels: Labels; ts: number[]; vs: number[] }>();
  const total = Math.max(1, Math.ceil((endMs - startMs + 1) / windowMs));
  for (let k = 0; k < total; k++) {
    // The window (t − w, t] covers [startMs + k·w, startMs + (k+1)·w − 1].
    const t = Math.min(startMs - 1 + (k + 1) * windowMs, endMs);
    const result = await client.instant(`${selector}[${windowMs}ms]`, t);
    if (result.value.type !== 'matrix') {
      throw new Error(`reading samples: expected a matrix, got a ${result.value.type}`);
    }
    for (const s of result.value.series) {
      for (let i = 0; i < s.timestamps.length; i++) {
        const ts = s.timestamps[i]!;
        if (ts >= startMs && ts <= endMs) add(acc, s.metric, ts, s.values[i]!);
      }
    }
    options.onProgress?.(k + 1, total);
  }
  return finish(acc);
}

/** Reads every raw sample in `[startMs, endMs]` of the series whose name matches `nameRegex`. */
export async function readStorageSamples(
  storage: Storage,
  startMs: number,
  endMs: number,
  nameRegex = '.+',
): Promise<RawSamples> {
  const series = await storage.select([compileMatcher('=~', '__name__', nameRegex)], {
    startMs,
    endMs,
    stepMs: 0,
    rangeMs: 0,
    func: null,
    grouping: [],
    by: false,
  });
  const acc = new Map<string, { labels: Labels; ts: number[]; vs: number[] }>();
  for (const s of series) {
    for (const c of s.chunks) {
      for (let i = 0; i < c.timestamps.length; i++) {
        const t = c.timestamps[i]!;
        if (t >= startMs && t <= endMs) add(acc, s.labels, t, c.values[i]!);
      }
    }
  }
  return finish(acc);
}

/** What {@link compareSamples} found. */
export interface SamplesComparison {
  readonly series: number;
  readonly samples: number;
  /** Human-readable differences, at most `maxDifferences`. */
  readonly differences: readonly string[];
  /** All differences found, including those not listed. */
  readonly differenceCount: number;
}

/** Two values are the same sample value: equal, or both NaN (the API writes every NaN alike). */
function sameValue(a: number, b: number): boolean {
  return a === b ? a !== 0 || Object.is(a, b) : Number.isNaN(a) && Number.isNaN(b);
}

/**
 * Compares two sets of raw samples exactly: the same series, the same timestamps, the same
 * values (NaN equal to NaN).
 */
export function compareSamples(
  expected: RawSamples,
  actual: RawSamples,
  maxDifferences = 10,
): SamplesComparison {
  const differences: string[] = [];
  let count = 0;
  let samples = 0;
  const note = (d: string) => {
    count++;
    if (differences.length < maxDifferences) differences.push(d);
  };
  for (const [key, e] of expected) {
    samples += e.timestamps.length;
    const a = actual.get(key);
    if (a === undefined) {
      note(`series ${formatLabels(e.labels)} (${e.timestamps.length} samples) is missing`);
      continue;
    }
    const n = Math.max(e.timestamps.length, a.timestamps.length);
    for (let i = 0; i < n; i++) {
      const et = e.timestamps[i];
      const at = a.timestamps[i];
      if (et !== at) {
        note(
          `series ${formatLabels(e.labels)}: sample ${i} is at ${et ?? 'none'} in one and ${at ?? 'none'} in the other`,
        );
        break;
      }
      if (!sameValue(e.values[i]!, a.values[i]!)) {
        note(`series ${formatLabels(e.labels)} at ${et}: ${e.values[i]} vs ${a.values[i]}`);
        break;
      }
    }
  }
  for (const [key, a] of actual) {
    if (!expected.has(key))
      note(`unexpected series ${formatLabels(a.labels)} (${a.timestamps.length} samples)`);
  }
  return { series: expected.size, samples, differences, differenceCount: count };
}

/**
 * Comparing two engines' answers to the same query: a reference (a real Prometheus) and a
 * candidate (promql-ts). Values are compared with the test runner's tolerance
 * (relative 1e-6, NaN equal to NaN), timestamps exactly, label sets exactly; the order of
 * series only where PromQL defines it (see `CorpusCase.orderMatters`).
 */
import type { QueryResult, QueryValue } from '@promql-ts/engine';
import { almostEqual, formatValue } from '../compare.js';
import { formatLabels, labelsKey } from '../labels.js';
import type { RangeSpec } from '../runner.js';
import type { CorpusCase } from './corpus.js';

/** Anything that answers PromQL queries (a `PrometheusClient`, or an engine binding). */
export interface QueryTarget {
  instant(query: string, timeMs: number): Promise<QueryResult>;
  range(query: string, range: RangeSpec): Promise<QueryResult>;
}

/** Options of {@link diffQueryValues}. */
export interface DiffOptions {
  /** Whether the order of series must match (default false). */
  readonly orderMatters?: boolean;
  /** Differences listed at most (default 10). */
  readonly maxDifferences?: number;
}

/**
 * The differences between a reference value and a candidate value; empty when they agree.
 */
export function diffQueryValues(
  expected: QueryValue,
  actual: QueryValue,
  options: DiffOptions = {},
): string[] {
  const max = options.maxDifferences ?? 10;
  const diffs: string[] = [];
  const note = (d: string) => {
    if (diffs.length < max) diffs.push(d);
  };
  if (expected.type !== actual.type) return [`expected a ${expected.type}, got a ${actual.type}`];
  switch (expected.type) {
    case 'scalar':
    case 'string': {
      const a = actual as typeof expected;
      if (expected.t !== a.t) note(`timestamp ${a.t}, expected ${expected.t}`);
      const same =
        expected.type === 'scalar'
          ? almostEqual(expected.v as number, a.v as number)
          : expected.v === a.v;
      if (!same) note(`value ${String(a.v)}, expected ${String(expected.v)}`);
      return diffs;
    }
    case 'vector': {
      const a = actual as typeof expected;
      if (options.orderMatters) {
        const order = (v: typeof expected) =>
          v.samples.map((s) => formatLabels(s.metric)).join(' ');
        if (order(expected) !== order(a))
          note(`order of series differs: got ${order(a)}, expected ${order(expected)}`);
      }
      const byKey = new Map<string, (typeof a.samples)[number][]>();
      for (const s of a.samples) {
        const k = labelsKey(s.metric);
        byKey.set(k, [...(byKey.get(k) ?? []), s]);
      }
      for (const e of expected.samples) {
        const k = labelsKey(e.metric);
        const candidates = byKey.get(k);
        const got = candidates?.shift();
        if (got === undefined) {
          note(`missing ${formatLabels(e.metric)} = ${formatValue(e.v)}`);
          continue;
        }
        if (got.t !== e.t) note(`${formatLabels(e.metric)}: timestamp ${got.t}, expected ${e.t}`);
        if (!almostEqual(e.v, got.v))
          note(`${formatLabels(e.metric)}: ${formatValue(got.v)}, expected ${formatValue(e.v)}`);
      }
      for (const rest of byKey.values()) {
        for (const s of rest) note(`unexpected ${formatLabels(s.metric)} = ${formatValue(s.v)}`);
      }
      return diffs;
    }
    case 'matrix': {
      const a = actual as typeof expected;
      if (options.orderMatters) {
        const order = (m: typeof expected) => m.series.map((s) => formatLabels(s.metric)).join(' ');
        if (order(expected) !== order(a))
          note(`order of series differs: got ${order(a)}, expected ${order(expected)}`);
      }
      const byKey = new Map(a.series.map((s) => [labelsKey(s.metric), s]));
      for (const e of expected.series) {
        const k = labelsKey(e.metric);
        const got = byKey.get(k);
        if (got === undefined) {
          note(`missing series ${formatLabels(e.metric)} (${e.timestamps.length} points)`);
          continue;
        }
        byKey.delete(k);
        const n = Math.max(e.timestamps.length, got.timestamps.length);
        for (let i = 0; i < n; i++) {
          const et = e.timestamps[i];
          const at = got.timestamps[i];
          if (et !== at) {
            note(
              `${formatLabels(e.metric)}: point ${i} at ${at ?? 'none'}, expected at ${et ?? 'none'}`,
            );
            break;
          }
          if (!almostEqual(e.values[i]!, got.values[i]!)) {
            note(
              `${formatLabels(e.metric)} at ${et}: ${formatValue(got.values[i]!)}, expected ${formatValue(e.values[i]!)}`,
            );
            break;
          }
        }
      }
      for (const s of byKey.values())
        note(`unexpected series ${formatLabels(s.metric)} (${s.timestamps.length} points)`);
      return diffs;
    }
  }
}

/** How a differential case ended. */
export type DifferentialStatus = 'match' | 'mismatch' | 'not-applicable';

/** The outcome of one differential case. */
export interface DifferentialResult {
  readonly id: string;
  /** The corpus template the case comes from. */
  readonly template: string;
  readonly query: string;
  readonly mode: 'instant' | 'range';
  readonly status: DifferentialStatus;
  readonly differences: readonly string[];
  readonly referenceError: string | null;
  readonly candidateError: string | null;
  /**
   * Size of the reference's answer (samples of a vector, series of a matrix, 1 for a
   * scalar or string), null when it failed: a corpus whose answers are all empty
   * compares nothing.
   */
  readonly referenceSize: number | null;
}

/** Samples of a vector, series of a matrix, 1 for a scalar or a string. */
export function resultSize(v: QueryValue): number {
  return v.type === 'vector' ? v.samples.length : v.type === 'matrix' ? v.series.length : 1;
}

/**
 * Whether a reference error means the reference Prometheus does not know the query's
 * syntax or function (an older version than the corpus targets), so the case does not
 * apply to it.
 */
export function isUnknownToReference(message: string): boolean {
  return /parse error|unknown function|is experimental|not enabled|unexpected/.test(message);
}

async function answer(
  target: QueryTarget,
  c: CorpusCase,
): Promise<{ result: QueryResult | null; error: string | null }> {
  try {
    const result =
      c.mode === 'instant'
        ? await target.instant(c.query, c.timeMs)
        : await target.range(c.query, { startMs: c.startMs, endMs: c.endMs, stepMs: c.stepMs });
    return { result, error: null };
  } catch (e) {
    return { result: null, error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Runs one corpus case against both targets and compares the answers: both fail (a
 * match), both answer the same, or a mismatch. A reference parse error on a query that is
 * not meant to fail makes the case not applicable (see {@link isUnknownToReference}).
 */
export async function runDifferentialCase(
  c: CorpusCase,
  reference: QueryTarget,
  candidate: QueryTarget,
  options: DiffOptions = {},
): Promise<DifferentialResult> {
  const [ref, cand] = await Promise.all([answer(reference, c), answer(candidate, c)]);
  const base = {
    id: c.id,
    template: c.template,
    query: c.query,
    mode: c.mode,
    referenceError: ref.error,
    candidateError: cand.error,
    referenceSize: ref.result === null ? null : resultSize(ref.result.value),
  };
  // A query the reference does not know (newer syntax or functions) does not apply to it,
  // whatever the candidate answers.
  if (ref.error !== null && !c.shouldFail && isUnknownToReference(ref.error)) {
    return { ...base, status: 'not-applicable', differences: [] };
  }
  if (ref.error !== null && cand.error !== null)
    return { ...base, status: 'match', differences: [] };
  if (ref.error !== null) {
    return {
      ...base,
      status: 'mismatch',
      differences: [`the reference failed (${ref.error}), the candidate answered`],
    };
  }
  if (cand.error !== null) {
    return { ...base, status: 'mismatch', differences: [`the candidate failed: ${cand.error}`] };
  }
  const differences = diffQueryValues(ref.result!.value, cand.result!.value, {
    orderMatters: c.orderMatters,
    ...options,
  });
  return { ...base, status: differences.length === 0 ? 'match' : 'mismatch', differences };
}

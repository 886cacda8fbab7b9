/**
 * The expected-failures list of differential runs, `conformance/expected-failures-differential.txt`:
 * the format of `expected-failures.ts`, keys `differential:<version>:<case id>` (version
 * `3.5.3` or `2.42`) for query cases and `differential:api:<version>:<request id>` for the
 * HTTP API comparison. A mismatch fails a run unless listed with a reason; a listed case
 * that matches (or no longer applies) fails it too, so the list only shrinks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CaseOutcome,
  checkExpectedFailures,
  type ExpectedFailure,
  type ExpectedFailuresCheck,
  expectedFailuresFor,
  formatExpectedFailures,
  parseExpectedFailures,
} from '../expected-failures.js';
import { CONFORMANCE_DIR } from '../upstream.js';
import type { ApiComparison } from './api.js';
import type { DifferentialResult } from './diff.js';

/** The differential expected-failures file. */
export const DIFFERENTIAL_EXPECTED_FAILURES_FILE = join(
  CONFORMANCE_DIR,
  'expected-failures-differential.txt',
);

/** The header comment of the file. */
export const DIFFERENTIAL_EXPECTED_FAILURES_HEADER: readonly string[] = [
  'Differential cases (promql-ts against a real Prometheus) that do not match yet:',
  '`differential:<version>:<case id> <reason>`. Checked by `pnpm conformance:prometheus`',
  'and conformance/test/differential.test.ts: a mismatch that is not listed, or a listed',
  'case that matches, fails the run. Regenerate from a run with',
  '`pnpm conformance:prometheus -- --version 3.5.3 --update` (and `--version 2.42 --update`).',
  '`differential:api:<version>:<request id> <reason>`: requests of the HTTP API comparison',
  '(src/differential/api-corpus.ts) whose response differs from Prometheus; checked by',
  'conformance/test/differential.test.ts only, kept as they are by --update.',
];

/** The key of a case of a run against `version`. */
export function differentialKey(version: string, caseId: string): string {
  return `differential:${version}:${caseId}`;
}

const API_KEY_PREFIX = 'differential:api:';

/** The version part of a differential key, or null for other keys (and API keys). */
export function keyVersion(key: string): string | null {
  if (key.startsWith(API_KEY_PREFIX)) return null;
  const m = /^differential:([^:]+):/.exec(key);
  return m === null ? null : m[1]!;
}

/**
 * The key of a request of the HTTP API comparison (`api.ts`) against `version`:
 * `differential:api:3.5.3:query:vector:get`. These entries are checked by
 * {@link checkApiDifferential} only: the corpus runs and `--update` leave them alone.
 */
export function apiKey(version: string, requestId: string): string {
  return `${API_KEY_PREFIX}${version}:${requestId}`;
}

/** The outcome of each API request: a mismatch fails. */
export function apiOutcomes(version: string, results: readonly ApiComparison[]): CaseOutcome[] {
  return results.map((r) => ({
    key: apiKey(version, r.id),
    passed: r.status === 'match',
    message: r.differences[0] ?? null,
  }));
}

/**
 * Checks an API comparison against `version` with the list's API entries: an unlisted
 * mismatch, a listed request that matches, and a listed key of this version that names no
 * request all fail it.
 */
export function checkApiDifferential(
  version: string,
  results: readonly ApiComparison[],
  expected: readonly ExpectedFailure[],
): ExpectedFailuresCheck {
  const prefix = apiKey(version, '');
  return checkExpectedFailures(
    apiOutcomes(version, results),
    expected.filter((e) => e.key.startsWith(API_KEY_PREFIX)),
    (key) => key.startsWith(prefix),
  );
}

/** The outcome of each case: a mismatch fails; a match or a case that does not apply passes. */
export function differentialOutcomes(
  version: string,
  results: readonly DifferentialResult[],
): CaseOutcome[] {
  return results.map((r) => ({
    key: differentialKey(version, r.id),
    passed: r.status !== 'mismatch',
    message: r.differences[0] ?? null,
  }));
}

/** Reads a differential expected-failures file (default the committed one). */
export function readDifferentialExpectedFailures(
  file = DIFFERENTIAL_EXPECTED_FAILURES_FILE,
): ExpectedFailure[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return parseExpectedFailures(text);
}

/** One version's results, as the check needs them. */
export interface VersionResults {
  readonly version: string;
  readonly results: readonly DifferentialResult[];
  /** Whether the whole corpus ran: only then is a listed key that names no case stale. */
  readonly complete: boolean;
}

/**
 * Checks runs against the list. Entries of versions that did not run, or ran only in
 * part, are out of scope for the "names no case" check.
 */
export function checkDifferential(
  runs: readonly VersionResults[],
  expected: readonly ExpectedFailure[],
): ExpectedFailuresCheck {
  const complete = new Set(runs.filter((r) => r.complete).map((r) => r.version));
  return checkExpectedFailures(
    runs.flatMap((r) => differentialOutcomes(r.version, r.results)),
    expected,
    (key) => complete.has(keyVersion(key) ?? ''),
  );
}

/** A reason for a new entry: the first difference, on one line, at most 200 characters. */
export function reasonFor(outcome: CaseOutcome): string {
  const text = (outcome.message ?? 'mismatch').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 197)}...` : text || 'mismatch';
}

/**
 * The list after `runs`: their versions' entries are replaced by every mismatch of the
 * run (listed reasons kept, new ones from the first difference); entries of other
 * versions, and of cases that did not run in a partial run, stay.
 */
export function updatedDifferentialList(
  runs: readonly VersionResults[],
  expected: readonly ExpectedFailure[],
): ExpectedFailure[] {
  const ranKeys = new Set(
    runs.flatMap((r) => r.results.map((c) => differentialKey(r.version, c.id))),
  );
  const complete = new Set(runs.filter((r) => r.complete).map((r) => r.version));
  const untouched = expected.filter(
    (e) => !ranKeys.has(e.key) && !complete.has(keyVersion(e.key) ?? ''),
  );
  const outcomes = runs.flatMap((r) => differentialOutcomes(r.version, r.results));
  return [...untouched, ...expectedFailuresFor(outcomes, expected, reasonFor)];
}

/** Writes the list (sorted, with the header). */
export function writeDifferentialExpectedFailures(
  entries: readonly ExpectedFailure[],
  file = DIFFERENTIAL_EXPECTED_FAILURES_FILE,
): void {
  writeFileSync(file, formatExpectedFailures(entries, DIFFERENTIAL_EXPECTED_FAILURES_HEADER));
}

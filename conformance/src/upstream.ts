/**
 * Runs Prometheus's own test files (vendored under `testdata/upstream/`) against
 * promql-ts and checks the outcome against the expected-failures list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promqlTsEngine } from './engine.js';
import {
  type CaseOutcome,
  checkExpectedFailures,
  type ExpectedFailure,
  type ExpectedFailuresCheck,
  parseExpectedFailures,
} from './expected-failures.js';
import type { Compat } from './promqltest/types.js';
import { type CaseResult, type FileResult, runTestFile } from './runner.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The conformance package's directory. */
export const CONFORMANCE_DIR = join(here, '..');
/** Where the vendored test files live. */
export const UPSTREAM_DIR = join(CONFORMANCE_DIR, 'testdata/upstream');
/** The expected-failures list of the upstream suites. */
export const EXPECTED_FAILURES_FILE = join(CONFORMANCE_DIR, 'expected-failures.txt');

/** A vendored suite: a Prometheus version's test files and the mode they run in. */
export interface Suite {
  /** Directory under `testdata/upstream/`, e.g. `prometheus-v3.14.0`. */
  readonly dir: string;
  readonly compat: Compat;
}

/** The vendored suites. */
export const SUITES: readonly Suite[] = [
  { dir: 'prometheus-v3.14.0', compat: 'prometheus3' },
  { dir: 'prometheus-v2.42.0', compat: 'prometheus2' },
];

/** The test files of a suite, sorted. */
export function suiteFiles(suite: Suite): string[] {
  return readdirSync(join(UPSTREAM_DIR, suite.dir))
    .filter((f) => f.endsWith('.test'))
    .sort();
}

/** Options of {@link runUpstream}. */
export interface UpstreamOptions {
  /** Only these suites (default all). */
  readonly suites?: readonly Suite[];
  /** Only files whose name contains this text. */
  readonly filter?: string;
  /** Called when a file starts and after each of its cases. */
  readonly onProgress?: (file: string, done: number, cases: CaseResult | null) => void;
}

/** Runs the vendored test files and returns one result per file. */
export async function runUpstream(options: UpstreamOptions = {}): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const suite of options.suites ?? SUITES) {
    for (const name of suiteFiles(suite)) {
      const file = `${suite.dir}/${name}`;
      if (options.filter !== undefined && !file.includes(options.filter)) continue;
      const text = readFileSync(join(UPSTREAM_DIR, file), 'utf8');
      let done = 0;
      options.onProgress?.(file, 0, null);
      results.push(
        await runTestFile(text, promqlTsEngine, {
          file,
          compat: suite.compat,
          onCase: (c) => options.onProgress?.(file, ++done, c),
        }),
      );
    }
  }
  return results;
}

/** The expected-failures list as committed. */
export function readExpectedFailures(): ExpectedFailure[] {
  return parseExpectedFailures(readFileSync(EXPECTED_FAILURES_FILE, 'utf8'));
}

/** Every case's outcome, for the expected-failures check. */
export function outcomes(results: readonly FileResult[]): CaseOutcome[] {
  return results.flatMap((r) =>
    r.cases.map((c) => ({ key: c.key, passed: c.status === 'pass', message: c.message })),
  );
}

/** Checks results against the list; keys of files that did not run are out of scope. */
export function checkUpstream(
  results: readonly FileResult[],
  expected: readonly ExpectedFailure[],
): ExpectedFailuresCheck {
  const ran = new Set(results.map((r) => r.file));
  return checkExpectedFailures(outcomes(results), expected, (key) =>
    ran.has(key.replace(/:\d+$/, '')),
  );
}

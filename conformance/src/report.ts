/**
 * Plain-text reports of promqltest runs: per file the cases that passed, failed and are
 * unsupported, the first differences of each failure, and a closing line
 * `N passed, N failed` (unsupported cases count as failed: they do not pass).
 */
import type { FileResult } from './runner.js';

/** Case counts of one file or a whole run. */
export interface Counts {
  readonly passed: number;
  readonly failed: number;
  readonly unsupported: number;
}

/** Counts the cases of some file results. */
export function countCases(results: readonly FileResult[]): Counts {
  let passed = 0;
  let failed = 0;
  let unsupported = 0;
  for (const r of results) {
    for (const c of r.cases) {
      if (c.status === 'pass') passed++;
      else if (c.status === 'unsupported') unsupported++;
      else failed++;
    }
  }
  return { passed, failed, unsupported };
}

/** Options of {@link formatFileReport}. */
export interface ReportOptions {
  /** Show unsupported cases one by one (default false: only their number). */
  readonly listUnsupported?: boolean;
  /** Differences shown per failed case (default 3). */
  readonly differences?: number;
}

/** The report of one file: a summary line, then one block per failed case. */
export function formatFileReport(result: FileResult, options: ReportOptions = {}): string {
  const c = countCases([result]);
  const lines = [
    `${result.file}: ${c.passed} passed, ${c.failed} failed, ${c.unsupported} unsupported`,
  ];
  if (result.error !== null) lines.push(`  file error: ${result.error}`);
  for (const r of result.cases) {
    if (r.status === 'pass') continue;
    if (r.status === 'unsupported' && !options.listUnsupported) continue;
    lines.push(`  ${r.status === 'fail' ? 'FAIL' : 'UNSUPPORTED'} line ${r.line}: ${r.expr}`);
    if (r.message !== null) lines.push(`    ${r.message}`);
    for (const d of r.differences.slice(1, 1 + (options.differences ?? 3)))
      lines.push(`    - ${d}`);
  }
  return lines.join('\n');
}

/** The closing lines of a run: the unsupported count, then `N passed, N failed`. */
export function formatSummary(results: readonly FileResult[]): string {
  const c = countCases(results);
  return `${c.unsupported} of the failed cases are unsupported\n${c.passed} passed, ${c.failed + c.unsupported} failed`;
}

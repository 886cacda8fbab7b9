/**
 * Reports of differential runs: per template the cases that match, mismatch and do not
 * apply to the server, the first differences of each mismatch, the match rate, and a
 * closing `N passed, N failed` line (passed: matches; failed: mismatches; cases the server
 * does not know are counted apart).
 */
import type { DifferentialResult, DifferentialStatus } from './diff.js';
import type { DifferentialRun } from './run.js';

/** Case counts of a run or a template. */
export interface DifferentialCounts {
  readonly match: number;
  readonly mismatch: number;
  readonly notApplicable: number;
}

/** Counts results by status. */
export function countResults(results: readonly DifferentialResult[]): DifferentialCounts {
  const n: Record<DifferentialStatus, number> = { match: 0, mismatch: 0, 'not-applicable': 0 };
  for (const r of results) n[r.status]++;
  return { match: n.match, mismatch: n.mismatch, notApplicable: n['not-applicable'] };
}

/** Counts per template, templates in the order of their first case. */
export function countByTemplate(
  results: readonly DifferentialResult[],
): Map<string, DifferentialCounts> {
  const groups = new Map<string, DifferentialResult[]>();
  for (const r of results) {
    const g = groups.get(r.template);
    if (g === undefined) groups.set(r.template, [r]);
    else g.push(r);
  }
  return new Map([...groups].map(([t, rs]) => [t, countResults(rs)]));
}

/** Matches among the cases that apply, as a percentage with one decimal ("-" for none). */
export function matchRate(c: DifferentialCounts): string {
  const applicable = c.match + c.mismatch;
  return applicable === 0 ? '-' : `${((100 * c.match) / applicable).toFixed(1)}%`;
}

/** Options of {@link formatDifferentialReport}. */
export interface DifferentialReportOptions {
  /** Mismatching cases shown per template (default 3; Infinity for all). */
  readonly mismatchesPerTemplate?: number;
  /** Differences shown per mismatch (default 3). */
  readonly differences?: number;
  /** Markdown (a table and code blocks) instead of plain text. */
  readonly markdown?: boolean;
}

function secondsOf(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * The header lines of a run: server, settings, data. `stable` leaves out what changes from
 * one run to the next (a local server's port), for committed reports.
 */
export function describeRun(run: DifferentialRun, stable = false): string[] {
  const s = run.settings;
  const where = stable && run.name !== 'url' ? "a local server from Debian's package" : run.url;
  return [
    `promql-ts against Prometheus ${run.server.version} (revision ${run.server.revision.slice(0, 12) || 'unknown'}) at ${where}`,
    `settings: compat ${s.compat}, experimental ${s.experimental ? 'on' : 'off'}, lookback ${s.lookbackDeltaMs / 1000}s, max samples ${s.maxSamples}, timeout ${s.timeoutMs / 1000}s, subquery step ${s.defaultSubqueryStepMs / 1000}s, delayed name removal ${s.delayedNameRemoval ? 'on' : 'off'}; server features: ${run.features.join(', ') || 'none'}`,
    ...run.data,
    run.samples === null
      ? 'samples: read from the server'
      : `samples: both hold the same ${run.samples.samples} samples of ${run.samples.series} series`,
  ];
}

/** The full report of a run. */
export function formatDifferentialReport(
  run: DifferentialRun,
  options: DifferentialReportOptions = {},
): string {
  const md = options.markdown ?? false;
  const perTemplate = options.mismatchesPerTemplate ?? 3;
  const maxDiffs = options.differences ?? 3;
  const total = countResults(run.results);
  const byTemplate = countByTemplate(run.results);
  const lines: string[] = [];
  if (md) {
    lines.push(`# Differential run against Prometheus ${run.name}`, '');
    for (const l of describeRun(run, true)) lines.push(`- ${l}`);
    lines.push('');
    lines.push('| template | match | mismatch | n/a | match rate |', '|---|---:|---:|---:|---:|');
    for (const [t, c] of byTemplate) {
      lines.push(`| ${t} | ${c.match} | ${c.mismatch} | ${c.notApplicable} | ${matchRate(c)} |`);
    }
    lines.push(
      `| **all** | ${total.match} | ${total.mismatch} | ${total.notApplicable} | ${matchRate(total)} |`,
      '',
    );
  } else {
    lines.push(...describeRun(run), '');
    const width = Math.max(8, ...[...byTemplate.keys()].map((t) => t.length));
    lines.push(`${'template'.padEnd(width)}  match  mismatch  n/a  match rate`);
    for (const [t, c] of byTemplate) {
      lines.push(
        `${t.padEnd(width)}  ${String(c.match).padStart(5)}  ${String(c.mismatch).padStart(8)}  ${String(c.notApplicable).padStart(3)}  ${matchRate(c).padStart(10)}`,
      );
    }
    lines.push('');
  }

  const mismatches = run.results.filter((r) => r.status === 'mismatch');
  if (mismatches.length > 0) {
    lines.push(md ? '## Mismatches' : 'Mismatches (first differences):', '');
    if (md) lines.push('```text');
    // Per template, the first mismatch of each query (instant cases of a query at other
    // times mostly repeat it), up to `perTemplate`.
    const shown = new Map<string, number>();
    const hidden = new Map<string, number>();
    const queries = new Set<string>();
    for (const r of mismatches) {
      const n = shown.get(r.template) ?? 0;
      const again = queries.has(`${r.mode} ${r.query}`) && r.mode === 'instant';
      if (n >= perTemplate || again) {
        hidden.set(r.template, (hidden.get(r.template) ?? 0) + 1);
        continue;
      }
      queries.add(`${r.mode} ${r.query}`);
      shown.set(r.template, n + 1);
      lines.push(`${r.id}: ${r.query}`);
      for (const d of r.differences.slice(0, maxDiffs)) lines.push(`    ${d}`);
      if (r.differences.length > maxDiffs)
        lines.push(`    … ${r.differences.length - maxDiffs} more differences`);
    }
    for (const [t, n] of hidden) lines.push(`${t}: ${n} more mismatching cases`);
    if (md) lines.push('```');
    lines.push('');
  }
  lines.push(
    `match rate ${matchRate(total)}: ${total.match} of ${total.match + total.mismatch} applicable cases match; ${total.notApplicable} do not apply to Prometheus ${run.server.version}${md ? '' : ` (in ${secondsOf(run.durationMs)})`}`,
  );
  lines.push(`${total.match} passed, ${total.mismatch} failed`);
  return lines.join('\n');
}

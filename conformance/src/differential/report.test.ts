import { describe, expect, test } from 'vitest';
import type { DifferentialResult, DifferentialStatus } from './diff.js';
import { countByTemplate, countResults, formatDifferentialReport, matchRate } from './report.js';
import type { DifferentialRun } from './run.js';

const r = (
  id: string,
  status: DifferentialStatus,
  differences: string[] = [],
  query = id.split(':')[0]!,
): DifferentialResult => ({
  id,
  template: id.split(':')[0]!,
  query,
  mode: id.endsWith(':range') ? 'range' : 'instant',
  status,
  differences,
  referenceError: null,
  candidateError: null,
  referenceSize: 1,
});

const results = [
  r('up:instant@0', 'match'),
  r('up:range', 'match'),
  r('abs:instant@0', 'mismatch', ['the candidate failed: unknown function abs']),
  r('abs:instant@1', 'mismatch', ['the candidate failed: unknown function abs']),
  r('abs:range', 'mismatch', ['a', 'b', 'c', 'd', 'e']),
  r('fill:instant@0', 'not-applicable'),
];

const run: DifferentialRun = {
  name: '3.5.3',
  server: { version: '3.5.3+ds1', revision: '3.5.3+ds1-6', goVersion: 'go1.24' },
  url: 'http://127.0.0.1:9090',
  settings: {
    compat: 'prometheus3',
    experimental: true,
    lookbackDeltaMs: 300_000,
    maxSamples: 50_000_000,
    timeoutMs: 120_000,
    defaultSubqueryStepMs: 60_000,
    delayedNameRemoval: false,
  },
  features: ['promql-experimental-functions'],
  data: ['generated fleet: 2 instances'],
  samples: { series: 48, samples: 10_000, differences: [], differenceCount: 0 },
  results,
  complete: true,
  durationMs: 1234,
};

describe('counts', () => {
  test('per status, per template in order of first case, and the match rate', () => {
    expect(countResults(results)).toEqual({ match: 2, mismatch: 3, notApplicable: 1 });
    expect([...countByTemplate(results).keys()]).toEqual(['up', 'abs', 'fill']);
    expect(matchRate(countResults(results))).toBe('40.0%');
    expect(matchRate({ match: 0, mismatch: 0, notApplicable: 3 })).toBe('-');
  });
});

describe('formatDifferentialReport', () => {
  test('plain text: header, table, the first mismatch of each query, match rate, N passed, N failed', () => {
    const text = formatDifferentialReport(run);
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'promql-ts against Prometheus 3.5.3+ds1 (revision 3.5.3+ds1-6) at http://127.0.0.1:9090',
    );
    expect(text).toContain('samples: both hold the same 10000 samples of 48 series');
    expect(text).toMatch(/^abs +0 +3 +0 +0\.0%$/m);
    expect(text).toContain('abs:instant@0: abs\n    the candidate failed: unknown function abs');
    expect(text).not.toContain('abs:instant@1: abs');
    expect(text).toContain('abs:range: abs\n    a\n    b\n    c\n    … 2 more differences');
    expect(text).toContain('abs: 1 more mismatching cases');
    expect(lines.at(-2)).toBe(
      'match rate 40.0%: 2 of 5 applicable cases match; 1 do not apply to Prometheus 3.5.3+ds1 (in 1.2s)',
    );
    expect(lines.at(-1)).toBe('2 passed, 3 failed');
  });

  test('Markdown: a table and the mismatches in a code block', () => {
    const md = formatDifferentialReport(run, { markdown: true });
    expect(md).toMatch(/^# Differential run against Prometheus 3\.5\.3$/m);
    expect(md).toContain("at a local server from Debian's package");
    expect(md).not.toContain('127.0.0.1');
    expect(md).toMatch(/do not apply to Prometheus 3\.5\.3\+ds1$/m);
    expect(md).toContain('| abs | 0 | 3 | 0 | 0.0% |');
    expect(md).toContain('| **all** | 2 | 3 | 1 | 40.0% |');
    expect(md).toContain('## Mismatches\n\n```text\nabs:instant@0');
    expect(md.split('\n').at(-1)).toBe('2 passed, 3 failed');
  });
});

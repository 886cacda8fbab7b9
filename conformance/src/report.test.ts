import { describe, expect, test } from 'vitest';
import { countCases, formatFileReport, formatSummary } from './report.js';
import type { CaseResult, FileResult } from './runner.js';

const c = (
  line: number,
  status: CaseResult['status'],
  message: string | null = null,
  differences: string[] = [],
): CaseResult => ({
  key: `f.test:${line}`,
  file: 'f.test',
  line,
  mode: 'instant',
  expr: `q${line}`,
  status,
  message,
  differences,
  queries: 1,
});
const file: FileResult = {
  file: 'f.test',
  compat: 'prometheus3',
  error: null,
  cases: [
    c(1, 'pass'),
    c(3, 'fail', 'error in eval q3 (line 3): d1', ['d1', 'd2']),
    c(5, 'unsupported', 'native histograms: …'),
  ],
};

describe('reports', () => {
  test('per file: counts, then each failure with its message and further differences', () => {
    expect(formatFileReport(file)).toBe(
      'f.test: 1 passed, 1 failed, 1 unsupported\n  FAIL line 3: q3\n    error in eval q3 (line 3): d1\n    - d2',
    );
    expect(formatFileReport(file, { listUnsupported: true })).toContain('UNSUPPORTED line 5: q5');
  });

  test('the closing line counts unsupported cases as failed', () => {
    expect(countCases([file, file])).toEqual({ passed: 2, failed: 2, unsupported: 2 });
    expect(formatSummary([file]).split('\n').at(-1)).toBe('1 passed, 2 failed');
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatCheck, parseExpectedFailures } from '../expected-failures.js';
import type { DifferentialResult, DifferentialStatus } from './diff.js';
import {
  checkDifferential,
  DIFFERENTIAL_EXPECTED_FAILURES_FILE,
  differentialKey,
  differentialOutcomes,
  keyVersion,
  readDifferentialExpectedFailures,
  reasonFor,
  updatedDifferentialList,
  writeDifferentialExpectedFailures,
} from './expected.js';

const result = (
  id: string,
  status: DifferentialStatus,
  differences: string[] = [],
): DifferentialResult => ({
  id,
  template: id.split(':')[0]!,
  query: id,
  mode: id.endsWith(':range') ? 'range' : 'instant',
  status,
  differences,
  referenceError: null,
  candidateError: null,
  referenceSize: 1,
});

const LIST = `# a synthetic list
differential:3.5.3:rate:rate:5m:range extrapolation differs at resets
differential:3.5.3:sort:instant@0 sorts differently
differential:2.42:holt-winters:range not implemented yet
`;

const run = (results: DifferentialResult[], complete = true) => ({
  version: '3.5.3',
  results,
  complete,
});

describe('keys', () => {
  test('differential:<version>:<case id>', () => {
    expect(differentialKey('3.5.3', 'rate:rate:5m:range')).toBe(
      'differential:3.5.3:rate:rate:5m:range',
    );
    expect(keyVersion('differential:2.42:x:range')).toBe('2.42');
    expect(keyVersion('prometheus-v3.14.0/functions.test:12')).toBeNull();
  });

  test('outcomes: a mismatch fails; a match or a case the server does not know passes', () => {
    const o = differentialOutcomes('2.42', [
      result('a:range', 'match'),
      result('b:range', 'mismatch', ['x: 1, expected 2']),
      result('c:range', 'not-applicable'),
    ]);
    expect(o).toEqual([
      { key: 'differential:2.42:a:range', passed: true, message: null },
      { key: 'differential:2.42:b:range', passed: false, message: 'x: 1, expected 2' },
      { key: 'differential:2.42:c:range', passed: true, message: null },
    ]);
  });
});

describe('checkDifferential with a synthetic list', () => {
  const expected = parseExpectedFailures(LIST);

  test('listed mismatches pass the check; entries of versions that did not run are out of scope', () => {
    const check = checkDifferential(
      [
        run([
          result('rate:rate:5m:range', 'mismatch', ['d']),
          result('sort:instant@0', 'mismatch', ['d']),
          result('up:range', 'match'),
        ]),
      ],
      expected,
    );
    expect(check.ok).toBe(true);
    expect(check.expectedFailures).toBe(2);
    expect(check.passed).toBe(1);
  });

  test('an unlisted mismatch fails the check', () => {
    const check = checkDifferential(
      [
        run([
          result('rate:rate:5m:range', 'mismatch'),
          result('sort:instant@0', 'mismatch'),
          result('up:range', 'mismatch', ['{job="a"}: 0, expected 1']),
        ]),
      ],
      expected,
    );
    expect(check.ok).toBe(false);
    expect(check.unexpectedFailures.map((o) => o.key)).toEqual(['differential:3.5.3:up:range']);
    expect(formatCheck(check)).toBe(
      'FAILED (not in the expected failures): differential:3.5.3:up:range: {job="a"}: 0, expected 1',
    );
  });

  test('a listed case that matches fails the check: remove its line', () => {
    const check = checkDifferential(
      [run([result('rate:rate:5m:range', 'match'), result('sort:instant@0', 'mismatch')])],
      expected,
    );
    expect(check.ok).toBe(false);
    expect(check.unexpectedPasses.map((e) => [e.key, e.line])).toEqual([
      ['differential:3.5.3:rate:rate:5m:range', 2],
    ]);
    expect(formatCheck(check)).toMatch(/^PASSED \(remove it from the expected failures, line 2\)/);
  });

  test('a listed case that no longer applies counts as passing too', () => {
    const check = checkDifferential(
      [run([result('rate:rate:5m:range', 'not-applicable'), result('sort:instant@0', 'mismatch')])],
      expected,
    );
    expect(check.unexpectedPasses.map((e) => e.key)).toEqual([
      'differential:3.5.3:rate:rate:5m:range',
    ]);
  });

  test('a listed key that names no case is reported for complete runs only', () => {
    const results = [result('rate:rate:5m:range', 'mismatch')];
    const full = checkDifferential([run(results)], expected);
    expect(full.unknown.map((e) => e.key)).toEqual(['differential:3.5.3:sort:instant@0']);
    expect(checkDifferential([run(results, false)], expected).unknown).toEqual([]);
  });
});

describe('--update', () => {
  const expected = parseExpectedFailures(LIST);

  test('keeps listed reasons, adds new mismatches with their first difference, drops matches', () => {
    const entries = updatedDifferentialList(
      [
        run([
          result('rate:rate:5m:range', 'mismatch', ['other']),
          result('sort:instant@0', 'match'),
          result('abs:instant@0', 'mismatch', ['the candidate failed:\n  unknown function abs']),
        ]),
      ],
      expected,
    );
    expect(entries.map((e) => `${e.key} ${e.reason}`).sort()).toEqual([
      'differential:2.42:holt-winters:range not implemented yet',
      'differential:3.5.3:abs:instant@0 the candidate failed: unknown function abs',
      'differential:3.5.3:rate:rate:5m:range extrapolation differs at resets',
    ]);
  });

  test('a partial run keeps the entries of cases that did not run', () => {
    const entries = updatedDifferentialList(
      [run([result('rate:rate:5m:range', 'match')], false)],
      expected,
    );
    expect(entries.map((e) => e.key).sort()).toEqual([
      'differential:2.42:holt-winters:range',
      'differential:3.5.3:sort:instant@0',
    ]);
  });

  test('reasons are one line of at most 200 characters', () => {
    expect(reasonFor({ key: 'k', passed: false, message: 'a\n b' })).toBe('a b');
    expect(reasonFor({ key: 'k', passed: false, message: 'x'.repeat(300) })).toHaveLength(200);
    expect(reasonFor({ key: 'k', passed: false })).toBe('mismatch');
  });

  test('the written file reads back, sorted, with its header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'promql-ts-expected-'));
    try {
      const file = join(dir, 'list.txt');
      writeDifferentialExpectedFailures([...expected].reverse(), file);
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('# Differential cases')).toBe(true);
      expect(readDifferentialExpectedFailures(file).map((e) => e.key)).toEqual([
        'differential:2.42:holt-winters:range',
        'differential:3.5.3:rate:rate:5m:range',
        'differential:3.5.3:sort:instant@0',
      ]);
      writeFileSync(file, 'differential:3.5.3:x:range\n');
      expect(() => readDifferentialExpectedFailures(file)).toThrow(/line 1/);
      expect(readDifferentialExpectedFailures(join(dir, 'missing.txt'))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the committed list parses', () => {
    expect(() =>
      readDifferentialExpectedFailures(DIFFERENTIAL_EXPECTED_FAILURES_FILE),
    ).not.toThrow();
  });
});

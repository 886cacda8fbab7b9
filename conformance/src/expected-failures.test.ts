import { describe, expect, test } from 'vitest';
import {
  type CaseOutcome,
  checkExpectedFailures,
  ExpectedFailuresError,
  expectedFailuresFor,
  formatCheck,
  formatExpectedFailures,
  parseExpectedFailures,
} from './expected-failures.js';

const LIST = `# header comment

prometheus-v3.14.0/functions.test:12 native histograms are not supported yet
prometheus-v3.14.0/functions.test:9   a reason  with  spaces
differential:rate:5m:range extrapolation differs
`;

describe('the file format', () => {
  test('key and reason per line; comments and blank lines ignored', () => {
    expect(parseExpectedFailures(LIST)).toEqual([
      {
        key: 'prometheus-v3.14.0/functions.test:12',
        reason: 'native histograms are not supported yet',
        line: 3,
      },
      { key: 'prometheus-v3.14.0/functions.test:9', reason: 'a reason  with  spaces', line: 4 },
      { key: 'differential:rate:5m:range', reason: 'extrapolation differs', line: 5 },
    ]);
  });

  test('a reason is required and keys are unique', () => {
    expect(() => parseExpectedFailures('a.test:1\n')).toThrow(ExpectedFailuresError);
    expect(() => parseExpectedFailures('a.test:1 x\na.test:1 y\n')).toThrow(
      /already listed on line 1/,
    );
  });

  test('written sorted, line numbers numerically, and read back the same', () => {
    const text = formatExpectedFailures(parseExpectedFailures(LIST), [
      'Cases that do not pass yet.',
    ]);
    expect(text).toBe(
      '# Cases that do not pass yet.\ndifferential:rate:5m:range extrapolation differs\nprometheus-v3.14.0/functions.test:9 a reason  with  spaces\nprometheus-v3.14.0/functions.test:12 native histograms are not supported yet\n',
    );
    expect(parseExpectedFailures(text).map((e) => e.key)).toHaveLength(3);
    expect(() => formatExpectedFailures([{ key: 'a b', reason: 'x', line: 0 }])).toThrow(
      /white space/,
    );
    expect(() => formatExpectedFailures([{ key: 'a', reason: ' ', line: 0 }])).toThrow(/non-empty/);
  });
});

describe('the check', () => {
  const listed = parseExpectedFailures(LIST);
  const outcome = (key: string, passed: boolean): CaseOutcome => ({
    key,
    passed,
    message: passed ? null : 'boom',
  });

  test('listed failures and unlisted passes are fine', () => {
    const c = checkExpectedFailures(
      [
        outcome('prometheus-v3.14.0/functions.test:12', false),
        outcome('prometheus-v3.14.0/functions.test:9', false),
        outcome('differential:rate:5m:range', false),
        outcome('prometheus-v3.14.0/functions.test:20', true),
      ],
      listed,
    );
    expect(c).toMatchObject({ ok: true, expectedFailures: 3, passed: 1 });
  });

  test('an unlisted failure fails the run', () => {
    const c = checkExpectedFailures([outcome('x.test:1', false)], [], () => false);
    expect(c.ok).toBe(false);
    expect(c.unexpectedFailures.map((o) => o.key)).toEqual(['x.test:1']);
    expect(formatCheck(c)).toBe('FAILED (not in the expected failures): x.test:1: boom');
  });

  test('a listed case that passes fails the run: the list only shrinks', () => {
    const c = checkExpectedFailures(
      [outcome('prometheus-v3.14.0/functions.test:9', true)],
      listed,
      (k) => k.endsWith(':9'),
    );
    expect(c.ok).toBe(false);
    expect(c.unexpectedPasses.map((e) => e.line)).toEqual([4]);
    expect(formatCheck(c)).toMatch(/^PASSED \(remove it from the expected failures, line 4\)/);
  });

  test('a listed key that names no case fails the run, within the scope', () => {
    const all = checkExpectedFailures([], listed);
    expect(all.unknown).toHaveLength(3);
    const scoped = checkExpectedFailures([], listed, (k) => k.startsWith('differential:'));
    expect(scoped.unknown.map((e) => e.key)).toEqual(['differential:rate:5m:range']);
  });

  test('expectedFailuresFor keeps listed reasons and drops passing cases', () => {
    const next = expectedFailuresFor(
      [
        outcome('prometheus-v3.14.0/functions.test:12', false),
        outcome('prometheus-v3.14.0/functions.test:9', true),
        outcome('new.test:3', false),
      ],
      listed,
      (o) => `new: ${o.message}`,
    );
    expect(next.map((e) => [e.key, e.reason])).toEqual([
      ['prometheus-v3.14.0/functions.test:12', 'native histograms are not supported yet'],
      ['new.test:3', 'new: boom'],
    ]);
  });
});

/**
 * Prometheus's own test files against promql-ts, one test per `eval`: a case passes, or is
 * listed in `expected-failures.txt` with its reason and fails; a listed case that passes
 * fails its test too (remove its line), so the list only shrinks.
 *
 * Environment: `CONFORMANCE_FILTER=<text>` runs only the files whose path contains it;
 * `CONFORMANCE_VERBOSE=1` prints every file's report.
 */
import { describe, expect, test } from 'vitest';
import { countCases, formatFileReport } from '../src/report.js';
import { readExpectedFailures, runUpstream } from '../src/upstream.js';

const filter = process.env.CONFORMANCE_FILTER;
const verbose = process.env.CONFORMANCE_VERBOSE === '1';

const results = await runUpstream(filter === undefined ? {} : { filter });
const expected = new Map(readExpectedFailures().map((e) => [e.key, e]));

const total = countCases(results);
console.log(
  [
    ...results.map((r) => {
      const c = countCases([r]);
      return verbose
        ? formatFileReport(r)
        : `${r.file}: ${c.passed} passed, ${c.failed + c.unsupported} failed`;
    }),
    `all: ${total.passed} passed, ${total.failed + total.unsupported} failed`,
  ].join('\n'),
);

for (const file of results) {
  describe(file.file, () => {
    test('the file loads', () => {
      expect(file.error).toBeNull();
    });
    for (const c of file.cases) {
      const listed = expected.get(c.key);
      test(`line ${c.line}: ${c.expr}`, () => {
        if (listed === undefined) {
          expect(c.status, [c.message, ...c.differences].join('\n')).toBe('pass');
        } else {
          expect(
            c.status,
            `listed as an expected failure (${listed.reason}) but passes: remove line ${listed.line} of expected-failures.txt`,
          ).not.toBe('pass');
        }
      });
    }
  });
}

test('every expected failure names a case', () => {
  const ran = new Set(results.map((r) => r.file));
  const keys = new Set(results.flatMap((r) => r.cases.map((c) => c.key)));
  const stale = [...expected.values()].filter(
    (e) => ran.has(e.key.replace(/:\d+$/, '')) && !keys.has(e.key),
  );
  expect(stale.map((e) => `line ${e.line}: ${e.key}`)).toEqual([]);
});

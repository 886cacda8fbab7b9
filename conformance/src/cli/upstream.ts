/**
 * `pnpm conformance`: runs Prometheus's test files against promql-ts, prints pass counts
 * per file (progress on stderr), writes `conformance/results/upstream.md`, and checks the
 * expected-failures list (exit 1 when a case fails unlisted or a listed case passes).
 *
 * Output: per file its counts and each failing case with its first differences, a table
 * of counts, the expected-failures check, and a last line `N passed, N failed`.
 *
 * Flags: `--filter <text>` (only files whose path contains it), `--verbose` (unsupported
 * cases one by one too), `--update` (rewrite the expected-failures list from this run;
 * listed reasons are kept, new failures get their first message).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedFailuresFor, formatCheck, formatExpectedFailures } from '../expected-failures.js';
import { countCases, formatFileReport } from '../report.js';
import {
  CONFORMANCE_DIR,
  checkUpstream,
  EXPECTED_FAILURES_FILE,
  outcomes,
  readExpectedFailures,
  runUpstream,
} from '../upstream.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

const filter = value('--filter');
const started = performance.now();
const isTty = process.stderr.isTTY === true;
const results = await runUpstream({
  ...(filter === undefined ? {} : { filter }),
  onProgress: (file, done) => {
    if (isTty) process.stderr.write(`\r\x1b[K${file}: ${done} cases`);
    else if (done === 0) process.stderr.write(`${file}\n`);
  },
});
if (isTty) process.stderr.write('\r\x1b[K');

const table = ['| file | passed | failed | unsupported | pass rate |', '|---|---:|---:|---:|---:|'];
for (const r of results) {
  const c = countCases([r]);
  const total = c.passed + c.failed + c.unsupported;
  table.push(
    `| ${r.file} | ${c.passed} | ${c.failed} | ${c.unsupported} | ${total === 0 ? '-' : `${((100 * c.passed) / total).toFixed(1)}%`} |`,
  );
  // Per file: the counts, then each failing case with its first differences (with
  // --verbose, unsupported cases one by one too).
  console.log(formatFileReport(r, { listUnsupported: flag('--verbose') }));
}
const total = countCases(results);
const all = total.passed + total.failed + total.unsupported;
table.push(
  `| **all** | ${total.passed} | ${total.failed} | ${total.unsupported} | ${((100 * total.passed) / all).toFixed(1)}% |`,
);
console.log(`\n${table.join('\n')}`);
console.log(
  `\n${total.unsupported} of the failed cases are unsupported (native histograms, start timestamps); ${((performance.now() - started) / 1000).toFixed(1)} s`,
);

if (filter === undefined) {
  mkdirSync(join(CONFORMANCE_DIR, 'results'), { recursive: true });
  writeFileSync(
    join(CONFORMANCE_DIR, 'results/upstream.md'),
    `# Prometheus test files against promql-ts\n\nUnsupported cases count as failed.\n\n${table.join('\n')}\n`,
  );
}

const expected = readExpectedFailures();
if (flag('--update')) {
  // Entries of files that did not run (with --filter) stay as they are.
  const ran = new Set(results.map((r) => r.file));
  const untouched = expected.filter((e) => !ran.has(e.key.replace(/:\d+$/, '')));
  const entries = [
    ...untouched,
    ...expectedFailuresFor(outcomes(results), expected, (o) =>
      (o.message ?? 'fails').replace(/\s+/g, ' ').slice(0, 200),
    ),
  ];
  writeFileSync(
    EXPECTED_FAILURES_FILE,
    formatExpectedFailures(entries, [
      'Conformance cases that do not pass yet: `<file>:<line> <reason>`.',
      'Checked by `pnpm conformance` and the conformance tests: a case that fails unlisted,',
      'or passes while listed, fails the run. Regenerate with `pnpm conformance --update`.',
    ]),
  );
  console.log(`wrote ${entries.length} expected failures`);
} else {
  const check = checkUpstream(results, expected);
  if (!check.ok) {
    console.log(`\n${formatCheck(check)}`);
    process.exitCode = 1;
  }
}

// The last line, plain, for scripts: every case that did not pass counts as failed.
console.log(`${total.passed} passed, ${total.failed + total.unsupported} failed`);

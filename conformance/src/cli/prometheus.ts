/**
 * `pnpm conformance:prometheus -- --version 3.5.3`: a differential run of promql-ts
 * against a real Prometheus. Installs the server (Debian's package), generates a dataset,
 * loads it into a `MemoryStorage` and backfills it into the server, checks that both hold
 * the same samples, runs every corpus case against both, stops the server by its PID,
 * prints a report (progress on stderr), writes `conformance/results/differential-<version>.md`
 * and checks `expected-failures-differential.txt` (exit 1 when a case mismatches unlisted
 * or a listed case matches).
 *
 * With `--url <url>` it runs on a user's own Prometheus instead: the raw samples of a window
 * of its real data are read back through the HTTP API into a `MemoryStorage`, and a corpus
 * built on the metrics found there is compared on that window (exit 1 on any mismatch; the
 * expected-failures list is not used).
 *
 * Run `--help` for the flags.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DifferentialResult } from '../differential/diff.js';
import {
  checkDifferential,
  DIFFERENTIAL_EXPECTED_FAILURES_FILE,
  readDifferentialExpectedFailures,
  updatedDifferentialList,
  writeDifferentialExpectedFailures,
} from '../differential/expected.js';
import { parseTime, runUrl } from '../differential/remote.js';
import { formatDifferentialReport } from '../differential/report.js';
import { type DifferentialRun, runLocal, serverVersion } from '../differential/run.js';
import { type PrometheusServer, stopPrometheus } from '../differential/server.js';
import { formatCheck } from '../expected-failures.js';
import { CONFORMANCE_DIR } from '../upstream.js';

const HELP = `Usage: pnpm conformance:prometheus -- [flags]

Against a local Prometheus (installed from Debian's packages into .prometheus/):
  --version V            3.5.3 (default) or 2.42 (compared in compat mode 'prometheus2')
  --seed N               seed of the generated data (default 1)
  --instances N          instances of the generated fleet (default 4)
  --hours H              hours of generated data (default 2)
  --lookback-delta D     --query.lookback-delta of the server and promql-ts (default 5m)
  --max-samples N        --query.max-samples (default 50000000)
  --query-timeout D      --query.timeout (default 2m)
  --delayed-name-removal start 3.x with promql-delayed-name-removal, promql-ts likewise
  --update               rewrite expected-failures-differential.txt from this run
                         (default dataset and settings only: CI checks the list with them)

Against your own Prometheus, on its real data (query settings from its flags):
  --url URL              e.g. http://localhost:9090
  --start T, --end T     the window (RFC 3339 or Unix seconds); default the last hour,
                         ending 5 minutes ago, in whole seconds
  --match SELECTOR       load the metric families of the series it matches (repeatable);
                         default: up and a few counters, gauges and histograms found there
  --max-series N         at most this many series are loaded (default 2000)

Both:
  --filter TEXT          only templates whose id contains TEXT
  --instant-times N      instant evaluation times per query (default 3)
  --concurrency N        cases in flight at once (default 4)
  --verbose              every mismatch with its differences (default: 3 per template)
  --out FILE             also write the Markdown report there (with --url: only there)
`;

const args = process.argv.slice(2).filter((a) => a !== '--');
const flags = new Set([
  '--version',
  '--seed',
  '--instances',
  '--hours',
  '--url',
  '--start',
  '--end',
  '--match',
  '--max-series',
  '--lookback-delta',
  '--max-samples',
  '--query-timeout',
  '--filter',
  '--instant-times',
  '--concurrency',
  '--out',
]);
const switches = new Set(['--update', '--verbose', '--delayed-name-removal', '--help', '-h']);
const values = new Map<string, string[]>();
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (switches.has(a)) {
    values.set(a, []);
  } else if (flags.has(a) && i + 1 < args.length) {
    values.set(a, [...(values.get(a) ?? []), args[++i]!]);
  } else {
    process.stderr.write(`unknown or incomplete flag ${a}\n\n${HELP}`);
    process.exit(2);
  }
}
const flag = (name: string) => values.has(name);
const value = (name: string) => values.get(name)?.at(-1);
const num = (name: string): number | undefined => {
  const v = value(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) {
    process.stderr.write(`${name}: not a number: ${v}\n`);
    process.exit(2);
  }
  return n;
};
if (flag('--help') || flag('-h')) {
  process.stdout.write(HELP);
  process.exit(0);
}

// The expected-failures list and the results files are for the default dataset and
// settings, which CI runs: outcomes may depend on them.
const custom = [
  '--seed',
  '--instances',
  '--hours',
  '--lookback-delta',
  '--max-samples',
  '--query-timeout',
  '--delayed-name-removal',
  '--instant-times',
].filter((f) => values.has(f));
if (flag('--update') && (custom.length > 0 || values.has('--url'))) {
  process.stderr.write(
    `--update writes the list from a local run with the default dataset and settings only (drop ${[...custom, ...(values.has('--url') ? ['--url'] : [])].join(', ')})\n`,
  );
  process.exit(2);
}

const isTty = process.stderr.isTTY === true;
const log = (line: string) => process.stderr.write(`${isTty ? '\r\x1b[K' : ''}${line}\n`);
const started = performance.now();
let lastLine = 0;
const onCase = (done: number, total: number, r: DifferentialResult) => {
  if (isTty) {
    if (done === total || performance.now() - lastLine > 100) {
      lastLine = performance.now();
      process.stderr.write(
        `\r\x1b[K${done}/${total} ${r.id}`.slice(0, process.stderr.columns ?? 120),
      );
    }
  } else if (done % 500 === 0 || done === total) {
    log(`${done}/${total} cases (${((performance.now() - started) / 1000).toFixed(0)}s)`);
  }
};

// SIGINT/SIGTERM: stop starting cases; the run then stops the server (by its PID) and
// removes its temporary files. If that takes more than 10 s (an install or a backfill in
// progress), or on a second signal, stop the server here and exit; should this process
// die anyway, a watchdog started with the server stops it.
const abort = new AbortController();
let server: PrometheusServer | undefined;
let stopping = false;
const exitNow = () => {
  const done = () => process.exit(130);
  if (server === undefined) done();
  else stopPrometheus(server).then(done, done);
};
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return exitNow();
    stopping = true;
    abort.abort(new Error(`interrupted by ${sig}`));
    log(`${sig}: stopping`);
    setTimeout(exitNow, 10_000).unref();
  });
}

const filter = value('--filter');
const templates = filter === undefined ? undefined : (t: string) => t.includes(filter);
const common = {
  log,
  onCase,
  signal: abort.signal,
  ...(templates === undefined ? {} : { templates }),
  ...(num('--instant-times') === undefined ? {} : { instantTimes: num('--instant-times')! }),
  ...(num('--concurrency') === undefined ? {} : { concurrency: num('--concurrency')! }),
};

let run: DifferentialRun;
const url = value('--url');
try {
  if (url !== undefined) {
    run = await runUrl({
      url,
      ...common,
      ...(value('--start') === undefined ? {} : { startMs: parseTime(value('--start')!) }),
      ...(value('--end') === undefined ? {} : { endMs: parseTime(value('--end')!) }),
      ...(values.has('--match') ? { match: values.get('--match')! } : {}),
      ...(num('--max-series') === undefined ? {} : { maxSeries: num('--max-series')! }),
    });
  } else {
    const version = serverVersion(value('--version') ?? '3.5.3');
    run = await runLocal({
      version: version.name,
      ...common,
      ...(num('--seed') === undefined ? {} : { seed: num('--seed')! }),
      ...(num('--instances') === undefined ? {} : { instances: num('--instances')! }),
      ...(num('--hours') === undefined ? {} : { hours: num('--hours')! }),
      ...(value('--lookback-delta') === undefined
        ? {}
        : { lookbackDelta: value('--lookback-delta')! }),
      ...(num('--max-samples') === undefined ? {} : { maxSamples: num('--max-samples')! }),
      ...(value('--query-timeout') === undefined
        ? {}
        : { queryTimeout: value('--query-timeout')! }),
      delayedNameRemoval: flag('--delayed-name-removal'),
      onServer: (s) => {
        server = s;
      },
    });
    server = undefined;
  }
} catch (e) {
  if (stopping) process.exit(130);
  log(`error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
if (isTty) process.stderr.write('\r\x1b[K');

const verbose = flag('--verbose');
console.log(
  formatDifferentialReport(run, verbose ? { mismatchesPerTemplate: Number.POSITIVE_INFINITY } : {}),
);
const markdown = formatDifferentialReport(run, { markdown: true });
const out = value('--out');
if (out !== undefined) writeFileSync(out, `${markdown}\n`);

if (url !== undefined) {
  if (run.results.some((r) => r.status === 'mismatch')) process.exitCode = 1;
} else {
  if (run.complete && custom.length === 0) {
    mkdirSync(join(CONFORMANCE_DIR, 'results'), { recursive: true });
    writeFileSync(join(CONFORMANCE_DIR, `results/differential-${run.name}.md`), `${markdown}\n`);
  }
  const expected = readDifferentialExpectedFailures();
  const runs = [{ version: run.name, results: run.results, complete: run.complete }];
  if (custom.length > 0) {
    log(
      `note: the expected-failures list is for the default dataset and settings; ${custom.join(', ')} may change outcomes`,
    );
  }
  if (flag('--update')) {
    const entries = updatedDifferentialList(runs, expected);
    writeDifferentialExpectedFailures(entries);
    console.log(
      `wrote ${entries.length} expected failures to ${DIFFERENTIAL_EXPECTED_FAILURES_FILE}`,
    );
  } else {
    const check = checkDifferential(runs, expected);
    if (!check.ok) {
      const lines = formatCheck(check).split('\n');
      const shown = verbose ? lines : lines.slice(0, 50);
      console.log(`\n${shown.join('\n')}`);
      if (shown.length < lines.length)
        console.log(`… and ${lines.length - shown.length} more (--verbose lists all)`);
      console.log(
        `\nthe expected-failures check failed: ${check.unexpectedFailures.length} unexpected mismatches, ${check.unexpectedPasses.length} listed cases that match, ${check.unknown.length} unknown entries (see ${DIFFERENTIAL_EXPECTED_FAILURES_FILE})`,
      );
      process.exitCode = 1;
    }
  }
}

#!/usr/bin/env node
/**
 * `promql-parse`: parses PromQL queries and prints their canonical form and syntax tree, or
 * points at what is wrong. Node-only; not part of the package's library entry point.
 */
import { readFileSync } from 'node:fs';
import { isPromQLError, ParseError, type ParseOptions, parse, print, tree } from './index.js';

const DEMO_QUERIES = [
  'http_requests_total{job="api",status=~"5.."}',
  'sum(rate(http_requests_total[5m]))by(job)',
  'histogram_quantile(0.9, sum by (le) (rate(request_latency_seconds_bucket[5m])))',
  'sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / ignoring(status) group_left sum by (job) (rate(http_requests_total[5m]))',
  'max_over_time(rate(http_requests_total[5m])[1h:1m] offset 1d)',
  'topk(3, avg_over_time(cpu_usage{mode!="idle"}[10m] @ end()))',
  '-1 ^ 2 + 2 ^ 3 ^ 2',
  'label_replace(up, "host", "$1", "instance", "(.*):.*")',
  'active_connections > bool 100 unless on(instance) up == 0',
];

/** Demo queries that must fail, each showing a kind of error report. */
const DEMO_ERRORS = [
  // Experimental syntax is refused unless --experimental is given, as in Prometheus.
  'rate(http_requests_total[5m] anchored)',
  // A syntax error, and the unclosed parenthesis found at the end.
  'sum(rate(http_requests_total[5m]) by (job)',
  // A type error.
  'rate(active_connections)',
];

const USAGE = `Usage: promql-parse [options] [query ...]

Parses PromQL queries and prints each one's canonical form and syntax tree.
With no query and no --demo, reads one query per line from standard input.

Options:
  --demo                 parse a built-in set of example queries (the last three invalid)
  --json                 print the AST as JSON instead of a tree
  --experimental         accept experimental functions and syntax (as Prometheus's feature flags)
  --compat prometheus2   accept what Prometheus 2.x accepted (holt_winters)
  -h, --help             show this help
`;

interface CliOptions {
  readonly demo: boolean;
  readonly json: boolean;
  readonly parse: ParseOptions;
  readonly queries: readonly string[];
}

function parseArgs(argv: readonly string[]): CliOptions | string {
  let demo = false;
  let json = false;
  let experimental = false;
  let compat: ParseOptions['compat'];
  const queries: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--demo') demo = true;
    else if (a === '--json') json = true;
    else if (a === '--experimental') experimental = true;
    else if (a === '--compat') {
      const v = argv[++i];
      if (v !== 'prometheus2' && v !== 'prometheus3')
        return `--compat takes prometheus2 or prometheus3, got ${v}`;
      compat = v;
    } else if (a === '-h' || a === '--help') return USAGE;
    else if (a.startsWith('--')) return `unknown option ${a}\n\n${USAGE}`;
    else queries.push(a);
  }
  return { demo, json, parse: { experimental, compat }, queries };
}

/** The query with a caret line under the error's first line and column. */
function pointAt(err: ParseError): string {
  const lines = err.query.split('\n');
  const line = lines[err.line - 1] ?? '';
  const width = Math.max(1, Math.min(err.pos.end - err.pos.start, line.length - err.column + 1));
  return `  ${line}\n  ${' '.repeat(err.column - 1)}${'^'.repeat(width)}`;
}

function report(query: string, options: CliOptions): boolean {
  process.stdout.write(`query:     ${query}\n`);
  try {
    const expr = parse(query, options.parse);
    process.stdout.write(`canonical: ${print(expr)}\n`);
    process.stdout.write(options.json ? `${JSON.stringify(expr, null, 2)}\n` : tree(expr));
    process.stdout.write('\n');
    return true;
  } catch (e) {
    if (!isPromQLError(e) || !(e instanceof ParseError)) throw e;
    process.stdout.write(`error:     ${e.message}\n${pointAt(e)}\n`);
    for (const extra of e.errors.slice(1)) {
      process.stdout.write(`           ${extra.line}:${extra.column}: ${extra.message}\n`);
    }
    process.stdout.write('\n');
    return false;
  }
}

function main(): number {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    const isHelp = options === USAGE;
    (isHelp ? process.stdout : process.stderr).write(options);
    return isHelp ? 0 : 2;
  }
  let queries = options.queries;
  if (options.demo) {
    const n = DEMO_QUERIES.length + DEMO_ERRORS.length;
    process.stdout.write(
      `Parsing ${n} demo queries (the last ${DEMO_ERRORS.length} are invalid on purpose).\n\n`,
    );
    let ok = true;
    for (const q of DEMO_QUERIES) ok = report(q, options) && ok;
    for (const q of DEMO_ERRORS) ok = !report(q, options) && ok;
    process.stdout.write(ok ? 'Demo finished as expected.\n' : 'Demo did not go as expected.\n');
    return ok ? 0 : 1;
  }
  if (queries.length === 0) {
    queries = readFileSync(0, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
  }
  let failed = 0;
  for (const q of queries) if (!report(q, options)) failed++;
  process.stdout.write(`${queries.length - failed} parsed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}

// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = main();

/**
 * The commands of `promql-ts`: `serve`, `query` and `promqltest`. Each takes parsed options
 * and a {@link CliIo}, so tests run them in process.
 */
import { readFile } from 'node:fs/promises';
import {
  countCases,
  type FileResult,
  formatFileReport,
  formatSummary,
  promqlTsEngine,
  runTestFile,
} from '@promql-ts/conformance';
import {
  type Compat,
  type EvaluateOptions,
  evaluate,
  evaluateRange,
  formatPrometheusResponse,
  type QueryResult,
} from '@promql-ts/engine';
import { type Expr, isPromQLError, type ParseError, parse } from '@promql-ts/parser';
import { parseDurationNs, parseTime, type RunningServer, startServer } from '@promql-ts/server';
import { DEMO_QUERIES } from './demo.js';
import { type CliIo, loadData } from './load.js';
import {
  type ChartSeries,
  caretLines,
  lineChart,
  seriesName,
  shortValue,
  table,
} from './render.js';

/** A command-line mistake: the message is shown with the usage hint, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

// === serve ===

/** Options of {@link serve}. */
export interface ServeOptions {
  readonly data: readonly string[];
  readonly demo: boolean;
  readonly port: number;
  readonly host: string;
  readonly experimental?: boolean;
}

/**
 * `promql-ts serve`: loads the data and starts the API and query page. Resolves once the
 * server listens; close it with the returned server's `close()`.
 */
export async function serve(options: ServeOptions, io: CliIo): Promise<RunningServer> {
  const data = await loadData(options.data, options.demo, io, true);
  let server: RunningServer;
  try {
    server = await startServer({
      storage: data.storage,
      port: options.port,
      host: options.host,
      experimental: options.experimental ?? false,
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'EADDRINUSE') {
      throw new Error(
        `${options.host}:${options.port} is already in use (another Prometheus?): pick another port with --port`,
        { cause: e },
      );
    }
    throw e;
  }
  const stats = data.storage.stats();
  io.stdout(
    [
      `promql-ts: serving ${stats.series.toLocaleString('en-US')} series at ${server.url}`,
      `  query page:  ${server.url}/  (try: ${DEMO_QUERIES[0]})`,
      `  Grafana:     add a Prometheus data source with URL ${server.url}`,
      '  stop with Ctrl+C',
      '',
    ].join('\n'),
  );
  return server;
}

// === query ===

/** Options of {@link query}. */
export interface QueryOptions {
  readonly expr: string;
  readonly data: readonly string[];
  readonly demo: boolean;
  readonly time?: string;
  readonly start?: string;
  readonly end?: string;
  readonly step?: string;
  readonly format: 'table' | 'json';
  readonly experimental?: boolean;
  readonly compat?: Compat;
}

/**
 * A time argument: `now`, `now-1h`, `-1h` (before now), seconds since the epoch or an
 * RFC 3339 date.
 *
 * @throws {UsageError} for anything else.
 */
export function parseTimeArg(s: string, nowMs: number, name: string): number {
  const rel = /^(?:now)?([+-])(.+)$/.exec(s);
  if (s === 'now') return nowMs;
  if (rel !== null && (s.startsWith('now') || !/^-?[\d.]+$/.test(s))) {
    try {
      const ms = parseDurationNs(rel[2]!) / 1e6;
      return rel[1] === '-' ? nowMs - ms : nowMs + ms;
    } catch {
      throw new UsageError(`--${name}: cannot parse ${JSON.stringify(s)} as a time`);
    }
  }
  try {
    return parseTime(s);
  } catch {
    throw new UsageError(
      `--${name}: cannot parse ${JSON.stringify(s)} as a time (use now, -1h, seconds or RFC 3339)`,
    );
  }
}

function parseStep(s: string): number {
  try {
    const ms = Math.trunc(parseDurationNs(s) / 1e6);
    if (ms > 0) return ms;
  } catch {
    // reported below
  }
  throw new UsageError(
    `--step: ${JSON.stringify(s)} is not a positive duration (e.g. 30s, 1m, 15)`,
  );
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Points of a range query's default resolution: enough for the terminal chart. */
const DEFAULT_POINTS = 120;

/**
 * `promql-ts query`: evaluates one query and prints an instant result as a table, a range
 * result as a table and a chart, or either as Prometheus's JSON. Returns the exit status
 * (1 when the query fails, with the error printed).
 */
export async function query(options: QueryOptions, io: CliIo): Promise<number> {
  const ranged =
    options.start !== undefined || options.end !== undefined || options.step !== undefined;
  if (ranged && options.time !== undefined) {
    throw new UsageError('--time is for instant queries; use --start/--end/--step for a range');
  }
  let expr: Expr;
  const engineOptions: EvaluateOptions = {
    experimental: options.experimental ?? false,
    compat: options.compat ?? 'prometheus3',
  };
  try {
    expr = parse(options.expr, engineOptions);
  } catch (e) {
    printError(options.expr, e, io);
    return 1;
  }
  const data = await loadData(options.data, options.demo, io);
  const now = io.now();
  const defaultTime = data.demo !== null ? now : (data.latestMs ?? now);
  let result: QueryResult;
  let range: { startMs: number; endMs: number; stepMs: number } | null = null;
  try {
    if (!ranged) {
      const t = options.time === undefined ? defaultTime : parseTimeArg(options.time, now, 'time');
      io.stderr(`instant query at ${iso(t)}\n`);
      result = await evaluate(expr, data.storage, t, engineOptions);
    } else {
      const endMs = options.end === undefined ? defaultTime : parseTimeArg(options.end, now, 'end');
      const startMs =
        options.start === undefined ? endMs - 3_600_000 : parseTimeArg(options.start, now, 'start');
      if (endMs < startMs) throw new UsageError('--end must not be before --start');
      const stepMs =
        options.step === undefined
          ? Math.max(1000, Math.ceil((endMs - startMs) / DEFAULT_POINTS / 1000) * 1000)
          : parseStep(options.step);
      range = { startMs, endMs, stepMs };
      io.stderr(`range query from ${iso(startMs)} to ${iso(endMs)}, step ${stepMs / 1000}s\n`);
      result = await evaluateRange(
        expr,
        data.storage,
        { start: startMs, end: endMs, stepMs },
        engineOptions,
      );
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    printError(options.expr, e, io);
    return 1;
  }
  if (options.format === 'json') {
    io.stdout(`${formatPrometheusResponse(result)}\n`);
    return 0;
  }
  for (const w of [...result.warnings, ...result.infos]) io.stderr(`${w.message}\n`);
  io.stdout(`${renderResult(result, range, io)}\n`);
  return 0;
}

/** Prints a query error; a parse error shows the query line with a caret under it. */
function printError(query: string, e: unknown, io: CliIo): void {
  const message = e instanceof Error ? e.message : String(e);
  io.stderr(`Error: ${message}\n`);
  if (isPromQLError(e) && e.code === 'parse') {
    const p = e as ParseError;
    io.stderr(`${caretLines(p.query, p.line, p.column)}\n`);
  } else if (isPromQLError(e) && 'pos' in e) {
    const pos = (e as { pos: { start: number } | null }).pos;
    if (pos !== null) {
      const before = query.slice(0, pos.start);
      const line = before.split('\n').length;
      const column = pos.start - before.lastIndexOf('\n');
      io.stderr(`${caretLines(query, line, column)}\n`);
    }
  }
}

function renderResult(
  result: QueryResult,
  range: { startMs: number; endMs: number; stepMs: number } | null,
  io: CliIo,
): string {
  const v = result.value;
  switch (v.type) {
    case 'scalar':
      return table(['scalar', 'value'], [[iso(v.t), shortValue(v.v)]], [1]);
    case 'string':
      return table(['string'], [[v.v]]);
    case 'vector':
      if (v.samples.length === 0) return 'empty result (no series)';
      return table(
        ['series', 'value'],
        v.samples.map((s) => [seriesName(s.metric), shortValue(s.v)]),
        [1],
      );
    case 'matrix': {
      if (v.series.length === 0) return 'empty result (no series)';
      const rows = v.series.map((s) => {
        let min = Number.NaN;
        let max = Number.NaN;
        for (const x of s.values) {
          if (Number.isNaN(x)) continue;
          if (!(x >= min)) min = x;
          if (!(x <= max)) max = x;
        }
        const last = s.values.length > 0 ? s.values[s.values.length - 1]! : Number.NaN;
        return [
          seriesName(s.metric),
          String(s.values.length),
          shortValue(min),
          shortValue(max),
          shortValue(last),
        ];
      });
      const tableText = table(['series', 'points', 'min', 'max', 'last'], rows, [1, 2, 3, 4]);
      if (range === null) return tableText;
      const series: ChartSeries[] = v.series.map((s) => ({
        name: seriesName(s.metric),
        points: Array.from(s.timestamps, (t, i) => [t, s.values[i]!] as const),
      }));
      const columns = io.columns ?? 80;
      const chart = lineChart(series, {
        startMs: range.startMs,
        endMs: range.endMs,
        stepMs: range.stepMs,
        width: Math.max(40, Math.min(120, columns - 12)),
        height: 16,
        color: io.stdoutIsTty,
      });
      return `${tableText}\n\n${chart}`;
    }
  }
}

// === promqltest ===

/** Options of {@link promqltest}. */
export interface PromqltestOptions {
  readonly files: readonly string[];
  readonly compat?: Compat;
}

/**
 * `promql-ts promqltest`: runs promqltest files (Prometheus's `.test` format) and prints
 * each file's failures, then `N passed, N failed`. Returns 0 when every case passed.
 */
export async function promqltest(options: PromqltestOptions, io: CliIo): Promise<number> {
  if (options.files.length === 0) throw new UsageError('promqltest: no test files given');
  const results: FileResult[] = [];
  for (const file of options.files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.stderr(`${file}: ${(e as Error).message}\n`);
      results.push({
        file,
        compat: options.compat ?? 'prometheus3',
        cases: [],
        error: (e as Error).message,
      });
      continue;
    }
    const result = await runTestFile(text, promqlTsEngine, {
      file,
      ...(options.compat === undefined ? {} : { compat: options.compat }),
    });
    results.push(result);
    io.stdout(`${formatFileReport(result)}\n`);
  }
  io.stdout(`${formatSummary(results)}\n`);
  const c = countCases(results);
  return c.failed + c.unsupported > 0 || results.some((r) => r.error !== null) ? 1 : 0;
}

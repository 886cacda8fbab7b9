/**
 * The promqltest runner: executes a parsed test file against any query engine, as
 * Prometheus's runner does (promql/promqltest/test.go `exec`, `execEval`,
 * `execRangeEval`, `execInstantEval`, `runInstantQuery`; v2.42: promql/test.go `exec`).
 *
 * - The storage is a fresh `MemoryStorage` at the start and after each `clear`; each
 *   `load` adds to it. A `load` the storage refuses fails the file, as there: the evals
 *   after it are reported failed without running.
 * - Every `eval` is one case, identified by its file and line.
 * - An instant eval runs the query, then (see `at-modifier.ts`) the query pinned with `@`
 *   at other times, and after each of these, unless excluded, the same query as a range
 *   query from t−1m to t+1m step 1m whose middle step must give the same result.
 * - A case that reads data the storage cannot hold yet (native histograms, start
 *   timestamps) or expects a native histogram is `unsupported`, not run.
 *
 * One deliberate difference: an engine exception that is not a `PromQLError`, or one with
 * code `internal`, fails the case even where a failure is expected. Prometheus turns
 * panics into errors that `expect fail` accepts; here that would hide bugs.
 */
import type { QueryResult, Storage } from '@promql-ts/engine';
import { type Expr, isPromQLError, parse, quoteGo } from '@promql-ts/parser';
import { MemoryStorage } from '@promql-ts/storage-mem';
import { atModifierTestCases } from './at-modifier.js';
import {
  checkAnnotations,
  checkExpectedFailure,
  checkMatrixSorted,
  compareResult,
  isFail,
  isOrdered,
  vectorAt,
} from './compare.js';
import { applyLoad, firstUnsupportedRead, LoadError, type UnsupportedSeries } from './load.js';
import { parseTestFile } from './promqltest/parse.js';
import type { Compat, EvalCommand, TestFile } from './promqltest/types.js';

/** A range query's times, in milliseconds. */
export interface RangeSpec {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

/** The engine settings the runner asks for (those of Prometheus's test engine). */
export interface EvalOptions {
  readonly compat: Compat;
  /** Experimental functions and syntax (all on for v3.14 files, as `TestParserOpts`). */
  readonly experimental: boolean;
  /** 5 minutes, Prometheus's default. */
  readonly lookbackDeltaMs: number;
  /** 10,000, Prometheus's `DefaultMaxSamplesPerQuery` for tests. */
  readonly maxSamples: number;
  /** 100 seconds, as Prometheus's test engine. */
  readonly timeoutMs: number;
  /** Step of subqueries written without one: 1 minute in Prometheus's test engine. */
  readonly noStepSubqueryIntervalMs: number;
}

/**
 * The query engine under test. Both methods resolve to the result or reject with the
 * query's error (a `PromQLError` whose message is compared with `expect fail` lines).
 * Annotation messages must read as Prometheus prints them (`PromQL warning: …`).
 */
export interface QueryEngine {
  instant(
    query: string,
    storage: Storage,
    timeMs: number,
    options: EvalOptions,
  ): Promise<QueryResult>;
  range(
    query: string,
    storage: Storage,
    range: RangeSpec,
    options: EvalOptions,
  ): Promise<QueryResult>;
}

/** The settings Prometheus's test engine uses for `compat`'s test files. */
export function defaultEvalOptions(compat: Compat): EvalOptions {
  return {
    compat,
    experimental: compat === 'prometheus3',
    lookbackDeltaMs: 5 * 60_000,
    maxSamples: 10_000,
    timeoutMs: 100_000,
    noStepSubqueryIntervalMs: 60_000,
  };
}

/** How a case ended. */
export type CaseStatus = 'fail' | 'pass' | 'unsupported';

/** The outcome of one `eval`. */
export interface CaseResult {
  /** `<file>:<line>`, the case's identity in reports and the expected-failures file. */
  readonly key: string;
  readonly file: string;
  readonly line: number;
  readonly mode: 'instant' | 'range';
  readonly expr: string;
  readonly status: CaseStatus;
  /** Why the case failed or is unsupported, as Prometheus's runner would report it; null on pass. */
  readonly message: string | null;
  /** The first differences between expected and actual (at most `maxDifferences`). */
  readonly differences: readonly string[];
  /** Queries sent to the engine. */
  readonly queries: number;
}

/** The outcome of one test file. */
export interface FileResult {
  readonly file: string;
  readonly compat: Compat;
  readonly cases: readonly CaseResult[];
  /** A problem with the file itself: it does not parse, or a `load` was refused. */
  readonly error: string | null;
}

/** Options of {@link runTestFile}. */
export interface RunOptions {
  /** Name of the file in case keys, e.g. `prometheus-v3.14.0/functions.test`. */
  readonly file: string;
  /** Which runner to follow; default: the parsed file's, else `'prometheus3'`. */
  readonly compat?: Compat;
  /** Engine settings to override. */
  readonly evalOptions?: Partial<EvalOptions>;
  /** Differences listed per failed case (default 5). */
  readonly maxDifferences?: number;
  /** Run only the evals on these lines (the others are not reported). */
  readonly lines?: ReadonlySet<number>;
  /** Called after each case, for progress output. */
  readonly onCase?: (result: CaseResult) => void;
}

/** A check that failed: the runner's message and the differences behind it. */
interface Failure {
  readonly message: string;
  readonly differences: readonly string[];
}

const failure = (message: string, differences: readonly string[] = []): Failure => ({
  message,
  differences,
});

/** Queries using these functions skip the range-mode check (they resolve differently there). */
const QUERY_CONTEXT_FUNCS = /(start|end|range|step)\(\)/;

/** Whether an engine error is a query error (compared with `expect fail`) or a crash. */
function errorMessage(e: unknown): { message: string; crash: boolean } {
  if (isPromQLError(e)) return { message: e.message, crash: e.code === 'internal' };
  return { message: e instanceof Error ? `${e.name}: ${e.message}` : String(e), crash: true };
}

function crashFailure(expr: string, line: number, message: string, mode = ''): Failure {
  return failure(
    `engine crashed evaluating query ${quoteGo(expr)} (line ${line})${mode}: ${message}`,
  );
}

class CaseRunner {
  readonly #engine: QueryEngine;
  readonly #storage: Storage;
  readonly #options: EvalOptions;
  readonly #maxDifferences: number;
  queries = 0;

  constructor(engine: QueryEngine, storage: Storage, options: EvalOptions, maxDifferences: number) {
    this.#engine = engine;
    this.#storage = storage;
    this.#options = options;
    this.#maxDifferences = maxDifferences;
  }

  #instant(expr: string, t: number): Promise<QueryResult> {
    this.queries++;
    return this.#engine.instant(expr, this.#storage, t, this.#options);
  }

  #range(expr: string, range: RangeSpec): Promise<QueryResult> {
    this.queries++;
    return this.#engine.range(expr, this.#storage, range, this.#options);
  }

  #compared(cmd: EvalCommand, expr: string, result: QueryResult, suffix: string): Failure | null {
    const diffs = compareResult(cmd, result.value, this.#options.compat);
    if (diffs.length === 0) return null;
    return failure(
      `error in eval ${expr} (line ${cmd.line})${suffix}: ${diffs[0]}`,
      diffs.slice(0, this.#maxDifferences),
    );
  }

  #annotations(cmd: EvalCommand, expr: string, result: QueryResult): Failure | null {
    if (this.#options.compat === 'prometheus2') return null;
    const m = checkAnnotations(
      cmd,
      expr,
      result.warnings.map((a) => a.message),
      result.infos.map((a) => a.message),
    );
    return m === null ? null : failure(m);
  }

  async rangeEval(cmd: EvalCommand): Promise<Failure | null> {
    let result: QueryResult;
    try {
      result = await this.#range(cmd.expr, {
        startMs: cmd.startMs,
        endMs: cmd.endMs,
        stepMs: cmd.stepMs,
      });
    } catch (e) {
      const { message, crash } = errorMessage(e);
      if (crash) return crashFailure(cmd.expr, cmd.line, message);
      if (isFail(cmd)) {
        const m = checkExpectedFailure(cmd, message);
        return m === null ? null : failure(m);
      }
      return failure(`error evaluating query ${quoteGo(cmd.expr)} (line ${cmd.line}): ${message}`);
    }
    if (isFail(cmd)) {
      return failure(
        `expected error evaluating query ${quoteGo(cmd.expr)} (line ${cmd.line}) but got none`,
      );
    }
    return this.#annotations(cmd, cmd.expr, result) ?? this.#compared(cmd, cmd.expr, result, '');
  }

  async instantEval(cmd: EvalCommand, parseOptions: { experimental: boolean; compat: Compat }) {
    const queries = [
      { expr: cmd.expr, evalMs: cmd.evalMs },
      ...atModifierTestCases(cmd.expr, cmd.evalMs, parseOptions),
    ];
    for (const q of queries) {
      const f =
        this.#options.compat === 'prometheus2'
          ? await this.#instantQueryV2(cmd, q.expr, q.evalMs)
          : await this.#instantQuery(cmd, q.expr, q.evalMs);
      if (f !== null) return f;
    }
    return null;
  }

  /** v3's `runInstantQuery`. */
  async #instantQuery(cmd: EvalCommand, expr: string, t: number): Promise<Failure | null> {
    let result: QueryResult;
    try {
      result = await this.#instant(expr, t);
    } catch (e) {
      const { message, crash } = errorMessage(e);
      if (crash) return crashFailure(expr, cmd.line, message);
      if (isFail(cmd)) {
        const m = checkExpectedFailure(cmd, message);
        return m === null ? null : failure(m);
      }
      return failure(`error evaluating query ${quoteGo(expr)} (line ${cmd.line}): ${message}`);
    }
    if (isFail(cmd)) {
      return failure(
        `expected error evaluating query ${quoteGo(expr)} (line ${cmd.line}) but got none`,
      );
    }
    const checked = this.#annotations(cmd, expr, result) ?? this.#compared(cmd, expr, result, '');
    if (checked !== null) return checked;
    if (cmd.excludeFromRangeQuery || QUERY_CONTEXT_FUNCS.test(expr)) return null;
    return this.#rangeMode(cmd, expr, t, result, true);
  }

  /** v2.42's instant query: failures accepted without looking at the message, no annotations. */
  async #instantQueryV2(cmd: EvalCommand, expr: string, t: number): Promise<Failure | null> {
    let result: QueryResult;
    try {
      result = await this.#instant(expr, t);
    } catch (e) {
      const { message, crash } = errorMessage(e);
      if (crash) return crashFailure(expr, cmd.line, message);
      if (cmd.legacy.fail) return null;
      return failure(`error evaluating query ${quoteGo(expr)} (line ${cmd.line}): ${message}`);
    }
    if (cmd.legacy.fail) {
      return failure(
        `expected error evaluating query ${quoteGo(expr)} (line ${cmd.line}) but got none`,
      );
    }
    const checked = this.#compared(cmd, expr, result, '');
    if (checked !== null) return checked;
    return this.#rangeMode(cmd, expr, t, result, false);
  }

  /** The range-mode check: the same query as a range query, compared at its middle step. */
  async #rangeMode(
    cmd: EvalCommand,
    expr: string,
    t: number,
    instant: QueryResult,
    checkSorted: boolean,
  ): Promise<Failure | null> {
    let result: QueryResult;
    try {
      result = await this.#range(expr, { startMs: t - 60_000, endMs: t + 60_000, stepMs: 60_000 });
    } catch (e) {
      const { message, crash } = errorMessage(e);
      if (crash) return crashFailure(expr, cmd.line, message, ' in range mode');
      return failure(
        `error evaluating query ${quoteGo(expr)} (line ${cmd.line}) in range mode: ${message}`,
      );
    }
    // Range results are always sorted by labels, so ordered expectations cannot be checked.
    if (isOrdered(cmd)) return null;
    const m = result.value;
    if (m.type !== 'matrix') {
      return failure(
        `range query ${quoteGo(expr)} (line ${cmd.line}) returned a ${m.type}, not a matrix`,
      );
    }
    if (checkSorted) {
      const unsorted = checkMatrixSorted(m);
      if (unsorted !== null) return failure(unsorted);
    }
    const vec = vectorAt(m, t);
    let value: QueryResult['value'] = vec;
    if (instant.value.type === 'scalar') {
      const first = vec.samples[0];
      if (first === undefined) {
        return failure(
          `error in eval ${expr} (line ${cmd.line}) range mode: the range query has no point at ${t} for the scalar`,
        );
      }
      value = { type: 'scalar', t, v: first.v };
    }
    return this.#compared(cmd, expr, { ...result, value }, ' range mode');
  }
}

/** Why an eval cannot run yet: it reads unsupported data or expects a native histogram. */
function unsupportedReason(
  cmd: EvalCommand,
  expr: Expr | null,
  unsupported: readonly UnsupportedSeries[],
): string | null {
  for (const s of cmd.expectedSeries) {
    if (s.values.some((v) => v.kind === 'histogram' || v.kind === 'histogram-series')) {
      return `native histograms: line ${s.line} expects a native histogram`;
    }
  }
  if (expr === null) return null;
  const read = firstUnsupportedRead(expr, unsupported);
  if (read === null) return null;
  return `${read.reason}: the query reads series loaded at line ${read.line}`;
}

/**
 * Runs one test file (text or parsed) against `engine`, case by case.
 *
 * @example
 * ```ts
 * const result = await runTestFile(text, engine, { file: 'prometheus-v3.14.0/literals.test' });
 * result.cases.filter((c) => c.status === 'fail').map((c) => c.message);
 * ```
 */
export async function runTestFile(
  source: string | TestFile,
  engine: QueryEngine,
  options: RunOptions,
): Promise<FileResult> {
  let file: TestFile;
  const compat = options.compat ?? (typeof source === 'string' ? 'prometheus3' : source.compat);
  try {
    file = typeof source === 'string' ? parseTestFile(source, { compat }) : source;
  } catch (e) {
    return { file: options.file, compat, cases: [], error: `parse error: ${(e as Error).message}` };
  }
  const evalOptions = { ...defaultEvalOptions(compat), ...options.evalOptions, compat };
  const parseOptions = { experimental: evalOptions.experimental, compat };
  const maxDifferences = options.maxDifferences ?? 5;
  const cases: CaseResult[] = [];
  let storage = new MemoryStorage();
  let unsupported: UnsupportedSeries[] = [];
  let fileError: string | null = null;

  const report = (cmd: EvalCommand, status: CaseStatus, f: Failure | null, queries: number) => {
    const result: CaseResult = {
      key: `${options.file}:${cmd.line}`,
      file: options.file,
      line: cmd.line,
      mode: cmd.mode,
      expr: cmd.expr,
      status,
      message: f?.message ?? null,
      differences: f?.differences ?? [],
      queries,
    };
    cases.push(result);
    options.onCase?.(result);
  };

  for (const cmd of file.commands) {
    if (cmd.kind === 'clear') {
      storage = new MemoryStorage();
      unsupported = [];
      continue;
    }
    if (cmd.kind === 'load') {
      if (fileError !== null) continue;
      try {
        unsupported.push(...applyLoad(storage, cmd));
      } catch (e) {
        if (!(e instanceof LoadError)) throw e;
        fileError = `load at line ${cmd.line} failed: line ${e.line}: ${e.message}`;
      }
      continue;
    }
    if (options.lines !== undefined && !options.lines.has(cmd.line)) continue;
    if (fileError !== null) {
      report(cmd, 'fail', failure(`not run: ${fileError}`), 0);
      continue;
    }
    let expr: Expr | null = null;
    try {
      expr = parse(cmd.expr, parseOptions);
    } catch (e) {
      report(cmd, 'fail', failure(`${(e as Error).message} (line ${cmd.line})`), 0);
      continue;
    }
    const reason = unsupportedReason(cmd, expr, unsupported);
    if (reason !== null) {
      report(cmd, 'unsupported', failure(reason), 0);
      continue;
    }
    const runner = new CaseRunner(engine, storage, evalOptions, maxDifferences);
    let f: Failure | null;
    try {
      f =
        cmd.mode === 'range'
          ? await runner.rangeEval(cmd)
          : await runner.instantEval(cmd, parseOptions);
    } catch (e) {
      f = failure(`runner error: ${(e as Error).message}`);
    }
    report(cmd, f === null ? 'pass' : 'fail', f, runner.queries);
  }
  return { file: options.file, compat, cases, error: fileError };
}

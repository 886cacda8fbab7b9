/**
 * The engine's errors. All extend `PromQLError` (from the parser package, shared by every
 * promql-ts package) and carry a literal `code`; `errorType()` maps each to the
 * `errorType` Prometheus's HTTP API reports.
 */
import { isPromQLError, type PosRange, PromQLError } from '@promql-ts/parser';

/** A query that is valid but fails while evaluating (many-to-many matching, duplicates…). */
export class ExecutionError extends PromQLError {
  readonly code = 'execution' as const;
  /** The part of the query that failed, when known. */
  readonly pos: PosRange | null;

  constructor(message: string, pos: PosRange | null = null) {
    super(message);
    this.name = 'ExecutionError';
    this.pos = pos;
  }
}

/** A query that needs more than its limits allow (samples in memory, points per series). */
export class LimitError extends PromQLError {
  readonly code = 'limit' as const;

  constructor(message: string) {
    super(message);
    this.name = 'LimitError';
  }
}

/** A query stopped by its `AbortSignal`. */
export class CanceledError extends PromQLError {
  readonly code = 'canceled' as const;

  constructor(where = 'expression evaluation') {
    super(`query was canceled in ${where}`);
    this.name = 'CanceledError';
  }
}

/** A query that ran longer than its timeout. */
export class TimeoutError extends PromQLError {
  readonly code = 'timeout' as const;

  constructor(where = 'expression evaluation') {
    super(`query timed out in ${where}`);
    this.name = 'TimeoutError';
  }
}

/** A query using something the engine does not implement (native histograms today). */
export class UnsupportedError extends PromQLError {
  readonly code = 'unsupported' as const;

  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedError';
  }
}

/** A bug: an unexpected exception inside the engine, wrapped with what was evaluated. */
export class InternalError extends PromQLError {
  readonly code = 'internal' as const;
  /** The expression being evaluated, as text. */
  readonly expr: string | null;

  constructor(cause: unknown, expr: string | null = null) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`unexpected error: ${msg}`, { cause });
    this.name = 'InternalError';
    this.expr = expr;
  }
}

/** The `errorType` Prometheus's HTTP API uses for an error. */
export type ApiErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal';

/**
 * The API `errorType` for `e`: parse errors are `bad_data`; limits and evaluation failures
 * `execution`; timeouts and cancellations their own; anything else `internal`.
 */
export function errorType(e: unknown): ApiErrorType {
  if (!isPromQLError(e)) return 'internal';
  switch (e.code) {
    case 'parse':
      return 'bad_data';
    case 'execution':
    case 'limit':
    case 'unsupported':
      return 'execution';
    case 'timeout':
      return 'timeout';
    case 'canceled':
      return 'canceled';
    default:
      return 'internal';
  }
}

/** Prometheus's message for too many samples in memory. */
export const TOO_MANY_SAMPLES =
  'query processing would load too many samples into memory in query execution';

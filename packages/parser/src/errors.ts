import type { PosRange } from './ast.js';

/** Brand shared by every promql-ts error, so checks survive two copies of a package. */
const ERROR_BRAND = Symbol.for('promql-ts/error');

/** The kinds of error promql-ts raises; each maps to one subclass of {@link PromQLError}. */
export type PromQLErrorCode =
  | 'parse'
  | 'unsupported'
  | 'execution'
  | 'limit'
  | 'canceled'
  | 'timeout'
  | 'internal';

/**
 * Base class of every error promql-ts raises on purpose. Test with {@link isPromQLError}
 * rather than `instanceof`, which fails when two copies of the package are loaded.
 */
export abstract class PromQLError extends Error {
  /** What kind of error this is. */
  abstract readonly code: PromQLErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, ERROR_BRAND, { value: true });
  }
}

/** Whether `e` is an error raised by promql-ts (from any copy of the package). */
export function isPromQLError(e: unknown): e is PromQLError {
  return (
    typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[ERROR_BRAND] === true
  );
}

/** One problem found in a query: what, and where. */
export interface ParseErrorDetail {
  readonly message: string;
  readonly pos: PosRange;
  /** 1-based line of `pos.start`. */
  readonly line: number;
  /** 1-based column of `pos.start`, in UTF-16 code units. */
  readonly column: number;
}

/**
 * A query that does not parse or does not type-check. `message` reads like Prometheus's,
 * `line:col: parse error: msg` (`unknown position: …` for an empty query), for the first
 * problem; `errors` lists every problem found.
 */
export class ParseError extends PromQLError {
  readonly code = 'parse' as const;
  /** The query that failed. */
  readonly query: string;
  /** Position of the first problem. */
  readonly pos: PosRange;
  /** 1-based line of the first problem. */
  readonly line: number;
  /** 1-based column of the first problem. */
  readonly column: number;
  /** Every problem found, in the order found; never empty. */
  readonly errors: readonly ParseErrorDetail[];

  constructor(query: string, errors: readonly ParseErrorDetail[]) {
    const first = errors[0] ?? {
      message: 'error contains no error message',
      pos: { start: 0, end: 0 },
      line: 1,
      column: 1,
    };
    // Prometheus prints "unknown position" for an empty query (there is nothing to point at).
    const where = query === '' ? 'unknown position' : `${first.line}:${first.column}`;
    super(`${where}: parse error: ${first.message}`);
    this.name = 'ParseError';
    this.query = query;
    this.pos = first.pos;
    this.line = first.line;
    this.column = first.column;
    this.errors = errors.length > 0 ? errors : [first];
  }
}

/** Line and column (both 1-based) of UTF-16 offset `offset` in `input`. */
export function lineColumn(input: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastBreak = -1;
  const end = Math.min(Math.max(offset, 0), input.length);
  for (let i = 0; i < end; i++) {
    if (input.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return { line, column: end - lastBreak };
}

/** Builds a {@link ParseErrorDetail} for `message` at `pos` in `input`. */
export function errorDetail(input: string, pos: PosRange, message: string): ParseErrorDetail {
  const { line, column } = lineColumn(input, pos.start);
  return { message, pos, line, column };
}

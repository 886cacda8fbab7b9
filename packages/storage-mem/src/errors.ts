/**
 * Errors raised by the in-memory storage. They carry a literal `code` like the engine's
 * errors, and a `Symbol.for` brand so {@link isStorageError} works across two copies of
 * the package (where `instanceof` fails).
 */

const BRAND = Symbol.for('promql-ts/storage-mem/error');

/** The codes of {@link StorageError}s. */
export type StorageErrorCode =
  | 'invalid_labels'
  | 'invalid_argument'
  | 'parse'
  /** Samples a query had counted were deleted before it copied them. */
  | 'changed';

/** Base class of every error this package throws on purpose. */
export class StorageError extends Error {
  /** What went wrong, as a stable machine-readable string. */
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** A label set that cannot be stored: invalid UTF-16, duplicate or empty names, no labels. */
export class InvalidLabelsError extends StorageError {
  constructor(message: string) {
    super('invalid_labels', message);
    this.name = 'InvalidLabelsError';
  }
}

/**
 * A malformed line in Prometheus text or OpenMetrics input. `message` reads
 * `line 12: expected value after metric, got "\n"`.
 */
export class TextParseError extends StorageError {
  /** One-based line number. */
  readonly line: number;
  /** The offending line, cut to 200 characters. */
  readonly text: string;
  /** The reason alone, without the line number. */
  readonly reason: string;

  constructor(line: number, reason: string, text: string) {
    super('parse', `line ${line}: ${reason}`);
    this.name = 'TextParseError';
    this.line = line;
    this.reason = reason;
    this.text = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  }
}

/** True for any {@link StorageError}, even one thrown by another copy of this package. */
export function isStorageError(e: unknown): e is StorageError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
}

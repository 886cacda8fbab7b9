/**
 * Streaming loader: reads Prometheus text or OpenMetrics input chunk by chunk and stores
 * its samples and metadata in a {@link MemoryStorage}. Only the current chunk and one
 * partial line are held at a time, so inputs of any size load in bounded memory (beyond
 * what the storage keeps). Uses only web-standard APIs (TextDecoder, ReadableStream).
 */
import { StorageError, TextParseError } from '../errors.js';
import type { MemoryStorage, SampleRejection } from '../memory-storage.js';
import { ExpositionParser, LineError, type TextFormat } from './parser.js';

/** A piece of input: UTF-8 bytes or text. */
export type TextChunk = string | Uint8Array;

/**
 * Input to {@link loadText}: a whole string or byte array, or a (sync or async) iterable
 * or web `ReadableStream` of chunks. Chunks may split lines and UTF-8 sequences anywhere.
 * In Node, `fs.createReadStream(path)` can be passed directly.
 */
export type TextInput =
  | TextChunk
  | Iterable<TextChunk>
  | AsyncIterable<TextChunk>
  | ReadableStream<TextChunk>;

/** Progress of a load, reported through `onProgress`. */
export interface LoadProgress {
  /** Bytes read so far (UTF-16 code units for string chunks). */
  readonly bytesRead: number;
  readonly lines: number;
  /** Samples stored so far. */
  readonly samples: number;
  /** True for the final report. */
  readonly done: boolean;
}

/** Options of {@link loadText}. */
export interface LoadTextOptions {
  /** `'prometheus'` (text format 0.0.4, the default) or `'openmetrics'` (1.0). */
  readonly format?: TextFormat;
  /**
   * Timestamp in milliseconds for samples written without one (Prometheus would use the
   * scrape time). Defaults to `Date.now()` when the load starts.
   */
  readonly defaultTimestampMs?: number;
  /**
   * `'stop'` (default): throw a {@link TextParseError} at the first malformed line (the
   * samples of the lines before it stay stored). `'skip'`: skip malformed lines and
   * report them in {@link LoadResult.errors}.
   */
  readonly onError?: 'skip' | 'stop';
  /** How many parse errors the result lists when skipping (default 100). */
  readonly maxErrors?: number;
  /** How many refused samples the result lists (default 100). */
  readonly maxRejections?: number;
  /** Called about every `progressIntervalBytes` and once at the end. */
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Default 4 MiB. */
  readonly progressIntervalBytes?: number;
  /** Aborts the load between chunks; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * Trim the storage's head chunks to exact size when done (default true). Pass false
   * when loading many small inputs in a row (one scrape at a time, say): after a trim,
   * the next append to each series copies its newest chunk.
   */
  readonly trim?: boolean;
}

/** What a load did. */
export interface LoadResult {
  readonly lines: number;
  readonly bytesRead: number;
  /** Samples stored. */
  readonly added: number;
  /** Samples identical to stored ones (same timestamp and value): accepted no-ops. */
  readonly identical: number;
  /** Samples refused by the storage (out of order, duplicate timestamp). */
  readonly rejected: number;
  /** The first refused samples. */
  readonly rejections: readonly SampleRejection[];
  /** Malformed lines skipped (only with `onError: 'skip'`). */
  readonly errorCount: number;
  /** The first malformed lines skipped, with their line numbers. */
  readonly errors: readonly TextParseError[];
}

/**
 * Loads Prometheus text exposition format or OpenMetrics text into `storage`, streaming.
 *
 * @example
 * ```ts
 * const storage = new MemoryStorage();
 * const result = await loadText(storage, 'up{job="api"} 1 1700000000000\n');
 * result.added; // 1
 * ```
 * @throws TextParseError for a malformed line (unless `onError: 'skip'`).
 */
export async function loadText(
  storage: MemoryStorage,
  input: TextInput,
  options: LoadTextOptions = {},
): Promise<LoadResult> {
  const loader = new Loader(storage, options);
  const interval = options.progressIntervalBytes ?? 4 * 1024 * 1024;
  let reported = 0;
  try {
    for await (const chunk of chunksOf(input)) {
      options.signal?.throwIfAborted();
      if (typeof chunk === 'string') loader.text(chunk);
      else if (chunk instanceof Uint8Array) loader.bytes(chunk);
      else
        throw new StorageError('invalid_argument', 'input chunks must be strings or Uint8Arrays');
      if (loader.stopped) break;
      if (options.onProgress !== undefined && loader.bytesRead - reported >= interval) {
        reported = loader.bytesRead;
        options.onProgress(loader.progress(false));
      }
    }
    loader.end();
  } finally {
    if (options.trim !== false) storage.trim();
  }
  options.onProgress?.(loader.progress(true));
  return loader.result();
}

/** Bytes decoded to one string at a time. */
const DECODE_BLOCK = 64 * 1024;

class Loader {
  readonly #parser: ExpositionParser;
  readonly #om: boolean;
  readonly #stopOnError: boolean;
  readonly #maxErrors: number;
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  readonly #lenient = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Bytes of the line being assembled across chunks. */
  #pendingBytes: Uint8Array[] = [];
  /** Text of the line being assembled across chunks. */
  #pendingText = '';
  lines = 0;
  bytesRead = 0;
  errorCount = 0;
  readonly errors: TextParseError[] = [];
  /** Set when nothing more may be read (data after OpenMetrics' `# EOF`). */
  stopped = false;

  constructor(storage: MemoryStorage, options: LoadTextOptions) {
    const format = options.format ?? 'prometheus';
    if (format !== 'prometheus' && format !== 'openmetrics') {
      throw new StorageError('invalid_argument', `unknown text format ${String(format)}`);
    }
    const ts = options.defaultTimestampMs ?? Date.now();
    if (!Number.isSafeInteger(ts)) {
      throw new StorageError('invalid_argument', 'defaultTimestampMs must be an integer');
    }
    this.#parser = new ExpositionParser(storage, format, ts, options.maxRejections ?? 100);
    this.#om = format === 'openmetrics';
    this.#stopOnError = (options.onError ?? 'stop') === 'stop';
    this.#maxErrors = options.maxErrors ?? 100;
  }

  text(chunk: string): void {
    if (this.#pendingBytes.length > 0) {
      // A line started as bytes: keep assembling it as bytes.
      const bytes = new TextEncoder().encode(chunk);
      this.bytesRead -= bytes.length - chunk.length;
      this.bytes(bytes);
      return;
    }
    this.bytesRead += chunk.length;
    const text = this.#pendingText === '' ? chunk : this.#pendingText + chunk;
    this.#pendingText = '';
    const last = text.lastIndexOf('\n');
    if (last < 0) {
      this.#pendingText = text;
      return;
    }
    this.#lines(text, last + 1);
    this.#pendingText = text.slice(last + 1);
  }

  bytes(chunk: Uint8Array): void {
    this.bytesRead += chunk.length;
    const first = chunk.indexOf(10);
    if (first < 0) {
      this.#pendingBytes.push(chunk.slice());
      return;
    }
    let start = 0;
    if (this.#pendingBytes.length > 0 || this.#pendingText !== '') {
      // Finish the line carried over from earlier chunks.
      this.#pendingBytes.push(chunk.subarray(0, first));
      const line = this.#takePending();
      if (line !== undefined) this.#line(line, 0, line.length);
      start = first + 1;
    }
    // Decode at most ~64 KiB at a time (cut after a newline): V8 makes larger strings in
    // its large-object space, which made decoding some 30 times slower in measurements.
    while (start < chunk.length) {
      const limit = start + DECODE_BLOCK;
      let nl = limit >= chunk.length ? chunk.lastIndexOf(10) : chunk.lastIndexOf(10, limit - 1);
      if (nl < start) nl = chunk.indexOf(10, limit);
      if (nl < 0) {
        this.#pendingBytes.push(chunk.slice(start));
        return;
      }
      this.#block(chunk.subarray(start, nl + 1));
      start = nl + 1;
    }
  }

  /** The input ended: the last line may lack its newline; OpenMetrics needs `# EOF`. */
  end(): void {
    if (this.stopped) return;
    if (this.#pendingBytes.length > 0 || this.#pendingText !== '') {
      const line = this.#takePending();
      if (line !== undefined && line !== '') this.#line(line, 0, line.length);
    }
    if (this.#om && !this.#parser.sawEof && !this.stopped) {
      this.lines++;
      this.#fail('data does not end with # EOF', '');
    }
  }

  progress(done: boolean): LoadProgress {
    return {
      bytesRead: this.bytesRead,
      lines: this.lines,
      samples: this.#parser.tally.added,
      done,
    };
  }

  result(): LoadResult {
    const t = this.#parser.tally;
    return {
      lines: this.lines,
      bytesRead: this.bytesRead,
      added: t.added,
      identical: t.identical,
      rejected: t.rejected,
      rejections: t.rejections,
      errorCount: this.errorCount,
      errors: this.errors,
    };
  }

  /** The carried partial line as text, or undefined if its bytes are invalid UTF-8. */
  #takePending(): string | undefined {
    const parts = this.#pendingBytes;
    const prefix = this.#pendingText;
    this.#pendingBytes = [];
    this.#pendingText = '';
    if (parts.length === 0) return prefix;
    let total = 0;
    for (const p of parts) total += p.length;
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.length;
    }
    const text = this.#decodeLine(bytes);
    return text === undefined ? undefined : prefix + text;
  }

  /** Decodes a block of whole lines (ending with `\n`) and parses them. */
  #block(bytes: Uint8Array): void {
    let text: string;
    try {
      text = this.#decoder.decode(bytes);
    } catch {
      // Invalid UTF-8 somewhere: find the line(s), one at a time.
      let pos = 0;
      while (pos < bytes.length && !this.stopped) {
        const nl = bytes.indexOf(10, pos);
        const line = this.#decodeLine(bytes.subarray(pos, nl));
        if (line !== undefined) this.#line(line, 0, line.length);
        pos = nl + 1;
      }
      return;
    }
    this.#lines(text, text.length);
  }

  /** Parses the `\n`-terminated lines of `text[0, end)`. */
  #lines(text: string, end: number): void {
    let pos = 0;
    while (pos < end && !this.stopped) {
      const nl = text.indexOf('\n', pos);
      this.#line(text, pos, nl);
      pos = nl + 1;
    }
  }

  /**
   * Decodes one line's bytes. Invalid UTF-8 is an error (counted as a line) unless the
   * line is a comment the format ignores anyway; returns undefined then.
   */
  #decodeLine(bytes: Uint8Array): string | undefined {
    try {
      return this.#decoder.decode(bytes);
    } catch {
      const text = this.#lenient.decode(bytes);
      if (this.#parser.isIgnoredComment(text)) return text;
      this.lines++;
      this.#fail('invalid UTF-8', text);
      return undefined;
    }
  }

  #line(text: string, start: number, end: number): void {
    this.lines++;
    if (this.stopped) return;
    try {
      this.#parser.line(text, start, end);
    } catch (e) {
      if (!(e instanceof LineError)) throw e;
      this.#fail(e.reason, text.slice(start, end));
    }
  }

  #fail(reason: string, lineText: string): void {
    const error = new TextParseError(this.lines, reason, lineText);
    if (this.#stopOnError) {
      this.stopped = true;
      throw error;
    }
    this.errorCount++;
    if (this.errors.length < this.#maxErrors) this.errors.push(error);
    // After OpenMetrics' `# EOF` nothing more is read.
    if (this.#parser.sawEof) this.stopped = true;
  }
}

/** The chunks of any supported input, as one async sequence. */
async function* chunksOf(input: TextInput): AsyncGenerator<TextChunk, void, undefined> {
  if (typeof input === 'string' || input instanceof Uint8Array) {
    yield input;
    return;
  }
  if (typeof (input as ReadableStream<TextChunk>).getReader === 'function') {
    const reader = (input as ReadableStream<TextChunk>).getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      if (!done) await reader.cancel();
      reader.releaseLock();
    }
  }
  if (typeof (input as AsyncIterable<TextChunk>)[Symbol.asyncIterator] === 'function') {
    yield* input as AsyncIterable<TextChunk>;
    return;
  }
  if (typeof (input as Iterable<TextChunk>)[Symbol.iterator] === 'function') {
    yield* input as Iterable<TextChunk>;
    return;
  }
  throw new StorageError('invalid_argument', 'unsupported input for loadText');
}

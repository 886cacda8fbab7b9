/**
 * Series descriptions, the sample notation of promqltest files:
 *
 * ```text
 * metric{label="value"} 1 2+3x2 _ _x3 stale -Inf {{schema:1 sum:3 count:22 buckets:[5 10 7]}}
 * ```
 *
 * A lexer and a recursive-descent parser that accept exactly what Prometheus's
 * `parser.ParseSeriesDesc` accepts: its series-description lexer states (value sequence,
 * histogram, buckets) and its grammar rules `series_description`, `series_item`,
 * `histogram_series_value`. Written from promql/parser/lex.go and generated_parser.y
 * (v3.14); `compat: 'prometheus2'` drops what v2.42 did not have (histogram notation,
 * quoted label names).
 */
import type { Label, Labels } from '@promql-ts/engine';
import { parseGoNumber, quoteGo, unquoteString } from '@promql-ts/parser';
import { compareStrings } from '@promql-ts/storage-mem';
import { parseUint10 } from './go.js';
import type {
  Compat,
  CounterResetHint,
  HistogramSpan,
  HistogramValue,
  SequenceValue,
  SeriesDescription,
} from './types.js';

/** A series description that does not parse; `column` is 1-based in the description. */
export class SeriesDescriptionError extends Error {
  readonly column: number;

  constructor(message: string, column: number) {
    super(message);
    this.name = 'SeriesDescriptionError';
    this.column = column;
  }
}

/** The bits of Prometheus's staleness marker, a NaN that must survive bit for bit. */
const STALE_NAN = (() => {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, 0x7ff00000);
  view.setUint32(4, 0x00000002);
  return view.getFloat64(0);
})();

/**
 * Repetition counts above this are refused: Prometheus would try to allocate them, and a
 * typo like `1x1000000000` would exhaust memory.
 */
const MAX_REPETITION = 10_000_000;

// === Lexer ===

type TokenType =
  | 'ADD'
  | 'BLANK'
  | 'CLOSE_HIST'
  | 'COLON'
  | 'COMMA'
  | 'EOF'
  | 'EQL'
  | 'HINT'
  | 'HIST_KEY'
  | 'IDENTIFIER'
  | 'KEYWORD'
  | 'LEFT_BRACE'
  | 'LEFT_BRACKET'
  | 'METRIC_IDENTIFIER'
  | 'NUMBER'
  | 'OPEN_HIST'
  | 'OTHER'
  | 'RIGHT_BRACE'
  | 'RIGHT_BRACKET'
  | 'SPACE'
  | 'STRING'
  | 'SUB'
  | 'TIMES';

interface Token {
  readonly type: TokenType;
  /** The token's text from its start (the buckets lexer can include skipped letters). */
  readonly text: string;
  /** 0-based offset in the input. */
  readonly pos: number;
}

/** PromQL keywords (lower case) as the lexer's `key` table has them. */
const KEYWORDS: ReadonlySet<string> = new Set([
  'and',
  'or',
  'unless',
  'atan2',
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
  'offset',
  'smoothed',
  'anchored',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'start',
  'end',
  'step',
]);

/**
 * Keywords the grammar's `metric_identifier` rule does not accept as a metric name (every
 * other keyword may name a metric, e.g. `sum{a="b"} 1`).
 */
const NOT_METRIC_NAMES: ReadonlySet<string> = new Set([
  'atan2',
  'bool',
  'group_left',
  'group_right',
  'ignoring',
  'on',
]);

const HISTOGRAM_KEYS: ReadonlySet<string> = new Set([
  'sum',
  'count',
  'schema',
  'offset',
  'n_offset',
  'buckets',
  'n_buckets',
  'z_bucket',
  'z_bucket_w',
  'custom_values',
  'counter_reset_hint',
]);

const COUNTER_RESET_HINTS: ReadonlySet<string> = new Set([
  'unknown',
  'reset',
  'not_reset',
  'gauge',
]);

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined): boolean =>
  c !== undefined && (c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isAlphaNumeric = (c: string | undefined): boolean => isAlpha(c) || isDigit(c);
const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r';

type HistogramState = 'none' | 'open' | 'mul' | 'add' | 'sub';

/** The series-description part of Prometheus's lexer, as a pull tokenizer. */
class Lexer {
  readonly #input: string;
  readonly #histograms: boolean;
  #pos = 0;
  #start = 0;
  #state: 'braces' | 'statements' | 'values' = 'statements';
  #histogramState: HistogramState = 'none';
  #bracketOpen = false;
  #done = false;

  constructor(input: string, compat: Compat) {
    this.#input = input;
    this.#histograms = compat === 'prometheus3';
  }

  #peek(): string | undefined {
    return this.#input[this.#pos];
  }

  #emit(type: TokenType): Token {
    const t = { type, text: this.#input.slice(this.#start, this.#pos), pos: this.#start };
    this.#start = this.#pos;
    return t;
  }

  #error(message: string): never {
    throw new SeriesDescriptionError(message, this.#start + 1);
  }

  #skipSpaces(): void {
    while (isSpace(this.#peek())) this.#pos++;
    this.#start = this.#pos;
  }

  /** Tokens one lexer state produced together, handed out before lexing on. */
  readonly #queued: Token[] = [];

  /** The next token; `EOF` once the input is exhausted. */
  next(): Token {
    const queued = this.#queued.shift();
    if (queued !== undefined) return queued;
    if (this.#done) return { type: 'EOF', text: '', pos: this.#input.length };
    for (;;) {
      const t = this.#step();
      if (t !== null) {
        if (t.type === 'EOF') this.#done = true;
        return t;
      }
    }
  }

  /** Runs one lexer state; null when it produced no token (skipped input). */
  #step(): Token | null {
    if (this.#histogramState !== 'none') return this.#histogram();
    switch (this.#state) {
      case 'braces':
        return this.#insideBraces();
      case 'values':
        return this.#valueSequence();
      default:
        return this.#statements();
    }
  }

  #statements(): Token | null {
    const c = this.#peek();
    if (c === undefined) return this.#emit('EOF');
    if (c === '#') {
      // A comment runs to the end of the line and is skipped.
      while (this.#pos < this.#input.length && this.#peek() !== '\n' && this.#peek() !== '\r') {
        this.#pos++;
      }
      this.#start = this.#pos;
      return null;
    }
    if (isSpace(c)) {
      this.#skipSpaces();
      return null;
    }
    if (c === '{') {
      this.#pos++;
      this.#state = 'braces';
      return this.#emit('LEFT_BRACE');
    }
    if (isAlpha(c) || c === ':') return this.#keywordOrIdentifier();
    if (c === '"' || c === "'" || c === '`') return this.#string();
    if (isDigit(c) || (c === '.' && isDigit(this.#input[this.#pos + 1]))) {
      // A number where a metric is expected: lexed, then refused by the grammar.
      this.#pos++;
      while (isAlphaNumeric(this.#peek()) || this.#peek() === '.') this.#pos++;
      return this.#emit('NUMBER');
    }
    this.#pos++;
    return this.#emit('OTHER');
  }

  #keywordOrIdentifier(): Token {
    while (isAlphaNumeric(this.#peek()) || this.#peek() === ':') this.#pos++;
    const word = this.#input.slice(this.#start, this.#pos);
    const lower = word.toLowerCase();
    let type: TokenType;
    if (lower === 'inf' || lower === 'nan') type = 'NUMBER';
    else if (KEYWORDS.has(lower)) type = 'KEYWORD';
    else type = word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER';
    this.#state = this.#peek() !== '{' ? 'values' : 'statements';
    return this.#emit(type);
  }

  #string(): Token {
    const quote = this.#input[this.#pos]!;
    this.#pos++;
    for (;;) {
      const c = this.#peek();
      if (c === undefined || (c === '\n' && quote !== '`')) {
        this.#error(quote === '`' ? 'unterminated raw string' : 'unterminated quoted string');
      }
      this.#pos++;
      if (c === '\\' && quote !== '`') {
        if (this.#peek() === undefined) this.#error('escape sequence not terminated');
        this.#pos++;
        continue;
      }
      if (c === quote) break;
    }
    return this.#emit('STRING');
  }

  #insideBraces(): Token | null {
    const c = this.#peek();
    if (c === undefined) this.#error('unexpected end of input inside braces');
    if (isSpace(c)) {
      this.#skipSpaces();
      return null;
    }
    if (isAlpha(c)) {
      while (isAlphaNumeric(this.#peek())) this.#pos++;
      return this.#emit('IDENTIFIER');
    }
    if (c === '"' || c === "'" || c === '`') return this.#string();
    this.#pos++;
    switch (c) {
      case ',':
        return this.#emit('COMMA');
      case '=':
        if (this.#peek() === '~') {
          this.#pos++;
          return this.#emit('OTHER');
        }
        return this.#emit('EQL');
      case '!':
        if (this.#peek() === '~' || this.#peek() === '=') {
          this.#pos++;
          return this.#emit('OTHER');
        }
        return this.#error(
          `unexpected character after '!' inside braces: ${quoteRune(this.#peek())}`,
        );
      case '}':
        this.#state = 'values';
        return this.#emit('RIGHT_BRACE');
      default:
        return this.#error(`unexpected character inside braces: ${quoteRune(c)}`);
    }
  }

  #valueSequence(): Token | null {
    const c = this.#peek();
    if (c === undefined) return this.#emit('EOF');
    if (c === '{' && this.#input[this.#pos + 1] === '{' && this.#histograms) {
      this.#pos += 2;
      this.#histogramState = 'open';
      return this.#emit('OPEN_HIST');
    }
    if (isSpace(c)) {
      this.#pos++;
      const t = this.#emit('SPACE');
      this.#skipSpaces();
      return t;
    }
    switch (c) {
      case '+':
        this.#pos++;
        return this.#emit('ADD');
      case '-':
        this.#pos++;
        return this.#emit('SUB');
      case 'x':
        this.#pos++;
        return this.#emit('TIMES');
      case '_':
        this.#pos++;
        return this.#emit('BLANK');
      default:
        break;
    }
    if (isDigit(c) || (c === '.' && isDigit(this.#input[this.#pos + 1]))) return this.#number();
    if (isAlpha(c)) return this.#keywordOrIdentifier();
    return this.#error(`unexpected character in series sequence: ${quoteRune(c)}`);
  }

  #number(): Token {
    if (!this.#scanNumber()) {
      this.#error(`bad number syntax: ${quoteGo(this.#input.slice(this.#start, this.#pos))}`);
    }
    return this.#emit('NUMBER');
  }

  #accept(valid: string): boolean {
    const c = this.#peek();
    if (c !== undefined && valid.includes(c)) {
      this.#pos++;
      return true;
    }
    return false;
  }

  /**
   * Prometheus's `scanNumber` in series-description mode (no hexadecimal, as `0x3` means
   * "0 repeated 3 times"): digits with at most one `.` and one exponent, underscores only
   * between digits; the next character must not be alphanumeric unless it is `x`.
   */
  #scanNumber(): boolean {
    const digits = '0123456789';
    const initial = this.#pos;
    this.#accept('.');
    this.#accept(digits);
    let dot = false;
    let exponent = false;
    while (this.#peek() !== undefined && `${digits}._eE`.includes(this.#peek()!)) {
      const c = this.#peek()!;
      if (c === '.' && dot) {
        this.#pos++;
        return false;
      }
      if ((c === 'e' || c === 'E') && exponent) {
        this.#pos++;
        return false;
      }
      if (this.#accept('.')) {
        dot = true;
        if (this.#accept('_.')) return false;
        continue;
      }
      if (this.#accept('eE')) {
        exponent = true;
        this.#accept('+-');
        if (this.#accept('._eE') || this.#peek() === undefined) return false;
        continue;
      }
      if (this.#accept('_')) {
        if (this.#accept('._eE') || this.#peek() === undefined) return false;
        continue;
      }
      while (isDigit(this.#peek())) this.#pos++;
    }
    if (this.#pos === initial) return false;
    const next = this.#peek();
    return next === 'x' || !isAlphaNumeric(next);
  }

  #histogram(): Token | null {
    switch (this.#histogramState) {
      case 'mul':
      case 'add':
      case 'sub': {
        const type =
          this.#histogramState === 'mul' ? 'TIMES' : this.#histogramState === 'add' ? 'ADD' : 'SUB';
        this.#histogramState = 'none';
        this.#state = 'values';
        this.#pos++;
        return this.#emit(type);
      }
      default:
        break;
    }
    if (this.#bracketOpen) return this.#buckets();
    const c = this.#peek();
    if (isSpace(c)) {
      this.#pos++;
      const t = this.#emit('SPACE');
      this.#skipSpaces();
      return t;
    }
    if (isAlpha(c)) return this.#histogramDescriptor();
    if (c === ':') {
      this.#pos++;
      return this.#emit('COLON');
    }
    if (c === '-') {
      this.#pos++;
      return this.#emit('SUB');
    }
    if (isDigit(c)) return this.#number();
    if (c === '[') {
      this.#pos++;
      this.#bracketOpen = true;
      return this.#emit('LEFT_BRACKET');
    }
    if (c === '}' && this.#input[this.#pos + 1] === '}') {
      this.#pos += 2;
      const t = this.#emit('CLOSE_HIST');
      const after = this.#peek();
      this.#histogramState =
        after === 'x' ? 'mul' : after === '+' ? 'add' : after === '-' ? 'sub' : 'none';
      if (this.#histogramState === 'none') this.#state = 'values';
      return t;
    }
    return this.#error(
      `histogram description incomplete unexpected: ${c === undefined ? 'EOF' : quoteRune(c)}`,
    );
  }

  #histogramDescriptor(): Token {
    while (isAlpha(this.#peek())) this.#pos++;
    const word = this.#input.slice(this.#start, this.#pos).toLowerCase();
    if (HISTOGRAM_KEYS.has(word)) {
      if (this.#peek() !== ':') this.#error('missing `:` for histogram descriptor');
      return this.#emit('HIST_KEY');
    }
    if (word === 'inf' || word === 'nan') return this.#emit('NUMBER');
    if (COUNTER_RESET_HINTS.has(word)) return this.#emit('HINT');
    return this.#error(`bad histogram descriptor found: ${quoteGo(word)}`);
  }

  /**
   * Prometheus's `lexBuckets`. Letters are accumulated until they spell Inf or NaN; any other
   * letters end up in the text of the next token (so `[1 foo]` reads as `[1]`), as there.
   */
  #buckets(): Token | null {
    const c = this.#peek();
    this.#pos++;
    if (isSpace(c)) {
      const t = this.#emit('SPACE');
      this.#skipSpaces();
      return t;
    }
    if (c === '-') {
      // `-` is followed directly by the number lexer: `-Inf` is not accepted here.
      const sub = this.#emit('SUB');
      this.#queued.push(this.#number());
      return sub;
    }
    if (isDigit(c)) {
      this.#pos--;
      return this.#number();
    }
    if (c === ']') {
      this.#bracketOpen = false;
      return this.#emit('RIGHT_BRACKET');
    }
    if (isAlpha(c)) {
      const word = this.#input.slice(this.#start, this.#pos).toLowerCase();
      if (word === 'inf' || word === 'nan') return this.#emit('NUMBER');
      return null;
    }
    return this.#error(
      `invalid character in buckets description: ${c === undefined ? 'EOF' : quoteRune(c)}`,
    );
  }
}

function quoteRune(c: string | undefined): string {
  if (c === undefined) return 'EOF';
  return `'${c === "'" ? "\\'" : c}'`;
}

// === Parser ===

/** Options of {@link parseSeriesDescription}. */
export interface SeriesDescriptionOptions {
  /** `'prometheus2'` refuses what v2.42 did not know: histograms and quoted label names. */
  readonly compat?: Compat;
}

/** The histogram description keys, with the map keys Prometheus's grammar stores them under. */
type HistogramField =
  | 'buckets'
  | 'count'
  | 'counter_reset_hint'
  | 'custom_values'
  | 'n_buckets'
  | 'n_offset'
  | 'offset'
  | 'schema'
  | 'sum'
  | 'z_bucket'
  | 'z_bucket_w';

type HistogramFields = Partial<
  Record<HistogramField, number | readonly number[] | CounterResetHint>
>;

class Parser {
  readonly #lexer: Lexer;
  readonly #compat: Compat;
  #tok: Token;

  constructor(input: string, compat: Compat) {
    this.#lexer = new Lexer(input, compat);
    this.#compat = compat;
    this.#tok = this.#lexer.next();
  }

  /** The current token's type (a call, so that TypeScript does not narrow it across advances). */
  #type(): TokenType {
    return this.#tok.type;
  }

  #advance(): Token {
    const t = this.#tok;
    this.#tok = this.#lexer.next();
    return t;
  }

  #fail(message: string, at: Token = this.#tok): never {
    throw new SeriesDescriptionError(message, at.pos + 1);
  }

  #unexpected(context: string, expected = ''): never {
    const t = this.#tok;
    const what = t.type === 'EOF' ? 'end of input' : `${describe(t.type)} ${quoteGo(t.text)}`;
    this.#fail(
      `unexpected ${what} in ${context}${expected === '' ? '' : `, expected ${expected}`}`,
    );
  }

  parse(): SeriesDescription {
    const labels = this.#metric();
    const values: SequenceValue[] = [];
    // series_values: /* empty */ | series_values SPACE series_item | series_values SPACE
    while (this.#type() !== 'EOF') {
      if (this.#type() !== 'SPACE') this.#unexpected('series values');
      this.#advance();
      if (this.#type() === 'EOF') break;
      this.#seriesItem(values);
    }
    return { labels, values };
  }

  // metric: metric_identifier label_set | label_set (which may be empty)
  #metric(): Labels {
    let name: string | null = null;
    const t = this.#tok;
    if (
      t.type === 'IDENTIFIER' ||
      t.type === 'METRIC_IDENTIFIER' ||
      (t.type === 'KEYWORD' && !NOT_METRIC_NAMES.has(t.text.toLowerCase()))
    ) {
      name = t.text;
      this.#advance();
    }
    const labels: Label[] = [];
    if (this.#type() === 'LEFT_BRACE') this.#labelSet(labels);
    if (name !== null) {
      const i = labels.findIndex((l) => l.name === '__name__');
      if (i >= 0) labels.splice(i, 1);
      labels.push({ name: '__name__', value: name });
    }
    return sortLabels(labels);
  }

  #labelSet(out: Label[]): void {
    this.#advance(); // {
    if (this.#type() === 'RIGHT_BRACE') {
      this.#advance();
      return;
    }
    for (;;) {
      this.#labelSetItem(out);
      if (this.#type() === 'RIGHT_BRACE') break;
      if (this.#type() !== 'COMMA') this.#unexpected('label set', '"," or "}"');
      this.#advance();
      if (this.#type() === 'RIGHT_BRACE') break;
    }
    this.#advance(); // }
  }

  #labelSetItem(out: Label[]): void {
    const t = this.#tok;
    if (t.type === 'IDENTIFIER') {
      this.#advance();
      if (this.#type() !== 'EQL') this.#unexpected('label set', '"="');
      this.#advance();
      out.push({ name: t.text, value: this.#stringValue() });
      return;
    }
    if (t.type === 'STRING' && this.#compat === 'prometheus3') {
      const name = this.#stringValue();
      if (this.#type() === 'EQL') {
        this.#advance();
        out.push({ name, value: this.#stringValue() });
      } else {
        out.push({ name: '__name__', value: name });
      }
      return;
    }
    this.#unexpected('label set', 'identifier or "}"');
  }

  #stringValue(): string {
    const t = this.#tok;
    if (t.type !== 'STRING') this.#unexpected('label set', 'string');
    this.#advance();
    const r = unquoteString(t.text);
    if (!r.ok) this.#fail(`error unquoting string ${quoteGo(t.text)}: ${r.error}`, t);
    return r.value;
  }

  #uint(): number {
    const t = this.#tok;
    if (t.type !== 'NUMBER') this.#unexpected('series values', 'number');
    this.#advance();
    const n = parseUint10(t.text);
    if (n === null) {
      this.#fail(
        `invalid repetition in series values: strconv.ParseUint: parsing ${quoteGo(t.text)}: invalid syntax`,
        t,
      );
    }
    if (n > MAX_REPETITION) this.#fail(`repetition ${t.text} is larger than ${MAX_REPETITION}`, t);
    return n;
  }

  #number(): number {
    const t = this.#tok;
    if (t.type !== 'NUMBER') this.#unexpected('series values', 'number');
    this.#advance();
    const r = parseGoNumber(t.text);
    if (!r.ok) this.#fail(`error parsing number: ${r.error}`, t);
    return r.value;
  }

  /** `number`, `+number` or `-number`. */
  #signedOrUnsigned(): number {
    if (this.#type() === 'ADD') {
      this.#advance();
      return this.#number();
    }
    if (this.#type() === 'SUB') {
      this.#advance();
      return -this.#number();
    }
    return this.#number();
  }

  #seriesItem(out: SequenceValue[]): void {
    const t = this.#tok;
    if (t.type === 'BLANK') {
      this.#advance();
      if (this.#type() !== 'TIMES') {
        out.push({ kind: 'omitted' });
        return;
      }
      this.#advance();
      const n = this.#uint();
      for (let i = 0; i < n; i++) out.push({ kind: 'omitted' });
      return;
    }
    if (t.type === 'OPEN_HIST') {
      this.#histogramItem(out);
      return;
    }
    let value: number;
    if (t.type === 'IDENTIFIER' && t.text === 'stale') {
      this.#advance();
      value = STALE_NAN;
    } else if (t.type === 'NUMBER' || t.type === 'ADD' || t.type === 'SUB') {
      value = this.#signedOrUnsigned();
    } else {
      this.#unexpected('series values', 'number or "stale"');
    }
    const next = this.#type();
    if (next === 'TIMES') {
      this.#advance();
      const n = this.#uint();
      for (let i = 0; i <= n; i++) out.push({ kind: 'float', value });
      return;
    }
    if (next === 'ADD' || next === 'SUB') {
      this.#advance();
      const step = next === 'ADD' ? this.#number() : -this.#number();
      if (this.#type() !== 'TIMES') this.#unexpected('series values', '"x"');
      this.#advance();
      const n = this.#uint();
      // Repeated addition, not multiplication: rounding accumulates as in Prometheus.
      for (let i = 0; i <= n; i++) {
        out.push({ kind: 'float', value });
        value += step;
      }
      return;
    }
    out.push({ kind: 'float', value });
  }

  #histogramItem(out: SequenceValue[]): void {
    const base = this.#histogram();
    const next = this.#type();
    if (next === 'TIMES') {
      this.#advance();
      const n = this.#uint();
      for (let i = 0; i <= n; i++) out.push({ kind: 'histogram', histogram: base });
      return;
    }
    if (next === 'ADD' || next === 'SUB') {
      this.#advance();
      if (this.#type() !== 'OPEN_HIST') this.#unexpected('series values', '"{{"');
      const delta = this.#histogram();
      if (this.#type() !== 'TIMES') this.#unexpected('series values', '"x"');
      this.#advance();
      const n = this.#uint();
      if (n >= 1 && base.schema > delta.schema) {
        this.#fail(
          `error combining histograms: cannot merge from schema ${delta.schema} to ${base.schema}`,
        );
      }
      if (n >= 1 && (base.schema === -53) !== (delta.schema === -53)) {
        this.#fail(
          'error combining histograms: cannot apply this operation on histograms with a mix of exponential and custom bucket schemas',
        );
      }
      out.push({ kind: 'histogram', histogram: base });
      const op = next === 'ADD' ? 'add' : 'sub';
      for (let i = 1; i <= n; i++)
        out.push({ kind: 'histogram-series', base, delta, op, steps: i });
      return;
    }
    out.push({ kind: 'histogram', histogram: base });
  }

  // histogram_series_value: OPEN_HIST [histogram_desc_map] [SPACE] CLOSE_HIST
  #histogram(): HistogramValue {
    this.#advance(); // {{
    const fields: HistogramFields = {};
    if (this.#type() === 'SPACE') {
      this.#advance();
      if (this.#type() !== 'CLOSE_HIST') this.#unexpected('histogram description', '"}}"');
    }
    if (this.#type() !== 'CLOSE_HIST') {
      for (;;) {
        this.#histogramField(fields);
        if (this.#type() === 'CLOSE_HIST') break;
        if (this.#type() !== 'SPACE') {
          this.#unexpected(
            'histogram description',
            'histogram description key, e.g. buckets:[5 10 7]',
          );
        }
        this.#advance();
        if (this.#type() === 'CLOSE_HIST') break;
      }
    }
    this.#advance(); // }}
    return buildHistogram(fields);
  }

  #histogramField(fields: HistogramFields): void {
    const keyTok = this.#tok;
    if (keyTok.type !== 'HIST_KEY') {
      this.#unexpected('histogram description', 'histogram description key, e.g. buckets:[5 10 7]');
    }
    this.#advance();
    if (this.#type() !== 'COLON') this.#unexpected('histogram description', '":"');
    this.#advance();
    const key = keyTok.text.toLowerCase() as HistogramField;
    let value: number | readonly number[] | CounterResetHint;
    switch (key) {
      case 'schema':
      case 'offset':
      case 'n_offset':
        value = this.#int();
        break;
      case 'sum':
      case 'count':
      case 'z_bucket':
        value = this.#signedOrUnsigned();
        break;
      case 'z_bucket_w':
        value = this.#number();
        break;
      case 'buckets':
      case 'n_buckets':
      case 'custom_values':
        value = this.#bucketSet();
        break;
      case 'counter_reset_hint': {
        const t = this.#tok;
        if (t.type !== 'HINT') this.#unexpected('histogram description', 'counter reset hint');
        this.#advance();
        value = t.text.toLowerCase() as CounterResetHint;
        break;
      }
      default:
        this.#fail(`unknown histogram description key ${quoteGo(keyTok.text)}`, keyTok);
    }
    if (fields[key] !== undefined) this.#fail(`duplicate key "${key}" in histogram`, keyTok);
    fields[key] = value;
  }

  #int(): number {
    if (this.#type() === 'SUB') {
      this.#advance();
      return -this.#uint();
    }
    return this.#uint();
  }

  // bucket_set: LEFT_BRACKET bucket_set_list [SPACE] RIGHT_BRACKET
  #bucketSet(): number[] {
    if (this.#type() !== 'LEFT_BRACKET') this.#unexpected('histogram description', '"["');
    this.#advance();
    const out: number[] = [this.#signedOrUnsigned()];
    for (;;) {
      if (this.#type() === 'RIGHT_BRACKET') break;
      if (this.#type() !== 'SPACE') this.#unexpected('histogram description', '" " or "]"');
      this.#advance();
      if (this.#type() === 'RIGHT_BRACKET') break;
      out.push(this.#signedOrUnsigned());
    }
    this.#advance(); // ]
    return out;
  }
}

function describe(type: TokenType): string {
  switch (type) {
    case 'IDENTIFIER':
      return 'identifier';
    case 'METRIC_IDENTIFIER':
      return 'metric identifier';
    case 'NUMBER':
      return 'number';
    case 'STRING':
      return 'string';
    case 'KEYWORD':
      return 'keyword';
    case 'SPACE':
      return 'space';
    default:
      return 'token';
  }
}

function buildHistogram(f: HistogramFields): HistogramValue {
  const num = (k: HistogramField): number => (f[k] as number | undefined) ?? 0;
  const list = (k: HistogramField): readonly number[] =>
    (f[k] as readonly number[] | undefined) ?? [];
  const spans = (buckets: readonly number[], offset: number): HistogramSpan[] =>
    buckets.length > 0 ? [{ offset, length: buckets.length }] : [];
  const positive = list('buckets');
  const negative = list('n_buckets');
  const hint = f.counter_reset_hint as CounterResetHint | undefined;
  return {
    schema: num('schema'),
    sum: num('sum'),
    count: num('count'),
    zeroCount: num('z_bucket'),
    zeroThreshold: num('z_bucket_w'),
    customValues: list('custom_values'),
    positiveSpans: spans(positive, num('offset')),
    positiveBuckets: positive,
    negativeSpans: spans(negative, num('n_offset')),
    negativeBuckets: negative,
    counterResetHint: hint ?? 'unknown',
    counterResetHintSet: hint !== undefined,
  };
}

/** Sorts labels by name in byte order, as Go's `labels.New`. */
function sortLabels(labels: Label[]): Labels {
  labels.sort((a, b) => compareStrings(a.name, b.name));
  return labels;
}

/**
 * Parses a series description exactly as Prometheus's `ParseSeriesDesc` does.
 *
 * @example
 * ```ts
 * const d = parseSeriesDescription('http_requests{job="api"} 0+10x2 _ stale');
 * d.values.length; // 5: 0, 10, 20, omitted, the staleness marker
 * ```
 * @throws {SeriesDescriptionError} when the description does not parse.
 */
export function parseSeriesDescription(
  input: string,
  options: SeriesDescriptionOptions = {},
): SeriesDescription {
  return new Parser(input, options.compat ?? 'prometheus3').parse();
}

/** Whether a value is Prometheus's staleness marker (the NaN with bits 0x7ff0000000000002). */
export function isStaleMarker(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, v);
  return view.getUint32(0) === 0x7ff00000 && view.getUint32(4) === 0x00000002;
}

/** The staleness marker NaN. */
export const STALE_MARKER: number = STALE_NAN;

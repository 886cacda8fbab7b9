/**
 * The PromQL lexer: a Chevrotain multi-mode lexer that reproduces Prometheus's hand-written
 * one (`promql/parser/lex.go`). Three modes, as Prometheus's lexer states:
 * - `expr`: expressions, where words may be keywords;
 * - `braces`: inside `{...}`, where every word is a label name;
 * - `duration`: inside `[...]`. Up to the first number this is Prometheus's `lexDurationExpr`
 *   (numbers, duration keywords and arithmetic only); after it, Prometheus lexes with its
 *   top-level state and a bracket open, which the same mode reproduces by looking back at the
 *   tokens of the bracket (see {@link bracketState}).
 *
 * Words are lexed as one `Word` token and classified afterwards ({@link classifyWords}):
 * keywords are case-insensitive, `fill`/`fill_left`/`fill_right`/`min_of`/`max_of` are
 * keywords only when a `(` follows, and `inf`/`nan` are numbers. A lexing error becomes a
 * single `LexError` token that runs to the end of the input and carries Prometheus's message;
 * what is still open at the end of the input is checked afterwards ({@link checkNesting}).
 */
import { createToken, type IToken, Lexer, type TokenType } from 'chevrotain';
import { quoteGo } from './literals.js';

// === Token categories (never matched directly) ===

/** Any word: identifiers and keywords (grouping labels accept all of them). */
export const Word = createToken({ name: 'Word', pattern: Lexer.NA });
/** Words that may name a metric in a vector selector. */
export const MetricNameTok = createToken({ name: 'MetricNameTok', pattern: Lexer.NA });
/** Aggregation operators. */
export const AggregateOpTok = createToken({ name: 'AggregateOpTok', pattern: Lexer.NA });
/**
 * Every binary operator (one category: the grammar reads a flat chain of operands and
 * operators, and the AST builder applies precedence).
 */
export const BinaryOpTok = createToken({ name: 'BinaryOpTok', pattern: Lexer.NA });
/** `+` and `-`, which are also signs. */
export const AddOpTok = createToken({ name: 'AddOpTok', pattern: Lexer.NA });
/** Operators of duration arithmetic: `+ - * / % ^`. */
export const DurationOpTok = createToken({ name: 'DurationOpTok', pattern: Lexer.NA });
/** Label matcher operators: `= != =~ !~`. */
export const MatchOpTok = createToken({ name: 'MatchOpTok', pattern: Lexer.NA });

// === Custom matchers ===

type Match = RegExpExecArray & { payload?: LexErrorPayload };

/** What a `LexError` token carries. */
export interface LexErrorPayload {
  readonly message: string;
  /** Where Prometheus reports the error when not at the token's start. */
  readonly at?: number;
}

function match(image: string, payload?: LexErrorPayload): Match {
  const m = [image] as unknown as Match;
  if (payload !== undefined) m.payload = payload;
  return m;
}

/**
 * A lexing error: consumes the rest of the input so that lexing stops here. `shift` moves
 * the reported position past characters Prometheus emits before failing.
 */
function fail(text: string, offset: number, message: string, shift = 0): Match {
  return match(text.slice(offset), shift === 0 ? { message } : { message, at: offset + shift });
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlpha = (c: number) => c === 95 || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isAlnum = (c: number) => isAlpha(c) || isDigit(c);

/**
 * Go's `%q` of the rune at `offset`. End of input and invalid UTF-8 (a lone surrogate here)
 * are Go's `utf8.RuneError`, which prints as `'\uFFFD'` itself.
 */
function quoteRune(text: string, offset: number): string {
  const cp =
    offset >= text.length || isLoneSurrogate(text, offset) ? 0xfffd : text.codePointAt(offset)!;
  const q = quoteGo(String.fromCodePoint(cp));
  const inner = q.slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'");
  return `'${inner}'`;
}

/** Go's `%#U` of a rune: `U+0071 'q'` (the quoted form only for printable runes). */
function formatU(text: string, offset: number): string {
  if (offset >= text.length) return 'U+FFFFFFFFFFFFFFFF';
  const cp = isLoneSurrogate(text, offset) ? 0xfffd : text.codePointAt(offset)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const ch = String.fromCodePoint(cp);
  const printable = (cp >= 0x20 && cp < 0x7f) || (cp > 0x7f && quoteGo(ch) === `"${ch}"`);
  return printable ? `${hex} '${ch}'` : hex;
}

/**
 * Scans a number as Prometheus's `scanNumber`: decimal or hex digits, one dot, one
 * exponent, underscores between digits; it must not be followed by a letter or digit.
 * Returns the end offset when a number was scanned, or `-(end+1)` for where it stopped.
 */
function scanNumber(text: string, offset: number): number {
  let pos = offset;
  const at = (p: number) => (p < text.length ? text.charCodeAt(p) : -1);
  let hex = false;
  const isDig = (c: number) =>
    isDigit(c) || (hex && ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)));
  if (at(pos) === 48) {
    pos++;
    const x = at(pos);
    if (x === 120 || x === 88) {
      pos++;
      if (at(pos) === 95) pos++;
      hex = true;
    }
  }
  if (at(pos) === 46) pos++;
  if (isDig(at(pos))) pos++;
  let dot = false;
  let exp = false;
  for (;;) {
    const c = at(pos);
    const isDot = c === 46;
    const isExp = c === 101 || c === 69;
    const isUnd = c === 95;
    if (!(isDig(c) || isDot || isExp || isUnd)) break;
    if (isDot && dot) return -(pos + 2);
    if (isExp && exp) return -(pos + 2);
    if (isDot) {
      dot = true;
      pos++;
      const n = at(pos);
      if (n === 95 || n === 46) return -(pos + 2);
      if (hex) return -(pos + 1);
      continue;
    }
    if (isExp) {
      exp = true;
      pos++;
      if (at(pos) === 43 || at(pos) === 45) pos++;
      const n = at(pos);
      if (n === 46 || n === 95 || n === 101 || n === 69) return -(pos + 2);
      if (n === -1) return -(pos + 1);
      continue;
    }
    if (isUnd) {
      pos++;
      const n = at(pos);
      if (n === 46 || n === 95 || n === 101 || n === 69) return -(pos + 2);
      if (n === -1) return -(pos + 1);
      continue;
    }
    while (isDig(at(pos))) pos++;
  }
  if (pos === offset) return -(pos + 1);
  return isAlnum(at(pos)) ? -(pos + 1) : pos;
}

/** Prometheus's `acceptRemainingDuration`; returns the end offset or -1. */
function scanDurationRest(text: string, offset: number): number {
  let pos = offset;
  const at = (p: number) => (p < text.length ? text.charCodeAt(p) : -1);
  const accept = (set: string) => {
    const c = at(pos);
    if (c !== -1 && set.includes(String.fromCharCode(c))) {
      pos++;
      return true;
    }
    return false;
  };
  if (!accept('smhdwy')) return -(pos + 1);
  accept('s');
  while (accept('0123456789')) {
    while (accept('0123456789')) {
      // absorb digits
    }
    if (!accept('smhdw')) return -(pos + 1);
    accept('s');
  }
  return isAlnum(at(pos)) ? -(pos + 2) : pos;
}

/** Kind of the number-or-duration at `offset`: its end, or an error end, per lex.go. */
function scanNumberOrDuration(
  text: string,
  offset: number,
): { kind: 'number' | 'duration' | 'error'; end: number } {
  const n = scanNumber(text, offset);
  if (n >= 0) return { kind: 'number', end: n };
  const stop = -n - 1;
  const d = scanDurationRest(text, stop);
  if (d >= 0) return { kind: 'duration', end: d };
  return { kind: 'error', end: Math.min(-d - 1, text.length) };
}

function startsNumber(text: string, offset: number): boolean {
  const c = text.charCodeAt(offset);
  return isDigit(c) || (c === 46 && isDigit(text.charCodeAt(offset + 1)));
}

const numberPattern = (want: 'number' | 'duration') => ({
  exec(text: string, offset: number): Match | null {
    if (!startsNumber(text, offset)) return null;
    const r = scanNumberOrDuration(text, offset);
    if (r.kind !== want) return null;
    return match(text.slice(offset, r.end));
  },
});

const badNumberPattern = {
  exec(text: string, offset: number): Match | null {
    if (!startsNumber(text, offset)) return null;
    const r = scanNumberOrDuration(text, offset);
    if (r.kind !== 'error') return null;
    return fail(
      text,
      offset,
      `bad number or duration syntax: ${quoteGo(text.slice(offset, r.end))}`,
    );
  },
};

/**
 * Prometheus's `lexString`/`lexEscape`/`lexRawString`: the end offset of the string literal
 * at `offset`, or the lexing error it contains. Like Go's lexer, a U+FFFD in the source is
 * indistinguishable from invalid UTF-8 and is refused too.
 */
function scanString(text: string, offset: number): { end: number } | { error: string } {
  const open = text[offset]!;
  let pos = offset + 1;
  const badRune = (p: number) => isLoneSurrogate(text, p) || text.charCodeAt(p) === 0xfffd;
  if (open === '`') {
    for (; pos < text.length; pos++) {
      const c = text.charCodeAt(pos);
      if (badRune(pos)) return { error: 'invalid UTF-8 rune' };
      if (c >= 0xd800 && c <= 0xdbff) pos++;
      else if (c === 96) return { end: pos + 1 };
    }
    return { error: 'unterminated raw string' };
  }
  while (pos < text.length) {
    const ch = text[pos]!;
    if (ch === '\\') {
      const err = checkEscape(text, pos + 1, open);
      if (typeof err === 'string') return { error: err };
      pos = err;
      continue;
    }
    if (badRune(pos)) return { error: 'invalid UTF-8 rune' };
    if (ch === '\n') break;
    if (ch === open) return { end: pos + 1 };
    pos += text.charCodeAt(pos) >= 0xd800 && text.charCodeAt(pos) <= 0xdbff ? 2 : 1;
  }
  return { error: 'unterminated quoted string' };
}

const isQuote = (c: string | undefined) => c === '"' || c === "'" || c === '`';

const stringPattern = {
  exec(text: string, offset: number): Match | null {
    if (!isQuote(text[offset])) return null;
    const r = scanString(text, offset);
    return 'end' in r ? match(text.slice(offset, r.end)) : null;
  },
};

const badStringPattern = (text: string, offset: number): Match | null => {
  if (!isQuote(text[offset])) return null;
  const r = scanString(text, offset);
  return 'error' in r ? fail(text, offset, r.error) : null;
};

function isLoneSurrogate(text: string, pos: number): boolean {
  const c = text.charCodeAt(pos);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(pos + 1);
    return !(d >= 0xdc00 && d <= 0xdfff);
  }
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Validates the escape starting after `\` at `pos`; returns the next offset or an error. */
function checkEscape(text: string, pos: number, open: string): number | string {
  const ch = text[pos];
  if (ch === undefined) return 'escape sequence not terminated';
  if ('abfnrtv\\'.includes(ch) || ch === open) return pos + 1;
  let n: number;
  let base: number;
  let max: number;
  let p = pos;
  if (ch >= '0' && ch <= '7') {
    n = 3;
    base = 8;
    max = 255;
  } else if (ch === 'x' || ch === 'u' || ch === 'U') {
    p++;
    n = ch === 'x' ? 2 : ch === 'u' ? 4 : 8;
    base = 16;
    max = ch === 'x' ? 255 : 0x10ffff;
  } else {
    return `unknown escape sequence ${formatU(text, pos)}`;
  }
  let x = 0;
  for (; n > 0; n--, p++) {
    if (p >= text.length) return 'escape sequence not terminated';
    const d = Number.parseInt(text[p]!, 16);
    if (Number.isNaN(d) || d >= base)
      return `illegal character ${formatU(text, p)} in escape sequence`;
    x = x * base + d;
  }
  if (x > max || (x >= 0xd800 && x < 0xe000)) {
    return 'escape sequence is an invalid Unicode code point';
  }
  return p;
}

/** Whether `word` is a keyword of duration expressions (`step`, `range`, `min_of`, `max_of`). */
function isDurationKeyword(word: string): boolean {
  const lower = word.toLowerCase();
  return lower === 'step' || lower === 'range' || lower === 'min_of' || lower === 'max_of';
}

/** The word (letters and `_`) at `offset`. */
function wordAt(text: string, offset: number): string {
  let end = offset;
  while (end < text.length && isAlpha(text.charCodeAt(end))) end++;
  return text.slice(offset, end);
}

/**
 * Where the lexer is inside `[...]`. Prometheus lexes right after `[` in its
 * `lexDurationExpr` state (`durationExpr`: numbers, units, duration keywords and arithmetic
 * only) and, from the first number or duration on, in its top-level state with a bracket
 * open (any expression token, but words must be duration keywords).
 */
function bracketState(tokens: IToken[]): { durationExpr: boolean; gotColon: boolean } {
  let durationExpr = true;
  let gotColon = false;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!.tokenType;
    if (t === LBracket) break;
    if (t === Colon) gotColon = true;
    else if (t === NumberTok || t === DurationTok) durationExpr = false;
  }
  return { durationExpr, gotColon };
}

/**
 * Prometheus's `gotDuration`: set by the first number inside any `[...]` so far (its lexer
 * never resets it), and required before a `:` in the `lexDurationExpr` state.
 */
function gotDuration(tokens: IToken[]): boolean {
  let inBracket = false;
  for (const t of tokens) {
    const type = t.tokenType;
    if (type === LBracket) inBracket = true;
    else if (type === RBracket) inBracket = false;
    else if (inBracket && (type === NumberTok || type === DurationTok)) return true;
  }
  return false;
}

/**
 * In the `lexDurationExpr` state, refuses what that state refuses, with its messages. Lets
 * everything else through to the tokens after it.
 */
const durationExprGuard: CustomExec = (text, offset, tokens) => {
  const state = bracketState(tokens);
  if (!state.durationExpr) return null;
  const c = text[offset]!;
  if (startsNumber(text, offset) || '+-*/%^(),] \t\r\n'.includes(c)) return null;
  if (c === ':') {
    // Prometheus emits the colon first, so the error starts after it.
    if (!gotDuration(tokens)) {
      return fail(text, offset, 'unexpected colon before duration in duration expression', 1);
    }
    if (state.gotColon) {
      return fail(text, offset, 'unexpected repeated colon in duration expression', 1);
    }
    return null;
  }
  if ('sSmMrR'.includes(c) && isDurationKeyword(wordAt(text, offset))) return null;
  return fail(
    text,
    offset,
    `unexpected character in duration expression: ${quoteRune(text, offset)}`,
  );
};

/** After a number inside `[...]`, a second `:` is refused. */
const repeatedColonPattern: CustomExec = (text, offset, tokens) =>
  text[offset] === ':' && bracketState(tokens).gotColon
    ? fail(text, offset, "unexpected colon ':'")
    : null;

/** After a number inside `[...]`, every word but a duration keyword is refused. */
const bracketWordPattern: CustomExec = (text, offset) =>
  isAlpha(text.charCodeAt(offset))
    ? fail(text, offset, `unexpected character: ${quoteRune(text, offset)}, expected ':'`)
    : null;

const durationKeywordPattern = {
  exec(text: string, offset: number): Match | null {
    const c = text[offset];
    if (c === undefined || !'sSmMrR'.includes(c)) return null;
    const word = wordAt(text, offset);
    return isDurationKeyword(word) ? match(word) : null;
  },
};

/** Matches any character as a lexing error (the last pattern of a mode). */
function unexpected(message: (text: string, offset: number) => string): CustomExec {
  return (text, offset) => fail(text, offset, message(text, offset));
}

/** Matches the single character `ch` as a lexing error. */
function charError(ch: string, message: string): CustomExec {
  return (text, offset) => (text[offset] === ch ? fail(text, offset, message) : null);
}

// === Tokens ===

const skipped = { group: Lexer.SKIPPED };

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\r\n]+/,
  line_breaks: true,
  ...skipped,
});
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, ...skipped });

/** A lexing error; its payload holds the message. */
export const LexError = createToken({
  name: 'LexError',
  pattern: Lexer.NA,
  line_breaks: true,
});
type CustomExec = (text: string, offset: number, tokens: IToken[]) => Match | null;

/** A token type whose matches are lexing errors (it belongs to the `LexError` category). */
function lexErrorToken(name: string, exec: CustomExec, hint?: (string | number)[]): TokenType {
  return createToken({
    name,
    pattern: { exec },
    line_breaks: true,
    categories: [LexError],
    start_chars_hint: hint ?? ANY_CHAR,
  });
}

/**
 * A `start_chars_hint` that admits every character, for patterns that may start anywhere.
 * Chevrotain groups char codes above 255 in buckets of 255, so one code per 128 covers them;
 * with every custom pattern hinted, the lexer can use its first-character optimisation.
 */
const ANY_CHAR: number[] = [];
for (let c = 0; c < 256; c++) ANY_CHAR.push(c);
for (let c = 256; c < 0x10000; c += 128) ANY_CHAR.push(c);

export const NumberTok = createToken({
  name: 'Number',
  pattern: numberPattern('number'),
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
});
export const DurationTok = createToken({
  name: 'Duration',
  pattern: numberPattern('duration'),
  line_breaks: false,
  start_chars_hint: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.'],
});
const BadNumber = lexErrorToken('BadNumber', badNumberPattern.exec, [
  '0',
  '1',
  '2',
  '3',
  '4',
  '5',
  '6',
  '7',
  '8',
  '9',
  '.',
]);
export const StringTok = createToken({
  name: 'String',
  pattern: stringPattern,
  line_breaks: true,
  start_chars_hint: ['"', "'", '`'],
});
const BadString = lexErrorToken('BadString', badStringPattern, ['"', "'", '`']);

/** A word outside braces before classification; becomes an identifier or a keyword. */
export const WordTok = createToken({ name: 'WordTok', pattern: /[a-zA-Z_:][a-zA-Z0-9_:]*/ });
/** A label or metric name without colons. */
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[a-zA-Z_][a-zA-Z0-9_]*/,
  categories: [Word, MetricNameTok],
});
/** A metric name with a colon (`job:rate5m`). */
export const MetricIdentifier = createToken({
  name: 'MetricIdentifier',
  pattern: Lexer.NA,
  categories: [Word, MetricNameTok],
});

export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const LBrace = createToken({ name: 'LBrace', pattern: '{', push_mode: 'braces' });
export const RBrace = createToken({ name: 'RBrace', pattern: '}', pop_mode: true });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', push_mode: 'duration' });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', pop_mode: true });
export const Comma = createToken({ name: 'Comma', pattern: ',' });
export const Colon = createToken({ name: 'Colon', pattern: ':' });
export const At = createToken({ name: 'At', pattern: '@' });

export const Add = createToken({
  name: 'Add',
  pattern: '+',
  categories: [AddOpTok, BinaryOpTok, DurationOpTok],
});
export const Sub = createToken({
  name: 'Sub',
  pattern: '-',
  categories: [AddOpTok, BinaryOpTok, DurationOpTok],
});
export const Mul = createToken({
  name: 'Mul',
  pattern: '*',
  categories: [BinaryOpTok, DurationOpTok],
});
export const Div = createToken({
  name: 'Div',
  pattern: '/',
  categories: [BinaryOpTok, DurationOpTok],
});
export const Mod = createToken({
  name: 'Mod',
  pattern: '%',
  categories: [BinaryOpTok, DurationOpTok],
});
export const Pow = createToken({
  name: 'Pow',
  pattern: '^',
  categories: [BinaryOpTok, DurationOpTok],
});
export const EqlC = createToken({ name: 'EqlC', pattern: '==', categories: [BinaryOpTok] });
export const Neq = createToken({
  name: 'Neq',
  pattern: '!=',
  categories: [BinaryOpTok, MatchOpTok],
});
export const Lte = createToken({ name: 'Lte', pattern: '<=', categories: [BinaryOpTok] });
export const Gte = createToken({ name: 'Gte', pattern: '>=', categories: [BinaryOpTok] });
export const TrimUpper = createToken({
  name: 'TrimUpper',
  pattern: '</',
  categories: [BinaryOpTok],
});
export const TrimLower = createToken({
  name: 'TrimLower',
  pattern: '>/',
  categories: [BinaryOpTok],
});
export const Lss = createToken({ name: 'Lss', pattern: '<', categories: [BinaryOpTok] });
export const Gtr = createToken({ name: 'Gtr', pattern: '>', categories: [BinaryOpTok] });
export const Eql = createToken({ name: 'Eql', pattern: '=', categories: [MatchOpTok] });
export const EqlRegex = createToken({ name: 'EqlRegex', pattern: '=~', categories: [MatchOpTok] });
export const NeqRegex = createToken({ name: 'NeqRegex', pattern: '!~', categories: [MatchOpTok] });

function keyword(name: string, categories: TokenType[] = []): TokenType {
  return createToken({ name, pattern: Lexer.NA, categories: [Word, ...categories] });
}
const agg = [AggregateOpTok, MetricNameTok];

export const And = keyword('And', [BinaryOpTok, MetricNameTok]);
export const Or = keyword('Or', [BinaryOpTok, MetricNameTok]);
export const Unless = keyword('Unless', [BinaryOpTok, MetricNameTok]);
export const Atan2 = keyword('Atan2', [BinaryOpTok]);
export const Avg = keyword('Avg', agg);
export const Bottomk = keyword('Bottomk', agg);
export const Count = keyword('Count', agg);
export const CountValues = keyword('CountValues', agg);
export const Group = keyword('Group', agg);
export const LimitK = keyword('LimitK', agg);
export const LimitRatio = keyword('LimitRatio', agg);
export const Max = keyword('Max', agg);
export const Min = keyword('Min', agg);
export const Quantile = keyword('Quantile', agg);
export const Stddev = keyword('Stddev', agg);
export const Stdvar = keyword('Stdvar', agg);
export const Sum = keyword('Sum', agg);
export const Topk = keyword('Topk', agg);
export const Bool = keyword('Bool');
export const By = keyword('By', [MetricNameTok]);
export const Without = keyword('Without', [MetricNameTok]);
export const On = keyword('On');
export const Ignoring = keyword('Ignoring');
export const GroupLeft = keyword('GroupLeft');
export const GroupRight = keyword('GroupRight');
export const Offset = keyword('Offset', [MetricNameTok]);
export const Anchored = keyword('Anchored', [MetricNameTok]);
export const Smoothed = keyword('Smoothed', [MetricNameTok]);
export const Fill = keyword('Fill');
export const FillLeft = keyword('FillLeft');
export const FillRight = keyword('FillRight');
export const Start = keyword('Start', [MetricNameTok]);
export const End = keyword('End', [MetricNameTok]);
/** `step` / `range`: keywords in every mode (in `duration` mode lexed by their own pattern). */
export const Step = keyword('Step', [MetricNameTok]);
export const Range = keyword('Range', [MetricNameTok]);
export const MinOf = keyword('MinOf');
export const MaxOf = keyword('MaxOf');
/** A duration-mode keyword before classification (`step`, `range`, `min_of`, `max_of`). */
export const DurationKeyword = createToken({
  name: 'DurationKeyword',
  pattern: durationKeywordPattern,
  line_breaks: false,
  start_chars_hint: ['s', 'S', 'm', 'M', 'r', 'R'],
});

const KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ['and', And],
  ['or', Or],
  ['unless', Unless],
  ['atan2', Atan2],
  ['sum', Sum],
  ['avg', Avg],
  ['count', Count],
  ['min', Min],
  ['max', Max],
  ['group', Group],
  ['stddev', Stddev],
  ['stdvar', Stdvar],
  ['topk', Topk],
  ['bottomk', Bottomk],
  ['count_values', CountValues],
  ['quantile', Quantile],
  ['limitk', LimitK],
  ['limit_ratio', LimitRatio],
  ['offset', Offset],
  ['smoothed', Smoothed],
  ['anchored', Anchored],
  ['by', By],
  ['without', Without],
  ['on', On],
  ['ignoring', Ignoring],
  ['group_left', GroupLeft],
  ['group_right', GroupRight],
  ['bool', Bool],
  ['start', Start],
  ['end', End],
  ['step', Step],
  ['range', Range],
]);

/** Keywords only when the next non-space character is `(`. */
const PAREN_KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ['fill', Fill],
  ['fill_left', FillLeft],
  ['fill_right', FillRight],
  ['min_of', MinOf],
  ['max_of', MaxOf],
]);

/** Operators of the top-level lexer state (also inside `[...]` after a number). */
const operatorTokens: TokenType[] = [
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Pow,
  EqlC,
  lexErrorToken(
    'BadEql',
    (text, offset) =>
      text.startsWith('=~', offset)
        ? fail(text, offset, "unexpected character after '=': '~'")
        : null,
    ['='],
  ),
  Eql,
  Neq,
  lexErrorToken(
    'BadBang',
    (text, offset) =>
      text[offset] === '!'
        ? fail(text, offset, `unexpected character after '!': ${quoteRune(text, offset + 1)}`)
        : null,
    ['!'],
  ),
  Lte,
  Gte,
  TrimUpper,
  TrimLower,
  Lss,
  Gtr,
];

const unexpectedChar = lexErrorToken(
  'UnexpectedChar',
  unexpected((text, offset) => `unexpected character: ${quoteRune(text, offset)}`),
);

const exprMode: TokenType[] = [
  WhiteSpace,
  Comment,
  DurationTok,
  NumberTok,
  BadNumber,
  StringTok,
  BadString,
  WordTok,
  LParen,
  RParen,
  LBrace,
  LBracket,
  lexErrorToken('StrayRBracket', charError(']', "unexpected right bracket ']'"), [']']),
  Comma,
  At,
  ...operatorTokens,
  unexpectedChar,
];

const bracesMode: TokenType[] = [
  WhiteSpace,
  Comment,
  Identifier,
  StringTok,
  BadString,
  EqlRegex,
  NeqRegex,
  Neq,
  Eql,
  Comma,
  RBrace,
  lexErrorToken(
    'BadBangInBraces',
    (text, offset) =>
      text[offset] === '!'
        ? fail(
            text,
            offset,
            `unexpected character after '!' inside braces: ${quoteRune(text, offset + 1)}`,
          )
        : null,
    ['!'],
  ),
  lexErrorToken('NestedBrace', charError('{', "unexpected left brace '{'"), ['{']),
  lexErrorToken(
    'UnexpectedCharInBraces',
    unexpected((text, offset) => `unexpected character inside braces: ${quoteRune(text, offset)}`),
  ),
];

/**
 * Inside `[...]`: Prometheus's `lexDurationExpr` state up to the first number (enforced by
 * the guard), then its top-level state with a bracket open.
 */
const durationMode: TokenType[] = [
  WhiteSpace,
  lexErrorToken('DurationExprGuard', durationExprGuard),
  Comment,
  DurationTok,
  NumberTok,
  BadNumber,
  StringTok,
  BadString,
  DurationKeyword,
  lexErrorToken('RepeatedColon', repeatedColonPattern, [':']),
  Colon,
  lexErrorToken('BracketWord', bracketWordPattern),
  LParen,
  RParen,
  LBrace,
  RBracket,
  lexErrorToken('NestedBracket', charError('[', "unexpected left bracket '['"), ['[']),
  Comma,
  At,
  ...operatorTokens,
  unexpectedChar,
];

/** Every token type the parser may see, for the parser's vocabulary. */
export const ALL_TOKENS: TokenType[] = [
  Word,
  MetricNameTok,
  AggregateOpTok,
  BinaryOpTok,
  AddOpTok,
  DurationOpTok,
  MatchOpTok,
  LexError,
  ...new Set([...exprMode, ...bracesMode, ...durationMode]),
  MetricIdentifier,
  And,
  Or,
  Unless,
  Atan2,
  Avg,
  Bottomk,
  Count,
  CountValues,
  Group,
  LimitK,
  LimitRatio,
  Max,
  Min,
  Quantile,
  Stddev,
  Stdvar,
  Sum,
  Topk,
  Bool,
  By,
  Without,
  On,
  Ignoring,
  GroupLeft,
  GroupRight,
  Offset,
  Anchored,
  Smoothed,
  Fill,
  FillLeft,
  FillRight,
  Start,
  End,
  Step,
  Range,
  MinOf,
  MaxOf,
];

const lexer = new Lexer(
  { modes: { expr: exprMode, braces: bracesMode, duration: durationMode }, defaultMode: 'expr' },
  { positionTracking: 'onlyOffset', ensureOptimizations: true, skipValidations: true },
);

/** The outcome of lexing: the classified tokens, and the first lexing error if any. */
export interface LexResult {
  readonly tokens: IToken[];
  /** The first lexing error (tokens stop before it), or null. */
  readonly error: { readonly message: string; readonly offset: number } | null;
}

/** Lexes a PromQL expression. Never throws. */
export function tokenize(input: string): LexResult {
  const { tokens } = lexer.tokenize(input);
  let error: LexResult['error'] = null;
  let n = tokens.length;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType.CATEGORIES?.includes(LexError)) {
      const payload = t.payload as LexErrorPayload;
      error = { message: payload.message, offset: payload.at ?? t.startOffset };
      n = i;
      break;
    }
  }
  tokens.length = n;
  const nesting = checkNesting(input, tokens, error === null);
  if (nesting !== null) {
    tokens.length = nesting.tokens;
    error = nesting.error;
  }
  classifyWords(input, tokens);
  return { tokens, error };
}

function setType(t: IToken, type: TokenType): void {
  t.tokenType = type;
  t.tokenTypeIdx = type.tokenTypeIdx!;
}

/** Turns `WordTok`/`DurationKeyword` tokens into identifiers, keywords or numbers. */
export function classifyWords(input: string, tokens: IToken[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.tokenType === DurationKeyword) {
      const w = t.image.toLowerCase();
      setType(t, w === 'step' ? Step : w === 'range' ? Range : w === 'min_of' ? MinOf : MaxOf);
      continue;
    }
    if (t.tokenType !== WordTok) continue;
    const word = t.image.toLowerCase();
    const kw = KEYWORDS.get(word);
    if (kw !== undefined) {
      setType(t, kw);
      continue;
    }
    if (word === 'inf' || word === 'nan') {
      setType(t, NumberTok);
      continue;
    }
    const pk = PAREN_KEYWORDS.get(word);
    if (pk !== undefined && nextNonSpaceIs(input, t.startOffset + t.image.length, '(')) {
      setType(t, pk);
      continue;
    }
    setType(t, t.image.includes(':') ? MetricIdentifier : Identifier);
  }
}

function nextNonSpaceIs(input: string, from: number, ch: string): boolean {
  for (let i = from; i < input.length; i++) {
    const c = input[i]!;
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return c === ch;
  }
  return false;
}

/**
 * Prometheus's lexer errors about nesting: a `)` without its `(` (reported just after it),
 * and, when the input ends (`atEnd`), whatever is still open, checked in the order
 * Prometheus's lexer states check it. Returns the error and how many tokens precede it.
 */
function checkNesting(
  input: string,
  tokens: IToken[],
  atEnd: boolean,
): { error: NonNullable<LexResult['error']>; tokens: number } | null {
  let braceOpen = false;
  let bracketOpen = false;
  let durationExpr = false;
  let parens = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const tt = t.tokenType;
    if (tt === LBrace) braceOpen = true;
    else if (tt === RBrace) braceOpen = false;
    else if (tt === LBracket) {
      bracketOpen = true;
      durationExpr = true;
    } else if (tt === RBracket) {
      bracketOpen = false;
      durationExpr = false;
    } else if (tt === NumberTok || tt === DurationTok) durationExpr = false;
    else if (tt === LParen) parens++;
    else if (tt === RParen) {
      parens--;
      if (parens < 0) {
        const error = { message: "unexpected right parenthesis ')'", offset: t.startOffset + 1 };
        return { error, tokens: i };
      }
    }
  }
  if (!atEnd) return null;
  const end = input.length;
  let message: string | null = null;
  if (braceOpen) message = 'unexpected end of input inside braces';
  else if (bracketOpen && durationExpr) message = 'unexpected end of input in duration expression';
  else if (parens !== 0) message = 'unclosed left parenthesis';
  else if (bracketOpen) message = 'unclosed left bracket';
  return message === null ? null : { error: { message, offset: end }, tokens: tokens.length };
}

/**
 * `match[]` parameters: series selectors parsed as Prometheus's `parser.ParseMetricSelectors`
 * and checked as `parseMatchersParam` (web/api/v1/api.go), then compiled for the storage.
 *
 * Prometheus parses a `match[]` value with its selector grammar (a metric name, label
 * matchers, or both, then the end of input), not as an expression: what follows the
 * selector is reported as its lexer's next token (`unexpected "["`, `unexpected <offset>`).
 * {@link selectorSyntaxError} reproduces those messages; the selector itself is then parsed
 * with `@promql-ts/parser`, whose messages inside the braces are Prometheus's.
 */
import { compileMatcher, type Matcher } from '@promql-ts/engine';
import {
  isPromQLError,
  lineColumn,
  type ParseError,
  type ParseOptions,
  parse,
  quoteGo,
} from '@promql-ts/parser';
import { ParamError } from './params.js';

const EMPTY_SELECTOR = 'vector selector must contain at least one non-empty matcher';

/** The error of a `match[]` set whose matchers all match the empty string. */
export const EMPTY_MATCH_SET = 'match[] must contain at least one non-empty matcher';

// === Prometheus 3.5's lexer, as far as the selector grammar needs it ===

/** Keywords and how Prometheus's `Item.String` shows them (3.5's `key` map). */
const KEYWORDS: ReadonlyMap<string, 'op' | 'aggr' | 'keyword' | 'preprocessor'> = new Map([
  ...['and', 'or', 'unless', 'atan2'].map((k) => [k, 'op'] as const),
  ...[
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
  ].map((k) => [k, 'aggr'] as const),
  ...['offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool'].map(
    (k) => [k, 'keyword'] as const,
  ),
  ...['start', 'end'].map((k) => [k, 'preprocessor'] as const),
]);

/** Keywords the selector grammar does not take as a metric name (3.5's `metric_identifier`). */
const NOT_METRIC_NAMES = new Set(['atan2', 'on', 'ignoring', 'group_left', 'group_right', 'bool']);

const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isAlpha = (c: string | undefined) =>
  c !== undefined && (c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlphaNumeric = (c: string | undefined) => isAlpha(c) || isDigit(c);

/** Go's `%q` of a rune; the end of input (Go's `eof`, -1) prints as U+FFFD. */
function quoteRune(c: string | undefined): string {
  if (c === undefined) return "'\ufffd'";
  if (c === "'") return "'\\''";
  if (c === '"') return `'"'`;
  const q = quoteGo(c);
  return `'${q.slice(1, -1)}'`;
}

/** Skips white space and `#` comments (the parser skips comment tokens). */
function skipIgnored(input: string, i: number): number {
  for (;;) {
    while (isSpace(input[i])) i++;
    if (input[i] !== '#') return i;
    while (i < input.length && input[i] !== '\n' && input[i] !== '\r') i++;
  }
}

/** Offset just past the `}` closing the `{` at `open` (strings skipped), or -1. */
function closingBrace(input: string, open: number): number {
  for (let i = open + 1; i < input.length; i++) {
    const c = input[i]!;
    if (c === '}') return i + 1;
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < input.length && input[j] !== c) j += c !== '`' && input[j] === '\\' ? 2 : 1;
      if (j >= input.length) return -1;
      i = j;
    }
  }
  return -1;
}

/** The end of the identifier (`[a-zA-Z_:][a-zA-Z0-9_:]*`) at `i`. */
function identifierEnd(input: string, i: number): number {
  let j = i;
  while (isAlphaNumeric(input[j]) || input[j] === ':') j++;
  return j;
}

/** A lexer error, or the description of the token at `i` as yacc's error names it. */
type Token =
  | { readonly kind: 'token'; readonly desc: string }
  | { readonly kind: 'error'; readonly message: string; readonly pos: number };

const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+/;
const NUMBER = /^(?:0[xX][0-9a-fA-F]*|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/;

/**
 * The token at `i` as Prometheus 3.5's lexer reads it (outside braces and brackets), in
 * `Item.desc()`'s words: `end of input`, `"("`, `<op:+>`, `<offset>`, `<aggr:sum>`,
 * `identifier "x"`, `number "1"`, `string "\"a\""`…; or the lexer's error. Null for the
 * rare tokens it does not know (malformed numbers): the parser's message is used then.
 */
function tokenAt(input: string, i: number): Token | null {
  const c = input[i];
  const text = (t: string) => ({ kind: 'token', desc: t }) as const;
  const error = (message: string, pos = i) => ({ kind: 'error', message, pos }) as const;
  if (c === undefined) return text('end of input');
  switch (c) {
    case ',':
      return text('","');
    case '(':
      return text('"("');
    case '{':
      return text('"{"');
    case '[':
      return text('"["');
    // The lexer emits `)` first and then fails, past it.
    case ')':
      return error("unexpected right parenthesis ')'", i + 1);
    case ']':
      return error("unexpected right bracket ']'");
    case '*':
    case '/':
    case '%':
    case '+':
    case '-':
    case '^':
      return text(`<op:${c}>`);
    case '=':
      if (input[i + 1] === '=') return text('<op:==>');
      if (input[i + 1] === '~') return error("unexpected character after '=': '~'");
      return text('"="');
    case '!':
      if (input[i + 1] === '=') return text('<op:!=>');
      return error(`unexpected character after '!': ${quoteRune(input[i + 1])}`);
    case '<':
    case '>':
      return text(`<op:${input[i + 1] === '=' ? `${c}=` : c}>`);
    // In 3.5, AT has no entry in the lexer's `ItemTypeStr`: yacc names it by its token
    // number (57400), then as an operator.
    case '@':
      return text('"<Item 57400>" <op:@>');
  }
  if (c === '"' || c === "'" || c === '`') {
    let j = i + 1;
    while (j < input.length && input[j] !== c) {
      if (c !== '`' && input[j] === '\n') return error('unterminated quoted string');
      j += c !== '`' && input[j] === '\\' ? 2 : 1;
    }
    if (j >= input.length) {
      return error(c === '`' ? 'unterminated raw string' : 'unterminated quoted string');
    }
    return text(`string ${itemString(input.slice(i, j + 1))}`);
  }
  if (isDigit(c) || (c === '.' && isDigit(input[i + 1]))) {
    const rest = input.slice(i);
    const d = DURATION.exec(rest)?.[0];
    if (d !== undefined && !isAlphaNumeric(rest[d.length]) && rest[d.length] !== '.') {
      return text(`duration ${itemString(d)}`);
    }
    const n = NUMBER.exec(rest)?.[0];
    if (n !== undefined && !isAlphaNumeric(rest[n.length]) && rest[n.length] !== '.') {
      return text(`number ${itemString(n)}`);
    }
    return null;
  }
  if (isAlpha(c) || c === ':') {
    const word = input.slice(i, identifierEnd(input, i));
    const lower = word.toLowerCase();
    if (lower === 'inf' || lower === 'nan') return text(`number ${itemString(word)}`);
    switch (KEYWORDS.get(lower)) {
      case 'op':
        return text(`<op:${word}>`);
      case 'aggr':
        return text(`<aggr:${word}>`);
      case 'keyword':
        return text(`<${word}>`);
      case 'preprocessor':
        return text(quoteGo(word));
    }
    return text(`${word.includes(':') ? 'metric identifier' : 'identifier'} ${quoteGo(word)}`);
  }
  return error(`unexpected character: ${quoteRune(String.fromCodePoint(input.codePointAt(i)!))}`);
}

/** Go's `Item.String` of a literal: quoted, cut to 10 runes plus `...` past 10 bytes. */
function itemString(val: string): string {
  if (new TextEncoder().encode(val).length <= 10) return quoteGo(val);
  return `${quoteGo(Array.from(val).slice(0, 10).join(''))}...`;
}

/** Where a selector's text ends, and its metric name when that is a keyword. */
interface SelectorSpan {
  /** Offset just past the name and `{…}`. */
  readonly end: number;
  /** The metric name, when Prometheus takes a keyword (`sum`, `offset`…) as one. */
  readonly keywordName: { readonly start: number; readonly name: string } | null;
}

/**
 * Checks `input` against Prometheus's selector grammar. Returns the parse error message
 * Prometheus gives for a token after (or instead of) the selector, or the selector's span
 * when nothing but white space and comments follows it; null when the braces do not close
 * (the parser reports that).
 */
export function selectorSyntax(
  input: string,
  options: ParseOptions = {},
): { error: string } | SelectorSpan | null {
  const fail = (pos: number, message: string) => {
    if (input === '') return { error: `unknown position: parse error: ${message}` };
    const { line, column } = lineColumn(input, pos);
    return { error: `${line}:${column}: parse error: ${message}` };
  };
  const unexpected = (pos: number) => {
    const t = tokenAt(input, pos);
    if (t === null) return null;
    return t.kind === 'error' ? fail(t.pos, t.message) : fail(pos, `unexpected ${t.desc}`);
  };
  const start = skipIgnored(input, 0);
  let i = start;
  let keywordName: SelectorSpan['keywordName'] = null;
  if (isAlpha(input[i]) || input[i] === ':') {
    const end = identifierEnd(input, i);
    const word = input.slice(i, end);
    const lower = word.toLowerCase();
    if (NOT_METRIC_NAMES.has(lower) || lower === 'inf' || lower === 'nan') return unexpected(i);
    if (KEYWORDS.has(lower)) keywordName = { start: i, name: word };
    i = skipIgnored(input, end);
    if (input[i] === '{') {
      const close = closingBrace(input, i);
      if (close < 0) return null;
      i = close;
    }
  } else if (input[i] === '{') {
    const close = closingBrace(input, i);
    if (close < 0) return null;
    i = close;
  } else {
    return unexpected(i);
  }
  const end = i;
  i = skipIgnored(input, i);
  if (i < input.length) {
    // A problem inside the braces comes first.
    parseSelector(input.slice(0, end), keywordName, options);
    return unexpected(i);
  }
  return { end, keywordName };
}

/**
 * Parses one series selector (`up`, `{job="api"}`, `x{a=~"b.*"}`) into compiled matchers.
 * Returns null for a selector whose matchers all match the empty string.
 *
 * @throws {ParamError} with the parse error (`1:3: parse error: …`).
 */
function parseSelectorParam(input: string, options: ParseOptions): Matcher[] | null {
  const syntax = selectorSyntax(input, options);
  if (syntax !== null && 'error' in syntax) throw new ParamError(syntax.error);
  return parseSelector(input, syntax?.keywordName ?? null, options);
}

function parseSelector(
  input: string,
  keywordName: SelectorSpan['keywordName'],
  options: ParseOptions,
): Matcher[] | null {
  // A keyword as a metric name (`sum{job="a"}`) is an aggregation to the expression
  // parser: parse a plain name of the same length in its place.
  const placeholder = keywordName === null ? null : 'x'.repeat(keywordName.name.length);
  const text =
    keywordName === null
      ? input
      : input.slice(0, keywordName.start) +
        placeholder +
        input.slice(keywordName.start + keywordName.name.length);
  let expr: ReturnType<typeof parse>;
  try {
    expr = parse(text, options);
  } catch (e) {
    if (isPromQLError(e) && e.code === 'parse') {
      const first = (e as ParseError).errors[0];
      // Prometheus's selector grammar accepts `{}`; the emptiness check comes after.
      if (first?.message === EMPTY_SELECTOR) return null;
    }
    throw new ParamError((e as Error).message);
  }
  if (
    expr.kind !== 'VectorSelector' ||
    expr.originalOffsetMs !== 0 ||
    expr.originalOffsetExpr !== null ||
    expr.timestampMs !== null ||
    expr.startOrEnd !== null
  ) {
    // Not reached for inputs selectorSyntax accepts; kept as a safety net.
    const { line, column } = lineColumn(input, 0);
    throw new ParamError(
      `${line}:${column}: parse error: unexpected expression in series selector, expected a metric name and label matchers`,
    );
  }
  const matchers = expr.labelMatchers.map((m) => {
    const value =
      keywordName !== null && m.name === '__name__' && m.value === placeholder
        ? keywordName.name
        : m.value;
    try {
      return compileMatcher(m.type, m.name, value);
    } catch (err) {
      throw new ParamError((err as Error).message);
    }
  });
  return matchers.some((m) => !m.matches('')) ? matchers : null;
}

/**
 * Prometheus's `parseMatchersParam`: every `match[]` value parsed into a matcher set; each
 * set must have a matcher that does not match the empty string.
 *
 * @throws {ParamError} with the parse error, or {@link EMPTY_MATCH_SET}.
 */
export function parseMatchersParam(values: readonly string[], options: ParseOptions): Matcher[][] {
  const sets: (Matcher[] | null)[] = values.map((v) => parseSelectorParam(v, options));
  if (sets.some((s) => s === null)) throw new ParamError(EMPTY_MATCH_SET);
  return sets as Matcher[][];
}

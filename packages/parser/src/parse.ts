/**
 * `parse()`: lexer → grammar → AST builder → type checker, with every problem turned into a
 * positioned {@link ParseError}. One grammar instance is created on first use and reused.
 */
import type { IRecognitionException, IToken, TokenType } from 'chevrotain';
import type { Expr, PosRange } from './ast.js';
import { checkExpr } from './check.js';
import { AstBuilder, type BuildError } from './cst-to-ast.js';
import { errorDetail, ParseError } from './errors.js';
import { PromQLGrammar } from './grammar.js';
import {
  AggregateOpTok,
  At,
  Colon,
  Comma,
  DurationTok,
  End,
  Eql,
  EqlRegex,
  Identifier,
  LBrace,
  LBracket,
  LexError,
  LParen,
  MaxOf,
  MetricIdentifier,
  MinOf,
  Neq,
  NeqRegex,
  NumberTok,
  Range,
  RBrace,
  RBracket,
  RParen,
  Start,
  Step,
  StringTok,
  tokenize,
  Word,
} from './lexer.js';
import { quoteGo } from './literals.js';

/** Options of {@link parse}. */
export interface ParseOptions {
  /**
   * Accept what Prometheus accepts only behind feature flags: experimental functions
   * (`--enable-feature=promql-experimental-functions`), `limitk`/`limit_ratio`, duration
   * expressions, the `anchored`/`smoothed` range modifiers and `fill` modifiers.
   * Default false, as in Prometheus.
   */
  readonly experimental?: boolean;
  /**
   * Which Prometheus to follow: `'prometheus3'` (default) or `'prometheus2'`, which also
   * accepts functions Prometheus 3 removed (`holt_winters`).
   */
  readonly compat?: 'prometheus3' | 'prometheus2';
}

let grammar: PromQLGrammar | undefined;

/**
 * Parses a PromQL expression into a type-checked AST.
 *
 * @throws {ParseError} when the query does not parse or does not type-check; it lists every
 *   problem found, each with its position. Nothing else is ever thrown for any input.
 *
 * @example
 * ```ts
 * const expr = parse('sum by (job) (rate(http_requests_total[5m]))');
 * expr.kind; // 'AggregateExpr'
 * ```
 */
export function parse(input: string, options: ParseOptions = {}): Expr {
  try {
    return parseUnguarded(input, options);
  } catch (e) {
    // Prometheus's parser has no depth limit; ours recurses, and a query nested deeper than
    // the JavaScript stack allows is refused rather than crashing the caller.
    if (isStackOverflow(e)) {
      throw new ParseError(input, [
        errorDetail(input, { start: 0, end: input.length }, 'expression is nested too deeply'),
      ]);
    }
    throw e;
  }
}

function isStackOverflow(e: unknown): boolean {
  // V8 and JavaScriptCore throw a RangeError, SpiderMonkey an InternalError.
  return (
    e instanceof Error &&
    (e instanceof RangeError || e.name === 'InternalError') &&
    /call stack|recursion/i.test(e.message)
  );
}

function parseUnguarded(input: string, options: ParseOptions): Expr {
  const experimental = options.experimental ?? false;
  const lexed = tokenize(input);
  const fail = (errors: readonly BuildError[]): never => {
    throw new ParseError(
      input,
      errors.map((e) => errorDetail(input, e.pos, e.message)),
    );
  };
  if (lexed.tokens.length === 0) {
    if (lexed.error !== null) fail([lexErrorAt(input, lexed.error)]);
    fail([{ pos: { start: 0, end: 0 }, message: 'no expression found in input' }]);
  }
  grammar ??= new PromQLGrammar();
  grammar.input = lexed.tokens;
  const cst = grammar.expression();
  const syntaxErrors = grammar.errors;
  if (lexed.error !== null) {
    // Prometheus stops at a lexing error; a syntax error before it comes first.
    const before = syntaxErrors.filter(
      (e) => !Number.isNaN(e.token.startOffset) && e.token.startOffset < lexed.error!.offset,
    );
    fail([
      ...before.slice(0, 1).map((e) => syntaxError(input, lexed.tokens, e)),
      lexErrorAt(input, lexed.error),
    ]);
  }
  if (syntaxErrors.length > 0) fail([syntaxError(input, lexed.tokens, syntaxErrors[0]!)]);
  const builder = new AstBuilder({
    experimental,
    prometheus2: options.compat === 'prometheus2',
  });
  const expr = builder.expression(cst);
  if (builder.errors.length > 0) fail(builder.errors);
  const checked = checkExpr(input, expr);
  if (checked.errors.length > 0) fail(checked.errors);
  return checked.expr;
}

function lexErrorAt(input: string, err: { message: string; offset: number }): BuildError {
  return { pos: { start: err.offset, end: input.length }, message: err.message };
}

/** Prometheus's description of a lexer item, as in "unexpected <desc>". */
export function describeToken(t: IToken): string {
  const type = t.tokenType;
  if (type === undefined || Number.isNaN(t.startOffset) || type.name === 'EOF') {
    return 'end of input';
  }
  const img = t.image;
  if (type === NumberTok) return `number ${quoteShort(img)}`;
  if (type === DurationTok) return `duration ${quoteShort(img)}`;
  if (type === StringTok) return `string ${quoteShort(img)}`;
  if (type === Identifier) return `identifier ${quoteGo(img)}`;
  if (type === MetricIdentifier) return `metric identifier ${quoteGo(img)}`;
  if (hasCategory(type, AggregateOpTok)) return `<aggr:${img}>`;
  if (hasCategory(type, Word)) {
    if (OPERATOR_NAMES.has(img.toLowerCase())) return `<op:${img}>`;
    // Preprocessors are not keywords in Prometheus's lexer; they print as plain strings.
    if (PREPROCESSORS.has(type)) return quoteShort(img);
    return `<${img}>`;
  }
  if (PUNCTUATION.has(type)) return quoteGo(img);
  return `<op:${img}>`;
}

/** Go's `%q`, or `%.10q...` (the first ten characters) for values longer than ten bytes. */
function quoteShort(s: string): string {
  if (utf8Length(s) <= 10) return quoteGo(s);
  return `${quoteGo(Array.from(s).slice(0, 10).join(''))}...`;
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 || (cp >= 0xd800 && cp <= 0xdfff) ? 3 : 4;
  }
  return n;
}

const PREPROCESSORS: ReadonlySet<TokenType> = new Set([Start, End, Step, Range, MinOf, MaxOf]);

const PUNCTUATION: ReadonlySet<TokenType> = new Set([
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Eql,
]);

function hasCategory(type: TokenType, category: TokenType): boolean {
  return type.CATEGORIES?.includes(category) === true;
}

const OPERATOR_NAMES: ReadonlySet<string> = new Set(['and', 'or', 'unless', 'atan2']);

const DURATION_RULES: ReadonlySet<string> = new Set([
  'durationExpr',
  'durationOperand',
  'signedNumber',
]);

/**
 * Context and expectation of a syntax error, as the `error` productions of Prometheus's
 * grammar report them: the innermost enclosing construct that has one decides (label
 * matchers, grouping labels, `offset`, `@`, `[...]`, an aggregation's body); elsewhere the
 * message has neither. `index` is the failing token's index in `tokens`.
 */
function errorContext(
  e: IRecognitionException,
  tokens: readonly IToken[],
  index: number,
): { context: string; expected: string } {
  const stack = e.context.ruleStack;
  const prev = tokens[index - 1]?.tokenType;
  for (let i = stack.length - 1; i >= 0; i--) {
    switch (stack[i]) {
      case 'labelMatcher':
        if (prev === Eql || prev === Neq || prev === EqlRegex || prev === NeqRegex) {
          return { context: 'label matching', expected: 'string' };
        }
        if (prev === Identifier || prev === StringTok) {
          return { context: 'label matching', expected: 'label matching operator' };
        }
        return { context: 'label matching', expected: 'identifier or "}"' };
      case 'labelMatchers':
        if (prev === LBrace || prev === Comma) {
          return { context: 'label matching', expected: 'identifier or "}"' };
        }
        return { context: 'label matching', expected: '"," or "}"' };
      case 'groupingLabels':
      case 'groupingLabel':
        return groupingContext(tokens, index);
      case 'aggregateExpr':
      case 'aggregateModifier':
        return { context: 'aggregation', expected: '' };
      case 'offsetDuration':
        return { context: 'offset', expected: 'number, duration, step(), or range()' };
      case 'postfixModifier':
        return modifierContext(tokens, index, i === stack.length - 1);
      default:
        // Duration expressions have no error production of their own: the enclosing
        // `offset` or `[...]` reports.
        if (DURATION_RULES.has(stack[i]!)) continue;
        break;
    }
  }
  return { context: '', expected: '' };
}

/** Inside `(...)` of `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`. */
function groupingContext(
  tokens: readonly IToken[],
  index: number,
): { context: string; expected: string } {
  const prev = tokens[index - 1]?.tokenType;
  if (prev === LParen || prev === Comma) return { context: 'grouping opts', expected: 'label' };
  const before = tokens[index - 2]?.tokenType;
  const afterLabel =
    prev !== undefined &&
    (hasCategory(prev, Word) || prev === StringTok) &&
    (before === LParen || before === Comma);
  return { context: 'grouping opts', expected: afterLabel ? '"," or ")"' : '"("' };
}

/**
 * In `@ ...` or `[range:step]`. A range or step counts as complete when the error comes
 * from the modifier rule itself (`atTop`), not from inside a duration expression.
 */
function modifierContext(
  tokens: readonly IToken[],
  index: number,
  atTop: boolean,
): { context: string; expected: string } {
  let colon = -1;
  for (let j = index - 1; j >= 0; j--) {
    const t = tokens[j]!.tokenType;
    if (t === At) return { context: '@', expected: 'timestamp' };
    if (t === Colon && colon < 0) colon = j;
    if (t === LBracket) break;
  }
  if (colon >= 0) {
    if (atTop && index - colon > 1) return { context: 'subquery selector', expected: '"]"' };
    return {
      context: 'subquery selector',
      expected: 'number, duration, step(), range(), or "]"',
    };
  }
  if (atTop) return { context: 'subquery or range', expected: '":" or "]"' };
  return {
    context: 'subquery or range selector',
    expected: 'number, duration, step(), or range()',
  };
}

function syntaxError(
  input: string,
  tokens: readonly IToken[],
  e: IRecognitionException,
): BuildError {
  const t = e.token;
  const atEnd = Number.isNaN(t.startOffset) || t.tokenType?.name === 'EOF';
  const pos: PosRange = atEnd
    ? { start: input.length, end: input.length }
    : { start: t.startOffset, end: t.startOffset + t.image.length };
  if (!atEnd && hasCategory(t.tokenType, LexError)) {
    return { pos, message: String(t.payload) };
  }
  const index = atEnd ? tokens.length : tokens.indexOf(t);
  const { context, expected } = errorContext(e, tokens, index < 0 ? tokens.length : index);
  let message = `unexpected ${describeToken(t)}`;
  if (context !== '') message += ` in ${context}`;
  if (expected !== '') message += `, expected ${expected}`;
  return { pos, message };
}

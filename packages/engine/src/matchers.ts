/**
 * The label-matcher compiler: turns `(type, name, value)` into a {@link Matcher} whose
 * `matches()` has Prometheus's exact semantics.
 *
 * Semantics (Prometheus `model/labels/matcher.go`, `model/labels/regexp.go`, v3.x):
 * - `=` / `!=` compare strings exactly.
 * - `=~` / `!~` use RE2 syntax, fully anchored as `^(?s:<re>)$`, so `.` also matches a
 *   newline and the whole value must match. An absent label has the value `""`.
 * - Matching runs in time linear in the value's length whatever the pattern: every
 *   pattern that no fast path recognises goes to `re2js`, an automaton-based RE2 port
 *   (no backtracking), never to JavaScript's `RegExp`.
 *
 * Fast paths (each accepts exactly the strings the regex accepts):
 * - a pattern without metacharacters is a string comparison;
 * - an alternation of literals (`a|b|c`, optionally wrapped in one group) is a set
 *   lookup and fills `setMatches`, so an index can look values up instead of scanning;
 * - a "glob" of literals and `.*` / `.+` (`prefix.*`, `.*suffix`, `.*infix.*`, `.+`,
 *   `a.*b.+c`…) is matched with `startsWith` / `endsWith` / `indexOf`;
 * - `(?i)literal` compares ASCII case-insensitively when the value is ASCII and falls
 *   back to `re2js` otherwise (Unicode case folding maps `k` to the Kelvin sign too).
 *
 * Known difference: Prometheus pre-filters some case-insensitive patterns with byte-length
 * based checks (`hasPrefixCaseInsensitive`) and matches large case-insensitive
 * alternations after NFKD normalisation; both can disagree with the plain regex on
 * exotic Unicode input. We implement the plain regex semantics.
 */
import { RE2JS } from 're2js';
import { Lru } from './lru.js';
import type { Matcher, MatchType } from './storage.js';

/**
 * Raised when a matcher cannot be compiled: an invalid regular expression or an unknown
 * match type. The message is RE2's (`error parsing regexp: missing closing ): \`(a\``),
 * as Prometheus reports it.
 */
export class MatcherError extends Error {
  /** The match type the matcher was compiled with. */
  readonly matchType: string;
  /** The label name of the matcher. */
  readonly labelName: string;
  /** The literal value or regex source that failed. */
  readonly pattern: string;

  constructor(message: string, matchType: string, labelName: string, pattern: string) {
    super(message);
    this.name = 'MatcherError';
    this.matchType = matchType;
    this.labelName = labelName;
    this.pattern = pattern;
  }
}

/**
 * Compiles a label matcher with Prometheus's semantics.
 *
 * @param type - `=`, `!=`, `=~` or `!~`.
 * @param name - the label name (`__name__` for the metric name).
 * @param value - the literal value, or the regex source for `=~` / `!~` (RE2 syntax,
 *   implicitly anchored at both ends).
 * @returns a matcher; `setMatches` lists the finite set of values the matcher accepts
 *   (`=`, `=~`) or rejects (`!=`, `!~`) when there is one.
 * @throws MatcherError if the regex is invalid or the type unknown.
 *
 * @example
 * ```ts
 * const m = compileMatcher('=~', 'job', 'api|web');
 * m.matches('api');   // true
 * m.matches('apix');  // false: regexes are fully anchored
 * m.setMatches;       // ['api', 'web']
 * ```
 */
export function compileMatcher(type: MatchType, name: string, value: string): Matcher {
  switch (type) {
    case '=':
      return new StringMatcher(type, name, value, (s) => s === value, [value]);
    case '!=':
      return new StringMatcher(type, name, value, (s) => s !== value, [value]);
    case '=~':
    case '!~': {
      const compiled = compileRegex(type, name, value);
      const positive = compiled.test;
      const test = type === '=~' ? positive : (s: string) => !positive(s);
      return new StringMatcher(type, name, value, test, compiled.set);
    }
    default:
      throw new MatcherError(`unknown match type ${JSON.stringify(type)}`, type, name, value);
  }
}

/** A compiled matcher: plain data plus the predicate chosen at compile time. */
class StringMatcher implements Matcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
  readonly setMatches: readonly string[] | null;
  /** An own property, not a prototype method: index scans call it once per value. */
  readonly matches: (value: string) => boolean;

  constructor(
    type: MatchType,
    name: string,
    value: string,
    test: (s: string) => boolean,
    setMatches: readonly string[] | null,
  ) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.matches = test;
    this.setMatches = setMatches === null ? null : Object.freeze(setMatches.slice());
  }

  /** A readable rendering such as `job=~"api|web"` (the value quoted as JSON). */
  toString(): string {
    return `${this.name}${this.type}${JSON.stringify(this.value)}`;
  }
}

interface CompiledRegex {
  /** Whether the fully anchored regex accepts the string. */
  readonly test: (s: string) => boolean;
  /** The exact set of accepted strings, when finite and known. */
  readonly set: readonly string[] | null;
}

/** Characters Go's `regexp.QuoteMeta` escapes: a string without them is a literal. */
const META = /[\\.+*?()|[\]{}^$]/;

/**
 * Compiled regular expressions by source, for the queries that come again (dashboards,
 * rules): a compiled expression is immutable and depends only on its source.
 */
const compiledRegexes = new Lru<string, CompiledRegex>(1000);

function compileRegex(type: MatchType, name: string, source: string): CompiledRegex {
  let compiled = compiledRegexes.get(source);
  if (compiled === undefined) {
    compiled = compileRegexUncached(type, name, source);
    compiledRegexes.set(source, compiled);
  }
  return compiled;
}

function compileRegexUncached(type: MatchType, name: string, source: string): CompiledRegex {
  // Provenance: fast-path order follows NewFastRegexMatcher / optimizeAlternatingLiterals
  // in prometheus/prometheus model/labels/regexp.go (v3.x).
  if (!META.test(source)) return equalTo(source);
  const alternation = literalAlternation(source);
  if (alternation !== null) return oneOf(alternation);

  const shape = isWellFormed(source) ? analyse(source) : null;
  if (shape !== null) {
    switch (shape.kind) {
      case 'set':
        return oneOf(shape.values);
      case 'glob':
        return { test: globMatcher(shape.literals, shape.gaps), set: null };
      case 'fold':
        return { test: foldMatcher(shape.literal), set: null };
    }
  }
  const re = compileRe2(type, name, source);
  return { test: (s) => re.testExact(s), set: null };
}

function compileRe2(type: MatchType, name: string, source: string): RE2JS {
  try {
    // DOTALL is `(?s)`: together with testExact this is Prometheus's `^(?s:<re>)$`.
    return RE2JS.compile(source, RE2JS.DOTALL);
  } catch (err) {
    // re2js reports the pattern with its `(?s)` prefix; recompile without the flag so the
    // message quotes the pattern exactly as written, as Go's regexp/syntax does.
    let message = err instanceof Error ? err.message : String(err);
    try {
      RE2JS.compile(source, 0);
    } catch (plain) {
      if (plain instanceof Error) message = plain.message;
    }
    throw new MatcherError(message, type, name, source);
  }
}

function equalTo(literal: string): CompiledRegex {
  return { test: (s) => s === literal, set: [literal] };
}

function oneOf(values: readonly string[]): CompiledRegex {
  const unique = [...new Set(values)];
  if (unique.length === 1) return equalTo(unique[0]!);
  if (unique.length <= 8) {
    // A short list beats hashing: most comparisons fail on the length or first char.
    return { test: (s) => unique.includes(s), set: unique };
  }
  const set = new Set(unique);
  return { test: (s) => set.has(s), set: unique };
}

/** `a|b|c` where every alternative is free of metacharacters, split as Prometheus does. */
function literalAlternation(source: string): string[] | null {
  if (source.indexOf('|') < 0) return null;
  const parts = source.split('|');
  for (const part of parts) if (META.test(part)) return null;
  return parts;
}

// === A tiny analyser for the pattern shapes with fast paths ===

type Shape =
  | { readonly kind: 'fold'; readonly literal: string }
  | { readonly kind: 'glob'; readonly literals: readonly string[]; readonly gaps: Uint32Array }
  | { readonly kind: 'set'; readonly values: readonly string[] };

/**
 * Recognises three shapes, and only when certain of their meaning (anything else, even
 * if equivalent, returns null and goes to re2js):
 * - set: `[^]? (literal ('|' literal)*) [$]?`, or the same inside one `( )` / `(?: )` group;
 * - glob: literals separated by `.*` / `.+` (lazy forms too), at least one wildcard;
 * - fold: `(?i)` followed by ASCII literal characters only.
 * A literal character is any character but `\.+*?()|[]{}^$`, or `\` followed by an
 * ASCII character that is neither a letter nor a digit (RE2: escaped punctuation is
 * itself).
 */
function analyse(source: string): Shape | null {
  if (source.startsWith('(?i)')) {
    const lit = literalRun(source, 4, source.length);
    if (lit === null || lit.end !== source.length || lit.text === '') return null;
    for (let i = 0; i < lit.text.length; i++) if (lit.text.charCodeAt(i) > 0x7f) return null;
    return { kind: 'fold', literal: lit.text };
  }
  let start = 0;
  let end = source.length;
  // In Prometheus the whole pattern is anchored anyway, so a leading `^` or trailing
  // `$` changes nothing (Perl flags: `$` matches only at the very end).
  if (source.charCodeAt(0) === 0x5e /* ^ */) start = 1;
  if (end > start && source.charCodeAt(end - 1) === 0x24 /* $ */ && !escapedAt(source, end - 1))
    end--;
  return setShape(source, start, end) ?? globShape(source, start, end);
}

function escapedAt(source: string, i: number): boolean {
  let backslashes = 0;
  for (let j = i - 1; j >= 0 && source.charCodeAt(j) === 0x5c; j--) backslashes++;
  return backslashes % 2 === 1;
}

function setShape(source: string, start: number, end: number): Shape | null {
  let s = start;
  let e = end;
  if (source.charCodeAt(s) === 0x28 /* ( */ && source.charCodeAt(e - 1) === 0x29 /* ) */) {
    s = source.startsWith('(?:', s) ? s + 3 : s + 1;
    e -= 1;
    if (source.charCodeAt(s) === 0x3f /* ? */) return null; // flags or named groups
  }
  const values: string[] = [];
  let i = s;
  for (;;) {
    const lit = literalRun(source, i, e);
    if (lit === null) return null;
    values.push(lit.text);
    if (lit.end === e) break;
    if (source.charCodeAt(lit.end) !== 0x7c /* | */) return null;
    i = lit.end + 1;
  }
  // Without a `|` and without a group this is a plain (escaped) literal: also a set.
  return { kind: 'set', values };
}

function globShape(source: string, start: number, end: number): Shape | null {
  const literals: string[] = [];
  const gaps: number[] = [];
  let i = start;
  let pendingGap = -1; // minimum length of the wildcard run being read, -1 if none
  let current = '';
  while (i < end) {
    const c = source.charCodeAt(i);
    if (c === 0x2e /* . */) {
      const q = source.charCodeAt(i + 1);
      if (i + 1 >= end || (q !== 0x2a /* * */ && q !== 0x2b) /* + */) return null;
      let next = i + 2;
      if (next < end && source.charCodeAt(next) === 0x3f /* ? lazy */) next++;
      if (pendingGap < 0) {
        literals.push(current);
        current = '';
        pendingGap = 0;
      }
      if (q === 0x2b) pendingGap++;
      i = next;
      continue;
    }
    const lit = literalRun(source, i, end);
    if (lit === null || lit.end === i) return null;
    if (pendingGap >= 0) {
      gaps.push(pendingGap);
      pendingGap = -1;
    }
    current += lit.text;
    i = lit.end;
  }
  if (pendingGap >= 0) {
    gaps.push(pendingGap);
    literals.push('');
  } else {
    literals.push(current);
  }
  if (gaps.length === 0) return null;
  return { kind: 'glob', literals, gaps: Uint32Array.from(gaps) };
}

/**
 * Reads literal characters from `i` up to `end`, stopping before a metacharacter. A
 * literal followed by a quantifier (`a*`, `a{2}`) is not a literal: returns null.
 */
function literalRun(source: string, i: number, end: number): { text: string; end: number } | null {
  let text = '';
  while (i < end) {
    const c = source.charCodeAt(i);
    if (c === 0x5c /* \ */) {
      if (i + 1 >= end) return null;
      const e = source.charCodeAt(i + 1);
      if (!isEscapablePunctuation(e)) return null;
      text += source[i + 1];
      i += 2;
    } else if (isMeta(c)) {
      break;
    } else {
      text += source[i];
      i++;
    }
    const next = source.charCodeAt(i);
    if (i < end && (next === 0x2a || next === 0x2b || next === 0x3f || next === 0x7b)) return null;
  }
  return { text, end: i };
}

function isMeta(c: number): boolean {
  switch (c) {
    case 0x5c: // \
    case 0x2e: // .
    case 0x2b: // +
    case 0x2a: // *
    case 0x3f: // ?
    case 0x28: // (
    case 0x29: // )
    case 0x7c: // |
    case 0x5b: // [
    case 0x5d: // ]
    case 0x7b: // {
    case 0x7d: // }
    case 0x5e: // ^
    case 0x24: // $
      return true;
    default:
      return false;
  }
}

/** RE2 treats `\` + any ASCII non-alphanumeric character as that character. */
function isEscapablePunctuation(c: number): boolean {
  if (c >= 0x80 || Number.isNaN(c)) return false;
  const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return !alnum;
}

/** True when `s` has no lone surrogate (String.prototype.isWellFormed, ES2024). */
function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c >= 0xdc00) return false;
    const d = s.charCodeAt(i + 1);
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
    i++;
  }
  return true;
}

// === Fast-path predicates ===

/**
 * Matches `L0 G0 L1 G1 … Ln` where each gap Gi is "at least gaps[i] code points, no
 * upper bound". Greedy leftmost placement of each middle literal is optimal, because
 * placing a literal earlier never constrains the rest more.
 */
function globMatcher(literals: readonly string[], gaps: Uint32Array): (s: string) => boolean {
  const prefix = literals[0]!;
  const suffix = literals[literals.length - 1]!;
  const middle = literals.slice(1, -1);
  const fixed = literals.reduce((n, l) => n + l.length, 0);
  if (middle.length === 0 && gaps[0] === 0) {
    // prefix.*suffix: the most common shapes (`foo.*`, `.*foo`, `.*`).
    const both = prefix.length + suffix.length;
    return (s) => s.length >= both && s.startsWith(prefix) && s.endsWith(suffix);
  }
  return (s) => {
    if (s.length < fixed || !s.startsWith(prefix) || !s.endsWith(suffix)) return false;
    const end = s.length - suffix.length;
    let pos = prefix.length;
    for (let i = 0; i < middle.length; i++) {
      pos = advanceCodePoints(s, pos, gaps[i]!, end);
      if (pos < 0) return false;
      const lit = middle[i]!;
      const at = s.indexOf(lit, pos);
      if (at < 0 || at + lit.length > end) return false;
      pos = at + lit.length;
    }
    return advanceCodePoints(s, pos, gaps[middle.length]!, end) >= 0;
  };
}

/** Position after `n` code points from `pos`, or -1 if that passes `end`. */
function advanceCodePoints(s: string, pos: number, n: number, end: number): number {
  for (let k = 0; k < n; k++) {
    if (pos >= end) return -1;
    const c = s.charCodeAt(pos);
    pos += c >= 0xd800 && c <= 0xdbff && pos + 1 < end ? 2 : 1;
  }
  return pos;
}

/** `(?i)literal` for an ASCII literal: exact on ASCII values, re2js on the others. */
function foldMatcher(literal: string): (s: string) => boolean {
  const lower = literal.toLowerCase();
  let re: RE2JS | null = null;
  return (s) => {
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (ascii) return s.length === lower.length && s.toLowerCase() === lower;
    // Unicode folding: `k` also matches U+212A KELVIN SIGN, `s` matches U+017F.
    re ??= RE2JS.compile(`(?i)${literal.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}`, RE2JS.DOTALL);
    return re.testExact(s);
  };
}

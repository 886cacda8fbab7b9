/**
 * Small pieces of Go's standard library that the promqltest language is defined in terms of:
 * `strings.TrimSpace`, `strconv.Unquote`, `strconv.ParseUint`, and Prometheus's
 * `model.ParseDuration` (re-exported from the parser). Facts from the Go documentation
 * (strings, strconv, unicode packages).
 */
import { parseDuration, parseGoNumber, unquoteString } from '@promql-ts/parser';

/** Code points Go's `unicode.IsSpace` treats as white space (Latin-1 and Unicode Z). */
function isGoSpace(c: number): boolean {
  if (c <= 0xff) {
    return (
      c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0 // \t \n \v \f \r
    );
  }
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** Go's `strings.TrimSpace`: strips leading and trailing Unicode white space. */
export function trimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * Go's `strconv.Unquote`: a double-quoted string with Go escapes, a raw back-quoted string
 * (carriage returns removed), or a single-quoted literal of exactly one character. Returns
 * null when Go reports an error.
 */
export function goUnquote(s: string): string | null {
  if (s.length < 2) return null;
  const q = s[0];
  if (q !== s[s.length - 1]) return null;
  if (q === "'") {
    // A rune literal: one character, possibly escaped.
    const r = unquoteString(s);
    if (!r.ok) return null;
    const cp = r.value.codePointAt(0);
    if (cp === undefined || r.value.length !== (cp > 0xffff ? 2 : 1)) return null;
    // `\"` is not a valid escape in a rune literal.
    if (s === `'\\"'`) return null;
    return r.value;
  }
  if (q === '"') {
    // `\'` is valid only inside single quotes in Go.
    if (/(^|[^\\])(\\\\)*\\'/.test(s.slice(1, -1))) return null;
  }
  if (q !== '"' && q !== '`') return null;
  const r = unquoteString(s);
  return r.ok ? r.value : null;
}

/** Go's `strconv.ParseUint(s, 10, 64)` as a number, or null on a syntax or range error. */
export function parseUint10(s: string): number | null {
  if (!/^[0-9]+$/.test(s)) return null;
  const n = BigInt(s);
  if (n > 18446744073709551615n) return null;
  return Number(n);
}

/**
 * The promqltest runner's `parseNumber`: `strconv.ParseInt(s, 0, 64)`, else
 * `strconv.ParseFloat(s, 64)`. Null when both fail.
 */
export function parseNumberLine(s: string): number | null {
  const r = parseGoNumber(s);
  return r.ok ? r.value : null;
}

/** `model.ParseDuration` in milliseconds, or an error message. */
export function parseModelDuration(
  s: string,
): { ok: true; ms: number } | { ok: false; error: string } {
  return parseDuration(s);
}

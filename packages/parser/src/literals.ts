/**
 * Literal values as Prometheus reads and writes them: numbers (Go's `strconv.ParseInt` with
 * base 0, then `strconv.ParseFloat`), durations (`model.ParseDuration` / `model.Duration`),
 * strings (Go escape rules) and Go's float formatting.
 *
 * Strings follow one convention throughout promql-ts: a Go string is a byte sequence that
 * may hold invalid UTF-8 (`"\xff"`); we hold it as a JS string in which every byte that is
 * not part of valid UTF-8 is the lone surrogate U+DC80+byte ("surrogate escape"). Valid
 * text is ordinary UTF-16, and {@link quoteGo} writes such bytes back as `\xNN`, so the
 * round trip is exact.
 *
 * Semantics follow Go's strconv package and prometheus/common model/time.go.
 */

// === Numbers ===

/** Result of reading a number literal: its value, or an error in Go's wording. */
export type NumberResult = { ok: true; value: number } | { ok: false; error: string };

const DEC_DIGITS = /^[0-9]+$/;

/**
 * Reads a PromQL number literal as Prometheus does: `strconv.ParseInt(s, 0, 64)` first (so
 * `0x1f`, `0o17`, `017` (octal!), `0b101` and `1_000` are integers), then
 * `strconv.ParseFloat(s, 64)` (decimals, exponents, `Inf`, `NaN`).
 */
export function parseGoNumber(s: string): NumberResult {
  const asInt = parseGoInt(s);
  if (asInt !== null) return { ok: true, value: asInt };
  const asFloat = parseGoFloat(s);
  if (asFloat === null) {
    return { ok: false, error: `strconv.ParseFloat: parsing ${quoteGo(s)}: invalid syntax` };
  }
  if (!Number.isFinite(asFloat) && !/^[+-]?(inf(inity)?|nan)$/i.test(s)) {
    // Go's ParseFloat reports overflow (it still returns ±Inf).
    return { ok: false, error: `strconv.ParseFloat: parsing ${quoteGo(s)}: value out of range` };
  }
  return { ok: true, value: asFloat };
}

/** Go's underscoreOK: underscores only between digits, or after a base prefix. */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length > 0 && (s[0] === '-' || s[0] === '+')) i++;
  let hex = false;
  if (s.length - i >= 2 && s[i] === '0') {
    const c = s[i + 1]!.toLowerCase();
    if (c === 'x' || c === 'o' || c === 'b') {
      hex = c === 'x';
      i += 2;
      saw = '0';
    }
  }
  for (; i < s.length; i++) {
    const ch = s[i]!;
    const lower = ch.toLowerCase();
    if ((ch >= '0' && ch <= '9') || (hex && lower >= 'a' && lower <= 'f')) {
      saw = '0';
      continue;
    }
    if (ch === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const INT64_MAX = 9223372036854775807n;

/** `strconv.ParseInt(s, 0, 64)` as a float64, or null when Go would return an error. */
function parseGoInt(s: string): number | null {
  let body = s;
  let neg = false;
  if (body[0] === '+' || body[0] === '-') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  if (body.length === 0) return null;
  let base = 10;
  if (body[0] === '0' && body.length > 1) {
    const p = body[1]!.toLowerCase();
    if (p === 'x') {
      base = 16;
      body = body.slice(2);
    } else if (p === 'o') {
      base = 8;
      body = body.slice(2);
    } else if (p === 'b') {
      base = 2;
      body = body.slice(2);
    } else {
      base = 8;
      body = body.slice(1);
    }
  }
  if (body.includes('_')) {
    if (!underscoreOK(s)) return null;
    body = body.replaceAll('_', '');
  }
  if (body.length === 0) return null;
  let n = 0n;
  const b = BigInt(base);
  for (const ch of body) {
    const d = digitValue(ch);
    if (d >= base) return null;
    n = n * b + BigInt(d);
    if (n > INT64_MAX + 1n) return null;
  }
  if (neg ? n > INT64_MAX + 1n : n > INT64_MAX) return null;
  return Number(neg ? -n : n);
}

function digitValue(ch: string): number {
  const c = ch.charCodeAt(0);
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 99;
}

const DECIMAL_FLOAT = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX_FLOAT = /^[+-]?0[xX](?:[0-9a-fA-F]+(?:\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+$/;

/** `strconv.ParseFloat(s, 64)`, or null on a syntax error. Out-of-range values give ±Inf. */
function parseGoFloat(s: string): number | null {
  const lower = s.toLowerCase();
  const unsigned = lower[0] === '+' || lower[0] === '-' ? lower.slice(1) : lower;
  const sign = lower[0] === '-' ? -1 : 1;
  if (unsigned === 'inf' || unsigned === 'infinity') return sign * Number.POSITIVE_INFINITY;
  if (unsigned === 'nan') return Number.NaN;
  let body = s;
  if (body.includes('_')) {
    if (!underscoreOK(s)) return null;
    body = body.replaceAll('_', '');
  }
  if (DECIMAL_FLOAT.test(body)) return Number(body);
  if (HEX_FLOAT.test(body)) return parseHexFloat(body);
  return null;
}

function parseHexFloat(s: string): number {
  const neg = s[0] === '-';
  const body = s.replace(/^[+-]/, '').slice(2);
  const [mant, exp] = body.split(/[pP]/) as [string, string];
  const [intPart, fracPart = ''] = mant.split('.') as [string, string?];
  let v = 0;
  for (const ch of intPart + fracPart) v = v * 16 + digitValue(ch);
  const e = Number(exp) - 4 * fracPart.length;
  const r = v * 2 ** e;
  return neg ? -r : r;
}

// === Float formatting ===

/**
 * Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest decimal that reads back as `v`,
 * never in exponent form; `+Inf`, `-Inf`, `NaN` for the special values.
 */
export function formatFloatF(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const { neg, digits, exp } = shortestDigits(v);
  // value = 0.digits × 10^exp
  let out: string;
  if (exp <= 0) out = `0.${'0'.repeat(-exp)}${digits}`;
  else if (exp >= digits.length) out = digits + '0'.repeat(exp - digits.length);
  else out = `${digits.slice(0, exp)}.${digits.slice(exp)}`;
  return neg ? `-${out}` : out;
}

/**
 * Go's `strconv.FormatFloat(v, 'g', -1, 64)` as `fmt` prints it with `%v`: shortest digits,
 * exponent form when the decimal exponent is below -4 or at least 6 (so `1e+06`),
 * `+Inf`/`-Inf`/`NaN`.
 */
export function formatFloatG(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const { neg, digits, exp } = shortestDigits(v);
  const x = exp - 1; // exponent of the first digit
  let out: string;
  if (x < -4 || x >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(x);
    out = `${mant}e${x < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  } else {
    out = formatFloatF(Math.abs(v));
  }
  return neg ? `-${out}` : out;
}

/** Shortest round-trip digits of |v| (no leading/trailing zeros) and decimal exponent. */
function shortestDigits(v: number): { neg: boolean; digits: string; exp: number } {
  const neg = v < 0;
  const s = Math.abs(v).toExponential(); // shortest round-trip digits, "d.ddde±x"
  const eIdx = s.indexOf('e');
  const mant = s.slice(0, eIdx).replace('.', '');
  const e = Number(s.slice(eIdx + 1));
  const digits = mant.replace(/0+$/, '') || '0';
  return { neg, digits, exp: e + 1 };
}

// === Durations ===

const MS_PER: Readonly<Record<string, number>> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

/** Duration units, biggest first: nanoseconds each, and their required order. */
const DURATION_UNITS: ReadonlyMap<string, { readonly pos: number; readonly ns: bigint }> = new Map([
  ['y', { pos: 1, ns: 365n * 24n * 3600n * 1_000_000_000n }],
  ['w', { pos: 2, ns: 7n * 24n * 3600n * 1_000_000_000n }],
  ['d', { pos: 3, ns: 24n * 3600n * 1_000_000_000n }],
  ['h', { pos: 4, ns: 3600n * 1_000_000_000n }],
  ['m', { pos: 5, ns: 60n * 1_000_000_000n }],
  ['s', { pos: 6, ns: 1_000_000_000n }],
  ['ms', { pos: 7, ns: 1_000_000n }],
]);
const INT64_LIMIT = 1n << 63n;

/** Result of reading a duration: milliseconds, or an error in Prometheus's wording. */
export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

/**
 * `model.ParseDuration`: `<digits><unit>` groups with units y w d h m s ms, biggest first and
 * each at most once; `0` alone is allowed; at most 2^63-1 nanoseconds.
 */
export function parseDuration(s: string): DurationResult {
  if (s === '0') return { ok: true, ms: 0 };
  if (s === '') return { ok: false, error: 'empty duration string' };
  const invalid = { ok: false, error: `not a valid duration string: ${quoteGo(s)}` } as const;
  const isDigitAt = (i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
  let ns = 0n;
  let lastPos = 0;
  let i = 0;
  while (i < s.length) {
    const digitsStart = i;
    while (isDigitAt(i)) i++;
    if (i === digitsStart) return invalid;
    const value = BigInt(s.slice(digitsStart, i));
    // Go parses the digits as a uint64.
    if (value >= 1n << 64n) return invalid;
    const unitStart = i;
    while (i < s.length && !isDigitAt(i)) i++;
    if (i === unitStart) return invalid;
    const name = s.slice(unitStart, i);
    const unit = DURATION_UNITS.get(name);
    if (unit === undefined) {
      return { ok: false, error: `unknown unit ${quoteGo(name)} in duration ${quoteGo(s)}` };
    }
    if (unit.pos <= lastPos) return invalid;
    lastPos = unit.pos;
    if (value > INT64_LIMIT / unit.ns) return { ok: false, error: 'duration out of range' };
    ns += value * unit.ns;
    if (ns > INT64_LIMIT - 1n) return { ok: false, error: 'duration out of range' };
  }
  return { ok: true, ms: Number(ns / 1_000_000n) };
}

/**
 * `model.Duration.String()`: whole milliseconds as `1y2w3d4h5m6s7ms`, years and weeks only
 * when they divide the value exactly, `0s` for zero. `ms` must not be negative.
 */
export function formatDuration(ms: number): string {
  let rest = Math.trunc(ms);
  if (rest === 0) return '0s';
  let out = '';
  const take = (unit: string, exact: boolean) => {
    const mult = MS_PER[unit]!;
    if (exact && rest % mult !== 0) return;
    const n = Math.floor(rest / mult);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * mult;
    }
  };
  take('y', true);
  take('w', true);
  take('d', false);
  take('h', false);
  take('m', false);
  take('s', false);
  take('ms', false);
  return out;
}

/**
 * Converts seconds (a number literal used as a duration) to whole milliseconds as the
 * engine uses them: rounded to nanoseconds as Go's `time.Duration(math.Round(v*1e9))`, then
 * truncated to milliseconds as `durationMilliseconds` does.
 */
export function secondsToMs(seconds: number): number {
  const ns = goRound(seconds * 1e9);
  return Math.trunc(ns / 1e6) + 0;
}

/**
 * Go's `time.Duration.Seconds()` of a duration of `ms` milliseconds: whole seconds plus the
 * fraction, added as float64 (not `ms / 1000`, which can differ in the last bit). This is the
 * value of a duration literal such as `1h30m` used as a number.
 */
export function durationSeconds(ms: number): number {
  const whole = Math.trunc(ms / 1000);
  return whole + ((ms - whole * 1000) * 1e6) / 1e9;
}

/** Go's `math.Round`: to the nearest integer, halves away from zero. */
export function goRound(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

// === Strings ===

/** Result of unquoting a string literal. */
export type UnquoteResult = { ok: true; value: string } | { ok: false; error: string };

/**
 * Unquotes a PromQL string literal (with its quotes) as Prometheus's `strutil.Unquote`:
 * `"..."` and `'...'` with Go escapes (`\a \b \f \n \r \t \v \\ \"` or `\'`, octal `\NNN`,
 * `\xNN`, `\uNNNN`, `\UNNNNNNNN`), raw `` `...` `` without escapes. Bytes given by `\x` and
 * octal escapes are decoded as UTF-8 where they form valid sequences, and surrogate-escaped
 * where they don't.
 */
export function unquoteString(lit: string): UnquoteResult {
  const n = lit.length;
  if (n < 2) return { ok: false, error: 'invalid syntax' };
  const quote = lit[0];
  if (quote !== lit[n - 1]) return { ok: false, error: 'invalid syntax' };
  const body = lit.slice(1, n - 1);
  if (quote === '`') {
    if (body.includes('`')) return { ok: false, error: 'invalid syntax' };
    return { ok: true, value: body.replaceAll('\r', '') };
  }
  if (quote !== '"' && quote !== "'") return { ok: false, error: 'invalid syntax' };
  if (!body.includes('\\') && !body.includes(quote)) {
    if (body.includes('\n')) return { ok: false, error: 'invalid syntax' };
    return { ok: true, value: body };
  }
  // Collect output as UTF-8 bytes so that byte escapes combine into characters.
  const bytes: number[] = [];
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (c === quote || c === '\n') return { ok: false, error: 'invalid syntax' };
    if (c !== '\\') {
      const cp = body.codePointAt(i)!;
      pushCodePoint(bytes, cp);
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    i++;
    const e = body[i];
    i++;
    switch (e) {
      case 'a':
        bytes.push(7);
        break;
      case 'b':
        bytes.push(8);
        break;
      case 'f':
        bytes.push(12);
        break;
      case 'n':
        bytes.push(10);
        break;
      case 'r':
        bytes.push(13);
        break;
      case 't':
        bytes.push(9);
        break;
      case 'v':
        bytes.push(11);
        break;
      case '\\':
        bytes.push(92);
        break;
      case "'":
      case '"':
        if (e !== quote) return { ok: false, error: 'invalid syntax' };
        bytes.push(e.charCodeAt(0));
        break;
      case 'x':
      case 'u':
      case 'U': {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = body.slice(i, i + len);
        if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) {
          return { ok: false, error: 'invalid syntax' };
        }
        i += len;
        const v = Number.parseInt(hex, 16);
        if (e === 'x') bytes.push(v);
        else {
          if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) {
            return { ok: false, error: 'invalid syntax' };
          }
          pushCodePoint(bytes, v);
        }
        break;
      }
      default: {
        if (e !== undefined && e >= '0' && e <= '7') {
          const oct = body.slice(i - 1, i + 2);
          if (!/^[0-7]{3}$/.test(oct)) return { ok: false, error: 'invalid syntax' };
          const v = Number.parseInt(oct, 8);
          if (v > 255) return { ok: false, error: 'invalid syntax' };
          bytes.push(v);
          i += 2;
          break;
        }
        return { ok: false, error: 'invalid syntax' };
      }
    }
  }
  return { ok: true, value: decodeUtf8Lossless(bytes) };
}

function pushCodePoint(bytes: number[], cp: number): void {
  if (cp >= 0xdc80 && cp <= 0xdcff) {
    // A surrogate-escaped byte stands for itself.
    bytes.push(cp - 0xdc00);
  } else if (cp < 0x80) bytes.push(cp);
  else if (cp < 0x800) bytes.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) {
    bytes.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  } else {
    bytes.push(
      0xf0 | (cp >> 18),
      0x80 | ((cp >> 12) & 0x3f),
      0x80 | ((cp >> 6) & 0x3f),
      0x80 | (cp & 0x3f),
    );
  }
}

/** Decodes UTF-8 bytes, surrogate-escaping every byte that is not part of a valid sequence. */
export function decodeUtf8Lossless(bytes: ArrayLike<number>): string {
  let out = '';
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1;
      cp = b0 & 0x1f;
      min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2;
      cp = b0 & 0x0f;
      min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3;
      cp = b0 & 0x07;
      min = 0x10000;
    }
    let ok = need > 0 && i + need < n;
    for (let k = 1; ok && k <= need; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (b & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp < 0xe000)) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + b0);
      i++;
    }
  }
  return out;
}

/** Whether `s` is valid UTF-8 text, i.e. holds no surrogate-escaped byte or lone surrogate. */
export function isValidUtf8(s: string): boolean {
  return !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''));
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/**
 * Go's `strconv.Quote`: a double-quoted literal with `\a \b \f \n \r \t \v \\ \"`, `\xNN` for
 * control bytes below 0x80 and invalid bytes, `\uNNNN`/`\UNNNNNNNN` for non-printable
 * characters; printable Unicode as is.
 */
export function quoteGo(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const cp = s.codePointAt(i)!;
    if (cp > 0xffff) i++;
    switch (cp) {
      case 0x07:
        out += '\\a';
        continue;
      case 0x08:
        out += '\\b';
        continue;
      case 0x0c:
        out += '\\f';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
      case 0x0b:
        out += '\\v';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x22:
        out += '\\"';
        continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A surrogate-escaped byte (or a lone surrogate, which Go sees as invalid bytes).
      if (cp >= 0xdc80 && cp <= 0xdcff) out += `\\x${hex2(cp - 0xdc00)}`;
      else out += '\\ufffd';
      continue;
    }
    if (cp < 0x20 || cp === 0x7f) {
      out += `\\x${hex2(cp)}`;
      continue;
    }
    const ch = String.fromCodePoint(cp);
    if (cp < 0x7f || PRINTABLE.test(ch)) {
      out += ch;
      continue;
    }
    if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/** Whether `s` is a classic (legacy) Prometheus label name: `[a-zA-Z_][a-zA-Z0-9_]*`. */
export function isLegacyLabelName(s: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9_]*$/.test(s);
}

/** Whether `s` is a classic (legacy) metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
export function isLegacyMetricName(s: string): boolean {
  return /^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(s);
}

/** Whether `s` consists of decimal digits only (used for series-value repetition counts). */
export function isDecimalDigits(s: string): boolean {
  return DEC_DIGITS.test(s);
}

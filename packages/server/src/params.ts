/**
 * Request parameters as Prometheus's HTTP API reads them: form values from the URL query and
 * from `application/x-www-form-urlencoded` bodies (Go's `url.ParseQuery`), times (seconds
 * with decimals or RFC 3339), durations (seconds with decimals or Prometheus durations) and
 * limits, with Prometheus's error messages.
 *
 * Semantics follow prometheus/prometheus web/api/v1/api.go (`parseTime`, `parseDuration`,
 * `parseLimitParam`) and Go's net/url, strconv and time packages.
 */
import {
  decodeUtf8Lossless,
  parseDuration as parseModelDuration,
  quoteGo,
} from '@promql-ts/parser';

/** An error in a parameter's value, worded as Prometheus words it. */
export class ParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParamError';
  }
}

/**
 * The form values of a request: body values first, then URL query values, as Go's
 * `Request.Form` orders them (so `get` prefers the body, like `FormValue`).
 */
export class FormValues {
  private readonly values = new Map<string, string[]>();
  /** The first problem met while parsing (`ParseForm`'s error), or null. */
  parseError: string | null = null;

  /** Adds the pairs of a URL-encoded string (raw bytes), after those already present. */
  addEncoded(bytes: Uint8Array): void {
    const err = parseQueryInto(bytes, (k, v) => this.add(k, v));
    if (err !== null && this.parseError === null) this.parseError = err;
  }

  /** Adds one value. */
  add(key: string, value: string): void {
    const list = this.values.get(key);
    if (list === undefined) this.values.set(key, [value]);
    else list.push(value);
  }

  /** The first value of `key`, or `''` (Go's `FormValue`). */
  get(key: string): string {
    return this.values.get(key)?.[0] ?? '';
  }

  /** Every value of `key`. */
  getAll(key: string): readonly string[] {
    return this.values.get(key) ?? [];
  }
}

const HEX = (c: number): number => {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
};

/** Go's `url.EscapeError` for the bad escape at `i`: `invalid URL escape "%ZZ"`. */
function escapeError(b: Uint8Array, i: number, end: number): { error: string } {
  const bad = decodeUtf8Lossless(Array.from(b.subarray(i, Math.min(end, i + 3))));
  return { error: `invalid URL escape ${quoteGo(bad)}` };
}

/**
 * Go's `url.QueryUnescape` on bytes: `+` is a space, `%XX` a byte; a bad escape is Go's
 * error. The bytes are read as UTF-8, invalid sequences kept as lone surrogates (the
 * parser's convention for Go strings that are not valid UTF-8).
 */
function queryUnescape(b: Uint8Array, start: number, end: number): string | { error: string } {
  const out: number[] = [];
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === 0x2b) out.push(0x20);
    else if (c === 0x25) {
      const hi = i + 2 < end ? HEX(b[i + 1]!) : -1;
      const lo = i + 2 < end ? HEX(b[i + 2]!) : -1;
      if (hi < 0 || lo < 0) return escapeError(b, i, end);
      out.push(hi * 16 + lo);
      i += 2;
    } else out.push(c);
  }
  return decodeUtf8Lossless(out);
}

/** Go's `url.ParseQuery`: `&`-separated pairs; a pair with `;` or a bad escape is skipped. */
function parseQueryInto(b: Uint8Array, add: (k: string, v: string) => void): string | null {
  let err: string | null = null;
  let i = 0;
  while (i <= b.length) {
    let amp = b.indexOf(0x26, i);
    if (amp < 0) amp = b.length;
    const start = i;
    i = amp + 1;
    if (amp === start) continue;
    let eq = -1;
    let semicolon = false;
    for (let j = start; j < amp; j++) {
      if (b[j] === 0x3b) semicolon = true;
      if (eq < 0 && b[j] === 0x3d) eq = j;
    }
    if (semicolon) {
      err ??= 'invalid semicolon separator in query';
      continue;
    }
    const keyEnd = eq < 0 ? amp : eq;
    const key = queryUnescape(b, start, keyEnd);
    if (typeof key !== 'string') {
      err ??= key.error;
      continue;
    }
    const value = eq < 0 ? '' : queryUnescape(b, eq + 1, amp);
    if (typeof value !== 'string') {
      err ??= value.error;
      continue;
    }
    add(key, value);
  }
  return err;
}

/** Percent-decodes a URL path segment (Go's `URL.Path` decoding), or null if malformed. */
export function decodePathSegment(s: string): string | null {
  const bytes = new TextEncoder().encode(s);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 0x25) {
      const hi = i + 2 < bytes.length ? HEX(bytes[i + 1]!) : -1;
      const lo = i + 2 < bytes.length ? HEX(bytes[i + 2]!) : -1;
      if (hi < 0 || lo < 0) return null;
      out.push(hi * 16 + lo);
      i += 2;
    } else out.push(c);
  }
  return decodeUtf8Lossless(out);
}

// === Numbers (Go's strconv.ParseFloat) ===

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]((?:[0-9a-fA-F]|_)*)\.?((?:[0-9a-fA-F]|_)*)[pP]([+-]?\d+)$/;
const SPECIAL = /^([+-]?)(inf|infinity)$/i;

/**
 * Go's `strconv.ParseFloat(s, 64)`: decimal and hexadecimal floats, `Inf`, `Infinity` and
 * `NaN` (any case). Returns null for invalid syntax or a value out of range, as Go reports
 * an error for both.
 */
export function parseGoFloat(s: string): number | null {
  if (DECIMAL.test(s)) {
    const v = Number(s);
    return Number.isFinite(v) ? v : null;
  }
  const special = SPECIAL.exec(s);
  if (special !== null) return special[1] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return Number.NaN;
  const hex = HEX_FLOAT.exec(s);
  if (hex !== null) {
    const intPart = hex[2]!.replaceAll('_', '');
    const fracPart = hex[3]!.replaceAll('_', '');
    if (intPart.length + fracPart.length === 0) return null;
    let v = 0;
    for (const c of intPart + fracPart) v = v * 16 + Number.parseInt(c, 16);
    v *= 2 ** (Number(hex[4]) - 4 * fracPart.length);
    if (!Number.isFinite(v)) return null;
    return hex[1] === '-' ? -v : v;
  }
  return null;
}

// === Times ===

/**
 * Default start of optional time ranges (`/api/v1/labels`, `/api/v1/series`…): the
 * earliest time a JavaScript `Date` holds. Prometheus uses an even earlier bound; no sample
 * lies between the two.
 */
export const MIN_TIME_MS = -8_640_000_000_000_000;
/** Default end of optional time ranges: the latest time a JavaScript `Date` holds. */
export const MAX_TIME_MS = 8_640_000_000_000_000;

/** Prometheus's own boundary times, as its clients send them. */
const MIN_TIME_FORMATTED = '-292273086-05-16T16:47:06Z';
const MAX_TIME_FORMATTED = '292277025-08-18T07:12:54.999999999Z';

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/** Go's `time.Parse(time.RFC3339Nano, s)` as milliseconds (truncated), or null. */
function parseRfc3339(s: string): number | null {
  const m = RFC3339.exec(s);
  if (m === null) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMin = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  const fraction = (m[7] ?? '').padEnd(3, '0').slice(0, 3);
  return d.getTime() - offsetMin * 60_000 + Number(fraction);
}

/**
 * A time parameter as Prometheus's `parseTime` reads it, in milliseconds since the epoch:
 * a number of seconds (decimals rounded to the millisecond) or an RFC 3339 date.
 *
 * @throws {ParamError} `cannot parse "x" to a valid timestamp`.
 */
export function parseTime(s: string): number {
  const seconds = parseGoFloat(s);
  if (seconds !== null && Number.isFinite(seconds) && Math.abs(seconds) < 9e12) {
    const whole = Math.trunc(seconds);
    // Go: math.Modf, then the fraction rounded to milliseconds, then time.Unix truncating.
    const frac = Math.round(Math.abs(seconds - whole) * 1000) / 1000;
    const ns = Math.trunc(frac * 1e9) * (seconds < 0 ? -1 : 1);
    let sec = whole;
    let nsec = ns;
    if (nsec < 0) {
      sec -= 1;
      nsec += 1e9;
    }
    return sec * 1000 + Math.trunc(nsec / 1e6) + 0;
  }
  const rfc = parseRfc3339(s);
  if (rfc !== null) return rfc;
  if (s === MIN_TIME_FORMATTED) return MIN_TIME_MS;
  if (s === MAX_TIME_FORMATTED) return MAX_TIME_MS;
  throw new ParamError(`cannot parse ${quoteGo(s)} to a valid timestamp`);
}

/**
 * An optional time parameter (`parseTimeParam`): the default when empty.
 *
 * @throws {ParamError} `invalid time value for 'start': cannot parse …`.
 */
export function parseTimeParam(value: string, name: string, defaultMs: number): number {
  if (value === '') return defaultMs;
  try {
    return parseTime(value);
  } catch (e) {
    throw new ParamError(`invalid time value for '${name}': ${(e as Error).message}`);
  }
}

// === Durations ===

/** float64(math.MaxInt64), which is 2^63: the bound Go checks durations against. */
const MAX_INT64 = 2 ** 63;

/**
 * A duration parameter as Prometheus's `parseDuration` reads it, in nanoseconds (a float:
 * exact up to 2^53): seconds with decimals, or a Prometheus duration such as `1h30m`.
 *
 * @throws {ParamError} `cannot parse "x" to a valid duration`.
 */
export function parseDurationNs(s: string): number {
  const seconds = parseGoFloat(s);
  if (seconds !== null) {
    const ns = seconds * 1e9;
    if (ns > MAX_INT64 || ns < -MAX_INT64) {
      throw new ParamError(`cannot parse ${quoteGo(s)} to a valid duration. It overflows int64`);
    }
    // Go converts NaN to the smallest int64 (amd64): a negative duration.
    return Number.isNaN(ns) ? -MAX_INT64 : Math.trunc(ns);
  }
  const d = parseModelDuration(s);
  if (d.ok) return d.ms * 1e6;
  throw new ParamError(`cannot parse ${quoteGo(s)} to a valid duration`);
}

// === Limits ===

/**
 * Prometheus's `parseLimitParam`: 0 (no limit) when empty, otherwise a non-negative
 * integer in Go's `strconv.Atoi` syntax.
 *
 * @throws {ParamError} with `strconv.Atoi`'s message, or `limit must be non-negative`.
 */
export function parseLimit(s: string): number {
  if (s === '') return 0;
  const n = parseAtoi(s);
  if (n < 0) throw new ParamError('limit must be non-negative');
  return n;
}

/**
 * Go's `strconv.Atoi`.
 *
 * @throws {ParamError} `strconv.Atoi: parsing "x": invalid syntax` (or `value out of range`).
 */
export function parseAtoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) {
    throw new ParamError(`strconv.Atoi: parsing ${quoteGo(s)}: invalid syntax`);
  }
  const n = Number(s);
  if (!Number.isSafeInteger(n)) {
    const big = BigInt(s);
    if (big > 9223372036854775807n || big < -9223372036854775808n) {
      throw new ParamError(`strconv.Atoi: parsing ${quoteGo(s)}: value out of range`);
    }
    return big > 0n ? Number.MAX_SAFE_INTEGER : Number.MIN_SAFE_INTEGER;
  }
  return n;
}

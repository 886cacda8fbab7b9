/**
 * Numbers in the text formats, parsed and printed as Prometheus (Go) does.
 *
 * Provenance: `parseFloat` in prometheus/prometheus model/textparse/promparse.go (Go's
 * strconv.ParseFloat, refusing `p`, `P` and `_`), `formatOpenMetricsFloat` in
 * model/textparse (Go's strconv.FormatFloat(f, 'g', -1, 64) plus ".0").
 */

/** Powers of ten that are exact doubles (10^0 … 10^22). */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Parses `text[start, end)` as Go's `strconv.ParseFloat(s, 64)` restricted as Prometheus
 * restricts it: decimal numbers with optional sign, fraction and exponent; `Inf` /
 * `Infinity` with optional sign and `NaN`, case-insensitive; no hex floats, no
 * underscores. Overflow to ±Inf is an error, as in Go. Writes the value to `out[0]` and
 * returns true, or returns false on a syntax or range error. Allocates nothing on the
 * common path (up to 15 significant digits and a small exponent).
 */
export function parseGoFloat(text: string, start: number, end: number, out: Float64Array): boolean {
  if (start >= end) return false;
  let i = start;
  let c = text.charCodeAt(i);
  let neg = false;
  if (c === 0x2b /* + */ || c === 0x2d /* - */) {
    neg = c === 0x2d;
    i++;
    if (i >= end) return false;
    c = text.charCodeAt(i);
  }
  if (c === 0x69 || c === 0x49 || c === 0x6e || c === 0x4e) {
    return parseSpecial(text, i, end, neg, i > start, out);
  }
  let mantissa = 0;
  let digits = 0; // significant digits accumulated in `mantissa`
  let exp10 = 0;
  let sawDigit = false;
  let sawDot = false;
  let exact = true;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      sawDigit = true;
      if (mantissa === 0 && c === 0x30) {
        if (sawDot) exp10--;
        continue;
      }
      if (digits < 15) {
        mantissa = mantissa * 10 + (c - 0x30);
        digits++;
        if (sawDot) exp10--;
      } else {
        exact = false;
        if (!sawDot) exp10++;
      }
    } else if (c === 0x2e /* . */ && !sawDot) {
      sawDot = true;
    } else {
      break;
    }
  }
  if (!sawDigit) return false;
  if (i < end) {
    if (c !== 0x65 && c !== 0x45 /* e E */) return false;
    i++;
    let expNeg = false;
    if (i < end) {
      const s = text.charCodeAt(i);
      if (s === 0x2b || s === 0x2d) {
        expNeg = s === 0x2d;
        i++;
      }
    }
    if (i >= end) return false;
    let e = 0;
    for (; i < end; i++) {
      const d = text.charCodeAt(i);
      if (d < 0x30 || d > 0x39) return false;
      if (e < 100_000) e = e * 10 + (d - 0x30);
    }
    exp10 += expNeg ? -e : e;
  }
  let value: number;
  if (exact && mantissa === 0) {
    value = 0;
  } else if (exact && exp10 >= -22 && exp10 <= 22) {
    // Clinger's fast path: both operands are exact doubles, so one rounding.
    value = exp10 < 0 ? mantissa / POW10[-exp10]! : mantissa * POW10[exp10]!;
  } else {
    value = Number(text.slice(neg || text.charCodeAt(start) === 0x2b ? start + 1 : start, end));
    if (value === Number.POSITIVE_INFINITY) return false; // Go: ErrRange
  }
  out[0] = neg ? -value : value;
  return true;
}

function parseSpecial(
  text: string,
  i: number,
  end: number,
  neg: boolean,
  signed: boolean,
  out: Float64Array,
): boolean {
  const word = text.slice(i, end).toLowerCase();
  if (word === 'inf' || word === 'infinity') {
    out[0] = neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return true;
  }
  // Go accepts a sign before Inf but not before NaN.
  if (word === 'nan' && !signed) {
    out[0] = Number.NaN;
    return true;
  }
  return false;
}

/**
 * Formats a float as Go's `strconv.FormatFloat(f, 'g', -1, 64)`: the shortest digits
 * that round-trip, in exponent form (`1e+06`, `1.5e-05`) when the decimal exponent is
 * below -4 or at least 6 (Go decides with precision 6 when printing the shortest form).
 */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const sign = f < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits.
  const [mant, expPart] = Math.abs(f).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expPart);
  if (exp < -4 || exp >= 6) {
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    const e = Math.abs(exp);
    return `${sign}${digits[0]}${frac}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/**
 * Prometheus's `formatOpenMetricsFloat`: Go's `%g` form, with `.0` appended when the
 * result has neither a `.` nor an `e`, and `+Inf` / `-Inf` / `NaN` spelled out. Used to
 * normalise `le` and `quantile` label values (`le="1"` is stored as `le="1.0"`).
 */
export function formatOpenMetricsFloat(f: number): string {
  if (f === 0) return '0.0';
  const s = formatGoFloat(f);
  if (Number.isNaN(f) || !Number.isFinite(f)) return s;
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

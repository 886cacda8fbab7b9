/**
 * A line parser for the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0
 * text, feeding samples and metadata into a {@link MemoryStorage}.
 *
 * Provenance: the grammar follows prometheus/prometheus model/textparse (promlex.l,
 * promparse.go, openmetricslex.l, openmetricsparse.go, Prometheus 3.x), including its
 * quirks: in the Prometheus format tokens may be separated by any run of spaces and tabs
 * and commas between labels are optional; OpenMetrics separates tokens by exactly one
 * space and allows no blank or comment lines; label values unescape only `\\`, `\"` and
 * `\n`; NaN is stored as Prometheus's canonical NaN; `le` / `quantile` values of the
 * most recent histogram / summary TYPE are normalised (`le="1"` → `le="1.0"`).
 */
import type { Label, Labels, MetricType } from '@promql-ts/engine';
import { isStorageError } from '../errors.js';
import { normalizeLabels } from '../labels.js';
import type { AppendStatus, MemoryStorage, SampleRejection } from '../memory-storage.js';
import { NORMAL_NAN } from '../values.js';
import { formatOpenMetricsFloat, parseGoFloat } from './numbers.js';
import { SeriesCache } from './series-cache.js';

/** The two text formats. */
export type TextFormat = 'openmetrics' | 'prometheus';

/** A malformed line: the reason, without position (the driver adds the line number). */
export class LineError {
  readonly reason: string;
  constructor(reason: string) {
    this.reason = reason;
  }
}

const PROM_TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
};

const OM_TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  gaugehistogram: 'gaugehistogram',
  histogram: 'histogram',
  info: 'info',
  stateset: 'stateset',
  summary: 'summary',
  unknown: 'unknown',
};

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** `[a-zA-Z_:]` */
function isMetricNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a;
}

/** `[a-zA-Z0-9_:]` */
function isMetricNameChar(c: number): boolean {
  return isMetricNameStart(c) || (c >= 0x30 && c <= 0x39);
}

/** `[a-zA-Z_]` */
function isLabelNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/** `[a-zA-Z0-9_]` */
function isLabelNameChar(c: number): boolean {
  return isLabelNameStart(c) || (c >= 0x30 && c <= 0x39);
}

/** Prometheus's `lvalReplacer`: `\"` → `"`, `\\` → `\`, `\n` → newline, others kept. */
export function unescapeLabelValue(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const d = raw[i + 1];
      if (d === '"' || d === '\\') {
        out += d;
        i++;
        continue;
      }
      if (d === 'n') {
        out += '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Prometheus's `helpReplacer` (text format HELP): `\\` → `\`, `\n` → newline. */
function unescapeHelp(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && i + 1 < raw.length) {
      const d = raw[i + 1];
      if (d === '\\') {
        out += '\\';
        i++;
        continue;
      }
      if (d === 'n') {
        out += '\n';
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** Counts of what a parse stored. */
export interface ParseTally {
  added: number;
  identical: number;
  rejected: number;
  readonly rejections: SampleRejection[];
}

/**
 * Parses one line at a time. Lines must not contain `\n`. Malformed lines throw a
 * {@link LineError}; the parser stays usable for the next line.
 */
export class ExpositionParser {
  readonly #storage: MemoryStorage;
  readonly #om: boolean;
  readonly #defaultTs: number;
  readonly #maxRejections: number;
  readonly tally: ParseTally = { added: 0, identical: 0, rejected: 0, rejections: [] };
  /** The type of the most recent TYPE line: selects `le` / `quantile` normalisation. */
  #type: MetricType = 'unknown';
  /** Series text as written → series ref. */
  readonly #cache = new SeriesCache();
  #eof = false;
  #pos = 0;
  readonly #num = new Float64Array(1);

  constructor(
    storage: MemoryStorage,
    format: TextFormat,
    defaultTs: number,
    maxRejections: number,
  ) {
    this.#storage = storage;
    this.#om = format === 'openmetrics';
    this.#defaultTs = defaultTs;
    this.#maxRejections = maxRejections;
  }

  /** True once OpenMetrics' `# EOF` was read. */
  get sawEof(): boolean {
    return this.#eof;
  }

  /** Parses `text[start, end)`, one line without its newline. */
  line(text: string, start: number, end: number): void {
    if (this.#eof) throw new LineError('unexpected data after # EOF');
    let p = start;
    if (this.#om) {
      if (p === end) throw new LineError('empty line (not allowed in OpenMetrics)');
    } else {
      while (p < end && isBlank(text.charCodeAt(p))) p++;
      if (p === end) return;
    }
    if (text.charCodeAt(p) === 0x23 /* # */) {
      if (this.#om) this.#omComment(text, p, end);
      else this.#promComment(text, p, end);
      return;
    }
    this.#sample(text, p, end);
  }

  /**
   * True when `text` is a line the Prometheus format ignores (a comment that is not HELP
   * or TYPE): such lines may contain invalid UTF-8.
   */
  isIgnoredComment(text: string): boolean {
    if (this.#om) return false;
    let p = 0;
    while (p < text.length && isBlank(text.charCodeAt(p))) p++;
    if (text.charCodeAt(p) !== 0x23) return false;
    return this.#metaKeyword(text, p, text.length) === null;
  }

  // === Samples ===

  #sample(text: string, p: number, end: number): void {
    let newKey: string | null = null;
    let newLabels: Labels | null = null;
    const mode = this.#type === 'histogram' ? 1 : this.#type === 'summary' ? 2 : 0;
    const cache = this.#cache;
    // Fast path: the series the previous line's series was followed by last time.
    let entry = cache.predict(text, p, mode);
    let seriesEnd = entry < 0 ? -1 : p + cache.keyLength(entry);
    if (entry >= 0 && !this.#endsSeries(text, seriesEnd, end)) entry = -1;
    if (entry < 0) {
      try {
        seriesEnd = this.#scanSeries(text, p, end);
      } catch (e) {
        // The quick scan only finds where the series ends; the full parse says precisely
        // what is wrong.
        this.#parseLabels(text, p, end, false);
        throw e;
      }
      const key = text.slice(p, seriesEnd);
      entry = cache.lookup(key, mode);
      if (entry < 0) {
        // A new series is created only once its whole line has parsed (below).
        newKey = key;
        newLabels = this.#seriesLabels(text, p, seriesEnd, mode);
      }
    }
    const num = this.#num;
    let q = seriesEnd;
    let t = this.#defaultTs;
    let v: number;
    if (this.#om) {
      if (q >= end || text.charCodeAt(q) !== 0x20)
        throw new LineError('expected value after metric');
      const vs = ++q;
      while (q < end && text.charCodeAt(q) !== 0x20) q++;
      if (q === vs) throw new LineError('expected value after metric');
      if (!parseGoFloat(text, vs, q, num)) throw this.#badNumber('value', text, vs, q);
      v = num[0]!;
      if (q < end && !text.startsWith(' # {', q)) {
        const ts = ++q;
        while (q < end && text.charCodeAt(q) !== 0x20) q++;
        if (q === ts) throw new LineError('expected timestamp or exemplar');
        if (!parseGoFloat(text, ts, q, num)) throw this.#badNumber('timestamp', text, ts, q);
        const seconds = num[0]!;
        if (!Number.isFinite(seconds))
          throw new LineError(`invalid timestamp ${text.slice(ts, q)}`);
        t = Math.trunc(seconds * 1000) + 0; // Go's int64(ts * 1000); `+ 0` turns -0 into 0
        if (!Number.isSafeInteger(t)) throw new LineError('timestamp out of range');
      }
      if (q < end) {
        if (!text.startsWith(' # {', q)) throw new LineError('expected exemplar or end of line');
        this.#exemplar(text, q + 3, end);
      }
    } else {
      while (q < end && isBlank(text.charCodeAt(q))) q++;
      const vs = q;
      while (q < end) {
        const c = text.charCodeAt(q);
        if (isBlank(c) || c === 0x7b /* { */) break;
        q++;
      }
      if (q === vs) throw new LineError('expected value after metric');
      if (!parseGoFloat(text, vs, q, num)) throw this.#badNumber('value', text, vs, q);
      v = num[0]!;
      while (q < end && isBlank(text.charCodeAt(q))) q++;
      if (q < end) {
        const ts = q;
        let acc = 0;
        for (; q < end; q++) {
          const d = text.charCodeAt(q) - 0x30;
          if (d < 0 || d > 9) break;
          acc = acc * 10 + d;
        }
        if (q === ts) throw new LineError('expected timestamp or end of line');
        while (q < end && isBlank(text.charCodeAt(q))) q++;
        if (q < end) throw new LineError('expected end of line after timestamp');
        if (acc > Number.MAX_SAFE_INTEGER) throw new LineError('timestamp out of range');
        t = acc;
      }
    }
    // Prometheus stores every parsed NaN as its canonical NaN (value.NormalNaN).
    if (Number.isNaN(v)) v = NORMAL_NAN;
    if (newKey !== null) entry = cache.add(newKey, this.#storage.ref(newLabels!), mode);
    cache.follow(entry);
    const ref = cache.ref(entry);
    this.#count(this.#storage.appendRef(ref, t, v), ref, t, v);
  }

  #count(status: AppendStatus, ref: number, t: number, v: number): void {
    const tally = this.tally;
    if (status === 'added') tally.added++;
    else if (status === 'identical') tally.identical++;
    else {
      tally.rejected++;
      if (tally.rejections.length < this.#maxRejections) {
        tally.rejections.push({
          labels: this.#storage.labelsOf(ref),
          timestampMs: t,
          value: v,
          reason: status,
        });
      }
    }
  }

  #badNumber(what: string, text: string, start: number, end: number): LineError {
    return new LineError(`invalid ${what} ${JSON.stringify(text.slice(start, end))}`);
  }

  /**
   * Whether a series text known to start the line may end at `q`: true after a `}`;
   * after a bare name, only if no more name characters or `{` follow (the same rule as
   * `#scanSeries`).
   */
  #endsSeries(text: string, q: number, end: number): boolean {
    if (text.charCodeAt(q - 1) === 0x7d) return true;
    if (q >= end) return true;
    const c = text.charCodeAt(q);
    if (isMetricNameChar(c) || c === 0x7b) return false;
    if (this.#om || !isBlank(c)) return true;
    let r = q + 1;
    while (r < end && isBlank(text.charCodeAt(r))) r++;
    return r >= end || text.charCodeAt(r) !== 0x7b;
  }

  /** End of the series part (`name`, `name{…}` or `{…}`) starting at `p`. */
  #scanSeries(text: string, p: number, end: number): number {
    const c = text.charCodeAt(p);
    if (c === 0x7b) return scanBraces(text, p, end);
    if (!isMetricNameStart(c)) throw new LineError('expected a metric name or "{"');
    let q = p + 1;
    while (q < end && isMetricNameChar(text.charCodeAt(q))) q++;
    let r = q;
    if (!this.#om) while (r < end && isBlank(text.charCodeAt(r))) r++;
    if (r < end && text.charCodeAt(r) === 0x7b) return scanBraces(text, r, end);
    return q;
  }

  /** The validated labels of series text seen for the first time. */
  #seriesLabels(text: string, start: number, end: number, mode: number): Labels {
    const labels = this.#parseLabels(text, start, end, false);
    if (mode !== 0) {
      const target = mode === 1 ? 'le' : 'quantile';
      for (let i = 0; i < labels.length; i++) {
        const l = labels[i]!;
        if (l.name === target && parseGoFloat(l.value, 0, l.value.length, this.#num)) {
          labels[i] = { name: l.name, value: formatOpenMetricsFloat(this.#num[0]!) };
        }
      }
    }
    try {
      return normalizeLabels(labels);
    } catch (e) {
      if (isStorageError(e)) throw new LineError(e.message);
      throw e;
    }
  }

  /**
   * Labels of `text[start, end)`: `name`, `name{…}` or `{…}`, the metric name (also
   * `{"quoted.name", …}`) first as `__name__`. For an exemplar (`isExemplar`), just the
   * `{…}` pairs. Sets `#pos` to where parsing stopped.
   */
  #parseLabels(text: string, start: number, end: number, isExemplar: boolean): Label[] {
    const om = this.#om;
    const labels: Label[] = [];
    let name: string | null = null;
    let p = start;
    if (!isExemplar && isMetricNameStart(text.charCodeAt(p))) {
      let q = p + 1;
      while (q < end && isMetricNameChar(text.charCodeAt(q))) q++;
      name = text.slice(p, q);
      p = q;
      if (!om) while (p < end && isBlank(text.charCodeAt(p))) p++;
      if (p >= end || text.charCodeAt(p) !== 0x7b) {
        this.#pos = q;
        labels.push({ name: '__name__', value: name });
        return labels;
      }
    }
    p++; // past '{'
    for (;;) {
      if (!om) while (p < end && isBlank(text.charCodeAt(p))) p++;
      if (p >= end) throw new LineError('expected "}" to close the labels');
      const c = text.charCodeAt(p);
      if (c === 0x7d /* } */) {
        p++;
        break;
      }
      let labelName: string;
      let quoted = false;
      if (c === 0x22 /* " */) {
        labelName = unescapeLabelValue(this.#quoted(text, p, end));
        p = this.#pos;
        quoted = true;
      } else if (isLabelNameStart(c)) {
        let q = p + 1;
        while (q < end && isLabelNameChar(text.charCodeAt(q))) q++;
        labelName = text.slice(p, q);
        p = q;
      } else {
        throw new LineError('expected label name');
      }
      if (!om) while (p < end && isBlank(text.charCodeAt(p))) p++;
      const next = text.charCodeAt(p);
      if (quoted && (next === 0x2c /* , */ || next === 0x7d) && !isExemplar) {
        // A lone quoted string is the metric name: {"my.metric", a="b"}.
        if (name !== null) throw new LineError('metric name already set');
        name = labelName;
        p++;
        if (next === 0x7d) break;
        continue;
      }
      if (next !== 0x3d /* = */) throw new LineError('expected "=" after label name');
      p++;
      if (!om) while (p < end && isBlank(text.charCodeAt(p))) p++;
      if (p >= end || text.charCodeAt(p) !== 0x22) throw new LineError('expected label value');
      const value = unescapeLabelValue(this.#quoted(text, p, end));
      p = this.#pos;
      labels.push({ name: labelName, value });
      if (om) {
        const sep = text.charCodeAt(p);
        if (sep === 0x2c) p++;
        else if (sep !== 0x7d) throw new LineError('expected "," or "}" after label value');
      } else {
        while (p < end && isBlank(text.charCodeAt(p))) p++;
        if (text.charCodeAt(p) === 0x2c) p++;
      }
    }
    this.#pos = p;
    if (isExemplar) return labels;
    if (name === null) throw new LineError('metric name not set');
    labels.push({ name: '__name__', value: name });
    return labels;
  }

  /** The raw content of the quoted string at `p` (escapes kept); sets `#pos` past it. */
  #quoted(text: string, p: number, end: number): string {
    let q = p + 1;
    while (q < end) {
      const c = text.charCodeAt(q);
      if (c === 0x5c /* \ */) q += 2;
      else if (c === 0x22) break;
      else q++;
    }
    if (q >= end) throw new LineError('unterminated quoted string');
    this.#pos = q + 1;
    return text.slice(p + 1, q);
  }

  /** Validates an OpenMetrics exemplar `{labels} value [timestamp]` at `p` (after ` # `). */
  #exemplar(text: string, p: number, end: number): void {
    this.#parseLabels(text, p, end, true);
    let q = this.#pos;
    if (q >= end || text.charCodeAt(q) !== 0x20) throw new LineError('expected exemplar value');
    const vs = ++q;
    while (q < end && text.charCodeAt(q) !== 0x20) q++;
    if (!parseGoFloat(text, vs, q, this.#num)) throw this.#badNumber('exemplar value', text, vs, q);
    if (q < end) {
      const ts = ++q;
      while (q < end && text.charCodeAt(q) !== 0x20) q++;
      if (!parseGoFloat(text, ts, q, this.#num) || !Number.isFinite(this.#num[0]!)) {
        throw this.#badNumber('exemplar timestamp', text, ts, q);
      }
      if (q < end) throw new LineError('expected end of line after exemplar');
    }
  }

  // === Comments and metadata ===

  /**
   * For a line starting with `#` at `p`: `HELP` or `TYPE` and the position after the
   * keyword's blanks, or null for a plain comment (Prometheus format).
   */
  #metaKeyword(text: string, p: number, end: number): { kind: 'HELP' | 'TYPE'; at: number } | null {
    let q = p + 1;
    if (q >= end || !isBlank(text.charCodeAt(q))) return null;
    while (q < end && isBlank(text.charCodeAt(q))) q++;
    let kind: 'HELP' | 'TYPE';
    if (text.startsWith('HELP', q)) kind = 'HELP';
    else if (text.startsWith('TYPE', q)) kind = 'TYPE';
    else return null;
    let r = q + 4;
    if (r >= end || !isBlank(text.charCodeAt(r))) return null;
    while (r < end && isBlank(text.charCodeAt(r))) r++;
    return { kind, at: r };
  }

  #promComment(text: string, p: number, end: number): void {
    const meta = this.#metaKeyword(text, p, end);
    if (meta === null) return; // a comment: ignored
    const name = this.#metaName(text, meta.at, end, meta.kind);
    const rest = text.slice(this.#pos, end);
    // The token after the name is the rest of the line; its first character (normally
    // the separating blank) is dropped, as Prometheus does.
    const body = /^[ \t]*$/.test(rest) ? '' : rest.slice(1);
    if (meta.kind === 'HELP') {
      this.#storage.setMetadata(name, { help: unescapeHelp(body) });
    } else {
      const type = Object.hasOwn(PROM_TYPES, body) ? PROM_TYPES[body] : undefined;
      if (type === undefined) {
        throw new LineError(`invalid metric type ${JSON.stringify(body)}`);
      }
      this.#type = type;
      this.#storage.setMetadata(name, { type });
    }
  }

  #omComment(text: string, p: number, end: number): void {
    if (!text.startsWith('# ', p)) throw new LineError('expected "# " to start a metadata line');
    const q = p + 2;
    if (q + 3 === end && text.startsWith('EOF', q)) {
      this.#eof = true;
      return;
    }
    let kind: 'HELP' | 'TYPE' | 'UNIT';
    if (text.startsWith('HELP ', q)) kind = 'HELP';
    else if (text.startsWith('TYPE ', q)) kind = 'TYPE';
    else if (text.startsWith('UNIT ', q)) kind = 'UNIT';
    else throw new LineError('OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF lines');
    const name = this.#metaName(text, q + 5, end, kind);
    const r = this.#pos;
    if (r >= end || text.charCodeAt(r) !== 0x20) throw new LineError(`expected text in ${kind}`);
    const body = text.slice(r + 1, end);
    if (kind === 'HELP') {
      this.#storage.setMetadata(name, { help: unescapeLabelValue(body) });
    } else if (kind === 'TYPE') {
      const type = Object.hasOwn(OM_TYPES, body) ? OM_TYPES[body] : undefined;
      if (type === undefined) throw new LineError(`invalid metric type ${JSON.stringify(body)}`);
      this.#type = type;
      this.#storage.setMetadata(name, { type });
    } else {
      if (body !== '' && !(name.length > body.length && name.endsWith(`_${body}`))) {
        throw new LineError(
          `unit ${JSON.stringify(body)} not a suffix of metric ${JSON.stringify(name)}`,
        );
      }
      this.#storage.setMetadata(name, { unit: body });
    }
  }

  /** The metric name of a metadata line (plain, or quoted and kept raw); sets `#pos`. */
  #metaName(text: string, p: number, end: number, kind: string): string {
    if (p < end && text.charCodeAt(p) === 0x22) return this.#quoted(text, p, end);
    if (p >= end || !isMetricNameStart(text.charCodeAt(p))) {
      throw new LineError(`expected metric name after ${kind}`);
    }
    let q = p + 1;
    while (q < end && isMetricNameChar(text.charCodeAt(q))) q++;
    this.#pos = q;
    return text.slice(p, q);
  }
}

/** End (exclusive) of the `{…}` block at `p`, skipping quoted strings. */
function scanBraces(text: string, p: number, end: number): number {
  let q = p + 1;
  while (q < end) {
    const c = text.charCodeAt(q);
    if (c === 0x22) {
      q++;
      while (q < end) {
        const d = text.charCodeAt(q);
        if (d === 0x5c) q += 2;
        else if (d === 0x22) break;
        else q++;
      }
      if (q >= end) throw new LineError('unterminated quoted string');
      q++;
    } else if (c === 0x7d) {
      return q + 1;
    } else {
      q++;
    }
  }
  throw new LineError('expected "}" to close the labels');
}

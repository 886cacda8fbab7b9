/**
 * Query results in the JSON of Prometheus's HTTP API (`/api/v1/query`,
 * `/api/v1/query_range`): the `data` object, and the whole response body byte for byte
 * as Prometheus writes it (timestamps as seconds with millisecond decimals, values as
 * strings in Go's shortest float format, `"NaN"`, `"+Inf"`, `"-Inf"`).
 */
import { formatFloatF } from '@promql-ts/parser';
import { formatAnnotation } from './annotations.js';
import type { Annotation, QueryResult, QueryValue } from './result.js';
import type { Labels } from './storage.js';

/** A sample as the API writes it: `[seconds, "value"]`. */
export type JsonPoint = [number, string];

/** The `data` object of a query response. */
export type PrometheusQueryData =
  | {
      resultType: 'vector';
      result: { metric: Record<string, string>; value: JsonPoint }[];
    }
  | {
      resultType: 'matrix';
      result: { metric: Record<string, string>; values: JsonPoint[] }[];
    }
  | { resultType: 'scalar'; result: JsonPoint }
  | { resultType: 'string'; result: [number, string] };

/** A successful query response, as the API returns it. */
export interface PrometheusQueryResponse {
  status: 'success';
  data: PrometheusQueryData;
  /** Present only when there are warnings. */
  warnings?: string[];
  /** Present only when there are infos. */
  infos?: string[];
}

/**
 * A float as Prometheus's API writes sample values: Go's
 * `strconv.FormatFloat(v, 'f', -1, 64)`, switching to the exponent form below 1e-6 and from
 * 1e21 on; `NaN`, `+Inf`, `-Inf`.
 */
export function formatSampleValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // JavaScript switches to the exponent form at the same bounds; Go writes at least two
  // exponent digits.
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const sign = s[e + 1]!;
  const digits = s.slice(e + 2);
  return `${s.slice(0, e)}e${sign}${digits.length < 2 ? `0${digits}` : digits}`;
}

/** A millisecond timestamp as the API writes it: seconds with up to three decimals. */
export function formatTimestamp(ms: number): string {
  const neg = ms < 0;
  const abs = Math.abs(ms);
  const secs = Math.floor(abs / 1000);
  const frac = abs % 1000;
  const sign = neg ? '-' : '';
  if (frac === 0) return `${sign}${secs}`;
  return `${sign}${secs}.${String(frac).padStart(3, '0')}`;
}

function metricObject(ls: Labels): Record<string, string> {
  const o: Record<string, string> = {};
  for (const l of ls) o[l.name] = l.value;
  return o;
}

function annotationTexts(list: readonly Annotation[], query: string): string[] {
  return list.map((a) => formatAnnotation(a, query));
}

/**
 * The `data` object Prometheus's `/api/v1/query` or `/api/v1/query_range` returns for
 * this result (timestamps as numbers of seconds).
 */
export function toPrometheusData(value: QueryValue): PrometheusQueryData {
  const point = (t: number, v: number): JsonPoint => [t / 1000, formatSampleValue(v)];
  switch (value.type) {
    case 'vector':
      return {
        resultType: 'vector',
        result: value.samples.map((s) => ({
          metric: metricObject(s.metric),
          value: point(s.t, s.v),
        })),
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => ({
          metric: metricObject(s.metric),
          values: Array.from(s.timestamps, (t, i) => point(t, s.values[i]!)),
        })),
      };
    case 'scalar':
      return { resultType: 'scalar', result: [value.t / 1000, formatFloatF(value.v)] };
    case 'string':
      return { resultType: 'string', result: [value.t / 1000, value.v] };
  }
}

/**
 * The response of Prometheus's query API for this result: `status`, `data`, and
 * `warnings`/`infos` (with their ` (line:col)` positions) when there are any.
 *
 * @example
 * ```ts
 * const result = await evaluate('up', storage, Date.now());
 * res.end(JSON.stringify(toPrometheusJSON(result)));
 * ```
 */
export function toPrometheusJSON(result: QueryResult): PrometheusQueryResponse {
  const out: PrometheusQueryResponse = { status: 'success', data: toPrometheusData(result.value) };
  if (result.warnings.length > 0) out.warnings = annotationTexts(result.warnings, result.query);
  if (result.infos.length > 0) out.infos = annotationTexts(result.infos, result.query);
  return out;
}

/**
 * A JSON string as Prometheus's API writes it: U+2028/U+2029, control characters and
 * invalid bytes escaped as Go does; `<`, `>` and `&` escaped too when `escapeHtml` (Go's
 * encoding/json default, used for warnings and string results; label names and values are
 * written without it).
 */
export function goJsonString(s: string, escapeHtml = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x22:
        out += '\\"';
        break;
      case 0x5c:
        out += '\\\\';
        break;
      case 0x0a:
        out += '\\n';
        break;
      case 0x0d:
        out += '\\r';
        break;
      case 0x09:
        out += '\\t';
        break;
      case 0x3c:
      case 0x3e:
      case 0x26:
        out += escapeHtml ? `\\u00${c.toString(16)}` : s[i]!;
        break;
      case 0x2028:
      case 0x2029:
        out += `\\u${c.toString(16).padStart(4, '0')}`;
        break;
      default:
        if (c < 0x20) out += `\\u${c.toString(16).padStart(4, '0')}`;
        else if (c >= 0xd800 && c <= 0xdfff) {
          // A lone surrogate (an invalid byte, see the parser's string convention) is
          // written as Go writes invalid UTF-8: the replacement character.
          const next = s.charCodeAt(i + 1);
          if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
            out += s[i]! + s[i + 1]!;
            i++;
          } else out += '\ufffd';
        } else out += s[i]!;
    }
  }
  return `${out}"`;
}

function writeMetric(ls: Labels): string {
  return `{${ls.map((l) => `${goJsonString(l.name, false)}:${goJsonString(l.value, false)}`).join(',')}}`;
}

function writePoint(t: number, v: number): string {
  return `[${formatTimestamp(t)},"${formatSampleValue(v)}"]`;
}

/** The `data` object as Prometheus's API writes it, byte for byte. */
export function formatPrometheusData(value: QueryValue): string {
  switch (value.type) {
    case 'vector':
      return `{"resultType":"vector","result":[${value.samples
        .map((s) => `{"metric":${writeMetric(s.metric)},"value":${writePoint(s.t, s.v)}}`)
        .join(',')}]}`;
    case 'matrix':
      return `{"resultType":"matrix","result":[${value.series
        .map((s) => {
          const pts: string[] = [];
          for (let i = 0; i < s.timestamps.length; i++)
            pts.push(writePoint(s.timestamps[i]!, s.values[i]!));
          return `{"metric":${writeMetric(s.metric)},"values":[${pts.join(',')}]}`;
        })
        .join(',')}]}`;
    // Scalars and strings go through Go's encoding/json: the time as a float64 of seconds,
    // a scalar's value in plain decimal (no exponent form).
    case 'scalar':
      return `{"resultType":"scalar","result":[${String(value.t / 1000)},"${formatFloatF(value.v)}"]}`;
    case 'string':
      return `{"resultType":"string","result":[${String(value.t / 1000)},${goJsonString(value.v)}]}`;
  }
}

/**
 * The whole response body of Prometheus's query API for this result, byte for byte as
 * Prometheus 3 writes it (without `stats`, which the caller adds when asked).
 */
export function formatPrometheusResponse(result: QueryResult): string {
  let body = `{"status":"success","data":${formatPrometheusData(result.value)}`;
  if (result.warnings.length > 0) {
    body += `,"warnings":[${annotationTexts(result.warnings, result.query)
      .map((t) => goJsonString(t))
      .join(',')}]`;
  }
  if (result.infos.length > 0) {
    body += `,"infos":[${annotationTexts(result.infos, result.query)
      .map((t) => goJsonString(t))
      .join(',')}]`;
  }
  return `${body}}`;
}

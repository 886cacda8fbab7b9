/**
 * JSON as Prometheus's API writes it with json-iterator's standard-library-compatible
 * configuration: struct fields in declaration order, map keys sorted, strings with
 * `<`, `>` and `&` escaped, floats in Go's `encoding/json` format.
 */
import { goJsonString } from '@promql-ts/engine';

/** A Go map: written with its keys sorted bytewise, as `encoding/json` writes maps. */
export class GoMap {
  constructor(readonly entries: Readonly<Record<string, unknown>>) {}
}

/** A piece of JSON written elsewhere, inserted as is. */
export class RawJson {
  constructor(readonly json: string) {}
}

/**
 * A float64 as `encoding/json` writes it. For finite values JavaScript's shortest
 * round-trip form is the same text: plain decimals from 1e-6 to 1e21, exponent form
 * (`1e-7`, `1e+21`) outside.
 */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${v}`);
  return Object.is(v, -0) ? '-0' : String(v);
}

/** Compares strings by their UTF-8 bytes, as Go's `sort.Strings` does. */
export function compareBytes(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // UTF-16 order differs from code point (UTF-8) order only between surrogates and
    // U+E000..U+FFFF: move surrogates above the rest of the BMP.
    if (x >= 0xd800) x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
    if (y >= 0xd800) y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Writes `value` as Go's JSON: `null`, booleans, numbers (integers without a fraction),
 * strings (HTML-escaped), arrays, plain objects as structs (keys in insertion order, an
 * `undefined` field omitted as `omitempty` does), {@link GoMap}s and {@link RawJson}.
 */
export function writeGoJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return goFloat(value);
    case 'string':
      return goJsonString(value, true);
    case 'object':
      break;
    default:
      throw new Error(`json: unsupported type: ${typeof value}`);
  }
  if (value instanceof RawJson) return value.json;
  if (Array.isArray(value)) return `[${value.map(writeGoJson).join(',')}]`;
  if (value instanceof GoMap) {
    const keys = Object.keys(value.entries).sort(compareBytes);
    return `{${keys.map((k) => `${goJsonString(k, true)}:${writeGoJson(value.entries[k])}`).join(',')}}`;
  }
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined) continue;
    parts.push(`${goJsonString(k, true)}:${writeGoJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

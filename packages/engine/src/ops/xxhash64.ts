/**
 * XXH64 (the 64-bit xxHash of Yann Collet, as github.com/cespare/xxhash computes it with
 * seed 0) and Prometheus's `labels.Labels.Hash()`, which is the XXH64 of the label set's
 * internal encoding. `limit_ratio` samples series by this hash, so it has to be bit-exact.
 *
 * BigInt arithmetic keeps the code short and obviously right; callers hash each series
 * once per query, never per sample.
 */
import type { Labels } from '../storage.js';

const MASK64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK64;
}

function round(acc: bigint, lane: bigint): bigint {
  acc = (acc + lane * P2) & MASK64;
  acc = rotl(acc, 31n);
  return (acc * P1) & MASK64;
}

function mergeRound(acc: bigint, val: bigint): bigint {
  acc ^= round(0n, val);
  return (acc * P1 + P4) & MASK64;
}

/** The XXH64 digest of `data` with seed 0, as an unsigned 64-bit BigInt. */
export function xxhash64(data: Uint8Array): bigint {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.length;
  let p = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & MASK64;
    let v2 = P2;
    let v3 = 0n;
    let v4 = -P1 & MASK64;
    for (; p + 32 <= n; p += 32) {
      v1 = round(v1, view.getBigUint64(p, true));
      v2 = round(v2, view.getBigUint64(p + 8, true));
      v3 = round(v3, view.getBigUint64(p + 16, true));
      v4 = round(v4, view.getBigUint64(p + 24, true));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK64;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & MASK64;
  for (; p + 8 <= n; p += 8) {
    h ^= round(0n, view.getBigUint64(p, true));
    h = (rotl(h, 27n) * P1 + P4) & MASK64;
  }
  if (p + 4 <= n) {
    h ^= (BigInt(view.getUint32(p, true)) * P1) & MASK64;
    h = (rotl(h, 23n) * P2 + P3) & MASK64;
    p += 4;
  }
  for (; p < n; p++) {
    h ^= (BigInt(data[p]!) * P5) & MASK64;
    h = (rotl(h, 11n) * P1) & MASK64;
  }
  h ^= h >> 33n;
  h = (h * P2) & MASK64;
  h ^= h >> 29n;
  h = (h * P3) & MASK64;
  h ^= h >> 32n;
  return h;
}

/**
 * Appends the bytes of `s` as Go holds the string: UTF-8, except that a surrogate-escaped
 * byte (U+DC80–U+DCFF, see the parser's string convention) is that raw byte again. Any
 * other lone surrogate becomes U+FFFD.
 */
function appendGoBytes(out: number[], s: string): void {
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp < 0x80) {
      out.push(cp);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
        out.push(
          0xf0 | (cp >> 18),
          0x80 | ((cp >> 12) & 0x3f),
          0x80 | ((cp >> 6) & 0x3f),
          0x80 | (cp & 0x3f),
        );
        continue;
      }
    }
    if (cp >= 0xdc80 && cp <= 0xdcff) {
      out.push(cp - 0xdc00);
      continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
    else out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  }
}

/** Appends `bytes` preceded by its length as Prometheus's string labels encode it. */
function appendSized(out: number[], bytes: number[]): void {
  const n = bytes.length;
  if (n < 255) out.push(n);
  else out.push(255, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff);
  for (const b of bytes) out.push(b);
}

/**
 * The bytes of a label set in Prometheus's default (`stringlabels`) representation: for
 * each label in name order, the name and then the value, each preceded by its length (one
 * byte below 255, else 255 and three little-endian bytes).
 */
export function labelsBytes(ls: Labels): Uint8Array {
  const out: number[] = [];
  const buf: number[] = [];
  for (const l of ls) {
    buf.length = 0;
    appendGoBytes(buf, l.name);
    appendSized(out, buf);
    buf.length = 0;
    appendGoBytes(buf, l.value);
    appendSized(out, buf);
  }
  return Uint8Array.from(out);
}

/** Prometheus's `labels.Labels.Hash()`. */
export function labelsHash(ls: Labels): bigint {
  return xxhash64(labelsBytes(ls));
}

/**
 * A quick test for label sets that occur twice among the rows of a vector, for the label
 * rewrites, whose results usually have none: a 32-bit hash of each set (FNV-1a over its
 * names and values) instead of a string key per row. Only when two hashes are equal does
 * the caller need its exact (and slower) merge.
 */
import type { Labels } from '../storage.js';

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function hashString(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return h;
}

/** A 32-bit hash of a label set (equal sets, equal hashes). */
export function labelsHash(ls: Labels): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < ls.length; i++) {
    const l = ls[i]!;
    // Marks after each name and value, so that moving characters between them changes
    // the hash (a collision only costs the caller's exact check).
    h = Math.imul(hashString(l.name, h) ^ 0xffff, FNV_PRIME);
    h = Math.imul(hashString(l.value, h) ^ 0xfffe, FNV_PRIME);
  }
  return h;
}

/**
 * Whether two of `labels` may be the same set: false only when all are different; true
 * when two are equal, and also when two different sets have the same hash.
 */
export function maySameLabelsets(labels: readonly Labels[]): boolean {
  if (labels.length < 2) return false;
  const seen = new Set<number>();
  for (let r = 0; r < labels.length; r++) {
    const h = labelsHash(labels[r]!);
    if (seen.has(h)) return true;
    seen.add(h);
  }
  return false;
}

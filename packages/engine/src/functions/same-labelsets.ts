/**
 * A quick test for label sets that occur twice among the rows of a vector, for the label
 * rewrites, whose results usually have none: the 32-bit hash of each set
 * ({@link projectionHash}) in a set of numbers, cheaper than numbering the sets. Only
 * when two hashes are equal does the caller need its exact (and slower) merge.
 */
import { ALL_LABELS, projectionHash } from '../label-set-index.js';
import type { Labels } from '../storage.js';

/**
 * Whether two of `labels` may be the same set: false only when all are different; true
 * when two are equal, and also when two different sets have the same hash.
 */
export function maySameLabelsets(labels: readonly Labels[]): boolean {
  if (labels.length < 2) return false;
  const seen = new Set<number>();
  for (let r = 0; r < labels.length; r++) {
    const h = projectionHash(labels[r]!, ALL_LABELS);
    if (seen.has(h)) return true;
    seen.add(h);
  }
  return false;
}

/**
 * Checks on results that Prometheus makes between operations.
 */
import { ExecutionError } from '../errors.js';
import { ALL_LABELS, LabelSetIndex } from '../label-set-index.js';
import type { Labels } from '../storage.js';

/** Prometheus's error for two series with one label set in a result. */
export const SAME_LABELSET = 'vector cannot contain metrics with the same labelset';

/**
 * Fails when two of `labels` are equal: Prometheus refuses such a result from functions
 * over range vectors and from unary minus, whatever steps the series have points at.
 */
export function checkUniqueLabelsets(labels: readonly Labels[]): void {
  if (labels.length < 2) return;
  const seen = new LabelSetIndex(ALL_LABELS, labels.length);
  for (const ls of labels) {
    const before = seen.size;
    if (seen.add(ls) < before) throw new ExecutionError(SAME_LABELSET);
  }
}

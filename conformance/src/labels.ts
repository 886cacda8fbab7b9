/**
 * Label-set helpers shared by the comparison, the runner and the differential tools:
 * identity keys, Prometheus's ordering (`labels.Compare`) and its printed form
 * (`labels.String`).
 */
import { compareLabels, type Labels } from '@promql-ts/engine';
import { isLegacyLabelName, quoteGo } from '@promql-ts/parser';

/**
 * A string that is equal for two label sets exactly when they are equal (same order). A
 * label with an empty value does not exist in PromQL (`{a=""}` selects series without
 * `a`), so it is left out: an expected `{__unit__=""}` in a test file equals a series
 * without `__unit__`.
 */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(labels.filter((l) => l.value !== '').map((l) => [l.name, l.value]));
}

/** A label set as Prometheus prints it: `{__name__="up", job="api"}`. */
export function formatLabels(labels: Labels): string {
  const parts = labels.map(
    (l) => `${isLegacyLabelName(l.name) ? l.name : quoteGo(l.name)}=${quoteGo(l.value)}`,
  );
  return `{${parts.join(', ')}}`;
}

/** Label sets sorted as Prometheus sorts a matrix (by {@link compareLabels}). */
export function sortLabelSets<T extends { readonly metric: Labels }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => compareLabels(a.metric, b.metric));
}

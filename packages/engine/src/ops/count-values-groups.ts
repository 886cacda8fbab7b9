/**
 * Row groups of `count_values`: the output series of a sample is the grouping of its
 * metric with the value label set to the formatted value, so it depends only on the value
 * and on the labels of the row that the grouping keeps, the value label aside. Rows whose
 * keys here are equal therefore go to the same output series for every value.
 */
import type { Labels } from '../storage.js';

/**
 * An injective encoding of the labels of `ls` that the grouping keeps, without
 * `valueLabel`: with `by`, those named in `names`; with `without`, those not named in
 * `names` (which holds the metric name then). `names` must be sorted. Each label is written
 * as its name and value, each preceded by its length, so that no two different label lists
 * share a key whatever characters their values hold.
 */
export function rowGroupKey(
  ls: Labels,
  names: readonly string[],
  without: boolean,
  valueLabel: string,
): string {
  // With `by` and no name but the value label's, nothing is kept: no label is read.
  if (!without && names.length === 0) return '';
  let key = '';
  let j = 0;
  for (let i = 0; i < ls.length; i++) {
    // With `by`, nothing after the last named label is kept: stop before reading the rest
    // (without a `by` list, before reading any).
    if (!without && j === names.length) break;
    const l = ls[i]!;
    const name = l.name;
    while (j < names.length && names[j]! < name) j++;
    const named = j < names.length && names[j] === name;
    if (named === without || name === valueLabel) continue;
    key += `${name.length}:${name}${l.value.length}:${l.value}`;
  }
  return key;
}

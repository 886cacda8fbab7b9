/**
 * The labels of `absent()` and `absent_over_time()` results, as Prometheus's
 * `createLabelsForAbsentFunction` derives them from the selector's matchers.
 */
import type { LabelMatcher } from '@promql-ts/parser';
import { labelsFrom, METRIC_NAME } from '../labels.js';
import type { Labels } from '../storage.js';

/**
 * The label set of an absent series: each label with exactly one equality matcher and no
 * other matcher gets that value (the metric name never does). A label matched more than
 * once, or by anything but `=`, is left out, as Prometheus has always done.
 */
export function absentLabels(matchers: readonly LabelMatcher[]): Labels {
  const values = new Map<string, string>();
  const seen = new Set<string>();
  for (const m of matchers) {
    if (m.name === METRIC_NAME) continue;
    if (m.type === '=' && !seen.has(m.name)) {
      values.set(m.name, m.value);
      seen.add(m.name);
    } else {
      values.delete(m.name);
    }
  }
  return labelsFrom(values);
}

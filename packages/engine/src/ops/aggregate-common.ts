/**
 * What every aggregation shares: the scalar parameter summarised over all steps (as
 * Prometheus's `fParams` does before the per-step work), and the assignment of input
 * rows to groups (`generateGroupingKey` / `generateGroupingLabels` in promql/engine.go).
 */

import { projectionOrdinals } from '../label-list-cache.js';
import {
  compareStrings,
  dropLabels,
  keepLabels,
  keyForLabels,
  keyWithoutLabels,
  METRIC_NAME,
} from '../labels.js';
import { f64, u8, u32 } from '../pool.js';
import type { Labels } from '../storage.js';
import type { StepVectors, Value } from '../value.js';

/** Go's `math.Max`: +Inf wins over NaN, NaN over everything else. */
export function goMax(x: number, y: number): number {
  if (x === Number.POSITIVE_INFINITY || y === Number.POSITIVE_INFINITY) {
    return Number.POSITIVE_INFINITY;
  }
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? y : x;
  return Math.max(x, y);
}

/** Go's `math.Min`: -Inf wins over NaN, NaN over everything else. */
export function goMin(x: number, y: number): number {
  if (x === Number.NEGATIVE_INFINITY || y === Number.NEGATIVE_INFINITY) {
    return Number.NEGATIVE_INFINITY;
  }
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.NaN;
  if (x === 0 && y === 0) return Object.is(x, -0) ? x : y;
  return Math.min(x, y);
}

/** The scalar parameter of an aggregation at every step, with its range over the steps. */
export interface StepParams {
  /** One value per step (0 when the aggregation has no parameter). */
  readonly values: Float64Array;
  /** `math.Min` over the steps (0 without a parameter). */
  readonly min: number;
  /** `math.Max` over the steps (0 without a parameter). */
  readonly max: number;
  readonly hasNaN: boolean;
}

/** Summarises the parameter as Prometheus's `newFParams` does. */
export function stepParams(param: Value | null, nSteps: number): StepParams {
  if (param === null || param.kind !== 'scalar') {
    return { values: f64(nSteps), min: 0, max: 0, hasNaN: false };
  }
  let min = Number.MAX_VALUE;
  let max = -Number.MAX_VALUE;
  let hasNaN = false;
  const values = param.values;
  for (let s = 0; s < nSteps; s++) {
    const v = values[s]!;
    max = goMax(max, v);
    min = goMin(min, v);
    if (Number.isNaN(v)) hasNaN = true;
  }
  return { values, min, max, hasNaN };
}

/** Whether each row has a point at some step (Prometheus only holds such series). */
export function rowsWithPoints(v: StepVectors): Uint8Array {
  const { nSteps } = v;
  const n = v.labels.length;
  const present = u8(n);
  for (let r = 0; r < n; r++) {
    const base = r * nSteps;
    for (let s = 0; s < nSteps; s++) {
      if (v.mask[base + s] === 1) {
        present[r] = 1;
        break;
      }
    }
  }
  return present;
}

/** The label names `without (…)` leaves out of the grouping key: those named and the name. */
export function withoutNames(grouping: readonly string[]): string[] {
  const names = [...new Set([...grouping, METRIC_NAME])];
  names.sort(compareStrings);
  return names;
}

/**
 * The grouping key of a label set: with `by`, the labels named (sorted `names`); with
 * `without`, every label but those in `names` (which then must include the metric name).
 */
export function groupingKey(ls: Labels, names: readonly string[], without: boolean): string {
  return without ? keyWithoutLabels(ls, names) : keyForLabels(ls, names);
}

/** The labels of the output series of a group whose first member has labels `ls`. */
export function groupingLabels(ls: Labels, names: readonly string[], without: boolean): Labels {
  if (without) return dropLabels(ls, names);
  if (names.length === 0) return [];
  return keepLabels(ls, names);
}

/** Input rows assigned to groups, groups numbered in order of their first row. */
export interface RowGroups {
  /** Group of each row (0 for rows without any point, which belong to no group). */
  readonly groupOf: Uint32Array;
  /** The first row of each group. */
  readonly firstRow: number[];
  /** Whether each row has any point. */
  readonly present: Uint8Array;
}

/**
 * Groups the rows of `input` by `names` (see {@link groupingKey}). Rows without any point
 * take no part: Prometheus's input matrix does not hold such series, so they must not
 * create groups or change the groups' order.
 */
export function groupRows(
  input: StepVectors,
  names: readonly string[],
  without: boolean,
): RowGroups {
  const present = rowsWithPoints(input);
  return { ...groupLabels(input.labels, names, without, present), present };
}

/**
 * Rows with labels `labels` grouped by `names` (see {@link groupingKey}), groups numbered
 * in order of their first row; rows whose `present` is 0 (when given) belong to no group
 * (their `groupOf` is 0).
 */
export function groupLabels(
  labels: readonly Labels[],
  names: readonly string[],
  without: boolean,
  present: Uint8Array | null,
): { groupOf: Uint32Array; firstRow: number[] } {
  const n = labels.length;
  const groupOf = u32(n);
  const firstRow: number[] = [];
  if (!without && names.length === 0) {
    for (let r = 0; r < n; r++) {
      if (present === null || present[r] === 1) {
        firstRow.push(r);
        break;
      }
    }
    return { groupOf, firstRow };
  }
  // Numbered once for the same rows of an earlier query (see label-list-cache.ts).
  const { ords } = projectionOrdinals(
    without ? { kind: 'without', names } : { kind: 'on', names },
    labels,
    present,
  );
  for (let r = 0; r < n; r++) {
    const g = ords[r]!;
    if (g < 0) continue;
    if (g === firstRow.length) firstRow.push(r);
    groupOf[r] = g;
  }
  return { groupOf, firstRow };
}

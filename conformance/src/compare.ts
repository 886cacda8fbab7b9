/**
 * Result checks exactly as Prometheus's promqltest runner makes them (test.go
 * `compareResult`, `checkAnnotations`, `checkExpectedFailure`, `assertMatrixSorted`;
 * util/almost `Equal`; v2.42: promql/test.go). Each check returns the differences it finds
 * as human-readable lines; none means the check passes. Where Prometheus stops at the first
 * difference these functions go on and list them all, which changes nothing about pass or
 * fail.
 */
import {
  compareLabels,
  type MatrixValue,
  type QueryValue,
  type VectorValue,
} from '@promql-ts/engine';
import { formatFloatG, quoteGo } from '@promql-ts/parser';
import { RE2JS } from 're2js';
import { formatLabels, labelsKey } from './labels.js';
import { isStaleMarker } from './promqltest/series.js';
import type {
  Compat,
  EvalCommand,
  ExpectedSeries,
  ExpectKind,
  ExpectLine,
  MessageMatch,
  SequenceValue,
} from './promqltest/types.js';

/** Relative tolerance of value comparisons (Prometheus's `defaultEpsilon`). */
export const DEFAULT_EPSILON = 1e-6;

/** The smallest positive normal float64. */
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * Whether two sample values are equal for the test runner.
 *
 * `'prometheus3'` (util/almost `Equal`): a staleness marker equals only a staleness marker;
 * any two other NaNs are equal; otherwise equal values, or a difference below `epsilon`
 * relative to the sum of magnitudes (below `epsilon × MIN_NORMAL` when either is zero or
 * both are tiny).
 *
 * `'prometheus2'` (v2.42 `almostEqual`): no staleness rule, and the absolute rule applies
 * when the difference (not the sum) is below MIN_NORMAL.
 */
export function almostEqual(
  a: number,
  b: number,
  compat: Compat = 'prometheus3',
  epsilon: number = DEFAULT_EPSILON,
): boolean {
  if (compat === 'prometheus3' && (isStaleMarker(a) || isStaleMarker(b))) {
    return isStaleMarker(a) && isStaleMarker(b);
  }
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const diff = Math.abs(a - b);
  if (compat === 'prometheus2') {
    if (a === 0 || b === 0 || diff < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
    return diff / (Math.abs(a) + Math.abs(b)) < epsilon;
  }
  const absSum = Math.abs(a) + Math.abs(b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Whether the eval expects an ordered result (`eval_ordered` or `expect ordered`). */
export function isOrdered(cmd: EvalCommand): boolean {
  return cmd.legacy.ordered || cmd.expects.some((e) => e.kind === 'ordered');
}

/** Whether the eval expects the query to fail (`eval_fail` or `expect fail`). */
export function isFail(cmd: EvalCommand): boolean {
  return cmd.legacy.fail || cmd.expects.some((e) => e.kind === 'fail');
}

/** Whether a message satisfies an `expect` line's `msg:` / `regex:` (Go regexp search). */
export function messageMatches(match: MessageMatch, message: string): boolean {
  switch (match.type) {
    case 'msg':
      return match.message === message;
    case 'regex':
      return RE2JS.compile(match.pattern).test(message);
    default:
      // Prometheus's default pattern `^.*$`: any message without a newline.
      return !message.includes('\n');
  }
}

function describeMatch(match: MessageMatch): string {
  switch (match.type) {
    case 'msg':
      return `message ${quoteGo(match.message)}`;
    case 'regex':
      return `pattern ${quoteGo(match.pattern)}`;
    default:
      return `pattern ${quoteGo('^.*$')}`;
  }
}

/** A value of a sequence as the messages show it. */
export function formatSequenceValue(v: SequenceValue): string {
  switch (v.kind) {
    case 'omitted':
      return '_';
    case 'float':
      return formatValue(v.value);
    case 'histogram':
      return '{{histogram}}';
    default:
      return `{{histogram ${v.op} ×${v.steps}}}`;
  }
}

/** A float as Go's `%v` shows it, with the staleness marker named. */
export function formatValue(v: number): string {
  if (isStaleMarker(v)) return 'stale';
  return formatFloatG(v);
}

function formatValues(values: readonly SequenceValue[]): string {
  return `[${values.map(formatSequenceValue).join(' ')}]`;
}

function formatPoints(timestamps: Float64Array, values: Float64Array): string {
  const pts: string[] = [];
  for (let i = 0; i < timestamps.length; i++)
    pts.push(`${formatValue(values[i]!)} @[${timestamps[i]}]`);
  const n = timestamps.length;
  return `${n} float point${n === 1 ? '' : 's'} [${pts.join(' ')}]`;
}

/** A sample value of a `SequenceValue` used as a single expected value (`_` reads as 0). */
function expectedFloat(v: SequenceValue): number {
  return v.kind === 'float' ? v.value : 0;
}

function isHistogramValue(v: SequenceValue): boolean {
  return v.kind === 'histogram' || v.kind === 'histogram-series';
}

/**
 * Prometheus's `assertMatrixSorted`: the series of a matrix result must be in label order.
 * Returns the difference, or null.
 */
export function checkMatrixSorted(m: MatrixValue): string | null {
  for (let i = 0; i + 1 < m.series.length; i++) {
    const a = m.series[i]!.metric;
    const b = m.series[i + 1]!.metric;
    if (compareLabels(a, b) > 0) {
      return `matrix results should always be sorted by labels, but matrix is not sorted: series at index ${i + 1} with labels ${formatLabels(b)} sorts before series at index ${i} with labels ${formatLabels(a)}`;
    }
  }
  return null;
}

/**
 * Compares a query's result with an eval's expectations (Prometheus's `compareResult`).
 * Returns every difference; an empty list means the result is as expected.
 *
 * Instant vectors are compared as sets of label sets, with positions checked only for
 * ordered evals; values with {@link almostEqual}; sample timestamps are not compared.
 * Matrices must be sorted by labels and have each expected point at `start + i × step`.
 */
export function compareResult(
  cmd: EvalCommand,
  value: QueryValue,
  compat: Compat = 'prometheus3',
): string[] {
  if (compat === 'prometheus2') return compareResultV2(cmd, value);
  const diffs: string[] = [];
  const expected = new Map<string, ExpectedSeries>();
  for (const s of cmd.expectedSeries) expected.set(labelsKey(s.labels), s);
  const expectScalar = cmd.expectedScalar !== null;
  const ordered = isOrdered(cmd);
  switch (value.type) {
    case 'matrix': {
      if (ordered) return ['expected ordered result, but query returned a matrix'];
      if (expectScalar)
        return [`expected scalar result, but got matrix with ${value.series.length} series`];
      const unsorted = checkMatrixSorted(value);
      if (unsorted !== null) return [unsorted];
      const seen = new Set<string>();
      for (const s of value.series) {
        const key = labelsKey(s.metric);
        const exp = expected.get(key);
        if (exp === undefined) {
          diffs.push(
            `unexpected metric ${formatLabels(s.metric)} in result, has ${formatPoints(s.timestamps, s.values)}`,
          );
          continue;
        }
        seen.add(key);
        const points: { t: number; v: number }[] = [];
        let histograms = 0;
        let tooMany = false;
        for (let i = 0; i < exp.values.length; i++) {
          const t = cmd.startMs + i * cmd.stepMs;
          if (t > cmd.endMs) {
            diffs.push(
              `expected ${exp.values.length} points for ${formatLabels(exp.labels)}, but query time range cannot return this many points`,
            );
            tooMany = true;
            break;
          }
          const e = exp.values[i]!;
          if (isHistogramValue(e)) histograms++;
          else if (e.kind === 'float') points.push({ t, v: e.value });
        }
        if (tooMany) continue;
        if (points.length !== s.timestamps.length || histograms !== 0) {
          diffs.push(
            `expected ${points.length} float points and ${histograms} histogram points for ${formatLabels(exp.labels)}, but got ${formatPoints(s.timestamps, s.values)} and 0 histogram points []`,
          );
          continue;
        }
        for (let i = 0; i < points.length; i++) {
          const e = points[i]!;
          const t = s.timestamps[i]!;
          const v = s.values[i]!;
          if (e.t !== t) {
            diffs.push(
              `expected float value at index ${i} for ${formatLabels(exp.labels)} to have timestamp ${e.t}, but it had timestamp ${t} (result has ${formatPoints(s.timestamps, s.values)})`,
            );
          } else if (!almostEqual(v, e.v)) {
            diffs.push(
              `expected float value at index ${i} (t=${t}) for ${formatLabels(exp.labels)} to be ${formatValue(e.v)}, but got ${formatValue(v)} (result has ${formatPoints(s.timestamps, s.values)})`,
            );
          }
        }
      }
      for (const [key, exp] of expected) {
        if (!seen.has(key)) diffs.push(`expected metric ${formatLabels(exp.labels)} not found`);
      }
      return diffs;
    }
    case 'vector': {
      if (expectScalar)
        return [`expected scalar result, but got vector with ${value.samples.length} samples`];
      const seen = new Set<string>();
      value.samples.forEach((sample, pos) => {
        const key = labelsKey(sample.metric);
        const exp = expected.get(key);
        if (exp === undefined) {
          diffs.push(
            `unexpected metric ${formatLabels(sample.metric)} in result, has value ${formatValue(sample.v)}`,
          );
          return;
        }
        seen.add(key);
        if (ordered && exp.position !== pos + 1) {
          diffs.push(
            `expected metric ${formatLabels(sample.metric)} with ${formatValues(exp.values)} at position ${exp.position} but was at ${pos + 1}`,
          );
        }
        const exp0 = exp.values[0];
        if (exp0 === undefined) {
          diffs.push(`expected metric ${formatLabels(exp.labels)} has no expected value`);
          return;
        }
        if (isHistogramValue(exp0)) {
          diffs.push(
            `expected histogram ${formatSequenceValue(exp0)} for ${formatLabels(sample.metric)} but got float value ${formatValue(sample.v)}`,
          );
          return;
        }
        if (!almostEqual(expectedFloat(exp0), sample.v)) {
          diffs.push(
            `expected ${formatValue(expectedFloat(exp0))} for ${formatLabels(sample.metric)} but got ${formatValue(sample.v)}`,
          );
        }
      });
      for (const [key, exp] of expected) {
        if (!seen.has(key)) {
          diffs.push(
            `expected metric ${formatLabels(exp.labels)} with ${formatValues(exp.values)} not found`,
          );
        }
      }
      return diffs;
    }
    case 'scalar': {
      if (!expectScalar)
        return [`expected vector or matrix result, but got scalar ${formatValue(value.v)}`];
      const exp = cmd.expectedScalar!.value;
      if (!almostEqual(exp, value.v)) {
        return [`expected scalar ${formatValue(exp)} but got ${formatValue(value.v)}`];
      }
      return [];
    }
    case 'string': {
      const exp = cmd.expectedString ?? '';
      if (exp !== value.v) return [`expected string ${quoteGo(exp)} but got ${quoteGo(value.v)}`];
      return [];
    }
  }
}

/** v2.42's `compareResult`: no matrices or strings, no scalar flag, the old `almostEqual`. */
function compareResultV2(cmd: EvalCommand, value: QueryValue): string[] {
  switch (value.type) {
    case 'matrix':
      return ['received range result on instant evaluation'];
    case 'vector': {
      const diffs: string[] = [];
      const expected = new Map<string, ExpectedSeries>();
      for (const s of cmd.expectedSeries) expected.set(labelsKey(s.labels), s);
      const seen = new Set<string>();
      value.samples.forEach((sample, pos) => {
        const key = labelsKey(sample.metric);
        const exp = expected.get(key);
        if (exp === undefined) {
          diffs.push(`unexpected metric ${formatLabels(sample.metric)} in result`);
          return;
        }
        seen.add(key);
        if (cmd.legacy.ordered && exp.position !== pos + 1) {
          diffs.push(
            `expected metric ${formatLabels(sample.metric)} with ${formatValues(exp.values)} at position ${exp.position} but was at ${pos + 1}`,
          );
        }
        const exp0 = exp.values[0];
        if (exp0 === undefined) {
          diffs.push(`expected metric ${formatLabels(exp.labels)} has no expected value`);
          return;
        }
        if (!almostEqual(expectedFloat(exp0), sample.v, 'prometheus2')) {
          diffs.push(
            `expected ${formatValue(expectedFloat(exp0))} for ${formatLabels(sample.metric)} but got ${formatValue(sample.v)}`,
          );
        }
      });
      for (const [key, exp] of expected) {
        if (!seen.has(key)) {
          diffs.push(
            `expected metric ${formatLabels(exp.labels)} with ${formatValues(exp.values)} not found`,
          );
        }
      }
      // The scalar expectation lives in the same map there, under a key no series has.
      if (cmd.expectedScalar !== null) {
        diffs.push(
          `expected metric <nil> with [${formatValue(cmd.expectedScalar.value)}] not found`,
        );
      }
      return diffs;
    }
    case 'scalar': {
      if (cmd.expectedScalar === null)
        return [`expected no scalar but got scalar ${formatValue(value.v)}`];
      const exp = cmd.expectedScalar.value;
      if (!almostEqual(exp, value.v, 'prometheus2')) {
        return [`expected scalar ${formatValue(exp)} but got ${formatValue(value.v)}`];
      }
      return [];
    }
    case 'string':
      return ['unexpected result type string'];
  }
}

function expectsOf(cmd: EvalCommand, kind: ExpectKind): ExpectLine[] {
  return cmd.expects.filter((e) => e.kind === kind);
}

function validateAnnotationsOfType(
  expr: string,
  expected: readonly ExpectLine[],
  actual: readonly string[],
  line: number,
  type: 'info' | 'warn',
  all: readonly string[],
): string | null {
  if (expected.length === 0) return null;
  if (actual.length === 0) {
    return `expected ${type} annotations but none were found for query ${quoteGo(expr)} (line ${line})`;
  }
  for (const e of expected) {
    if (!actual.some((a) => messageMatches(e.match, a))) {
      return `expected ${type} annotation matching ${describeMatch(e.match)} but no matching annotation was found for query ${quoteGo(expr)} (line ${line}), found: [${all.join(', ')}]`;
    }
  }
  for (const a of actual) {
    if (!expected.some((e) => messageMatches(e.match, a))) {
      return `unexpected ${type} annotation ${quoteGo(a)} found for query ${expr} (line ${line})`;
    }
  }
  return null;
}

/**
 * Prometheus's `checkAnnotations` (v3): `eval_warn` / `eval_info` need at least one warning
 * / info; every `expect warn|info` line must match some annotation of its type and, when
 * such lines exist, every annotation of that type must match one of them; `expect
 * no_warn|no_info` forbid any. Annotations are not checked otherwise. Messages are compared
 * whole, as Prometheus's annotations print them (`PromQL warning: …`). Returns the
 * difference, or null.
 */
export function checkAnnotations(
  cmd: EvalCommand,
  expr: string,
  warnings: readonly string[],
  infos: readonly string[],
): string | null {
  if (cmd.legacy.warn && warnings.length === 0) {
    return `expected warnings evaluating query ${quoteGo(expr)} (line ${cmd.line}) but got none`;
  }
  if (cmd.legacy.info && infos.length === 0) {
    return `expected info annotations evaluating query ${quoteGo(expr)} (line ${cmd.line}) but got none`;
  }
  const all = [...warnings, ...infos];
  const warn = validateAnnotationsOfType(
    expr,
    expectsOf(cmd, 'warn'),
    warnings,
    cmd.line,
    'warn',
    all,
  );
  if (warn !== null) return warn;
  const info = validateAnnotationsOfType(
    expr,
    expectsOf(cmd, 'info'),
    infos,
    cmd.line,
    'info',
    all,
  );
  if (info !== null) return info;
  if (expectsOf(cmd, 'no_warn').length > 0 && warnings.length > 0) {
    return `unexpected warning annotations evaluating query ${quoteGo(expr)} (line ${cmd.line}): [${all.join(', ')}]`;
  }
  if (expectsOf(cmd, 'no_info').length > 0 && infos.length > 0) {
    return `unexpected info annotations evaluating query ${quoteGo(expr)} (line ${cmd.line}): [${all.join(', ')}]`;
  }
  return null;
}

/**
 * Prometheus's `checkExpectedFailure`: the error message must equal
 * `expected_fail_message`, match `expected_fail_regexp`, and match the first `expect fail`
 * line, whichever are given. Returns the difference, or null.
 */
export function checkExpectedFailure(cmd: EvalCommand, message: string): string | null {
  if (cmd.expectedFailMessage !== null && cmd.expectedFailMessage !== '') {
    if (cmd.expectedFailMessage !== message) {
      return `expected error ${quoteGo(cmd.expectedFailMessage)} evaluating query ${quoteGo(cmd.expr)} (line ${cmd.line}), but got: ${message}`;
    }
  }
  if (cmd.expectedFailRegexp !== null) {
    if (!RE2JS.compile(cmd.expectedFailRegexp).test(message)) {
      return `expected error matching pattern ${quoteGo(cmd.expectedFailRegexp)} evaluating query ${quoteGo(cmd.expr)} (line ${cmd.line}), but got: ${message}`;
    }
  }
  const fail = expectsOf(cmd, 'fail')[0];
  if (fail !== undefined && !messageMatches(fail.match, message)) {
    return `expected error matching ${quoteGo(fail.match.type === 'msg' ? fail.match.message : fail.match.type === 'regex' ? fail.match.pattern : '^.*$')} evaluating query ${quoteGo(cmd.expr)} (line ${cmd.line}), but got: ${message}`;
  }
  return null;
}

/**
 * The runner's range-mode check: the samples of a range query's matrix at time `t`, as an
 * instant vector (the first point at `t` of each series, in series order).
 */
export function vectorAt(m: MatrixValue, t: number): VectorValue {
  const samples = [];
  for (const s of m.series) {
    for (let i = 0; i < s.timestamps.length; i++) {
      if (s.timestamps[i] === t) {
        samples.push({ metric: s.metric, t, v: s.values[i]! });
        break;
      }
    }
  }
  return { type: 'vector', samples };
}

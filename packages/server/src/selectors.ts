/**
 * `match[]` parameters: series selectors parsed as Prometheus's `parser.ParseMetricSelectors`
 * and checked as `parseMatchersParam` (web/api/v1/api.go), then compiled for the storage.
 */
import { compileMatcher, type Matcher } from '@promql-ts/engine';
import {
  isPromQLError,
  lineColumn,
  type ParseError,
  type ParseOptions,
  parse,
} from '@promql-ts/parser';
import { ParamError } from './params.js';

const EMPTY_SELECTOR = 'vector selector must contain at least one non-empty matcher';

/** The error of a `match[]` set whose matchers all match the empty string. */
export const EMPTY_MATCH_SET = 'match[] must contain at least one non-empty matcher';

/**
 * Parses one series selector (`up`, `{job="api"}`, `x{a=~"b.*"}`) into compiled matchers.
 * Returns null for a selector whose matchers all match the empty string.
 *
 * @throws {ParamError} with the parse error (`1:3: parse error: …`).
 */
function parseSelector(input: string, options: ParseOptions): Matcher[] | null {
  let expr: ReturnType<typeof parse>;
  try {
    expr = parse(input, options);
  } catch (e) {
    if (isPromQLError(e) && e.code === 'parse') {
      const first = (e as ParseError).errors[0];
      // Prometheus's selector grammar accepts `{}`; the emptiness check comes after.
      if (first?.message === EMPTY_SELECTOR) return null;
    }
    throw new ParamError((e as Error).message);
  }
  if (
    expr.kind !== 'VectorSelector' ||
    expr.originalOffsetMs !== 0 ||
    expr.originalOffsetExpr !== null ||
    expr.timestampMs !== null ||
    expr.startOrEnd !== null
  ) {
    // The selector grammar stops after the label matchers: what follows is unexpected.
    const end = expr.kind === 'VectorSelector' ? selectorEnd(input) : 0;
    const { line, column } = lineColumn(input, end);
    throw new ParamError(
      `${line}:${column}: parse error: unexpected ${end === 0 ? 'expression' : 'modifier'} in series selector, expected a metric name and label matchers`,
    );
  }
  const matchers = expr.labelMatchers.map((m) => {
    try {
      return compileMatcher(m.type, m.name, m.value);
    } catch (err) {
      throw new ParamError((err as Error).message);
    }
  });
  return matchers.some((m) => !m.matches('')) ? matchers : null;
}

/** Offset just past the selector's name and `{…}` (where a modifier would start). */
function selectorEnd(input: string): number {
  const brace = input.lastIndexOf('}');
  if (brace >= 0) return brace + 1;
  const m = /^\s*[^\s]+/.exec(input);
  return m === null ? 0 : m[0].length + 1;
}

/**
 * Prometheus's `parseMatchersParam`: every `match[]` value parsed into a matcher set; each
 * set must have a matcher that does not match the empty string.
 *
 * @throws {ParamError} with the parse error, or {@link EMPTY_MATCH_SET}.
 */
export function parseMatchersParam(values: readonly string[], options: ParseOptions): Matcher[][] {
  const sets: (Matcher[] | null)[] = values.map((v) => parseSelector(v, options));
  if (sets.some((s) => s === null)) throw new ParamError(EMPTY_MATCH_SET);
  return sets as Matcher[][];
}

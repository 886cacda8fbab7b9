/**
 * The runner's extra instant queries (Prometheus's `atModifierTestCases`, promqltest
 * test.go; the same in v2.42): every selector and subquery not inside a subquery gets
 * `@ <eval time>` unless it has an `@` already, and the rewritten query is evaluated at
 * several other times. Because everything it reads is pinned to the original time, it must
 * give the same result each time. Queries calling a function whose result depends on the
 * evaluation time itself get no extra cases.
 */
import {
  type Expr,
  type MatrixSelector,
  type ParseOptions,
  parse,
  print,
  type SubqueryExpr,
  type VectorSelector,
} from '@promql-ts/parser';

/**
 * Functions whose result can change with the evaluation time even when their arguments
 * are pinned with `@` (Prometheus's `AtModifierUnsafeFunctions`).
 */
export const AT_MODIFIER_UNSAFE_FUNCTIONS: ReadonlySet<string> = new Set([
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'hour',
  'minute',
  'month',
  'predict_linear',
  'time',
  'timestamp',
  'year',
  // 3.14's query-context functions: their value is the query's own time range, so pinning
  // the selectors and evaluating at another time changes it.
  'start',
  'end',
  'range',
  'step',
]);

/** One extra instant query: the rewritten text and the time to evaluate it at. */
export interface AtModifierCase {
  readonly expr: string;
  readonly evalMs: number;
}

/**
 * Pins every selector and subquery outside subqueries to `@ timeMs`; returns null when the
 * query calls an {@link AT_MODIFIER_UNSAFE_FUNCTIONS} function outside subqueries.
 */
export function pinToTime(expr: Expr, timeMs: number): Expr | null {
  let unsafe = false;
  // `inAtSubquery`: below a subquery, which by then always has an `@` (its own or ours);
  // Prometheus's walker leaves everything there alone, function checks included.
  const visit = (e: Expr, inAtSubquery: boolean): Expr => {
    if (inAtSubquery) return e;
    switch (e.kind) {
      case 'VectorSelector':
        return pinSelector(e, timeMs);
      case 'MatrixSelector':
        return {
          ...e,
          vectorSelector: pinSelector(e.vectorSelector, timeMs),
        } satisfies MatrixSelector;
      case 'SubqueryExpr':
        return {
          ...e,
          timestampMs: e.timestampMs ?? timeMs,
        } satisfies SubqueryExpr;
      case 'Call':
        if (AT_MODIFIER_UNSAFE_FUNCTIONS.has(e.func)) unsafe = true;
        return { ...e, args: e.args.map((a) => visit(a, false)) };
      case 'AggregateExpr':
        return {
          ...e,
          param: e.param === null ? null : visit(e.param, false),
          expr: visit(e.expr, false),
        };
      case 'BinaryExpr':
        return { ...e, lhs: visit(e.lhs, false), rhs: visit(e.rhs, false) };
      case 'ParenExpr':
      case 'UnaryExpr':
        return { ...e, expr: visit(e.expr, false) };
      case 'DurationExpr':
      case 'NumberLiteral':
      case 'StringLiteral':
        return e;
      default:
        return e satisfies never;
    }
  };
  const out = visit(expr, false);
  return unsafe ? null : out;
}

/** `@ t` on a selector without one. An `@ start()`/`@ end()` is replaced, as the timestamp wins. */
function pinSelector(vs: VectorSelector, timeMs: number): VectorSelector {
  if (vs.timestampMs !== null) return vs;
  return { ...vs, timestampMs: timeMs, startOrEnd: null };
}

/**
 * The extra instant queries the runner evaluates for an `eval instant` at `evalMs`: the
 * pinned query at `-10t, 0, t/5, t, 10t` (at `-1s, 0, 1s` when `t` is 0), or none.
 *
 * @throws {ParseError} when the query does not parse.
 */
export function atModifierTestCases(
  expr: string,
  evalMs: number,
  options: ParseOptions = {},
): AtModifierCase[] {
  const pinned = pinToTime(parse(expr, options), evalMs);
  if (pinned === null) return [];
  const text = print(pinned);
  // Go's integer division truncates toward zero.
  const times =
    evalMs === 0
      ? [-1000, 0, 1000]
      : [-10 * evalMs, 0, Math.trunc(evalMs / 5), evalMs, 10 * evalMs];
  return times.map((t) => ({ expr: text, evalMs: t + 0 }));
}

/**
 * How far before and after its evaluation time a query reads samples: the lookback of
 * instant selectors, the ranges of range selectors and subqueries, and offsets (negative
 * offsets read ahead). A differential run on a window of a user's real data evaluates
 * queries only where everything they read lies inside the window, since the samples
 * before and after it are on the server but not in the `MemoryStorage`.
 */
import { type DurationExpr, type Expr, parse } from '@promql-ts/parser';
import type { Compat } from '../promqltest/types.js';

/** How far a query reads around its evaluation time, in ms (both ≥ 0). */
export interface Reach {
  /** Samples as old as `t − backMs` may be read. */
  readonly backMs: number;
  /** Samples as new as `t + forwardMs` may be read (negative offsets). */
  readonly forwardMs: number;
}

/** Settings the reach depends on. */
export interface ReachOptions {
  readonly lookbackDeltaMs: number;
  /** Step of a range query (for `step()`), 0 for instant queries. */
  readonly stepMs?: number;
  /** `end − start` of a range query (for `range()`). */
  readonly rangeMs?: number;
  readonly compat?: Compat;
  readonly experimental?: boolean;
}

/** Seconds of a duration expression (`5m + 1m`, `step()`, `max_of(…)`). */
function durationSeconds(e: Expr, o: ReachOptions): number {
  switch (e.kind) {
    case 'NumberLiteral':
      return e.val;
    case 'ParenExpr':
      return durationSeconds(e.expr, o);
    case 'UnaryExpr':
      return e.op === '-' ? -durationSeconds(e.expr, o) : durationSeconds(e.expr, o);
    case 'DurationExpr':
      return durationExprSeconds(e, o);
    default:
      throw new Error(`not a duration: ${e.kind}`);
  }
}

function durationExprSeconds(e: DurationExpr, o: ReachOptions): number {
  const l = () => (e.lhs === null ? 0 : durationSeconds(e.lhs, o));
  const r = () => (e.rhs === null ? 0 : durationSeconds(e.rhs, o));
  switch (e.op) {
    case 'step':
      return (o.stepMs ?? 0) / 1000;
    case 'range':
      return (o.rangeMs ?? 0) / 1000;
    case 'min_of':
      return Math.min(l(), r());
    case 'max_of':
      return Math.max(l(), r());
    case '+':
      return e.lhs === null ? r() : l() + r();
    case '-':
      return e.lhs === null ? -r() : l() - r();
    case '*':
      return l() * r();
    case '/':
      return l() / r();
    case '%':
      return l() % r();
    case '^':
      return l() ** r();
  }
}

const ms = (e: DurationExpr | null, fixed: number, o: ReachOptions): number =>
  e === null ? fixed : Math.round(durationSeconds(e, o) * 1000);

/**
 * The reach of `expr` evaluated at `t`, as the interval [t − back, t + forward] relative
 * to `t`. `@` modifiers are treated as if they pinned to `t`; callers keep the `@` times
 * of the corpus inside the evaluation window.
 */
function reachOf(e: Expr, o: ReachOptions): { back: number; forward: number } {
  const none = { back: 0, forward: 0 };
  const merge = (...rs: { back: number; forward: number }[]) => ({
    back: Math.max(0, ...rs.map((r) => r.back)),
    forward: Math.max(0, ...rs.map((r) => r.forward)),
  });
  switch (e.kind) {
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'DurationExpr':
      return none;
    case 'ParenExpr':
    case 'UnaryExpr':
      return reachOf(e.expr, o);
    case 'AggregateExpr':
      return merge(reachOf(e.expr, o), e.param === null ? none : reachOf(e.param, o));
    case 'BinaryExpr':
      return merge(reachOf(e.lhs, o), reachOf(e.rhs, o));
    case 'Call':
      return merge(none, ...e.args.map((a) => reachOf(a, o)));
    case 'VectorSelector': {
      const offset = ms(e.originalOffsetExpr, e.originalOffsetMs, o);
      return { back: o.lookbackDeltaMs + offset, forward: -offset };
    }
    case 'MatrixSelector': {
      const v = e.vectorSelector;
      const offset = ms(v.originalOffsetExpr, v.originalOffsetMs, o);
      const range = ms(e.rangeExpr, e.rangeMs, o);
      // anchored and smoothed also read the sample before the range (and smoothed the one
      // after it), each within the lookback delta.
      const extra = v.anchored || v.smoothed ? o.lookbackDeltaMs : 0;
      return { back: range + offset + extra, forward: -offset + (v.smoothed ? extra : 0) };
    }
    case 'SubqueryExpr': {
      const offset = ms(e.originalOffsetExpr, e.originalOffsetMs, o);
      const range = ms(e.rangeExpr, e.rangeMs, o);
      const inner = reachOf(e.expr, o);
      return {
        back: range + offset + inner.back,
        forward: Math.max(0, inner.forward - offset),
      };
    }
  }
}

/**
 * How far before and after its evaluation times `query` reads samples. A query that does
 * not parse reads nothing.
 *
 * @example
 * ```ts
 * queryReach('rate(x[5m] offset 1m)', { lookbackDeltaMs: 300_000 }); // { backMs: 360000, forwardMs: 0 }
 * queryReach('x offset -10m', { lookbackDeltaMs: 300_000 }); // { backMs: 0, forwardMs: 600000 }
 * ```
 */
export function queryReach(query: string, options: ReachOptions): Reach {
  let expr: Expr;
  try {
    expr = parse(query, {
      experimental: options.experimental ?? true,
      ...(options.compat === undefined ? {} : { compat: options.compat }),
    });
  } catch {
    return { backMs: 0, forwardMs: 0 };
  }
  const r = reachOf(expr, options);
  return { backMs: Math.max(0, r.back), forwardMs: Math.max(0, r.forward) };
}

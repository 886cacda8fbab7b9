/**
 * Lowering: a checked AST → the plan the evaluator runs, for one query time range.
 *
 * This is where Prometheus's query preparation happens (`PreprocessExpr`, the duration
 * visitor and `populateSeries`): `@ start()`/`@ end()` become times, duration expressions
 * (`[5m + step()]`, `offset -min_of(1m, range())`) become milliseconds, parentheses go,
 * step-invariant subtrees are marked, and every selector gets the storage read it needs,
 * with the time range Prometheus would select for it. Selectors with equal matchers share
 * one read over the union of their ranges.
 */
import {
  type Call,
  type DurationExpr,
  type Expr,
  type LabelMatcher,
  type MatrixSelector,
  type NumberLiteral,
  type StartOrEnd,
  type SubqueryExpr,
  type VectorSelector,
  valueType,
} from '@promql-ts/parser';
import { ExecutionError } from '../errors.js';
import { METRIC_NAME } from '../labels.js';
import { compileMatcher } from '../matchers.js';
import type { ResolvedOptions } from '../options.js';
import type { Matcher, SelectHints } from '../storage.js';
import type {
  CallPlan,
  PlanNode,
  QueryPlan,
  RangeSelectorPlan,
  SelectorPlan,
  SelectPlan,
  SubqueryPlan,
} from './nodes.js';

/** The time range a query is planned for. */
export interface QueryRange {
  readonly startMs: number;
  readonly endMs: number;
  /** Milliseconds between steps; 0 for an instant query. */
  readonly stepMs: number;
}

/**
 * Functions whose result depends on the evaluation time even when every argument is
 * pinned with `@`: Prometheus's `AtModifierUnsafeFunctions`.
 */
const STEP_DEPENDENT_FUNCTIONS: ReadonlySet<string> = new Set([
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'time',
  'timestamp',
]);

/** Functions evaluated from the query's time range, not from data. */
const RANGE_FUNCTIONS: ReadonlySet<string> = new Set(['start', 'end', 'range', 'step']);

/** A subquery on the path from the root to a selector. */
interface PathSubquery {
  readonly offsetMs: number;
  readonly rangeMs: number;
  readonly atMs: number | null;
}

/** What a selector is wrapped in, for its storage hints. */
interface Enclosing {
  readonly func: string | null;
  readonly grouping: readonly string[];
  readonly by: boolean;
}

const NO_ENCLOSING: Enclosing = { func: null, grouping: [], by: false };

/** A selector's matchers compiled, and the key that tells reads with equal matchers. */
interface CompiledSelector {
  readonly key: string;
  readonly matchers: readonly Matcher[];
}

/**
 * {@link CompiledSelector}s by the parsed selector's matcher list: the parse cache hands
 * out the same tree for the same query text, so a repeated query compiles nothing.
 * Compiled matchers are immutable and may be shared.
 */
const compiledSelectors = new WeakMap<readonly LabelMatcher[], CompiledSelector>();

function compiledSelector(written: readonly LabelMatcher[]): CompiledSelector {
  let c = compiledSelectors.get(written);
  if (c === undefined) {
    c = {
      key: written.map((m) => `${m.name}\u0000${m.type}\u0000${m.value}`).join('\u0001'),
      matchers: written.map((m) => compileMatcher(m.type, m.name, m.value)),
    };
    compiledSelectors.set(written, c);
  }
  return c;
}

class Lowerer {
  private readonly selects = new Map<string, SelectPlan>();

  constructor(
    private readonly range: QueryRange,
    private readonly options: ResolvedOptions,
  ) {}

  plan(expr: Expr): QueryPlan {
    const root = this.lower(expr, [], NO_ENCLOSING);
    // In id order: ids are numbered as the selects are made.
    const selects: SelectPlan[] = [];
    for (const s of this.selects.values()) selects.push(s);
    return { root: markStepInvariant(root), selects };
  }

  private lower(e: Expr, path: readonly PathSubquery[], enclosing: Enclosing): PlanNode {
    switch (e.kind) {
      case 'ParenExpr':
        return this.lower(e.expr, path, enclosing);
      case 'NumberLiteral':
        return { kind: 'Number', value: e.val, ast: e };
      case 'StringLiteral':
        return { kind: 'String', value: e.val, ast: e };
      case 'DurationExpr':
        return { kind: 'Number', value: this.durationSeconds(e), ast: e };
      case 'UnaryExpr':
        return { kind: 'Unary', op: e.op, expr: this.lower(e.expr, path, NO_ENCLOSING), ast: e };
      case 'BinaryExpr':
        return {
          kind: 'Binary',
          op: e.op,
          lhs: this.lower(e.lhs, path, NO_ENCLOSING),
          rhs: this.lower(e.rhs, path, NO_ENCLOSING),
          matching: e.matching,
          returnBool: e.returnBool,
          ast: e,
        };
      case 'AggregateExpr': {
        const grouping = [...e.grouping].sort();
        const inner: Enclosing = { func: e.op, grouping, by: !e.without };
        return {
          kind: 'Aggregate',
          op: e.op,
          expr: this.lower(e.expr, path, inner),
          param: e.param === null ? null : this.lower(e.param, path, NO_ENCLOSING),
          grouping,
          without: e.without,
          ast: e,
        };
      }
      case 'Call':
        return this.call(e, path, enclosing);
      case 'VectorSelector':
        return this.selector(e, path, enclosing);
      case 'MatrixSelector':
        return this.rangeSelector(e, path, enclosing);
      case 'SubqueryExpr':
        return this.subquery(e, path);
    }
  }

  private call(e: Call, path: readonly PathSubquery[], enclosing: Enclosing): PlanNode {
    if (RANGE_FUNCTIONS.has(e.func)) {
      return { kind: 'Number', value: this.rangeFunctionValue(e.func), ast: e };
    }
    const inner: Enclosing = { func: e.func, grouping: enclosing.grouping, by: enclosing.by };
    const args = e.args.map((a) => this.lower(a, path, inner));
    if (e.func === 'info') {
      return { kind: 'Call', func: e.func, args, infoSelect: this.infoSelect(e, path), ast: e };
    }
    const plan: CallPlan = { kind: 'Call', func: e.func, args, ast: e };
    return plan;
  }

  /**
   * The read of `info()`'s info series: the metric names its selector asks for — any
   * `=`/`=~` name matcher as written; only negative ones apply among `.+_info` metrics;
   * none means `target_info` — with its other matchers, over the query range with the
   * lookback delta (the info series are sampled like an instant selector).
   */
  private infoSelect(e: Call, path: readonly PathSubquery[]): SelectPlan {
    let arg: Expr | undefined = e.args[1];
    while (arg?.kind === 'ParenExpr') arg = arg.expr;
    const written: readonly LabelMatcher[] =
      arg?.kind === 'VectorSelector' ? arg.labelMatchers : [];
    const names = written.filter((m) => m.name === METRIC_NAME);
    const others = written.filter((m) => m.name !== METRIC_NAME);
    let nameMatchers: LabelMatcher[];
    if (names.some((m) => m.type === '=' || m.type === '=~')) nameMatchers = names;
    else if (names.length > 0)
      nameMatchers = [{ type: '=~', name: METRIC_NAME, value: '.+_info' }, ...names];
    else nameMatchers = [{ type: '=', name: METRIC_NAME, value: 'target_info' }];
    const [start, end] = this.selectRange(path, null, 0);
    return this.select([...nameMatchers, ...others], {
      startMs: start - this.options.lookbackDeltaMs,
      endMs: end,
      stepMs: this.range.stepMs,
      rangeMs: 0,
      func: 'info',
      grouping: [],
      by: false,
    });
  }

  /** `start()`, `end()` (seconds), `range()`, `step()` (durations in seconds). */
  private rangeFunctionValue(func: string): number {
    const { startMs, endMs, stepMs } = this.range;
    switch (func) {
      case 'start':
        return startMs / 1000;
      case 'end':
        return endMs / 1000;
      case 'range':
        return (endMs - startMs) / 1000;
      default:
        return stepMs / 1000;
    }
  }

  private selector(
    e: VectorSelector,
    path: readonly PathSubquery[],
    enclosing: Enclosing,
  ): SelectorPlan {
    const offsetMs = this.offset(e.originalOffsetMs, e.originalOffsetExpr);
    const atMs = this.atTime(e.timestampMs, e.startOrEnd);
    const lookback = this.options.lookbackDeltaMs;
    const [start, end] = this.selectRange(path, atMs, offsetMs);
    const select = this.select(e.labelMatchers, {
      startMs: start - lookback,
      endMs: e.smoothed ? end + lookback : end,
      stepMs: this.range.stepMs,
      rangeMs: 0,
      func: enclosing.func,
      grouping: enclosing.grouping,
      by: enclosing.by,
      // Evaluated at one time, a selector takes each series' newest sample there.
      latestOnly: start === end && !e.smoothed,
    });
    return { kind: 'Selector', select, offsetMs, atMs, smoothed: e.smoothed, ast: e };
  }

  private rangeSelector(
    e: MatrixSelector,
    path: readonly PathSubquery[],
    enclosing: Enclosing,
  ): RangeSelectorPlan {
    const vs = e.vectorSelector;
    const rangeMs = e.rangeExpr === null ? e.rangeMs : this.positiveDuration(e.rangeExpr);
    const offsetMs = this.offset(vs.originalOffsetMs, vs.originalOffsetExpr);
    const atMs = this.atTime(vs.timestampMs, vs.startOrEnd);
    const modifier = vs.anchored ? 'anchored' : vs.smoothed ? 'smoothed' : 'none';
    const [start, end] = this.selectRange(path, atMs, offsetMs);
    // Anchored and smoothed windows reach back (and smoothed ones forward) by up to the
    // lookback delta for the samples they extrapolate from.
    const lookback = this.options.lookbackDeltaMs;
    const extraBefore = modifier === 'none' ? 0 : lookback;
    const select = this.select(vs.labelMatchers, {
      startMs: start - rangeMs - extraBefore,
      endMs: modifier === 'smoothed' ? end + lookback : end,
      stepMs: this.range.stepMs,
      rangeMs,
      func: enclosing.func,
      grouping: enclosing.grouping,
      by: enclosing.by,
    });
    return { kind: 'RangeSelector', select, rangeMs, offsetMs, atMs, modifier, ast: e };
  }

  private subquery(e: SubqueryExpr, path: readonly PathSubquery[]): SubqueryPlan {
    const rangeMs = e.rangeExpr === null ? e.rangeMs : this.positiveDuration(e.rangeExpr);
    const offsetMs = this.offset(e.originalOffsetMs, e.originalOffsetExpr);
    const atMs = this.atTime(e.timestampMs, e.startOrEnd);
    let stepMs = e.stepExpr === null ? e.stepMs : this.positiveDuration(e.stepExpr);
    if (stepMs === 0) stepMs = this.options.defaultSubqueryStepMs;
    const inner = this.lower(e.expr, [...path, { offsetMs, rangeMs, atMs }], NO_ENCLOSING);
    return { kind: 'Subquery', expr: inner, rangeMs, stepMs, offsetMs, atMs, ast: e };
  }

  /**
   * The `[start, end]` a selector reads before its own range and lookback, as
   * Prometheus's `getTimeRangesForSelector`: the query range, moved back by the offsets
   * and widened by the ranges of the enclosing subqueries (an `@` on a subquery or on the
   * selector pins the time instead), then moved back by the selector's own offset.
   */
  private selectRange(
    path: readonly PathSubquery[],
    atMs: number | null,
    offsetMs: number,
  ): [number, number] {
    let start = this.range.startMs;
    let end = this.range.endMs;
    let subOffset = 0;
    let subRange = 0;
    for (const s of path) {
      subOffset += s.offsetMs;
      subRange += s.rangeMs;
      if (s.atMs !== null) {
        // An `@` on a subquery discards the offsets and ranges outside it.
        subOffset = s.offsetMs;
        subRange = s.rangeMs;
        start = s.atMs;
        end = s.atMs;
      }
    }
    if (atMs !== null) {
      start = atMs;
      end = atMs;
    } else {
      start -= subOffset + subRange;
      end -= subOffset;
    }
    return [start - offsetMs, end - offsetMs];
  }

  private select(written: readonly LabelMatcher[], hints: SelectHints): SelectPlan {
    const { key, matchers } = compiledSelector(written);
    const existing = this.selects.get(key);
    if (existing !== undefined) {
      const h = existing.hints;
      existing.hints = {
        ...h,
        startMs: Math.min(h.startMs, hints.startMs),
        endMs: Math.max(h.endMs, hints.endMs),
        // Different uses of one read: the hints no longer describe a single use.
        rangeMs: h.rangeMs === hints.rangeMs ? h.rangeMs : 0,
        func: h.func === hints.func ? h.func : null,
        grouping: sameStrings(h.grouping, hints.grouping) && h.by === hints.by ? h.grouping : [],
        latestOnly:
          h.latestOnly === true &&
          hints.latestOnly === true &&
          h.startMs === hints.startMs &&
          h.endMs === hints.endMs,
      };
      return existing;
    }
    const plan: SelectPlan = {
      id: this.selects.size,
      matchers,
      written,
      hints,
    };
    this.selects.set(key, plan);
    return plan;
  }

  private atTime(timestampMs: number | null, startOrEnd: StartOrEnd | null): number | null {
    if (startOrEnd === 'start') return this.range.startMs;
    if (startOrEnd === 'end') return this.range.endMs;
    return timestampMs;
  }

  private offset(ms: number, expr: DurationExpr | null): number {
    return expr === null ? ms : this.durationMs(expr, true);
  }

  private positiveDuration(expr: DurationExpr): number {
    return this.durationMs(expr, false);
  }

  /** A duration expression in milliseconds, as Prometheus's `calculateDuration`. */
  private durationMs(expr: DurationExpr, allowNegative: boolean): number {
    const seconds = this.durationSeconds(expr);
    if (seconds <= 0 && !allowNegative) {
      throw new ExecutionError('duration must be greater than 0', expr.pos);
    }
    if (!Number.isFinite(seconds) || Math.abs(seconds) >= 9.223372036854776e18) {
      throw new ExecutionError('duration is out of range', expr.pos);
    }
    // time.Duration(seconds*1000) * time.Millisecond truncates toward zero.
    return Math.trunc(seconds * 1000);
  }

  /** A duration expression's value in seconds. */
  private durationSeconds(e: NumberLiteral | DurationExpr | Expr): number {
    if (e.kind === 'NumberLiteral') return e.val;
    if (e.kind === 'ParenExpr') return this.durationSeconds(e.expr);
    if (e.kind !== 'DurationExpr') {
      throw new ExecutionError(`unexpected duration expression of type ${valueType(e)}`, e.pos);
    }
    switch (e.op) {
      case 'step':
        return this.range.stepMs / 1000;
      case 'range':
        return (this.range.endMs - this.range.startMs) / 1000;
      case 'min_of':
        return Math.min(this.durationSeconds(e.lhs!), this.durationSeconds(e.rhs!));
      case 'max_of':
        return Math.max(this.durationSeconds(e.lhs!), this.durationSeconds(e.rhs!));
      default:
        break;
    }
    const lhs = e.lhs === null ? 0 : this.durationSeconds(e.lhs);
    const rhs = this.durationSeconds(e.rhs!);
    switch (e.op) {
      case '+':
        return lhs + rhs;
      case '-':
        return e.lhs === null ? -rhs : lhs - rhs;
      case '*':
        return lhs * rhs;
      case '/':
        if (rhs === 0) throw new ExecutionError('division by zero', e.pos);
        return lhs / rhs;
      case '%':
        if (rhs === 0) throw new ExecutionError('modulo by zero', e.pos);
        return lhs % rhs;
      case '^':
        return lhs ** rhs;
    }
  }
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Marks the subtrees whose value is the same at every step, as Prometheus's
 * `preprocessExprHelper` does, so that they are evaluated once and repeated: selectors
 * and subqueries pinned with `@`, literals, and whatever is built only from those (except
 * through functions that read the evaluation time).
 */
export function markStepInvariant(root: PlanNode): PlanNode {
  const [node, invariant] = visit(root);
  return invariant ? wrap(node) : node;
}

function wrap(node: PlanNode): PlanNode {
  return { kind: 'StepInvariant', expr: node, ast: node.ast };
}

/**
 * `node` with its subtrees visited: `[node, invariant]`. A node none of whose subtrees
 * changed is returned as it is (most plans have nothing step-invariant to wrap).
 */
function visit(node: PlanNode): [PlanNode, boolean] {
  switch (node.kind) {
    case 'Number':
    case 'String':
      return [node, true];
    case 'Selector':
    case 'RangeSelector':
      return [node, node.atMs !== null];
    case 'StepInvariant':
      return [node, true];
    case 'Unary': {
      const [expr, inv] = visit(node.expr);
      return [expr === node.expr ? node : { ...node, expr }, inv];
    }
    case 'Aggregate': {
      const [expr, inv] = visit(node.expr);
      return [expr === node.expr ? node : { ...node, expr }, inv];
    }
    case 'Binary': {
      const [l, li] = visit(node.lhs);
      const [r, ri] = visit(node.rhs);
      const both = li && ri;
      const lhs = li && !both ? wrap(l) : l;
      const rhs = ri && !both ? wrap(r) : r;
      return [lhs === node.lhs && rhs === node.rhs ? node : { ...node, lhs, rhs }, both];
    }
    case 'Call': {
      const visited = node.args.map(visit);
      const invariant = !STEP_DEPENDENT_FUNCTIONS.has(node.func) && visited.every(([, i]) => i);
      const args = visited.map(([a, i]) => (i && !invariant ? wrap(a) : a));
      return [args.every((a, i) => a === node.args[i]) ? node : { ...node, args }, invariant];
    }
    case 'Subquery': {
      const [e, inv] = visit(node.expr);
      const expr = inv ? wrap(e) : e;
      return [expr === node.expr ? node : { ...node, expr }, node.atMs !== null];
    }
  }
}

/** Plans `expr` for the query range `range`. */
export function lower(expr: Expr, range: QueryRange, options: ResolvedOptions): QueryPlan {
  return new Lowerer(range, options).plan(expr);
}

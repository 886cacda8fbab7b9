/**
 * The PromQL abstract syntax tree: an immutable discriminated union on `kind`, with the node
 * set and field names of Prometheus's `promql/parser/ast.go`. Durations and timestamps are
 * whole milliseconds (`rangeMs`, `originalOffsetMs`, `timestampMs`), as the engine uses them.
 *
 * Every node carries `pos`: zero-based, end-exclusive UTF-16 offsets into the query.
 */

import { functionSignature } from './functions.js';

/** A source range: `start` inclusive, `end` exclusive, in UTF-16 code units. */
export interface PosRange {
  readonly start: number;
  readonly end: number;
}

/** The type an expression evaluates to (Prometheus's `ValueType`). */
export type ValueType = 'none' | 'scalar' | 'vector' | 'matrix' | 'string';

/** Aggregation operators. */
export type AggregateOp =
  | 'avg'
  | 'bottomk'
  | 'count'
  | 'count_values'
  | 'group'
  | 'limit_ratio'
  | 'limitk'
  | 'max'
  | 'min'
  | 'quantile'
  | 'stddev'
  | 'stdvar'
  | 'sum'
  | 'topk';

/** Arithmetic binary operators, including the native-histogram trim operators. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2' | '</' | '>/';
/** Comparison binary operators. */
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
/** Set binary operators. */
export type SetOp = 'and' | 'or' | 'unless';
/** Every binary operator. */
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

/** Operators of a duration expression (`[5m + step()]`, `offset min_of(1m, range())`). */
export type DurationOp = '+' | '-' | '*' | '/' | '%' | '^' | 'step' | 'range' | 'min_of' | 'max_of';

/** Label matcher operators. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** The `@ start()` / `@ end()` preprocessors. */
export type StartOrEnd = 'start' | 'end';

/** Cardinality of a vector matching. */
export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

/** One label matcher of a selector, as written. */
export interface LabelMatcher {
  readonly type: MatchType;
  readonly name: string;
  readonly value: string;
}

/** Values substituted for missing series by `fill`, `fill_left`, `fill_right`. */
export interface FillValues {
  readonly lhs: number | null;
  readonly rhs: number | null;
}

/** How the series of two vectors are matched in a binary operation. */
export interface VectorMatching {
  readonly card: VectorMatchCardinality;
  /** Labels of `on(...)` or `ignoring(...)`. */
  readonly matchingLabels: readonly string[];
  /** True for `on`, false for `ignoring` (or no clause). */
  readonly on: boolean;
  /** Labels of `group_left(...)` / `group_right(...)` copied from the "one" side. */
  readonly include: readonly string[];
  readonly fillValues: FillValues;
}

/** `sum by (job) (x)`, `topk(5, x)`… */
export interface AggregateExpr {
  readonly kind: 'AggregateExpr';
  readonly op: AggregateOp;
  readonly expr: Expr;
  /** The parameter of topk, bottomk, quantile, count_values, limitk, limit_ratio. */
  readonly param: Expr | null;
  readonly grouping: readonly string[];
  readonly without: boolean;
  readonly pos: PosRange;
}

/** `lhs op rhs` with its modifiers. `matching` is null unless both sides are vectors. */
export interface BinaryExpr {
  readonly kind: 'BinaryExpr';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly matching: VectorMatching | null;
  readonly returnBool: boolean;
  readonly pos: PosRange;
}

/** A function call. */
export interface Call {
  readonly kind: 'Call';
  readonly func: string;
  readonly args: readonly Expr[];
  readonly pos: PosRange;
}

/**
 * A duration computed at evaluation time: arithmetic on literals, `step()`, `range()`,
 * `min_of(a, b)`, `max_of(a, b)`. Unary minus has `lhs` null; `step`/`range` have no
 * operands. Evaluates to seconds.
 */
export interface DurationExpr {
  readonly kind: 'DurationExpr';
  readonly op: DurationOp;
  readonly lhs: Expr | null;
  readonly rhs: Expr | null;
  /** Written inside parentheses (kept so that printing round-trips). */
  readonly wrapped: boolean;
  readonly pos: PosRange;
}

/** `selector[5m]`: a range vector selector. */
export interface MatrixSelector {
  readonly kind: 'MatrixSelector';
  readonly vectorSelector: VectorSelector;
  /** The range in milliseconds (0 when `rangeExpr` is set). */
  readonly rangeMs: number;
  readonly rangeExpr: DurationExpr | null;
  readonly pos: PosRange;
}

/** A number; `duration` marks one written as a duration (`5m`), whose value is seconds. */
export interface NumberLiteral {
  readonly kind: 'NumberLiteral';
  readonly val: number;
  readonly duration: boolean;
  readonly pos: PosRange;
}

/** `( expr )`. */
export interface ParenExpr {
  readonly kind: 'ParenExpr';
  readonly expr: Expr;
  readonly pos: PosRange;
}

/** A string literal (unquoted value). */
export interface StringLiteral {
  readonly kind: 'StringLiteral';
  readonly val: string;
  readonly pos: PosRange;
}

/** `expr[range:step]`, with optional `@` and `offset`. `stepMs` 0 means the default step. */
export interface SubqueryExpr {
  readonly kind: 'SubqueryExpr';
  readonly expr: Expr;
  readonly rangeMs: number;
  readonly rangeExpr: DurationExpr | null;
  readonly originalOffsetMs: number;
  readonly originalOffsetExpr: DurationExpr | null;
  readonly timestampMs: number | null;
  readonly startOrEnd: StartOrEnd | null;
  readonly stepMs: number;
  readonly stepExpr: DurationExpr | null;
  readonly pos: PosRange;
}

/** `-expr` or `+expr` (a sign on a number literal is folded into the literal). */
export interface UnaryExpr {
  readonly kind: 'UnaryExpr';
  readonly op: '+' | '-';
  readonly expr: Expr;
  readonly pos: PosRange;
}

/**
 * `name{matchers}` with optional `@`, `offset`, `anchored`/`smoothed`. When `name` is set,
 * the last matcher is `__name__="name"`.
 */
export interface VectorSelector {
  readonly kind: 'VectorSelector';
  readonly name: string;
  readonly labelMatchers: readonly LabelMatcher[];
  readonly originalOffsetMs: number;
  readonly originalOffsetExpr: DurationExpr | null;
  readonly timestampMs: number | null;
  readonly startOrEnd: StartOrEnd | null;
  readonly anchored: boolean;
  readonly smoothed: boolean;
  /** Set on the second argument of `info()`, which may match the empty string only. */
  readonly bypassEmptyMatcherCheck: boolean;
  readonly pos: PosRange;
}

/** Every PromQL expression node. */
export type Expr =
  | AggregateExpr
  | BinaryExpr
  | Call
  | DurationExpr
  | MatrixSelector
  | NumberLiteral
  | ParenExpr
  | StringLiteral
  | SubqueryExpr
  | UnaryExpr
  | VectorSelector;

/** The `kind` of every expression node. */
export type ExprKind = Expr['kind'];

type Fields<T> = Omit<T, 'kind'>;

function factory<K extends ExprKind>(kind: K) {
  type N = Extract<Expr, { kind: K }>;
  return {
    /**
     * Builds the node from its fields. `fields` must be a fresh object (callers pass object
     * literals): it becomes the node, which saves a copy per node on the parser's hot path.
     */
    create(fields: Fields<N>): N {
      const node = fields as Fields<N> & { kind: K };
      node.kind = kind;
      return node as unknown as N;
    },
    /** Narrows an expression to this node kind. */
    is(e: Expr): e is N {
      return e.kind === kind;
    },
  };
}

export const AggregateExpr = factory('AggregateExpr');
export const BinaryExpr = factory('BinaryExpr');
export const Call = factory('Call');
export const DurationExpr = factory('DurationExpr');
export const MatrixSelector = factory('MatrixSelector');
export const NumberLiteral = factory('NumberLiteral');
export const ParenExpr = factory('ParenExpr');
export const StringLiteral = factory('StringLiteral');
export const SubqueryExpr = factory('SubqueryExpr');
export const UnaryExpr = factory('UnaryExpr');
export const VectorSelector = factory('VectorSelector');

/** Reports an impossible value; a switch that ends with it is checked for exhaustiveness. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(x)}`);
}

const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPS: ReadonlySet<string> = new Set(['and', 'or', 'unless']);

/** Whether `op` is a comparison operator (`==`, `!=`, `>`, `<`, `>=`, `<=`). */
export function isComparisonOp(op: BinaryOp): op is ComparisonOp {
  return COMPARISON_OPS.has(op);
}

/** Whether `op` is a set operator (`and`, `or`, `unless`). */
export function isSetOp(op: BinaryOp): op is SetOp {
  return SET_OPS.has(op);
}

/** Aggregations that take a parameter before the aggregated expression. */
export function aggregateHasParam(op: AggregateOp): boolean {
  return (
    op === 'topk' ||
    op === 'bottomk' ||
    op === 'count_values' ||
    op === 'quantile' ||
    op === 'limitk' ||
    op === 'limit_ratio'
  );
}

/**
 * The type `e` evaluates to (Prometheus's `Expr.Type()`); a call to an unknown function is
 * `'none'`.
 */
export function valueType(e: Expr): ValueType {
  switch (e.kind) {
    case 'AggregateExpr':
      return 'vector';
    case 'BinaryExpr':
      return valueType(e.lhs) === 'scalar' && valueType(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return functionSignature(e.func)?.returnType ?? 'none';
    case 'DurationExpr':
      return 'scalar';
    case 'MatrixSelector':
      return 'matrix';
    case 'NumberLiteral':
      return 'scalar';
    case 'ParenExpr':
      return valueType(e.expr);
    case 'StringLiteral':
      return 'string';
    case 'SubqueryExpr':
      return 'matrix';
    case 'UnaryExpr':
      return valueType(e.expr);
    case 'VectorSelector':
      return 'vector';
    default:
      return assertNever(e);
  }
}

/**
 * The direct child expressions of `e`, in source order. Duration expressions of selectors
 * and subqueries are not children (as in Prometheus); walk them with {@link durationExprs}.
 */
export function* children(e: Expr): Generator<Expr> {
  switch (e.kind) {
    case 'AggregateExpr':
      if (e.param !== null) yield e.param;
      yield e.expr;
      return;
    case 'BinaryExpr':
      yield e.lhs;
      yield e.rhs;
      return;
    case 'Call':
      yield* e.args;
      return;
    case 'DurationExpr':
      if (e.lhs !== null) yield e.lhs;
      if (e.rhs !== null) yield e.rhs;
      return;
    case 'MatrixSelector':
      yield e.vectorSelector;
      return;
    case 'ParenExpr':
    case 'SubqueryExpr':
    case 'UnaryExpr':
      yield e.expr;
      return;
    case 'NumberLiteral':
    case 'StringLiteral':
    case 'VectorSelector':
      return;
    default:
      assertNever(e);
  }
}

/** The duration expressions attached to a selector or subquery (range, step, offset). */
export function durationExprs(e: Expr): DurationExpr[] {
  const out: DurationExpr[] = [];
  const add = (d: DurationExpr | null) => {
    if (d !== null) out.push(d);
  };
  switch (e.kind) {
    case 'MatrixSelector':
      add(e.rangeExpr);
      add(e.vectorSelector.originalOffsetExpr);
      break;
    case 'SubqueryExpr':
      add(e.rangeExpr);
      add(e.stepExpr);
      add(e.originalOffsetExpr);
      break;
    case 'VectorSelector':
      add(e.originalOffsetExpr);
      break;
    default:
      break;
  }
  return out;
}

/** Visits `e` and every descendant, depth first, parents before children. */
export function* walk(e: Expr): Generator<Expr> {
  yield e;
  for (const c of children(e)) yield* walk(c);
}

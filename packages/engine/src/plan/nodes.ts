/**
 * The logical plan: what the evaluator runs. It is the AST with everything that depends on
 * the query's time range resolved (`@ start()`/`@ end()`, duration expressions), with
 * parentheses gone, selectors numbered and given their storage hints, and step-invariant
 * subtrees marked so that they are evaluated once. Each node keeps its AST node for
 * positions and messages.
 */
import type {
  AggregateExpr,
  AggregateOp,
  BinaryExpr,
  BinaryOp,
  Call,
  Expr,
  LabelMatcher,
  MatrixSelector,
  NumberLiteral,
  StringLiteral,
  SubqueryExpr,
  UnaryExpr,
  VectorMatching,
  VectorSelector,
} from '@promql-ts/parser';
import type { Matcher, SelectHints } from '../storage.js';

/** One storage read: shared by every selector with the same matchers. */
export interface SelectPlan {
  /** Index in the plan's select list. */
  readonly id: number;
  readonly matchers: readonly Matcher[];
  /** The label matchers as written (for `absent` and messages). */
  readonly written: readonly LabelMatcher[];
  /** Time range and hints of the read: the union over every selector that shares it. */
  hints: SelectHints;
}

/** An instant-vector selector. */
export interface SelectorPlan {
  readonly kind: 'Selector';
  readonly select: SelectPlan;
  readonly offsetMs: number;
  /** `@` time in milliseconds (`@ start()`/`@ end()` resolved), or null. */
  readonly atMs: number | null;
  readonly smoothed: boolean;
  readonly ast: VectorSelector;
}

/** A range-vector selector. */
export interface RangeSelectorPlan {
  readonly kind: 'RangeSelector';
  readonly select: SelectPlan;
  readonly rangeMs: number;
  readonly offsetMs: number;
  readonly atMs: number | null;
  readonly modifier: 'none' | 'anchored' | 'smoothed';
  readonly ast: MatrixSelector;
}

/** A subquery. */
export interface SubqueryPlan {
  readonly kind: 'Subquery';
  readonly expr: PlanNode;
  readonly rangeMs: number;
  /** The step (the default subquery step when none was written). */
  readonly stepMs: number;
  readonly offsetMs: number;
  readonly atMs: number | null;
  readonly ast: SubqueryExpr;
}

/** A function call. */
export interface CallPlan {
  readonly kind: 'Call';
  readonly func: string;
  readonly args: readonly PlanNode[];
  /** `info()` only: the read of the info series (by default `target_info`). */
  readonly infoSelect?: SelectPlan;
  readonly ast: Call;
}

/** An aggregation. */
export interface AggregatePlan {
  readonly kind: 'Aggregate';
  readonly op: AggregateOp;
  readonly expr: PlanNode;
  readonly param: PlanNode | null;
  /** Grouping labels, sorted. */
  readonly grouping: readonly string[];
  readonly without: boolean;
  readonly ast: AggregateExpr;
}

/** A binary operation. */
export interface BinaryPlan {
  readonly kind: 'Binary';
  readonly op: BinaryOp;
  readonly lhs: PlanNode;
  readonly rhs: PlanNode;
  readonly matching: VectorMatching | null;
  readonly returnBool: boolean;
  readonly ast: BinaryExpr;
}

/** Unary minus or plus. */
export interface UnaryPlan {
  readonly kind: 'Unary';
  readonly op: '+' | '-';
  readonly expr: PlanNode;
  readonly ast: UnaryExpr;
}

/** A number. */
export interface NumberPlan {
  readonly kind: 'Number';
  readonly value: number;
  readonly ast: NumberLiteral | Expr;
}

/** A string. */
export interface StringPlan {
  readonly kind: 'String';
  readonly value: string;
  readonly ast: StringLiteral;
}

/** A subtree whose value does not depend on the step: evaluated once, then repeated. */
export interface StepInvariantPlan {
  readonly kind: 'StepInvariant';
  readonly expr: PlanNode;
  readonly ast: Expr;
}

/** Every plan node. */
export type PlanNode =
  | AggregatePlan
  | BinaryPlan
  | CallPlan
  | NumberPlan
  | RangeSelectorPlan
  | SelectorPlan
  | StepInvariantPlan
  | StringPlan
  | SubqueryPlan
  | UnaryPlan;

/** A whole query's plan. */
export interface QueryPlan {
  readonly root: PlanNode;
  /** Every storage read the query makes. */
  readonly selects: readonly SelectPlan[];
}

/**
 * The type checker: Prometheus's `checkAST` (promql/parser/parse.go). It reports type errors
 * with the node's position and Prometheus's wording, and returns the tree normalised as
 * Prometheus leaves it: binary expressions between non-vectors lose their vector matching,
 * set operators match many-to-many, and the second argument of `info()` may match the empty
 * string only.
 */

import { RE2JS } from 're2js';
import {
  AggregateExpr,
  assertNever,
  BinaryExpr,
  Call,
  type Expr,
  isComparisonOp,
  isSetOp,
  type LabelMatcher,
  MatrixSelector,
  ParenExpr,
  type PosRange,
  SubqueryExpr,
  UnaryExpr,
  type ValueType,
  VectorSelector,
} from './ast.js';
import type { BuildError } from './cst-to-ast.js';
import { regexError } from './cst-to-ast.js';
import { functionSignature } from './functions.js';
import { quoteGo } from './literals.js';

/** Prometheus's `DocumentedType`: how a value type is named in error messages. */
export function documentedType(t: ValueType): string {
  if (t === 'vector') return 'instant vector';
  if (t === 'matrix') return 'range vector';
  return t;
}

/** Type-checks `expr`; returns the normalised tree and the problems found. */
export function checkExpr(input: string, expr: Expr): { expr: Expr; errors: BuildError[] } {
  const checker = new Checker(input);
  const [out] = checker.check(expr);
  return { expr: out, errors: checker.errors };
}

class Checker {
  readonly errors: BuildError[] = [];

  constructor(private readonly input: string) {}

  private error(pos: PosRange, message: string): void {
    this.errors.push({ pos, message });
  }

  private expectType(e: Expr, want: ValueType, context: string): Expr {
    const [out, t] = this.check(e);
    if (t !== want) {
      this.error(
        e.pos,
        `expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`,
      );
    }
    return out;
  }

  check(e: Expr): [Expr, ValueType] {
    switch (e.kind) {
      case 'AggregateExpr': {
        const expr = this.expectType(e.expr, 'vector', 'aggregation expression');
        let param = e.param;
        if (param !== null) {
          if (e.op === 'count_values') {
            param = this.expectType(param, 'string', 'aggregation parameter');
          } else {
            param = this.expectType(param, 'scalar', 'aggregation parameter');
          }
        }
        return [AggregateExpr.create({ ...e, expr, param }), 'vector'];
      }
      case 'BinaryExpr':
        return this.binary(e);
      case 'Call':
        return this.call(e);
      case 'DurationExpr':
        return [e, 'scalar'];
      case 'MatrixSelector': {
        const [vs] = this.check(e.vectorSelector);
        return [MatrixSelector.create({ ...e, vectorSelector: vs as VectorSelector }), 'matrix'];
      }
      case 'NumberLiteral':
        return [e, 'scalar'];
      case 'ParenExpr': {
        const [inner, t] = this.check(e.expr);
        return [ParenExpr.create({ ...e, expr: inner }), t];
      }
      case 'StringLiteral':
        return [e, 'string'];
      case 'SubqueryExpr': {
        const [inner, t] = this.check(e.expr);
        if (t !== 'vector') {
          this.error(e.pos, `subquery is only allowed on instant vector, got ${t} instead`);
        }
        return [SubqueryExpr.create({ ...e, expr: inner }), 'matrix'];
      }
      case 'UnaryExpr': {
        const [inner, t] = this.check(e.expr);
        if (t !== 'scalar' && t !== 'vector') {
          this.error(
            e.pos,
            `unary expression only allowed on expressions of type scalar or instant vector, got ${quoteGo(documentedType(t))}`,
          );
        }
        return [UnaryExpr.create({ ...e, expr: inner }), t];
      }
      case 'VectorSelector':
        this.selector(e);
        return [e, 'vector'];
      default:
        return assertNever(e);
    }
  }

  /** The operator's position, as Prometheus's `opRange`: between the operands, trimmed. */
  private opRange(e: BinaryExpr): PosRange {
    let start = e.lhs.pos.end;
    while (start < this.input.length && isSpace(this.input.charCodeAt(start))) start++;
    let last = e.rhs.pos.start - 1;
    while (last > start && isSpace(this.input.charCodeAt(last))) last--;
    return { start, end: last + 1 };
  }

  private binary(e: BinaryExpr): [Expr, ValueType] {
    const [lhs, lt] = this.check(e.lhs);
    const [rhs, rt] = this.check(e.rhs);
    const op = e.op;
    let matching = e.matching;
    if (e.returnBool && !isComparisonOp(op)) {
      this.error(this.opRange(e), 'bool modifier can only be used on comparison operators');
    }
    if (isComparisonOp(op) && !e.returnBool && lt === 'scalar' && rt === 'scalar') {
      this.error(this.opRange(e), 'comparisons between scalars must use BOOL modifier');
    }
    if (matching !== null && isSetOp(op) && matching.card === 'one-to-one') {
      matching = { ...matching, card: 'many-to-many' };
    }
    if (matching?.on) {
      for (const l of matching.matchingLabels) {
        if (matching.include.includes(l)) {
          this.error(
            this.opRange(e),
            `label ${quoteGo(l)} must not occur in ON and GROUP clause at once`,
          );
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') {
      this.error(e.lhs.pos, 'binary expression must contain only scalar and instant vector types');
    }
    if (rt !== 'scalar' && rt !== 'vector') {
      this.error(e.rhs.pos, 'binary expression must contain only scalar and instant vector types');
    }
    const hasFill =
      matching !== null && (matching.fillValues.lhs !== null || matching.fillValues.rhs !== null);
    if ((lt !== 'vector' || rt !== 'vector') && matching !== null) {
      if (matching.matchingLabels.length > 0) {
        this.error(e.pos, 'vector matching only allowed between instant vectors');
      }
      if (hasFill) {
        this.error(e.pos, 'filling in missing series only allowed between instant vectors');
      }
      matching = null;
    } else if (matching !== null && isSetOp(op)) {
      if (matching.card === 'one-to-many' || matching.card === 'many-to-one') {
        this.error(e.pos, `no grouping allowed for ${quoteGo(op)} operation`);
      }
      if (matching.card !== 'many-to-many') {
        this.error(e.pos, 'set operations must always be many-to-many');
      }
      if (hasFill) this.error(e.pos, 'filling in missing series not allowed for set operators');
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSetOp(op)) {
      this.error(e.pos, `set operator ${quoteGo(op)} not allowed in binary scalar expression`);
    }
    const type: ValueType = lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
    return [BinaryExpr.create({ ...e, lhs, rhs, matching }), type];
  }

  private call(e: Call): [Expr, ValueType] {
    const sig = functionSignature(e.func);
    if (sig === undefined) return [e, 'none'];
    const nargs = sig.argTypes.length;
    const name = quoteGo(sig.name);
    if (sig.variadic === 0) {
      if (nargs !== e.args.length) {
        this.error(e.pos, `expected ${nargs} argument(s) in call to ${name}, got ${e.args.length}`);
      }
    } else {
      const na = nargs - 1;
      if (na > e.args.length) {
        this.error(
          e.pos,
          `expected at least ${na} argument(s) in call to ${name}, got ${e.args.length}`,
        );
      } else if (sig.variadic > 0 && na + sig.variadic < e.args.length) {
        this.error(
          e.pos,
          `expected at most ${na + sig.variadic} argument(s) in call to ${name}, got ${e.args.length}`,
        );
      }
    }
    const args = [...e.args];
    if (sig.name === 'info' && args.length > 1) {
      const second = args[1]!;
      const [, t] = new Checker(this.input).check(second);
      if (t !== 'vector') {
        this.error(
          e.pos,
          `expected type instant vector in call to function ${name}, got ${documentedType(t)}`,
        );
      }
      if (second.kind === 'VectorSelector' && second.name !== '') {
        this.error(second.pos, 'expected label selectors only, got vector selector instead');
      } else if (second.kind === 'VectorSelector') {
        args[1] = VectorSelector.create({ ...second, bypassEmptyMatcherCheck: true });
      } else {
        this.error(second.pos, 'expected label selectors only');
      }
    }
    for (let i = 0; i < args.length; i++) {
      let j = i;
      if (j >= nargs) {
        if (sig.variadic === 0) break;
        j = nargs - 1;
      }
      const [checked, t] = this.check(args[i]!);
      args[i] = checked;
      if (t !== sig.argTypes[j]) {
        this.error(
          args[i]!.pos,
          `expected type ${documentedType(sig.argTypes[j]!)} in call to function ${name}, got ${documentedType(t)}`,
        );
      }
    }
    return [Call.create({ ...e, args }), sig.returnType];
  }

  private selector(e: VectorSelector): void {
    if (e.name !== '') {
      // The last matcher is the one for the name written outside the braces.
      for (const m of e.labelMatchers.slice(0, -1)) {
        if (m.name === '__name__') {
          this.error(
            e.pos,
            `metric name must not be set twice: ${quoteGo(e.name)} or ${quoteGo(m.value)}`,
          );
        }
      }
      return;
    }
    if (!e.bypassEmptyMatcherCheck && !e.labelMatchers.some((m) => !matchesEmpty(m))) {
      this.error(e.pos, 'vector selector must contain at least one non-empty matcher');
    }
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** Whether a matcher accepts the empty string (i.e. a series without the label). */
export function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return regexMatchesEmpty(m.value);
    case '!~':
      return !regexMatchesEmpty(m.value);
    default:
      return assertNever(m.type);
  }
}

function regexMatchesEmpty(value: string): boolean {
  if (regexError(value) !== null) return false;
  return RE2JS.compile(`^(?s:${value})$`).matches('');
}

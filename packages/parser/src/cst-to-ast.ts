/**
 * Builds the AST from Chevrotain's concrete syntax tree, applying the semantic actions of
 * Prometheus's grammar (`generated_parser.y` and the helpers in `parse.go`): folding signs
 * into number literals, attaching `offset`/`@`/`anchored`/`smoothed` to selectors and
 * subqueries, range checks on durations, function lookup. Problems are collected, not
 * thrown; type checking is a separate pass (`check.ts`).
 */
import type { CstNode, IToken } from 'chevrotain';
import { RE2JS } from 're2js';
import {
  AggregateExpr,
  type AggregateOp,
  aggregateHasParam,
  BinaryExpr,
  type BinaryOp,
  Call,
  DurationExpr,
  type DurationOp,
  type Expr,
  type LabelMatcher,
  type MatchType,
  MatrixSelector,
  NumberLiteral,
  ParenExpr,
  type PosRange,
  type StartOrEnd,
  StringLiteral,
  SubqueryExpr,
  UnaryExpr,
  type VectorMatching,
  VectorSelector,
} from './ast.js';
import { functionSignature } from './functions.js';
import {
  Add,
  DurationTok,
  Fill,
  FillLeft,
  GroupLeft,
  Identifier,
  MinOf,
  On,
  Pow,
  Range,
  Start,
  Step,
  Sub,
  Without,
} from './lexer.js';
import {
  durationSeconds,
  quoteGo as goQuote,
  goRound,
  isValidUtf8,
  parseDuration,
  parseGoNumber,
  secondsToMs,
  unquoteString,
} from './literals.js';

/** Options that change what the parser accepts. */
export interface BuildOptions {
  /**
   * Accept Prometheus's experimental functions and syntax: experimental functions,
   * `limitk`/`limit_ratio`, duration expressions, `anchored`/`smoothed`, `fill` modifiers.
   */
  readonly experimental: boolean;
  /** Follow Prometheus 2.x where it differs (functions removed in 3.0 exist). */
  readonly prometheus2: boolean;
}

/** A problem found while building; positions are UTF-16 offsets. */
export interface BuildError {
  readonly pos: PosRange;
  readonly message: string;
}

type Children = Record<string, (CstNode | IToken)[] | undefined>;
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const MAX_DURATION_SECONDS = 2 ** 63 / 1e9;

/** Turns a CST into an AST; one instance per parse. */
export class AstBuilder {
  readonly errors: BuildError[] = [];

  constructor(private readonly options: BuildOptions) {}

  private error(pos: PosRange, message: string): void {
    this.errors.push({ pos, message });
  }

  // --- CST access helpers ---

  private static nodes(c: Children, label: string): CstNode[] {
    return (c[label] as CstNode[] | undefined) ?? [];
  }

  private static tokens(c: Children, label: string): IToken[] {
    return (c[label] as IToken[] | undefined) ?? [];
  }

  private static node(c: Children, label: string): CstNode | undefined {
    return (c[label] as CstNode[] | undefined)?.[0];
  }

  private static token(c: Children, label: string): IToken | undefined {
    return (c[label] as IToken[] | undefined)?.[0];
  }

  /** The `close` token of a node (`)`, `}`, `]`). */
  static closeToken(node: CstNode): IToken {
    return AstBuilder.token(node.children as Children, 'close')!;
  }

  private static pos(t: IToken): PosRange {
    return { start: t.startOffset, end: t.startOffset + t.image.length };
  }

  // --- Expressions ---

  /**
   * Builds an `expression` CST node: a flat chain of operands and binary operators, turned
   * into a tree with Prometheus's precedence: `^` (right-associative) binds tightest, then
   * unary signs, then `* / % atan2`, `+ -`, comparisons, `and unless`, `or` (all
   * left-associative). Operands and modifiers are built in source order, so that problems
   * are reported in the order Prometheus finds them.
   */
  expression(node: CstNode): Expr {
    const c = node.children as Children;
    const operandNodes = AstBuilder.nodes(c, 'operand');
    const ops = AstBuilder.tokens(c, 'op');
    const modNodes = AstBuilder.nodes(c, 'modifiers');
    const items: Operand<Expr>[] = [this.operand(operandNodes[0]!)];
    const mods: Modifiers[] = [];
    for (let i = 0; i < ops.length; i++) {
      mods.push(this.binModifiers(modNodes[i]!));
      items.push(this.operand(operandNodes[i + 1]!));
    }
    return foldChain(
      items,
      ops,
      (op) => PRECEDENCE[op.image.toLowerCase()]!,
      (signs, e) => this.applySigns(signs, e),
      (lhs, i, rhs) => this.binary(lhs, ops[i]!, mods[i]!, rhs),
    );
  }

  private operand(node: CstNode): Operand<Expr> {
    const c = node.children as Children;
    let expr = this.primary(c);
    for (const mod of AstBuilder.nodes(c, 'modifier')) expr = this.applyModifier(expr, mod);
    return { signs: AstBuilder.tokens(c, 'sign'), expr };
  }

  /** Applies unary signs, innermost last; a sign on a number literal is part of the literal. */
  private applySigns(signs: readonly IToken[], e: Expr): Expr {
    let expr = e;
    for (let i = signs.length - 1; i >= 0; i--) {
      const sign = signs[i]!;
      const op = sign.image as '+' | '-';
      const pos = { start: sign.startOffset, end: expr.pos.end };
      expr =
        expr.kind === 'NumberLiteral'
          ? NumberLiteral.create({
              val: op === '-' ? -expr.val : expr.val,
              duration: expr.duration,
              pos,
            })
          : UnaryExpr.create({ op, expr, pos });
    }
    return expr;
  }

  /** `bool`, `on`/`ignoring`, `group_left`/`group_right` and `fill*` of a binary operator. */
  private binModifiers(mods: CstNode): Modifiers {
    const m = mods.children as Children;
    const matchKind = AstBuilder.token(m, 'matchKind');
    const groupSide = AstBuilder.token(m, 'groupSide');
    const matchingLabels = matchKind
      ? this.groupingLabels(AstBuilder.node(m, 'matchingLabels')!)
      : [];
    const include = AstBuilder.node(m, 'include');
    const matching: VectorMatching = {
      card:
        groupSide === undefined
          ? 'one-to-one'
          : groupSide.tokenType === GroupLeft
            ? 'many-to-one'
            : 'one-to-many',
      matchingLabels,
      on: matchKind?.tokenType === On,
      include: include ? this.groupingLabels(include) : [],
      fillValues: this.fillValues(AstBuilder.nodes(m, 'fill')),
    };
    return { matching, returnBool: AstBuilder.token(m, 'bool') !== undefined };
  }

  private binary(lhs: Expr, opTok: IToken, modifiers: Modifiers, rhs: Expr): Expr {
    const pos = { start: lhs.pos.start, end: rhs.pos.end };
    const { lhs: fillLhs, rhs: fillRhs } = modifiers.matching.fillValues;
    if ((fillLhs !== null || fillRhs !== null) && !this.options.experimental) {
      this.error(pos, 'binop fill modifiers are experimental and not enabled');
    }
    return BinaryExpr.create({
      op: opTok.image.toLowerCase() as BinaryOp,
      lhs,
      rhs,
      matching: modifiers.matching,
      returnBool: modifiers.returnBool,
      pos,
    });
  }

  private fillValues(nodes: CstNode[]): VectorMatching['fillValues'] {
    let lhs: number | null = null;
    let rhs: number | null = null;
    if (nodes.length === 0) return { lhs, rhs };
    const sides = nodes.map((n) => AstBuilder.token(n.children as Children, 'side')!);
    const valid =
      nodes.length === 1 ||
      (nodes.length === 2 &&
        sides[0]!.tokenType !== Fill &&
        sides[1]!.tokenType !== Fill &&
        sides[0]!.tokenType !== sides[1]!.tokenType);
    if (!valid) {
      const bad = sides[1] ?? sides[0]!;
      this.error(
        AstBuilder.pos(bad),
        `unexpected <${bad.image}> in binary expression, a fill modifier may only follow fill_left or fill_right once`,
      );
    }
    for (let i = 0; i < nodes.length; i++) {
      const c = nodes[i]!.children as Children;
      const value = this.signedNumber(AstBuilder.node(c, 'value')!);
      const side = sides[i]!.tokenType;
      if (side === Fill) {
        lhs = value;
        rhs = value;
      } else if (side === FillLeft) lhs = value;
      else rhs = value;
    }
    return { lhs, rhs };
  }

  /** `(a, "b.c")` → label names, each checked as a valid (UTF-8) label name. */
  private groupingLabels(node: CstNode): string[] {
    const c = node.children as Children;
    const out: string[] = [];
    for (const l of AstBuilder.nodes(c, 'label')) {
      const lc = l.children as Children;
      const name = AstBuilder.token(lc, 'name');
      if (name !== undefined) {
        out.push(name.image);
        continue;
      }
      const quoted = AstBuilder.token(lc, 'quoted')!;
      const value = this.unquote(quoted);
      if (value === '' || !isValidUtf8(value)) {
        this.error(AstBuilder.pos(quoted), `invalid label name for grouping: ${goQuote(value)}`);
      }
      out.push(value);
    }
    return out;
  }

  // --- Postfix modifiers ---

  private applyModifier(expr: Expr, node: CstNode): Expr {
    const c = node.children as Children;
    const open = AstBuilder.token(c, 'open');
    if (open !== undefined) return this.rangeOrSubquery(expr, c, open);
    if (AstBuilder.token(c, 'offset') !== undefined) {
      return this.offset(expr, AstBuilder.node(c, 'offsetValue')!);
    }
    const at = AstBuilder.token(c, 'at');
    if (at !== undefined) return this.at(expr, c);
    const anchored = AstBuilder.token(c, 'anchored') !== undefined;
    return this.extendedRange(expr, anchored ? 'anchored' : 'smoothed');
  }

  private rangeOrSubquery(expr: Expr, c: Children, open: IToken): Expr {
    const close = AstBuilder.token(c, 'close')!;
    const closeEnd = close.startOffset + 1;
    const range = this.positiveDuration(AstBuilder.node(c, 'range')!);
    if (AstBuilder.token(c, 'colon') !== undefined) {
      const stepNode = AstBuilder.node(c, 'step');
      const step = stepNode ? this.positiveDuration(stepNode) : null;
      return SubqueryExpr.create({
        expr,
        rangeMs: range.ms,
        rangeExpr: range.expr,
        originalOffsetMs: 0,
        originalOffsetExpr: null,
        timestampMs: null,
        startOrEnd: null,
        stepMs: step?.ms ?? 0,
        stepExpr: step?.expr ?? null,
        pos: { start: expr.pos.start, end: closeEnd },
      });
    }
    let message = '';
    if (expr.kind !== 'VectorSelector') message = 'ranges only allowed for vector selectors';
    else if (expr.originalOffsetMs !== 0 || expr.originalOffsetExpr !== null) {
      message = 'no offset modifiers allowed before range';
    } else if (expr.timestampMs !== null || expr.startOrEnd !== null) {
      message = 'no @ modifiers allowed before range';
    }
    if (message !== '') this.error({ start: open.startOffset, end: closeEnd }, message);
    const vs =
      expr.kind === 'VectorSelector' ? expr : (placeholderSelector(expr.pos) as VectorSelector);
    return MatrixSelector.create({
      vectorSelector: vs,
      rangeMs: range.ms,
      rangeExpr: range.expr,
      pos: { start: expr.pos.start, end: closeEnd },
    });
  }

  /** A range or step: a literal that must be positive, or a duration expression. */
  private positiveDuration(node: CstNode): { ms: number; expr: DurationExpr | null } {
    const d = this.durationExpr(node);
    if (d.kind === 'NumberLiteral') {
      if (d.val <= 0) {
        this.error(d.pos, 'duration must be greater than 0');
        return { ms: 0, expr: null };
      }
      return { ms: secondsToMs(d.val), expr: null };
    }
    return { ms: 0, expr: this.requireDurationExpr(d) };
  }

  private requireDurationExpr(d: DurationExpr): DurationExpr {
    if (!this.options.experimental) {
      this.error(d.pos, 'experimental duration expression is not enabled');
    }
    return d;
  }

  private offset(expr: Expr, valueNode: CstNode): Expr {
    const value = this.offsetDuration(valueNode);
    const end = value.pos.end;
    const offsetMs = value.kind === 'NumberLiteral' ? secondsToMs(value.val) : 0;
    const offsetExpr = value.kind === 'DurationExpr' ? this.requireDurationExpr(value) : null;
    const target = this.modifierTarget(
      expr,
      'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
    if (target === null) return expr;
    const holder = target.holder;
    if (holder.originalOffsetMs !== 0 || holder.originalOffsetExpr !== null) {
      this.error(expr.pos, 'offset may not be set multiple times');
      return expr;
    }
    return target.rebuild({ originalOffsetMs: offsetMs, originalOffsetExpr: offsetExpr }, end);
  }

  private at(expr: Expr, c: Children): Expr {
    const fn = AstBuilder.token(c, 'atFn');
    let timestampMs: number | null = null;
    let startOrEnd: StartOrEnd | null = null;
    let end: number;
    if (fn !== undefined) {
      startOrEnd = fn.tokenType === Start ? 'start' : 'end';
      end = AstBuilder.token(c, 'atClose')!.startOffset + 1;
    } else {
      const valueNode = AstBuilder.node(c, 'atValue')!;
      const ts = this.signedNumber(valueNode);
      end = tokenEnd(AstBuilder.token(valueNode.children as Children, 'number')!);
      if (!Number.isFinite(ts) || ts >= 2 ** 63 || ts <= -(2 ** 63)) {
        this.error(expr.pos, `timestamp out of bounds for @ modifier: ${formatGoF6(ts)}`);
      }
      timestampMs = goRound(ts * 1000);
    }
    const target = this.modifierTarget(
      expr,
      '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    );
    if (target === null) return expr;
    if (target.holder.timestampMs !== null || target.holder.startOrEnd !== null) {
      this.error(expr.pos, '@ <timestamp> may not be set multiple times');
      return expr;
    }
    return target.rebuild({ timestampMs, startOrEnd }, end);
  }

  private extendedRange(expr: Expr, which: 'anchored' | 'smoothed'): Expr {
    if (!this.options.experimental) {
      this.error(expr.pos, `${which} modifier is experimental and not enabled`);
      return expr;
    }
    if (expr.kind === 'SubqueryExpr') {
      this.error(expr.pos, `${which} modifier is not supported for subqueries`);
      return expr;
    }
    const vs =
      expr.kind === 'VectorSelector'
        ? expr
        : expr.kind === 'MatrixSelector'
          ? expr.vectorSelector
          : null;
    if (vs === null) {
      this.error(expr.pos, `${which} modifier not implemented`);
      return expr;
    }
    const other = which === 'anchored' ? vs.smoothed : vs.anchored;
    if (other) this.error(expr.pos, 'anchored and smoothed modifiers cannot be used together');
    const updated = VectorSelector.create({
      ...vs,
      anchored: vs.anchored || which === 'anchored',
      smoothed: vs.smoothed || which === 'smoothed',
    });
    if (expr.kind === 'VectorSelector') return updated;
    return MatrixSelector.create({ ...(expr as MatrixSelector), vectorSelector: updated });
  }

  /**
   * Where an `offset` or `@` goes: a vector selector, the selector of a range selector, or
   * a subquery. `rebuild` returns the expression with the modifier fields replaced and its
   * end moved to `end`.
   */
  private modifierTarget(
    expr: Expr,
    message: string,
  ): {
    holder: VectorSelector | SubqueryExpr;
    rebuild: (fields: Partial<ModifierFields>, end: number) => Expr;
  } | null {
    switch (expr.kind) {
      case 'VectorSelector':
        return {
          holder: expr,
          rebuild: (f, end) =>
            VectorSelector.create({ ...expr, ...f, pos: { start: expr.pos.start, end } }),
        };
      case 'MatrixSelector': {
        const vs = expr.vectorSelector;
        return {
          holder: vs,
          rebuild: (f, end) =>
            MatrixSelector.create({
              ...expr,
              vectorSelector: VectorSelector.create({ ...vs, ...f }),
              pos: { start: expr.pos.start, end },
            }),
        };
      }
      case 'SubqueryExpr':
        return {
          holder: expr,
          rebuild: (f, end) =>
            SubqueryExpr.create({ ...expr, ...f, pos: { start: expr.pos.start, end } }),
        };
      default:
        this.error(expr.pos, message);
        return null;
    }
  }

  // --- Primary expressions ---

  /** The primary expression of an operand (its children hold exactly one of these). */
  private primary(c: Children): Expr {
    const number = AstBuilder.token(c, 'number');
    if (number !== undefined) return this.numberLiteral(number);
    const str = AstBuilder.token(c, 'string');
    if (str !== undefined) {
      return StringLiteral.create({ val: this.unquote(str), pos: AstBuilder.pos(str) });
    }
    const paren = AstBuilder.node(c, 'paren');
    if (paren !== undefined) {
      const pc = paren.children as Children;
      const inner = this.expression(AstBuilder.node(pc, 'expr')!);
      return ParenExpr.create({
        expr: inner,
        pos: {
          start: AstBuilder.token(pc, 'open')!.startOffset,
          end: AstBuilder.token(pc, 'close')!.startOffset + 1,
        },
      });
    }
    const agg = AstBuilder.node(c, 'aggregate');
    if (agg !== undefined) return this.aggregate(agg);
    const call = AstBuilder.node(c, 'call');
    if (call !== undefined) return this.call(call);
    return this.vectorSelector(AstBuilder.node(c, 'selector')!);
  }

  private numberLiteral(t: IToken): NumberLiteral {
    const pos = AstBuilder.pos(t);
    if (t.tokenType === DurationTok) {
      const d = parseDuration(t.image);
      if (!d.ok) this.error(pos, d.error);
      return NumberLiteral.create({ val: d.ok ? durationSeconds(d.ms) : 0, duration: true, pos });
    }
    const n = parseGoNumber(t.image);
    if (!n.ok) this.error(pos, `error parsing number: ${n.error}`);
    return NumberLiteral.create({ val: n.ok ? n.value : 0, duration: false, pos });
  }

  private unquote(t: IToken): string {
    const r = unquoteString(t.image);
    if (!r.ok) {
      this.error(AstBuilder.pos(t), `error unquoting string ${goQuote(t.image)}: ${r.error}`);
      return '';
    }
    return r.value;
  }

  private aggregate(node: CstNode): Expr {
    const c = node.children as Children;
    const opTok = AstBuilder.token(c, 'op')!;
    const op = opTok.image.toLowerCase() as AggregateOp;
    const modifier = AstBuilder.node(c, 'modifier');
    const argsNode = AstBuilder.node(c, 'args')!;
    let grouping: string[] = [];
    let without = false;
    const readModifier = () => {
      if (modifier === undefined) return;
      const mc = modifier.children as Children;
      without = AstBuilder.token(mc, 'kind')!.tokenType === Without;
      grouping = this.groupingLabels(AstBuilder.node(mc, 'labels')!);
    };
    // Problems are reported in source order: `by (...)` may come before or after the body.
    const modifierFirst =
      modifier !== undefined &&
      AstBuilder.token(modifier.children as Children, 'kind')!.startOffset <
        AstBuilder.token(argsNode.children as Children, 'open')!.startOffset;
    if (modifierFirst) readModifier();
    const args = this.callArgs(argsNode);
    if (!modifierFirst) readModifier();
    const end = Math.max(
      closeEnd(argsNode),
      modifier ? closeEnd(AstBuilder.node(modifier.children as Children, 'labels')!) : 0,
    );
    const pos = { start: opTok.startOffset, end };
    const placeholder = NumberLiteral.create({ val: 0, duration: false, pos });
    if (args.length === 0) {
      this.error(pos, 'no arguments for aggregate expression provided');
      return AggregateExpr.create({ op, expr: placeholder, param: null, grouping, without, pos });
    }
    let desired = 1;
    let param: Expr | null = null;
    if (aggregateHasParam(op)) {
      if (!this.options.experimental && (op === 'limitk' || op === 'limit_ratio')) {
        this.error(
          pos,
          `${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`,
        );
        return AggregateExpr.create({ op, expr: placeholder, param: null, grouping, without, pos });
      }
      desired = 2;
      param = args[0]!;
    }
    if (args.length !== desired) {
      this.error(
        pos,
        `wrong number of arguments for aggregate expression provided, expected ${desired}, got ${args.length}`,
      );
      return AggregateExpr.create({ op, expr: placeholder, param, grouping, without, pos });
    }
    return AggregateExpr.create({ op, expr: args[desired - 1]!, param, grouping, without, pos });
  }

  private callArgs(node: CstNode): Expr[] {
    const c = node.children as Children;
    const args = AstBuilder.nodes(c, 'arg').map((a) => this.expression(a));
    const commas = AstBuilder.tokens(c, 'comma');
    if (commas.length >= args.length && commas.length > 0) {
      this.error(
        AstBuilder.pos(commas[commas.length - 1]!),
        'trailing commas not allowed in function call args',
      );
    }
    return args;
  }

  private call(node: CstNode): Expr {
    const c = node.children as Children;
    const nameTok = AstBuilder.token(c, 'name')!;
    const name = nameTok.image;
    const sig = functionSignature(name);
    const namePos = AstBuilder.pos(nameTok);
    if (sig === undefined || (sig.prometheus2Only && !this.options.prometheus2)) {
      this.error(namePos, `unknown function with name ${goQuote(name)}`);
    } else if (sig.experimental && !this.options.experimental) {
      this.error(namePos, `function ${goQuote(name)} is not enabled`);
    }
    const argsNode = AstBuilder.node(c, 'args')!;
    const args = this.callArgs(argsNode);
    return Call.create({
      func: name,
      args,
      pos: { start: nameTok.startOffset, end: closeEnd(argsNode) },
    });
  }

  private vectorSelector(node: CstNode): Expr {
    const c = node.children as Children;
    const nameTok = AstBuilder.token(c, 'name');
    const matchersNode = AstBuilder.node(c, 'matchers');
    const matchers = matchersNode ? this.labelMatchers(matchersNode) : [];
    const name = nameTok?.image ?? '';
    if (name !== '') matchers.push({ type: '=', name: '__name__', value: name });
    const start = nameTok
      ? nameTok.startOffset
      : AstBuilder.token(matchersNode!.children as Children, 'open')!.startOffset;
    const end = matchersNode ? closeEnd(matchersNode) : tokenEnd(nameTok!);
    return VectorSelector.create({
      name,
      labelMatchers: matchers,
      originalOffsetMs: 0,
      originalOffsetExpr: null,
      timestampMs: null,
      startOrEnd: null,
      anchored: false,
      smoothed: false,
      bypassEmptyMatcherCheck: false,
      pos: { start, end },
    });
  }

  private labelMatchers(node: CstNode): LabelMatcher[] {
    const out: LabelMatcher[] = [];
    for (const m of AstBuilder.nodes(node.children as Children, 'matcher')) {
      const mc = m.children as Children;
      const nameTok = AstBuilder.token(mc, 'name') ?? AstBuilder.token(mc, 'quotedName')!;
      const name = nameTok.tokenType === Identifier ? nameTok.image : this.unquote(nameTok);
      const opTok = AstBuilder.token(mc, 'op');
      if (opTok === undefined) {
        // `{"metric.name"}`: a quoted metric name.
        out.push({ type: '=', name: '__name__', value: name });
        continue;
      }
      const type = opTok.image as MatchType;
      const valueTok = AstBuilder.token(mc, 'value')!;
      const value = this.unquote(valueTok);
      if (type === '=~' || type === '!~') {
        const err = regexError(value);
        if (err !== null) {
          this.error({ start: nameTok.startOffset, end: AstBuilder.pos(valueTok).end }, err);
        }
      }
      out.push({ type, name, value });
    }
    return out;
  }

  // --- Durations ---

  private signedNumber(node: CstNode): number {
    const c = node.children as Children;
    const lit = this.numberLiteral(AstBuilder.token(c, 'number')!);
    return AstBuilder.token(c, 'sign')?.tokenType === Sub ? -lit.val : lit.val;
  }

  private offsetDuration(node: CstNode): NumberLiteral | DurationExpr {
    return this.durationOperand(AstBuilder.node(node.children as Children, 'operand')!);
  }

  /** A duration chain, with precedence `+ -` < `* / %` < signs < `^` (right-associative). */
  private durationExpr(node: CstNode): NumberLiteral | DurationExpr {
    const c = node.children as Children;
    const ops = AstBuilder.tokens(c, 'op');
    const items = AstBuilder.nodes(c, 'operand').map((n) => {
      const signs = AstBuilder.tokens(n.children as Children, 'sign');
      return { signs, expr: this.durationPrimary(n) };
    });
    return foldChain<NumberLiteral | DurationExpr>(
      items,
      ops,
      (op) => (op.tokenType === Add || op.tokenType === Sub ? 1 : 2),
      (signs, e) => this.applyDurationSigns(signs, e),
      (lhs, i, rhs) => this.durationBinary(lhs, ops[i]!, rhs),
    );
  }

  /** A signed duration operand (the value of `offset`). */
  private durationOperand(node: CstNode): NumberLiteral | DurationExpr {
    const signs = AstBuilder.tokens(node.children as Children, 'sign');
    return this.applyDurationSigns(signs, this.durationPrimary(node));
  }

  private applyDurationSigns(
    signs: readonly IToken[],
    e: NumberLiteral | DurationExpr,
  ): NumberLiteral | DurationExpr {
    let expr = e;
    for (let i = signs.length - 1; i >= 0; i--) expr = this.applySign(signs[i]!, expr);
    return expr;
  }

  private durationBinary(
    lhs: NumberLiteral | DurationExpr,
    opTok: IToken,
    rhs: NumberLiteral | DurationExpr,
  ): DurationExpr | NumberLiteral {
    const op = opTok.image as DurationOp;
    if ((op === '/' || op === '%') && rhs.kind === 'NumberLiteral' && rhs.val === 0) {
      this.error(AstBuilder.pos(opTok), op === '/' ? 'division by zero' : 'modulo by zero');
    }
    return DurationExpr.create({
      op,
      lhs,
      rhs,
      wrapped: false,
      pos: { start: lhs.pos.start, end: rhs.pos.end },
    });
  }

  private durationPrimary(node: CstNode): NumberLiteral | DurationExpr {
    const c = node.children as Children;
    const number = AstBuilder.token(c, 'number');
    if (number !== undefined) {
      const lit = this.numberLiteral(number);
      return this.checkDurationRange(lit, lit.pos);
    }
    const fn = AstBuilder.token(c, 'fn');
    const close = AstBuilder.token(c, 'close')!;
    const pos = {
      start: (fn ?? AstBuilder.token(c, 'open')!).startOffset,
      end: close.startOffset + 1,
    };
    if (fn !== undefined) {
      const args = AstBuilder.nodes(c, 'arg').map((a) => this.durationExpr(a));
      const op: DurationOp =
        fn.tokenType === Step
          ? 'step'
          : fn.tokenType === Range
            ? 'range'
            : fn.tokenType === MinOf
              ? 'min_of'
              : 'max_of';
      return DurationExpr.create({
        op,
        lhs: args[0] ?? null,
        rhs: args[1] ?? null,
        wrapped: false,
        pos,
      });
    }
    const inner = this.durationExpr(AstBuilder.node(c, 'inner')!);
    if (inner.kind === 'DurationExpr') {
      return DurationExpr.create({ ...inner, wrapped: true, pos });
    }
    // A parenthesised literal is kept as a wrapped unary plus, so that it prints back.
    return DurationExpr.create({ op: '+', lhs: null, rhs: inner, wrapped: true, pos });
  }

  private applySign(sign: IToken, e: NumberLiteral | DurationExpr): NumberLiteral | DurationExpr {
    const start = sign.startOffset;
    if (e.kind === 'NumberLiteral') {
      const lit = NumberLiteral.create({
        ...e,
        val: sign.tokenType === Sub ? -e.val : e.val,
        pos: { start, end: e.pos.end },
      });
      return this.checkDurationRange(lit, AstBuilder.pos(sign));
    }
    if (sign.tokenType !== Sub) return e;
    return DurationExpr.create({
      op: '-',
      lhs: null,
      rhs: e,
      wrapped: false,
      pos: { start, end: e.pos.end },
    });
  }

  private checkDurationRange(lit: NumberLiteral, errPos: PosRange): NumberLiteral {
    if (lit.val > MAX_DURATION_SECONDS || lit.val < -MAX_DURATION_SECONDS) {
      this.error(errPos, 'duration out of range');
      return NumberLiteral.create({ ...lit, val: 0 });
    }
    return lit;
  }
}

/** An operand of a binary chain: its signs and its expression. */
interface Operand<T> {
  readonly signs: readonly IToken[];
  readonly expr: T;
}

/**
 * Folds a flat chain `items[0] ops[0] items[1] …` into a tree. Runs of `^` are folded from
 * the right first, each base's signs applying to its whole power (`-a ^ b` is `-(a ^ b)`);
 * the other operators are then applied by precedence climbing, left-associative. `combine`
 * is called inner operations first, as Prometheus's parser reduces them.
 */
function foldChain<T>(
  items: readonly Operand<T>[],
  ops: readonly IToken[],
  precedence: (op: IToken) => number,
  applySigns: (signs: readonly IToken[], e: T) => T,
  combine: (lhs: T, opIndex: number, rhs: T) => T,
): T {
  const units: T[] = [];
  const unitOps: number[] = [];
  for (let i = 0; i < items.length; ) {
    let j = i;
    while (j < ops.length && ops[j]!.tokenType === Pow) j++;
    let acc = applySigns(items[j]!.signs, items[j]!.expr);
    for (let k = j - 1; k >= i; k--)
      acc = applySigns(items[k]!.signs, combine(items[k]!.expr, k, acc));
    units.push(acc);
    if (j < ops.length) unitOps.push(j);
    i = j + 1;
  }
  let next = 0;
  const climb = (minPrec: number): T => {
    let lhs: T = units[next] as T;
    while (next < unitOps.length) {
      const opIndex = unitOps[next]!;
      const prec = precedence(ops[opIndex]!);
      if (prec < minPrec) break;
      next++;
      lhs = combine(lhs, opIndex, climb(prec + 1));
    }
    return lhs;
  };
  return climb(0);
}

/** The modifiers of one binary operator. */
interface Modifiers {
  readonly matching: VectorMatching;
  readonly returnBool: boolean;
}

/** Binding strength of the left-associative binary operators (`^` is handled apart). */
const PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '>': 3,
  '<': 3,
  '>=': 3,
  '<=': 3,
  '</': 3,
  '>/': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
};

type ModifierFields = Pick<
  Mutable<VectorSelector>,
  'originalOffsetMs' | 'originalOffsetExpr' | 'timestampMs' | 'startOrEnd'
>;

/** A stand-in selector for a range on something that is not a selector (already an error). */
function placeholderSelector(pos: PosRange): VectorSelector {
  return VectorSelector.create({
    name: '',
    labelMatchers: [],
    originalOffsetMs: 0,
    originalOffsetExpr: null,
    timestampMs: null,
    startOrEnd: null,
    anchored: false,
    smoothed: false,
    bypassEmptyMatcherCheck: true,
    pos,
  });
}

/** End offset (exclusive) of a token. */
function tokenEnd(t: IToken): number {
  return t.startOffset + t.image.length;
}

/** End offset of the `close` token (`)`, `}`, `]`) of a CST node. */
function closeEnd(node: CstNode): number {
  return tokenEnd(AstBuilder.closeToken(node));
}

/** Go's `%f` (6 decimals), with Go's spelling of the special values. */
function formatGoF6(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  // Beyond 1e21 toFixed switches to exponent form; such doubles are integers, and Go prints
  // their exact decimal value.
  return Math.abs(v) < 1e21 ? v.toFixed(6) : `${BigInt(v)}.000000`;
}

const regexCache = new Map<string, string | null>();

/**
 * The error Prometheus reports for an invalid regex matcher value, or null. `labels.NewMatcher`
 * parses the value on its own (Perl syntax) before anchoring it as `^(?s:value)$`, so the
 * message quotes the value as written.
 */
export function regexError(value: string): string | null {
  const cached = regexCache.get(value);
  if (cached !== undefined) return cached;
  let err: string | null = null;
  try {
    RE2JS.compile(value);
  } catch (e) {
    err = e instanceof Error ? e.message : String(e);
  }
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(value, err);
  return err;
}

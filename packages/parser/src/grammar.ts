/**
 * The PromQL grammar as a Chevrotain CST parser. It only recognises structure; building the
 * AST and every semantic check live in `cst-to-ast.ts` and `check.ts`.
 *
 * Binary operators are read as a flat chain; the AST builder applies Prometheus's precedence.
 * Postfix modifiers (`[range]`, `[range:step]`, `offset`, `@`, `anchored`, `smoothed`) bind
 * tighter than every operator.
 */
import { CstParser, type TokenType } from 'chevrotain';
import {
  AddOpTok,
  AggregateOpTok,
  ALL_TOKENS,
  Anchored,
  At,
  BinaryOpTok,
  Bool,
  By,
  Colon,
  Comma,
  DurationOpTok,
  DurationTok,
  End,
  Fill,
  FillLeft,
  FillRight,
  GroupLeft,
  GroupRight,
  Identifier,
  Ignoring,
  LBrace,
  LBracket,
  LParen,
  MatchOpTok,
  MaxOf,
  MetricNameTok,
  MinOf,
  NumberTok,
  Offset,
  On,
  Range,
  RBrace,
  RBracket,
  RParen,
  Smoothed,
  Start,
  Step,
  StringTok,
  Without,
  Word,
} from './lexer.js';

const CALLABLE: ReadonlySet<TokenType> = new Set([
  Identifier,
  Start,
  End,
  Step,
  Range,
  MinOf,
  MaxOf,
]);

/** The Chevrotain parser for PromQL expressions. Create once and reuse (see `parse`). */
export class PromQLGrammar extends CstParser {
  /**
   * Alternatives of each `OR`, built once: creating the arrays and closures on every call
   * costs more than the decision itself (Chevrotain's performance guide).
   */
  private readonly altCache: unknown[] = [];

  private alts<T>(id: number, make: () => T): T {
    const cached = this.altCache[id] as T | undefined;
    if (cached !== undefined) return cached;
    const made = make();
    this.altCache[id] = made;
    return made;
  }

  constructor() {
    super(ALL_TOKENS, {
      recoveryEnabled: false,
      nodeLocationTracking: 'none',
      maxLookahead: 3,
    });
    this.performSelfAnalysis();
  }

  /**
   * Entry point: one expression, read as a flat chain `operand (op modifiers operand)*`.
   * Precedence and associativity are applied when the AST is built (`cst-to-ast.ts`), which
   * keeps the parser shallow.
   */
  public expression = this.RULE('expression', () => {
    this.SUBRULE(this.operand, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(BinaryOpTok, { LABEL: 'op' });
      this.SUBRULE(this.binModifiers, { LABEL: 'modifiers' });
      this.SUBRULE2(this.operand, { LABEL: 'operand' });
    });
  });

  /** An operand: signs, a primary expression, then its postfix modifiers. */
  private operand = this.RULE('operand', () => {
    this.MANY(() => this.CONSUME(AddOpTok, { LABEL: 'sign' }));
    // Two tokens decide: deeper lookahead would turn `sum(` + garbage into a selector.
    this.OR(
      this.alts(7, () => ({
        MAX_LOOKAHEAD: 2,
        DEF: [
          { ALT: () => this.CONSUME(NumberTok, { LABEL: 'number' }) },
          { ALT: () => this.CONSUME(DurationTok, { LABEL: 'number' }) },
          { ALT: () => this.CONSUME(StringTok, { LABEL: 'string' }) },
          { ALT: () => this.SUBRULE(this.parenExpr, { LABEL: 'paren' }) },
          {
            GATE: () => this.aggregateAhead(),
            ALT: () => this.SUBRULE(this.aggregateExpr, { LABEL: 'aggregate' }),
            IGNORE_AMBIGUITIES: true,
          },
          {
            GATE: () => CALLABLE.has(this.LA(1).tokenType) && this.LA(2).tokenType === LParen,
            ALT: () => this.SUBRULE(this.functionCall, { LABEL: 'call' }),
            IGNORE_AMBIGUITIES: true,
          },
          { ALT: () => this.SUBRULE(this.vectorSelector, { LABEL: 'selector' }) },
        ],
      })),
    );
    this.MANY2(() => this.SUBRULE(this.postfixModifier, { LABEL: 'modifier' }));
  });

  /** `bool`, `on(...)`/`ignoring(...)` with `group_left/right(...)`, `fill*(v)`. */
  private binModifiers = this.RULE('binModifiers', () => {
    this.OPTION(() => this.CONSUME(Bool, { LABEL: 'bool' }));
    this.OPTION2(() => {
      this.OR(
        this.alts(1, () => [
          { ALT: () => this.CONSUME(On, { LABEL: 'matchKind' }) },
          { ALT: () => this.CONSUME(Ignoring, { LABEL: 'matchKind' }) },
        ]),
      );
      this.SUBRULE(this.groupingLabels, { LABEL: 'matchingLabels' });
      this.OPTION3(() => {
        this.OR2(
          this.alts(2, () => [
            { ALT: () => this.CONSUME(GroupLeft, { LABEL: 'groupSide' }) },
            { ALT: () => this.CONSUME(GroupRight, { LABEL: 'groupSide' }) },
          ]),
        );
        this.OPTION4(() => this.SUBRULE2(this.groupingLabels, { LABEL: 'include' }));
      });
    });
    this.MANY(() => this.SUBRULE(this.fillModifier, { LABEL: 'fill' }));
  });

  private fillModifier = this.RULE('fillModifier', () => {
    this.OR(
      this.alts(3, () => [
        { ALT: () => this.CONSUME(Fill, { LABEL: 'side' }) },
        { ALT: () => this.CONSUME(FillLeft, { LABEL: 'side' }) },
        { ALT: () => this.CONSUME(FillRight, { LABEL: 'side' }) },
      ]),
    );
    this.CONSUME(LParen);
    this.SUBRULE(this.signedNumber, { LABEL: 'value' });
    this.CONSUME(RParen, { LABEL: 'close' });
  });

  /** `(a, b, "c.d")`: label names for grouping and vector matching. */
  private groupingLabels = this.RULE('groupingLabels', () => {
    this.CONSUME(LParen);
    this.OPTION(() => {
      this.SUBRULE(this.groupingLabel, { LABEL: 'label' });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.groupingLabel, { LABEL: 'label' });
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RParen, { LABEL: 'close' });
  });

  private groupingLabel = this.RULE('groupingLabel', () => {
    this.OR(
      this.alts(4, () => [
        { ALT: () => this.CONSUME(Word, { LABEL: 'name' }) },
        { ALT: () => this.CONSUME(StringTok, { LABEL: 'quoted' }) },
      ]),
    );
  });

  private postfixModifier = this.RULE('postfixModifier', () => {
    this.OR(
      this.alts(5, () => [
        {
          ALT: () => {
            this.CONSUME(LBracket, { LABEL: 'open' });
            this.SUBRULE(this.durationExpr, { LABEL: 'range' });
            this.OPTION(() => {
              this.CONSUME(Colon, { LABEL: 'colon' });
              this.OPTION2(() => this.SUBRULE2(this.durationExpr, { LABEL: 'step' }));
            });
            this.CONSUME(RBracket, { LABEL: 'close' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(Offset, { LABEL: 'offset' });
            this.SUBRULE(this.offsetDuration, { LABEL: 'offsetValue' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(At, { LABEL: 'at' });
            this.OR2(
              this.alts(18, () => [
                { ALT: () => this.SUBRULE(this.signedNumber, { LABEL: 'atValue' }) },
                {
                  ALT: () => {
                    this.OR3(
                      this.alts(19, () => [
                        { ALT: () => this.CONSUME(Start, { LABEL: 'atFn' }) },
                        { ALT: () => this.CONSUME(End, { LABEL: 'atFn' }) },
                      ]),
                    );
                    this.CONSUME(LParen);
                    this.CONSUME(RParen, { LABEL: 'atClose' });
                  },
                },
              ]),
            );
          },
        },
        { ALT: () => this.CONSUME(Anchored, { LABEL: 'anchored' }) },
        { ALT: () => this.CONSUME(Smoothed, { LABEL: 'smoothed' }) },
      ]),
    );
  });

  /** A number or duration with an optional sign (`@` values and `fill` values). */
  private signedNumber = this.RULE('signedNumber', () => {
    this.OPTION(() => this.CONSUME(AddOpTok, { LABEL: 'sign' }));
    this.OR(
      this.alts(6, () => [
        { ALT: () => this.CONSUME(NumberTok, { LABEL: 'number' }) },
        { ALT: () => this.CONSUME(DurationTok, { LABEL: 'number' }) },
      ]),
    );
  });

  private aggregateAhead(): boolean {
    const next = this.LA(2).tokenType;
    return (
      this.LA(1).tokenType.CATEGORIES?.includes(AggregateOpTok) === true &&
      (next === LParen || next === By || next === Without)
    );
  }

  private parenExpr = this.RULE('parenExpr', () => {
    this.CONSUME(LParen, { LABEL: 'open' });
    this.SUBRULE(this.expression, { LABEL: 'expr' });
    this.CONSUME(RParen, { LABEL: 'close' });
  });

  private aggregateExpr = this.RULE('aggregateExpr', () => {
    this.CONSUME(AggregateOpTok, { LABEL: 'op' });
    this.OR(
      this.alts(8, () => [
        {
          ALT: () => {
            this.SUBRULE(this.aggregateModifier, { LABEL: 'modifier' });
            this.SUBRULE(this.callArgs, { LABEL: 'args' });
          },
        },
        {
          ALT: () => {
            this.SUBRULE2(this.callArgs, { LABEL: 'args' });
            this.OPTION(() => this.SUBRULE2(this.aggregateModifier, { LABEL: 'modifier' }));
          },
        },
      ]),
    );
  });

  private aggregateModifier = this.RULE('aggregateModifier', () => {
    this.OR(
      this.alts(9, () => [
        { ALT: () => this.CONSUME(By, { LABEL: 'kind' }) },
        { ALT: () => this.CONSUME(Without, { LABEL: 'kind' }) },
      ]),
    );
    this.SUBRULE(this.groupingLabels, { LABEL: 'labels' });
  });

  private functionCall = this.RULE('functionCall', () => {
    this.OR(
      this.alts(10, () => [
        { ALT: () => this.CONSUME(MetricNameTok, { LABEL: 'name' }) },
        { ALT: () => this.CONSUME(MinOf, { LABEL: 'name' }) },
        { ALT: () => this.CONSUME(MaxOf, { LABEL: 'name' }) },
      ]),
    );
    this.SUBRULE(this.callArgs, { LABEL: 'args' });
  });

  /** `(a, b, c)`; a trailing comma is accepted here and reported by the AST builder. */
  private callArgs = this.RULE('callArgs', () => {
    this.CONSUME(LParen, { LABEL: 'open' });
    this.OPTION(() => {
      this.SUBRULE(this.expression, { LABEL: 'arg' });
      this.MANY(() => {
        this.CONSUME(Comma, { LABEL: 'comma' });
        this.OPTION2(() => this.SUBRULE2(this.expression, { LABEL: 'arg' }));
      });
    });
    this.CONSUME(RParen, { LABEL: 'close' });
  });

  private vectorSelector = this.RULE('vectorSelector', () => {
    this.OR(
      this.alts(11, () => [
        {
          ALT: () => {
            this.CONSUME(MetricNameTok, { LABEL: 'name' });
            this.OPTION(() => this.SUBRULE(this.labelMatchers, { LABEL: 'matchers' }));
          },
        },
        { ALT: () => this.SUBRULE2(this.labelMatchers, { LABEL: 'matchers' }) },
      ]),
    );
  });

  private labelMatchers = this.RULE('labelMatchers', () => {
    this.CONSUME(LBrace, { LABEL: 'open' });
    this.OPTION(() => {
      this.SUBRULE(this.labelMatcher, { LABEL: 'matcher' });
      this.MANY(() => {
        this.CONSUME(Comma);
        this.SUBRULE2(this.labelMatcher, { LABEL: 'matcher' });
      });
      this.OPTION2(() => this.CONSUME2(Comma));
    });
    this.CONSUME(RBrace, { LABEL: 'close' });
  });

  private labelMatcher = this.RULE('labelMatcher', () => {
    this.OR(
      this.alts(12, () => [
        {
          ALT: () => {
            this.CONSUME(Identifier, { LABEL: 'name' });
            this.CONSUME(MatchOpTok, { LABEL: 'op' });
            this.CONSUME(StringTok, { LABEL: 'value' });
          },
        },
        {
          ALT: () => {
            this.CONSUME2(StringTok, { LABEL: 'quotedName' });
            this.OPTION(() => {
              this.CONSUME2(MatchOpTok, { LABEL: 'op' });
              this.CONSUME3(StringTok, { LABEL: 'value' });
            });
          },
        },
      ]),
    );
  });

  /** The value after `offset`: a signed duration, `step()`, `min_of(...)` or `(...)`. */
  private offsetDuration = this.RULE('offsetDuration', () => {
    this.SUBRULE(this.durationOperand, { LABEL: 'operand' });
  });

  /**
   * Duration arithmetic inside `[...]` and parentheses, as a flat chain; the AST builder
   * applies precedence (`+ -` < `* / %` < unary < `^`).
   */
  private durationExpr = this.RULE('durationExpr', () => {
    this.SUBRULE(this.durationOperand, { LABEL: 'operand' });
    this.MANY(() => {
      this.CONSUME(DurationOpTok, { LABEL: 'op' });
      this.SUBRULE2(this.durationOperand, { LABEL: 'operand' });
    });
  });

  private durationOperand = this.RULE('durationOperand', () => {
    this.MANY(() => this.CONSUME(AddOpTok, { LABEL: 'sign' }));
    this.OR(
      this.alts(17, () => [
        { ALT: () => this.CONSUME(NumberTok, { LABEL: 'number' }) },
        { ALT: () => this.CONSUME(DurationTok, { LABEL: 'number' }) },
        {
          ALT: () => {
            this.OR2(
              this.alts(20, () => [
                { ALT: () => this.CONSUME(Step, { LABEL: 'fn' }) },
                { ALT: () => this.CONSUME(Range, { LABEL: 'fn' }) },
              ]),
            );
            this.CONSUME(LParen);
            this.CONSUME(RParen, { LABEL: 'close' });
          },
        },
        {
          ALT: () => {
            this.OR3(
              this.alts(21, () => [
                { ALT: () => this.CONSUME(MinOf, { LABEL: 'fn' }) },
                { ALT: () => this.CONSUME(MaxOf, { LABEL: 'fn' }) },
              ]),
            );
            this.CONSUME2(LParen);
            this.SUBRULE(this.durationExpr, { LABEL: 'arg' });
            this.CONSUME(Comma);
            this.SUBRULE2(this.durationExpr, { LABEL: 'arg' });
            this.CONSUME2(RParen, { LABEL: 'close' });
          },
        },
        {
          ALT: () => {
            this.CONSUME3(LParen, { LABEL: 'open' });
            this.SUBRULE3(this.durationExpr, { LABEL: 'inner' });
            this.CONSUME3(RParen, { LABEL: 'close' });
          },
        },
      ]),
    );
  });
}

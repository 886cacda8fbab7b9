/**
 * fast-check arbitraries of well-typed, canonical PromQL ASTs: trees that the parser itself
 * could produce (parentheses where precedence needs them, matchers in printed order, signs
 * folded into number literals), so that `parse(print(e))` must give `e` back.
 */
import fc from 'fast-check';
import {
  AggregateExpr,
  type AggregateOp,
  aggregateHasParam,
  BinaryExpr,
  type BinaryOp,
  Call,
  DurationExpr,
  decodeUtf8Lossless,
  durationSeconds,
  type Expr,
  FUNCTIONS,
  type FunctionSignature,
  isComparisonOp,
  isSetOp,
  type LabelMatcher,
  MatrixSelector,
  NumberLiteral,
  ParenExpr,
  type PosRange,
  printMatcher,
  StringLiteral,
  SubqueryExpr,
  UnaryExpr,
  type ValueType,
  VectorSelector,
} from '../src/index.js';

const POS: PosRange = { start: 0, end: 0 };

// Ranges, steps and offsets up to 10 days. Prometheus turns a written duration into float
// seconds and back into nanoseconds; for durations of months that can lose a millisecond
// (and we do the same on purpose), so exact round trips hold below that.
const TEN_DAYS_MS = 10 * 24 * 3600 * 1000;

// --- Precedence, as the grammar defines it ---

const PREC: Record<BinaryOp, number> = {
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
  '^': 7,
};
const UNARY_PREC = 6;
const ATOM_PREC = 8;

function precOf(e: Expr): number {
  if (e.kind === 'BinaryExpr') return PREC[e.op];
  if (e.kind === 'UnaryExpr') return UNARY_PREC;
  if (e.kind === 'NumberLiteral' && (e.val < 0 || Object.is(e.val, -0))) return UNARY_PREC;
  return ATOM_PREC;
}

function paren(e: Expr): Expr {
  return ParenExpr.create({ expr: e, pos: POS });
}

/** Wraps `e` in parentheses unless it binds at least as tightly as `min`. */
function atLeast(e: Expr, min: number): Expr {
  return precOf(e) >= min ? e : paren(e);
}

/** A binary expression with the parentheses its operands need. */
export function binary(
  op: BinaryOp,
  lhs: Expr,
  rhs: Expr,
  rest: Pick<BinaryExpr, 'matching' | 'returnBool'>,
): BinaryExpr {
  const p = PREC[op];
  const rightAssoc = op === '^';
  const l = rightAssoc ? atLeast(lhs, p + 1) : atLeast(lhs, p);
  const r = rightAssoc ? (precOf(rhs) >= UNARY_PREC ? rhs : paren(rhs)) : atLeast(rhs, p + 1);
  // `-x ^ y` reads as -(x ^ y): a signed left operand of ^ needs parentheses too.
  return BinaryExpr.create({ op, lhs: l, rhs: r, ...rest, pos: POS });
}

// --- Leaves ---

const legacyName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,8}$/);
const metricName = fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,8}$/);
/**
 * Whether `s` can be printed and parsed back: not when it holds U+FFFD. Go's `strconv.Quote`
 * writes that character as it is (it is printable), and Prometheus's lexer refuses it written
 * so ("invalid UTF-8 rune": it is the rune Go decodes invalid bytes to), so such a string does
 * not round-trip in Prometheus either.
 */
const printable = (s: string) => !s.includes('\ufffd');
/** Label names, sometimes needing quotes (UTF-8 names). */
const labelName = fc.oneof(
  { weight: 4, arbitrary: legacyName },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }).filter(printable),
  },
);
/**
 * Any Go string: valid Unicode, or arbitrary bytes decoded as the parser holds them (bytes that
 * are not valid UTF-8 become surrogate escapes; those that are become characters).
 */
const goString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).filter(printable) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.integer({ min: 0, max: 0xff }), { minLength: 1, maxLength: 6 })
      .map((bytes) => decodeUtf8Lossless(bytes))
      .filter(printable),
  },
);
const REGEXES = ['.*', '.+', 'a|b', 'foo.*', '[0-9]+', '(a|b)c?', 'x{2,3}', '\\d+', '(?i)abc', ''];

const number = fc.oneof(
  fc.double({ noDefaultInfinity: false }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(0, -0, 1, 0.5, 1e21, 1e-7, Number.NaN),
);

/** A duration literal as the parser builds it from `1h30m`-style text. */
function durationLiteral(ms: number): NumberLiteral {
  const val = ms < 0 ? -durationSeconds(-ms) : durationSeconds(ms);
  return NumberLiteral.create({ val, duration: true, pos: POS });
}

const numberLiteral = fc.oneof(
  {
    weight: 3,
    arbitrary: number.map((val) => NumberLiteral.create({ val, duration: false, pos: POS })),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: -TEN_DAYS_MS, max: TEN_DAYS_MS }).map((ms) => durationLiteral(ms)),
  },
);

const stringLiteral = goString.map((val) => StringLiteral.create({ val, pos: POS }));

const matcher: fc.Arbitrary<LabelMatcher> = fc.oneof(
  fc.record({
    type: fc.constantFrom('=' as const, '!=' as const),
    name: labelName,
    value: goString,
  }),
  fc.record({
    type: fc.constantFrom('=~' as const, '!~' as const),
    name: labelName,
    value: fc.constantFrom(...REGEXES),
  }),
);

const durationMs = fc.integer({ min: 1, max: TEN_DAYS_MS });
const offsetMs = fc.oneof(fc.constant(0), fc.integer({ min: -TEN_DAYS_MS, max: TEN_DAYS_MS }));
const at = fc.oneof(
  { weight: 4, arbitrary: fc.constant({ timestampMs: null, startOrEnd: null }) },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: -1e12, max: 1e12 })
      .map((ms) => ({ timestampMs: ms, startOrEnd: null })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('start' as const, 'end' as const)
      .map((s) => ({ timestampMs: null, startOrEnd: s })),
  },
);

/** A duration expression as the parser builds it from `[...]` or `offset (...)`. */
const durationExpr: fc.Arbitrary<DurationExpr> = fc.oneof(
  fc
    .constantFrom('step' as const, 'range' as const)
    .map((op) => DurationExpr.create({ op, lhs: null, rhs: null, wrapped: false, pos: POS })),
  fc
    .tuple(fc.constantFrom('+' as const, '-' as const, '*' as const), durationMs, durationMs)
    .map(([op, a, b]) =>
      DurationExpr.create({
        op,
        lhs: durationLiteral(a),
        rhs: durationLiteral(b),
        wrapped: true,
        pos: POS,
      }),
    ),
  fc.tuple(fc.constantFrom('min_of' as const, 'max_of' as const), durationMs).map(([op, a]) =>
    DurationExpr.create({
      op,
      lhs: DurationExpr.create({ op: 'step', lhs: null, rhs: null, wrapped: false, pos: POS }),
      rhs: durationLiteral(a),
      wrapped: false,
      pos: POS,
    }),
  ),
);

const offset = fc.oneof(
  {
    weight: 5,
    arbitrary: offsetMs.map((ms) => ({ originalOffsetMs: ms, originalOffsetExpr: null })),
  },
  {
    weight: 1,
    arbitrary: durationExpr.map((d) => ({ originalOffsetMs: 0, originalOffsetExpr: d })),
  },
);

/** A selector whose matchers are in printed order, as re-parsing its printed form gives. */
const vectorSelector: fc.Arbitrary<VectorSelector> = fc
  .record({
    name: fc.oneof(fc.constant(''), metricName),
    matchers: fc.array(matcher, { maxLength: 3 }),
    offset,
    at,
  })
  .filter(({ name, matchers }) => {
    if (matchers.some((m) => m.name === '__name__')) return false;
    if (name !== '') return true;
    // Without a name, some matcher must not match the empty string.
    return matchers.some(
      (m) => (m.type === '=' && m.value !== '') || (m.type === '!=' && m.value === ''),
    );
  })
  .map(({ name, matchers, offset: off, at: a }) => {
    const sorted = [...matchers].sort((x, y) => {
      const px = printMatcher(x);
      const py = printMatcher(y);
      return px < py ? -1 : px > py ? 1 : 0;
    });
    const labelMatchers =
      name === '' ? sorted : [...sorted, { type: '=' as const, name: '__name__', value: name }];
    return VectorSelector.create({
      name,
      labelMatchers,
      ...off,
      ...a,
      anchored: false,
      smoothed: false,
      bypassEmptyMatcherCheck: false,
      pos: POS,
    });
  });

// --- Typed expressions ---

const AGG_OPS: AggregateOp[] = [
  'avg',
  'bottomk',
  'count',
  'count_values',
  'group',
  'limit_ratio',
  'limitk',
  'max',
  'min',
  'quantile',
  'stddev',
  'stdvar',
  'sum',
  'topk',
];
const ARITH_OPS: BinaryOp[] = ['+', '-', '*', '/', '%', '^', 'atan2'];
const CMP_OPS: BinaryOp[] = ['==', '!=', '>', '<', '>=', '<='];
const SET_OPS: BinaryOp[] = ['and', 'or', 'unless'];

/** Functions whose calls the arbitraries build (`info` needs a label-only second argument). */
const CALLABLE: FunctionSignature[] = Object.values(FUNCTIONS).filter(
  (f) => !f.prometheus2Only && f.name !== 'info',
);

function argCounts(f: FunctionSignature): number[] {
  const n = f.argTypes.length;
  if (f.variadic === 0) return [n];
  if (f.variadic < 0) return [n - 1, n, n + 1];
  return Array.from({ length: f.variadic + 1 }, (_, i) => n - 1 + i).slice(0, 4);
}

function argTypeAt(f: FunctionSignature, i: number): ValueType {
  return f.argTypes[Math.min(i, f.argTypes.length - 1)]!;
}

/** Canonical ASTs of type `type`, at most `depth` levels deep. */
export function expr(type: ValueType, depth: number): fc.Arbitrary<Expr> {
  switch (type) {
    case 'string':
      return stringLiteral;
    case 'matrix':
      return matrix(depth);
    case 'scalar':
      return scalar(depth);
    default:
      return vector(depth);
  }
}

function call(returnType: ValueType, depth: number): fc.Arbitrary<Expr> {
  const fns = CALLABLE.filter((f) => f.returnType === returnType);
  return fc.constantFrom(...fns).chain((f) =>
    fc
      .constantFrom(...argCounts(f))
      .chain((n) =>
        fc.tuple(...Array.from({ length: n }, (_, i) => expr(argTypeAt(f, i), depth - 1))),
      )
      .map((args) => Call.create({ func: f.name, args, pos: POS })),
  );
}

function scalar(depth: number): fc.Arbitrary<Expr> {
  if (depth <= 0) return numberLiteral;
  return fc.oneof(
    { weight: 3, arbitrary: numberLiteral },
    { weight: 1, arbitrary: call('scalar', depth) },
    { weight: 1, arbitrary: scalar(depth - 1).map(paren) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(...ARITH_OPS, ...CMP_OPS), scalar(depth - 1), scalar(depth - 1))
        .map(([op, l, r]) => binary(op, l, r, { matching: null, returnBool: isComparisonOp(op) })),
    },
  );
}

function unary(inner: Expr, op: '+' | '-'): Expr {
  const operand =
    inner.kind === 'NumberLiteral' || precOf(inner) < UNARY_PREC ? paren(inner) : inner;
  return UnaryExpr.create({ op, expr: operand, pos: POS });
}

function vector(depth: number): fc.Arbitrary<Expr> {
  if (depth <= 0) return vectorSelector;
  const sub = depth - 1;
  const grouping = fc.record({
    grouping: fc.array(labelName, { maxLength: 3 }),
    without: fc.boolean(),
  });
  const aggregate = fc
    .tuple(fc.constantFrom(...AGG_OPS), vector(sub), grouping, scalar(sub), stringLiteral)
    .map(([op, e, g, s, str]) =>
      AggregateExpr.create({
        op,
        expr: e,
        param: aggregateHasParam(op) ? (op === 'count_values' ? str : s) : null,
        grouping: g.grouping,
        without: g.without,
        pos: POS,
      }),
    );
  const vectorMatching = fc
    .record({
      matchingLabels: fc.array(legacyName, { maxLength: 2 }),
      on: fc.boolean(),
      group: fc.constantFrom('one-to-one' as const, 'many-to-one' as const, 'one-to-many' as const),
      include: fc.array(legacyName, { maxLength: 2 }),
      fill: fc.option(fc.tuple(fc.option(number), fc.option(number)), { nil: null }),
    })
    .filter((m) => !m.on || !m.include.some((l) => m.matchingLabels.includes(l)));
  const vecVec = fc
    .tuple(
      fc.constantFrom(...ARITH_OPS, ...CMP_OPS, ...SET_OPS),
      vector(sub),
      vector(sub),
      vectorMatching,
      fc.boolean(),
    )
    .map(([op, l, r, m, b]) => {
      const set = isSetOp(op);
      const card = set ? 'many-to-many' : m.group;
      const grouped = card === 'many-to-one' || card === 'one-to-many';
      const fill =
        set || m.fill === null ? { lhs: null, rhs: null } : { lhs: m.fill[0], rhs: m.fill[1] };
      return binary(op, l, r, {
        returnBool: isComparisonOp(op) && b,
        matching: {
          card,
          matchingLabels: m.matchingLabels,
          on: m.on,
          include: grouped ? m.include : [],
          fillValues: fill,
        },
      });
    });
  const vecScalar = fc
    .tuple(
      fc.constantFrom(...ARITH_OPS, ...CMP_OPS),
      vector(sub),
      scalar(sub),
      fc.boolean(),
      fc.boolean(),
    )
    .map(([op, v, s, flip, b]) =>
      binary(op, flip ? s : v, flip ? v : s, {
        matching: null,
        returnBool: isComparisonOp(op) && b,
      }),
    );
  return fc.oneof(
    { weight: 4, arbitrary: vectorSelector },
    { weight: 2, arbitrary: aggregate },
    { weight: 2, arbitrary: call('vector', depth) },
    { weight: 2, arbitrary: vecVec },
    { weight: 1, arbitrary: vecScalar },
    {
      weight: 1,
      arbitrary: fc
        .tuple(vector(sub), fc.constantFrom('+' as const, '-' as const))
        .map(([e, op]) => unary(e, op)),
    },
    { weight: 1, arbitrary: vector(sub).map(paren) },
  );
}

function matrix(depth: number): fc.Arbitrary<Expr> {
  const range = fc.oneof(
    { weight: 4, arbitrary: durationMs.map((ms) => ({ rangeMs: ms, rangeExpr: null })) },
    { weight: 1, arbitrary: durationExpr.map((d) => ({ rangeMs: 0, rangeExpr: d })) },
  );
  const matrixSelector = fc.tuple(vectorSelector, range, offset, at).map(([vs, r, off, a]) =>
    MatrixSelector.create({
      vectorSelector: VectorSelector.create({ ...vs, ...off, ...a }),
      ...r,
      pos: POS,
    }),
  );
  if (depth <= 0) return matrixSelector;
  // A subquery's range must contain a number before the colon, so no bare step()/range().
  const subqueryRange = fc.oneof(
    { weight: 4, arbitrary: durationMs.map((ms) => ({ rangeMs: ms, rangeExpr: null })) },
    {
      weight: 1,
      arbitrary: durationExpr
        .filter(
          (d) => d.op !== 'step' && d.op !== 'range' && d.op !== 'min_of' && d.op !== 'max_of',
        )
        .map((d) => ({ rangeMs: 0, rangeExpr: d })),
    },
  );
  const subquery = fc
    .tuple(vector(depth - 1), subqueryRange, fc.oneof(fc.constant(0), durationMs), offset, at)
    .map(([e, r, step, off, a]) =>
      SubqueryExpr.create({
        expr: precOf(e) < ATOM_PREC ? paren(e) : e,
        ...r,
        stepMs: step,
        stepExpr: null,
        ...off,
        ...a,
        pos: POS,
      }),
    );
  return fc.oneof({ weight: 3, arbitrary: matrixSelector }, { weight: 1, arbitrary: subquery });
}

/** Removes every `pos` so that trees can be compared by structure. */
export function stripPositions(e: unknown): unknown {
  if (Array.isArray(e)) return e.map(stripPositions);
  if (e === null || typeof e !== 'object') return e;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k !== 'pos') out[k] = stripPositions(v);
  }
  return out;
}

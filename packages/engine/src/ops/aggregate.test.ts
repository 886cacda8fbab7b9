import { fc, test } from '@fast-check/vitest';
import { referenceKernels } from '@promql-ts/kernels';
import { type AggregateExpr, type AggregateOp, type Expr, formatFloatF } from '@promql-ts/parser';
import { describe, expect } from 'vitest';
import { ExecutionError } from '../errors.js';
import { EvalContext } from '../eval/context.js';
import { compareStrings, labelsFrom, labelsKey, setLabel } from '../labels.js';
import { type EvaluateOptions, resolveOptions } from '../options.js';
import type { AggregatePlan, PlanNode } from '../plan/nodes.js';
import type { Labels } from '../storage.js';
import { emptyVectors, type Grid, makeGrid, type StepVectors, type Value } from '../value.js';
import { evalAggregate } from './aggregate.js';
import { groupingKey, groupingLabels, withoutNames } from './aggregate-common.js';

// === helpers ===

type Row = [Record<string, string>, (number | null)[], dropName?: boolean];

function vectors(rows: Row[], nSteps?: number): StepVectors {
  const n = nSteps ?? rows[0]?.[1].length ?? 1;
  const values = new Float64Array(rows.length * n);
  const mask = new Uint8Array(rows.length * n);
  const dropName = new Uint8Array(rows.length);
  rows.forEach(([, vs, drop], r) => {
    vs.forEach((v, s) => {
      if (v === null) return;
      values[r * n + s] = v;
      mask[r * n + s] = 1;
    });
    if (drop) dropName[r] = 1;
  });
  return {
    kind: 'vector',
    labels: rows.map(([ls]) => labelsFrom(Object.entries(ls))),
    dropName,
    values,
    mask,
    nSteps: n,
  };
}

function scalars(...vs: number[]): Value {
  return { kind: 'scalar', values: Float64Array.from(vs) };
}

function context(grid: Grid, options: EvaluateOptions = {}): EvalContext {
  return new EvalContext(
    referenceKernels(),
    resolveOptions(options),
    grid,
    false,
    [],
    performance.now(),
  );
}

const PARAM_POS = { start: 5, end: 8 };

function plan(
  op: AggregateOp,
  opts: { by?: string[]; without?: string[]; paramInParens?: boolean } = {},
): AggregatePlan {
  const grouping = [...(opts.without ?? opts.by ?? [])].sort();
  const literal = { kind: 'NumberLiteral', value: 1, pos: PARAM_POS } as unknown as Expr;
  const param = opts.paramInParens
    ? ({ kind: 'ParenExpr', expr: literal, pos: { start: 4, end: 9 } } as unknown as Expr)
    : literal;
  const ast = {
    kind: 'AggregateExpr',
    op,
    expr: literal,
    param,
    grouping,
    without: opts.without !== undefined,
    pos: { start: 0, end: 20 },
  } as unknown as AggregateExpr;
  const expr = { kind: 'Number', value: 0, ast: literal } as PlanNode;
  return {
    kind: 'Aggregate',
    op,
    expr,
    param: null,
    grouping,
    without: opts.without !== undefined,
    ast,
  };
}

interface Run {
  ctx: EvalContext;
  out: StepVectors;
}

function run(
  p: AggregatePlan,
  input: StepVectors,
  param: Value | null = null,
  options: EvaluateOptions = {},
): Run {
  const grid = makeGrid(0, (input.nSteps - 1) * 60_000, 60_000);
  const ctx = context(grid, options);
  return { ctx, out: evalAggregate(ctx, p, input, param, grid) };
}

/** Output as `{labels} → values per step (null = absent)`, in row order. */
function table(v: StepVectors): [string, (number | null)[]][] {
  return v.labels.map((ls, r) => [
    fmt(ls),
    Array.from({ length: v.nSteps }, (_, s) =>
      v.mask[r * v.nSteps + s] === 1 ? v.values[r * v.nSteps + s]! : null,
    ),
  ]);
}

function fmt(ls: Labels): string {
  return `{${ls.map((l) => `${l.name}=${l.value}`).join(',')}}`;
}

/**
 * count_values as Prometheus's `aggregationCountValues` computes it, sample by sample: the
 * value label set on the sample's metric, the grouping key of the result, the output series
 * in order of first appearance (steps, then rows).
 */
function referenceCountValues(p: AggregatePlan, input: StepVectors, label: string): StepVectors {
  const names = p.without
    ? withoutNames(p.grouping)
    : [...new Set([...p.grouping, label])].sort(compareStrings);
  const { nSteps } = input;
  const index = new Map<string, number>();
  const labels: Labels[] = [];
  const counts: Map<number, number>[] = [];
  for (let s = 0; s < nSteps; s++) {
    for (let r = 0; r < input.labels.length; r++) {
      if (input.mask[r * nSteps + s] !== 1) continue;
      const metric = setLabel(input.labels[r]!, label, formatFloatF(input.values[r * nSteps + s]!));
      const key = groupingKey(metric, names, p.without);
      let idx = index.get(key);
      if (idx === undefined) {
        idx = labels.length;
        index.set(key, idx);
        labels.push(groupingLabels(metric, names, p.without));
        counts.push(new Map());
      }
      counts[idx]!.set(s, (counts[idx]!.get(s) ?? 0) + 1);
    }
  }
  const out = emptyVectors(labels, nSteps);
  counts.forEach((bySteps, idx) => {
    for (const [s, n] of bySteps) {
      out.values[idx * nSteps + s] = n;
      out.mask[idx * nSteps + s] = 1;
    }
  });
  return out;
}

const warnings = (ctx: EvalContext) => ctx.annotations.warnings.map((w) => w.message);

// === tests ===

const HTTP: Row[] = [
  [{ __name__: 'http', job: 'api', instance: '0', group: 'production' }, [100]],
  [{ __name__: 'http', job: 'api', instance: '1', group: 'production' }, [200]],
  [{ __name__: 'http', job: 'api', instance: '0', group: 'canary' }, [300]],
  [{ __name__: 'http', job: 'api', instance: '1', group: 'canary' }, [400]],
  [{ __name__: 'http', job: 'app', instance: '0', group: 'production' }, [500]],
  [{ __name__: 'http', job: 'app', instance: '1', group: 'production' }, [600]],
  [{ __name__: 'http', job: 'app', instance: '0', group: 'canary' }, [700]],
  [{ __name__: 'http', job: 'app', instance: '1', group: 'canary' }, [800]],
];

describe('grouping', () => {
  test('by keeps only the grouping labels, groups in order of first appearance', () => {
    const { out } = run(plan('sum', { by: ['group'] }), vectors(HTTP));
    expect(table(out)).toEqual([
      ['{group=production}', [1400]],
      ['{group=canary}', [2200]],
    ]);
  });

  test('by ignores labels no series has', () => {
    const { out } = run(plan('sum', { by: ['job', 'nonexistent'] }), vectors(HTTP));
    expect(table(out)).toEqual([
      ['{job=api}', [1000]],
      ['{job=app}', [2600]],
    ]);
  });

  test('no grouping aggregates everything into the empty label set', () => {
    const { out } = run(plan('sum'), vectors(HTTP));
    expect(table(out)).toEqual([['{}', [3600]]]);
  });

  test('without drops the labels named and the metric name', () => {
    const { out } = run(plan('sum', { without: ['instance'] }), vectors(HTTP.slice(0, 4)));
    expect(table(out)).toEqual([
      ['{group=production,job=api}', [300]],
      ['{group=canary,job=api}', [700]],
    ]);
  });

  test('without () keeps every label but the name', () => {
    const { out } = run(plan('sum', { without: [] }), vectors(HTTP.slice(0, 2)));
    expect(table(out)).toEqual([
      ['{group=production,instance=0,job=api}', [100]],
      ['{group=production,instance=1,job=api}', [200]],
    ]);
  });

  test('by (__name__) keeps the name', () => {
    const input = vectors([
      [{ __name__: 'a', x: '1' }, [1]],
      [{ __name__: 'b', x: '1' }, [2]],
      [{ __name__: 'a', x: '2' }, [3]],
    ]);
    const { out } = run(plan('sum', { by: ['__name__'] }), input);
    expect(table(out)).toEqual([
      ['{__name__=a}', [4]],
      ['{__name__=b}', [2]],
    ]);
  });

  test('a group has a point only at the steps where one of its series has', () => {
    const input = vectors([
      [{ g: 'a' }, [1, null, null]],
      [{ g: 'a' }, [null, null, 5]],
      [{ g: 'b' }, [null, 2, null]],
    ]);
    const { out } = run(plan('sum', { by: ['g'] }), input);
    expect(table(out)).toEqual([
      ['{g=a}', [1, null, 5]],
      ['{g=b}', [null, 2, null]],
    ]);
  });

  test('series without any point neither make groups nor change their order', () => {
    const input = vectors([
      [{ g: 'x' }, [null, null]],
      [{ g: 'y' }, [1, 2]],
      [{ g: 'x' }, [3, null]],
    ]);
    const { out } = run(plan('count', { by: ['g'] }), input);
    expect(table(out)).toEqual([
      ['{g=y}', [1, 1]],
      ['{g=x}', [1, null]],
    ]);
    expect(table(run(plan('sum'), vectors([[{ a: '1' }, [null]]])).out)).toEqual([]);
  });
});

describe('name removal marks', () => {
  test('an output series is marked when a sample of its last step was', () => {
    const input = vectors([
      [{ __name__: 'm', x: '1' }, [1, 1], true],
      [{ __name__: 'm', x: '2' }, [1, null], false],
      [{ __name__: 'n', x: '3' }, [null, 2], false],
    ]);
    const { out } = run(plan('sum', { by: ['__name__'] }), input, null, {
      delayedNameRemoval: true,
    });
    expect(table(out)).toEqual([
      ['{__name__=m}', [2, 1]],
      ['{__name__=n}', [null, 2]],
    ]);
    expect([...out.dropName]).toEqual([1, 0]);
  });

  test('a marked series that is absent at the last step does not mark the output', () => {
    const input = vectors([
      [{ __name__: 'm', x: '1' }, [1, null], true],
      [{ __name__: 'm', x: '2' }, [1, 1], false],
    ]);
    const { out } = run(plan('max', { by: ['__name__'] }), input, null, {
      delayedNameRemoval: true,
    });
    expect([...out.dropName]).toEqual([0]);
  });
});

describe('arithmetic', () => {
  const data: Row[] = [
    [{ t: 'x', p: 'a' }, [0]],
    [{ t: 'x', p: 'b' }, [1]],
    [{ t: 'x', p: 'c' }, [4]],
    [{ t: 'y', p: 'a' }, [Number.NaN]],
    [{ t: 'y', p: 'b' }, [2]],
  ];
  test.each([
    ['sum', [5, Number.NaN]],
    ['avg', [5 / 3, Number.NaN]],
    ['min', [0, 2]],
    ['max', [4, 2]],
    ['count', [3, 2]],
    ['group', [1, 1]],
    ['stdvar', [26 / 9, Number.NaN]],
  ] as const)('%s', (op, want) => {
    const { out } = run(plan(op, { without: ['p'] }), vectors(data));
    expect(table(out).map(([, [v]]) => v)).toEqual(want);
  });

  test('stddev', () => {
    const { out } = run(plan('stddev', { without: ['p'] }), vectors(data));
    expect(out.values[0]).toBeCloseTo(Math.sqrt(26 / 9), 12);
  });

  test('quantile interpolates between the sorted values, NaN sorting first', () => {
    const samples = vectors([
      [{ t: 'x', p: 'a' }, [0, 0]],
      [{ t: 'x', p: 'b' }, [1, 1]],
      [{ t: 'x', p: 'c' }, [4, 4]],
      [{ t: 'y', p: 'a' }, [0, 0]],
      [{ t: 'y', p: 'b' }, [1, 1]],
      [{ t: 'y', p: 'c' }, [Number.NaN, Number.NaN]],
    ]);
    const { out } = run(plan('quantile', { without: ['p'] }), samples, scalars(0.8, 0.2));
    const [[, x], [, y]] = table(out);
    expect(x![0]).toBeCloseTo(2.8, 12);
    expect(x![1]).toBeCloseTo(0.4, 12);
    expect(y![0]).toBeCloseTo(0.6, 12);
    expect(y![1]).toBeNaN();
  });

  test('sum compensates rounding (Kahan) in 3.x, not in 2.x', () => {
    const input = vectors([
      [{ a: '1' }, [1e100]],
      [{ a: '2' }, [1]],
      [{ a: '3' }, [-1e100]],
    ]);
    expect(run(plan('sum'), input).out.values[0]).toBe(1);
    expect(run(plan('sum'), input, null, { compat: 'prometheus2' }).out.values[0]).toBe(0);
  });

  test('stddev of one infinite sample: NaN in 3.x, 0 in 2.x', () => {
    const input = vectors([[{ a: '1' }, [Number.POSITIVE_INFINITY]]]);
    expect(run(plan('stddev'), input).out.values[0]).toBeNaN();
    expect(run(plan('stdvar'), input, null, { compat: 'prometheus2' }).out.values[0]).toBe(0);
  });

  test.each([
    [[0, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 0], Number.POSITIVE_INFINITY],
    [[Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY], Number.NaN],
    [[9.988465674311579e307, 9.988465674311579e307, 9.988465674311579e307], 9.988465674311579e307],
    [
      [
        -9.988465674311579e307, -9.988465674311579e307, 9.988465674311579e307,
        9.988465674311579e307,
      ],
      0,
    ],
    [[8, 10, 12], 10],
  ])('2.x avg of %j', (vs, want) => {
    const input = vectors(vs.map((v, i) => [{ i: String(i) }, [v]] as Row));
    const { out } = run(plan('avg'), input, null, { compat: 'prometheus2' });
    if (Number.isNaN(want)) expect(out.values[0]).toBeNaN();
    else expect(out.values[0]).toBeCloseTo(want, 0);
  });
});

describe('quantile warnings', () => {
  const input = vectors([[{ a: '1' }, [1, 2, 3]]]);

  test('q within [0, 1] warns nothing', () => {
    expect(warnings(run(plan('quantile'), input, scalars(0, 0.5, 1)).ctx)).toEqual([]);
  });

  test('NaN, and the extremes beyond [0, 1] over all steps, at the parameter', () => {
    const { ctx, out } = run(
      plan('quantile', { paramInParens: true }),
      input,
      scalars(-0.5, 2, 0.5),
    );
    expect(warnings(ctx)).toEqual([
      'PromQL warning: quantile value should be between 0 and 1, got 2',
      'PromQL warning: quantile value should be between 0 and 1, got -0.5',
    ]);
    expect(ctx.annotations.warnings[0]!.pos).toEqual(PARAM_POS);
    expect(table(out)).toEqual([['{}', [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, 3]]]);
    const nan = run(plan('quantile'), input, scalars(Number.NaN, Number.NaN, Number.NaN)).ctx;
    expect(warnings(nan)).toEqual([
      'PromQL warning: quantile value should be between 0 and 1, got NaN',
    ]);
  });

  test('warns even without any sample, but not in 2.x mode', () => {
    const empty = vectors([[{ a: '1' }, [null]]]);
    expect(warnings(run(plan('quantile'), empty, scalars(3)).ctx)).toHaveLength(1);
    expect(
      warnings(run(plan('quantile'), input, scalars(3, 3, 3), { compat: 'prometheus2' }).ctx),
    ).toEqual([]);
  });
});

describe('topk and bottomk', () => {
  test('with many groups a range query goes in blocks of steps, each seeded by the step before', () => {
    // 600 groups of two rows: blocks of 8 steps after the first step; values from a
    // small set, so that ties at the k-th value are common.
    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const nSteps = 30;
    const input: Row[] = Array.from({ length: 1200 }, (_, i) => [
      { g: `${i >> 1}`, id: `${i}` },
      Array.from({ length: nSteps }, () => {
        const x = next() % 9;
        return x === 0 ? null : x === 1 ? Number.NaN : x % 4;
      }),
    ]);
    for (const op of ['topk', 'bottomk'] as const) {
      const p = plan(op, { by: ['g'] });
      const { out } = run(p, vectors(input), scalars(...Array(nSteps).fill(1)));
      for (let s = 0; s < nSteps; s++) {
        const got = out.labels
          .filter((_, r) => out.mask[r * nSteps + s] === 1)
          .map(labelsKey)
          .sort();
        const one = run(p, vectors(input.map(([ls, vs]) => [ls, [vs[s]!]])), scalars(1)).out;
        expect(got).toEqual(one.labels.map(labelsKey).sort());
      }
    }
  });

  test.prop(
    [
      fc.integer({ min: 1, max: 24 }).chain((nSteps) =>
        fc.record({
          rows: fc.array(
            fc.record({
              x: fc.constantFrom('a', 'b'),
              values: fc.array(
                fc.option(
                  fc.oneof(
                    fc.constantFrom(0, 1, 2, Number.NaN, -0),
                    fc.integer({ min: -50, max: 50 }),
                  ),
                  { nil: null, freq: 6 },
                ),
                { minLength: nSteps, maxLength: nSteps },
              ),
            }),
            { maxLength: 30 },
          ),
          ks: fc.array(fc.oneof(fc.integer({ min: 0, max: 6 }), fc.constant(2.5)), {
            minLength: nSteps,
            maxLength: nSteps,
          }),
        }),
      ),
      fc.constantFrom('topk', 'bottomk'),
      fc.boolean(),
    ],
    { numRuns: 400 },
  )(
    'a range query picks at each step the series an instant query at that step picks (ties and NaNs included)',
    ({ rows, ks }, op, byX) => {
      if (rows.length === 0) return;
      const nSteps = ks.length;
      const input: Row[] = rows.map((row, i) => [{ id: `${i}`, x: row.x }, row.values]);
      const p = plan(op as AggregateOp, byX ? { by: ['x'] } : {});
      const { out } = run(p, vectors(input), scalars(...ks));
      for (let s = 0; s < nSteps; s++) {
        const got = out.labels
          .filter((_, r) => out.mask[r * nSteps + s] === 1)
          .map(labelsKey)
          .sort();
        const one = run(p, vectors(input.map(([ls, vs]) => [ls, [vs[s]!]])), scalars(ks[s]!)).out;
        expect(got).toEqual(one.labels.map(labelsKey).sort());
      }
    },
  );

  const api: Row[] = [
    [{ __name__: 'http', instance: '0' }, [100]],
    [{ __name__: 'http', instance: '1' }, [200]],
    [{ __name__: 'http', instance: '2' }, [Number.NaN]],
  ];

  test('return the k largest in descending order, keeping labels and NaN last', () => {
    expect(table(run(plan('topk'), vectors(HTTP), scalars(3)).out)).toEqual([
      ['{__name__=http,group=canary,instance=1,job=app}', [800]],
      ['{__name__=http,group=canary,instance=0,job=app}', [700]],
      ['{__name__=http,group=production,instance=1,job=app}', [600]],
    ]);
    expect(table(run(plan('topk'), vectors(api), scalars(3)).out).map(([l]) => l)).toEqual([
      '{__name__=http,instance=1}',
      '{__name__=http,instance=0}',
      '{__name__=http,instance=2}',
    ]);
  });

  test('bottomk returns the smallest in ascending order, NaN last', () => {
    expect(table(run(plan('bottomk'), vectors(api), scalars(9999999999)).out)).toEqual([
      ['{__name__=http,instance=0}', [100]],
      ['{__name__=http,instance=1}', [200]],
      ['{__name__=http,instance=2}', [Number.NaN]],
    ]);
  });

  test('by group: k per group, groups in order of appearance', () => {
    const { out } = run(plan('topk', { by: ['group'] }), vectors(HTTP), scalars(1));
    expect(table(out)).toEqual([
      ['{__name__=http,group=production,instance=1,job=app}', [600]],
      ['{__name__=http,group=canary,instance=1,job=app}', [800]],
    ]);
  });

  test('of equal values keep the first series, as Go heaps do', () => {
    const input = vectors([
      [{ i: 'a' }, [1]],
      [{ i: 'b' }, [1]],
      [{ i: 'c' }, [1]],
      [{ i: 'd' }, [2]],
    ]);
    expect(table(run(plan('topk'), input, scalars(2)).out).map(([l]) => l)).toEqual([
      '{i=d}',
      '{i=b}',
    ]);
    expect(table(run(plan('bottomk'), input, scalars(2)).out).map(([l]) => l)).toEqual([
      '{i=a}',
      '{i=b}',
    ]);
  });

  test('keep the series name-removal marks', () => {
    const input = vectors([
      [{ __name__: 'x', i: '1' }, [1], true],
      [{ __name__: 'x', i: '2' }, [2], false],
    ]);
    const { out } = run(plan('topk'), input, scalars(2), { delayedNameRemoval: true });
    expect(table(out).map(([l]) => l)).toEqual(['{__name__=x,i=2}', '{__name__=x,i=1}']);
    expect([...out.dropName]).toEqual([0, 1]);
  });

  test('k per step; k below 1 at a step gives nothing there (Bug #15971)', () => {
    const nine = Array.from({ length: 9 }, (_, i): Row => [{ i: String(i) }, [1, 2, 3, 4, 5]]);
    for (const op of ['topk', 'bottomk'] as const) {
      const { out } = run(plan(op), vectors(nine), scalars(1, 3, 0.5, 12, 2.9));
      const counts = [0, 1, 2, 3, 4].map((s) =>
        out.labels.reduce((n, _, r) => n + out.mask[r * 5 + s]!, 0),
      );
      expect(counts).toEqual([1, 3, 0, 9, 2]);
    }
  });

  test('all k below 1: empty, without looking at NaN', () => {
    expect(run(plan('topk'), vectors(api), scalars(0.99)).out.labels).toEqual([]);
    expect(run(plan('limitk'), vectors(api), scalars(-1)).out.labels).toEqual([]);
  });

  test.each([
    [[Number.NaN], 'Parameter value is NaN'],
    [[0, Number.NaN], 'Parameter value is NaN'],
    [[Number.POSITIVE_INFINITY, Number.NaN], 'Parameter value is NaN'],
    [[1e19], 'Scalar value 1e+19 overflows int64'],
    [[2 ** 63 - 1024], 'Scalar value 9.223372036854775e+18 overflows int64'],
    [[5, -1e19], 'Scalar value -1e+19 underflows int64'],
    [[5, Number.NEGATIVE_INFINITY], 'Scalar value -Inf underflows int64'],
  ])('k = %j fails: %s', (ks, message) => {
    const input = vectors([[{ a: '1' }, ks.map(() => 1)]]);
    const p = plan('topk');
    expect(() => run(p, input, scalars(...ks))).toThrow(new ExecutionError(message));
    expect(() => run(p, vectors([[{ a: '1' }, ks.map(() => null)]]), scalars(...ks))).toThrow(
      message,
    );
  });

  test('2.x: any step whose k is not an int64 fails, NaN included', () => {
    const input = vectors([[{ a: '1' }, [1, 1]]]);
    const v2 = { compat: 'prometheus2' } as const;
    expect(() => run(plan('topk'), input, scalars(0, Number.NaN), v2)).toThrow(
      'Scalar value NaN overflows int64',
    );
    expect(() => run(plan('bottomk'), input, scalars(-1e19, 1), v2)).toThrow(
      'Scalar value -1e+19 overflows int64',
    );
    expect(table(run(plan('topk'), input, scalars(0, 1), v2).out)).toEqual([['{a=1}', [null, 1]]]);
  });

  test('a range evaluation returns each picked series once, with its picked points', () => {
    const input = vectors([
      [{ i: 'a' }, [3, 1, 5]],
      [{ i: 'b' }, [2, 2, null]],
      [{ i: 'c' }, [1, 3, 4]],
    ]);
    expect(table(run(plan('topk'), input, scalars(1, 1, 2)).out)).toEqual([
      ['{i=a}', [3, null, 5]],
      ['{i=c}', [null, 3, 4]],
    ]);
  });
});

describe('limitk and limit_ratio', () => {
  const six = Array.from(
    { length: 6 },
    (_, i): Row => [{ __name__: 'm', g: String(i % 2), i: String(i) }, [i, i]],
  );

  test('limitk keeps k series per group', () => {
    const { out } = run(plan('limitk', { by: ['g'] }), vectors(six), scalars(2, 1));
    const perStep = [0, 1].map(
      (s) => out.labels.filter((_, r) => out.mask[r * 2 + s] === 1).length,
    );
    expect(perStep).toEqual([4, 2]);
  });

  test('limit_ratio(0) is empty; 1 and -1 keep everything', () => {
    expect(run(plan('limit_ratio'), vectors(six), scalars(0, 0)).out.labels).toEqual([]);
    expect(run(plan('limit_ratio'), vectors(six), scalars(1, -1)).out.labels).toHaveLength(6);
  });

  test('ratios beyond ±1 are capped with a warning at the parameter', () => {
    const { ctx, out } = run(plan('limit_ratio'), vectors(six), scalars(1.1, -1.1));
    expect(out.labels).toHaveLength(6);
    expect(warnings(ctx)).toEqual([
      'PromQL warning: ratio value should be between -1 and 1, got 1.1, capping to 1',
      'PromQL warning: ratio value should be between -1 and 1, got -1.1, capping to -1',
    ]);
    expect(ctx.annotations.warnings[1]!.pos).toEqual(PARAM_POS);
  });

  test('a NaN ratio fails', () => {
    expect(() => run(plan('limit_ratio'), vectors(six), scalars(0.5, Number.NaN))).toThrow(
      new ExecutionError('Ratio value is NaN'),
    );
  });

  test('samples by the label hash (Prometheus sample offsets)', () => {
    // Offsets of these label sets: hash / 2^64, from Prometheus's stringlabels encoding.
    const input = vectors([
      [{ __name__: 'http_requests', group: 'canary', instance: '0', job: 'api-server' }, [1]],
    ]);
    // 0xfa6e5aa974a03e59 / 2^64 ≈ 0.978
    expect(run(plan('limit_ratio'), input, scalars(0.97)).out.labels).toHaveLength(0);
    expect(run(plan('limit_ratio'), input, scalars(0.98)).out.labels).toHaveLength(1);
    expect(run(plan('limit_ratio'), input, scalars(-0.03)).out.labels).toHaveLength(1);
    expect(run(plan('limit_ratio'), input, scalars(-0.02)).out.labels).toHaveLength(0);
  });
});

describe('count_values', () => {
  const version: Row[] = [
    [{ __name__: 'version', job: 'api', instance: '0' }, [6, 6]],
    [{ __name__: 'version', job: 'api', instance: '1' }, [6, 7]],
    [{ __name__: 'version', job: 'app', instance: '0' }, [7.5, null]],
    [{ __name__: 'version', job: 'app', instance: '1' }, [Number.POSITIVE_INFINITY, 1e21]],
  ];
  const str = (value: string): Value => ({ kind: 'string', value });

  test('counts each value per step, the value as a label', () => {
    const { out } = run(plan('count_values'), vectors(version), str('v'));
    expect(table(out)).toEqual([
      ['{v=6}', [2, 1]],
      ['{v=7.5}', [1, null]],
      ['{v=+Inf}', [1, null]],
      ['{v=7}', [null, 1]],
      ['{v=1000000000000000000000}', [null, 1]],
    ]);
  });

  test('with by and without; the value label may overwrite a label', () => {
    expect(
      table(run(plan('count_values', { by: ['job'] }), vectors(version), str('v')).out)[0],
    ).toEqual(['{job=api,v=6}', [2, 1]]);
    expect(
      table(run(plan('count_values', { without: ['instance'] }), vectors(version), str('job')).out),
    ).toEqual([
      ['{job=6}', [2, 1]],
      ['{job=7.5}', [1, null]],
      ['{job=+Inf}', [1, null]],
      ['{job=7}', [null, 1]],
      ['{job=1000000000000000000000}', [null, 1]],
    ]);
  });

  test('refuses an invalid label name', () => {
    expect(() => run(plan('count_values'), vectors(version), str('a\udcc5z'))).toThrow(
      new ExecutionError('invalid label name "a\\xc5z"'),
    );
    expect(() => run(plan('count_values'), vectors(version), str(''))).toThrow(
      'invalid label name ""',
    );
    expect(table(run(plan('count_values'), vectors(version), str('a.b')).out)).toHaveLength(5);
    expect(() =>
      run(plan('count_values'), vectors(version), str('a.b'), { compat: 'prometheus2' }),
    ).toThrow('invalid label name "a.b"');
  });

  test('tells -0 from 0, counts every NaN as one value', () => {
    const otherNaN = new Float64Array(new Uint32Array([1, 0x7ff80000]).buffer)[0]!;
    const rows: Row[] = [
      [{ i: '0' }, [0, -0, Number.NaN]],
      [{ i: '1' }, [-0, -0, otherNaN]],
      [{ i: '2' }, [0, 0, 300]],
    ];
    expect(table(run(plan('count_values'), vectors(rows), str('v')).out)).toEqual([
      ['{v=0}', [2, 1, null]],
      ['{v=-0}', [1, 2, null]],
      ['{v=NaN}', [null, null, 2]],
      ['{v=300}', [null, null, 1]],
    ]);
  });

  test('without the value label counts all values of a group together', () => {
    const { out } = run(plan('count_values', { without: ['v'] }), vectors(version), str('v'));
    expect(table(out)).toEqual([
      ['{instance=0,job=api}', [1, 1]],
      ['{instance=1,job=api}', [1, 1]],
      ['{instance=0,job=app}', [1, null]],
      ['{instance=1,job=app}', [1, 1]],
    ]);
  });

  const cvRows = fc
    .record({
      nSteps: fc.integer({ min: 1, max: 6 }),
      series: fc.array(
        fc.record({
          job: fc.constantFrom('a', 'b'),
          v: fc.constantFrom(undefined, '1', 'x'),
          values: fc.array(
            fc.option(
              fc.oneof(
                fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, 255, 256, 0.5),
                fc.integer({ min: -2, max: 5 }),
                fc.double(),
              ),
              { nil: null },
            ),
            { minLength: 6, maxLength: 6 },
          ),
        }),
        { maxLength: 10 },
      ),
    })
    .map(({ nSteps, series }) =>
      series.map(
        (s, i): Row => [
          { __name__: 'm', job: s.job, i: String(i), ...(s.v === undefined ? {} : { v: s.v }) },
          s.values.slice(0, nSteps),
        ],
      ),
    );

  test.prop([
    cvRows,
    fc.constantFrom<{ by?: string[]; without?: string[] }>(
      {},
      { by: ['job'] },
      { by: ['v'] },
      { by: ['job', 'i', '__name__'] },
      { without: [] },
      { without: ['i'] },
      { without: ['v', 'i'] },
    ),
    fc.constantFrom('v', 'job', 'new'),
  ])('gives what a sample-by-sample count gives, series in the same order', (rows, g, label) => {
    if (rows.length === 0) return;
    const input = vectors(rows);
    const p = plan('count_values', g);
    const { out } = run(p, input, str(label));
    expect(table(out)).toEqual(table(referenceCountValues(p, input, label)));
  });
});

// === properties ===

const rowsArb = fc
  .record({
    nSteps: fc.integer({ min: 1, max: 5 }),
    series: fc.array(
      fc.record({
        x: fc.constantFrom('a', 'b', 'c'),
        y: fc.constantFrom('1', '2'),
        values: fc.array(fc.option(fc.integer({ min: -1000, max: 1000 }), { nil: null }), {
          minLength: 5,
          maxLength: 5,
        }),
      }),
      { maxLength: 12 },
    ),
  })
  .map(({ nSteps, series }) =>
    // Unique label sets, as an instant vector has.
    series.map(
      (s, i): Row => [{ __name__: 'm', x: s.x, y: s.y, i: String(i) }, s.values.slice(0, nSteps)],
    ),
  );

describe('properties', () => {
  test.prop([rowsArb])('sum by (x) equals a per-step sum of the series of each x', (rows) => {
    if (rows.length === 0) return;
    const { out } = run(plan('sum', { by: ['x'] }), vectors(rows));
    const nSteps = rows[0]![1].length;
    const want = new Map<string, (number | null)[]>();
    for (const [ls, vs] of rows) {
      const key = `{x=${ls.x}}`;
      const acc = want.get(key) ?? Array<number | null>(nSteps).fill(null);
      vs.forEach((v, s) => {
        if (v !== null) acc[s] = (acc[s] ?? 0) + v;
      });
      want.set(key, acc);
    }
    for (const [key, acc] of want) if (acc.every((v) => v === null)) want.delete(key);
    expect(new Map(table(out))).toEqual(want);
  });

  test.prop([rowsArb])('count() is the number of series present at each step', (rows) => {
    if (rows.length === 0) return;
    const nSteps = rows[0]![1].length;
    const { out } = run(plan('count'), vectors(rows));
    const present = Array.from(
      { length: nSteps },
      (_, s) => rows.filter(([, vs]) => vs[s] !== null).length,
    );
    const want = present.every((n) => n === 0)
      ? []
      : [['{}', present.map((n) => (n === 0 ? null : n))]];
    expect(table(out)).toEqual(want);
  });

  test.prop([rowsArb])('count without () counts each series alone', (rows) => {
    if (rows.length === 0) return;
    const { out } = run(plan('count', { without: [] }), vectors(rows));
    const got = new Map(table(out));
    for (const [ls, vs] of rows) {
      const key = fmt(labelsFrom(Object.entries(ls).filter(([n]) => n !== '__name__')));
      if (vs.every((v) => v === null)) expect(got.has(key)).toBe(false);
      else expect(got.get(key)).toEqual(vs.map((v) => (v === null ? null : 1)));
    }
  });

  test.prop([
    rowsArb,
    fc.integer({ min: 1, max: 6 }),
    fc.constantFrom('topk', 'bottomk', 'limitk'),
  ])(
    'topk/bottomk/limitk by (x) return min(k, n) series of each group at each step',
    (rows, k, op) => {
      if (rows.length === 0) return;
      const nSteps = rows[0]![1].length;
      const input = vectors(rows);
      const { out } = run(
        plan(op as AggregateOp, { by: ['x'] }),
        input,
        scalars(...Array(nSteps).fill(k)),
      );
      const inputKeys = new Set(input.labels.map(labelsKey));
      for (const ls of out.labels) expect(inputKeys.has(labelsKey(ls))).toBe(true);
      for (let s = 0; s < nSteps; s++) {
        for (const x of ['a', 'b', 'c']) {
          const n = rows.filter(([ls, vs]) => ls.x === x && vs[s] !== null).length;
          const got = out.labels.filter(
            (ls, r) =>
              out.mask[r * nSteps + s] === 1 && ls.some((l) => l.name === 'x' && l.value === x),
          ).length;
          expect(got).toBe(Math.min(k, n));
          if (op === 'limitk') continue;
          // The values picked are the k largest (smallest) of the group.
          const all = rows
            .filter(([ls, vs]) => ls.x === x && vs[s] !== null)
            .map(([, vs]) => vs[s]!)
            .sort((a, b) => (op === 'topk' ? b - a : a - b));
          const picked = out.labels
            .map((ls, r) => ({ ls, r }))
            .filter(
              ({ ls, r }) =>
                out.mask[r * nSteps + s] === 1 && ls.some((l) => l.name === 'x' && l.value === x),
            )
            .map(({ r }) => out.values[r * nSteps + s]!)
            .sort((a, b) => (op === 'topk' ? b - a : a - b));
          expect(picked).toEqual(all.slice(0, k));
        }
      }
      if (op === 'topk' && nSteps === 1) {
        const vs = table(out).map(([, [v]]) => v!);
        // Within a group the values come in descending order.
        const byGroup = new Map<string, number[]>();
        out.labels.forEach((ls, r) => {
          const x = ls.find((l) => l.name === 'x')!.value;
          byGroup.set(x, [...(byGroup.get(x) ?? []), vs[r]!]);
        });
        for (const g of byGroup.values()) expect(g).toEqual([...g].sort((a, b) => b - a));
      }
    },
  );

  test.prop([rowsArb, fc.double({ min: 0.01, max: 0.99, noNaN: true })])(
    'limit_ratio(r) and limit_ratio(-(1 - r)) split the series in two',
    (rows, r) => {
      if (rows.length === 0) return;
      const nSteps = rows[0]![1].length;
      const input = vectors(rows);
      const a = run(plan('limit_ratio'), input, scalars(...Array(nSteps).fill(r))).out;
      const b = run(plan('limit_ratio'), input, scalars(...Array(nSteps).fill(-(1 - r)))).out;
      const keysA = new Set(a.labels.map(labelsKey));
      const keysB = new Set(b.labels.map(labelsKey));
      for (let i = 0; i < input.labels.length; i++) {
        const key = labelsKey(input.labels[i]!);
        const present = rows[i]![1].some((v) => v !== null);
        if (!present) continue;
        expect(keysA.has(key) !== keysB.has(key)).toBe(true);
      }
    },
  );
});

import type { Labels, QueryResult, QueryValue } from '@promql-ts/engine';
import { describe, expect, test } from 'vitest';
import type { CorpusCase } from './corpus.js';
import {
  diffQueryValues,
  isUnknownToReference,
  type QueryTarget,
  runDifferentialCase,
} from './diff.js';

const L = (o: Record<string, string>): Labels =>
  Object.keys(o)
    .sort()
    .map((name) => ({ name, value: o[name]! }));
const vec = (...s: [Record<string, string>, number][]): QueryValue => ({
  type: 'vector',
  samples: s.map(([m, v]) => ({ metric: L(m), t: 5, v })),
});
const mat = (...s: [Record<string, string>, [number, number][]][]): QueryValue => ({
  type: 'matrix',
  series: s.map(([m, p]) => ({
    metric: L(m),
    timestamps: Float64Array.from(p.map((x) => x[0])),
    values: Float64Array.from(p.map((x) => x[1])),
  })),
});

describe('diffQueryValues', () => {
  test('vectors: order-insensitive unless asked, tolerant values, NaN = NaN', () => {
    const a = vec([{ a: '1' }, 1], [{ a: '2' }, Number.NaN]);
    const b = vec([{ a: '2' }, Number.NaN], [{ a: '1' }, 1 + 1e-9]);
    expect(diffQueryValues(a, b)).toEqual([]);
    expect(diffQueryValues(a, b, { orderMatters: true })[0]).toMatch(/order of series differs/);
    expect(diffQueryValues(a, vec([{ a: '1' }, 2]))).toEqual([
      '{a="1"}: 2, expected 1',
      'missing {a="2"} = NaN',
    ]);
    expect(diffQueryValues(vec(), vec([{ a: '3' }, 0]))).toEqual(['unexpected {a="3"} = 0']);
  });

  test('matrices: series by labels, points exactly in time', () => {
    const a = mat([
      { a: '1' },
      [
        [0, 1],
        [60, 2],
      ],
    ]);
    expect(
      diffQueryValues(
        a,
        mat([
          { a: '1' },
          [
            [0, 1],
            [60, 2],
          ],
        ]),
      ),
    ).toEqual([]);
    expect(diffQueryValues(a, mat([{ a: '1' }, [[0, 1]]]))[0]).toMatch(
      /point 1 at none, expected at 60/,
    );
    expect(
      diffQueryValues(
        a,
        mat([
          { a: '1' },
          [
            [0, 1],
            [60, 3],
          ],
        ]),
      )[0],
    ).toMatch(/at 60: 3, expected 2/);
    expect(diffQueryValues(a, mat())[0]).toMatch(/missing series/);
  });

  test('types and scalars', () => {
    expect(diffQueryValues({ type: 'scalar', t: 0, v: 1 }, vec())).toEqual([
      'expected a scalar, got a vector',
    ]);
    expect(
      diffQueryValues({ type: 'scalar', t: 0, v: 1 }, { type: 'scalar', t: 0, v: 1.5 }),
    ).toEqual(['value 1.5, expected 1']);
  });
});

const result = (value: QueryValue): QueryResult => ({
  query: '',
  value,
  warnings: [],
  infos: [],
  stats: {
    totalQueryableSamples: 0,
    peakSamples: 0,
    timings: { parseMs: 0, planMs: 0, evalMs: 0, totalMs: 0 },
  },
});
const target = (answer: () => QueryValue | Error): QueryTarget => ({
  instant: async () => {
    const a = answer();
    if (a instanceof Error) throw a;
    return result(a);
  },
  range: async () => {
    const a = answer();
    if (a instanceof Error) throw a;
    return result(a);
  },
});
const kase: CorpusCase = {
  id: 'q:instant@0',
  template: 'q',
  query: 'q',
  mode: 'instant',
  timeMs: 0,
  startMs: 0,
  endMs: 0,
  stepMs: 0,
  shouldFail: false,
  orderMatters: false,
};

describe('runDifferentialCase', () => {
  test('match, mismatch, both failing, reference not knowing the query', async () => {
    const same = target(() => vec([{ a: '1' }, 1]));
    expect((await runDifferentialCase(kase, same, same)).status).toBe('match');
    const other = target(() => vec([{ a: '1' }, 2]));
    expect(await runDifferentialCase(kase, same, other)).toMatchObject({
      status: 'mismatch',
      differences: ['{a="1"}: 2, expected 1'],
    });
    const fails = target(() => new Error('boom'));
    expect((await runDifferentialCase(kase, fails, fails)).status).toBe('match');
    expect((await runDifferentialCase(kase, same, fails)).differences).toEqual([
      'the candidate failed: boom',
    ]);
    const unknown = target(() => new Error('1:1: parse error: unknown function with name "x"'));
    expect((await runDifferentialCase(kase, unknown, same)).status).toBe('not-applicable');
    expect((await runDifferentialCase(kase, unknown, fails)).status).toBe('not-applicable');
    expect((await runDifferentialCase(kase, same, same)).template).toBe('q');
    expect((await runDifferentialCase({ ...kase, shouldFail: true }, unknown, same)).status).toBe(
      'mismatch',
    );
    expect(isUnknownToReference('execution: many-to-many matching not allowed')).toBe(false);
  });
});

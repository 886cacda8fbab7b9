import type { Labels, QueryValue } from '@promql-ts/engine';
import { describe, expect, test } from 'vitest';
import {
  almostEqual,
  checkAnnotations,
  checkExpectedFailure,
  checkMatrixSorted,
  compareResult,
  messageMatches,
  vectorAt,
} from './compare.js';
import { parseTestFile } from './promqltest/parse.js';
import { STALE_MARKER } from './promqltest/series.js';
import type { EvalCommand } from './promqltest/types.js';

const evalCmd = (text: string, compat: 'prometheus2' | 'prometheus3' = 'prometheus3') =>
  parseTestFile(text, { compat }).commands.find((c): c is EvalCommand => c.kind === 'eval')!;

const L = (o: Record<string, string>): Labels =>
  Object.keys(o)
    .sort()
    .map((name) => ({ name, value: o[name]! }));

const vector = (...samples: [Record<string, string>, number][]): QueryValue => ({
  type: 'vector',
  samples: samples.map(([m, v]) => ({ metric: L(m), t: 0, v })),
});

const matrix = (...series: [Record<string, string>, [number, number][]][]): QueryValue => ({
  type: 'matrix',
  series: series.map(([m, pts]) => ({
    metric: L(m),
    timestamps: Float64Array.from(pts.map((p) => p[0])),
    values: Float64Array.from(pts.map((p) => p[1])),
  })),
});

describe('almostEqual (util/almost)', () => {
  test('relative tolerance 1e-6 of the sum of magnitudes', () => {
    expect(almostEqual(1, 1 + 1e-7)).toBe(true);
    expect(almostEqual(1, 1 + 3e-6)).toBe(false);
    expect(almostEqual(1e9, 1e9 + 1000)).toBe(true);
    expect(almostEqual(-5, 5)).toBe(false);
  });

  test('zero compares absolutely, against epsilon × the smallest normal', () => {
    expect(almostEqual(0, 1e-320)).toBe(true);
    expect(almostEqual(0, 1e-300)).toBe(false);
    expect(almostEqual(0, -0)).toBe(true);
  });

  test('NaN equals NaN; infinities only themselves', () => {
    expect(almostEqual(Number.NaN, Number.NaN)).toBe(true);
    expect(almostEqual(Number.NaN, 1)).toBe(false);
    expect(almostEqual(Infinity, Infinity)).toBe(true);
    expect(almostEqual(Infinity, -Infinity)).toBe(false);
    expect(almostEqual(Infinity, 1e308)).toBe(false);
  });

  test('the staleness marker equals only itself (Prometheus 3)', () => {
    expect(almostEqual(STALE_MARKER, STALE_MARKER)).toBe(true);
    expect(almostEqual(STALE_MARKER, Number.NaN)).toBe(false);
    expect(almostEqual(Number.NaN, STALE_MARKER)).toBe(false);
    // Prometheus 2 had no such rule.
    expect(almostEqual(STALE_MARKER, Number.NaN, 'prometheus2')).toBe(true);
  });

  test('Prometheus 2 uses the absolute rule when the difference is tiny', () => {
    // Both tiny and different: relative in v3 (absSum ≥ MIN_NORMAL), absolute in v2.
    const a = 1e-300;
    const b = 1e-300 * (1 + 1e-9);
    expect(almostEqual(a, b, 'prometheus3')).toBe(true);
    expect(almostEqual(a, b, 'prometheus2')).toBe(false);
  });
});

describe('compareResult: instant vectors', () => {
  const cmd = evalCmd('eval instant at 0 x\n  x{a="1"} 1\n  x{a="2"} NaN\n');

  test('equal as sets of label sets, with tolerance', () => {
    expect(
      compareResult(
        cmd,
        vector([{ __name__: 'x', a: '2' }, Number.NaN], [{ __name__: 'x', a: '1' }, 1.0000001]),
      ),
    ).toEqual([]);
  });

  test('differences: value, unexpected series, missing series', () => {
    const d = compareResult(
      cmd,
      vector([{ __name__: 'x', a: '1' }, 2], [{ __name__: 'x', a: '3' }, 1]),
    );
    expect(d).toEqual([
      'expected 1 for {__name__="x", a="1"} but got 2',
      'unexpected metric {__name__="x", a="3"} in result, has value 1',
      'expected metric {__name__="x", a="2"} with [NaN] not found',
    ]);
  });

  test('label sets are exact: an extra label is a different series', () => {
    expect(
      compareResult(
        cmd,
        vector([{ __name__: 'x', a: '1', b: '1' }, 1], [{ __name__: 'x', a: '2' }, Number.NaN]),
      ),
    ).toHaveLength(2);
  });

  test('a label with an empty value is no label', () => {
    expect(
      compareResult(
        cmd,
        vector([{ __name__: 'x', a: '1', b: '' }, 1], [{ __name__: 'x', a: '2' }, Number.NaN]),
      ),
    ).toEqual([]);
  });

  test('order only matters for ordered evals', () => {
    const ordered = evalCmd(
      'eval instant at 0 sort(x)\n  expect ordered\n  x{a="1"} 1\n  x{a="2"} 2\n',
    );
    const reversed = vector([{ __name__: 'x', a: '2' }, 2], [{ __name__: 'x', a: '1' }, 1]);
    expect(compareResult(ordered, reversed)[0]).toMatch(
      /a="2"} with \[2\] at position 2 but was at 1/,
    );
    const legacy = evalCmd('eval_ordered instant at 0 sort(x)\n  x{a="1"} 1\n  x{a="2"} 2\n');
    expect(compareResult(legacy, reversed)).toHaveLength(2);
    const unordered = evalCmd('eval instant at 0 x\n  x{a="1"} 1\n  x{a="2"} 2\n');
    expect(compareResult(unordered, reversed)).toEqual([]);
  });

  test('an omitted expected value reads as 0; stale only matches the staleness marker', () => {
    expect(
      compareResult(evalCmd('eval instant at 0 x\n  x _\n'), vector([{ __name__: 'x' }, 0])),
    ).toEqual([]);
    const stale = evalCmd('eval instant at 0 x\n  x stale\n');
    expect(compareResult(stale, vector([{ __name__: 'x' }, STALE_MARKER]))).toEqual([]);
    expect(compareResult(stale, vector([{ __name__: 'x' }, Number.NaN]))).toHaveLength(1);
  });

  test('a scalar expectation refuses a vector', () => {
    expect(compareResult(evalCmd('eval instant at 0 x\n  1\n'), vector([{}, 1]))[0]).toMatch(
      /expected scalar result, but got vector/,
    );
  });

  test('an empty expectation accepts only an empty vector', () => {
    const none = evalCmd('eval instant at 0 x\n');
    expect(compareResult(none, vector())).toEqual([]);
    expect(compareResult(none, vector([{ a: '1' }, 1]))).toHaveLength(1);
  });

  test('an expected native histogram against a float is a difference', () => {
    const h = evalCmd('eval instant at 0 x\n  x {{count:1}}\n');
    expect(compareResult(h, vector([{ __name__: 'x' }, 1]))[0]).toMatch(/expected histogram/);
  });
});

describe('compareResult: matrices', () => {
  const cmd = evalCmd('eval range from 0 to 2m step 1m x\n  x{a="1"} 1 _ 3\n  x{a="2"} 0+1x2\n');

  test('points at start + i × step, `_` meaning no point', () => {
    const m = matrix(
      [
        { __name__: 'x', a: '1' },
        [
          [0, 1],
          [120_000, 3],
        ],
      ],
      [
        { __name__: 'x', a: '2' },
        [
          [0, 0],
          [60_000, 1],
          [120_000, 2],
        ],
      ],
    );
    expect(compareResult(cmd, m)).toEqual([]);
  });

  test('wrong count, wrong timestamp, wrong value', () => {
    expect(
      compareResult(
        cmd,
        matrix(
          [{ __name__: 'x', a: '1' }, [[0, 1]]],
          [
            { __name__: 'x', a: '2' },
            [
              [0, 0],
              [60_000, 1],
              [120_000, 2],
            ],
          ],
        ),
      )[0],
    ).toMatch(/expected 2 float points and 0 histogram points/);
    expect(
      compareResult(
        cmd,
        matrix(
          [
            { __name__: 'x', a: '1' },
            [
              [0, 1],
              [60_000, 3],
            ],
          ],
          [
            { __name__: 'x', a: '2' },
            [
              [0, 0],
              [60_000, 1],
              [120_000, 2],
            ],
          ],
        ),
      )[0],
    ).toMatch(/to have timestamp 120000, but it had timestamp 60000/);
    expect(
      compareResult(
        cmd,
        matrix(
          [
            { __name__: 'x', a: '1' },
            [
              [0, 1],
              [120_000, 4],
            ],
          ],
          [
            { __name__: 'x', a: '2' },
            [
              [0, 0],
              [60_000, 1],
              [120_000, 2],
            ],
          ],
        ),
      )[0],
    ).toMatch(/to be 3, but got 4/);
  });

  test('the matrix must be sorted by labels', () => {
    const m = matrix(
      [
        { __name__: 'x', a: '2' },
        [
          [0, 0],
          [60_000, 1],
          [120_000, 2],
        ],
      ],
      [
        { __name__: 'x', a: '1' },
        [
          [0, 1],
          [120_000, 3],
        ],
      ],
    );
    expect(compareResult(cmd, m)[0]).toMatch(/matrix results should always be sorted by labels/);
    expect(checkMatrixSorted(m as never)).not.toBeNull();
  });

  test('more expected values than the range has steps', () => {
    const c = evalCmd('eval range from 0 to 1m step 1m x\n  x 1 2 3\n');
    expect(
      compareResult(
        c,
        matrix([
          { __name__: 'x' },
          [
            [0, 1],
            [60_000, 2],
          ],
        ]),
      )[0],
    ).toMatch(/cannot return this many points/);
  });

  test('ordered evals refuse a matrix; plain instant evals cannot expect points in one', () => {
    expect(compareResult(evalCmd('eval instant at 0 x[1m]\n  expect ordered\n'), matrix())).toEqual(
      ['expected ordered result, but query returned a matrix'],
    );
    expect(
      compareResult(
        evalCmd('eval instant at 0 x\n  x 1\n'),
        matrix([{ __name__: 'x' }, [[0, 1]]]),
      )[0],
    ).toMatch(/cannot return this many points/);
  });

  test('expect range vector gives an instant eval its points', () => {
    const c = evalCmd(
      'eval instant at 1m m[1m]\n  expect range vector from 20s to 1m step 20s\n  m 2 _ 4\n',
    );
    expect(
      compareResult(
        c,
        matrix([
          { __name__: 'm' },
          [
            [20_000, 2],
            [60_000, 4],
          ],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('compareResult: scalars and strings', () => {
  test('scalar', () => {
    const c = evalCmd('eval instant at 0 1+1\n  2\n');
    expect(compareResult(c, { type: 'scalar', t: 0, v: 2 })).toEqual([]);
    expect(compareResult(c, { type: 'scalar', t: 0, v: 3 })).toEqual([
      'expected scalar 2 but got 3',
    ]);
    expect(
      compareResult(evalCmd('eval instant at 0 1\n'), { type: 'scalar', t: 0, v: 1 })[0],
    ).toMatch(/expected vector or matrix result/);
  });

  test('string: compared exactly, "" when not given', () => {
    const c = evalCmd('eval instant at 0 "a"\n  expect string "a"\n');
    expect(compareResult(c, { type: 'string', t: 0, v: 'a' })).toEqual([]);
    expect(compareResult(c, { type: 'string', t: 0, v: 'b' })).toEqual([
      'expected string "a" but got "b"',
    ]);
    expect(
      compareResult(evalCmd('eval instant at 0 ""\n'), { type: 'string', t: 0, v: '' }),
    ).toEqual([]);
  });
});

describe('compareResult: Prometheus 2 rules', () => {
  test('matrices and strings are refused; scalars compared', () => {
    const c = evalCmd('eval instant at 0 x\n  x 1\n', 'prometheus2');
    expect(compareResult(c, matrix(), 'prometheus2')).toEqual([
      'received range result on instant evaluation',
    ]);
    expect(compareResult(c, { type: 'string', t: 0, v: '' }, 'prometheus2')).toEqual([
      'unexpected result type string',
    ]);
    expect(compareResult(c, vector([{ __name__: 'x' }, 1]), 'prometheus2')).toEqual([]);
    const s = evalCmd('eval instant at 0 1\n  1\n', 'prometheus2');
    expect(compareResult(s, { type: 'scalar', t: 0, v: 1 }, 'prometheus2')).toEqual([]);
    expect(compareResult(s, vector(), 'prometheus2')).toHaveLength(1);
  });
});

describe('annotations', () => {
  const warn = 'PromQL warning: something odd for metric name "x"';
  const info = 'PromQL info: just so you know';

  test('not checked without expect lines', () => {
    expect(checkAnnotations(evalCmd('eval instant at 0 x\n'), 'x', [warn], [info])).toBeNull();
  });

  test('expect warn: at least one, and every warning must match an expect line', () => {
    const c = evalCmd('eval instant at 0 x\n  expect warn\n');
    expect(checkAnnotations(c, 'x', [warn], [])).toBeNull();
    expect(checkAnnotations(c, 'x', [], [])).toMatch(
      /expected warn annotations but none were found/,
    );
    const msg = evalCmd(`eval instant at 0 x\n  expect warn msg: ${warn}\n`);
    expect(checkAnnotations(msg, 'x', [warn], [])).toBeNull();
    expect(checkAnnotations(msg, 'x', [warn, 'PromQL warning: other'], [])).toMatch(
      /unexpected warn annotation/,
    );
    expect(checkAnnotations(msg, 'x', ['PromQL warning: other'], [])).toMatch(
      /no matching annotation was found/,
    );
  });

  test('expect info regex: searched, not anchored', () => {
    const c = evalCmd('eval instant at 0 x\n  expect info regex: so you\n');
    expect(checkAnnotations(c, 'x', [], [info])).toBeNull();
    expect(checkAnnotations(c, 'x', [warn], [info])).toBeNull();
  });

  test('no_warn / no_info forbid annotations of their kind only', () => {
    const c = evalCmd('eval instant at 0 x\n  expect no_warn\n');
    expect(checkAnnotations(c, 'x', [], [info])).toBeNull();
    expect(checkAnnotations(c, 'x', [warn], [])).toMatch(/unexpected warning annotations/);
    expect(
      checkAnnotations(evalCmd('eval instant at 0 x\n  expect no_info\n'), 'x', [], [info]),
    ).toMatch(/unexpected info annotations/);
  });

  test('eval_warn and eval_info need one of their kind', () => {
    expect(checkAnnotations(evalCmd('eval_warn instant at 0 x\n'), 'x', [], [info])).toMatch(
      /expected warnings/,
    );
    expect(checkAnnotations(evalCmd('eval_info instant at 0 x\n'), 'x', [], [info])).toBeNull();
  });

  test("the default pattern is Go's ^.*$: no newline", () => {
    expect(messageMatches({ type: 'any' }, 'one line')).toBe(true);
    expect(messageMatches({ type: 'any' }, 'two\nlines')).toBe(false);
    expect(messageMatches({ type: 'regex', pattern: '^two' }, 'two\nlines')).toBe(true);
  });
});

describe('expected failures', () => {
  test('expect fail without a message accepts any error', () => {
    expect(
      checkExpectedFailure(evalCmd('eval instant at 0 x\n  expect fail\n'), 'boom'),
    ).toBeNull();
  });

  test('msg: is exact, regex: is searched', () => {
    const msg = evalCmd(
      'eval instant at 0 x\n  expect fail msg: vector cannot contain metrics with the same labelset\n',
    );
    expect(
      checkExpectedFailure(msg, 'vector cannot contain metrics with the same labelset'),
    ).toBeNull();
    expect(
      checkExpectedFailure(msg, 'vector cannot contain metrics with the same labelset!'),
    ).toMatch(/expected error matching/);
    const re = evalCmd('eval instant at 0 x\n  expect fail regex: conflicting label\n');
    expect(checkExpectedFailure(re, 'found conflicting label "a"')).toBeNull();
  });

  test('legacy expected_fail_message and expected_fail_regexp', () => {
    const m = evalCmd('eval_fail instant at 0 x\n  expected_fail_message exactly this\n');
    expect(checkExpectedFailure(m, 'exactly this')).toBeNull();
    expect(checkExpectedFailure(m, 'something else')).toMatch(/expected error "exactly this"/);
    const r = evalCmd('eval_fail instant at 0 x\n  expected_fail_regexp ^bad.*\n');
    expect(checkExpectedFailure(r, 'bad thing')).toBeNull();
    expect(checkExpectedFailure(r, 'a bad thing')).toMatch(/expected error matching pattern/);
  });
});

describe('vectorAt (range-mode check)', () => {
  test('the first point at t of each series, in series order', () => {
    const m = matrix(
      [
        { a: '1' },
        [
          [0, 1],
          [60_000, 2],
        ],
      ],
      [{ a: '2' }, [[0, 5]]],
      [{ a: '3' }, [[60_000, 7]]],
    );
    const v = vectorAt(m as never, 60_000);
    expect(v.samples.map((s) => [s.metric[0]!.value, s.v])).toEqual([
      ['1', 2],
      ['3', 7],
    ]);
  });
});

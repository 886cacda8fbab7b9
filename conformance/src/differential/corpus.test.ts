import { FUNCTIONS, parse } from '@promql-ts/parser';
import { describe, expect, test } from 'vitest';
import {
  expandTemplates,
  generateCorpus,
  placeholders,
  TEMPLATES,
  VARIANT_ARGS,
} from './corpus.js';

const WINDOW = { startMs: 1_672_531_200_000, endMs: 1_672_531_200_000 + 2 * 3600_000 };
const v3 = generateCorpus(WINDOW);
const v2 = generateCorpus({ ...WINDOW, compat: 'prometheus2' });
const queries3 = [...new Set(v3.map((c) => c.query))];
const queries2 = [...new Set(v2.map((c) => c.query))];

describe('coverage', () => {
  test('every function of the parser is called by some query', () => {
    const all = [...queries3, ...queries2].join('\n');
    const missing = Object.keys(FUNCTIONS).filter(
      (f) => !new RegExp(`(^|[^a-z_])${f}\\(`).test(all),
    );
    expect(missing).toEqual([]);
  });

  test('every aggregation, binary operator and modifier appears', () => {
    const all = queries3.join('\n');
    const words = [
      'sum',
      'avg',
      'min',
      'max',
      'count',
      'stddev',
      'stdvar',
      'group',
      'topk',
      'bottomk',
      'quantile',
      'count_values',
      'limitk',
      'limit_ratio',
      'and',
      'or',
      'unless',
      'atan2',
      'bool',
      'on',
      'ignoring',
      'group_left',
      'group_right',
      'by',
      'without',
      'offset',
      'anchored',
      'smoothed',
      'fill',
      'fill_left',
      'fill_right',
    ];
    for (const w of words) expect(all, w).toMatch(new RegExp(`(^|[^a-z_])${w}([^a-z_]|$)`));
    for (const op of [
      '+',
      '-',
      '*',
      '/',
      '%',
      '^',
      '==',
      '!=',
      '>',
      '<',
      '>=',
      '<=',
      '@ ',
      '[10m:1m]',
      '[10m:]',
      '@ start()',
      '@ end()',
    ]) {
      expect(all.includes(op), op).toBe(true);
    }
  });

  test('every query parses (with experimental features), except those meant to fail to parse', () => {
    const failing: string[] = [];
    for (const c of v3) {
      try {
        parse(c.query, { experimental: true });
      } catch {
        failing.push(c.query);
      }
    }
    expect([...new Set(failing)]).toEqual(['{__name__=~".*"}']);
    for (const q of queries2) {
      if (q === '{__name__=~".*"}') continue;
      expect(() => parse(q, { compat: 'prometheus2' }), q).not.toThrow();
    }
  });
});

describe('expansion', () => {
  test('every combination of the named dimensions, {{at}} substituted', () => {
    const q = expandTemplates(
      [{ id: 't', query: '{{topBottomOp}}(1, x @ {{at}}) {{setOp}} y' }],
      '12.500',
    );
    expect(q.map((x) => x.query)).toEqual([
      'topk(1, x @ 12.500) and y',
      'topk(1, x @ 12.500) or y',
      'topk(1, x @ 12.500) unless y',
      'bottomk(1, x @ 12.500) and y',
      'bottomk(1, x @ 12.500) or y',
      'bottomk(1, x @ 12.500) unless y',
    ]);
    expect(q[4]!.id).toBe('t:bottomk:or');
    expect(placeholders('{{a}} {{b}} {{a}}')).toEqual(['a', 'b']);
    expect(() => expandTemplates([{ id: 'x', query: '{{nope}}' }], '0')).toThrow(
      /unknown variant nope/,
    );
  });

  test('case ids are unique and have no white space; templates ids unique', () => {
    const ids = v3.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => !/\s/.test(id))).toBe(true);
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
    for (const [dim, values] of Object.entries(VARIANT_ARGS))
      expect(
        values.every((v) => !/\s/.test(v)),
        dim,
      ).toBe(true);
  });
});

describe('cases', () => {
  test('instant cases at three whole-second times inside the window; range cases over it', () => {
    const c = v3.filter((x) => x.query === 'up');
    expect(c.map((x) => [x.mode, x.timeMs - WINDOW.startMs])).toEqual([
      ['instant', 1_800_000],
      ['instant', 4_500_000],
      ['instant', 7_200_000],
      ['range', 7_200_000],
    ]);
    expect(c[3]).toMatchObject({
      startMs: WINDOW.startMs,
      endMs: WINDOW.endMs,
      stepMs: 60_000,
      orderMatters: true,
    });
    expect(c[0]!.orderMatters).toBe(false);
  });

  test('order matters for instant sorts only', () => {
    expect(
      v3.find((x) => x.query.startsWith('sort_desc(') && x.mode === 'instant')!.orderMatters,
    ).toBe(true);
    expect(v3.find((x) => x.query.startsWith('topk(') && x.mode === 'instant')!.orderMatters).toBe(
      false,
    );
  });

  test('range vectors are instant-only; failing templates are marked', () => {
    expect(
      v3.filter((x) => x.template === 'range-selector').every((x) => x.mode === 'instant'),
    ).toBe(true);
    expect(v3.find((x) => x.template === 'many-to-many')!.shouldFail).toBe(true);
  });

  test('Prometheus 2: no experimental templates, holt_winters instead of double_exponential_smoothing', () => {
    expect(v2.some((x) => x.query.startsWith('holt_winters('))).toBe(true);
    expect(v2.some((x) => x.query.startsWith('double_exponential_smoothing('))).toBe(false);
    expect(v3.some((x) => x.query.startsWith('holt_winters('))).toBe(false);
    expect(v2.some((x) => x.query.includes('limitk'))).toBe(false);
  });
});

import { FUNCTIONS, parse } from '@promql-ts/parser';
import { describe, expect, test } from 'vitest';
import {
  type CorpusMetrics,
  DEFAULT_METRICS,
  expandTemplates,
  generateCorpus,
  METRIC_ROLES,
  placeholders,
  substituteRoles,
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

describe('metrics as parameters', () => {
  const custom: CorpusMetrics = {
    counters: ['c1_total', 'c2_total'],
    gauges: ['g1', 'g2'],
    histograms: ['h1', 'h2'],
    up: 'up',
    counterA: 'c1_total',
    counterALabel: 'path',
    counterB: 'c2_total',
    gaugeA: 'g1',
    gaugeALabel: 'device',
    gaugeAValue: 'sda',
    gaugeARegex: 's.*',
    gaugeANotRegex: 'sda|nonexistent',
    gaugeB: 'g2',
    gaugeC: 'g2',
    gaugeD: 'g1',
    jobA: 'node',
    jobB: 'prometheus',
    nameRegex: 'g2|c2_total',
  };
  const corpus = generateCorpus({ ...WINDOW, metrics: custom, variants: { range: ['1m'] } });
  const queries = [...new Set(corpus.map((c) => c.query))];

  test('the default corpus is the generated fleet', () => {
    expect(v3.some((c) => c.query === 'node_temperature_celsius{sensor=~"c.*"}')).toBe(true);
    expect(DEFAULT_METRICS.histograms).toEqual(['http_request_duration_seconds']);
  });

  test('roles and dimensions come from the metrics; no default name is left', () => {
    const defaults = [
      'http_requests_total',
      'process_cpu_seconds_total',
      'jobs_processed_total',
      'process_resident_memory_bytes',
      'node_temperature_celsius',
      'queue_fill_ratio',
      'jobs_in_flight',
      'http_request_duration_seconds',
      'sensor',
      '"api"',
      '"worker"',
      'process_.+',
    ];
    for (const q of queries) for (const d of defaults) expect(q, q).not.toContain(d);
    expect(queries).toContain('g1{device=~"s.*"}');
    expect(queries).toContain('g1{device!~"sda|nonexistent"}');
    expect(queries).toContain('{__name__=~"g2|c2_total", job="prometheus"}');
    expect(queries).toContain('sum by (job, path) (rate(c1_total[5m]))');
    expect(queries).toContain('up + fill (0) g1{device="sda"}');
    expect(queries).toContain('histogram_quantile(0.9, {__name__=~"h2_.+"})');
    expect(queries).not.toContain('rate(c1_total[5m])'); // only the ranges asked for
    expect(queries).toContain('rate(c1_total[1m])');
  });

  test('ids name the dimension values, not the roles', () => {
    const ids = corpus.map((c) => c.id);
    expect(ids).toContain('rate:rate:c2_total:1m:range');
    expect(ids).toContain('histogram-quantile:0.5:h1:instant@0');
    expect(ids).toContain('matcher-re:instant@0');
    expect(new Set(ids).size).toBe(ids.length);
  });

  test('substituteRoles leaves dimensions alone', () => {
    expect(substituteRoles('{{rateFunc}}({{counterA}}[{{range}}])', custom)).toBe(
      '{{rateFunc}}(c1_total[{{range}}])',
    );
    expect(METRIC_ROLES.every((r) => typeof custom[r] === 'string')).toBe(true);
  });

  test('every query of a custom corpus parses', () => {
    for (const q of queries) {
      if (q === '{__name__=~".*"}') continue;
      expect(() => parse(q, { experimental: true }), q).not.toThrow();
    }
  });

  test('an empty metric list drops the templates that need it', () => {
    const none = generateCorpus({ ...WINDOW, metrics: { ...custom, histograms: [] } });
    expect(none.some((c) => c.query.includes('_bucket'))).toBe(false);
    expect(none.some((c) => c.template === 'selector')).toBe(true);
  });

  test('the @ time is a whole second in the middle of the window', () => {
    const c = generateCorpus({ startMs: 1001, endMs: 4002 }).find((x) => x.template === 'at')!;
    expect(c.query).toMatch(/ @ 2\.000$/);
  });
});

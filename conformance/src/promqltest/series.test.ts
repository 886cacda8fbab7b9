import { describe, expect, test } from 'vitest';
import { isStaleMarker, parseSeriesDescription, SeriesDescriptionError } from './series.js';
import type { SequenceValue } from './types.js';

/** The float values of a sequence, `null` for `_`. */
function floats(values: readonly SequenceValue[]): (number | null)[] {
  return values.map((v) => {
    if (v.kind === 'omitted') return null;
    if (v.kind === 'float') return v.value;
    throw new Error(`not a float: ${v.kind}`);
  });
}

const values = (s: string) => floats(parseSeriesDescription(`m ${s}`).values);
const labels = (s: string) => parseSeriesDescription(s).labels.map((l) => `${l.name}=${l.value}`);
const fails =
  (s: string, opts = {}) =>
  () =>
    parseSeriesDescription(s, opts);

describe('series description values', () => {
  test('plain numbers, one value each', () => {
    expect(values('1 2.5 -3 +4 .5 1e3 1E-2')).toEqual([1, 2.5, -3, 4, 0.5, 1000, 0.01]);
  });

  test('a+bxn: n+1 values starting at a, growing by b', () => {
    expect(values('1+2x3')).toEqual([1, 3, 5, 7]);
    expect(values('0+10x0')).toEqual([0]);
  });

  test('a-bxn: n+1 values falling by b', () => {
    expect(values('10-3x2')).toEqual([10, 7, 4]);
    expect(values('-1-1x3')).toEqual([-1, -2, -3, -4]);
  });

  test('axn: a repeated n+1 times', () => {
    expect(values('7x2')).toEqual([7, 7, 7]);
    expect(values('-2x1')).toEqual([-2, -2]);
  });

  test('steps are added repeatedly, so rounding accumulates as in Go', () => {
    let v = 0;
    const expected: number[] = [];
    for (let i = 0; i <= 10; i++) {
      expected.push(v);
      v += 0.1;
    }
    expect(values('0+0.1x10')).toEqual(expected);
    expect(values('0+0.1x10')[3]).toBe(0.30000000000000004);
  });

  test('_ is one omitted value, _xn is n of them (not n+1)', () => {
    expect(values('1 _ 2')).toEqual([1, null, 2]);
    expect(values('_x3 1')).toEqual([null, null, null, 1]);
    expect(values('_x0 1')).toEqual([1]);
  });

  test('stale is the staleness marker NaN, bit for bit', () => {
    const [v] = parseSeriesDescription('m stale').values;
    expect(v?.kind).toBe('float');
    expect(isStaleMarker((v as { value: number }).value)).toBe(true);
    expect(isStaleMarker(Number.NaN)).toBe(false);
  });

  test('stale cannot take a repetition: stalex2 lexes as one unknown word', () => {
    expect(fails('m stalex2')).toThrow(/expected number or "stale"/);
    expect(values('stale stale')).toHaveLength(2);
  });

  test('Inf and NaN in any case, with signs', () => {
    const v = values('Inf -Inf +inf NaN -nan INF');
    expect(v.slice(0, 3)).toEqual([Infinity, -Infinity, Infinity]);
    expect(Number.isNaN(v[3])).toBe(true);
    expect(Number.isNaN(v[4])).toBe(true);
    expect(isStaleMarker(v[3]!)).toBe(false);
    expect(v[5]).toBe(Infinity);
  });

  test('hexadecimal is not read: 0x3 means 0 repeated 3 more times', () => {
    expect(values('0x3')).toEqual([0, 0, 0, 0]);
    expect(fails('m 0x1f')).toThrow(SeriesDescriptionError);
  });

  test('numbers are read with Go ParseInt base 0 first: 010 is octal 8', () => {
    expect(values('010 09 1_000')).toEqual([8, 9, 1000]);
    // A letter right after digits (other than x) is a lexer error.
    expect(fails('m 0b1')).toThrow(/bad number syntax/);
  });

  test('repetition counts are decimal integers', () => {
    expect(fails('m 1x1.5')).toThrow(/repetition/);
    expect(fails('m 1x')).toThrow(SeriesDescriptionError);
    expect(fails('m 1+1')).toThrow(SeriesDescriptionError);
  });

  test('durations, unknown words and stray characters are errors', () => {
    expect(fails('m 5m')).toThrow(/bad number syntax/);
    expect(fails('m foo')).toThrow(/expected number or "stale"/);
    expect(fails('m 1 # comment')).toThrow(/unexpected character in series sequence/);
    expect(fails('m 1,2')).toThrow(SeriesDescriptionError);
  });

  test('values need a separating space; trailing space is fine', () => {
    expect(values('1  2\t3 ')).toEqual([1, 2, 3]);
    expect(fails('m{}1')).toThrow(SeriesDescriptionError);
  });

  test('a series may have no values', () => {
    expect(parseSeriesDescription('m').values).toEqual([]);
    expect(parseSeriesDescription('{a="b"}').values).toEqual([]);
  });
});

describe('series description labels', () => {
  test('metric name and labels, sorted by name', () => {
    expect(labels('http_requests{job="api", code="200"} 1')).toEqual([
      '__name__=http_requests',
      'code=200',
      'job=api',
    ]);
  });

  test('no metric name; trailing comma; empty braces', () => {
    expect(labels('{b="2",a="1",} 1')).toEqual(['a=1', 'b=2']);
    expect(labels('{} 1')).toEqual([]);
  });

  test('label values are unquoted with PromQL escapes, all quote styles', () => {
    expect(labels(`m{a="x\\ny", b='q"', c=\`r\\n\`} 1`)).toEqual([
      '__name__=m',
      'a=x\ny',
      'b=q"',
      'c=r\\n',
    ]);
  });

  test('metric names may contain colons and be most keywords', () => {
    expect(labels('job:rate:sum 1')).toEqual(['__name__=job:rate:sum']);
    expect(labels('sum{} 1')).toEqual(['__name__=sum']);
    expect(labels('offset 1')).toEqual(['__name__=offset']);
  });

  test('some keywords cannot name a metric', () => {
    for (const k of ['on', 'bool', 'ignoring', 'group_left', 'group_right', 'atan2']) {
      expect(fails(`${k}{} 1`), k).toThrow(SeriesDescriptionError);
    }
  });

  test('quoted label names and a quoted metric name (Prometheus 3)', () => {
    expect(labels('{"my.metric", "a b"="c"} 1')).toEqual(['__name__=my.metric', 'a b=c']);
    expect(fails('{"my.metric"} 1', { compat: 'prometheus2' })).toThrow(SeriesDescriptionError);
  });

  test('the name may not be followed by a space before the braces', () => {
    expect(fails('m {a="b"} 1')).toThrow(/unexpected character in series sequence/);
  });

  test('empty label values are kept as written', () => {
    expect(labels('m{a=""} 1')).toEqual(['__name__=m', 'a=']);
  });

  test('label set syntax errors', () => {
    expect(fails('m{a} 1')).toThrow(SeriesDescriptionError);
    expect(fails('m{a=1} 1')).toThrow(SeriesDescriptionError);
    expect(fails('m{a="b" 1')).toThrow(SeriesDescriptionError);
    expect(fails('m{a=~"b"} 1')).toThrow(SeriesDescriptionError);
  });
});

describe('native histogram notation', () => {
  const hist = (s: string) => parseSeriesDescription(`m ${s}`).values;

  test('all fields, as buildHistogramFromMap builds them', () => {
    const [v] = hist(
      '{{schema:1 sum:-3 count:22 z_bucket:2 z_bucket_w:0.001 buckets:[5 10 7] offset:-2 n_buckets:[1 2] n_offset:3 counter_reset_hint:gauge}}',
    );
    expect(v).toEqual({
      kind: 'histogram',
      histogram: {
        schema: 1,
        sum: -3,
        count: 22,
        zeroCount: 2,
        zeroThreshold: 0.001,
        customValues: [],
        positiveSpans: [{ offset: -2, length: 3 }],
        positiveBuckets: [5, 10, 7],
        negativeSpans: [{ offset: 3, length: 2 }],
        negativeBuckets: [1, 2],
        counterResetHint: 'gauge',
        counterResetHintSet: true,
      },
    });
  });

  test('absent fields are zero, no spans without buckets, hint unknown and not set', () => {
    const [v] = hist('{{}}');
    expect(v).toMatchObject({
      kind: 'histogram',
      histogram: {
        schema: 0,
        sum: 0,
        count: 0,
        positiveSpans: [],
        negativeSpans: [],
        counterResetHintSet: false,
      },
    });
    expect(hist('{{ }}')[0]?.kind).toBe('histogram');
  });

  test('custom buckets', () => {
    const [v] = hist('{{schema:-53 sum:1 count:1 custom_values:[5 10] buckets:[1]}}');
    expect(v).toMatchObject({
      histogram: { schema: -53, customValues: [5, 10], positiveBuckets: [1] },
    });
  });

  test('Inf and NaN inside; a junk word in buckets is swallowed as Prometheus does', () => {
    expect(hist('{{sum:Inf count:NaN buckets:[Inf 1]}}')[0]).toMatchObject({
      histogram: { sum: Infinity, positiveBuckets: [Infinity, 1] },
    });
    expect(hist('{{buckets:[1 foo]}}')[0]).toMatchObject({ histogram: { positiveBuckets: [1] } });
  });

  test('{{…}}xn repeats the histogram n+1 times', () => {
    const v = hist('{{count:1}}x2');
    expect(v).toHaveLength(3);
    expect(v.every((x) => x.kind === 'histogram')).toBe(true);
  });

  test('{{a}}+{{b}}xn: the base, then n steps of histogram addition, kept unexpanded', () => {
    const v = hist('{{count:1}}+{{count:2}}x2');
    expect(v.map((x) => x.kind)).toEqual(['histogram', 'histogram-series', 'histogram-series']);
    expect(v[2]).toMatchObject({ op: 'add', steps: 2, base: { count: 1 }, delta: { count: 2 } });
    expect(hist('{{count:9}}-{{count:1}}x1')[1]).toMatchObject({ op: 'sub', steps: 1 });
  });

  test('histograms and floats mix in one sequence', () => {
    expect(hist('1 {{count:1}} _ 2').map((x) => x.kind)).toEqual([
      'float',
      'histogram',
      'omitted',
      'float',
    ]);
  });

  test('a base schema above the increment schema cannot be combined', () => {
    expect(fails('m {{schema:2}}+{{schema:1}}x1')).toThrow(/cannot merge from schema 1 to 2/);
    expect(parseSeriesDescription('m {{schema:2}}+{{schema:1}}x0').values).toHaveLength(1);
  });

  test('errors: duplicate key, missing colon, unknown key, leading space, + in a value', () => {
    expect(fails('m {{count:1 count:2}}')).toThrow(/duplicate key "count"/);
    expect(fails('m {{count 1}}')).toThrow(/missing `:`/);
    expect(fails('m {{foo:1}}')).toThrow(/bad histogram descriptor/);
    expect(fails('m {{ count:1}}')).toThrow(SeriesDescriptionError);
    expect(fails('m {{sum:+1}}')).toThrow(SeriesDescriptionError);
    expect(fails('m {{buckets:[]}}')).toThrow(SeriesDescriptionError);
    expect(fails('m {{count:1')).toThrow(SeriesDescriptionError);
  });

  test('Prometheus 2 has no histogram notation', () => {
    expect(fails('m {{count:1}}', { compat: 'prometheus2' })).toThrow(/unexpected character/);
  });
});

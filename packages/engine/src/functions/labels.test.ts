import { fc, test } from '@fast-check/vitest';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { getLabel, METRIC_NAME, setLabel } from '../labels.js';
import type { Labels } from '../storage.js';
import { mergeSameLabelsets, type StepVectors, type Value } from '../value.js';
import { expandTemplate } from './labels.js';
import { call, contextFor, gridOf, type Row, rows, vec } from './test-util.js';

const one = gridOf(1);

const testmetric = vec([
  [{ __name__: 'testmetric', src: 'source-value-10', dst: 'original-destination-value' }, [0]],
  [{ __name__: 'testmetric', src: 'source-value-20', dst: 'original-destination-value' }, [1]],
]);

/** Go's ExpandString with the submatches of `re` (fully anchored) on `s`. */
function expand(template: string, re: string, s: string): string {
  const compiled = RE2JS.compile(`^(?s:${re})$`);
  const m = compiled.matcher(s);
  if (!m.find()) throw new Error('no match');
  return expandTemplate(template, (i) => m.group(i), compiled.groupCount(), compiled.namedGroups());
}

describe('Regexp.Expand', () => {
  it('expands numbered and named groups as Go does', () => {
    expect(expand('$1-$2', '(a)(b)', 'ab')).toBe('a-b');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's template syntax, not JavaScript's.
    expect(expand('${1}x', '(a)', 'a')).toBe('ax');
    // `$1x` names the group "1x", which does not exist.
    expect(expand('$1x', '(a)', 'a')).toBe('');
    expect(expand('$name.$name', '(?P<name>a+)', 'aa')).toBe('aa.aa');
    expect(expand('$$1 $', '(a)', 'a')).toBe('$1 $');
    // A group that did not take part, or does not exist, expands to nothing.
    expect(expand('[$2][$3]', '(a)|(b)', 'a')).toBe('[][]');
    // Leading zeros make a name, not a number.
    expect(expand('$01', '(a)', 'a')).toBe('');
    expect(expand('${', '(a)', 'a')).toBe('${');
  });
});

describe('label_replace', () => {
  it("rewrites the same series again alike, and by each call's own arguments", () => {
    // The same label-set arrays in each call: the second of each pair comes from the
    // cache of derived label sets, which must tell the source labels apart.
    const q = 'label_replace(x, "out", "$1", "src", "(.*)")';
    const bySrc = [testmetric, 'out', '$1', 'src', '(.*)'];
    const byDst = [testmetric, 'out', '$1', 'dst', '(.*)'];
    const want = (label: string) => [
      [
        `{__name__="testmetric", dst="original-destination-value", out="${label}10", src="source-value-10"}`,
        [0],
      ],
      [
        `{__name__="testmetric", dst="original-destination-value", out="${label}20", src="source-value-20"}`,
        [1],
      ],
    ];
    for (let i = 0; i < 2; i++) expect(rows(call(q, bySrc, one))).toEqual(want('source-value-'));
    const fromDst = rows(call(q, byDst, one)).map((r) => r[0]);
    expect(fromDst).toEqual([
      '{__name__="testmetric", dst="original-destination-value", out="original-destination-value", src="source-value-10"}',
      '{__name__="testmetric", dst="original-destination-value", out="original-destination-value", src="source-value-20"}',
    ]);
  });

  it('replaces on a full match only', () => {
    const q = 'label_replace(x, "dst", "destination-value-$1", "src", "source-value-(.*)")';
    const args = [testmetric, 'dst', 'destination-value-$1', 'src', 'source-value-(.*)'];
    expect(rows(call(q, args, one))).toEqual([
      ['{__name__="testmetric", dst="destination-value-10", src="source-value-10"}', [0]],
      ['{__name__="testmetric", dst="destination-value-20", src="source-value-20"}', [1]],
    ]);
    const sub = [testmetric, 'dst', 'x-$1', 'src', 'value-(.*)'];
    expect(rows(call(q, sub, one)).map((r) => r[0])).toEqual([
      '{__name__="testmetric", dst="original-destination-value", src="source-value-10"}',
      '{__name__="testmetric", dst="original-destination-value", src="source-value-20"}',
    ]);
  });

  it('removes the label when the replacement is empty and matches an absent label as ""', () => {
    const q = 'label_replace(x, "a", "b", "c", "d")';
    expect(rows(call(q, [testmetric, 'dst', '', 'dst', '.*'], one)).map((r) => r[0])).toEqual([
      '{__name__="testmetric", src="source-value-10"}',
      '{__name__="testmetric", src="source-value-20"}',
    ]);
    expect(
      rows(call(q, [testmetric, 'dst', 'value-$1', 'nonexistent', '(.*)'], one))[0]![0],
    ).toContain('dst="value-"');
  });

  it('fails on a bad regex, a bad destination and duplicate results', () => {
    const q = 'label_replace(x, "a", "b", "c", "d")';
    expect(() => call(q, [testmetric, 'dst', 'v', 'src', '(.*'], one)).toThrow(
      'invalid regular expression in label_replace(): (.*',
    );
    expect(() => call(q, [testmetric, '', 'v', 'src', '(.*)'], one)).toThrow(
      'invalid destination label name in label_replace(): ',
    );
    expect(() => call(q, [testmetric, 'src', '', '', ''], one)).toThrow(
      'vector cannot contain metrics with the same labelset',
    );
  });

  it('accepts only legacy label names in Prometheus 2 mode', () => {
    const q = 'label_replace(x, "a", "b", "c", "d")';
    const ctx = contextFor(one, { compat: 'prometheus2' });
    expect(() => call(q, [testmetric, 'a.b', 'v', 'src', '(.*)'], one, ctx)).toThrow(
      'invalid destination label name',
    );
    expect(rows(call(q, [testmetric, 'a.b', 'v', 'src', '(.*)'], one))[0]![0]).toContain(
      '"a.b"="v"',
    );
  });

  it('keeps the name to drop unless it rewrites the name', () => {
    const ctx = contextFor(one, { delayedNameRemoval: true });
    const v = { ...vec([[{ __name__: 'm', a: 'x' }, [1]]]), dropName: Uint8Array.of(1) };
    const q = 'label_replace(x, "a", "b", "c", "d")';
    const kept = call(q, [v, 'a', 'y', 'a', '.*'], one, ctx);
    expect(kept.kind === 'vector' && kept.dropName[0]).toBe(1);
    const renamed = call(q, [v, '__name__', 'n', 'a', '.*'], one, ctx);
    expect(renamed.kind === 'vector' && renamed.dropName[0]).toBe(0);
    expect(rows(renamed)[0]![0]).toBe('{__name__="n", a="x"}');
  });

  it('keeps rewrites across queries apart by regex, replacement and destination', () => {
    // The rewrites of each (regex, replacement, destination) are kept across queries: the
    // same source value must give each its own result, and new values theirs.
    const q = 'label_replace(x, "a", "b", "c", "d")';
    const dstOf = (v: Value, name: string) =>
      v.kind === 'vector' ? v.labels.map((ls) => getLabel(ls, name)) : [];
    const first = vec([
      [{ src: 'source-1' }, [0]],
      [{ src: 'source-2' }, [1]],
    ]);
    const second = vec([
      [{ src: 'source-2' }, [0]],
      [{ src: 'source-3' }, [1]],
      [{ src: 'other' }, [2]],
    ]);
    // In order: the same source value, new values, then the same regex with another
    // replacement, another destination, and another regex.
    const cases: [StepVectors, string, string, string, string[]][] = [
      [first, 'd', 'x$1', 'source-(.*)', ['x1', 'x2']],
      [second, 'd', 'x$1', 'source-(.*)', ['x2', 'x3', '']],
      [second, 'd', 'y$1', 'source-(.*)', ['y2', 'y3', '']],
      [second, 'e', 'x$1', 'source-(.*)', ['x2', 'x3', '']],
      [second, 'd', '$1', '(.*)', ['source-2', 'source-3', 'other']],
    ];
    for (const [v, dst, replacement, regex, expected] of cases) {
      expect(dstOf(call(q, [v, dst, replacement, 'src', regex], one), dst)).toEqual(expected);
    }
  });

  it('still rewrites every series when more values come than a table keeps', () => {
    // More distinct values than one table of kept rewrites holds (10,000): it is emptied
    // and filled again on the way.
    const n = 10_050;
    const many = vec(Array.from({ length: n }, (_, i) => [{ src: `v${i}` }, [i]] as const));
    const q = 'label_replace(x, "a", "b", "c", "d")';
    for (let round = 0; round < 2; round++) {
      const out = call(q, [many, 'd', '$1', 'src', 'v(.*)'], one);
      if (out.kind !== 'vector') throw new Error('not a vector');
      expect(out.labels).toHaveLength(n);
      for (let r = 0; r < n; r++) expect(getLabel(out.labels[r]!, 'd')).toBe(String(out.values[r]));
    }
  });

  it('merges series that become equal at different steps', () => {
    const v = vec([
      [{ __name__: 'series', idx: '0' }, [1, null]],
      [{ __name__: 'series', idx: '1' }, [null, 2]],
    ]);
    const out = call(
      'label_replace(x, "a", "b", "c", "d")',
      [v, 'idx', 'replaced', 'idx', '.*'],
      gridOf(2),
    );
    expect(rows(out)).toEqual([['{__name__="series", idx="replaced"}', [1, 2]]]);
  });
});

describe('label_join', () => {
  it('joins source values, absent ones as ""', () => {
    const v = vec([[{ __name__: 't', src: 'a', src1: 'b', src2: 'c' }, [0]]]);
    const q = 'label_join(x, "dst", "-", "src", "src3", "src1")';
    expect(rows(call(q, [v, 'dst', '-', 'src', 'src3', 'src1'], one))[0]![0]).toBe(
      '{__name__="t", dst="a--b", src="a", src1="b", src2="c"}',
    );
    expect(rows(call('label_join(x, "dst", ", ")', [v, 'dst', ', '], one))[0]![0]).toBe(
      '{__name__="t", src="a", src1="b", src2="c"}',
    );
  });

  it('checks source names before the destination', () => {
    const v = vec([[{ a: '1' }, [0]]]);
    expect(() => call('label_join(x, "", "-", "")', [v, '', '-', ''], one)).toThrow(
      'invalid source label name in label_join(): ',
    );
    expect(() => call('label_join(x, "", "-", "a")', [v, '', '-', 'a'], one)).toThrow(
      'invalid destination label name in label_join(): ',
    );
  });

  const labelName = fc.constantFrom('a', 'b', 'c', 'job', 'instance');
  const labelValue = fc.constantFrom('', 'x', 'y', 'a-b', '😀');
  test.prop([
    fc.array(fc.dictionary(labelName, labelValue), { minLength: 1, maxLength: 5 }),
    fc.constantFrom('dst', 'a', 'job'),
    fc.constantFrom('', '-', ', '),
    fc.array(labelName, { maxLength: 4 }),
  ])('sets the destination to the join of the sources', (sets, dst, sep, sources) => {
    const v = vec(sets.map((ls, i) => [{ ...ls, row: String(i) }, [i]] as const));
    const out = call('label_join(x, "a", "b")', [v, dst, sep, ...sources], one);
    if (out.kind !== 'vector') throw new Error('not a vector');
    out.labels.forEach((ls, r) => {
      const src = v.labels[Number(getLabel(ls, 'row'))]!;
      expect(getLabel(ls, dst)).toBe(sources.map((s) => getLabel(src, s)).join(sep));
      expect(out.values[r]).toBe(Number(getLabel(ls, 'row')));
    });
  });
});

// === the rewrites against a plain series-by-series version ===

/** label_replace series by series: a regex match and a new label array for every series. */
function referenceReplace(
  v: StepVectors,
  dst: string,
  replacement: string,
  src: string,
  regex: string,
): StepVectors {
  const re = RE2JS.compile(`^(?s:${regex})$`);
  const labels: Labels[] = v.labels.slice();
  const dropName = v.dropName.slice();
  for (let r = 0; r < labels.length; r++) {
    const m = re.matcher(getLabel(labels[r]!, src));
    if (!m.find()) continue;
    const res = expandTemplate(replacement, (i) => m.group(i), re.groupCount(), re.namedGroups());
    labels[r] = setLabel(labels[r]!, dst, res);
    if (dst === METRIC_NAME) dropName[r] = 0;
  }
  return mergeSameLabelsets({
    ...v,
    labels,
    dropName,
    values: v.values.slice(),
    mask: v.mask.slice(),
  });
}

/** label_join series by series. */
function referenceJoin(v: StepVectors, dst: string, sep: string, sources: string[]): StepVectors {
  const labels = v.labels.map((ls) =>
    setLabel(ls, dst, sources.map((s) => getLabel(ls, s)).join(sep)),
  );
  const dropName = dst === METRIC_NAME ? new Uint8Array(labels.length) : v.dropName.slice();
  return mergeSameLabelsets({
    ...v,
    labels,
    dropName,
    values: v.values.slice(),
    mask: v.mask.slice(),
  });
}

/** A result or the error's message, with the drop-name flags, for comparisons. */
function outcome(f: () => Value): unknown {
  try {
    const out = f();
    return out.kind === 'vector' ? { rows: rows(out), dropName: [...out.dropName] } : out;
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('label rewrites equal a series-by-series rewrite', () => {
  const name = fc.constantFrom('__name__', 'src', 'dst', 'a');
  const value = fc.constantFrom('v1', 'v2', 'w-1', 'x', 'v1:9');
  const input = fc
    .record({
      nSteps: fc.integer({ min: 1, max: 3 }),
      series: fc.array(
        fc.record({
          labels: fc.dictionary(name, value, { maxKeys: 4 }),
          values: fc.array(fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }), {
            minLength: 3,
            maxLength: 3,
          }),
          dropName: fc.boolean(),
        }),
        { maxLength: 8 },
      ),
    })
    .map(({ nSteps, series }) => {
      const v = vec(
        series.map((s): Row => [s.labels, s.values.slice(0, nSteps)]),
        nSteps,
      );
      return { ...v, dropName: Uint8Array.from(series, (s) => (s.dropName ? 1 : 0)) };
    });

  test.prop([
    input,
    name,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's template syntax, not JavaScript's.
    fc.constantFrom('$1', 'x', '', '${1}-$2', '$name', 'v1'),
    fc.constantFrom('src', 'dst', 'missing', '__name__'),
    fc.constantFrom('(.*)', 'v(\\d)', '', '(?P<name>[a-z]+)-?(.*)', 'x|', '(v)1(:9)?'),
  ])('label_replace', (v, dst, replacement, src, regex) => {
    const grid = gridOf(v.nSteps);
    const ctx = contextFor(grid, { delayedNameRemoval: true });
    const args = [v, dst, replacement, src, regex];
    expect(outcome(() => call('label_replace(x, "a", "b", "c", "d")', args, grid, ctx))).toEqual(
      outcome(() => referenceReplace(v, dst, replacement, src, regex)),
    );
  });

  test.prop([input, name, fc.constantFrom('', '-'), fc.array(name, { maxLength: 3 })])(
    'label_join',
    (v, dst, sep, sources) => {
      const grid = gridOf(v.nSteps);
      const ctx = contextFor(grid, { delayedNameRemoval: true });
      const args = [v, dst, sep, ...sources];
      expect(outcome(() => call('label_join(x, "a", "b")', args, grid, ctx))).toEqual(
        outcome(() => referenceJoin(v, dst, sep, sources)),
      );
    },
  );
});

import { fc, test } from '@fast-check/vitest';
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { getLabel } from '../labels.js';
import { expandTemplate } from './labels.js';
import { call, contextFor, gridOf, rows, vec } from './test-util.js';

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

import { compareStrings } from '@promql-ts/engine';
import { describe, expect, it } from 'vitest';
import { InvalidLabelsError } from './errors.js';
import { labelsEqual, labelsHash, normalizeLabels } from './labels.js';

describe('compareStrings', () => {
  it('orders by code point (UTF-8 byte order), not by UTF-16 unit', () => {
    // U+FF01 < U+1F600 as code points, but '\uD83D' < '\uFF01' as UTF-16 units.
    expect(compareStrings('\uff01', '😀')).toBeLessThan(0);
    expect('😀' < '\uff01').toBe(true);
    expect(compareStrings('a', 'b')).toBeLessThan(0);
    expect(compareStrings('ab', 'a')).toBeGreaterThan(0);
    expect(compareStrings('x', 'x')).toBe(0);
    expect(['b', '😀', '\uff01', 'a', ''].sort(compareStrings)).toEqual([
      '',
      'a',
      'b',
      '\uff01',
      '😀',
    ]);
  });
});

describe('normalizeLabels', () => {
  it('sorts, drops empty values and accepts objects or arrays', () => {
    const fromObject = normalizeLabels({ job: 'api', __name__: 'up', empty: '' });
    expect(fromObject).toEqual([
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'api' },
    ]);
    const fromArray = normalizeLabels([
      { name: 'job', value: 'api' },
      { name: '__name__', value: 'up' },
    ]);
    expect(fromArray).toEqual(fromObject);
    expect(Object.isFrozen(fromArray)).toBe(true);
  });

  it('accepts any valid UTF-8 name, as Prometheus 3 does', () => {
    expect(normalizeLabels({ 'my.label 😀': 'v' })).toEqual([{ name: 'my.label 😀', value: 'v' }]);
  });

  it.each([
    ['a lone high surrogate in a value', { a: 'x\ud800' }, /invalid UTF-8 in value of label "a"/],
    ['a lone low surrogate in a name', { '\udc00': 'x' }, /invalid UTF-8 in label name/],
    ['a reversed surrogate pair', { a: '\udc00\ud800' }, /invalid UTF-8/],
    ['an empty name', { '': 'x' }, /empty label name/],
    ['no label left', { a: '' }, /empty label set/],
  ])('rejects %s', (_, labels, message) => {
    expect(() => normalizeLabels(labels)).toThrow(InvalidLabelsError);
    expect(() => normalizeLabels(labels)).toThrow(message);
  });

  it('rejects duplicate names', () => {
    expect(() =>
      normalizeLabels([
        { name: 'a', value: '1' },
        { name: 'a', value: '2' },
      ]),
    ).toThrow('label name "a" is not unique');
  });

  it('a duplicate with an empty value is dropped first, as in Prometheus', () => {
    expect(
      normalizeLabels([
        { name: 'a', value: '' },
        { name: 'a', value: '2' },
      ]),
    ).toEqual([{ name: 'a', value: '2' }]);
  });

  it('rejects values that are not strings', () => {
    expect(() => normalizeLabels({ a: 1 as unknown as string })).toThrow(InvalidLabelsError);
  });
});

describe('labelsHash / labelsEqual', () => {
  it('equal sets hash alike; sets that concatenate alike differ', () => {
    const a = normalizeLabels({ ab: 'c' });
    const b = normalizeLabels({ a: 'bc' });
    expect(labelsEqual(a, b)).toBe(false);
    expect(labelsHash(a)).not.toBe(labelsHash(b));
    const c = normalizeLabels({ a: '😀', b: 'x' });
    const d = normalizeLabels([
      { name: 'b', value: 'x' },
      { name: 'a', value: '😀' },
    ]);
    expect(labelsEqual(c, d)).toBe(true);
    expect(labelsHash(c)).toBe(labelsHash(d));
    expect(labelsEqual(c, normalizeLabels({ a: '😀' }))).toBe(false);
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { findLabel, getLabel, labelsFrom, replaceLabel, setLabel } from './labels.js';

const labelName = fc.constantFrom('__name__', 'a', 'b', 'job', 'z');
const labelValue = fc.constantFrom('', 'x', 'y', 'a-b');
const labelSet = fc
  .dictionary(
    labelName,
    labelValue.filter((v) => v !== ''),
    { maxKeys: 5 },
  )
  .map((d) => labelsFrom(Object.entries(d)));

describe('replaceLabel', () => {
  it('returns the same array when nothing changes, a new one holding the label otherwise', () => {
    const ls = labelsFrom([
      ['a', '1'],
      ['c', '3'],
    ]);
    expect(replaceLabel(ls, { name: 'a', value: '1' })).toBe(ls);
    expect(replaceLabel(ls, { name: 'b', value: '' })).toBe(ls);
    const label = { name: 'b', value: '2' };
    const out = replaceLabel(ls, label);
    expect(out).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: '2' },
      { name: 'c', value: '3' },
    ]);
    expect(out[1]).toBe(label);
    expect(replaceLabel(ls, { name: 'c', value: '' })).toEqual([{ name: 'a', value: '1' }]);
  });

  test.prop([labelSet, labelName, labelValue])(
    'gives the set of all labels but the name, and the label unless empty',
    (ls, name, value) => {
      const before = JSON.stringify(ls);
      const out = replaceLabel(ls, { name, value });
      // Built another way: the pairs with the name's replaced (a Map keeps the last), sorted.
      const expected = labelsFrom([...ls.map((l) => [l.name, l.value] as const), [name, value]]);
      expect(out).toEqual(expected);
      expect(setLabel(ls, name, value)).toEqual(expected);
      expect(JSON.stringify(ls)).toBe(before);
      if (JSON.stringify(out) === before) expect(out).toBe(ls);
      else expect(out).not.toBe(ls);
    },
  );
});

describe('findLabel', () => {
  test.prop([labelSet, labelName])('finds the label a linear search finds', (ls, name) => {
    const expected = ls.find((l) => l.name === name);
    expect(findLabel(ls, name)).toBe(expected);
    expect(getLabel(ls, name)).toBe(expected?.value ?? '');
  });
});

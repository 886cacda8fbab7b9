import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { labelsFrom, labelsKey } from '../labels.js';
import { maySameLabelsets } from './same-labelsets.js';

const labelSet = fc
  .dictionary(fc.constantFrom('a', 'b', 'ab', 'job'), fc.constantFrom('x', 'y', 'bx', '😀'), {
    maxKeys: 4,
  })
  .map((d) => labelsFrom(Object.entries(d)));

describe('maySameLabelsets', () => {
  it('finds a set that occurs twice', () => {
    const a = labelsFrom([['a', 'x']]);
    const b = labelsFrom([['a', 'y']]);
    expect(maySameLabelsets([])).toBe(false);
    expect(maySameLabelsets([a])).toBe(false);
    expect(maySameLabelsets([a, b])).toBe(false);
    expect(maySameLabelsets([a, b, labelsFrom([['a', 'x']])])).toBe(true);
  });

  test.prop([fc.array(labelSet, { maxLength: 12 })])(
    'is false only when all sets are different, and true when two are equal',
    (sets) => {
      const distinct = new Set(sets.map(labelsKey)).size === sets.length;
      if (!distinct) expect(maySameLabelsets(sets)).toBe(true);
      if (!maySameLabelsets(sets)) expect(distinct).toBe(true);
    },
  );
});

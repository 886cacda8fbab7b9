import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { labelsFrom, setLabel } from '../labels.js';
import type { Labels } from '../storage.js';
import { groupingKey, withoutNames } from './aggregate-common.js';
import { rowGroupKey } from './count-values-groups.js';

const labelName = fc.constantFrom('__name__', 'a', 'b', 'job', 'v', 'x');
const labelValue = fc.constantFrom('1', '2', 'a:b', '1:a', '\u0000', '\u0001', 'x\u0000y');
const labelSet = fc
  .dictionary(labelName, labelValue, { maxKeys: 5 })
  .map((d) => labelsFrom(Object.entries(d)));
const grouping = fc.record({
  without: fc.boolean(),
  names: fc.uniqueArray(labelName, { maxLength: 3 }),
  valueLabel: fc.constantFrom('v', 'a', 'new'),
});

/** The sorted names count_values groups by, as evalAggregate derives them. */
function namesOf(g: { without: boolean; names: string[]; valueLabel: string }): string[] {
  if (g.without) return withoutNames(g.names);
  return [...new Set([...g.names, g.valueLabel])].sort();
}

/** The labels of `ls` the key stands for: those the grouping keeps, the value label aside. */
function kept(ls: Labels, names: readonly string[], without: boolean, valueLabel: string): Labels {
  return ls.filter((l) => names.includes(l.name) !== without && l.name !== valueLabel);
}

describe('rowGroupKey', () => {
  it('keeps the labels of the grouping but the value label', () => {
    const ls = labelsFrom(Object.entries({ __name__: 'm', job: 'api', v: '3', x: '1' }));
    expect(rowGroupKey(ls, ['job', 'v'], false, 'v')).toBe('3:job3:api');
    expect(rowGroupKey(ls, ['__name__', 'x'], true, 'v')).toBe('3:job3:api');
    expect(rowGroupKey(ls, ['__name__'], true, 'job')).toBe('1:v1:31:x1:1');
    expect(rowGroupKey(ls, ['v'], false, 'v')).toBe('');
  });

  test.prop([labelSet, labelSet, grouping])(
    'is equal for two rows exactly when the labels it stands for are',
    (x, y, g) => {
      const names = namesOf(g);
      const same =
        JSON.stringify(kept(x, names, g.without, g.valueLabel)) ===
        JSON.stringify(kept(y, names, g.without, g.valueLabel));
      expect(
        rowGroupKey(x, names, g.without, g.valueLabel) ===
          rowGroupKey(y, names, g.without, g.valueLabel),
      ).toBe(same);
    },
  );

  test.prop([labelSet, labelSet, grouping, fc.constantFrom('0', '-0', '1', 'NaN', '+Inf')])(
    'rows with equal keys have the same grouping key whatever the value',
    (x, y, g, value) => {
      const names = namesOf(g);
      if (
        rowGroupKey(x, names, g.without, g.valueLabel) !==
        rowGroupKey(y, names, g.without, g.valueLabel)
      ) {
        return;
      }
      expect(groupingKey(setLabel(x, g.valueLabel, value), names, g.without)).toBe(
        groupingKey(setLabel(y, g.valueLabel, value), names, g.without),
      );
    },
  );
});

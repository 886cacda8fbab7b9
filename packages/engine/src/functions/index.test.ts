import { FUNCTIONS } from '@promql-ts/parser';
import { describe, expect, it } from 'vitest';
import { isRangeFunction } from '../ops/range-function.js';
import { functions } from './index.js';

/** Folded into numbers by the planner: never evaluated as calls. */
const FOLDED = ['start', 'end', 'range', 'step'];

describe('the function registry', () => {
  it('implements every function over instant vectors and scalars, and nothing else', () => {
    const expected = Object.keys(FUNCTIONS)
      .filter((name) => !isRangeFunction(name) && !FOLDED.includes(name))
      .sort();
    expect(Object.keys(functions).sort()).toEqual(expected);
  });
});

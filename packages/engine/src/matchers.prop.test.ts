import { fc, test } from '@fast-check/vitest';
import { RE2JS } from 're2js';
import { describe, expect } from 'vitest';
import { compileMatcher } from './matchers.js';

/** The oracle: Prometheus's `^(?s:<re>)$`, run by re2js without any fast path. */
function oracle(pattern: string): (s: string) => boolean {
  const re = RE2JS.compile(`^(?s:${pattern})$`);
  return (s) => re.test(s);
}

const alphabet = [
  'a',
  'b',
  'ab',
  '-',
  '.',
  '\n',
  'é',
  'É',
  '😀',
  'K',
  'k',
  '\u212a',
  's',
  '\u017f',
];
const value = fc.array(fc.constantFrom(...alphabet), { maxLength: 8 }).map((p) => p.join(''));
const literal = fc
  .array(fc.constantFrom('a', 'b', 'k', 'K', 's', '-', '\\.', '\\+', '\\|', 'é', '😀', '\n'), {
    maxLength: 3,
  })
  .map((p) => p.join(''));
const wildcard = fc.constantFrom('.*', '.+', '.*?', '.+?');

/** Patterns shaped like the fast paths (and their near misses). */
const pattern = fc.oneof(
  literal,
  fc.array(literal, { minLength: 1, maxLength: 4 }).map((p) => p.join('|')),
  fc.array(literal, { minLength: 1, maxLength: 4 }).map((p) => `(${p.join('|')})`),
  fc.array(literal, { minLength: 1, maxLength: 4 }).map((p) => `^(?:${p.join('|')})$`),
  fc.array(fc.oneof(literal, wildcard), { minLength: 1, maxLength: 6 }).map((p) => p.join('')),
  fc
    .tuple(fc.constantFrom('', '^'), fc.array(fc.oneof(literal, wildcard), { maxLength: 4 }))
    .map(([a, p]) => `${a}${p.join('')}$`),
  literal.filter((l) => l !== '').map((l) => `(?i)${l}`),
  fc.constantFrom('.', '.?', 'a*', '[ab]+', '(a|b)*', 'a.b', '(?i)k.*', 'a{1,2}', '\\w+'),
);

describe('compileMatcher agrees with the plain RE2 semantics', () => {
  test.prop([pattern, fc.array(value, { minLength: 1, maxLength: 12 })], { numRuns: 2000 })(
    '=~ and !~ match exactly what ^(?s:re)$ matches',
    (p, values) => {
      const expected = oracle(p);
      const eq = compileMatcher('=~', 'l', p);
      const ne = compileMatcher('!~', 'l', p);
      for (const v of values) {
        expect(eq.matches(v)).toBe(expected(v));
        expect(ne.matches(v)).toBe(!expected(v));
      }
      if (eq.setMatches !== null) {
        for (const v of eq.setMatches) expect(expected(v)).toBe(true);
        for (const v of values) expect(eq.setMatches.includes(v)).toBe(expected(v));
      }
    },
  );

  test.prop([value, value])('= and != are string equality', (a, b) => {
    expect(compileMatcher('=', 'l', a).matches(b)).toBe(a === b);
    expect(compileMatcher('!=', 'l', a).matches(b)).toBe(a !== b);
  });
});

import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { expr, stripPositions } from '../test/arbitraries.js';
import { type Expr, isPromQLError, ParseError, parse, print } from './index.js';

const EXPERIMENTAL = { experimental: true } as const;

/** Parses, and returns the AST or the ParseError; anything else thrown fails the property. */
function parseOrError(input: string): Expr | ParseError {
  try {
    return parse(input, EXPERIMENTAL);
  } catch (e) {
    if (e instanceof ParseError && isPromQLError(e)) return e;
    throw e;
  }
}

describe('print → parse round trip', () => {
  for (const type of ['vector', 'scalar', 'matrix', 'string'] as const) {
    test.prop([expr(type, 3)], { numRuns: 300 })(`random ${type} expressions`, (e) => {
      const text = print(e);
      const reparsed = parse(text, EXPERIMENTAL);
      expect(stripPositions(reparsed)).toStrictEqual(stripPositions(e));
      expect(print(reparsed)).toBe(text);
    });
  }
});

describe('any input gives an AST or a ParseError', () => {
  const alphabet = fc.constantFrom(
    ...'abcfoxyz_:0123456789.eE+-*/%^=!~<>(){}[],@#"\'`\\ \n\t'.split(''),
    'sum',
    'by',
    'offset',
    'rate',
    '[5m]',
    '[5m:1m]',
    ' and ',
    ' or ',
    'bool',
    'on',
    'group_left',
    'fill',
    'step()',
    'min_of',
    'Inf',
    'NaN',
    '0x',
    '1_0',
    '\u00e4',
    '\uD800',
  );
  test.prop([fc.array(alphabet, { maxLength: 40 }).map((a) => a.join(''))], { numRuns: 2000 })(
    'random token soup',
    (input) => {
      const r = parseOrError(input);
      if (!(r instanceof ParseError)) expect(typeof r.kind).toBe('string');
      else {
        expect(r.errors.length).toBeGreaterThan(0);
        expect(r.message).toMatch(/^(\d+:\d+|unknown position): parse error: /);
      }
    },
  );

  test.prop([fc.string({ unit: 'binary', maxLength: 60 })], { numRuns: 1000 })(
    'random strings',
    (input) => {
      parseOrError(input);
    },
  );

  const valid = expr('vector', 2).map(print);
  const mutation = fc.tuple(valid, fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 3 }));
  test.prop([mutation], { numRuns: 1000 })('mutations of valid queries', ([q, at, del, ins]) => {
    const i = q.length === 0 ? 0 : at % q.length;
    parseOrError(q.slice(0, i) + ins + q.slice(i + del));
  });
});

describe('parse time stays linear', () => {
  // Deep nesting and long inputs must neither overflow the stack nor take long; the property is
  // that they return (a ParseError is fine), checked on sizes that a quadratic parser would
  // not finish promptly.
  test.prop([fc.integer({ min: 1, max: 2000 })], { numRuns: 5 })('deep parentheses', (n) => {
    parseOrError(`${'('.repeat(n)}1${')'.repeat(n)}`);
  });
  test.prop([fc.integer({ min: 1, max: 5000 })], { numRuns: 5 })('long binary chains', (n) => {
    parseOrError(Array.from({ length: n }, (_, i) => `m${i}`).join(' + '));
  });
});

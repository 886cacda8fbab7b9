import { describe, expect, it } from 'vitest';
import { compileMatcher, MatcherError } from './matchers.js';

describe('compileMatcher: equality', () => {
  it('= and != compare exactly', () => {
    const eq = compileMatcher('=', 'job', 'api');
    expect(eq.matches('api')).toBe(true);
    expect(eq.matches('API')).toBe(false);
    expect(eq.matches('')).toBe(false);
    expect(eq.setMatches).toEqual(['api']);
    const ne = compileMatcher('!=', 'job', 'api');
    expect(ne.matches('api')).toBe(false);
    expect(ne.matches('')).toBe(true);
    expect(ne.setMatches).toEqual(['api']);
  });

  it('{a=""} matches only the empty value, which stands for an absent label', () => {
    const m = compileMatcher('=', 'a', '');
    expect(m.matches('')).toBe(true);
    expect(m.matches('x')).toBe(false);
  });

  it('keeps type, name and value for push-down', () => {
    const m = compileMatcher('=~', 'instance', 'host-1.*');
    expect([m.type, m.name, m.value]).toEqual(['=~', 'instance', 'host-1.*']);
    expect(String(m)).toBe('instance=~"host-1.*"');
  });
});

describe('compileMatcher: regex semantics (Prometheus model/labels)', () => {
  // [pattern, value, expected] — expectations follow Go's regexp with `^(?s:…)$`.
  const cases: [string, string, boolean][] = [
    ['foo', 'foo', true],
    ['foo', 'foobar', false],
    ['foo', 'xfoo', false],
    ['', '', true],
    ['', 'x', false],
    ['.*', '', true],
    ['.*', 'anything\nat all', true],
    ['.+', '', false],
    ['.+', '\n', true],
    ['.', '\n', true],
    ['.?', '', true],
    ['.?', 'ab', false],
    ['foo.*', 'foo', true],
    ['foo.*', 'foobar', true],
    ['foo.*', 'barfoo', false],
    ['.*foo', 'barfoo', true],
    ['.*foo', 'foobar', false],
    ['.*foo.*', 'xfooy', true],
    ['.+foo.+', 'foo', false],
    ['.+foo.+', 'xfooy', true],
    ['.+foo.+', 'xfoo', false],
    ['foo.+', 'foo', false],
    ['foo.+', 'foo\n', true],
    ['foo\n.*', 'foo\nbar', true],
    ['^foo$', 'foo', true],
    ['^.*foo$', 'xfoo', true],
    ['^.+foo$', 'foo', false],
    ['(foo|bar)', 'bar', true],
    ['(foo|bar)', 'foobar', false],
    ['foo|bar', 'foo', true],
    ['foo|bar', 'fooba', false],
    ['a|', '', true],
    ['|', '', true],
    ['|', 'a', false],
    ['^a|b$', 'a', true],
    ['^a|b$', 'b', true],
    ['^a|b$', 'ab', false],
    ['(?i)foo', 'FoO', true],
    ['(?i)foo', 'foox', false],
    ['(?i)k', '\u212a', true], // KELVIN SIGN folds to k
    ['(?i)s', '\u017f', true], // LATIN SMALL LETTER LONG S folds to s
    ['(?i:(foo|bar))', 'BAR', true],
    ['(?i).*foo.*', 'xFOOy', true],
    ['a.*b.*c', 'abc', true],
    ['a.*b.*c', 'acb', false],
    ['a.*b.*c', 'aXbYc', true],
    ['a.+b.+c', 'abc', false],
    ['a.+b.+c', 'a1b2c', true],
    ['a.+a', 'aa', false],
    ['a.+a', 'aba', true],
    ['a.*a', 'a', false],
    ['.+.*foo.*|.*bar.*', 'foo', false],
    ['.+.*foo.*|.*bar.*', 'xfoo', true],
    ['10\\.0\\.(1|2)\\.+', '10.0.1...', true],
    ['10\\.0\\.(1|2)\\.+', '10.0.3.', false],
    ['host\\.1|host\\.2', 'host.1', true],
    ['host\\.1|host\\.2', 'hostx1', false],
    ['a\\+b', 'a+b', true],
    ['ab*', 'a', true],
    ['ab*', 'abbb', true],
    ['ab*', 'ba', false],
    ['.*😀', 'x😀', true],
    ['.😀', 'x😀', true],
    ['..', '😀', false], // a surrogate pair is one code point, as a rune is in Go
    ['.+😀.+', '😀😀😀', true],
    ['.+😀.+', '😀😀', false],
    ['[0-9]+', '0123', true],
    ['[0-9]+', '', false],
    ['\\d+', '12', true],
    ['a{2,3}', 'aaa', true],
    ['a{2,3}', 'aaaa', false],
    ['((.*)(bar|b|buzz)(.+)|foo)$', 'xbuzzy', true],
    ['(prometheus|api_prom)_api_v1_.+', 'prometheus_api_v1_query', true],
    ['(prometheus|api_prom)_api_v1_.+', 'prometheus_api_v1_', false],
    ['(?-s).*', 'a\nb', false],
    ['(?s:^.*foo$)', 'a\nfoo', true],
    ['\\Qa.b\\E', 'a.b', true],
    ['\\Qa.b\\E', 'axb', false],
    ['a$b', 'ab', false],
    ['a\\$', 'a$', true],
  ];
  it.each(cases)('%j on %j is %s', (pattern, value, expected) => {
    expect(compileMatcher('=~', 'l', pattern).matches(value)).toBe(expected);
    expect(compileMatcher('!~', 'l', pattern).matches(value)).toBe(!expected);
  });
});

describe('compileMatcher: setMatches', () => {
  const cases: [string, string[] | null][] = [
    ['foo', ['foo']],
    ['foo|bar|baz', ['foo', 'bar', 'baz']],
    ['(foo|bar)', ['foo', 'bar']],
    ['(?:foo|bar)', ['foo', 'bar']],
    ['^(foo|bar)$', ['foo', 'bar']],
    ['a|a|b', ['a', 'b']],
    ['a|', ['a', '']],
    ['host\\.1|host\\.2', ['host.1', 'host.2']],
    ['foo.*', null],
    ['(?i)foo', null],
    ['[ab]', null],
    ['(foo)|(bar)', null],
  ];
  it.each(cases)('%j → %j', (pattern, expected) => {
    const m = compileMatcher('=~', 'l', pattern);
    expect(m.setMatches === null ? null : [...m.setMatches]).toEqual(expected);
    if (m.setMatches !== null) for (const v of m.setMatches) expect(m.matches(v)).toBe(true);
  });

  it('a big alternation still matches exactly its members', () => {
    const values = Array.from({ length: 300 }, (_, i) => `value-${i}`);
    const m = compileMatcher('=~', 'l', values.join('|'));
    expect(m.setMatches).toHaveLength(300);
    expect(m.matches('value-299')).toBe(true);
    expect(m.matches('value-300')).toBe(false);
  });
});

describe('compileMatcher: errors', () => {
  it.each([
    ['(a', 'error parsing regexp: missing closing ): `(a`'],
    ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
    ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
    ['\\8', 'error parsing regexp: invalid escape sequence: `\\8`'],
    ['.*+', 'error parsing regexp: invalid nested repetition operator: `*+`'],
  ])('rejects %j with RE2 message', (pattern, message) => {
    let error: unknown;
    try {
      compileMatcher('=~', 'job', pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MatcherError);
    const me = error as MatcherError;
    expect(me.message).toBe(message);
    expect(me.labelName).toBe('job');
    expect(me.pattern).toBe(pattern);
    expect(me.matchType).toBe('=~');
  });

  it('rejects an unknown match type', () => {
    expect(() => compileMatcher('==' as '=', 'a', 'b')).toThrow(MatcherError);
  });
});

describe('compileMatcher: linear time', () => {
  it('(a+)+b on a 100k-character value returns at once', () => {
    const m = compileMatcher('=~', 'l', '(a+)+b');
    const value = 'a'.repeat(100_000);
    // No timing assertion: a backtracking engine would not finish within the test timeout.
    expect(m.matches(value)).toBe(false);
    expect(m.matches(`${value}b`)).toBe(true);
  });

  it('(a|aa)*c and nested quantifiers stay linear', () => {
    const value = 'a'.repeat(50_000);
    expect(compileMatcher('=~', 'l', '(a|aa)*c').matches(value)).toBe(false);
    expect(compileMatcher('=~', 'l', '(a*)*b').matches(value)).toBe(false);
    expect(compileMatcher('=~', 'l', '(.*a){20}').matches(value)).toBe(true);
  });
});

describe('compileMatcher: compiled expressions kept by source', () => {
  it('serves both polarities from one compiled expression', () => {
    for (let i = 0; i < 2; i++) {
      expect(compileMatcher('=~', 'x', 'a.*b').matches('axxb')).toBe(true);
      expect(compileMatcher('!~', 'y', 'a.*b').matches('axxb')).toBe(false);
      expect(compileMatcher('=~', 'x', 'a.*b').matches('ba')).toBe(false);
    }
  });

  it('refuses a bad expression every time, naming each matcher', () => {
    for (const [type, name] of [
      ['=~', 'a'],
      ['!~', 'b'],
      ['=~', 'a'],
    ] as const) {
      expect(() => compileMatcher(type, name, 'x(')).toThrow(
        expect.objectContaining({ name: 'MatcherError', matchType: type, labelName: name }),
      );
    }
  });
});

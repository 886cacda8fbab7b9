import { describe, expect, test } from 'vitest';
import { unescapeName } from './endpoints.js';
import { compareBytes, GoMap, goFloat, writeGoJson } from './go-json.js';
import {
  FormValues,
  ParamError,
  parseDurationNs,
  parseGoFloat,
  parseLimit,
  parseTime,
} from './params.js';

describe('parseTime (Prometheus parseTime)', () => {
  test.each([
    ['0', 0],
    ['1700000000', 1_700_000_000_000],
    ['1700000000.5', 1_700_000_000_500],
    ['1700000000.1234', 1_700_000_000_123],
    ['1700000000.1235', 1_700_000_000_124],
    ['-1.5', -1_500],
    ['-0.0004', 0],
    ['1e9', 1_000_000_000_000],
    ['2023-11-14T22:13:20Z', 1_700_000_000_000],
    ['2023-11-14T22:13:20.123456789Z', 1_700_000_000_123],
    ['2023-11-14T23:13:20+01:00', 1_700_000_000_000],
    ['2024-02-29T00:00:00Z', Date.UTC(2024, 1, 29)],
    ['0099-01-01T00:00:00Z', -59_042_995_200_000],
  ])('%s', (s, ms) => {
    expect(parseTime(s)).toBe(ms);
  });

  test.each([
    '',
    'now',
    '2023-02-29T00:00:00Z',
    '2023-11-14T24:00:00Z',
    '2023-11-14 22:13:20Z',
    '2023-11-14T22:13:20',
    '0x10',
    '1_000',
    'NaN',
  ])('rejects %j', (s) => {
    expect(() => parseTime(s)).toThrow(
      new ParamError(`cannot parse ${JSON.stringify(s)} to a valid timestamp`),
    );
  });
});

describe('parseDurationNs (Prometheus parseDuration)', () => {
  test.each([
    ['15', 15e9],
    ['0.5', 5e8],
    ['1e-3', 1e6],
    ['1m30s', 90e9],
    ['1h', 3600e9],
    ['-15', -15e9],
    ['0x1p-2', 0.25e9],
  ])('%s', (s, ns) => {
    expect(parseDurationNs(s)).toBe(ns);
  });
  test('errors', () => {
    expect(() => parseDurationNs('1x')).toThrow('cannot parse "1x" to a valid duration');
    expect(() => parseDurationNs('1e20')).toThrow(
      'cannot parse "1e20" to a valid duration. It overflows int64',
    );
    expect(() => parseDurationNs('Inf')).toThrow('It overflows int64');
    expect(parseDurationNs('NaN')).toBeLessThan(0);
  });
});

describe('parseGoFloat and parseLimit', () => {
  test('Go ParseFloat syntax', () => {
    expect(parseGoFloat('+Inf')).toBe(Infinity);
    expect(parseGoFloat('-infinity')).toBe(-Infinity);
    expect(parseGoFloat('.5')).toBe(0.5);
    expect(parseGoFloat('5.')).toBe(5);
    expect(parseGoFloat('1e400')).toBeNull();
    expect(parseGoFloat('0x1.8p1')).toBe(3);
    expect(parseGoFloat('1_0')).toBeNull();
    expect(parseGoFloat(' 1')).toBeNull();
  });
  test('limits', () => {
    expect(parseLimit('')).toBe(0);
    expect(parseLimit('+7')).toBe(7);
    expect(() => parseLimit('-1')).toThrow('limit must be non-negative');
    expect(() => parseLimit('99999999999999999999')).toThrow(
      'strconv.Atoi: parsing "99999999999999999999": value out of range',
    );
  });
});

describe('FormValues (Go url.ParseQuery)', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  test('decoding and order', () => {
    const f = new FormValues();
    f.addEncoded(enc('a=1+2&b=%3D%26&a=3&empty&=x&c=%E2%82%AC'));
    expect(f.getAll('a')).toEqual(['1 2', '3']);
    expect(f.get('b')).toBe('=&');
    expect(f.get('empty')).toBe('');
    expect(f.get('')).toBe('x');
    expect(f.get('c')).toBe('€');
    expect(f.parseError).toBeNull();
  });
  test('bad pairs are skipped and reported', () => {
    const f = new FormValues();
    f.addEncoded(enc('a=%zz&b=1;c=2&d=4'));
    expect(f.get('a')).toBe('');
    expect(f.get('b')).toBe('');
    expect(f.get('d')).toBe('4');
    expect(f.parseError).toBe('invalid URL escape "%zz"');
    const end = new FormValues();
    end.addEncoded(enc('a=1&b=x%4'));
    expect(end.parseError).toBe('invalid URL escape "%4"');
  });
  test('invalid UTF-8 survives as lone surrogates', () => {
    const f = new FormValues();
    f.addEncoded(enc('a=%ff'));
    expect(f.get('a')).toBe('\udcff');
  });
});

describe('Go JSON', () => {
  test('maps sorted bytewise, structs in order, HTML escaped', () => {
    expect(
      writeGoJson({
        z: 1,
        a: [true, null, 'x<y'],
        m: new GoMap({ b: 1, a: 2, é: 3, '\u{1F600}': 4, '\uffff': 5 }),
      }),
    ).toBe('{"z":1,"a":[true,null,"x\\u003cy"],"m":{"a":2,"b":1,"é":3,"\uffff":5,"\u{1F600}":4}}');
  });
  test('floats as encoding/json writes them', () => {
    expect(goFloat(0.000012345)).toBe('0.000012345');
    expect(goFloat(1.2e-7)).toBe('1.2e-7');
    expect(goFloat(1e21)).toBe('1e+21');
    expect(goFloat(123456789)).toBe('123456789');
  });
  test('compareBytes is UTF-8 order', () => {
    expect(['\uffff', '\u{10000}', 'a', 'B'].sort(compareBytes)).toEqual([
      'B',
      'a',
      '\uffff',
      '\u{10000}',
    ]);
  });
});

test('unescapeName (model.UnescapeName, value encoding)', () => {
  expect(unescapeName('job')).toBe('job');
  expect(unescapeName('U__my_2e_metric')).toBe('my.metric');
  expect(unescapeName('U__a__b')).toBe('a_b');
  expect(unescapeName('U___1F600_')).toBe('\u{1F600}');
  expect(unescapeName('U__bad_zz_')).toBe('U__bad_zz_');
  expect(unescapeName('U__open_2e')).toBe('U__open_2e');
});

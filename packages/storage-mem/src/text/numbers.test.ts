import { describe, expect, it } from 'vitest';
import { formatGoFloat, formatOpenMetricsFloat, parseGoFloat } from './numbers.js';

function parse(s: string): number | 'error' {
  const out = new Float64Array(1);
  return parseGoFloat(s, 0, s.length, out) ? out[0]! : 'error';
}

describe('parseGoFloat (Go strconv.ParseFloat as Prometheus restricts it)', () => {
  it.each([
    ['1', 1],
    ['-1.5', -1.5],
    ['+2', 2],
    ['1.', 1],
    ['.5', 0.5],
    ['+.5', 0.5],
    ['1e3', 1000],
    ['1E-3', 0.001],
    ['1.458255915e9', 1458255915],
    ['4.9351e-05', 4.9351e-5],
    ['7.424100000000001e-05', 7.424100000000001e-5],
    ['0.1', 0.1],
    ['123456789012345678901234567890', 1.2345678901234568e29],
    ['0.30000000000000004', 0.30000000000000004],
    ['1e-400', 0],
    ['0e999999999', 0],
    ['Inf', Number.POSITIVE_INFINITY],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-inf', Number.NEGATIVE_INFINITY],
    ['infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['NaN', Number.NaN],
    ['nan', Number.NaN],
  ])('%j → %d', (s, expected) => {
    expect(parse(s)).toBe(expected);
  });

  it('keeps the sign of zero', () => {
    expect(Object.is(parse('-0'), -0)).toBe(true);
    expect(Object.is(parse('-0.0e5'), -0)).toBe(true);
  });

  it.each([
    '',
    '+',
    '.',
    'e5',
    '1e',
    '1e+',
    '1.2.3',
    '0x10',
    '0x1p-3',
    '1_000',
    '1p5',
    'true',
    '+nan',
    '-NaN',
    'infin',
    'nana',
    '1e400',
    '-1e400',
    ' 1',
    '1 ',
    'Infinity1',
  ])('rejects %j', (s) => {
    expect(parse(s)).toBe('error');
  });

  it('agrees with Number() on many decimal strings', () => {
    const out = new Float64Array(1);
    for (let i = 0; i < 2000; i++) {
      const s = `${(i * 7919) % 100003}.${(i * 104729) % 1000}e${(i % 41) - 20}`;
      expect(parseGoFloat(s, 0, s.length, out)).toBe(true);
      expect(out[0]).toBe(Number(s));
    }
  });
});

describe('formatGoFloat / formatOpenMetricsFloat', () => {
  it.each([
    [1, '1', '1.0'],
    [0, '0', '0.0'],
    [-1, '-1', '-1.0'],
    [0.1, '0.1', '0.1'],
    [0.25, '0.25', '0.25'],
    [10, '10', '10.0'],
    [100000, '100000', '100000.0'],
    [1e6, '1e+06', '1e+06'],
    [1234567, '1.234567e+06', '1.234567e+06'],
    [0.0001, '0.0001', '0.0001'],
    [0.00001, '1e-05', '1e-05'],
    [1.5e-7, '1.5e-07', '1.5e-07'],
    [1e21, '1e+21', '1e+21'],
    [1e100, '1e+100', '1e+100'],
    [-2.5, '-2.5', '-2.5'],
    [Number.POSITIVE_INFINITY, '+Inf', '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf', '-Inf'],
    [Number.NaN, 'NaN', 'NaN'],
  ])('%d → %j / %j', (f, go, om) => {
    expect(formatGoFloat(f)).toBe(go);
    expect(formatOpenMetricsFloat(f)).toBe(om);
  });
});

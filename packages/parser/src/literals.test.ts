import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatFloatF,
  formatFloatG,
  parseDuration,
  parseGoNumber,
  quoteGo,
  unquoteString,
} from './literals.js';

describe('Go float formatting', () => {
  it.each([
    [1e6, '1e+06'],
    [123456, '123456'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5, '1.5'],
    [-0, '-0'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
    [Number.NaN, 'NaN'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
  ])('formatFloatG(%s) = %s', (v, want) => {
    expect(formatFloatG(v)).toBe(want);
  });

  it.each([
    [1e6, '1000000'],
    [1e21, '1000000000000000000000'],
    [0.1, '0.1'],
    [Number.POSITIVE_INFINITY, '+Inf'],
  ])('formatFloatF(%s) = %s', (v, want) => {
    expect(formatFloatF(v)).toBe(want);
  });
});

describe('number literals', () => {
  it.each([
    ['0x1f', 31],
    ['017', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['1e3', 1000],
    ['.5', 0.5],
  ])('parseGoNumber(%s) = %s', (s, want) => {
    expect(parseGoNumber(s)).toEqual({ ok: true, value: want });
  });

  it('reports overflow in Go words', () => {
    expect(parseGoNumber('1e400')).toEqual({
      ok: false,
      error: 'strconv.ParseFloat: parsing "1e400": value out of range',
    });
  });
});

describe('durations', () => {
  it.each([
    ['1h30m', 5_400_000],
    ['1y', 365 * 86_400_000],
    ['500ms', 500],
  ])('parseDuration(%s)', (s, ms) => {
    expect(parseDuration(s)).toEqual({ ok: true, ms });
  });

  it('prints the largest units first', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('strings', () => {
  it('round-trips invalid UTF-8 through surrogate escapes', () => {
    const r = unquoteString('"a\\xffb"');
    expect(r.ok).toBe(true);
    if (r.ok) expect(quoteGo(r.value)).toBe('"a\\xffb"');
  });
});

import { describe, expect, it } from 'vitest';
import { add, cmp, dec, div, DecimalError, fromMinor, mul, round, roundQuotient, sub, toFixedText, toMinor, toText, type RoundingMode } from '../../shared/decimal';

describe('decimal', () => {
  it.each([
    ['0', '0'], ['-0', '0'], ['1.50', '1.5'], ['000123.4500', '123.45'], ['1e-7', '0.0000001'], ['2.5E3', '2500'], ['-0.000002', '-0.000002'],
  ])('parses %s canonically as %s', (input, text) => {
    expect(toText(dec(input))).toBe(text);
  });

  it.each(['', '1.', '.5', 'abc', '1,5', '1e', '0x10', '1e999', ' 1'])('refuses %j', (input) => {
    expect(() => dec(input)).toThrow(DecimalError);
  });

  it('takes JS numbers through their shortest text, so 0.1 is exactly one tenth', () => {
    expect(toText(dec(0.1))).toBe('0.1');
    expect(toText(add(dec(0.1), dec(0.2)))).toBe('0.3');
    expect(() => dec(Number.NaN)).toThrow(DecimalError);
  });

  it('adds, subtracts and multiplies exactly', () => {
    expect(toText(mul(dec('0.000002'), dec('1000000')))).toBe('2');
    expect(toText(sub(dec('10'), dec('0.0001')))).toBe('9.9999');
    expect(toText(mul(dec('-1.5'), dec('1.5')))).toBe('-2.25');
    expect(cmp(dec('1.10'), dec('1.1'))).toBe(0);
    expect(cmp(dec('-2'), dec('1'))).toBe(-1);
  });

  const table: [string, RoundingMode, string][] = [
    ['2.5', 'half_up', '3'], ['-2.5', 'half_up', '-3'], ['2.5', 'half_even', '2'], ['3.5', 'half_even', '4'],
    ['2.4', 'half_up', '2'], ['2.1', 'ceil', '3'], ['-2.1', 'ceil', '-2'], ['2.9', 'floor', '2'], ['-2.1', 'floor', '-3'],
    ['2.9', 'down', '2'], ['-2.9', 'down', '-2'], ['2.1', 'up', '3'], ['-2.1', 'up', '-3'], ['7', 'up', '7'],
  ];
  it.each(table)('rounds %s %s to %s', (input, mode, out) => {
    expect(toText(round(dec(input), 0, mode))).toBe(out);
  });

  it('converts to and from minor units', () => {
    expect(toMinor(dec('2.004999'), 2)).toBe(200n);
    expect(toMinor(dec('2.005'), 2)).toBe(201n);
    expect(toMinor(dec('0.001'), 2, 'ceil')).toBe(1n);
    expect(toText(fromMinor(123456n, 2))).toBe('1234.56');
    expect(toFixedText(dec('1'), 2)).toBe('1.00');
    expect(toFixedText(dec('-0.5'), 0)).toBe('-1');
  });

  it('divides to a stated scale', () => {
    expect(toText(div(dec('1'), dec('3'), 4))).toBe('0.3333');
    expect(toText(div(dec('2'), dec('3'), 4))).toBe('0.6667');
    expect(toText(div(dec('-2'), dec('3'), 4, 'down'))).toBe('-0.6666');
    expect(() => div(dec('1'), dec('0'), 2)).toThrow(DecimalError);
    expect(roundQuotient(-7n, 2n, 'half_up')).toBe(-4n);
  });
});

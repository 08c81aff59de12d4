import { describe, expect, it } from 'vitest';
import { decimalToMinor, formatAmount, formatUnitPrice, minorToDecimal } from '../../shared/money';

const USD = { code: 'USD', scale: 2 };
const TOKENS = { code: 'TOKENS', scale: 0, kind: 'custom' as const, label: 'tokens' };
const GPU = { code: 'GPU_HOURS', scale: 6, kind: 'custom' as const, label: 'GPU-h' };

describe('money formatting', () => {
  it.each([
    ['123456', USD, {}, '$1,234.56'],
    ['-500', USD, {}, '-$5.00'],
    ['-500', USD, { accounting: true }, '($5.00)'],
    ['500', USD, { signed: true }, '+$5.00'],
    ['0', USD, {}, '$0.00'],
    ['1250000', TOKENS, {}, '1,250,000 tokens'],
    ['1500000', GPU, {}, '1.500000 GPU-h'],
    ['123456789012345678', USD, {}, '$1,234,567,890,123,456.78'],
  ] as const)('formats %s %s', (minor, asset, opts, out) => {
    expect(formatAmount(minor, asset, opts)).toBe(out);
  });

  it('keeps digits beyond double precision exact', () => {
    expect(formatAmount(9007199254740993n, { code: 'TOKENS', scale: 0, kind: 'custom' })).toBe('9,007,199,254,740,993 TOKENS');
  });

  it('abbreviates for cards with ≈', () => {
    expect(formatAmount('123456', USD, { compact: true })).toBe('≈$1.2K');
    expect(formatAmount('1250000', TOKENS, { compact: true })).toBe('≈1.3M tokens');
  });

  it('converts between decimal text and minor units exactly, naming the scale on error', () => {
    expect(minorToDecimal('5', 2)).toBe('0.05');
    expect(minorToDecimal('-5', 2)).toBe('-0.05');
    expect(minorToDecimal('0', 2)).toBe('0.00');
    expect(decimalToMinor('9.95', 2)).toBe(995n);
    expect(decimalToMinor('1,234.5', 2)).toBe(123450n);
    expect(() => decimalToMinor('1.0000001', 6, 'GPU_HOURS')).toThrow('GPU_HOURS allows 6 decimals');
    expect(() => decimalToMinor('abc', 2)).toThrow();
  });

  it('shows unit prices at full precision', () => {
    expect(formatUnitPrice('0.000002', USD)).toBe('$0.000002');
    expect(formatUnitPrice('0.05', USD)).toBe('$0.05');
  });
});

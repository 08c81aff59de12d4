/**
 * Quantities (invoice tier labels; on screen: line and tier units, allowances, alert thresholds) are decimal
 * strings from the API: grouped for reading, never passed through a float.
 */
import { describe, expect, it } from 'vitest';
import { formatQuantity } from '../../shared/quantity';

describe('formatQuantity', () => {
  it('groups the integer part in threes', () => {
    expect(formatQuantity('65000')).toBe('65,000');
    expect(formatQuantity('1234567')).toBe('1,234,567');
    expect(formatQuantity('999')).toBe('999');
    expect(formatQuantity('-1000')).toBe('-1,000');
  });

  it('keeps every fractional digit as sent, beyond what a float holds', () => {
    expect(formatQuantity('1234567.125')).toBe('1,234,567.125');
    expect(formatQuantity('0.000000001')).toBe('0.000000001');
    expect(formatQuantity('90071992547409931.5')).toBe('90,071,992,547,409,931.5');
    expect(formatQuantity(12345n)).toBe('12,345');
  });

  it('leaves what is not a plain decimal alone', () => {
    expect(formatQuantity('1e6')).toBe('1e6');
    expect(formatQuantity('')).toBe('');
    expect(formatQuantity(null)).toBe('—');
  });
});

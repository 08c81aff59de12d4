import { describe, expect, it } from 'vitest';
import { dec, toText } from '../../../shared/decimal';
import { type QuantityRoundingMode, quantityRoundingSchema, roundQuantity } from '../../../shared/pricing';

describe('roundQuantity (Lago billable metric rounding)', () => {
  it.each<[string, QuantityRoundingMode, number, string]>([
    // getlago.com/docs/guide/billable-metrics/rounding
    ['123.4567', 'round', 0, '123'],
    ['123.4567', 'round', 2, '123.46'],
    ['123.4567', 'round', -1, '120'],
    ['123.4567', 'ceil', 0, '124'],
    ['123.4567', 'floor', 2, '123.45'],
    ['123.4567', 'ceil', 2, '123.46'],
    // Ruby BigDecimal#round: half up, away from zero.
    ['2.5', 'round', 0, '3'],
    ['-2.5', 'round', 0, '-3'],
    ['0.125', 'round', 2, '0.13'],
    // ceil / floor go toward +/- infinity.
    ['-1.5', 'ceil', 0, '-1'],
    ['-1.5', 'floor', 0, '-2'],
    // Negative precision: multiples of 10, 100, ...
    ['101', 'ceil', -2, '200'],
    ['199', 'floor', -2, '100'],
    ['125', 'round', -1, '130'],
    ['149.99', 'round', -2, '100'],
    ['150', 'round', -2, '200'],
    ['0.001', 'ceil', -3, '1000'],
    ['0', 'ceil', -3, '0'],
    ['7', 'round', 3, '7'],
  ])('%s %s precision %i -> %s', (quantity, mode, precision, expected) => {
    expect(toText(roundQuantity(dec(quantity), { mode, precision }))).toBe(expected);
  });

  it('defaults the precision to 0, as Lago does', () => {
    expect(quantityRoundingSchema.parse({ mode: 'floor' })).toEqual({ mode: 'floor', precision: 0 });
  });

  it('refuses fractional or out-of-range precisions', () => {
    expect(quantityRoundingSchema.safeParse({ mode: 'round', precision: 1.5 }).success).toBe(false);
    expect(quantityRoundingSchema.safeParse({ mode: 'round', precision: -16 }).success).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { toText } from '../../../shared/decimal';
import { priceCharge } from '../../../shared/pricing';
import { amountAt, charge, usageOf } from './helpers';

/** Lago's documented volume tiers, also used as graduated tiers below. */
const TIERS = [
  { from_value: 0, to_value: 10_000, per_unit_amount: '0.0010', flat_amount: '10' },
  { from_value: 10_001, to_value: 50_000, per_unit_amount: '0.0008', flat_amount: '10' },
  { from_value: 50_001, to_value: 100_000, per_unit_amount: '0.0006', flat_amount: '10' },
  { from_value: 100_001, to_value: null, per_unit_amount: '0.0004', flat_amount: '10' },
];

describe('graduated', () => {
  const spec = charge('graduated', { graduated_ranges: TIERS });

  it.each([
    // The first tier's flat fee applies at zero usage (lago-api PR #5760).
    ['0', '10'],
    ['1', '10.001'],
    ['9999', '19.999'],
    // Exactly at the boundary: still the first tier, the second tier's flat fee not yet due.
    ['10000', '20'],
    // 10,000.5 is between 10,000 and 10,001: 0.5 units enter the second tier with its flat fee.
    ['10000.5', '30.0004'],
    ['10001', '30.0008'],
    ['50000', '62'],
    ['50001', '72.0006'],
    ['100000', '102'],
    ['100001', '112.0004'],
    ['0.000001', '10.000000001'],
    // Huge: 20 + 42 + 40 + (10^24 - 100,000) x 0.0004 + 10.
    ['1000000000000000000000000', '400000000000000000072'],
  ])('%s units cost %s', (units, amount) => {
    expect(amountAt(spec, units)).toBe(amount);
  });

  it('prints one line per tier entered, with units, unit price and flat fee', () => {
    const result = priceCharge(spec, usageOf('10000.5'));
    expect(result.lines.map((l) => [l.label, toText(l.units), toText(l.unitPrice!), toText(l.flatFee), toText(l.amount)])).toEqual([
      ['0 – 10,000', '10000', '0.001', '10', '20'],
      ['10,001 – 50,000', '0.5', '0.0008', '10', '10.0004'],
    ]);
    expect(toText(result.billableUnits)).toBe('10000.5');
  });

  it('prints the first tier at zero usage, its flat fee only', () => {
    const result = priceCharge(spec, usageOf('0'));
    expect(result.lines).toHaveLength(1);
    expect(toText(result.lines[0]!.units)).toBe('0');
    expect(toText(result.lines[0]!.amount)).toBe('10');
  });

  it('labels the open last tier', () => {
    expect(priceCharge(spec, usageOf('200000')).lines.at(-1)!.label).toBe('100,001 and above');
  });

  it('a first tier without flat fee costs nothing at zero usage', () => {
    const free = charge('graduated', {
      graduated_ranges: [
        { from_value: 0, to_value: 1, per_unit_amount: '0', flat_amount: '0' },
        { from_value: 2, to_value: null, per_unit_amount: '2', flat_amount: '10' },
      ],
    });
    expect(amountAt(free, '0')).toBe('0');
    expect(amountAt(free, '1')).toBe('0');
    expect(amountAt(free, '1.5')).toBe('11');
  });

  it('a single open tier is standard pricing plus a flat fee', () => {
    const one = charge('graduated', { graduated_ranges: [{ from_value: 0, to_value: null, per_unit_amount: '0.000002', flat_amount: '0' }] });
    expect(amountAt(one, '1000000')).toBe('2');
  });
});

describe('volume', () => {
  const spec = charge('volume', { volume_ranges: TIERS });

  it.each([
    // Zero usage is in the first tier: its flat fee applies (lago-api PR #5760).
    ['0', '10'],
    ['1', '10.001'],
    ['10000', '20'],
    // 10,000.5 belongs to the 10,001-50,000 tier: Lago matches from_value <= ceil(units).
    ['10000.5', '18.0004'],
    ['10001', '18.0008'],
    ['50000', '50'],
    ['50001', '40.0006'],
    ['65000', '49'],
    ['100000', '70'],
    ['100001', '50.0004'],
    ['1000000000000000000000000', '400000000000000000010'],
  ])('%s units cost %s', (units, amount) => {
    expect(amountAt(spec, units)).toBe(amount);
  });

  it('prints the one tier that holds the total', () => {
    const result = priceCharge(spec, usageOf('65000'));
    expect(result.lines).toHaveLength(1);
    const [line] = result.lines;
    expect([line!.label, toText(line!.units), toText(line!.unitPrice!), toText(line!.flatFee)]).toEqual(['50,001 – 100,000', '65000', '0.0006', '10']);
  });

  it('prices adjacent fractional tiers by (previous to_value, to_value]', () => {
    const adjacent = charge('volume', {
      volume_ranges: [
        { from_value: 0, to_value: '0.5', per_unit_amount: '4', flat_amount: '0' },
        { from_value: '0.5', to_value: null, per_unit_amount: '2', flat_amount: '0' },
      ],
    });
    expect(amountAt(adjacent, '0.5')).toBe('2');
    expect(amountAt(adjacent, '0.6')).toBe('1.2');
    expect(priceCharge(adjacent, usageOf('1')).lines[0]!.label).toBe('above 0.5');
  });
});

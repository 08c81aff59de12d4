/**
 * More usage never costs less, for every model, with one documented exception: volume pricing
 * reprices every unit when the total crosses into a cheaper tier, so it can drop at a boundary.
 * (Percentage and dynamic are monotone for non-negative events; a refund event lowers them, see
 * percentage.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { type Dec, add, cmp, dec, toText } from '../../../shared/decimal';
import { type ChargeSpec, addEvent, chargeAmount, emptyUsage, priceCharge } from '../../../shared/pricing';
import { charge, expectLinesAddUp, integers, usageOf } from './helpers';

const TIERS = [
  { from_value: 0, to_value: 10_000, per_unit_amount: '0.0010', flat_amount: '10' },
  { from_value: 10_001, to_value: 50_000, per_unit_amount: '0.0008', flat_amount: '10' },
  { from_value: 50_001, to_value: 100_000, per_unit_amount: '0.0006', flat_amount: '10' },
  { from_value: 100_001, to_value: null, per_unit_amount: '0.0004', flat_amount: '10' },
];

/** 0 to 120,000 by uneven steps, plus every boundary and its neighbours. */
function quantities(): Dec[] {
  const out = new Set<string>(['0', '0.5', '1']);
  for (const b of [10_000, 50_000, 100_000, 100, 200]) for (const d of ['-1', '-0.5', '0', '0.5', '1']) out.add(toText(add(dec(b), dec(d))));
  for (const n of integers(7, 300, 120_000)) out.add(String(n));
  return [...out].map((q) => dec(q)).sort((a, b) => cmp(a, b));
}

const monotone: [string, ChargeSpec][] = [
  ['standard', charge('standard', { unit_price: '0.0007' })],
  ['graduated', charge('graduated', { graduated_ranges: TIERS })],
  ['graduated with allowance', charge('graduated', { graduated_ranges: TIERS }, '500')],
  ['package', charge('package', { amount: '5', package_size: 100, free_units: 100 })],
  ['package with allowance', charge('package', { amount: '5', package_size: 100, free_units: 100 }, '50')],
];

describe('amounts never decrease as units grow', () => {
  it.each(monotone)('%s', (_, spec) => {
    let previous: Dec | null = null;
    for (const q of quantities()) {
      const result = priceCharge(spec, usageOf(toText(q)));
      expectLinesAddUp(result);
      if (previous) expect(cmp(result.amount, previous), `at ${toText(q)} units`).toBeGreaterThanOrEqual(0);
      previous = result.amount;
    }
  });

  it('percentage, fed non-negative events in order, with every free option', () => {
    const values = integers(42, 400, 30_000).map((cents) => ({ c: BigInt(cents), s: 2 }));
    for (const free of [{}, { free_units_per_events: 5 }, { free_units_per_total_aggregation: '800' }, { free_units_per_events: 50, free_units_per_total_aggregation: '2000' }]) {
      const spec = charge('percentage', { rate: '2.9', fixed_amount: '0.30', ...free });
      let usage = emptyUsage();
      let previous = chargeAmount(spec, usage);
      for (const value of values) {
        usage = addEvent(spec, usage, { units: value });
        const amount = chargeAmount(spec, usage);
        expect(cmp(amount, previous), JSON.stringify(free)).toBeGreaterThanOrEqual(0);
        previous = amount;
      }
    }
  });

  it('dynamic, fed events with non-negative amounts', () => {
    const spec = charge('dynamic', {});
    let usage = emptyUsage();
    let previous = chargeAmount(spec, usage);
    for (const cents of integers(3, 200, 1_000)) {
      usage = addEvent(spec, usage, { units: dec(1), amount: { c: BigInt(cents), s: 2 } });
      const amount = chargeAmount(spec, usage);
      expect(cmp(amount, previous)).toBeGreaterThanOrEqual(0);
      previous = amount;
    }
  });
});

describe('volume is not monotone', () => {
  const spec = charge('volume', { volume_ranges: TIERS });

  it.each([
    ['10000', '10001', '20', '18.0008'],
    ['50000', '50001', '50', '40.0006'],
    ['100000', '100001', '70', '50.0004'],
  ])('crossing from %s to %s units drops the amount from %s to %s', (below, above, before, after) => {
    const a = priceCharge(spec, usageOf(below)).amount;
    const b = priceCharge(spec, usageOf(above)).amount;
    expect([toText(a), toText(b)]).toEqual([before, after]);
    expect(cmp(b, a)).toBe(-1);
  });

  it('is monotone within a tier', () => {
    expect(cmp(priceCharge(spec, usageOf('10001')).amount, priceCharge(spec, usageOf('50000')).amount)).toBe(-1);
  });
});

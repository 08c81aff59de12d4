/**
 * The worked examples of Lago's documentation (getlago.com/docs/guide/plans/charges/charge-models/*),
 * to the cent, and the expectations of lago-api's own specs (spec/services/charge_models/*_spec.rb).
 */
import { describe, expect, it } from 'vitest';
import { dec, toText } from '../../../shared/decimal';
import { addEvent, chargeAmount, emptyUsage, priceCharge, roundToMinor } from '../../../shared/pricing';
import { amountAt, charge, feed } from './helpers';

const DOC_VOLUME_TIERS = [
  { from_value: 0, to_value: 10_000, per_unit_amount: '0.0010', flat_amount: '10' },
  { from_value: 10_001, to_value: 50_000, per_unit_amount: '0.0008', flat_amount: '10' },
  { from_value: 50_001, to_value: 100_000, per_unit_amount: '0.0006', flat_amount: '10' },
  { from_value: 100_001, to_value: null, per_unit_amount: '0.0004', flat_amount: '10' },
];

describe('Lago documentation examples', () => {
  it('standard: $0.05 per call, 1,000 calls = $50.00', () => {
    const spec = charge('standard', { unit_price: '0.05' });
    expect(amountAt(spec, '1000')).toBe('50');
    expect(roundToMinor(priceCharge(spec, { ...emptyUsage(), units: dec(1000), events: 1000 }).amount, 2)).toBe(5000n);
  });

  it('package: $5 per 100 units, first 100 free, 201 units = $10.00', () => {
    const spec = charge('package', { amount: '5', package_size: 100, free_units: 100 });
    expect(amountAt(spec, '201')).toBe('10');
  });

  it('volume: 65,000 calls fall in the 50,001-100,000 tier: 65,000 x $0.0006 + $10 = $49.00', () => {
    const spec = charge('volume', { volume_ranges: DOC_VOLUME_TIERS });
    expect(amountAt(spec, '65000')).toBe('49');
  });

  it('percentage: 1.2% + $0.10 per transaction, first 3 events or first $500 free', () => {
    const spec = charge('percentage', { rate: '1.2', fixed_amount: '0.10', free_units_per_events: 3, free_units_per_total_aggregation: '500' });
    const { usage, amounts } = feed(spec, ['200', '100', '100', '50']);
    // The first three transactions cost nothing; the fourth pays 1.2% of $50 + $0.10.
    expect(amounts).toEqual(['0', '0', '0', '0.7']);
    expect(usage.freeEvents).toBe(3);
    expect(usage.freeClosed).toBe(true);
    expect(toText(usage.freeRunningTotal)).toBe('400');
  });

  it('percentage: the free count and running total after each transaction', () => {
    const spec = charge('percentage', { rate: '1.2', fixed_amount: '0.10', free_units_per_events: 3, free_units_per_total_aggregation: '500' });
    let usage = emptyUsage();
    const seen: [number, boolean, string][] = [];
    for (const value of ['200', '100', '100', '50']) {
      usage = addEvent(spec, usage, { units: dec(value) });
      seen.push([usage.freeEvents, usage.freeClosed, toText(chargeAmount(spec, usage))]);
    }
    expect(seen).toEqual([
      [1, false, '0'],
      [2, false, '0'],
      [3, true, '0'],
      [3, true, '0.7'],
    ]);
  });

  it('dynamic: transactions of $0.70, $0.55 and $2.20 make one fee of $3.45', () => {
    const spec = charge('dynamic', {});
    let usage = emptyUsage();
    for (const [units, amount] of [['7', '0.70'], ['5', '0.55'], ['10', '2.20']] as const) usage = addEvent(spec, usage, { units: dec(units), amount: dec(amount) });
    const result = priceCharge(spec, usage);
    expect(toText(result.amount)).toBe('3.45');
    expect(toText(result.units)).toBe('22');
  });
});

describe('lago-api specs', () => {
  // spec/services/charge_models/graduated_service_spec.rb
  const graduated = charge('graduated', {
    graduated_ranges: [
      { from_value: 0, to_value: 10, per_unit_amount: '10', flat_amount: '2' },
      { from_value: 11, to_value: 20, per_unit_amount: '5', flat_amount: '3' },
      { from_value: 21, to_value: null, per_unit_amount: '5', flat_amount: '3' },
    ],
  });
  it.each([
    ['0', '2'],
    ['1', '12'],
    ['10', '102'],
    ['11', '110'],
    ['12', '115'],
    ['21', '163'],
  ])('graduated at %s units = %s', (units, amount) => {
    expect(amountAt(graduated, units)).toBe(amount);
  });

  it('graduated with adjacent decimal ranges (0-0.1, 0.1-1, 1-inf)', () => {
    const spec = charge('graduated', {
      graduated_ranges: [
        { from_value: 0, to_value: '0.1', per_unit_amount: '10', flat_amount: '0' },
        { from_value: '0.1', to_value: 1, per_unit_amount: '5', flat_amount: '0' },
        { from_value: 1, to_value: null, per_unit_amount: '2', flat_amount: '0' },
      ],
    });
    expect(amountAt(spec, '0.05')).toBe('0.5');
    expect(amountAt(spec, '0.5')).toBe('3');
  });

  // spec/services/charge_models/volume_service_spec.rb
  const volume = charge('volume', {
    volume_ranges: [
      { from_value: 0, to_value: 100, per_unit_amount: '2', flat_amount: '10' },
      { from_value: 101, to_value: 200, per_unit_amount: '1', flat_amount: '0' },
      { from_value: 201, to_value: null, per_unit_amount: '0.5', flat_amount: '50' },
    ],
  });
  it.each([
    ['0', '10'],
    ['1', '12'],
    ['100', '210'],
    ['100.5', '100.5'],
    ['101', '101'],
    ['200', '200'],
    ['300', '200'],
  ])('volume at %s units = %s', (units, amount) => {
    expect(amountAt(volume, units)).toBe(amount);
  });

  // spec/services/charge_models/percentage_service_spec.rb: rate 1.3 %, fixed 2.0, four events whose
  // running total is 50, 150, 400, then 800 in all.
  const events = ['50', '100', '250', '400'];
  it.each([
    ['both free options (3 events, 250)', { free_units_per_events: 3, free_units_per_total_aggregation: '250.0' }, '11.15'],
    ['free amount only (250)', { free_units_per_total_aggregation: '250.0' }, '11.15'],
    ['free events only (3)', { free_units_per_events: 3 }, '7.2'],
    ['free amount above the running total (3 events, 500)', { free_units_per_events: 3, free_units_per_total_aggregation: '500.0' }, '7.2'],
    ['no free units', {}, '18.4'],
  ])('percentage with %s', (_, free, amount) => {
    const spec = charge('percentage', { rate: '1.3', fixed_amount: '2.0', ...free });
    expect(feed(spec, events).amounts.at(-1)).toBe(amount);
  });

  it('percentage with rate 0 charges only the fixed fee (4 x 2.0)', () => {
    const spec = charge('percentage', { rate: '0', fixed_amount: '2.0' });
    expect(feed(spec, events).amounts.at(-1)).toBe('8');
  });

  it('percentage: more free events than events costs nothing', () => {
    const spec = charge('percentage', { rate: '1.3', fixed_amount: '2.0', free_units_per_events: 5 });
    expect(feed(spec, ['100', '100', '100', '100']).amounts.at(-1)).toBe('0');
  });

  it('percentage with small units: 4 x 2.9 % = 0.116', () => {
    const spec = charge('percentage', { rate: '2.9' });
    expect(feed(spec, ['1', '1', '1', '1']).amounts.at(-1)).toBe('0.116');
  });
});

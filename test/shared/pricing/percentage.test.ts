/**
 * Lago's percentage free units (see shared/pricing/free-units.ts for the rule and its sources),
 * events fed one by one in time order. Rate 1 % and a $0.10 fixed fee unless said otherwise.
 */
import { describe, expect, it } from 'vitest';
import { dec, toText } from '../../../shared/decimal';
import { addEvent, emptyUsage, priceCharge, withUnits } from '../../../shared/pricing';
import { charge, feed } from './helpers';

const BASE = { rate: '1', fixed_amount: '0.10' };

describe('percentage free units', () => {
  it('free amount only: the event crossing it pays the rate above it, and its fixed fee', () => {
    const spec = charge('percentage', { ...BASE, free_units_per_total_aggregation: '500' });
    const { usage, amounts } = feed(spec, ['400', '200', '100']);
    // 400: free. 600: 100 above the free amount at 1 % + the crossing event's fee. 700: +1 % of 100 + fee.
    expect(amounts).toEqual(['0', '1.1', '2.2']);
    expect(usage.freeEvents).toBe(1);
    expect(usage.freeClosed).toBe(true);
    expect(toText(usage.freeRunningTotal)).toBe('600');
  });

  it('free amount only: an event landing exactly on it is free of the rate but pays the fixed fee', () => {
    const spec = charge('percentage', { ...BASE, free_units_per_total_aggregation: '500' });
    const { usage, amounts } = feed(spec, ['300', '200', '100']);
    expect(amounts).toEqual(['0', '0.1', '1.2']);
    // The running total took the third event too: a total equal to the free amount lets the next one in.
    expect(toText(usage.freeRunningTotal)).toBe('600');
    expect(usage.freeEvents).toBe(1);
  });

  it('free events only: the first N events are free of the fixed fee, and their amount of the rate', () => {
    const spec = charge('percentage', { ...BASE, free_units_per_events: 2 });
    const { usage, amounts } = feed(spec, ['100', '100', '100', '50']);
    expect(amounts).toEqual(['0', '0', '1.1', '1.7']);
    expect(usage.freeEvents).toBe(2);
    expect(toText(usage.freeRunningTotal)).toBe('200');
  });

  it('both: the free amount caps the free events', () => {
    const spec = charge('percentage', { ...BASE, free_units_per_events: 3, free_units_per_total_aggregation: '250' });
    const { usage, amounts } = feed(spec, ['100', '100', '100', '100']);
    // Free amount min(300, 250); free events min(3, sums below 250: 100 and 200) = 2.
    expect(amounts).toEqual(['0', '0', '0.6', '1.7']);
    expect(usage.freeEvents).toBe(2);
  });

  it('both: when the first event alone reaches the free amount, Lago still frees the first N events of the fee', () => {
    // free_units_count = [3, 0].excluding(0).min = 3: the zero count is dropped, not taken as the minimum.
    const spec = charge('percentage', { ...BASE, free_units_per_events: 3, free_units_per_total_aggregation: '500' });
    const { usage, amounts } = feed(spec, ['600', '10', '10', '10']);
    expect(amounts).toEqual(['1', '1.1', '1.2', '1.4']);
    expect(usage.freeEvents).toBe(3);
  });

  it('without free options every event pays', () => {
    const spec = charge('percentage', BASE);
    const { usage, amounts } = feed(spec, ['100', '0.5']);
    expect(amounts).toEqual(['1.1', '1.205']);
    expect(usage.freeEvents).toBe(0);
    expect(usage.freeClosed).toBe(true);
  });

  it('no fixed fee while the summed amount is zero (Lago: `return 0.0 if units.zero?`)', () => {
    const spec = charge('percentage', BASE);
    expect(feed(spec, ['0', '0']).amounts).toEqual(['0', '0']);
    expect(feed(spec, ['0', '0', '10']).amounts.at(-1)).toBe('0.4');
  });

  it('a rate above 100 % is valid, as in Lago (a markup on a pass-through cost)', () => {
    const spec = charge('percentage', { rate: '150' });
    expect(feed(spec, ['10']).amounts).toEqual(['15']);
  });

  it('keeps fractions exact: 1.2 % of $0.01', () => {
    const spec = charge('percentage', { rate: '1.2' });
    expect(feed(spec, ['0.01']).amounts).toEqual(['0.00012']);
  });

  it('allowance: an amount free of the rate, stacking with the free amount; the fixed fee is untouched', () => {
    const spec = charge('percentage', { ...BASE, free_units_per_total_aggregation: '150' }, '50');
    const { amounts } = feed(spec, ['100', '100', '100']);
    // 200 - 50 allowance - 150 free = 0 at the rate, but the second event is not below the free
    // amount: one fee. Then 300 - 50 - 150 = 100 at 1 % and two fees.
    expect(amounts).toEqual(['0', '0.1', '1.2']);
  });

  it('prints the free amount, the rate and the fixed fee', () => {
    const spec = charge('percentage', { rate: '1.2', fixed_amount: '0.10', free_units_per_events: 3, free_units_per_total_aggregation: '500' });
    const { usage } = feed(spec, ['200', '100', '100', '50']);
    const result = priceCharge(spec, usage);
    expect(result.lines.map((l) => [l.kind, l.label, toText(l.units), toText(l.unitPrice!), toText(l.amount)])).toEqual([
      ['free_amount', 'Free amount', '400', '0', '0'],
      ['rate', '1.2 %', '50', '0.012', '0.6'],
      ['fixed_fee', 'Fixed fee per event (3 free)', '1', '0.1', '0.1'],
    ]);
    expect(toText(result.billableUnits)).toBe('50');
  });

  it('a refund (negative event) lowers the amount: percentage is monotone only for non-negative events', () => {
    const spec = charge('percentage', { rate: '1' });
    expect(feed(spec, ['100', '-40']).amounts).toEqual(['1', '0.6']);
  });
});

describe('usage state', () => {
  it('addEvent is pure: the previous state is untouched', () => {
    const spec = charge('percentage', { ...BASE, free_units_per_events: 1 });
    const before = emptyUsage();
    const after = addEvent(spec, before, { units: dec('5') });
    expect(before).toEqual(emptyUsage());
    expect([toText(after.units), after.events, after.freeEvents, after.freeClosed]).toEqual(['5', 1, 1, true]);
  });

  it('withUnits replaces the aggregated units and keeps the event counts', () => {
    const spec = charge('standard', { unit_price: '1' });
    const fed = addEvent(spec, addEvent(spec, emptyUsage(), { units: dec(3) }), { units: dec(7) });
    const max = withUnits(fed, dec(7));
    expect([toText(max.units), max.events]).toEqual(['7', 2]);
    expect(toText(priceCharge(spec, max).amount)).toBe('7');
  });

  it('other models leave the percentage fields alone', () => {
    const spec = charge('standard', { unit_price: '1' });
    const usage = addEvent(spec, emptyUsage(), { units: dec(3), amount: dec(2) });
    expect([usage.freeEvents, usage.freeClosed, toText(usage.freeRunningTotal), toText(usage.amountSum)]).toEqual([0, false, '0', '2']);
  });
});

import { describe, expect, it } from 'vitest';
import { computeTco, loadPublishedExample, withLineValue, type Scenario, type TcoInput } from '../../../shared/tco';

function input(changes: Partial<Scenario>, eventPrice: string | null = null): TcoInput {
  const base = loadPublishedExample();
  return { ...base, scenario: { ...base.scenario, ...changes }, options: withLineValue(base.options, 'credyt.eventPrice', eventPrice) };
}

describe('zero and very large inputs', () => {
  it('handles 0 customers: costs are the fixed part, per-customer and share of revenue are undefined, not zero', () => {
    const r = computeTco(input({ customers: 0 }));
    expect(r.revenueMonthly.value).toBe('0');
    expect(r.eventsMonthly.value).toBe('0');
    const credyt = r.options.find((o) => o.id === 'credyt')!;
    expect(credyt.monthly.value).toBe('0');
    expect(credyt.oneOff.value).toBe('2400');
    expect(credyt.costPerCustomerMonthly).toMatchObject({ value: null, undefinedBecause: 'no customers', unknownBecause: [] });
    expect(credyt.shareOfRevenue).toMatchObject({ value: null, undefinedBecause: 'no revenue' });
    expect(r.options.find((o) => o.id === 'tollgate')!.monthly.value).toBe('727');
    expect(r.risk.invoice.peakReceivable.value).toBe('0');
    expect(r.risk.wallet.peakExposure.value).toBe('0');
    expect(r.risk.invoice.atRiskByDay.every((p) => p.value === '0')).toBe(true);
  });

  it('handles 10,000,000 customers exactly', () => {
    const r = computeTco(input({ customers: 10_000_000 }, '0.00001'));
    expect(r.revenueMonthly.value).toBe('200000000');
    expect(r.eventsMonthly.value).toBe('10000000000');
    const credyt = r.options.find((o) => o.id === 'credyt')!;
    // $1 × 9,999,990 wallets + $0.00001 × (10,000,000,000 − 1,000,000) events = $9,999,990 + $99,990.
    expect(credyt.monthlyExcludingProcessing.value).toBe('10099980');
    // 2.9% × $200,000,000 + 10,000,000 × $0.30.
    expect(credyt.processingMonthly.value).toBe('8800000');
    // Tollgate's extra infrastructure: $5 × (10,000,000,000 − 10,000,000) / 1,000,000 = $49,950.
    const tollgate = r.options.find((o) => o.id === 'tollgate')!;
    expect(tollgate.lines.find((l) => l.id === 'tollgate.perMillionEvents')!.amount.value).toBe('49950');
    expect(r.risk.invoice.peakReceivable.value).toBe('400000000');
  });

  it('names the unknown event price at 10,000,000 customers when it is unset', () => {
    const r = computeTco(input({ customers: 10_000_000 }));
    const credyt = r.options.find((o) => o.id === 'credyt')!;
    expect(credyt.monthly.unknownBecause).toEqual(['credyt.eventPrice']);
  });

  it.each([1, 120])('handles a horizon of %i months', (months) => {
    const r = computeTco(input({ horizonMonths: months }));
    for (const o of r.options) {
      expect(o.cumulative).toHaveLength(months);
      expect(o.cumulative.map((m) => m.month)).toEqual(Array.from({ length: months }, (_, i) => i + 1));
      expect(o.cumulative[months - 1]!.value).toBe(o.horizonTotal.value);
    }
    const credyt = r.options.find((o) => o.id === 'credyt')!;
    // $2,400 one-off + months × $178.
    expect(credyt.horizonTotal.value).toBe(String(2400 + 178 * months));
    expect(credyt.cumulative[0]!.value).toBe('2578');
  });
});

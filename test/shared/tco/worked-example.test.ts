import { describe, expect, it } from 'vitest';
import { sub, toText } from '../../../shared/decimal';
import { computeTco, DEFAULT_SCENARIO, defaultFeatures, defaultOptions, findBreakEven, horizonCostAt, withLineValue, type TcoInput } from '../../../shared/tco';

/*
 * Worked by hand. 2,000 customers, $25 a month each, 800 events each, 8 seats, 24 months; everything
 * else at its default (PSP 2.9% + $0.30, 1 top-up a month, 100% active wallets, $100 per hour).
 * Credyt's event price beyond the free million is set to $0.00005 ($0.05 per thousand).
 *
 *   revenue          = 2,000 × $25                               = $50,000 a month
 *   events           = 2,000 × 800                               = 1,600,000 a month
 *   wallets          = $1 × (2,000 − 10 free)                    = $1,990   (crosses the 10 free wallets)
 *   events fee       = $0.00005 × (1,600,000 − 1,000,000 free)   = $30      (crosses the free million)
 *   seats, platform  = $0
 *   before processing                                            = $2,020 a month
 *   processing       = 2.9% × $50,000 + 2,000 top-ups × $0.30    = $1,450 + $600 = $2,050
 *   monthly                                                      = $4,070
 *   one-off          = 24 h integration × $100                   = $2,400
 *   24 months        = $2,400 + 24 × $4,070                      = $100,080
 *   per customer     = $100,080 / 24 / 2,000                     = $2.085 a month
 *   share of revenue = $100,080 / ($50,000 × 24)                 = 8.34%
 *
 * Break-even with Tollgate at N customers (processing is the same for both: one top-up a month):
 *   Tollgate = $19,200 + 24 × $727 = $36,648 (flat below 12,500 customers, its events capacity)
 *   Credyt   = $2,400 + 24 × ((N − 10) + max(0, 800N − 1,000,000) × 0.00005)
 *   Below 1,250 customers (no event fee) Credyt − Tollgate = 24N − 34,488 < 0 since N ≤ 1,250 < 1,437.
 *   Above: 24 × (1.04N − 60) + 2,400 − 36,648 = 24.96N − 35,688, zero at N = 1,429.8:
 *   N = 1,429 → −20.16 (Credyt cheaper), N = 1,430 → +4.80 (Tollgate cheaper). Break-even: 1,430.
 */
function workedExample(eventPrice: string | null): TcoInput {
  return {
    scenario: { ...DEFAULT_SCENARIO, customers: 2000, avgMonthlySpend: '25', eventsPerCustomerPerMonth: 800, seats: 8, horizonMonths: 24 },
    options: withLineValue(defaultOptions(), 'credyt.eventPrice', eventPrice),
    features: defaultFeatures(),
  };
}

describe('a scenario past both Credyt free thresholds, worked by hand', () => {
  it('matches the hand calculation with the event price set', () => {
    const r = computeTco(workedExample('0.00005'));
    const credyt = r.options.find((o) => o.id === 'credyt')!;
    expect(r.revenueMonthly.value).toBe('50000');
    expect(r.eventsMonthly.value).toBe('1600000');
    expect(credyt.lines.find((l) => l.id === 'credyt.walletPrice')!.amount.value).toBe('1990');
    expect(credyt.lines.find((l) => l.id === 'credyt.eventPrice')!.amount.value).toBe('30');
    expect(credyt.monthlyExcludingProcessing.value).toBe('2020');
    expect(credyt.processingMonthly.value).toBe('2050');
    expect(credyt.monthly.value).toBe('4070');
    expect(credyt.oneOff.value).toBe('2400');
    expect(credyt.horizonTotal.value).toBe('100080');
    expect(credyt.costPerCustomerMonthly.value).toBe('2.085');
    expect(credyt.shareOfRevenue.value).toBe('8.34');
    expect(credyt.cumulative).toHaveLength(24);
    expect(credyt.cumulative[0]).toEqual({ month: 1, value: '6470' });
    expect(credyt.cumulative[23]).toEqual({ month: 24, value: '100080' });
  });

  it('finds the Credyt / Tollgate break-even at 1,430 customers, and the order flips exactly there', () => {
    const inp = workedExample('0.00005');
    const ctx = { scenario: inp.scenario, features: inp.features };
    const [credyt, tollgate] = [inp.options.find((o) => o.id === 'credyt')!, inp.options.find((o) => o.id === 'tollgate')!];
    const be = findBreakEven(ctx, credyt, tollgate);
    expect(be).toMatchObject({ status: 'found', customers: 1430, cheaperAtZero: 'credyt', cheaperFrom: 'tollgate' });
    const diff = (n: number) => toText(sub(horizonCostAt(ctx, credyt, n).v!, horizonCostAt(ctx, tollgate, n).v!));
    expect(diff(1429)).toBe('-20.16');
    expect(diff(1430)).toBe('4.8');
    expect(computeTco(inp).breakEvens.find((b) => b.id === 'breakEven.credyt~tollgate')!.customers).toBe(1430);
  });

  it('reports the Credyt total as unknown, naming the event price, when it is unset', () => {
    const r = computeTco(workedExample(null));
    const credyt = r.options.find((o) => o.id === 'credyt')!;
    for (const f of [credyt.monthly, credyt.monthlyExcludingProcessing, credyt.horizonTotal, credyt.costPerCustomerMonthly, credyt.shareOfRevenue]) {
      expect(f.value).toBeNull();
      expect(f.unknownBecause).toEqual(['credyt.eventPrice']);
    }
    expect(credyt.cumulative.every((m) => m.value === null)).toBe(true);
    expect(credyt.cumulativeUnknownBecause).toEqual(['credyt.eventPrice']);
    // The parts that do not depend on it are still there.
    expect(credyt.lines.find((l) => l.id === 'credyt.walletPrice')!.amount.value).toBe('1990');
    expect(credyt.processingMonthly.value).toBe('2050');
    const unknown = r.unknowns.find((u) => u.id === 'credyt.eventPrice')!;
    expect(unknown.label).toBe('Price per event beyond the free events');
    expect(unknown.affects).toEqual(expect.arrayContaining(['option.credyt.monthly', 'option.credyt.horizonTotal', 'cost.credyt.eventPrice']));
    // Below 1,250 customers the price is not needed, so the search reports how far it got.
    expect(r.breakEvens.find((b) => b.id === 'breakEven.credyt~tollgate')).toMatchObject({ status: 'unknown', searchedUpTo: 1250, unknownBecause: ['credyt.eventPrice'] });
  });
});

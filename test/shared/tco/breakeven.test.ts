import { describe, expect, it } from 'vitest';
import { sign, sub } from '../../../shared/decimal';
import { BREAK_EVEN_MAX_CUSTOMERS, computeTco, DEFAULT_SCENARIO, defaultFeatures, defaultOptions, findBreakEven, horizonCostAt, loadPublishedExample, withLineValue, type BillingOption, type ModelContext } from '../../../shared/tco';

const noFeatures = () => defaultFeatures().map((r) => ({ ...r, needed: false }));
const byId = (options: readonly BillingOption[], id: string): BillingOption => options.find((o) => o.id === id)!;

describe('break-even search', () => {
  /*
   * An order that flips and flips back. Engineering at $0, 12 months, 100,000 events per customer,
   * Credyt events at $0.000001, Tollgate at $50 per million events beyond 10,000,000 (100 customers).
   * Processing is the same for both and cancels. Per month, for N > 10:
   *   Credyt   = (N − 10) × $1 + (100,000N − 1,000,000) × $0.000001 = 1.1N − 11
   *   Tollgate = $39 + $50 × max(0, 100,000N − 10,000,000) / 1,000,000 = 39 + 5 × max(0, N − 100)
   *   Tollgate cheaper from 1.1N − 11 > 39, N > 45.45 → 46; Credyt cheaper again from
   *   1.1N − 11 < 39 + 5N − 500, N > 115.4 → 116. The break-even is the first flip: 46.
   * A search that only compared the two ends of the range would see Credyt cheaper at both and say "never".
   */
  it('finds the first flip even when the order flips back later', () => {
    let options = withLineValue(defaultOptions(), 'credyt.eventPrice', '0.000001');
    options = withLineValue(options, 'tollgate.perMillionEvents', '50');
    const ctx: ModelContext = { scenario: { ...DEFAULT_SCENARIO, engineeringHourCost: '0', horizonMonths: 12, eventsPerCustomerPerMonth: 100_000 }, features: defaultFeatures() };
    const [credyt, tollgate] = [byId(options, 'credyt'), byId(options, 'tollgate')];
    expect(findBreakEven(ctx, credyt, tollgate)).toMatchObject({ status: 'found', customers: 46, cheaperAtZero: 'credyt', cheaperFrom: 'tollgate' });
    const d = (n: number) => sign(sub(horizonCostAt(ctx, credyt, n).v!, horizonCostAt(ctx, tollgate, n).v!));
    expect([d(45), d(46), d(115), d(116), d(BREAK_EVEN_MAX_CUSTOMERS)]).toEqual([-1, 1, 1, -1, -1]);
  });

  it('starting from a tie, reports the first count where one is strictly cheaper', () => {
    // A second Credyt at $2 a wallet: equal while every wallet is free, dearer from the 11th customer.
    const dear: BillingOption = { ...byId(withLineValue(defaultOptions(), 'credyt.walletPrice', '2'), 'credyt'), id: 'credytDear' };
    const credyt = byId(defaultOptions(), 'credyt');
    // No needed features: a copied option has no column in the feature table, which would read as unknown.
    const ctx: ModelContext = { scenario: DEFAULT_SCENARIO, features: noFeatures() };
    expect(findBreakEven(ctx, credyt, dear)).toMatchObject({ status: 'found', customers: 11, cheaperAtZero: 'equal', cheaperFrom: 'credyt' });
  });

  it('says "never" within the documented maximum when the order never changes', () => {
    const be = computeTco(loadPublishedExample()).breakEvens.find((b) => b.id === 'breakEven.lagoSelfHosted~tollgate')!;
    expect(be).toMatchObject({ status: 'never', customers: null, cheaperAtZero: 'tollgate', maxCustomers: BREAK_EVEN_MAX_CUSTOMERS, searchedUpTo: BREAK_EVEN_MAX_CUSTOMERS });
    expect(BREAK_EVEN_MAX_CUSTOMERS).toBe(100_000_000);
  });

  it('reports an option missing from the feature table as unknown, naming the missing cell', () => {
    const a = byId(defaultOptions(), 'tollgate');
    const be = findBreakEven({ scenario: DEFAULT_SCENARIO, features: defaultFeatures() }, a, { ...a, id: 'tollgateCopy' });
    expect(be.status).toBe('unknown');
    expect(be.unknownBecause).toContain('feature.customerPortal.tollgateCopy');
  });

  it('compares identical options as equal throughout', () => {
    const a = byId(defaultOptions(), 'tollgate');
    const ctx: ModelContext = { scenario: DEFAULT_SCENARIO, features: noFeatures() };
    expect(findBreakEven(ctx, a, { ...a, id: 'tollgateCopy' })).toMatchObject({ status: 'never', cheaperAtZero: 'equal' });
  });
});

import { describe, expect, it } from 'vitest';
import { abs, cmp, dec, max, mul, sub, sum, toText, ZERO } from '../../../shared/decimal';
import { CYCLE_DAYS, DEFAULT_SCENARIO, invoiceRisk, walletRisk, type Scenario } from '../../../shared/tco';
import { int, pick, prng } from './random';

describe('risk of each billing model at the canonical scenario ($2,000 a month)', () => {
  const s: Scenario = { ...DEFAULT_SCENARIO };

  it('invoice billing: usage waits a cycle plus payment terms for cash', () => {
    const r = invoiceRisk(s);
    // $2,000 / 30 a day; monthly cycle, net 30: average 15 + 30 days, peak 30 + 30 days of revenue.
    expect(r.averageReceivable.value).toBe('3000');
    expect(r.peakReceivable.value).toBe('4000');
    expect(r.expectedLossMonthly.value).toBe('20');
    expect(r.floatDays.value).toBe('-45');
    expect(r.atRiskByDay).toHaveLength(30);
    expect(r.atRiskByDay[29]).toEqual({ day: 30, value: '4000' });
    expect(r.atRiskByDay[2]).toEqual({ day: 3, value: '2200' });
  });

  it('wallet billing: exposure is overdrafts, overrun debt and chargebacks; cash arrives first', () => {
    const r = walletRisk(s);
    expect(r.overdraftExposure.value).toBe('200'); // 100 × $2
    expect(r.captureDebtMonthly.value).toBe('10'); // 0.5% × $2,000
    expect(r.peakExposure.value).toBe('210');
    expect(r.averageExposure.value).toBe('205');
    expect(r.chargebackLossMonthly.value).toBe('17.5'); // 0.5% × $2,000 + 100 × 0.5% × $15
    expect(r.debtLossMonthly.value).toBe('2.1'); // 1% × ($10 + $200)
    expect(r.expectedLossMonthly.value).toBe('19.6');
    expect(r.floatDays.value).toBe('15');
    expect(r.floatAmount.value).toBe('1000');
    expect(r.atRiskByDay[29]).toEqual({ day: 30, value: '210' });
    expect(r.atRiskByDay[14]).toEqual({ day: 15, value: '205' });
  });

  it('keeps the by-day series consistent with peak and average for any cycle and terms', () => {
    const rng = prng(7);
    for (let i = 0; i < 200; i++) {
      const sc: Scenario = { ...s, billingCycle: pick(rng, ['weekly', 'biweekly', 'monthly', 'quarterly', 'yearly'] as const), paymentTermsDays: int(rng, 0, 180), customers: int(rng, 1, 10_000) };
      const r = invoiceRisk(sc);
      const C = CYCLE_DAYS[sc.billingCycle];
      const values = r.atRiskByDay.map((p) => dec(p.value));
      expect(values).toHaveLength(C);
      // The series samples just before payments land, so it reaches the peak exactly...
      expect(toText(values.reduce((a, b) => max(a, b), ZERO))).toBe(r.peakReceivable.value);
      // ...and its mean is the continuous average (C/2 + T days) plus half a day (end-of-day sampling):
      // sum × 30 = revenue × C × (C + 2T + 1) / 2, up to the 12-place rounding of each point.
      const T = sc.paymentTermsDays;
      const revenue = mul(dec(sc.customers), dec(sc.avgMonthlySpend));
      const gap = sub(mul(sum(values), dec(30)), mul(mul(revenue, dec(C * (C + 2 * T + 1))), dec('0.5')));
      expect(cmp(abs(gap), dec('0.000001'))).toBeLessThan(1);
    }
  });
});

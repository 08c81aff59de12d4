/**
 * Money at risk under each billing model, in steady state.
 *
 * Invoice billing delivers usage first and collects later: each cycle's usage is invoiced at cycle
 * end and paid `paymentTermsDays` later, so receivables peak at cycle + terms days of revenue and
 * average half a cycle + terms. Wallet billing collects first: what is at risk is what the operator
 * lets a wallet owe (overdraft limits, captures that ran past their hold) and top-ups charged back.
 *
 * Days follow the 30/360 convention of `inputs.ts`, so a month is exactly 30 days of revenue.
 */
import { dec, div, toText, type Dec } from '../decimal';
import { CYCLE_DAYS, DAYS_PER_MONTH, scenarioInputId as sid, type Scenario } from './inputs';
import { figure, ids, input, isKnownZero, known, over, percentOf, plus, times, type Figure, type Traced } from './traced';
import { volumesAt } from './volumes';

export interface DayPoint {
  /** Day of the billing cycle, 1..cycle days. */
  readonly day: number;
  /** USD at risk at the end of that day, before that day's payments arrive (so peaks show). */
  readonly value: string;
}

export interface InvoiceRisk {
  readonly model: 'invoice';
  readonly averageReceivable: Figure;
  readonly peakReceivable: Figure;
  readonly expectedLossMonthly: Figure;
  /** Negative: cash arrives this many days after the usage (and its cost) on average. */
  readonly floatDays: Figure;
  /** Negative: the average receivable the operator finances. */
  readonly floatAmount: Figure;
  readonly atRiskByDay: readonly DayPoint[];
}

export interface WalletRisk {
  readonly model: 'wallet';
  /** Customers × average overdraft limit: the most wallets may owe at once. */
  readonly overdraftExposure: Figure;
  /** Spend captured beyond holds in a month. */
  readonly captureDebtMonthly: Figure;
  readonly averageExposure: Figure;
  readonly peakExposure: Figure;
  readonly chargebackLossMonthly: Figure;
  readonly debtLossMonthly: Figure;
  readonly expectedLossMonthly: Figure;
  /** Positive: prepaid cash arrives this many days before the usage on average. */
  readonly floatDays: Figure;
  /** Positive: the average prepaid balance held. */
  readonly floatAmount: Figure;
  /** Over the same days as the invoice series (the scenario's billing cycle), so both plot on one axis. */
  readonly atRiskByDay: readonly DayPoint[];
}

export interface RiskReport {
  readonly invoice: InvoiceRisk;
  readonly wallet: WalletRisk;
}

const MONTH_DAYS = known(dec(DAYS_PER_MONTH));
/** Risk depends only on scenario inputs, which are never unknown, so every point has a value. */
function txt(t: Traced): string {
  if (t.v === null) throw new RangeError(`risk point unexpectedly unknown (${ids(t.unknown).join(', ')})`);
  return toText(t.v);
}

function cycleDays(s: Scenario): Traced {
  return known(dec(CYCLE_DAYS[s.billingCycle]), [sid('billingCycle')]);
}

export function invoiceRisk(s: Scenario, customers = s.customers): InvoiceRisk {
  const revenue = volumesAt(s, customers).revenue;
  const c = cycleDays(s);
  const terms = input(sid('paymentTermsDays'), String(s.paymentTermsDays));
  const days = (t: Traced): Traced => over(times(revenue, t), MONTH_DAYS);

  // Average of (days since cycle start) is C/2; invoices are outstanding T days of every C on average.
  const avgDays = over(plus(c, terms, terms), known(dec(2)), 1);
  const average = days(avgDays);
  const peak = days(plus(c, terms));

  const C = CYCLE_DAYS[s.billingCycle];
  const T = s.paymentTermsDays;
  const points: DayPoint[] = [];
  for (let d = 1; d <= C; d++) {
    // Invoices still unpaid at the end of day d, before that day's payment: those issued at the start
    // of this cycle and every k-th earlier cycle with k·C ≤ T − d.
    const open = d <= T ? Math.floor((T - d) / C) + 1 : 0;
    points.push({ day: d, value: txt(days(known(dec(d + C * open), [sid('billingCycle'), sid('paymentTermsDays')]))) });
  }

  const p = 'risk.invoice';
  return {
    model: 'invoice',
    averageReceivable: figure(`${p}.averageReceivable`, 'Average receivable (half a cycle + payment terms of revenue)', 'usd', average),
    peakReceivable: figure(`${p}.peakReceivable`, 'Peak receivable (a cycle + payment terms of revenue)', 'usd', peak),
    expectedLossMonthly: figure(`${p}.expectedLossMonthly`, 'Expected loss from unpaid invoices', 'usd_per_month',
      percentOf(revenue, input(sid('unpaidInvoiceRatePercent'), s.unpaidInvoiceRatePercent))),
    floatDays: figure(`${p}.floatDays`, 'Days cash arrives after usage (negative float)', 'days', times(avgDays, known(dec(-1)))),
    floatAmount: figure(`${p}.floatAmount`, 'Working capital tied up in receivables (negative float)', 'usd', times(average, known(dec(-1)))),
    atRiskByDay: points,
  };
}

export function walletRisk(s: Scenario, customers = s.customers): WalletRisk {
  const v = volumesAt(s, customers);
  const topUps = input(sid('topUpsPerCustomerPerMonth'), s.topUpsPerCustomerPerMonth);
  const overdraft = times(v.customers, input(sid('avgOverdraftLimit'), s.avgOverdraftLimit));
  const captureMonthly = percentOf(v.revenue, input(sid('captureOverrunSharePercent'), s.captureOverrunSharePercent));
  // Overrun debt builds between top-ups and the next top-up clears it: a sawtooth peaking at one interval's worth.
  const capturePeak = over(captureMonthly, topUps);
  const peak = plus(overdraft, capturePeak);
  const average = plus(overdraft, over(captureMonthly, times(topUps, known(dec(2)))));

  const cbRate = input(sid('chargebackRatePercent'), s.chargebackRatePercent);
  const topUpCount = times(v.customers, topUps);
  const chargebacks = plus(percentOf(v.revenue, cbRate), times(percentOf(topUpCount, cbRate), input(sid('chargebackFee'), s.chargebackFee)));
  // Upper bound: treats every overdraft as fully drawn once a month.
  const debtLoss = percentOf(plus(captureMonthly, overdraft), input(sid('debtWriteOffRatePercent'), s.debtWriteOffRatePercent));

  const floatDays = over(MONTH_DAYS, times(topUps, known(dec(2))));
  const floatAmount = over(v.revenue, times(topUps, known(dec(2))));

  const C = CYCLE_DAYS[s.billingCycle];
  const u: Dec = dec(s.topUpsPerCustomerPerMonth);
  const points: DayPoint[] = [];
  for (let d = 1; d <= C; d++) {
    // Days since the last top-up, as a share of the month: (d − k·30/u) with k = ⌊d·u/30⌋, exactly;
    // on a top-up day, the debt just before the top-up clears it (a full interval).
    const du = times(known(dec(d)), known(u)).v!;
    const k = div(du, dec(DAYS_PER_MONTH), 0, 'floor');
    let q = plus(known(du), times(known(k), known(dec(-DAYS_PER_MONTH))));
    if (isKnownZero(q)) q = known(dec(DAYS_PER_MONTH));
    const debt = over(times(captureMonthly, q), times(MONTH_DAYS, topUps));
    points.push({ day: d, value: txt(plus(overdraft, debt)) });
  }

  const p = 'risk.wallet';
  return {
    model: 'wallet',
    overdraftExposure: figure(`${p}.overdraftExposure`, 'Overdraft exposure (customers × average limit)', 'usd', overdraft),
    captureDebtMonthly: figure(`${p}.captureDebtMonthly`, 'Debt from captures beyond holds', 'usd_per_month', captureMonthly),
    averageExposure: figure(`${p}.averageExposure`, 'Average exposure (overdrafts + half an interval of overrun debt)', 'usd', average),
    peakExposure: figure(`${p}.peakExposure`, 'Peak exposure (overdrafts + overrun debt just before a top-up)', 'usd', peak),
    chargebackLossMonthly: figure(`${p}.chargebackLossMonthly`, 'Chargebacks on top-ups (amount + fees)', 'usd_per_month', chargebacks),
    debtLossMonthly: figure(`${p}.debtLossMonthly`, 'Wallet debt written off (upper bound: overdrafts fully drawn)', 'usd_per_month', debtLoss),
    expectedLossMonthly: figure(`${p}.expectedLossMonthly`, 'Expected loss (chargebacks + written-off debt)', 'usd_per_month', plus(chargebacks, debtLoss)),
    floatDays: figure(`${p}.floatDays`, 'Days prepaid cash arrives before usage', 'days', floatDays),
    floatAmount: figure(`${p}.floatAmount`, 'Average prepaid balance held (positive float)', 'usd', floatAmount),
    atRiskByDay: points,
  };
}

export function riskReport(s: Scenario): RiskReport {
  return { invoice: invoiceRisk(s), wallet: walletRisk(s) };
}

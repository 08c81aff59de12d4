/**
 * What the business does in a month at a given customer count: revenue, events, active wallets and
 * payments. Costs and risks are computed from these, so the break-even search can re-evaluate them at
 * any customer count while the scenario stays fixed.
 */
import { dec, type Dec } from '../decimal';
import { CYCLE_DAYS, DAYS_PER_MONTH, scenarioInputId as sid, type Scenario } from './inputs';
import type { BillingModel, Driver } from './presets';
import { input, known, over, percentOf, plus, times, type Traced } from './traced';

export interface Volumes {
  readonly customers: Traced;
  /** USD per month flowing through billing: customers × average spend. */
  readonly revenue: Traced;
  readonly events: Traced;
  readonly activeWallets: Traced;
  readonly seats: Traced;
}

/** The customer count is traced to the scenario input even when the break-even search varies it. */
export function customersAt(customers: number): Traced {
  return known(dec(customers), [sid('customers')]);
}

export function volumesAt(s: Scenario, customers: number): Volumes {
  const n = customersAt(customers);
  return {
    customers: n,
    revenue: times(n, input(sid('avgMonthlySpend'), s.avgMonthlySpend)),
    events: times(n, input(sid('eventsPerCustomerPerMonth'), String(s.eventsPerCustomerPerMonth))),
    // An expected count, not rounded to whole wallets: rounding would make cost jump by steps and the
    // break-even search relies on cost being linear between thresholds.
    activeWallets: percentOf(n, input(sid('activeWalletSharePercent'), s.activeWalletSharePercent)),
    seats: input(sid('seats'), String(s.seats)),
  };
}

export function driverVolume(v: Volumes, driver: Driver): Traced {
  switch (driver) {
    case 'active_wallets':
      return v.activeWallets;
    case 'events':
      return v.events;
    case 'seats':
      return v.seats;
    case 'customers':
      return v.customers;
  }
}

/** Units one more customer adds to a driver; null for drivers that do not grow with customers. */
export function unitsPerCustomer(s: Scenario, driver: Driver): Dec | null {
  switch (driver) {
    case 'active_wallets':
      return times(known(dec(s.activeWalletSharePercent)), known(dec('0.01'))).v;
    case 'events':
      return dec(s.eventsPerCustomerPerMonth);
    case 'customers':
      return dec(1);
    case 'seats':
      return null;
  }
}

/** One payment per top-up for wallets; one per invoice (30 / cycle days a month) for invoices. */
export function paymentsPerMonth(s: Scenario, model: BillingModel, customers: Traced): Traced {
  if (model === 'wallet') return times(customers, input(sid('topUpsPerCustomerPerMonth'), s.topUpsPerCustomerPerMonth));
  const cycle = known(dec(CYCLE_DAYS[s.billingCycle]), [sid('billingCycle')]);
  // One division at the end keeps a weekly cycle's 30/7 rounding to a single step.
  return over(times(customers, known(dec(DAYS_PER_MONTH))), cycle);
}

/** The PSP's cut: a percent of the money collected plus a fixed fee per payment. */
export function processingCost(s: Scenario, model: BillingModel, v: Volumes): { cost: Traced; payments: Traced } {
  const payments = paymentsPerMonth(s, model, v.customers);
  const cost = plus(percentOf(v.revenue, input(sid('pspPercent'), s.pspPercent)), times(payments, input(sid('pspFixed'), s.pspFixed)));
  return { cost, payments };
}

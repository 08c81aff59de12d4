/**
 * The operator's scenario: the business being billed and the rates that drive cost and risk.
 *
 * Money, percentages and rates are decimal strings (never floats); counts are integers. Each field has
 * a labelled default and a range that a form can enforce, and `validateScenario` reports errors per
 * field so the form can show them in place.
 */
import { cmp, dec, isDecimalText, isInteger, toText, type Dec } from '../decimal';
import { ASSUMED_ON, SRC, type Sourced } from './sources';

export type BillingCycle = 'weekly' | 'biweekly' | 'monthly' | 'quarterly' | 'yearly';

/**
 * Days per cycle on the 30/360 day count: every month is 30 days, so a monthly cycle is exactly one
 * month and the day-by-day risk series lines up with the monthly cost figures.
 */
export const CYCLE_DAYS: Readonly<Record<BillingCycle, number>> = { weekly: 7, biweekly: 14, monthly: 30, quarterly: 90, yearly: 360 };
export const DAYS_PER_MONTH = 30;
export const BILLING_CYCLES = Object.keys(CYCLE_DAYS) as BillingCycle[];

export interface Scenario {
  readonly customers: number;
  /** USD per customer per month. */
  readonly avgMonthlySpend: string;
  readonly eventsPerCustomerPerMonth: number;
  readonly seats: number;
  /** Payment processing: percent of each payment... */
  readonly pspPercent: string;
  /** ...plus a fixed USD amount per payment (a top-up or an invoice payment). */
  readonly pspFixed: string;
  readonly horizonMonths: number;
  readonly billingCycle: BillingCycle;
  readonly paymentTermsDays: number;
  /** Percent of invoiced amounts never collected. */
  readonly unpaidInvoiceRatePercent: string;
  /** Percent of prepaid top-ups (by value and by count) disputed and lost. */
  readonly chargebackRatePercent: string;
  /** USD fee per chargeback, on top of the lost amount. */
  readonly chargebackFee: string;
  /** USD per hour of engineering, fully loaded. */
  readonly engineeringHourCost: string;
  readonly topUpsPerCustomerPerMonth: string;
  /** Percent of customers whose wallet is active in a month (Credyt bills monthly active wallets). */
  readonly activeWalletSharePercent: string;
  /** USD a wallet may go below zero, on average per customer. */
  readonly avgOverdraftLimit: string;
  /** Percent of spend captured beyond the authorized hold, owed by the wallet until the next top-up. */
  readonly captureOverrunSharePercent: string;
  /** Percent of wallet debt (overdrafts and capture overruns) never repaid. */
  readonly debtWriteOffRatePercent: string;
  /** Percent of a custom-built feature's build hours spent each month keeping it working. */
  readonly featureUpkeepPercentPerMonth: string;
}

export type ScenarioKey = keyof Scenario;

export interface FieldSpec {
  readonly key: ScenarioKey;
  /** Traceability id, `scenario.<key>`. */
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly type: 'integer' | 'decimal' | 'cycle';
  /** The allowed values of a `cycle` field, for a select. */
  readonly choices?: readonly string[];
  /** Inclusive bounds as decimal text (ignored for `cycle`). */
  readonly min: string;
  readonly max: string;
  /** When set, `min` itself is refused (a divisor). */
  readonly minExclusive?: boolean;
  readonly default: Sourced<string | number>;
}

export const scenarioInputId = (key: ScenarioKey): string => `scenario.${key}`;

const canonical = (value: string | number): Sourced<string | number> => ({ value, source: SRC.canonical, date: '2026-04', kind: 'published' });
const assumed = (value: string | number, source: string, note?: string): Sourced<string | number> => ({
  value,
  source,
  date: ASSUMED_ON,
  kind: 'assumption',
  ...(note === undefined ? {} : { note }),
});

const spec = (key: ScenarioKey, label: string, unit: string, type: FieldSpec['type'], min: string, max: string, def: Sourced<string | number>, minExclusive = false): FieldSpec => ({
  key,
  id: scenarioInputId(key),
  label,
  unit,
  type,
  min,
  max,
  ...(minExclusive ? { minExclusive } : {}),
  ...(type === 'cycle' ? { choices: BILLING_CYCLES } : {}),
  default: def,
});

/** Upper bound for customer counts, in the form and in the break-even search. */
export const MAX_CUSTOMERS = 100_000_000;

export const SCENARIO_FIELDS: readonly FieldSpec[] = [
  spec('customers', 'Customers', 'customers', 'integer', '0', String(MAX_CUSTOMERS), canonical(100)),
  spec('avgMonthlySpend', 'Average monthly spend per customer', 'USD/month', 'decimal', '0', '1000000', canonical('20')),
  spec('eventsPerCustomerPerMonth', 'Usage events per customer per month', 'events/month', 'integer', '0', '1000000000', canonical(1000)),
  spec('seats', 'Platform seats (team members using the billing console)', 'seats', 'integer', '0', '10000', canonical(5)),
  spec('pspPercent', 'Payment processing: percent of each payment', '%', 'decimal', '0', '20',
    assumed('2.9', 'Published PSP example: Stripe standard online card rate in the US, 2.9% + $0.30', 'Use your own PSP contract')),
  spec('pspFixed', 'Payment processing: fixed fee per payment', 'USD/payment', 'decimal', '0', '10',
    assumed('0.30', 'Published PSP example: Stripe standard online card rate in the US, 2.9% + $0.30', 'Use your own PSP contract')),
  spec('horizonMonths', 'Horizon', 'months', 'integer', '1', '120', assumed(36, 'Three years: a common planning horizon for build-versus-buy decisions')),
  spec('billingCycle', 'Invoice billing cycle', 'cycle', 'cycle', '0', '0', assumed('monthly', 'Monthly invoicing, as in the article\'s "end-of-cycle invoicing"')),
  spec('paymentTermsDays', 'Invoice payment terms', 'days', 'integer', '0', '180', assumed(30, 'Net 30, the usual B2B invoice term')),
  spec('unpaidInvoiceRatePercent', 'Invoices never collected', '% of invoiced', 'decimal', '0', '100', assumed('1', SRC.ours)),
  spec('chargebackRatePercent', 'Chargebacks on prepaid top-ups', '% of top-ups', 'decimal', '0', '100',
    assumed('0.5', SRC.ours, 'Kept under the roughly 0.9-1% dispute ratios at which card networks start monitoring a merchant')),
  spec('chargebackFee', 'Fee per chargeback', 'USD/chargeback', 'decimal', '0', '1000', assumed('15', 'Typical PSP dispute fee (Stripe US charges $15 per dispute)')),
  spec('engineeringHourCost', 'Cost of one hour of engineering', 'USD/hour', 'decimal', '0', '2000',
    assumed('100', SRC.ours, 'Roughly a $200k/year fully loaded engineer over 2,000 working hours')),
  spec('topUpsPerCustomerPerMonth', 'Wallet top-ups per customer per month', 'top-ups/month', 'decimal', '0', '1000', assumed('1', SRC.ours), true),
  spec('activeWalletSharePercent', 'Customers with an active wallet in a month', '%', 'decimal', '0', '100',
    assumed('100', SRC.ours, 'The published canonical figure ($90 for 100 customers) counts every customer as active')),
  spec('avgOverdraftLimit', 'Average overdraft limit per wallet', 'USD', 'decimal', '0', '1000000',
    assumed('2', SRC.ours, 'A small grace allowance (10% of the canonical $20 spend) so in-flight requests are not cut off')),
  spec('captureOverrunSharePercent', 'Usage captured beyond holds (becomes wallet debt)', '% of spend', 'decimal', '0', '100',
    assumed('0.5', SRC.ours, 'E.g. streamed responses that run longer than the amount reserved before the call')),
  spec('debtWriteOffRatePercent', 'Wallet debt never repaid', '% of debt', 'decimal', '0', '100', assumed('1', SRC.ours, 'Same as the unpaid invoice rate')),
  spec('featureUpkeepPercentPerMonth', 'Upkeep of custom-built features', '% of build hours per month', 'decimal', '0', '100',
    assumed('2', SRC.ours, 'About a quarter of the build effort again every year')),
];

export const FIELD_BY_KEY: Readonly<Record<ScenarioKey, FieldSpec>> = Object.fromEntries(SCENARIO_FIELDS.map((f) => [f.key, f])) as Record<ScenarioKey, FieldSpec>;

export const DEFAULT_SCENARIO: Scenario = Object.freeze(
  Object.fromEntries(SCENARIO_FIELDS.map((f) => [f.key, f.default.value])) as unknown as Scenario,
);

export interface FieldError {
  readonly field: ScenarioKey;
  readonly id: string;
  readonly message: string;
}

export type ScenarioValidation = { ok: true; scenario: Scenario } | { ok: false; errors: FieldError[] };

/**
 * Checks and normalizes a form's values. Missing fields take their labelled default (so a caller can
 * pass only what the operator changed); present but invalid fields are errors, never silently fixed.
 * Numbers are accepted for convenience and converted through their shortest text, never kept as floats.
 */
export function validateScenario(raw: Readonly<Partial<Record<ScenarioKey, unknown>>>): ScenarioValidation {
  const errors: FieldError[] = [];
  const out: Record<string, string | number> = {};
  for (const f of SCENARIO_FIELDS) {
    const value = raw[f.key];
    if (value === undefined) {
      out[f.key] = f.default.value;
      continue;
    }
    const result = checkField(f, value);
    if (typeof result === 'object') errors.push({ field: f.key, id: f.id, message: result.error });
    else out[f.key] = result;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, scenario: out as unknown as Scenario };
}

function checkField(f: FieldSpec, value: unknown): string | number | { error: string } {
  if (f.type === 'cycle') {
    return typeof value === 'string' && (BILLING_CYCLES as string[]).includes(value) ? value : { error: `${f.label} must be one of ${BILLING_CYCLES.join(', ')}` };
  }
  let d: Dec;
  if (typeof value === 'number' && Number.isFinite(value)) d = dec(value);
  else if (typeof value === 'string' && isDecimalText(value.trim())) d = dec(value.trim());
  else return { error: `${f.label} must be a number` };
  if (f.type === 'integer' && !isInteger(d)) return { error: `${f.label} must be a whole number` };
  const low = cmp(d, dec(f.min));
  if (low < 0 || (f.minExclusive === true && low === 0)) return { error: `${f.label} must be ${f.minExclusive === true ? 'more than' : 'at least'} ${f.min} ${f.unit}` };
  if (cmp(d, dec(f.max)) > 0) return { error: `${f.label} must be at most ${f.max} ${f.unit}` };
  return f.type === 'integer' ? Number(toText(d)) : toText(d);
}

export class TcoInputError extends Error {
  override name = 'TcoInputError';
  constructor(readonly errors: readonly { id: string; message: string }[]) {
    super(`invalid TCO input: ${errors.map((e) => `${e.id}: ${e.message}`).join('; ')}`);
  }
}

/** Validates a scenario the model is about to use; throws with every field error at once. */
export function assertScenario(s: Scenario): Scenario {
  const v = validateScenario(s as unknown as Record<ScenarioKey, unknown>);
  if (!v.ok) throw new TcoInputError(v.errors);
  return v.scenario;
}

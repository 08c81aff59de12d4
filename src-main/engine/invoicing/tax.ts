import { dec, div, mul, toMinor, toText } from '../../../shared/decimal';
import type { CustomerRow } from '../../storage/store';
import type { CompiledPlan } from '../pricing/plans';
import type { OperatorSettings } from '../settings';

/**
 * Tax rates, most specific first: the plan's rate, else the customer's, else the operator's. A
 * customer marked exempt or reverse-charge is taxed at 0% with its note printed.
 */
export function taxRateFor(settings: OperatorSettings, customer: CustomerRow, plan: CompiledPlan | null): { rate: string; note: string | null } {
  if (customer.tax_treatment === 'exempt') return { rate: '0', note: customer.tax_note ?? 'Exempt from tax.' };
  if (customer.tax_treatment === 'reverse_charge') return { rate: '0', note: customer.tax_note ?? 'Reverse charge: VAT to be accounted for by the recipient.' };
  const rate = plan?.definition.tax_rate ?? customer.tax_rate ?? settings.tax_rate;
  return { rate: toText(dec(rate)), note: customer.tax_note };
}

/**
 * Tax on a base, rounded once per rate (half up) to the currency's minor unit.
 * Exclusive: base x rate. Inclusive: the tax inside a tax-inclusive amount, base x rate / (100 + rate).
 */
export function taxOn(base: bigint, rate: string, inclusive: boolean): bigint {
  const r = dec(rate);
  if (r.c === 0n || base === 0n) return 0n;
  const exact = inclusive ? div(mul(dec(base), r), { c: 100n * 10n ** BigInt(r.s) + r.c, s: r.s }, 12) : div(mul(dec(base), r), dec(100), 12);
  return toMinor(exact, 0, 'half_up');
}

/**
 * Percentage: a rate on the summed amount above the free amount, plus a fixed fee per paying event
 * (lago-api `ChargeModels::PercentageService#compute_percentage_amount` and `#compute_fixed_amount`;
 * docs https://getlago.com/docs/guide/plans/charges/charge-models/percentage).
 *
 * - rate part: `(units - free amount) * rate / 100`, or 0 when the free amount exceeds the units;
 * - fixed part: `(events - free events) * fixed_amount`, or 0 when the aggregated units are zero
 *   (Lago's `return 0.0 if units.zero?`), so events summing to nothing pay no fixed fee.
 *
 * Lago's premium per-transaction minimum / maximum is not implemented.
 */
import { type Dec, ZERO, add, cmp, dec, isZero, min, mul, sub, toText } from '../../decimal';
import { freeAmount } from '../free-units';
import type { BreakdownLine } from '../lines';
import type { PercentageProperties } from '../spec';
import type { ChargeUsage } from '../usage';
import type { ModelPrice } from './result';

/**
 * @param units the summed amount after rounding and allowance
 * @param rawUnits the summed amount before the allowance, for Lago's zero check of the fixed fee
 */
export function pricePercentage(properties: PercentageProperties, units: Dec, rawUnits: Dec, usage: ChargeUsage, lines: BreakdownLine[] | null): ModelPrice {
  const free = freeAmount(properties, usage.freeRunningTotal);
  const paidUnits = cmp(units, free) > 0 ? sub(units, free) : ZERO;
  const rateAmount = mul(paidUnits, properties.rateFraction);

  const paidEvents = isZero(rawUnits) ? 0 : usage.events - usage.freeEvents;
  const fixedAmount = paidEvents > 0 && !isZero(properties.fixedAmount) ? mul(dec(paidEvents), properties.fixedAmount) : ZERO;
  const amount = add(rateAmount, fixedAmount);

  if (lines) {
    if (!isZero(free)) {
      lines.push({ kind: 'free_amount', label: 'Free amount', from: null, to: null, units: min(units, free), unitPrice: ZERO, flatFee: ZERO, amount: ZERO });
    }
    lines.push({
      kind: 'rate',
      label: `${toText(properties.rate)} %`,
      from: null,
      to: null,
      units: paidUnits,
      unitPrice: properties.rateFraction,
      flatFee: ZERO,
      amount: rateAmount,
    });
    if (!isZero(properties.fixedAmount)) {
      lines.push({
        kind: 'fixed_fee',
        label: usage.freeEvents > 0 ? `Fixed fee per event (${usage.freeEvents} free)` : 'Fixed fee per event',
        from: null,
        to: null,
        units: dec(paidEvents),
        unitPrice: properties.fixedAmount,
        flatFee: ZERO,
        amount: fixedAmount,
      });
    }
  }
  return { amount, billableUnits: paidUnits };
}

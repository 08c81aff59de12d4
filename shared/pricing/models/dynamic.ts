/**
 * Dynamic: each event carries its own amount; the charge is their sum
 * (lago-api `ChargeModels::DynamicService`: `precise_total_amount_cents` summed over the events,
 * and 0 when the aggregated units are zero, which Lago checks before reading the amounts).
 */
import { type Dec, ZERO, isZero } from '../../decimal';
import type { BreakdownLine } from '../lines';
import type { ModelPrice } from './result';

export function priceDynamic(units: Dec, amountSum: Dec, lines: BreakdownLine[] | null): ModelPrice {
  const amount = isZero(units) ? ZERO : amountSum;
  lines?.push({ kind: 'events', label: 'Priced per event', from: null, to: null, units, unitPrice: null, flatFee: ZERO, amount });
  return { amount, billableUnits: units };
}

/**
 * Standard: every unit at the same price (lago-api `ChargeModels::StandardService`:
 * `units * amount`; Tollgate names the property `unit_price`).
 */
import { type Dec, ZERO, mul } from '../../decimal';
import type { BreakdownLine } from '../lines';
import type { StandardProperties } from '../spec';
import type { ModelPrice } from './result';

export function priceStandard(properties: StandardProperties, units: Dec, lines: BreakdownLine[] | null): ModelPrice {
  const amount = mul(units, properties.unitPrice);
  lines?.push({ kind: 'units', label: 'Units', from: null, to: null, units, unitPrice: properties.unitPrice, flatFee: ZERO, amount });
  return { amount, billableUnits: units };
}

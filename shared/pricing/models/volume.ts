/**
 * Volume: the one tier that holds the total prices every unit, plus that tier's flat fee
 * (lago-api `ChargeModels::VolumeService`).
 *
 * - Zero usage falls in the first tier, so its flat fee applies (lago-api PR #5760; spec
 *   "when aggregation is 0 / applies the flat amount from the first tier").
 * - A fractional total between two tiers belongs to the upper one: Lago matches
 *   `from_value <= units.ceil && units <= to_value`, so 100.5 with tiers 0–100, 101–200 is priced
 *   at the second tier (spec "when aggregation is in the between of first and second range").
 * - The amount is not monotone: crossing into a cheaper tier reprices every unit, so 10,001 units
 *   can cost less than 10,000.
 */
import { type Dec, add, mul } from '../../decimal';
import type { BreakdownLine } from '../lines';
import type { TieredProperties } from '../spec';
import { tierHolding } from '../tiers';
import type { ModelPrice } from './result';

export function priceVolume(properties: TieredProperties, units: Dec, lines: BreakdownLine[] | null): ModelPrice {
  const tier = tierHolding(properties.tiers, units);
  const amount = add(mul(units, tier.perUnitAmount), tier.flatAmount);
  lines?.push({ kind: 'tier', label: tier.label, from: tier.from, to: tier.to, units, unitPrice: tier.perUnitAmount, flatFee: tier.flatAmount, amount });
  return { amount, billableUnits: units };
}

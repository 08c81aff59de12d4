/**
 * Graduated: each tier prices the units that fall in it, plus its flat fee once usage enters it
 * (lago-api `ChargeModels::GraduatedService` and `AmountDetails::RangeGraduatedService`).
 *
 * The first tier's flat fee applies even at zero usage: Lago charges it since lago-api PR #5760
 * ("fix: apply flat fee even when usage is zero", spec "when aggregation is 0 / applies the flat
 * amount from the first tier"). A later tier's flat fee applies once usage exceeds the previous
 * tier's `to_value`: exactly 100 units stay in a 0–100 tier, 100.5 enter the 101–200 tier with 0.5 units.
 *
 * The filled tiers below the one holding the usage are precomputed (`Tier.amountBefore`), so the
 * amount costs one binary search and one multiplication however many tiers there are.
 */
import { type Dec, add, mul, sub } from '../../decimal';
import type { BreakdownLine } from '../lines';
import type { TieredProperties } from '../spec';
import { tierHolding } from '../tiers';
import type { ModelPrice } from './result';

export function priceGraduated(properties: TieredProperties, units: Dec, lines: BreakdownLine[] | null): ModelPrice {
  const { tiers } = properties;
  const current = tierHolding(tiers, units);
  const inTier = sub(units, current.lower);
  const currentAmount = add(mul(inTier, current.perUnitAmount), current.flatAmount);
  if (lines) {
    for (let i = 0; i < current.index; i++) {
      const tier = tiers[i]!;
      lines.push({
        kind: 'tier',
        label: tier.label,
        from: tier.from,
        to: tier.to,
        units: tier.fullUnits!,
        unitPrice: tier.perUnitAmount,
        flatFee: tier.flatAmount,
        amount: tier.fullAmount!,
      });
    }
    lines.push({
      kind: 'tier',
      label: current.label,
      from: current.from,
      to: current.to,
      units: inTier,
      unitPrice: current.perUnitAmount,
      flatFee: current.flatAmount,
      amount: currentAmount,
    });
  }
  return { amount: add(current.amountBefore, currentAmount), billableUnits: units };
}

/**
 * Package: a price per started package of units, after free units
 * (lago-api `ChargeModels::PackageService`: `paid_units.fdiv(package_size).ceil * amount`,
 * zero when `units - free_units` is negative). "A group counts from its first unit":
 * with $5 per 100 units and 100 free, 201 units cost 2 packages, $10.
 */
import { type Dec, ZERO, cmp, div, min, mul, sub, toText } from '../../decimal';
import type { BreakdownLine } from '../lines';
import type { PackageProperties } from '../spec';
import type { ModelPrice } from './result';

export function pricePackage(properties: PackageProperties, units: Dec, lines: BreakdownLine[] | null): ModelPrice {
  const { amount: packagePrice, packageSize, freeUnits } = properties;
  const paidUnits = cmp(units, freeUnits) > 0 ? sub(units, freeUnits) : ZERO;
  const packages = paidUnits.c === 0n ? ZERO : div(paidUnits, packageSize, 0, 'ceil');
  const amount = mul(packages, packagePrice);
  if (lines) {
    if (freeUnits.c !== 0n) {
      lines.push({ kind: 'free_units', label: 'Free units', from: null, to: null, units: min(units, freeUnits), unitPrice: ZERO, flatFee: ZERO, amount: ZERO });
    }
    lines.push({
      kind: 'packages',
      label: `Packages of ${toText(packageSize)} units`,
      from: null,
      to: null,
      units: packages,
      unitPrice: packagePrice,
      flatFee: ZERO,
      amount,
    });
  }
  return { amount, billableUnits: paidUnits };
}

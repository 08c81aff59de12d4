/**
 * Prices a charge's usage: quantity rounding, then the allowance, then the charge model.
 * Exact throughout; `roundToMinor` is the one place money is rounded.
 */
import { type Dec, ZERO, cmp, min, sub, toMinor } from '../decimal';
import type { BreakdownLine } from './lines';
import { priceDynamic } from './models/dynamic';
import { priceGraduated } from './models/graduated';
import { pricePackage } from './models/package';
import { pricePercentage } from './models/percentage';
import type { ModelPrice } from './models/result';
import { priceStandard } from './models/standard';
import { priceVolume } from './models/volume';
import { roundQuantity } from './quantity';
import type { ChargeSpec } from './spec';
import type { ChargeUsage } from './usage';

export type { BreakdownLine, LineKind } from './lines';
export type { ChargeModel, ChargeSpec } from './spec';

export interface PriceResult {
  /** Exact, unrounded, in major units of the charge's asset. */
  amount: Dec;
  /** The aggregated units, after the metric's rounding. */
  units: Dec;
  /** The units actually charged for: after the allowance and the model's own free units (package, percentage). */
  billableUnits: Dec;
  lines: BreakdownLine[];
}

/**
 * Units after the allowance: max(0, units - allowance). Negative aggregated usage (a sum metric fed
 * refunds) prices as zero units here, where Lago would price a negative standard fee; Tollgate
 * never turns usage into a credit.
 */
function unitsAfterAllowance(units: Dec, allowance: Dec | undefined, lines: BreakdownLine[] | null): Dec {
  const positive = units.c > 0n ? units : ZERO;
  if (allowance === undefined) return positive;
  if (lines) {
    const included = min(positive, allowance);
    lines.push({ kind: 'included', label: 'Included units', from: null, to: null, units: included, unitPrice: ZERO, flatFee: ZERO, amount: ZERO });
  }
  return cmp(positive, allowance) > 0 ? sub(positive, allowance) : ZERO;
}

function evaluate(charge: ChargeSpec, usage: ChargeUsage, units: Dec, lines: BreakdownLine[] | null): ModelPrice {
  if (charge.model === 'dynamic') return priceDynamic(units, usage.amountSum, lines);
  const billable = unitsAfterAllowance(units, charge.allowance, lines);
  switch (charge.model) {
    case 'standard':
      return priceStandard(charge.properties, billable, lines);
    case 'graduated':
      return priceGraduated(charge.properties, billable, lines);
    case 'volume':
      return priceVolume(charge.properties, billable, lines);
    case 'package':
      return pricePackage(charge.properties, billable, lines);
    case 'percentage':
      return pricePercentage(charge.properties, billable, units, usage, lines);
  }
}

function roundedUnits(charge: ChargeSpec, usage: ChargeUsage): Dec {
  return charge.rounding ? roundQuantity(usage.units, charge.rounding) : usage.units;
}

export function priceCharge(charge: ChargeSpec, usage: ChargeUsage): PriceResult {
  const lines: BreakdownLine[] = [];
  const units = roundedUnits(charge, usage);
  const { amount, billableUnits } = evaluate(charge, usage, units, lines);
  return { amount, units, billableUnits, lines };
}

/** The amount alone, without building invoice lines: the engine's per-event path. */
export function chargeAmount(charge: ChargeSpec, usage: ChargeUsage): Dec {
  return evaluate(charge, usage, roundedUnits(charge, usage), null).amount;
}

/**
 * THE money rounding point: an exact amount to integer minor units of an asset with `scale`
 * decimals, half up (half away from zero: 0.005 -> 0.01, -0.005 -> -0.01).
 */
export function roundToMinor(amount: Dec, scale: number): bigint {
  return toMinor(amount, scale, 'half_up');
}

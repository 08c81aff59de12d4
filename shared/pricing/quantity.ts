/**
 * Rounding of an aggregated quantity, Lago's billable-metric rounding
 * (lago-api `BillableMetrics::Aggregations::ApplyRoundingService`; docs
 * https://getlago.com/docs/guide/billable-metrics/rounding):
 *
 * - applied to the period's aggregated value, never to single events;
 * - `round` is Ruby `BigDecimal#round(precision)`, whose default mode is half up (away from zero);
 *   `ceil` / `floor` go toward +infinity / -infinity;
 * - `precision` is the number of decimals kept, default 0; a negative precision rounds to the left
 *   of the decimal point: 123.4567 with precision -1 -> 120.
 */
import * as z from 'zod';
import { type Dec, type RoundingMode, normalize, pow10, round, roundQuotient } from '../decimal';

export type QuantityRoundingMode = 'round' | 'ceil' | 'floor';

export interface QuantityRounding {
  mode: QuantityRoundingMode;
  precision: number;
}

/** Same bounds as the API contract; they keep powers of ten small. */
export const MAX_ROUNDING_PRECISION = 15;

export const quantityRoundingSchema = z.strictObject({
  mode: z.enum(['round', 'ceil', 'floor'], { error: 'must be one of round, ceil, floor' }),
  precision: z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(-MAX_ROUNDING_PRECISION, { error: `must be at least -${MAX_ROUNDING_PRECISION}` })
    .max(MAX_ROUNDING_PRECISION, { error: `must be at most ${MAX_ROUNDING_PRECISION}` })
    .optional()
    .default(0),
});

const DECIMAL_MODE: Record<QuantityRoundingMode, RoundingMode> = { round: 'half_up', ceil: 'ceil', floor: 'floor' };

export function roundQuantity(quantity: Dec, rounding: QuantityRounding): Dec {
  const mode = DECIMAL_MODE[rounding.mode];
  if (rounding.precision >= 0) return normalize(round(quantity, rounding.precision, mode));
  // Negative precision: round the quantity in units of 10^-precision, then scale back up.
  const step = pow10(-rounding.precision);
  const steps = roundQuotient(quantity.c, pow10(quantity.s) * step, mode);
  return { c: steps * step, s: 0 };
}

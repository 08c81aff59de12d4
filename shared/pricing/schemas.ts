/**
 * The wire shape of each charge model's `properties`, Lago's property names, one zod schema per model.
 * These check fields one by one (type, decimal text, sign, whole numbers); the rules that relate
 * tiers to each other live in `tiers.ts`, which can name the tier at fault.
 *
 * Objects are strict: a misspelt optional key (`free_unit`) would otherwise be dropped silently and
 * the customer billed without the free units the plan promised.
 */
import * as z from 'zod';
import { BOUND, NON_NEGATIVE_COUNT, POSITIVE_COUNT, PRICE, numberField, optionalNumberField } from './fields';

/** Tiers are walked for every priced event; this bounds the walk. */
export const MAX_TIERS = 1000;

export const tierSchema = z.strictObject(
  {
    from_value: numberField(BOUND),
    /** `null` (or absent) only on the last tier: open-ended. */
    to_value: optionalNumberField(BOUND),
    per_unit_amount: numberField(PRICE),
    flat_amount: numberField(PRICE),
  },
  { error: 'must be an object {from_value, to_value, per_unit_amount, flat_amount}' },
);

function tierList(what: string) {
  return z
    .array(tierSchema, { error: `must be a list of tiers` })
    .min(1, { error: `needs at least one tier (${what} pricing is defined by its tiers)` })
    .max(MAX_TIERS, { error: `has more than ${MAX_TIERS} tiers` });
}

const OBJECT = { error: 'must be an object' };

export const standardPropertiesSchema = z.strictObject({ unit_price: numberField(PRICE) }, OBJECT);

export const graduatedPropertiesSchema = z.strictObject({ graduated_ranges: tierList('graduated') }, OBJECT);

export const volumePropertiesSchema = z.strictObject({ volume_ranges: tierList('volume') }, OBJECT);

export const packagePropertiesSchema = z.strictObject(
  {
    /** Price of one package. */
    amount: numberField(PRICE),
    /** Whole units per package, > 0 (Lago: `package_size.is_a?(Integer) && package_size.positive?`). */
    package_size: numberField(POSITIVE_COUNT),
    /** Whole free units, default 0 (Lago: Integer >= 0). */
    free_units: optionalNumberField(NON_NEGATIVE_COUNT),
  },
  OBJECT,
);

export const percentagePropertiesSchema = z.strictObject(
  {
    /**
     * Percent of the summed amount (`"1.2"` is 1.2 %). Lago accepts any non-negative decimal string,
     * above 100 too (`Validators::DecimalAmountService#valid_amount?`), so a 150 % markup is valid.
     */
    rate: numberField(PRICE),
    /** Fee per paying event. */
    fixed_amount: optionalNumberField(PRICE),
    /** First N events free of the fixed fee; a positive whole number when set (Lago refuses 0). */
    free_units_per_events: optionalNumberField(POSITIVE_COUNT),
    /** Free amount not subject to the rate; 0 means none, as in Lago. */
    free_units_per_total_aggregation: optionalNumberField(PRICE),
  },
  OBJECT,
);

/** The events carry their own price: nothing to configure. */
export const dynamicPropertiesSchema = z.strictObject({}, OBJECT);

export const PROPERTY_SCHEMAS = {
  standard: standardPropertiesSchema,
  graduated: graduatedPropertiesSchema,
  volume: volumePropertiesSchema,
  package: packagePropertiesSchema,
  percentage: percentagePropertiesSchema,
  dynamic: dynamicPropertiesSchema,
} as const;

export type ChargeModel = keyof typeof PROPERTY_SCHEMAS;
export const CHARGE_MODELS = Object.keys(PROPERTY_SCHEMAS) as ChargeModel[];

export type StandardPropertiesInput = z.input<typeof standardPropertiesSchema>;
export type GraduatedPropertiesInput = z.input<typeof graduatedPropertiesSchema>;
export type VolumePropertiesInput = z.input<typeof volumePropertiesSchema>;
export type PackagePropertiesInput = z.input<typeof packagePropertiesSchema>;
export type PercentagePropertiesInput = z.input<typeof percentagePropertiesSchema>;
export type TierOutput = z.output<typeof tierSchema>;

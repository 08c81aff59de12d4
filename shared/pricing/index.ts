/**
 * Tollgate's pricing library: Lago's charge models on exact decimals, with no Node or DOM API so it
 * runs in the engine and in the browser alike.
 *
 * Flow: `parseChargeSpec` once per charge when the plan is created; then per event
 * `addEvent` (or `withUnits` for non-additive metrics) and `chargeAmount` / `priceCharge`;
 * `roundToMinor` when an amount becomes money.
 */
export { type PricingIssue, type IssuePath, chargeIssue, formatPath } from './issues';
export { type NumberRule, type SignRule, checkNumber } from './fields';
export {
  CHARGE_MODELS,
  MAX_TIERS,
  dynamicPropertiesSchema,
  graduatedPropertiesSchema,
  packagePropertiesSchema,
  percentagePropertiesSchema,
  standardPropertiesSchema,
  tierSchema,
  volumePropertiesSchema,
  type GraduatedPropertiesInput,
  type PackagePropertiesInput,
  type PercentagePropertiesInput,
  type StandardPropertiesInput,
  type VolumePropertiesInput,
} from './schemas';
export type {
  ChargeModel,
  ChargeSpec,
  DynamicProperties,
  DynamicSpec,
  GraduatedSpec,
  PackageProperties,
  PackageSpec,
  PercentageProperties,
  PercentageSpec,
  StandardProperties,
  StandardSpec,
  Tier,
  TieredProperties,
  VolumeSpec,
} from './spec';
export { type ParseChargeSpecResult, parseChargeSpec } from './parse';
export { type ChargeUsage, addEvent, emptyUsage, withUnits } from './usage';
export { type PriceResult, chargeAmount, priceCharge, roundToMinor } from './price';
export { allocateMinor } from './allocate';
export type { BreakdownLine, LineKind } from './lines';
export { MAX_ROUNDING_PRECISION, type QuantityRounding, type QuantityRoundingMode, quantityRoundingSchema, roundQuantity } from './quantity';
export { freeAmount, freeEventAllowance } from './free-units';
export { tierHolding } from './tiers';

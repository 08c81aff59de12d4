/**
 * A charge as pricing sees it: the model and its properties parsed into `Dec`s once, when the plan
 * is created (`parseChargeSpec`), so pricing an event does no parsing and no validation.
 */
import type { Dec } from '../decimal';
import type { QuantityRounding } from './quantity';

export type { ChargeModel } from './schemas';

/**
 * One tier of a graduated or volume charge.
 *
 * Lago writes tiers as 0–100, 101–200, 201–∞ (each `from_value` one unit after the previous
 * `to_value`). A fractional quantity between two tiers belongs to the upper one: Lago prices 100.5
 * units as 100 in the first tier and 0.5 in the second (graduated: `total_units - from_value + 1`
 * in `ChargeModels::AmountDetails::RangeGraduatedService`; volume: the range whose
 * `from_value <= ceil(units)` and `units <= to_value` in `ChargeModels::VolumeService`).
 * So a tier really covers the half-open interval (previous to_value, to_value], and the first
 * covers [0, to_value]. `lower` is that interval's start; pricing only reads `lower` and `to`.
 */
export interface Tier {
  index: number;
  /** As written, for invoices. */
  from: Dec;
  /** `null`: open-ended (last tier only). */
  to: Dec | null;
  /** Start of the interval the tier prices: 0 for the first tier, else the previous tier's `to`. */
  lower: Dec;
  perUnitAmount: Dec;
  flatAmount: Dec;
  /** Precomputed invoice label ("0 – 10000", "100001 and above"). */
  label: string;
  /** Units of the tier when usage fills it (`to - lower`); null for the open last tier. */
  fullUnits: Dec | null;
  /** Graduated amount of the tier when filled, flat fee included; null for the open last tier. */
  fullAmount: Dec | null;
  /**
   * Graduated amount of all tiers below this one, filled: precomputed so that pricing an event
   * costs one binary search and one multiplication, whatever the number of tiers.
   */
  amountBefore: Dec;
}

export interface StandardProperties {
  unitPrice: Dec;
}

export interface TieredProperties {
  tiers: readonly Tier[];
}

export interface PackageProperties {
  amount: Dec;
  packageSize: Dec;
  freeUnits: Dec;
}

export interface PercentageProperties {
  /** Percent, as configured. */
  rate: Dec;
  /** `rate / 100`, exact (a shift of the scale). */
  rateFraction: Dec;
  /** 0 when not set. */
  fixedAmount: Dec;
  /** 0 when not set. */
  freeUnitsPerEvents: number;
  /** 0 when not set. */
  freeUnitsPerTotalAggregation: Dec;
  /** Either free option is set, so events must feed the free running total. */
  hasFreeUnits: boolean;
}

export type DynamicProperties = Record<string, never>;

interface SpecBase {
  /**
   * Included units per period: the charge prices F(max(0, units - allowance)).
   *
   * The allowance is in the metric's units, for every model:
   * - package: it comes off the units before the package's own `free_units`, so both stack
   *   (allowance 50 + free_units 100: the first 150 units are free);
   * - percentage: the units are the summed amount, so the allowance is an amount free of the rate,
   *   stacking with `free_units_per_total_aggregation`; it does not touch the fixed fee, which is
   *   per event and governed by `free_units_per_events` alone;
   * - graduated / volume: tiers apply to the units left after the allowance (the first tier's
   *   flat fee still applies when nothing is left, as Lago charges it at zero usage);
   * - dynamic: refused, the events carry their own amounts.
   */
  allowance?: Dec;
  /** The metric's rounding of the aggregated quantity, applied before the allowance. */
  rounding?: QuantityRounding;
}

export interface StandardSpec extends SpecBase {
  model: 'standard';
  properties: StandardProperties;
}
export interface GraduatedSpec extends SpecBase {
  model: 'graduated';
  properties: TieredProperties;
}
export interface VolumeSpec extends SpecBase {
  model: 'volume';
  properties: TieredProperties;
}
export interface PackageSpec extends SpecBase {
  model: 'package';
  properties: PackageProperties;
}
export interface PercentageSpec extends SpecBase {
  model: 'percentage';
  properties: PercentageProperties;
}
export interface DynamicSpec extends SpecBase {
  model: 'dynamic';
  properties: DynamicProperties;
}

export type ChargeSpec = StandardSpec | GraduatedSpec | VolumeSpec | PackageSpec | PercentageSpec | DynamicSpec;

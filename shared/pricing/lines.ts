/**
 * The rows an invoice prints for one charge. Every line satisfies
 * `amount = units × unitPrice + flatFee` (except dynamic lines, whose `unitPrice` is null because
 * each event carried its own price), so an invoice can show its arithmetic and a test can check it.
 */
import type { Dec } from '../decimal';

export type LineKind =
  /** Units covered by the charge's allowance. */
  | 'included'
  /** Standard: units × unit price. */
  | 'units'
  /** One graduated tier, or the volume tier that holds the total. */
  | 'tier'
  /** Package: the package's free units. */
  | 'free_units'
  /** Package: `units` counts packages, `unitPrice` is the package price. */
  | 'packages'
  /** Percentage: the free amount, not subject to the rate. */
  | 'free_amount'
  /** Percentage: the rate on the paying amount; `unitPrice` is the rate as a fraction (1.2 % -> 0.012). */
  | 'rate'
  /** Percentage: `units` counts the paying events, `unitPrice` is the fixed fee. */
  | 'fixed_fee'
  /** Dynamic: the events' own amounts. */
  | 'events';

export interface BreakdownLine {
  kind: LineKind;
  label: string;
  /** Tier bounds for `tier` lines, else null. */
  from: Dec | null;
  to: Dec | null;
  /** What the line counts: units, or packages (`packages`) or events (`fixed_fee`). */
  units: Dec;
  unitPrice: Dec | null;
  flatFee: Dec;
  amount: Dec;
}

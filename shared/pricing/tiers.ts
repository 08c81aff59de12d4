/**
 * The rules that relate tiers to each other, checked once when the plan is created, each error
 * naming the tier at fault and the value it should have.
 *
 * Lago's rule (lago-api `Validators::RangeBoundsValidator`, used by the graduated and volume
 * validators): the first tier starts at 0; each next tier starts at the previous `to_value + 1`;
 * every tier but the last has `to_value > from_value`; only the last is open-ended (`to_value` null).
 * Prices and flat fees are non-negative decimal strings (`DecimalAmountService#valid_amount?`).
 *
 * Newer Lago also prices "adjacent" tiers, each starting exactly where the previous one ends
 * (0–0.1, 0.1–1, 1–∞; `ChargeModels::AdjacentRanges`), which is how fractional boundaries are
 * written. Both writings mean the same intervals, (previous to_value, to_value], so both are
 * accepted, but not mixed in one list: Lago prices a mixed list with the one-unit step everywhere,
 * which would count the units of an adjacent boundary twice.
 */
import { type Dec, ONE, ZERO, add, cmp, eq, isZero, mul, sub, toText } from '../decimal';
import { formatQuantity } from '../quantity';
import type { PricingIssue } from './issues';
import type { TierOutput } from './schemas';
import type { Tier } from './spec';

export type TierListKey = 'graduated_ranges' | 'volume_ranges';

type BoundaryStyle = 'next_unit' | 'adjacent';

export type TiersResult = { ok: true; tiers: Tier[] } | { ok: false; errors: PricingIssue[] };

const t = toText;

function tierIssue(key: TierListKey, index: number, field: string, code: string, detail: string): PricingIssue {
  return { path: [key, index, field], code, message: `${key}[${index}]: ${detail}` };
}

function describeStyle(style: BoundaryStyle): string {
  return style === 'next_unit' ? 'one unit after the tier before it ends' : 'exactly where the tier before it ends';
}

/** Checks the boundary between tier `i - 1` and tier `i`; returns its style when it is a valid one. */
function checkBoundary(key: TierListKey, i: number, previousTo: Dec, from: Dec, errors: PricingIssue[]): BoundaryStyle | null {
  const next = add(previousTo, ONE);
  if (eq(from, next)) return 'next_unit';
  if (eq(from, previousTo)) return 'adjacent';
  const ends = `tier ${i - 1} ends at ${t(previousTo)}`;
  if (cmp(from, next) > 0) {
    errors.push(tierIssue(key, i, 'from_value', 'tier_gap', `from_value ${t(from)} leaves a gap after ${t(previousTo)} (${ends}, so this tier must start at ${t(next)})`));
  } else if (cmp(from, previousTo) < 0) {
    errors.push(tierIssue(key, i, 'from_value', 'tier_overlap', `from_value ${t(from)} overlaps tier ${i - 1}, which ends at ${t(previousTo)} (this tier must start at ${t(next)})`));
  } else {
    errors.push(
      tierIssue(key, i, 'from_value', 'tier_misaligned', `from_value ${t(from)} must be ${t(next)}, one unit after ${ends} (or ${t(previousTo)} when every tier starts where the previous one ends)`),
    );
  }
  return null;
}

/** The invoice's name for a tier, bounds grouped in thousands ("10,001 – 50,000", "100,001 and above"). */
function label(from: Dec, to: Dec | null, style: BoundaryStyle): string {
  const q = (d: Dec) => formatQuantity(t(d));
  if (to !== null) return `${q(from)} – ${q(to)}`;
  return style === 'adjacent' && !isZero(from) ? `above ${q(from)}` : `${q(from)} and above`;
}

export function buildTiers(key: TierListKey, ranges: readonly TierOutput[]): TiersResult {
  const errors: PricingIssue[] = [];
  const last = ranges.length - 1;
  let style: { kind: BoundaryStyle; setBy: number } | null = null;

  ranges.forEach((range, i) => {
    const from = range.from_value;
    const to = range.to_value ?? null;
    if (i === 0 && !isZero(from)) {
      errors.push(tierIssue(key, 0, 'from_value', 'first_tier_not_at_zero', `from_value must be 0, got ${t(from)}: the first tier starts at zero usage`));
    }
    if (i < last) {
      if (to === null) {
        errors.push(
          tierIssue(key, i, 'to_value', 'open_tier_not_last', `to_value is null, but only the last tier may be open-ended (${last - i === 1 ? '1 more tier follows' : `${last - i} more tiers follow`})`),
        );
      } else if (cmp(to, from) <= 0) {
        errors.push(tierIssue(key, i, 'to_value', 'empty_tier', `to_value ${t(to)} must be greater than from_value ${t(from)}`));
      }
    } else if (to !== null) {
      errors.push(
        tierIssue(key, i, 'to_value', 'last_tier_not_open_ended', `to_value must be null: the last tier is open-ended, otherwise usage above ${t(to)} would have no price`),
      );
    }
    const previousTo = i > 0 ? (ranges[i - 1]!.to_value ?? null) : null;
    if (previousTo === null) return; // first tier, or a previous open tier already reported
    const kind = checkBoundary(key, i, previousTo, from, errors);
    if (kind === null) return;
    if (style === null) style = { kind, setBy: i };
    else if (style.kind !== kind) {
      const wanted = style.kind === 'next_unit' ? add(previousTo, ONE) : previousTo;
      errors.push(
        tierIssue(
          key,
          i,
          'from_value',
          'mixed_tier_boundaries',
          `from_value ${t(from)} starts ${describeStyle(kind)}, but tier ${style.setBy} starts ${describeStyle(style.kind)}; write every boundary the same way (here ${t(wanted)})`,
        ),
      );
    }
  });

  if (errors.length > 0) return { ok: false, errors };
  const kind: BoundaryStyle = (style as { kind: BoundaryStyle } | null)?.kind ?? 'next_unit';
  const tiers: Tier[] = [];
  let amountBefore: Dec = ZERO;
  ranges.forEach((range, i) => {
    const to = range.to_value ?? null;
    const lower = i === 0 ? range.from_value : ranges[i - 1]!.to_value!;
    const fullUnits = to === null ? null : sub(to, lower);
    const fullAmount = fullUnits === null ? null : add(mul(fullUnits, range.per_unit_amount), range.flat_amount);
    tiers.push({
      index: i,
      from: range.from_value,
      to,
      lower,
      perUnitAmount: range.per_unit_amount,
      flatAmount: range.flat_amount,
      label: label(range.from_value, to, kind),
      fullUnits,
      fullAmount,
      amountBefore,
    });
    if (fullAmount !== null) amountBefore = add(amountBefore, fullAmount);
  });
  return { ok: true, tiers };
}

/**
 * The tier whose interval (lower, to] holds `units` (the first tier also holds 0 and below), by
 * binary search: tiers are contiguous, ordered, and the last is open-ended.
 */
export function tierHolding(tiers: readonly Tier[], units: Dec): Tier {
  let low = 0;
  let high = tiers.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const to = tiers[middle]!.to;
    if (to === null || cmp(units, to) <= 0) high = middle;
    else low = middle + 1;
  }
  return tiers[low]!;
}

/**
 * Cross-check of the tier lookup (binary search, precomputed filled tiers) against Lago's own
 * formulas, transcribed literally from lago-api:
 * - graduated: `AmountDetails::RangeGraduatedService#units` (`to_value - from_value + 1` for a filled
 *   tier, `total_units - from_value + 1` inside it, no `+ 1` when `from_value` is 0), looping until a
 *   tier's `to_value >= total_units` (`GraduatedService#amount_details`);
 * - volume: the range with `from_value <= total.ceil && total <= to_value` (`VolumeService#matching_range`).
 */
import { describe, expect, it } from 'vitest';
import { type Dec, ONE, ZERO, add, cmp, dec, isZero, mul, round, sub, toText } from '../../../shared/decimal';
import { MAX_TIERS, chargeAmount } from '../../../shared/pricing';
import { charge, integers, usageOf } from './helpers';

interface Range {
  from: Dec;
  to: Dec | null;
  price: Dec;
  flat: Dec;
}

function lagoGraduated(ranges: Range[], total: Dec): Dec {
  let amount = ZERO;
  for (const r of ranges) {
    const effective = r.to !== null && cmp(total, r.to) >= 0 ? r.to : total;
    const units = isZero(r.from) ? effective : add(sub(effective, r.from), ONE);
    amount = add(amount, add(mul(units, r.price), r.flat));
    if (r.to === null || cmp(r.to, total) >= 0) break;
  }
  return amount;
}

function lagoVolume(ranges: Range[], total: Dec): Dec {
  const ceil = round(total, 0, 'ceil');
  const r = ranges.find((x) => cmp(x.from, ceil) <= 0 && (x.to === null || cmp(total, x.to) <= 0))!;
  return add(mul(total, r.price), r.flat);
}

/** `count` tiers in Lago's writing (0–a, a+1–b, ...), integer widths, prices in ten-thousandths. */
function randomTiers(seed: number, count: number): { json: object[]; ranges: Range[] } {
  const widths = integers(seed, count, 500);
  const prices = integers(seed + 1, count, 10_000);
  const flats = integers(seed + 2, count, 3);
  const json: object[] = [];
  const ranges: Range[] = [];
  let from = 0;
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const to = last ? null : from + widths[i]! + 1;
    const price = { c: BigInt(prices[i]!), s: 4 };
    const flat = dec(flats[i]!);
    json.push({ from_value: from, to_value: to, per_unit_amount: toText(price), flat_amount: toText(flat) });
    ranges.push({ from: dec(from), to: to === null ? null : dec(to), price, flat });
    if (to !== null) from = to + 1;
  }
  return { json, ranges };
}

describe('tier lookup agrees with Lago formulas', () => {
  it.each([1, 2, 3, 7, 40])('with %i tiers, whole and half units', (count) => {
    const { json, ranges } = randomTiers(count * 11, count);
    const graduated = charge('graduated', { graduated_ranges: json });
    const volume = charge('volume', { volume_ranges: json });
    const span = count * 520;
    const quantities = [0, ...integers(count, 300, span)].flatMap((n) => [dec(n), { c: BigInt(n) * 10n + 5n, s: 1 }]);
    for (const q of quantities) {
      const usage = usageOf(toText(q));
      expect(toText(chargeAmount(graduated, usage)), `graduated at ${toText(q)}`).toBe(toText(lagoGraduated(ranges, q)));
      expect(toText(chargeAmount(volume, usage)), `volume at ${toText(q)}`).toBe(toText(lagoVolume(ranges, q)));
    }
  });

  it(`accepts up to ${MAX_TIERS} tiers and refuses more`, () => {
    const { json } = randomTiers(5, MAX_TIERS + 1);
    const ok = json.slice(0, MAX_TIERS).map((t, i) => (i === MAX_TIERS - 1 ? { ...t, to_value: null } : t));
    expect(() => charge('graduated', { graduated_ranges: ok })).not.toThrow();
    expect(() => charge('graduated', { graduated_ranges: json })).toThrow(`graduated_ranges: has more than ${MAX_TIERS} tiers`);
  });
});

import { add, type Dec, toMinor, ZERO } from '../decimal';

/**
 * A charge's breakdown in money: the line's amount, rounded once, allocated to its parts (tiers,
 * free units, flat fees) so that they add up to it exactly. Cumulative rounding: part k is the
 * rounded sum of the exact parts up to k less the rounded sum up to k - 1, both rounded as the line
 * is (`roundToMinor`: half away from zero), and the sum up to the last part is the line's `total`
 * itself. So every part is its exact amount rounded up or down by less than one minor unit, and
 * when the line is the rounded exact total (the usual case) nothing else moves: 0.015 + 0.005 under
 * a line of 0.02 prints 0.02 + 0.00, not 0.02 + 0.01.
 *
 * When the line is not the rounded sum of its exact parts (usage carried over from a previous plan
 * prices all units while the line charges only the rest), the last part takes the difference.
 */
export function allocateMinor(parts: readonly Dec[], total: bigint, scale: number): bigint[] {
  const out: bigint[] = [];
  let cumulative: Dec = ZERO;
  let previous = 0n;
  for (const [i, part] of parts.entries()) {
    cumulative = add(cumulative, part);
    const upTo = i === parts.length - 1 ? total : toMinor(cumulative, scale, 'half_up');
    out.push(upTo - previous);
    previous = upTo;
  }
  return out;
}

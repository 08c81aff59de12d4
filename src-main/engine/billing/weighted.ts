import { add, type Dec, div, mul, ZERO } from '../../../shared/decimal';

/** Decimal places kept for a time-weighted quantity (then the metric's own rounding applies). */
export const WEIGHTED_SCALE = 12;

/**
 * `weighted_sum` (Lago's semantics): each event carries a change of a level (storage +10 GB,
 * -4 GB); the quantity of a segment is the time-weighted average of the level over the segment,
 * ∫ level dt / duration, measured to the millisecond. The level at the start is carried in for a
 * recurring metric (else 0). Events must be in time order; events before `start` count from
 * `start`, events at or after `end` are ignored.
 */
export function weightedUnits(changes: { at: number; value: Dec }[], initial: Dec, start: number, end: number): { units: Dec; final: Dec } {
  if (end <= start) return { units: initial, final: initial };
  let level = initial;
  let since = start;
  let area = ZERO;
  for (const c of changes) {
    if (c.at >= end) break;
    const at = c.at < start ? start : c.at;
    area = add(area, mul(level, { c: BigInt(at - since), s: 0 }));
    level = add(level, c.value);
    since = at;
  }
  area = add(area, mul(level, { c: BigInt(end - since), s: 0 }));
  return { units: div(area, { c: BigInt(end - start), s: 0 }, WEIGHTED_SCALE, 'half_up'), final: level };
}

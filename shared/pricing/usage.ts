/**
 * The per-period, per-charge usage state the engine keeps and feeds one event at a time.
 * Pure functions returning a new object: the engine can keep the old state to undo an event that
 * fails to commit. One object and a few BigInt additions per event; no validation on this path.
 */
import { type Dec, ZERO, add, cmp } from '../decimal';
import { freeEventAllowance, freeWindowClosed } from './free-units';
import type { ChargeSpec } from './spec';

export interface ChargeUsage {
  /** Aggregated quantity (after the metric's aggregation). */
  units: Dec;
  /** Number of events that fed this charge in the period. */
  events: number;
  /** Dynamic: sum of the events' own amounts. */
  amountSum: Dec;
  /**
   * Percentage: the last value of Lago's running total, i.e. the summed units of the events it
   * holds (the first `free_units_per_events` events, or the events up to and including the one that
   * crosses `free_units_per_total_aggregation`). See `free-units.ts`.
   */
  freeRunningTotal: Dec;
  /** Percentage: events free of the fixed fee so far (Lago's `free_events`, never above `events`). */
  freeEvents: number;
  /** Percentage: free allowance exhausted: the running total takes no further event. */
  freeClosed: boolean;
  /** Percentage: events of the running total whose cumulative sum is strictly below the free amount. */
  freeEventsUnderAmount: number;
}

export function emptyUsage(): ChargeUsage {
  return { units: ZERO, events: 0, amountSum: ZERO, freeRunningTotal: ZERO, freeEvents: 0, freeClosed: false, freeEventsUnderAmount: 0 };
}

/**
 * Adds one event's contribution: its units after the metric's aggregation (for a sum metric the
 * property value, for count 1) and, for dynamic charges, its own amount (missing counts as 0).
 * Percentage charges must be fed in event-time order: Lago's free units follow the first events.
 */
export function addEvent(charge: ChargeSpec, usage: ChargeUsage, contribution: { units: Dec; amount?: Dec }): ChargeUsage {
  const units = add(usage.units, contribution.units);
  const events = usage.events + 1;
  const amountSum = contribution.amount === undefined ? usage.amountSum : add(usage.amountSum, contribution.amount);
  if (charge.model !== 'percentage') {
    return {
      units,
      events,
      amountSum,
      freeRunningTotal: usage.freeRunningTotal,
      freeEvents: usage.freeEvents,
      freeClosed: usage.freeClosed,
      freeEventsUnderAmount: usage.freeEventsUnderAmount,
    };
  }
  const properties = charge.properties;
  if (!properties.hasFreeUnits || usage.freeClosed) {
    return {
      units,
      events,
      amountSum,
      freeRunningTotal: usage.freeRunningTotal,
      // The free-event count is frozen with the running total; only the event count grows.
      freeEvents: Math.min(events, freeEventAllowance(properties, usage.freeEventsUnderAmount)),
      freeClosed: true,
      freeEventsUnderAmount: usage.freeEventsUnderAmount,
    };
  }
  const freeRunningTotal = add(usage.freeRunningTotal, contribution.units);
  const under = cmp(freeRunningTotal, properties.freeUnitsPerTotalAggregation) < 0 ? usage.freeEventsUnderAmount + 1 : usage.freeEventsUnderAmount;
  return {
    units,
    events,
    amountSum,
    freeRunningTotal,
    freeEvents: Math.min(events, freeEventAllowance(properties, under)),
    freeClosed: freeWindowClosed(properties, freeRunningTotal, events),
    freeEventsUnderAmount: under,
  };
}

/** For non-additive metrics (max, unique_count, latest) the engine sets the aggregated units directly. */
export function withUnits(usage: ChargeUsage, units: Dec): ChargeUsage {
  return {
    units,
    events: usage.events,
    amountSum: usage.amountSum,
    freeRunningTotal: usage.freeRunningTotal,
    freeEvents: usage.freeEvents,
    freeClosed: usage.freeClosed,
    freeEventsUnderAmount: usage.freeEventsUnderAmount,
  };
}

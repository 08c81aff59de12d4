/**
 * The percentage model's free units, exactly as Lago computes them.
 *
 * Lago keeps a running total over the period's events in time order
 * (lago-api `BillableMetrics::Aggregations::SumService#running_total`):
 * - with `free_units_per_events` = N set: the cumulative sums of the first N events
 *   (`running_total_per_events`), whatever the free amount;
 * - with only `free_units_per_total_aggregation` = A set: the cumulative sums up to and including the
 *   first one above A (`running_total_per_aggregation` stops before an event once the total so far
 *   exceeds A; a total exactly equal to A lets the next event in);
 * - with neither: nothing.
 *
 * From it, `ChargeModels::PercentageService` derives:
 * - the free amount (`free_units_value`): the running total's last value L, capped at A when A is
 *   set. The event that crosses A is free only up to A: its part above A pays the rate.
 * - the free events (`free_units_count`): the smallest non-zero of N and "how many cumulative sums
 *   are strictly below A" (A read as 0 when unset), or 0. Hence:
 *     - only N set: the first N events are free of the fixed fee;
 *     - only A set: the events whose cumulative sum stays strictly below A; the event that
 *       crosses A, or lands exactly on it, pays the fixed fee;
 *     - both set: the smaller of the two, except that when not even the first event stays below A
 *       the count is 0, which Lago drops from the minimum, so the first N events stay free.
 *
 * The engine feeds events one at a time, so the running total is kept incrementally in the usage
 * state: `freeRunningTotal` (L), `freeEventsUnderAmount` (sums strictly below A), `freeClosed` (the
 * running total takes no further event).
 */
import { type Dec, cmp, isZero, min } from '../decimal';
import type { PercentageProperties } from './spec';

/** The amount not subject to the rate (Lago's `free_units_value`). */
export function freeAmount(properties: PercentageProperties, freeRunningTotal: Dec): Dec {
  const cap = properties.freeUnitsPerTotalAggregation;
  return isZero(cap) ? freeRunningTotal : min(freeRunningTotal, cap);
}

/** How many events are free of the fixed fee (Lago's `free_units_count`), before capping at the event count. */
export function freeEventAllowance(properties: PercentageProperties, eventsUnderFreeAmount: number): number {
  const perEvents = properties.freeUnitsPerEvents;
  if (perEvents > 0) return eventsUnderFreeAmount > 0 ? Math.min(perEvents, eventsUnderFreeAmount) : perEvents;
  return eventsUnderFreeAmount;
}

/** Whether the running total, now at `total` after `events` events, takes no further event. */
export function freeWindowClosed(properties: PercentageProperties, total: Dec, events: number): boolean {
  if (properties.freeUnitsPerEvents > 0) return events >= properties.freeUnitsPerEvents;
  return cmp(total, properties.freeUnitsPerTotalAggregation) > 0;
}

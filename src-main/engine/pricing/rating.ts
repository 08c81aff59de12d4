import { add, cmp, type Dec, dec, DecimalError, isDecimalText, sub, toMinor, toText, ZERO } from '../../../shared/decimal';
import { addEvent, chargeAmount, type ChargeUsage, emptyUsage, roundToMinor, withUnits } from '../../../shared/pricing';
import { fail } from '../errors';
import type { CompiledMetric } from './metrics';
import { type CompiledCharge, type CompiledPlan, selectCharge } from './plans';
import { pricedAbove, type UsageEntry, type UsageLedger } from './usage';

/** What one event does to one charge of its period. */
export interface ChargeEffect {
  charge: CompiledCharge;
  /** The event's contribution to the metric (1 for count, the property value for sum...). */
  units: Dec;
  next: UsageEntry;
  /** Minor units to post now: round(F(after)) - round(F(before)); negative gives money back. */
  delta: bigint;
}

export interface RatedEvent {
  timestamp: number;
  properties: Record<string, unknown>;
  /** Dynamic charges: the event's own price, in major units of the charge's asset. */
  preciseAmount: Dec | null;
}

/** The price of zero usage: posted when the segment opens (in advance) or closes (in arrears), not per event. */
export function baseAmount(charge: CompiledCharge): bigint {
  return roundToMinor(chargeAmount(charge.spec, emptyUsage()), charge.asset.scale);
}

/** The numeric value of the metric's property on an event, or null when the event does not carry it. */
export function propertyValue(metric: CompiledMetric, properties: Record<string, unknown>): Dec | null {
  if (!metric.property) return null;
  const raw = properties[metric.property];
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'number' || (typeof raw === 'string' && isDecimalText(raw))) {
    try {
      return dec(raw);
    } catch (err) {
      if (!(err instanceof DecimalError)) throw err;
    }
  }
  // JSON numbers beyond a double (1e400) parse as Infinity, which JSON.stringify would show as null.
  const shown = typeof raw === 'number' && !Number.isFinite(raw) ? 'a number too large to hold' : JSON.stringify(raw).slice(0, 60);
  return fail('invalid_event_property', `Property ${JSON.stringify(metric.property)} of metric ${metric.code} must be a number, got ${shown}.`, {
    metric: metric.code,
    property: metric.property,
  });
}

/**
 * Aggregations whose value is usage consumed, never below zero: a `sum` adds it (a negative value
 * would lower the period's usage and credit money back), `max` is a peak and `latest` a level of
 * something used. `weighted_sum` is left out on purpose: its events carry changes of a level
 * (+10, -4). `count` reads no value; `unique_count` reads an identity, not a quantity.
 */
const NON_NEGATIVE = new Set<CompiledMetric['aggregation']>(['sum', 'max', 'latest']);

/**
 * Refuses (422 `invalid_event_property`) an event whose value for a metric that takes no negative
 * value is below zero. Checked when an event is ingested, not when a period's remaining events are
 * re-aggregated (a reversal), so events recorded before this rule can still be reversed.
 */
export function refuseNegative(metric: CompiledMetric, properties: Record<string, unknown>): void {
  if (!NON_NEGATIVE.has(metric.aggregation)) return;
  const v = propertyValue(metric, properties);
  if (v === null || v.c >= 0n) return;
  fail('invalid_event_property', `Property ${JSON.stringify(metric.property)} of metric ${metric.code} (${metric.aggregation}) is ${toText(v)}; usage is never negative. To correct usage already recorded, reverse the event that recorded it (POST /v1/events/{transaction_id}/reverse) and post the right one.`, {
    metric: metric.code,
    property: metric.property,
    value: toText(v),
  });
}

/**
 * A level metric after one event with value `v` at `at`: `max` keeps the period's peak (the first
 * event of a period sets it), `latest` takes the value of the newest event (one older than the
 * value held changes nothing). Events and estimates (quotes, holds by metric) both use it.
 */
function levelAfter(aggregation: 'max' | 'latest', entry: UsageEntry, v: Dec, at: number): { units: Dec; latestAt: number | null } {
  if (aggregation === 'max') return { units: entry.usage.events === 0 || cmp(v, entry.usage.units) > 0 ? v : entry.usage.units, latestAt: entry.latestAt };
  const newer = entry.latestAt === null || at >= entry.latestAt;
  return newer ? { units: v, latestAt: at } : { units: entry.usage.units, latestAt: entry.latestAt };
}

/** Where unique_count metrics keep the values seen in a period. */
export interface UniqueValues {
  add(periodId: number, chargeId: number, value: string): boolean;
  remove(periodId: number, chargeId: number, value: string): boolean;
}

/** The next usage state of a charge after one event, by the metric's aggregation; null: the event does not feed it now. */
function aggregate(charge: CompiledCharge, entry: UsageEntry, event: RatedEvent, unique: UniqueValues): { next: UsageEntry; units: Dec } | null {
  const metric = charge.metric;
  const spec = charge.spec;
  const amount = charge.spec.model === 'dynamic' ? (event.preciseAmount ?? ZERO) : undefined;
  const withAmount = (units: Dec) => (amount === undefined ? { units } : { units, amount });
  switch (metric.aggregation) {
    case 'count': {
      const units = dec(1);
      return { next: { ...entry, usage: addEvent(spec, entry.usage, withAmount(units)) }, units };
    }
    case 'sum': {
      const v = propertyValue(metric, event.properties);
      if (v === null) return null;
      return { next: { ...entry, usage: addEvent(spec, entry.usage, withAmount(v)) }, units: v };
    }
    case 'max':
    case 'latest': {
      const v = propertyValue(metric, event.properties);
      if (v === null) return null;
      const level = levelAfter(metric.aggregation, entry, v, event.timestamp);
      const counted = addEvent(spec, entry.usage, withAmount(ZERO));
      return { next: { ...entry, usage: withUnits(counted, level.units), latestAt: level.latestAt }, units: v };
    }
    case 'unique_count': {
      const raw = metric.property ? event.properties[metric.property] : undefined;
      if (raw === undefined || raw === null) return null;
      if (typeof raw === 'object') fail('invalid_event_property', `Property ${JSON.stringify(metric.property)} of metric ${metric.code} must be a string or a number.`, { metric: metric.code, property: metric.property });
      const value = String(raw);
      const remove = event.properties.operation_type === 'remove';
      const changed = remove ? unique.remove(entry.periodId, charge.id, value) : unique.add(entry.periodId, charge.id, value);
      const step = changed ? (remove ? -1 : 1) : 0;
      const counted = addEvent(spec, entry.usage, withAmount(ZERO));
      return { next: { ...entry, usage: withUnits(counted, { c: entry.usage.units.c + BigInt(step) * 10n ** BigInt(entry.usage.units.s), s: entry.usage.units.s }) }, units: dec(step) };
    }
    case 'weighted_sum':
      // Accrues with time, not with events: priced when the segment closes (and in previews),
      // from the segment's events in time order (see billing/weighted.ts).
      return null;
  }
}

/**
 * Prices an event against a plan in a period: for each metric the event feeds, the charge its
 * properties select; for each such charge the delta round(F(usage after)) - round(F(usage before)),
 * so the period's debits always sum to its total priced once and rounded once.
 */
export function rateEvent(plan: CompiledPlan, eventType: string, periodId: number, usage: UsageLedger, event: RatedEvent, unique: UniqueValues): ChargeEffect[] {
  const byMetric = plan.byEventType.get(eventType);
  if (!byMetric) return [];
  const effects: ChargeEffect[] = [];
  for (const charges of byMetric.values()) {
    refuseNegative(charges[0]!.metric, event.properties);
    const charge = selectCharge(charges, event.properties);
    if (!charge) continue;
    const fx = rateCharge(charge, usage.get(periodId, charge.id), event, unique);
    if (fx) effects.push(fx);
  }
  return effects;
}

/**
 * The metrics of this event type whose property the event does not carry: such an event does not
 * feed them (Lago's rule, so one event type can feed several metrics, each from its own property),
 * and its answer says so with a `metric_property_missing:<metric>` warning for each.
 */
export function missingPropertyWarnings(plan: CompiledPlan, eventType: string, properties: Record<string, unknown>): string[] {
  const byMetric = plan.byEventType.get(eventType);
  if (!byMetric) return [];
  const warnings: string[] = [];
  for (const charges of byMetric.values()) {
    const metric = charges[0]!.metric;
    if (metric.aggregation !== 'count' && metric.property !== null && (properties[metric.property] === undefined || properties[metric.property] === null)) warnings.push(`metric_property_missing:${metric.code}`);
  }
  return warnings;
}

/**
 * The filter properties of this event type's metrics whose value on the event is none of the values
 * the metric declares for it (e.g. `model: "medium"` for a metric filtered by model in [large,
 * small]). Such an event is still accepted and goes to the charges whose filters it matches (the
 * unfiltered default, if any: Lago's rule); its answer says so with a
 * `filter_value_unknown:<metric>:<property>` warning for each. An event without the property gets none.
 */
export function filterValueWarnings(plan: CompiledPlan, eventType: string, properties: Record<string, unknown>): string[] {
  const byMetric = plan.byEventType.get(eventType);
  if (!byMetric) return [];
  const warnings: string[] = [];
  for (const charges of byMetric.values()) {
    const metric = charges[0]!.metric;
    for (const f of metric.filters) {
      const v = properties[f.property];
      if (v === undefined || v === null) continue;
      if (!f.values.includes(String(v))) warnings.push(`filter_value_unknown:${metric.code}:${f.property}`);
    }
  }
  return warnings;
}

/**
 * The metrics of this event type none of whose charges the event matches: every charge on the
 * metric is filtered and the event's properties fit none of the filters (a filter property missing,
 * or a value no charge lists, with no unfiltered default). The event is accepted, as Lago accepts
 * it, and feeds no charge of that metric: it costs nothing there, so its answer says so with a
 * `no_charge_matched:<metric>` warning for each.
 */
export function unmatchedChargeWarnings(plan: CompiledPlan, eventType: string, properties: Record<string, unknown>): string[] {
  const byMetric = plan.byEventType.get(eventType);
  if (!byMetric) return [];
  const warnings: string[] = [];
  for (const charges of byMetric.values()) if (!selectCharge(charges, properties)) warnings.push(`no_charge_matched:${charges[0]!.metric.code}`);
  return warnings;
}

/**
 * One charge, one event: the next usage entry and the minor units to post for it. The price never
 * falls below the usage carried in over a plan change (`pricedAbove`), so the segment's usage fee
 * never goes negative.
 */
export function rateCharge(charge: CompiledCharge, entry: UsageEntry, event: RatedEvent, unique: UniqueValues): ChargeEffect | null {
  const step = aggregate(charge, entry, event, unique);
  if (!step) return null;
  const priced = pricedAbove(priceOf(charge, step.next.usage), entry);
  const delta = priced - entry.priced;
  return { charge, units: step.units, next: { ...step.next, priced, billed: entry.billed + delta }, delta };
}

/** round(F(usage)) in minor units of the charge's asset: the one rounding point of usage pricing. */
export function priceOf(charge: CompiledCharge, usage: ChargeUsage): bigint {
  return roundToMinor(chargeAmount(charge.spec, usage), charge.asset.scale);
}

/**
 * What an event with `quantity` of a metric would cost now (at `at`) for this charge, after
 * allowances: exact, and rounded UP to the minor unit so a sub-cent estimate never becomes a zero
 * hold. round(F(after)) - round(F(before)) never exceeds ceil(F(after) - F(before)), so a hold
 * sized this way covers the event it estimates.
 * - Additive metrics (`sum`, `count`, `unique_count`: `quantity` more units, for `unique_count`
 *   that many new values) are priced on top of current usage and of the units pending holds
 *   already hold, as those events are expected too.
 * - Level metrics are priced as the event would set the level: `max` the new peak (nothing while
 *   the peak is at or above `quantity`), `latest` the new value (negative `exact` when it is lower:
 *   the event would give money back). Holds' units are not added to a level: each estimate is
 *   against the usage recorded so far, so a `max` hold covers its own event whichever comes first
 *   (a `latest` one too, unless an event lowers the level in between; what the event then costs
 *   beyond its hold is checked like any event's).
 */
export function estimate(charge: CompiledCharge, entry: UsageEntry, quantity: Dec, at: number): { exact: Dec; amount: bigint } {
  const aggregation = charge.metric.aggregation;
  let before: Dec;
  let after: Dec;
  if (aggregation === 'max' || aggregation === 'latest') {
    const level = levelAfter(aggregation, entry, quantity, at);
    before = chargeAmount(charge.spec, entry.usage);
    after = chargeAmount(charge.spec, withUnits(addEvent(charge.spec, entry.usage, { units: ZERO }), level.units));
  } else {
    const heldUsage = withUnits(entry.usage, add(entry.usage.units, entry.heldUnits));
    before = chargeAmount(charge.spec, heldUsage);
    after = chargeAmount(charge.spec, addEvent(charge.spec, heldUsage, { units: quantity }));
  }
  const exact = sub(after, before);
  return { exact, amount: toMinor(exact, charge.asset.scale, 'ceil') };
}

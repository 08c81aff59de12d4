import { type Dec, dec, toText, ZERO } from '../../../shared/decimal';
import { type ChargeUsage, emptyUsage } from '../../../shared/pricing';
import type { EngineContext } from '../context';
import { dropOldest, setAsNewest } from '../cache-bound';

/** Time weighting (`weighted_sum`): the running value, since when it holds, and value x ms so far. */
export interface WeightedState {
  current: Dec;
  since: number;
  area: Dec;
}

/**
 * The usage of one charge in one period segment:
 * - `usage`: the pricing state (units, events, free-unit counters);
 * - `priced`: round(F(usage)) in minor units (never below `baseline` with `floorAtBaseline`, see
 *   `pricedAbove`): per event the engine posts the change of `priced`;
 * - `baseline`: the part of `priced` carried in from a previous segment (a plan change with
 *   carry_usage) or billed by the system an import came from (opening usage): it was billed there,
 *   so it is never billed here;
 * - `floorAtBaseline`: set for usage carried over a plan change: the segment's usage fee never goes
 *   negative (see `pricedAbove`);
 * - `billed`: what has been posted for this charge in this segment. Closing the segment posts
 *   `owedOf(entry) - billed` (`priced - baseline`, at least 0 with `floorAtBaseline`), which settles
 *   the price of zero usage (F(0) in arrears), time-based quantities and any rounding, so the
 *   segment's transfers equal its price exactly;
 * - `heldUnits`: units reserved by pending holds priced through this charge.
 */
export interface UsageEntry {
  periodId: number;
  chargeId: number;
  usage: ChargeUsage;
  priced: bigint;
  baseline: bigint;
  /** Usage carried over a plan change: `priced` never falls below `baseline` (see `pricedAbove`). */
  floorAtBaseline: boolean;
  billed: bigint;
  heldUnits: Dec;
  /** For `latest`: the timestamp of the event whose value the units hold. */
  latestAt: number | null;
  weighted: WeightedState | null;
  /** The usage the segment started with (carried in), so a reversal can rebuild it exactly. */
  start: ChargeUsage | null;
  /** unique_count: the values carried in at the start. */
  startValues: string[] | null;
}

interface StoredState {
  units: string;
  events: number;
  amountSum: string;
  freeRunningTotal: string;
  freeEvents: number;
  freeClosed: boolean;
  freeEventsUnderAmount: number;
  latestAt: number | null;
  weighted?: { current: string; since: number; area: string } | null;
  start?: StoredUsage | null;
  startValues?: string[] | null;
  floorAtBaseline?: boolean;
}

type StoredUsage = Pick<StoredState, 'units' | 'events' | 'amountSum' | 'freeRunningTotal' | 'freeEvents' | 'freeClosed' | 'freeEventsUnderAmount'>;

function usageOut(u: ChargeUsage): StoredUsage {
  return {
    units: toText(u.units),
    events: u.events,
    amountSum: toText(u.amountSum),
    freeRunningTotal: toText(u.freeRunningTotal),
    freeEvents: u.freeEvents,
    freeClosed: u.freeClosed,
    freeEventsUnderAmount: u.freeEventsUnderAmount,
  };
}

function usageIn(s: StoredUsage): ChargeUsage {
  return {
    units: dec(s.units),
    events: s.events,
    amountSum: dec(s.amountSum),
    freeRunningTotal: dec(s.freeRunningTotal),
    freeEvents: s.freeEvents,
    freeClosed: s.freeClosed,
    freeEventsUnderAmount: s.freeEventsUnderAmount,
  };
}

function serialize(e: UsageEntry): string {
  const s: StoredState = {
    ...usageOut(e.usage),
    latestAt: e.latestAt,
    ...(e.weighted ? { weighted: { current: toText(e.weighted.current), since: e.weighted.since, area: toText(e.weighted.area) } } : {}),
    ...(e.start ? { start: usageOut(e.start) } : {}),
    ...(e.startValues ? { startValues: e.startValues } : {}),
    ...(e.floorAtBaseline ? { floorAtBaseline: true } : {}),
  };
  return JSON.stringify(s);
}

function deserialize(text: string): Pick<UsageEntry, 'usage' | 'latestAt' | 'weighted' | 'start' | 'startValues' | 'floorAtBaseline'> {
  const s = JSON.parse(text) as StoredState;
  return {
    usage: usageIn(s),
    latestAt: s.latestAt,
    weighted: s.weighted ? { current: dec(s.weighted.current), since: s.weighted.since, area: dec(s.weighted.area) } : null,
    start: s.start ? usageIn(s.start) : null,
    startValues: s.startValues ?? null,
    floorAtBaseline: s.floorAtBaseline === true,
  };
}

/**
 * The rule for usage carried over a plan change (carry_usage): a segment's usage fee for a charge is
 * max(0, F_new(carried + new) - F_new(carried)), never negative. For most charge models that
 * difference is the marginal price of the new units at the tier the carried usage reached, which is
 * never negative. A volume charge prices every unit at the price of the tier the total falls in, so
 * more units can cost less in total (8 calls at $1 = $8, 12 calls at $0.50 = $6): the difference
 * would credit the customer for usage billed, finally, under the old plan. So the new segment owes
 * nothing until the new plan's price of the period's total exceeds its price of the carried usage,
 * and from then on the excess (the same holds when a `latest` or `unique_count` quantity falls
 * below what was carried in). Lago does not carry metered usage over an upgrade at all (the new
 * subscription's charges count from its start); carry_usage keeps the customer's tier instead, and
 * this floor keeps that from turning into a credit.
 *
 * `priced` holds the floor: round(F(usage)) raised to the baseline, so every per-event delta, a
 * reversal's re-pricing and the settlement at close all see the floored price. Opening usage from
 * an import (migration/importer.ts) keeps its own documented rule, without the floor.
 */
export function pricedAbove(price: bigint, entry: Pick<UsageEntry, 'baseline' | 'floorAtBaseline'>): bigint {
  return entry.floorAtBaseline && price < entry.baseline ? entry.baseline : price;
}

/** What a segment owes for a charge in all: priced - baseline, at least 0 with the floor (see `pricedAbove`). */
export function owedOf(entry: Pick<UsageEntry, 'priced' | 'baseline' | 'floorAtBaseline'>): bigint {
  const owed = entry.priced - entry.baseline;
  return entry.floorAtBaseline && owed < 0n ? 0n : owed;
}

export function emptyEntry(periodId: number, chargeId: number): UsageEntry {
  return { periodId, chargeId, usage: emptyUsage(), priced: 0n, baseline: 0n, floorAtBaseline: false, billed: 0n, heldUnits: ZERO, latestAt: null, weighted: null, start: null, startValues: null };
}

/**
 * How many usage entries stay cached between batches. Entries are per segment and charge, so
 * without a bound the cache grew by every subscription's charges each period, long after those
 * periods were billed; an entry not cached is read back from its row. 20,000 entries (about 420
 * bytes each) hold the current period of the busiest 6,000 or so three-charge subscriptions.
 */
export const CACHED_USAGE_ENTRIES = 20_000;

/** Usage entries, cached and written back once per batch; an operation that fails restores the previous entry. */
export class UsageLedger {
  private readonly cache = new Map<string, UsageEntry>();
  private readonly dirty = new Set<string>();
  /** The cache's bound (tests set a tiny one to show the bound changes nothing but memory). */
  cacheLimit = CACHED_USAGE_ENTRIES;

  /**
   * @param initialPrice the price of a charge's zero usage (its base): a new entry starts there, so
   *   per-event deltas never include it (it is posted when the segment opens or closes)
   */
  constructor(
    private readonly ctx: EngineContext,
    private readonly initialPrice: (chargeId: number) => bigint,
  ) {
    ctx.registerCache(() => {
      this.cache.clear();
      this.dirty.clear();
    });
    ctx.registerFlush(() => this.flush());
  }

  /** How many entries are cached (tests). */
  get cachedEntries(): number {
    return this.cache.size;
  }

  /** Whether an entry exists (stored or in this batch). */
  has(periodId: number, chargeId: number): boolean {
    return this.cache.has(`${periodId}:${chargeId}`) || this.ctx.store.getChargeUsage(periodId, chargeId) !== undefined;
  }

  get(periodId: number, chargeId: number): UsageEntry {
    const key = `${periodId}:${chargeId}`;
    let e = this.cache.get(key);
    if (!e) {
      const row = this.ctx.store.getChargeUsage(periodId, chargeId);
      e = row
        ? { periodId, chargeId, ...deserialize(row.state), priced: row.priced, baseline: row.baseline, billed: row.billed, heldUnits: dec(row.held_units) }
        : { ...emptyEntry(periodId, chargeId), priced: this.initialPrice(chargeId) };
      this.cache.set(key, e);
    }
    return e;
  }

  /** Replaces the entry (entries are treated as immutable values). */
  put(next: UsageEntry): void {
    const key = `${next.periodId}:${next.chargeId}`;
    const previous = this.cache.get(key);
    const wasDirty = this.dirty.has(key);
    this.ctx.onUndo(() => {
      if (previous) this.cache.set(key, previous);
      else this.cache.delete(key);
      // Left dirty, an entry read for the first time by the failed operation would be written
      // back as a row of zeros at the next commit, for a change that never happened.
      if (!wasDirty) this.dirty.delete(key);
    });
    this.cache.set(key, next);
    this.dirty.add(key);
  }

  private flush(): void {
    for (const key of this.dirty) {
      const e = this.cache.get(key);
      if (!e) continue;
      this.ctx.store.upsertChargeUsage({ period_id: e.periodId, charge_id: e.chargeId, state: serialize(e), billed: e.billed, held_units: toText(e.heldUnits), priced: e.priced, baseline: e.baseline });
      // The cache's order is least recently changed first (what the bound drops), kept per batch:
      // moving an entry on every change would cost a Map delete and insert each time.
      setAsNewest(this.cache, key, e);
    }
    this.dirty.clear();
    // Everything cached now matches its row (or is an entry with no row yet, as a read creates it
    // again), and no operation is running: the least recently changed entries can go.
    dropOldest(this.cache, this.cacheLimit);
  }
}

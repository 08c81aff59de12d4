import { type Dec, dec, toText, ZERO } from '../../../shared/decimal';
import { type ChargeUsage, emptyUsage } from '../../../shared/pricing';
import type { EngineContext } from '../context';

/**
 * The usage of one charge in one period: the pricing state, what has been posted for it, and the
 * units held by pending metric authorizations (so two holds never see the same cheap tier).
 */
export interface UsageEntry {
  periodId: number;
  chargeId: number;
  usage: ChargeUsage;
  /** Posted for this charge in this period beyond its base (F(0)), in minor units. */
  billed: bigint;
  /** Units reserved by pending holds priced through this charge. */
  heldUnits: Dec;
  /** For `latest`: the timestamp of the event whose value the units hold. */
  latestAt: number | null;
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
}

function serialize(e: UsageEntry): string {
  const u = e.usage;
  const s: StoredState = {
    units: toText(u.units),
    events: u.events,
    amountSum: toText(u.amountSum),
    freeRunningTotal: toText(u.freeRunningTotal),
    freeEvents: u.freeEvents,
    freeClosed: u.freeClosed,
    freeEventsUnderAmount: u.freeEventsUnderAmount,
    latestAt: e.latestAt,
  };
  return JSON.stringify(s);
}

function deserialize(text: string): { usage: ChargeUsage; latestAt: number | null } {
  const s = JSON.parse(text) as StoredState;
  return {
    usage: {
      units: dec(s.units),
      events: s.events,
      amountSum: dec(s.amountSum),
      freeRunningTotal: dec(s.freeRunningTotal),
      freeEvents: s.freeEvents,
      freeClosed: s.freeClosed,
      freeEventsUnderAmount: s.freeEventsUnderAmount,
    },
    latestAt: s.latestAt,
  };
}

/** Usage entries, cached and written back once per batch; an operation that fails restores the previous entry. */
export class UsageLedger {
  private readonly cache = new Map<string, UsageEntry>();
  private readonly dirty = new Set<string>();

  constructor(private readonly ctx: EngineContext) {
    ctx.registerCache(() => {
      this.cache.clear();
      this.dirty.clear();
    });
    ctx.registerFlush(() => this.flush());
  }

  get(periodId: number, chargeId: number): UsageEntry {
    const key = `${periodId}:${chargeId}`;
    let e = this.cache.get(key);
    if (!e) {
      const row = this.ctx.store.getChargeUsage(periodId, chargeId);
      if (row) {
        const { usage, latestAt } = deserialize(row.state);
        e = { periodId, chargeId, usage, billed: row.billed, heldUnits: dec(row.held_units), latestAt };
      } else {
        e = { periodId, chargeId, usage: emptyUsage(), billed: 0n, heldUnits: ZERO, latestAt: null };
      }
      this.cache.set(key, e);
    }
    return e;
  }

  /** Replaces the entry (entries are treated as immutable values). */
  put(next: UsageEntry): void {
    const key = `${next.periodId}:${next.chargeId}`;
    const previous = this.cache.get(key);
    this.ctx.onUndo(() => {
      if (previous) this.cache.set(key, previous);
      else this.cache.delete(key);
    });
    this.cache.set(key, next);
    this.dirty.add(key);
  }

  private flush(): void {
    for (const key of this.dirty) {
      const e = this.cache.get(key);
      if (!e) continue;
      this.ctx.store.upsertChargeUsage({ period_id: e.periodId, charge_id: e.chargeId, state: serialize(e), billed: e.billed, held_units: toText(e.heldUnits) });
    }
    this.dirty.clear();
  }
}

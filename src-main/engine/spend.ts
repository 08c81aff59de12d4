import { startOfDay, startOfMonth } from '../../shared/time';
import type { SpendCapRow } from '../storage/store';
import type { EngineContext } from './context';
import { iso } from './format';

export type CapWindow = 'day' | 'month';

export interface CapViolation {
  window: CapWindow;
  cap: bigint;
  spent: bigint;
  held: bigint;
  requested: bigint;
}

/**
 * Spend caps per customer, asset and window (a day or a month in the customer's billing zone).
 * Spend is what consumption debited in the window; pending holds count against the cap too, so
 * a runaway agent cannot open a thousand holds before the first one is captured.
 */
export class SpendCaps {
  private readonly caps = new Map<number, SpendCapRow[]>();

  constructor(private readonly ctx: EngineContext) {
    ctx.registerCache(() => this.caps.clear());
  }

  private capsOf(customerId: number): SpendCapRow[] {
    let c = this.caps.get(customerId);
    if (!c) {
      c = this.ctx.store.listSpendCaps(customerId);
      this.caps.set(customerId, c);
    }
    return c;
  }

  /**
   * Sets (or, with null, removes) a cap. Spend is counted only while a cap exists, so a cap set
   * now starts from what the customer's consumption already debited in the current window (read
   * from the ledger): a cap of $4.30 set after $4.20 of today's spend leaves $0.10, not $4.30.
   */
  set(customerId: number, asset: string, window: CapWindow, amount: bigint | null, tz: string): void {
    if (amount === null) this.ctx.store.deleteSpendCap(customerId, asset, window);
    else {
      this.ctx.store.upsertSpendCap({ customer_id: customerId, asset, cap_window: window, amount });
      const start = this.windowStart(window, this.ctx.now(), tz);
      this.ctx.store.upsertSpendCounter({ customer_id: customerId, asset, cap_window: window, window_start: start, spent: this.ctx.store.spendSince(customerId, asset, start) });
    }
    this.caps.delete(customerId);
    this.ctx.onUndo(() => this.caps.delete(customerId));
  }

  private windowStart(window: CapWindow, now: number, tz: string): number {
    return window === 'day' ? startOfDay(now, tz) : startOfMonth(now, tz);
  }

  private spentIn(customerId: number, asset: string, window: CapWindow, start: number): bigint {
    const row = this.ctx.store.getSpendCounter(customerId, asset, window);
    return row && row.window_start === start ? row.spent : 0n;
  }

  /** The first cap that `requested` more (on top of `held` in pending holds) would break, or null. */
  check(customerId: number, asset: string, tz: string, requested: bigint, held: bigint): CapViolation | null {
    const caps = this.capsOf(customerId);
    if (!caps.length) return null;
    const now = this.ctx.now();
    for (const cap of caps) {
      if (cap.asset !== asset) continue;
      const spent = this.spentIn(customerId, asset, cap.cap_window, this.windowStart(cap.cap_window, now, tz));
      if (spent + held + requested > cap.amount) return { window: cap.cap_window, cap: cap.amount, spent, held, requested };
    }
    return null;
  }

  /** Adds (or, for money given back, subtracts) spend in every window capped for this asset. */
  record(customerId: number, asset: string, tz: string, delta: bigint): void {
    if (delta === 0n) return;
    const caps = this.capsOf(customerId);
    if (!caps.length) return;
    const now = this.ctx.now();
    for (const cap of caps) {
      if (cap.asset !== asset) continue;
      const start = this.windowStart(cap.cap_window, now, tz);
      let spent = this.spentIn(customerId, asset, cap.cap_window, start) + delta;
      if (spent < 0n) spent = 0n;
      this.ctx.store.upsertSpendCounter({ customer_id: customerId, asset, cap_window: cap.cap_window, window_start: start, spent });
    }
  }

  describe(customerId: number, tz: string) {
    const now = this.ctx.now();
    return this.capsOf(customerId).map((cap) => {
      const start = this.windowStart(cap.cap_window, now, tz);
      return {
        asset: cap.asset,
        window: cap.cap_window,
        amount: cap.amount.toString(),
        spent: this.spentIn(customerId, cap.asset, cap.cap_window, start).toString(),
        window_start: iso(start),
      };
    });
  }
}

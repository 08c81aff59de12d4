import { add, type Dec, dec, toText, ZERO } from '../../shared/decimal';
import type { TransferRow } from '../storage/store';
import type { EngineContext } from './context';
import { attributionRef, type RevenueAttribution, utcMonth } from './revenue-attribution';

/** Consumption as operators read it: what customers were charged (credits back count negative). */
const SPEND: Record<string, 1 | -1> = { usage: 1, capture: 1, fee: 1, minimum_commitment: 1, usage_credit: -1, discount: -1 };
/**
 * What moves a wallet's burn rate: usage as it happens, nothing posted once. That is an event's
 * debit (`usage`, or `usage_credit` when an event lowers its charge's price, both naming the event)
 * and an explicit capture of a hold (usage delivered under it, `capture`). Not fees, minimum
 * commitment true-ups, discounts, tax, invoice settlement, refunds or adjustments, and not the
 * `usage` a period posts when it closes or opens (time-weighted charges priced at the close,
 * charges billed in advance): that is the whole period's usage in one transfer, and counted as
 * burn it made a wallet look as if it burned four times its period's usage per hour.
 */
/** The burn rate is the spend of the last quarter of an hour, per hour. */
const BURN_WINDOW_MINUTES = 15;

function isBurn(t: Pick<TransferRow, 'kind' | 'event_id' | 'authorization_id'>): boolean {
  if (t.kind === 'usage' || t.kind === 'usage_credit') return t.event_id !== null;
  return t.kind === 'capture' && t.authorization_id !== null;
}

interface MinuteRow {
  events: number;
  spend: bigint;
  cost: Dec;
}

interface Delta {
  minutes: Map<string, MinuteRow>;
  /** "month:plan:asset" -> revenue (plan 0: not from a plan). */
  revenue: Map<string, bigint>;
  /**
   * Revenue moved under an invoice reference, "ref\0asset\0tax|rest" -> { amount, month }: attributed
   * when the operation is merged, once the invoice or credit note it names has been written.
   */
  byRef: Map<string, { amount: bigint; month: string }>;
  burn: Map<string, Map<number, bigint>>;
}

const emptyDelta = (): Delta => ({ minutes: new Map(), revenue: new Map(), byRef: new Map(), burn: new Map() });

/**
 * Running statistics for the overview and the live wallet monitor, gathered from the transfers and
 * events as they are written. An operation's share is kept aside until the operation succeeds (a
 * refused event must not count), then merged into the batch's, which is written with the batch.
 * Burn rates live in memory only (the last hour, per wallet): they rebuild themselves as usage
 * flows.
 */
export class Stats {
  private op = emptyDelta();
  private batch = emptyDelta();
  /** wallet "customerId:asset" -> minute -> spend, last 60 minutes. */
  private readonly burn = new Map<string, Map<number, bigint>>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly attribution: RevenueAttribution,
    private readonly accountInfo: (accountId: number) => { customerId: number | null; asset: string; type: string } | undefined,
  ) {
    ctx.onEmitted((c) => {
      if (c.type === 'event' && c.data?.status === 'accepted') this.event(this.ctx.now(), (c.data.cost as string | null | undefined) ?? null);
    });
    ctx.registerOpHooks({
      begin: () => this.mergeOp(),
      rollback: () => {
        this.op = emptyDelta();
      },
    });
    ctx.registerFlush(() => this.flush());
    ctx.registerCache(() => {
      this.op = emptyDelta();
      this.batch = emptyDelta();
    });
  }

  private minute(asset: string, now: number, d: Delta = this.op): MinuteRow {
    const key = `${Math.floor(now / 60_000)}:${asset}`;
    let m = d.minutes.get(key);
    if (!m) d.minutes.set(key, (m = { events: 0, spend: 0n, cost: ZERO }));
    return m;
  }

  /** Every transfer written (Books.onTransfer). */
  transfer(t: Omit<TransferRow, 'id'>): void {
    if (t.phase !== 0) return;
    const debit = this.accountInfo(t.debit_account_id);
    const credit = this.accountInfo(t.credit_account_id);
    const revenueSide = debit?.type === 'revenue' ? -1n : credit?.type === 'revenue' ? 1n : 0n;
    if (revenueSide === 0n) return;
    const amount = t.amount * revenueSide;
    // Revenue by plan: every posted transfer into or out of revenue, so that the rows add up to
    // `recognized_revenue` (revenue-attribution.ts says which plan and month each belongs to).
    const asset = (revenueSide > 0n ? credit : debit)!.asset;
    const counter = revenueSide > 0n ? debit : credit;
    this.revenue(this.op, t.kind, t.period_id, t.ref, asset, counter?.type === 'tax', amount, t.effective_at);

    const sign = SPEND[t.kind];
    if (sign === undefined) return;
    const customer = debit?.customerId != null ? debit : credit?.customerId != null ? credit : null;
    if (!customer || customer.customerId === null) return;
    this.minute(customer.asset, t.created_at).spend += amount;
    // Signed as spend is: a credit back (revenue -> customer) lowers the burn. Usage that happened
    // before the burn window (an event sent late, a backfill) is not the wallet burning now.
    const eventAt = this.ctx.books.eventAt;
    if (isBurn(t) && (eventAt === null || eventAt >= t.created_at - BURN_WINDOW_MINUTES * 60_000)) {
      const wk = `${customer.customerId}:${customer.asset}`;
      let b = this.op.burn.get(wk);
      if (!b) this.op.burn.set(wk, (b = new Map()));
      const minute = Math.floor(t.created_at / 60_000);
      b.set(minute, (b.get(minute) ?? 0n) + amount);
    }
  }

  private revenue(d: Delta, kind: string, periodId: number | null, ref: string | null, asset: string, taxPart: boolean, amount: bigint, effectiveAt: number): void {
    const byRef = attributionRef(kind, ref);
    if (byRef !== null) {
      const key = `${byRef}\u0000${asset}\u0000${taxPart ? 'tax' : 'rest'}`;
      const row = d.byRef.get(key);
      if (row) row.amount += amount;
      else d.byRef.set(key, { amount, month: this.monthOf(effectiveAt) });
      return;
    }
    const period = periodId !== null ? this.attribution.ofPeriod(periodId) : null;
    const key = period ? `${period.month}:${period.planId}:${asset}` : `${this.monthOf(effectiveAt)}:0:${asset}`;
    d.revenue.set(key, (d.revenue.get(key) ?? 0n) + amount);
  }

  /** Attributes the revenue moved under invoice references (their invoices and credit notes are written by now). */
  private settleRefs(d: Delta): void {
    for (const [key, { amount, month }] of d.byRef) {
      if (amount === 0n) continue;
      const [ref, asset] = key.split('\u0000') as [string, string];
      for (const share of this.attribution.ofRef(ref, amount, month)) {
        const k = `${share.month}:${share.planId}:${asset}`;
        d.revenue.set(k, (d.revenue.get(k) ?? 0n) + share.amount);
      }
    }
    d.byRef.clear();
  }

  /**
   * Rebuilds the revenue statistics from the transfers, by the rules of revenue-attribution.ts. Run
   * at start-up when the statistics were kept by an earlier rule (meta `stats_revenue_rule`): until
   * rule 2 they counted only transfers naming a period, by the month they were posted, so credit
   * notes and voids were missing from revenue by plan.
   */
  rebuildRevenue(): void {
    const { store } = this.ctx;
    const d = emptyDelta();
    for (const g of store.revenueTransferGroups()) {
      const [y, m] = g.month.split('-').map(Number) as [number, number];
      this.revenue(d, g.kind, g.period_id, g.ref, g.asset, g.counter_type === 'tax', g.amount, Date.UTC(y, m - 1, 1));
    }
    this.settleRefs(d);
    store.clearStatsRevenue();
    for (const [k, v] of d.revenue) {
      const [month, plan, asset] = k.split(':') as [string, string, string];
      store.addStatsRevenue(month, Number(plan), asset, v);
    }
  }

  private month = { from: 0, to: -1, key: '' };
  /** "YYYY-MM" (UTC) of an instant; the current month's bounds are kept, since nearly every transfer falls in it. */
  private monthOf(ms: number): string {
    const m = this.month;
    if (ms >= m.from && ms < m.to) return m.key;
    const d = new Date(ms);
    const from = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    this.month = { from, to: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1), key: utcMonth(ms) };
    return this.month.key;
  }

  /** A recorded event; `cost` is the operator's own cost in major units, for margins. */
  event(at: number, cost: string | null): void {
    const m = this.minute('', at);
    m.events++;
    if (cost !== null) m.cost = add(m.cost, dec(cost));
  }

  private mergeOp(): void {
    this.settleRefs(this.op);
    const { minutes, revenue, burn } = this.op;
    if (!minutes.size && !revenue.size && !burn.size) return;
    for (const [k, v] of minutes) {
      const b = this.batch.minutes.get(k);
      if (!b) this.batch.minutes.set(k, v);
      else {
        b.events += v.events;
        b.spend += v.spend;
        b.cost = add(b.cost, v.cost);
      }
    }
    for (const [k, v] of revenue) this.batch.revenue.set(k, (this.batch.revenue.get(k) ?? 0n) + v);
    for (const [wk, mins] of burn) {
      let b = this.batch.burn.get(wk);
      if (!b) this.batch.burn.set(wk, (b = new Map()));
      for (const [m, v] of mins) b.set(m, (b.get(m) ?? 0n) + v);
    }
    this.op = emptyDelta();
  }

  private flush(): void {
    this.mergeOp();
    const { store } = this.ctx;
    for (const [k, v] of this.batch.minutes) {
      const [minute, asset] = k.split(':') as [string, string];
      store.addStatsMinute(Number(minute), asset, v.events, v.spend, toText(v.cost));
    }
    for (const [k, v] of this.batch.revenue) {
      const [month, plan, asset] = k.split(':') as [string, string, string];
      store.addStatsRevenue(month, Number(plan), asset, v);
    }
    const horizon = Math.floor(this.ctx.now() / 60_000) - 60;
    for (const [wk, mins] of this.batch.burn) {
      let b = this.burn.get(wk);
      if (!b) this.burn.set(wk, (b = new Map()));
      for (const [m, v] of mins) b.set(m, (b.get(m) ?? 0n) + v);
      for (const m of b.keys()) if (m < horizon) b.delete(m);
    }
    this.batch = emptyDelta();
  }

  /** Spend per hour over the last `minutes` minutes, per wallet "customerId:asset". */
  burnRates(minutes = BURN_WINDOW_MINUTES): Map<string, bigint> {
    const now = Math.floor(this.ctx.now() / 60_000);
    const out = new Map<string, bigint>();
    for (const [wk, mins] of this.burn) {
      let sum = 0n;
      for (const [m, v] of mins) if (m > now - minutes) sum += v;
      if (sum > 0n) out.set(wk, (sum * 60n) / BigInt(minutes));
    }
    return out;
  }

  /** Spend of the last minute per wallet. */
  lastMinute(): Map<string, bigint> {
    const now = Math.floor(this.ctx.now() / 60_000);
    const out = new Map<string, bigint>();
    for (const [wk, mins] of this.burn) {
      const v = (mins.get(now) ?? 0n) + (mins.get(now - 1) ?? 0n);
      if (v !== 0n) out.set(wk, v);
    }
    return out;
  }
}

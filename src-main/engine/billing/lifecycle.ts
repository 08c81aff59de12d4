import { dec } from '../../../shared/decimal';
import { emptyUsage, withUnits } from '../../../shared/pricing';
import { addDaysToDate, prorationFraction, startOfDate, zonedDate } from '../../../shared/time';
import type { CustomerRow, PeriodRow, SubscriptionRow } from '../../storage/store';
import type { Authorizations } from '../authorizations';
import type { EngineContext } from '../context';
import type { Customers } from '../customers';
import { fail } from '../errors';
import type { TransferKind } from '../ledger/books';
import { consume, giveBack } from '../ledger/wallet-ops';
import type { CompiledCharge, CompiledPlan, Plans } from '../pricing/plans';
import { priceOf } from '../pricing/rating';
import type { Subscriptions } from '../pricing/subscriptions';
import { owedOf, pricedAbove, type UsageEntry, type UsageLedger } from '../pricing/usage';
import type { Settings } from '../settings';
import type { Coupons } from './coupons';
import { weightedUnits } from './weighted';

const DAY_MS = 86_400_000;

export interface PostMeta {
  kind: TransferKind;
  periodId: number;
  chargeId?: number | null;
  eventId?: number | null;
  ref?: string | null;
}

/**
 * The billing lifecycle of period segments:
 * - open: fixed fees in advance (prorated, not during a trial, less coupons), charges billed in
 *   advance at the price of their starting usage, recurring usage carried in;
 * - close: time-based quantities priced, every charge settled to its price (so the price of zero
 *   usage in arrears and any rounding are posted), fixed fees in arrears, unused advance fees given
 *   back on an early end, the minimum commitment trued up (measured before coupons, then
 *   discounted itself: see `trueUpMinimum`), coupons on postpaid usage;
 * - finalize (after the grace period): settle again for late events, then the segment is frozen.
 * `advance` runs these in order for a subscription up to now: the scheduler and the catch-up
 * after the engine was off both use it, and every step is recorded, so running it twice does
 * nothing twice.
 */
export class Billing {
  /** Told when the last segment of a billing period closes (the invoice draft is made then). */
  onPeriodClosed: ((sub: SubscriptionRow, customer: CustomerRow, periodStart: number) => void) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly plans: Plans,
    private readonly subscriptions: Subscriptions,
    private readonly usage: UsageLedger,
    private readonly authorizations: Authorizations,
    private readonly coupons: Coupons,
    private readonly settings: Settings,
  ) {}

  // ---------------------------------------------------------------- posting
  /** Posts what a customer owes (positive: drawn from credit then debt) or is given back (negative). */
  post(customer: CustomerRow, asset: string, amount: bigint, meta: PostMeta): void {
    if (amount === 0n) return;
    const { books } = this.ctx;
    const ws = books.wallet(customer.id, asset);
    this.authorizations.applyDeadlines(ws);
    const revenue = books.systemAccount(asset, 'revenue');
    const m = { kind: meta.kind, periodId: meta.periodId, chargeId: meta.chargeId ?? null, eventId: meta.eventId ?? null, ref: meta.ref ?? null };
    if (amount > 0n) consume(books, ws, amount, revenue, m, { now: this.ctx.now(), useCredit: customer.billing_mode === 'prepaid' });
    else giveBack(books, ws, -amount, revenue, m, this.ctx.now());
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset });
  }

  /**
   * Posts a charge's outstanding price in a segment: priced - baseline - billed, where
   * priced - baseline is at least 0 for usage carried over a plan change (`owedOf`): the new plan's
   * price of the carried plus new usage can be below its price of the carried usage alone (volume
   * pricing puts every unit at the tier's price, so more units can cost less), and the usage billed
   * under the old plan is final, so the new segment then owes nothing rather than a credit.
   */
  private settleCharge(customer: CustomerRow, seg: PeriodRow, charge: CompiledCharge): void {
    const entry = this.usage.get(seg.id, charge.id);
    const due = owedOf(entry) - entry.billed;
    if (due === 0n) return;
    this.usage.put({ ...entry, billed: entry.billed + due });
    this.post(customer, charge.asset.code, due, { kind: 'usage', periodId: seg.id, chargeId: charge.id });
  }

  // ---------------------------------------------------------------- segments
  /**
   * The segment of `sub` holding `at`, ready for posting: created if needed (recurring usage
   * carried in from the segment before), and opened if its start has come.
   */
  segmentFor(sub: SubscriptionRow, customer: CustomerRow, at: number): PeriodRow {
    const seg = this.subscriptions.segmentAt(sub, customer, at);
    if (seg.opened_at === null) {
      this.carryRecurring(seg);
      if (seg.start_at <= this.ctx.now()) this.open(sub, customer, seg);
    }
    return seg;
  }

  /** Recurring metrics (seats, storage) start a segment where the previous one ended. */
  private carryRecurring(seg: PeriodRow): void {
    const previous = this.subscriptions.segmentBefore(seg.subscription_id, seg.start_at);
    if (!previous) return;
    const plan = this.plans.byId(seg.plan_id);
    const before = this.plans.byId(previous.plan_id);
    for (const charge of plan.charges) {
      if (!charge.metric.recurring || this.usage.has(seg.id, charge.id)) continue;
      const source = sourceCharge(before, charge);
      if (!source) continue;
      const prev = this.usage.get(previous.id, source.id);
      const units = prev.usage.units;
      if (charge.metric.aggregation === 'unique_count') this.ctx.store.copyUniqueValues(previous.id, source.id, seg.id, charge.id);
      const usage = withUnits(emptyUsage(), units);
      const weighted = charge.metric.aggregation === 'weighted_sum' ? { current: prev.weighted?.current ?? units, since: seg.start_at, area: dec(0) } : null;
      const startValues = charge.metric.aggregation === 'unique_count' ? this.ctx.store.listUniqueValues(seg.id, charge.id) : null;
      this.usage.put({ ...this.usage.get(seg.id, charge.id), usage, start: usage, startValues, priced: charge.metric.aggregation === 'weighted_sum' ? 0n : priceOf(charge, usage), weighted });
    }
  }

  private saveSegment(seg: PeriodRow, change: Partial<PeriodRow>): void {
    const previous = { ...seg };
    Object.assign(seg, change);
    this.subscriptions.saveSegment(seg, previous);
  }

  /** Fixed fee and advance charges of a segment, once. */
  open(sub: SubscriptionRow, customer: CustomerRow, seg: PeriodRow): void {
    if (seg.opened_at !== null) return;
    const plan = this.plans.byId(seg.plan_id);
    if (plan.fixedFee?.payInAdvance) this.postFixedFee(sub, customer, seg, plan, seg.start_at, seg.end_at);
    for (const charge of plan.charges) if (charge.definition.pay_in_advance) this.settleCharge(customer, seg, charge);
    this.saveSegment(seg, { opened_at: this.ctx.now() });
  }

  /** The fixed fee for [from, to) of a segment, prorated by days against the full period, trial excluded, less coupons. */
  private fixedFeeFor(sub: SubscriptionRow, customer: CustomerRow, seg: PeriodRow, plan: CompiledPlan, from: number, to: number): bigint {
    if (!plan.fixedFee || to <= from) return 0n;
    const trialEnd = sub.started_at + plan.definition.trial_days * DAY_MS;
    const start = Math.max(from, trialEnd);
    if (start >= to) return 0n;
    const fraction = prorationFraction({ startMs: start, endMs: to }, { startMs: seg.period_start, endMs: seg.period_end, index: seg.idx, fullStartMs: seg.full_start }, this.customers.timezoneOf(customer));
    return roundRatio(plan.fixedFee.amount * fraction.numerator, fraction.denominator);
  }

  private postFixedFee(sub: SubscriptionRow, customer: CustomerRow, seg: PeriodRow, plan: CompiledPlan, from: number, to: number): void {
    const fee = this.fixedFeeFor(sub, customer, seg, plan, from, to);
    if (fee <= 0n) return;
    const off = this.coupons.discount(customer, plan, seg.id, { kind: 'fee', asset: plan.fixedFee!.asset.code, base: fee });
    this.post(customer, plan.fixedFee!.asset.code, fee - off, { kind: 'fee', periodId: seg.id, ref: `${plan.row.code} v${plan.row.version}` });
  }

  /** The fee posted for a segment so far (advance fees, net of coupons and give-backs). */
  private feePosted(seg: PeriodRow): bigint {
    return this.ctx.store.sumPeriodTransfers(seg.id, ['fee']);
  }

  /**
   * Closes a segment at `at` (its end, or earlier for a plan change or a termination): prices
   * time-based charges, settles every charge, posts or gives back the fixed fee, trues up the
   * minimum commitment and applies coupons to postpaid usage.
   *
   * Days of the fixed fee and the minimum commitment (rule 6 of shared/time/periods.ts): a day
   * belongs to the segment in force at its end. A plan change at 10:00 therefore leaves its day to
   * the new plan's segment, which pays its first day in full (Lago bills an upgrade day on the new
   * plan), while a termination has no segment after it, so it bills its own day in full: the fee and
   * the minimum cover the period up to and including the termination day (Lago's rule for a plain
   * termination), and usage counts up to the termination instant (the segment ends there).
   */
  close(sub: SubscriptionRow, customer: CustomerRow, seg: PeriodRow, at: number, reason: 'period_end' | 'plan_change' | 'terminated', options: { draftInvoice: boolean } = { draftInvoice: true }): void {
    if (seg.closed_at !== null) return;
    if (seg.opened_at === null) this.open(sub, customer, seg);
    const plan = this.plans.byId(seg.plan_id);
    const end = Math.min(at, seg.end_at);
    const originalEnd = seg.end_at;
    if (end < seg.end_at) this.saveSegment(seg, { end_at: end });
    const feeEnd = reason === 'terminated' ? this.endOfDay(customer, seg, end, originalEnd) : end;
    this.priceTimeBased(customer, seg, plan);
    for (const charge of plan.charges) this.settleCharge(customer, seg, charge);

    if (plan.fixedFee) {
      if (plan.fixedFee.payInAdvance) {
        // Ended early: the part of the advance fee for [feeEnd, originalEnd) goes back. The fee
        // kept is discounted again on its own (a coupon covers the part kept, and what it took off
        // the part given back returns to it), so the fee stays `kept - discount(kept)`.
        if (feeEnd < originalEnd) {
          const kept = this.fixedFeeFor(sub, customer, seg, plan, seg.start_at, feeEnd);
          const off = this.coupons.rediscount(customer, seg.id, { kind: 'fee', asset: plan.fixedFee.asset.code, base: kept });
          const posted = this.feePosted(seg);
          if (posted > kept - off) this.post(customer, plan.fixedFee.asset.code, kept - off - posted, { kind: 'fee', periodId: seg.id, ref: 'unused part of the fixed fee' });
        }
      } else {
        this.postFixedFee(sub, customer, seg, plan, seg.start_at, feeEnd);
      }
    }
    this.trueUpMinimum(customer, seg, plan, feeEnd);
    if (customer.billing_mode === 'postpaid') this.discountUsage(customer, seg, plan);
    // A plan change splits a billing period; the period ends with its last segment.
    if (reason !== 'plan_change') this.coupons.periodEnded(customer, seg, plan);
    const now = this.ctx.now();
    const graceMs = this.settings.get().grace_period_hours * 3_600_000;
    this.saveSegment(seg, { closed_at: now, status: 'closed', end_reason: reason, grace_until: Math.max(end, now) + graceMs });
    if (reason !== 'plan_change' && options.draftInvoice) this.onPeriodClosed?.(sub, customer, seg.period_start);
  }

  /**
   * The end of the local day holding the last instant before `end` (the next midnight in the
   * customer's billing zone; `end` itself when it is a midnight), within the segment's original end.
   */
  private endOfDay(customer: CustomerRow, seg: PeriodRow, end: number, originalEnd: number): number {
    if (end <= seg.start_at) return end;
    const tz = this.customers.timezoneOf(customer);
    const next = startOfDate(addDaysToDate(zonedDate(end - 1, tz), 1), tz);
    return Math.max(end, Math.min(next, originalEnd));
  }

  private priceTimeBased(customer: CustomerRow, seg: PeriodRow, plan: CompiledPlan): void {
    for (const charge of plan.charges) {
      if (charge.metric.aggregation !== 'weighted_sum') continue;
      const entry = this.usage.get(seg.id, charge.id);
      const { units, final } = this.weightedOf(customer, seg, charge, entry, seg.end_at);
      const usage = withUnits(entry.usage, units);
      this.usage.put({ ...entry, usage, priced: pricedAbove(priceOf(charge, usage), entry), weighted: { current: final, since: seg.end_at, area: dec(0) } });
    }
  }

  /** A weighted_sum quantity of a segment up to `until`, from its events in time order. */
  weightedOf(customer: CustomerRow, seg: PeriodRow, charge: CompiledCharge, entry: UsageEntry, until: number) {
    const initial = entry.weighted && entry.weighted.since === seg.start_at ? entry.weighted.current : this.carriedLevel(seg, charge);
    const changes = this.ctx.store
      .listPeriodEvents(customer.id, seg.id, charge.metric.eventType)
      .map((e) => ({ at: e.timestamp, value: (JSON.parse(e.properties) as Record<string, unknown>)[charge.metric.property ?? ''] }))
      .filter((c): c is { at: number; value: number | string } => typeof c.value === 'number' || typeof c.value === 'string')
      .map((c) => ({ at: c.at, value: dec(c.value) }));
    return weightedUnits(changes, initial, seg.start_at, Math.min(until, seg.end_at));
  }

  /**
   * The level a segment started at: where the segment before ended, for a recurring metric (as
   * carryRecurring carried it in), else zero. Once a segment is priced its own entry holds its end
   * level, so a second pricing (at finalization, after late events) must not start from that.
   */
  private carriedLevel(seg: PeriodRow, charge: CompiledCharge) {
    if (!charge.metric.recurring) return dec(0);
    const previous = this.subscriptions.segmentBefore(seg.subscription_id, seg.start_at);
    const source = previous ? sourceCharge(this.plans.byId(previous.plan_id), charge) : undefined;
    return previous && source ? (this.usage.get(previous.id, source.id).weighted?.current ?? dec(0)) : dec(0);
  }

  /**
   * The minimum commitment's true-up (Lago's rule): the commitment is measured on the segment's fees
   * and usage charges before coupons, and coupons then discount, so a coupon always lowers what the
   * customer pays. The fee transfers are posted net of their coupons, so what the coupons took off
   * the fee (its `fee:` uses, after any rediscount of a fee cut short) is added back; usage coupons
   * are posted apart (`discount` transfers, after this) and are not in the sum.
   *
   * The true-up is then discounted like a fixed fee, as Lago's coupons discount every fee of the
   * invoice: by a coupon limited to nothing, or to this plan; never by a coupon limited to metrics
   * (the true-up is no metric's usage). Its coupon uses are recorded as `minimum_commitment:ASSET`,
   * and the invoice shows the true-up before them with a coupon line each.
   */
  private trueUpMinimum(customer: CustomerRow, seg: PeriodRow, plan: CompiledPlan, end: number): void {
    const min = plan.minimumCommitment;
    if (!min) return;
    const asset = min.asset.code;
    const fraction = prorationFraction({ startMs: seg.start_at, endMs: end }, { startMs: seg.period_start, endMs: seg.period_end, index: seg.idx, fullStartMs: seg.full_start }, this.customers.timezoneOf(customer));
    const minimum = roundRatio(min.amount * fraction.numerator, fraction.denominator);
    const posted = this.ctx.store.sumPeriodTransfers(seg.id, ['usage', 'usage_credit', 'fee'], asset);
    const feeCoupons = this.ctx.store
      .listCouponUses(seg.id)
      .filter((u) => u.target === `fee:${asset}`)
      .reduce((s, u) => s + u.amount, 0n);
    const spent = posted + feeCoupons;
    if (spent >= minimum) return;
    const trueUp = minimum - spent;
    const off = this.coupons.discount(customer, plan, seg.id, { kind: 'minimum_commitment', asset, base: trueUp });
    this.post(customer, asset, trueUp - off, { kind: 'minimum_commitment', periodId: seg.id, ref: `minimum ${min.amount} for ${plan.row.code}` });
  }

  private discountUsage(customer: CustomerRow, seg: PeriodRow, plan: CompiledPlan): void {
    const byAsset = new Map<string, { base: bigint; metrics: Map<string, bigint> }>();
    for (const charge of plan.charges) {
      const billed = this.usage.get(seg.id, charge.id).billed;
      if (billed <= 0n) continue;
      const a = byAsset.get(charge.asset.code) ?? { base: 0n, metrics: new Map() };
      a.base += billed;
      a.metrics.set(charge.metric.code, (a.metrics.get(charge.metric.code) ?? 0n) + billed);
      byAsset.set(charge.asset.code, a);
    }
    for (const [asset, a] of byAsset) {
      const off = this.coupons.discount(customer, plan, seg.id, { kind: 'usage', asset, base: a.base, metricAmounts: a.metrics });
      if (off > 0n) this.post(customer, asset, -off, { kind: 'discount', periodId: seg.id, ref: 'coupon' });
    }
  }

  /** After the grace period: late events are settled, and the segment accepts nothing more. */
  finalize(seg: PeriodRow): void {
    if (seg.status === 'finalized') return;
    const sub = this.subscriptions.require(seg.subscription_id);
    const customer = this.customers.byInternalId(sub.customer_id);
    if (seg.closed_at === null) this.close(sub, customer, seg, seg.end_at, 'period_end');
    const plan = this.plans.byId(seg.plan_id);
    this.priceTimeBased(customer, seg, plan);
    for (const charge of plan.charges) this.settleCharge(customer, seg, charge);
    this.saveSegment(seg, { status: 'finalized', finalized_at: this.ctx.now() });
  }

  // ---------------------------------------------------------------- the subscription clock
  /** Subscriptions that have billing work due now. */
  due(now: number): string[] {
    return this.ctx.store.listSubscriptionsDue(now, 500);
  }

  /**
   * Brings a subscription up to `now`: activates it at its start, closes every segment that ended
   * (applying a scheduled plan change or cancellation at the period end) and opens the next, in
   * order. After a long pause (a laptop closed over a month end) this bills each missed period.
   */
  advance(subId: string, now: number): void {
    for (let guard = 0; guard < 10_000; guard++) {
      const sub = this.subscriptions.require(subId);
      if (sub.status === 'terminated') return;
      const customer = this.customers.byInternalId(sub.customer_id);
      if (sub.status === 'pending') {
        if (sub.started_at > now) return;
        this.subscriptions.save({ ...sub, status: 'active' });
        continue;
      }
      const last = this.subscriptions.lastSegment(sub.id) ?? this.segmentFor(sub, customer, sub.started_at);
      // An event of the new period may have opened the next segment before the clock closed the
      // one that ended: close those first, in order, so no period goes unbilled.
      const behind = this.subscriptions.endedUnclosedSegments(sub.id, now).find((s) => s.id !== last.id);
      if (behind) {
        if (behind.opened_at === null) this.open(sub, customer, behind);
        this.close(sub, customer, behind, behind.end_at, 'period_end');
        continue;
      }
      if (last.opened_at === null && last.start_at <= now) this.open(sub, customer, last);
      if (sub.terminate_at !== null && sub.terminate_at <= now && sub.terminate_at <= last.end_at && last.closed_at === null) {
        this.close(sub, customer, last, sub.terminate_at, 'terminated');
        this.subscriptions.save({ ...sub, status: 'terminated', terminated_at: sub.terminate_at });
        return;
      }
      if (last.end_at > now || last.closed_at !== null) {
        if (last.closed_at !== null && last.end_at <= now) {
          // closed early (plan change) with no next segment yet: start one
          this.segmentFor(sub, customer, last.end_at);
          continue;
        }
        return;
      }
      this.close(sub, customer, last, last.end_at, 'period_end');
      let next = sub;
      if (sub.next_plan_id !== null) next = { ...next, plan_id: sub.next_plan_id, next_plan_id: null };
      if (sub.terminate_at !== null && sub.terminate_at <= last.end_at) {
        this.subscriptions.save({ ...next, status: 'terminated', terminated_at: last.end_at });
        return;
      }
      if (next !== sub) this.subscriptions.save(next);
      this.segmentFor(this.subscriptions.require(subId), customer, last.end_at);
    }
    fail('internal_error', `Billing for subscription ${subId} did not converge.`);
  }

  /** Starts a subscription: its first segment is opened now if it has begun. */
  start(sub: SubscriptionRow): void {
    const customer = this.customers.byInternalId(sub.customer_id);
    if (sub.started_at <= this.ctx.now()) this.segmentFor(sub, customer, sub.started_at);
  }

  /**
   * Moves a subscription to another plan now: the current segment closes (settled; the advance fee
   * prorated), a new one opens on the new plan for the rest of the period. With carry_usage, the
   * usage so far carries into charges of the same metric (and filters), at its new price as a
   * baseline, so the customer keeps their tier without paying twice. The new segment's usage fee is
   * max(0, F_new(carried + new) - F_new(carried)): never a credit, even for a volume charge whose
   * price falls as units grow (see `pricedAbove` in pricing/usage.ts).
   */
  changePlanNow(sub: SubscriptionRow, plan: CompiledPlan): void {
    const customer = this.customers.byInternalId(sub.customer_id);
    const now = this.ctx.now();
    const current = this.segmentFor(sub, customer, now);
    this.close(sub, customer, current, now, 'plan_change');
    const moved = { ...sub, plan_id: plan.row.id, next_plan_id: null };
    this.subscriptions.save(moved);
    const p = this.subscriptions.periodOf(moved, customer, now);
    const seg = this.subscriptions.insertSegment(moved, plan.row.id, p, now, current.period_end);
    if (sub.carry_usage === 1) {
      const old = this.plans.byId(current.plan_id);
      for (const charge of plan.charges) {
        const source = old.charges.find((c) => c.metric.id === charge.metric.id && JSON.stringify(c.definition.filters) === JSON.stringify(charge.definition.filters));
        if (!source) continue;
        const prev = this.usage.get(current.id, source.id);
        if (charge.metric.aggregation === 'unique_count') this.ctx.store.copyUniqueValues(current.id, source.id, seg.id, charge.id);
        const priced = charge.metric.aggregation === 'weighted_sum' ? 0n : priceOf(charge, prev.usage);
        const startValues = charge.metric.aggregation === 'unique_count' ? this.ctx.store.listUniqueValues(seg.id, charge.id) : null;
        this.usage.put({ ...this.usage.get(seg.id, charge.id), usage: prev.usage, start: prev.usage, startValues, latestAt: prev.latestAt, priced, baseline: priced, floorAtBaseline: true, weighted: prev.weighted ? { current: prev.weighted.current, since: now, area: dec(0) } : null });
      }
    }
    this.open(moved, customer, seg);
  }

  /** Terminates now: the segment closes at once, unused advance fees go back. */
  terminateNow(sub: SubscriptionRow): void {
    const customer = this.customers.byInternalId(sub.customer_id);
    const now = this.ctx.now();
    if (sub.started_at <= now) {
      const current = this.segmentFor(sub, customer, now);
      this.close(sub, customer, current, now, 'terminated');
    }
    this.subscriptions.save({ ...sub, status: 'terminated', terminated_at: now, terminate_at: now });
  }
}

/** a / b rounded half up, for non-negative integers. */
function roundRatio(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}

/** The charge of an earlier plan whose usage a charge carries on: the same charge, else one on the same metric. */
function sourceCharge(before: CompiledPlan, charge: CompiledCharge): CompiledCharge | undefined {
  return before.charges.find((c) => c.id === charge.id) ?? before.charges.find((c) => c.metric.id === charge.metric.id);
}

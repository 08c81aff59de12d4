import type { z } from 'zod';
import type { InputIssue } from '../../../shared/contract/input-issues';
import type { AppliedCoupon, Coupon, CreateCoupon } from '../../../shared/contract/pricing';
import { dec, div, mul, toMinor } from '../../../shared/decimal';
import type { CustomerRow, PeriodRow } from '../../storage/store';
import type { Assets } from '../assets';
import type { EngineContext } from '../context';
import { fail } from '../errors';
import { decodeCursor, encodeCursor, iso, isoOrNull } from '../format';
import { newId } from '../ids';
import type { CompiledPlan } from '../pricing/plans';
import { parseTimestampField } from '../timestamps';

interface CouponRow {
  code: string;
  name: string;
  kind: 'fixed' | 'percentage';
  asset: string | null;
  amount: bigint | null;
  percentage: string | null;
  frequency: 'once' | 'recurring' | 'forever';
  periods: number | null;
  plans: string[];
  metrics: string[];
  expires_at: number | null;
  created_at: number;
}

interface AppliedRow {
  id: string;
  customer_id: number;
  coupon_code: string;
  periods_left: number | null;
  amount_left: bigint | null;
  status: 'active' | 'used' | 'removed';
  created_at: number;
  updated_at: number;
}

/**
 * What a coupon may discount: a fixed fee, the usage of some charges (postpaid customers), or the
 * minimum commitment's true-up (measured on the fees and usage before coupons; a coupon limited to
 * metrics never discounts it, one limited to nothing or to its plan does, as Lago's coupons discount
 * every fee of the invoice).
 */
export interface DiscountTarget {
  kind: 'fee' | 'usage' | 'minimum_commitment';
  asset: string;
  /** The amount before discount, in minor units. */
  base: bigint;
  /** For usage: the metric codes of the charges in `base` (a coupon limited to metrics applies to its own). */
  metricAmounts?: Map<string, bigint>;
}

/**
 * Coupons: a fixed amount or a percentage off, once, for N periods or forever, optionally limited
 * to plans or to metrics. They discount fixed fees (when posted), the minimum commitment's true-up
 * (at close) and, for postpaid customers, the usage of a period (at close), before tax. Prepaid
 * promotions are grants, not coupons.
 */
export class Coupons {
  constructor(
    private readonly ctx: EngineContext,
    private readonly assets: Assets,
  ) {}

  private row(code: string): CouponRow | undefined {
    const r = this.ctx.store.getCoupon(code);
    return r ? { ...r, plans: JSON.parse(r.plans) as string[], metrics: JSON.parse(r.metrics) as string[] } : undefined;
  }

  create(input: z.output<typeof CreateCoupon>): z.output<typeof Coupon> {
    if (this.row(input.code)) fail('already_exists', `A coupon with code ${input.code} exists already.`, { coupon: input.code });
    if (input.asset) this.assets.require(input.asset);
    const now = this.ctx.now();
    if (input.percentage !== undefined) {
      const p = dec(input.percentage);
      if (p.c <= 0n || toMinor(p, 6) > 100_000_000n) fail('validation_failed', 'percentage must be above 0 and at most 100.', { issues: [{ path: ['percentage'], message: 'out of range' }] });
    }
    // A code that names nothing would make a coupon that never applies, without a word: refused.
    const issues: InputIssue[] = [];
    (input.plans ?? []).forEach((code, i) => {
      if (!this.ctx.store.getLatestPlan(code)) issues.push({ path: ['plans', i], message: `no plan has code ${code}` });
    });
    (input.metrics ?? []).forEach((code, i) => {
      if (!this.ctx.store.getMetricByCode(code)) issues.push({ path: ['metrics', i], message: `no metric has code ${code}` });
    });
    if (issues.length) fail('validation_failed', `${issues.map((x) => `${x.path[0]}[${x.path[1]}]: ${x.message}`).join('; ')}.`, { issues });
    const row = {
      code: input.code,
      name: input.name ?? input.code,
      kind: input.kind,
      asset: input.kind === 'fixed' ? input.asset! : null,
      amount: input.kind === 'fixed' ? input.amount! : null,
      percentage: input.kind === 'percentage' ? input.percentage! : null,
      frequency: input.frequency,
      periods: input.frequency === 'recurring' ? input.periods! : null,
      plans: JSON.stringify(input.plans ?? []),
      metrics: JSON.stringify(input.metrics ?? []),
      expires_at: parseTimestampField(input.expires_at, 'expires_at', now),
      created_at: now,
    };
    this.ctx.store.insertCoupon(row);
    return this.toApi(this.row(input.code)!);
  }

  get(code: string): z.output<typeof Coupon> {
    return this.toApi(this.row(code) ?? fail('not_found', `No coupon has code ${code}.`, { coupon: code }));
  }

  list(limit: number, cursor: string | undefined) {
    const rows = this.ctx.store.listCoupons(decodeCursor(cursor), limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.toApi(this.row(r.code)!)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.code) : null };
  }

  apply(customer: CustomerRow, code: string): z.output<typeof AppliedCoupon> {
    const coupon = this.row(code) ?? fail('not_found', `No coupon has code ${code}.`, { coupon: code });
    const now = this.ctx.now();
    if (coupon.expires_at !== null && coupon.expires_at <= now) fail('invalid_state', `Coupon ${code} expired on ${iso(coupon.expires_at)}.`, { coupon: code });
    if (this.ctx.store.listAppliedCoupons(customer.id).some((a) => a.coupon_code === code && a.status === 'active')) {
      fail('invalid_state', `Coupon ${code} is already active for ${customer.external_id}.`, { coupon: code });
    }
    const row: AppliedRow = {
      id: newId('cpn', now),
      customer_id: customer.id,
      coupon_code: code,
      periods_left: coupon.frequency === 'recurring' ? coupon.periods : coupon.frequency === 'once' && coupon.kind === 'percentage' ? 1 : null,
      amount_left: coupon.frequency === 'once' && coupon.kind === 'fixed' ? coupon.amount : null,
      status: 'active',
      created_at: now,
      updated_at: now,
    };
    this.ctx.store.insertAppliedCoupon(row);
    return this.appliedToApi(row, customer.external_id, coupon.asset);
  }

  listApplied(customer: CustomerRow) {
    const assets = new Map<string, string | null>();
    const assetOf = (code: string) => {
      if (!assets.has(code)) assets.set(code, this.row(code)?.asset ?? null);
      return assets.get(code)!;
    };
    return { data: this.ctx.store.listAppliedCoupons(customer.id).map((r) => this.appliedToApi(r, customer.external_id, assetOf(r.coupon_code))) };
  }

  /** The customer's application of a coupon that a removal acts on: the active one, else the latest. */
  private applicationOf(customer: CustomerRow, code: string): AppliedRow | undefined {
    const rows = this.ctx.store.listAppliedCoupons(customer.id).filter((a) => a.coupon_code === code);
    return rows.find((a) => a.status === 'active') ?? rows[rows.length - 1];
  }

  /** The application a removal would act on, as the API shows it (the audit's `before`); null if none. */
  appliedOf(customer: CustomerRow, code: string): z.output<typeof AppliedCoupon> | null {
    const row = this.applicationOf(customer, code);
    return row ? this.appliedToApi(row, customer.external_id, this.row(code)?.asset ?? null) : null;
  }

  /**
   * Takes a coupon off a customer (Lago: terminate an applied coupon): its active application
   * becomes `removed`, so it discounts nothing from now on (what it took off before stays). A
   * repeat answers the removed application again; a used-up one has nothing left to remove.
   */
  remove(customer: CustomerRow, code: string): z.output<typeof AppliedCoupon> {
    const applied = this.applicationOf(customer, code) ?? fail('not_found', `${customer.external_id} has no coupon ${code}.`, { customer: customer.external_id, coupon: code });
    if (applied.status === 'used') fail('invalid_state', `Coupon ${code} of ${customer.external_id} is used up: there is nothing left to remove.`, { customer: customer.external_id, coupon: code, status: applied.status });
    if (applied.status === 'active') {
      applied.status = 'removed';
      applied.updated_at = this.ctx.now();
      this.ctx.store.updateAppliedCoupon(applied);
      this.ctx.emit({ type: 'customer', customer: customer.external_id, id: customer.external_id });
    }
    return this.appliedToApi(applied, customer.external_id, this.row(code)?.asset ?? null);
  }

  /**
   * Discounts `target` with the customer's active coupons, in the order they were applied; records
   * each use against the period and returns the discount (never more than the base).
   */
  discount(customer: CustomerRow, plan: CompiledPlan, periodId: number, target: DiscountTarget): bigint {
    let remaining = target.base;
    let total = 0n;
    const now = this.ctx.now();
    for (const applied of this.ctx.store.listAppliedCoupons(customer.id)) {
      if (remaining <= 0n) break;
      if (applied.status !== 'active') continue;
      const coupon = this.row(applied.coupon_code);
      if (!coupon) continue;
      if (coupon.plans.length && !coupon.plans.includes(plan.row.code)) continue;
      let base = remaining;
      if (coupon.metrics.length) {
        if (target.kind !== 'usage' || !target.metricAmounts) continue;
        base = 0n;
        for (const m of coupon.metrics) base += target.metricAmounts.get(m) ?? 0n;
        if (base > remaining) base = remaining;
      }
      if (base <= 0n) continue;
      let off: bigint;
      if (coupon.kind === 'percentage') {
        off = percentOf(base, coupon.percentage!);
      } else {
        if (coupon.asset !== target.asset) continue;
        // A fixed coupon that lasts (recurring, forever) takes its amount off each billing period
        // once, across the fee and the usage and every segment of the period; a `once` coupon
        // draws on what is left of its amount.
        off = applied.amount_left ?? coupon.amount! - this.ctx.store.couponAmountInPeriod(applied.id, periodId);
      }
      if (off > base) off = base;
      if (off <= 0n) continue;
      remaining -= off;
      total += off;
      this.ctx.store.insertCouponUse({ applied_coupon_id: applied.id, period_id: periodId, target: `${target.kind}:${target.asset}`, amount: off, created_at: now });
      if (applied.amount_left !== null) {
        applied.amount_left -= off;
        if (applied.amount_left <= 0n) applied.status = 'used';
        applied.updated_at = now;
        this.ctx.store.updateAppliedCoupon(applied);
      }
    }
    return total;
  }

  /**
   * A target a coupon discounted when it was posted turned out smaller: a fixed fee paid in advance
   * whose segment ended early (a plan change, a termination) keeps only the part for its days. Its
   * discount is worked out again on the part kept (`base`), coupon by coupon in the order they
   * discounted it, as `discount` did: a percentage coupon takes its percentage of what is left of
   * the base, a fixed one what it took before, at most what is left. No coupon takes more than it
   * did. Each use is cut to its new amount (taken out if nothing is left of it), so the invoice's
   * coupon lines and `couponAmountInPeriod` (what a lasting fixed coupon has left for the period's
   * other segments and usage) follow; a `once` fixed coupon gets the difference back in
   * `amount_left`, active again if this fee had used it up. A coupon that counts periods (recurring,
   * once percentage) has still discounted this period as long as part of its discount stays: only
   * the amount changes. One cut to nothing (nothing kept, as at a plan change on the segment's first
   * day) has discounted nothing here, as `periodEnded` counts it, so it is left for what follows.
   * Returns the new discount of the target (the sum of its uses).
   */
  rediscount(customer: CustomerRow, periodId: number, target: { kind: 'fee'; asset: string; base: bigint }): bigint {
    const uses = this.ctx.store.listCouponUses(periodId).filter((u) => u.target === `${target.kind}:${target.asset}`);
    if (uses.length === 0) return 0n;
    const applications = new Map(this.ctx.store.listAppliedCoupons(customer.id).map((a) => [a.id, a]));
    const now = this.ctx.now();
    let remaining = target.base;
    let total = 0n;
    for (const use of uses) {
      const coupon = this.row(use.coupon_code);
      let off = coupon?.kind === 'percentage' ? percentOf(remaining, coupon.percentage!) : use.amount;
      if (off > use.amount) off = use.amount;
      if (off > remaining) off = remaining;
      if (off < 0n) off = 0n;
      remaining -= off;
      total += off;
      const back = use.amount - off;
      if (back === 0n) continue;
      this.ctx.store.setCouponUseAmount(use.id, off);
      let applied = applications.get(use.applied_coupon_id);
      // Used up and applied anew since: the amount returns to the active application (one per code).
      if (applied?.status === 'used') applied = [...applications.values()].find((a) => a.coupon_code === applied!.coupon_code && a.status === 'active' && a.amount_left !== null) ?? applied;
      if (applied && applied.amount_left !== null) {
        applied.amount_left += back;
        if (applied.status === 'used' && applied.amount_left > 0n) applied.status = 'active';
        applied.updated_at = now;
        this.ctx.store.updateAppliedCoupon(applied);
      }
    }
    return total;
  }

  /**
   * A billing period of the customer's subscription ended (its last segment closed, at the period
   * end or a termination; a plan change splits a period, it does not end it): coupons that last a
   * number of periods count one down, once per billing period whatever its segments.
   *
   * A recurring coupon for N periods covers N billing periods of the subscription, whether or not
   * there was anything to discount in them (a month without usage or fee is one of its months), as
   * Lago documents `frequency_duration`: "the number of billing periods to which the coupon
   * applies". (Lago's code counts one down only when the coupon is applied to an invoice, which
   * needs a positive fee amount, so there a period with nothing to bill stretches the coupon.)
   * Every period it was in force for from the period's start counts, if it was
   * eligible (its plans); the period in progress when it was applied counts only if it discounted
   * something in it, so a coupon applied on the last day does not lose a period for nothing.
   * A `once` percentage coupon (one period left) is used up by its first discount.
   */
  periodEnded(customer: CustomerRow, seg: PeriodRow, plan: CompiledPlan): void {
    const now = this.ctx.now();
    for (const applied of this.ctx.store.listAppliedCoupons(customer.id)) {
      if (applied.status !== 'active' || applied.periods_left === null) continue;
      const coupon = this.row(applied.coupon_code);
      const used = this.ctx.store.couponAmountInPeriod(applied.id, seg.id) > 0n;
      const covered = coupon?.frequency === 'recurring' && applied.created_at <= seg.period_start && (coupon.plans.length === 0 || coupon.plans.includes(plan.row.code));
      if (!used && !covered) continue;
      applied.periods_left -= 1;
      if (applied.periods_left <= 0) applied.status = 'used';
      applied.updated_at = now;
      this.ctx.store.updateAppliedCoupon(applied);
    }
  }

  private toApi(r: CouponRow): z.output<typeof Coupon> {
    return {
      code: r.code,
      name: r.name,
      kind: r.kind,
      asset: r.asset,
      amount: r.amount === null ? null : r.amount.toString(),
      percentage: r.percentage,
      frequency: r.frequency,
      periods: r.periods,
      plans: r.plans,
      metrics: r.metrics,
      expires_at: isoOrNull(r.expires_at),
      created_at: iso(r.created_at),
    };
  }

  private appliedToApi(r: AppliedRow, customer: string, asset: string | null): z.output<typeof AppliedCoupon> {
    return {
      id: r.id,
      customer,
      coupon: r.coupon_code,
      status: r.status,
      periods_left: r.periods_left,
      amount_left: r.amount_left === null ? null : r.amount_left.toString(),
      asset,
      created_at: iso(r.created_at),
    };
  }
}

/** `percentage` % of `base`, rounded half up to the minor unit. */
function percentOf(base: bigint, percentage: string): bigint {
  return toMinor(div(mul(dec(base), dec(percentage)), dec(100), 6), 0, 'half_up');
}

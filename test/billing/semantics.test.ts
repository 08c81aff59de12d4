/**
 * Billing semantics found in review, each on a frozen clock:
 * - a plan change with carry_usage never gives a negative usage fee on the new plan (volume
 *   pricing is not monotonic: more units can cost less in total);
 * - a recurring coupon for N periods covers N billing periods of the subscription, whether or not
 *   there was anything to discount in them, and a plan change does not make a period count twice;
 * - terminating now bills usage up to the termination instant and the fixed fee (and minimum
 *   commitment) up to and including the termination day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine, advanceBilling } from '../helpers/harness';

let fx: EngineFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const at = (s: string) => Date.parse(s);
const POSTPAID = { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] };

async function start(o: { plan?: Record<string, unknown>; topUp?: string; customer?: Record<string, unknown>; now?: string } = {}) {
  clock = new ManualClock(at(o.now ?? '2026-04-01T00:00:00Z'));
  fx = openEngine({ clock });
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createCustomer', { external_id: 'acme', ...o.customer });
  if (o.topUp) await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: o.topUp });
  await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
  await fx.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', ...o.plan });
  return fx.op<any>('createSubscription', { customer: 'acme', plan: 'p' });
}

/** Net revenue of acme's transfers by kind, optionally for one segment (minor units). */
function revenueByKind(periodId?: number): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  const rows = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 100000 });
  const accounts = new Map(fx.engine.store.listAllAccounts().map((a) => [a.id, a]));
  for (const t of rows) {
    if (t.phase !== 0) continue;
    if (periodId !== undefined && t.period_id !== periodId) continue;
    const into = accounts.get(t.credit_account_id)!.type === 'revenue';
    const outOf = accounts.get(t.debit_account_id)!.type === 'revenue';
    if (!into && !outOf) continue;
    out[t.kind] = (out[t.kind] ?? 0n) + (into ? t.amount : -t.amount);
  }
  return out;
}
const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);
/** What a segment's usage of a charge came to: debits less credits given back. */
const usageNet = (periodId: number) => {
  const r = revenueByKind(periodId);
  return (r.usage ?? 0n) + (r.usage_credit ?? 0n);
};
const call = (id: string, extra: Record<string, unknown> = {}) => fx.op<any>('ingestEvent', { transaction_id: id, customer: 'acme', code: 'calls', ...extra });
const segments = (subId: string) => fx.engine.store.listSubscriptionPeriods(subId);

// ------------------------------------------------------------------------------------------------
describe('carry_usage after an upgrade: a usage fee never goes negative', () => {
  // Volume: up to 10 calls at $1 each, from the 11th every call at $0.50 (12 calls = $6 < 8 calls = $8).
  const volume = { volume_ranges: [{ from_value: 0, to_value: 10, per_unit_amount: '1', flat_amount: '0' }, { from_value: 11, to_value: null, per_unit_amount: '0.5', flat_amount: '0' }] };
  const plan = (code: string) => ({ code, name: code, interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'volume', properties: volume }] });

  async function upgraded() {
    const sub = await start({ plan: { charges: plan('x').charges }, topUp: '1000000' });
    await fx.op('createPlan', plan('pro'));
    for (let i = 0; i < 8; i++) await call(`a${i}`);
    clock.set(at('2026-04-16T00:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'pro' });
    const [old, now] = segments(sub.id);
    return { sub, old: old!, seg: now! };
  }

  it('a volume charge priced lower with the carried usage owes nothing on the new plan, and credits nothing', async () => {
    const { old, seg } = await upgraded();
    expect(revenueByKind(old.id).usage).toBe(800n); // 8 calls at $1 on the old plan: final
    // 4 more calls: 12 in the period, worth F(12) - F(8) = $6 - $8 = -$2 on the new plan (it was
    // credited); the fee is max(0, -$2) = 0. Per event the volume tier may still move the segment's
    // price down (the 11th call), but never below zero.
    for (let i = 0; i < 4; i++) {
      await call(`b${i}`);
      const u = (await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0];
      expect(BigInt(u.amount)).toBeGreaterThanOrEqual(0n);
      expect(Number(u.exact_amount)).toBeGreaterThanOrEqual(0);
      expect(usageNet(seg.id)).toBeGreaterThanOrEqual(0n);
    }
    const usage = await fx.op<any>('getUsage', { external_id: 'acme' });
    expect(usage.charges[0]).toMatchObject({ units: '12', amount: '0', exact_amount: '0', posted: '0' });
    expect(usageNet(seg.id)).toBe(0n);

    // Closing the period settles the segment to its price: still 0, never a credit.
    await advanceTo('2026-05-01T00:00:00Z');
    expect(usageNet(seg.id)).toBe(0n);
    expect(usageNet(old.id)).toBe(800n);
    const invoice = (await fx.op<any>('listInvoices', { customer: 'acme' })).data[0];
    const lines = (await fx.op<any>('getInvoice', { id: invoice.id })).lines.filter((l: any) => l.kind === 'usage');
    expect(lines.every((l: any) => BigInt(l.amount) >= 0n)).toBe(true);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('charges the new units once the total is worth more than the carried usage, and a reversal never takes it below zero', async () => {
    const { seg } = await upgraded();
    // 18 calls: F(18) = $9, F(8) = $8 -> $1 owed on the new plan
    for (let i = 0; i < 10; i++) await call(`b${i}`);
    expect((await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0]).toMatchObject({ units: '18', amount: '100', posted: '100' });
    expect(usageNet(seg.id)).toBe(100n);
    // Reversing six of them: 12 calls, F(12) - F(8) < 0 -> back to 0, not -$2
    for (let i = 0; i < 6; i++) await fx.op('reverseEvent', { customer: 'acme', transaction_id: `b${i}`, reason: 'test' });
    expect((await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0]).toMatchObject({ units: '12', amount: '0', posted: '0' });
    expect(usageNet(seg.id)).toBe(0n);
    await advanceTo('2026-05-01T00:00:00Z');
    expect(usageNet(seg.id)).toBe(0n);
    expect(fx.engine.verify().ok).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
describe('a recurring coupon counts billing periods, not discounts', () => {
  const charge = { charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] };
  const applied = async () => (await fx.op<any>('listAppliedCoupons', { external_id: 'acme' })).data[0];

  it('a 3-period coupon covers April, May (no usage, nothing to discount) and June, and not July', async () => {
    await start({ customer: POSTPAID, plan: charge });
    await fx.op('createCoupon', { code: 'THREE', kind: 'percentage', percentage: '10', frequency: 'recurring', periods: 3 });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'THREE' });
    for (let i = 0; i < 5; i++) await call(`apr${i}`);
    await advanceTo('2026-05-01T00:00:00Z');
    expect(revenueByKind()).toMatchObject({ usage: 500n, discount: -50n });
    expect(await applied()).toMatchObject({ status: 'active', periods_left: 2 });
    // May: no usage, no fee: nothing to discount, but May was one of the coupon's periods
    await advanceTo('2026-06-01T00:00:00Z');
    expect(await applied()).toMatchObject({ status: 'active', periods_left: 1 });
    for (let i = 0; i < 5; i++) await call(`jun${i}`);
    await advanceTo('2026-07-01T00:00:00Z');
    expect(revenueByKind()).toMatchObject({ usage: 1000n, discount: -100n });
    expect(await applied()).toMatchObject({ status: 'used', periods_left: 0 });
    for (let i = 0; i < 5; i++) await call(`jul${i}`);
    await advanceTo('2026-08-01T00:00:00Z');
    expect(revenueByKind()).toMatchObject({ usage: 1500n, discount: -100n }); // July is not covered
  });

  it('a plan change splits a billing period into two segments, which count as one period', async () => {
    const sub = await start({ customer: POSTPAID, plan: charge });
    await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '3000' }, ...charge });
    await fx.op('createCoupon', { code: 'TWO', kind: 'percentage', percentage: '10', frequency: 'recurring', periods: 2 });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'TWO' });
    for (let i = 0; i < 5; i++) await call(`a${i}`);
    clock.set(at('2026-04-16T00:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'pro' });
    for (let i = 0; i < 5; i++) await call(`b${i}`);
    await advanceTo('2026-05-01T00:00:00Z');
    expect(await applied()).toMatchObject({ status: 'active', periods_left: 1 }); // April counted once
    for (let i = 0; i < 10; i++) await call(`may${i}`);
    await advanceTo('2026-06-01T00:00:00Z');
    // May, the coupon's second period: $30 fee and $10 usage discounted by 10%
    const may = segments(sub.id).find((s) => s.period_start === at('2026-05-01T00:00:00Z'))!;
    const m = revenueByKind(may.id);
    expect((m.fee ?? 0n) + (m.usage ?? 0n) + (m.discount ?? 0n)).toBe(3600n);
    expect(await applied()).toMatchObject({ status: 'used', periods_left: 0 });
  });

  it('a coupon applied late in a period that discounts nothing there keeps all its periods for the next ones', async () => {
    await start({ customer: POSTPAID, plan: charge });
    await fx.op('createCoupon', { code: 'ONE', kind: 'percentage', percentage: '10', frequency: 'recurring', periods: 1 });
    clock.set(at('2026-04-30T12:00:00Z'));
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'ONE' });
    await advanceTo('2026-05-01T00:00:00Z');
    expect(await applied()).toMatchObject({ status: 'active', periods_left: 1 });
    for (let i = 0; i < 5; i++) await call(`may${i}`);
    await advanceTo('2026-06-01T00:00:00Z');
    expect(revenueByKind()).toMatchObject({ usage: 500n, discount: -50n });
    expect(await applied()).toMatchObject({ status: 'used', periods_left: 0 });
  });
});

// ------------------------------------------------------------------------------------------------
describe('terminating now bills the termination day', () => {
  // April has 30 days; terminated on 11 April at 15:00 UTC: 1-11 April inclusive is 11 days.
  const terminateAt = '2026-04-11T15:00:00Z';
  const usage = { charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] };

  it('a fee in arrears covers 1-11 April (11/30), and the usage up to the termination instant is billed', async () => {
    const sub = await start({ plan: { fixed_fee: { asset: 'USD', amount: '3000' }, ...usage }, topUp: '100000' });
    clock.set(at('2026-04-11T09:00:00Z'));
    await call('morning');
    clock.set(at(terminateAt));
    const t = await fx.op<any>('terminateSubscription', { id: sub.id });
    expect(t.status).toBe('terminated');
    expect(revenueByKind()).toMatchObject({ fee: 1100n, usage: 100n });
    // an event of the termination day that arrives late (before the grace period ends) is billed too
    clock.set(at('2026-04-11T16:00:00Z'));
    expect((await call('late', { timestamp: '2026-04-11T14:59:59Z' })).debits[0].amount).toBe('100');
    // after the termination instant there is no subscription to bill
    expect((await call('after', { timestamp: '2026-04-11T15:00:01Z' })).warnings).toContain('no_active_subscription');
    expect(revenueByKind()).toMatchObject({ fee: 1100n, usage: 200n });
    const [seg] = segments(sub.id);
    expect([seg!.end_at, seg!.end_reason]).toEqual([at(terminateAt), 'terminated']);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a fee paid in advance keeps 1-11 April and gives back 12-30 April', async () => {
    const sub = await start({ plan: { fixed_fee: { asset: 'USD', amount: '3000', pay_in_advance: true } }, topUp: '100000' });
    expect(revenueByKind().fee).toBe(3000n);
    clock.set(at(terminateAt));
    await fx.op('terminateSubscription', { id: sub.id });
    expect(revenueByKind().fee).toBe(1100n);
  });

  it('the minimum commitment is prorated over the same days', async () => {
    const sub = await start({ plan: { minimum_commitment: { asset: 'USD', amount: '3000' }, ...usage }, topUp: '100000' });
    clock.set(at(terminateAt));
    await fx.op('terminateSubscription', { id: sub.id });
    expect(revenueByKind().minimum_commitment).toBe(1100n);
  });

  it('a termination at midnight bills the days before it, not the day it starts', async () => {
    const sub = await start({ plan: { fixed_fee: { asset: 'USD', amount: '3000' } }, topUp: '100000' });
    clock.set(at('2026-04-11T00:00:00Z'));
    await fx.op('terminateSubscription', { id: sub.id });
    expect(revenueByKind().fee).toBe(1000n); // 1-10 April
  });

  it('after an upgrade the change day is the new plan\'s, and a termination that same day bills it once', async () => {
    const sub = await start({ plan: { fixed_fee: { asset: 'USD', amount: '3000' } }, topUp: '100000' });
    await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '6000' } });
    clock.set(at('2026-04-11T10:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'pro' });
    clock.set(at(terminateAt));
    await fx.op('terminateSubscription', { id: sub.id });
    const [basic, pro] = segments(sub.id);
    expect(revenueByKind(basic!.id).fee).toBe(1000n); // 1-10 April on the old plan
    expect(revenueByKind(pro!.id).fee).toBe(200n); // 11 April on the new one: 1/30 of $60
  });

  it('the invoice dates each fee line by the days it pays for: the change day under the new plan only', async () => {
    const sub = await start({ plan: { fixed_fee: { asset: 'USD', amount: '3000' } }, topUp: '100000' });
    await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '6000' } });
    clock.set(at('2026-04-11T10:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'pro' });
    clock.set(at('2026-04-20T15:00:00Z'));
    await fx.op('terminateSubscription', { id: sub.id });
    await advanceTo('2026-04-22T00:00:00Z');
    const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    const fees = inv.lines.filter((l: any) => l.kind === 'fixed_fee').map((l: any) => [l.description, l.period, l.amount]);
    expect(fees).toEqual([
      ['P — fixed fee (prorated)', '1 Apr 2026 – 10 Apr 2026', '1000'],
      ['Pro — fixed fee (prorated)', '11 Apr 2026 – 20 Apr 2026', '2000'],
    ]);
  });
});

// ------------------------------------------------------------------------------------------------
describe('a fee given back into a lot that has expired since', () => {
  // Prepaid; the advance fee is paid from a grant that expires a minute later; an upgrade the same
  // day gives the whole old fee back (the change day belongs to the new plan), into the expired grant.
  async function upgradeAfterTheGrantExpired(grantBeforeSubscribing: boolean) {
    clock = new ManualClock(at('2026-04-10T10:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme', tax_rate: '20' });
    const grant = () => fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '2500', kind: 'granted', expires_at: '2026-04-10T10:01:00Z', priority: 1 });
    if (grantBeforeSubscribing) await grant();
    await fx.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2000', pay_in_advance: true } });
    await fx.op('createPlan', { code: 'plus', name: 'Plus', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '5000', pay_in_advance: true } });
    const sub = await fx.op<any>('createSubscription', { customer: 'acme', plan: 'p' });
    // Without the grant first, the fee is booked as debt and the grant repays it: the give-back
    // then follows the repayment back to the grant.
    if (!grantBeforeSubscribing) await grant();
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '100000' });
    clock.set(at('2026-04-10T10:02:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'plus' });
    const [old, plus] = segments(sub.id);
    expect(revenueByKind(old!.id).fee ?? 0n).toBe(0n);
    const plusFee = revenueByKind(plus!.id).fee!;
    expect(plusFee).toBe(3500n); // 21 of 30 days (10-30 April) of $50
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-05-03T00:00:00Z');
    const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(inv.lines.filter((l: any) => l.kind === 'fixed_fee').map((l: any) => [l.description, l.amount])).toEqual([['Plus — fixed fee (prorated)', '3500']]);
    expect([inv.subtotal, inv.tax, inv.total]).toEqual(['3500', '700', '4200']);
    // the 2,000 given back went to breakage with the rest of the expired grant: 2,500 in all
    const breakage = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 1000 }).filter((t) => t.kind === 'expiry');
    expect(breakage.reduce((s, t) => s + t.amount, 0n)).toBe(2500n);
    expect(fx.engine.verify().ok).toBe(true);
  }

  it('paid straight from the grant: the invoice nets the old fee to nothing (no tax on it), and the credit expires to breakage', () => upgradeAfterTheGrantExpired(true));
  it('booked as debt the grant repaid: the same', () => upgradeAfterTheGrantExpired(false));
});

// ------------------------------------------------------------------------------------------------
describe('an advance fee ended early: its coupon covers the part kept, and gets the rest back', () => {
  const applied = async () => (await fx.op<any>('listAppliedCoupons', { external_id: 'acme' })).data[0];
  const feeLines = (inv: any) => inv.lines.filter((l: any) => l.kind === 'fixed_fee' || l.kind === 'coupon').map((l: any) => [l.description, l.amount]);
  const sumOfLines = (inv: any) => inv.lines.filter((l: any) => !l.informational).reduce((s: bigint, l: any) => s + BigInt(l.amount), 0n);
  const couponUses = (periodId: number) => fx.engine.store.listCouponUses(periodId).map((u) => [u.coupon_code, u.target, u.amount]);

  it('the integrator\'s case: a $5 once coupon on a $50 advance fee terminated 18 s after the upgrade covers the day kept and keeps $3.33', async () => {
    // Anniversary billing from 11 April 10:00: the period is 11 April - 11 May (30 days).
    clock = new ManualClock(at('2026-04-11T10:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme' });
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '100000' });
    await fx.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2000', pay_in_advance: true } });
    await fx.op('createPlan', { code: 'plus', name: 'Plus', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '5000', pay_in_advance: true } });
    const sub = await fx.op<any>('createSubscription', { customer: 'acme', plan: 'p', billing_time: 'anniversary' });
    await fx.op('createCoupon', { code: 'FIVE', kind: 'fixed', asset: 'USD', amount: '500', frequency: 'once' });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'FIVE' });
    clock.set(at('2026-04-11T10:05:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'plus' });
    const [, plus] = segments(sub.id);
    expect(revenueByKind(plus!.id).fee).toBe(4500n); // the whole period in advance, less the coupon
    expect(await applied()).toMatchObject({ status: 'used', amount_left: '0' });

    clock.set(at('2026-04-11T10:05:18Z'));
    await fx.op('terminateSubscription', { id: sub.id });
    // 1 day of 30 of $50 kept: 167, all of it covered by the coupon; 333 of the coupon comes back
    expect(revenueByKind(plus!.id).fee ?? 0n).toBe(0n);
    expect(couponUses(plus!.id)).toEqual([['FIVE', 'fee:USD', 167n]]);
    expect(await applied()).toMatchObject({ status: 'active', amount_left: '333' });
    expect(revenueByKind().fee ?? 0n).toBe(0n); // the first plan's fee went back in full (the change day is the new plan's)

    await advanceTo('2026-04-13T00:00:00Z');
    const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(feeLines(inv)).toEqual([
      ['Plus — fixed fee (prorated)', '167'],
      ['Coupon FIVE', '-167'],
    ]);
    expect([inv.subtotal, inv.discounts, inv.total]).toEqual(['167', '-167', '0']);
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  /** A prepaid customer with the coupon applied, then subscribed to `p` (calendar billing from 1 April). */
  async function couponed(coupon: Record<string, unknown>, plan: Record<string, unknown>) {
    clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme' });
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '100000' });
    await fx.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', ...plan });
    await fx.op('createCoupon', { code: 'C', ...coupon });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'C' });
    return fx.op<any>('createSubscription', { customer: 'acme', plan: 'p' });
  }
  const advanceFee = (amount: string) => ({ fixed_fee: { asset: 'USD', amount, pay_in_advance: true } });

  it('a once coupon used up and applied anew before the early end: what comes back goes to the active application, never two active', async () => {
    clock = new ManualClock(at('2026-04-11T10:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme' });
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '100000' });
    await fx.op('createPlan', { code: 'plus', name: 'Plus', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '5000', pay_in_advance: true } });
    await fx.op('createCoupon', { code: 'FIVE', kind: 'fixed', asset: 'USD', amount: '500', frequency: 'once' });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'FIVE' });
    const sub = await fx.op<any>('createSubscription', { customer: 'acme', plan: 'plus', billing_time: 'anniversary' });
    const list = async () => (await fx.op<any>('listAppliedCoupons', { external_id: 'acme' })).data.map((a: any) => [a.status, a.amount_left]);
    expect(await list()).toEqual([['used', '0']]);
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'FIVE' });
    clock.set(at('2026-04-11T10:05:18Z'));
    await fx.op('terminateSubscription', { id: sub.id });
    // 167 kept and covered; the 333 the first application gives back joins the second one
    expect(await list()).toEqual([['used', '0'], ['active', '833']]);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a recurring percentage coupon on a fee in advance, terminated mid-period, discounts only the days kept', async () => {
    const sub = await couponed({ kind: 'percentage', percentage: '10', frequency: 'recurring', periods: 3 }, advanceFee('3000'));
    const [seg] = segments(sub.id);
    expect(revenueByKind(seg!.id).fee).toBe(2700n);
    clock.set(at('2026-04-11T15:00:00Z'));
    await fx.op('terminateSubscription', { id: sub.id });
    // 1-11 April kept: 1100, 10% off: 110
    expect(revenueByKind(seg!.id).fee).toBe(990n);
    expect(couponUses(seg!.id)).toEqual([['C', 'fee:USD', 110n]]);
    expect(await applied()).toMatchObject({ status: 'active', periods_left: 2 }); // April counted, as before
    await advanceTo('2026-04-13T00:00:00Z');
    const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(feeLines(inv)).toEqual([
      ['P — fixed fee (prorated)', '1100'],
      ['Coupon C', '-110'],
    ]);
    expect([inv.subtotal, inv.discounts, inv.total]).toEqual(['1100', '-110', '990']);
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a once percentage coupon spent on the period stays spent after a termination; only its amount shrinks', async () => {
    const sub = await couponed({ kind: 'percentage', percentage: '20', frequency: 'once' }, advanceFee('3000'));
    const [seg] = segments(sub.id);
    expect(revenueByKind(seg!.id).fee).toBe(2400n);
    clock.set(at('2026-04-11T15:00:00Z'));
    await fx.op('terminateSubscription', { id: sub.id });
    expect(revenueByKind(seg!.id).fee).toBe(880n); // 1100 less 20%
    expect(couponUses(seg!.id)).toEqual([['C', 'fee:USD', 220n]]);
    expect(await applied()).toMatchObject({ status: 'used', periods_left: 0 });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a plan change gives back part of the old advance fee: its coupon covers the days kept, and what it gets back discounts the new plan', async () => {
    const sub = await couponed({ kind: 'fixed', asset: 'USD', amount: '500', frequency: 'once' }, advanceFee('3000'));
    await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', ...advanceFee('6000') });
    const [basic] = segments(sub.id);
    expect(revenueByKind(basic!.id).fee).toBe(2500n);
    expect(await applied()).toMatchObject({ status: 'used', amount_left: '0' });
    // Upgrade on 2 April: 1 April is the old plan's (100 of $30), 2-30 April the new plan's (29/30 of $60 = 5800).
    clock.set(at('2026-04-02T10:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'pro' });
    const [, pro] = segments(sub.id);
    expect(revenueByKind(basic!.id).fee ?? 0n).toBe(0n); // 100 kept, covered by the coupon
    expect(couponUses(basic!.id)).toEqual([['C', 'fee:USD', 100n]]);
    expect(revenueByKind(pro!.id).fee).toBe(5400n); // the 400 it got back, off the new fee
    expect(couponUses(pro!.id)).toEqual([['C', 'fee:USD', 400n]]);
    expect(await applied()).toMatchObject({ status: 'used', amount_left: '0' });
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-05-03T00:00:00Z');
    const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(feeLines(inv)).toEqual([
      ['P — fixed fee (prorated)', '100'],
      ['Coupon C', '-100'],
      ['Pro — fixed fee (prorated)', '5800'],
      ['Coupon C', '-400'],
    ]);
    expect([inv.subtotal, inv.discounts, inv.total]).toEqual(['5900', '-500', '5400']);
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a once percentage coupon on an advance fee given back in full at a same-day upgrade discounts the new plan only', async () => {
    const sub = await couponed({ kind: 'percentage', percentage: '20', frequency: 'once' }, advanceFee('3000'));
    await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', ...advanceFee('6000') });
    clock.set(at('2026-04-01T10:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'pro' });
    const [basic, pro] = segments(sub.id);
    expect(revenueByKind(basic!.id).fee ?? 0n).toBe(0n);
    expect(couponUses(basic!.id)).toEqual([]);
    expect(revenueByKind(pro!.id).fee).toBe(4800n);
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-05-03T00:00:00Z');
    const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(feeLines(inv)).toEqual([
      ['Pro — fixed fee (prorated)', '6000'],
      ['Coupon C', '-1200'],
    ]);
    expect(inv.total).toBe('4800');
    expect(await applied()).toMatchObject({ status: 'used', periods_left: 0 });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a plan change with a fixed coupon that lasts: the old plan\'s discount shrinks to the days kept, the rest of the month\'s amount goes to the new plan', async () => {
    const sub = await couponed({ kind: 'fixed', asset: 'USD', amount: '500', frequency: 'forever' }, advanceFee('3000'));
    await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', ...advanceFee('6000') });
    clock.set(at('2026-04-02T10:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'pro' });
    const [basic, pro] = segments(sub.id);
    expect(revenueByKind(basic!.id).fee ?? 0n).toBe(0n);
    expect(revenueByKind(pro!.id).fee).toBe(5400n); // 5800 less the 400 of April's 500 not used on the old plan
    expect(couponUses(basic!.id)).toEqual([['C', 'fee:USD', 100n]]);
    expect(couponUses(pro!.id)).toEqual([['C', 'fee:USD', 400n]]);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a percentage coupon on the old plan\'s advance fee is recomputed on the days kept at a plan change', async () => {
    const sub = await couponed({ kind: 'percentage', percentage: '10', frequency: 'forever' }, advanceFee('3000'));
    await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', ...advanceFee('6000') });
    clock.set(at('2026-04-11T10:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'pro' });
    const [basic, pro] = segments(sub.id);
    expect(revenueByKind(basic!.id).fee).toBe(900n); // 1-10 April: 1000, less 10%
    expect(revenueByKind(pro!.id).fee).toBe(3600n); // 11-30 April: 4000, less 10%
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-05-03T00:00:00Z');
    const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(feeLines(inv)).toEqual([
      ['P — fixed fee (prorated)', '1000'],
      ['Coupon C', '-100'],
      ['Pro — fixed fee (prorated)', '4000'],
      ['Coupon C', '-400'],
    ]);
    expect(inv.total).toBe('4500');
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });
});

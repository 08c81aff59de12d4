/**
 * The billing lifecycle of subscriptions on a frozen clock: fixed fees in advance and in arrears
 * (prorated by days), the price of zero usage, trials, minimum commitments, plan changes now and at
 * period end with usage carried, termination, catch-up over missed periods, late events in and
 * after the grace period, coupons, recurring and time-weighted metrics, entitlements.
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
const DAY = 86_400_000;

async function start(o: { plan?: Record<string, unknown>; topUp?: string; customer?: Record<string, unknown>; now?: string; settings?: Record<string, unknown> } = {}) {
  clock = new ManualClock(at(o.now ?? '2026-03-10T12:00:00Z'));
  fx = openEngine({ clock });
  if (o.settings) await fx.op('updateSettings', o.settings);
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createCustomer', { external_id: 'acme', ...o.customer });
  if (o.topUp) await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: o.topUp });
  await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
  await fx.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', ...o.plan });
  await fx.op('createSubscription', { customer: 'acme', plan: 'p' });
}

/** Net of every transfer of a kind into revenue, for acme (minor units). */
function revenueByKind(): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  const rows = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 100000 });
  const accounts = new Map(fx.engine.store.listAllAccounts().map((a) => [a.id, a]));
  for (const t of rows) {
    if (t.phase !== 0) continue;
    const into = accounts.get(t.credit_account_id)!.type === 'revenue';
    const out_ = accounts.get(t.debit_account_id)!.type === 'revenue';
    if (!into && !out_) continue;
    out[t.kind] = (out[t.kind] ?? 0n) + (into ? t.amount : -t.amount);
  }
  return out;
}
const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);
const balance = async () => (await fx.op<any>('getBalances', { external_id: 'acme' })).balances.find((b: any) => b.asset === 'USD');
const call = (id: string, extra: Record<string, unknown> = {}) => fx.op<any>('ingestEvent', { transaction_id: id, customer: 'acme', code: 'calls', ...extra });

describe('fixed fees', () => {
  it('in advance: prorated by days for the first calendar period, then whole, posted when each period opens', async () => {
    await start({ plan: { fixed_fee: { asset: 'USD', amount: '3100', pay_in_advance: true } }, topUp: '100000' });
    // 10 March (mid-day) to 1 April: 22 of 31 days of $31.00 -> $22.00
    expect(revenueByKind().fee).toBe(2200n);
    await advanceTo('2026-04-01T00:00:01Z');
    expect(revenueByKind().fee).toBe(2200n + 3100n);
    await advanceTo('2026-04-15T00:00:00Z');
    expect(revenueByKind().fee).toBe(5300n);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('in arrears: posted at close; a trial keeps the fee off its days', async () => {
    await start({ plan: { fixed_fee: { asset: 'USD', amount: '3100' }, trial_days: 12 }, topUp: '100000' });
    expect(revenueByKind().fee ?? 0n).toBe(0n);
    // the trial ends 22 March at noon; the fee counts 22 March (a segment starting mid-day pays its first day) to 1 April: 10 of 31 days
    await advanceTo('2026-04-01T00:00:00Z');
    expect(revenueByKind().fee).toBe(1000n);
    await advanceTo('2026-05-01T00:00:00Z');
    expect(revenueByKind().fee).toBe(1000n + 3100n);
  });
});

describe('the price of zero usage and the minimum commitment', () => {
  it('a graduated first-tier flat fee is owed at zero usage and posted at close', async () => {
    await start({
      plan: {
        charges: [
          {
            metric: 'calls',
            asset: 'USD',
            model: 'graduated',
            properties: { graduated_ranges: [{ from_value: 0, to_value: 100, per_unit_amount: '0.10', flat_amount: '5' }, { from_value: 101, to_value: null, per_unit_amount: '0.05', flat_amount: '0' }] },
          },
        ],
      },
      topUp: '100000',
    });
    expect((await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0]).toMatchObject({ amount: '500', posted: '0' });
    await advanceTo('2026-04-01T00:00:00Z');
    expect(revenueByKind().usage).toBe(500n);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('trues up to the minimum commitment, prorated for a partial period', async () => {
    await start({ plan: { minimum_commitment: { asset: 'USD', amount: '3100' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] }, topUp: '100000' });
    await call('a');
    await advanceTo('2026-04-01T00:00:00Z');
    // 22/31 of $31 = $22 minimum; $1 of usage; true-up $21
    expect(revenueByKind()).toMatchObject({ usage: 100n, minimum_commitment: 2100n });
  });
});

describe('plan changes', () => {
  const volume = (code: string, fee: string) => ({
    code,
    name: code,
    interval: 'monthly',
    fixed_fee: { asset: 'USD', amount: fee, pay_in_advance: true },
    charges: [{ metric: 'calls', asset: 'USD', model: 'volume', properties: { volume_ranges: [{ from_value: 0, to_value: 10, per_unit_amount: '1', flat_amount: '0' }, { from_value: 11, to_value: null, per_unit_amount: '0.5', flat_amount: '0' }] } }],
  });

  it('an upgrade takes effect now, prorated, and carries usage so the customer keeps their tier', async () => {
    await start({ now: '2026-04-01T00:00:00Z', plan: volume('basic', '3000').fixed_fee ? { fixed_fee: { asset: 'USD', amount: '3000', pay_in_advance: true }, charges: volume('x', '0').charges } : {}, topUp: '1000000' });
    await fx.op('createPlan', volume('pro', '6000'));
    for (let i = 0; i < 8; i++) await call(`a${i}`);
    expect(revenueByKind().usage).toBe(800n);
    clock.set(at('2026-04-16T00:00:00Z'));
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    const moved = await fx.op<any>('updateSubscription', { id: sub.id, plan: 'pro' });
    expect(moved.plan).toBe('pro');
    // fees: basic for 1-16 April kept (15/30 of $30 = $15), $15 back; pro for 16-30 April (15/30 of $60 = $30)
    expect(revenueByKind().fee).toBe(3000n - 1500n + 3000n);
    // 4 more calls: 12 in the period on the volume tier of 0.5 -> the new segment is priced against the 8 carried calls
    for (let i = 0; i < 4; i++) await call(`b${i}`);
    const usage = await fx.op<any>('getUsage', { external_id: 'acme' });
    expect(usage.charges[0].units).toBe('12');
    // on pro, the 8 carried calls are worth 8.00 (8 x 1, tier 2 not reached) and 12 calls 6.00: F(12) - F(8) = -2.00,
    // but a usage fee never goes negative, so the new segment owes max(0, -2.00) = 0 (the 8.00 billed on basic stays)
    expect(usage.charges[0].amount).toBe('0');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a downgrade waits for the end of the period', async () => {
    await start({ now: '2026-04-01T00:00:00Z', plan: { fixed_fee: { asset: 'USD', amount: '6000', pay_in_advance: true } }, topUp: '1000000' });
    await fx.op('createPlan', { code: 'small', name: 'Small', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '1000', pay_in_advance: true } });
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    const r = await fx.op<any>('updateSubscription', { id: sub.id, plan: 'small' });
    expect([r.plan, r.next_plan]).toEqual(['p', 'small']);
    await advanceTo('2026-05-02T00:00:00Z');
    expect((await fx.op<any>('getSubscription', { id: sub.id })).plan).toBe('small');
    expect(revenueByKind().fee).toBe(6000n + 1000n);
  });

  it('terminating now gives back the unused part of a fee paid in advance', async () => {
    await start({ now: '2026-04-01T00:00:00Z', plan: { fixed_fee: { asset: 'USD', amount: '3000', pay_in_advance: true } }, topUp: '100000' });
    clock.set(at('2026-04-11T00:00:00Z'));
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    const t = await fx.op<any>('terminateSubscription', { id: sub.id });
    expect(t.status).toBe('terminated');
    expect(revenueByKind().fee).toBe(1000n); // 10 of 30 days
    expect((await balance()).posted).toBe(String(100000 - 1000));
  });
});

describe('catch-up and late events', () => {
  it('bills every missed period in order after the engine was off, with the grace period running from the restart', async () => {
    await start({ now: '2026-01-15T00:00:00Z', plan: { fixed_fee: { asset: 'USD', amount: '3100' } }, topUp: '1000000', settings: { grace_period_hours: 24 } });
    await fx.op('createPlan', { code: 'big', name: 'Big', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '6200' } });
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    await fx.op('updateSubscription', { id: sub.id, plan: 'big', timing: 'period_end' });
    // off from 15 Jan to 10 April: January (17/31 of $31), February ($62 on the new plan), March ($62) are due
    await advanceTo('2026-04-10T00:00:00Z');
    const segments = fx.engine.store.listSubscriptionPeriods(sub.id);
    expect(segments.map((s) => [new Date(s.start_at).toISOString().slice(0, 10), s.status])).toEqual([
      ['2026-01-15', 'closed'],
      ['2026-02-01', 'closed'],
      ['2026-03-01', 'closed'],
      ['2026-04-01', 'open'],
    ]);
    expect(revenueByKind().fee).toBe(1700n + 6200n + 6200n);
    // grace runs 24 h from the restart, not from each period end: a late event for February is still priced there
    const late = await call('late-feb', { timestamp: '2026-02-20T10:00:00Z' });
    expect(late.period.start).toBe('2026-02-01T00:00:00.000Z');
    await advanceTo('2026-04-11T00:00:01Z');
    expect(fx.engine.store.listSubscriptionPeriods(sub.id).slice(0, 3).every((s) => s.status === 'finalized')).toBe(true);
    await expect(call('later-feb', { timestamp: '2026-02-21T10:00:00Z' })).rejects.toMatchObject({ code: 'period_closed' });
  });

  it('can book events for a finalized period into the current one, as late usage', async () => {
    await start({ now: '2026-01-15T00:00:00Z', topUp: '1000000', settings: { grace_period_hours: 0, late_events: 'current_period' } });
    await advanceTo('2026-02-05T00:00:00Z');
    const r = await call('late', { timestamp: '2026-01-20T00:00:00Z' });
    expect(r.warnings).toContain('late_usage');
    expect(r.period.start).toBe('2026-02-01T00:00:00.000Z');
  });
});

describe('coupons', () => {
  it('discount a fixed fee, once', async () => {
    await start({ now: '2026-04-01T00:00:00Z', plan: { fixed_fee: { asset: 'USD', amount: '5000' } }, topUp: '100000' });
    await fx.op('createCoupon', { code: 'WELCOME', kind: 'fixed', asset: 'USD', amount: '1500', frequency: 'once' });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'WELCOME' });
    await advanceTo('2026-05-01T00:00:00Z');
    expect(revenueByKind().fee).toBe(3500n);
    await advanceTo('2026-06-01T00:00:00Z');
    expect(revenueByKind().fee).toBe(3500n + 5000n);
    expect((await fx.op<any>('listAppliedCoupons', { external_id: 'acme' })).data[0].status).toBe('used');
  });

  it('discount postpaid usage by a percentage for N periods', async () => {
    await start({ now: '2026-04-01T00:00:00Z', customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] }, plan: { charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] } });
    await fx.op('createCoupon', { code: 'TEN', kind: 'percentage', percentage: '10', frequency: 'recurring', periods: 1 });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'TEN' });
    for (let i = 0; i < 5; i++) await call(`c${i}`);
    await advanceTo('2026-05-01T00:00:00Z');
    expect(revenueByKind()).toMatchObject({ usage: 500n, discount: -50n });
    expect((await balance()).debt).toBe('450');
    for (let i = 0; i < 5; i++) await call(`d${i}`);
    await advanceTo('2026-06-01T00:00:00Z');
    expect(revenueByKind().discount).toBe(-50n); // one period only
  });
});

describe('recurring and time-based metrics', () => {
  it('a recurring seat count carries across periods and is charged even in a period without events', async () => {
    await start({ now: '2026-04-01T00:00:00Z', topUp: '1000000' });
    await fx.op('createMetric', { code: 'seats', aggregation: 'sum', property: 'delta', recurring: true });
    await fx.op('createPlan', { code: 'seat', name: 'Seats', interval: 'monthly', charges: [{ metric: 'seats', asset: 'USD', model: 'standard', properties: { unit_price: '10' } }] });
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    await fx.op('updateSubscription', { id: sub.id, plan: 'seat' });
    await fx.op('ingestEvent', { transaction_id: 's1', customer: 'acme', code: 'seats', properties: { delta: 3 } });
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-06-01T00:00:00Z');
    const seatCharges = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 10000 }).filter((t) => t.kind === 'usage');
    expect(seatCharges.reduce((s, t) => s + t.amount, 0n)).toBe(3000n + 3000n); // April (3 seats) and May (carried, no events)
  });

  it('a unique count counts distinct values and takes removals', async () => {
    await start({ now: '2026-04-01T00:00:00Z', topUp: '1000000' });
    await fx.op('createMetric', { code: 'users', aggregation: 'unique_count', property: 'user' });
    await fx.op('createPlan', { code: 'u', name: 'U', interval: 'monthly', charges: [{ metric: 'users', asset: 'USD', model: 'standard', properties: { unit_price: '2' } }] });
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    await fx.op('updateSubscription', { id: sub.id, plan: 'u' });
    for (const [i, user] of ['ann', 'bob', 'ann', 'cid'].entries()) await fx.op('ingestEvent', { transaction_id: `u${i}`, customer: 'acme', code: 'users', properties: { user } });
    expect((await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0]).toMatchObject({ units: '3', amount: '600' });
    await fx.op('ingestEvent', { transaction_id: 'rm', customer: 'acme', code: 'users', properties: { user: 'bob', operation_type: 'remove' } });
    expect((await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0]).toMatchObject({ units: '2', amount: '400' });
    await fx.op('reverseEvent', { customer: 'acme', transaction_id: 'u3', reason: 'test' });
    expect((await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0]).toMatchObject({ units: '1', amount: '200' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a weighted sum is priced from time at close: 10 GB for the whole of April and 20 GB for its last 6 days', async () => {
    await start({ now: '2026-04-01T00:00:00Z', customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] } });
    await fx.op('createMetric', { code: 'storage', aggregation: 'weighted_sum', property: 'gb' });
    await fx.op('createPlan', { code: 's', name: 'S', interval: 'monthly', charges: [{ metric: 'storage', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    await fx.op('updateSubscription', { id: sub.id, plan: 's' });
    await fx.op('ingestEvent', { transaction_id: 'w1', customer: 'acme', code: 'storage', properties: { gb: 10 } });
    clock.set(at('2026-04-25T00:00:00Z'));
    await fx.op('ingestEvent', { transaction_id: 'w2', customer: 'acme', code: 'storage', properties: { gb: 10 } });
    // So far: 10 GB since 1 April, 20 GB from now on, held to the end of April: what the close
    // will charge if nothing changes, and what the invoice preview says.
    const usage = (await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0];
    expect(usage).toMatchObject({ time_based: true, posted: '0', units: '12', amount: '1200' });
    const preview = await fx.op<any>('previewInvoice', { external_id: 'acme' });
    expect(preview.lines.find((l: any) => l.kind === 'usage')).toMatchObject({ quantity: '12', amount: '1200' });
    await advanceTo('2026-05-01T00:00:00Z');
    // (10 GB x 30 days + 10 GB x 6 days) / 30 days = 12 GB -> $12.00
    expect(revenueByKind().usage).toBe(1200n);
    // Finalization prices the period again (for late events): from the level it started at, not
    // the one it ended at, so nothing more is charged.
    await advanceTo('2026-05-10T00:00:00Z');
    expect(revenueByKind().usage).toBe(1200n);
  });

  it('a recurring weighted sum carries its level into the next period and is charged once per period', async () => {
    await start({ now: '2026-04-01T00:00:00Z', customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] } });
    await fx.op('createMetric', { code: 'disk', aggregation: 'weighted_sum', property: 'gb', recurring: true });
    await fx.op('createPlan', { code: 'd', name: 'D', interval: 'monthly', charges: [{ metric: 'disk', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    await fx.op('updateSubscription', { id: sub.id, plan: 'd' });
    await fx.op('ingestEvent', { transaction_id: 'd1', customer: 'acme', code: 'disk', properties: { gb: 20 } });
    await advanceTo('2026-05-10T00:00:00Z'); // April closed and finalized: 20 GB all month
    expect(revenueByKind().usage).toBe(2000n);
    await advanceTo('2026-06-10T00:00:00Z'); // May: the 20 GB carried in, no events
    expect(revenueByKind().usage).toBe(4000n);
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('entitlements', () => {
  it('come from the plan with per-subscription overrides', async () => {
    await start({ plan: { features: [{ code: 'sso', value: false }, { code: 'seats', name: 'Seats', value: 5 }] } });
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    await fx.op('updateSubscription', { id: sub.id, entitlements: { sso: true, rpm: 600 } });
    const e = await fx.op<any>('getEntitlements', { external_id: 'acme' });
    expect(e.entitlements).toEqual([
      { code: 'sso', name: null, value: true, source: 'override' },
      { code: 'seats', name: 'Seats', value: 5, source: 'plan' },
      { code: 'rpm', name: null, value: 600, source: 'override' },
    ]);
  });
});

/**
 * The console's read models (src-main/engine/console-views.ts): what the overview and the wallet
 * monitor show an operator, driven through the same handlers the doors use.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine } from '../helpers/harness';

let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

const T0 = Date.parse('2026-11-10T12:00:00Z');

async function seed(f: EngineFixture, customers: string[], unitPrice = '0.01') {
  await f.op('createAsset', { code: 'USD' });
  await f.op('createMetric', { code: 'calls', aggregation: 'count' });
  await f.op('createPlan', { code: 'api', name: 'API', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: unitPrice } }] });
  for (const c of customers) {
    await f.op('createCustomer', { external_id: c });
    await f.op('createTopUp', { external_id: c, asset: 'USD', amount: '1000' });
    await f.op('createSubscription', { customer: c, plan: 'api' });
  }
}

async function burn(f: EngineFixture, customer: string, n: number) {
  for (let i = 0; i < n; i++) await f.op('ingestEvent', { transaction_id: `${customer}-${i}`, customer, code: 'calls' });
}

describe('revenue by plan', () => {
  it('adds the versions of a plan together: one row per month and plan code', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    await seed(fx, ['v1-customer']);
    await burn(fx, 'v1-customer', 3);
    // A price change: version 2 of the same code, with its own subscriber.
    await fx.op('createPlan', { code: 'api', name: 'API', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.35' } }] });
    await fx.op('createCustomer', { external_id: 'v2-customer' });
    await fx.op('createTopUp', { external_id: 'v2-customer', asset: 'USD', amount: '1000' });
    await fx.op('createSubscription', { customer: 'v2-customer', plan: 'api' });
    await burn(fx, 'v2-customer', 3);

    const o = await fx.op<any>('getOverview', {});
    const api = o.revenue_by_plan.filter((r: any) => r.plan === 'api');
    expect(api).toEqual([{ month: '2026-11', plan: 'api', asset: 'USD', amount: String(3 * 1 + 3 * 35) }]);
  });
});

describe('closed and erased customers', () => {
  it('leave the wallet monitor and the overview counts, whatever burn rate they left behind', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    // 1,000 cents at 10 cents a call: 60 calls in a minute empties it well within 24 h.
    await seed(fx, ['steady', 'leaving', 'erased'], '0.10');
    for (const c of ['steady', 'leaving', 'erased']) await burn(fx, c, 6);

    const before = await fx.op<any>('getWalletMonitor', {});
    expect(before.wallets.map((w: any) => w.customer).sort()).toEqual(['erased', 'leaving', 'steady']);
    expect((await fx.op<any>('getOverview', {})).attention.low_wallets).toBe(3);

    await fx.op('closeCustomer', { external_id: 'leaving', reason: 'Contract ended' });
    const erased = await fx.op<any>('eraseCustomer', { external_id: 'erased', reason: 'Right to erasure' });

    const after = await fx.op<any>('getWalletMonitor', {});
    expect(after.wallets.map((w: any) => w.customer)).toEqual(['steady']);
    expect(after.wallets.map((w: any) => w.customer)).not.toContain(erased.tombstone);
    const o = await fx.op<any>('getOverview', {});
    expect(o.attention.low_wallets).toBe(1);
    expect(o.attention.negative_wallets).toBe(0);
  });

  it('a closed customer left in debt is not counted as a wallet below zero', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    // $10.00 of credit, $1.00 a call, $5.00 of overdraft: 12 calls leave each $2.00 below zero.
    await seed(fx, ['owing', 'open'], '1');
    for (const c of ['owing', 'open']) {
      await fx.op('updateCustomer', { external_id: c, on_insufficient_funds: 'record_as_debt', overdraft_limits: [{ asset: 'USD', amount: '500' }] });
      await burn(fx, c, 12);
    }
    expect((await fx.op<any>('getOverview', {})).attention.negative_wallets).toBe(2);
    await fx.op('closeCustomer', { external_id: 'owing', reason: 'Left without paying' });
    expect((await fx.op<any>('getOverview', {})).attention.negative_wallets).toBe(1);
  });
});

describe('running out', () => {
  it('counts to the overdraft limit, and leaves postpaid customers below zero out of "below zero"', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    // 1,000 cents at 10 cents a call, 6 calls: 400 cents left burning fast.
    await seed(fx, ['plain', 'limited', 'billed'], '0.10');
    await fx.op('updateCustomer', { external_id: 'limited', overdraft_limits: [{ asset: 'USD', amount: '100000000' }] });
    await fx.op('updateCustomer', { external_id: 'billed', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000000' }] });
    for (const c of ['plain', 'limited']) await burn(fx, c, 6);
    await burn(fx, 'billed', 150); // postpaid: its usage goes to the receivable, available below zero
    const monitor = (await fx.op<any>('getWalletMonitor', {})).wallets;
    expect(monitor.find((w: any) => w.customer === 'billed').available).toBe('-500');
    const tte = (c: string) => monitor.find((w: any) => w.customer === c).time_to_empty_seconds;
    expect(tte('limited')).toBeGreaterThan(tte('plain') * 1000); // $1,000,000 of room, not $4
    const o = await fx.op<any>('getOverview', {});
    expect(o.attention).toMatchObject({ low_wallets: 1, negative_wallets: 0 });
  });
});

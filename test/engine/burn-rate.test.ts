/**
 * A wallet's burn rate (the wallet monitor, the customer list, "runs out within 24 h") is usage as
 * it happens: events' debits and explicit captures of holds. One-off postings are not burn: a fixed
 * fee, a minimum-commitment true-up, invoice tax, and the usage a period posts in one transfer when
 * it closes (a time-weighted charge priced at the close). Before, that close-time usage was counted:
 * a customer showed "burns $46.96/h" for $11.74 of usage in the whole period (4 x, over the
 * 15-minute window), together with a $29 fixed fee and invoice tax posted in the same hour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine } from '../helpers/harness';

let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

const START = Date.parse('2026-05-01T00:00:00Z');
const END = Date.parse('2026-06-01T00:00:00Z');

async function seed(clock: ManualClock) {
  fx = openEngine({ clock });
  const { op } = fx;
  await op('updateSettings', { grace_period_hours: 0 });
  await op('createAsset', { code: 'USD' });
  await op('createMetric', { code: 'calls', aggregation: 'count' });
  await op('createMetric', { code: 'storage', aggregation: 'weighted_sum', property: 'gb' });
  await op('createPlan', {
    code: 'pro',
    name: 'Pro',
    interval: 'monthly',
    fixed_fee: { asset: 'USD', amount: '2900' }, // in arrears: posted when the period closes
    minimum_commitment: { asset: 'USD', amount: '10000' },
    tax_rate: '20',
    charges: [
      { metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.10' } },
      { metric: 'storage', asset: 'USD', model: 'standard', properties: { unit_price: '11.74' } }, // per GB-month: priced at the close
    ],
  });
  await op('createCustomer', { external_id: 'acme', name: 'Acme' });
  await op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '43969' });
  await op('createSubscription', { customer: 'acme', plan: 'pro' });
  await op('ingestEvent', { transaction_id: 'gb', customer: 'acme', code: 'storage', properties: { gb: 1 } });
}

const monitorRow = async () => (await fx.op<any>('getWalletMonitor', {})).wallets.find((w: any) => w.customer === 'acme');
const listRow = async () => (await fx.op<any>('listCustomerWallets', {})).data.find((c: any) => c.external_id === 'acme').balances.find((b: any) => b.asset === 'USD');

describe('burn rate', () => {
  it('is the usage rate: a fixed fee, a minimum true-up, tax and the close-time usage of the period do not count', async () => {
    const clock = new ManualClock(START);
    await seed(clock);
    // The last 15 minutes of the period: 6 calls at $0.10 ($0.60), and a hold captured for $0.15.
    clock.set(END - 10 * 60_000);
    for (let i = 0; i < 6; i++) await fx.op('ingestEvent', { transaction_id: `c${i}`, customer: 'acme', code: 'calls' });
    const hold = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '50' });
    await fx.op('captureAuthorization', { id: hold.id, amount: '15' });
    // Usage over the window: 75 cents in 15 minutes = 300 cents an hour.
    expect((await monitorRow()).burn_rate_per_hour).toBe('300');

    // The period closes a minute later: the fixed fee, the storage usage of the whole month, the
    // minimum commitment's true-up; with no grace, the invoice is finalized and its tax posted.
    clock.set(END + 60_000);
    await fx.engine.runBilling();
    const inWindow = fx.engine.store
      .listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 1000 })
      .filter((t) => t.phase === 0 && t.created_at > END)
      .map((t) => t.kind);
    expect(inWindow).toEqual(expect.arrayContaining(['fee', 'usage', 'minimum_commitment']));
    expect(inWindow.some((k) => k === 'tax' || k === 'credit_applied')).toBe(true);

    const m = await monitorRow();
    expect(m.burn_rate_per_hour).toBe('300');
    const available = BigInt(m.available);
    expect(m.time_to_empty_seconds).toBe(Number((available * 3600n) / 300n));
    expect((await listRow()).burn_rate_per_hour).toBe('300');
    // Runs out in days, not hours: not counted as running low.
    expect((await fx.op<any>('getOverview', {})).attention.low_wallets).toBe(0);

    // An hour later, nothing burned meanwhile: no burn at all, whatever was posted at the close.
    clock.set(END + 61 * 60_000);
    expect(await monitorRow()).toBeUndefined();
  });

  it('a period closing alone (its fee, true-up, tax and the month of storage) is no burn', async () => {
    const clock = new ManualClock(START);
    await seed(clock);
    clock.set(END + 60_000);
    await fx.engine.runBilling();
    expect(await monitorRow()).toBeUndefined();
    expect((await listRow()).burn_rate_per_hour).toBe('0');
    expect((await fx.op<any>('getOverview', {})).attention.low_wallets).toBe(0);
  });

  it('usage sent late (an event stamped before the burn window) is not burning now; usage of the window is', async () => {
    // Found by a reviewer: a backfill of October's usage made a wallet "burn $1,472.48/h" in November.
    const clock = new ManualClock(START);
    await seed(clock);
    clock.set(START + 10 * 86_400_000);
    const threeHoursAgo = new Date(clock.now() - 3 * 3_600_000).toISOString();
    for (let i = 0; i < 20; i++) await fx.op('ingestEvent', { transaction_id: `late${i}`, customer: 'acme', code: 'calls', timestamp: threeHoursAgo });
    expect(await monitorRow()).toBeUndefined();
    expect((await listRow()).burn_rate_per_hour).toBe('0');
    // Sent 10 minutes after it happened: inside the window, burn.
    await fx.op('ingestEvent', { transaction_id: 'recent', customer: 'acme', code: 'calls', timestamp: new Date(clock.now() - 10 * 60_000).toISOString() });
    expect((await monitorRow()).burn_rate_per_hour).toBe('40'); // 10 cents in 15 minutes
  });
});

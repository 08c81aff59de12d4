/**
 * The sweep expires what is due without anyone touching the wallets: lots past their expiry go to
 * breakage, in every wallet that holds one (it finds a lot's wallet by the lot's account, one row
 * each: a lookup over every account per lot made one sweep of 2,000 wallets take 4.5 s).
 */
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine } from '../helpers/harness';

let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

it('expires the granted lots of many wallets to breakage, leaves paid credit alone, and the ledger still balances', async () => {
  const t0 = Date.parse('2026-05-01T00:00:00Z');
  const clock = new ManualClock(t0);
  fx = openEngine({ clock });
  await fx.op('createAsset', { code: 'USD' });
  const n = 30;
  for (let i = 0; i < n; i++) {
    await fx.op('createCustomer', { external_id: `c${i}` });
    await fx.op('createTopUp', { external_id: `c${i}`, asset: 'USD', amount: '500' });
    await fx.op('createTopUp', { external_id: `c${i}`, asset: 'USD', amount: String(100 + i), kind: 'granted', expires_at: new Date(t0 + 3_600_000).toISOString() });
  }
  clock.set(t0 + 2 * 3_600_000);
  const swept = await fx.engine.sweep();
  expect(swept).toBe(n);
  const expiries = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 10_000 }).filter((t) => t.kind === 'expiry');
  expect(expiries).toHaveLength(n);
  expect(expiries.reduce((s, t) => s + t.amount, 0n)).toBe(BigInt(n * 100 + (n * (n - 1)) / 2));
  for (const i of [0, 17, n - 1]) {
    const { balances } = await fx.op<any>('getBalances', { external_id: `c${i}` });
    expect(balances.find((b: any) => b.asset === 'USD').available).toBe('500');
  }
  expect(await fx.engine.sweep()).toBe(0);
  expect((await fx.op<any>('verifyLedger', {})).ok).toBe(true);
});

/**
 * The engine's caches of pending holds, usage entries, wallets, customers, subscriptions and
 * segments are bounded: between batches the
 * least recently used entries are dropped and read back from their rows when needed. What this
 * proves: the same workload (holds taken, settled by events, captured, voided and left to expire,
 * usage across two charges and two periods, reversals, a billing close and finalization) gives the
 * same balances, holds and invoices on an engine whose caches keep one to three entries as on one
 * with the default bounds, the bounds hold, and the ledger check passes on both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine } from '../helpers/harness';

const opened: EngineFixture[] = [];
afterEach(async () => {
  for (const fx of opened.splice(0)) await fx.close();
});

const CUSTOMERS = ['a', 'b', 'c', 'd', 'e'];

/** Runs the workload; answers what it left: balances, holds and invoices, in a form two engines share. */
async function workload(fx: EngineFixture, clock: ManualClock) {
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createMetric', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
  await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
  await fx.op('createPlan', {
    code: 'p',
    name: 'P',
    interval: 'monthly',
    fixed_fee: { asset: 'USD', amount: '500' },
    charges: [
      { metric: 'tokens', asset: 'USD', model: 'graduated', properties: { graduated_ranges: [{ from_value: 0, to_value: 1000, per_unit_amount: '0.01', flat_amount: '0' }, { from_value: 1001, to_value: null, per_unit_amount: '0.005', flat_amount: '0' }] } },
      { metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '2' } },
    ],
  });
  for (const c of CUSTOMERS) {
    await fx.op('createCustomer', { external_id: c });
    await fx.op('createSubscription', { customer: c, plan: 'p' });
    await fx.op('createTopUp', { external_id: c, asset: 'USD', amount: '100000' });
  }
  const holds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const h = await fx.op<any>('createAuthorization', { customer: CUSTOMERS[i % 5], metric: 'tokens', quantity: String(100 + i * 37), ttl_seconds: i % 4 === 3 ? 60 : 86_400 });
    holds.push(h.id);
  }
  // One batch (one commit for all of it, so each cache holds many changed entries at once), then
  // single events (a commit each).
  const event = (i: number) => ({ transaction_id: `t${i}`, customer: CUSTOMERS[i % 5], code: i % 3 ? 'tokens' : 'calls', properties: { tokens: 50 + ((i * 131) % 400) }, ...(i < 20 && i % 4 === 0 ? { authorization_id: holds[i] } : {}) });
  const batch = await fx.op<any>('ingestBatch', { events: Array.from({ length: 40 }, (_, i) => event(i)) });
  expect(batch.accepted).toBe(40);
  for (let i = 40; i < 60; i++) await fx.op('ingestEvent', event(i));
  // Reversals give credit back to the lots that paid, read off each wallet's consumption stack
  // (reloaded from its rows where the wallet was dropped from the cache).
  for (const i of [5, 17, 33, 46]) await fx.op('reverseEvent', { transaction_id: `t${i}`, customer: CUSTOMERS[i % 5], reason: 'test' });
  for (let i = 1; i < 20; i += 4) await fx.op('captureAuthorization', { id: holds[i], amount: '30' });
  for (let i = 2; i < 20; i += 4) await fx.op('voidAuthorization', { id: holds[i] });
  clock.set(clock.now() + 120_000); // the 60 s holds are past their deadline
  await fx.op('ingestEvent', { transaction_id: 'late', customer: 'd', code: 'calls' });
  clock.set(Date.parse('2026-05-01T00:00:00Z'));
  await fx.engine.runBilling();
  for (let i = 0; i < 10; i++) await fx.op('ingestEvent', { transaction_id: `may${i}`, customer: CUSTOMERS[i % 5], code: 'tokens', properties: { tokens: 700 } });
  clock.set(Date.parse('2026-05-03T00:00:00Z'));
  await fx.engine.runBilling();
  // Holds still open at the end, one of them partly captured.
  for (const c of ['a', 'b', 'c']) holds.push((await fx.op<any>('createAuthorization', { customer: c, asset: 'USD', amount: '900', ttl_seconds: 86_400 })).id);
  await fx.op('captureAuthorization', { id: holds[holds.length - 1], amount: '100', final_capture: false });

  const balances = await Promise.all(CUSTOMERS.map(async (c) => (await fx.op<any>('getBalances', { external_id: c })).balances));
  const holdStates = await Promise.all(holds.map(async (id) => {
    const h = await fx.op<any>('getAuthorization', { id });
    return [h.status, h.held, h.captured];
  }));
  const invoices = await Promise.all(CUSTOMERS.map(async (c) => (await fx.op<any>('listInvoices', { customer: c })).data.map((inv: any) => [inv.status, inv.subtotal, inv.total, inv.lines.map((l: any) => [l.kind, l.amount])])));
  return { balances, holdStates, invoices };
}

describe('bounded caches', () => {
  it('change nothing but memory: the same workload ends the same with caches of one to three entries', async () => {
    const start = Date.parse('2026-04-01T00:00:00Z');
    const defaultClock = new ManualClock(start);
    const tinyClock = new ManualClock(start);
    const normal = openEngine({ clock: defaultClock });
    const tiny = openEngine({ clock: tinyClock });
    opened.push(normal, tiny);
    tiny.engine.authorizations.cacheLimit = 2;
    tiny.engine.usage.cacheLimit = 3;
    tiny.engine.ctx.books.cacheLimit = 1;
    tiny.engine.customers.cacheLimit = 1;
    tiny.engine.subscriptions.cacheLimit = 1;

    const expected = await workload(normal, defaultClock);
    const got = await workload(tiny, tinyClock);
    expect(got).toEqual(expected);
    // The workload exercised what the bound touches: holds of every outcome, two invoices each.
    expect(new Set(expected.holdStates.map((h) => h[0]))).toEqual(new Set(['captured', 'voided', 'expired', 'pending']));
    expect(expected.invoices.every((list) => list.length === 1)).toBe(true);

    // Reads fill the caches too; the bound is applied when a batch commits.
    await tiny.op('ingestEvent', { transaction_id: 'after', customer: 'e', code: 'calls' });
    expect(tiny.engine.authorizations.cachedHolds).toBeLessThanOrEqual(2);
    expect(tiny.engine.usage.cachedEntries).toBeLessThanOrEqual(3);
    expect(tiny.engine.ctx.books.cachedWallets).toBeLessThanOrEqual(1);
    expect(tiny.engine.customers.cachedCustomers).toBeLessThanOrEqual(1);
    expect(tiny.engine.subscriptions.cachedEntries).toEqual({ live: expect.any(Number), segments: expect.any(Number), current: expect.any(Number) });
    for (const n of Object.values(tiny.engine.subscriptions.cachedEntries)) expect(n).toBeLessThanOrEqual(1);
    // Segment rows are canonical (one object per id, changed in place): a trimmed cache must never
    // point at a segment the canonical map no longer holds, or a second object for it could appear.
    for (const fx of [tiny, normal]) {
      const subs = fx.engine.subscriptions as unknown as { currentSegment: Map<string, { id: number }>; segments: Map<number, unknown> };
      for (const row of subs.currentSegment.values()) expect(subs.segments.get(row.id)).toBe(row);
    }
    expect(normal.engine.ctx.books.cachedWallets).toBe(CUSTOMERS.length);
    expect(normal.engine.customers.cachedCustomers).toBe(CUSTOMERS.length);
    expect(normal.engine.subscriptions.cachedEntries.segments).toBeGreaterThanOrEqual(CUSTOMERS.length);
    expect(normal.engine.usage.cachedEntries).toBeGreaterThan(3);
    expect(tiny.engine.verify().ok).toBe(true);
    expect(normal.engine.verify().ok).toBe(true);
  }, 60_000);

  it('drop the least recently used: a wallet used in the last batch stays, the coldest goes', async () => {
    const fx = openEngine();
    opened.push(fx);
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
    await fx.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
    const ids = new Map<string, number>();
    for (const c of ['a', 'b', 'c']) {
      await fx.op('createCustomer', { external_id: c });
      await fx.op('createSubscription', { customer: c, plan: 'p' });
      await fx.op('createTopUp', { external_id: c, asset: 'USD', amount: '1000' });
      ids.set(c, fx.engine.customers.require(c).id);
    }
    const books = fx.engine.ctx.books;
    books.cacheLimit = 2;
    const cached = () => ['a', 'b', 'c'].filter((c) => books.cachedWallet(ids.get(c)!, 'USD'));
    // Each event is a batch of its own. The three wallets were cached by the top-ups, `a` first:
    // used since, `a` and `b` are the two to keep, though `a` came into the cache before `c`.
    let n = 0;
    const use = (c: string) => fx.op('ingestEvent', { transaction_id: `u${n++}`, customer: c, code: 'calls' });
    await use('a');
    await use('b');
    expect(cached()).toEqual(['a', 'b']);
    // Used many times within one batch, a wallet still counts as used in that batch.
    const batch = await fx.op<any>('ingestBatch', { events: ['b', 'c', 'b', 'c'].map((c) => ({ transaction_id: `u${n++}`, customer: c, code: 'calls' })) });
    expect(batch.accepted).toBe(4);
    expect(cached()).toEqual(['b', 'c']);
  });
});

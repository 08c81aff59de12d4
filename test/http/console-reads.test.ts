/**
 * The console's read models over HTTP: overview totals that agree with the ledger, the live wallet
 * monitor, customers with balances searched on the server, event detail, API keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerFixture, seedTokens, startApi } from '../helpers/harness';

let fx: ServerFixture;
beforeAll(async () => {
  fx = await startApi();
  await seedTokens(fx.op, { topUp: '10000' });
  await fx.op('createCustomer', { external_id: 'beta', name: 'Beta Labs', email: 'ops@beta.test' });
  await fx.op('createTopUp', { external_id: 'beta', asset: 'USD', amount: '500', kind: 'granted' });
  await fx.op('createSubscription', { customer: 'beta', plan: 'tok' });
  for (let i = 0; i < 20; i++) await fx.api('POST', '/v1/events', { transaction_id: `o${i}`, customer: 'acme', code: 'tokens', properties: { tokens: 50_000 }, cost: '0.05' });
  await fx.api('POST', '/v1/events', { transaction_id: 'b1', customer: 'beta', code: 'tokens', properties: { tokens: 500_000 } });
  await fx.api('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '300' });
});
afterAll(async () => {
  await fx?.close();
});

describe('console reads', () => {
  it('the overview agrees with the ledger', async () => {
    const o = await fx.api('GET', '/v1/overview');
    expect(o.status).toBe(200);
    const usd = o.body.assets.find((a: any) => a.asset === 'USD');
    // acme: $100 paid, 20 x $0.10 used; beta: $5 granted, $1 used; one $3 hold
    expect(usd).toMatchObject({ wallets: 2, posted: '10200', pending: '300', available: '9900', cash_in: '10000', recognized_revenue: '300', spend_today: '300', deferred_revenue: '9800', grants_outstanding: '400', holds: { count: 1, amount: '300' } });
    expect(o.body.events_per_minute).toHaveLength(60);
    expect(o.body.events_per_minute.reduce((s: number, m: any) => s + m.events, 0)).toBe(21);
    expect(o.body.revenue_by_plan).toEqual([{ month: new Date().toISOString().slice(0, 7), plan: 'tok', asset: 'USD', amount: '300' }]);
    expect(o.body.margin).toMatchObject({ currency: 'USD', cost_this_month: '1' });
  });

  it('the revenue report gives the same rows for a range of months, its totals equal recognized revenue, and a reversed range is refused', async () => {
    const month = new Date().toISOString().slice(0, 7);
    const all = await fx.api('GET', '/v1/revenue');
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ from: null, to: null, rows: [{ month, plan: 'tok', asset: 'USD', amount: '300' }], totals: [{ asset: 'USD', amount: '300' }] });
    const before = await fx.api('GET', '/v1/revenue?to=2020-12');
    expect(before.body).toMatchObject({ to: '2020-12', rows: [], totals: [] });
    const bad = await fx.api('GET', `/v1/revenue?from=${month}&to=2020-12`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('validation_failed');
    expect((await fx.api('GET', '/v1/revenue?from=2026-13')).status).toBe(422);
  });

  it('the monitor ranks wallets by time to empty', async () => {
    const m = await fx.api('GET', '/v1/wallets/monitor');
    expect(m.body.wallets.map((w: any) => w.customer)).toEqual(['beta', 'acme']);
    expect(m.body.wallets[1]).toMatchObject({ burn_rate_per_hour: '800', available: '9500' });
  });

  it('customers come with balances, searched on the server', async () => {
    const all = await fx.api('GET', '/v1/customers-with-balances?limit=1');
    expect(all.body.total).toBe(2);
    expect(all.body.data).toHaveLength(1);
    expect(all.body.next_cursor).not.toBeNull();
    const found = await fx.api('GET', '/v1/customers-with-balances?search=beta.test');
    expect(found.body.data).toMatchObject([{ external_id: 'beta', name: 'Beta Labs', email: 'ops@beta.test', billing_mode: 'prepaid', plan: 'tok', status: 'active', balances: [{ asset: 'USD', available: '400', posted: '400', pending: '0', debt: '0' }] }]);
    // It has been spending: a burn rate, and a time to empty consistent with it.
    const b = found.body.data[0].balances[0];
    expect(BigInt(b.burn_rate_per_hour)).toBeGreaterThan(0n);
    expect(b.time_to_empty_seconds).toBe(Number((400n * 3600n) / BigInt(b.burn_rate_per_hour)));
  });

  it('an event opens with the transfers it caused', async () => {
    const d = await fx.api('GET', '/v1/events/b1?customer=beta');
    expect(d.body.event.transaction_id).toBe('b1');
    expect(d.body.transfers.map((t: any) => [t.kind, t.amount, t.debit_account])).toEqual([['usage', '100', 'customer:beta:USD:wallet']]);
  });

  it('API keys: created with scopes and shown once, listed without secrets, revoked at once', async () => {
    const created = await fx.api('POST', '/v1/api-keys', { name: 'app', scopes: ['ingest'] });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^tg_[a-z0-9]+_/);
    const list = await fx.api('GET', '/v1/api-keys');
    expect(JSON.stringify(list.body)).not.toContain(created.body.key);
    const ok = await fetch(fx.url + '/v1/customers/acme/balances', { headers: { authorization: `Bearer ${created.body.key}` } });
    expect(ok.status).toBe(200);
    await fx.api('POST', `/v1/api-keys/${created.body.id}/revoke`, {});
    const denied = await fetch(fx.url + '/v1/customers/acme/balances', { headers: { authorization: `Bearer ${created.body.key}` } });
    expect(denied.status).toBe(401);
  });
});

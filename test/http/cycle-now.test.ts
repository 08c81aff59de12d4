/**
 * The README's recipe for seeing a whole billing cycle without waiting a month, followed over HTTP
 * as a trial user would: a subscription started one period in the past is closed by the billing
 * clock (here `engine.runBilling()`, which the server runs every two seconds) into a draft, which
 * finalize turns into a numbered invoice at once; with no grace period a billing run finalizes it
 * by itself; ending a subscription now closes its period too.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

async function setUp(settings: Record<string, unknown> = {}) {
  fx = await startApi();
  const { api } = fx;
  expect((await api('PATCH', '/v1/settings', settings)).status).toBe(200);
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/customers', { external_id: 'trial', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
  await api('POST', '/v1/plans', { code: 'p', name: 'P', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '4900' } });
  return api;
}
const monthAgo = () => {
  const d = new Date();
  d.setUTCMonth(d.getUTCMonth() - 1);
  d.setUTCDate(1);
  d.setUTCHours(0, 0, 0, 0);
  return d.toISOString();
};

describe('a whole cycle now', () => {
  it('a subscription started a period ago is closed into a draft, finalized at once on request', async () => {
    const api = await setUp();
    expect((await api('POST', '/v1/subscriptions', { customer: 'trial', plan: 'p', start_at: monthAgo() })).status).toBe(201);
    await fx.engine.runBilling();
    const [draft] = (await api('GET', '/v1/invoices?customer=trial')).body.data;
    expect(draft).toMatchObject({ status: 'draft', total: '4900', number: null });
    const final = await api('POST', `/v1/invoices/${draft.id}/finalize`, {});
    expect(final.status).toBe(200);
    expect(final.body).toMatchObject({ status: 'open', total: '4900' });
    expect(final.body.number).toMatch(/^TG-\d{4}-\d{6}$/);
  });

  it('with no grace period a billing run finalizes it by itself', async () => {
    const api = await setUp({ grace_period_hours: 0 });
    expect((await api('POST', '/v1/subscriptions', { customer: 'trial', plan: 'p', start_at: monthAgo() })).status).toBe(201);
    const run = await api('POST', '/v1/billing-runs', {});
    expect(run.status).toBe(201);
    let done = run.body;
    for (let i = 0; i < 100 && done.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      done = (await api('GET', `/v1/billing-runs/${run.body.id}`)).body;
    }
    expect(done).toMatchObject({ status: 'done', invoices_finalized: 1 });
    const [inv] = (await api('GET', '/v1/invoices?customer=trial')).body.data;
    expect(inv).toMatchObject({ status: 'open', total: '4900' });
  });

  it('ending a subscription now closes its period', async () => {
    const api = await setUp();
    const sub = (await api('POST', '/v1/subscriptions', { customer: 'trial', plan: 'p' })).body;
    expect((await api('POST', `/v1/subscriptions/${sub.id}/terminate`, { at: 'now' })).status).toBe(200);
    await fx.engine.runBilling();
    const invoices = (await api('GET', '/v1/invoices?customer=trial')).body.data;
    expect(invoices.length).toBe(1);
    expect(invoices[0].status).toBe('draft');
  });
});

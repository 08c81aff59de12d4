/**
 * Chargebacks (`POST /v1/top-ups/{id}/reverse`) and what a top-up says about them:
 * - a top-up refunded in full has nothing left to charge back: 409 `invalid_state`, nothing
 *   recorded (it answered 200 as a no-op and still said `chargeback: true`);
 * - `refunded_amount` is refunds only and `charged_back_amount` what the chargeback took (a
 *   chargeback used to set `refunded_amount` to the whole top-up, merging the two).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerDigest, type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

async function setUp() {
  fx = await startApi();
  const { api } = fx;
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/customers', { external_id: 'gpu' });
  await api('POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
  await api('POST', '/v1/plans', { code: 'p', name: 'P', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '15' } }] });
  await api('POST', '/v1/subscriptions', { customer: 'gpu', plan: 'p' });
  return api;
}
const usd = async (api: ServerFixture['api']) => (await api('GET', '/v1/customers/gpu/balances')).body.balances[0];

describe('chargebacks', () => {
  it('a top-up refunded in full cannot be charged back: 409, nothing recorded', async () => {
    const api = await setUp();
    const tu = (await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '5000' })).body;
    expect((await api('POST', `/v1/top-ups/${tu.id}/refund`, {})).body).toMatchObject({ status: 'refunded', refunded_amount: '5000', charged_back_amount: '0' });
    const digest = ledgerDigest(fx.engine);

    // Before: 200, `chargeback: true`, nothing moved.
    const cb = await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'card dispute' });
    expect([cb.status, cb.body.error?.code]).toEqual([409, 'invalid_state']);
    expect(cb.body.error.message).toBe(`Top-up ${tu.id} was refunded in full: nothing left to charge back.`);
    expect(cb.body.error.details).toMatchObject({ top_up: tu.id, amount: '5000', refunded_amount: '5000' });
    expect((await api('GET', `/v1/top-ups/${tu.id}`)).body).toMatchObject({ chargeback: false, status: 'refunded', refunded_amount: '5000', charged_back_amount: '0' });
    expect(ledgerDigest(fx.engine)).toBe(digest);
  });

  it('refunds and the chargeback are counted apart; the chargeback takes the rest (credit left in the lot, then debt)', async () => {
    const api = await setUp();
    const tu = (await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '3000' })).body;
    expect((await api('POST', '/v1/events', { transaction_id: 'e1', customer: 'gpu', code: 'calls' })).status).toBe(201); // $15.00
    expect((await api('POST', `/v1/top-ups/${tu.id}/refund`, { amount: '1000' })).body).toMatchObject({ refunded_amount: '1000', charged_back_amount: '0', refundable: '500' });

    const cb = await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'card dispute', idempotency_key: 'cb-1' });
    expect(cb.status).toBe(200);
    // Before: refunded_amount '3000' (refund and chargeback merged), no charged_back_amount.
    expect(cb.body).toMatchObject({ chargeback: true, status: 'refunded', amount: '3000', refunded_amount: '1000', charged_back_amount: '2000', refundable: '0' });
    // 500 was still in the lot, the 1500 spent becomes debt.
    expect(await usd(api)).toMatchObject({ posted: '0', debt: '1500', available: '-1500' });
    // A retry answers the same; a second chargeback without the key is a replay too (nothing more is taken).
    expect((await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'card dispute', idempotency_key: 'cb-1' })).body).toMatchObject({ charged_back_amount: '2000', refunded_amount: '1000' });
    expect((await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'again' })).status).toBe(200);
    expect(await usd(api)).toMatchObject({ posted: '0', debt: '1500' });
    // Refunds stop after a chargeback.
    expect((await api('POST', `/v1/top-ups/${tu.id}/refund`, { amount: '1' })).body.error?.code).toBe('invalid_state');
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('a top-up whose unused rest was refunded but which was partly spent can still be charged back, for the spent part', async () => {
    const api = await setUp();
    const tu = (await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '2000' })).body;
    expect((await api('POST', '/v1/events', { transaction_id: 'e1', customer: 'gpu', code: 'calls' })).status).toBe(201);
    expect((await api('POST', `/v1/top-ups/${tu.id}/refund`, {})).body).toMatchObject({ status: 'refunded', refunded_amount: '500' });
    const cb = await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'card dispute' });
    expect([cb.status, cb.body.refunded_amount, cb.body.charged_back_amount]).toEqual([200, '500', '1500']);
    expect(await usd(api)).toMatchObject({ posted: '0', debt: '1500' });
  });
});

/**
 * A quote (and a hold by metric quantity) prices what an event with that quantity would cost now.
 * For a `max` metric that is raising the peak to the quantity, for `latest` setting the level to it;
 * both used to be priced as if the quantity were added to the period's usage (a `max` peak at 80
 * quoted 90 as 900 while the event with 90 debited 100). `sum` and `unique_count` add up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

async function setUp() {
  fx = await startApi();
  const { api } = fx;
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/customers', { external_id: 'gpu', on_insufficient_funds: 'refuse' });
  await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '100000' });
  for (const m of [
    { code: 'peak_vram', event_type: 'vram', aggregation: 'max', property: 'gb' },
    { code: 'disk', event_type: 'disk', aggregation: 'latest', property: 'gb' },
    { code: 'users', event_type: 'login', aggregation: 'unique_count', property: 'user' },
    { code: 'gpu_seconds', event_type: 'job', aggregation: 'sum', property: 'seconds' },
  ]) expect((await api('POST', '/v1/metrics', m)).status).toBe(201);
  const charge = (metric: string) => ({ metric, asset: 'USD', model: 'standard', properties: { unit_price: '0.10' } });
  await api('POST', '/v1/plans', { code: 'gpu', name: 'GPU', interval: 'monthly', charges: [charge('peak_vram'), charge('disk'), charge('users'), charge('gpu_seconds')] });
  await api('POST', '/v1/subscriptions', { customer: 'gpu', plan: 'gpu' });
  return api;
}

describe('quotes and holds price what the event would cost', () => {
  it('max: the new peak, not the quantity added to it; a quote agrees with the event', async () => {
    const api = await setUp();
    const quote = async (quantity: number) => (await api('POST', '/v1/quotes', { customer: 'gpu', metric: 'peak_vram', quantity })).body;
    expect((await api('POST', '/v1/events', { transaction_id: 'v80', customer: 'gpu', code: 'vram', properties: { gb: 80 } })).body.debits[0].amount).toBe('800');
    // Before: 900 (F(80 + 90) - F(80)).
    expect(await quote(90)).toMatchObject({ amount: '100', exact_amount: '1' });
    expect(await quote(80)).toMatchObject({ amount: '0', exact_amount: '0' });
    expect(await quote(50)).toMatchObject({ amount: '0', exact_amount: '0' });
    const ev = await api('POST', '/v1/events', { transaction_id: 'v90', customer: 'gpu', code: 'vram', properties: { gb: 90 } });
    expect(ev.body.debits[0].amount).toBe('100');
    expect(await quote(90)).toMatchObject({ amount: '0' });
  });

  it('latest: the new value (a lower one quotes 0, its exact amount negative); a quote agrees with the event', async () => {
    const api = await setUp();
    const quote = async (quantity: number) => (await api('POST', '/v1/quotes', { customer: 'gpu', metric: 'disk', quantity })).body;
    expect((await api('POST', '/v1/events', { transaction_id: 'd50', customer: 'gpu', code: 'disk', properties: { gb: 50 } })).body.debits[0].amount).toBe('500');
    // Before: 800 (F(50 + 80) - F(50)).
    expect(await quote(80)).toMatchObject({ amount: '300', exact_amount: '3' });
    expect(await quote(20)).toMatchObject({ amount: '0', exact_amount: '-3' });
    expect((await api('POST', '/v1/events', { transaction_id: 'd80', customer: 'gpu', code: 'disk', properties: { gb: 80 } })).body.debits[0].amount).toBe('300');
    expect((await api('POST', '/v1/events', { transaction_id: 'd20', customer: 'gpu', code: 'disk', properties: { gb: 20 } })).body.debits[0]).toMatchObject({ amount: '-600', credited_back: '600' });
  });

  it('unique_count and sum add up: a quote of n prices n new values, as n events with new values debit', async () => {
    const api = await setUp();
    const quote = async (metric: string, quantity: number) => (await api('POST', '/v1/quotes', { customer: 'gpu', metric, quantity })).body.amount;
    expect((await api('POST', '/v1/events', { transaction_id: 'ua', customer: 'gpu', code: 'login', properties: { user: 'a' } })).body.debits[0].amount).toBe('10');
    expect(await quote('users', 1)).toBe('10');
    expect(await quote('users', 2)).toBe('20');
    expect((await api('POST', '/v1/events', { transaction_id: 'ub', customer: 'gpu', code: 'login', properties: { user: 'b' } })).body.debits[0].amount).toBe('10');
    // A value already counted is free; a quote cannot know which values will be new, so it prices them as new.
    expect((await api('POST', '/v1/events', { transaction_id: 'ua2', customer: 'gpu', code: 'login', properties: { user: 'a' } })).body.debits[0].amount).toBe('0');
    expect((await api('POST', '/v1/events', { transaction_id: 's', customer: 'gpu', code: 'job', properties: { seconds: 100 } })).body.debits[0].amount).toBe('1000');
    expect(await quote('gpu_seconds', 50)).toBe('500');
  });

  it('a hold by metric on a max metric holds what the event would cost, covers it, and an increment raises the expected peak', async () => {
    const api = await setUp();
    await api('POST', '/v1/events', { transaction_id: 'v80', customer: 'gpu', code: 'vram', properties: { gb: 80 } });
    // Before: 900 held for an event that costs 100.
    const hold = await api('POST', '/v1/authorizations', { customer: 'gpu', metric: 'peak_vram', quantity: 90 });
    expect([hold.status, hold.body.amount, hold.body.held, hold.body.quantity]).toEqual([201, '100', '100', '90']);
    // Expecting 100 GB now: the hold must cover the event at 100 (200), it holds 100: 100 more.
    const inc = await api('POST', `/v1/authorizations/${hold.body.id}/increment`, { quantity: 10 });
    expect([inc.status, inc.body.amount, inc.body.held, inc.body.quantity]).toEqual([200, '200', '200', '100']);
    const ev = await api('POST', '/v1/events', { transaction_id: 'v100', customer: 'gpu', code: 'vram', properties: { gb: 100 }, authorization_id: hold.body.id });
    expect(ev.status).toBe(201);
    expect(ev.body.debits[0]).toEqual({ asset: 'USD', amount: '200', from_hold: '200', from_credit: '0', as_debt: '0', credited_back: '0' });
    // A second hold on a peak already reached holds nothing.
    const again = await api('POST', '/v1/authorizations', { customer: 'gpu', metric: 'peak_vram', quantity: 95 });
    expect([again.status, again.body.amount]).toEqual([201, '0']);
    // A latest hold for a level below the current one holds nothing either; its increment holds what the higher level costs.
    await api('POST', '/v1/events', { transaction_id: 'd50', customer: 'gpu', code: 'disk', properties: { gb: 50 } });
    const low = await api('POST', '/v1/authorizations', { customer: 'gpu', metric: 'disk', quantity: 40 });
    expect([low.status, low.body.amount]).toEqual([201, '0']);
    const up = await api('POST', `/v1/authorizations/${low.body.id}/increment`, { quantity: 20 });
    expect([up.status, up.body.held, up.body.quantity]).toEqual([200, '100', '60']);
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('an increment by quantity must be above zero, and a hold by metric is not incremented by amount', async () => {
    const api = await setUp();
    const hold = (await api('POST', '/v1/authorizations', { customer: 'gpu', metric: 'gpu_seconds', quantity: 10 })).body;
    for (const quantity of ['-5', '0']) {
      const r = await api('POST', `/v1/authorizations/${hold.id}/increment`, { quantity });
      expect([quantity, r.status, r.body.error?.code]).toEqual([quantity, 422, 'validation_failed']);
    }
    // Nor by an amount, which would hold more without a quantity to show for it (before: 100 -> 200, quantity still 10).
    const byAmount = await api('POST', `/v1/authorizations/${hold.id}/increment`, { amount: '100' });
    expect([byAmount.status, byAmount.body.error?.code, byAmount.body.error?.message]).toEqual([422, 'validation_failed', 'This hold is priced by metric (quantity 10); increment it by quantity.']);
    expect((await api('GET', `/v1/authorizations/${hold.id}`)).body).toMatchObject({ amount: '100', held: '100', quantity: '10' });
  });
});

/**
 * Units held by a hold by metric (`held_units` of GET /v1/customers/{id}/usage) are what quotes and
 * new holds price on top of the period's usage, so they must go back to zero when the hold ends.
 * Found by a reviewer: an event of one event type feeds two metrics (input and output tokens); its
 * capture of a hold on output tokens released the *input* tokens from the output charge's held
 * units, and the output charge kept units no hold held, so quotes under tiered prices came out low.
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
  await api('POST', '/v1/customers', { external_id: 'mu' });
  await api('POST', '/v1/customers/mu/top-ups', { asset: 'USD', amount: '100000' });
  await api('POST', '/v1/metrics', { code: 'input_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'input_tokens' });
  await api('POST', '/v1/metrics', { code: 'output_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'output_tokens' });
  // Output tokens: 1 cent per 100 up to 100,000, then 1 cent per 1,000.
  await api('POST', '/v1/plans', {
    code: 'tiered',
    name: 'Tiered',
    interval: 'monthly',
    charges: [
      { metric: 'input_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000001' } },
      { metric: 'output_tokens', asset: 'USD', model: 'graduated', properties: { graduated_ranges: [{ from_value: 0, to_value: 100000, per_unit_amount: '0.0001', flat_amount: '0' }, { from_value: 100001, to_value: null, per_unit_amount: '0.00001', flat_amount: '0' }] } },
    ],
  });
  await api('POST', '/v1/subscriptions', { customer: 'mu', plan: 'tiered' });
  return api;
}

const heldUnits = async (api: ServerFixture['api']) => Object.fromEntries((await api('GET', '/v1/customers/mu/usage')).body.charges.map((c: any) => [c.metric, c.held_units]));

describe('held units', () => {
  it('a capture by an event that feeds two metrics leaves no held units behind, and the next quote is priced on usage alone', async () => {
    const api = await setUp();
    const hold = await api('POST', '/v1/authorizations', { customer: 'mu', metric: 'output_tokens', quantity: '60000' });
    expect(hold.status).toBe(201);
    expect(hold.body.amount).toBe('600');
    expect(await heldUnits(api)).toEqual({ input_tokens: '0', output_tokens: '60000' });
    const ev = await api('POST', '/v1/events', { transaction_id: 't1', customer: 'mu', code: 'llm_call', properties: { input_tokens: 50000, output_tokens: 10000 }, authorization_id: hold.body.id });
    expect(ev.status).toBe(201);
    expect((await api('GET', `/v1/authorizations/${hold.body.id}`)).body.status).toBe('captured');
    expect(await heldUnits(api)).toEqual({ input_tokens: '0', output_tokens: '0' });
    // 10,000 output tokens used: the next 50,000 are still in the first tier, 500 cents.
    expect((await api('POST', '/v1/quotes', { customer: 'mu', metric: 'output_tokens', quantity: '50000' })).body.amount).toBe('500');
    const next = await api('POST', '/v1/authorizations', { customer: 'mu', metric: 'output_tokens', quantity: '50000' });
    expect(next.body.amount).toBe('500');
  });

  it('a partial capture (final_capture false) releases only its own metric\'s units; the void releases the rest', async () => {
    const api = await setUp();
    const hold = await api('POST', '/v1/authorizations', { customer: 'mu', metric: 'output_tokens', quantity: '60000' });
    await api('POST', '/v1/events', { transaction_id: 't1', customer: 'mu', code: 'llm_call', properties: { input_tokens: 50000, output_tokens: 10000 }, authorization_id: hold.body.id, final_capture: false });
    expect(await heldUnits(api)).toEqual({ input_tokens: '0', output_tokens: '50000' });
    await api('POST', `/v1/authorizations/${hold.body.id}/void`, {});
    expect(await heldUnits(api)).toEqual({ input_tokens: '0', output_tokens: '0' });
  });
});

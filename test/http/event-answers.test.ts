/**
 * What an event's answer tells an integrator who reads only the API document: a refusal for funds
 * names what was asked as `details.requested` (as an authorization's does), and an accepted event
 * whose filter value the metric does not know says so in its warnings.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

describe('event answers', () => {
  it('a 402 insufficient_funds carries details.requested, on an event as on an authorization', async () => {
    fx = await startApi();
    const { api } = fx;
    await api('POST', '/v1/assets', { code: 'USD' });
    await api('POST', '/v1/customers', { external_id: 'f' });
    await api('POST', '/v1/customers/f/top-ups', { asset: 'USD', amount: '100' });
    await api('POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
    await api('POST', '/v1/plans', { code: 'p', name: 'P', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '2.5' } }] });
    await api('POST', '/v1/subscriptions', { customer: 'f', plan: 'p' });
    const event = await api('POST', '/v1/events', { transaction_id: 'e1', customer: 'f', code: 'calls' });
    expect([event.status, event.body.error.code]).toEqual([402, 'insufficient_funds']);
    expect(event.body.error.details).toMatchObject({ asset: 'USD', available: '100', requested: '250', cost: '250' });
    const hold = await api('POST', '/v1/authorizations', { customer: 'f', asset: 'USD', amount: '250' });
    expect([hold.status, hold.body.error.code]).toEqual([402, 'insufficient_funds']);
    expect(hold.body.error.details).toMatchObject({ asset: 'USD', available: '100', requested: '250' });
  });

  it('accepts an event whose filter value the metric does not declare, priced by the default charge, with a warning', async () => {
    fx = await startApi();
    const { api } = fx;
    await api('POST', '/v1/assets', { code: 'USD' });
    await api('POST', '/v1/customers', { external_id: 'm' });
    await api('POST', '/v1/customers/m/top-ups', { asset: 'USD', amount: '100000' });
    expect((await api('POST', '/v1/metrics', { code: 'calls', event_type: 'llm_call', aggregation: 'count', filters: [{ property: 'model', values: ['large', 'small'] }] })).status).toBe(201);
    const charges = [
      { metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } },
      { metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '5' }, filters: { model: ['large'] } },
    ];
    expect((await api('POST', '/v1/plans', { code: 'llm', name: 'LLM', interval: 'monthly', charges })).status).toBe(201);
    await api('POST', '/v1/subscriptions', { customer: 'm', plan: 'llm' });
    const ev = (id: string, properties: Record<string, unknown>) => api('POST', '/v1/events', { transaction_id: id, customer: 'm', code: 'llm_call', properties });
    const medium = await ev('medium', { model: 'medium' });
    expect([medium.status, medium.body.charges.map((c: any) => c.amount), medium.body.warnings]).toEqual([201, ['100'], ['filter_value_unknown:calls:model']]);
    const large = await ev('large', { model: 'large' });
    expect([large.status, large.body.charges.map((c: any) => c.amount), large.body.warnings]).toEqual([201, ['500'], []]);
    // declared but without a charge of its own: the default prices it, and nothing is unknown
    const small = await ev('small', { model: 'small' });
    expect([small.body.charges.map((c: any) => c.amount), small.body.warnings]).toEqual([['100'], []]);
    // no value at all is not an unknown value
    expect((await ev('none', {})).body.warnings).toEqual([]);
    // a replay answers the same warnings
    const replay = await ev('medium', { model: 'medium' });
    expect([replay.status, replay.body.warnings]).toEqual([200, ['filter_value_unknown:calls:model']]);
  });

  it('says so when an event fits none of a metric\'s filtered charges and so costs nothing (no default charge)', async () => {
    fx = await startApi();
    const { api } = fx;
    await api('POST', '/v1/assets', { code: 'USD' });
    expect((await api('POST', '/v1/customers', { external_id: 'g', on_insufficient_funds: 'refuse' })).status).toBe(201);
    await api('POST', '/v1/customers/g/top-ups', { asset: 'USD', amount: '100000' });
    expect((await api('POST', '/v1/metrics', { code: 'gpu_seconds', event_type: 'gpu_job', aggregation: 'sum', property: 'seconds', filters: [{ property: 'gpu', values: ['a100', 'h100'] }] })).status).toBe(201);
    const charges = ['a100', 'h100'].map((gpu, i) => ({ metric: 'gpu_seconds', asset: 'USD', model: 'standard', properties: { unit_price: i ? '0.0011' : '0.0008' }, filters: { gpu: [gpu] } }));
    expect((await api('POST', '/v1/plans', { code: 'gpu', name: 'GPU', interval: 'monthly', charges })).status).toBe(201);
    await api('POST', '/v1/subscriptions', { customer: 'g', plan: 'gpu' });
    const ev = (id: string, properties: Record<string, unknown>) => api('POST', '/v1/events', { transaction_id: id, customer: 'g', code: 'gpu_job', properties });
    // Before: 201, no charge and no warning at all for 100,000 GPU-seconds without a gpu.
    const bare = await ev('no-gpu', { seconds: 100000 });
    expect([bare.status, bare.body.charges, bare.body.warnings]).toEqual([201, [], ['no_charge_matched:gpu_seconds']]);
    const upper = await ev('upper', { seconds: 10, gpu: 'A100' });
    expect([upper.body.charges, upper.body.warnings]).toEqual([[], ['filter_value_unknown:gpu_seconds:gpu', 'no_charge_matched:gpu_seconds']]);
    const priced = await ev('priced', { seconds: 1000, gpu: 'a100' });
    expect([priced.body.charges.map((c: any) => c.amount), priced.body.warnings]).toEqual([['80'], []]);
    // The authorization for the same unpriceable work is refused, as the warning says.
    const hold = await api('POST', '/v1/authorizations', { customer: 'g', metric: 'gpu_seconds', quantity: '100', properties: { seconds: 100 } });
    expect([hold.status, hold.body.error.code]).toEqual([422, 'no_price']);
  });
});

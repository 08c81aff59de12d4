/**
 * Usage is never negative. A negative value for a `sum`, `max` or `latest` metric (or a negative
 * `precise_total_amount` for a dynamic charge) would credit money back, so any key that can post
 * events could mint credit; such an event is refused with 422 `invalid_event_property` (the
 * property) or `validation_failed` (the price) and records nothing. Corrections go through
 * reversing the event. `weighted_sum` events are changes of a level and stay signed;
 * `unique_count` reads an identity.
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
  await api('POST', '/v1/customers', { external_id: 'gpu' });
  await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '100000' });
  const metrics = [
    { code: 'gpu_seconds', event_type: 'job', aggregation: 'sum', property: 'seconds' },
    { code: 'peak_vram', event_type: 'vram', aggregation: 'max', property: 'gb' },
    { code: 'disk', event_type: 'disk', aggregation: 'latest', property: 'gb' },
    { code: 'storage', event_type: 'storage', aggregation: 'weighted_sum', property: 'gb' },
    { code: 'users', event_type: 'login', aggregation: 'unique_count', property: 'user' },
    { code: 'calls', event_type: 'call', aggregation: 'count' },
    { code: 'paid_calls', event_type: 'paid_call', aggregation: 'sum', property: 'n' },
  ];
  for (const m of metrics) expect((await api('POST', '/v1/metrics', m)).status).toBe(201);
  const charge = (metric: string, model = 'standard', properties: Record<string, unknown> = { unit_price: '0.10' }) => ({ metric, asset: 'USD', model, properties });
  await api('POST', '/v1/plans', {
    code: 'gpu', name: 'GPU', interval: 'monthly',
    charges: [charge('gpu_seconds'), charge('peak_vram'), charge('disk'), charge('storage'), charge('users'), charge('calls'), charge('paid_calls', 'dynamic', {})],
  });
  await api('POST', '/v1/subscriptions', { customer: 'gpu', plan: 'gpu' });
  return api;
}

const posted = async (api: ServerFixture['api']) => (await api('GET', '/v1/customers/gpu/balances')).body.balances[0].posted as string;

describe('negative usage is refused', () => {
  it('a negative value of a sum metric is a 422 naming the property and the reversal route; nothing is credited back', async () => {
    const api = await setUp();
    expect((await api('POST', '/v1/events', { transaction_id: 'run', customer: 'gpu', code: 'job', properties: { seconds: 1000 } })).status).toBe(201);
    expect(await posted(api)).toBe('90000');

    // Before: 201 with debits [{ amount: '-5000', credited_back: '5000' }].
    const minus = await api('POST', '/v1/events', { transaction_id: 'undo', customer: 'gpu', code: 'job', properties: { seconds: -500 } });
    expect([minus.status, minus.body.error?.code]).toEqual([422, 'invalid_event_property']);
    expect(minus.body.error.details).toEqual({ metric: 'gpu_seconds', property: 'seconds', value: '-500' });
    expect(minus.body.error.message).toContain('"seconds"');
    expect(minus.body.error.message).toContain('POST /v1/events/{transaction_id}/reverse');
    expect(await posted(api)).toBe('90000');
    // Nothing was recorded: the transaction_id is still free.
    expect((await api('GET', '/v1/events?customer=gpu')).body.data.map((e: { transaction_id: string }) => e.transaction_id)).toEqual(['run']);
    // Negative as a decimal string, and in a batch (its own 422; the others go on).
    expect((await api('POST', '/v1/events', { transaction_id: 'undo-s', customer: 'gpu', code: 'job', properties: { seconds: '-0.5' } })).body.error?.code).toBe('invalid_event_property');
    const batch = await api('POST', '/v1/events/batch', { events: [{ transaction_id: 'b1', customer: 'gpu', code: 'job', properties: { seconds: -1 } }, { transaction_id: 'b2', customer: 'gpu', code: 'job', properties: { seconds: 10 } }] });
    expect(batch.body.results.map((r: { status: number }) => r.status)).toEqual([422, 201]);
    // Zero is usage too (nothing), and accepted.
    expect((await api('POST', '/v1/events', { transaction_id: 'zero', customer: 'gpu', code: 'job', properties: { seconds: 0 } })).status).toBe(201);

    // The correction route: reversing the event gives its price back.
    const rev = await api('POST', '/v1/events/run/reverse', { customer: 'gpu', reason: 'double-counted run' });
    expect([rev.status, rev.body.status]).toEqual([200, 'reversed']);
    expect(await posted(api)).toBe('99900'); // $1,000 - $100 (run) - $1 (b2's 10 seconds) + $100 given back by the reversal
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);

    // Counted with the refusals, under its code.
    await fx.engine.flushRefusals();
    const reasons = (await api('GET', '/v1/events/refused?customer=gpu')).body.reasons;
    expect(reasons.find((r: { reason: string }) => r.reason === 'invalid_event_property')?.count).toBe(3);
  });

  it('max and latest take no negative value either; weighted_sum changes and unique_count identities may be negative', async () => {
    const api = await setUp();
    for (const [code, tx] of [['vram', 'v'], ['disk', 'd']] as const) {
      const r = await api('POST', '/v1/events', { transaction_id: tx, customer: 'gpu', code, properties: { gb: -5 } });
      expect([code, r.status, r.body.error?.code, r.body.error?.details?.property]).toEqual([code, 422, 'invalid_event_property', 'gb']);
    }
    const level = await api('POST', '/v1/events', { transaction_id: 'w-up', customer: 'gpu', code: 'storage', properties: { gb: 10 } });
    const down = await api('POST', '/v1/events', { transaction_id: 'w-down', customer: 'gpu', code: 'storage', properties: { gb: -4 } });
    expect([level.status, down.status, down.body.warnings]).toEqual([201, 201, []]);
    const user = await api('POST', '/v1/events', { transaction_id: 'u', customer: 'gpu', code: 'login', properties: { user: -42 } });
    expect([user.status, user.body.charges[0]?.units]).toEqual([201, '1']);
    // count reads no value: a negative property of the same name changes nothing.
    expect((await api('POST', '/v1/events', { transaction_id: 'c', customer: 'gpu', code: 'call', properties: { n: -3 } })).status).toBe(201);
  });

  it('a negative precise_total_amount (dynamic charge) is refused; before, it minted credit from nothing', async () => {
    const api = await setUp();
    // Before: 201, debits [{ amount: '-5000', credited_back: '5000' }]: a $50 granted lot that no usage had paid for.
    const r = await api('POST', '/v1/events', { transaction_id: 'p', customer: 'gpu', code: 'paid_call', properties: { n: 1 }, precise_total_amount: '-50' });
    expect([r.status, r.body.error?.code, r.body.error?.details?.issues?.[0]?.path]).toEqual([422, 'validation_failed', ['precise_total_amount']]);
    expect(await posted(api)).toBe('100000');
    const ok = await api('POST', '/v1/events', { transaction_id: 'p2', customer: 'gpu', code: 'paid_call', properties: { n: 1 }, precise_total_amount: '0.25' });
    expect([ok.status, ok.body.debits[0].amount]).toEqual([201, '25']);
  });
});

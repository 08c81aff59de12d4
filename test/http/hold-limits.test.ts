/**
 * An event naming a hold (`authorization_id`) is never refused for what a PENDING hold still holds
 * for it; everything else is checked as any event's cost is: the cost beyond the hold, the cost in
 * another asset than the hold's, and the whole cost under a hold that is no longer pending
 * (captured, voided, expired). Before this rule, an `authorization_id` exempted the event from
 * every check, so a 1-cent hold (or a closed one, or a 0-amount hold in another asset) let an
 * ingest key run up unbounded debt past `refuse`, the overdraft limit and the spend caps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

const T0 = Date.parse('2026-05-10T12:00:00Z');

/** USD, a `tokens` sum metric at one cent a token, a customer with a $1.00 wallet. */
async function setUp(customer: Record<string, unknown> = {}) {
  const clock = new ManualClock(T0);
  fx = await startApi({ clock });
  const { api } = fx;
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/metrics', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
  await api('POST', '/v1/plans', { code: 'tok', name: 'Tokens', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
  expect((await api('POST', '/v1/customers', { external_id: 'gpu', ...customer })).status).toBe(201);
  await api('POST', '/v1/subscriptions', { customer: 'gpu', plan: 'tok' });
  await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '100' });
  return { clock, api };
}

const usd = async (api: ServerFixture['api']) => (await api('GET', '/v1/customers/gpu/balances')).body.balances.find((b: { asset: string }) => b.asset === 'USD');
const event = (api: ServerFixture['api'], tx: string, tokens: number, extra: Record<string, unknown> = {}) => api('POST', '/v1/events', { transaction_id: tx, customer: 'gpu', code: 'tokens', properties: { tokens }, ...extra });

describe('events under a hold are checked beyond what the hold holds', () => {
  it('a 1-cent hold does not carry a $50 event past `refuse`; within credit the excess is drawn from credit', async () => {
    const { api } = await setUp({ on_insufficient_funds: 'refuse' });
    const hold = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '1', ttl_seconds: 1 })).body;
    const before = await usd(api);
    expect(before).toMatchObject({ posted: '100', pending: '1', debt: '0', available: '99' });

    // Before: 201, 1 from the hold, 99 from credit, 4900 as debt.
    const big = await event(api, 'job-50', 5000, { authorization_id: hold.id });
    expect([big.status, big.body.error?.code]).toEqual([402, 'insufficient_funds']);
    expect(big.body.error.details).toMatchObject({ asset: 'USD', cost: '5000', requested: '4999', from_hold: '1', available: '99', policy: 'refuse', authorization: hold.id });
    expect(big.body.error.message).toMatch(/costs 50\.00 USD \(authorization auth_\w+ holds 0\.01 USD of it; 49\.99 USD is beyond the hold\), available 0\.99 USD\./);
    // A refusal changes nothing: the hold is still pending and holds what it held.
    expect(await usd(api)).toMatchObject({ posted: '100', pending: '1', debt: '0', available: '99' });
    expect((await api('GET', `/v1/authorizations/${hold.id}`)).body).toMatchObject({ status: 'pending', held: '1', captured: '0' });

    // What the wallet can cover beyond the hold is drawn from credit (no debt).
    const fits = await event(api, 'job-90c', 90, { authorization_id: hold.id });
    expect(fits.status).toBe(201);
    expect(fits.body.debits).toEqual([{ asset: 'USD', amount: '90', from_hold: '1', from_credit: '89', as_debt: '0', credited_back: '0' }]);
    expect(fits.body).toMatchObject({ debt_created: false, authorization: { id: hold.id, status: 'captured', captured: '90', held: '0' } });
    expect(await usd(api)).toMatchObject({ posted: '10', pending: '0', debt: '0', available: '10' });
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('a hold no longer pending (expired, captured, voided) exempts nothing: the whole cost is checked, with the warning kept', async () => {
    const { clock, api } = await setUp({ on_insufficient_funds: 'refuse' });
    const expiring = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '1', ttl_seconds: 1 })).body;
    clock.advance(2_000);
    // Before: 201 with 10000 as debt, again and again on the same closed hold.
    for (const tx of ['late-1', 'late-2']) {
      const r = await event(api, tx, 10_000, { authorization_id: expiring.id });
      expect([r.status, r.body.error?.code, r.body.error?.details?.requested, r.body.error?.details?.from_hold]).toEqual([402, 'insufficient_funds', '10000', undefined]);
    }
    expect(await usd(api)).toMatchObject({ posted: '100', pending: '0', debt: '0' });
    // Within the wallet it is accepted, from credit, and still warns.
    const small = await event(api, 'late-ok', 30, { authorization_id: expiring.id });
    expect([small.status, small.body.warnings, small.body.debits[0]]).toEqual([201, ['authorization_expired'], { asset: 'USD', amount: '30', from_hold: '0', from_credit: '30', as_debt: '0', credited_back: '0' }]);

    const captured = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '10' })).body;
    expect((await event(api, 'cap-1', 10, { authorization_id: captured.id })).status).toBe(201);
    const afterCapture = await event(api, 'cap-2', 5000, { authorization_id: captured.id });
    expect([afterCapture.status, afterCapture.body.error?.code]).toEqual([402, 'insufficient_funds']);

    const voided = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '10' })).body;
    await api('POST', `/v1/authorizations/${voided.id}/void`, {});
    const afterVoid = await event(api, 'void-1', 5000, { authorization_id: voided.id });
    expect([afterVoid.status, afterVoid.body.error?.code]).toEqual([402, 'insufficient_funds']);
    const withinVoid = await event(api, 'void-2', 20, { authorization_id: voided.id });
    expect([withinVoid.status, withinVoid.body.warnings]).toEqual([201, ['authorization_voided']]);
    expect(await usd(api)).toMatchObject({ posted: '40', pending: '0', debt: '0', available: '40' });
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('under `record_as_debt` the excess may use the overdraft limit, no further; an increment before the job outgrows the hold keeps it covered', async () => {
    const { api } = await setUp({ on_insufficient_funds: 'record_as_debt', overdraft_limits: [{ asset: 'USD', amount: '2000' }] });
    const hold = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '100' })).body;
    expect(await usd(api)).toMatchObject({ available: '0', overdraft_limit: '2000' });
    const tooBig = await event(api, 'j1', 2101, { authorization_id: hold.id, final_capture: false });
    expect([tooBig.status, tooBig.body.error?.code, tooBig.body.error?.details?.requested, tooBig.body.error?.details?.policy]).toEqual([402, 'insufficient_funds', '2001', 'record_as_debt']);
    const toLimit = await event(api, 'j2', 2100, { authorization_id: hold.id });
    expect(toLimit.status).toBe(201);
    expect(toLimit.body.debits[0]).toEqual({ asset: 'USD', amount: '2100', from_hold: '100', from_credit: '0', as_debt: '2000', credited_back: '0' });
    expect(toLimit.body.debt_created).toBe(true);
    expect(await usd(api)).toMatchObject({ posted: '0', pending: '0', debt: '2000', available: '-2000' });

    // The pattern the rule asks for: grow the hold first (checked like any hold), then the event is covered.
    await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '3000' });
    const h2 = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '500' })).body;
    expect((await api('POST', `/v1/authorizations/${h2.id}/increment`, { amount: '500' })).status).toBe(200);
    const covered = await event(api, 'j3', 1000, { authorization_id: h2.id });
    expect([covered.status, covered.body.debits[0].from_hold]).toEqual([201, '1000']);
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('a hold covers cost in its own asset only: a 0 GPU_HOURS hold (inside the allowance) does not carry a USD cost', async () => {
    const { api } = await setUp({ on_insufficient_funds: 'refuse' });
    expect((await api('POST', '/v1/assets', { code: 'GPU_HOURS', kind: 'custom', scale: 6 })).status).toBe(201);
    await api('POST', '/v1/metrics', { code: 'gpu_hours', event_type: 'gpu_job', aggregation: 'sum', property: 'hours' });
    await api('POST', '/v1/metrics', { code: 'gpu_usd', event_type: 'gpu_job', aggregation: 'sum', property: 'hours' });
    await api('POST', '/v1/plans', {
      code: 'gpu', name: 'GPU', interval: 'monthly', charges: [
        { metric: 'gpu_hours', asset: 'GPU_HOURS', model: 'standard', properties: { unit_price: '1' }, allowance: '10' },
        { metric: 'gpu_usd', asset: 'USD', model: 'standard', properties: { unit_price: '10' } },
      ],
    });
    const sub = (await api('GET', '/v1/subscriptions?customer=gpu')).body.data[0];
    expect((await api('PATCH', `/v1/subscriptions/${sub.id}`, { plan: 'gpu', timing: 'now' })).status).toBe(200);

    // Five hours inside a ten-hour allowance: the hold is made, and holds 0 (it covers nothing).
    const hold = await api('POST', '/v1/authorizations', { customer: 'gpu', metric: 'gpu_hours', quantity: '5' });
    expect([hold.status, hold.body.asset, hold.body.amount, hold.body.held]).toEqual([201, 'GPU_HOURS', '0', '0']);
    // Before: 201 with $49 as debt on a $1 wallet under `refuse`.
    const job = await api('POST', '/v1/events', { transaction_id: 'job', customer: 'gpu', code: 'gpu_job', properties: { hours: 5 }, authorization_id: hold.body.id });
    expect([job.status, job.body.error?.code]).toEqual([402, 'insufficient_funds']);
    expect(job.body.error.details).toMatchObject({ asset: 'USD', cost: '5000', requested: '5000', available: '100' });
    expect(job.body.error.details.from_hold).toBeUndefined();
    expect(await usd(api)).toMatchObject({ posted: '100', debt: '0' });
    // A job the USD wallet covers goes through, and settles the (empty) GPU_HOURS hold.
    const small = await api('POST', '/v1/events', { transaction_id: 'small', customer: 'gpu', code: 'gpu_job', properties: { hours: '0.05' }, authorization_id: hold.body.id });
    expect(small.status).toBe(201);
    expect(small.body.debits.find((d: { asset: string }) => d.asset === 'USD')).toMatchObject({ amount: '50', from_hold: '0', from_credit: '50', as_debt: '0' });
    expect(small.body.authorization).toMatchObject({ id: hold.body.id, status: 'captured' });
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('spend caps: the part of the event beyond its hold counts against them (the held part was counted when it was held)', async () => {
    const { api } = await setUp({ spend_caps: [{ asset: 'USD', window: 'day', amount: '1000' }] });
    await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '9900' });
    const hold = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '500' })).body;
    // 500 held + 700 beyond > 1000. Before: 201, and the day's spend went to 1200.
    const over = await event(api, 'c1', 1200, { authorization_id: hold.id, final_capture: false });
    expect([over.status, over.body.error?.code]).toEqual([402, 'spend_cap_exceeded']);
    expect(over.body.error.details).toMatchObject({ cap: '1000', spent: '0', held: '500', requested: '700', cost: '1200', from_hold: '500' });
    // Within the hold, never refused; 500 held + 400 beyond fits.
    const fits = await event(api, 'c2', 900, { authorization_id: hold.id });
    expect([fits.status, fits.body.debits[0].from_hold, fits.body.debits[0].from_credit]).toEqual([201, '500', '400']);
    const customer = (await api('GET', '/v1/customers/gpu')).body;
    expect(customer.spend_caps[0]).toMatchObject({ amount: '1000', spent: '900' });
    // And a plain event sees the spend the hold's event made.
    const plain = await event(api, 'c3', 200);
    expect([plain.status, plain.body.error?.code]).toEqual([402, 'spend_cap_exceeded']);
  });
});

describe('a spend cap set during its window', () => {
  it('starts from what was spent in the window already (found by a reviewer: it started at 0 and allowed the cap again)', async () => {
    const { api, clock } = await setUp();
    await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '9900' });
    // Yesterday's spend is not today's.
    expect((await event(api, 'y1', 300)).status).toBe(201);
    clock.set(T0 + 86_400_000);
    expect((await event(api, 'e1', 420)).status).toBe(201);
    const hold = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '100' })).body;
    await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '50' });
    // 20 tokens given back by a reversal are not spend.
    expect((await event(api, 'e2', 20)).status).toBe(201);
    expect((await api('POST', '/v1/events/e2/reverse', { customer: 'gpu', reason: 'test' })).status).toBeLessThan(300);
    const set = await api('PATCH', '/v1/customers/gpu', { spend_caps: [{ asset: 'USD', window: 'day', amount: '500' }] });
    expect(set.status).toBe(200);
    expect(set.body.spend_caps[0]).toMatchObject({ amount: '500', spent: '470', window_start: '2026-05-11T00:00:00.000Z' });
    const over = await event(api, 'e3', 31);
    expect([over.status, over.body.error?.code]).toEqual([402, 'spend_cap_exceeded']);
    expect(over.body.error.details).toMatchObject({ cap: '500', spent: '470', requested: '31' });
    expect((await event(api, 'e4', 30)).status).toBe(201);
  });
});

describe('a capture beyond its hold is checked like a new authorization', () => {
  it('a 1-cent hold cannot capture $50 past the overdraft limit; within funds the excess comes from credit', async () => {
    const { api } = await setUp();
    const hold = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '1' })).body;
    // Before: 200, captured 5000, 4900 of it as debt.
    const big = await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '5000' });
    expect([big.status, big.body.error?.code]).toEqual([402, 'insufficient_funds']);
    expect(big.body.error.details).toMatchObject({ asset: 'USD', available: '99', overdraft_limit: '0', requested: '4999' });
    expect((await api('GET', `/v1/authorizations/${hold.id}`)).body).toMatchObject({ status: 'pending', held: '1', captured: '0' });
    expect(await usd(api)).toMatchObject({ posted: '100', pending: '1', debt: '0', available: '99' });

    const fits = await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '60' });
    expect(fits.status).toBe(200);
    expect(fits.body).toMatchObject({ status: 'captured', captured: '60', held: '0' });
    expect(await usd(api)).toMatchObject({ posted: '40', pending: '0', debt: '0', available: '40' });
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('with an overdraft limit the excess may become debt, up to the limit and no further', async () => {
    const { api } = await setUp({ overdraft_limits: [{ asset: 'USD', amount: '500' }] });
    const hold = (await api('POST', '/v1/authorizations', { customer: 'gpu', asset: 'USD', amount: '1' })).body;
    expect((await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '601' })).status).toBe(402);
    const ok = await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '600' });
    expect(ok.status).toBe(200);
    expect(await usd(api)).toMatchObject({ debt: '500', available: '-500' });
  });
});

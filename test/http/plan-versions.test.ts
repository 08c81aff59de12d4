/**
 * Older plan versions over HTTP (answers validated against the OpenAPI document): a subscription
 * keeps the `plan_version` it was moved to, so every version must stay readable, newest first and
 * one by one, with 404s that say whether the code or the version is missing and 422 for a version
 * that is not a positive integer. Each version says how many subscriptions it still bills
 * (`live_subscriptions`: pending or active) and how many are scheduled to move onto it at period end
 * (`scheduled_subscriptions`), and the counts follow subscriptions as they start, end and move.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;

const v1 = {
  code: 'api',
  name: 'API',
  description: 'The first price list',
  interval: 'monthly',
  fixed_fee: { asset: 'USD', amount: '2000', pay_in_advance: true },
  features: [{ code: 'seats', value: 3 }],
  charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }],
};
const v2 = {
  code: 'api',
  name: 'API (2027 prices)',
  interval: 'monthly',
  fixed_fee: { asset: 'USD', amount: '2500', pay_in_advance: false },
  minimum_commitment: { asset: 'USD', amount: '5000' },
  features: [{ code: 'seats', value: 5 }],
  charges: [
    { metric: 'calls', asset: 'USD', model: 'graduated', properties: { graduated_ranges: [{ from_value: 0, to_value: 1000, per_unit_amount: '0.02', flat_amount: '0' }, { from_value: 1001, to_value: null, per_unit_amount: '0.015', flat_amount: '0' }] } },
  ],
};

beforeAll(async () => {
  fx = await startApi();
  await fx.api('POST', '/v1/assets', { code: 'USD' });
  await fx.api('POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
  for (const c of ['early', 'late']) await fx.api('POST', '/v1/customers', { external_id: c });
});
afterAll(async () => {
  await fx?.close();
});

/** What a version must show of what was posted for it. */
function posted(p: typeof v1 | typeof v2) {
  const { code, name, interval, fixed_fee, features, charges } = p;
  return { code, name, interval, fixed_fee, features, charges: charges.map((c) => ({ ...c, filters: null, allowance: null, pay_in_advance: false })) };
}

describe('plan versions', () => {
  let first: any;
  let second: any;

  beforeAll(async () => {
    first = (await fx.api('POST', '/v1/plans', v1)).body;
    expect((await fx.api('POST', '/v1/subscriptions', { customer: 'early', plan: 'api', external_id: 'sub-early' })).status).toBe(201);
    second = (await fx.api('POST', '/v1/plans', v2)).body;
    expect((await fx.api('POST', '/v1/subscriptions', { customer: 'late', plan: 'api', external_id: 'sub-late' })).status).toBe(201);
  });

  it('keep each subscription on the version it was made on, and getPlan on the latest', async () => {
    expect([first.version, second.version]).toEqual([1, 2]);
    expect((await fx.api('GET', '/v1/subscriptions/sub-early')).body).toMatchObject({ plan: 'api', plan_version: 1 });
    expect((await fx.api('GET', '/v1/subscriptions/sub-late')).body).toMatchObject({ plan: 'api', plan_version: 2 });
    expect((await fx.api('GET', '/v1/plans/api')).body.version).toBe(2);
  });

  it('lists every version newest first, each as it was posted', async () => {
    const res = await fx.api('GET', '/v1/plans/api/versions');
    expect(res.status).toBe(200);
    expect(res.body.next_cursor).toBeNull();
    expect(res.body.data.map((p: any) => p.version)).toEqual([2, 1]);
    const [newest, oldest] = res.body.data;
    expect(newest).toMatchObject({ ...posted(v2), version: 2, description: null, minimum_commitment: v2.minimum_commitment });
    expect(oldest).toMatchObject({ ...posted(v1), version: 1, description: v1.description, minimum_commitment: null });
    // The same objects POST answered and getPlan answers for the latest (charge ids included), with
    // who each version bills: sub-late on version 2, sub-early on version 1.
    const one = { live_subscriptions: 1, scheduled_subscriptions: 0 };
    expect(newest).toEqual({ ...second, ...one });
    expect(oldest).toEqual({ ...first, ...one });
    expect(newest).toEqual({ ...(await fx.api('GET', '/v1/plans/api')).body, ...one });
    // The counts are the version routes' own: getPlan and createPlan answer the plan alone.
    expect(second).not.toHaveProperty('live_subscriptions');
    expect((await fx.api('GET', '/v1/plans/api')).body).not.toHaveProperty('live_subscriptions');
  });

  it('pages by version with limit and cursor', async () => {
    const page1 = await fx.api('GET', '/v1/plans/api/versions?limit=1');
    expect(page1.body.data.map((p: any) => p.version)).toEqual([2]);
    expect(page1.body.next_cursor).toEqual(expect.any(String));
    const page2 = await fx.api('GET', `/v1/plans/api/versions?limit=1&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data.map((p: any) => p.version)).toEqual([1]);
    expect(page2.body.next_cursor).toBeNull();
  });

  it('reads one version by number', async () => {
    const old = await fx.api('GET', '/v1/plans/api/versions/1');
    expect(old.status).toBe(200);
    expect(old.body).toEqual({ ...first, live_subscriptions: 1, scheduled_subscriptions: 0 });
    expect(old.body.charges[0]).toMatchObject({ model: 'standard', properties: { unit_price: '0.01' } });
    const latest = await fx.api('GET', '/v1/plans/api/versions/2');
    expect(latest.body).toEqual({ ...second, live_subscriptions: 1, scheduled_subscriptions: 0 });
    expect(latest.body.charges[0].model).toBe('graduated');
  });

  it('are readable with a read-only key', async () => {
    const reader = (await fx.api('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] })).body.key as string;
    const auth = { authorization: `Bearer ${reader}` };
    expect((await fx.api('GET', '/v1/plans/api/versions', undefined, auth)).status).toBe(200);
    expect((await fx.api('GET', '/v1/plans/api/versions/1', undefined, auth)).status).toBe(200);
  });

  it('answer 404 plan_not_found naming the missing version or the missing code', async () => {
    const noVersion = await fx.api('GET', '/v1/plans/api/versions/3');
    expect(noVersion.status).toBe(404);
    expect(noVersion.body.error).toMatchObject({ code: 'plan_not_found', details: { plan: 'api', version: 3, latest_version: 2 } });
    expect(noVersion.body.error.message).toMatch(/no version 3/);
    for (const path of ['/v1/plans/nope/versions', '/v1/plans/nope/versions/1']) {
      const noCode = await fx.api('GET', path);
      expect(noCode.status, path).toBe(404);
      expect(noCode.body.error.code).toBe('plan_not_found');
      expect(noCode.body.error.message).toMatch(/code nope/);
    }
  });

  it.each(['abc', '0', '-1', '1.5'])('answer 422 validation_failed for version %j', async (version) => {
    const res = await fx.api('GET', `/v1/plans/api/versions/${version}`);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toBe('version: must be a version number: a positive integer such as 1 or 2');
    expect(res.body.error.details.issues[0].path).toEqual(['version']);
  });
});

describe('subscriptions counted on each version', () => {
  const team = (name: string) => ({ code: 'team', name, interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
  /** Version -> [live, scheduled], from the list; each also checked against the one-version route. */
  async function counts(): Promise<Record<number, [number, number]>> {
    const list = await fx.api('GET', '/v1/plans/team/versions');
    expect(list.status).toBe(200);
    const out: Record<number, [number, number]> = {};
    for (const v of list.body.data) {
      out[v.version] = [v.live_subscriptions, v.scheduled_subscriptions];
      const one = await fx.api('GET', `/v1/plans/team/versions/${v.version}`);
      expect([one.body.live_subscriptions, one.body.scheduled_subscriptions], `version ${v.version}`).toEqual(out[v.version]);
    }
    return out;
  }
  const subscribe = async (customer: string, extra: Record<string, unknown> = {}) => {
    expect((await fx.api('POST', '/v1/customers', { external_id: customer })).status).toBe(201);
    const res = await fx.api('POST', '/v1/subscriptions', { customer, plan: 'team', external_id: `sub-${customer}`, ...extra });
    expect(res.status).toBe(201);
    return res.body;
  };

  it('follow subscriptions as they start on version 1 then 2, end, and move to the latest version', async () => {
    expect((await fx.api('POST', '/v1/plans', team('Team'))).body.version).toBe(1);
    expect(await counts()).toEqual({ 1: [0, 0] });

    await subscribe('t-a');
    await subscribe('t-b');
    await subscribe('t-c');
    expect(await counts()).toEqual({ 1: [3, 0] });

    expect((await fx.api('POST', '/v1/plans', team('Team 2'))).body.version).toBe(2);
    expect(await counts()).toEqual({ 2: [0, 0], 1: [3, 0] });
    await subscribe('t-d');
    // Pending (starting in a month) is counted: it will be billed on version 2.
    const pending = await subscribe('t-e', { start_at: new Date(Date.now() + 30 * 86_400_000).toISOString() });
    expect(pending).toMatchObject({ status: 'pending', plan_version: 2 });
    expect(await counts()).toEqual({ 2: [2, 0], 1: [3, 0] });

    // Terminated now: no longer counted. Cancelled at period end: still billed until then, counted.
    expect((await fx.api('POST', '/v1/subscriptions/sub-t-a/terminate', { at: 'now' })).body.status).toBe('terminated');
    expect((await fx.api('POST', '/v1/subscriptions/sub-t-b/terminate', { at: 'period_end' })).body).toMatchObject({ status: 'active', terminate_at: expect.any(String) });
    expect(await counts()).toEqual({ 2: [2, 0], 1: [2, 0] });

    // Moved to the latest version now: counted there, no longer on version 1.
    expect((await fx.api('POST', '/v1/plans', team('Team 3'))).body.version).toBe(3);
    expect((await fx.api('PATCH', '/v1/subscriptions/sub-t-c', { plan: 'team', timing: 'now' })).body).toMatchObject({ plan_version: 3, next_plan: null });
    expect(await counts()).toEqual({ 3: [1, 0], 2: [2, 0], 1: [1, 0] });
  });

  it('count a move scheduled at period end on the version it goes to, which stays the same when a newer one is written', async () => {
    // sub-t-d (active on version 2) moves to the latest version, 3, at the end of its period.
    const moved = await fx.api('PATCH', '/v1/subscriptions/sub-t-d', { plan: 'team', timing: 'period_end' });
    expect(moved.body).toMatchObject({ plan_version: 2, next_plan: 'team' });
    expect(await counts()).toEqual({ 3: [1, 1], 2: [2, 0], 1: [1, 0] });
    // A fourth version does not change where the scheduled move goes.
    expect((await fx.api('POST', '/v1/plans', team('Team 4'))).body.version).toBe(4);
    expect(await counts()).toEqual({ 4: [0, 0], 3: [1, 1], 2: [2, 0], 1: [1, 0] });
    // A move scheduled on a subscription cancelled at the same period end never happens: not counted.
    expect((await fx.api('PATCH', '/v1/subscriptions/sub-t-b', { plan: 'team', timing: 'period_end' })).body).toMatchObject({ plan_version: 1, next_plan: 'team' });
    expect(await counts()).toEqual({ 4: [0, 0], 3: [1, 1], 2: [2, 0], 1: [1, 0] });
    // Dropping the scheduled change takes it off the count.
    expect((await fx.api('PATCH', '/v1/subscriptions/sub-t-d', { cancel_scheduled_change: true })).body.next_plan).toBeNull();
    expect(await counts()).toEqual({ 4: [0, 0], 3: [1, 0], 2: [2, 0], 1: [1, 0] });
  });
});

/**
 * The pricing routes over HTTP (answers validated against the OpenAPI document): plans with every
 * part, subscriptions and plan changes, quotes, current usage, entitlements, coupons, settings, and
 * the errors for invalid tiers, which name the tier.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
beforeAll(async () => {
  fx = await startApi();
  await fx.api('POST', '/v1/assets', { code: 'USD' });
  await fx.api('POST', '/v1/assets', { code: 'GPU_HOURS', kind: 'custom', scale: 6 });
  await fx.api('POST', '/v1/customers', { external_id: 'acme' });
  await fx.api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '100000' });
  await fx.api('POST', '/v1/customers/acme/top-ups', { asset: 'GPU_HOURS', amount: '10000000' });
  await fx.api('POST', '/v1/metrics', { code: 'tokens', event_type: 'llm', aggregation: 'sum', property: 'tokens', filters: [{ property: 'model', values: ['gpt-4o', 'o3', 'mini'] }] });
  await fx.api('POST', '/v1/metrics', { code: 'gpu', aggregation: 'sum', property: 'seconds', rounding: { mode: 'ceil', precision: 0 } });
});
afterAll(async () => {
  await fx?.close();
});

const graduated = {
  graduated_ranges: [
    { from_value: 0, to_value: 1000, per_unit_amount: '0.001', flat_amount: '1' },
    { from_value: 1001, to_value: null, per_unit_amount: '0.0005', flat_amount: '0' },
  ],
};

describe('plans', () => {
  it('hold fixed fees, trials, commitments, features, filtered charges, allowances and charges in custom assets', async () => {
    const res = await fx.api('POST', '/v1/plans', {
      code: 'pro',
      name: 'Pro',
      interval: 'monthly',
      fixed_fee: { asset: 'USD', amount: '2000', pay_in_advance: true },
      trial_days: 0,
      minimum_commitment: { asset: 'USD', amount: '1000' },
      features: [{ code: 'sso', value: true }, { code: 'seats', value: 10 }],
      charges: [
        { metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.00001' }, filters: { model: ['o3'] } },
        { metric: 'tokens', asset: 'USD', model: 'graduated', properties: graduated, allowance: '100' },
        { metric: 'gpu', asset: 'GPU_HOURS', model: 'standard', properties: { unit_price: '0.000277' } },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'pro', version: 1, fixed_fee: { amount: '2000', pay_in_advance: true }, features: [{ code: 'sso', value: true }, { code: 'seats', value: 10 }] });
    const again = await fx.api('POST', '/v1/plans', { code: 'pro', name: 'Pro v2', interval: 'monthly' });
    expect(again.body.version).toBe(2);
    expect((await fx.api('GET', '/v1/plans/pro')).body.version).toBe(2);
  });

  it.each([
    ['an overlap', [{ from_value: 0, to_value: 100, per_unit_amount: '1', flat_amount: '0' }, { from_value: 50, to_value: null, per_unit_amount: '1', flat_amount: '0' }], /graduated_ranges\[1\]/],
    ['a negative price', [{ from_value: 0, to_value: 100, per_unit_amount: '-1', flat_amount: '0' }, { from_value: 101, to_value: null, per_unit_amount: '1', flat_amount: '0' }], /graduated_ranges\[0\]\.per_unit_amount/],
    ['a closed last tier', [{ from_value: 0, to_value: 100, per_unit_amount: '1', flat_amount: '0' }], /graduated_ranges\[0\]/],
  ])('refuse tiers with %s, naming the tier', async (_, ranges, message) => {
    const res = await fx.api('POST', '/v1/plans', { code: 'bad', name: 'Bad', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'graduated', properties: { graduated_ranges: ranges } }] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toMatch(message);
  });
});

describe('subscriptions, usage, quotes, entitlements', () => {
  it('prices by the most specific filter, reports usage with tiers, quotes without writing', async () => {
    await fx.api('POST', '/v1/plans', {
      code: 'std',
      name: 'Std',
      interval: 'monthly',
      features: [{ code: 'seats', value: 3 }],
      charges: [
        { metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.00001' }, filters: { model: ['o3'] } },
        { metric: 'tokens', asset: 'USD', model: 'graduated', properties: graduated },
      ],
    });
    const sub = await fx.api('POST', '/v1/subscriptions', { customer: 'acme', plan: 'std', external_id: 'acme-main' });
    expect(sub.status).toBe(201);
    const o3 = await fx.api('POST', '/v1/events', { transaction_id: 'o3-1', customer: 'acme', code: 'llm', properties: { tokens: 100000, model: 'o3' } });
    expect(o3.body.charges).toHaveLength(1);
    expect(o3.body.charges[0]).toMatchObject({ amount: '100' });
    const mini = await fx.api('POST', '/v1/events', { transaction_id: 'mini-1', customer: 'acme', code: 'llm', properties: { tokens: 1500, model: 'mini' } });
    // graduated: first tier's $1 flat fee is the price of zero usage (posted at close), then 1000 x 0.001 + 500 x 0.0005 = $1.25
    expect(mini.body.charges[0]).toMatchObject({ amount: '125' });
    const usage = await fx.api('GET', '/v1/customers/acme/usage');
    expect(usage.status).toBe(200);
    const grad = usage.body.charges.find((c: any) => c.model === 'graduated');
    expect(grad).toMatchObject({ units: '1500', amount: '225', posted: '125' });
    expect(grad.lines.map((l: any) => l.amount)).toEqual(['2', '0.25']);
    expect(usage.body.totals).toEqual([{ asset: 'USD', amount: '325' }]);
    const before = await fx.api('GET', '/v1/transfers?customer=acme');
    const quote = await fx.api('POST', '/v1/quotes', { customer: 'acme', metric: 'tokens', quantity: '1000', properties: { model: 'mini' } });
    expect(quote.body).toMatchObject({ asset: 'USD', amount: '50', exact_amount: '0.5' });
    expect((await fx.api('GET', '/v1/transfers?customer=acme')).body.data.length).toBe(before.body.data.length);
    const ent = await fx.api('GET', '/v1/customers/acme/entitlements');
    expect(ent.body.entitlements).toEqual([{ code: 'seats', name: null, value: 3, source: 'plan' }]);
    const patched = await fx.api('PATCH', '/v1/subscriptions/acme-main', { entitlements: { seats: 12 } });
    expect(patched.body.entitlement_overrides).toEqual({ seats: 12 });
    expect((await fx.api('GET', '/v1/customers/acme/entitlements')).body.entitlements[0]).toMatchObject({ value: 12, source: 'override' });
  });

  it('drops a scheduled plan change on request, even after the plan got a new version', async () => {
    await fx.api('POST', '/v1/plans', { code: 'cheap', name: 'Cheap', interval: 'monthly' });
    const before = (await fx.api('GET', '/v1/subscriptions/acme-main')).body;
    expect((await fx.api('PATCH', '/v1/subscriptions/acme-main', { plan: 'cheap', timing: 'period_end' })).body.next_plan).toBe('cheap');
    // A new version of the current plan: naming it in `plan` would move the subscription to it.
    await fx.api('POST', '/v1/plans', { code: before.plan, name: 'Standard v2', interval: 'monthly' });
    const dropped = await fx.api('PATCH', '/v1/subscriptions/acme-main', { cancel_scheduled_change: true });
    expect(dropped.status).toBe(200);
    expect(dropped.body).toMatchObject({ plan: before.plan, plan_version: before.plan_version, next_plan: null });
    // Nothing left to drop: the same answer, not an error.
    expect((await fx.api('PATCH', '/v1/subscriptions/acme-main', { cancel_scheduled_change: true })).body).toMatchObject({ next_plan: null, plan_version: before.plan_version });
    const both = await fx.api('PATCH', '/v1/subscriptions/acme-main', { cancel_scheduled_change: true, plan: 'cheap' });
    expect(both.status).toBe(422);
    expect(both.body.error.code).toBe('validation_failed');
    expect((await fx.api('GET', '/v1/subscriptions/acme-main')).body.next_plan).toBeNull();
  });

  it('schedules a downgrade, cancels at period end, and terminates', async () => {
    await fx.api('POST', '/v1/plans', { code: 'cheap', name: 'Cheap', interval: 'monthly' });
    const down = await fx.api('PATCH', '/v1/subscriptions/acme-main', { plan: 'cheap', timing: 'period_end' });
    expect(down.body).toMatchObject({ plan: 'std', next_plan: 'cheap' });
    const cancel = await fx.api('POST', '/v1/subscriptions/acme-main/terminate', { at: 'period_end' });
    expect(cancel.body.terminate_at).toBe(cancel.body.current_period.end);
    const now = await fx.api('POST', '/v1/subscriptions/acme-main/terminate', {});
    expect(now.body.status).toBe('terminated');
    expect((await fx.api('GET', '/v1/subscriptions?customer=acme&status=terminated')).body.data).toHaveLength(1);
    expect((await fx.api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('coupons and settings', async () => {
    const c = await fx.api('POST', '/v1/coupons', { code: 'LAUNCH', kind: 'percentage', percentage: '20', frequency: 'recurring', periods: 3, plans: ['std'] });
    expect(c.status).toBe(201);
    expect((await fx.api('POST', '/v1/coupons', { code: 'X', kind: 'fixed', frequency: 'once' })).status).toBe(422);
    const applied = await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'LAUNCH' });
    expect(applied.body).toMatchObject({ coupon: 'LAUNCH', status: 'active', periods_left: 3 });
    expect((await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'LAUNCH' })).status).toBe(409);
    expect((await fx.api('GET', '/v1/customers/acme/coupons')).body.data).toHaveLength(1);
    const s = await fx.api('PATCH', '/v1/settings', { billing_timezone: 'Europe/Paris', grace_period_hours: 12 });
    expect(s.body).toMatchObject({ billing_timezone: 'Europe/Paris', grace_period_hours: 12, late_events: 'refuse', invoice_prefix: 'TG', tax_point: 'invoice' });
    expect((await fx.api('PATCH', '/v1/settings', { billing_timezone: 'Mars/Olympus' })).status).toBe(422);
  });
});

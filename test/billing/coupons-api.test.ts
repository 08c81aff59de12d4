/**
 * Coupons over HTTP, on a frozen clock:
 * - createCoupon refuses plan and metric codes that do not exist (422, an issue per unknown code
 *   naming its path), and creates nothing;
 * - getCoupon answers one coupon, or 404;
 * - an applied coupon carries its asset (the fixed coupon's; null for a percentage), so its
 *   amount_left can be formatted without a second lookup;
 * - removeAppliedCoupon (DELETE /v1/customers/{external_id}/coupons/{coupon}) marks the active
 *   application `removed`: it discounts nothing from then on; a repeat answers the same record;
 *   a coupon the customer never had is 404; the change is audited once and pushed live.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import type { LiveChange } from '../../src-main/engine/context';
import { ledgerDigest, type ServerFixture, startApi, advanceBilling } from '../helpers/harness';

let fx: ServerFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const at = (s: string) => Date.parse(s);

/** USD, a postpaid customer `acme` on plan `pro` ($30 fixed fee in arrears, $1 a call), a metric `calls`. */
async function start() {
  clock = new ManualClock(at('2026-04-01T00:00:00Z'));
  fx = await startApi({ clock });
  await fx.op('updateSettings', { grace_period_hours: 0 });
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createCustomer', { external_id: 'acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
  await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
  await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '3000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
  await fx.op('createSubscription', { customer: 'acme', plan: 'pro' });
}

const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);
const callEvent = (id: string) => fx.op('ingestEvent', { transaction_id: id, customer: 'acme', code: 'calls' });
/** The invoices of acme, oldest first, with their lines. */
async function invoices(): Promise<any[]> {
  const list = (await fx.api('GET', '/v1/invoices?customer=acme')).body.data as any[];
  const full = await Promise.all(list.map(async (i) => (await fx.api('GET', `/v1/invoices/${i.id}`)).body));
  return full.sort((a, b) => a.period.start.localeCompare(b.period.start));
}
const couponLines = (inv: any) => inv.lines.filter((l: any) => l.kind === 'coupon').map((l: any) => [l.description, l.amount]);

describe('createCoupon checks the plans and metrics it is limited to', () => {
  it('refuses unknown plan codes and metric codes, one issue per code with its path, and creates nothing', async () => {
    await start();
    const before = ledgerDigest(fx.engine);
    const res = await fx.api('POST', '/v1/coupons', { code: 'TYPO', kind: 'percentage', percentage: '10', frequency: 'forever', plans: ['pro', 'proo'], metrics: ['calls', 'cals', 'tokens'] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.details.issues).toEqual([
      { path: ['plans', 1], message: 'no plan has code proo' },
      { path: ['metrics', 1], message: 'no metric has code cals' },
      { path: ['metrics', 2], message: 'no metric has code tokens' },
    ]);
    expect(res.body.error.message).toBe('plans[1]: no plan has code proo; metrics[1]: no metric has code cals; metrics[2]: no metric has code tokens.');
    expect(ledgerDigest(fx.engine)).toBe(before);
    expect((await fx.api('GET', '/v1/coupons/TYPO')).status).toBe(404);
    expect((await fx.api('GET', '/v1/coupons')).body.data).toEqual([]);
  });

  it('refuses an unknown metric alone, naming it in the message', async () => {
    await start();
    const res = await fx.api('POST', '/v1/coupons', { code: 'M', kind: 'percentage', percentage: '10', frequency: 'forever', metrics: ['nope'] });
    expect([res.status, res.body.error.code, res.body.error.message]).toEqual([422, 'validation_failed', 'metrics[0]: no metric has code nope.']);
    expect(res.body.error.details.issues).toEqual([{ path: ['metrics', 0], message: 'no metric has code nope' }]);
  });

  it('accepts plans and metrics that exist', async () => {
    await start();
    const res = await fx.api('POST', '/v1/coupons', { code: 'OK', kind: 'percentage', percentage: '10', frequency: 'forever', plans: ['pro'], metrics: ['calls'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code: 'OK', plans: ['pro'], metrics: ['calls'] });
  });
});

describe('getCoupon', () => {
  it('answers one coupon as listed, or 404 not_found', async () => {
    await start();
    const created = (await fx.api('POST', '/v1/coupons', { code: 'WELCOME', name: 'Welcome', kind: 'fixed', asset: 'USD', amount: '500', frequency: 'once' })).body;
    const got = await fx.api('GET', '/v1/coupons/WELCOME');
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created);
    expect(got.body).toMatchObject({ code: 'WELCOME', name: 'Welcome', kind: 'fixed', asset: 'USD', amount: '500', frequency: 'once' });
    const missing = await fx.api('GET', '/v1/coupons/NOPE');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found']);
    expect(missing.body.error.message).toContain('NOPE');
  });
});

describe('an applied coupon carries its asset', () => {
  it('the fixed coupon\'s asset on apply and in the list; null for a percentage coupon', async () => {
    await start();
    await fx.api('POST', '/v1/coupons', { code: 'FIVE', kind: 'fixed', asset: 'USD', amount: '500', frequency: 'once' });
    await fx.api('POST', '/v1/coupons', { code: 'TEN', kind: 'percentage', percentage: '10', frequency: 'forever' });
    const fixed = await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'FIVE' });
    expect(fixed.body).toMatchObject({ coupon: 'FIVE', asset: 'USD', amount_left: '500' });
    const pct = await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'TEN' });
    expect(pct.body).toMatchObject({ coupon: 'TEN', asset: null, amount_left: null });
    const list = (await fx.api('GET', '/v1/customers/acme/coupons')).body.data;
    expect(list.map((a: any) => [a.coupon, a.asset])).toEqual([
      ['FIVE', 'USD'],
      ['TEN', null],
    ]);
  });
});

describe('removeAppliedCoupon', () => {
  it('removes the active coupon: the next period is billed without it; a repeat answers the same record', async () => {
    await start();
    await fx.api('POST', '/v1/coupons', { code: 'SEVEN', kind: 'fixed', asset: 'USD', amount: '700', frequency: 'forever' });
    const applied = (await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'SEVEN' })).body;
    await callEvent('a1');
    await advanceTo('2026-05-01T00:00:00Z');
    // April: $30 fee + $1 usage, $7 off.
    let list = await invoices();
    expect(list.map(couponLines)).toEqual([[['Coupon SEVEN', '-700']]]);

    const changes: LiveChange[] = [];
    const listener = (c: LiveChange[]) => changes.push(...c);
    fx.engine.ctx.listeners.add(listener);
    clock.set(at('2026-05-10T00:00:00Z'));
    const removed = await fx.api('DELETE', '/v1/customers/acme/coupons/SEVEN');
    fx.engine.ctx.listeners.delete(listener);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ ...applied, status: 'removed' });
    expect(changes).toContainEqual(expect.objectContaining({ type: 'customer', customer: 'acme', id: 'acme' }));
    expect((await fx.api('GET', '/v1/customers/acme/coupons')).body.data).toEqual([removed.body]);

    // May: billed in full, no coupon line.
    await callEvent('b1');
    await advanceTo('2026-06-01T00:00:00Z');
    list = await invoices();
    expect(list).toHaveLength(2);
    expect(couponLines(list[1])).toEqual([]);
    expect(list[1]).toMatchObject({ subtotal: '3100', discounts: '0', total: '3100' });
    // The invoice preview of June neither.
    const preview = (await fx.api('GET', '/v1/customers/acme/invoice-preview')).body;
    expect(couponLines(preview)).toEqual([]);

    // Again: the same removed record, 200, and no second audit row.
    const again = await fx.api('DELETE', '/v1/customers/acme/coupons/SEVEN');
    expect(again.status).toBe(200);
    expect(again.body).toEqual(removed.body);
    const audit = (await fx.api('GET', '/v1/audit-log?action=coupon.remove')).body.data;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'coupon.remove', target: `applied_coupon:${applied.id}`, customer: 'acme' });
    expect(audit[0].before.status).toBe('active');
    expect(audit[0].after.status).toBe('removed');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a removed recurring coupon counts no more periods down and can be applied anew', async () => {
    await start();
    await fx.api('POST', '/v1/coupons', { code: 'THREE', kind: 'percentage', percentage: '10', frequency: 'recurring', periods: 3 });
    await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'THREE' });
    const removed = (await fx.api('DELETE', '/v1/customers/acme/coupons/THREE')).body;
    expect(removed).toMatchObject({ status: 'removed', periods_left: 3, asset: null });
    await callEvent('a1');
    await advanceTo('2026-05-01T00:00:00Z');
    expect((await invoices()).map(couponLines)).toEqual([[]]);
    expect((await fx.api('GET', '/v1/customers/acme/coupons')).body.data).toEqual([removed]);

    // Applied again: a new application, active; a delete now removes that one.
    const second = (await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'THREE' })).body;
    expect(second.id).not.toBe(removed.id);
    const gone = await fx.api('DELETE', '/v1/customers/acme/coupons/THREE');
    expect(gone.body).toMatchObject({ id: second.id, status: 'removed' });
    expect((await fx.api('GET', '/v1/customers/acme/coupons')).body.data.map((a: any) => a.status)).toEqual(['removed', 'removed']);
  });

  it('404 for a coupon the customer never had, an unknown coupon or customer; 409 for a used-up coupon; admin scope only', async () => {
    await start();
    await fx.api('POST', '/v1/coupons', { code: 'NEVER', kind: 'percentage', percentage: '10', frequency: 'forever' });
    await fx.api('POST', '/v1/coupons', { code: 'ONCE', kind: 'percentage', percentage: '10', frequency: 'once' });
    const before = ledgerDigest(fx.engine);
    const never = await fx.api('DELETE', '/v1/customers/acme/coupons/NEVER');
    expect([never.status, never.body.error.code]).toEqual([404, 'not_found']);
    expect(never.body.error.message).toBe('acme has no coupon NEVER.');
    const unknown = await fx.api('DELETE', '/v1/customers/acme/coupons/NOPE');
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);
    const nobody = await fx.api('DELETE', '/v1/customers/nobody/coupons/NEVER');
    expect([nobody.status, nobody.body.error.code]).toEqual([404, 'customer_not_found']);
    expect(ledgerDigest(fx.engine)).toBe(before);

    // A `once` percentage coupon is used up by its first discount: nothing left to remove.
    await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'ONCE' });
    await callEvent('a1');
    await advanceTo('2026-05-01T00:00:00Z');
    expect((await fx.api('GET', '/v1/customers/acme/coupons')).body.data[0].status).toBe('used');
    const used = await fx.api('DELETE', '/v1/customers/acme/coupons/ONCE');
    expect([used.status, used.body.error.code]).toEqual([409, 'invalid_state']);

    // A read key may list coupons, not remove them.
    await fx.api('POST', '/v1/coupons', { code: 'KEEP', kind: 'percentage', percentage: '5', frequency: 'forever' });
    await fx.api('POST', '/v1/customers/acme/coupons', { coupon: 'KEEP' });
    const readKey = fx.engine.keys.create('reader', ['read'], clock.now());
    const forbidden = await fx.api('DELETE', '/v1/customers/acme/coupons/KEEP', undefined, { authorization: `Bearer ${readKey}` });
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'forbidden']);
    expect((await fx.api('GET', '/v1/coupons/KEEP', undefined, { authorization: `Bearer ${readKey}` })).status).toBe(200);
  });
});

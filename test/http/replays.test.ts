/**
 * Retries as an integrator who read only the API document makes them: a replay of a creation with
 * its idempotency key answers 200 with the original result (the document's promise), a repeated
 * void answers the void invoice, and refusals say what happened.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

/** A postpaid customer with a finalized invoice of 19.83 USD still owed on it. */
async function openInvoice() {
  const clock = new ManualClock(Date.parse('2026-04-01T00:00:00Z'));
  fx = await startApi({ clock });
  const { api } = fx;
  await api('PATCH', '/v1/settings', { grace_period_hours: 1 });
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/customers', { external_id: 'acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
  await api('POST', '/v1/plans', { code: 'p', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '1983' } });
  await api('POST', '/v1/subscriptions', { customer: 'acme', plan: 'p' });
  clock.set(Date.parse('2026-05-01T00:00:00Z'));
  await fx.engine.runBilling();
  clock.set(Date.parse('2026-05-01T02:00:00Z'));
  await fx.engine.runBilling();
  const [inv] = (await api('GET', '/v1/invoices?customer=acme')).body.data;
  expect(inv).toMatchObject({ status: 'open', amount_outstanding: '1983' });
  return inv as { id: string; number: string };
}

const auditCount = async (action: string) => (await fx.api('GET', '/v1/audit-log?limit=500')).body.data.filter((r: any) => r.action === action).length;

describe('replays of creations answer 200 with the original result', () => {
  it('a payment retried with its idempotency key', async () => {
    const inv = await openInvoice();
    const body = { amount: '500', method: 'bank_transfer', reference: 'wire 1', idempotency_key: 'pay-1' };
    const first = await fx.api('POST', `/v1/invoices/${inv.id}/payments`, body);
    const again = await fx.api('POST', `/v1/invoices/${inv.id}/payments`, body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(first.body).toMatchObject({ amount_paid: '500', amount_outstanding: '1483' });
    expect(await auditCount('invoice.payment')).toBe(1);
    const conflict = await fx.api('POST', `/v1/invoices/${inv.id}/payments`, { ...body, amount: '600' });
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'idempotency_conflict']);
  });

  it('a retry that spells out a default is the same request; another value is not', async () => {
    await openInvoice();
    const { api } = fx;
    const topUp = await api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '700', idempotency_key: 'd-1' });
    const spelled = await api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '700', kind: 'paid', status: 'succeeded', priority: 50, idempotency_key: 'd-1' });
    expect([topUp.status, spelled.status, spelled.body.id]).toEqual([201, 200, topUp.body.id]);
    const granted = await api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '700', kind: 'granted', idempotency_key: 'd-1' });
    expect([granted.status, granted.body.error.code]).toEqual([409, 'idempotency_conflict']);
    const hold = await api('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '10', idempotency_key: 'd-2' });
    const again = await api('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '10', ttl_seconds: 600, idempotency_key: 'd-2' });
    expect([hold.status, again.status, again.body.id]).toEqual([201, 200, hold.body.id]);
    expect((await api('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '10', ttl_seconds: 601, idempotency_key: 'd-2' })).status).toBe(409);
  });

  it('every other creation that takes an idempotency key', async () => {
    const inv = await openInvoice();
    const { api } = fx;
    const twice = async (path: string, body: Record<string, unknown>) => {
      const a = await api('POST', path, body);
      const b = await api('POST', path, body);
      // the object as it is now (a credit note's PDF digest may have arrived in between)
      const { pdf_sha256: _a, ...first } = a.body;
      const { pdf_sha256: _b, ...second } = b.body;
      return { statuses: [a.status, b.status], same: JSON.stringify(first) === JSON.stringify(second) };
    };
    expect(await twice('/v1/customers/acme/top-ups', { asset: 'USD', amount: '100000', idempotency_key: 't-1' })).toEqual({ statuses: [201, 200], same: true });
    expect(await twice('/v1/customers/acme/adjustments', { asset: 'USD', amount: '5', reason: 'goodwill', idempotency_key: 'a-1' })).toEqual({ statuses: [201, 200], same: true });
    expect(await twice('/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '10', idempotency_key: 'h-1' })).toEqual({ statuses: [201, 200], same: true });
    expect(await twice(`/v1/invoices/${inv.id}/credit-notes`, { reason: 'other', settlement: 'refund', idempotency_key: 'cn-1' })).toEqual({ statuses: [201, 200], same: true });
  });
});

describe('invoices', () => {
  it('a retried void answers the void invoice, 200, and writes nothing again (as a retried finalize)', async () => {
    const inv = await openInvoice();
    const first = await fx.api('POST', `/v1/invoices/${inv.id}/void`, { reason: 'billed by mistake' });
    expect([first.status, first.body.status]).toEqual([200, 'void']);
    const again = await fx.api('POST', `/v1/invoices/${inv.number}/void`, { reason: 'billed by mistake' });
    expect([again.status, again.body.status, again.body.voided_at, again.body.void_reason]).toEqual([200, 'void', first.body.voided_at, 'billed by mistake']);
    expect(again.body).toEqual(first.body);
    expect(await auditCount('invoice.void')).toBe(1);
    const finalizeAgain = await fx.api('POST', `/v1/invoices/${inv.id}/finalize`, {});
    expect([finalizeAgain.status, finalizeAgain.body.status]).toEqual([200, 'void']);
    expect(await auditCount('invoice.finalize')).toBe(0);
    expect((await fx.api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('refuses an overpayment saying what was asked, not that it was paid', async () => {
    const inv = await openInvoice();
    const res = await fx.api('POST', `/v1/invoices/${inv.id}/payments`, { amount: '999999', method: 'card' });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('validation_failed');
    expect(res.body.error.message).toBe(`A payment of 9999.99 USD is more than the 19.83 USD outstanding on invoice ${inv.number}.`);
    expect(res.body.error.details).toEqual({ issues: [{ path: ['amount'], message: 'at most 19.83 USD' }], outstanding: '1983', asset: 'USD' });
  });
});

/**
 * Invoices with nothing to bill. By default (as Lago) a period whose invoice totals 0 is finalized
 * like any other, with a number and a PDF. With `finalize_zero_amount_invoices: false` it is closed
 * instead: status `closed`, no number (the next real invoice takes the next number, so the
 * sequence has no gap and no empty invoices), no PDF, no `invoice.finalized` webhook; nothing can
 * be paid, voided or credited on it, and its period is finalized all the same (late events refused).
 * Found by a reviewer: two $0 invoices, one without any line, had used up numbers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { advanceBilling, type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

async function setUp(finalizeZero: boolean | undefined) {
  clock = new ManualClock(Date.parse('2026-04-01T00:00:00Z'));
  fx = await startApi({ clock });
  const { api } = fx;
  expect((await api('PATCH', '/v1/settings', { grace_period_hours: 0, ...(finalizeZero === undefined ? {} : { finalize_zero_amount_invoices: finalizeZero }) })).status).toBe(200);
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/customers', { external_id: 'c', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
  await api('POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
  await api('POST', '/v1/plans', { code: 'p', name: 'P', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
  await api('POST', '/v1/subscriptions', { customer: 'c', plan: 'p' });
  expect((await api('POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hook', event_types: ['invoice.finalized'] })).status).toBe(201);
  return api;
}
const invoices = async () => (await fx.api('GET', '/v1/invoices?customer=c&order=asc')).body.data;

describe('invoices with nothing to bill', () => {
  it('are finalized and numbered by default, as in Lago', async () => {
    const api = await setUp(undefined);
    expect((await api('GET', '/v1/settings')).body.finalize_zero_amount_invoices).toBe(true);
    await advanceBilling(fx.engine, clock, '2026-05-01T01:00:00Z'); // April: no usage
    const [april] = await invoices();
    expect(april).toMatchObject({ status: 'paid', total: '0' });
    expect(april.number).toMatch(/-000001$/);
  });

  it('are closed without a number, a PDF or a webhook when the operator says so; the next invoice takes the next number', async () => {
    const api = await setUp(false);
    await advanceBilling(fx.engine, clock, '2026-05-01T01:00:00Z'); // April: no usage
    await api('POST', '/v1/events', { transaction_id: 'm1', customer: 'c', code: 'calls' });
    await advanceBilling(fx.engine, clock, '2026-06-01T01:00:00Z'); // May: one call
    const [april, may] = await invoices();
    expect(april).toMatchObject({ status: 'closed', number: null, total: '0', amount_due: '0', allowed_actions: [] });
    expect(may).toMatchObject({ status: 'open', total: '100' });
    expect(may.number).toMatch(/-000001$/); // no number went to April
    // Nothing to download, pay, void or credit on it, each said in words.
    for (const [method, path, body] of [
      ['GET', `/v1/invoices/${april.id}/document`, undefined],
      ['POST', `/v1/invoices/${april.id}/void`, { reason: 'x' }],
      ['POST', `/v1/invoices/${april.id}/payments`, { amount: '1', method: 'bank_transfer' }],
      ['POST', `/v1/invoices/${april.id}/credit-notes`, { reason: 'other', settlement: 'credit' }],
    ] as const) {
      const r = await api(method, path, body);
      expect([path, r.status, r.body.error.code]).toEqual([path, 409, 'invalid_state']);
      expect(r.body.error.message).toContain('closed with nothing to bill');
    }
    // Its period is final: a late event for April is refused.
    const late = await api('POST', '/v1/events', { transaction_id: 'late', customer: 'c', code: 'calls', timestamp: '2026-04-15T00:00:00Z' });
    expect([late.status, late.body.error.code]).toEqual([422, 'period_closed']);
    // Only May's invoice went to the webhook outbox, and only it has a PDF.
    const deliveries = (await api('GET', '/v1/webhook-deliveries?limit=50')).body.data.filter((d: any) => d.type === 'invoice.finalized');
    expect(deliveries.map((d: any) => JSON.stringify(d.body).includes(may.id))).toEqual([true]);
    expect((await api('GET', `/v1/invoices/${may.id}/document`)).status).toBe(200);
    // An export writes May's PDF and lists April in its CSV, without a number.
    const folder = (await api('POST', '/v1/exports/invoices', { formats: ['pdf', 'csv'] })).body;
    expect(folder.files.filter((f: string) => f.endsWith('.pdf')).length).toBe(1);
    // The filter finds it by its status.
    expect((await api('GET', '/v1/invoices?customer=c&status=closed')).body.data.map((i: any) => i.id)).toEqual([april.id]);
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });
});

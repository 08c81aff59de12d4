/**
 * The operator audit log: every change outside the ingest path writes exactly one row in the same
 * transaction, with the right actor (key id and name), door, remote address, request id, target,
 * before and after; a refused call and an idempotent replay write none; the list filters and the
 * CSV export; and every writing operation of the contract is either audited or on the ingest path.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_LIST, type OperationId } from '../../shared/contract/operations';
import { AUDITED, INGEST_PATH, NOT_CHANGES } from '../../src-main/engine/audit-actions';
import { ManualClock } from '../../src-main/engine/clock';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
let clock: ManualClock;
let alice: { id: string; key: string };
/** Each audited call made: the action it should log and the request id it was sent with. */
const made: { action: string; requestId: string; target?: string }[] = [];
let seq = 0;

async function as(method: string, path: string, body?: unknown, expectStatus?: number) {
  const requestId = `req-${++seq}`;
  const res = await fx.api(method, path, body, { authorization: `Bearer ${alice.key}`, 'x-request-id': requestId });
  if (expectStatus !== undefined) expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(expectStatus);
  return { ...res, requestId };
}
/** An audited call: it must succeed, and the log must show `action` for its request id. */
async function act(action: string, method: string, path: string, body?: unknown) {
  const res = await as(method, path, body);
  expect(res.status, `${action}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  made.push({ action, requestId: res.requestId });
  return res.body;
}

async function allAudit(): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await fx.api('GET', `/v1/audit-log?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.status).toBe(200);
    out.push(...res.body.data);
    cursor = res.body.next_cursor;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  clock = new ManualClock(Date.parse('2026-04-01T00:00:00Z'));
  fx = await startApi({ clock });
  const created = await fx.api('POST', '/v1/api-keys', { name: 'Alice (ops)', scopes: ['admin'] });
  alice = { id: created.body.id, key: created.body.key };

  await act('settings.update', 'PATCH', '/v1/settings', { grace_period_hours: 24, company: { legal_name: 'Demo SAS' } });
  await act('asset.create', 'POST', '/v1/assets', { code: 'USD' });
  await act('asset.create', 'POST', '/v1/assets', { code: 'TOKENS', kind: 'custom', scale: 0, name: 'Tokens' });
  await act('asset.rate_add', 'POST', '/v1/assets/TOKENS/rates', { currency: 'USD', rate: '0.0001' });
  const hook = await act('webhook_endpoint.create', 'POST', '/v1/webhook-endpoints', { url: 'http://127.0.0.1:9/hook', event_types: ['*'] });
  await act('customer.create', 'POST', '/v1/customers', { external_id: 'acme', name: 'Acme', email: 'ops@acme.test' });
  await act('customer.update', 'PATCH', '/v1/customers/acme', { name: 'Acme Inc' });
  const paid = await act('top_up.create', 'POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '10000', idempotency_key: 'tu-1' });
  // A replay of the same top-up answers 200 and writes no second row.
  const replay = await as('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '10000', idempotency_key: 'tu-1' }, 200);
  made.push({ action: 'none', requestId: replay.requestId });
  const pending = await act('top_up.create', 'POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '500', status: 'pending' });
  await act('top_up.confirm', 'POST', `/v1/top-ups/${pending.id}/confirm`, {});
  const pending2 = await act('top_up.create', 'POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '700', status: 'pending' });
  await act('top_up.fail', 'POST', `/v1/top-ups/${pending2.id}/fail`, {});
  await act('top_up.refund', 'POST', `/v1/top-ups/${paid.id}/refund`, { amount: '1000', reason: 'goodwill' });
  await act('top_up.chargeback', 'POST', `/v1/top-ups/${pending.id}/reverse`, { reason: 'card dispute' });
  await act('adjustment.create', 'POST', '/v1/customers/acme/adjustments', { asset: 'USD', amount: '-250', reason: 'manual correction', idempotency_key: 'adj-1' });

  await act('metric.create', 'POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
  await act('plan.create', 'POST', '/v1/plans', { code: 'p', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '3000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
  await act('plan.create', 'POST', '/v1/plans', { code: 'p', name: 'Pro v2', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '3000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '2' } }] });
  const sub = await act('subscription.create', 'POST', '/v1/subscriptions', { customer: 'acme', plan: 'p' });
  await act('plan.create', 'POST', '/v1/plans', { code: 'q', name: 'Team', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '4000' } });
  await act('subscription.update', 'PATCH', `/v1/subscriptions/${sub.id}`, { plan: 'q', timing: 'period_end' });
  await act('coupon.create', 'POST', '/v1/coupons', { code: 'WELCOME', kind: 'percentage', percentage: '10', frequency: 'once' });
  await act('coupon.apply', 'POST', '/v1/customers/acme/coupons', { coupon: 'WELCOME' });
  await act('coupon.remove', 'DELETE', '/v1/customers/acme/coupons/WELCOME');
  // Removing it again answers the removed coupon and changes nothing: no second row.
  const removedAgain = await as('DELETE', '/v1/customers/acme/coupons/WELCOME', undefined, 200);
  made.push({ action: 'none', requestId: removedAgain.requestId });
  await fx.api('POST', '/v1/events', { transaction_id: 'e1', customer: 'acme', code: 'calls' });
  await act('event.reverse', 'POST', '/v1/events/e1/reverse', { customer: 'acme', reason: 'test call' });
  const rule = await act('alert_rule.create', 'POST', '/v1/alerts', { customer: 'acme', kind: 'balance', asset: 'USD', threshold: '100' });
  await act('alert_rule.delete', 'DELETE', `/v1/alerts/${rule.id}`);
  const auto = await act('auto_top_up.set', 'POST', '/v1/auto-top-ups', { customer: 'acme', asset: 'USD', threshold: '100', mode: 'fixed', amount: '5000' });
  await act('auto_top_up.update', 'PATCH', `/v1/auto-top-ups/${auto.id}`, { enabled: false });
  await act('webhook_endpoint.update', 'PATCH', `/v1/webhook-endpoints/${hook.id}`, { description: 'ops hook' });
  const delivery = (await fx.api('GET', '/v1/webhook-deliveries')).body.data[0];
  await act('webhook_delivery.replay', 'POST', `/v1/webhook-deliveries/${delivery.id}/replay`, {});
  await act('webhook_endpoint.delete', 'DELETE', `/v1/webhook-endpoints/${hook.id}`);

  // A postpaid customer whose first period ends: draft, finalize, void, reissue, pay, credit.
  await act('customer.create', 'POST', '/v1/customers', { external_id: 'beta', billing_mode: 'postpaid' });
  await act('subscription.create', 'POST', '/v1/subscriptions', { customer: 'beta', plan: 'p' });
  clock.set(Date.parse('2026-05-01T00:00:10Z'));
  await fx.engine.runBilling();
  const draft = (await fx.api('GET', '/v1/invoices?customer=beta')).body.data[0];
  await act('invoice.finalize', 'POST', `/v1/invoices/${draft.id}/finalize`, {});
  await act('invoice.void', 'POST', `/v1/invoices/${draft.id}/void`, { reason: 'wrong fee' });
  const reissued = await act('invoice.reissue', 'POST', `/v1/invoices/${draft.id}/reissue`, {});
  await act('invoice.finalize', 'POST', `/v1/invoices/${reissued.id}/finalize`, {});
  await act('invoice.payment', 'POST', `/v1/invoices/${reissued.id}/payments`, { amount: '1000', method: 'bank_transfer' });
  await act('credit_note.create', 'POST', `/v1/invoices/${reissued.id}/credit-notes`, { reason: 'other', settlement: 'credit', lines: [{ line_id: (await fx.api('GET', `/v1/invoices/${reissued.id}`)).body.lines[0].id, amount: '500' }] });
  await act('top_up.create', 'POST', '/v1/customers/beta/top-ups', { asset: 'USD', amount: '5000' });
  await act('invoice.settle_from_credit', 'POST', `/v1/invoices/${reissued.id}/settle-from-credit`, {});
  await act('billing_run.start', 'POST', '/v1/billing-runs', {});
  await act('invoices.export', 'POST', '/v1/exports/invoices', { formats: ['csv'], folder: mkdtempSync(join(tmpdir(), 'tg-audit-export-')) });
  await act('backup.create', 'POST', '/v1/backups', {});
  await act('backup.settings_update', 'PATCH', '/v1/backups/settings', { keep: 5 });
  await act('export.full', 'POST', '/v1/exports/full', { folder: join(mkdtempSync(join(tmpdir(), 'tg-audit-full-')), 'out') });

  const bob = await act('api_key.create', 'POST', '/v1/api-keys', { name: 'Bob', scopes: ['read'] });
  await act('api_key.update', 'PATCH', `/v1/api-keys/${bob.id}`, { rate_limit: { per_second: 10 } });
  await act('api_key.rotate', 'POST', `/v1/api-keys/${bob.id}/rotate`, { grace_seconds: 60 });
  await act('api_key.revoke', 'POST', `/v1/api-keys/${bob.id}/revoke`, {});
  await act('customer.create', 'POST', '/v1/customers', { external_id: 'gamma' });
  await act('customer.close', 'POST', '/v1/customers/gamma/close', { reason: 'left' });
  await act('customer.create', 'POST', '/v1/customers', { external_id: 'delta', name: 'Delta Person' });
  await act('customer.erase', 'POST', '/v1/customers/delta/erase', { reason: 'GDPR request #12' });
  await act('customer.export', 'GET', '/v1/customers/acme/export');
  await act('subscription.terminate', 'POST', `/v1/subscriptions/${sub.id}/terminate`, {});
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

describe('the audit log', () => {
  it('has exactly one row per audited action, with the actor, door, address and request id', async () => {
    const rows = await allAudit();
    const byRequest = new Map<string, any[]>();
    for (const r of rows) byRequest.set(r.request_id, [...(byRequest.get(r.request_id) ?? []), r]);
    for (const m of made) {
      const mine = byRequest.get(m.requestId) ?? [];
      if (m.action === 'none') {
        expect(mine, `a replay (${m.requestId}) writes nothing`).toHaveLength(0);
        continue;
      }
      expect(mine.map((r) => r.action), `request ${m.requestId}`).toEqual([m.action]);
      const row = mine[0];
      expect(row.actor).toEqual({ kind: 'key', id: alice.id, name: 'Alice (ops)' });
      expect(row.door).toBe('http');
      expect(row.remote_address).toMatch(/127\.0\.0\.1/);
    }
    // Every audited operation of the contract was exercised (import has its own test; its dry run writes nothing).
    const actions = new Set(made.map((m) => m.action));
    for (const [id, spec] of Object.entries(AUDITED)) if (id !== 'createImport') expect(actions.has(spec!.action), `${id} (${spec!.action}) exercised`).toBe(true);
  });

  it('records before and after for edits, reasons, targets and the customer, never secrets', async () => {
    const rows = await allAudit();
    const update = rows.find((r) => r.action === 'customer.update');
    expect(update.before.name).toBe('Acme');
    expect(update.after.name).toBe('Acme Inc');
    expect(update.target).toBe('customer:acme');
    expect(update.customer).toBe('acme');
    const voided = rows.find((r) => r.action === 'invoice.void');
    expect(voided.reason).toBe('wrong fee');
    expect(voided.before.status).toBe('finalized');
    expect(voided.after.status).toBe('void');
    const created = rows.find((r) => r.action === 'api_key.create');
    expect(created.after.key).toBe('[secret]');
    const rotated = rows.find((r) => r.action === 'api_key.rotate');
    expect(JSON.stringify(rotated.after)).not.toMatch(/tg_[a-z0-9]+_[A-Za-z0-9_-]{16,}/);
    const hook = rows.find((r) => r.action === 'webhook_endpoint.create');
    expect(hook.after.secret).toBe('[secret]');
  });

  it('writes nothing for a refused change', async () => {
    const before = (await allAudit()).length;
    const res = await as('POST', '/v1/customers/acme/top-ups', { asset: 'NOPE', amount: '1' });
    expect(res.status).toBe(404);
    const res2 = await as('POST', '/v1/invoices/inv_missing/finalize', {});
    expect(res2.status).toBe(404);
    expect((await allAudit()).length).toBe(before);
  });

  it('filters by action prefix, actor and customer, and pages', async () => {
    const invoiceRows = (await fx.api('GET', '/v1/audit-log?action=invoice.&limit=500')).body.data;
    expect(invoiceRows.length).toBe(made.filter((m) => m.action.startsWith('invoice.')).length);
    expect(invoiceRows.every((r: any) => r.action.startsWith('invoice.'))).toBe(true);
    const acme = (await fx.api('GET', '/v1/audit-log?customer=acme&limit=500')).body.data;
    expect(acme.length).toBeGreaterThan(5);
    expect(acme.every((r: any) => r.customer === 'acme')).toBe(true);
    const byAlice = (await fx.api('GET', `/v1/audit-log?actor=${alice.id}&limit=500`)).body.data;
    expect(byAlice.length).toBe(made.filter((m) => m.action !== 'none').length);
    const first = (await fx.api('GET', '/v1/audit-log?limit=2')).body;
    const second = (await fx.api('GET', `/v1/audit-log?limit=2&cursor=${first.next_cursor}`)).body;
    expect(Number(second.data[0].id)).toBeLessThan(Number(first.data[1].id));
  });

  it('exports CSV that a spreadsheet cannot execute', async () => {
    await act('customer.create', 'POST', '/v1/customers', { external_id: 'csv-test', name: '=HYPERLINK("http://evil")' });
    const res = await fetch(`${fx.url}/v1/audit-log.csv?action=customer.create`, { headers: { authorization: `Bearer ${alice.key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await res.text();
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toBe('id,at,actor_kind,actor_id,actor_name,door,remote_address,request_id,action,target,customer,reason,before,after');
    expect(lines.length - 1).toBe(made.filter((m) => m.action === 'customer.create').length);
    expect(text).not.toMatch(/(^|,)=HYPERLINK/m);
    // A read key cannot read the audit log.
    const reader = (await fx.api('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] })).body.key;
    expect((await fx.api('GET', '/v1/audit-log', undefined, { authorization: `Bearer ${reader}` })).status).toBe(403);
  });

  it('covers every writing operation of the contract', () => {
    for (const op of OPERATION_LIST) {
      const id = op.id as OperationId;
      if (op.method === 'GET') continue;
      const covered = AUDITED[id] !== undefined || INGEST_PATH.has(id) || NOT_CHANGES.has(id);
      expect(covered, `${id} is audited, on the ingest path, or changes nothing`).toBe(true);
    }
  });
});

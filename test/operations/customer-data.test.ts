/**
 * Customers' data: closing settles everything (subscription terminated, holds voided, pending
 * top-ups expired, paid credit refunded, grants to breakage) and refuses new business; erasure
 * removes every personal value from every table (scanned column by column), from the full export
 * and from the database file itself, keeps finalized invoices for the legal retention and then
 * redacts them too, and the ledger check passes throughout; the subject access export holds
 * everything about one customer.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine, tempDir } from '../helpers/harness';

let fx: EngineFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const PERSONAL = {
  external_id: 'jane-doe-4242',
  name: 'Jane Doe',
  email: 'jane@example.org',
  legal_name: 'Jane Doe Consulting Ltd',
  address: ['12 Rosebud Lane', 'Springfield SP1 4AA'],
  tax_id: 'GB123456789',
  invoice_emails: ['invoices@jane-consulting.example'],
  phone: '+44 7700 900123',
  user_email: 'jane.user@example.org',
  prompt: 'my private diagnosis is',
};
const NEEDLES = [PERSONAL.external_id, PERSONAL.name, PERSONAL.email, PERSONAL.legal_name, ...PERSONAL.address, PERSONAL.tax_id, ...PERSONAL.invoice_emails, PERSONAL.phone, PERSONAL.user_email, PERSONAL.prompt];

/** Every value of every column of every table that mentions a personal string, as `table.column`. */
function findPersonal(fxe: EngineFixture, opts: { skipRetained: boolean }): string[] {
  const db = fxe.engine.db;
  const hits: string[] = [];
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
  for (const table of tables) {
    const retainedCol = ['invoices', 'receipts', 'credit_notes'].includes(table);
    for (const row of db.prepare(`SELECT * FROM ${table}`).all() as Record<string, unknown>[]) {
      if (opts.skipRetained && retainedCol && row.erase_after !== null) continue;
      for (const [col, v] of Object.entries(row)) {
        if (v === null || typeof v === 'number' || typeof v === 'bigint') continue;
        const text = Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
        for (const n of NEEDLES) if (text.includes(n)) hits.push(`${table}.${col}: ${n}`);
      }
    }
  }
  return hits;
}

function filesMentioning(folder: string): string[] {
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const text = readFileSync(p).toString('latin1');
        for (const n of NEEDLES) if (text.includes(n)) hits.push(`${p}: ${n}`);
      }
    }
  };
  walk(folder);
  return hits;
}

async function setup() {
  clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
  fx = openEngine({ clock });
  await fx.op('updateSettings', { grace_period_hours: 1, personal_event_properties: ['user_email', 'prompt'], company: { legal_name: 'Seller SAS' } });
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createWebhookEndpoint', { url: 'http://127.0.0.1:9/hook', event_types: ['*'] });
  await fx.op('createCustomer', {
    external_id: PERSONAL.external_id,
    name: PERSONAL.name,
    email: PERSONAL.email,
    legal_name: PERSONAL.legal_name,
    address: PERSONAL.address,
    country: 'GB',
    tax_id: PERSONAL.tax_id,
    invoice_emails: PERSONAL.invoice_emails,
    metadata: { phone: PERSONAL.phone },
  });
  await fx.op('updateCustomer', { external_id: PERSONAL.external_id, name: PERSONAL.name, email: PERSONAL.email });
  const paid = await fx.op<any>('createTopUp', { external_id: PERSONAL.external_id, asset: 'USD', amount: '50000', reference: `card of ${PERSONAL.name}`, metadata: { contact: PERSONAL.email } });
  await fx.op('createTopUp', { external_id: PERSONAL.external_id, asset: 'USD', amount: '1000', kind: 'granted' });
  await fx.op('createTopUp', { external_id: PERSONAL.external_id, asset: 'USD', amount: '700', status: 'pending' });
  await fx.op('createAdjustment', { external_id: PERSONAL.external_id, asset: 'USD', amount: '-100', reason: `correction for ${PERSONAL.name}`, idempotency_key: 'adj-j' });
  await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
  await fx.op('createMetric', { code: 'users', aggregation: 'unique_count', event_type: 'calls', property: 'user_email' });
  await fx.op('createPlan', {
    code: 'p',
    name: 'Pro',
    interval: 'monthly',
    fixed_fee: { asset: 'USD', amount: '2000', pay_in_advance: true },
    charges: [
      { metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '100' } },
      { metric: 'users', asset: 'USD', model: 'standard', properties: { unit_price: '10' } },
    ],
  });
  await fx.op('createSubscription', { customer: PERSONAL.external_id, plan: 'p', external_id: `sub-${PERSONAL.external_id}` });
  await fx.op('createAlertRule', { customer: PERSONAL.external_id, kind: 'balance', asset: 'USD', threshold: '1000000' });
  for (let i = 0; i < 3; i++) {
    await fx.op('ingestEvent', { transaction_id: `ev-${i}`, customer: PERSONAL.external_id, code: 'calls', properties: { user_email: PERSONAL.user_email, prompt: PERSONAL.prompt, model: 'o3' } });
  }
  // A refused event: its sample body carries the prompt.
  await expect(fx.op('ingestEvent', { transaction_id: 'ev-future', customer: PERSONAL.external_id, code: 'calls', timestamp: '2027-01-01T00:00:00Z', properties: { prompt: PERSONAL.prompt } })).rejects.toMatchObject({ code: 'timestamp_in_future' });
  await fx.engine.flushRefusals();
  // The March period ends; its invoice finalizes after the grace hour.
  clock.set(Date.parse('2026-04-01T00:00:01Z'));
  await fx.engine.runBilling();
  clock.set(Date.parse('2026-04-01T02:00:00Z'));
  await fx.engine.runBilling();
  const invoices = (await fx.op<any>('listInvoices', { customer: PERSONAL.external_id })).data;
  expect(invoices.some((i: any) => i.status === 'finalized' || i.status === 'paid')).toBe(true);
  await fx.op('createAuthorization', { customer: PERSONAL.external_id, asset: 'USD', amount: '300' });
  // Promotional credit granted this month, still unused (it comes before paid credit, so give it a later priority).
  await fx.op('createTopUp', { external_id: PERSONAL.external_id, asset: 'USD', amount: '500', kind: 'granted', priority: 90 });
  return { paid };
}

describe('closing a customer', () => {
  it('terminates, voids, expires, refunds paid credit, breaks grants, then refuses new business', async () => {
    await setup();
    const before = (await fx.op<any>('getBalances', { external_id: PERSONAL.external_id })).balances[0];
    expect(BigInt(before.posted)).toBeGreaterThan(0n);
    const closed = await fx.op<any>('closeCustomer', { external_id: PERSONAL.external_id, reason: 'account closed at request' });
    expect(closed).toMatchObject({ status: 'closed', subscriptions_terminated: 1, holds_voided: 1, top_ups_expired: 1 });
    const refunded = BigInt(closed.refunded[0]?.amount ?? '0');
    const broken = BigInt(closed.breakage[0]?.amount ?? '0');
    expect(refunded).toBeGreaterThan(0n);
    expect(broken).toBeGreaterThan(0n);
    const after = (await fx.op<any>('getBalances', { external_id: PERSONAL.external_id })).balances[0];
    expect(after.posted).toBe('0');
    expect(after.pending).toBe('0');
    expect(fx.engine.verify().ok).toBe(true);
    await expect(fx.op('ingestEvent', { transaction_id: 'new', customer: PERSONAL.external_id, code: 'calls' })).rejects.toMatchObject({ code: 'customer_closed' });
    await expect(fx.op('createAuthorization', { customer: PERSONAL.external_id, asset: 'USD', amount: '1' })).rejects.toMatchObject({ code: 'customer_closed' });
    await expect(fx.op('createTopUp', { external_id: PERSONAL.external_id, asset: 'USD', amount: '1' })).rejects.toMatchObject({ code: 'customer_closed' });
    // A retry of an event recorded before the close still answers its original result.
    const replay = await fx.op<any>('ingestEvent', { transaction_id: 'ev-0', customer: PERSONAL.external_id, code: 'calls', properties: { user_email: PERSONAL.user_email, prompt: PERSONAL.prompt, model: 'o3' } });
    expect(replay.status).toBe('accepted');
    // Closing again changes nothing.
    const again = await fx.op<any>('closeCustomer', { external_id: PERSONAL.external_id, reason: 'again' });
    expect(again).toMatchObject({ status: 'closed', holds_voided: 0, refunded: [], breakage: [] });
    // Closed customers still list (by default, unlike archived ones).
    expect((await fx.op<any>('listCustomers', {})).data.map((c: any) => c.status)).toEqual(['closed']);
    await fx.op('createCustomer', { external_id: 'old' });
    await fx.op('updateCustomer', { external_id: 'old', status: 'archived' });
    expect((await fx.op<any>('listCustomers', {})).data.map((c: any) => c.external_id)).toEqual([PERSONAL.external_id]);
    expect((await fx.op<any>('listCustomers', { status: 'all' })).data).toHaveLength(2);
  });

  it('keeps paid credit as breakage when asked to', async () => {
    await setup();
    const closed = await fx.op<any>('closeCustomer', { external_id: PERSONAL.external_id, reason: 'terms breach', settle: 'breakage' });
    expect(closed.refunded).toEqual([]);
    expect(BigInt(closed.breakage[0].amount)).toBeGreaterThan(0n);
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('erasing a customer', () => {
  it('removes personal data from every table but the retained invoices, then from those after the retention', async () => {
    await setup();
    expect(findPersonal(fx, { skipRetained: false }).length).toBeGreaterThan(10); // the scan sees them before

    const erased = await fx.op<any>('eraseCustomer', { external_id: PERSONAL.external_id, reason: 'GDPR art. 17 request' });
    expect(erased.tombstone).toMatch(/^erased_[0-9a-f]{16}$/);
    expect(erased.invoices_retained).toBeGreaterThan(0);
    expect(erased.events_redacted).toBeGreaterThan(0);
    expect(fx.engine.verify().ok).toBe(true);

    expect(findPersonal(fx, { skipRetained: true })).toEqual([]);
    // Events keep their usage but lose the personal properties.
    const events = (await fx.op<any>('listEvents', { customer: erased.tombstone })).data;
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.properties).not.toHaveProperty('user_email');
      expect(e.properties).not.toHaveProperty('prompt');
    }
    expect(events.some((e: any) => e.properties.model === 'o3')).toBe(true);
    // The old external id is gone; the tombstone is closed.
    await expect(fx.op('getCustomer', { external_id: PERSONAL.external_id })).rejects.toMatchObject({ code: 'customer_not_found' });
    const c = await fx.op<any>('getCustomer', { external_id: erased.tombstone });
    expect(c).toMatchObject({ status: 'closed', name: null, email: null, legal_name: null, address: [], tax_id: null, metadata: {} });
    expect(c.erased_at).not.toBeNull();
    await expect(fx.op('eraseCustomer', { external_id: erased.tombstone, reason: 'twice' })).rejects.toMatchObject({ code: 'invalid_state' });

    // Ten years and a day later, the retention sweep redacts the documents too.
    clock.set(Date.parse('2036-04-03T00:00:00Z'));
    await fx.engine.sweep();
    expect(findPersonal(fx, { skipRetained: false })).toEqual([]);
    expect(fx.engine.verify().ok).toBe(true);

    // Nothing in the full export, and nothing left in the database file's free pages or WAL.
    const folder = join(tempDir('tg-erase-export-'), 'export');
    await fx.op('createFullExport', { folder });
    expect(filesMentioning(folder)).toEqual([]);
    fx.engine.db.pragma('wal_checkpoint(TRUNCATE)');
    const raw = readFileSync(join(fx.dataDir, 'tollgate.db')).toString('latin1');
    expect(NEEDLES.filter((n) => raw.includes(n))).toEqual([]);
  });

  it('exports everything about a customer for a subject access request', async () => {
    await setup();
    const data = await fx.op<any>('exportCustomerData', { external_id: PERSONAL.external_id });
    expect(data.customer).toMatchObject({ external_id: PERSONAL.external_id, name: PERSONAL.name, email: PERSONAL.email });
    expect(data.events.length).toBe(3);
    expect(data.events[0].properties.prompt).toBe(PERSONAL.prompt);
    expect(data.top_ups.length).toBe(4);
    expect(data.adjustments).toHaveLength(1);
    expect(data.authorizations).toHaveLength(1);
    expect(data.subscriptions).toHaveLength(1);
    expect(data.invoices.length).toBeGreaterThan(0);
    expect(data.transfers.length).toBeGreaterThan(5);
    expect(data.alerts.length).toBeGreaterThan(0);
    expect(data.balances.balances[0].asset).toBe('USD');
    expect(JSON.parse(JSON.stringify(data))).toEqual(data); // plain JSON
  });
});

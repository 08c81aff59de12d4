/**
 * Proves that a Lago export (fixtures/lago: organization, billable metrics, plans with graduated,
 * volume and package charges and charge filters, customers, subscriptions, wallets with paid and
 * granted credit, current usage, invoices) imports over HTTP (POST /v1/imports) and that:
 * - the customers' balances match Lago's (the ongoing balance, split into paid and granted lots,
 *   with the wallet's priority and expiry), as ledger transfers, with the ledger check passing;
 * - the plans price as Lago prices them (quoted through POST /v1/quotes), continuing the volume and
 *   graduated tiers from the current period's usage carried over;
 * - the next invoice number continues Lago's per-organization sequence;
 * - rows that have nothing to import (terminated, unique counts without values) are reported as
 *   skipped, with file and line;
 * - a dry run writes nothing, and a second import is a no-op (the ledger digest is unchanged).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { ledgerDigest, type ServerFixture, startApi } from '../helpers/harness';

const LAGO = join(import.meta.dirname, 'fixtures', 'lago');
const at = (s: string) => Date.parse(s);

let fx: ServerFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

async function start() {
  clock = new ManualClock(at('2026-11-20T12:00:00Z'));
  fx = await startApi({ clock });
}

const quote = async (customer: string, metric: string, quantity: string, properties?: Record<string, unknown>) => {
  const res = await fx.api('POST', '/v1/quotes', { customer, metric, quantity, ...(properties ? { properties } : {}) });
  expect(res.status).toBe(200);
  return res.body.amount as string;
};

describe('import from Lago', () => {
  it('imports customers, plans, subscriptions, wallets and usage; balances, prices and invoice numbers match Lago', async () => {
    await start();
    const res = await fx.api('POST', '/v1/imports', { folder: LAGO });
    expect(res.status).toBe(200);
    const report = res.body;
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ source: 'lago', ok: true, dry_run: false, ledger: { ok: true, problems: 0 } });
    const byKind = Object.fromEntries(report.files.map((f: any) => [f.kind, f]));
    expect(byKind.customers).toMatchObject({ status: 'imported', created: 3 });
    expect(byKind.plans).toMatchObject({ status: 'imported', created: 2 });
    expect(byKind.metrics).toMatchObject({ status: 'imported', created: 4 });
    expect(byKind.subscriptions).toMatchObject({ status: 'imported', created: 2 });
    expect(byKind.subscriptions.skipped).toEqual([{ file: 'subscriptions.jsonl', line: 3, key: 'sub_raviga', reason: 'status terminated: nothing left to bill' }]);
    expect(byKind.balances.skipped).toEqual([{ file: 'wallets.jsonl', line: 3, key: '3a11e700-aaaa-4b2c-9d3e-000000000003', reason: 'terminated wallet' }]);
    expect(byKind.usage.skipped).toHaveLength(1);
    expect(byKind.usage.skipped[0]).toMatchObject({ file: 'current_usage.jsonl', line: 1, key: 'sub_hooli_starter' });
    expect(byKind.usage.skipped[0].reason).toMatch(/seats: a unique count/);

    // Each imported customer has its own audit row, so its history says where it came from.
    const audit = (await fx.api('GET', '/v1/audit-log?customer=hooli_1234')).body.data;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'customer.create', target: 'customer:hooli_1234', customer: 'hooli_1234', door: 'http', actor: { kind: 'key' }, reason: 'imported from lago (customers.jsonl)', after: { external_id: 'hooli_1234', name: 'Hooli' } });
    const runs = (await fx.api('GET', '/v1/audit-log?action=import.run')).body.data;
    expect(runs).toHaveLength(1);
    expect((await fx.api('GET', '/v1/audit-log?action=customer.create')).body.data).toHaveLength(3);

    // Balances: Lago's ongoing balance ($242.50 for Hooli: $290 less the period's $47.50 of usage),
    // paid $200 and granted $100 in, $57.50 consumed, granted credit first.
    const hooli = (await fx.api('GET', '/v1/customers/hooli_1234/balances')).body.balances[0];
    expect(hooli).toMatchObject({ asset: 'USD', posted: '24250', available: '24250', debt: '0' });
    expect(hooli.lots.map((l: any) => [l.kind, l.remaining, l.priority, l.expires_at]).sort()).toEqual([
      ['granted', '4250', 50, null],
      ['paid', '20000', 50, null],
    ]);
    // Pied Piper: 100 credits at $0.50, priority 10, expiring with the wallet.
    const piper = (await fx.api('GET', '/v1/customers/pied_piper/balances')).body.balances[0];
    expect(piper).toMatchObject({ available: '5000' });
    expect(piper.lots).toEqual([expect.objectContaining({ kind: 'paid', remaining: '5000', priority: 10, expires_at: '2027-06-30T23:59:59.000Z' })]);
    // Every opening balance is a transfer from the funding or grants account.
    const transfers = (await fx.api('GET', '/v1/transfers?customer=hooli_1234')).body.data;
    expect(transfers.map((t: any) => [t.kind, t.debit_account, t.amount]).sort()).toEqual([
      ['grant', 'system:USD:grants', '4250'],
      ['top_up', 'system:USD:funding', '20000'],
    ]);

    // Customers and subscriptions keep their ids, start and period.
    const c = (await fx.api('GET', '/v1/customers/hooli_1234')).body;
    expect(c).toMatchObject({ name: 'Hooli', email: 'billing@hooli.test', invoice_emails: ['billing@hooli.test', 'finance@hooli.test'], legal_name: 'Hooli XYZ LLC', country: 'US', tax_id: 'US-94-1234567', address: ['5230 Newell Road', '94303 Palo Alto', 'CA'] });
    expect(c.metadata).toMatchObject({ segment: 'enterprise' });
    const sub = (await fx.api('GET', '/v1/subscriptions/sub_hooli_starter')).body;
    expect(sub).toMatchObject({ customer: 'hooli_1234', plan: 'starter', status: 'active', billing_time: 'calendar', started_at: '2026-03-14T09:30:00.000Z', current_period: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' } });
    const piperSub = (await fx.api('GET', '/v1/subscriptions/sub_pied_piper')).body;
    expect(piperSub).toMatchObject({ billing_time: 'anniversary', current_period: { start: '2026-11-10T00:00:00.000Z', end: '2026-12-10T00:00:00.000Z' } });

    // Plans: Lago's charges, one to one (standard `amount` is `unit_price`; filters are charges).
    const plan = (await fx.api('GET', '/v1/plans/starter')).body;
    expect(plan.fixed_fee).toEqual({ asset: 'USD', amount: '2900', pay_in_advance: true });
    expect(plan.charges.map((ch: any) => [ch.metric, ch.model, ch.filters])).toEqual([
      ['api_calls', 'standard', null],
      ['llm_tokens', 'graduated', null],
      ['llm_tokens', 'graduated', { model: ['o3'] }],
      ['storage_gb', 'package', null],
      ['seats', 'volume', null],
    ]);
    expect(plan.charges[0].properties).toEqual({ unit_price: '0.002' });
    const scale = (await fx.api('GET', '/v1/plans/scale')).body;
    expect(scale).toMatchObject({ interval: 'yearly', trial_days: 14, tax_rate: '7.25', minimum_commitment: { asset: 'USD', amount: '150000' }, fixed_fee: { amount: '120000', pay_in_advance: false } });
    expect(scale.charges[2].filters).toEqual({ model: ['gpt-4o', 'o3'] });

    // Prices, as Lago computes them, from the usage Lago reports for the period so far:
    // 1,000 calls at $0.002 = $2.00.
    expect(await quote('hooli_1234', 'api_calls', '1000')).toBe('200');
    // gpt-4o tokens: 1.1M used, so the next 100k are in the second tier ($0.000001): $0.10 (not $0.20).
    expect(await quote('hooli_1234', 'llm_tokens', '100000', { model: 'gpt-4o' })).toBe('10');
    // o3 tokens: 400k used; 700k more = 600k at $0.00001 + 100k at $0.000005 = $6.50.
    expect(await quote('hooli_1234', 'llm_tokens', '700000', { model: 'o3' })).toBe('650');
    // Pied Piper has no usage yet: 100k gpt-4o tokens are in the first tier: $0.20.
    expect(await quote('pied_piper', 'llm_tokens', '100000', { model: 'gpt-4o' })).toBe('20');

    // The next event continues the tier and debits only its own price.
    const ev = await fx.api('POST', '/v1/events', { transaction_id: 'after-import-1', customer: 'hooli_1234', code: 'llm_tokens', properties: { tokens: 100000, model: 'gpt-4o' } });
    expect(ev.status).toBe(201);
    expect(ev.body.debits).toEqual([expect.objectContaining({ asset: 'USD', amount: '10' })]);
    expect((await fx.api('GET', '/v1/customers/hooli_1234/balances')).body.balances[0].available).toBe('24240');

    // Settings: numbering continues Lago's per-organization sequence (HOO-7F3A-202611-042).
    const settings = (await fx.api('GET', '/v1/settings')).body;
    expect(settings).toMatchObject({ invoice_prefix: 'HOO-7F3A', grace_period_hours: 24, payment_terms_days: 30, default_currency: 'USD' });
    expect(fx.engine.store.getMeta('invoice_seq:HOO-7F3A:2026')).toBe('42');

    // The period closes on Dec 1st; after the grace day the invoice is finalized as number 43.
    clock.set(at('2026-12-01T00:00:00Z'));
    await fx.engine.runBilling();
    clock.set(at('2026-12-02T01:00:00Z'));
    await fx.engine.runBilling();
    const invoices = (await fx.api('GET', '/v1/invoices?customer=hooli_1234')).body.data;
    expect(invoices).toHaveLength(1);
    expect(invoices[0].number).toBe('HOO-7F3A-2026-000043');
    // The usage Lago already counted is not billed again: only the event after the import.
    const usageLines = invoices[0].lines.filter((l: any) => l.kind === 'usage');
    expect(usageLines.reduce((s: bigint, l: any) => s + BigInt(l.amount), 0n)).toBe(10n);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a dry run writes nothing; a second import changes nothing', async () => {
    await start();
    const empty = ledgerDigest(fx.engine);
    // The import itself, as every door runs it (the HTTP door adds an audit row per import run).
    const run = (dry_run = false) => fx.engine.portability.runImport({ folder: LAGO, dry_run });
    const dry = await run(true);
    expect(dry).toMatchObject({ ok: true, dry_run: true });
    expect(dry.files.every((f) => f.status === 'would_import')).toBe(true);
    expect(ledgerDigest(fx.engine)).toBe(empty);

    const first = await run();
    expect(first.ok).toBe(true);
    const digest = ledgerDigest(fx.engine);
    const second = await run();
    expect(second).toMatchObject({ ok: true });
    expect(second.files.every((f) => f.status === 'unchanged' && f.created === 0)).toBe(true);
    expect(ledgerDigest(fx.engine)).toBe(digest);
    // A dry run after the import also sees that nothing is left to do.
    expect((await run(true)).files.every((f) => f.created === 0 && f.unchanged > 0)).toBe(true);
    expect(ledgerDigest(fx.engine)).toBe(digest);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a customer with a currency that is no ISO 4217 code fails its own line, in the dry run and the real run alike', async () => {
    await start();
    // Found by a reviewer: XYZ went into the currencies the import creates first, that step failed
    // as a whole, and then every customer and plan failed for USD; the dry run had said otherwise.
    const folder = mkdtempSync(join(tmpdir(), 'lago-xyz-'));
    cpSync(LAGO, folder, { recursive: true });
    const lines = readFileSync(join(folder, 'customers.jsonl'), 'utf8').trimEnd().split('\n');
    const bad = { ...JSON.parse(lines[0]!), lago_id: 'c0ffee00-7777-4a2b-8c3d-0000000000ff', external_id: 'typo_co', currency: 'XYZ' };
    writeFileSync(join(folder, 'customers.jsonl'), [...lines, JSON.stringify(bad)].join('\n') + '\n');
    const run = async (dry_run: boolean) => (await fx.api('POST', '/v1/imports', { folder, dry_run })).body;
    const dry = await run(true);
    const real = await run(false);
    expect(dry.errors[0]).toEqual({ file: 'customers.jsonl', line: lines.length + 1, key: 'typo_co', reason: 'currency XYZ is not an ISO 4217 currency code' });
    // What depends on the customers file fails with it (it is refused as a whole), and the real run
    // reports exactly what the dry run said: nothing about the currencies or a missing USD.
    expect(real.errors).toEqual(dry.errors);
    expect(JSON.stringify(real.errors)).not.toMatch(/currencies|asset USD|currency USD/);
    // The currencies the other rows need are there, so the files that do not depend on the
    // failed one import, as the dry run said (the customers file, refused as a whole, is fixed and re-run).
    const statusOf = (r: any) => Object.fromEntries(r.files.map((f: any) => [f.kind, f.status]));
    expect(statusOf(real).assets).toBe('imported');
    expect(statusOf(real).metrics).toBe('imported');
    expect(statusOf(real).plans).toBe('imported');
    expect((await fx.api('GET', '/v1/assets')).body.data.map((a: any) => a.code)).toContain('USD');
    rmSync(folder, { recursive: true, force: true });
  });

  it('gives every imported customer the overdraft limit asked for, and says when none was (Lago never refuses usage)', async () => {
    // Found by a reviewer: after the move, every event of a customer without a Lago wallet was
    // refused (402), since Tollgate refuses usage beyond credit and an overdraft limit of 0.
    await start();
    const without = (await fx.api('POST', '/v1/imports', { folder: LAGO, dry_run: true })).body;
    expect(without.notes.join(' ')).toContain('3 customers imported with an overdraft limit of 0');
    const bad = await fx.api('POST', '/v1/imports', { folder: LAGO, overdraft_limit: '-5' });
    expect([bad.status, bad.body.error.code]).toEqual([422, 'validation_failed']);
    const report = (await fx.api('POST', '/v1/imports', { folder: LAGO, overdraft_limit: '500' })).body;
    expect(report.ok).toBe(true);
    expect(report.notes.join(' ')).not.toContain('overdraft limit of 0');
    for (const id of ['hooli_1234', 'pied_piper', 'raviga']) {
      expect((await fx.api('GET', `/v1/customers/${id}`)).body.overdraft_limits).toEqual([{ asset: 'USD', amount: '50000' }]);
    }
    // Raviga's subscription was terminated in Lago; a customer with no credit can now run up to $500.
    const hold = await fx.api('POST', '/v1/authorizations', { customer: 'raviga', asset: 'USD', amount: '40000' });
    expect(hold.status).toBe(201);
  });

  it('carries the invoice prefix over without an invoices file, and whether zero-amount invoices are issued', async () => {
    await start();
    const folder = mkdtempSync(join(tmpdir(), 'lago-noinv-'));
    cpSync(LAGO, folder, { recursive: true });
    rmSync(join(folder, 'invoices.jsonl'));
    const org = join(folder, 'organization.json');
    writeFileSync(org, readFileSync(org, 'utf8').replace('"finalize_zero_amount_invoice": true', '"finalize_zero_amount_invoice": false'));
    const report = (await fx.api('POST', '/v1/imports', { folder })).body;
    expect(report.ok).toBe(true);
    // Before: the prefix stayed TG unless invoices were given to continue a sequence from.
    expect((await fx.api('GET', '/v1/settings')).body).toMatchObject({ invoice_prefix: 'HOO-7F3A', finalize_zero_amount_invoices: false });
    rmSync(folder, { recursive: true, force: true });
  });
});

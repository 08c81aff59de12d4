/**
 * Proves the full export and the restore from it: a data dir with history (imported customers,
 * plans, subscriptions, opening balances and usage; top-ups, events, a pending authorization, an
 * adjustment, a closed period with a finalized invoice) is exported over HTTP (POST
 * /v1/exports/full: JSON lines per table with integers as strings, a manifest, CSV of transfers and
 * invoices), then `tollgate import <export> --data-dir <empty dir>` rebuilds it: every table equal
 * row for row, every balance reproduced exactly, the ledger check passing, invoice numbering
 * continuing. A restore refuses a non-empty data dir; an export refuses a non-empty folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import type { Engine } from '../../src-main/engine/engine';
import { moveCommand } from '../../src-main/engine/migration/commands';
import { restoreExport } from '../../src-main/engine/migration/full-export';
import { type EngineFixture, openEngine, type ServerFixture, startApi, tempDir } from '../helpers/harness';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'tollgate');
const at = (s: string) => Date.parse(s);

let fx: ServerFixture;
let restored: EngineFixture | undefined;
afterEach(async () => {
  await restored?.close();
  restored = undefined;
  await fx?.close();
});

/**
 * Every row of every table, but API keys (opening an engine may touch them) and the audit log
 * (the export's own audit row is written just after the export).
 */
function tablesDigest(engine: Engine): string {
  const h = createHash('sha256');
  for (const table of engine.store.tableNames()) {
    if (table === 'api_keys' || table === 'audit_log') continue;
    h.update(`#${table}\n`);
    for (const row of engine.store.iterateTable(table)) h.update(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v)) + '\n');
  }
  return h.digest('hex');
}

async function balancesOf(call: (id: string, input: Record<string, unknown>) => Promise<any>) {
  const out: Record<string, unknown> = {};
  for (const c of (await call('listCustomers', { limit: 500 })).data) {
    const b = await call('getBalances', { external_id: c.external_id });
    out[c.external_id] = b.balances.map((x: any) => ({ ...x, lots: x.lots.map((l: any) => ({ ...l })) }));
  }
  return out;
}

describe('full export and restore', () => {
  it('rebuilds a data dir elsewhere: every table, every balance, the ledger check', async () => {
    const clock = new ManualClock(at('2026-11-20T12:00:00Z'));
    fx = await startApi({ clock });
    expect((await fx.op('createImport', { folder: FIXTURE })).ok).toBe(true);
    await fx.op('createTopUp', { external_id: 'initech', asset: 'USD', amount: '2500', expires_at: '2027-03-01T00:00:00Z' });
    await fx.op('ingestEvent', { transaction_id: 'e1', customer: 'globex', code: 'requests' });
    await fx.op('ingestEvent', { transaction_id: 'e2', customer: 'initech', code: 'gpu_seconds', properties: { seconds: 120 } });
    await fx.op('createAdjustment', { external_id: 'umbrella', asset: 'USD', amount: '-250', reason: 'late fee', idempotency_key: 'adj-1' });
    // Globex's period ends Dec 1st; after the grace (12 h) its invoice is finalized: ACME-2026-000120.
    clock.set(at('2026-12-01T00:00:00Z'));
    await fx.engine.runBilling();
    clock.set(at('2026-12-01T13:00:00Z'));
    await fx.engine.runBilling();
    const invoices = (await fx.op('listInvoices', { customer: 'globex' })).data;
    expect(invoices.map((i: any) => i.number)).toEqual(['ACME-2026-000120']);
    // A hold still pending when the export is taken.
    const hold = await fx.op('createAuthorization', { customer: 'initech', asset: 'USD', amount: '300', idempotency_key: 'hold-1', ttl_seconds: 86_400 });
    expect(fx.engine.verify().ok).toBe(true);
    const before = await balancesOf(fx.op);
    await fx.engine.documents.renderPending(); // PDFs are rendered after their commit: let them land first

    const folder = join(tempDir('tollgate-export-'), 'full');
    const res = await fx.api('POST', '/v1/exports/full', { folder });
    expect(res.status).toBe(201);
    const digest = tablesDigest(fx.engine);
    expect(res.body).toMatchObject({ folder, format: 'tollgate-export' });
    expect(res.body.tables.find((t: any) => t.table === 'transfers').rows).toBeGreaterThan(5);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8'));
    expect(manifest.tables.map((t: any) => t.table)).toEqual(fx.engine.store.tableNames());
    // Integers are strings, never floats.
    const lot = JSON.parse(readFileSync(join(folder, 'lots.jsonl'), 'utf8').split('\n')[0]!);
    expect(typeof lot.amount).toBe('string');
    expect(typeof lot.id).toBe('string');
    const transfersCsv = readFileSync(join(folder, 'transfers.csv'), 'utf8').split('\r\n');
    expect(transfersCsv[0]).toBe('id,created_at,effective_at,asset,debit_account,credit_account,amount,phase,kind,lot_id,authorization_id,event_id,charge_id,period_id,ref,rate');
    expect(transfersCsv.length - 2).toBe(res.body.tables.find((t: any) => t.table === 'transfers').rows);
    expect(readFileSync(join(folder, 'invoices.csv'), 'utf8')).toContain('ACME-2026-000120');

    // An export never writes into a folder that holds something.
    const busy = await fx.api('POST', '/v1/exports/full', { folder });
    expect(busy.status).toBe(422);

    // Restore into an empty data dir, through the command line's import.
    const dataDir = join(tempDir('tollgate-restore-'), 'data');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await moveCommand('import', folder, { dataDir, dryRun: false });
    quiet.mockRestore();
    expect(code).toBe(0);
    restored = openEngine({ clock, dataDir });
    expect(restored.engine.verify()).toMatchObject({ ok: true, problems: [] });
    expect(tablesDigest(restored.engine)).toBe(digest);
    expect(await balancesOf(restored.op)).toEqual(before);
    expect(await restored.op('getAuthorization', { id: hold.id })).toMatchObject({ status: 'pending', held: '300' });

    // The rebuilt engine goes on: the next invoice continues the numbering.
    clock.set(at('2026-12-03T05:00:00Z'));
    await restored.engine.runBilling();
    clock.set(at('2026-12-03T18:00:00Z'));
    await restored.engine.runBilling();
    expect((await restored.op('listInvoices', { customer: 'initech' })).data.map((i: any) => i.number)).toEqual(['ACME-2026-000121']);
    expect(restored.engine.verify().ok).toBe(true);
  });

  it('refuses to restore into a data dir that holds anything', async () => {
    fx = await startApi();
    const folder = join(tempDir('tollgate-export-'), 'full');
    expect((await fx.api('POST', '/v1/exports/full', { folder })).status).toBe(201);
    const dataDir = tempDir('tollgate-restore-');
    writeFileSync(join(dataDir, 'notes.txt'), 'mine');
    expect(() => restoreExport(folder, dataDir)).toThrow(/not empty/);
    expect(existsSync(join(dataDir, 'tollgate.db'))).toBe(false);
    // A damaged export is refused before anything is written.
    const damaged = join(tempDir('tollgate-restore-'), 'data');
    writeFileSync(join(folder, 'meta.jsonl'), readFileSync(join(folder, 'meta.jsonl'), 'utf8') + '{"key":"x","value":"y"}\n');
    expect(() => restoreExport(folder, damaged)).toThrow(/does not match the manifest/);
    expect(existsSync(damaged)).toBe(false);
    // And an import into a running engine says where a full export goes.
    const wrong = await fx.api('POST', '/v1/imports', { folder });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.message).toMatch(/full Tollgate export/);
  });

  it('a command-line import is in the audit log: the run and each customer it created, by the OS user', async () => {
    const dataDir = join(tempDir('tollgate-cli-audit-'), 'data');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const noisy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await moveCommand('import', FIXTURE, { dataDir, dryRun: false });
    quiet.mockRestore();
    noisy.mockRestore();
    expect(code).toBe(0);
    restored = openEngine({ dataDir });
    const customers = (await restored.op<any>('listCustomers', { limit: 100 })).data;
    expect(customers.length).toBeGreaterThan(0);
    const created = (await restored.op<any>('listAuditLog', { action: 'customer.create', limit: 500 })).data;
    expect(created.map((r: any) => r.customer).sort()).toEqual(customers.map((c: any) => c.external_id).sort());
    const run = (await restored.op<any>('listAuditLog', { action: 'import.run' })).data;
    expect(run).toHaveLength(1);
    for (const r of [...created, ...run]) expect(r).toMatchObject({ door: 'system', actor: { kind: 'os_user' } });
    expect(created[0].reason).toMatch(/^imported from tollgate \(customers\./);
  });

  it('a command-line dry run into a data dir with no database writes nothing there', async () => {
    // Found by a reviewer: it created the folder, a database, a lock file and an admin key.
    const dataDir = join(tempDir('tollgate-dry-'), 'data');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const noisy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await moveCommand('import', FIXTURE, { dataDir, dryRun: true });
    const printed = noisy.mock.calls.map((c) => String(c[0])).join('');
    quiet.mockRestore();
    noisy.mockRestore();
    expect(code).toBe(0);
    expect(existsSync(dataDir)).toBe(false);
    expect(printed).not.toMatch(/admin API key/);
  });
});

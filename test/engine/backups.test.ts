/**
 * Backups and restore (engine/backups.ts, engine/restore.ts): a backup taken through the API is a
 * verified, checksummed copy listed with its record and reported by health and the overview;
 * rotation keeps `keep` backups and deletes the oldest; the schedule takes one when the last is
 * `interval_hours` old; a restore refuses while an engine holds the data dir, keeps the replaced
 * database as a pre-restore copy, records an audit row, and never lets an invoice number be issued
 * twice (from the replaced database, or from invoice-numbers.json alone when the database is lost).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256File } from '../../src-main/engine/backup-job';
import { ManualClock } from '../../src-main/engine/clock';
import { Engine } from '../../src-main/engine/engine';
import { restoreBackup } from '../../src-main/engine/restore';
import { DataDirLockedError } from '../../src-main/storage/lock';
import { type EngineFixture, openEngine, type ServerFixture, startApi, tempDir } from '../helpers/harness';

let fx: EngineFixture | ServerFixture | undefined;
afterEach(async () => {
  await fx?.close().catch(() => undefined);
  fx = undefined;
});

describe('backups', () => {
  it('POST /v1/backups writes a verified, checksummed copy; GET lists it; health and overview show its age', async () => {
    const api = (fx = await startApi());
    await api.api('POST', '/v1/assets', { code: 'USD' });
    await api.api('POST', '/v1/customers', { external_id: 'acme' });
    await api.api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '5000' });
    const before = await api.api('GET', '/v1/health');
    expect(before.body.backups).toMatchObject({ last_at: null, age_seconds: null, running: false });

    const res = await api.api('POST', '/v1/backups', {});
    expect(res.status).toBe(201);
    const b = res.body;
    expect(b).toMatchObject({ kind: 'manual', verified: true, integrity: 'ok', ledger_ok: true, ledger_problems: 0, error: null });
    expect(b.path.startsWith(join(api.dataDir, 'backups'))).toBe(true);
    expect(existsSync(b.path)).toBe(true);
    expect(sha256File(b.path)).toBe(b.sha256);
    expect(b.size).toBeGreaterThan(0);
    expect(b.transfers).toBeGreaterThan(0);
    expect(existsSync(`${b.path}.partial`)).toBe(false);
    // a self-contained file: rollback journal, no -wal beside it
    expect(readFileSync(b.path).subarray(18, 20)).toEqual(Buffer.from([1, 1]));

    const list = await api.api('GET', '/v1/backups');
    expect(list.status).toBe(200);
    expect(list.body.data.map((x: any) => x.id)).toEqual([b.id]);
    expect(list.body.status.last_at).toBe(b.started_at);
    expect(list.body.settings).toMatchObject({ interval_hours: 24, keep: 7, dir: null, effective_dir: join(api.dataDir, 'backups') });
    const health = await api.api('GET', '/v1/health');
    expect(health.body.backups.last_at).toBe(b.started_at);
    expect(health.body.backups.age_seconds).toBeGreaterThanOrEqual(0);
    expect(health.body.storage).toMatchObject({ available: true, message: null });
    const overview = await api.api('GET', '/v1/overview');
    expect(overview.body.backups.last_at).toBe(b.started_at);
    // recorded in the audit log
    const audit = await api.api('GET', '/v1/audit-log?action=backup.create');
    expect(audit.body.data).toHaveLength(1);
  });

  it('a key without the admin scope cannot take or list backups; a relative folder is refused', async () => {
    const api = (fx = await startApi());
    const key = await api.api('POST', '/v1/api-keys', { name: 'reader', scopes: ['read'] });
    const h = { authorization: `Bearer ${key.body.key}` };
    expect((await api.api('POST', '/v1/backups', {}, h)).status).toBe(403);
    expect((await api.api('GET', '/v1/backups', undefined, h)).status).toBe(403);
    const bad = await api.api('PATCH', '/v1/backups/settings', { dir: 'relative/path' });
    expect(bad.status).toBe(422);
    expect((await api.api('PATCH', '/v1/backups/settings', { keep: 0 })).status).toBe(422);
  });

  it('rotation keeps `keep` backups and deletes the oldest; the folder can be chosen', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
    const e = (fx = openEngine({ clock }));
    const dir = tempDir('tollgate-backups-');
    await e.op('updateBackupSettings', { keep: 2, dir });
    const taken = [];
    for (let i = 0; i < 4; i++) {
      clock.advance(60_000);
      taken.push(await e.engine.backups.take());
    }
    expect(taken.every((b) => b.path.startsWith(dir))).toBe(true);
    const list = e.engine.backups.list();
    expect(list.data.map((b) => b.id)).toEqual([taken[3]!.id, taken[2]!.id]);
    expect(existsSync(taken[0]!.path)).toBe(false);
    expect(existsSync(taken[1]!.path)).toBe(false);
    expect(existsSync(taken[3]!.path)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the schedule takes a backup when the last one is interval_hours old, not before', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
    const e = (fx = openEngine({ clock }));
    await e.op('updateBackupSettings', { interval_hours: 6 });
    const first = await e.engine.backups.tick();
    expect(first?.kind).toBe('scheduled');
    clock.advance(5 * 3600_000);
    expect(await e.engine.backups.tick()).toBeNull();
    expect(e.engine.backups.status().age_seconds).toBe(5 * 3600);
    clock.advance(3600_000);
    const second = await e.engine.backups.tick();
    expect(second?.kind).toBe('scheduled');
    await e.op('updateBackupSettings', { interval_hours: 0 });
    clock.advance(100 * 3600_000);
    expect(await e.engine.backups.tick()).toBeNull();
    expect(e.engine.backups.list().data).toHaveLength(2);
  });
  it('copies and verifies on a thread of its own, which stops once the backup is done', async () => {
    const backupWorker = join(import.meta.dirname, '..', '..', 'out', 'main', 'backup-worker.js');
    expect(existsSync(backupWorker), 'run `npx electron-vite build` first').toBe(true);
    const dataDir = tempDir();
    const engine = Engine.open({ dataDir, timers: false, synchronous: 'NORMAL', backupWorker });
    try {
      expect(engine.backups.threadRunning).toBe(false);
      for (let round = 0; round < 2; round++) {
        // The thread starts for each backup (the second starts it again) and is gone once it is done.
        let done = false;
        let sawThread = false;
        const taking = engine.backups.take().finally(() => (done = true));
        while (!done) {
          sawThread ||= engine.backups.threadRunning;
          await new Promise((r) => setTimeout(r, 1));
        }
        const record = await taking;
        expect(sawThread).toBe(true);
        expect(record).toMatchObject({ verified: true, integrity: 'ok', ledger_ok: true });
        expect(engine.backups.threadRunning).toBe(false);
      }
    } finally {
      await engine.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('restore', () => {
  const at = (s: string) => Date.parse(s);

  async function billedEngine(dataDir: string, clock: ManualClock) {
    const e = openEngine({ clock, dataDir });
    return e;
  }
  async function closePeriod(e: EngineFixture, clock: ManualClock, end: string) {
    clock.set(at(end));
    await e.engine.runBilling();
    clock.set(at(end) + 25 * 3600_000);
    await e.engine.runBilling();
  }
  const numbers = async (e: EngineFixture) => ((await e.op<any>('listInvoices', { limit: 500 })).data as any[]).map((i) => i.number).filter(Boolean).sort();

  it('refuses while an engine runs; keeps the replaced database; never issues an invoice number twice', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    let e = await billedEngine(dataDir, clock);
    await e.op('updateSettings', { grace_period_hours: 24 });
    await e.op('createAsset', { code: 'USD' });
    await e.op('createCustomer', { external_id: 'acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
    await e.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '1000' } });
    await e.op('createSubscription', { customer: 'acme', plan: 'p' });
    await closePeriod(e, clock, '2026-05-01T00:00:00Z');
    expect(await numbers(e)).toEqual(['TG-2026-000001']);
    const backup = await e.engine.backups.take();

    await closePeriod(e, clock, '2026-06-01T00:00:00Z');
    await closePeriod(e, clock, '2026-07-01T00:00:00Z');
    expect(await numbers(e)).toEqual(['TG-2026-000001', 'TG-2026-000002', 'TG-2026-000003']);

    // an engine holds the data dir: the restore refuses and changes nothing
    await expect(restoreBackup({ backupFile: backup.path, dataDir })).rejects.toBeInstanceOf(DataDirLockedError);
    await e.engine.close();

    const report = await restoreBackup({ backupFile: backup.path, dataDir, now: clock.now() });
    expect(report).toMatchObject({ ledger_ok: true, audited: true, sha256: backup.sha256 });
    expect(report.sequences['invoice_seq:TG:2026']).toBe(3);
    expect(report.pre_restore_copy && existsSync(report.pre_restore_copy)).toBe(true);

    e = await billedEngine(dataDir, clock);
    // the restored database is the backup's: one invoice
    expect(await numbers(e)).toEqual(['TG-2026-000001']);
    const audit = e.engine.audit.list({ action: 'restore' } as never);
    expect(audit.data).toHaveLength(1);
    expect(audit.data[0]).toMatchObject({ action: 'restore', actor: { kind: 'os_user' } });
    expect(e.engine.backups.list().data.some((b) => b.kind === 'pre-restore')).toBe(true);
    // The periods lost with the restore are billed again: under new numbers, after the highest ever issued.
    await e.engine.runBilling();
    clock.advance(25 * 3600_000); // past the drafts' grace
    await e.engine.runBilling();
    expect(await numbers(e)).toEqual(['TG-2026-000001', 'TG-2026-000004', 'TG-2026-000005']);
    expect(e.engine.verify().problems).toEqual([]);
    await e.engine.close();

    // The database is lost altogether: invoice-numbers.json alone still carries the numbering.
    expect(JSON.parse(readFileSync(join(dataDir, 'invoice-numbers.json'), 'utf8'))['invoice_seq:TG:2026']).toBe(5);
    for (const s of ['', '-wal', '-shm']) rmSync(join(dataDir, `tollgate.db${s}`), { force: true });
    const again = await restoreBackup({ backupFile: backup.path, dataDir, now: clock.now() });
    expect(again.pre_restore_copy).toBeNull();
    expect(again.sequences['invoice_seq:TG:2026']).toBe(5);
    e = await billedEngine(dataDir, clock);
    await e.engine.runBilling();
    clock.advance(25 * 3600_000);
    await e.engine.runBilling();
    expect(await numbers(e)).toEqual(['TG-2026-000001', 'TG-2026-000006', 'TG-2026-000007']);
    await e.engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never repeats a credit note or receipt number after a restore, even with the database lost', async () => {
    const dataDir = tempDir();
    const clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    let e = await billedEngine(dataDir, clock);
    await e.op('updateSettings', { grace_period_hours: 24 });
    await e.op('createAsset', { code: 'USD' });
    await e.op('createCustomer', { external_id: 'acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
    await e.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '1000' } });
    await e.op('createSubscription', { customer: 'acme', plan: 'p' });
    await closePeriod(e, clock, '2026-05-01T00:00:00Z');
    const invoice = (await e.op<any>('listInvoices', {})).data[0];
    const line = (await e.op<any>('getInvoice', { id: invoice.id })).lines[0].id;
    const note = () => e.op<any>('createCreditNote', { id: invoice.id, reason: 'other', settlement: 'credit', lines: [{ line_id: line, amount: '100' }] });
    const receipt = async () => {
      const t = await e.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '500' });
      return (await e.op<any>('getReceipt', { id: t.id })).number as string;
    };
    expect((await note()).number).toBe(`${invoice.number}-CN01`);
    expect(await receipt()).toBe('RC-2026-000001');
    const backup = await e.engine.backups.take();
    expect((await note()).number).toBe(`${invoice.number}-CN02`);
    expect(await receipt()).toBe('RC-2026-000002');
    await e.engine.close();

    await restoreBackup({ backupFile: backup.path, dataDir, now: clock.now() });
    e = await billedEngine(dataDir, clock);
    expect((await note()).number).toBe(`${invoice.number}-CN03`);
    expect(await receipt()).toBe('RC-2026-000003');
    await e.engine.close();

    for (const s of ['', '-wal', '-shm']) rmSync(join(dataDir, `tollgate.db${s}`), { force: true });
    await restoreBackup({ backupFile: backup.path, dataDir, now: clock.now() });
    e = await billedEngine(dataDir, clock);
    expect((await note()).number).toBe(`${invoice.number}-CN04`);
    expect(await receipt()).toBe('RC-2026-000004');
    await e.engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a file that is not a Tollgate database, and changes nothing', async () => {
    const dataDir = tempDir();
    const junk = join(dataDir, 'junk.db');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(junk, 'not a database at all'.repeat(100));
    await expect(restoreBackup({ backupFile: junk, dataDir })).rejects.toThrow(/not a Tollgate database|damaged|no Tollgate schema/);
    expect(existsSync(join(dataDir, 'tollgate.db'))).toBe(false);
    rmSync(dataDir, { recursive: true, force: true });
  });
});

/**
 * Storage safety: one engine per data dir, forward-only migrations with a backup first, and a
 * database from a newer version refused.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src-main/engine/engine';
import { DataDirLockedError } from '../../src-main/storage/lock';
import { migrate, SchemaTooNewError } from '../../src-main/storage/migrate';
import { LATEST_VERSION, MIGRATIONS } from '../../src-main/storage/migrations';
import { type EngineFixture, openEngine, tempDir } from '../helpers/harness';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe('one engine per data dir', () => {
  it('refuses a second engine with a clear message, and allows it once the first has stopped', async () => {
    fx = openEngine();
    expect(() => Engine.open({ dataDir: fx!.dataDir, timers: false })).toThrow(DataDirLockedError);
    expect(() => Engine.open({ dataDir: fx!.dataDir, timers: false })).toThrow(/already using the data dir .* \(pid \d+/);
    const dir = fx.dataDir;
    await fx.engine.close();
    const second = Engine.open({ dataDir: dir, timers: false });
    await second.close();
  });
});

describe('migrations', () => {
  it('bring an empty database to the latest version', () => {
    const db = new Database(':memory:');
    const report = migrate(db, null);
    expect(report).toEqual({ from: 0, to: LATEST_VERSION, backup: null });
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
  });

  it('back up a database that holds data before migrating it, each migration in one transaction', () => {
    const dir = tempDir();
    const file = join(dir, 'db.sqlite');
    const db = new Database(file);
    migrate(db, null, MIGRATIONS.slice(0, 1));
    db.prepare("INSERT INTO meta(key, value) VALUES ('k', 'v')").run();
    const next = [...MIGRATIONS, { version: LATEST_VERSION + 1, name: 'test', sql: 'CREATE TABLE extra (x INTEGER);' }];
    const report = migrate(db, join(dir, 'backups'), next);
    expect(report.from).toBe(1);
    expect(report.backup && existsSync(report.backup)).toBe(true);
    const copy = new Database(report.backup!);
    expect(copy.prepare("SELECT value FROM meta WHERE key = 'k'").get()).toEqual({ value: 'v' });
    expect(copy.pragma('user_version', { simple: true })).toBe(1);
    copy.close();
    // a failing migration leaves the database at the last whole version
    const broken = [...next, { version: LATEST_VERSION + 2, name: 'broken', sql: 'CREATE TABLE y (z INTEGER); SELECT * FROM no_such_table;' }];
    expect(() => migrate(db, join(dir, 'backups'), broken)).toThrow();
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'y'").get()).toBeUndefined();
    expect(readdirSync(join(dir, 'backups')).length).toBe(2);
    db.close();
  });

  it('009 gives refusal samples their details: samples kept before it read back with details null, new ones with the error\'s', async () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'tollgate.db'));
    migrate(db, null, MIGRATIONS.filter((m) => m.version < 9));
    expect((db.pragma('table_info(refusal_samples)') as { name: string }[]).map((c) => c.name)).not.toContain('details');
    const now = Date.now();
    db.prepare("INSERT INTO refusal_counts(customer_id, reason, minute, count) VALUES (0, 'customer_not_found', ?, 1)").run(Math.floor(now / 60_000));
    db.prepare("INSERT INTO refusal_samples(customer_id, reason, at, body, message) VALUES (NULL, 'customer_not_found', ?, '{\"customer\":\"old-ghost\"}', 'No customer has external_id \"old-ghost\".')").run(now - 1000);
    db.close();

    fx = openEngine({ dataDir: dir });
    expect(fx.engine.db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    expect((fx.engine.db.pragma('table_info(refusal_samples)') as { name: string }[]).map((c) => c.name)).toContain('details');
    await expect(fx.op('ingestEvent', { transaction_id: 'x', customer: 'new-ghost', code: 'calls' })).rejects.toMatchObject({ code: 'customer_not_found' });
    await fx.engine.flushRefusals();
    const refusals = await fx.op<any>('listRefusals', {});
    const samples = refusals.reasons.find((r: any) => r.reason === 'customer_not_found').samples;
    expect(samples.map((x: any) => [x.body.customer, x.details])).toEqual([
      ['new-ghost', { customer: 'new-ghost' }],
      ['old-ghost', null],
    ]);
  });

  it('refuse a database written by a newer Tollgate', () => {
    const dir = tempDir();
    const db = new Database(join(dir, 'tollgate.db'));
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    db.close();
    expect(() => Engine.open({ dataDir: dir, timers: false })).toThrow(SchemaTooNewError);
    expect(() => Engine.open({ dataDir: dir, timers: false })).toThrow(/newer Tollgate \(schema version \d+; this build knows up to \d+\)/);
  });
});

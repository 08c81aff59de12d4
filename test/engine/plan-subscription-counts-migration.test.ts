/**
 * Migration 012: indexes for counting the subscriptions on a plan version. A database written by
 * version 11 (subscriptions on two versions, one terminated, one move scheduled) migrates to 12 with
 * a backup first; the counts of the version routes then read the new indexes, not the whole table,
 * and count the same subscriptions.
 */
import Database from 'better-sqlite3';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src-main/storage/migrate';
import { LATEST_VERSION, MIGRATIONS } from '../../src-main/storage/migrations';
import { PLAN_SUBSCRIPTION_COUNTS } from '../../src-main/storage/store';
import { type EngineFixture, openEngine, tempDir } from '../helpers/harness';

let fx: EngineFixture | null = null;
afterEach(async () => {
  await fx?.close();
  fx = null;
});

const NEW_INDEXES = ['subscriptions_next_plan', 'subscriptions_plan'];

/** Tables, indexes and triggers as SQLite keeps them (their CREATE statements), by name. */
function schema(db: Database.Database): [string, string, string | null][] {
  return (db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as { type: string; name: string; sql: string | null }[]).map((r) => [r.type, r.name, r.sql]);
}
function indexes(db: Database.Database): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'subscriptions' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
}
/** How SQLite would run the count: one line per step. */
function plan(db: Database.Database, planId: number): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${PLAN_SUBSCRIPTION_COUNTS}`).all({ plan: planId }) as { detail: string }[]).map((r) => r.detail);
}

describe('migration 012 (plan subscription counts)', () => {
  it('migrates a version 11 database: the indexes are there, the counts read them and are right', async () => {
    expect(LATEST_VERSION).toBe(12);
    expect(MIGRATIONS.at(-1)).toMatchObject({ version: 12, name: 'plan subscription counts' });

    const dataDir = tempDir();
    fx = openEngine({ dataDir });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
    const pro = (name: string) => fx!.op('createPlan', { code: 'pro', name, interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
    for (const c of ['a', 'b', 'c', 'd']) await fx.op('createCustomer', { external_id: c });
    await pro('Pro');
    for (const c of ['a', 'b', 'd']) await fx.op('createSubscription', { customer: c, plan: 'pro', external_id: `sub-${c}` });
    await pro('Pro 2');
    await fx.op('createSubscription', { customer: 'c', plan: 'pro', external_id: 'sub-c' });
    await fx.op('terminateSubscription', { id: 'sub-b', at: 'now' });
    await fx.op('updateSubscription', { id: 'sub-d', plan: 'pro', timing: 'period_end' });
    await fx.close();
    fx = null;

    // Make it the database version 11 wrote: without the indexes 012 adds. Its schema is then exactly
    // what migrations 1 to 11 make.
    const file = join(dataDir, 'tollgate.db');
    let db = new Database(file);
    for (const name of NEW_INDEXES) db.exec(`DROP INDEX ${name}`);
    db.pragma('user_version = 11');
    const v11 = new Database(':memory:');
    migrate(v11, null, MIGRATIONS.filter((m) => m.version <= 11));
    expect(schema(db)).toEqual(schema(v11));
    v11.close();
    const planIds = (db.prepare("SELECT version, id FROM plans WHERE code = 'pro' ORDER BY version").all() as { version: number; id: number }[]).map((r) => r.id);
    // Version 11 counts by reading every subscription.
    expect(plan(db, planIds[0]!).some((d) => /^SCAN subscriptions\b/.test(d))).toBe(true);
    db.close();

    fx = openEngine({ dataDir });
    expect(fx.engine.db.pragma('user_version', { simple: true })).toBe(12);
    expect(readdirSync(join(dataDir, 'backups')).filter((f) => f.startsWith('pre-migration-v11-to-v12-') && f.endsWith('.db'))).toHaveLength(1);
    expect(indexes(fx.engine.db)).toEqual(expect.arrayContaining(NEW_INDEXES));
    const steps = plan(fx.engine.db, planIds[0]!);
    expect(steps.filter((d) => /^SCAN subscriptions\b/.test(d))).toEqual([]);
    expect(steps.some((d) => /USING COVERING INDEX subscriptions_plan\b/.test(d))).toBe(true);
    expect(steps.some((d) => /USING INDEX subscriptions_next_plan\b/.test(d))).toBe(true);

    // a and d on version 1 (b terminated; d moves at period end), c on version 2, d scheduled onto it.
    const versions = await fx.op<any>('listPlanVersions', { code: 'pro' });
    expect(versions.data.map((v: any) => [v.version, v.live_subscriptions, v.scheduled_subscriptions])).toEqual([
      [2, 1, 1],
      [1, 2, 0],
    ]);
    expect(await fx.op('getPlanVersion', { code: 'pro', version: 1 })).toMatchObject({ live_subscriptions: 2, scheduled_subscriptions: 0 });
    expect(fx.engine.verify().ok).toBe(true);

    // Run again from 11 (as tests that set user_version back do): IF NOT EXISTS, nothing changes.
    await fx.close();
    fx = null;
    db = new Database(file);
    db.pragma('user_version = 11');
    expect(migrate(db, null)).toMatchObject({ from: 11, to: 12 });
    expect(indexes(db)).toEqual(expect.arrayContaining(NEW_INDEXES));
    db.close();
  });
});

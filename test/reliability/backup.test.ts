/**
 * Backup under load, and restore. Proves that an online backup taken while ingestion runs is a
 * consistent database that holds every write acknowledged before the backup began, passes the
 * ledger check, and restores with `tollgate restore` into a working data dir; and that a restore
 * refuses to run while an engine holds the data dir.
 *
 * Serve mode is loaded with events first (30,000 in the short form, 300,000 in the full one), then
 * batch ingestion, single events, top-ups and authorizations run without pause. The set of writes
 * acknowledged so far is frozen, and only then is `POST /v1/backups` sent; the load goes on during
 * the backup. The backup's record (size, SHA-256, timings, verified) is checked against the file,
 * the file is restored into a fresh data dir with the CLI, and a serve process on that dir must
 * hold every frozen write, pass the ledger check and take new writes. Reported, not asserted: the
 * backup's time and size, and event latency before and during the copy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../src-main/engine/backup-job';
import { tempDir } from '../helpers/harness';
import { kill9, type ServeProcess, startServe } from '../helpers/serve-process';
import { call, must, peek, pick, rand, sleep } from './support';

const PRELOAD = pick(30_000, 300_000);
const root = join(import.meta.dirname, '..', '..');

const running: ServeProcess[] = [];
afterAll(async () => {
  for (const p of running) await kill9(p);
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const max = (xs: number[]) => xs.reduce((a, b) => Math.max(a, b), 0);

describe('backup under load', () => {
  it('holds every write acknowledged before it began, passes the ledger check, and restores', async () => {
    const dir = tempDir('tollgate-backup-');
    const serve = await startServe(dir);
    running.push(serve);
    const { url } = serve;
    await must(url, 'POST', '/v1/assets', { code: 'USD' });
    await must(url, 'POST', '/v1/metrics', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
    await must(url, 'POST', '/v1/plans', { code: 'tok', name: 'Tokens', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000002' } }] });
    const customers = Array.from({ length: 50 }, (_, i) => `k${i}`);
    for (const c of customers) {
      await must(url, 'POST', '/v1/customers', { external_id: c });
      await must(url, 'POST', `/v1/customers/${c}/top-ups`, { asset: 'USD', amount: '100000000000', kind: 'granted' });
      await must(url, 'POST', '/v1/subscriptions', { customer: c, plan: 'tok' });
    }
    const pick1 = () => customers[rand(customers.length)]!;
    let n = 0;
    const preload = async (k: number) => {
      for (let i = k; i < PRELOAD / 1000; i += 4) {
        const events = Array.from({ length: 1000 }, () => ({ transaction_id: `p${n++}`, customer: pick1(), code: 'tokens', properties: { tokens: 1 + rand(10_000), model: 'gpt', region: 'eu' } }));
        const r = await must(url, 'POST', '/v1/events/batch', { events });
        expect(r.accepted).toBe(1000);
      }
    };
    await Promise.all([0, 1, 2, 3].map(preload));

    // ------------------------------------------------------------ load, and the backup in the middle of it
    const acked = { events: new Map<string, string>(), topUps: new Set<string>(), holds: new Set<string>() };
    const latencies: { at: number; ms: number }[] = [];
    let stop = false;
    const loops = [
      ...[0, 1].map(async () => {
        while (!stop) {
          const events = Array.from({ length: 200 }, () => ({ transaction_id: `l${n++}`, customer: pick1(), code: 'tokens', properties: { tokens: 1 + rand(10_000) } }));
          const r = await call(url, 'POST', '/v1/events/batch', { events });
          expect(r.status).toBe(200);
          r.body.results.forEach((x: { status: number }, i: number) => x.status === 201 && acked.events.set(events[i]!.transaction_id, events[i]!.customer));
        }
      }),
      (async () => {
        while (!stop) {
          const tx = `s${n++}`;
          const customer = pick1();
          const t = performance.now();
          const r = await call(url, 'POST', '/v1/events', { transaction_id: tx, customer, code: 'tokens', properties: { tokens: 5 } });
          latencies.push({ at: performance.now(), ms: performance.now() - t });
          expect(r.status).toBe(201);
          acked.events.set(tx, customer);
        }
      })(),
      (async () => {
        while (!stop) {
          const r = await call(url, 'POST', `/v1/customers/${pick1()}/top-ups`, { asset: 'USD', amount: '100', kind: 'granted', idempotency_key: `t${n++}` });
          expect(r.status).toBe(201);
          acked.topUps.add(r.body.id);
          const a = await call(url, 'POST', '/v1/authorizations', { customer: pick1(), asset: 'USD', amount: '10', ttl_seconds: 86_400 });
          expect(a.status).toBe(201);
          acked.holds.add(a.body.id);
          await sleep(5);
        }
      })(),
    ];
    await sleep(1500);
    // Frozen before the request is sent: each of these was committed before the backup began.
    const before = { events: new Map(acked.events), topUps: new Set(acked.topUps), holds: new Set(acked.holds) };
    const backupStarted = performance.now();
    const res = await call(url, 'POST', '/v1/backups', {});
    const backupEnded = performance.now();
    await sleep(500);
    stop = true;
    await Promise.all(loops);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const b = res.body;
    expect(b).toMatchObject({ verified: true, integrity: 'ok', ledger_ok: true, ledger_problems: 0 });
    expect(sha256File(b.path)).toBe(b.sha256);
    const during = latencies.filter((l) => l.at >= backupStarted && l.at <= backupEnded).map((l) => l.ms);
    const beforeLat = latencies.filter((l) => l.at < backupStarted).map((l) => l.ms);
    const ackedDuring = acked.events.size - before.events.size;
    const list = await must(url, 'GET', '/v1/backups');
    expect(list.data[0].id).toBe(b.id);
    expect(list.status.last_at).toBe(b.started_at);

    // ------------------------------------------------------------ restore refuses while the engine runs
    const refused = spawnSync(process.execPath, [join(root, 'bin', 'tollgate.js'), 'restore', b.path, '--data-dir', dir], { encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Another Tollgate engine is already using the data dir/);

    // ------------------------------------------------------------ restore into a fresh data dir with the CLI
    const fresh = tempDir('tollgate-restored-');
    const out = execFileSync(process.execPath, [join(root, 'bin', 'tollgate.js'), 'restore', b.path, '--data-dir', fresh], { encoding: 'utf8' });
    const report = JSON.parse(out);
    expect(report).toMatchObject({ ledger_ok: true, ledger_problems: 0, sha256: b.sha256, audited: true, pre_restore_copy: null });

    const stored = peek(fresh, (db) => {
      const events = new Set((db.prepare('SELECT c.external_id || \'/\' || e.transaction_id AS k FROM events e JOIN customers c ON c.id = e.customer_id').all() as { k: string }[]).map((r) => r.k));
      const topUps = new Set((db.prepare('SELECT id FROM top_ups').all() as { id: string }[]).map((r) => r.id));
      const holds = new Set((db.prepare('SELECT id FROM authorizations').all() as { id: string }[]).map((r) => r.id));
      return { events, topUps, holds };
    });
    const missing = [...before.events].filter(([tx, c]) => !stored.events.has(`${c}/${tx}`)).map(([tx]) => tx);
    expect(missing.slice(0, 10), `${missing.length} events acknowledged before the backup are missing`).toEqual([]);
    expect([...before.topUps].filter((id) => !stored.topUps.has(id))).toEqual([]);
    expect([...before.holds].filter((id) => !stored.holds.has(id))).toEqual([]);
    expect(stored.events.size).toBeGreaterThanOrEqual(PRELOAD + before.events.size);

    const restored = await startServe(fresh);
    running.push(restored);
    const verify = await must(restored.url, 'GET', '/v1/ledger/verify');
    expect(verify.problems).toEqual([]);
    expect((await call(restored.url, 'POST', '/v1/events', { transaction_id: 'after-restore', customer: 'k0', code: 'tokens', properties: { tokens: 1 } })).status).toBe(201);
    const audit = await must(restored.url, 'GET', '/v1/audit-log?action=restore');
    expect(audit.data).toHaveLength(1);

    // eslint-disable-next-line no-console
    console.log(
      `backup under load: ${stored.events.size} events in the copy, ${(b.size / 1024 / 1024).toFixed(1)} MiB, took ${b.took_ms} ms (copy ${b.copy_ms} ms, verify ${b.verify_ms} ms, answer after ${Math.round(backupEnded - backupStarted)} ms); ${ackedDuring} events acknowledged while it ran; single-event latency median ${median(beforeLat).toFixed(1)} ms / max ${max(beforeLat).toFixed(1)} ms before, median ${median(during).toFixed(1)} ms / max ${max(during).toFixed(1)} ms during`,
    );
  }, 30 * 60_000);
});

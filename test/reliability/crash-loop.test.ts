/**
 * Crash loop. Proves that SIGKILL at a random moment never costs an acknowledged write, never
 * leaves an event half applied, and never breaks the ledger, across many crashes in a row:
 *
 *  - the data dir starts as a database of the previous schema version, padded so its migration
 *    (and the pre-migration backup before it) takes a while; the first kill lands at a random
 *    moment of start-up, so it may hit the backup, the migration, or just after;
 *  - every later round runs, at once: batch ingestion from several clients, authorizations with
 *    captures, voids and events against them, paid top-ups, and subscriptions whose past weekly
 *    periods come due (the billing clock and an explicit billing run bill them); the process is
 *    killed with SIGKILL at a random moment of it;
 *  - after each restart: the schema is the latest and pre-migration copies are whole; every event
 *    of an acknowledged batch is stored; each batch customer's balance equals its funding minus the
 *    tokens of its stored events (an event is stored with its debit or not at all); unacknowledged
 *    batches may be partly applied (a batch is split across commits), so they are retried with
 *    the same transaction ids and must then be whole, each event once; acknowledged top-ups and
 *    authorization outcomes are there; no period is billed twice and invoice numbers have no gap
 *    and no repeat; the ledger check passes.
 * 3 rounds in the short form, 20 in the full one.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src-main/storage/database';
import { migrate } from '../../src-main/storage/migrate';
import { LATEST_VERSION, MIGRATIONS } from '../../src-main/storage/migrations';
import { tempDir } from '../helpers/harness';
import { kill9, type ServeProcess, startServe } from '../helpers/serve-process';
import { call, integrity, must, peek, pick, rand, sleep } from './support';

const ROUNDS = pick(3, 20);
const FUNDED = 10n ** 12n;
const BATCH_CUSTOMERS = ['b0', 'b1', 'b2'];
const HOLD_CUSTOMERS = ['h0', 'h1'];

interface Batch {
  customer: string;
  events: { transaction_id: string; customer: string; code: string; properties: { tokens: number } }[];
}
type HoldOutcome = { id: string; state: 'pending' | 'captured' | 'voided'; captured: string; next?: 'captured' | 'voided' };

const running: ServeProcess[] = [];
afterAll(async () => {
  for (const p of running) await kill9(p);
});

/** A database at the schema version before the latest, padded so that migrating it takes a while. */
function olderDatabase(dir: string): number {
  const db = openDatabase(join(dir, 'tollgate.db'));
  migrate(db, null, MIGRATIONS.slice(0, -1));
  const pad = pick(40_000, 80_000);
  const ins = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < pad; i++) ins.run(`reliability_pad:${i}`, 'x'.repeat(400));
  })();
  db.close();
  return pad;
}

describe('crash loop: SIGKILL at random moments', () => {
  it(`keeps every acknowledged write and the ledger whole across ${ROUNDS} crashes`, async () => {
    const dir = tempDir('tollgate-crash-loop-');
    const padRows = olderDatabase(dir);
    const subStart = new Date(Date.now() - 8 * 7 * 86_400_000).toISOString();

    const ackedBatches: Batch[] = [];
    const unackedBatches: Batch[] = [];
    const ackedTopUps: string[] = [];
    const holds: HoldOutcome[] = [];
    const subscriptions: string[] = [];
    const partial: number[] = [];
    let killedDuringStartup = false;
    let startupKill = '';
    let unackedTotal = 0;
    let setUp = false;

    const start = async () => {
      const p = await startServe(dir);
      running.push(p);
      return p;
    };

    for (let round = 0; round < ROUNDS; round++) {
      // ------------------------------------------------------------ round 0: kill during start-up (migration)
      if (round === 0) {
        const { spawn } = await import('node:child_process');
        const { ensureBuilt } = await import('../helpers/serve-process');
        ensureBuilt();
        const { ADMIN_KEY } = await import('../helpers/harness');
        const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'tollgate.js'), 'serve', '--data-dir', dir, '--port', '0'], { env: { ...process.env, TOLLGATE_ADMIN_KEY: ADMIN_KEY }, stdio: 'ignore' });
        await sleep(50 + rand(1200));
        await new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        });
        killedDuringStartup = true;
        // Where the kill landed: before the migration, during it (a .partial copy), or after.
        const { readdirSync, existsSync } = await import('node:fs');
        const files = existsSync(join(dir, 'backups')) ? readdirSync(join(dir, 'backups')) : [];
        let version = 'unreadable until recovery';
        try {
          version = `v${peek(dir, (db) => db.pragma('user_version', { simple: true }) as number)}`;
        } catch {
          /* a read-only connection cannot replay a WAL left by the killed process */
        }
        startupKill = `schema ${version}, backups dir [${files.join(', ')}]`;
      }

      // ------------------------------------------------------------ restart and check
      const serve = await start();
      const url = serve.url;
      const health = await must(url, 'GET', '/v1/health');
      expect(health.schema_version).toBe(LATEST_VERSION);
      // The migration lost nothing, and every pre-migration copy is whole (never a truncated file).
      expect(peek(dir, (db) => (db.prepare("SELECT COUNT(*) AS n FROM meta WHERE key LIKE 'reliability_pad:%'").get() as { n: number }).n)).toBe(padRows);
      const { readdirSync, existsSync } = await import('node:fs');
      const backupDir = join(dir, 'backups');
      if (existsSync(backupDir)) for (const f of readdirSync(backupDir).filter((n) => n.endsWith('.db'))) expect(integrity(join(backupDir, f)), f).toBe('ok');

      if (!setUp) {
        await must(url, 'POST', '/v1/assets', { code: 'USD' }, [201, 409]);
        await must(url, 'PATCH', '/v1/settings', { grace_period_hours: 0 });
        await must(url, 'POST', '/v1/metrics', { code: 'tokens', aggregation: 'sum', property: 'tokens' }, [201, 409]);
        await must(url, 'POST', '/v1/plans', { code: 'tok', name: 'Tokens', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
        await must(url, 'POST', '/v1/plans', { code: 'weekly', name: 'Weekly', interval: 'weekly', fixed_fee: { asset: 'USD', amount: '700' } });
        for (const c of [...BATCH_CUSTOMERS, ...HOLD_CUSTOMERS]) {
          await must(url, 'POST', '/v1/customers', { external_id: c });
          await must(url, 'POST', `/v1/customers/${c}/top-ups`, { asset: 'USD', amount: FUNDED.toString(), idempotency_key: `fund-${c}` });
          await must(url, 'POST', '/v1/subscriptions', { customer: c, plan: 'tok' });
        }
        setUp = true;
      } else {
        await checkAfterCrash(url);
      }
      if (round === ROUNDS - 1) break;

      // ------------------------------------------------------------ concurrent load, killed at a random moment
      let stop = false;
      const batchClient = async (c: number) => {
        for (let b = 0; !stop; b++) {
          const customer = BATCH_CUSTOMERS[c % BATCH_CUSTOMERS.length]!;
          const n = 50 + rand(250);
          const batch: Batch = { customer, events: Array.from({ length: n }, (_, i) => ({ transaction_id: `r${round}-c${c}-b${b}-e${i}`, customer, code: 'tokens', properties: { tokens: 1 + rand(1000) } })) };
          const res = await call(url, 'POST', '/v1/events/batch', { events: batch.events });
          if (res.status === 200 && res.body.results.every((r: { status: number }) => r.status === 201 || r.status === 200)) ackedBatches.push(batch);
          else if (res.status === 0) {
            unackedBatches.push(batch);
            return;
          } else throw new Error(`batch answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
        }
      };
      const holdClient = async (c: number) => {
        for (let n = 0; !stop; n++) {
          const customer = HOLD_CUSTOMERS[c % HOLD_CUSTOMERS.length]!;
          const auth = await call(url, 'POST', '/v1/authorizations', { customer, asset: 'USD', amount: '100', idempotency_key: `r${round}-h${c}-${n}`, ttl_seconds: 86_400 });
          if (auth.status === 0) return;
          if (auth.status !== 201) throw new Error(`authorization answered ${auth.status}: ${JSON.stringify(auth.body)}`);
          const hold: HoldOutcome = { id: auth.body.id, state: 'pending', captured: '0' };
          holds.push(hold);
          const pickNext = rand(3);
          hold.next = pickNext === 1 ? 'voided' : 'captured';
          const r =
            pickNext === 0
              ? await call(url, 'POST', `/v1/authorizations/${hold.id}/capture`, { amount: '60' })
              : pickNext === 1
                ? await call(url, 'POST', `/v1/authorizations/${hold.id}/void`, {})
                : await call(url, 'POST', '/v1/events', { transaction_id: `r${round}-h${c}-${n}-ev`, customer, code: 'tokens', properties: { tokens: 50 }, authorization_id: hold.id });
          if (r.status === 0) return;
          if (r.status !== 200 && r.status !== 201) throw new Error(`hold follow-up answered ${r.status}: ${JSON.stringify(r.body)}`);
          hold.state = hold.next;
          hold.captured = pickNext === 0 ? '60' : pickNext === 2 ? '50' : '0';
        }
      };
      const topUpClient = async () => {
        for (let n = 0; !stop; n++) {
          const customer = HOLD_CUSTOMERS[n % HOLD_CUSTOMERS.length]!;
          const r = await call(url, 'POST', `/v1/customers/${customer}/top-ups`, { asset: 'USD', amount: '1000', idempotency_key: `r${round}-t${n}` });
          if (r.status === 0) return;
          if (r.status !== 201) throw new Error(`top-up answered ${r.status}`);
          ackedTopUps.push(r.body.id);
          await sleep(5);
        }
      };
      const billingClient = async () => {
        // Customers whose weekly subscriptions started eight weeks ago: every week since comes due.
        for (let n = 0; n < 8 && !stop; n++) {
          const c = `w${round}-${n}`;
          const cr = await call(url, 'POST', '/v1/customers', { external_id: c, billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
          if (cr.status === 0) return;
          const sub = await call(url, 'POST', '/v1/subscriptions', { customer: c, plan: 'weekly', start_at: subStart });
          if (sub.status === 0) return;
          if (sub.status === 201) subscriptions.push(sub.body.id);
        }
        await call(url, 'POST', '/v1/billing-runs', {});
      };
      const load = Promise.all([batchClient(0), batchClient(1), batchClient(2), holdClient(0), holdClient(1), topUpClient(), billingClient()]);
      await sleep(300 + rand(2200));
      await kill9(serve);
      stop = true;
      await load;
    }

    // ------------------------------------------------------------ the end: billing catches up, exactly once
    const serve = running[running.length - 1]!;
    const run = await must(serve.url, 'POST', '/v1/billing-runs', {});
    for (let i = 0; i < 300; i++) {
      const r = await must(serve.url, 'GET', `/v1/billing-runs/${run.id}`);
      if (r.status !== 'running') break;
      await sleep(100);
    }
    const invoices = await allInvoices(serve.url);
    const perSub = new Map<string, string[]>();
    for (const inv of invoices) if (inv.subscription) perSub.set(inv.subscription, [...(perSub.get(inv.subscription) ?? []), inv.period.start]);
    const counts = new Set<number>();
    for (const id of subscriptions) {
      const starts = perSub.get(id) ?? [];
      expect(new Set(starts).size, `${id} billed a period twice`).toBe(starts.length);
      counts.add(starts.length);
    }
    if (subscriptions.length) {
      expect(counts.size, 'every subscription billed for the same periods').toBe(1);
      expect([...counts][0]).toBeGreaterThanOrEqual(7);
    }
    expect(killedDuringStartup).toBe(true);
    // eslint-disable-next-line no-console
    console.log(`crash loop: ${ROUNDS} rounds, ${ackedBatches.length} acknowledged batches (${ackedBatches.reduce((a, b) => a + b.events.length, 0)} events, retried ones included), ${unackedTotal} cut by a crash (of which partly applied: ${partial.filter((p) => p > 0).length}; events present per cut batch, -1 = all: ${JSON.stringify(partial)}), start-up kill left ${startupKill}, ${holds.length} holds, ${ackedTopUps.length} top-ups, ${subscriptions.length} subscriptions, ${invoices.length} invoices`);
    await kill9(serve);
    rmSync(dir, { recursive: true, force: true });

    // ---------------------------------------------------------------- the checks after each crash
    async function checkAfterCrash(url: string): Promise<void> {
      // 1. Every event of an acknowledged batch is stored.
      const stored = peek(dir, (db) => {
        const rows = db.prepare('SELECT c.external_id AS customer, e.transaction_id AS tx FROM events e JOIN customers c ON c.id = e.customer_id').all() as { customer: string; tx: string }[];
        return new Set(rows.map((r) => `${r.customer}/${r.tx}`));
      });
      const missing = ackedBatches.flatMap((b) => b.events.filter((e) => !stored.has(`${b.customer}/${e.transaction_id}`)).map((e) => e.transaction_id));
      expect(missing.slice(0, 10), `${missing.length} acknowledged events missing`).toEqual([]);

      // 2. Batches cut by the crash: possibly partly there; the client's retry makes them whole, each event once.
      unackedTotal += unackedBatches.length;
      for (const b of unackedBatches.splice(0)) {
        const present = b.events.filter((e) => stored.has(`${b.customer}/${e.transaction_id}`)).length;
        partial.push(present === b.events.length ? -1 : present);
        const res = await must(url, 'POST', '/v1/events/batch', { events: b.events }, [200]);
        expect(res.refused, JSON.stringify(res.results.find((r: { status: number }) => r.status >= 300))).toBe(0);
        expect(res.replayed).toBe(present);
        ackedBatches.push(b);
      }

      // 3. An event is stored with its debit or not at all: balance = funding - tokens of stored events.
      for (const c of BATCH_CUSTOMERS) {
        const tokens = peek(dir, (db) => BigInt((db.prepare("SELECT COALESCE(SUM(json_extract(e.properties, '$.tokens')), 0) AS t FROM events e JOIN customers c ON c.id = e.customer_id WHERE c.external_id = ? AND e.reversed_at IS NULL").get(c) as { t: number }).t));
        const bal = await must(url, 'GET', `/v1/customers/${c}/balances`);
        const usd = bal.balances.find((x: { asset: string }) => x.asset === 'USD');
        expect(BigInt(usd.posted), c).toBe(FUNDED - tokens);
      }

      // 4. Acknowledged top-ups and hold outcomes are there.
      for (const id of ackedTopUps) expect((await call(url, 'GET', `/v1/top-ups/${id}`)).status, id).toBe(200);
      for (const h of holds) {
        const a = await must(url, 'GET', `/v1/authorizations/${h.id}`);
        if (h.state === 'pending') expect(['pending', h.next], h.id).toContain(a.status);
        else {
          expect(a.status, h.id).toBe(h.state);
          expect(a.captured).toBe(h.captured);
        }
      }

      // 5. No period billed twice; invoice numbers without gap or repeat.
      const invoices = await allInvoices(url);
      const seen = new Set<string>();
      for (const inv of invoices) {
        if (!inv.subscription) continue;
        const key = `${inv.subscription}@${inv.period.start}`;
        expect(seen.has(key), `${key} billed twice`).toBe(false);
        seen.add(key);
      }
      const numbers = invoices.filter((i) => i.number).map((i) => Number(String(i.number).split('-').pop()));
      numbers.sort((a, b) => a - b);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));

      // 6. The ledger check passes.
      const verify = await must(url, 'GET', '/v1/ledger/verify');
      expect(verify.problems).toEqual([]);
      expect(verify.ok).toBe(true);
    }
  }, 30 * 60_000);
});

async function allInvoices(url: string): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await must(url, 'GET', `/v1/invoices?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    out.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

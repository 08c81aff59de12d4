/**
 * Crash safety of serve mode. Several clients ingest batches while the process is killed with
 * SIGKILL at a random moment; after a restart every event whose acknowledgement reached a client is
 * there, the balance equals the sum of the recorded events' debits (nothing half applied), and the
 * ledger check passes. Also: a second serve process on the same data dir is refused, and so is
 * `tollgate verify` while the engine runs (with a sentence, not a stack trace).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, tempDir } from '../helpers/harness';
import { kill9, startServe, type ServeProcess } from '../helpers/serve-process';

const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
const call = async (url: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

const running: ServeProcess[] = [];
afterAll(async () => {
  for (const p of running) await kill9(p);
});

describe('crash during batch ingestion', () => {
  it('keeps every acknowledged event and balance across SIGKILL and restart', async () => {
    const dir = tempDir();
    let serve = await startServe(dir);
    running.push(serve);
    await call(serve.url, 'POST', '/v1/assets', { code: 'USD' });
    await call(serve.url, 'POST', '/v1/customers', { external_id: 'acme' });
    await call(serve.url, 'POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '100000000' });
    await call(serve.url, 'POST', '/v1/metrics', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
    await call(serve.url, 'POST', '/v1/plans', { code: 'p', name: 'P', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.0001' } }] });
    await call(serve.url, 'POST', '/v1/subscriptions', { customer: 'acme', plan: 'p' });

    const acked = new Set<string>();
    let stop = false;
    const client = async (c: number) => {
      for (let b = 0; !stop; b++) {
        const events = Array.from({ length: 200 }, (_, i) => ({ transaction_id: `c${c}-b${b}-e${i}`, customer: 'acme', code: 'tokens', properties: { tokens: 1000 + i } }));
        try {
          const res = await call(serve.url, 'POST', '/v1/events/batch', { events });
          if (res.status === 200) for (const r of res.body.results) if (r.status === 201) acked.add(r.result.transaction_id);
        } catch {
          return; // the server died under us
        }
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    await new Promise((r) => setTimeout(r, 600 + Math.random() * 900));
    await kill9(serve);
    stop = true;
    await Promise.all(clients);
    expect(acked.size).toBeGreaterThan(100);

    serve = await startServe(dir);
    running.push(serve);
    const stored = new Map<string, bigint>();
    let cursor: string | null = null;
    do {
      const page: any = await call(serve.url, 'GET', `/v1/events?customer=acme&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      for (const e of page.body.data) stored.set(e.transaction_id, BigInt(e.debits[0]?.amount ?? '0'));
      cursor = page.body.next_cursor;
    } while (cursor);
    const missing = [...acked].filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    const debited = [...stored.values()].reduce((a, b) => a + b, 0n);
    const bal = await call(serve.url, 'GET', '/v1/customers/acme/balances');
    expect(BigInt(bal.body.balances[0].posted)).toBe(100000000n - debited);
    const verify = await call(serve.url, 'GET', '/v1/ledger/verify');
    expect(verify.body.problems).toEqual([]);
    expect(verify.body.ok).toBe(true);

    // a second serve process on the same data dir is refused with a clear message
    await expect(startServe(dir)).rejects.toThrow(/Another Tollgate engine is already using the data dir/);
    // so is `tollgate verify`, with the same sentence and where to check a running engine instead
    const verifyCli = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'tollgate.js'), 'verify', '--data-dir', dir], { encoding: 'utf8' });
    expect(verifyCli.status).toBe(1);
    expect(verifyCli.stderr).toMatch(/^tollgate verify: Another Tollgate engine is already using the data dir .*GET \/v1\/ledger\/verify/);
    expect(verifyCli.stderr).not.toMatch(/\n\s+at /);
    await kill9(serve);
    const stopped = spawnSync(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'tollgate.js'), 'verify', '--data-dir', dir], { encoding: 'utf8' });
    expect(stopped.status).toBe(0);
    expect(JSON.parse(stopped.stdout).ok).toBe(true);
  }, 60_000);
});

describe('crash during a billing run', () => {
  it('bills every due period exactly once across SIGKILL and restart', async () => {
    const dir = tempDir();
    let serve = await startServe(dir);
    running.push(serve);
    await call(serve.url, 'POST', '/v1/assets', { code: 'USD' });
    await call(serve.url, 'PATCH', '/v1/settings', { grace_period_hours: 0 });
    await call(serve.url, 'POST', '/v1/plans', { code: 'p', name: 'P', interval: 'weekly', fixed_fee: { asset: 'USD', amount: '700' } });
    // Subscriptions that started ten weeks ago: every week since has come due.
    const start = new Date(Date.now() - 70 * 86_400_000).toISOString();
    const n = 150;
    for (let i = 0; i < n; i += 25) {
      await Promise.all(
        Array.from({ length: 25 }, async (_, k) => {
          const c = `c${i + k}`;
          await call(serve.url, 'POST', '/v1/customers', { external_id: c, billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
          await call(serve.url, 'POST', '/v1/subscriptions', { customer: c, plan: 'p', start_at: start });
        }),
      );
    }
    // The billing clock picks them up within two seconds; kill the engine while it is at it.
    const run = await call(serve.url, 'POST', '/v1/billing-runs', {});
    expect(run.status).toBe(201);
    await new Promise((r) => setTimeout(r, 150 + Math.random() * 400));
    await kill9(serve);

    serve = await startServe(dir);
    running.push(serve);
    const done = await call(serve.url, 'POST', '/v1/billing-runs', {});
    for (let i = 0; i < 200; i++) {
      const r = await call(serve.url, 'GET', `/v1/billing-runs/${done.body.id}`);
      if (r.body.status !== 'running') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const invoices: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call(serve.url, 'GET', `/v1/invoices?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      invoices.push(...page.body.data);
      cursor = page.body.next_cursor;
    } while (cursor);
    const byCustomer = new Map<string, string[]>();
    for (const inv of invoices) byCustomer.set(inv.customer, [...(byCustomer.get(inv.customer) ?? []), inv.period.start]);
    expect(byCustomer.size).toBe(n);
    const expected = [...byCustomer.values()][0]!.length;
    expect(expected).toBeGreaterThanOrEqual(9);
    for (const [customer, starts] of byCustomer) {
      expect(new Set(starts).size, `${customer} billed a period twice`).toBe(starts.length);
      expect(starts.length, `${customer} skipped a period`).toBe(expected);
    }
    // numbers are gapless
    const numbers = invoices.filter((i) => i.number).map((i) => Number(i.number.split('-')[2])).sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    const verify = await call(serve.url, 'GET', '/v1/ledger/verify');
    expect(verify.body.problems).toEqual([]);
    await kill9(serve);
  }, 120_000);
});

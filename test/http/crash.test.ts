/**
 * Crash safety of serve mode. Several clients ingest batches while the process is killed with
 * SIGKILL at a random moment; after a restart every event whose acknowledgement reached a client is
 * there, the balance equals the sum of the recorded events' debits (nothing half applied), and the
 * ledger check passes. Also: a second serve process on the same data dir is refused.
 */
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
    await kill9(serve);
  }, 60_000);
});

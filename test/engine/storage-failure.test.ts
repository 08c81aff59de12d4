/**
 * Storage failures inside an operation (the in-process complement of test/reliability/storage):
 * SQLite's `max_page_count` makes the database "full" at a page count, so an INSERT fails with
 * SQLITE_FULL in the middle of an operation rather than at COMMIT. The operation (and every other
 * one of its batch) is answered 503 storage_unavailable, promptly, instead of being retried by the
 * writer for as long as the disk stays full; health turns degraded with a sentence about it; once
 * the limit is lifted the engine's storage probe turns health green and writes work again; nothing
 * refused was written and the ledger check passes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TollgateError } from '../../src-main/engine/errors';
import { type EngineFixture, openEngine, seedTokens } from '../helpers/harness';

let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

/** Resolves with the outcome, or with 'hung' when the writer never answers. */
const settle = <T>(p: Promise<T>) => Promise.race([p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e })), new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);

describe('a database that cannot grow', () => {
  it('answers 503 at once, reports it in health, and resumes when it can grow again', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '100000000' });
    const pages = fx.engine.db.pragma('page_count', { simple: true }) as number;
    fx.engine.db.pragma(`max_page_count = ${pages}`);

    const big = 'x'.repeat(3000);
    let refused = 0;
    const acked: string[] = [];
    const refusedIds: string[] = [];
    for (let i = 0; i < 400 && refused < 5; i++) {
      const tx = `e${i}`;
      const r = await settle(fx.op('ingestEvent', { transaction_id: tx, customer: 'acme', code: 'tokens', properties: { tokens: 10, big } }));
      expect(r, `event ${i} got no answer`).not.toBe('hung');
      if (r === 'hung') return;
      if (r.ok) acked.push(tx);
      else {
        expect(r.e).toBeInstanceOf(TollgateError);
        expect((r.e as TollgateError).code).toBe('storage_unavailable');
        expect((r.e as TollgateError).status).toBe(503);
        refused++;
        refusedIds.push(tx);
      }
    }
    expect(refused).toBe(5);
    // A batch: every event answered, the failed ones 503.
    const batch = await settle(fx.op<any>('ingestBatch', { events: Array.from({ length: 20 }, (_, k) => ({ transaction_id: `b${k}`, customer: 'acme', code: 'tokens', properties: { tokens: 1, big } })) }));
    expect(batch).not.toBe('hung');
    if (batch !== 'hung' && batch.ok) expect(batch.v.results.every((r: { status: number }) => r.status === 201 || r.status === 503)).toBe(true);

    const health = await fx.op<any>('health', {});
    expect(health.status).toBe('degraded');
    expect(health.storage).toMatchObject({ available: false });
    expect(health.storage.message).toMatch(/full/);

    fx.engine.db.pragma('max_page_count = 1073741823');
    const again = await fx.op<any>('health', {});
    expect(again.status).toBe('ok');
    expect(again.storage).toMatchObject({ available: true, message: null, since: null });
    await fx.op('ingestEvent', { transaction_id: 'after', customer: 'acme', code: 'tokens', properties: { tokens: 10 } });

    for (const tx of acked) expect(fx.engine.store.getEvent(fx.engine.customers.require('acme').id, tx), tx).toBeDefined();
    for (const tx of refusedIds) expect(fx.engine.store.getEvent(fx.engine.customers.require('acme').id, tx), tx).toBeUndefined();
    expect(fx.engine.verify().problems).toEqual([]);
  });
});

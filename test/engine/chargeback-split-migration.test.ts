/**
 * Migration 010: chargebacks recorded before it had set `refunded_amount` to the whole top-up. The
 * migration recounts the refunds from the ledger, so an old chargeback reads as a new one does:
 * `refunded_amount` the refunds, `charged_back_amount` the rest.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineFixture, openEngine, tempDir } from '../helpers/harness';

let fx: EngineFixture | null = null;
afterEach(async () => {
  await fx?.close();
  fx = null;
});

describe('migration 010 (chargeback split)', () => {
  it('recounts the refunds of chargebacks written the old way; other top-ups are untouched', async () => {
    const dataDir = tempDir();
    fx = openEngine({ dataDir });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'old' });
    const cb = await fx.op<any>('createTopUp', { external_id: 'old', asset: 'USD', amount: '3000' });
    await fx.op('refundTopUp', { id: cb.id, amount: '1000' });
    await fx.op('reverseTopUp', { id: cb.id, reason: 'card dispute' });
    const full = await fx.op<any>('createTopUp', { external_id: 'old', asset: 'USD', amount: '700' });
    await fx.op('refundTopUp', { id: full.id });
    const plain = await fx.op<any>('createTopUp', { external_id: 'old', asset: 'USD', amount: '400' });
    await fx.op('refundTopUp', { id: plain.id, amount: '100' });
    await fx.close();

    // Make the rows what version 9 wrote: a chargeback set refunded_amount to the whole top-up, and
    // a chargeback of a top-up refunded in full was recorded as a no-op with the flag set.
    const db = new Database(`${dataDir}/tollgate.db`);
    db.prepare('UPDATE top_ups SET refunded_amount = amount WHERE id = ?').run(cb.id);
    db.prepare('UPDATE top_ups SET chargeback = 1 WHERE id = ?').run(full.id);
    db.pragma('user_version = 9');
    // ...and without what later versions added (11: the segments' transfer bound).
    db.exec('ALTER TABLE periods DROP COLUMN transfers_before');
    db.close();

    fx = openEngine({ dataDir });
    expect(await fx.op('getTopUp', { id: cb.id })).toMatchObject({ chargeback: true, refunded_amount: '1000', charged_back_amount: '2000' });
    expect(await fx.op('getTopUp', { id: full.id })).toMatchObject({ chargeback: true, refunded_amount: '700', charged_back_amount: '0' });
    expect(await fx.op('getTopUp', { id: plain.id })).toMatchObject({ chargeback: false, refunded_amount: '100', charged_back_amount: '0' });
    expect(fx.engine.verify().ok).toBe(true);
  });
});

/**
 * Proves that a Stripe export (fixtures/stripe: customers with their invoice balance, Billing
 * credit grants with their balance transactions, a cash balance) imports: customers with their
 * details, credit grants as lots (paid or promotional = granted, what remains after the debits,
 * priority and expiry kept), the customer balance as credit (negative) or debt (positive), the cash
 * balance as paid credit; expired, voided and deleted objects are reported as skipped; the ledger
 * check passes and a second import changes nothing.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, ledgerDigest, openEngine } from '../helpers/harness';

const STRIPE = join(import.meta.dirname, 'fixtures', 'stripe');
let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

describe('import from Stripe', () => {
  it('imports customers, credit grants and balances', async () => {
    fx = openEngine({ clock: new ManualClock(Date.parse('2026-11-20T12:00:00Z')) });
    const report = await fx.op('createImport', { folder: STRIPE });
    expect(report.errors).toEqual([]);
    expect(report).toMatchObject({ source: 'stripe', ok: true, ledger: { ok: true } });
    const skipped = report.files.flatMap((f: any) => f.skipped).map((s: any) => [s.file, s.line, s.reason]);
    expect(skipped).toEqual([
      ['customers.jsonl', 3, 'deleted customer'],
      ['credit_grants.jsonl', 3, 'expired on 2024-12-31T23:59:59.000Z'],
      ['credit_grants.jsonl', 4, 'voided'],
    ]);

    const sterling = await fx.op('getCustomer', { external_id: 'sterling' });
    expect(sterling).toMatchObject({ name: 'Sterling Cooper GmbH', email: 'billing@sterling.test', country: 'DE', currency: 'EUR', language: 'de', tax_treatment: 'reverse_charge', address: ['Friedrichstraße 100', '10117 Berlin'] });
    expect(sterling.metadata).toMatchObject({ stripe_customer_id: 'cus_Q1a2b3c4d5e6f7', external_id: 'sterling', plan: 'agency' });
    // EUR: the invoice balance of -€25 (credit), the €12 cash balance and the €50 grant.
    const eur = (await fx.op('getBalances', { external_id: 'sterling' })).balances[0];
    expect(eur).toMatchObject({ asset: 'EUR', available: '8700', debt: '0' });
    expect(eur.lots.map((l: any) => [l.kind, l.remaining]).sort()).toEqual([
      ['paid', '1200'],
      ['paid', '2500'],
      ['paid', '5000'],
    ]);

    // Dunder Mifflin has no external id in its metadata: its Stripe id is its external_id.
    // USD: $100 paid grant with $35 applied ($65 left), a $20 promotional grant (priority 20,
    // expiring), and $18 owed (the positive invoice balance), repaid from the credit that came in.
    const usd = (await fx.op('getBalances', { external_id: 'cus_R9z8y7x6w5v4u3' })).balances[0];
    expect(usd).toMatchObject({ asset: 'USD', available: '6700', debt: '0', posted: '6700' });
    expect(usd.lots.map((l: any) => [l.kind, l.amount, l.remaining, l.priority, l.expires_at]).sort()).toEqual([
      ['granted', '2000', '2000', 20, '2026-12-31T23:59:59.000Z'],
      ['paid', '6500', '4700', 50, null],
    ]);
    expect(fx.engine.verify().ok).toBe(true);

    const digest = ledgerDigest(fx.engine);
    const again = await fx.engine.portability.runImport({ folder: STRIPE });
    expect(again.ok).toBe(true);
    expect(ledgerDigest(fx.engine)).toBe(digest);
  });
});

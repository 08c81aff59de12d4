/**
 * Credit applied when an invoice is finalized, on a frozen clock through the HTTP API (every answer
 * checked against the OpenAPI document). `billing_mode: postpaid` promises it: usage and fees go to
 * the receivable, and the free credit in the wallet (lots neither expired nor reserved by a pending
 * authorization) is applied when the invoice is finalized, counted in `credits_applied`, older
 * invoices still owed first. And `repaid_from_credit`: credit that repaid an invoice after it was
 * finalized, so that amount_due − amount_paid − credited_to_receivable − repaid_from_credit is
 * exactly amount_outstanding. And a payment's `paid_at` may not be in the future.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type ServerFixture, startApi, advanceBilling } from '../helpers/harness';

let fx: ServerFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const at = (s: string) => Date.parse(s);
const FEE = 2213n; // a $22.13 monthly fee in arrears
const TAX_RATE = 20n;
/** Half away from zero, as the engine rounds tax (positive amounts here). */
const taxOf = (base: bigint) => (base * TAX_RATE * 2n + 100n) / 200n;
const TAX = taxOf(FEE); // 442.6 -> 443
const TOTAL = FEE + TAX; // 2656, post2's invoice in the finance review

async function ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fx.api<T>(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
}
const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);
const invoices = async (customer = 'acme') => (await ok('GET', `/v1/invoices?customer=${customer}&limit=500`)).data as any[];
const balance = async (customer = 'acme') => (await ok('GET', `/v1/customers/${customer}/balances`)).balances.find((b: any) => b.asset === 'USD');
const aging = async (customer = 'acme') => (await ok('GET', `/v1/receivables/aging?customer=${customer}`)).customers[0];

/** The identity the contract states for every finalized invoice. */
function expectIdentity(inv: any) {
  expect(BigInt(inv.credits_applied) + BigInt(inv.amount_due)).toBe(BigInt(inv.total));
  expect(BigInt(inv.amount_due) - BigInt(inv.amount_paid) - BigInt(inv.credited_to_receivable) - BigInt(inv.repaid_from_credit)).toBe(BigInt(inv.amount_outstanding));
}

/** A customer on the $22.13 fee in arrears with 20% tax, from April 1st (calendar months). */
async function start(o: { mode: 'prepaid' | 'postpaid'; grace?: number; grant?: string; now?: string }) {
  clock = new ManualClock(at(o.now ?? '2026-04-01T00:00:00Z'));
  fx = await startApi({ clock });
  await ok('PATCH', '/v1/settings', { grace_period_hours: o.grace ?? 0, tax_rate: String(TAX_RATE) });
  await ok('POST', '/v1/assets', { code: 'USD' });
  await ok('POST', '/v1/plans', { code: 'pro', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: FEE.toString() } });
  await ok('POST', '/v1/customers', { external_id: 'acme', name: 'Acme', billing_mode: o.mode, on_insufficient_funds: 'record_as_debt', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
  if (o.grant) await ok('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: o.grant, kind: 'granted' });
  return ok('POST', '/v1/subscriptions', { customer: 'acme', plan: 'pro' });
}

describe('credit applied when a postpaid invoice is finalized', () => {
  it('post2\'s case: a 7.00 grant against 26.56 due: credits applied 7.00, amount due 19.56, the wallet empty', async () => {
    await start({ mode: 'postpaid', grant: '700' });
    // postpaid: the grant sits in the wallet, the usage and fees go to the receivable
    await advanceTo('2026-05-01T00:00:00Z'); // April closes and (no grace period) is finalized
    const [inv] = await invoices();
    const credit = 700n;
    expect(inv).toMatchObject({
      status: 'open',
      subtotal: FEE.toString(),
      tax: TAX.toString(),
      total: '2656',
      credits_applied: credit.toString(),
      amount_due: (TOTAL - credit).toString(), // 1956
      amount_paid: '0',
      amount_outstanding: '1956',
      repaid_from_credit: '0',
      credited_to_receivable: '0',
    });
    expectIdentity(inv);
    // nothing left to settle from: the credit was used, and settle-from-credit is not offered
    expect(inv.allowed_actions).not.toContain('settle_from_credit');
    expect(inv.allowed_actions).not.toContain('void');
    const b = await balance();
    expect(b).toMatchObject({ posted: '0', pending: '0', debt: '1956', available: '-1956' });
    expect(b.lots[0]).toMatchObject({ amount: '700', remaining: '0', reserved: '0' });
    // the receivable is the invoice's outstanding amount, not due yet, nothing uninvoiced
    expect(await aging()).toMatchObject({ not_due: '1956', overdue: '0', uninvoiced: '0', total: '1956', invoices: 1 });
    // the frozen document says so too
    const doc = await ok('GET', `/v1/invoices/${inv.id}`);
    expect(doc.credits_applied).toBe('700');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('credit larger than the invoice: the invoice is paid from it, the rest stays for the next invoice', async () => {
    await start({ mode: 'postpaid', grant: '5000' });
    await advanceTo('2026-05-01T00:00:00Z');
    const [april] = await invoices();
    expect(april).toMatchObject({ status: 'paid', total: '2656', credits_applied: '2656', amount_due: '0', amount_outstanding: '0', repaid_from_credit: '0' });
    expectIdentity(april);
    const left = 5000n - TOTAL; // 2344
    expect(await balance()).toMatchObject({ posted: left.toString(), debt: '0', available: left.toString() });
    // May: 23.44 left against 26.56
    await advanceTo('2026-06-01T00:00:00Z');
    const may = (await invoices())[1];
    expect(may).toMatchObject({ status: 'open', total: '2656', credits_applied: left.toString(), amount_due: (TOTAL - left).toString(), amount_outstanding: '312' });
    expectIdentity(may);
    expect(await balance()).toMatchObject({ posted: '0', debt: '312' });
    expect(await aging()).toMatchObject({ not_due: '312', total: '312', invoices: 1 });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('only credit in the invoice\'s currency is applied', async () => {
    await start({ mode: 'postpaid' });
    await ok('POST', '/v1/assets', { code: 'EUR' });
    await ok('POST', '/v1/customers/acme/top-ups', { asset: 'EUR', amount: '5000', kind: 'granted' });
    await advanceTo('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ currency: 'USD', credits_applied: '0', amount_due: '2656', amount_outstanding: '2656' });
    expect((await ok('GET', '/v1/customers/acme/balances')).balances.find((b: any) => b.asset === 'EUR')).toMatchObject({ posted: '5000' });
  });

  it('two drafts finalized by one billing run: the older takes the credit first', async () => {
    // a 40-day grace: April's draft (closed May 1) and May's (closed June 1) both wait
    await start({ mode: 'postpaid', grant: '3000', grace: 40 * 24 });
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-06-01T00:00:00Z');
    expect((await invoices()).map((i: any) => i.status)).toEqual(['draft', 'draft']);
    // a draft does not apply credit yet: what finalization will post is still amount due
    expect((await invoices())[0]).toMatchObject({ credits_applied: '0', amount_due: '2656' });
    await advanceTo('2026-07-11T00:00:01Z'); // both grace periods over
    const [april, may] = await invoices();
    const toMay = 3000n - TOTAL; // 344
    expect(april).toMatchObject({ status: 'paid', credits_applied: '2656', amount_due: '0', amount_outstanding: '0' });
    expect(may).toMatchObject({ credits_applied: toMay.toString(), amount_due: (TOTAL - toMay).toString(), amount_outstanding: '2312' });
    expectIdentity(april);
    expectIdentity(may);
    // June closed on July 1st too: its fee (a draft until August) is debt not invoiced yet
    expect(await balance()).toMatchObject({ posted: '0', debt: (2312n + FEE).toString() });
    expect(await aging()).toMatchObject({ not_due: '2312', uninvoiced: FEE.toString() });
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('credit held by a pending authorization is never applied', () => {
  it('of 10.00 of credit, the 4.00 a pending hold reserves stays with it; the 6.00 released is applied', async () => {
    // prepaid, grace 1 hour; on April 30th the whole 10.00 is reserved by two holds
    await start({ mode: 'prepaid', grace: 1, now: '2026-04-01T00:00:00Z' });
    clock.set(at('2026-04-30T23:00:00Z'));
    await ok('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '1000' });
    const a = await ok('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '600', ttl_seconds: 86_400 });
    const b = await ok('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '400', ttl_seconds: 86_400 });
    await advanceTo('2026-05-01T00:00:00Z'); // April closes: its fee finds no free credit, it is debt
    expect(await balance()).toMatchObject({ posted: '1000', pending: '1000', debt: FEE.toString() });
    clock.set(at('2026-05-01T00:10:00Z'));
    await ok('POST', `/v1/authorizations/${a.id}/void`, {});
    await advanceTo('2026-05-01T01:00:01Z'); // finalized: tax from the free credit, then the rest of it applied
    const [inv] = await invoices();
    const free = 600n;
    expect(inv).toMatchObject({ total: TOTAL.toString(), credits_applied: free.toString(), amount_due: (TOTAL - free).toString(), amount_outstanding: '2056' });
    expectIdentity(inv);
    const bal = await balance();
    expect(bal).toMatchObject({ posted: '400', pending: '400', debt: '2056' });
    expect(bal.lots[0]).toMatchObject({ remaining: '400', reserved: '400' });
    expect((await ok('GET', `/v1/authorizations/${b.id}`)).status).toBe('pending');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('free credit at finalization repays an older invoice still owed first, then the invoice being finalized', async () => {
    // Prepaid, grace 1 hour. Credit arriving while the customer owes repays the debt at once; it
    // is free beside a debt only when a hold that reserved it ends: 10.00 reserved by a hold from
    // April 30th, while April's invoice (26.56) and May's first day are booked as debt.
    const sub = await start({ mode: 'prepaid', grace: 1 });
    clock.set(at('2026-04-30T23:00:00Z'));
    await ok('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '1000' });
    const hold = await ok('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '1000', ttl_seconds: 86_400 });
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-05-01T01:00:01Z');
    const [april] = await invoices();
    expect(april).toMatchObject({ credits_applied: '0', amount_due: '2656', amount_outstanding: '2656', repaid_from_credit: '0' });
    clock.set(at('2026-05-01T02:00:00Z'));
    await ok('POST', `/v1/subscriptions/${sub.id}/terminate`, { at: 'now' }); // May closes: its first day's fee, as debt
    clock.set(at('2026-05-01T02:30:00Z'));
    await ok('POST', `/v1/authorizations/${hold.id}/void`, {}); // the 10.00 is free again
    await advanceTo('2026-05-01T03:00:01Z'); // May's invoice finalized
    const [april2, may] = await invoices();
    const mayFee = BigInt(may.subtotal);
    const mayTax = taxOf(mayFee);
    // May's tax is taken from the credit (prepaid), the rest repays April first (the oldest)
    const toApril = 1000n - mayTax;
    expect(may).toMatchObject({ tax: mayTax.toString(), total: (mayFee + mayTax).toString(), credits_applied: mayTax.toString(), amount_due: mayFee.toString(), amount_outstanding: mayFee.toString(), repaid_from_credit: '0' });
    expect(april2).toMatchObject({ amount_due: '2656', repaid_from_credit: toApril.toString(), amount_outstanding: (TOTAL - toApril).toString() });
    expectIdentity(april2);
    expectIdentity(may);
    expect(await balance()).toMatchObject({ posted: '0', pending: '0', debt: (TOTAL - toApril + mayFee).toString() });
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('repaid_from_credit: what repaid an invoice after it was finalized', () => {
  it('TG-2026-000002\'s case: payments, a credit note and a top-up, and the identity holds exactly', async () => {
    await start({ mode: 'postpaid' });
    await advanceTo('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ amount_due: '2656', amount_outstanding: '2656', repaid_from_credit: '0' });
    clock.set(at('2026-05-05T00:00:00Z'));
    await ok('POST', `/v1/invoices/${inv.id}/payments`, { amount: '1000', method: 'bank_transfer' });
    const fee = inv.lines.find((l: any) => l.kind === 'fixed_fee');
    const note = await ok('POST', `/v1/invoices/${inv.id}/credit-notes`, { reason: 'order_change', settlement: 'credit', lines: [{ line_id: fee.id, amount: '100' }] });
    const afterNote = await ok('GET', `/v1/invoices/${inv.id}`);
    // the note came off what is owed (postpaid: nothing was paid from credit)
    expect(afterNote.credited_to_receivable).toBe(note.total);
    const owedBefore = 2656n - 1000n - BigInt(note.total);
    expect(afterNote).toMatchObject({ amount_paid: '1000', credited: note.total, repaid_from_credit: '0', amount_outstanding: owedBefore.toString() });
    expectIdentity(afterNote);
    // a top-up of 5.00 repays the debt: this invoice, the only one owed
    await ok('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '500' });
    const after = await ok('GET', `/v1/invoices/${inv.id}`);
    expect(after).toMatchObject({ amount_paid: '1000', credits_applied: '0', credited: note.total, repaid_from_credit: '500', amount_outstanding: (owedBefore - 500n).toString() });
    expectIdentity(after);
    // the list says the same, and the aging counts the outstanding amount
    expect((await invoices())[0]).toMatchObject({ repaid_from_credit: '500', amount_outstanding: (owedBefore - 500n).toString() });
    expect(await aging()).toMatchObject({ total: (owedBefore - 500n).toString() });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('two unpaid invoices: a top-up repays the older first, each says how much', async () => {
    await start({ mode: 'postpaid' });
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-06-01T00:00:00Z');
    clock.set(at('2026-06-05T00:00:00Z'));
    await ok('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '3000' });
    const [april, may] = await invoices();
    expect(april).toMatchObject({ status: 'paid', amount_due: '2656', repaid_from_credit: '2656', amount_outstanding: '0' });
    expect(may).toMatchObject({ amount_due: '2656', repaid_from_credit: (3000n - TOTAL).toString(), amount_outstanding: (2n * TOTAL - 3000n).toString() });
    expectIdentity(april);
    expectIdentity(may);
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('payments: paid_at', () => {
  it('refuses a paid_at in the future (beyond the 5-minute tolerance events get), naming the field', async () => {
    await start({ mode: 'postpaid' });
    await advanceTo('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    const res = await fx.api('POST', `/v1/invoices/${inv.id}/payments`, { amount: '100', method: 'bank_transfer', paid_at: '2030-01-01T00:00:00Z' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: { code: 'validation_failed' } });
    expect(JSON.stringify(res.body)).toContain('paid_at');
    // nothing recorded
    expect(await ok('GET', `/v1/invoices/${inv.id}`)).toMatchObject({ amount_paid: '0', payments: [] });
    // within the tolerance, and in the past: accepted
    const soon = new Date(at('2026-05-01T00:04:00Z')).toISOString();
    expect((await fx.api('POST', `/v1/invoices/${inv.id}/payments`, { amount: '100', method: 'bank_transfer', paid_at: soon })).status).toBe(201);
    expect((await fx.api('POST', `/v1/invoices/${inv.id}/payments`, { amount: '100', method: 'bank_transfer', paid_at: '2026-04-30T12:00:00Z' })).status).toBe(201);
    expect((await ok('GET', `/v1/invoices/${inv.id}`)).amount_paid).toBe('200');
  });
});

/**
 * Debt repaid from credit before the invoice is finalized, on a frozen clock. A prepaid customer's
 * charge booked as debt (no credit at the time) and repaid by a later top-up (debt_repayment) was
 * paid from credit: the invoice says so when it is finalized (credits applied, nothing due) and its
 * frozen PDF too. Repayments pay the oldest debt first: older open invoices, then this invoice, and
 * the debt not invoiced yet (the current period) last; a debt still open stays amount due.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine, advanceBilling } from '../helpers/harness';

let fx: EngineFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const at = (s: string) => Date.parse(s);
const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);
const invoices = async () => (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
const sumOfLines = (inv: any) => inv.lines.filter((l: any) => !l.informational).reduce((s: bigint, l: any) => s + BigInt(l.amount), 0n);
const topUp = (amount: string) => fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount });
const debt = async () => (await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0].debt;

/** A prepaid customer without credit on a $29 plan paid in advance, from `now` (calendar months). */
async function start(now = '2026-04-01T00:00:00Z', settings: Record<string, unknown> = {}, credit?: string) {
  clock = new ManualClock(at(now));
  fx = openEngine({ clock });
  await fx.op('updateSettings', { grace_period_hours: 24, company: { legal_name: 'Tollgate Demo SAS', address: ['12 rue de la Paix', '75002 Paris'], country: 'FR', email: 'billing@demo.test' }, ...settings });
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createCustomer', { external_id: 'acme', name: 'Acme' });
  if (credit) await topUp(credit);
  await fx.op('createPlan', { code: 'starter', name: 'Starter', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2900', pay_in_advance: true } });
  return fx.op<any>('createSubscription', { customer: 'acme', plan: 'starter' });
}

async function pdfText(id: string): Promise<string> {
  await fx.engine.documents.renderPending();
  const doc = await fx.op<any>('getInvoiceDocument', { id });
  const dir = mkdtempSync(join(tmpdir(), 'repaid-'));
  writeFileSync(join(dir, 'inv.pdf'), Buffer.from(doc.base64, 'base64'));
  return execFileSync('pdftotext', ['-layout', join(dir, 'inv.pdf'), '-']).toString();
}

describe('a prepaid fee booked as debt and repaid by a top-up before the invoice', () => {
  it('the operator\'s case: credits applied $29.00, amount due $0.00, on the invoice and its frozen PDF', async () => {
    await start();
    expect(await debt()).toBe('2900'); // no credit when the advance fee was posted
    clock.set(at('2026-04-10T00:00:00Z'));
    await topUp('10000'); // repays the debt first
    expect(await debt()).toBe('0');
    await advanceTo('2026-05-01T00:00:00Z'); // April closes; May's fee is paid from the credit left
    const [draft] = await invoices();
    // the draft already says so
    expect(draft).toMatchObject({ status: 'draft', total: '2900', credits_applied: '2900', amount_due: '0' });
    await advanceTo('2026-05-02T00:00:01Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ status: 'paid', total: '2900', credits_applied: '2900', amount_due: '0', amount_outstanding: '0', amount_paid: '0' });
    expect(BigInt(inv.credits_applied) + BigInt(inv.amount_due)).toBe(BigInt(inv.total));
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    const text = await pdfText(inv.id);
    // the headline of the summary band and the totals both say nothing is due
    expect(text).toMatch(/AMOUNT DUE\s*\n\s*\n[^\n]*\$0\.00\s*\n/);
    expect(text).toMatch(/Credits applied\s+\(\$29\.00\)/);
    expect(text).toMatch(/Amount due\s+\$0\.00/);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a debt repaid in part: what was repaid is credits applied, the rest stays due (the current period\'s debt is the newest)', async () => {
    await start();
    clock.set(at('2026-04-10T00:00:00Z'));
    await topUp('1000'); // repays 10.00 of April's 29.00
    await advanceTo('2026-05-01T00:00:00Z'); // May's fee: no credit, 29.00 more debt
    expect(await debt()).toBe('4800');
    await advanceTo('2026-05-02T00:00:01Z');
    const [april] = await invoices();
    // April's debt is older than May's: the 10.00 repaid April's, and 19.00 of it is still open
    expect(april).toMatchObject({ total: '2900', credits_applied: '1000', amount_due: '1900', amount_outstanding: '1900', status: 'open' });
    expect(BigInt(april.total)).toBe(sumOfLines(april));
    const aprilText = await pdfText(april.id);
    expect(aprilText).toMatch(/Credits applied\s+\(\$10\.00\)/);
    expect(aprilText).toMatch(/Amount due\s+\$19\.00/);
    // a later top-up repays April first (the oldest), then May's fee
    await topUp('2000');
    expect((await invoices()).map((i: any) => [i.status, i.amount_outstanding])).toEqual([['paid', '0']]);
    await advanceTo('2026-06-01T00:00:00Z');
    await advanceTo('2026-06-02T00:00:01Z');
    const [, may] = await invoices();
    // May's 29.00: 1.00 repaid from that top-up, 28.00 open (June's fee is newer debt still)
    expect(may).toMatchObject({ total: '2900', credits_applied: '100', amount_due: '2800', amount_outstanding: '2800' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('an older invoice still open is repaid before this one, and the current period\'s charges after it', async () => {
    await start('2026-03-01T00:00:00Z');
    await advanceTo('2026-04-01T00:00:00Z'); // March closes, April's fee is debt too: 58.00
    await advanceTo('2026-04-02T00:00:01Z');
    const [march] = await invoices();
    expect(march).toMatchObject({ credits_applied: '0', amount_due: '2900', amount_outstanding: '2900' });
    clock.set(at('2026-04-10T00:00:00Z'));
    await topUp('4000'); // pays March (29.00), then 11.00 of April
    // March is paid; April's 18.00 still open is not March's
    expect((await invoices()).map((i: any) => [i.status, i.amount_outstanding])).toEqual([['paid', '0']]);
    await advanceTo('2026-05-01T00:00:00Z'); // May's fee, 29.00 of debt, is the newest
    await advanceTo('2026-05-02T00:00:01Z');
    const list = await invoices();
    expect(list.map((i: any) => [i.total, i.credits_applied, i.amount_due, i.amount_outstanding, i.status])).toEqual([
      ['2900', '0', '2900', '0', 'paid'], // March: finalized before the top-up, paid by it since
      ['2900', '1100', '1800', '1800', 'open'],
    ]);
    expect(await debt()).toBe('4700'); // April's 18.00 and May's 29.00
    for (const i of list) expect(BigInt(i.total)).toBe(sumOfLines(i));
    // a payment on March is refused: nothing is left to pay on it
    await expect(fx.op('recordPayment', { id: list[0].number, amount: '100', method: 'bank_transfer' })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('with tax on the invoice: the tax posted at finalization is paid from the credit left, the fee\'s repaid debt is credits applied', async () => {
    await start('2026-04-01T00:00:00Z', { tax_rate: '20' });
    clock.set(at('2026-04-10T00:00:00Z'));
    await topUp('10000');
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-05-02T00:00:01Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ subtotal: '2900', tax: '580', total: '3480', credits_applied: '3480', amount_due: '0', status: 'paid' });
    expect(await pdfText(inv.id)).toMatch(/Amount due\s+\$0\.00/);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('the debt is one pool paid oldest invoice first: the next period\'s fee repaid before this invoice\'s tax was posted still pays this invoice first', async () => {
    await start('2026-04-01T00:00:00Z', { tax_rate: '20' }, '2900'); // April's fee is paid from credit
    await advanceTo('2026-05-01T00:00:00Z'); // April closes; May's fee: no credit left, 29.00 of debt
    expect(await debt()).toBe('2900');
    clock.set(at('2026-05-01T12:00:00Z'));
    await topUp('2900'); // repays May's fee
    await advanceTo('2026-05-02T00:00:01Z'); // April finalized: its 5.80 of tax goes to the receivable (no credit)
    expect(await debt()).toBe('580');
    const april = (await invoices()).find((i: any) => i.period.start.startsWith('2026-04'));
    // the customer owes 5.80 in all; by the rule it is May's (not invoiced yet), April is paid
    expect(april).toMatchObject({ subtotal: '2900', tax: '580', total: '3480', credits_applied: '3480', amount_due: '0', amount_outstanding: '0', status: 'paid' });
    await advanceTo('2026-06-01T00:00:00Z');
    await topUp('10000'); // June's fee and the 5.80
    await advanceTo('2026-06-02T00:00:01Z');
    const may = (await invoices()).find((i: any) => i.period.start.startsWith('2026-05'));
    expect(may).toMatchObject({ total: '3480', credits_applied: '3480', amount_due: '0', status: 'paid' });
    for (const i of await invoices()) expect(BigInt(i.credits_applied) + BigInt(i.amount_due)).toBe(BigInt(i.total));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a postpaid customer\'s open debt stays amount due', async () => {
    clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('updateSettings', { grace_period_hours: 24 });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
    await fx.op('createPlan', { code: 'starter', name: 'Starter', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2900', pay_in_advance: true } });
    await fx.op('createSubscription', { customer: 'acme', plan: 'starter' });
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-05-02T00:00:01Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ total: '2900', credits_applied: '0', amount_due: '2900', amount_outstanding: '2900', status: 'open' });
    expect(fx.engine.verify().ok).toBe(true);
  });
});

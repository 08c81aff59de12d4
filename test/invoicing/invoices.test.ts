/**
 * Invoices as statements of the ledger, on a frozen clock: golden totals across models, prorations,
 * coupons, both tax points and wallet credits, each checked against the sum of the period's
 * transfers; the lifecycle (draft during grace, finalize with gapless numbers, payments, settle from
 * credit, void and reissue, credit notes); catch-up over missed periods; the frozen PDF.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, ledgerDigest, openEngine, advanceBilling, finishBillingPeriod } from '../helpers/harness';

let fx: EngineFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const at = (s: string) => Date.parse(s);

async function start(o: { now?: string; customer?: Record<string, unknown>; plan?: Record<string, unknown>; topUp?: string; settings?: Record<string, unknown>; metric?: Record<string, unknown> } = {}) {
  clock = new ManualClock(at(o.now ?? '2026-04-01T00:00:00Z'));
  fx = openEngine({ clock });
  await fx.op('updateSettings', { grace_period_hours: 24, company: { legal_name: 'Tollgate Demo SAS', address: ['12 rue de la Paix', '75002 Paris'], country: 'FR', tax_id: 'FR12345678901', email: 'billing@demo.test' }, ...o.settings });
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createCustomer', { external_id: 'acme', name: 'Acme', legal_name: 'Acme Analytics GmbH', address: ['Friedrichstraße 100', '10117 Berlin'], country: 'DE', tax_id: 'DE987654321', ...o.customer });
  if (o.topUp) await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: o.topUp });
  await fx.op('createMetric', o.metric ?? { code: 'calls', aggregation: 'count' });
  await fx.op('createPlan', { code: 'p', name: 'Pro', interval: 'monthly', ...o.plan });
  return fx.op<any>('createSubscription', { customer: 'acme', plan: 'p' });
}

const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);
const finishPeriod = (end: string) => finishBillingPeriod(fx.engine, clock, end);
const call = (id: string, extra: Record<string, unknown> = {}) => fx.op<any>('ingestEvent', { transaction_id: id, customer: 'acme', code: 'calls', ...extra });
const invoices = async () => (await fx.op<any>('listInvoices', { customer: 'acme' })).data;

/** What the transfers of an invoice's period took from the customer, net, straight from the rows. */
function periodTransfersNet(invoice: { subscription: string; period: { start: string } }): bigint {
  const accounts = new Map(fx.engine.store.listAllAccounts().map((a) => [a.id, a]));
  const segments = new Set(fx.engine.store.listSubscriptionPeriods(invoice.subscription).filter((p) => p.period_start === Date.parse(invoice.period.start)).map((p) => p.id));
  let net = 0n;
  for (const t of fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 1_000_000 })) {
    if (t.phase !== 0 || t.period_id === null || !segments.has(t.period_id)) continue;
    const d = accounts.get(t.debit_account_id)!;
    const c = accounts.get(t.credit_account_id)!;
    if (d.customer_id !== null && c.customer_id === null) net += t.amount;
    else if (c.customer_id !== null && d.customer_id === null) net -= t.amount;
  }
  return net;
}

describe('golden invoices: the total is the sum of the period transfers', () => {
  it('a zero-usage period with a tier-1 flat fee', async () => {
    await start({
      topUp: '100000',
      plan: { charges: [{ metric: 'calls', asset: 'USD', model: 'graduated', properties: { graduated_ranges: [{ from_value: 0, to_value: 100, per_unit_amount: '0.5', flat_amount: '12' }, { from_value: 101, to_value: null, per_unit_amount: '0.1', flat_amount: '0' }] } }] },
    });
    await advanceTo('2026-05-01T00:00:00Z');
    const [draft] = await invoices();
    // a draft already says what the wallet paid (prepaid usage and fees are debited as they happen)
    expect(draft).toMatchObject({ status: 'draft', total: '1200', number: null, credits_applied: '1200', amount_due: '0' });
    await advanceTo('2026-05-02T00:00:01Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ status: 'paid', number: 'TG-2026-000001', subtotal: '1200', tax: '0', total: '1200', credits_applied: '1200', amount_due: '0' });
    expect(inv.lines[0].tiers.map((t: any) => [t.units, t.amount])).toEqual([['0', '1200']]);
    expect(BigInt(inv.total)).toBe(periodTransfersNet(inv));
  });

  it.each([
    ['invoice', { subtotal: '5000', tax: '1000', total: '6000', credits_applied: '6000' }, '0'],
    ['top_up', { subtotal: '5000', tax: '0', total: '5000', credits_applied: '5000' }, '2000'],
  ])('a prepaid customer at 20%%, tax point %s', async (taxPoint, expected, receiptTax) => {
    await start({ topUp: '10000', settings: { tax_point: taxPoint, tax_rate: '20' }, plan: { fixed_fee: { asset: 'USD', amount: '3000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] } });
    for (let i = 0; i < 20; i++) await call(`c${i}`);
    await finishPeriod('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ ...expected, amount_due: '0', status: 'paid' });
    expect(BigInt(inv.total)).toBe(periodTransfersNet(inv));
    const topUp = (await fx.op<any>('listTopUps', { external_id: 'acme' })).data[0];
    const receipt = await fx.op<any>('getReceipt', { id: topUp.id });
    expect(receipt).toMatchObject({ net: '10000', tax: receiptTax, total: String(10000 + Number(receiptTax)) });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a capture beyond its hold appears as debt due', async () => {
    // The part of the event beyond its hold is checked like any event's cost: the overdraft limit lets it become debt.
    await start({ topUp: '1000', customer: { overdraft_limits: [{ asset: 'USD', amount: '500' }] }, plan: { charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '15' } }] } });
    const auth = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '1000' });
    await call('big', { authorization_id: auth.id });
    await advanceTo('2026-05-01T00:00:00Z');
    const [draft] = await invoices();
    expect(draft).toMatchObject({ status: 'draft', total: '1500', credits_applied: '1000', amount_due: '500' });
    await advanceTo('2026-05-02T01:00:00Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ total: '1500', credits_applied: '1000', amount_due: '500', amount_outstanding: '500', status: 'open' });
    expect(BigInt(inv.total)).toBe(periodTransfersNet(inv));
    const paid = await fx.op<any>('recordPayment', { id: inv.number, amount: '200', method: 'bank_transfer', reference: 'wire 1' });
    expect(paid).toMatchObject({ status: 'partially_paid', amount_outstanding: '300' });
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000' });
    // the top-up repaid the debt first, which paid the invoice: nothing is left to pay on it
    expect(await fx.op<any>('getInvoice', { id: inv.number })).toMatchObject({ status: 'paid', amount_outstanding: '0' });
    await expect(fx.op('recordPayment', { id: inv.number, amount: '300', method: 'bank_transfer' })).rejects.toMatchObject({ code: 'validation_failed' });
    expect((await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0]).toMatchObject({ debt: '0', posted: '700' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('credit that repays debt pays the oldest invoice first, so a payment can never pay twice', async () => {
    await start({ customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] }, plan: { charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '10' } }] } });
    await call('april');
    await finishPeriod('2026-05-01T00:00:00Z');
    for (let i = 0; i < 2; i++) await call(`may${i}`);
    await finishPeriod('2026-06-01T00:00:00Z');
    const [april, may] = await invoices();
    expect([april.amount_outstanding, may.amount_outstanding]).toEqual(['1000', '2000']);
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '300' }); // repays 300 of the 3000 debt
    const after = async () => (await invoices()).map((i: any) => [i.status, i.amount_outstanding]);
    expect(await after()).toEqual([['overdue', '700'], ['open', '2000']]);
    await expect(fx.op('recordPayment', { id: april.number, amount: '1000', method: 'bank_transfer' })).rejects.toMatchObject({ code: 'validation_failed', message: `A payment of 10.00 USD is more than the 7.00 USD outstanding on invoice ${april.number}.`, details: { outstanding: '700', asset: 'USD' } });
    await fx.op('recordPayment', { id: april.number, amount: '700', method: 'bank_transfer' });
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '2500' }); // the rest of the debt, and 500 of credit
    expect(await after()).toEqual([['paid', '0'], ['paid', '0']]);
    expect((await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0]).toMatchObject({ debt: '0', posted: '500' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it.each([
    ['prepaid', { customer: {}, topUp: '5000' }, { credits_applied: '1330', amount_due: '0', status: 'paid' }],
    ['postpaid', { customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] } }, { credits_applied: '0', amount_due: '1330', status: 'open' }],
  ])('explicit captures of holds by amount are a line of their period\'s invoice (%s)', async (_mode, setup, expected) => {
    await start({ ...setup, plan: { charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.10' } }] } });
    const whole = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '1000' });
    await fx.op('captureAuthorization', { id: whole.id, amount: '400', final_capture: false });
    await fx.op('captureAuthorization', { id: whole.id, amount: '500' });
    const voided = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '700' });
    await fx.op('voidAuthorization', { id: voided.id });
    for (let i = 0; i < 3; i++) await call(`c${i}`);
    const partly = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '100' });
    await fx.op('captureAuthorization', { id: partly.id, amount: '400' }); // beyond its hold: still charged
    await finishPeriod('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    expect(inv.lines.map((l: any) => [l.kind, l.description, l.amount])).toEqual([
      ['usage', 'calls', '30'],
      ['usage', 'Captured authorizations', '1300'],
    ]);
    expect(inv).toMatchObject({ subtotal: '1330', total: '1330', ...expected });
    expect(BigInt(inv.total)).toBe(periodTransfersNet(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('explicit captures in a custom asset are an informational line of what they debited, as that asset\'s charges are', async () => {
    await start({ topUp: '1000', plan: { charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.10' } }] } });
    await fx.op('createAsset', { code: 'GPUH', kind: 'custom', scale: 4, rates: [{ currency: 'USD', rate: '3.20' }] });
    await fx.op('createTopUp', { external_id: 'acme', asset: 'GPUH', amount: '100000', kind: 'granted' });
    const hold = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'GPUH', amount: '5000' });
    await fx.op('captureAuthorization', { id: hold.id, amount: '3333' });
    await call('c0');
    await finishPeriod('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    // Before: the 0.3333 GPU hours captured were on no line.
    expect(inv.lines.map((l: any) => [l.description, l.amount, l.informational])).toEqual([
      ['calls', '10', false],
      ['Captured authorizations — 0.3333 GPUH debited', '0', true],
    ]);
    expect(inv).toMatchObject({ subtotal: '10', total: '10' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it.each(['forever', 'recurring'])('a fixed %s coupon takes its amount off each period once, across the fee and the usage', async (frequency) => {
    await start({
      customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] },
      plan: { fixed_fee: { asset: 'USD', amount: '3000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.5' } }] },
    });
    await fx.op('createCoupon', { code: 'SEVEN', kind: 'fixed', asset: 'USD', amount: '700', frequency, ...(frequency === 'recurring' ? { periods: 2 } : {}) });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'SEVEN' });
    for (let i = 0; i < 3; i++) await call(`a${i}`);
    await finishPeriod('2026-05-01T00:00:00Z');
    for (let i = 0; i < 3; i++) await call(`b${i}`);
    await finishPeriod('2026-06-01T00:00:00Z');
    const list = await invoices();
    expect(list.map((i: any) => [i.subtotal, i.discounts, i.total])).toEqual([
      ['3150', '-700', '2450'],
      ['3150', '-700', '2450'],
    ]);
    for (const inv of list) expect(BigInt(inv.total)).toBe(periodTransfersNet(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('prorations, a coupon and postpaid usage at 10%, with the invoice equal to its transfers', async () => {
    await start({
      now: '2026-04-11T00:00:00Z',
      customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }], tax_rate: '10' },
      plan: { fixed_fee: { asset: 'USD', amount: '3000', pay_in_advance: true }, charges: [{ metric: 'calls', asset: 'USD', model: 'package', properties: { amount: '5', package_size: 10, free_units: 0 } }] },
    });
    await fx.op('createCoupon', { code: 'TENOFF', kind: 'fixed', asset: 'USD', amount: '500', frequency: 'once' });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'TENOFF' });
    for (let i = 0; i < 25; i++) await call(`c${i}`);
    await finishPeriod('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    // fee: 20 of 30 days of $30 = $20 (posted in advance, before the coupon was applied), usage 3 packages = $15; coupon $5 off usage
    expect(inv).toMatchObject({ subtotal: '3500', discounts: '-500', tax: '300', total: '3300', credits_applied: '0', amount_due: '3300' });
    expect(inv.lines.map((l: any) => [l.kind, l.amount])).toEqual([
      ['fixed_fee', '2000'],
      ['usage', '1500'],
      ['coupon', '-500'],
    ]);
    expect(inv.taxes).toEqual([{ label: 'Tax', rate: '10', base: '3000', amount: '300' }]);
    expect(BigInt(inv.total)).toBe(periodTransfersNet(inv));
    // The PDF's totals read as arithmetic: subtotal, the coupons as one row, tax on what is left.
    await fx.engine.documents.renderPending();
    const doc = await fx.op<any>('getInvoiceDocument', { id: inv.id });
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    writeFileSync(join(dir, 'inv.pdf'), Buffer.from(doc.base64, 'base64'));
    const totals = execFileSync('pdftotext', ['-layout', join(dir, 'inv.pdf'), '-']).toString().split('\n').map((l) => l.trim().replace(/\s{2,}/g, ' | '));
    const from = totals.findIndex((l) => l.startsWith('Subtotal'));
    expect(totals.slice(from, from + 3)).toEqual(['Subtotal | $35.00', 'Discounts | ($5.00)', 'Tax 10% on $30.00 | $3.00']);
  });
});

describe('preview', () => {
  it('states mid-period what the invoice will say if nothing more is used, and writes nothing', async () => {
    await start({
      customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }], tax_rate: '20' },
    });
    await fx.op('createMetric', { code: 'storage', aggregation: 'weighted_sum', property: 'gb' });
    await fx.op('createPlan', {
      code: 'p2',
      name: 'Pro with storage',
      interval: 'monthly',
      fixed_fee: { asset: 'USD', amount: '3000' },
      minimum_commitment: { asset: 'USD', amount: '10000' },
      charges: [
        { metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '2' } },
        { metric: 'storage', asset: 'USD', model: 'standard', properties: { unit_price: '1' } },
      ],
    });
    const sub = (await fx.op<any>('listSubscriptions', { customer: 'acme' })).data[0];
    await fx.op('updateSubscription', { id: sub.id, plan: 'p2' });
    for (let i = 0; i < 7; i++) await call(`c${i}`);
    await fx.op('ingestEvent', { transaction_id: 'gb', customer: 'acme', code: 'storage', properties: { gb: 30 } });
    clock.set(at('2026-04-16T00:00:00Z'));

    const before = ledgerDigest(fx.engine);
    const preview = await fx.op<any>('previewInvoice', { external_id: 'acme' });
    expect(ledgerDigest(fx.engine)).toBe(before);
    expect(fx.engine.verify().ok).toBe(true);
    expect(await invoices()).toEqual([]);

    // Fee $30 in arrears; 7 calls x $2 = $14; 30 GB all month = $30; $74 < $100: $26 of minimum; 20% tax.
    expect(preview.lines.map((l: any) => [l.kind, l.amount])).toEqual(expect.arrayContaining([['fixed_fee', '3000'], ['minimum_commitment', '2600']]));
    expect(preview).toMatchObject({ subtotal: '10000', tax: '2000', total: '12000' });

    await finishPeriod('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    expect(inv.lines.map((l: any) => [l.kind, l.description, l.amount])).toEqual(preview.lines.map((l: any) => [l.kind, l.description, l.amount]));
    expect(inv).toMatchObject({ subtotal: preview.subtotal, discounts: preview.discounts, tax: preview.tax, total: preview.total });
  });
});

describe('lifecycle', () => {
  it('numbers without gaps, voids and reissues, credit notes never beyond what was invoiced', async () => {
    await start({ customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] }, plan: { fixed_fee: { asset: 'USD', amount: '1000' } } });
    await finishPeriod('2026-05-01T00:00:00Z');
    await finishPeriod('2026-06-01T00:00:00Z');
    const list = await invoices();
    expect(list.map((i: any) => i.number)).toEqual(['TG-2026-000001', 'TG-2026-000002']);
    const voided = await fx.op<any>('voidInvoice', { id: 'TG-2026-000001', reason: 'wrong tax id' });
    expect(voided).toMatchObject({ status: 'void', allowed_actions: ['download_pdf', 'reissue'] });
    const re = await fx.op<any>('reissueInvoice', { id: voided.id });
    const fin = await fx.op<any>('finalizeInvoice', { id: re.id });
    expect(fin).toMatchObject({ number: 'TG-2026-000003', replaces: voided.id, total: '1000', amount_due: '1000' });
    expect((await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0].debt).toBe('2000');
    const cn = await fx.op<any>('createCreditNote', { id: 'TG-2026-000002', reason: 'order_change', settlement: 'credit', lines: [{ line_id: list[1].lines[0].id, amount: '400' }] });
    expect(cn).toMatchObject({ number: 'TG-2026-000002-CN01', total: '400' });
    // its PDF states what is credited, and nothing as due
    const cnPdf = await fx.op<any>('getCreditNoteDocument', { id: cn.id });
    const cnDir = mkdtempSync(join(tmpdir(), 'cn-'));
    writeFileSync(join(cnDir, 'cn.pdf'), Buffer.from(cnPdf.base64, 'base64'));
    const cnText = execFileSync('pdftotext', ['-layout', join(cnDir, 'cn.pdf'), '-']).toString();
    expect(cnText).toMatch(/Total credited\s+\$4\.00/);
    expect(cnText).not.toContain('Amount due');
    // The message states amounts as money; the details keep minor units, with the asset.
    await expect(fx.op('createCreditNote', { id: 'TG-2026-000002', reason: 'other', settlement: 'credit', lines: [{ line_id: list[1].lines[0].id, amount: '601' }] })).rejects.toMatchObject({
      code: 'validation_failed',
      message: `lines[0]: at most 6.00 USD is left to credit on "${list[1].lines[0].description}" (6.01 USD asked).`,
      details: { issues: [{ path: ['lines', 0, 'amount'], message: 'at most 600' }], asset: 'USD', left: '600', requested: '601' },
    });
    const after = await fx.op<any>('getInvoice', { id: 'TG-2026-000002' });
    expect(after).toMatchObject({ credited: '400', amount_outstanding: '600' });
    expect((await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0].debt).toBe('1600');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('credits a couponed invoice in full at its total (lines net of their coupon share), never beyond', async () => {
    await start({
      customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] },
      plan: { fixed_fee: { asset: 'USD', amount: '3000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.5' } }] },
    });
    await fx.op('createCoupon', { code: 'SEVEN', kind: 'fixed', asset: 'USD', amount: '700', frequency: 'once' });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'SEVEN' });
    for (let i = 0; i < 3; i++) await call(`a${i}`);
    await finishPeriod('2026-05-01T00:00:00Z');
    const [inv] = await invoices();
    expect(inv).toMatchObject({ number: 'TG-2026-000001', subtotal: '3150', total: '2450' });
    // Every line in full is $31.50 of lines, less the $7.00 coupon on them: the $24.50 invoiced.
    const lines = inv.lines.filter((l: any) => l.kind !== 'coupon' && !l.informational).map((l: any) => ({ line_id: l.id, amount: l.amount }));
    const cn = await fx.op<any>('createCreditNote', { id: inv.id, reason: 'other', settlement: 'credit', lines });
    expect(cn).toMatchObject({ subtotal: '3150', tax: '0', total: '2450' });
    expect((await fx.op<any>('getInvoice', { id: inv.id })).credited).toBe('2450');
    await expect(fx.op('createCreditNote', { id: inv.id, reason: 'other', settlement: 'credit', lines: [lines[0]] })).rejects.toMatchObject({ code: 'validation_failed' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('applies the credit a postpaid customer had to its invoice at finalization (credits applied), as billing_mode says', async () => {
    // a postpaid customer's charges go to the receivable even with credit in the wallet; the credit
    // is applied when the invoice is finalized, and credit arriving later repays the debt by itself
    await start({ customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] }, plan: { fixed_fee: { asset: 'USD', amount: '2500' } } });
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000', kind: 'granted' });
    await finishPeriod('2026-05-01T00:00:00Z');
    let [inv] = await invoices();
    expect(inv).toMatchObject({ total: '2500', credits_applied: '1000', amount_due: '1500', amount_outstanding: '1500', status: 'open' });
    expect(inv.allowed_actions).toContain('record_payment');
    expect(inv.allowed_actions).not.toContain('settle_from_credit'); // no free credit left
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '5000' }); // repays the 1500 left, 3500 stays free
    [inv] = await invoices();
    expect(inv).toMatchObject({ status: 'paid', amount_outstanding: '0', repaid_from_credit: '1500', amount_paid: '0' });
    expect((await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0]).toMatchObject({ debt: '0', posted: '3500' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('settles an open invoice from credit freed after it was finalized (a hold released), offered only while there is free credit', async () => {
    await start({ plan: { fixed_fee: { asset: 'USD', amount: '2500' } } });
    clock.set(at('2026-04-30T23:00:00Z'));
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000' });
    const hold = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '1000', ttl_seconds: 86_400 });
    await advanceTo('2026-05-01T00:00:00Z'); // April's fee: all the credit is held, so it is debt
    clock.set(at('2026-05-01T00:30:00Z'));
    let inv = await fx.op<any>('finalizeInvoice', { id: (await invoices())[0].id }); // the held credit is not applied
    expect(inv).toMatchObject({ credits_applied: '0', amount_due: '2500', amount_outstanding: '2500' });
    expect(inv.allowed_actions).not.toContain('settle_from_credit');
    await fx.op('voidAuthorization', { id: hold.id });
    [inv] = await invoices();
    expect(inv.allowed_actions).toEqual(expect.arrayContaining(['record_payment', 'settle_from_credit']));
    const settled = await fx.op<any>('settleInvoiceFromCredit', { id: inv.id });
    expect(settled.payments.map((p: any) => [p.method, p.amount])).toEqual([['prepaid_credit', '1000']]);
    [inv] = await invoices();
    expect(inv).toMatchObject({ status: 'partially_paid', amount_paid: '1000', amount_outstanding: '1500', repaid_from_credit: '0' });
    expect(inv.allowed_actions).not.toContain('settle_from_credit');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('bills a period whose next one an early event opened before the clock closed it', async () => {
    await start({ customer: { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] }, plan: { fixed_fee: { asset: 'USD', amount: '2500' } } });
    // The period ends; before any billing run, an event of the new period arrives (it opens May).
    clock.set(at('2026-05-01T00:00:05Z'));
    await call('may-1');
    await fx.engine.runBilling();
    const drafts = await invoices();
    expect(drafts.map((i: any) => i.period.start)).toEqual(['2026-04-01T00:00:00.000Z']);
    expect(drafts[0].total).toBe('2500');
    expect(await fx.engine.runBilling()).toMatchObject({ advanced: 0 });
  });

  it('catches up three missed periods with a plan change, and late events during grace land in their period', async () => {
    const sub = await start({ now: '2026-01-10T00:00:00Z', topUp: '1000000', plan: { fixed_fee: { asset: 'USD', amount: '3100' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] } });
    await fx.op('createPlan', { code: 'q', name: 'Plus', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '6200' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '2' } }] });
    clock.set(at('2026-01-20T00:00:00Z'));
    await call('jan');
    clock.set(at('2026-01-25T00:00:00Z'));
    await fx.op('updateSubscription', { id: sub.id, plan: 'q', timing: 'now' });
    // the laptop is closed from 25 January to 10 April
    await advanceTo('2026-04-10T00:00:00Z');
    let list = await invoices();
    expect(list.map((i: any) => [i.period.start.slice(0, 10), i.status])).toEqual([
      ['2026-01-10', 'draft'],
      ['2026-02-01', 'draft'],
      ['2026-03-01', 'draft'],
    ]);
    // apps flush buffered events after the restart: still within the grace period that started at the restart
    await call('late-feb', { timestamp: '2026-02-14T00:00:00Z' });
    await call('late-mar', { timestamp: '2026-03-14T00:00:00Z' });
    await advanceTo('2026-04-11T00:00:01Z');
    list = await invoices();
    expect(list.map((i: any) => i.number)).toEqual(['TG-2026-000001', 'TG-2026-000002', 'TG-2026-000003']);
    // January: two segments (Pro to the 25th, then Plus), each prorated; Feb and Mar on Plus with the late calls
    expect(list[0].lines.map((l: any) => l.kind)).toEqual(['fixed_fee', 'usage', 'fixed_fee']);
    expect(list[1]).toMatchObject({ total: String(6200 + 200) });
    expect(list[2]).toMatchObject({ total: String(6200 + 200) });
    for (const i of list) expect(BigInt(i.total)).toBe(periodTransfersNet(i));
  });
});

describe('documents', () => {
  it('freezes the PDF at finalization: a later change of company details leaves it byte for byte', async () => {
    await start({ topUp: '100000', plan: { fixed_fee: { asset: 'USD', amount: '4900' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.25' } }] } });
    for (let i = 0; i < 12; i++) await call(`c${i}`);
    await finishPeriod('2026-05-01T00:00:00Z');
    await fx.engine.documents.renderPending();
    const [inv] = await invoices();
    const first = await fx.op<any>('getInvoiceDocument', { id: inv.id });
    expect(first.sha256).toBe(inv.pdf_sha256);
    await fx.op('updateSettings', { company: { legal_name: 'Renamed Company Ltd' } });
    const second = await fx.op<any>('getInvoiceDocument', { id: inv.id });
    expect(second.base64).toBe(first.base64);
    const dir = mkdtempSync(join(tmpdir(), 'inv-'));
    writeFileSync(join(dir, 'inv.pdf'), Buffer.from(first.base64, 'base64'));
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'inv.pdf'), '-']).toString();
    for (const needle of ['Tollgate Demo SAS', 'FR12345678901', 'Acme Analytics GmbH', 'DE987654321', 'TG-2026-000001', 'Pro — fixed fee', '$49.00', '$3.00', '$52.00']) expect(text).toContain(needle);
    expect(text).not.toContain('Renamed Company');
    // poppler rasterizes it: the frozen bytes are a whole PDF, not only extractable text
    execFileSync('pdftoppm', ['-png', '-r', '40', '-f', '1', '-l', '1', join(dir, 'inv.pdf'), join(dir, 'page')]);
    expect(readdirSync(dir).some((f) => f.startsWith('page') && f.endsWith('.png'))).toBe(true);
  });
});

/**
 * Credit notes: the tax of a note is the tax of everything credited so far (the cumulative base,
 * rounded as the invoice rounds it) less the tax earlier notes credited, so crediting every line in
 * any number of notes gives back exactly the invoice's subtotal, tax and total; a note settled as
 * credit goes back to the lots that paid for its invoice, not to whatever the wallet spent last.
 * Figures are computed here independently of the engine.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine, type ServerFixture, startApi, advanceBilling, finishBillingPeriod } from '../helpers/harness';

let fx: EngineFixture | ServerFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const at = (s: string) => Date.parse(s);
const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);
const finishPeriod = (end: string) => finishBillingPeriod(fx.engine, clock, end);
const call = (id: string) => fx.op<any>('ingestEvent', { transaction_id: id, customer: 'acme', code: 'calls' });

/** Tax of a base at `rate` %, half up, exclusive (base x rate / 100) or inclusive (base x rate / (100 + rate)). */
const taxOf = (base: number, rate: number, inclusive: boolean) => (base <= 0 ? 0 : Math.floor((base * rate) / (inclusive ? 100 + rate : 100) + 0.5));
const sum = (xs: any[], k: string) => xs.reduce((a, x) => a + Number(x[k]), 0);

/** A postpaid customer on a $32 fee plus $1 a call, three calls in April: an invoice of 3,500 (+ tax). */
async function invoiceWithFeeAndCalls(o: { settings?: Record<string, unknown>; coupon?: boolean; http?: boolean } = {}) {
  clock = new ManualClock(at('2026-04-01T00:00:00Z'));
  fx = o.http ? await startApi({ clock }) : openEngine({ clock });
  await fx.op('updateSettings', { grace_period_hours: 24, tax_rate: '20', ...o.settings });
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createCustomer', { external_id: 'acme', name: 'Acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
  await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
  await fx.op('createPlan', { code: 'p', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '3200' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
  if (o.coupon) {
    await fx.op('createCoupon', { code: 'SEVEN', kind: 'fixed', asset: 'USD', amount: '700', frequency: 'once' });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'SEVEN' });
  }
  await fx.op('createSubscription', { customer: 'acme', plan: 'p' });
  for (let i = 0; i < 3; i++) await call(`c${i}`);
  await finishPeriod('2026-05-01T00:00:00Z');
  const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
  return inv;
}

const note = (inv: any, lines?: { line_id: string; amount: string }[]) => fx.op<any>('createCreditNote', { id: inv.id, reason: 'order_change', settlement: 'credit', ...(lines ? { lines } : {}) });

describe('the tax of a credit note is cumulative', () => {
  it('ten notes of 3 on a line at 20 % credit 6 of tax, then the whole invoice credits exactly what is left', async () => {
    const inv = await invoiceWithFeeAndCalls();
    // $32 fee + 3 calls at $1 = 3,500; 20 % = 700; total 4,200
    expect(inv).toMatchObject({ subtotal: '3500', tax: '700', total: '4200' });
    const charge = inv.lines.find((l: any) => l.kind === 'usage');
    expect(charge.amount).toBe('300');
    const notes: any[] = [];
    for (let k = 1; k <= 10; k++) notes.push(await note(inv, [{ line_id: charge.id, amount: '3' }]));
    // cumulative base 3k, tax round(0.6k): 1 1 2 2 3 4 4 5 5 6, so the notes carry the differences
    const expectedTaxes = Array.from({ length: 10 }, (_, i) => taxOf(3 * (i + 1), 20, false) - taxOf(3 * i, 20, false));
    expect(expectedTaxes).toEqual([1, 0, 1, 0, 1, 1, 0, 1, 0, 1]);
    expect(notes.map((n) => Number(n.tax))).toEqual(expectedTaxes);
    expect(notes.map((n) => n.subtotal)).toEqual(Array(10).fill('3'));
    expect(sum(notes, 'tax')).toBe(6);

    const rest = await note(inv); // no lines: the whole invoice, what is left of it
    // left: fee 3,200 + charge 270 = 3,470; tax 700 - 6 = 694; total 4,164
    expect(rest).toMatchObject({ subtotal: '3470', tax: '694', total: '4164' });
    expect(rest.lines.map((l: any) => [l.line_id, l.amount]).sort()).toEqual([[charge.id, '270'], [inv.lines.find((l: any) => l.kind === 'fixed_fee').id, '3200']].sort());
    const all = [...notes, rest];
    expect([sum(all, 'subtotal'), sum(all, 'tax'), sum(all, 'total')]).toEqual([3500, 700, 4200]);
    const after = await fx.op<any>('getInvoice', { id: inv.id });
    expect(after.credited).toBe('4200');
    for (const l of after.lines.filter((x: any) => !x.informational)) expect(l.credited).toBe(l.amount);
    expect(after.allowed_actions).not.toContain('create_credit_note');
    await expect(note(inv)).rejects.toMatchObject({ code: 'invalid_state' });
    // postpaid: every note came off the debt, which is gone
    expect((await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0].debt).toBe('0');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('the same over HTTP, answers checked against the OpenAPI document, and the ledger verifies', async () => {
    const inv = await invoiceWithFeeAndCalls({ http: true });
    const api = (fx as ServerFixture).api;
    const charge = inv.lines.find((l: any) => l.kind === 'usage');
    const taxes: number[] = [];
    for (let k = 1; k <= 10; k++) {
      const r = await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes`, { reason: 'other', settlement: 'credit', lines: [{ line_id: charge.id, amount: '3' }] });
      expect(r.status).toBe(201);
      taxes.push(Number(r.body.tax));
    }
    expect(taxes.reduce((a, b) => a + b, 0)).toBe(6);
    // Nothing was paid on it yet: a refund would send back money never received (found by a reviewer).
    const unpaid = await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes`, { reason: 'other', settlement: 'refund' });
    expect(unpaid.status).toBe(422);
    expect(unpaid.body.error).toMatchObject({ code: 'amount_exceeds_refundable', details: { refundable: '0', requested: '4164' } });
    // Paid in part: at most what was paid goes back as money.
    expect((await api<any>('POST', `/v1/invoices/${inv.id}/payments`, { amount: '1000', method: 'bank_transfer' })).status).toBe(201);
    const part = await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes/preview`, { reason: 'other', settlement: 'refund' });
    expect(part.body.error).toMatchObject({ code: 'amount_exceeds_refundable', details: { refundable: '1000' } });
    expect((await api<any>('POST', `/v1/invoices/${inv.id}/payments`, { amount: '3164', method: 'bank_transfer' })).status).toBe(201);
    const whole = await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes`, { reason: 'other', settlement: 'refund' });
    expect(whole.status).toBe(201);
    expect(whole.body).toMatchObject({ subtotal: '3470', tax: '694', total: '4164' });
    const got = await api<any>('GET', `/v1/invoices/${inv.id}`);
    expect(got.body).toMatchObject({ credited: '4200', total: '4200' });
    const v = await api<any>('GET', '/v1/ledger/verify');
    expect(v.body.ok).toBe(true);
  });

  it('tax-inclusive prices: the tax inside the cumulative base, all notes together give the invoice back', async () => {
    const inv = await invoiceWithFeeAndCalls({ settings: { tax_inclusive: true } });
    // 3,500 including 20 %: tax round(3,500 x 20 / 120 = 583.33) = 583; total 3,500
    expect(inv).toMatchObject({ subtotal: '3500', tax: String(taxOf(3500, 20, true)), total: '3500' });
    expect(inv.tax).toBe('583');
    const charge = inv.lines.find((l: any) => l.kind === 'usage');
    const notes: any[] = [];
    for (let k = 1; k <= 10; k++) notes.push(await note(inv, [{ line_id: charge.id, amount: '3' }]));
    // cumulative 3k inside-tax 0.5k, half up: 1 1 2 2 3 3 4 4 5 5
    const expectedTaxes = Array.from({ length: 10 }, (_, i) => taxOf(3 * (i + 1), 20, true) - taxOf(3 * i, 20, true));
    expect(expectedTaxes).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    expect(notes.map((n) => Number(n.tax))).toEqual(expectedTaxes);
    expect(notes.map((n) => n.total)).toEqual(Array(10).fill('3'));
    expect(notes.map((n) => n.discounts)).toEqual(Array(10).fill('0')); // no coupon; under inclusive prices total = subtotal + discounts
    const rest = await note(inv);
    expect(rest).toMatchObject({ subtotal: '3470', tax: String(583 - 5), total: '3470' });
    const all = [...notes, rest];
    expect([sum(all, 'subtotal'), sum(all, 'tax'), sum(all, 'total')]).toEqual([3500, 583, 3500]);
    expect((await fx.op<any>('getInvoice', { id: inv.id })).credited).toBe('3500');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a coupon: a line is credited net of its coupon share, and the whole invoice gives back its total', async () => {
    const inv = await invoiceWithFeeAndCalls({ coupon: true });
    // 3,500 - 700 coupon = 2,800 taxed at 20 % = 560; total 3,360
    expect(inv).toMatchObject({ subtotal: '3500', discounts: '-700', tax: '560', total: '3360' });
    const coupon = inv.lines.find((l: any) => l.kind === 'coupon');
    expect(coupon.id).toMatch(/^coupon-fee-/); // the fixed coupon took its $7 off the fee
    const fee = inv.lines.find((l: any) => l.kind === 'fixed_fee');
    const charge = inv.lines.find((l: any) => l.kind === 'usage');
    // 1,000 of the 3,200 fee, whose net is 2,500: worth round(1,000 x 2,500 / 3,200 = 781.25) = 781
    const worth = Math.floor((1000 * 2500) / 3200 + 0.5);
    const first = await note(inv, [{ line_id: fee.id, amount: '1000' }]);
    expect(first).toMatchObject({ subtotal: '1000', tax: String(taxOf(worth, 20, false)), total: String(worth + taxOf(worth, 20, false)) });
    expect(first).toMatchObject({ tax: '156', total: '937' });
    // The coupon's share is stated, so the note reads as arithmetic: 1,000 - 219 + 156 = 937.
    expect(first.discounts).toBe(String(worth - 1000));
    const second = await note(inv, [{ line_id: charge.id, amount: '100' }]);
    // charge has no coupon: cumulative base 781 + 100 = 881, tax round(176.2) = 176, so 20 now
    expect(second).toMatchObject({ subtotal: '100', tax: String(taxOf(881, 20, false) - 156), total: '120' });
    const rest = await note(inv);
    // what is left: fee 2,200 (net 1,719) + charge 200 = 1,919 net; tax 560 - 176 = 384
    expect(rest).toMatchObject({ subtotal: '2400', tax: '384', total: String(1719 + 200 + 384) });
    const all = [first, second, rest];
    expect([sum(all, 'subtotal'), sum(all, 'tax'), sum(all, 'total')]).toEqual([3500, 560, 3360]);
    expect(sum(all, 'discounts')).toBe(-700);
    for (const n of all) expect(Number(n.total)).toBe(Number(n.subtotal) + Number(n.discounts) + Number(n.tax));
    const after = await fx.op<any>('getInvoice', { id: inv.id });
    expect(after.credited).toBe('3360');
    for (const l of after.lines.filter((x: any) => !x.informational && x.kind !== 'coupon')) expect(l.credited).toBe(l.amount);
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('a coupon limited to metrics', () => {
  it('is credited from the lines of its metrics only', async () => {
    clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('updateSettings', { grace_period_hours: 24, tax_rate: '20' });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme', name: 'Acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
    await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
    await fx.op('createMetric', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
    await fx.op('createPlan', {
      code: 'p',
      name: 'Pro',
      interval: 'monthly',
      charges: [
        { metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } },
        { metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } },
      ],
    });
    await fx.op('createCoupon', { code: 'HALFCALLS', kind: 'percentage', percentage: '50', frequency: 'once', metrics: ['calls'] });
    await fx.op('applyCoupon', { external_id: 'acme', coupon: 'HALFCALLS' });
    await fx.op('createSubscription', { customer: 'acme', plan: 'p' });
    for (let i = 0; i < 3; i++) await call(`c${i}`);
    await fx.op('ingestEvent', { transaction_id: 't0', customer: 'acme', code: 'tokens', properties: { tokens: 500 } });
    await finishPeriod('2026-05-01T00:00:00Z');
    const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    // calls 300 - 150 (half, calls only) + 500 tokens at 1 cent = 650, tax 130
    expect(inv).toMatchObject({ subtotal: '800', discounts: '-150', tax: '130', total: '780' });
    const usage = inv.lines.filter((l: any) => l.kind === 'usage');
    const calls = usage.find((l: any) => l.amount === '300');
    const tokens = usage.find((l: any) => l.amount === '500');
    // The tokens line carries none of the coupon: credited in full it is worth 500 (before: 407).
    const first = await note(inv, [{ line_id: tokens.id, amount: '500' }]);
    expect(first).toMatchObject({ subtotal: '500', discounts: '0', tax: '100', total: '600' });
    // The calls line carries all of it: 300 - 150.
    const second = await note(inv, [{ line_id: calls.id, amount: '300' }]);
    expect(second).toMatchObject({ subtotal: '300', discounts: '-150', tax: '30', total: '180' });
    expect(Number(first.total) + Number(second.total)).toBe(Number(inv.total));
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('a note settled as credit goes back to the lots that paid for its invoice', () => {
  it('paid money returns to the paid lot, not to a later expiring grant the wallet spent since', async () => {
    clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('updateSettings', { grace_period_hours: 24, tax_rate: '20' });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme', name: 'Acme' });
    const paid = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '10000' });
    await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
    await fx.op('createPlan', { code: 'p', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
    await fx.op('createSubscription', { customer: 'acme', plan: 'p' });
    for (let i = 0; i < 3; i++) await call(`a${i}`);
    await finishPeriod('2026-05-01T00:00:00Z');
    const [april] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    // 2,000 fee + 300 calls = 2,300, tax 460, all paid from the paid lot
    expect(april).toMatchObject({ subtotal: '2300', tax: '460', total: '2760', credits_applied: '2760', amount_due: '0' });
    // A promotional grant that expires, then May's usage, which the wallet takes from it first.
    const grant = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000', kind: 'granted', expires_at: '2026-12-31T00:00:00Z' });
    for (let i = 0; i < 5; i++) await call(`m${i}`);
    const lots = async () => {
      const b = (await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0];
      return new Map<string, number>(b.lots.map((l: any) => [l.kind, Number(l.remaining)]));
    };
    const before = await lots();
    // the paid lot paid April (2,760; the fee is charged in arrears, May's is not yet); the grant paid May's 5 calls (500)
    expect(before.get('paid')).toBe(10000 - 2760);
    expect(before.get('granted')).toBe(1000 - 500);
    const fee = april.lines.find((l: any) => l.kind === 'fixed_fee');
    const cn = await note(april, [{ line_id: fee.id, amount: '500' }]);
    expect(cn).toMatchObject({ subtotal: '500', tax: '100', total: '600' });
    const after = await lots();
    expect(after.get('paid')).toBe(before.get('paid')! + 600);
    expect(after.get('granted')).toBe(before.get('granted'));
    // the transfers of the note name the paid lot only
    const lotIds = new Set(fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 1_000_000 }).filter((t: any) => t.ref === `credit_note:${cn.id}`).map((t: any) => t.lot_id));
    const paidLot = (await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0].lots.find((l: any) => l.kind === 'paid').id;
    expect([...lotIds].map(String)).toEqual([String(paidLot)]);
    // the rest of the invoice: 2,760 - 600 = 2,160 more, again to the paid lot (it paid all of April)
    const rest = await note(april);
    expect(rest).toMatchObject({ subtotal: '1800', tax: '360', total: '2160' });
    const end = await lots();
    expect(end.get('paid')).toBe(10000);
    expect(end.get('granted')).toBe(500);
    expect(paid.id).toBeTruthy();
    expect(grant.id).toBeTruthy();
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('a refund is at most what was paid', () => {
  it('granted credit that paid an invoice is not refunded as money; bought credit is, once', async () => {
    clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('updateSettings', { grace_period_hours: 24, tax_rate: '20' });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme', name: 'Acme' });
    await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
    await fx.op('createPlan', { code: 'p', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '200' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
    await fx.op('createSubscription', { customer: 'acme', plan: 'p' });
    // April is paid by a $10 grant only: 200 fee + 300 calls = 500, tax 100.
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000', kind: 'granted' });
    for (let i = 0; i < 3; i++) await call(`a${i}`);
    await finishPeriod('2026-05-01T00:00:00Z');
    const [april] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(april).toMatchObject({ total: '600', credits_applied: '600', amount_paid: '0' });
    await expect(fx.op('createCreditNote', { id: april.id, reason: 'other', settlement: 'refund' })).rejects.toMatchObject({ code: 'amount_exceeds_refundable', status: 422, details: { refundable: '0', requested: '600' } });
    // As credit it goes back to the grant.
    expect(await note(april)).toMatchObject({ total: '600', settlement: 'credit' });
    // Beta's April is paid by bought credit: refundable as money, in as many notes as it takes.
    await fx.op('createCustomer', { external_id: 'beta', name: 'Beta' });
    await fx.op('createTopUp', { external_id: 'beta', asset: 'USD', amount: '5000' });
    await fx.op('createSubscription', { customer: 'beta', plan: 'p' });
    for (let i = 0; i < 3; i++) await fx.op('ingestEvent', { transaction_id: `b${i}`, customer: 'beta', code: 'calls' });
    await finishPeriod('2026-06-01T00:00:00Z');
    const may = (await fx.op<any>('listInvoices', { customer: 'beta' })).data[0];
    // (Beta started on 2 May: its fee is prorated.)
    expect(may.amount_paid).toBe('0');
    expect(may.credits_applied).toBe(may.total);
    const fee = may.lines.find((l: any) => l.kind === 'fixed_fee');
    const first = await fx.op<any>('createCreditNote', { id: may.id, reason: 'other', settlement: 'refund', lines: [{ line_id: fee.id, amount: fee.amount }] });
    expect(first.total).toBe(String(Number(fee.amount) + taxOf(Number(fee.amount), 20, false)));
    const rest = await fx.op<any>('createCreditNote', { id: may.id, reason: 'other', settlement: 'refund' });
    expect(Number(first.total) + Number(rest.total)).toBe(Number(may.total));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('an invoice settled later from granted credit (recorded as a prepaid_credit payment) is not refunded as money', async () => {
    clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('updateSettings', { grace_period_hours: 1, tax_rate: '20' });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme', name: 'Acme', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
    await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
    await fx.op('createPlan', { code: 'p', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '200' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
    await fx.op('createSubscription', { customer: 'acme', plan: 'p' });
    // All of a $10 grant is reserved by a hold when April closes, so its fee and tax are owed.
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000', kind: 'granted' });
    clock.set(at('2026-04-30T12:00:00Z'));
    const hold = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '1000', ttl_seconds: 86_400 });
    await advanceTo('2026-05-01T00:00:00Z');
    await advanceTo('2026-05-01T02:00:00Z'); // finalized after its hour of grace, the hold still pending
    const [april] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(april).toMatchObject({ total: '240', amount_outstanding: '240' });
    // The hold is voided and the freed grant settles the invoice.
    await fx.op('voidAuthorization', { id: hold.id });
    expect(await fx.op<any>('settleInvoiceFromCredit', { id: april.id })).toMatchObject({ amount_paid: '240', amount_outstanding: '0' });
    await expect(fx.op('createCreditNote', { id: april.id, reason: 'other', settlement: 'refund' })).rejects.toMatchObject({ code: 'amount_exceeds_refundable', details: { refundable: '0' } });
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('a lot gets back at most what it paid', () => {
  /**
   * Found by a reviewer: an invoice's fee was booked as debt (an empty prepaid wallet) and repaid by
   * a later top-up, while its usage and tax were drawn from another lot. A note on the fee returned
   * the usage lot's share by the lots that paid, then, for the part no lot paid, popped the usage
   * stack, whose top was that same draw: the lot got it twice, and its top-up became refundable for
   * more than was paid ($109.10 of a $100.00 top-up).
   */
  it('a note on a fee paid through debt returns the usage lot its share once, and the fee to the lot that repaid the debt', async () => {
    clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('updateSettings', { grace_period_hours: 24, tax_rate: '20' });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme', name: 'Acme' });
    await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
    await fx.op('createPlan', { code: 'p', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '1000', pay_in_advance: true }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
    await fx.op('createSubscription', { customer: 'acme', plan: 'p' }); // April's fee, 1,000, on an empty wallet: debt
    const repayer = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000' }); // repays that debt
    const user = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '2000' });
    for (let i = 0; i < 3; i++) await call(`u${i}`); // 300 from the second lot
    await finishPeriod('2026-05-01T00:00:00Z'); // April's tax (260) and May's fee (1,000) from the second lot too
    const [april] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
    expect(april).toMatchObject({ subtotal: '1300', tax: '260', total: '1560' });
    const lots = async () => new Map<string, number>((await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0].lots.map((l: any) => [l.id, Number(l.remaining)]));
    const [repayLot, useLot] = [...(await lots()).keys()] as [string, string];
    const before = await lots();
    expect([before.get(repayLot), before.get(useLot)]).toEqual([0, 2000 - 300 - 260 - 1000]);

    const cn = await note(april);
    expect(cn.total).toBe('1560');
    const after = await lots();
    // The second lot paid 560 of April (its usage and its tax): that, once (before: 560 + 740 + 260).
    // The fee went to the receivable and the first lot repaid it: 1,000 to it (before: nothing).
    expect(after.get(useLot)! - before.get(useLot)!).toBe(560);
    expect(after.get(repayLot)! - before.get(repayLot)!).toBe(1000);
    expect(after.size).toBe(2);
    // So no top-up is refundable beyond what it was.
    for (const t of [repayer, user]) {
      const now = await fx.op<any>('getTopUp', { id: t.id });
      expect(BigInt(now.refundable)).toBeLessThanOrEqual(BigInt(now.amount) - BigInt(now.refunded_amount));
    }
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('a credit note preview', () => {
  it('answers the note the same body would issue, by the same rules, and writes nothing', async () => {
    const inv = await invoiceWithFeeAndCalls({ http: true, coupon: true });
    const api = (fx as ServerFixture).api;
    const fee = inv.lines.find((l: any) => l.kind === 'fixed_fee');
    const body = { reason: 'other', settlement: 'credit', lines: [{ line_id: fee.id, amount: '1000' }] };
    const digest = async () => JSON.stringify([(await api<any>('GET', `/v1/invoices/${inv.id}`)).body, (await api<any>('GET', '/v1/transfers?limit=500')).body]);
    const before = await digest();
    const preview = await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes/preview`, body);
    expect(preview.status).toBe(200);
    // 1,000 of the fee is worth 781 after its coupon share, taxed 156 (as the engine test above computes).
    expect(preview.body).toMatchObject({ subtotal: '1000', discounts: '-219', tax: '156', total: '937' });
    expect(await digest()).toBe(before);
    // The whole invoice, previewed, is exactly what is left of it: its total.
    const whole = await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes/preview`, { reason: 'other', settlement: 'credit' });
    expect(whole.body.total).toBe(inv.total);
    // Issued for real, the same body gives the same figures (and the next number the preview showed).
    const real = await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes`, body);
    expect(real.status).toBe(201);
    expect({ ...real.body, id: undefined, created_at: undefined }).toEqual({ ...preview.body, id: undefined, created_at: undefined });
    // A body the real call refuses is refused by the preview with the same answer.
    const tooMuch = { ...body, lines: [{ line_id: fee.id, amount: '999999' }] };
    const [p, r] = [await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes/preview`, tooMuch), await api<any>('POST', `/v1/invoices/${inv.id}/credit-notes`, tooMuch)];
    expect([p.status, p.body.error?.code]).toEqual([r.status, r.body.error?.code]);
    expect(p.status).toBe(422);
  });
});

/**
 * Refunds and chargebacks of a top-up whose tax was taken at top-up (`tax_point: "top_up"`): the
 * tax on the part given back goes back too (tax -> funding), so the tax account and cash in do not
 * keep money the customer has been paid back. Found in reconciliation: a 500 top-up taxed 100 was
 * refunded in full and the 100 stayed on the tax account; a chargeback of a 1001 top-up taxed 200
 * left its 200 there.
 *
 * The rule (cumulative, exact): after `g` of a top-up's `amount` has gone back in all, the tax
 * returned in all is round(tax × g / amount), half up; each piece returns that less what earlier
 * pieces returned.
 *
 * Under tax-inclusive prices the tax is inside what was paid: it comes out of revenue (revenue -> tax)
 * rather than being counted as cash a second time, and goes back to revenue on a refund. Found in
 * reconciliation: a 600 top-up including 100 of tax showed 700 of cash in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

async function setUp(taxPoint: 'top_up' | 'invoice' = 'top_up') {
  fx = await startApi();
  const { api } = fx;
  expect((await api('PATCH', '/v1/settings', { tax_point: taxPoint, tax_rate: '20' })).status).toBe(200);
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/customers', { external_id: 'pre2' });
  await api('POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
  await api('POST', '/v1/plans', { code: 'p', name: 'P', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
  await api('POST', '/v1/subscriptions', { customer: 'pre2', plan: 'p' });
  return api;
}

/** Balance of a system account (credits - debits, posted), from the store's running totals. */
const system = (type: 'tax' | 'funding') => {
  const a = fx.engine.store.getSystemAccount('USD', type);
  return a ? a.credits_posted - a.debits_posted : 0n;
};
/** The figures a finance reviewer reads after each step. */
async function figures() {
  const { api } = fx;
  const wallet = (await api('GET', '/v1/customers/pre2/balances')).body.balances[0];
  const usd = (await api('GET', '/v1/overview')).body.assets.find((a: any) => a.asset === 'USD');
  const verify = (await api('GET', '/v1/ledger/verify')).body;
  return { tax: system('tax'), posted: wallet.posted, debt: wallet.debt, cash_in: usd.cash_in, ok: verify.ok };
}

describe('refunds and chargebacks give back the tax taken at top-up', () => {
  it('a full refund returns all of the tax (500 taxed 100)', async () => {
    const api = await setUp();
    const tu = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '500' })).body;
    expect(tu.tax).toEqual({ currency: 'USD', amount: '100', returned: '0' });
    expect((await api('GET', `/v1/top-ups/${tu.id}/receipt`)).body).toMatchObject({ net: '500', tax: '100', total: '600', tax_returned: '0' });
    expect(await figures()).toEqual({ tax: 100n, posted: '500', debt: '0', cash_in: '600', ok: true });

    const r = await api('POST', `/v1/top-ups/${tu.id}/refund`, {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'refunded', refunded_amount: '500', tax: { currency: 'USD', amount: '100', returned: '100' } });
    // Before: tax 100 and cash_in 100 with nothing left of the customer's money.
    expect(await figures()).toEqual({ tax: 0n, posted: '0', debt: '0', cash_in: '0', ok: true });
    expect((await api('GET', `/v1/top-ups/${tu.id}`)).body.tax).toEqual({ currency: 'USD', amount: '100', returned: '100' });
    expect((await api('GET', `/v1/top-ups/${tu.id}/receipt`)).body).toMatchObject({ tax: '100', tax_returned: '100' });
    // Refunding "the rest" again moves nothing, tax included.
    expect((await api('POST', `/v1/top-ups/${tu.id}/refund`, {})).body.tax.returned).toBe('100');
    expect(system('tax')).toBe(0n);
  });

  it('refunds in three pieces (334 + 333 + 334 of 1001 taxed 200) return exactly the tax: 67 + 66 + 67', async () => {
    const api = await setUp();
    const tu = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '1001' })).body;
    expect(tu.tax).toEqual({ currency: 'USD', amount: '200', returned: '0' });
    expect(await figures()).toEqual({ tax: 200n, posted: '1001', debt: '0', cash_in: '1201', ok: true });

    // round(200 × 334 / 1001) = round(66.73) = 67
    const a = await api('POST', `/v1/top-ups/${tu.id}/refund`, { amount: '334', idempotency_key: 'r1' });
    expect(a.body).toMatchObject({ status: 'succeeded', refunded_amount: '334', refundable: '667', tax: { returned: '67' } });
    expect(await figures()).toEqual({ tax: 133n, posted: '667', debt: '0', cash_in: '800', ok: true });
    // A retry of the same refund returns nothing more.
    expect((await api('POST', `/v1/top-ups/${tu.id}/refund`, { amount: '334', idempotency_key: 'r1' })).body.tax.returned).toBe('67');
    expect(system('tax')).toBe(133n);

    // round(200 × 667 / 1001) = round(133.27) = 133: this piece 66 (rounding each piece alone would give 67)
    const b = await api('POST', `/v1/top-ups/${tu.id}/refund`, { amount: '333' });
    expect(b.body).toMatchObject({ refunded_amount: '667', refundable: '334', tax: { returned: '133' } });
    expect(await figures()).toEqual({ tax: 67n, posted: '334', debt: '0', cash_in: '401', ok: true });

    // the whole top-up is back: all 200, this piece 67
    const c = await api('POST', `/v1/top-ups/${tu.id}/refund`, { amount: '334' });
    expect(c.body).toMatchObject({ status: 'refunded', refunded_amount: '1001', refundable: '0', tax: { amount: '200', returned: '200' } });
    expect(await figures()).toEqual({ tax: 0n, posted: '0', debt: '0', cash_in: '0', ok: true });

    // Three tax -> funding transfers under the receipt's ref, 67 + 66 + 67.
    const receipt = (await api('GET', `/v1/top-ups/${tu.id}/receipt`)).body;
    expect(receipt).toMatchObject({ tax: '200', tax_returned: '200' });
    const taxId = fx.engine.store.getSystemAccount('USD', 'tax')!.id;
    const back = fx.engine.store
      .listTransfers({ accountIds: [taxId], afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 100 })
      .filter((t) => t.debit_account_id === taxId);
    expect(back.map((t) => [t.kind, t.ref, t.amount])).toEqual([
      ['refund', `receipt:${receipt.number}`, 67n],
      ['refund', `receipt:${receipt.number}`, 66n],
      ['refund', `receipt:${receipt.number}`, 67n],
    ]);
  });

  it('a chargeback returns the tax the refunds had not (1001 taxed 200: 60 with a refund of 300, 140 with the chargeback)', async () => {
    const api = await setUp();
    const tu = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '1001' })).body;
    expect((await api('POST', '/v1/events', { transaction_id: 'e1', customer: 'pre2', code: 'calls' })).status).toBe(201); // 100 spent
    // round(200 × 300 / 1001) = round(59.94) = 60
    expect((await api('POST', `/v1/top-ups/${tu.id}/refund`, { amount: '300' })).body).toMatchObject({ refunded_amount: '300', tax: { returned: '60' } });
    expect(await figures()).toEqual({ tax: 140n, posted: '601', debt: '0', cash_in: '841', ok: true });

    const cb = await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'card dispute', idempotency_key: 'cb-1' });
    expect(cb.status).toBe(200);
    expect(cb.body).toMatchObject({ chargeback: true, refunded_amount: '300', charged_back_amount: '701', tax: { amount: '200', returned: '200' } });
    // 601 left the lot, the 100 spent is debt; the tax account keeps nothing of this top-up; the
    // bank took back 701 + 140: cash in is 0.
    expect(await figures()).toEqual({ tax: 0n, posted: '0', debt: '100', cash_in: '0', ok: true });
    // Replays move nothing more.
    expect((await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'card dispute', idempotency_key: 'cb-1' })).body.tax.returned).toBe('200');
    expect((await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'again' })).status).toBe(200);
    expect(await figures()).toEqual({ tax: 0n, posted: '0', debt: '100', cash_in: '0', ok: true });
  });

  it('a chargeback of a whole top-up returns all of its tax (the reconciliation case: 1001 taxed 200)', async () => {
    const api = await setUp();
    const tu = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '1001' })).body;
    const cb = await api('POST', `/v1/top-ups/${tu.id}/reverse`, { reason: 'card dispute' });
    expect(cb.body).toMatchObject({ charged_back_amount: '1001', tax: { amount: '200', returned: '200' } });
    expect(await figures()).toEqual({ tax: 0n, posted: '0', debt: '0', cash_in: '0', ok: true });
  });

  it('a top-up made under the invoice tax point took no tax and returns none, also refunded after the switch to top_up', async () => {
    const api = await setUp('invoice');
    const plain = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '500' })).body;
    expect(plain.tax).toBeNull();
    expect((await api('GET', `/v1/top-ups/${plain.id}/receipt`)).body).toMatchObject({ net: '500', tax: '0', total: '500', tax_returned: '0' });
    expect((await api('PATCH', '/v1/settings', { tax_point: 'top_up' })).status).toBe(200);
    const taxed = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '500' })).body;
    expect(taxed.tax).toEqual({ currency: 'USD', amount: '100', returned: '0' });
    expect(await figures()).toEqual({ tax: 100n, posted: '1000', debt: '0', cash_in: '1100', ok: true });

    const r = await api('POST', `/v1/top-ups/${plain.id}/refund`, {});
    expect(r.body).toMatchObject({ status: 'refunded', refunded_amount: '500', tax: null });
    // Only the 500 paid goes back; the other top-up's 100 tax stays where it is.
    expect(await figures()).toEqual({ tax: 100n, posted: '500', debt: '0', cash_in: '600', ok: true });
    expect((await api('GET', `/v1/top-ups/${plain.id}/receipt`)).body).toMatchObject({ tax: '0', tax_returned: '0' });
    expect((await api('GET', `/v1/top-ups/${taxed.id}`)).body.tax).toEqual({ currency: 'USD', amount: '100', returned: '0' });
  });

  it('closing a customer with settle "refund" returns the tax of what it refunds', async () => {
    const api = await setUp();
    const tu = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '500' })).body;
    expect((await api('POST', '/v1/events', { transaction_id: 'e1', customer: 'pre2', code: 'calls' })).status).toBe(201); // 100 spent
    expect((await api('POST', '/v1/customers/pre2/close', { reason: 'left', settle: 'refund' })).status).toBe(200);
    // 400 of 500 refunded: round(100 × 400 / 500) = 80 returned; the 20 on the 100 used stays due.
    expect((await api('GET', `/v1/top-ups/${tu.id}`)).body).toMatchObject({ refunded_amount: '400', tax: { amount: '100', returned: '80' } });
    expect(system('tax')).toBe(20n);
    const usd = (await api('GET', '/v1/overview')).body.assets.find((a: any) => a.asset === 'USD');
    expect(usd.cash_in).toBe('120');
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('tax inside the price: cash in is what was paid, the tax comes out of revenue, and goes back there on a refund (600 including 100)', async () => {
    const api = await setUp();
    expect((await api('PATCH', '/v1/settings', { tax_inclusive: true })).status).toBe(200);
    const revenue = async () => (await api('GET', '/v1/overview')).body.assets.find((a: any) => a.asset === 'USD').recognized_revenue;
    const tu = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '600' })).body;
    // 600 including 20 %: tax round(600 x 20 / 120) = 100, net 500; the customer paid 600 in all.
    expect((await api('GET', `/v1/top-ups/${tu.id}/receipt`)).body).toMatchObject({ net: '500', tax: '100', total: '600' });
    // Before: cash_in 700 (the tax counted again on top of the 600 paid).
    expect(await figures()).toEqual({ tax: 100n, posted: '600', debt: '0', cash_in: '600', ok: true });
    expect(await revenue()).toBe('-100');
    for (const id of ['e1', 'e2', 'e3']) expect((await api('POST', '/v1/events', { transaction_id: id, customer: 'pre2', code: 'calls' })).status).toBe(201);
    // 300 of credit used at tax-inclusive prices: its revenue, net of the tax already taken, is 250 (300 x 100 / 120).
    const r = await api('POST', `/v1/top-ups/${tu.id}/refund`, {});
    expect(r.body).toMatchObject({ status: 'refunded', refunded_amount: '300', tax: { amount: '100', returned: '50' } });
    expect(await figures()).toEqual({ tax: 50n, posted: '0', debt: '0', cash_in: '300', ok: true });
    // 250 of revenue and the 50 still on the tax account: the 300 kept, the tax inside it included.
    expect(await revenue()).toBe('250');
  });

  it('a receipt\'s tax goes back to where it came from, whatever the setting says at the refund', async () => {
    const api = await setUp();
    const onTop = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '500' })).body; // taxed 100 on top
    expect((await api('PATCH', '/v1/settings', { tax_inclusive: true })).status).toBe(200);
    expect((await api('POST', `/v1/top-ups/${onTop.id}/refund`, {})).body.tax).toEqual({ currency: 'USD', amount: '100', returned: '100' });
    // The customer got 500 back and 100 of tax: cash in falls by both, to nothing.
    expect(await figures()).toEqual({ tax: 0n, posted: '0', debt: '0', cash_in: '0', ok: true });
  });

  it('credit in a custom unit is taxed on its receipt under the invoice tax point too: its usage is never invoiced in money', async () => {
    const api = await setUp('invoice');
    expect((await api('POST', '/v1/assets', { code: 'GPUH', kind: 'custom', scale: 4, rates: [{ currency: 'USD', rate: '3.20' }] })).status).toBe(201);
    // 10 GPU hours at $3.20: $32.00 paid, plus 20 % = $6.40 (before: no tax at all, and a receipt
    // saying the tax would be invoiced with the usage, whose invoice is in GPU hours and carries none)
    const tu = (await api('POST', '/v1/customers/pre2/top-ups', { asset: 'GPUH', amount: '100000' })).body;
    expect(tu.price).toMatchObject({ currency: 'USD', amount: '3200' });
    expect(tu.tax).toEqual({ currency: 'USD', amount: '640', returned: '0' });
    expect((await api('GET', `/v1/top-ups/${tu.id}/receipt`)).body).toMatchObject({ currency: 'USD', net: '3200', tax: '640', total: '3840' });
    expect(system('tax')).toBe(640n);
    // A fiat top-up at the same time still takes none (its usage is taxed on the invoice).
    expect((await api('POST', '/v1/customers/pre2/top-ups', { asset: 'USD', amount: '500' })).body.tax).toBeNull();
    // A refund of half the hours gives back half the tax.
    const half = (await api('POST', `/v1/top-ups/${tu.id}/refund`, { amount: '50000' })).body;
    expect(half.tax).toEqual({ currency: 'USD', amount: '640', returned: '320' });
    // And the answer says what to pay back in money: half the $32.00 price (before: only GPU-hour figures).
    expect(half.price).toEqual({ currency: 'USD', amount: '3200', rate: '3.20', returned: '1600' });
    expect(system('tax')).toBe(320n);
    // 0.0001 GPU hours is worth $0.00032: a paid top-up priced at 0 is refused, with what to do (before: a $0.00 receipt).
    const tiny = await api('POST', '/v1/customers/pre2/top-ups', { asset: 'GPUH', amount: '1' });
    expect([tiny.status, tiny.body.error.code, tiny.body.error.message]).toEqual([422, 'validation_failed', 'At 3.20 USD per GPUH, 0.0001 GPUH is worth less than the smallest USD unit: give its price explicitly (price), top up more, or grant it.']);
    expect((await api('POST', '/v1/customers/pre2/top-ups', { asset: 'GPUH', amount: '1', price: { currency: 'USD', amount: '1' } })).status).toBe(201);
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });
});

/**
 * The minimum commitment and coupons, on a frozen clock (Lago's rule): the commitment is measured on
 * the segment's fees and usage charges before coupons, so a coupon always lowers what the customer
 * pays; the true-up is then a charge like the others, discounted by a coupon limited to nothing or to
 * its plan, never by one limited to metrics (it is no metric's usage).
 *
 * The operator's case: plan `scale`, $199 fixed fee in arrears, GPU and API usage, $500 minimum per
 * period; a postpaid customer with FIFTYOFF ($50 fixed, once) and GPU20 (20% limited to the GPU
 * metric). Fees before coupons: $199 + $6.22 + $0.60 = $205.82. Before the fix the true-up measured
 * the fee net of FIFTYOFF and came to $344.18, giving the $50 back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine } from '../helpers/harness';

let fx: EngineFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const at = (s: string) => Date.parse(s);
const POSTPAID = { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '10000000' }] };

/** Plan `scale` and a customer on it; `coupons` are created and applied in order before the period ends. */
async function scale(o: { customer?: Record<string, unknown>; topUp?: string; coupons?: Record<string, unknown>[]; fixedFee?: Record<string, unknown>; gpuSeconds?: number; apiCalls?: number } = {}) {
  clock = new ManualClock(at('2026-04-01T00:00:00Z'));
  fx = openEngine({ clock });
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createCustomer', { external_id: 'acme', ...(o.customer ?? POSTPAID) });
  if (o.topUp) await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: o.topUp });
  await fx.op('createMetric', { code: 'gpu', aggregation: 'sum', property: 'seconds' });
  await fx.op('createMetric', { code: 'api', aggregation: 'count' });
  await fx.op('createPlan', {
    code: 'scale',
    name: 'Scale',
    interval: 'monthly',
    fixed_fee: { asset: 'USD', amount: '19900', ...o.fixedFee },
    minimum_commitment: { asset: 'USD', amount: '50000' },
    charges: [
      { metric: 'gpu', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } },
      { metric: 'api', asset: 'USD', model: 'standard', properties: { unit_price: '0.1' } },
    ],
  });
  for (const c of o.coupons ?? []) {
    await fx.op('createCoupon', c);
    await fx.op('applyCoupon', { external_id: 'acme', coupon: c.code });
  }
  const sub = await fx.op<any>('createSubscription', { customer: 'acme', plan: 'scale' });
  // $6.22 of GPU time and 6 API calls ($0.60)
  await fx.op('ingestEvent', { transaction_id: 'gpu', customer: 'acme', code: 'gpu', properties: { seconds: o.gpuSeconds ?? 622 } });
  for (let i = 0; i < (o.apiCalls ?? 6); i++) await fx.op('ingestEvent', { transaction_id: `api${i}`, customer: 'acme', code: 'api' });
  return sub;
}

/** Closes April and goes past the grace period: the invoice is finalized. */
async function finishApril() {
  clock.set(at('2026-05-01T00:00:00Z'));
  await fx.engine.runBilling();
  clock.set(at('2026-05-03T00:00:00Z'));
  await fx.engine.runBilling();
  const [inv] = (await fx.op<any>('listInvoices', { customer: 'acme' })).data;
  return inv;
}

const FIFTYOFF = { code: 'FIFTYOFF', kind: 'fixed', asset: 'USD', amount: '5000', frequency: 'once' };
const GPU20 = { code: 'GPU20', kind: 'percentage', percentage: '20', frequency: 'forever', metrics: ['gpu'] };
const lines = (inv: any) => inv.lines.filter((l: any) => !l.informational).map((l: any) => [l.kind, l.description, l.amount]);
const sumOfLines = (inv: any) => inv.lines.filter((l: any) => !l.informational).reduce((s: bigint, l: any) => s + BigInt(l.amount), 0n);
/** Net revenue of the customer's transfers of a kind (minor units). */
function revenue(kind: string): bigint {
  const accounts = new Map(fx.engine.store.listAllAccounts().map((a) => [a.id, a]));
  let v = 0n;
  for (const t of fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 100000 })) {
    if (t.phase !== 0 || t.kind !== kind) continue;
    if (accounts.get(t.credit_account_id)!.type === 'revenue') v += t.amount;
    else if (accounts.get(t.debit_account_id)!.type === 'revenue') v -= t.amount;
  }
  return v;
}

describe('the minimum commitment is measured before coupons', () => {
  it('the operator\'s case: the true-up is $500 − $205.82 = $294.18, and FIFTYOFF and GPU20 both lower what is paid', async () => {
    await scale({ coupons: [FIFTYOFF, GPU20] });
    const inv = await finishApril();
    expect(revenue('minimum_commitment')).toBe(29418n); // was 34418: the $50 of FIFTYOFF given back
    expect(lines(inv)).toEqual([
      ['fixed_fee', 'Scale — fixed fee', '19900'],
      ['coupon', 'Coupon FIFTYOFF', '-5000'],
      ['usage', 'gpu', '622'],
      ['usage', 'api', '60'],
      ['minimum_commitment', 'Minimum commitment true-up', '29418'],
      ['coupon', 'Coupon GPU20', '-124'],
    ]);
    // $500 of commitment less both coupons: 50000 - 5000 - 124
    expect(inv).toMatchObject({ subtotal: '50000', discounts: '-5124', total: '44876', amount_due: '44876', credits_applied: '0' });
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect((await fx.op<any>('listAppliedCoupons', { external_id: 'acme' })).data.map((a: any) => [a.coupon, a.status])).toEqual([
      ['FIFTYOFF', 'used'],
      ['GPU20', 'active'],
    ]);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('with no coupon the same period pays exactly the commitment', async () => {
    await scale();
    const inv = await finishApril();
    expect(inv).toMatchObject({ subtotal: '50000', discounts: '0', total: '50000' });
    expect(revenue('minimum_commitment')).toBe(29418n);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a prepaid customer\'s fee in advance discounted by a fixed coupon: the true-up is measured on the fee before it', async () => {
    await scale({ customer: {}, topUp: '100000', fixedFee: { pay_in_advance: true }, coupons: [FIFTYOFF] });
    expect(revenue('fee')).toBe(14900n);
    const inv = await finishApril();
    expect(revenue('minimum_commitment')).toBe(29418n);
    expect(inv).toMatchObject({ subtotal: '50000', discounts: '-5000', total: '45000', credits_applied: '45000', amount_due: '0', status: 'paid' });
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a fee in advance cut short by a termination: the true-up is measured on the part kept, before its coupon', async () => {
    // Terminated on 10 April at 12:00: 1-10 April kept (10/30): fee 6633 (rounded), minimum 16667.
    const sub = await scale({ customer: {}, topUp: '100000', fixedFee: { pay_in_advance: true }, coupons: [{ ...FIFTYOFF, amount: '2000' }] });
    clock.set(at('2026-04-10T12:00:00Z'));
    await fx.op('terminateSubscription', { id: sub.id });
    const kept = 6633n;
    expect(revenue('fee')).toBe(kept - 2000n);
    expect(revenue('minimum_commitment')).toBe(16667n - kept - 622n - 60n);
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('the true-up line and coupons', () => {
  it('a percentage coupon limited to nothing discounts the true-up too: 10% of every line, 10% of the commitment', async () => {
    await scale({ coupons: [{ code: 'TEN', kind: 'percentage', percentage: '10', frequency: 'forever' }] });
    const inv = await finishApril();
    expect(lines(inv)).toEqual([
      ['fixed_fee', 'Scale — fixed fee', '19900'],
      ['coupon', 'Coupon TEN', '-1990'],
      ['usage', 'gpu', '622'],
      ['usage', 'api', '60'],
      ['minimum_commitment', 'Minimum commitment true-up', '29418'],
      ['coupon', 'Coupon TEN', '-2942'],
      ['coupon', 'Coupon TEN', '-68'],
    ]);
    expect(inv).toMatchObject({ subtotal: '50000', discounts: '-5000', total: '45000' });
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a fixed coupon larger than the fee goes on to the true-up (and only then to usage)', async () => {
    await scale({ coupons: [{ ...FIFTYOFF, code: 'BIG', amount: '25000' }] });
    const inv = await finishApril();
    expect(lines(inv)).toEqual([
      ['fixed_fee', 'Scale — fixed fee', '19900'],
      ['coupon', 'Coupon BIG', '-19900'],
      ['usage', 'gpu', '622'],
      ['usage', 'api', '60'],
      ['minimum_commitment', 'Minimum commitment true-up', '29418'],
      ['coupon', 'Coupon BIG', '-5100'],
    ]);
    expect(inv).toMatchObject({ subtotal: '50000', discounts: '-25000', total: '25000' });
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('a coupon limited to the plan discounts the true-up, one limited to another plan or to metrics does not', async () => {
    clock = new ManualClock(at('2026-04-01T00:00:00Z'));
    fx = openEngine({ clock });
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme', ...POSTPAID });
    await fx.op('createMetric', { code: 'gpu', aggregation: 'sum', property: 'seconds' });
    await fx.op('createPlan', { code: 'scale', name: 'Scale', interval: 'monthly', minimum_commitment: { asset: 'USD', amount: '10000' }, charges: [{ metric: 'gpu', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
    await fx.op('createPlan', { code: 'other', name: 'Other', interval: 'monthly' });
    for (const c of [
      { code: 'OTHER', kind: 'percentage', percentage: '50', frequency: 'forever', plans: ['other'] },
      { code: 'GPU', kind: 'percentage', percentage: '50', frequency: 'forever', metrics: ['gpu'] },
      { code: 'SCALE', kind: 'fixed', asset: 'USD', amount: '1000', frequency: 'forever', plans: ['scale'] },
    ]) {
      await fx.op('createCoupon', c);
      await fx.op('applyCoupon', { external_id: 'acme', coupon: c.code });
    }
    await fx.op('createSubscription', { customer: 'acme', plan: 'scale' });
    await fx.op('ingestEvent', { transaction_id: 'gpu', customer: 'acme', code: 'gpu', properties: { seconds: 2000 } });
    const inv = await finishApril();
    expect(lines(inv)).toEqual([
      ['usage', 'gpu', '2000'],
      ['minimum_commitment', 'Minimum commitment true-up', '8000'],
      ['coupon', 'Coupon SCALE', '-1000'],
      ['coupon', 'Coupon GPU', '-1000'],
    ]);
    expect(inv).toMatchObject({ subtotal: '10000', discounts: '-2000', total: '8000' });
    expect(BigInt(inv.total)).toBe(sumOfLines(inv));
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('the preview states the same true-up and discounts as the invoice', async () => {
    await scale({ coupons: [FIFTYOFF, GPU20] });
    clock.set(at('2026-04-20T00:00:00Z'));
    const preview = await fx.op<any>('previewInvoice', { external_id: 'acme' });
    expect(preview).toMatchObject({ subtotal: '50000', discounts: '-5124', total: '44876' });
    expect(BigInt(preview.total)).toBe(sumOfLines(preview));
    // the preview was rolled back: FIFTYOFF is still there for the invoice
    expect((await fx.op<any>('listAppliedCoupons', { external_id: 'acme' })).data[0]).toMatchObject({ coupon: 'FIFTYOFF', status: 'active' });
  });
});

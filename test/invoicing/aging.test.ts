/**
 * Receivables aging (`GET /v1/receivables/aging`), on a frozen clock through the HTTP API (every
 * answer checked against the OpenAPI document). It proves that each invoice's share lands in the
 * bucket its due date puts it in, that the shares are the invoices' `amount_outstanding`, that a
 * customer's buckets add up to its debt (usage not invoiced yet included) and currency rows to
 * their customers, and that money arriving pays the oldest invoice first, so the oldest bucket
 * empties first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { bucketOf, daysPastDue } from '../../src-main/engine/invoicing/aging';
import { type ServerFixture, startApi, advanceBilling } from '../helpers/harness';

let fx: ServerFixture;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
});

const DAY = 86_400_000;
const at = (s: string) => Date.parse(s);
const BUCKETS = ['not_due', 'days_1_30', 'days_31_60', 'days_61_90', 'days_over_90'] as const;

async function ok<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fx.api<T>(method, path, body);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
}
const aging = (query = '') => ok('GET', `/v1/receivables/aging${query}`);
const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);

/**
 * Postpaid customers on a $100.00 monthly fee billed in arrears, invoices due 10 days after they
 * are finalized (no grace period: a closed period is finalized by the same billing run).
 */
async function start() {
  clock = new ManualClock(at('2026-01-01T00:00:00Z'));
  fx = await startApi({ clock });
  await ok('PATCH', '/v1/settings', { grace_period_hours: 0 });
  await ok('POST', '/v1/assets', { code: 'USD' });
  await ok('POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
  await ok('POST', '/v1/plans', { code: 'basic', name: 'Basic', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '10000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '2.50' } }] });
  for (const id of ['late', 'prompt']) {
    await ok('POST', '/v1/customers', { external_id: id, name: id === 'late' ? 'Late Payer Ltd' : 'Prompt Co', billing_mode: 'postpaid', payment_terms_days: 10, overdraft_limits: [{ asset: 'USD', amount: '100000000' }] });
    await ok('POST', '/v1/subscriptions', { customer: id, plan: 'basic' });
  }
}

/** The buckets the test computes itself from each invoice's due date and outstanding amount. */
async function expectedBuckets(customer: string, asOf: number) {
  const sums: Record<string, bigint> = Object.fromEntries(BUCKETS.map((b) => [b, 0n]));
  const invoices = (await ok('GET', `/v1/invoices?customer=${customer}&limit=500`)).data as any[];
  for (const inv of invoices) {
    if (inv.status === 'draft' || inv.status === 'void' || inv.amount_outstanding === '0') continue;
    const due = inv.due_at ? Date.parse(inv.due_at) : null;
    const days = due === null || asOf <= due ? 0 : Math.ceil((asOf - due) / DAY);
    const bucket = days === 0 ? 'not_due' : days <= 30 ? 'days_1_30' : days <= 60 ? 'days_31_60' : days <= 90 ? 'days_61_90' : 'days_over_90';
    sums[bucket]! += BigInt(inv.amount_outstanding);
  }
  return Object.fromEntries(BUCKETS.map((b) => [b, sums[b]!.toString()]));
}

describe('receivables aging', () => {
  it('puts each unpaid invoice in the bucket of its days past due, and a customer\'s total is its debt', async () => {
    await start();
    // January to April close and are finalized on the 1st of the next month, due the 11th.
    for (const month of ['02', '03', '04', '05']) await advanceTo(`2026-${month}-01T00:00:00Z`);
    // 'prompt' pays every invoice; 'late' pays nothing. Usage in May is owed but not invoiced yet.
    for (const inv of (await ok('GET', '/v1/invoices?customer=prompt&limit=500')).data as any[]) {
      await ok('POST', `/v1/invoices/${inv.id}/payments`, { amount: inv.amount_outstanding, method: 'bank_transfer' });
    }
    for (let i = 0; i < 3; i++) await ok('POST', '/v1/events', { transaction_id: `may-${i}`, customer: 'late', code: 'calls' });
    await advanceTo('2026-05-01T00:00:01Z');

    const report = await aging();
    expect(report.as_of).toBe('2026-05-01T00:00:01.000Z');
    // Only the customer who owes is listed.
    expect(report.customers.map((c: any) => c.customer)).toEqual(['late']);
    const late = report.customers[0];
    // January's invoice was due Feb 11: 79 days and a second late on May 1; February's 51, March's
    // 20, and April's (finalized today) is not due yet. $100.00 each; May's three calls are $7.50.
    expect(late).toMatchObject({
      name: 'Late Payer Ltd',
      currency: 'USD',
      not_due: '10000',
      days_1_30: '10000',
      days_31_60: '10000',
      days_61_90: '10000',
      days_over_90: '0',
      overdue: '30000',
      uninvoiced: '750',
      total: '40750',
      invoices: 4,
      oldest_due_at: '2026-02-11T00:00:00.000Z',
    });
    // The same buckets the invoices' own amount_outstanding and due_at give, and the debt the balance shows.
    expect(Object.fromEntries(BUCKETS.map((b) => [b, late[b]]))).toEqual(await expectedBuckets('late', at('2026-05-01T00:00:01Z')));
    const balances = await ok('GET', '/v1/customers/late/balances');
    expect(late.total).toBe(balances.balances.find((b: any) => b.asset === 'USD').debt);
    // The currency row is the sum of its customers.
    expect(report.currencies).toEqual([{ currency: 'USD', customers: 1, not_due: '10000', days_1_30: '10000', days_31_60: '10000', days_61_90: '10000', days_over_90: '0', overdue: '30000', uninvoiced: '750', total: '40750' }]);
    expect(report.customers_total).toBe(1);

    // Forty days on (no billing run, so May is not invoiced yet): April's invoice is 30 days and a
    // second past due, March's 60 and a second, February's 91 and January's 119.
    clock.set(at('2026-06-10T00:00:01Z'));
    const later = (await aging()).customers[0];
    expect(later).toMatchObject({ not_due: '0', days_1_30: '0', days_31_60: '10000', days_61_90: '10000', days_over_90: '20000' });
    expect(Object.fromEntries(BUCKETS.map((b) => [b, later[b]]))).toEqual(await expectedBuckets('late', at('2026-06-10T00:00:01Z')));
  });

  it('money arriving pays the oldest invoice first: the oldest bucket empties first', async () => {
    await start();
    for (const month of ['02', '03', '04']) await advanceTo(`2026-${month}-01T00:00:00Z`);
    clock.set(at('2026-04-20T00:00:00Z'));
    // January (due Feb 11, 68 days) in 61-90, February (due Mar 11, 40 days) in 31-60, March (due Apr 11, 9 days) in 1-30.
    expect((await aging('?customer=late')).customers[0]).toMatchObject({ days_1_30: '10000', days_31_60: '10000', days_61_90: '10000', total: '30000' });
    // $150.00 of credit repays debt oldest first: all of January, half of February.
    await ok('POST', '/v1/customers/late/top-ups', { asset: 'USD', amount: '15000' });
    const after = (await aging('?customer=late')).customers[0];
    expect(after).toMatchObject({ days_61_90: '0', days_31_60: '5000', days_1_30: '10000', total: '15000', invoices: 2, oldest_due_at: '2026-03-11T00:00:00.000Z' });
    expect(Object.fromEntries(BUCKETS.map((b) => [b, after[b]]))).toEqual(await expectedBuckets('late', at('2026-04-20T00:00:00Z')));
    // A payment recorded against the newest invoice takes it out of its own bucket.
    const newest = ((await ok('GET', '/v1/invoices?customer=late&order=desc')).data as any[])[0];
    await ok('POST', `/v1/invoices/${newest.id}/payments`, { amount: '10000', method: 'bank_transfer' });
    expect((await aging('?customer=late')).customers[0]).toMatchObject({ days_1_30: '0', days_31_60: '5000', total: '5000', invoices: 1 });
  });

  it('sorts the most overdue first, cuts at the limit but totals everyone, and filters by currency and customer', async () => {
    await start();
    await advanceTo('2026-02-01T00:00:00Z');
    clock.set(at('2026-02-15T00:00:00Z')); // both January invoices 4 days past due
    for (let i = 0; i < 4; i++) await ok('POST', '/v1/events', { transaction_id: `feb-${i}`, customer: 'prompt', code: 'calls' });
    await ok('POST', '/v1/customers/late/top-ups', { asset: 'USD', amount: '4000' }); // 'late' now owes $60.00 of January
    const report = await aging('?limit=1');
    expect(report.customers_total).toBe(2);
    expect(report.customers).toHaveLength(1);
    expect(report.customers[0]).toMatchObject({ customer: 'prompt', overdue: '10000', uninvoiced: '1000', total: '11000' });
    expect(report.currencies[0]).toMatchObject({ customers: 2, days_1_30: '16000', uninvoiced: '1000', total: '17000' });
    expect((await aging('?customer=late')).customers.map((c: any) => c.total)).toEqual(['6000']);
    expect(await aging('?currency=EUR')).toMatchObject({ currencies: [], customers: [], customers_total: 0 });
    const unknown = await fx.api('GET', '/v1/receivables/aging?customer=nobody');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('customer_not_found');
    const bad = await fx.api('GET', '/v1/receivables/aging?limit=0');
    expect(bad.status).toBe(422);
  });
});

describe('days past due and buckets', () => {
  const due = at('2026-03-01T00:00:00Z');
  it.each([
    [due - 1, 0, 'not_due'],
    [due, 0, 'not_due'],
    [due + 1, 1, 'days_1_30'],
    [due + 30 * DAY, 30, 'days_1_30'],
    [due + 30 * DAY + 1, 31, 'days_31_60'],
    [due + 60 * DAY, 60, 'days_31_60'],
    [due + 90 * DAY, 90, 'days_61_90'],
    [due + 90 * DAY + 1, 91, 'days_over_90'],
  ])('at %d: %d days past due, %s', (now, days, bucket) => {
    expect(daysPastDue(due, now)).toBe(days);
    expect(bucketOf(daysPastDue(due, now))).toBe(bucket);
  });
  it('an invoice with no due date is never past due', () => {
    expect(daysPastDue(null, due + 400 * DAY)).toBe(0);
  });
});

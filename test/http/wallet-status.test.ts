/**
 * One definition of "below zero" for the overview's count and its lists. Before, GET /v1/overview
 * counted `negative_wallets: 0` (postpaid customers left out) while the overview's "Running low"
 * list, fed by GET /v1/wallets/monitor, showed two postpaid customers as NEGATIVE (the console
 * judged `available` alone). Now the engine judges each wallet once (`walletState`): a postpaid
 * customer below zero within its credit limit is usage billed later, `ok` (or `low`); at or past
 * its limit it is `empty` (no room for new usage); only a prepaid wallet below zero is `negative`.
 * The monitor and the customer list carry that `status`, and the count is the number of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

const T0 = Date.parse('2026-11-10T12:00:00Z');

async function setUp() {
  fx = await startApi({ clock: new ManualClock(T0) });
  const { api } = fx;
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
  await api('POST', '/v1/plans', { code: 'api', name: 'API', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] }); // a cent a call
  await api('POST', '/v1/plans', { code: 'seat', name: 'Seat', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2900', pay_in_advance: true }, charges: [] });
  const customer = async (external_id: string, body: Record<string, unknown>, plan = 'api') => {
    expect((await api('POST', '/v1/customers', { external_id, ...body })).status).toBe(201);
    expect((await api('POST', '/v1/subscriptions', { customer: external_id, plan })).status).toBe(201);
  };
  const calls = async (c: string, n: number) => {
    for (let i = 0; i < n; i++) expect((await api('POST', '/v1/events', { transaction_id: `${c}-${i}`, customer: c, code: 'calls' })).status).toBe(201);
  };
  // Two postpaid customers using their credit limit: below zero, within it (the operator's case).
  await customer('billed-a', { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
  await customer('billed-b', { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
  await calls('billed-a', 3);
  await calls('billed-b', 2);
  // A postpaid customer at its credit limit: no room for new usage.
  await customer('billed-max', { billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '3' }] });
  await calls('billed-max', 3);
  // A postpaid customer on a fee-only plan, no credit limit: its fee is billed later.
  await customer('billed-fee', { billing_mode: 'postpaid' }, 'seat');
  // A prepaid customer in its overdraft: below zero for real.
  await customer('owing', { overdraft_limits: [{ asset: 'USD', amount: '5' }] });
  await api('POST', '/v1/customers/owing/top-ups', { asset: 'USD', amount: '2' });
  await calls('owing', 3);
  // A prepaid customer with credit left, and one at exactly zero.
  await customer('funded', {});
  await api('POST', '/v1/customers/funded/top-ups', { asset: 'USD', amount: '1000000' });
  await calls('funded', 1);
  await customer('spent', {});
  await api('POST', '/v1/customers/spent/top-ups', { asset: 'USD', amount: '2' });
  await calls('spent', 2);
  return api;
}

describe('wallet status: the overview count and its lists agree', () => {
  it('postpaid customers within their credit limit are not below zero anywhere; prepaid ones are', async () => {
    const api = await setUp();
    const overview = (await api('GET', '/v1/overview')).body;
    const monitor = (await api('GET', '/v1/wallets/monitor?limit=500')).body.wallets as { customer: string; available: string; status: string; billing_mode: string; overdraft_limit: string }[];
    const list = (await api('GET', '/v1/customers-with-balances?limit=500')).body.data as { external_id: string; balances: { status: string; available: string }[] }[];

    const statusIn = Object.fromEntries(list.map((c) => [c.external_id, c.balances[0]?.status]));
    expect(statusIn).toEqual({ 'billed-a': 'ok', 'billed-b': 'ok', 'billed-max': 'empty', 'billed-fee': 'empty', owing: 'negative', funded: 'ok', spent: 'empty' });
    const availableIn = Object.fromEntries(list.map((c) => [c.external_id, c.balances[0]?.available]));
    expect(availableIn).toMatchObject({ 'billed-a': '-3', 'billed-b': '-2', 'billed-max': '-3', owing: '-1', spent: '0' });
    expect(BigInt(availableIn['billed-fee']!)).toBeLessThan(0n); // the fee, prorated for the rest of November

    // The monitor (what "Running low" lists) says the same of every wallet it shows.
    for (const w of monitor) expect([w.customer, w.status]).toEqual([w.customer, statusIn[w.customer]]);
    expect(monitor.find((w) => w.customer === 'billed-a')).toMatchObject({ billing_mode: 'postpaid', overdraft_limit: '100000', status: 'ok' });
    expect(monitor.filter((w) => w.customer.startsWith('billed')).every((w) => w.status !== 'negative')).toBe(true);

    // And the count is the number of wallets the lists call negative.
    const negatives = list.filter((c) => c.balances.some((b) => b.status === 'negative')).length;
    expect(overview.attention.negative_wallets).toBe(1);
    expect(negatives).toBe(overview.attention.negative_wallets);
    expect(monitor.filter((w) => w.status === 'negative').map((w) => w.customer)).toEqual(['owing']);
  });
});

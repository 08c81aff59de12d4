/**
 * An event settled against a hold says so in its debit split, whatever the hold stood on. A hold of
 * a postpaid customer (or of a prepaid one with no free credit) reserves against the credit limit,
 * not on a credit lot; when an event settles it, the reservation is released and the usage is
 * posted to the receivable. The event then said "From hold $0.00 · As debt $0.01" (and
 * `debt_created: false`, contradicting its own `as_debt`), while the hold said "Captured $0.01".
 * The hold's figure is right: the event drew on it. `from_hold` is what the hold covered, whatever
 * it stood on; `as_debt` is the debt the event ran up beyond it (non-zero exactly when
 * `debt_created`); `from_hold + from_credit + as_debt` is still the amount.
 *
 * The split is built in src-main/engine/events.ts (`debits:` of the answer, from the totals of
 * `post`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

const T0 = Date.parse('2026-05-10T12:00:00Z');

async function setUp(customer: Record<string, unknown>) {
  fx = await startApi({ clock: new ManualClock(T0) });
  const { api } = fx;
  await api('POST', '/v1/assets', { code: 'USD' });
  await api('POST', '/v1/metrics', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
  await api('POST', '/v1/plans', { code: 'tok', name: 'Tokens', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
  expect((await api('POST', '/v1/customers', { external_id: 'gpu', ...customer })).status).toBe(201);
  await api('POST', '/v1/subscriptions', { customer: 'gpu', plan: 'tok' });
  return api;
}

/** The event's answer, its detail (GET), and the hold after it, with the transfers the detail lists. */
async function settle(api: ServerFixture['api'], hold: Record<string, unknown>, tokens: number) {
  const auth = await api('POST', '/v1/authorizations', { customer: 'gpu', ...hold });
  expect(auth.status, JSON.stringify(auth.body)).toBe(201);
  const answer = await api('POST', '/v1/events', { transaction_id: 'job', customer: 'gpu', code: 'tokens', properties: { tokens }, authorization_id: auth.body.id });
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  const detail = (await api('GET', '/v1/events/job?customer=gpu')).body;
  const after = (await api('GET', `/v1/authorizations/${auth.body.id}`)).body;
  return { answer: answer.body, detail, hold: after };
}

describe('an event under a hold that stood on the credit limit', () => {
  it('postpaid, hold by metric: the event drew its cent from the hold, as the hold says', async () => {
    const api = await setUp({ billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '10000' }] });
    const { answer, detail, hold } = await settle(api, { metric: 'tokens', quantity: '1' }, 1);
    expect(hold).toMatchObject({ status: 'captured', captured: '1', held: '0' });
    for (const e of [answer, detail.event]) {
      expect(e.debits).toEqual([{ asset: 'USD', amount: '1', from_hold: '1', from_credit: '0', as_debt: '0', credited_back: '0' }]);
      expect(e.debt_created).toBe(false);
    }
    // The ledger: the reservation released, the usage posted to the receivable (billed later).
    expect(detail.transfers.map((t: any) => [t.kind, t.phase, t.amount])).toEqual([
      ['hold', 'released', '1'],
      ['usage', 'posted', '1'],
    ]);
  });

  it('postpaid, hold by amount, event beyond it: the hold part from the hold, the rest as debt', async () => {
    const api = await setUp({ billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '10000' }] });
    const { answer, detail, hold } = await settle(api, { asset: 'USD', amount: '100' }, 250);
    expect(hold).toMatchObject({ status: 'captured', captured: '250', held: '0' });
    for (const e of [answer, detail.event]) {
      expect(e.debits).toEqual([{ asset: 'USD', amount: '250', from_hold: '100', from_credit: '0', as_debt: '150', credited_back: '0' }]);
      expect(e.debt_created).toBe(true);
    }
  });

  it('prepaid without free credit, hold on the overdraft: the same split', async () => {
    const api = await setUp({ overdraft_limits: [{ asset: 'USD', amount: '500' }] });
    const { answer, hold } = await settle(api, { asset: 'USD', amount: '300' }, 200);
    expect(hold).toMatchObject({ status: 'captured', captured: '200' });
    expect(answer.debits).toEqual([{ asset: 'USD', amount: '200', from_hold: '200', from_credit: '0', as_debt: '0', credited_back: '0' }]);
    expect(answer.debt_created).toBe(false);
  });
});

describe('an event under a hold on credit (unchanged)', () => {
  it('prepaid with credit: from the hold, then credit, then debt', async () => {
    const api = await setUp({ overdraft_limits: [{ asset: 'USD', amount: '500' }] });
    await api('POST', '/v1/customers/gpu/top-ups', { asset: 'USD', amount: '150' });
    const { answer, hold } = await settle(api, { asset: 'USD', amount: '100' }, 200);
    expect(hold).toMatchObject({ status: 'captured', captured: '200' });
    expect(answer.debits).toEqual([{ asset: 'USD', amount: '200', from_hold: '100', from_credit: '50', as_debt: '50', credited_back: '0' }]);
    expect(answer.debt_created).toBe(true);
  });
});

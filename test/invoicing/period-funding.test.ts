/**
 * What a customer's billing segments took from its wallet and put on its receivable
 * (`Store.periodFunding`, behind every invoice's credits applied and amount due and the debt not
 * invoiced yet) is read through the customer's account indexes from the segment's transfer bound
 * (migration 11). This proves it equals the plain definition, a scan of every transfer of the
 * ledger, over a history with prepaid and postpaid customers, debt, top-ups that repay it, plan
 * changes and closed periods, for every segment and every set of a customer's segments, and the
 * same for segments made before migration 11 (no bound).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine } from '../helpers/harness';

let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

/** The definition, as the query was before migration 11: every transfer of the ledger, joined to its accounts. */
function byScan(periodIds: number[], asset: string): { fromCredit: bigint; toReceivable: bigint } {
  if (!periodIds.length) return { fromCredit: 0n, toReceivable: 0n };
  const list = periodIds.map(() => '?').join(',');
  const r = fx.engine.db
    .prepare(
      `SELECT SUM(CASE WHEN d.type = 'wallet' THEN t.amount WHEN c.type = 'wallet' THEN -t.amount ELSE 0 END) AS w,
              SUM(CASE WHEN d.type = 'receivable' THEN t.amount WHEN c.type = 'receivable' THEN -t.amount ELSE 0 END) AS r
         FROM transfers t JOIN accounts d ON d.id = t.debit_account_id JOIN accounts c ON c.id = t.credit_account_id
        WHERE t.period_id IN (${list}) AND t.phase = 0 AND d.asset = ? AND t.kind NOT IN ('hold', 'debt_repayment', 'top_up', 'grant', 'refund', 'chargeback', 'adjustment')`,
    )
    .safeIntegers(true)
    .get(...periodIds, asset) as { w: bigint | null; r: bigint | null };
  return { fromCredit: r.w ?? 0n, toReceivable: r.r ?? 0n };
}

async function history() {
  const clock = new ManualClock(Date.parse('2026-01-01T00:00:00Z'));
  fx = openEngine({ clock });
  await fx.op('updateSettings', { grace_period_hours: 0 });
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
  const charges = [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.75' } }];
  await fx.op('createPlan', { code: 'basic', name: 'Basic', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '2900', pay_in_advance: true }, charges });
  await fx.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '9900' }, charges });
  const customers = [
    { external_id: 'pre', billing_mode: 'prepaid', on_insufficient_funds: 'record_as_debt', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] },
    { external_id: 'post', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] },
  ];
  for (const c of customers) {
    await fx.op('createCustomer', c);
    await fx.op('createSubscription', { customer: c.external_id, plan: 'basic' });
  }
  await fx.op('createTopUp', { external_id: 'pre', asset: 'USD', amount: '3000' });
  let n = 0;
  const calls = async (customer: string, count: number) => {
    for (let i = 0; i < count; i++) await fx.op('ingestEvent', { transaction_id: `e${n++}`, customer, code: 'calls' });
  };
  for (const [month, day] of [['01', '10'], ['02', '05'], ['02', '20'], ['03', '12']] as const) {
    clock.set(Date.parse(`2026-${month}-${day}T00:00:00Z`));
    await calls('pre', 40);
    await calls('post', 25);
    if (day === '20') {
      await fx.op('createTopUp', { external_id: 'pre', asset: 'USD', amount: '1500' }); // repays debt first
      await fx.op('updateSubscription', { id: (await fx.op<any>('listSubscriptions', { customer: 'post' })).data[0].id, plan: 'pro', timing: 'now' });
    }
    await fx.engine.runBilling();
  }
  clock.set(Date.parse('2026-04-01T00:00:01Z'));
  await fx.engine.runBilling();
  await calls('post', 7);
}

function segmentsOf(customer: string): number[] {
  const id = fx.engine.customers.require(customer).id;
  return (fx.engine.db.prepare('SELECT p.id FROM periods p JOIN subscriptions s ON s.id = p.subscription_id WHERE s.customer_id = ? ORDER BY p.id').all(id) as { id: number }[]).map((r) => r.id);
}

function expectSameEverywhere() {
  let nonZero = 0;
  for (const customer of ['pre', 'post']) {
    const id = fx.engine.customers.require(customer).id;
    const segments = segmentsOf(customer);
    expect(segments.length).toBeGreaterThan(3);
    const sets = [...segments.map((s) => [s]), segments, segments.slice(1), segments.filter((_, i) => i % 2 === 0)];
    for (const set of sets) {
      const fast = fx.engine.store.periodFunding(set, id, 'USD');
      expect(fast, `${customer} segments ${set.join(',')}`).toEqual(byScan(set, 'USD'));
      if (fast.fromCredit !== 0n || fast.toReceivable !== 0n) nonZero++;
    }
  }
  // The history books both kinds: a comparison of zeros would prove nothing.
  expect(nonZero).toBeGreaterThan(6);
}

describe("a segment's funding read through the customer's accounts", () => {
  it('equals a scan of the whole ledger for every segment and set of segments', async () => {
    await history();
    const bounds = fx.engine.db.prepare('SELECT transfers_before FROM periods').all() as { transfers_before: number | null }[];
    expect(bounds.every((b) => typeof b.transfers_before === 'number')).toBe(true);
    expectSameEverywhere();
  });

  it('and for segments made before migration 11, which have no bound', async () => {
    await history();
    fx.engine.db.exec('UPDATE periods SET transfers_before = NULL');
    expectSameEverywhere();
  });
});

/**
 * Revenue by plan (GET /v1/overview) against recognized revenue: per asset the rows add up to the
 * revenue account exactly, after credit notes (credited and refunded), a void and a reissue, under
 * tax-exclusive and tax-inclusive prices; a period's charges count in the month the period starts;
 * a database kept by the earlier rule is rebuilt at start-up to the same figures.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine } from '../helpers/harness';

let fx: EngineFixture | undefined;
let clock: ManualClock;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const at = (s: string) => Date.parse(s);

async function start(settings: Record<string, unknown> = {}, dataDir?: string) {
  clock = new ManualClock(at('2026-04-01T00:00:00Z'));
  fx = openEngine({ clock, dataDir });
  const f = fx;
  await f.op('updateSettings', { grace_period_hours: 24, ...settings });
  await f.op('createAsset', { code: 'USD' });
  await f.op('createCustomer', { external_id: 'acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }], tax_rate: '20' });
  await f.op('createMetric', { code: 'calls', aggregation: 'count' });
  // $10.00 fixed fee in arrears, 7 cents a call.
  await f.op('createPlan', { code: 'pro', name: 'Pro', interval: 'monthly', fixed_fee: { asset: 'USD', amount: '1000' }, charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.07' } }] });
  await f.op('createSubscription', { customer: 'acme', plan: 'pro' });
  return f;
}

async function advanceTo(iso: string) {
  clock.set(at(iso));
  await fx!.engine.runBilling();
}
async function finishPeriod(end: string) {
  await advanceTo(end);
  await advanceTo(new Date(at(end) + 25 * 3600_000).toISOString());
}
async function calls(n: number, prefix: string) {
  for (let i = 0; i < n; i++) await fx!.op('ingestEvent', { transaction_id: `${prefix}-${i}`, customer: 'acme', code: 'calls' });
}

async function overview() {
  const o = await fx!.op<any>('getOverview', {});
  const usd = o.assets.find((a: any) => a.asset === 'USD');
  const rows = o.revenue_by_plan.filter((r: any) => r.asset === 'USD') as { month: string; plan: string | null; amount: string }[];
  const byMonth = Object.fromEntries(rows.map((r) => [`${r.month} ${r.plan}`, r.amount]));
  const sum = rows.reduce((s, r) => s + BigInt(r.amount), 0n);
  return { recognized: BigInt(usd.recognized_revenue), sum, byMonth };
}

describe('the revenue report covers any range of months', () => {
  it('past the overview\'s six months, its totals still equal recognized revenue', async () => {
    const f = await start();
    // One call a month from April to November; each month closes with its $10.00 fee.
    const months = ['04', '05', '06', '07', '08', '09', '10', '11'];
    for (const [i, m] of months.entries()) {
      await calls(i + 1, `m${m}`);
      await finishPeriod(i + 1 < months.length ? `2026-${months[i + 1]}-01T00:00:00Z` : '2026-12-01T00:00:00Z');
    }
    const expected = months.map((m, i) => ({ month: `2026-${m}`, plan: 'pro', asset: 'USD', amount: String(1000 + 7 * (i + 1)) }));
    const o = await overview();
    expect(o.recognized).toBe(expected.reduce((s, r) => s + BigInt(r.amount), 0n));
    // The overview lists the last six months only, so April and May are missing from its sum.
    expect(o.sum).toBe(o.recognized - 1007n - 1014n);
    const all = await f.op<any>('getRevenueReport', {});
    expect(all.rows).toEqual(expected);
    expect(all.totals).toEqual([{ asset: 'USD', amount: o.recognized.toString() }]);
    const summer = await f.op<any>('getRevenueReport', { from: '2026-06', to: '2026-08' });
    expect(summer.rows).toEqual(expected.slice(2, 5));
    expect(summer.totals).toEqual([{ asset: 'USD', amount: String(1021 + 1028 + 1035) }]);
  });
});

describe('revenue by plan adds up to recognized revenue', () => {
  it('after credit notes, a void and a reissue (tax on top of prices)', async () => {
    const f = await start();
    await calls(7, 'apr'); // 7 x 7 = 49
    await finishPeriod('2026-05-01T00:00:00Z'); // fee 1000 posted at the close, on 1 May
    await calls(3, 'may'); // 21
    await finishPeriod('2026-06-01T00:00:00Z');
    const [april, may] = (await f.op<any>('listInvoices', { customer: 'acme' })).data.sort((a: any, b: any) => a.number.localeCompare(b.number));
    expect(april).toMatchObject({ subtotal: '1049', tax: '210', total: '1259' });
    expect(may).toMatchObject({ subtotal: '1021', total: '1225' });

    // Charges count in the month their billing period starts: April's fee, posted on 1 May, is April's.
    let o = await overview();
    expect(o.byMonth).toEqual({ '2026-04 pro': '1049', '2026-05 pro': '1021' });
    expect(o.recognized).toBe(1049n + 1021n);
    expect(o.sum).toBe(o.recognized);

    // A credit note of $4.00 on April's fee, as credit, and 21 cents of its usage refunded.
    const feeLine = april.lines.find((l: any) => l.kind === 'fixed_fee');
    const usageLine = april.lines.find((l: any) => l.kind === 'usage');
    await f.op('createCreditNote', { id: april.number, reason: 'order_change', settlement: 'credit', lines: [{ line_id: feeLine.id, amount: '400' }] });
    await f.op('recordPayment', { id: april.number, amount: '100', method: 'bank_transfer' }); // a refund returns money paid
    await f.op('createCreditNote', { id: april.number, reason: 'other', settlement: 'refund', lines: [{ line_id: usageLine.id, amount: '21' }] });
    o = await overview();
    expect(o.recognized).toBe(1049n + 1021n - 400n - 21n);
    expect(o.byMonth).toEqual({ '2026-04 pro': String(1049 - 421), '2026-05 pro': '1021' });
    expect(o.sum).toBe(o.recognized);

    // Voiding May's invoice takes all of its revenue back from May's row...
    const voided = await f.op<any>('voidInvoice', { id: may.number, reason: 'wrong address' });
    o = await overview();
    expect(o.recognized).toBe(1049n - 421n);
    expect(o.byMonth).toEqual({ '2026-04 pro': '628', '2026-05 pro': '0' });
    expect(o.sum).toBe(o.recognized);

    // ...and its reissue charges it there again.
    const re = await f.op<any>('reissueInvoice', { id: voided.id });
    await f.op('finalizeInvoice', { id: re.id });
    o = await overview();
    expect(o.recognized).toBe(628n + 1021n);
    expect(o.byMonth).toEqual({ '2026-04 pro': '628', '2026-05 pro': '1021' });
    expect(o.sum).toBe(o.recognized);
  });

  it('under tax-inclusive prices: the tax taken out of revenue is taken off the plan, and put back by a void', async () => {
    const f = await start({ tax_inclusive: true });
    await calls(7, 'apr');
    await finishPeriod('2026-05-01T00:00:00Z');
    const [april] = (await f.op<any>('listInvoices', { customer: 'acme' })).data;
    // 1049 charged, of which tax at 20% included: 1049 / 6 = 174.83 -> 175.
    expect(april).toMatchObject({ total: '1049', tax: '175' });
    let o = await overview();
    expect(o.recognized).toBe(1049n - 175n);
    expect(o.byMonth).toEqual({ '2026-04 pro': '874' });
    expect(o.sum).toBe(o.recognized);

    // A credit note of $1.20 on the fee: 20 of it is tax, 100 revenue.
    const feeLine = april.lines.find((l: any) => l.kind === 'fixed_fee');
    const note = await f.op<any>('createCreditNote', { id: april.number, reason: 'other', settlement: 'credit', lines: [{ line_id: feeLine.id, amount: '120' }] });
    const revenuePart = 120n - BigInt(note.tax);
    o = await overview();
    expect(o.recognized).toBe(874n - revenuePart);
    expect(o.sum).toBe(o.recognized);
  });

  it('a void under tax-inclusive prices leaves the month at zero', async () => {
    const f = await start({ tax_inclusive: true });
    await calls(7, 'apr');
    await finishPeriod('2026-05-01T00:00:00Z');
    const [april] = (await f.op<any>('listInvoices', { customer: 'acme' })).data;
    await f.op('voidInvoice', { id: april.number, reason: 'test' });
    const o = await overview();
    expect(o.recognized).toBe(0n);
    expect(o.byMonth).toEqual({ '2026-04 pro': '0' });
  });

  it('a database kept by the earlier rule is rebuilt at start-up to the same figures', async () => {
    const f = await start();
    const dataDir = f.dataDir;
    await calls(7, 'apr');
    await finishPeriod('2026-05-01T00:00:00Z');
    await calls(3, 'may');
    await finishPeriod('2026-06-01T00:00:00Z');
    const [april, may] = (await f.op<any>('listInvoices', { customer: 'acme' })).data.sort((a: any, b: any) => a.number.localeCompare(b.number));
    await f.op('createCreditNote', { id: april.number, reason: 'other', settlement: 'credit', lines: [{ line_id: april.lines[0].id, amount: '333' }] });
    await f.op('voidInvoice', { id: may.number, reason: 'test' });
    const kept = await overview();
    expect(kept.sum).toBe(kept.recognized);
    const rows = f.engine.store.statsRevenue('0000-00');

    // As an earlier version left it: gross of the credit note and the void, by the month posted.
    f.engine.store.clearStatsRevenue();
    f.engine.store.addStatsRevenue('2026-05', rows[0]!.plan_id, 'USD', 1049n + 1021n);
    f.engine.store.setMeta('stats_revenue_rule', '1');
    await f.engine.close();
    fx = openEngine({ clock, dataDir });
    expect(fx.engine.store.statsRevenue('0000-00')).toEqual(rows);
    expect(fx.engine.store.getMeta('stats_revenue_rule')).toBe('2');
    const rebuilt = await overview();
    expect(rebuilt).toEqual(kept);
  });
});

/**
 * Lago's documented charge examples, end to end: events in through the engine, wallet debits and
 * current usage out. Each event is debited as it arrives; the sum of the debits is the documented
 * price, priced once and rounded once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineFixture, openEngine } from '../helpers/harness';

let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

async function setup(charge: Record<string, unknown>, metric: Record<string, unknown> = { code: 'calls', aggregation: 'count' }) {
  fx = openEngine();
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createCustomer', { external_id: 'acme' });
  await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000000' });
  await fx.op('createMetric', metric);
  await fx.op('createPlan', { code: 'p', name: 'P', interval: 'monthly', charges: [{ metric: metric.code, asset: 'USD', ...charge }] });
  await fx.op('createSubscription', { customer: 'acme', plan: 'p' });
}

async function ingest(events: Record<string, unknown>[]): Promise<bigint[]> {
  const ops = events.map((p, i) => () => fx.engine.events.ingest({ transaction_id: `e${i}`, customer: 'acme', code: String(p.code ?? 'calls'), properties: p }));
  const results = await fx.engine.writer.runEach(ops);
  return results.map((r) => {
    if (!r.ok) throw r.error;
    return BigInt((r.value as any).debits[0]?.amount ?? '0');
  });
}

const posted = async () => 1000000n - BigInt((await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0].posted);
const usage = async () => (await fx.op<any>('getUsage', { external_id: 'acme' })).charges[0];

describe("Lago's documented examples, end to end", () => {
  it('standard: $0.05 per call, 1,000 calls = $50.00', async () => {
    await setup({ model: 'standard', properties: { unit_price: '0.05' } });
    const debits = await ingest(Array.from({ length: 1000 }, () => ({})));
    expect(debits.reduce((a, b) => a + b, 0n)).toBe(5000n);
    expect(await posted()).toBe(5000n);
    expect(await usage()).toMatchObject({ units: '1000', amount: '5000' });
  });

  it('package: $5 per 100 units, first 100 free, 201 units = $10.00', async () => {
    await setup({ model: 'package', properties: { amount: '5', package_size: 100, free_units: 100 } }, { code: 'units', aggregation: 'sum', property: 'n' });
    await ingest([{ code: 'units', n: 100 }, { code: 'units', n: 100 }, { code: 'units', n: 1 }]);
    expect(await posted()).toBe(1000n);
    expect(await usage()).toMatchObject({ units: '201', amount: '1000' });
  });

  it('volume: tiers at $0.0010 / $0.0008 / $0.0006 / $0.0004 with $10 flat fees, 65,000 calls = $49.00', async () => {
    await setup({
      model: 'volume',
      properties: {
        volume_ranges: [
          { from_value: 0, to_value: 10000, per_unit_amount: '0.0010', flat_amount: '10' },
          { from_value: 10001, to_value: 50000, per_unit_amount: '0.0008', flat_amount: '10' },
          { from_value: 50001, to_value: 100000, per_unit_amount: '0.0006', flat_amount: '10' },
          { from_value: 100001, to_value: null, per_unit_amount: '0.0004', flat_amount: '10' },
        ],
      },
    });
    const debits = await ingest(Array.from({ length: 65_000 }, () => ({})));
    // crossing into a cheaper tier gives money back: some deltas are negative
    expect(debits.some((d) => d < 0n)).toBe(true);
    expect(await posted()).toBe(4900n - 1000n); // per-event deltas exclude the $10 flat fee of zero usage...
    // ...which is posted when the period closes (arrears): the usage shows the whole price
    expect(await usage()).toMatchObject({ units: '65000', amount: '4900' });
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('percentage: 1.2% + $0.10 per transaction, first 3 events or $500 free; $200, $100, $100, $50', async () => {
    await setup({ model: 'percentage', properties: { rate: '1.2', fixed_amount: '0.10', free_units_per_events: 3, free_units_per_total_aggregation: '500' } }, { code: 'payments', aggregation: 'sum', property: 'amount' });
    const debits = await ingest([200, 100, 100, 50].map((amount) => ({ code: 'payments', amount })));
    expect(debits).toEqual([0n, 0n, 0n, 70n]);
    expect(await usage()).toMatchObject({ units: '450', amount: '70' });
  });
});

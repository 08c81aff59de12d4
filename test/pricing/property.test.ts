/**
 * Property: whatever the plan and the event stream, what the ledger posts for each charge in each
 * period segment equals the price of that segment's usage computed by a naive reference pricer,
 * written here independently of shared/pricing (BigInt fixed point, Lago's rules read off their
 * documentation), priced once and rounded once.
 * With usage carried over a plan change, the new segment owes max(0, F(carried + new) - F(carried)).
 *
 * Random plans (standard, graduated, volume, package, percentage; allowances), random streams over
 * three months with a month without usage, reversals, events refused for funds, a plan change in
 * the middle of a period (with or without carried usage), and late events arriving during the grace
 * period of the month before.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { openEngine } from '../helpers/harness';

// ------------------------------------------------------------------ a seeded PRNG
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (a: number, b: number) => a + Math.floor(next() * (b - a + 1)), pick: <T>(xs: T[]) => xs[Math.floor(next() * xs.length)]! };
}

// ------------------------------------------------------------------ the naive reference pricer
/** Fixed point with 12 decimals: every price here has at most 4, every quantity is an integer. */
const S = 10n ** 12n;
const fx12 = (text: string): bigint => {
  const [i, f = ''] = text.split('.');
  return BigInt(i!) * S + BigInt((f + '000000000000').slice(0, 12));
};
const toCents = (x: bigint): bigint => (x >= 0n ? (x * 100n * 2n + S) / (2n * S) : -((-x * 100n * 2n + S) / (2n * S)));

interface NaiveCharge {
  metric: 'calls' | 'tokens';
  model: string;
  properties: Record<string, unknown>;
  allowance: number;
}
interface Tier {
  lower: bigint;
  upper: bigint | null;
  price: bigint;
  flat: bigint;
}

function tiers(ranges: { from_value: number; to_value: number | null; per_unit_amount: string; flat_amount: string }[]): Tier[] {
  return ranges.map((r, i) => ({ lower: i === 0 ? 0n : BigInt(ranges[i - 1]!.to_value!), upper: r.to_value === null ? null : BigInt(r.to_value), price: fx12(r.per_unit_amount), flat: fx12(r.flat_amount) }));
}

/** The exact price (12-decimal fixed point) of `units` units over `events` events. */
function naivePrice(c: NaiveCharge, units: bigint, events: number): bigint {
  const billable = units - BigInt(c.allowance) > 0n ? units - BigInt(c.allowance) : 0n;
  const p = c.properties as any;
  switch (c.model) {
    case 'standard':
      return billable * fx12(p.unit_price);
    case 'graduated': {
      let total = 0n;
      tiers(p.graduated_ranges).forEach((t, i) => {
        if (i > 0 && billable <= t.lower) return;
        const top = t.upper === null || billable < t.upper ? billable : t.upper;
        total += (top - t.lower > 0n ? top - t.lower : 0n) * t.price + t.flat;
      });
      return total;
    }
    case 'volume': {
      const ts = tiers(p.volume_ranges);
      const t = ts.find((x, i) => (i === 0 ? billable <= (x.upper ?? billable) : billable > x.lower && (x.upper === null || billable <= x.upper))) ?? ts[0]!;
      return billable * t.price + t.flat;
    }
    case 'package': {
      const over = billable - BigInt(p.free_units);
      const packages = over > 0n ? (over + BigInt(p.package_size) - 1n) / BigInt(p.package_size) : 0n;
      return packages * fx12(p.amount);
    }
    case 'percentage':
      return (billable * fx12(p.rate)) / 100n + (units > 0n ? BigInt(events) * fx12(p.fixed_amount) : 0n);
  }
  throw new Error(c.model);
}

// ------------------------------------------------------------------ random plans
const PRICES = ['0.001', '0.0125', '0.05', '0.2', '1', '1.75', '0.0003'];
function randomCharge(r: ReturnType<typeof rng>, metric: 'calls' | 'tokens'): NaiveCharge {
  const model = r.pick(['standard', 'graduated', 'volume', 'package', 'percentage']);
  const bounds = metric === 'calls' ? [r.int(2, 8), r.int(12, 25)] : [r.int(200, 800), r.int(1500, 4000)];
  const ranges = [
    { from_value: 0, to_value: bounds[0]!, per_unit_amount: r.pick(PRICES), flat_amount: r.pick(['0', '0', '2', '5']) },
    { from_value: bounds[0]! + 1, to_value: bounds[1]!, per_unit_amount: r.pick(PRICES), flat_amount: r.pick(['0', '1']) },
    { from_value: bounds[1]! + 1, to_value: null, per_unit_amount: r.pick(PRICES), flat_amount: '0' },
  ];
  const properties: Record<string, unknown> =
    model === 'standard'
      ? { unit_price: r.pick(PRICES) }
      : model === 'graduated'
        ? { graduated_ranges: ranges }
        : model === 'volume'
          ? { volume_ranges: ranges }
          : model === 'package'
            ? { amount: r.pick(['1', '2.5', '5']), package_size: r.pick([1, 10, 100]), free_units: r.pick([0, 0, 5, 100]) }
            : { rate: r.pick(['0.5', '1.2', '3']), fixed_amount: r.pick(['0', '0.05', '0.1']) };
  return { metric, model, properties, allowance: r.next() < 0.3 ? (metric === 'calls' ? r.int(1, 5) : r.int(50, 500)) : 0 };
}

const at = (s: string) => Date.parse(s);
const DAY = 86_400_000;

/** What the random streams actually exercised, so the property cannot pass by testing nothing. */
const seen = { late: 0, reversed: 0, refused: 0, carried: 0, quietMonth: 0, models: new Set<string>(), allowances: 0 };

describe('per-event debits against a naive reference pricer', () => {
  const seeds = Array.from({ length: 40 }, (_, i) => i + 1);
  it.each(seeds)('random plan and stream %i', async (seed) => {
    const r = rng(seed * 7919);
    const clock = new ManualClock(at('2026-01-01T00:00:00Z'));
    const fx = openEngine({ clock });
    try {
      await fx.op('updateSettings', { grace_period_hours: 48 });
      await fx.op('createAsset', { code: 'USD' });
      const postpaid = r.next() < 0.4;
      // A wallet small enough that some events are refused for funds, to check they leave no trace.
      await fx.op('createCustomer', { external_id: 'c', billing_mode: postpaid ? 'postpaid' : 'prepaid', on_insufficient_funds: 'refuse', ...(postpaid ? { overdraft_limits: [{ asset: 'USD', amount: String(r.int(2000, 20000)) }] } : {}) });
      if (!postpaid) await fx.op('createTopUp', { external_id: 'c', asset: 'USD', amount: String(r.int(2000, 20000)) });
      await fx.op('createMetric', { code: 'calls', event_type: 'use', aggregation: 'count' });
      await fx.op('createMetric', { code: 'tokens', event_type: 'use', aggregation: 'sum', property: 'tokens' });
      const plans: Record<string, NaiveCharge[]> = {};
      for (const code of ['a', 'b']) {
        const charges = [randomCharge(r, 'calls'), randomCharge(r, 'tokens')].filter((_, i) => i === 0 || r.next() < 0.8);
        plans[code] = charges;
        await fx.op('createPlan', { code, name: code, interval: 'monthly', charges: charges.map((c) => ({ metric: c.metric, asset: 'USD', model: c.model, properties: c.properties, ...(c.allowance ? { allowance: String(c.allowance) } : {}) })) });
      }
      const sub = await fx.op<any>('createSubscription', { customer: 'c', plan: 'a', carry_usage: r.next() < 0.5 });
      if (sub.carry_usage) seen.carried++;
      for (const c of [...plans.a!, ...plans.b!]) {
        seen.models.add(c.model);
        if (c.allowance) seen.allowances++;
      }

      // The stream: (arrival, timestamp) pairs; February may stay empty; some events arrive late.
      const quiet = r.next() < 0.4 ? 1 : -1; // month index with no usage
      if (quiet >= 0) seen.quietMonth++;
      const arrivals: { arrive: number; ts: number; id: string; tokens: number }[] = [];
      for (let m = 0; m < 3; m++) {
        if (m === quiet) continue;
        const n = r.int(0, 30);
        for (let k = 0; k < n; k++) {
          const ts = at(`2026-0${m + 1}-01T00:00:00Z`) + r.int(0, 27) * DAY + r.int(0, DAY - 1);
          const late = m < 2 && r.next() < 0.1;
          arrivals.push({ ts, arrive: late ? at(`2026-0${m + 2}-01T00:00:00Z`) + r.int(1, 40) * 3_600_000 : ts, id: `e${m}-${k}`, tokens: r.int(1, 400) });
        }
      }
      arrivals.sort((x, y) => x.arrive - y.arrive);
      const changeAt = at('2026-02-01T00:00:00Z') + r.int(3, 20) * DAY + r.int(0, DAY - 1);
      let changed = false;
      const accepted: string[] = [];
      for (const a of arrivals) {
        if (!changed && a.arrive >= changeAt) {
          clock.set(changeAt);
          await fx.engine.runBilling();
          await fx.op('updateSubscription', { id: sub.id, plan: 'b', timing: 'now' });
          changed = true;
        }
        clock.set(a.arrive);
        await fx.engine.runBilling();
        try {
          await fx.op('ingestEvent', { transaction_id: a.id, customer: 'c', code: 'use', timestamp: new Date(a.ts).toISOString(), properties: { tokens: a.tokens } });
          accepted.push(a.id);
          if (a.arrive !== a.ts) seen.late++;
        } catch (err: any) {
          expect(['insufficient_funds', 'period_closed']).toContain(err.code);
          seen.refused++;
        }
        if (accepted.length && r.next() < 0.08) {
          const victim = r.pick(accepted);
          await fx.op('reverseEvent', { customer: 'c', transaction_id: victim, reason: 'test' }).then(
            () => seen.reversed++,
            (err: any) => expect(err.code).toBe('period_closed'),
          );
        }
      }
      clock.set(at('2026-04-10T00:00:00Z'));
      await fx.engine.runBilling(); // closes March (grace: 48 h from now)
      clock.set(at('2026-04-13T00:00:00Z'));
      await fx.engine.runBilling(); // finalizes it

      // Compare, segment by segment and charge by charge.
      const segments = fx.engine.store.listSubscriptionPeriods(sub.id);
      expect(segments.slice(0, -1).every((s) => s.status === 'finalized')).toBe(true);
      const events = fx.engine.store.listEvents({ customerId: null, code: null, afterId: null, beforeId: null, desc: false, limit: 100000 });
      const transfers = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 1000000 });
      const accounts = new Map(fx.engine.store.listAllAccounts().map((x) => [x.id, x]));
      let checked = 0;
      for (const seg of segments) {
        if (seg.start_at >= at('2026-04-01T00:00:00Z')) continue;
        const plan = fx.engine.plans.byId(seg.plan_id);
        const naive = plans[plan.row.code]!;
        const live = events.filter((e) => e.period_id === seg.id && e.reversed_at === null);
        // usage carried in from the segment before (a plan change with carry_usage)
        const previous = segments.filter((p) => p.end_at === seg.start_at && p.id !== seg.id && p.period_start === seg.period_start)[0];
        const carried = previous && sub.carry_usage ? events.filter((e) => e.period_id === previous.id && e.reversed_at === null) : [];
        plan.charges.forEach((charge, i) => {
          const spec = naive[i]!;
          const units = (list: typeof live) => (spec.metric === 'calls' ? BigInt(list.length) : list.reduce((s, e) => s + BigInt((JSON.parse(e.properties) as { tokens: number }).tokens), 0n));
          const all = [...carried, ...live];
          // With carried usage the segment owes max(0, F(all) - F(carried)): never a credit (a volume
          // charge can price more units lower).
          const total = toCents(naivePrice(spec, units(all), all.length));
          const isCarried = carried.length > 0 || (previous !== undefined && sub.carry_usage);
          const owed = isCarried ? total - toCents(naivePrice(spec, units(carried), carried.length)) : total;
          const expected = isCarried && owed < 0n ? 0n : owed;
          const posted = transfers
            .filter((t) => t.phase === 0 && t.period_id === seg.id && t.charge_id === charge.id)
            .reduce((s, t) => s + (accounts.get(t.credit_account_id)!.type === 'revenue' ? t.amount : accounts.get(t.debit_account_id)!.type === 'revenue' ? -t.amount : 0n), 0n);
          expect(posted, `seed ${seed}, segment ${new Date(seg.start_at).toISOString()}–${new Date(seg.end_at).toISOString()}, charge ${spec.model} on ${spec.metric}`).toBe(expected);
          checked++;
        });
      }
      expect(checked).toBeGreaterThan(0);
      const report = fx.engine.verify();
      expect(report.problems).toEqual([]);
    } finally {
      await fx.close();
    }
  });
});

describe('the random streams', () => {
  it('exercised every case the property is about', () => {
    expect(seen.late).toBeGreaterThan(0);
    expect(seen.reversed).toBeGreaterThan(0);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.carried).toBeGreaterThan(0);
    expect(seen.quietMonth).toBeGreaterThan(0);
    expect(seen.allowances).toBeGreaterThan(0);
    expect([...seen.models].sort()).toEqual(['graduated', 'package', 'percentage', 'standard', 'volume']);
  });
});

import type { z } from 'zod';
import type { CurrentUsage, Entitlements } from '../../../shared/contract/pricing';
import { sub as decSub, toText, ZERO } from '../../../shared/decimal';
import { type BreakdownLine, priceCharge, withUnits } from '../../../shared/pricing';
import type { CustomerRow } from '../../storage/store';
import type { EngineContext } from '../context';
import { iso } from '../format';
import type { Plans } from '../pricing/plans';
import { priceOf } from '../pricing/rating';
import type { Subscriptions } from '../pricing/subscriptions';
import { owedOf, pricedAbove, type UsageLedger } from '../pricing/usage';
import type { Billing } from './lifecycle';

export function lineToApi(l: BreakdownLine) {
  return {
    label: l.label,
    from: l.from === null ? null : toText(l.from),
    to: l.to === null ? null : toText(l.to),
    units: toText(l.units),
    unit_price: l.unitPrice === null ? null : toText(l.unitPrice),
    flat_fee: toText(l.flatFee),
    amount: toText(l.amount),
  };
}

/** Read models of billing: entitlements and the current period's usage. */
export class BillingViews {
  constructor(
    private readonly ctx: EngineContext,
    private readonly plans: Plans,
    private readonly subscriptions: Subscriptions,
    private readonly usage: UsageLedger,
    private readonly billing: Billing,
  ) {}

  entitlements(customer: CustomerRow): z.output<typeof Entitlements> {
    const sub = this.subscriptions.liveOf(customer.id);
    if (!sub) return { customer: customer.external_id, subscription: null, plan: null, entitlements: [] };
    const plan = this.plans.byId(sub.plan_id);
    const overrides = this.subscriptions.overrides(sub);
    const out: z.output<typeof Entitlements>['entitlements'] = plan.definition.features.map((f) =>
      f.code in overrides ? { code: f.code, name: f.name, value: overrides[f.code]!, source: 'override' as const } : { code: f.code, name: f.name, value: f.value, source: 'plan' as const },
    );
    for (const [code, value] of Object.entries(overrides)) {
      if (!plan.definition.features.some((f) => f.code === code)) out.push({ code, name: null, value, source: 'override' });
    }
    return { customer: customer.external_id, subscription: sub.id, plan: plan.row.code, entitlements: out };
  }

  /** Runs in a writer operation: looking at the current period may open it. */
  currentUsage(customer: CustomerRow): z.output<typeof CurrentUsage> {
    const now = this.ctx.now();
    const sub = this.subscriptions.liveOf(customer.id);
    if (!sub || sub.started_at > now) return { customer: customer.external_id, subscription: sub?.id ?? null, plan: null, period: null, charges: [], totals: [] };
    const seg = this.billing.segmentFor(sub, customer, now);
    const plan = this.plans.byId(seg.plan_id);
    const totals = new Map<string, bigint>();
    const charges = plan.charges.map((charge) => {
      const entry = this.usage.get(seg.id, charge.id);
      const timeBased = charge.metric.aggregation === 'weighted_sum';
      // A time-weighted quantity is an average over the whole segment: the level now is held to its
      // end, as the invoice preview and the close price it (an average over the time elapsed alone
      // would say more than the period can ever cost).
      const usage = timeBased ? withUnits(entry.usage, this.billing.weightedOf(customer, seg, charge, entry, seg.end_at).units) : entry.usage;
      const priced = timeBased ? pricedAbove(priceOf(charge, usage), entry) : entry.priced;
      const result = priceCharge(charge.spec, usage);
      // With usage carried over a plan change the fee is max(0, F(all) - F(carried)): never negative.
      const amount = owedOf({ ...entry, priced });
      const exact = entry.baseline === 0n ? result.amount : decSub(result.amount, { c: entry.baseline, s: charge.asset.scale });
      totals.set(charge.asset.code, (totals.get(charge.asset.code) ?? 0n) + amount);
      return {
        charge_id: String(charge.id),
        metric: charge.metric.code,
        asset: charge.asset.code,
        model: charge.spec.model,
        units: toText(result.units),
        billable_units: toText(result.billableUnits),
        amount: amount.toString(),
        exact_amount: toText(entry.floorAtBaseline && exact.c < 0n ? ZERO : exact),
        posted: entry.billed.toString(),
        held_units: toText(entry.heldUnits),
        time_based: timeBased,
        lines: result.lines.map(lineToApi),
      };
    });
    return {
      customer: customer.external_id,
      subscription: sub.id,
      plan: plan.row.code,
      period: { start: iso(seg.period_start), end: iso(seg.period_end) },
      charges,
      totals: [...totals].map(([asset, amount]) => ({ asset, amount: amount.toString() })),
    };
  }
}

import { cmp, toMinor, toText } from '../../../shared/decimal';
import { formatAmount } from '../../../shared/money';
import { allocateMinor, priceCharge, withUnits } from '../../../shared/pricing';
import { startOfDate, zonedDate } from '../../../shared/time';
import type { DocumentLine, TierRow } from '../../documents/model';
import type { CustomerRow, PeriodRow } from '../../storage/store';
import type { Assets } from '../assets';
import type { Billing } from '../billing/lifecycle';
import type { EngineContext } from '../context';
import type { Plans } from '../pricing/plans';
import type { Subscriptions } from '../pricing/subscriptions';
import type { UsageLedger } from '../pricing/usage';

/** One line of a statement, with the transfers' own amount: the invoice adds these up, nothing else. */
export interface StatementLine extends DocumentLine {
  /** Stable id within the invoice (credit notes refer to it). */
  id: string;
  /** The asset the line's transfers moved (the invoice currency for money lines). */
  asset: string;
  /** Whether tax applies to it (fees and usage; not minimum true-ups that are already... yes they are). */
  taxable: boolean;
}

export interface Statement {
  currency: string;
  lines: StatementLine[];
  /** Sum of the money lines (before discounts), minor units of the currency. */
  subtotal: bigint;
  /** Sum of discount lines (negative or zero). */
  discounts: bigint;
  segments: PeriodRow[];
}

/**
 * One formatter per time zone, made once: building an `Intl.DateTimeFormat` costs far more than
 * formatting with it, and a billing run formats two dates for every segment's lines (it was a
 * fifth of the run's time).
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function fmtDate(ms: number, tz: string): string {
  let f = dateFormats.get(tz);
  if (!f) dateFormats.set(tz, (f = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: tz })));
  return f.format(new Date(ms));
}

/**
 * The last instant whose day the segment's fixed fee pays for. Fee days follow rule 6 of
 * shared/time/periods.ts: a day belongs to the segment in force at its end, so a segment a plan
 * change ends mid-day leaves that day to the next plan (its fee line ends the day before); a
 * termination bills its own day, and a segment ending at midnight ends on the day before.
 */
function lastFeeInstant(seg: PeriodRow, tz: string): number {
  if (seg.end_reason !== 'plan_change') return seg.end_at - 1;
  const changeDayStart = startOfDate(zonedDate(seg.end_at, tz), tz);
  // A segment within its change day pays no day of its own: its (given back) fee is dated that day.
  return changeDayStart === seg.end_at ? seg.end_at - 1 : Math.max(seg.start_at, changeDayStart - 1);
}

/**
 * An invoice is a statement of the ledger: for a subscription's billing period it groups the
 * period's transfers (every segment: plan changes split a period) into lines. A line's amount is
 * the net of the transfers it groups, read from the transfer rows, so the lines always add up to
 * what the customer was charged. Quantities and tier breakdowns come from the usage state.
 */
export class Statements {
  constructor(
    private readonly ctx: EngineContext,
    private readonly assets: Assets,
    private readonly plans: Plans,
    private readonly subscriptions: Subscriptions,
    private readonly usage: UsageLedger,
    private readonly billing: Billing,
  ) {}

  build(customer: CustomerRow, subscriptionId: string, periodStart: number, currency: string): Statement {
    const tz = customer.billing_timezone ?? this.ctx.settings.billingTimezone;
    const segments = this.subscriptions.segmentsOf(subscriptionId).filter((s) => s.period_start === periodStart);
    const lines: StatementLine[] = [];
    const moneyAsset = this.assets.find(currency);
    const scale = moneyAsset?.scale ?? 2;
    for (const seg of segments) {
      const plan = this.plans.byId(seg.plan_id);
      const split = segments.length > 1 || seg.start_at !== seg.period_start || seg.end_at !== seg.period_end;
      const periodText = `${fmtDate(seg.start_at, tz)} – ${fmtDate(seg.end_at - 1, tz)}`;
      const feePeriodText = `${fmtDate(seg.start_at, tz)} – ${fmtDate(lastFeeInstant(seg, tz), tz)}`;
      // Fixed fee: net of the fee transfers; a coupon on it is shown as its own line.
      if (plan.fixedFee) {
        const net = this.ctx.store.sumPeriodTransfers(seg.id, ['fee'], plan.fixedFee.asset.code);
        const couponed = this.ctx.store
          .listCouponUses(seg.id)
          .filter((u) => u.target.startsWith('fee:'))
          .reduce((s, u) => s + u.amount, 0n);
        if (net !== 0n || couponed !== 0n) {
          lines.push(this.line(`fee-${seg.id}`, 'fixed_fee', `${plan.row.name} — fixed fee${split ? ' (prorated)' : ''}`, feePeriodText, net + couponed, plan.fixedFee.asset.code, currency));
          for (const u of this.ctx.store.listCouponUses(seg.id).filter((x) => x.target.startsWith('fee:'))) {
            lines.push(this.line(`coupon-fee-${seg.id}-${u.applied_coupon_id}`, 'coupon', `Coupon ${u.coupon_code}`, null, -u.amount, plan.fixedFee.asset.code, currency));
          }
        }
      }
      // Usage charges: quantity and tiers from the usage state, amount from the transfers.
      const customerRow = customer;
      for (const charge of plan.charges) {
        const entry = this.usage.get(seg.id, charge.id);
        const posted = this.ctx.store.sumChargeTransfers(seg.id, charge.id);
        const timeBased = charge.metric.aggregation === 'weighted_sum';
        const usage = timeBased ? withUnits(entry.usage, this.billing.weightedOf(customerRow, seg, charge, entry, seg.end_at).units) : entry.usage;
        // Nothing to say: no charge and no usage beyond what was carried in from a previous plan.
        const carriedUnits = entry.start?.units ?? null;
        if (posted === 0n && (usage.units.c === 0n || (carriedUnits !== null && cmp(usage.units, carriedUnits) === 0))) continue;
        const priced = priceCharge(charge.spec, usage);
        const money = charge.asset.code === currency;
        const name = charge.definition.invoice_display_name ?? this.metricName(charge.metric.code);
        const unit = charge.metric.aggregation === 'count' ? 'events' : (charge.metric.property ?? 'units');
        // The line's amount, rounded once, allocated to its tiers by cumulative rounding
        // (shared/pricing/allocate.ts): the tiers printed under a line always add up to it.
        const shown = money ? priced.lines.filter((l) => l.kind !== 'included' || l.units.c !== 0n) : [];
        const allocated = allocateMinor(
          shown.map((l) => l.amount),
          posted,
          scale,
        );
        const tiers: TierRow[] = shown.map((l, i) => ({
          label: l.label,
          units: toText(l.units),
          unitPrice: l.unitPrice === null ? '0' : toText(l.unitPrice),
          flatFee: toMinor(l.flatFee, scale).toString(),
          amount: allocated[i]!.toString(),
        }));
        const carried = entry.baseline !== 0n ? ` (after ${toText(entry.start?.units ?? usage.units)} carried from the previous plan)` : '';
        if (money) {
          lines.push({
            ...this.line(`charge-${seg.id}-${charge.id}`, 'usage', `${name}${carried}`, split ? periodText : null, posted, charge.asset.code, currency),
            quantity: toText(priced.units),
            unit,
            unitPrice: charge.spec.model === 'standard' ? toText(charge.spec.properties.unitPrice) : null,
            tiers: tiers.length > 1 || charge.spec.model !== 'standard' ? tiers : [],
          });
        } else {
          const asset = this.assets.require(charge.asset.code);
          lines.push({
            ...this.line(`charge-${seg.id}-${charge.id}`, 'usage', `${name}${carried} — ${formatAmount(posted, asset)} debited`, split ? periodText : null, 0n, charge.asset.code, currency),
            quantity: toText(priced.units),
            unit,
            informational: true,
            taxable: false,
          });
        }
      }
      // Explicit captures of holds (by amount, outside the plan's charges) charged in this segment.
      const captured = this.ctx.store.sumPeriodTransfers(seg.id, ['capture'], currency);
      if (captured !== 0n) lines.push(this.line(`captures-${seg.id}`, 'usage', 'Captured authorizations', split ? periodText : null, captured, currency, currency));
      // Captures in another asset (GPU hours, tokens) are shown as what they debited, like its charges.
      for (const code of this.ctx.store.periodTransferAssets(seg.id, ['capture'])) {
        if (code === currency) continue;
        const other = this.ctx.store.sumPeriodTransfers(seg.id, ['capture'], code);
        if (other === 0n) continue;
        const asset = this.assets.require(code);
        lines.push({ ...this.line(`captures-${seg.id}-${code}`, 'usage', `Captured authorizations — ${formatAmount(other, asset)} debited`, split ? periodText : null, 0n, code, currency), informational: true, taxable: false });
      }
      // Minimum commitment: the true-up before its coupons (net of the transfers plus what they took
      // off), then a coupon line each, as for the fixed fee.
      const minimum = this.ctx.store.sumPeriodTransfers(seg.id, ['minimum_commitment'], currency);
      const minimumCoupons = this.ctx.store.listCouponUses(seg.id).filter((u) => u.target === `minimum_commitment:${currency}`);
      const minimumCouponed = minimumCoupons.reduce((s, u) => s + u.amount, 0n);
      if (minimum !== 0n || minimumCouponed !== 0n) {
        lines.push(this.line(`minimum-${seg.id}`, 'minimum_commitment', 'Minimum commitment true-up', split ? periodText : null, minimum + minimumCouponed, currency, currency));
        for (const u of minimumCoupons) lines.push(this.line(`coupon-minimum-${seg.id}-${u.applied_coupon_id}`, 'coupon', `Coupon ${u.coupon_code}`, null, -u.amount, currency, currency));
      }
      const discount = this.ctx.store.sumPeriodTransfers(seg.id, ['discount'], currency);
      if (discount !== 0n) {
        for (const u of this.ctx.store.listCouponUses(seg.id).filter((x) => x.target.startsWith('usage:'))) {
          lines.push(this.line(`coupon-usage-${seg.id}-${u.applied_coupon_id}`, 'coupon', `Coupon ${u.coupon_code}`, null, -u.amount, currency, currency));
        }
      }
    }
    let subtotal = 0n;
    let discounts = 0n;
    for (const l of lines) {
      if (l.informational) continue;
      if (l.kind === 'coupon') discounts += BigInt(l.amount);
      else subtotal += BigInt(l.amount);
    }
    return { currency, lines, subtotal, discounts, segments };
  }

  private metricName(code: string): string {
    return this.ctx.store.getMetricByCode(code)?.name ?? code;
  }

  private line(id: string, kind: DocumentLine['kind'], description: string, period: string | null, amount: bigint, asset: string, currency: string): StatementLine {
    return { id, kind, description, period, quantity: null, unit: null, unitPrice: null, amount: amount.toString(), tiers: [], informational: asset !== currency, asset, taxable: kind !== 'coupon' };
  }
}


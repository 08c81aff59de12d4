import { roundQuotient } from '../../shared/decimal';
import { zonedDate } from '../../shared/time';
import type { CustomerRow, InvoiceRow, PeriodRow } from '../storage/store';
import type { EngineContext } from './context';

/**
 * Which plan and month a movement of revenue belongs to, for `revenue_by_plan` of GET /v1/overview.
 *
 * Every posted transfer into or out of a revenue account counts, so that per asset the rows add up
 * to `recognized_revenue` exactly:
 *
 * - A charge of a billing period (usage, usage credits, captures, fixed fees, minimum commitments,
 *   discounts: every transfer that names its period segment) belongs to the segment's plan and to
 *   the month in which its billing period starts, in the customer's billing time zone. October's
 *   usage billed when the period closes on 1 November is October's revenue.
 * - What an invoice posts itself, and what reverses it, belongs to the plans and month of that
 *   invoice: a void (`void:<invoice>`), a credit note (`credit_note:<id>`), a reissue's charges and
 *   the tax taken out of revenue under tax-inclusive prices (`invoice:<invoice>`). The amount is
 *   spread over the invoice's lines (a credit note: over the lines it credits) in proportion to
 *   their amounts, by cumulative rounding, and each line belongs to the plan of its period segment.
 *   A void therefore takes back exactly what its invoice's lines charged, plan by plan.
 * - Anything else (a capture without a subscription, a reference that cannot be read) is revenue
 *   not from a plan: plan id 0, in the UTC month in which it took effect.
 */
export interface RevenueShare {
  month: string;
  /** 0: not from a plan. */
  planId: number;
  amount: bigint;
}

/** The kinds whose revenue belongs to an invoice named by their reference, not to a period. */
const BY_REFERENCE = new Set(['void', 'credit_note', 'reissue', 'tax']);

/** The invoice reference a revenue transfer of this kind is attributed by, or null. */
export function attributionRef(kind: string, ref: string | null): string | null {
  if (ref === null || !BY_REFERENCE.has(kind)) return null;
  return /^(?:invoice|void|credit_note):./.test(ref) ? ref : null;
}

const monthKey = (ms: number, tz: string) => {
  const d = zonedDate(ms, tz);
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}`;
};

/** "YYYY-MM" (UTC). */
export const utcMonth = (ms: number) => new Date(ms).toISOString().slice(0, 7);

/**
 * `total` spread over `weights` in proportion, by cumulative rounding: part k is the rounded
 * cumulative share up to k less the rounded cumulative share up to k-1, so the parts add up to
 * `total` exactly. Weights may be negative (coupon lines); with weights adding up to zero everything
 * goes to the first.
 */
export function spread(total: bigint, weights: bigint[]): bigint[] {
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (!weights.length) return [];
  if (sum === 0n) return weights.map((_, i) => (i === 0 ? total : 0n));
  const sign = sum < 0n ? -1n : 1n;
  const parts: bigint[] = [];
  let cum = 0n;
  let prev = 0n;
  for (const w of weights) {
    cum += w;
    const at = roundQuotient(total * cum * sign, sum * sign, 'half_up');
    parts.push(at - prev);
    prev = at;
  }
  return parts;
}

interface InvoiceLine {
  id: string;
  amount: string;
  informational?: boolean;
}

export class RevenueAttribution {
  private readonly periods = new Map<number, { planId: number; month: string } | null>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly segment: (periodId: number) => PeriodRow | undefined,
    private readonly customerOfSubscription: (subscriptionId: string) => CustomerRow | undefined,
    private readonly timezoneOf: (c: CustomerRow) => string,
  ) {
    ctx.registerCache(() => this.periods.clear());
  }

  /** The plan and month of a period segment's charges; null if the segment cannot be read. */
  ofPeriod(periodId: number): { planId: number; month: string } | null {
    if (this.periods.has(periodId)) return this.periods.get(periodId)!;
    let out: { planId: number; month: string } | null = null;
    try {
      const seg = this.segment(periodId);
      if (seg) {
        const customer = this.customerOfSubscription(seg.subscription_id);
        out = { planId: seg.plan_id, month: monthKey(seg.period_start, customer ? this.timezoneOf(customer) : this.ctx.settings.billingTimezone) };
      }
    } catch {
      out = null;
    }
    this.periods.set(periodId, out);
    return out;
  }

  /**
   * Revenue `amount` moved under an invoice reference (see `attributionRef`), split by plan and
   * month; `fallbackMonth` for what cannot be attributed (plan 0). Callers add up a reference's
   * transfers in two parts, the tax part (against the tax account) and the rest, and spread each
   * apart: rounding half away from zero is symmetric, so the tax a void puts back into revenue is
   * spread exactly as the tax its invoice took out was.
   */
  ofRef(ref: string, amount: bigint, fallbackMonth: string): RevenueShare[] {
    try {
      const shares = this.resolve(ref, amount);
      if (shares) return shares;
    } catch {
      // A reference that cannot be read counts as revenue not from a plan: the sum stays exact.
    }
    return [{ month: fallbackMonth, planId: 0, amount }];
  }

  private resolve(ref: string, amount: bigint): RevenueShare[] | null {
    const { store } = this.ctx;
    const colon = ref.indexOf(':');
    const prefix = ref.slice(0, colon);
    const id = ref.slice(colon + 1);
    let invoice: InvoiceRow | undefined;
    let weighted: { lineId: string; weight: bigint }[];
    if (prefix === 'credit_note') {
      const note = store.getCreditNoteLines(id);
      if (!note) return null;
      invoice = store.getInvoice(note.invoice_id);
      weighted = (JSON.parse(note.lines) as { line_id: string; amount: string }[]).map((l) => ({ lineId: l.line_id, weight: BigInt(l.amount) }));
    } else {
      invoice = store.getInvoice(id);
      if (!invoice?.document) return null;
      const lines = (JSON.parse(invoice.document) as { lines: InvoiceLine[] }).lines;
      weighted = lines.filter((l) => !l.informational).map((l) => ({ lineId: l.id, weight: BigInt(l.amount) }));
    }
    if (!invoice || !weighted.length) return null;
    const customer = store.getCustomer(invoice.customer_id);
    const tz = customer ? this.timezoneOf(customer) : this.ctx.settings.billingTimezone;
    const month = monthKey(invoice.period_start ?? invoice.created_at, tz);
    const parts = spread(
      amount,
      weighted.map((w) => w.weight),
    );
    const byPlan = new Map<number, bigint>();
    for (const [i, w] of weighted.entries()) {
      const segId = Number(/-(\d+)(?:-|$)/.exec(w.lineId)?.[1] ?? NaN);
      const planId = Number.isInteger(segId) ? (this.ofPeriod(segId)?.planId ?? 0) : 0;
      byPlan.set(planId, (byPlan.get(planId) ?? 0n) + parts[i]!);
    }
    return [...byPlan].filter(([, v]) => v !== 0n).map(([planId, v]) => ({ month, planId, amount: v }));
  }
}

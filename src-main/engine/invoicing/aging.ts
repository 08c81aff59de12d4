/**
 * Receivables aging: who owes what, by how long it is past due. Read-only. It applies the rule
 * `amount_outstanding` uses (debt repaid oldest invoice first, the charges not invoiced yet owed
 * last) to every customer in debt, so each invoice's share here equals its `amount_outstanding` and
 * a customer's buckets add up to its debt.
 */
import type { z } from 'zod';
import type { ReceivablesAging, ReceivablesAgingQuery } from '../../../shared/contract/invoicing';
import type { EngineContext } from '../context';
import type { Customers } from '../customers';
import { iso } from '../format';
import type { Invoices } from './invoices';

const DAY_MS = 86_400_000;
const BUCKETS = ['not_due', 'days_1_30', 'days_31_60', 'days_61_90', 'days_over_90'] as const;
type Bucket = (typeof BUCKETS)[number];
type Aging = z.output<typeof ReceivablesAging>;

/** Whole days past due at `now`, rounded up (one second late is day 1); 0 when not due yet or no due date. */
export function daysPastDue(dueAt: number | null, now: number): number {
  if (dueAt === null || now <= dueAt) return 0;
  return Math.ceil((now - dueAt) / DAY_MS);
}

export function bucketOf(days: number): Bucket {
  if (days <= 0) return 'not_due';
  if (days <= 30) return 'days_1_30';
  if (days <= 60) return 'days_31_60';
  if (days <= 90) return 'days_61_90';
  return 'days_over_90';
}

interface Sums {
  buckets: Record<Bucket, bigint>;
  uninvoiced: bigint;
}
const emptySums = (): Sums => ({ buckets: { not_due: 0n, days_1_30: 0n, days_31_60: 0n, days_61_90: 0n, days_over_90: 0n }, uninvoiced: 0n });
const overdueOf = (s: Sums) => s.buckets.days_1_30 + s.buckets.days_31_60 + s.buckets.days_61_90 + s.buckets.days_over_90;

function bucketFields(s: Sums) {
  const overdue = overdueOf(s);
  return {
    not_due: s.buckets.not_due.toString(),
    days_1_30: s.buckets.days_1_30.toString(),
    days_31_60: s.buckets.days_31_60.toString(),
    days_61_90: s.buckets.days_61_90.toString(),
    days_over_90: s.buckets.days_over_90.toString(),
    overdue: overdue.toString(),
    uninvoiced: s.uninvoiced.toString(),
    total: (s.buckets.not_due + overdue + s.uninvoiced).toString(),
  };
}

export class ReceivablesAgingReport {
  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly invoices: Invoices,
  ) {}

  report(q: z.output<typeof ReceivablesAgingQuery>): Aging {
    const now = this.ctx.now();
    const onlyCustomer = q.customer ? this.customers.require(q.customer).id : null;
    const rows: { customerId: number; currency: string; sums: Sums; invoices: number; oldestDue: number | null }[] = [];
    for (const { customer_id, asset } of this.ctx.store.receivablesInDebt()) {
      if (onlyCustomer !== null && customer_id !== onlyCustomer) continue;
      if (q.currency && asset !== q.currency) continue;
      const owed = this.invoices.receivable(customer_id, asset);
      const sums = emptySums();
      sums.uninvoiced = owed.uninvoiced;
      let oldestDue: number | null = null;
      for (const invoice of owed.invoices) {
        sums.buckets[bucketOf(daysPastDue(invoice.due_at, now))] += invoice.outstanding;
        if (invoice.due_at !== null && (oldestDue === null || invoice.due_at < oldestDue)) oldestDue = invoice.due_at;
      }
      if (owed.uninvoiced === 0n && owed.invoices.length === 0) continue;
      rows.push({ customerId: customer_id, currency: asset, sums, invoices: owed.invoices.length, oldestDue });
    }

    const byCurrency = new Map<string, { sums: Sums; customers: number }>();
    for (const r of rows) {
      const c = byCurrency.get(r.currency) ?? { sums: emptySums(), customers: 0 };
      for (const b of BUCKETS) c.sums.buckets[b] += r.sums.buckets[b];
      c.sums.uninvoiced += r.sums.uninvoiced;
      c.customers++;
      byCurrency.set(r.currency, c);
    }

    const total = (s: Sums) => s.buckets.not_due + overdueOf(s) + s.uninvoiced;
    const compare = (a: bigint, b: bigint) => (a > b ? -1 : a < b ? 1 : 0);
    rows.sort((a, b) => compare(overdueOf(a.sums), overdueOf(b.sums)) || compare(total(a.sums), total(b.sums)) || a.customerId - b.customerId || (a.currency < b.currency ? -1 : 1));
    const limit = q.limit ?? 100;
    return {
      as_of: iso(now),
      currencies: [...byCurrency].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, c]) => ({ currency, customers: c.customers, ...bucketFields(c.sums) })),
      customers: rows.slice(0, limit).map((r) => {
        const customer = this.customers.byInternalId(r.customerId);
        return { customer: customer.external_id, name: customer.name, currency: r.currency, ...bucketFields(r.sums), invoices: r.invoices, oldest_due_at: r.oldestDue === null ? null : iso(r.oldestDue) };
      }),
      customers_total: rows.length,
    };
  }
}

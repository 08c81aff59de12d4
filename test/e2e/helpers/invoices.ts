import type { OutputOf, TollgateClient } from '../../../shared/client/index';
import { ensure } from './api';

export type Invoice = OutputOf<'getInvoice'>;

/** The first day of the previous month (UTC): a subscription started then has a closed period now. */
export function lastMonthStart(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
}

/**
 * A plan with everything an invoice can show: a fixed fee, graduated tiers (a flat fee on the
 * second tier) and a minimum commitment. 25 calls price at 10 × $0.50 + 15 × $0.25 + $1 = $9.75;
 * with the $29 fee that is $38.75, trued up to the $100 minimum.
 */
export async function ensureInvoicePlan(api: TollgateClient): Promise<void> {
  await ensure(api.call('createAsset', { code: 'USD' }));
  await ensure(api.call('createMetric', { code: 'inv_calls', name: 'API calls', aggregation: 'count' }));
  const existing = await api.call('getPlan', { code: 'inv-scale' }).catch(() => null);
  if (existing) return;
  await api.call('createPlan', {
    code: 'inv-scale',
    name: 'Scale',
    interval: 'monthly',
    fixed_fee: { asset: 'USD', amount: '2900' },
    minimum_commitment: { asset: 'USD', amount: '10000' },
    charges: [
      {
        metric: 'inv_calls',
        asset: 'USD',
        model: 'graduated',
        properties: {
          graduated_ranges: [
            { from_value: 0, to_value: 10, per_unit_amount: '0.50', flat_amount: '0' },
            { from_value: 11, to_value: null, per_unit_amount: '0.25', flat_amount: '1' },
          ],
        },
      },
    ],
  });
}

/**
 * A postpaid customer subscribed since the start of last month, with `calls` events in last
 * month's period: billing it now drafts last month's invoice.
 */
export async function seedPostpaid(api: TollgateClient, id: string, opts: { name?: string; calls?: number; taxRate?: string; email?: string; taxTreatment?: 'standard' | 'exempt' | 'reverse_charge' } = {}): Promise<void> {
  await ensureInvoicePlan(api);
  await api.call('createCustomer', {
    external_id: id,
    name: opts.name ?? 'Postpaid Co',
    ...(opts.email ? { email: opts.email } : {}),
    billing_mode: 'postpaid',
    tax_rate: opts.taxRate ?? '20',
    ...(opts.taxTreatment ? { tax_treatment: opts.taxTreatment, ...(opts.taxTreatment === 'reverse_charge' ? { tax_id: 'DE123456789', country: 'DE' } : {}) } : {}),
    on_insufficient_funds: 'record_as_debt',
    overdraft_limits: [{ asset: 'USD', amount: '10000000' }],
  } as never);
  const start = lastMonthStart();
  await api.call('createSubscription', { customer: id, plan: 'inv-scale', start_at: start.toISOString() });
  const at = new Date(start.getTime() + 3 * 86400_000).toISOString();
  const calls = opts.calls ?? 25;
  if (calls > 0) await api.call('ingestBatch', { events: Array.from({ length: calls }, (_, i) => ({ transaction_id: `${id}-call-${i}`, customer: id, code: 'inv_calls', timestamp: at })) });
}

/** Runs billing for one customer and waits for it; answers the customer's invoices, newest first. */
export async function billNow(api: TollgateClient, customer: string): Promise<Invoice[]> {
  let run = await api.call('createBillingRun', { customer });
  for (let i = 0; run.status === 'running' && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    run = await api.call('getBillingRun', { id: run.id });
  }
  if (run.status !== 'done') throw new Error(`billing run ${run.id}: ${run.status} ${run.error ?? ''}`);
  return (await api.call('listInvoices', { customer, order: 'desc' })).data;
}

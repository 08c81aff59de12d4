import type { OperationId } from '../../shared/contract/operations';
import type { Engine } from './engine';

type Input = Record<string, unknown>;
type Output = Record<string, unknown> | null | undefined;

/** How one operation appears in the audit log. */
export interface AuditSpec {
  action: string;
  /** The object acted on, as `kind:id`. */
  target: (input: Input, output: Output) => string | null;
  /** The object before the change, for edits (read inside the same transaction). */
  before?: (engine: Engine, input: Input) => unknown;
  /** The customer concerned, when neither the input nor the answer names it. */
  customer?: (engine: Engine, input: Input) => string | null;
  /** When false for this call, nothing is recorded (a dry run, an import that found nothing new). */
  changes?: (input: Input, output: Output) => boolean;
}

const str = (v: unknown): string => (v === undefined || v === null ? '?' : String(v));
const fromOutput = (kind: string, field = 'id') => (_i: Input, o: Output) => `${kind}:${str(o?.[field])}`;
const fromInput = (kind: string, field: string) => (i: Input) => `${kind}:${str(i[field])}`;

/** An invoice in short: enough to see what a void or a payment changed, without its lines. */
function invoiceSummary(engine: Engine, id: unknown) {
  const row = engine.invoices.require(String(id));
  return { id: row.id, number: row.number, status: row.status, total: row.total, amount_due: row.amount_due, amount_paid: row.amount_paid, credited: row.credited };
}
const customerBefore = (engine: Engine, i: Input) => engine.customers.get(String(i.external_id));
const subscriptionBefore = (engine: Engine, i: Input) => engine.subscriptions.toApi(engine.subscriptions.require(String(i.id)));
const keyBefore = (engine: Engine, i: Input) => engine.keys.get(String(i.id));

/**
 * Every change made outside the ingest path, by operation. Operations missing here are reads or
 * the ingest path (events, authorizations and their captures), which the ledger itself records.
 * A test checks that every writing operation of the contract is either here or in INGEST_PATH.
 */
export const AUDITED: Partial<Record<OperationId, AuditSpec>> = {
  createAsset: { action: 'asset.create', target: fromOutput('asset', 'code') },
  addAssetRate: { action: 'asset.rate_add', target: fromInput('asset', 'code') },
  createCustomer: { action: 'customer.create', target: fromOutput('customer', 'external_id') },
  updateCustomer: { action: 'customer.update', target: fromInput('customer', 'external_id'), before: customerBefore },
  closeCustomer: { action: 'customer.close', target: fromInput('customer', 'external_id'), before: customerBefore },
  // No `before`: it would keep the personal data the erasure removes. The row names the tombstone.
  eraseCustomer: { action: 'customer.erase', target: fromOutput('customer', 'tombstone') },
  exportCustomerData: { action: 'customer.export', target: fromInput('customer', 'external_id') },

  createTopUp: { action: 'top_up.create', target: fromOutput('top_up') },
  confirmTopUp: { action: 'top_up.confirm', target: fromInput('top_up', 'id') },
  failTopUp: { action: 'top_up.fail', target: fromInput('top_up', 'id') },
  refundTopUp: { action: 'top_up.refund', target: fromInput('top_up', 'id') },
  reverseTopUp: { action: 'top_up.chargeback', target: fromInput('top_up', 'id') },
  createAdjustment: { action: 'adjustment.create', target: fromOutput('adjustment') },
  reverseEvent: { action: 'event.reverse', target: fromInput('event', 'transaction_id') },

  createMetric: { action: 'metric.create', target: fromOutput('metric', 'code') },
  createPlan: {
    action: 'plan.create',
    target: (_i, o) => `plan:${str(o?.code)}@${str(o?.version)}`,
    before: (e, i) => {
      try {
        return e.plans.get(String(i.code));
      } catch {
        return null;
      }
    },
  },
  createSubscription: { action: 'subscription.create', target: fromOutput('subscription') },
  updateSubscription: { action: 'subscription.update', target: fromInput('subscription', 'id'), before: subscriptionBefore },
  terminateSubscription: { action: 'subscription.terminate', target: fromInput('subscription', 'id'), before: subscriptionBefore },
  createCoupon: { action: 'coupon.create', target: fromOutput('coupon', 'code') },
  applyCoupon: { action: 'coupon.apply', target: fromOutput('applied_coupon') },
  // `before` is the application the removal acts on: a repeat (already removed) records nothing.
  removeAppliedCoupon: {
    action: 'coupon.remove',
    target: fromOutput('applied_coupon'),
    before: (e, i) => {
      const customer = e.customers.find(String(i.external_id));
      return customer ? e.coupons.appliedOf(customer, String(i.coupon)) : null;
    },
  },
  updateSettings: { action: 'settings.update', target: () => 'settings', before: (e) => structuredClone(e.settingsStore.get()) },

  finalizeInvoice: { action: 'invoice.finalize', target: fromInput('invoice', 'id'), before: (e, i) => invoiceSummary(e, i.id) },
  voidInvoice: { action: 'invoice.void', target: fromInput('invoice', 'id'), before: (e, i) => invoiceSummary(e, i.id) },
  reissueInvoice: { action: 'invoice.reissue', target: fromOutput('invoice') },
  recordPayment: { action: 'invoice.payment', target: fromInput('invoice', 'id'), before: (e, i) => invoiceSummary(e, i.id) },
  settleInvoiceFromCredit: { action: 'invoice.settle_from_credit', target: fromInput('invoice', 'id'), before: (e, i) => invoiceSummary(e, i.id) },
  createCreditNote: { action: 'credit_note.create', target: fromOutput('credit_note'), customer: (e, i) => e.invoices.toApi(e.invoices.require(String(i.id))).customer },
  createBillingRun: { action: 'billing_run.start', target: fromOutput('billing_run') },
  exportInvoices: { action: 'invoices.export', target: (_i, o) => `export:${str(o?.folder)}` },

  createWebhookEndpoint: { action: 'webhook_endpoint.create', target: fromOutput('webhook_endpoint') },
  updateWebhookEndpoint: { action: 'webhook_endpoint.update', target: fromInput('webhook_endpoint', 'id'), before: (e, i) => e.outbox.list().data.find((x) => x.id === i.id) ?? null },
  deleteWebhookEndpoint: { action: 'webhook_endpoint.delete', target: fromInput('webhook_endpoint', 'id'), before: (e, i) => e.outbox.list().data.find((x) => x.id === i.id) ?? null },
  replayWebhookDelivery: { action: 'webhook_delivery.replay', target: fromInput('webhook_delivery', 'id') },
  createAlertRule: { action: 'alert_rule.create', target: fromOutput('alert_rule') },
  deleteAlertRule: { action: 'alert_rule.delete', target: fromInput('alert_rule', 'id'), before: (e, i) => e.watchers.listAlerts(undefined).rules.find((r) => r.id === i.id) ?? null },
  setAutoTopUp: { action: 'auto_top_up.set', target: fromOutput('auto_top_up') },
  updateAutoTopUp: { action: 'auto_top_up.update', target: fromInput('auto_top_up', 'id'), before: (e, i) => e.watchers.listAutoTopUps(undefined).data.find((r) => r.id === i.id) ?? null },

  createApiKey: { action: 'api_key.create', target: fromOutput('api_key') },
  updateApiKey: { action: 'api_key.update', target: fromInput('api_key', 'id'), before: keyBefore },
  rotateApiKey: { action: 'api_key.rotate', target: fromInput('api_key', 'id'), before: keyBefore },
  revokeApiKey: { action: 'api_key.revoke', target: fromInput('api_key', 'id'), before: keyBefore },

  createImport: { action: 'import.run', target: (i) => `import:${str(i.folder)}`, changes: (i, o) => i.dry_run !== true && ((o?.files as { created: number }[] | undefined) ?? []).some((f) => f.created > 0) },
  createFullExport: { action: 'export.full', target: (_i, o) => `export:${str(o?.folder)}` },

  createBackup: { action: 'backup.create', target: fromOutput('backup') },
  updateBackupSettings: { action: 'backup.settings_update', target: () => 'settings:backups', before: (e) => e.backups.settingsOut() },
};

/** Writing operations on the ingest path: recorded by the ledger itself, not audited. */
export const INGEST_PATH = new Set<OperationId>(['ingestEvent', 'ingestBatch', 'createAuthorization', 'captureAuthorization', 'incrementAuthorization', 'extendAuthorization', 'voidAuthorization']);
/** Writing methods that change nothing (they compute, mint a stateless token, or post a test message). */
export const NOT_CHANGES = new Set<OperationId>(['createQuote', 'createReadToken', 'previewCreditNote', 'testWebhookEndpoint']);

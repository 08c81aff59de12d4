import type { OperationId, OutputOf, ParsedInputOf } from '../../shared/contract/operations';
import { type PreparedBatch, prepareBatch } from './batch';
import type { DocumentBytes } from './invoicing/documents';
import { exportInvoices } from './invoicing/exports';

const fileOf = (d: DocumentBytes) => ({ filename: d.filename, content_type: 'application/pdf', sha256: d.sha256, base64: d.pdf.toString('base64') });
import type { Engine } from './engine';
import { TollgateError } from './errors';
import { isReplayed } from './idempotency';
import type { Settled } from './writer';

/** Who is calling, through which door: carried to every handler (audit rows use it). */
export interface CallContext {
  door: 'http' | 'ipc';
  keyId: string | null;
  keyName: string | null;
  remoteAddress: string | null;
  requestId: string;
}

export type Handler<K extends OperationId> = (input: ParsedInputOf<K>, call: CallContext) => Promise<OutputOf<K>> | OutputOf<K>;
export type Handlers = { [K in OperationId]: Handler<K> };

/** Answers for one event of a batch: the status the single-event route would have given, and its body. */
function batchEntry(index: number, settled: Settled<unknown>) {
  if (settled.ok) return { index, status: isReplayed(settled.value) ? 200 : 201, result: settled.value as OutputOf<'ingestEvent'> };
  const err = settled.error;
  if (err instanceof TollgateError) return { index, status: err.status, error: err.toBody().error };
  return { index, status: 500, error: { code: 'internal_error', message: 'Internal error; nothing was written for this event.', details: {} } };
}

/**
 * The contract's operations, implemented once. Both doors (HTTP in serve mode, IPC in the desktop
 * app) validate input with the contract's schemas and call these. Writes go through the writer
 * (one transaction per flush, a savepoint per operation); reads run between flushes.
 */
export function createHandlers(engine: Engine): Handlers {
  const w = <T>(fn: () => T) => engine.writer.run(fn);
  return {
    health: () => engine.health(),
    verifyLedger: () => engine.verify(),

    createAsset: (i) => w(() => engine.assets.create(i)),
    listAssets: (i) => engine.assets.list(i.limit ?? 50, i.cursor),
    getAsset: (i) => engine.assets.get(i.code),
    addAssetRate: (i) => w(() => engine.assets.addRate(i)),

    createCustomer: (i) => w(() => engine.customers.create(i)),
    listCustomers: (i) => engine.customers.list(i.limit ?? 50, i.cursor, i.search),
    getCustomer: (i) => engine.customers.get(i.external_id),
    updateCustomer: (i) => w(() => engine.customers.update(i)),
    getBalances: (i) => w(() => engine.views.balances(i.external_id)),

    createTopUp: (i) => w(() => engine.funding.createTopUp(i)),
    listTopUps: (i) => engine.funding.listTopUps(i.external_id, i.limit ?? 50, i.cursor),
    getTopUp: (i) => engine.funding.getTopUp(i.id),
    confirmTopUp: (i) => w(() => engine.funding.confirmTopUp(i.id)),
    failTopUp: (i) => w(() => engine.funding.failTopUp(i.id)),
    refundTopUp: (i) => w(() => engine.funding.refundTopUp(i)),
    reverseTopUp: (i) => w(() => engine.funding.reverseTopUp(i)),
    createAdjustment: (i) => w(() => engine.funding.createAdjustment(i)),

    createMetric: (i) => w(() => engine.metrics.create(i)),
    listMetrics: (i) => engine.metrics.list(i.limit ?? 50, i.cursor),
    createPlan: (i) => w(() => engine.plans.create(i)),
    listPlans: (i) => engine.plans.list(i.limit ?? 50, i.cursor),
    getPlan: (i) => engine.plans.get(i.code),
    createSubscription: (i) =>
      w(() => {
        const row = engine.subscriptions.create(i);
        engine.billing.start(row);
        return engine.subscriptions.toApi(row);
      }),
    listSubscriptions: (i) => engine.subscriptions.list(i),
    getSubscription: (i) => engine.subscriptions.toApi(engine.subscriptions.require(i.id)),
    updateSubscription: (i) => w(() => engine.changeSubscription(i)),
    terminateSubscription: (i) =>
      w(() => {
        const sub = engine.subscriptions.require(i.id);
        if (sub.status === 'terminated') return engine.subscriptions.toApi(sub);
        if ((i.at ?? 'now') === 'now') engine.billing.terminateNow(sub);
        else {
          const customer = engine.customers.byInternalId(sub.customer_id);
          const end = sub.started_at > engine.now() ? sub.started_at : engine.subscriptions.periodOf(sub, customer, engine.now()).endMs;
          engine.subscriptions.save({ ...sub, terminate_at: end });
        }
        return engine.subscriptions.toApi(engine.subscriptions.require(i.id));
      }),
    getEntitlements: (i) => engine.billingViews.entitlements(engine.customers.require(i.external_id)),
    getUsage: (i) => w(() => engine.billingViews.currentUsage(engine.customers.require(i.external_id))),
    createCoupon: (i) => w(() => engine.coupons.create(i)),
    listCoupons: (i) => engine.coupons.list(i.limit ?? 50, i.cursor),
    applyCoupon: (i) => w(() => engine.coupons.apply(engine.customers.require(i.external_id), i.coupon)),
    listAppliedCoupons: (i) => engine.coupons.listApplied(engine.customers.require(i.external_id)),
    getSettings: () => engine.settingsStore.get(),
    updateSettings: (i) => w(() => engine.settingsStore.update(i)),
    createQuote: (i) => engine.quote(i),

    createAuthorization: (i) => w(() => engine.authorizations.create(i)).catch((err) => engine.events.refused(err, i, engine.customers.find(i.customer)?.id ?? null, 'authorization')),
    getAuthorization: (i) => engine.authorizations.get(i.id),
    captureAuthorization: (i) => w(() => engine.authorizations.capture(i)),
    incrementAuthorization: (i) => w(() => engine.authorizations.increment(i)),
    extendAuthorization: (i) => w(() => engine.authorizations.extend(i)),
    voidAuthorization: (i) => w(() => engine.authorizations.void(i.id)),

    ingestEvent: (i) => w(() => engine.events.ingest(i)),
    ingestBatch: async (i) => {
      const max = engine.settings.maxBatchEvents;
      if (i.events.length > max) throw new TollgateError('too_many_events', `A batch holds at most ${max} events; this one has ${i.events.length}.`, { max, received: i.events.length });
      const items = (i as PreparedBatch).prepared ?? prepareBatch(i.events);
      const results: ReturnType<typeof batchEntry>[] = new Array(items.length);
      const ops: (() => unknown)[] = [];
      const positions: number[] = [];
      items.forEach((item, index) => {
        if (!item.ok) {
          const err = new TollgateError('validation_failed', item.message, { issues: item.issues });
          if (!(i as PreparedBatch).prepared) engine.refusals.note(null, 'validation_failed', i.events[index], err.message);
          results[index] = batchEntry(index, { ok: false, error: err });
          return;
        }
        positions.push(index);
        ops.push(() => engine.events.ingest(item.event));
      });
      const settled = await engine.writer.runEach(ops, 'bulk');
      settled.forEach((s, k) => (results[positions[k]!] = batchEntry(positions[k]!, s)));
      let accepted = 0;
      let replayed = 0;
      for (const r of results) {
        if (r.status === 201) accepted++;
        else if (r.status === 200) replayed++;
      }
      return { results, accepted, replayed, refused: results.length - accepted - replayed };
    },
    listEvents: (i) => engine.events.list(i),
    reverseEvent: (i) => w(() => engine.events.reverse(i)),
    listRefusals: (i) => {
      const since = i.since === undefined ? engine.now() - 24 * 3600_000 : typeof i.since === 'number' ? i.since * 1000 : Date.parse(i.since);
      return engine.refusals.summary(i.customer ? engine.customers.require(i.customer).id : null, Number.isFinite(since) ? since : 0);
    },

    listTransfers: (i) => engine.views.listTransfers(i),

    listInvoices: (i) => engine.invoices.list(i),
    getInvoice: (i) => engine.invoices.toApi(engine.invoices.require(i.id)),
    finalizeInvoice: (i) => w(() => engine.invoices.toApi(engine.invoices.finalize(i.id))),
    voidInvoice: (i) => w(() => engine.invoices.toApi(engine.invoices.void(i.id, i.reason))),
    reissueInvoice: (i) => w(() => engine.invoices.toApi(engine.invoices.reissue(i.id))),
    recordPayment: (i) => w(() => engine.invoices.toApi(engine.invoices.recordPayment(i))),
    settleInvoiceFromCredit: (i) => w(() => engine.invoices.toApi(engine.invoices.settleFromCredit(i.id))),
    createCreditNote: (i) => w(() => engine.creditNotes.create(i)),
    getInvoiceDocument: async (i) => fileOf(await engine.documents.invoicePdf(i.id)),
    getCreditNoteDocument: async (i) => fileOf(await engine.documents.creditNotePdf(i.id)),
    previewInvoice: (i) => engine.invoices.preview(engine.customers.require(i.external_id)),
    createBillingRun: (i) => engine.billingRuns.start(i.customer),
    getBillingRun: (i) => engine.billingRuns.get(i.id),
    getReceipt: (i) => w(() => engine.receipts.forTopUp(i.id)),
    getReceiptDocument: async (i) => {
      await w(() => engine.receipts.forTopUp(i.id));
      return fileOf(await engine.documents.receiptPdf(i.id));
    },
    exportInvoices: (i) => exportInvoices(engine.ctx, engine.dataDir, engine.invoices, engine.documents, i),

    createWebhookEndpoint: (i) => w(() => engine.outbox.create(i)),
    listWebhookEndpoints: () => engine.outbox.list(),
    updateWebhookEndpoint: (i) => w(() => engine.outbox.update(i)),
    listWebhookDeliveries: (i) => engine.outbox.deliveries(i),
    replayWebhookDelivery: (i) => w(() => engine.outbox.replay(i.id)),
    createAlertRule: (i) => w(() => engine.watchers.createAlert(i)),
    listAlerts: (i) => engine.watchers.listAlerts(i.customer),
    deleteAlertRule: (i) => w(() => engine.watchers.deleteAlert(i.id)),
    setAutoTopUp: (i) => w(() => engine.watchers.setAutoTopUp(i)),
    listAutoTopUps: (i) => engine.watchers.listAutoTopUps(i.customer),
    updateAutoTopUp: (i) => w(() => engine.watchers.updateAutoTopUp(i.id, i.enabled)),

    getOverview: () => engine.consoleViews.overview(),
    getWalletMonitor: (i) => engine.consoleViews.monitor(i.limit ?? 50, i.sort ?? 'time_to_empty'),
    listCustomerWallets: (i) => engine.consoleViews.customerWallets(i.limit ?? 50, i.cursor, i.search),
    getEvent: (i) => engine.consoleViews.eventDetail(i.transaction_id, i.customer),
    createApiKey: (i) => w(() => engine.consoleViews.createKey(i.name, i.scopes)),
    listApiKeys: () => engine.consoleViews.listKeys(),
    revokeApiKey: (i) => w(() => engine.consoleViews.revokeKey(i.id)),
  };
}

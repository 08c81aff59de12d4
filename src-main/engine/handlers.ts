import type { OperationId, OutputOf, ParsedInputOf } from '../../shared/contract/operations';
import { type PreparedBatch, prepareBatch } from './batch';
import type { DocumentBytes } from './invoicing/documents';
import { exportInvoices } from './invoicing/exports';

const fileOf = (d: DocumentBytes) => ({ filename: d.filename, content_type: 'application/pdf', sha256: d.sha256, base64: d.pdf.toString('base64') });
import type { Engine } from './engine';
import { TollgateError } from './errors';
import { isReplayed } from './idempotency';
import { decodeCursor, encodeCursor } from './format';
import { AUDITED, type AuditSpec } from './audit-actions';
import { scrub } from './audit';
import type { Settled } from './writer';

/** Who is calling, through which door: carried to every handler (audit rows use it). */
export interface CallContext {
  /** `system`: the `tollgate import` command, run by the OS user on a data dir no engine serves. */
  door: 'http' | 'ipc' | 'system';
  keyId: string | null;
  keyName: string | null;
  /** The desktop app's OS user (the IPC door runs without a key). */
  osUser?: string | null;
  remoteAddress: string | null;
  requestId: string;
}

export type Handler<K extends OperationId> = (input: ParsedInputOf<K>, call: CallContext) => Promise<OutputOf<K>> | OutputOf<K>;
export type Handlers = { [K in OperationId]: Handler<K> };

/** The customer an audited call is about: from its input (before the change), or its answer. */
function customerIdOf(engine: Engine, input: Record<string, unknown>, output: unknown): number | null {
  const o = output as Record<string, unknown> | null;
  for (const v of [input.external_id, input.customer, o?.customer]) if (typeof v === 'string') return engine.customers.find(v)?.id ?? null;
  return null;
}

function recordAudit(engine: Engine, call: CallContext, spec: AuditSpec, input: Record<string, unknown>, out: unknown, before: unknown, customerBefore: number | null): void {
  const after = out === undefined ? null : out;
  if (before !== undefined && before !== null && JSON.stringify(scrub(before)) === JSON.stringify(scrub(after))) return; // nothing changed (e.g. revoking a revoked key)
  engine.audit.record(call, {
    action: spec.action,
    target: spec.target(input, after as Record<string, unknown> | null),
    customerId: customerBefore ?? customerIdOf(engine, input, out),
    before,
    after,
    reason: typeof input.reason === 'string' ? input.reason : null,
  });
}

/**
 * A key whose only money scope is `support` may grant credit and adjust balances up to its cap per
 * asset; a paid top-up, or an asset it has no cap for, is refused.
 */
function checkSupportCap(engine: Engine, call: CallContext, op: string, asset: string, amount: bigint, kind: 'paid' | 'granted'): void {
  if (!call.keyId) return;
  const key = engine.keys.byId(call.keyId);
  if (!key || key.scopes.has('admin') || key.scopes.has('finance') || !key.scopes.has('support')) return;
  if (op === 'createTopUp' && kind !== 'granted') throw new TollgateError('forbidden', 'A support key may grant credit (kind "granted") but not record a paid top-up.', { needed: 'finance' });
  const cap = key.supportCaps.get(asset);
  if (cap === undefined) throw new TollgateError('forbidden', `This support key has no cap for ${asset}, so it cannot move ${asset}.`, { asset });
  if (amount > cap) throw new TollgateError('forbidden', `This support key may move at most ${cap} minor units of ${asset} at once; ${amount} was asked.`, { asset, cap: cap.toString(), requested: amount.toString() });
}

function whoAmI(engine: Engine, call: CallContext) {
  if (call.keyId) {
    const k = engine.keys.get(call.keyId);
    return { kind: 'key' as const, id: k.id, name: k.name, scopes: k.scopes, expires_at: k.expires_at, door: call.door };
  }
  return { kind: 'os_user' as const, id: call.osUser ?? null, name: call.osUser ?? null, scopes: ['admin'], expires_at: null, door: call.door };
}

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
  /**
   * Runs `fn` as an operation that is always rolled back: what it computes is answered, what it
   * wrote (rows, cached balances, segments) is undone as for any refused operation.
   */
  const whatIf = async <T>(fn: () => T): Promise<T> => {
    const rollback = Symbol('what-if');
    let value: T | undefined;
    try {
      await engine.writer.run(() => {
        value = fn();
        throw rollback;
      });
    } catch (err) {
      if (err !== rollback) throw err;
    }
    return value as T;
  };
  /** Runs a change and writes its audit row in the same transaction (a replay writes none). */
  const audited = <T>(id: OperationId, input: unknown, call: CallContext, fn: () => T): Promise<T> =>
    w(() => {
      const spec = AUDITED[id]!;
      const i = input as Record<string, unknown>;
      const named = spec.customer?.(engine, i);
      const customerBefore = named ? (engine.customers.find(named)?.id ?? null) : customerIdOf(engine, i, null);
      const before = spec.before?.(engine, i);
      const out = fn();
      if (!isReplayed(out)) recordAudit(engine, call, spec, i, out, before, customerBefore);
      return out;
    });
  /** For operations that run outside one transaction (a billing run, an export): the row follows. */
  const auditedAfter = async <T>(id: OperationId, input: unknown, call: CallContext, fn: () => T | Promise<T>): Promise<T> => {
    const out = await fn();
    const spec = AUDITED[id]!;
    const i = input as Record<string, unknown>;
    if (spec.changes?.(i, out as Record<string, unknown>) !== false) await w(() => recordAudit(engine, call, spec, i, out, undefined, customerIdOf(engine, i, out)));
    return out;
  };
  return {
    health: async () => {
      // While writes are failing, health first tries one (a probe), so it says at once when space is back.
      if (engine.writer.storageProblem) await engine.probeStorage();
      return engine.health();
    },
    verifyLedger: () => engine.verify(),

    createAsset: (i, c) => audited('createAsset', i, c, () => engine.assets.create(i)),
    listAssets: (i) => engine.assets.list(i.limit ?? 50, i.cursor),
    getAsset: (i) => engine.assets.get(i.code),
    addAssetRate: (i, c) => audited('addAssetRate', i, c, () => engine.assets.addRate(i)),

    createCustomer: (i, c) => audited('createCustomer', i, c, () => engine.customers.create(i)),
    listCustomers: (i) => engine.customers.list(i.limit ?? 50, i.cursor, i.search, i.status ?? 'default'),
    getCustomer: (i) => engine.customers.get(i.external_id),
    updateCustomer: (i, c) => audited('updateCustomer', i, c, () => engine.customers.update(i)),
    getBalances: (i) => w(() => engine.views.balances(i.external_id)),

    createTopUp: (i, c) => {
      checkSupportCap(engine, c, 'createTopUp', i.asset, i.amount, i.kind ?? 'paid');
      return audited('createTopUp', i, c, () => engine.funding.createTopUp(i));
    },
    listTopUps: (i) => engine.funding.listTopUps(i.external_id, i.limit ?? 50, i.cursor),
    getTopUp: (i) => engine.funding.getTopUp(i.id),
    confirmTopUp: (i, c) => audited('confirmTopUp', i, c, () => engine.funding.confirmTopUp(i.id)),
    failTopUp: (i, c) => audited('failTopUp', i, c, () => engine.funding.failTopUp(i.id)),
    refundTopUp: (i, c) => audited('refundTopUp', i, c, () => engine.funding.refundTopUp(i)),
    reverseTopUp: (i, c) => audited('reverseTopUp', i, c, () => engine.funding.reverseTopUp(i)),
    createAdjustment: (i, c) => {
      checkSupportCap(engine, c, 'createAdjustment', i.asset, i.amount < 0n ? -i.amount : i.amount, 'granted');
      return audited('createAdjustment', i, c, () => engine.funding.createAdjustment(i));
    },

    createMetric: (i, c) => audited('createMetric', i, c, () => engine.metrics.create(i)),
    listMetrics: (i) => engine.metrics.list(i.limit ?? 50, i.cursor),
    createPlan: (i, c) => audited('createPlan', i, c, () => engine.plans.create(i)),
    listPlans: (i) => engine.plans.list(i.limit ?? 50, i.cursor),
    getPlan: (i) => engine.plans.get(i.code),
    listPlanVersions: (i) => engine.plans.versions(i.code, i.limit ?? 50, i.cursor),
    getPlanVersion: (i) => engine.plans.version(i.code, i.version),
    createSubscription: (i, c) =>
      audited('createSubscription', i, c, () => {
        const row = engine.subscriptions.create(i);
        engine.billing.start(row);
        return engine.subscriptions.toApi(row);
      }),
    listSubscriptions: (i) => engine.subscriptions.list(i),
    getSubscription: (i) => engine.subscriptions.toApi(engine.subscriptions.require(i.id)),
    updateSubscription: (i, c) => audited('updateSubscription', i, c, () => engine.changeSubscription(i)),
    terminateSubscription: (i, c) =>
      audited('terminateSubscription', i, c, () => {
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
    createCoupon: (i, c) => audited('createCoupon', i, c, () => engine.coupons.create(i)),
    listCoupons: (i) => engine.coupons.list(i.limit ?? 50, i.cursor),
    getCoupon: (i) => engine.coupons.get(i.code),
    applyCoupon: (i, c) => audited('applyCoupon', i, c, () => engine.coupons.apply(engine.customers.require(i.external_id), i.coupon)),
    listAppliedCoupons: (i) => engine.coupons.listApplied(engine.customers.require(i.external_id)),
    removeAppliedCoupon: (i, c) => audited('removeAppliedCoupon', i, c, () => engine.coupons.remove(engine.customers.require(i.external_id), i.coupon)),
    getSettings: () => engine.settingsStore.get(),
    updateSettings: (i, c) => audited('updateSettings', i, c, () => engine.settingsStore.update(i)),
    createQuote: (i) => engine.quote(i),

    createAuthorization: (i) => w(() => engine.authorizations.create(i)).catch((err) => engine.events.refused(err, i, engine.customers.find(i.customer)?.id ?? null, 'authorization')),
    getAuthorization: (i) => engine.authorizations.get(i.id),
    listAuthorizations: (i) => {
      const c = engine.customers.require(i.customer);
      const limit = i.limit ?? 50;
      const before = i.cursor ? decodeCursor(i.cursor) : null;
      const ids = engine.store.listAuthorizationIdsPage(c.id, i.status ?? null, before, limit + 1);
      const page = ids.slice(0, limit);
      return { data: page.map((id) => engine.authorizations.get(id)), next_cursor: ids.length > limit ? encodeCursor(page[page.length - 1]!) : null };
    },
    captureAuthorization: (i) => w(() => engine.authorizations.capture(i)),
    incrementAuthorization: (i) => w(() => engine.authorizations.increment(i)),
    extendAuthorization: (i) => w(() => engine.authorizations.extend(i)),
    voidAuthorization: (i) => w(() => engine.authorizations.void(i.id)),

    ingestEvent: (i) => w(() => engine.events.ingest(i)),
    ingestBatch: async (i) => {
      const max = engine.settings.maxBatchEvents;
      const prepared = (i as PreparedBatch).prepared;
      const count = prepared?.length ?? i.events.length;
      if (count > max) throw new TollgateError('too_many_events', `A batch holds at most ${max} events; this one has ${count}.`, { max, received: count });
      const items = prepared ?? prepareBatch(i.events);
      const results: ReturnType<typeof batchEntry>[] = new Array(items.length);
      const ops: (() => unknown)[] = [];
      const positions: number[] = [];
      items.forEach((item, index) => {
        if (!item.ok) {
          const err = new TollgateError('validation_failed', item.message, { issues: item.issues });
          if (!prepared) engine.refusals.note(null, 'validation_failed', i.events[index], err.message, err.details);
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
    reverseEvent: (i, c) => audited('reverseEvent', i, c, () => engine.events.reverse(i)),
    listRefusals: (i) => {
      const since = i.since === undefined ? engine.now() - 24 * 3600_000 : typeof i.since === 'number' ? i.since * 1000 : Date.parse(i.since);
      return engine.refusals.summary(i.customer ? engine.customers.require(i.customer).id : null, Number.isFinite(since) ? since : 0);
    },

    listTransfers: (i) => engine.views.listTransfers(i),

    listInvoices: (i) => engine.invoices.list(i),
    getReceivablesAging: (i) => engine.aging.report(i),
    getInvoice: (i) => engine.invoices.toApi(engine.invoices.require(i.id)),
    finalizeInvoice: (i, c) => audited('finalizeInvoice', i, c, () => engine.invoices.toApi(engine.invoices.finalize(i.id))),
    voidInvoice: (i, c) => audited('voidInvoice', i, c, () => engine.invoices.toApi(engine.invoices.void(i.id, i.reason))),
    reissueInvoice: (i, c) => audited('reissueInvoice', i, c, () => engine.invoices.toApi(engine.invoices.reissue(i.id))),
    recordPayment: (i, c) => audited('recordPayment', i, c, () => engine.invoices.toApi(engine.invoices.recordPayment(i))),
    settleInvoiceFromCredit: (i, c) => audited('settleInvoiceFromCredit', i, c, () => engine.invoices.toApi(engine.invoices.settleFromCredit(i.id))),
    previewCreditNote: (i) => whatIf(() => engine.creditNotes.create({ ...i, idempotency_key: undefined })),
    createCreditNote: (i, c) => audited('createCreditNote', i, c, () => engine.creditNotes.create(i)),
    getInvoiceDocument: async (i) => fileOf(await engine.documents.invoicePdf(i.id)),
    getCreditNoteDocument: async (i) => fileOf(await engine.documents.creditNotePdf(i.id)),
    previewInvoice: (i) => whatIf(() => engine.invoices.previewByClosing(engine.customers.require(i.external_id))),
    createBillingRun: (i, c) => auditedAfter('createBillingRun', i, c, () => engine.billingRuns.start(i.customer)),
    getBillingRun: (i) => engine.billingRuns.get(i.id),
    getReceipt: (i) => w(() => engine.receipts.forTopUp(i.id)),
    getReceiptDocument: async (i) => {
      await w(() => engine.receipts.forTopUp(i.id));
      return fileOf(await engine.documents.receiptPdf(i.id));
    },
    exportInvoices: (i, c) => auditedAfter('exportInvoices', i, c, () => exportInvoices(engine.ctx, engine.dataDir, engine.invoices, engine.documents, i)),

    createWebhookEndpoint: (i, c) => audited('createWebhookEndpoint', i, c, () => engine.outbox.create(i)),
    listWebhookEndpoints: () => engine.outbox.list(),
    updateWebhookEndpoint: (i, c) => audited('updateWebhookEndpoint', i, c, () => engine.outbox.update(i)),
    deleteWebhookEndpoint: (i, c) => audited('deleteWebhookEndpoint', i, c, () => engine.outbox.delete(i.id)),
    listWebhookDeliveries: (i) => engine.outbox.deliveries(i),
    testWebhookEndpoint: async (i) => {
      const test = engine.outbox.testMessage(i.id);
      const outcome = await engine.deliverer.post(test.endpoint, test.id, test.body);
      return { message_id: test.id, delivered: outcome.ok, status: outcome.status, error: outcome.error, latency_ms: outcome.latencyMs, body: test.body };
    },
    replayWebhookDelivery: (i, c) => audited('replayWebhookDelivery', i, c, () => engine.outbox.replay(i.id)),
    createAlertRule: (i, c) => audited('createAlertRule', i, c, () => engine.watchers.createAlert(i)),
    listAlerts: (i) => engine.watchers.listAlerts(i.customer),
    deleteAlertRule: (i, c) => audited('deleteAlertRule', i, c, () => engine.watchers.deleteAlert(i.id)),
    setAutoTopUp: (i, c) => audited('setAutoTopUp', i, c, () => engine.watchers.setAutoTopUp(i)),
    listAutoTopUps: (i) => engine.watchers.listAutoTopUps(i.customer),
    updateAutoTopUp: (i, c) => audited('updateAutoTopUp', i, c, () => engine.watchers.updateAutoTopUp(i.id, i.enabled)),

    getOverview: () => ({ ...engine.consoleViews.overview(), backups: engine.backups.status() }),
    getRevenueReport: (i) => engine.consoleViews.revenueReport(i.from ?? null, i.to ?? null),
    getWalletMonitor: (i) => engine.consoleViews.monitor(i.limit ?? 50, i.sort ?? 'time_to_empty'),
    listCustomerWallets: (i) => engine.consoleViews.customerWallets(i.limit ?? 50, i.cursor, i.search, i.status ?? 'default'),
    getEvent: (i) => engine.consoleViews.eventDetail(i.transaction_id, i.customer),
    createApiKey: (i, c) => audited('createApiKey', i, c, () => engine.keys.createKey(i)),
    listApiKeys: () => engine.keys.list(),
    revokeApiKey: (i, c) => audited('revokeApiKey', i, c, () => engine.keys.revoke(i.id)),

    createImport: (i, c) => auditedAfter('createImport', i, c, () => engine.portability.runImport(i, (record) => engine.audit.record(c, record))),
    createFullExport: (i, c) => auditedAfter('createFullExport', i, c, () => engine.portability.exportFull(i)),

    updateApiKey: (i, c) => audited('updateApiKey', i, c, () => engine.keys.update(i)),
    rotateApiKey: (i, c) => audited('rotateApiKey', i, c, () => engine.keys.rotate(i)),
    whoAmI: (_i, c) => whoAmI(engine, c),
    getRuntimeStats: () => engine.runtimeStats(),
    listAuditLog: (i) => engine.audit.list(i),

    createBackup: (_i, c) => auditedAfter('createBackup', {}, c, () => engine.backups.take('manual')),
    listBackups: () => engine.backups.list(),
    updateBackupSettings: (i, c) => audited('updateBackupSettings', i, c, () => engine.backups.updateSettings(i)),
    exportAuditLog: (i) => engine.audit.exportCsv(i),
    createReadToken: (i, c) => engine.readToken(i, c.keyId),
    closeCustomer: (i, c) => audited('closeCustomer', i, c, () => engine.customerData.close(i)),
    eraseCustomer: (i, c) => audited('eraseCustomer', i, c, () => engine.customerData.erase(i)),
    exportCustomerData: (i, c) => audited('exportCustomerData', i, c, () => engine.customerData.export(i.external_id)),
  };
}

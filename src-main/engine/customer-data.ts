import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { ClosedCustomer, CloseCustomer, CustomerDataExport, EraseCustomer, ErasedCustomer } from '../../shared/contract/admin';
import type { CustomerRow } from '../storage/store';
import { PERSONAL_COLUMNS } from '../storage/store';
import type { Engine } from './engine';
import { fail } from './errors';
import { iso } from './format';
import { withIdempotency } from './idempotency';

const ERASED = '[erased]';
const DAY_MS = 86_400_000;

type Amounts = { asset: string; amount: string }[];
const listOf = (m: Map<string, bigint>): Amounts => [...m].map(([asset, amount]) => ({ asset, amount: amount.toString() }));

/**
 * Replaces every occurrence of the personal strings in a text: JSON is walked (keys stay, values
 * change, so the document stays valid); anything else is replaced as plain text. Longest strings
 * first, so an e-mail goes before the name inside it.
 */
export function redactText(text: string, personal: readonly string[], replacements: ReadonlyMap<string, string> = new Map()): string {
  const sorted = [...personal].filter((p) => p.length >= 3).sort((a, b) => b.length - a.length);
  const redactString = (s: string) => sorted.reduce((acc, p) => (acc.includes(p) ? acc.split(p).join(replacements.get(p) ?? ERASED) : acc), s);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return redactString(text);
  }
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactString(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return JSON.stringify(walk(parsed));
}

/** The personal values a customer row holds (what an erasure must make disappear). */
function personalValuesOf(c: CustomerRow): string[] {
  const out = [c.external_id, c.name, c.email, c.legal_name, c.tax_id, c.tax_note, ...(JSON.parse(c.address) as string[]), ...(JSON.parse(c.invoice_emails) as string[])];
  for (const v of Object.values(JSON.parse(c.metadata) as Record<string, unknown>)) if (typeof v === 'string') out.push(v);
  return [...new Set(out.filter((v): v is string => typeof v === 'string' && v.length >= 3))];
}

/**
 * A customer's data over its life: closing (no new business, money settled), erasure (personal
 * data gone from every table, finalized documents kept for the legal retention), and the subject
 * access export. Everything runs inside the writer, in one transaction.
 */
export class CustomerData {
  constructor(private readonly engine: Engine) {}

  close(input: z.output<typeof CloseCustomer>): z.output<typeof ClosedCustomer> {
    const e = this.engine;
    const customer = e.customers.require(input.external_id);
    return withIdempotency(
      e.ctx,
      `close:${customer.id}`,
      input.idempotency_key,
      { ...input, idempotency_key: undefined },
      () => ({ id: customer.external_id, body: this.closeNow(customer, input.settle ?? 'refund', input.reason) }),
      () => this.summary(e.customers.byInternalId(customer.id)),
    );
  }

  /** The state of a closed (or open) customer, with nothing done. */
  private summary(c: CustomerRow): z.output<typeof ClosedCustomer> {
    return { customer: c.external_id, status: c.status, closed_at: c.closed_at === null ? null : iso(c.closed_at), subscriptions_terminated: 0, holds_voided: 0, top_ups_expired: 0, refunded: [], breakage: [], debt: [] };
  }

  private closeNow(customer: CustomerRow, settle: 'refund' | 'breakage', reason: string): z.output<typeof ClosedCustomer> {
    const e = this.engine;
    if (customer.status === 'closed') return this.summary(customer);
    const now = e.ctx.now();
    let terminated = 0;
    const sub = e.subscriptions.liveOf(customer.id);
    if (sub && sub.status !== 'terminated') {
      e.billing.terminateNow(sub);
      terminated++;
    }
    let voided = 0;
    for (const account of e.store.listCustomerAccounts(customer.id)) {
      if (account.type !== 'wallet') continue;
      for (const hold of e.store.listPendingAuthorizations(customer.id, account.asset)) {
        e.authorizations.void(hold.id);
        voided++;
      }
    }
    for (const rule of e.watchers.listAutoTopUps(customer.external_id).data) if (rule.enabled) e.watchers.updateAutoTopUp(rule.id, false);
    const settled = e.funding.settleForClosure(customer, settle, reason);
    e.customers.save(customer, { ...customer, status: 'closed', closed_at: now, updated_at: now });
    e.ctx.emit({ type: 'customer', customer: customer.external_id, id: customer.external_id });
    return {
      customer: customer.external_id,
      status: 'closed',
      closed_at: iso(now),
      subscriptions_terminated: terminated,
      holds_voided: voided,
      top_ups_expired: settled.expired,
      refunded: listOf(settled.refunded),
      breakage: listOf(settled.breakage),
      debt: listOf(settled.debt),
    };
  }

  /**
   * Erasure: close, finalize open drafts (an invoice must name its buyer), then redact. Finalized
   * documents keep the buyer's details until `legal_retention_days` have passed (`sweepRetention`).
   */
  erase(input: z.output<typeof EraseCustomer>): z.output<typeof ErasedCustomer> {
    const e = this.engine;
    const customer = e.customers.require(input.external_id);
    if (customer.erased_at !== null) fail('invalid_state', `Customer ${input.external_id} was erased already.`, { customer: input.external_id });
    e.store.setSecureDelete(true);
    e.ctx.onUndo(() => e.store.setSecureDelete(false));
    const close = this.closeNow(customer, input.settle ?? 'refund', input.reason);
    for (const draft of e.store.listInvoices({ customerId: customer.id, status: 'draft', after: null, limit: 10_000 })) e.invoices.finalize(draft.id);

    const now = e.ctx.now();
    const settings = e.settingsStore.get();
    const retainedUntil = now + settings.legal_retention_days * DAY_MS;
    const retained = e.store.markDocumentsForErasure(customer.id, retainedUntil);

    const current = e.customers.byInternalId(customer.id);
    const tombstone = `erased_${randomBytes(8).toString('hex')}`;
    const personal = personalValuesOf(current);
    const replacements = new Map([[current.external_id, tombstone]]);
    const eventsRedacted = this.stripEvents(current.id, settings.personal_event_properties, personal, replacements);
    for (const spec of PERSONAL_COLUMNS) {
      for (const row of e.store.rowsMentioning(spec, current.id, personal)) {
        const next: Record<string, string | null> = {};
        for (const col of spec.columns) next[col] = row[col] === null ? null : redactText(String(row[col]), personal, replacements);
        e.store.updatePersonalColumns(spec, row.key, next);
      }
    }
    e.store.deleteRefusalSamplesOf(current.id);
    e.store.deleteUniqueValuesOf(current.id);
    e.store.deleteIdempotencyMentioning(personal);
    const erased: CustomerRow = {
      ...current,
      external_id: tombstone,
      name: null,
      email: null,
      metadata: '{}',
      legal_name: null,
      address: '[]',
      tax_id: null,
      invoice_emails: '[]',
      tax_note: null,
      erased_at: now,
      updated_at: now,
    };
    e.customers.save(current, erased);
    // Deleted and rewritten pages are zeroed, and the WAL emptied, so the old values are not left in free space.
    e.ctx.afterCommit(() => {
      e.ctx.resetCaches();
      e.store.setSecureDelete(false);
      e.store.purgeFreedPages();
    });
    e.ctx.emit({ type: 'customer', customer: tombstone, id: tombstone });
    return { tombstone, erased_at: iso(now), events_redacted: eventsRedacted, invoices_retained: retained, retained_until: retained > 0 ? iso(retainedUntil) : null, close: { ...close, customer: tombstone } };
  }

  /** Strips the configured personal properties from a customer's events (and redacts what is left). */
  private stripEvents(customerId: number, names: string[], personal: string[], replacements: Map<string, string>): number {
    const e = this.engine;
    let n = 0;
    for (let after = 0, page = e.store.eventsForRedaction(customerId, 0, 1000); page.length > 0; page = e.store.eventsForRedaction(customerId, after, 1000)) {
      for (const ev of page) {
        after = ev.id;
        const props = JSON.parse(ev.properties) as Record<string, unknown>;
        for (const name of names) delete props[name];
        const properties = redactText(JSON.stringify(props), personal, replacements);
        const result = redactText(ev.result, personal, replacements);
        if (properties !== ev.properties || result !== ev.result) {
          e.store.updateEventRedaction(ev.id, properties, result);
          n++;
        }
      }
    }
    return n;
  }

  /** Redacts erased customers' documents whose legal retention has ended. Returns how many. */
  sweepRetention(now: number): number {
    const e = this.engine;
    let n = 0;
    e.store.setSecureDelete(true);
    e.ctx.onUndo(() => e.store.setSecureDelete(false));
    e.ctx.afterCommit(() => {
      e.store.setSecureDelete(false);
      e.store.purgeFreedPages();
    });
    for (const doc of e.store.documentsPastRetention(now, 200)) {
      e.store.redactDocument(doc.table, doc.id, redactDocument(doc.document));
      n++;
    }
    return n;
  }

  /** Everything held about one customer, for a subject access request. */
  export(externalId: string): z.output<typeof CustomerDataExport> {
    const e = this.engine;
    const c = e.customers.require(externalId);
    const all = <T>(fetch: (cursor: string | undefined) => { data: T[]; next_cursor: string | null }): T[] => {
      const out: T[] = [];
      let cursor: string | undefined;
      do {
        const page = fetch(cursor);
        out.push(...page.data);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return out;
    };
    const invoices = all((cursor) => e.invoices.list({ customer: externalId, limit: 500, cursor }));
    return {
      exported_at: iso(e.ctx.now()),
      customer: e.customers.toApi(c),
      subscriptions: all((cursor) => e.subscriptions.list({ customer: externalId, limit: 500, cursor })),
      balances: e.views.balances(externalId),
      top_ups: all((cursor) => e.funding.listTopUps(externalId, 500, cursor)),
      adjustments: e.store.listAdjustmentsOf(c.id).map((a) => ({ id: a.id, asset: a.asset, amount: a.amount.toString(), reason: a.reason, created_at: iso(Number(a.created_at)) })),
      authorizations: e.store.listAuthorizationIdsOf(c.id).map((id) => e.authorizations.get(id)),
      events: all((cursor) => e.events.list({ customer: externalId, limit: 500, cursor })),
      transfers: all((cursor) => e.views.listTransfers({ customer: externalId, limit: 500, cursor })),
      invoices,
      credit_notes: invoices.flatMap((inv) => e.store.listCreditNotes(inv.id).map((n) => ({ id: n.id, number: n.number, invoice: inv.number ?? inv.id, reason: n.reason, settlement: n.settlement, total: n.total.toString(), created_at: iso(n.created_at) }))),
      alerts: e.watchers.listAlerts(externalId).events,
      audit_log: e.store.listAuditForCustomer(c.id).map((r) => e.audit.toApi(r)),
    };
  }
}

/** A stored document with its buyer's details removed (the legal retention has ended). */
function redactDocument(text: string): string {
  const doc = JSON.parse(text) as { model?: { buyer?: Record<string, unknown> } };
  const buyer = doc.model?.buyer ?? {};
  const personal = [buyer.legalName, buyer.taxId, buyer.email, ...((buyer.address as string[] | undefined) ?? [])].filter((v): v is string => typeof v === 'string');
  if (doc.model) doc.model.buyer = { legalName: ERASED, address: [], country: buyer.country ?? null, taxId: null, email: null };
  return redactText(JSON.stringify(doc), personal);
}

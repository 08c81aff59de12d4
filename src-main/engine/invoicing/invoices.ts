import type { z } from 'zod';
import type { Invoice, RecordPayment } from '../../../shared/contract/invoicing';
import { zonedDate } from '../../../shared/time';
import type { DocumentLine, DocumentModel, Party } from '../../documents/model';
import { labelsFor } from '../../documents/labels';
import type { CustomerRow, InvoiceRow, PeriodRow, SubscriptionRow } from '../../storage/store';
import type { Assets } from '../assets';
import type { Billing } from '../billing/lifecycle';
import type { EngineContext } from '../context';
import { DocumentNumbers } from './numbers';
import type { Customers } from '../customers';
import { fail } from '../errors';
import { decodeCursor, encodeCursor, iso, isoOrNull, moneyText } from '../format';
import { newId } from '../ids';
import { isReplayed, markReplayed, withIdempotency } from '../idempotency';
import { debtOf, freeOf, POSTED, type TransferMeta, type WalletState } from '../ledger/books';
import { consume, giveBack } from '../ledger/wallet-ops';
import type { Plans } from '../pricing/plans';
import type { Subscriptions } from '../pricing/subscriptions';
import type { Settings } from '../settings';
import { parseTimestampField } from '../timestamps';
import type { Statement, StatementLine, Statements } from './statement';
import { taxOn, taxRateFor } from './tax';

const DAY_MS = 86_400_000;

export interface TaxRow {
  label: string;
  rate: string;
  base: bigint;
  amount: bigint;
}

/** The frozen content of a finalized invoice: the document it was issued as, plus what the engine needs back. */
interface StoredDocument {
  model: DocumentModel;
  lines: StatementLine[];
  taxes: { label: string; rate: string; base: string; amount: string }[];
  taxNote: string | null;
}

const dateIn = (ms: number, tz: string) => {
  const d = zonedDate(ms, tz);
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
};

/** A draft with nothing on it yet: amounts zero, no number, no document. */
function draftRow(r: Pick<InvoiceRow, 'id' | 'customer_id' | 'subscription_id' | 'period_start' | 'period_end' | 'currency' | 'grace_until' | 'created_at'>): InvoiceRow {
  return {
    ...r,
    number: null,
    status: 'draft',
    subtotal: 0n,
    discounts: 0n,
    tax: 0n,
    total: 0n,
    credits_applied: 0n,
    amount_due: 0n,
    amount_paid: 0n,
    credited: 0n,
    document: null,
    pdf: null,
    pdf_sha256: null,
    issue_date: null,
    due_at: null,
    finalized_at: null,
    voided_at: null,
    void_reason: null,
    replaces_id: null,
    updated_at: r.created_at,
  };
}

/**
 * Invoices: statements of each billing period's transfers. A draft is made when a period closes
 * and follows late events during the grace period; finalization posts the tax, numbers the
 * invoice without gaps, freezes its document and (just after the commit) its PDF and SHA-256.
 * Then payments, settlement from prepaid credit, void and reissue, and credit notes.
 *
 * Invoice numbers: PREFIX-YYYY-NNNNNN, a sequence per prefix and year. The highest number issued
 * is also written to `invoice-numbers.json` in the data dir after each commit, and a number is
 * never lower than what that file says: restoring an older backup cannot issue a number twice.
 */
export class Invoices {
  readonly numbers: DocumentNumbers;
  /** Told (inside the operation) when an invoice is finalized. */
  onFinalized: ((invoice: z.output<typeof Invoice>) => void) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly assets: Assets,
    private readonly plans: Plans,
    private readonly subscriptions: Subscriptions,
    private readonly statements: Statements,
    private readonly billing: Billing,
    private readonly settings: Settings,
    dataDir: string,
  ) {
    this.numbers = new DocumentNumbers(ctx, dataDir);
  }

  currencyOf(customer: CustomerRow): string {
    return customer.currency ?? this.settings.get().default_currency;
  }

  private tzOf(customer: CustomerRow): string {
    return this.customers.timezoneOf(customer);
  }

  // ---------------------------------------------------------------- drafts
  /** The draft for a subscription's period, made once when the period closes (idempotent). */
  draft(sub: SubscriptionRow, customer: CustomerRow, periodStart: number): InvoiceRow {
    const existing = this.ctx.store.getInvoiceForPeriod(sub.id, periodStart);
    if (existing) return existing;
    const now = this.ctx.now();
    const segments = this.subscriptions.segmentsOf(sub.id).filter((s) => s.period_start === periodStart);
    const graceUntil = Math.max(...segments.map((s) => s.grace_until ?? now));
    const row = draftRow({
      id: newId('inv', now),
      customer_id: customer.id,
      subscription_id: sub.id,
      period_start: periodStart,
      period_end: segments.length ? Math.max(...segments.map((s) => s.end_at)) : periodStart,
      currency: this.currencyOf(customer),
      grace_until: graceUntil,
      created_at: now,
    });
    this.ctx.store.insertInvoice(row);
    this.ctx.emit({ type: 'invoice', customer: customer.external_id, id: row.id, data: { status: 'draft' } });
    return row;
  }

  require(idOrNumber: string): InvoiceRow {
    return this.ctx.store.getInvoice(idOrNumber) ?? fail('not_found', `No invoice has id or number ${idOrNumber}.`, { invoice: idOrNumber });
  }

  // ---------------------------------------------------------------- computing
  /** What an invoice says now: the statement of its period, with tax (not posted for drafts). */
  private compute(row: InvoiceRow, customer: CustomerRow): { statement: Statement; taxes: TaxRow[]; taxNote: string | null } {
    const statement = this.statementOf(row, customer);
    const { taxes, note } = this.taxesFor(row, customer, statement);
    return { statement, taxes, taxNote: note };
  }

  private statementOf(row: InvoiceRow, customer: CustomerRow): Statement {
    if (row.replaces_id) {
      // A reissue states the lines of the invoice it replaces (frozen with it).
      const original = this.require(row.replaces_id);
      const doc = JSON.parse(original.document!) as StoredDocument;
      const lines = doc.lines;
      return { currency: row.currency, lines, subtotal: sumLines(lines, false), discounts: sumLines(lines, true), segments: [] };
    }
    return this.statements.build(customer, row.subscription_id!, row.period_start!, row.currency);
  }

  private taxesFor(row: InvoiceRow, customer: CustomerRow, statement: Statement): { taxes: TaxRow[]; note: string | null } {
    const s = this.settings.get();
    // Under the top-up tax point, prepaid usage was taxed when the credit was bought.
    if (s.tax_point === 'top_up' && customer.billing_mode === 'prepaid') return { taxes: [], note: 'Tax was invoiced on the top-up receipts of the prepaid credit used here.' };
    const bases = new Map<string, bigint>();
    let note: string | null = null;
    const segPlan = new Map(statement.segments.map((seg) => [seg.id, seg.plan_id]));
    for (const line of statement.lines) {
      if (line.informational || !line.taxable && line.kind !== 'coupon') continue;
      const segId = Number(/-(\d+)(?:-|$)/.exec(line.id)?.[1] ?? NaN);
      const planId = segPlan.get(segId) ?? (row.subscription_id ? this.subscriptions.require(row.subscription_id).plan_id : null);
      const { rate, note: n } = taxRateFor(s, customer, planId !== null ? this.plans.byId(planId) : null);
      note ??= n;
      bases.set(rate, (bases.get(rate) ?? 0n) + BigInt(line.amount));
    }
    const taxes: TaxRow[] = [];
    for (const [rate, base] of bases) {
      // A 0% row is printed only where it says something (an exemption or a reverse charge).
      if (base <= 0n || (rate === '0' && customer.tax_treatment === 'standard')) continue;
      const amount = taxOn(base, rate, s.tax_inclusive);
      taxes.push({ label: rate === '0' ? (customer.tax_treatment === 'reverse_charge' ? 'Reverse charge' : customer.tax_treatment === 'exempt' ? 'Exempt' : 'Tax') : 'Tax', rate, base, amount });
    }
    return { taxes, note };
  }

  /**
   * The tax rate of each line a finalized invoice taxed (its taxable lines and coupons), by the rule
   * of `taxesFor`: credit notes tax what they credit at it. Rates as they are now; the caller checks
   * them against the invoice's frozen tax rows.
   */
  lineTaxRates(row: InvoiceRow, lines: StatementLine[]): Map<string, string> {
    const customer = this.customers.byInternalId(row.customer_id);
    const s = this.settings.get();
    const segments = row.subscription_id && !row.replaces_id ? this.subscriptions.segmentsOf(row.subscription_id).filter((x) => x.period_start === row.period_start) : [];
    const segPlan = new Map(segments.map((seg) => [seg.id, seg.plan_id]));
    const out = new Map<string, string>();
    for (const line of lines) {
      if (line.informational || !line.taxable && line.kind !== 'coupon') continue;
      const segId = Number(/-(\d+)(?:-|$)/.exec(line.id)?.[1] ?? NaN);
      const planId = segPlan.get(segId) ?? (row.subscription_id ? this.subscriptions.require(row.subscription_id).plan_id : null);
      out.set(line.id, taxRateFor(s, customer, planId !== null ? this.plans.byId(planId) : null).rate);
    }
    return out;
  }

  // ---------------------------------------------------------------- finalization
  /**
   * Finalizes a draft: its periods are finalized (late events settled), the tax is posted, the
   * number assigned, the document frozen. Credits applied and amount due come from the transfers:
   * what the wallet paid and what landed in the receivable; they add up to the total. Of what landed
   * in the receivable, the part credit has repaid since (a prepaid customer's fee booked as debt,
   * then a top-up) counts as paid from credit, by the rule of `stillOwed`: the document frozen now
   * says so.
   */
  finalize(idOrNumber: string): InvoiceRow {
    const row = this.require(idOrNumber);
    if (row.status !== 'draft') return markReplayed({ ...row }); // already final: changes nothing, so no audit row
    const customer = this.customers.byInternalId(row.customer_id);
    const now = this.ctx.now();
    let segments: PeriodRow[] = [];
    if (row.subscription_id && !row.replaces_id) {
      segments = this.subscriptions.segmentsOf(row.subscription_id).filter((s) => s.period_start === row.period_start);
      for (const seg of segments) this.billing.finalize(seg);
    }
    const { statement, taxes, taxNote } = this.compute(row, customer);
    const s = this.settings.get();
    const ref = `invoice:${row.id}`;
    const taxTotal = taxes.reduce((a, t) => a + t.amount, 0n);
    const anchor = segments[segments.length - 1]?.id ?? null;
    if (row.replaces_id) {
      // A reissue charges its lines again (the invoice it replaces was taken back by its void).
      const money = statement.subtotal + statement.discounts;
      if (money !== 0n) this.postTo(customer, row.currency, money, 'revenue', { kind: 'reissue', periodId: null, ref });
    }
    if (taxTotal > 0n) {
      if (s.tax_inclusive) {
        // Prices included tax: part of what was charged is tax, moved out of revenue.
        const { books } = this.ctx;
        books.post(books.systemAccount(row.currency, 'revenue'), books.systemAccount(row.currency, 'tax'), taxTotal, 0, { kind: 'tax', periodId: anchor, ref });
      } else {
        this.postTo(customer, row.currency, taxTotal, 'tax', { kind: 'tax', periodId: anchor, ref });
      }
    }
    const total = statement.subtotal + statement.discounts + (s.tax_inclusive ? 0n : taxTotal);
    const funding = row.replaces_id ? this.ctx.store.refFunding(ref, row.currency) : this.ctx.store.periodFunding(segments.map((x) => x.id), customer.id, row.currency);
    if (funding.fromCredit + funding.toReceivable !== total) {
      throw new Error(`invoice ${row.id}: credits ${funding.fromCredit} + due ${funding.toReceivable} != total ${total}: the statement and the transfers disagree`);
    }
    const stillOwed = this.stillOwed(customer.id, row.currency, funding.toReceivable, new Set(segments.map((x) => x.id)));
    // Free credit is applied now: to older invoices still owed first, then to this one (credits applied).
    const applied = this.applyCredit(customer, row, stillOwed);
    const owed = stillOwed - applied;
    const tz = this.tzOf(customer);
    const terms = customer.payment_terms_days ?? s.payment_terms_days;
    // Nothing to bill and the operator does not issue such invoices (Lago's finalize_zero_amount_invoice):
    // the invoice is closed without a number (the sequence keeps no gap), a PDF or a webhook.
    const closed = !s.finalize_zero_amount_invoices && total === 0n && taxTotal === 0n && row.replaces_id === null;
    const next: InvoiceRow = {
      ...row,
      number: closed ? null : this.nextNumber(now, tz),
      status: 'finalized',
      subtotal: statement.subtotal,
      discounts: statement.discounts,
      tax: taxTotal,
      total,
      credits_applied: funding.fromCredit + (funding.toReceivable - stillOwed) + applied,
      amount_due: owed,
      issue_date: dateIn(now, tz),
      due_at: now + terms * DAY_MS,
      finalized_at: now,
      updated_at: now,
    };
    const model = this.documentModel(next, customer, statement, taxes, taxNote);
    next.document = JSON.stringify({ model, lines: statement.lines, taxes: taxes.map((t) => ({ label: t.label, rate: t.rate, base: t.base.toString(), amount: t.amount.toString() })), taxNote } satisfies StoredDocument);
    this.ctx.store.updateInvoice(next);
    this.ctx.emit({ type: 'invoice', customer: customer.external_id, id: row.id, data: { status: closed ? 'closed' : 'open', number: next.number } });
    if (!closed) this.onFinalized?.(this.toApi(next));
    return next;
  }

  /**
   * Credit applied when an invoice is finalized (both billing modes; what `billing_mode` promises
   * for postpaid customers, whose usage and fees go to the receivable as they happen). The
   * customer's free credit in the invoice's currency (lots neither expired nor reserved by a pending
   * authorization, in consumption order) repays the debt the way credit arriving would, oldest first:
   * finalized invoices still owed (older than this one; their `repaid_from_credit`), then this
   * invoice, up to `owed`, what it still owes after the repayments before finalization. Returns the
   * part applied to this invoice (its credits applied). The charges no finalized invoice states yet
   * (the current period, other drafts) are left to their own invoices. The lots that paid are
   * remembered (the repayment stack), so a credit note later gives the credit back to them.
   */
  private applyCredit(customer: CustomerRow, row: InvoiceRow, owed: bigint): bigint {
    let free = this.freeCredit(customer.id, row.currency);
    if (free <= 0n) return 0n;
    // Computed while this invoice is still a draft: its debt counts as not invoiced yet, so what
    // the finalized invoices are owed is theirs alone.
    const older = this.receivable(customer.id, row.currency).invoices.reduce((a, i) => a + i.outstanding, 0n);
    const toOlder = free < older ? free : older;
    free -= toOlder;
    const toThis = owed <= 0n ? 0n : free < owed ? free : owed;
    if (toOlder === 0n && toThis === 0n) return 0n;
    const { books } = this.ctx;
    const ws = books.wallet(customer.id, row.currency);
    const now = this.ctx.now();
    // The older invoices: a repayment of the pool (no invoice named), which pays the oldest first.
    this.drawCredit(ws, toOlder, { kind: 'debt_repayment', ref: `invoice:${row.id}` }, now);
    this.drawCredit(ws, toThis, { kind: 'credit_applied', ref: `invoice:${row.id}` }, now);
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: row.currency });
    return toThis;
  }

  /** Moves `amount` of free credit from the wallet's lots, in consumption order, onto the receivable. */
  private drawCredit(ws: WalletState, amount: bigint, meta: TransferMeta, now: number): void {
    let rest = amount;
    const { books } = this.ctx;
    for (const lot of [...ws.lots]) {
      if (rest <= 0n) break;
      if (lot.expired || (lot.expires_at !== null && lot.expires_at <= now)) continue;
      const free = freeOf(lot);
      if (free <= 0n) continue;
      const take = free < rest ? free : rest;
      books.changeLot(ws, lot, -take, 0n);
      books.post(ws.wallet, ws.receivable, take, POSTED, meta, lot.id);
      books.push(ws, 'repayment', lot.id, take);
      rest -= take;
    }
    if (rest > 0n) throw new Error(`invoice credit: ${rest} of free credit was counted but not found in the lots`);
  }

  /** Posts an amount the customer owes towards `counter` (revenue or tax): credit first for prepaid customers, else receivable. */
  private postTo(customer: CustomerRow, asset: string, amount: bigint, counter: 'revenue' | 'tax', meta: { kind: 'tax' | 'reissue' | 'void' | 'credit_note'; periodId: number | null; ref: string }): void {
    const { books } = this.ctx;
    const ws = books.wallet(customer.id, asset);
    const account = books.systemAccount(asset, counter);
    const m = { kind: meta.kind, periodId: meta.periodId, ref: meta.ref };
    if (amount > 0n) consume(books, ws, amount, account, m, { now: this.ctx.now(), useCredit: customer.billing_mode === 'prepaid' });
    else if (amount < 0n) giveBack(books, ws, -amount, account, m, this.ctx.now());
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset });
  }

  /** The next number, never below what was issued before (database or the file beside it). */
  private nextNumber(now: number, tz: string): string {
    const prefix = this.settings.get().invoice_prefix;
    const year = zonedDate(now, tz).year;
    const seq = this.numbers.next(`invoice_seq:${prefix}:${year}`);
    return `${prefix}-${year}-${String(seq).padStart(6, '0')}`;
  }

  // ---------------------------------------------------------------- after finalization
  /** Void: only an invoice that went entirely to the receivable and has no payment. The charges are taken back. */
  void(idOrNumber: string, reason: string): InvoiceRow {
    const row = this.require(idOrNumber);
    if (row.status === 'void') return markReplayed({ ...row }); // a retried void: the void invoice, nothing written again
    if (row.status !== 'finalized') fail('invalid_state', `Invoice ${row.id} is a draft; finalize it first, or let it change with the period.`, { invoice: row.id });
    if (isClosed(row)) fail('invalid_state', `Invoice ${row.id} was closed with nothing to bill (no number, no document): there is nothing to void.`, { invoice: row.id, status: 'closed' });
    if (row.amount_paid > 0n) fail('invalid_state', `Invoice ${row.number} has payments; correct it with a credit note.`, { invoice: row.number });
    if (row.credits_applied !== 0n) fail('invalid_state', `Invoice ${row.number} was paid from prepaid credit; correct it with a credit note.`, { invoice: row.number });
    if (row.credited !== 0n) fail('invalid_state', `Invoice ${row.number} has credit notes; it cannot be voided.`, { invoice: row.number });
    const customer = this.customers.byInternalId(row.customer_id);
    const ref = `void:${row.id}`;
    const s = this.settings.get();
    const revenuePart = row.total - (s.tax_inclusive ? 0n : row.tax);
    if (revenuePart !== 0n) this.postTo(customer, row.currency, -revenuePart, 'revenue', { kind: 'void', periodId: null, ref });
    if (!s.tax_inclusive && row.tax !== 0n) this.postTo(customer, row.currency, -row.tax, 'tax', { kind: 'void', periodId: null, ref });
    else if (s.tax_inclusive && row.tax !== 0n) {
      const { books } = this.ctx;
      books.post(books.systemAccount(row.currency, 'tax'), books.systemAccount(row.currency, 'revenue'), row.tax, 0, { kind: 'void', ref });
    }
    const next = { ...row, status: 'void' as const, voided_at: this.ctx.now(), void_reason: reason, updated_at: this.ctx.now() };
    this.ctx.store.updateInvoice(next);
    this.ctx.emit({ type: 'invoice', customer: customer.external_id, id: row.id, data: { status: 'void' } });
    return next;
  }

  /** A new draft with the same lines, linked to the void invoice it replaces. */
  reissue(idOrNumber: string): InvoiceRow {
    const original = this.require(idOrNumber);
    if (original.status !== 'void') fail('invalid_state', `Only a void invoice can be reissued; ${original.number ?? original.id} is ${original.status}.`, { invoice: original.id });
    const now = this.ctx.now();
    // A reissue is a draft to review like any other: it gets the grace period before the clock finalizes it.
    const graceUntil = now + this.settings.get().grace_period_hours * 3_600_000;
    const row: InvoiceRow = {
      ...draftRow({ id: newId('inv', now), customer_id: original.customer_id, subscription_id: original.subscription_id, period_start: original.period_start, period_end: original.period_end, currency: original.currency, grace_until: graceUntil, created_at: now }),
      replaces_id: original.id,
    };
    this.ctx.store.insertInvoice(row);
    return row;
  }

  /** Prepaid credit of the customer in `currency` that is neither expired nor reserved by a hold. */
  private freeCredit(customerId: number, currency: string): bigint {
    const now = this.ctx.now();
    let free = 0n;
    for (const lot of this.ctx.books.wallet(customerId, currency).lots) if (!lot.expired && (lot.expires_at === null || lot.expires_at > now)) free += lot.remaining - lot.reserved;
    return free;
  }

  /**
   * What the customer still owes on this invoice: its own amount due less payments and credit notes,
   * and never more than the customer's debt allows. Credit that arrives while the customer is in
   * debt (a top-up, a grant) repays the debt first, which pays invoices oldest first, and the
   * charges no finalized invoice states yet (the current period, drafts) last: the debt left is
   * handed first to those charges, then to the newest invoices, and an older one is owed only what
   * remains of it (see `stillOwed`, the same rule at finalization).
   */
  outstanding(row: InvoiceRow): bigint {
    if (row.status !== 'finalized') return 0n;
    return this.receivable(row.customer_id, row.currency).invoices.find((i) => i.id === row.id)?.outstanding ?? 0n;
  }

  /**
   * Everything a customer owes in a currency, by the rule of `outstanding` applied to every
   * finalized invoice at once: the invoices still owed (newest first, with their due dates) and the
   * debt no finalized invoice states yet (the current period, drafts).
   */
  receivable(customerId: number, currency: string): { uninvoiced: bigint; invoices: { id: string; outstanding: bigint; due_at: number | null }[] } {
    let debt = debtOf(this.ctx.books.wallet(customerId, currency));
    if (debt <= 0n) return { uninvoiced: 0n, invoices: [] };
    const pending = this.uninvoicedDebt(customerId, currency);
    const uninvoiced = pending < debt ? pending : debt;
    debt -= uninvoiced;
    const invoices: { id: string; outstanding: bigint; due_at: number | null }[] = [];
    if (debt <= 0n) return { uninvoiced, invoices };
    for (const invoice of this.ctx.store.finalizedInvoiceOwedOf(customerId, currency)) {
      const share = debt < invoice.owed ? debt : invoice.owed;
      if (share > 0n) invoices.push({ id: invoice.id, outstanding: share, due_at: invoice.due_at });
      debt -= share;
      if (debt <= 0n) break;
    }
    return { uninvoiced, invoices };
  }

  /**
   * Of `booked`, what an invoice's own transfers put on the receivable (net), the part still owed;
   * the rest was repaid from credit since it was booked, and counts as credits applied.
   *
   * How repaid debt is attributed: the customer's debt in a currency is one pool, and what repays it
   * without naming an invoice (credit arriving while the customer is in debt: `debt_repayment`)
   * pays the oldest first, in this order: finalized invoices in the order they were finalized, then
   * this invoice, then the charges no finalized invoice states yet (the current period's, other
   * drafts'), whatever order the charges were booked in. Payments, credit applied and credit notes
   * go to their own invoice (they lower its `owed`). So the debt left is the newest part: the
   * charges not invoiced yet take it first, then this invoice up to `booked`, and older invoices
   * keep the rest, exactly as `outstanding` hands it out afterwards; the invoice's credits applied
   * and amount due still add up to its total. (Debt on no period, a capture outside a subscription
   * or an adjustment, is not a charge of any period: as before, it stays with the invoices.)
   * `except`: the invoice's own segments, left out of the charges not invoiced yet.
   */
  private stillOwed(customerId: number, currency: string, booked: bigint, except: ReadonlySet<number>): bigint {
    if (booked <= 0n) return booked;
    const open = debtOf(this.ctx.books.wallet(customerId, currency)) - this.uninvoicedDebt(customerId, currency, except);
    return open <= 0n ? 0n : open < booked ? open : booked;
  }

  /**
   * The customer's debt in `currency` that no finalized invoice states yet: what the segments not
   * finalized (the current period, periods whose invoice is a draft) booked to the receivable, net,
   * leaving out `except`. A finalized segment is on a finalized invoice (or on a void one, whose
   * charges its void took back).
   */
  private uninvoicedDebt(customerId: number, currency: string, except: ReadonlySet<number> = new Set()): bigint {
    const ids: number[] = [];
    for (const subscriptionId of this.ctx.store.subscriptionIdsOf(customerId)) {
      for (const seg of this.subscriptions.segmentsOf(subscriptionId)) if (seg.status !== 'finalized' && !except.has(seg.id)) ids.push(seg.id);
    }
    const booked = this.ctx.store.periodFunding(ids, customerId, currency).toReceivable;
    return booked > 0n ? booked : 0n;
  }

  recordPayment(input: z.output<typeof RecordPayment>): InvoiceRow {
    const row = this.require(input.id);
    return withIdempotency(
      this.ctx,
      `payment:${row.id}`,
      input.idempotency_key,
      { ...input, idempotency_key: undefined },
      () => {
        const now = this.ctx.now();
        const paidAt = parseTimestampField(input.paid_at, 'paid_at', now) ?? now;
        // A payment is recorded once received: `paid_at` may not be later than now, within the
        // tolerance for clock skew that events get (a few minutes).
        const tolerance = this.ctx.settings.futureToleranceMs;
        if (paidAt > now + tolerance) {
          const message = `may not be in the future (at most ${tolerance / 1000} s ahead of the server's clock, ${iso(now)})`;
          fail('validation_failed', `paid_at: ${message}; record a payment once it is received.`, { issues: [{ path: ['paid_at'], message }], paid_at: iso(paidAt), now: iso(now) });
        }
        const out = this.pay(row, input.amount, paidAt, input.method, input.reference ?? null);
        return { id: out.id, body: out };
      },
      (id) => ({ ...this.require(id) }), // a copy: withIdempotency marks what it answers as a replay
    );
  }

  private pay(row: InvoiceRow, amount: bigint, paidAt: number, method: string, reference: string | null): InvoiceRow {
    if (row.status !== 'finalized') fail('invalid_state', `Invoice ${row.number ?? row.id} is ${row.status}; payments go against finalized invoices.`, { invoice: row.id });
    if (isClosed(row)) fail('invalid_state', `Invoice ${row.id} was closed with nothing to bill (no number, no document): there is nothing to pay.`, { invoice: row.id, status: 'closed' });
    const outstanding = this.outstanding(row);
    if (amount > outstanding) {
      const money = (v: bigint) => moneyText(v, row.currency, this.assets.find(row.currency)?.scale);
      fail('validation_failed', `A payment of ${money(amount)} is more than the ${money(outstanding)} outstanding on invoice ${row.number}.`, { issues: [{ path: ['amount'], message: `at most ${money(outstanding)}` }], outstanding: outstanding.toString(), asset: row.currency });
    }
    const customer = this.customers.byInternalId(row.customer_id);
    const { books } = this.ctx;
    const ws = books.wallet(customer.id, row.currency);
    books.post(books.systemAccount(row.currency, 'funding'), ws.receivable, amount, 0, { kind: 'payment', ref: `invoice:${row.id}` });
    const now = this.ctx.now();
    this.ctx.store.insertPayment({ id: newId('pay', now), invoice_id: row.id, amount, paid_at: paidAt, method, reference, created_at: now });
    const next = { ...row, amount_paid: row.amount_paid + amount, updated_at: now };
    this.ctx.store.updateInvoice(next);
    this.ctx.emit({ type: 'invoice', customer: customer.external_id, id: row.id, data: { status: this.statusOf(next) } });
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: row.currency });
    return next;
  }

  /** Pays what an invoice still owes from the customer's prepaid credit (up to the free credit there is). */
  settleFromCredit(idOrNumber: string): InvoiceRow {
    const row = this.require(idOrNumber);
    if (row.status !== 'finalized') fail('invalid_state', `Invoice ${row.number ?? row.id} is ${row.status}.`, { invoice: row.id });
    const outstanding = this.outstanding(row);
    if (outstanding === 0n) return row;
    const customer = this.customers.byInternalId(row.customer_id);
    const { books } = this.ctx;
    const ws = books.wallet(customer.id, row.currency);
    const free = this.freeCredit(customer.id, row.currency);
    const amount = free < outstanding ? free : outstanding;
    if (amount <= 0n) fail('insufficient_funds', `${customer.external_id} has no free prepaid ${row.currency} credit to settle ${row.number}.`, { available: '0', asset: row.currency });
    // Draw from lots only (never onto the receivable itself): a consume whose counter is the receivable.
    consume(books, ws, amount, ws.receivable, { kind: 'credit_applied', ref: `invoice:${row.id}` }, { now: this.ctx.now(), stack: false });
    const now = this.ctx.now();
    this.ctx.store.insertPayment({ id: newId('pay', now), invoice_id: row.id, amount, paid_at: now, method: 'prepaid_credit', reference: null, created_at: now });
    const next = { ...row, amount_paid: row.amount_paid + amount, updated_at: now };
    this.ctx.store.updateInvoice(next);
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: row.currency });
    return next;
  }

  // ---------------------------------------------------------------- reads
  /** `outstanding`: when the caller has it already (it reads the customer's debt and invoices). */
  statusOf(row: InvoiceRow, outstanding?: bigint): z.output<typeof Invoice>['status'] {
    if (row.status === 'draft') return 'draft';
    if (row.status === 'void') return 'void';
    if (isClosed(row)) return 'closed';
    outstanding ??= this.outstanding(row);
    if (outstanding === 0n) return 'paid';
    if (row.due_at !== null && this.ctx.now() > row.due_at) return 'overdue';
    return row.amount_paid > 0n ? 'partially_paid' : 'open';
  }

  list(q: { customer?: string; status?: string; limit?: number; cursor?: string; from?: string | number; to?: string | number; order?: 'asc' | 'desc' }) {
    const limit = q.limit ?? 50;
    const customerId = q.customer ? this.customers.require(q.customer).id : null;
    const storeStatus = q.status === 'draft' || q.status === 'void' ? q.status : q.status ? 'finalized' : null;
    const rows = this.ctx.store.listInvoices({ customerId, status: storeStatus, after: decodeCursor(q.cursor), limit: limit + 1, desc: q.order === 'desc' });
    // The period: issued (drafts: created) in [from, to), the rule the invoice export uses.
    const from = parseTimestampField(q.from, 'from', this.ctx.now());
    const to = parseTimestampField(q.to, 'to', this.ctx.now());
    const inPeriod = (r: InvoiceRow) => {
      const at = r.finalized_at ?? r.created_at;
      return (from === null || at >= from) && (to === null || at < to);
    };
    // Filtered within the page the cursor covers (a short page may still have a next one).
    const page = rows.slice(0, limit).filter((r) => (!q.status || storeStatus !== 'finalized' || this.statusOf(r) === q.status) && inPeriod(r));
    return { data: page.map((r) => this.toApi(r)), next_cursor: rows.length > limit ? encodeCursor(rows[limit - 1]!.id) : null };
  }

  /**
   * The invoice the customer's current period would bring if it ended as planned and nothing more
   * were used: usage so far, the fixed fee in arrears, time-based charges at their current level
   * until the period's end, the minimum commitment's true-up and coupons. It closes the live
   * segment for real and reads the statement; the caller runs it inside an operation that is then
   * rolled back (see `whatIf`), so the preview is priced by the very code that prices the invoice
   * and writes nothing.
   */
  previewByClosing(customer: CustomerRow): z.output<typeof Invoice> {
    const sub = this.subscriptions.liveOf(customer.id);
    const now = this.ctx.now();
    if (!sub || sub.started_at > now) fail('invalid_state', `${customer.external_id} has no active subscription to preview.`, { customer: customer.external_id });
    const period = this.subscriptions.periodOf(sub, customer, now);
    const live = this.billing.segmentFor(sub, customer, now);
    this.billing.close(sub, customer, live, live.end_at, 'period_end', { draftInvoice: false });
    const fake = draftRow({
      id: 'preview',
      customer_id: customer.id,
      subscription_id: sub.id,
      period_start: period.startMs,
      period_end: period.endMs,
      currency: this.currencyOf(customer),
      grace_until: null,
      created_at: now,
    });
    return this.toApi(fake);
  }

  /** The document of an invoice: frozen for finalized ones, computed now for drafts. */
  documentOf(row: InvoiceRow): DocumentModel {
    if (row.document) return (JSON.parse(row.document) as StoredDocument).model;
    const customer = this.customers.byInternalId(row.customer_id);
    const { statement, taxes, taxNote } = this.compute(row, customer);
    const tax = taxes.reduce((a, t) => a + t.amount, 0n);
    const s = this.settings.get();
    const total = statement.subtotal + statement.discounts + (s.tax_inclusive ? 0n : tax);
    return this.documentModel({ ...row, subtotal: statement.subtotal, discounts: statement.discounts, tax, total, ...this.draftFunding(row, statement, total) }, customer, statement, taxes, taxNote);
  }

  /**
   * A draft's split so far: what the wallet has already paid for the period's charges (prepaid
   * usage is debited as it happens), with what was booked as debt and repaid from credit since
   * (`stillOwed`), and the rest, which finalization posts (tax from credit first for a prepaid
   * customer, so amount due may still fall). Finalization reads the same transfers.
   */
  private draftFunding(row: InvoiceRow, statement: Statement, total: bigint): { credits_applied: bigint; amount_due: bigint } {
    if (row.replaces_id || !row.subscription_id) return { credits_applied: 0n, amount_due: total };
    const funding = this.ctx.store.periodFunding(statement.segments.map((x) => x.id), row.customer_id, row.currency);
    const repaid = funding.toReceivable - this.stillOwed(row.customer_id, row.currency, funding.toReceivable, new Set(statement.segments.map((x) => x.id)));
    const paid = funding.fromCredit + repaid;
    return { credits_applied: paid, amount_due: total - paid };
  }

  private documentModel(row: InvoiceRow, customer: CustomerRow, statement: Statement, taxes: TaxRow[], taxNote: string | null): DocumentModel {
    const s = this.settings.get();
    const tz = this.tzOf(customer);
    const asset = this.assets.find(row.currency);
    const seller: Party = { legalName: s.company.legal_name, address: s.company.address, country: s.company.country, taxId: s.company.tax_id, email: s.company.email, logoSvg: s.company.logo_svg };
    const buyer: Party = {
      legalName: customer.legal_name ?? customer.name ?? customer.external_id,
      address: JSON.parse(customer.address) as string[],
      country: customer.country,
      taxId: customer.tax_id,
      email: (JSON.parse(customer.invoice_emails) as string[])[0] ?? customer.email,
    };
    const terms = customer.payment_terms_days ?? s.payment_terms_days;
    return {
      kind: 'invoice',
      number: row.number ?? 'DRAFT',
      issueDate: row.issue_date ?? dateIn(this.ctx.now(), tz),
      dueDate: row.due_at !== null ? dateIn(row.due_at, tz) : null,
      supplyPeriod: row.period_start !== null && row.period_end !== null ? { start: dateIn(row.period_start, tz), end: dateIn(row.period_end - 1, tz) } : null,
      language: customer.language ?? 'en',
      seller,
      buyer,
      currency: { code: row.currency, scale: asset?.scale ?? 2 },
      lines: statement.lines.map(({ id: _id, asset: _a, taxable: _t, ...line }): DocumentLine => line),
      subtotal: statement.subtotal.toString(),
      // The coupon lines again as one totals row, so the subtotal (before coupons) and the tax base
      // (after them) read as arithmetic: $500.00, discounts ($50.00), tax 20% on $450.00.
      discounts: statement.discounts !== 0n ? [{ label: labelsFor(customer.language ?? 'en').discounts, amount: statement.discounts.toString() }] : [],
      taxes: taxes.map((t) => ({ label: t.label, rate: t.rate, base: t.base.toString(), amount: t.amount.toString() })),
      total: row.total.toString(),
      creditsApplied: row.credits_applied.toString(),
      amountDue: row.amount_due.toString(),
      paymentTerms: terms === 0 ? 'Due on receipt.' : `Due within ${terms} days.`,
      taxNote,
      notes: row.replaces_id ? [`This invoice replaces ${this.require(row.replaces_id).number}.`] : [],
      references: row.replaces_id ? [{ label: 'Replaces', number: this.require(row.replaces_id).number ?? '' }] : [],
      reason: null,
      status: row.status === 'draft' ? 'draft' : null,
    };
  }

  /** The invoice as the API shows it; an answer to a replay (a row marked replayed) stays one. */
  toApi(row: InvoiceRow): z.output<typeof Invoice> {
    const out = this.present(row);
    return isReplayed(row) ? markReplayed(out) : out;
  }

  private present(row: InvoiceRow): z.output<typeof Invoice> {
    const customer = this.customers.byInternalId(row.customer_id);
    let lines: StatementLine[];
    let taxes: { label: string; rate: string; base: string; amount: string }[];
    let taxNote: string | null;
    let subtotal = row.subtotal;
    let discounts = row.discounts;
    let tax = row.tax;
    let total = row.total;
    let creditsApplied = row.credits_applied;
    let amountDue = row.amount_due;
    if (row.document) {
      const doc = JSON.parse(row.document) as StoredDocument;
      lines = doc.lines;
      taxes = doc.taxes;
      taxNote = doc.taxNote;
    } else {
      const c = this.compute(row, customer);
      lines = c.statement.lines;
      taxes = c.taxes.map((t) => ({ label: t.label, rate: t.rate, base: t.base.toString(), amount: t.amount.toString() }));
      taxNote = c.taxNote;
      subtotal = c.statement.subtotal;
      discounts = c.statement.discounts;
      tax = c.taxes.reduce((a, t) => a + t.amount, 0n);
      total = subtotal + discounts + (this.settings.get().tax_inclusive ? 0n : tax);
      ({ credits_applied: creditsApplied, amount_due: amountDue } = this.draftFunding(row, c.statement, total));
    }
    const notes = row.id === 'preview' ? [] : this.ctx.store.listCreditNotes(row.id);
    const creditedByLine = new Map<string, bigint>();
    for (const n of notes) for (const l of JSON.parse(n.lines) as { line_id: string; amount: string }[]) creditedByLine.set(l.line_id, (creditedByLine.get(l.line_id) ?? 0n) + BigInt(l.amount));
    // Read once: it walks the customer's debt, open invoices and uninvoiced periods.
    const outstanding = row.status === 'finalized' ? this.outstanding(row) : 0n;
    // What credit notes took off the amount owed (the rest of `credited` went back to credit or is refunded).
    const creditedToReceivable = notes.reduce((a, n) => a + n.to_receivable, 0n);
    // What the invoice was owed after its payments and credit notes, less what is outstanding: the
    // credit that repaid it since it was finalized (the debt pool's oldest-first rule, `receivable`).
    const owedAfter = row.amount_due - row.amount_paid - creditedToReceivable;
    const repaidFromCredit = row.status === 'finalized' && owedAfter > outstanding ? owedAfter - outstanding : 0n;
    const status = this.statusOf(row, outstanding);
    const actions: z.output<typeof Invoice>['allowed_actions'] = isClosed(row) ? [] : ['download_pdf'];
    if (row.status === 'draft' && row.id !== 'preview') actions.push('finalize');
    if (row.status === 'finalized' && !isClosed(row)) {
      if (row.amount_paid === 0n && row.credits_applied === 0n && row.credited === 0n) actions.push('void');
      if (outstanding > 0n) {
        actions.push('record_payment');
        if (this.freeCredit(row.customer_id, row.currency) > 0n) actions.push('settle_from_credit');
      }
      if (row.credited < row.total) actions.push('create_credit_note');
    }
    if (row.status === 'void') actions.push('reissue');
    return {
      id: row.id,
      number: row.number,
      customer: customer.external_id,
      subscription: row.subscription_id,
      status,
      period: row.period_start !== null && row.period_end !== null ? { start: iso(row.period_start), end: iso(row.period_end) } : null,
      currency: row.currency,
      lines: lines.map((l) => ({
        id: l.id,
        kind: l.kind,
        description: l.description,
        period: l.period,
        quantity: l.quantity,
        unit: l.unit,
        unit_price: l.unitPrice,
        amount: l.amount,
        informational: l.informational,
        tiers: l.tiers.map((t) => ({ label: t.label, units: t.units, unit_price: t.unitPrice, flat_fee: t.flatFee, amount: t.amount })),
        credited: (creditedByLine.get(l.id) ?? 0n).toString(),
      })),
      subtotal: subtotal.toString(),
      discounts: discounts.toString(),
      taxes,
      tax: tax.toString(),
      total: total.toString(),
      credits_applied: creditsApplied.toString(),
      amount_due: amountDue.toString(),
      amount_paid: row.amount_paid.toString(),
      amount_outstanding: outstanding.toString(),
      repaid_from_credit: repaidFromCredit.toString(),
      credited: row.credited.toString(),
      credited_to_receivable: creditedToReceivable.toString(),
      tax_note: taxNote,
      issue_date: row.issue_date,
      due_at: isoOrNull(row.due_at),
      grace_until: isoOrNull(row.grace_until),
      finalized_at: isoOrNull(row.finalized_at),
      voided_at: isoOrNull(row.voided_at),
      void_reason: row.void_reason,
      replaces: row.replaces_id,
      pdf_sha256: row.pdf_sha256,
      payments: row.id === 'preview' ? [] : this.ctx.store.listPayments(row.id).map((p) => ({ id: p.id, amount: p.amount.toString(), paid_at: iso(p.paid_at), method: p.method, reference: p.reference })),
      credit_notes: notes.map((n) => ({ id: n.id, number: n.number, total: n.total.toString(), reason: n.reason, settlement: n.settlement as 'credit' | 'refund', created_at: iso(n.created_at) })),
      allowed_actions: actions,
      created_at: iso(row.created_at),
    };
  }
}

function sumLines(lines: StatementLine[], coupons: boolean): bigint {
  let s = 0n;
  for (const l of lines) if (!l.informational && (l.kind === 'coupon') === coupons) s += BigInt(l.amount);
  return s;
}

/**
 * A finalized invoice without a number: closed at finalization with nothing to bill, under
 * `finalize_zero_amount_invoices: false`. It has no PDF and takes no payment, void or credit note.
 */
export function isClosed(row: Pick<InvoiceRow, 'status' | 'number'>): boolean {
  return row.status === 'finalized' && row.number === null;
}

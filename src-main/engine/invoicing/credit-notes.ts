import type { z } from 'zod';
import type { CreateCreditNote, CreditNote } from '../../../shared/contract/invoicing';
import type { DocumentModel } from '../../documents/model';
import type { InvoiceRow } from '../../storage/store';
import type { EngineContext } from '../context';
import type { Customers } from '../customers';
import { fail } from '../errors';
import { iso, moneyText } from '../format';
import { newId } from '../ids';
import { withIdempotency } from '../idempotency';
import { giveBack } from '../ledger/wallet-ops';
import type { Settings } from '../settings';
import type { Invoices } from './invoices';

const REASONS: Record<z.output<typeof CreateCreditNote>['reason'], string> = {
  duplicated_charge: 'Duplicated charge',
  product_unsatisfactory: 'Product unsatisfactory',
  order_change: 'Order change',
  order_cancellation: 'Cancellation',
  fraudulent_charge: 'Fraudulent charge',
  other: 'Other',
};

/**
 * Credit notes against a finalized invoice, whole or per line, never more than was invoiced for a
 * line. Settled as credit (the money goes back the way it came, last in first out: to the lots that
 * paid, or off the amount still owed) or as a refund to be paid outside Tollgate. The tax of the
 * credited amount comes back with it, at the invoice's rate.
 */
export class CreditNotes {
  /** Told (inside the operation) when a credit note is created, with the customer and asset (the invoice's currency) it concerns. */
  onCreated: ((note: z.output<typeof CreditNote>, about: { customer: string; asset: string }) => void) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly invoices: Invoices,
    private readonly settings: Settings,
  ) {}

  create(input: z.output<typeof CreateCreditNote>): z.output<typeof CreditNote> {
    const invoice = this.invoices.require(input.id);
    return withIdempotency(
      this.ctx,
      `credit_note:${invoice.id}`,
      input.idempotency_key,
      { ...input, idempotency_key: undefined },
      () => {
        const note = this.issue(invoice, input);
        return { id: note.id, body: note };
      },
      (id) => this.get(invoice.id, id),
    );
  }

  private issue(invoice: InvoiceRow, input: z.output<typeof CreateCreditNote>): z.output<typeof CreditNote> {
    if (invoice.status !== 'finalized') fail('invalid_state', `Invoice ${invoice.number ?? invoice.id} is ${invoice.status}; credit notes go against finalized invoices.`, { invoice: invoice.id });
    const api = this.invoices.toApi(invoice);
    const byId = new Map(api.lines.map((l) => [l.id, l]));
    const requested = input.lines ?? api.lines.filter((l) => !l.informational && l.kind !== 'coupon' && BigInt(l.amount) - BigInt(l.credited) > 0n).map((l) => ({ line_id: l.id, amount: BigInt(l.amount) - BigInt(l.credited) }));
    if (!requested.length) fail('invalid_state', `Nothing is left to credit on ${invoice.number}.`, { invoice: invoice.number });
    // Messages state amounts as money at the invoice currency's scale; `details` keep minor units.
    const money = (v: bigint | string) => moneyText(v, invoice.currency, this.ctx.store.getAsset(invoice.currency)?.scale);
    const lines: { line_id: string; description: string; amount: bigint }[] = [];
    for (const [i, r] of requested.entries()) {
      const line = byId.get(r.line_id);
      if (!line || line.informational || line.kind === 'coupon') fail('validation_failed', `lines[${i}]: ${r.line_id} is not a line of ${invoice.number} that can be credited.`, { issues: [{ path: ['lines', i, 'line_id'], message: 'unknown line' }] });
      const left = BigInt(line.amount) - BigInt(line.credited) - lines.filter((x) => x.line_id === r.line_id).reduce((s, x) => s + x.amount, 0n);
      if (r.amount > left) fail('validation_failed', `lines[${i}]: at most ${money(left)} is left to credit on "${line.description}" (${money(r.amount)} asked).`, { issues: [{ path: ['lines', i, 'amount'], message: `at most ${left}` }], asset: invoice.currency, left: left.toString(), requested: r.amount.toString() });
      lines.push({ line_id: r.line_id, description: line.description, amount: r.amount });
    }
    const s = this.settings.get();
    const subtotal = lines.reduce((a, l) => a + l.amount, 0n);
    // The tax comes back at the invoice's effective rate: its tax scaled by the credited share of its taxable base.
    const taxBase = api.taxes.reduce((a, t) => a + BigInt(t.base), 0n);
    const tax = taxBase > 0n ? (BigInt(api.tax) * subtotal * 2n + taxBase) / (2n * taxBase) : 0n;
    const total = subtotal + (s.tax_inclusive ? 0n : tax);
    if (BigInt(api.credited) + total > BigInt(api.total)) fail('validation_failed', `Credit notes on ${invoice.number} may not exceed its total ${money(api.total)}.`, { issues: [{ path: ['lines'], message: 'more than invoiced' }], asset: invoice.currency, total: api.total, credited: api.credited, requested: total.toString() });

    const customer = this.customers.byInternalId(invoice.customer_id);
    const { books } = this.ctx;
    const now = this.ctx.now();
    const id = newId('cn', now);
    const ref = `credit_note:${id}`;
    const revenue = books.systemAccount(invoice.currency, 'revenue');
    const taxAccount = books.systemAccount(invoice.currency, 'tax');
    const revenuePart = s.tax_inclusive ? subtotal - tax : subtotal;
    let toReceivable = 0n;
    if (input.settlement === 'credit') {
      const ws = books.wallet(customer.id, invoice.currency);
      const a = giveBack(books, ws, revenuePart, revenue, { kind: 'credit_note', ref }, now);
      const b = tax > 0n ? giveBack(books, ws, tax, taxAccount, { kind: 'credit_note', ref }, now) : { toDebt: 0n };
      toReceivable = a.toDebt + b.toDebt;
      this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: invoice.currency });
    } else {
      const refunds = books.systemAccount(invoice.currency, 'refunds');
      if (revenuePart > 0n) books.post(revenue, refunds, revenuePart, 0, { kind: 'credit_note', ref });
      if (tax > 0n) books.post(taxAccount, refunds, tax, 0, { kind: 'credit_note', ref });
    }
    // Numbered per invoice, from a sequence kept beside the database too (a restore never repeats one).
    const seq = this.invoices.numbers.next(`credit_note_seq:${invoice.number}`);
    const number = `${invoice.number}-CN${String(seq).padStart(2, '0')}`;
    const base = this.invoices.documentOf(invoice);
    const model: DocumentModel = {
      ...base,
      kind: 'credit_note',
      number,
      issueDate: new Date(now).toISOString().slice(0, 10),
      dueDate: null,
      lines: lines.map((l) => ({ kind: 'credit', description: l.description, period: null, quantity: null, unit: null, unitPrice: null, amount: l.amount.toString(), tiers: [], informational: false })),
      subtotal: subtotal.toString(),
      discounts: [],
      taxes: tax > 0n ? api.taxes.map((t) => ({ label: t.label, rate: t.rate, base: subtotal.toString(), amount: tax.toString() })).slice(0, 1) : [],
      total: total.toString(),
      creditsApplied: '0',
      amountDue: '0', // nothing is due on a credit note: its total is what is credited (or refunded)
      paymentTerms: input.settlement === 'credit' ? 'Credited to your account.' : 'To be refunded.',
      notes: input.description ? [input.description] : [],
      references: [{ label: 'Invoice', number: invoice.number ?? '' }],
      reason: REASONS[input.reason],
      status: null,
    };
    this.ctx.store.insertCreditNote({
      id,
      number,
      invoice_id: invoice.id,
      reason: input.reason,
      settlement: input.settlement,
      lines: JSON.stringify(lines.map((l) => ({ line_id: l.line_id, description: l.description, amount: l.amount.toString() }))),
      subtotal,
      tax,
      total,
      to_receivable: toReceivable,
      document: JSON.stringify({ model }),
      created_at: now,
    });
    this.ctx.store.updateInvoice({ ...invoice, credited: invoice.credited + total, updated_at: now });
    this.ctx.emit({ type: 'invoice', customer: customer.external_id, id: invoice.id, data: { credit_note: number } });
    const out = this.get(invoice.id, id);
    this.onCreated?.(out, { customer: customer.external_id, asset: invoice.currency });
    return out;
  }

  get(invoiceId: string, id: string): z.output<typeof CreditNote> {
    const n = this.ctx.store.listCreditNotes(invoiceId).find((x) => x.id === id) ?? fail('not_found', `No credit note ${id}.`, { credit_note: id });
    const invoice = this.invoices.require(invoiceId);
    return {
      id: n.id,
      number: n.number,
      invoice: invoice.number ?? invoice.id,
      reason: n.reason as z.output<typeof CreditNote>['reason'],
      settlement: n.settlement as 'credit' | 'refund',
      lines: JSON.parse(n.lines) as { line_id: string; description: string; amount: string }[],
      subtotal: n.subtotal.toString(),
      tax: n.tax.toString(),
      total: n.total.toString(),
      pdf_sha256: n.pdf_sha256,
      created_at: iso(n.created_at),
    };
  }
}

import { z } from 'zod';
import { AmountOut, AssetCode, ExternalId, IdempotencyKey, IsoTime, PageQuery, PositiveAmount, Timestamp } from './common';

export const InvoiceStatus = z.enum(['draft', 'open', 'partially_paid', 'paid', 'overdue', 'void', 'closed']);
export const InvoiceAction = z.enum(['finalize', 'void', 'reissue', 'record_payment', 'settle_from_credit', 'create_credit_note', 'download_pdf']);

export const InvoiceLine = z.object({
  id: z.string(),
  kind: z.string(),
  description: z.string(),
  period: z.string().nullable(),
  quantity: z.string().nullable(),
  unit: z.string().nullable(),
  unit_price: z.string().nullable(),
  amount: AmountOut,
  informational: z.boolean().meta({ description: 'Custom-asset usage (tokens, GPU hours) shown for information; not part of the money totals. That usage was debited from the customer\'s wallet in that asset when it happened: invoices bill money only. A customer who goes below zero in a custom asset (an overdraft, or postpaid) owes it in that asset, shown as the wallet\'s `debt`, and repays it with a top-up of that asset (which can be priced in money).' }),
  tiers: z.array(z.object({ label: z.string(), units: z.string(), unit_price: z.string(), flat_fee: AmountOut, amount: AmountOut })),
  credited: AmountOut.meta({ description: 'Already credited by credit notes.' }),
});

export const Payment = z.object({ id: z.string(), amount: AmountOut, paid_at: IsoTime, method: z.string(), reference: z.string().nullable() });

export const Invoice = z.object({
  id: z.string(),
  number: z.string().nullable().meta({ description: 'Assigned at finalization, without gaps: PREFIX-YYYY-000123.' }),
  customer: z.string(),
  subscription: z.string().nullable(),
  status: InvoiceStatus,
  period: z.object({ start: IsoTime, end: IsoTime }).nullable(),
  currency: z.string(),
  lines: z.array(InvoiceLine),
  subtotal: AmountOut,
  discounts: AmountOut,
  taxes: z.array(z.object({ label: z.string(), rate: z.string(), base: AmountOut, amount: AmountOut })),
  tax: AmountOut,
  total: AmountOut.meta({ description: 'subtotal + discounts + tax (tax-exclusive) — equals the net of the period\'s transfers.' }),
  credits_applied: AmountOut.meta({ description: 'Paid from credit by the time the invoice was finalized: what the wallet paid as usage and fees were charged (a prepaid customer\'s, so a draft already shows them here), debt of the period repaid from credit before finalization, and the free credit applied at finalization (both billing modes: lots neither expired nor reserved by a pending authorization, in consumption order, up to what is still owed; older finalized invoices still owed are repaid from it first). Fixed at finalization.' }),
  amount_due: AmountOut.meta({ description: 'total - credits_applied: what is owed beyond credit (the receivable), fixed at finalization. On a draft, what finalization has still to post before credit is applied: a prepaid customer\'s tax is taken from credit first, and free credit is applied at finalization, so it may fall.' }),
  amount_paid: AmountOut.meta({ description: 'Payments recorded against amount_due (`settle-from-credit` records one, method `prepaid_credit`).' }),
  amount_outstanding: AmountOut.meta({ description: 'Still owed on a finalized invoice, exactly amount_due - amount_paid - credited_to_receivable - repaid_from_credit (never more than the customer\'s debt). Always 0 on a draft (nothing is owed before finalization) and on a void invoice.' }),
  repaid_from_credit: AmountOut.meta({ description: 'Credit that repaid this invoice after it was finalized without naming it: credit arriving while the customer owes (a top-up, a grant, a positive adjustment) repays the debt first, and free credit applied when a later invoice is finalized repays the older invoices first; either pays the oldest invoice first. Not a payment and not in credits_applied. 0 on a draft and on a void invoice.' }),
  credited: AmountOut.meta({ description: 'Total of the credit notes (settled as credit or as refund).' }),
  credited_to_receivable: AmountOut.meta({ description: 'The part of `credited` that credit notes settled as credit took off the amount owed; the rest went back to the credit lots that paid, or is refunded.' }),
  tax_note: z.string().nullable(),
  issue_date: z.string().nullable(),
  due_at: IsoTime.nullable(),
  grace_until: IsoTime.nullable().meta({ description: 'Drafts: late events are priced into the period until then; finalized automatically after. The grace period (`grace_period_hours`) counts from when the period was closed: its end, or later when it was closed later (a billing run catching up after the app was off, a subscription started in the past), so events spooled during the outage still count. A reissued invoice counts from its reissue.' }),
  finalized_at: IsoTime.nullable(),
  voided_at: IsoTime.nullable(),
  void_reason: z.string().nullable(),
  replaces: z.string().nullable(),
  pdf_sha256: z.string().nullable().meta({ description: 'SHA-256 of the issued PDF. Its content is frozen at finalization; the file itself is rendered just after, in the background, so this is null in the finalize answer and for a moment after. `GET /v1/invoices/{id}/pdf` returns it (rendering it then if need be).' }),
  payments: z.array(Payment),
  credit_notes: z.array(z.object({ id: z.string(), number: z.string(), total: AmountOut, reason: z.string(), settlement: z.enum(['credit', 'refund']), created_at: IsoTime })),
  allowed_actions: z.array(InvoiceAction),
  created_at: IsoTime,
});

export const ListInvoices = z.strictObject({
  ...PageQuery,
  customer: ExternalId.optional(),
  status: InvoiceStatus.optional(),
  from: Timestamp.optional().meta({ description: 'Invoices issued at or after (drafts: created); the same rule as the invoice export.' }),
  to: Timestamp.optional().meta({ description: 'Invoices issued before (drafts: created).' }),
  order: z.enum(['asc', 'desc']).optional().meta({ description: '`asc` (default): oldest first; `desc`: newest first.' }),
});
export const InvoiceRef = z.strictObject({ id: z.string().max(64).meta({ description: 'Invoice id or number.' }) });
export const VoidInvoice = z.strictObject({ id: z.string().max(64), reason: z.string().min(1).max(500) });
export const RecordPayment = z.strictObject({
  id: z.string().max(64),
  amount: PositiveAmount,
  paid_at: Timestamp.optional().meta({ description: 'When the payment was received (default: now). Not in the future: more than 5 minutes ahead of the server\'s clock (the tolerance events get) is refused, 422 `validation_failed` naming `paid_at`.' }),
  method: z.string().min(1).max(50).meta({ description: 'bank_transfer, card, cash, ...' }),
  reference: z.string().max(200).optional(),
  idempotency_key: IdempotencyKey.optional(),
});
export const CreditNoteReason = z.enum(['duplicated_charge', 'product_unsatisfactory', 'order_change', 'order_cancellation', 'fraudulent_charge', 'other']);
export const CreateCreditNote = z.strictObject({
  id: z.string().max(64),
  reason: CreditNoteReason,
  description: z.string().max(500).optional(),
  settlement: z.enum(['credit', 'refund']).meta({ description: '`credit`: back to the lots that paid for this invoice (most recent first) or off the amount owed; `refund`: money to pay back outside Tollgate.' }),
  lines: z.array(z.strictObject({ line_id: z.string(), amount: PositiveAmount })).max(500).optional().meta({ description: 'Per line, at most what is left of it; default: every line in full (the whole invoice).' }),
  idempotency_key: IdempotencyKey.optional(),
});
export const CreditNote = z.object({
  id: z.string(),
  number: z.string(),
  invoice: z.string(),
  reason: CreditNoteReason,
  settlement: z.enum(['credit', 'refund']),
  lines: z.array(z.object({ line_id: z.string(), description: z.string(), amount: AmountOut })),
  subtotal: AmountOut.meta({ description: 'The credited line amounts, before the coupons that discounted those lines on the invoice.' }),
  discounts: AmountOut.meta({ description: 'The coupons\' share of the credited lines, negative or zero (as on the invoice): what the lines are worth is subtotal + discounts.' }),
  tax: AmountOut,
  total: AmountOut.meta({ description: 'subtotal + discounts + tax (tax-exclusive prices); subtotal + discounts under tax-inclusive prices (the tax is inside). What is credited or refunded.' }),
  pdf_sha256: z.string().nullable().meta({ description: 'Set once the PDF is rendered, just after the note is created.' }),
  created_at: IsoTime,
});
export const CreateBillingRun = z.strictObject({ customer: ExternalId.optional().meta({ description: 'One customer, or everyone when absent.' }) });
export const BillingRun = z.object({
  id: z.string(),
  customer: z.string().nullable(),
  status: z.enum(['running', 'done', 'failed']),
  subscriptions: z.number().int(),
  processed: z.number().int(),
  invoices_finalized: z.number().int(),
  documents_rendered: z.number().int(),
  error: z.string().nullable(),
  started_at: IsoTime,
  finished_at: IsoTime.nullable(),
});
export const BillingRunRef = z.strictObject({ id: z.string().max(64) });
export const DocumentFile = z.object({ filename: z.string(), content_type: z.string(), sha256: z.string(), base64: z.string() });
export const Receipt = z.object({
  id: z.string(),
  number: z.string(),
  top_up: z.string(),
  customer: z.string(),
  currency: z.string(),
  net: AmountOut,
  tax: AmountOut,
  total: AmountOut,
  tax_returned: AmountOut.meta({ description: 'Of `tax`, what refunds and a chargeback of the top-up have given back since (in proportion to what went back: all of it once the whole top-up has). The receipt itself is not changed.' }),
  pdf_sha256: z.string().nullable(),
  created_at: IsoTime,
});
export const ExportInvoices = z.strictObject({
  from: Timestamp.optional().meta({ description: 'Invoices issued at or after (default: all).' }),
  to: Timestamp.optional(),
  status: InvoiceStatus.optional(),
  formats: z.array(z.enum(['pdf', 'csv', 'json'])).min(1).max(3),
  folder: z.string().max(1000).optional().meta({ description: 'Where to write (default: <data dir>/exports/<timestamp>).' }),
});
export const ExportResult = z.object({ folder: z.string(), invoices: z.number().int(), files: z.array(z.string()) });

// ------------------------------------------------------------------ receivables aging
export const ReceivablesAgingQuery = z.strictObject({
  currency: AssetCode.optional().meta({ description: 'Only this currency (default: every currency someone owes in).' }),
  customer: ExternalId.optional().meta({ description: 'Only this customer.' }),
  limit: z.coerce.number().int().min(1).max(1000).optional().meta({ description: 'How many customer rows, 1-1000 (default 100), most overdue first. The per-currency totals always cover everyone.' }),
});
/**
 * What is owed, by how long past its due date. An invoice's part goes to one bucket by whole days
 * past `due_at` at `as_of` (a second past due is day 1); amounts are what `amount_outstanding` says.
 */
const agingBuckets = {
  not_due: AmountOut.meta({ description: 'Owed on finalized invoices not yet due (or with no due date).' }),
  days_1_30: AmountOut.meta({ description: 'Owed on invoices 1 to 30 days past due.' }),
  days_31_60: AmountOut,
  days_61_90: AmountOut,
  days_over_90: AmountOut.meta({ description: 'Owed on invoices more than 90 days past due.' }),
  overdue: AmountOut.meta({ description: 'days_1_30 + days_31_60 + days_61_90 + days_over_90.' }),
  uninvoiced: AmountOut.meta({ description: 'Debt no finalized invoice states yet: postpaid usage of the current period and of draft invoices. Not aged.' }),
  total: AmountOut.meta({ description: 'not_due + overdue + uninvoiced: the whole receivable (the customer\'s debt).' }),
};
export const ReceivablesAging = z.object({
  as_of: IsoTime,
  currencies: z.array(z.object({ currency: z.string(), customers: z.number().int().meta({ description: 'Customers owing in this currency.' }), ...agingBuckets })).meta({ description: 'One row per currency owed in; amounts in its minor units. Never added across currencies.' }),
  customers: z.array(
    z.object({
      customer: z.string(),
      name: z.string().nullable(),
      currency: z.string(),
      ...agingBuckets,
      invoices: z.number().int().meta({ description: 'Finalized invoices with something outstanding.' }),
      oldest_due_at: IsoTime.nullable().meta({ description: 'Due date of the oldest invoice still owed (null: none has one).' }),
    }),
  ).meta({ description: 'One row per customer and currency, most overdue first (then most owed).' }),
  customers_total: z.number().int().meta({ description: 'How many customer rows there are before `limit`.' }),
});

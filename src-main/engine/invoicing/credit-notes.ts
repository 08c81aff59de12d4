import type { z } from 'zod';
import { roundQuotient } from '../../../shared/decimal';
import type { CreateCreditNote, CreditNote } from '../../../shared/contract/invoicing';
import type { DocumentModel } from '../../documents/model';
import type { AccountRow, InvoiceRow } from '../../storage/store';
import type { EngineContext } from '../context';
import type { Customers } from '../customers';
import { fail } from '../errors';
import { iso, moneyText } from '../format';
import { newId } from '../ids';
import { withIdempotency } from '../idempotency';
import { labelsFor } from '../../documents/labels';
import type { StatementLine } from './statement';
import { type Books, POSTED, type TransferMeta, type WalletState } from '../ledger/books';
import { giveBack } from '../ledger/wallet-ops';
import { taxOn } from './tax';
import type { Settings } from '../settings';
import { type Invoices, isClosed } from './invoices';

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
 * line. A line is credited net of its share of the coupons on it; the tax of a note is the tax of
 * everything credited so far (the cumulative base, rounded by the invoice's rule, see `taxPlan`)
 * less the tax earlier notes credited, so notes together never give back more than the invoice's
 * subtotal, tax and total, and crediting every line gives back exactly those. Settled as credit
 * (the money goes back to the lots that paid for this invoice, most recent first, then off the
 * amount still owed or along the usage stack) or as a refund to be paid outside Tollgate.
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
    if (isClosed(invoice)) fail('invalid_state', `Invoice ${invoice.id} was closed with nothing to bill: there is nothing to credit.`, { invoice: invoice.id, status: 'closed' });
    const api = this.invoices.toApi(invoice);
    const byId = new Map(api.lines.map((l) => [l.id, l]));
    const requested = input.lines ?? api.lines.filter((l) => !l.informational && l.kind !== 'coupon' && BigInt(l.amount) - BigInt(l.credited) > 0n).map((l) => ({ line_id: l.id, amount: BigInt(l.amount) - BigInt(l.credited) }));
    if (!requested.length) fail('invalid_state', `Nothing is left to credit on ${invoice.number}.`, { invoice: invoice.number });
    // Messages state amounts as money at the invoice currency's scale; `details` keep minor units.
    const money_ = (v: bigint | string) => moneyText(v, invoice.currency, this.ctx.store.getAsset(invoice.currency)?.scale);
    const lines: { line_id: string; description: string; amount: bigint }[] = [];
    for (const [i, r] of requested.entries()) {
      const line = byId.get(r.line_id);
      if (!line || line.informational || line.kind === 'coupon') fail('validation_failed', `lines[${i}]: ${r.line_id} is not a line of ${invoice.number} that can be credited.`, { issues: [{ path: ['lines', i, 'line_id'], message: 'unknown line' }] });
      const left = BigInt(line.amount) - BigInt(line.credited) - lines.filter((x) => x.line_id === r.line_id).reduce((s, x) => s + x.amount, 0n);
      if (r.amount > left) fail('validation_failed', `lines[${i}]: at most ${money_(left)} is left to credit on "${line.description}" (${money_(r.amount)} asked).`, { issues: [{ path: ['lines', i, 'amount'], message: `at most ${left}` }], asset: invoice.currency, left: left.toString(), requested: r.amount.toString() });
      lines.push({ line_id: r.line_id, description: line.description, amount: r.amount });
    }
    const subtotal = lines.reduce((a, l) => a + l.amount, 0n);
    const requestedByLine = new Map<string, bigint>();
    for (const l of lines) requestedByLine.set(l.line_id, (requestedByLine.get(l.line_id) ?? 0n) + l.amount);
    const creditedBefore = new Map(api.lines.map((l) => [l.id, BigInt(l.credited)]));
    const creditedAfter = new Map(api.lines.map((l) => [l.id, BigInt(l.credited) + (requestedByLine.get(l.id) ?? 0n)]));
    const earlier = this.ctx.store.listCreditNotes(invoice.id);
    const plan = this.taxPlan(invoice);
    const before = plan.at(creditedBefore);
    const after = plan.at(creditedAfter);
    // What the lines credited so far are worth net of their coupons, and the tax of that cumulative
    // base by the invoice's rule, less what earlier notes credited: never more than the invoice.
    const money = after.money - before.money;
    const discounts = money - subtotal;
    const taxCredited = earlier.reduce((a, n) => a + n.tax, 0n);
    const taxTarget = after.tax < invoice.tax ? after.tax : invoice.tax;
    const tax = taxTarget > taxCredited ? taxTarget - taxCredited : 0n;
    const total = money + (plan.inclusive ? 0n : tax);
    if (BigInt(api.credited) + total > BigInt(api.total)) fail('validation_failed', `Credit notes on ${invoice.number} may not exceed its total ${money_(api.total)}.`, { issues: [{ path: ['lines'], message: 'more than invoiced' }], asset: invoice.currency, total: api.total, credited: api.credited, requested: total.toString() });

    const customer = this.customers.byInternalId(invoice.customer_id);
    const { books } = this.ctx;
    const now = this.ctx.now();
    const id = newId('cn', now);
    const ref = `credit_note:${id}`;
    const revenue = books.systemAccount(invoice.currency, 'revenue');
    const taxAccount = books.systemAccount(invoice.currency, 'tax');
    const revenuePart = plan.inclusive ? money - tax : money;
    let toReceivable = 0n;
    if (input.settlement === 'credit') {
      const ws = books.wallet(customer.id, invoice.currency);
      const meta = { kind: 'credit_note' as const, ref };
      // Back to the lots that paid for this invoice, most recent first; what they did not pay (the
      // part booked on the receivable) off the debt still owed, else to the lots that repaid debt
      // (most recent first), and only then (an invoice whose funding names no lot) last in first out
      // along the usage stack.
      const payers = this.lotsThatPaid(invoice, ws);
      for (const [amount, counter] of [[revenuePart, revenue], [tax, taxAccount]] as const) {
        let rest = amount;
        for (const p of payers) {
          if (rest <= 0n) break;
          const take = p.left < rest ? p.left : rest;
          if (take <= 0n) continue;
          returnToLot(books, ws, p.lotId, take, counter, meta, now);
          // The stacks still list this draw; taken off them, no later give-back (this note's rest
          // below, a reversal) can return it to the lot a second time.
          const offUsage = books.withdraw(ws, 'usage', p.lotId, take);
          if (offUsage < take) books.withdraw(ws, 'repayment', p.lotId, take - offUsage);
          p.left -= take;
          rest -= take;
        }
        if (rest > 0n) toReceivable += giveBack(books, ws, rest, counter, meta, now, { fromReceivable: true }).toDebt;
      }
      this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: invoice.currency });
    } else {
      // Only money the customer paid can go back as money: payments recorded on the invoice, credit
      // they bought that paid it (at finalization, or later by repaying its debt), less what earlier
      // notes refunded. Granted credit, and the part still owed, are settled as credit (which takes
      // the unpaid part off what is owed). Which lots repaid which invoice's debt is not kept, so
      // debt repaid from grants (ever, for this customer) is counted as not bought: on the safe side.
      const ws = books.wallet(customer.id, invoice.currency);
      const fromLots = this.lotsThatPaid(invoice, ws).reduce((sum, p) => (books.lot(ws, p.lotId).kind === 'paid' ? sum + p.left : sum), 0n);
      const repaid = BigInt(api.repaid_from_credit) - this.ctx.store.debtRepaidByGrants(customer.id, invoice.currency);
      const fromBoughtCredit = fromLots + (repaid > 0n ? repaid : 0n);
      const refunded = earlier.filter((n) => n.settlement === 'refund').reduce((sum, n) => sum + n.total, 0n);
      // A settlement from prepaid credit is recorded as a payment, but its money came from lots,
      // which `fromLots` counts by kind (a grant's share is not money).
      const paidInMoney = api.payments.reduce((sum, p) => (p.method === 'prepaid_credit' ? sum : sum + BigInt(p.amount)), 0n);
      const refundable = paidInMoney + fromBoughtCredit - refunded;
      if (total > refundable) {
        const most = refundable > 0n ? refundable : 0n;
        fail('amount_exceeds_refundable', `At most ${money_(most)} of ${invoice.number} can be refunded: ${money_(paidInMoney)} was paid on it and ${money_(fromBoughtCredit)} of bought credit paid it${refunded > 0n ? `, less ${money_(refunded)} refunded by earlier notes` : ''}; this note is ${money_(total)}. Settle the rest as credit (\`settlement: "credit"\`): it takes what is still owed off the invoice and returns granted credit to the wallet.`, {
          invoice: invoice.number,
          asset: invoice.currency,
          refundable: most.toString(),
          requested: total.toString(),
        });
      }
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
      discounts: discounts !== 0n ? [{ label: labelsFor(base.language).discounts, amount: discounts.toString() }] : [],
      taxes: tax > 0n ? noteTaxRows(api.taxes, before, after, money, tax) : [],
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

  /**
   * How credited line amounts turn into money and tax. Each creditable line is worth its amount less
   * its share of the coupons on it (a fee's and a minimum's own coupons; a segment's usage coupons
   * spread over its usage lines by amount, or over the lines of its metrics when it is limited to some); `c` of a line of amount `a` and net `n` is worth
   * round(c x n / a), so a line credited in full is worth exactly its net. The tax is that of the
   * cumulative base per rate, rounded as the invoice rounded it (`taxOn`, once per rate); when the
   * rates of today do not give the invoice's frozen tax rows back (a rate changed since), the
   * invoice's tax in proportion to the cumulative base, rounded half up.
   */
  private taxPlan(invoice: InvoiceRow): { inclusive: boolean; at: (credited: Map<string, bigint>) => Cumulative } {
    const doc = JSON.parse(invoice.document ?? '{"lines":[],"taxes":[]}') as { lines?: StatementLine[]; taxes?: { rate: string; base: string; amount: string }[] };
    const all = doc.lines ?? [];
    const frozenTaxes = doc.taxes ?? [];
    // Tax-inclusive prices: the total is the lines and coupons, tax inside (as the invoice was made).
    const inclusive = invoice.tax > 0n ? invoice.total === invoice.subtotal + invoice.discounts : this.settings.get().tax_inclusive;
    const creditable = all.filter((l) => !l.informational && l.kind !== 'coupon');
    const amountOf = new Map(creditable.map((l) => [l.id, BigInt(l.amount)]));
    const net = new Map(amountOf);
    // A usage coupon limited to metrics took its amount off those metrics' charges only
    // (`Coupons.discount`); coupons are never edited, so today's row says which they were.
    const metricsOfCoupon = (appliedId: string): string[] => {
      const code = this.ctx.store.getAppliedCouponCode(appliedId);
      const row = code ? this.ctx.store.getCoupon(code) : undefined;
      return row ? (JSON.parse(row.metrics) as string[]) : [];
    };
    const chargeMetric = (lineId: string): string | undefined => {
      const m = /^charge-\d+-(\d+)$/.exec(lineId);
      return m ? this.ctx.store.getChargeMetricCode(Number(m[1])) : undefined;
    };
    for (const c of all) {
      if (c.informational || c.kind !== 'coupon') continue;
      const m = /^coupon-(fee|minimum|usage)-(\d+)-(.+)$/.exec(c.id);
      const limitedTo = m?.[1] === 'usage' ? metricsOfCoupon(m[3]!) : [];
      const ownUsage = (l: StatementLine) => l.kind === 'usage' && l.id.startsWith(`charge-${m![2]}-`) && (!limitedTo.length || limitedTo.includes(chargeMetric(l.id) ?? ''));
      const own = (l: StatementLine) => (m ? (m[1] === 'fee' ? l.id === `fee-${m[2]}` : m[1] === 'minimum' ? l.id === `minimum-${m[2]}` : ownUsage(l)) : false);
      let group = creditable.filter((l) => own(l) && net.get(l.id)! > 0n);
      if (!group.length) group = creditable.filter((l) => net.get(l.id)! > 0n);
      spread(-BigInt(c.amount), group.map((l) => l.id), net);
    }
    const rates = this.invoices.lineTaxRates(invoice, all);
    const worth = (id: string, c: bigint): bigint => {
      const a = amountOf.get(id) ?? 0n;
      const n = net.get(id) ?? 0n;
      if (c >= a) return n;
      if (a <= 0n || c <= 0n) return 0n;
      return roundQuotient(c * n, a, 'half_up');
    };
    const basesAt = (credited: Map<string, bigint>): { money: bigint; bases: Map<string, bigint>; taxable: bigint } => {
      let money = 0n;
      let taxable = 0n;
      const bases = new Map<string, bigint>();
      for (const l of creditable) {
        const v = worth(l.id, credited.get(l.id) ?? 0n);
        money += v;
        if (!l.taxable) continue;
        taxable += v;
        const r = rates.get(l.id);
        if (r !== undefined) bases.set(r, (bases.get(r) ?? 0n) + v);
      }
      return { money, bases, taxable };
    };
    const taxOf = (bases: Map<string, bigint>) => {
      const byRate = new Map<string, bigint>();
      for (const [r, b] of bases) byRate.set(r, b > 0n ? taxOn(b, r, inclusive) : 0n);
      return byRate;
    };
    const full = basesAt(amountOf);
    const fullTax = taxOf(full.bases);
    const sum = (m: Map<string, bigint>) => [...m.values()].reduce((a, v) => a + v, 0n);
    // The rates of each line, checked against the frozen tax rows: same bases, same tax.
    const ratesHold = invoice.tax > 0n && sum(fullTax) === invoice.tax && frozenTaxes.every((t) => full.bases.get(t.rate) === BigInt(t.base) && fullTax.get(t.rate) === BigInt(t.amount));
    return {
      inclusive,
      at: (credited) => {
        const now = basesAt(credited);
        if (invoice.tax <= 0n) return { money: now.money, tax: 0n, byRate: new Map() };
        if (ratesHold) {
          const byRate = taxOf(now.bases);
          return { money: now.money, tax: sum(byRate), byRate: new Map([...byRate].map(([r, t]) => [r, { base: now.bases.get(r) ?? 0n, tax: t }])) };
        }
        const tax = full.taxable > 0n ? roundQuotient(invoice.tax * now.taxable, full.taxable, 'half_up') : 0n;
        return { money: now.money, tax, byRate: new Map() };
      },
    };
  }

  /**
   * The lots that paid for an invoice and what of it each still has to get back, most recent payer
   * first: the wallet's transfers that name a lot, of the invoice's segments and its own (tax, a
   * reissue's charges, credit applied to it), net of what was given back in those periods and by
   * its earlier credit notes. Debt repaid by later credit is not traced to an invoice here.
   */
  private lotsThatPaid(invoice: InvoiceRow, ws: WalletState): { lotId: number; left: bigint }[] {
    const segments = invoice.subscription_id && !invoice.replaces_id ? this.ctx.store.listSubscriptionPeriods(invoice.subscription_id).filter((p) => p.period_start === invoice.period_start).map((p) => p.id) : [];
    const refs = [`invoice:${invoice.id}`, ...this.ctx.store.listCreditNotes(invoice.id).map((n) => `credit_note:${n.id}`)];
    return this.ctx.store
      .invoiceLotFunding(ws.wallet.id, segments, refs)
      .filter((r) => r.net > 0n)
      .sort((a, b) => b.last - a.last)
      .map((r) => ({ lotId: r.lot_id, left: r.net }));
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
      discounts: n.discounts.toString(),
      tax: n.tax.toString(),
      total: n.total.toString(),
      pdf_sha256: n.pdf_sha256,
      created_at: iso(n.created_at),
    };
  }
}

interface Cumulative {
  /** What the credited lines are worth, net of their coupons. */
  money: bigint;
  /** The tax of that cumulative base. */
  tax: bigint;
  /** Per rate, when the invoice's rates are known: cumulative base and tax. */
  byRate: Map<string, { base: bigint; tax: bigint }>;
}

/** Spreads `amount` over `ids` in proportion to their values in `net` (taken off them), exactly: cumulative floors. */
function spread(amount: bigint, ids: string[], net: Map<string, bigint>): void {
  const total = ids.reduce((a, id) => a + net.get(id)!, 0n);
  if (total <= 0n || amount <= 0n) return;
  const take = amount < total ? amount : total;
  let run = 0n;
  let given = 0n;
  for (const id of ids) {
    run += net.get(id)!;
    const upTo = (take * run) / total;
    net.set(id, net.get(id)! - (upTo - given));
    given = upTo;
  }
}

/** The tax rows of a note: per rate, what its cumulative base and tax grew by; else one row at the invoice's first rate. */
function noteTaxRows(taxes: { label: string; rate: string }[], before: Cumulative, after: Cumulative, money: bigint, tax: bigint): { label: string; rate: string; base: string; amount: string }[] {
  const rows: { label: string; rate: string; base: string; amount: string }[] = [];
  for (const [rate, a] of after.byRate) {
    const b = before.byRate.get(rate) ?? { base: 0n, tax: 0n };
    if (a.tax - b.tax === 0n && a.base - b.base === 0n) continue;
    rows.push({ label: taxes.find((t) => t.rate === rate)?.label ?? 'Tax', rate, base: (a.base - b.base).toString(), amount: (a.tax - b.tax).toString() });
  }
  if (rows.length && rows.reduce((s, r) => s + BigInt(r.amount), 0n) === tax) return rows;
  return taxes.slice(0, 1).map((t) => ({ label: t.label, rate: t.rate, base: money.toString(), amount: tax.toString() }));
}

const isExpired = (lot: { expired: number; expires_at: number | null }, now: number): boolean => lot.expired === 1 || (lot.expires_at !== null && lot.expires_at <= now);

/** Gives `value` back into one lot from `counter`; a lot that has expired since takes it and expires it again at once (as `giveBack` does). */
function returnToLot(books: Books, ws: WalletState, lotId: number, value: bigint, counter: AccountRow, meta: TransferMeta, now: number): void {
  books.touch(ws);
  const lot = books.lot(ws, lotId);
  books.post(counter, ws.wallet, value, POSTED, meta, lotId);
  if (isExpired(lot, now)) {
    books.post(ws.wallet, books.systemAccount(ws.asset, 'breakage'), value, POSTED, { kind: 'expiry', lotId, ref: meta.ref ?? null }, lotId);
    return;
  }
  books.changeLot(ws, lot, value, 0n);
}

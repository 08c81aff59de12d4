import type { z } from 'zod';
import type { Receipt } from '../../../shared/contract/invoicing';
import { roundQuotient } from '../../../shared/decimal';
import { minorToDecimal } from '../../../shared/money';
import type { DocumentModel } from '../../documents/model';
import type { Assets } from '../assets';
import type { EngineContext } from '../context';
import type { DocumentNumbers } from './numbers';
import type { Customers } from '../customers';
import { fail } from '../errors';
import { iso } from '../format';
import { newId } from '../ids';
import type { Settings } from '../settings';
import { taxOn, taxRateFor } from './tax';

/**
 * Receipts for succeeded paid top-ups. Under the top-up tax point the receipt is the tax
 * document: the tax on what was paid is shown and posted (see below), and usage of that
 * credit later carries no tax. A custom-asset top-up shows the fiat price paid for it, and is
 * always taxed here: its usage is invoiced in its own unit, not in money.
 *
 * Tax on top is posted funding -> tax (the customer paid it on top of the credit); tax inside the
 * price, revenue -> tax (it was paid within the credit's own amount, so cash in is what was paid).
 * When part of such a top-up goes back to the customer (a refund, a chargeback), the tax taken on
 * that part goes back with it (to where it came from, under the receipt's ref `receipt:<number>`): see
 * `returnTax`. A fiat top-up made under the invoice tax point took no tax and returns none.
 */
export class Receipts {
  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly assets: Assets,
    private readonly settings: Settings,
    private readonly numbers: DocumentNumbers,
  ) {}

  /** The receipt of a top-up, made the first time it is asked for. */
  forTopUp(topUpId: string): z.output<typeof Receipt> {
    const existing = this.ctx.store.getReceiptForTopUp(topUpId);
    if (existing) return this.toApi(existing);
    const topUp = this.ctx.store.getTopUp(topUpId) ?? fail('top_up_not_found', `No top-up has id ${topUpId}.`, { top_up: topUpId });
    if (topUp.kind !== 'paid' || (topUp.status !== 'succeeded' && topUp.status !== 'refunded')) fail('invalid_state', `Top-up ${topUpId} is ${topUp.kind === 'paid' ? topUp.status : 'a grant'}: only a succeeded paid top-up has a receipt.`, { top_up: topUpId });
    const customer = this.customers.byInternalId(topUp.customer_id);
    const asset = this.assets.require(topUp.asset);
    const s = this.settings.get();
    // What was paid, in fiat: the top-up itself for a fiat asset, else its recorded price.
    const currency = asset.kind === 'fiat' ? asset.code : (topUp.price_currency ?? fail('invalid_state', `Top-up ${topUpId} of ${asset.code} has no fiat price to put on a receipt.`, { top_up: topUpId }));
    const paid = asset.kind === 'fiat' ? topUp.amount : (topUp.price_amount ?? 0n);
    const { rate, note } = taxRateFor(s, customer, null);
    // Credit in a custom unit (GPU hours, tokens) is taxed when it is bought, whatever the tax point:
    // its usage is invoiced in that unit, never in money, so no invoice would ever tax it.
    const taxable = s.tax_point === 'top_up' || asset.kind !== 'fiat';
    const tax = taxable ? taxOn(paid, rate, s.tax_inclusive) : 0n;
    const net = taxable && s.tax_inclusive ? paid - tax : paid;
    const total = net + tax;
    const now = this.ctx.now();
    const year = new Date(now).getUTCFullYear();
    const key = `receipt_seq:${year}`;
    const seq = this.numbers.next(key);
    const number = `RC-${year}-${String(seq).padStart(6, '0')}`;
    if (tax > 0n) {
      // Tax on top was paid on top (funding -> tax: cash in is the receipt's total). Tax inside the
      // price of fiat credit was paid within the top-up's own amount, already cash in (funding ->
      // wallet): it comes out of revenue instead, as under tax-inclusive invoices, since the credit
      // is later used at tax-inclusive prices with no tax of its own. (A custom asset's fiat price
      // is not in the ledger, only its tax: that stays funding -> tax.)
      const { books } = this.ctx;
      const from = s.tax_inclusive && asset.kind === 'fiat' ? 'revenue' : 'funding';
      books.post(books.systemAccount(currency, from), books.systemAccount(currency, 'tax'), tax, 0, { kind: 'tax', ref: `receipt:${number}` });
    }
    const fiat = this.assets.require(currency);
    const description = asset.kind === 'fiat' ? `Prepaid credit top-up (${topUp.id})` : `${minorToDecimal(topUp.amount, asset.scale)} ${asset.code} prepaid (${topUp.id})${topUp.rate ? ` at ${topUp.rate} ${currency} each` : ''}`;
    const model: DocumentModel = {
      kind: 'receipt',
      number,
      issueDate: new Date(now).toISOString().slice(0, 10),
      dueDate: null,
      supplyPeriod: null,
      language: customer.language ?? 'en',
      seller: { legalName: s.company.legal_name, address: s.company.address, country: s.company.country, taxId: s.company.tax_id, email: s.company.email, logoSvg: s.company.logo_svg },
      buyer: { legalName: customer.legal_name ?? customer.name ?? customer.external_id, address: JSON.parse(customer.address) as string[], country: customer.country, taxId: customer.tax_id, email: customer.email },
      currency: { code: currency, scale: fiat.scale },
      lines: [{ kind: 'top_up', description, period: null, quantity: null, unit: null, unitPrice: null, amount: net.toString(), tiers: [], informational: false }],
      subtotal: net.toString(),
      discounts: [],
      taxes: tax > 0n ? [{ label: 'Tax', rate, base: net.toString(), amount: tax.toString() }] : [],
      total: total.toString(),
      creditsApplied: '0',
      amountDue: '0',
      paymentTerms: 'Paid.',
      taxNote: taxable ? note : 'Tax is invoiced with the usage of this credit.',
      notes: [],
      references: [],
      reason: null,
      status: null,
    };
    const row = { id: newId('rc', now), number, top_up_id: topUp.id, customer_id: customer.id, currency, net, tax, total, document: JSON.stringify({ model }), created_at: now };
    this.ctx.store.insertReceipt(row);
    return this.toApi({ ...row, pdf_sha256: null });
  }

  /**
   * The tax a top-up's receipt took and how much of it refunds and a chargeback have given back so
   * far, read from the ledger (the transfers from tax back to where it came from, under the
   * receipt's ref). null when no
   * tax was taken (no receipt, another tax point, a rate of 0).
   */
  taxOf(topUpId: string): { currency: string; amount: bigint; returned: bigint } | null {
    const r = this.ctx.store.getReceiptTax(topUpId);
    if (!r || r.tax === 0n) return null;
    return { currency: r.currency, amount: r.tax, returned: this.returnedOf(r.number, r.currency) };
  }

  private returnedOf(number: string, currency: string, source = this.taxSource(number, currency)): bigint {
    const { books, store } = this.ctx;
    return store.sumTransfersByRef(books.systemAccount(currency, 'tax').id, source.id, `receipt:${number}`);
  }

  /**
   * Where a receipt's tax came from, read from the ledger so that it goes back where it came from
   * whatever the settings say now: revenue (tax inside the price) or funding (tax on top, and every
   * receipt made before tax-inclusive receipts took it from revenue).
   */
  private taxSource(number: string, currency: string) {
    const { books, store } = this.ctx;
    const revenue = books.systemAccount(currency, 'revenue');
    return store.sumTransfersByRef(revenue.id, books.systemAccount(currency, 'tax').id, `receipt:${number}`) > 0n ? revenue : books.systemAccount(currency, 'funding');
  }

  /**
   * Gives back the tax on the part of a top-up that has gone back to the customer, once `givenBack`
   * of its `amount` (asset units: refunds so far, plus the chargeback's share) has. Cumulative rule,
   * exact in integers: the tax returned in all is round(tax × givenBack / amount), half up (all of
   * it once the whole top-up is back); this transfer (tax -> where the tax came from: funding, or
   * revenue for tax inside the price) is that less what earlier
   * ones returned. So refunds of a top-up in any number of pieces return exactly its tax between
   * them, and no piece is off by more than one minor unit from its proportional share. Returns what
   * this call gave back (0 when the receipt took no tax).
   */
  returnTax(topUp: { id: string; amount: bigint }, givenBack: bigint, kind: 'refund' | 'chargeback'): bigint {
    const r = this.ctx.store.getReceiptTax(topUp.id);
    if (!r || r.tax === 0n || topUp.amount <= 0n || givenBack <= 0n) return 0n;
    const due = givenBack >= topUp.amount ? r.tax : roundQuotient(r.tax * givenBack, topUp.amount, 'half_up');
    const source = this.taxSource(r.number, r.currency);
    const piece = due - this.returnedOf(r.number, r.currency, source);
    if (piece <= 0n) return 0n;
    const { books } = this.ctx;
    books.post(books.systemAccount(r.currency, 'tax'), source, piece, 0, { kind, ref: `receipt:${r.number}` });
    return piece;
  }

  private toApi(r: { id: string; number: string; top_up_id: string; customer_id: number; currency: string; net: bigint; tax: bigint; total: bigint; pdf_sha256: string | null; created_at: number }): z.output<typeof Receipt> {
    return {
      id: r.id,
      number: r.number,
      top_up: r.top_up_id,
      customer: this.customers.byInternalId(r.customer_id).external_id,
      currency: r.currency,
      net: r.net.toString(),
      tax: r.tax.toString(),
      total: r.total.toString(),
      tax_returned: (r.tax === 0n ? 0n : this.returnedOf(r.number, r.currency)).toString(),
      pdf_sha256: r.pdf_sha256,
      created_at: iso(r.created_at),
    };
  }
}

import type { z } from 'zod';
import type { Adjustment, CreateAdjustment, CreateTopUp, RefundTopUp, ReverseTopUp, TopUp } from '../../shared/contract/ledger';
import { dec, mul, roundQuotient, toMinor } from '../../shared/decimal';
import type { CustomerRow, LotRow, TopUpRow } from '../storage/store';
import type { Assets } from './assets';
import type { Authorizations } from './authorizations';
import type { EngineContext } from './context';
import { assertOpen, type Customers } from './customers';
import { fail } from './errors';
import { decodeCursor, encodeCursor, iso, isoOrNull, moneyText, parseJsonObject } from './format';
import { newId } from './ids';
import { markReplayed, withIdempotency, withoutDefaults } from './idempotency';
import { DEFAULT_PRIORITY, debtOf, freeOf, PENDING, RELEASE, type WalletState } from './ledger/books';
import { consume, credit, drawFromLot } from './ledger/wallet-ops';
import { parseTimestampField } from './timestamps';

/**
 * Money in and out by hand or by payment: top-ups (paid lots), grants (granted lots), their
 * refunds and chargebacks, and signed manual adjustments.
 *
 * Top-up states: pending -> succeeded | failed | expired; succeeded -> refunded (when its unused
 * rest has been refunded, or on a chargeback). A pending top-up credits nothing.
 *
 * Tax taken at top-up (tax point `top_up`: on the receipt, funding -> tax, or revenue -> tax when inside the price) goes back with the money:
 * each refund and a chargeback gives back the tax on its part of the top-up (`onGivenBack`, see
 * `Receipts.returnTax` for the rule), so cash in falls by all that is paid back, tax included.
 */
export class Funding {
  /** Told (inside the operation) when a paid top-up succeeds: its receipt is made then. */
  onPaidTopUp: ((topUpId: string) => void) | null = null;
  /** Told (inside the operation) when a top-up credits a wallet, or a pending one expires. */
  onCredited: ((topUp: z.output<typeof TopUp>) => void) | null = null;
  onExpired: ((topUp: z.output<typeof TopUp>) => void) | null = null;
  /**
   * Told (inside the operation) when part of a paid top-up went back to the customer: `givenBack`
   * is how much of it has in all (refunds so far; the whole top-up after a chargeback). The tax its
   * receipt took on that part is given back then.
   */
  onGivenBack: ((topUp: TopUpRow, givenBack: bigint, kind: 'refund' | 'chargeback') => void) | null = null;
  /** The tax a top-up's receipt took and how much of it has been given back (null: none taken). */
  taxOf: ((topUpId: string) => { currency: string; amount: bigint; returned: bigint } | null) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly assets: Assets,
    private readonly authorizations: Authorizations,
  ) {}

  private wallet(customer: CustomerRow, asset: string): WalletState {
    const ws = this.ctx.books.wallet(customer.id, asset);
    this.authorizations.applyDeadlines(ws);
    return ws;
  }

  createTopUp(input: z.output<typeof CreateTopUp>): z.output<typeof TopUp> {
    const customer = this.customers.require(input.external_id);
    return withIdempotency(
      this.ctx,
      `top_up:${customer.id}`,
      input.idempotency_key,
      withoutDefaults({ ...input, idempotency_key: undefined }, { kind: 'paid', status: 'succeeded', priority: DEFAULT_PRIORITY }),
      () => {
        const row = this.openTopUp(customer, input);
        return { id: row.id, body: this.toApi(row) };
      },
      (id) => this.getTopUp(id),
    );
  }

  private openTopUp(customer: CustomerRow, input: z.output<typeof CreateTopUp>): TopUpRow {
    assertOpen(customer);
    const now = this.ctx.now();
    const asset = this.assets.require(input.asset);
    const kind = input.kind ?? 'paid';
    const expiresAt = parseTimestampField(input.expires_at, 'expires_at', now);
    if (expiresAt !== null && expiresAt <= now) fail('validation_failed', 'expires_at is in the past: the credit would expire at once.', { issues: [{ path: ['expires_at'], message: 'must be in the future' }] });
    const paymentExpiresAt = parseTimestampField(input.payment_expires_at, 'payment_expires_at', now);
    let price: { currency: string; amount: bigint; rate: string | null } | null = null;
    if (input.price && (asset.kind !== 'custom' || kind !== 'paid')) {
      fail('validation_failed', `price is what was paid in fiat for a paid top-up of a custom asset; this is a ${kind} top-up of ${asset.kind === 'custom' ? 'the custom asset' : 'the currency'} ${asset.code} (leave price out).`, { issues: [{ path: ['price'], message: 'only for a paid custom-asset top-up' }] });
    }
    if (asset.kind === 'custom' && kind === 'paid') {
      if (input.price) {
        if (this.assets.require(input.price.currency).kind !== 'fiat') fail('validation_failed', `price.currency must be a currency; ${input.price.currency} is a custom asset.`, { issues: [{ path: ['price', 'currency'], message: 'not a currency' }] });
        price = { currency: input.price.currency, amount: input.price.amount, rate: null };
      } else {
        // The fiat value of a paid custom-asset top-up, at the first rate in force (stored with it).
        const fiat = this.ctx.store.listAssetRates(asset.code)[0]?.currency;
        const rate = fiat ? this.assets.rateAt(asset.code, fiat, now) : null;
        if (fiat && rate) {
          const fiatScale = this.assets.require(fiat).scale;
          const major = mul(dec(input.amount), { c: 1n, s: asset.scale });
          price = { currency: fiat, amount: toMinor(mul(major, dec(rate)), fiatScale), rate };
          // A sale worth less than the currency's smallest unit would be a paid top-up with a receipt of 0.
          if (price.amount === 0n) {
            fail('validation_failed', `At ${rate} ${fiat} per ${asset.code}, ${moneyText(input.amount, asset.code, asset.scale)} is worth less than the smallest ${fiat} unit: give its price explicitly (price), top up more, or grant it.`, { issues: [{ path: ['amount'], message: 'priced at 0 at the rate in force' }], rate, currency: fiat });
          }
        }
      }
    }
    const row: TopUpRow = {
      id: newId('tu', now),
      customer_id: customer.id,
      asset: asset.code,
      amount: input.amount,
      kind,
      status: input.status ?? 'succeeded',
      priority: input.priority ?? DEFAULT_PRIORITY,
      expires_at: expiresAt,
      payment_expires_at: input.status === 'pending' ? paymentExpiresAt : null,
      lot_id: null,
      refunded_amount: 0n,
      chargeback: 0,
      reference: input.reference ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
      price_currency: price?.currency ?? null,
      price_amount: price?.amount ?? null,
      rate: price?.rate ?? null,
      created_at: now,
      updated_at: now,
    };
    this.ctx.store.insertTopUp(row);
    if (row.status === 'succeeded') this.creditTopUp(customer, row);
    this.ctx.emit({ type: 'top_up', customer: customer.external_id, id: row.id, asset: row.asset });
    return row;
  }

  private creditTopUp(customer: CustomerRow, row: TopUpRow): void {
    const ws = this.wallet(customer, row.asset);
    const from = this.ctx.books.systemAccount(row.asset, row.kind === 'paid' ? 'funding' : 'grants');
    const { lot } = credit(
      this.ctx.books,
      ws,
      row.amount,
      from,
      { kind: row.kind, source: 'top_up', sourceId: row.id, priority: row.priority, expiresAt: row.expires_at },
      { kind: row.kind === 'paid' ? 'top_up' : 'grant', ref: row.id, rate: row.rate },
      this.ctx.now(),
    );
    row.lot_id = lot.id;
    row.updated_at = this.ctx.now();
    this.ctx.store.updateTopUp(row);
    if (row.kind === 'paid' && (this.assets.require(row.asset).kind === 'fiat' || row.price_currency)) this.onPaidTopUp?.(row.id);
    this.onCredited?.(this.toApi(row));
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: row.asset });
  }

  private requireTopUp(id: string): TopUpRow {
    return this.ctx.store.getTopUp(id) ?? fail('top_up_not_found', `No top-up has id ${id}.`, { top_up: id });
  }

  getTopUp(id: string): z.output<typeof TopUp> {
    return this.toApi(this.requireTopUp(id));
  }

  listTopUps(externalId: string, limit: number, cursor: string | undefined) {
    const customer = this.customers.require(externalId);
    const rows = this.ctx.store.listTopUps(customer.id, decodeCursor(cursor), limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.toApi(r)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  /** Payment collected: credits the wallet. Confirming twice is harmless (one credit). */
  confirmTopUp(id: string): z.output<typeof TopUp> {
    const row = this.requireTopUp(id);
    if (row.status === 'succeeded' || row.status === 'refunded') return markReplayed(this.toApi(row)); // changes nothing, so no audit row
    if (row.status !== 'pending') fail('invalid_state', `Top-up ${id} is ${row.status}; only a pending top-up can be confirmed.`, { top_up: id, status: row.status });
    row.status = 'succeeded';
    this.creditTopUp(this.customers.byInternalId(row.customer_id), row);
    this.ctx.emit({ type: 'top_up', customer: this.customers.byInternalId(row.customer_id).external_id, id: row.id, asset: row.asset });
    return this.toApi(row);
  }

  failTopUp(id: string): z.output<typeof TopUp> {
    return this.endPending(id, 'failed');
  }

  /** A pending top-up whose payment never came: expired, crediting nothing. */
  expireTopUp(id: string): z.output<typeof TopUp> {
    return this.endPending(id, 'expired');
  }

  private endPending(id: string, status: 'failed' | 'expired'): z.output<typeof TopUp> {
    const row = this.requireTopUp(id);
    if (row.status === status) return markReplayed(this.toApi(row));
    if (row.status !== 'pending') fail('invalid_state', `Top-up ${id} is ${row.status}; only a pending top-up can become ${status}.`, { top_up: id, status: row.status });
    row.status = status;
    row.updated_at = this.ctx.now();
    this.ctx.store.updateTopUp(row);
    this.ctx.emit({ type: 'top_up', customer: this.customers.byInternalId(row.customer_id).external_id, id: row.id, asset: row.asset });
    const out = this.toApi(row);
    if (status === 'expired') this.onExpired?.(out);
    return out;
  }

  /**
   * A top-up requested on the customer's behalf (auto top-up): pending, crediting nothing until the
   * operator's payment system confirms it, expiring unconfirmed after `paymentExpiresAt`.
   */
  requestTopUp(customer: CustomerRow, asset: string, amount: bigint, paymentExpiresAt: number, ruleId: string): z.output<typeof TopUp> {
    const row = this.openTopUp(customer, { external_id: customer.external_id, asset, amount, kind: 'paid', status: 'pending', payment_expires_at: new Date(paymentExpiresAt).toISOString(), reference: `auto top-up ${ruleId}` });
    this.ctx.store.setTopUpRule(row.id, ruleId);
    return this.toApi(row);
  }

  refundTopUp(input: z.output<typeof RefundTopUp>): z.output<typeof TopUp> {
    const row0 = this.requireTopUp(input.id);
    return withIdempotency(
      this.ctx,
      `refund:${row0.id}`,
      input.idempotency_key,
      { ...input, idempotency_key: undefined },
      () => ({ id: row0.id, body: this.refund(row0, input.amount, input.reason ?? null) }),
      (id) => this.getTopUp(id),
    );
  }

  private refund(row: TopUpRow, amount: bigint | undefined, reason: string | null): z.output<typeof TopUp> {
    if (row.kind !== 'paid') fail('invalid_state', `Top-up ${row.id} is a grant; grants are not refunded (use a negative adjustment).`, { top_up: row.id });
    if (row.status !== 'succeeded' && row.status !== 'refunded') fail('invalid_state', `Top-up ${row.id} is ${row.status}; only a succeeded top-up can be refunded.`, { top_up: row.id, status: row.status });
    if (row.chargeback) fail('invalid_state', `Top-up ${row.id} was charged back.`, { top_up: row.id });
    const customer = this.customers.byInternalId(row.customer_id);
    const ws = this.wallet(customer, row.asset);
    const lot = this.ctx.books.lot(ws, row.lot_id!);
    const refundable = lot.expired ? 0n : refundableOf(row, lot);
    const take = amount ?? refundable;
    if (take > refundable) {
      const money = (v: bigint) => moneyText(v, row.asset, this.assets.find(row.asset)?.scale);
      fail('amount_exceeds_refundable', `Top-up ${row.id} has ${money(refundable)} unused and free to refund; ${money(take)} was asked.`, { top_up: row.id, refundable: refundable.toString(), requested: take.toString(), asset: row.asset });
    }
    if (take === 0n) return markReplayed(this.toApi(row)); // nothing left: refunding "the rest" again changes nothing
    drawFromLot(this.ctx.books, ws, lot, take, this.ctx.books.systemAccount(row.asset, 'funding'), 'refund', reason ? `${row.id}: ${reason}` : row.id);
    row.refunded_amount += take;
    this.onGivenBack?.(row, row.refunded_amount, 'refund');
    if (row.refunded_amount >= row.amount || (freeOf(lot) === 0n && lot.reserved === 0n)) row.status = 'refunded';
    row.updated_at = this.ctx.now();
    this.ctx.store.updateTopUp(row);
    this.ctx.emit({ type: 'top_up', customer: customer.external_id, id: row.id, asset: row.asset });
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: row.asset });
    return this.toApi(row);
  }

  /**
   * Chargeback: the whole top-up (less what was refunded) goes back to funding. What is still in its
   * lot leaves the lot (reservations of pending holds on it move to the overdraft, so they stay
   * valid); what was already spent becomes debt. A top-up refunded in full has nothing left to
   * charge back: the customer already has all of it back, so the chargeback is refused (409) rather
   * than answered as if it had been recorded. (Money a bank takes back a second time, after a full
   * refund, is the operator's dispute with its payment provider, not a debt of the customer's.)
   */
  reverseTopUp(input: z.output<typeof ReverseTopUp>): z.output<typeof TopUp> {
    const row = this.requireTopUp(input.id);
    return withIdempotency(
      this.ctx,
      `chargeback:${row.id}`,
      input.idempotency_key,
      { ...input, idempotency_key: undefined },
      () => ({ id: row.id, body: this.chargeback(row, input.reason) }),
      (id) => this.getTopUp(id),
    );
  }

  private chargeback(row: TopUpRow, reason: string): z.output<typeof TopUp> {
    if (row.chargeback) return markReplayed(this.toApi(row));
    if (row.kind !== 'paid') fail('invalid_state', `Top-up ${row.id} is a grant; there is no payment to charge back.`, { top_up: row.id });
    if (row.status !== 'succeeded' && row.status !== 'refunded') fail('invalid_state', `Top-up ${row.id} is ${row.status}; only a succeeded top-up can be charged back.`, { top_up: row.id, status: row.status });
    const owed = row.amount - row.refunded_amount;
    if (owed <= 0n) {
      fail('invalid_state', `Top-up ${row.id} was refunded in full: nothing left to charge back.`, { top_up: row.id, status: row.status, amount: row.amount.toString(), refunded_amount: row.refunded_amount.toString() });
    }
    const { books } = this.ctx;
    const customer = this.customers.byInternalId(row.customer_id);
    const ws = this.wallet(customer, row.asset);
    const lot = books.lot(ws, row.lot_id!);
    const funding = books.systemAccount(row.asset, 'funding');
    const revenue = books.systemAccount(row.asset, 'revenue');
    const ref = `${row.id}: ${reason}`;
    if (lot.reserved > 0n) {
      // Move pending holds' reservations off this lot onto the overdraft limit.
      for (const h of this.ctx.store.listPendingAuthorizations(customer.id, row.asset)) {
        const hold = this.authorizations.hold(h.id)!;
        let moved = 0n;
        for (const r of hold.reservations) {
          if (r.lotId !== lot.id || r.amount === 0n) continue;
          books.post(ws.wallet, revenue, r.amount, RELEASE, { kind: 'hold', authorizationId: hold.row.id, lotId: lot.id });
          books.post(ws.wallet, revenue, r.amount, PENDING, { kind: 'hold', authorizationId: hold.row.id, lotId: null });
          moved += r.amount;
          r.amount = 0n;
        }
        if (moved > 0n) {
          hold.reservations.push({ lotId: null, amount: moved });
          books.changeLot(ws, lot, 0n, -moved);
          hold.row.reservations = JSON.stringify(hold.reservations.filter((r) => r.amount > 0n).map((r) => ({ lot: r.lotId, amount: r.amount.toString() })));
          this.ctx.store.updateAuthorization(hold.row);
          this.ctx.onUndo(() => this.authorizations.forget(hold.row.id));
        }
      }
    }
    const fromLot = lot.remaining < owed ? lot.remaining : owed;
    drawFromLot(books, ws, lot, fromLot, funding, 'chargeback', ref);
    if (owed - fromLot > 0n) books.post(ws.receivable, funding, owed - fromLot, 0, { kind: 'chargeback', ref });
    // With the chargeback the whole top-up is back (refunds, then this): so is all of its tax.
    this.onGivenBack?.(row, row.amount, 'chargeback');
    // `refunded_amount` stays what was refunded; what was charged back is the rest of the top-up
    // (`charged_back_amount` in the answer).
    row.chargeback = 1;
    row.status = 'refunded';
    row.updated_at = this.ctx.now();
    this.ctx.store.updateTopUp(row);
    this.ctx.emit({ type: 'top_up', customer: customer.external_id, id: row.id, asset: row.asset });
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: row.asset });
    return this.toApi(row);
  }

  createAdjustment(input: z.output<typeof CreateAdjustment>): z.output<typeof Adjustment> {
    const customer = this.customers.require(input.external_id);
    this.assets.require(input.asset);
    return withIdempotency(
      this.ctx,
      `adjustment:${customer.id}`,
      input.idempotency_key,
      { ...input, idempotency_key: undefined },
      () => {
        const now = this.ctx.now();
        const id = newId('adj', now);
        const ws = this.wallet(customer, input.asset);
        const account = this.ctx.books.systemAccount(input.asset, 'adjustments');
        if (input.amount > 0n) {
          credit(this.ctx.books, ws, input.amount, account, { kind: 'granted', source: 'adjustment', sourceId: id, priority: DEFAULT_PRIORITY, expiresAt: null }, { kind: 'adjustment', ref: id }, now);
        } else {
          // A correction: never refused for funds, so it may create debt.
          consume(this.ctx.books, ws, -input.amount, account, { kind: 'adjustment', ref: id }, { stack: false, now });
        }
        const row = { id, customer_id: customer.id, asset: input.asset, amount: input.amount, reason: input.reason, created_at: now };
        this.ctx.store.insertAdjustment(row);
        this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: input.asset });
        return { id, body: { id, customer: customer.external_id, asset: input.asset, amount: input.amount.toString(), reason: input.reason, created_at: iso(now) } };
      },
      (id) => {
        const r = this.ctx.store.getAdjustment(id)!;
        return { id, customer: customer.external_id, asset: r.asset, amount: r.amount.toString(), reason: r.reason, created_at: iso(r.created_at) };
      },
    );
  }

  /**
   * Settles a closing customer's wallets: pending top-ups expire; unused paid credit is refunded
   * top-up by top-up (or kept as breakage); every other unused credit (grants, adjustments,
   * credit given back) goes to breakage. Debt stays owed and is reported.
   */
  settleForClosure(customer: CustomerRow, settle: 'refund' | 'breakage', reason: string): { expired: number; refunded: Map<string, bigint>; breakage: Map<string, bigint>; debt: Map<string, bigint> } {
    const { books, store } = this.ctx;
    const out = { expired: 0, refunded: new Map<string, bigint>(), breakage: new Map<string, bigint>(), debt: new Map<string, bigint>() };
    const add = (m: Map<string, bigint>, asset: string, v: bigint) => v !== 0n && m.set(asset, (m.get(asset) ?? 0n) + v);
    for (const id of store.listPendingTopUpIds(customer.id)) {
      this.endPending(id, 'expired');
      out.expired++;
    }
    if (settle === 'refund') {
      for (const row of store.listAllTopUps(customer.id)) {
        if (row.kind !== 'paid' || row.chargeback || (row.status !== 'succeeded' && row.status !== 'refunded') || row.lot_id === null) continue;
        const before = row.refunded_amount;
        this.refund(row, undefined, `closed: ${reason}`);
        add(out.refunded, row.asset, row.refunded_amount - before);
      }
    }
    for (const account of store.listCustomerAccounts(customer.id)) {
      if (account.type !== 'wallet') continue;
      const ws = this.wallet(customer, account.asset);
      for (const lot of [...ws.lots]) {
        const free = lot.expired ? 0n : freeOf(lot);
        if (free <= 0n) continue;
        drawFromLot(books, ws, lot, free, books.systemAccount(account.asset, 'breakage'), 'closure', `closed: ${reason}`);
        add(out.breakage, account.asset, free);
      }
      add(out.debt, account.asset, debtOf(ws));
      this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: account.asset });
    }
    return out;
  }

  toApi(row: TopUpRow): z.output<typeof TopUp> {
    const customer = this.customers.byInternalId(row.customer_id);
    let refundable = 0n;
    if (row.lot_id !== null && row.kind === 'paid' && !row.chargeback) {
      const lot = this.ctx.books.cachedWallet(row.customer_id, row.asset)?.lots.find((l) => l.id === row.lot_id) ?? this.ctx.store.getLot(row.lot_id);
      if (lot && !lot.expired && (lot.expires_at === null || lot.expires_at > this.ctx.now())) refundable = refundableOf(row, lot);
    }
    const tax = row.kind === 'paid' && row.status !== 'pending' ? (this.taxOf?.(row.id) ?? null) : null;
    return {
      id: row.id,
      customer: customer.external_id,
      asset: row.asset,
      amount: row.amount.toString(),
      kind: row.kind,
      status: row.status,
      priority: row.priority,
      expires_at: isoOrNull(row.expires_at),
      payment_expires_at: isoOrNull(row.payment_expires_at),
      lot_id: row.lot_id === null ? null : String(row.lot_id),
      refunded_amount: row.refunded_amount.toString(),
      charged_back_amount: (row.chargeback ? row.amount - row.refunded_amount : 0n).toString(),
      refundable: refundable.toString(),
      debt_repaid: (row.lot_id === null ? 0n : this.ctx.store.debtRepaidByLot(row.customer_id, row.asset, row.lot_id)).toString(),
      chargeback: row.chargeback === 1,
      reference: row.reference,
      metadata: parseJsonObject(row.metadata),
      price: row.price_currency ? { currency: row.price_currency, amount: String(row.price_amount ?? 0n), rate: row.rate, returned: priceReturned(row).toString() } : null,
      tax: tax ? { currency: tax.currency, amount: tax.amount.toString(), returned: tax.returned.toString() } : null,
      created_at: iso(row.created_at),
      updated_at: iso(row.updated_at),
    };
  }
}

/**
 * What of a paid top-up can still be refunded: its lot's free credit, but never more than was paid
 * less what was refunded already. A lot can hold more than its top-up left it (credit given back to
 * it, e.g. by a credit note): that stays credit, since no payment can be refunded beyond its amount.
 */
function refundableOf(row: TopUpRow, lot: LotRow): bigint {
  const free = freeOf(lot);
  const unpaidBack = row.amount - row.refunded_amount;
  return free < unpaidBack ? free : unpaidBack > 0n ? unpaidBack : 0n;
}

/** The part of a custom-asset top-up's fiat price that has gone back with its credit (see TopUp.price.returned). */
function priceReturned(row: TopUpRow): bigint {
  const price = row.price_amount ?? 0n;
  const back = row.chargeback ? row.amount : row.refunded_amount;
  if (price === 0n || back <= 0n || row.amount <= 0n) return 0n;
  return back >= row.amount ? price : roundQuotient(price * back, row.amount, 'half_up');
}

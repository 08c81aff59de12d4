import type { AccountRow, LotRow } from '../../storage/store';
import { type Books, debtOf, DEFAULT_PRIORITY, freeOf, PENDING, POSTED, RELEASE, type TransferKind, type TransferMeta, type WalletState } from './books';

/** A part of a hold: reserved from a lot, or (lotId null) from the overdraft limit. */
export interface Reservation {
  lotId: number | null;
  amount: bigint;
}

export interface ConsumeResult {
  /** Drawn from credit the hold had reserved. */
  fromHold: bigint;
  /** Drawn from free credit lots. */
  fromCredit: bigint;
  /** Booked on the receivable: the held overdraft part plus anything beyond. */
  asDebt: bigint;
  /** The part of asDebt that the hold had reserved against the overdraft limit. */
  heldAsDebt: bigint;
}

const isExpired = (lot: LotRow, now: number): boolean => lot.expired === 1 || (lot.expires_at !== null && lot.expires_at <= now);

/**
 * Draws `amount` from the wallet towards `counter` (revenue for usage): first from the hold's
 * reservations (releasing them), then from free lots in consumption order, then as debt on the
 * receivable. Usage draws are pushed on the usage stack so money given back finds its lots.
 */
export function consume(
  books: Books,
  ws: WalletState,
  amount: bigint,
  counter: AccountRow,
  meta: TransferMeta,
  opts: { reservations?: Reservation[]; stack?: boolean; now: number; useCredit?: boolean },
): ConsumeResult {
  const result: ConsumeResult = { fromHold: 0n, fromCredit: 0n, asDebt: 0n, heldAsDebt: 0n };
  if (amount <= 0n) return result;
  books.touch(ws);
  let rest = amount;
  const track = opts.stack ?? true;

  if (opts.reservations) {
    for (const r of opts.reservations) {
      if (rest === 0n) break;
      if (r.amount === 0n) continue;
      const take = r.amount < rest ? r.amount : rest;
      books.post(ws.wallet, counter, take, RELEASE, meta, r.lotId, 'hold');
      r.amount -= take;
      if (r.lotId !== null) {
        const lot = books.lot(ws, r.lotId);
        books.changeLot(ws, lot, -take, -take);
        books.post(ws.wallet, counter, take, POSTED, meta, lot.id);
        if (track) books.push(ws, 'usage', lot.id, take);
        result.fromHold += take;
      } else {
        // The part of the hold that stood on the overdraft limit: it becomes debt as agreed.
        books.post(ws.receivable, counter, take, POSTED, meta, null);
        if (track) books.push(ws, 'usage', null, take);
        result.heldAsDebt += take;
        result.asDebt += take;
      }
      rest -= take;
    }
  }

  // A postpaid customer's usage goes to the receivable; credit is applied when the invoice is finalized.
  for (const lot of opts.useCredit === false ? [] : [...ws.lots]) {
    if (rest === 0n) break;
    if (isExpired(lot, opts.now)) continue;
    const free = freeOf(lot);
    if (free <= 0n) continue;
    const take = free < rest ? free : rest;
    books.changeLot(ws, lot, -take, 0n);
    books.post(ws.wallet, counter, take, POSTED, meta, lot.id);
    if (track) books.push(ws, 'usage', lot.id, take);
    result.fromCredit += take;
    rest -= take;
  }

  if (rest > 0n) {
    books.post(ws.receivable, counter, rest, POSTED, meta, null);
    if (track) books.push(ws, 'usage', null, rest);
    result.asDebt += rest;
  }
  return result;
}

/** Reserves `amount` for a hold: from free lots in consumption order, the rest against the overdraft limit. */
export function reserve(books: Books, ws: WalletState, amount: bigint, counter: AccountRow, meta: TransferMeta, now: number, useCredit = true): Reservation[] {
  const out: Reservation[] = [];
  if (amount <= 0n) return out;
  books.touch(ws);
  let rest = amount;
  for (const lot of useCredit ? ws.lots : []) {
    if (rest === 0n) break;
    if (isExpired(lot, now)) continue;
    const free = freeOf(lot);
    if (free <= 0n) continue;
    const take = free < rest ? free : rest;
    books.changeLot(ws, lot, 0n, take);
    books.post(ws.wallet, counter, take, PENDING, meta, lot.id, 'hold');
    out.push({ lotId: lot.id, amount: take });
    rest -= take;
  }
  if (rest > 0n) {
    books.post(ws.wallet, counter, rest, PENDING, meta, null, 'hold');
    out.push({ lotId: null, amount: rest });
  }
  return out;
}

/**
 * Releases what is left of a hold's reservations. Credit reserved on a lot that expired meanwhile
 * was kept for the hold; released now, it goes to breakage at once instead of back to the wallet.
 */
export function release(books: Books, ws: WalletState, reservations: Reservation[], counter: AccountRow, meta: TransferMeta, now: number): bigint {
  let released = 0n;
  books.touch(ws);
  for (const r of reservations) {
    if (r.amount === 0n) continue;
    books.post(ws.wallet, counter, r.amount, RELEASE, meta, r.lotId, 'hold');
    if (r.lotId !== null) {
      const lot = books.lot(ws, r.lotId);
      if (isExpired(lot, now)) {
        books.changeLot(ws, lot, -r.amount, -r.amount, true);
        books.post(ws.wallet, books.systemAccount(ws.asset, 'breakage'), r.amount, POSTED, { kind: 'expiry', lotId: lot.id, effectiveAt: now, ref: meta.authorizationId ?? null });
      } else {
        books.changeLot(ws, lot, 0n, -r.amount);
      }
    }
    released += r.amount;
    r.amount = 0n;
  }
  return released;
}

export interface CreditLot {
  kind: 'paid' | 'granted';
  source: string;
  sourceId: string | null;
  priority: number;
  expiresAt: number | null;
}

/**
 * Credits the wallet with a new lot from `from` (funding, grants, adjustments). Debt is repaid
 * first, from this lot; the lots that repay are remembered so money later given back for usage
 * that had been debt returns to them.
 */
export function credit(books: Books, ws: WalletState, amount: bigint, from: AccountRow, lot: CreditLot, meta: TransferMeta, now: number): { lot: LotRow; repaid: bigint } {
  books.touch(ws);
  const row = books.insertLot(ws, {
    kind: lot.kind,
    source: lot.source,
    source_id: lot.sourceId,
    amount,
    remaining: amount,
    reserved: 0n,
    priority: lot.priority,
    expires_at: lot.expiresAt,
    expired: 0,
    created_at: now,
  });
  books.post(from, ws.wallet, amount, POSTED, meta, row.id);
  const repaid = repayDebt(books, ws, row, meta);
  return { lot: row, repaid };
}

function repayDebt(books: Books, ws: WalletState, lot: LotRow, meta: TransferMeta): bigint {
  const debt = debtOf(ws);
  if (debt <= 0n) return 0n;
  const repay = debt < lot.remaining ? debt : lot.remaining;
  if (repay <= 0n) return 0n;
  books.changeLot(ws, lot, -repay, 0n);
  books.post(ws.wallet, ws.receivable, repay, POSTED, meta, lot.id, 'debt_repayment');
  books.push(ws, 'repayment', lot.id, repay);
  return repay;
}

/**
 * Gives back `amount` of usage (a negative price delta, a reversal, a credit note): pops the usage
 * stack, last in first out. A piece drawn from a lot returns to that lot; if the lot has expired
 * since, it returns and expires again at once (to breakage). A piece that was debt first reduces the debt; if the debt was repaid since,
 * the rest returns to the lots that repaid it. With `fromReceivable` the amount is known to have been
 * booked on the receivable (a credit note's part that no lot paid): it is treated as such a piece
 * before anything is popped off the usage stack, whose top may be other money altogether. Returns
 * how the amount was split.
 */
export function giveBack(
  books: Books,
  ws: WalletState,
  amount: bigint,
  counter: AccountRow,
  meta: TransferMeta,
  now: number,
  opts: { fromReceivable?: boolean } = {},
): { toCredit: bigint; toDebt: bigint; toBreakage: bigint } {
  const out = { toCredit: 0n, toDebt: 0n, toBreakage: 0n };
  if (amount <= 0n) return out;
  books.touch(ws);
  const returnToLot = (lotId: number | null, value: bigint) => {
    if (lotId === null) {
      // No lot to return to (the stacks ran out): a granted lot of its own, never mixed into a paid one.
      const lot = books.insertLot(ws, { kind: 'granted', source: 'credit_back', source_id: null, amount: value, remaining: value, reserved: 0n, priority: DEFAULT_PRIORITY, expires_at: null, expired: 0, created_at: now });
      books.post(counter, ws.wallet, value, POSTED, meta, lot.id);
      out.toCredit += value;
      return;
    }
    const lot = books.lot(ws, lotId);
    if (isExpired(lot, now)) {
      // Given back to the customer (so the fee or charge it reverses nets to what was kept, and the
      // period's funding to what the wallet really paid), into a lot that has expired since: the
      // credit expires again at once, to breakage, as the lot's own expiry would have taken it.
      books.post(counter, ws.wallet, value, POSTED, meta, lotId);
      books.post(ws.wallet, books.systemAccount(ws.asset, 'breakage'), value, POSTED, { kind: 'expiry', lotId, eventId: meta.eventId ?? null, ref: meta.ref ?? null }, lotId);
      out.toBreakage += value;
      return;
    }
    books.changeLot(ws, lot, value, 0n);
    books.post(counter, ws.wallet, value, POSTED, meta, lotId);
    out.toCredit += value;
  };

  /** Money that was booked as debt: off the debt still owed, else back to the lots that repaid it. Returns what is left. */
  const offDebt = (value: bigint): bigint => {
    const debt = debtOf(ws);
    const toDebt = debt < value ? (debt > 0n ? debt : 0n) : value;
    if (toDebt > 0n) {
      books.post(counter, ws.receivable, toDebt, POSTED, meta, null);
      out.toDebt += toDebt;
    }
    let repaid = value - toDebt;
    for (const r of books.pop(ws, 'repayment', repaid)) {
      returnToLot(r.lotId, r.amount);
      repaid -= r.amount;
    }
    return repaid;
  };

  // Known to have been booked on the receivable: the debt and its repayments first, then as usage.
  let rest = opts.fromReceivable ? offDebt(amount) : amount;
  for (const piece of books.pop(ws, 'usage', rest)) {
    rest -= piece.amount;
    if (piece.lotId !== null) {
      returnToLot(piece.lotId, piece.amount);
      continue;
    }
    const left = offDebt(piece.amount);
    if (left > 0n) returnToLot(null, left);
  }
  if (rest > 0n) returnToLot(null, rest);
  return out;
}

/**
 * Expires, effective at their expiry, the unreserved credit of every lot whose time has come.
 * Reserved credit stays with its hold until the hold settles (see `release`).
 */
export function expireLots(books: Books, ws: WalletState, now: number): { lot: LotRow; amount: bigint }[] {
  const expired: { lot: LotRow; amount: bigint }[] = [];
  for (const lot of [...ws.lots]) {
    if (lot.expired || lot.expires_at === null || lot.expires_at > now) continue;
    const free = freeOf(lot);
    books.changeLot(ws, lot, -free, 0n, true);
    if (free > 0n) {
      books.post(ws.wallet, books.systemAccount(ws.asset, 'breakage'), free, POSTED, { kind: 'expiry', lotId: lot.id, effectiveAt: lot.expires_at });
      expired.push({ lot, amount: free });
    }
  }
  return expired;
}

/** Takes `amount` out of one lot (a refund or chargeback of its top-up) towards `to`. */
export function drawFromLot(books: Books, ws: WalletState, lot: LotRow, amount: bigint, to: AccountRow, kind: TransferKind, ref: string): void {
  if (amount <= 0n) return;
  books.changeLot(ws, lot, -amount, 0n);
  books.post(ws.wallet, to, amount, POSTED, { kind, lotId: lot.id, ref });
}

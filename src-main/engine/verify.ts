import type { z } from 'zod';
import type { VerifyReport } from '../../shared/contract/ledger';
import type { AccountRow, Store } from '../storage/store';
import { iso } from './format';

type Problem = z.output<typeof VerifyReport>['problems'][number];

interface Totals {
  dp: bigint;
  cp: bigint;
  dpend: bigint;
  cpend: bigint;
}

/**
 * The ledger check. It reads the transfer rows alone and recomputes everything the engine keeps
 * as running totals, then compares:
 *  1. every transfer moves one asset (both accounts hold it) and a positive amount;
 *  2. per asset, posted debits equal posted credits and pending debits equal pending credits
 *     (postings sum to zero);
 *  3. each account's four running totals equal their recomputation;
 *  4. each lot's remaining and reserved equal the sums of the transfers that name it, and a
 *     wallet's posted balance equals what its lots hold;
 *  5. replaying the transfers in order, no new-consumption operation left the customer's available
 *     balance below the floor it was checked against (`limit_floor`);
 *  6. the pending amounts of the open authorizations equal the wallets' pending debits.
 * A problem names the account (or lot) and the expected and actual values.
 */
export function verifyLedger(store: Store, now: number, nameOf: (accountId: number) => string): z.output<typeof VerifyReport> {
  const problems: Problem[] = [];
  const accounts = new Map<number, AccountRow>();
  for (const a of store.listAllAccounts()) accounts.set(a.id, a);
  const totals = new Map<number, Totals>();
  const t = (id: number): Totals => {
    let x = totals.get(id);
    if (!x) totals.set(id, (x = { dp: 0n, cp: 0n, dpend: 0n, cpend: 0n }));
    return x;
  };
  const lotRemaining = new Map<number, bigint>();
  const lotReserved = new Map<number, bigint>();
  // available per "customer:asset", maintained during the replay for the floor check
  const walletOf = new Map<number, string>();
  for (const a of accounts.values()) if (a.customer_id !== null) walletOf.set(a.id, `${a.customer_id}:${a.asset}`);
  const avail = new Map<string, bigint>();
  const bump = (accountId: number, delta: bigint) => {
    const key = walletOf.get(accountId);
    if (key) avail.set(key, (avail.get(key) ?? 0n) + delta);
  };

  let count = 0;
  for (const row of store.iterateTransfers()) {
    count++;
    const d = accounts.get(row.debit_account_id);
    const c = accounts.get(row.credit_account_id);
    if (!d || !c) {
      problems.push({ check: 'transfer_accounts', message: `transfer ${row.id} names an unknown account`, account: null, expected: null, actual: String(row.id) });
      continue;
    }
    if (d.asset !== c.asset) problems.push({ check: 'single_asset', message: `transfer ${row.id} moves ${d.asset} into a ${c.asset} account`, account: nameOf(c.id), expected: d.asset, actual: c.asset });
    if (row.amount <= 0n) problems.push({ check: 'positive_amount', message: `transfer ${row.id} has amount ${row.amount}`, account: nameOf(d.id), expected: '> 0', actual: row.amount.toString() });
    const sign = (a: AccountRow): bigint => (a.type === 'wallet' ? 1n : a.type === 'receivable' ? -1n : 0n);
    if (row.phase === 0) {
      t(d.id).dp += row.amount;
      t(c.id).cp += row.amount;
      // Available = wallet (credits - debits - pending) - receivable (debits - credits)
      bump(d.id, d.type === 'wallet' ? -row.amount : sign(d) * row.amount);
      bump(c.id, c.type === 'wallet' ? row.amount : -sign(c) * row.amount);
    } else if (row.phase === 1) {
      t(d.id).dpend += row.amount;
      t(c.id).cpend += row.amount;
      if (d.type === 'wallet') bump(d.id, -row.amount);
    } else {
      t(d.id).dpend -= row.amount;
      t(c.id).cpend -= row.amount;
      if (d.type === 'wallet') bump(d.id, row.amount);
    }
    if (row.lot_id !== null) {
      const walletSide = d.type === 'wallet' ? -1n : c.type === 'wallet' ? 1n : 0n;
      if (row.phase === 0) lotRemaining.set(row.lot_id, (lotRemaining.get(row.lot_id) ?? 0n) + walletSide * row.amount);
      else if (d.type === 'wallet') lotReserved.set(row.lot_id, (lotReserved.get(row.lot_id) ?? 0n) + (row.phase === 1 ? row.amount : -row.amount));
    }
    if (row.limit_floor !== null) {
      const key = walletOf.get(d.type === 'wallet' || d.type === 'receivable' ? d.id : c.id);
      const available = key ? (avail.get(key) ?? 0n) : 0n;
      if (available < row.limit_floor) {
        problems.push({ check: 'limit', message: `after transfer ${row.id} available was ${available}, below the floor ${row.limit_floor} it was checked against`, account: nameOf(d.id), expected: `>= ${row.limit_floor}`, actual: available.toString() });
      }
    }
  }

  const perAsset = new Map<string, Totals>();
  for (const a of accounts.values()) {
    const r = totals.get(a.id) ?? { dp: 0n, cp: 0n, dpend: 0n, cpend: 0n };
    for (const [field, stored, recomputed] of [
      ['debits_posted', a.debits_posted, r.dp],
      ['credits_posted', a.credits_posted, r.cp],
      ['debits_pending', a.debits_pending, r.dpend],
      ['credits_pending', a.credits_pending, r.cpend],
    ] as const) {
      if (stored !== recomputed) problems.push({ check: 'running_total', message: `${nameOf(a.id)} ${field} is ${stored} but the transfers sum to ${recomputed}`, account: nameOf(a.id), expected: recomputed.toString(), actual: stored.toString() });
    }
    const s = perAsset.get(a.asset) ?? { dp: 0n, cp: 0n, dpend: 0n, cpend: 0n };
    s.dp += a.debits_posted;
    s.cp += a.credits_posted;
    s.dpend += a.debits_pending;
    s.cpend += a.credits_pending;
    perAsset.set(a.asset, s);
  }
  for (const [asset, s] of perAsset) {
    if (s.dp !== s.cp) problems.push({ check: 'zero_sum', message: `${asset}: posted debits ${s.dp} != posted credits ${s.cp}`, account: null, expected: s.dp.toString(), actual: s.cp.toString() });
    if (s.dpend !== s.cpend) problems.push({ check: 'zero_sum', message: `${asset}: pending debits ${s.dpend} != pending credits ${s.cpend}`, account: null, expected: s.dpend.toString(), actual: s.cpend.toString() });
  }

  let lotCount = 0;
  const lotSumByWallet = new Map<number, bigint>();
  for (const lot of store.iterateLots()) {
    lotCount++;
    const remaining = lotRemaining.get(lot.id) ?? 0n;
    const reserved = lotReserved.get(lot.id) ?? 0n;
    if (remaining !== lot.remaining) problems.push({ check: 'lot', message: `lot ${lot.id} of ${nameOf(lot.account_id)} has remaining ${lot.remaining} but its transfers sum to ${remaining}`, account: nameOf(lot.account_id), expected: remaining.toString(), actual: lot.remaining.toString() });
    if (reserved !== lot.reserved) problems.push({ check: 'lot', message: `lot ${lot.id} of ${nameOf(lot.account_id)} has reserved ${lot.reserved} but its holds sum to ${reserved}`, account: nameOf(lot.account_id), expected: reserved.toString(), actual: lot.reserved.toString() });
    if (lot.remaining < 0n || lot.reserved < 0n || lot.reserved > lot.remaining) problems.push({ check: 'lot', message: `lot ${lot.id} is inconsistent: remaining ${lot.remaining}, reserved ${lot.reserved}`, account: nameOf(lot.account_id), expected: '0 <= reserved <= remaining', actual: `${lot.reserved} / ${lot.remaining}` });
    lotSumByWallet.set(lot.account_id, (lotSumByWallet.get(lot.account_id) ?? 0n) + lot.remaining);
  }
  const pendingByWallet = new Map<string, bigint>();
  for (const h of store.iteratePendingHolds()) pendingByWallet.set(`${h.customer_id}:${h.asset}`, (pendingByWallet.get(`${h.customer_id}:${h.asset}`) ?? 0n) + h.held);
  for (const a of accounts.values()) {
    if (a.type !== 'wallet') continue;
    const posted = a.credits_posted - a.debits_posted;
    const inLots = lotSumByWallet.get(a.id) ?? 0n;
    if (posted !== inLots) problems.push({ check: 'wallet_lots', message: `${nameOf(a.id)} holds ${posted} but its lots hold ${inLots}`, account: nameOf(a.id), expected: inLots.toString(), actual: posted.toString() });
    const held = pendingByWallet.get(`${a.customer_id}:${a.asset}`) ?? 0n;
    if (held !== a.debits_pending) problems.push({ check: 'holds', message: `${nameOf(a.id)} has ${a.debits_pending} pending but its open authorizations hold ${held}`, account: nameOf(a.id), expected: held.toString(), actual: a.debits_pending.toString() });
  }

  return { ok: problems.length === 0, checked_at: iso(now), transfers: count, accounts: accounts.size, lots: lotCount, problems };
}

import type { AccountRow, AccountType, LotRow, StackRow, Store, TransferRow } from '../../storage/store';
import { fail } from '../errors';

/** Above this a running total could overflow SQLite's signed 64-bit integer (which would silently turn it into a float). */
const MAX_TOTAL = 9_000_000_000_000_000_000n;

export type Phase = 0 | 1 | 2;
/** Lot priority when none is given: lower is consumed first, so 0-49 go before defaults. */
export const DEFAULT_PRIORITY = 50;

export const POSTED: Phase = 0;
export const PENDING: Phase = 1;
export const RELEASE: Phase = 2;

/** What a transfer is for. A closed list, so reports and the invoice can group by it. */
export type TransferKind =
  | 'top_up' // funding -> wallet (paid lot)
  | 'grant' // grants -> wallet (granted lot)
  | 'debt_repayment' // wallet -> receivable, from a new lot
  | 'usage' // wallet or receivable -> revenue: a priced event
  | 'usage_credit' // revenue -> wallet or receivable: a negative price delta, a reversal
  | 'capture' // wallet or receivable -> revenue: an explicit capture of a hold
  | 'hold' // pending wallet -> revenue
  | 'expiry' // wallet -> breakage: credit that expired
  | 'refund' // wallet -> funding: unused paid credit given back
  | 'chargeback' // wallet or receivable -> funding
  | 'adjustment'; // adjustments <-> wallet or receivable

export interface TransferMeta {
  kind: TransferKind;
  effectiveAt?: number;
  lotId?: number | null;
  authorizationId?: string | null;
  eventId?: number | null;
  chargeId?: number | null;
  periodId?: number | null;
  ref?: string | null;
  rate?: string | null;
}

/** A customer's holdings in one asset: the wallet, the receivable, the live lots, the stacks. */
export interface WalletState {
  key: string;
  customerId: number;
  asset: string;
  wallet: AccountRow;
  receivable: AccountRow;
  /** Lots that can still fund or are still reserved by a hold, in consumption order. */
  lots: LotRow[];
  usageStack: StackRow[] | null;
  repaymentStack: StackRow[] | null;
  /** The earliest instant at which a lot or a hold of this wallet expires; before it nothing needs expiring. */
  nextDeadline: number;
}

export function postedBalance(ws: WalletState): bigint {
  return ws.wallet.credits_posted - ws.wallet.debits_posted;
}
export function pendingHolds(ws: WalletState): bigint {
  return ws.wallet.debits_pending;
}
export function debtOf(ws: WalletState): bigint {
  return ws.receivable.debits_posted - ws.receivable.credits_posted;
}
/** posted - pending - debt: what the customer can still spend before touching the overdraft limit. */
export function availableOf(ws: WalletState): bigint {
  return postedBalance(ws) - pendingHolds(ws) - debtOf(ws);
}

/** Consumption order: priority, then earliest expiry (none last), then granted before paid, then oldest. */
export function compareLots(a: LotRow, b: LotRow): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.expires_at !== b.expires_at) {
    if (a.expires_at === null) return 1;
    if (b.expires_at === null) return -1;
    return a.expires_at - b.expires_at;
  }
  if (a.kind !== b.kind) return a.kind === 'granted' ? -1 : 1;
  return a.id - b.id;
}

export const freeOf = (lot: LotRow): bigint => lot.remaining - lot.reserved;

/**
 * The books: accounts, lots and consumption stacks, cached in memory and written through to the
 * store on every change. Within a batch each operation runs in a savepoint; if it fails, the
 * savepoint rolls back and `evictTouched` drops every cached object it changed, so the cache never
 * holds a state the database does not.
 */
export class Books {
  private readonly system = new Map<string, AccountRow>();
  private readonly wallets = new Map<string, WalletState>();
  private touchedWallets = new Set<string>();
  private touchedSystem = new Set<string>();
  /** Id of the last transfer written, for the limit floor of a checked operation. */
  lastTransferId = 0;
  /** Called with each written transfer (live updates, metrics); set by the engine. */
  onTransfer: ((t: Omit<TransferRow, 'id'> & { id: number }) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
  ) {}

  systemAccount(asset: string, type: AccountType): AccountRow {
    const key = `${asset}:${type}`;
    let a = this.system.get(key);
    if (!a) {
      a = this.store.getSystemAccount(asset, type);
      if (!a) {
        const id = this.store.insertAccount({ customer_id: null, asset, type, overdraft_limit: 0n, created_at: this.now() });
        a = { id, customer_id: null, asset, type, debits_posted: 0n, credits_posted: 0n, debits_pending: 0n, credits_pending: 0n, overdraft_limit: 0n };
      }
      this.system.set(key, a);
    }
    return a;
  }

  /** The wallet state of a customer in an asset, creating its accounts on first use. */
  wallet(customerId: number, asset: string): WalletState {
    const key = `${customerId}:${asset}`;
    let ws = this.wallets.get(key);
    if (ws) return ws;
    const now = this.now();
    let wallet = this.store.getCustomerAccount(customerId, asset, 'wallet');
    if (!wallet) {
      const id = this.store.insertAccount({ customer_id: customerId, asset, type: 'wallet', overdraft_limit: 0n, created_at: now });
      wallet = { id, customer_id: customerId, asset, type: 'wallet', debits_posted: 0n, credits_posted: 0n, debits_pending: 0n, credits_pending: 0n, overdraft_limit: 0n };
      this.touchedWallets.add(key);
    }
    let receivable = this.store.getCustomerAccount(customerId, asset, 'receivable');
    if (!receivable) {
      const id = this.store.insertAccount({ customer_id: customerId, asset, type: 'receivable', overdraft_limit: 0n, created_at: now });
      receivable = { id, customer_id: customerId, asset, type: 'receivable', debits_posted: 0n, credits_posted: 0n, debits_pending: 0n, credits_pending: 0n, overdraft_limit: 0n };
      this.touchedWallets.add(key);
    }
    const lots = this.store.listLiveLots(wallet.id).sort(compareLots);
    ws = { key, customerId, asset, wallet, receivable, lots, usageStack: null, repaymentStack: null, nextDeadline: -Infinity };
    this.wallets.set(key, ws);
    return ws;
  }

  /** Marks a wallet as changed by the current operation (so a rollback evicts it). */
  touch(ws: WalletState): void {
    this.touchedWallets.add(ws.key);
  }

  post(debit: AccountRow, credit: AccountRow, amount: bigint, phase: Phase, meta: TransferMeta): number {
    if (amount <= 0n) throw new Error(`transfer amount must be positive, got ${amount}`);
    if (debit.asset !== credit.asset) throw new Error(`transfer across assets ${debit.asset} -> ${credit.asset}`);
    this.markAccount(debit);
    this.markAccount(credit);
    if (phase === POSTED) {
      debit.debits_posted += amount;
      credit.credits_posted += amount;
    } else if (phase === PENDING) {
      debit.debits_pending += amount;
      credit.credits_pending += amount;
    } else {
      debit.debits_pending -= amount;
      credit.credits_pending -= amount;
      if (debit.debits_pending < 0n || credit.credits_pending < 0n) throw new Error('released more than was pending');
    }
    if (debit.debits_posted > MAX_TOTAL || credit.credits_posted > MAX_TOTAL || debit.debits_pending > MAX_TOTAL || credit.credits_pending > MAX_TOTAL) {
      fail('amount_overflow', 'This transfer would overflow an account total (64-bit minor units).');
    }
    this.store.updateAccountTotals(debit);
    this.store.updateAccountTotals(credit);
    const now = this.now();
    const row = {
      created_at: now,
      effective_at: meta.effectiveAt ?? now,
      debit_account_id: debit.id,
      credit_account_id: credit.id,
      amount,
      phase,
      kind: meta.kind,
      lot_id: meta.lotId ?? null,
      authorization_id: meta.authorizationId ?? null,
      event_id: meta.eventId ?? null,
      charge_id: meta.chargeId ?? null,
      period_id: meta.periodId ?? null,
      ref: meta.ref ?? null,
      rate: meta.rate ?? null,
      limit_floor: null,
    };
    const id = this.store.insertTransfer(row);
    this.lastTransferId = id;
    this.onTransfer?.({ ...row, id });
    return id;
  }

  private markAccount(a: AccountRow): void {
    if (a.customer_id === null) this.touchedSystem.add(`${a.asset}:${a.type}`);
    else this.touchedWallets.add(`${a.customer_id}:${a.asset}`);
  }

  // ------------------------------------------------------------ lots
  insertLot(ws: WalletState, lot: Omit<LotRow, 'id' | 'account_id'>): LotRow {
    this.touch(ws);
    const row = { ...lot, account_id: ws.wallet.id };
    const id = this.store.insertLot(row);
    const full: LotRow = { ...row, id };
    ws.lots.push(full);
    ws.lots.sort(compareLots);
    if (full.expires_at !== null && full.expires_at < ws.nextDeadline) ws.nextDeadline = full.expires_at;
    return full;
  }

  saveLot(ws: WalletState, lot: LotRow): void {
    this.touch(ws);
    this.store.updateLot(lot);
    if (lot.expired && lot.reserved === 0n) {
      const i = ws.lots.indexOf(lot);
      if (i >= 0) ws.lots.splice(i, 1);
    }
  }

  /** A lot by id: from the live list, or (expired and settled) from the store. */
  lot(ws: WalletState, id: number): LotRow {
    const live = ws.lots.find((l) => l.id === id);
    if (live) return live;
    const row = this.store.getLot(id);
    if (!row) throw new Error(`lot ${id} not found`);
    return row;
  }

  // ------------------------------------------------------------ consumption stacks
  stack(ws: WalletState, which: 'usage' | 'repayment'): StackRow[] {
    if (which === 'usage') return (ws.usageStack ??= this.store.listStack(ws.wallet.id, 'usage'));
    return (ws.repaymentStack ??= this.store.listStack(ws.wallet.id, 'repayment'));
  }

  push(ws: WalletState, which: 'usage' | 'repayment', lotId: number | null, amount: bigint): void {
    if (amount <= 0n) return;
    this.touch(ws);
    const s = this.stack(ws, which);
    const top = s[s.length - 1];
    if (top && top.lot_id === lotId) {
      top.amount += amount;
      this.store.updateStack(top.id, top.amount);
      return;
    }
    const row = { account_id: ws.wallet.id, stack: which, lot_id: lotId, amount };
    const id = this.store.insertStack(row);
    s.push({ ...row, id });
  }

  /** Takes up to `amount` off the top of a stack; returns the pieces, most recent first. */
  pop(ws: WalletState, which: 'usage' | 'repayment', amount: bigint): { lotId: number | null; amount: bigint }[] {
    this.touch(ws);
    const s = this.stack(ws, which);
    const out: { lotId: number | null; amount: bigint }[] = [];
    let rest = amount;
    while (rest > 0n && s.length) {
      const top = s[s.length - 1]!;
      const take = top.amount < rest ? top.amount : rest;
      out.push({ lotId: top.lot_id, amount: take });
      rest -= take;
      top.amount -= take;
      if (top.amount === 0n) {
        this.store.deleteStack(top.id);
        s.pop();
      } else {
        this.store.updateStack(top.id, top.amount);
      }
    }
    return out;
  }

  // ------------------------------------------------------------ rollback support
  /** Starts tracking what the next operation changes. */
  beginOp(): void {
    this.touchedWallets.clear();
    this.touchedSystem.clear();
  }
  /** The operation rolled back: forget every cached object it changed; they reload from the store. */
  evictTouched(): void {
    for (const k of this.touchedWallets) this.wallets.delete(k);
    for (const k of this.touchedSystem) this.system.delete(k);
    this.touchedWallets.clear();
    this.touchedSystem.clear();
  }
  evictAll(): void {
    this.wallets.clear();
    this.system.clear();
  }
  /** Drops a wallet from the cache (after a raw change outside the books, e.g. an overdraft limit update). */
  forget(customerId: number, asset: string): void {
    this.wallets.delete(`${customerId}:${asset}`);
  }
  cachedWallet(customerId: number, asset: string): WalletState | undefined {
    return this.wallets.get(`${customerId}:${asset}`);
  }
}

import type { AccountRow, AccountType, LotRow, Store, TransferRow } from '../../storage/store';
import { fail } from '../errors';
import { ConsumptionStack, type StackEntry } from './consumption-stack';
import { dropOldest, setAsNewest } from '../cache-bound';

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
  | 'closure' // wallet -> breakage: unused credit kept when a customer was closed
  | 'refund' // wallet -> funding: unused paid credit given back
  | 'chargeback' // wallet or receivable -> funding
  | 'adjustment' // adjustments <-> wallet or receivable
  | 'fee' // wallet or receivable -> revenue: a plan's fixed fee (negative: revenue -> back, unused part)
  | 'minimum_commitment' // wallet or receivable -> revenue: true-up to the plan's minimum
  | 'discount' // revenue -> wallet or receivable: a coupon on postpaid usage
  | 'credit_applied' // wallet -> receivable: prepaid credit paying an invoice
  | 'tax' // wallet or receivable -> tax (or revenue -> tax for tax-inclusive prices)
  | 'payment' // funding -> receivable: an invoice paid outside Tollgate
  | 'void' // revenue -> wallet or receivable: a voided invoice taken back
  | 'credit_note' // revenue -> wallet, receivable or refunds
  | 'reissue'; // wallet or receivable -> revenue: the charges of a reissued invoice

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

export type { StackEntry } from './consumption-stack';

/** A customer's holdings in one asset: the wallet, the receivable, the live lots, the stacks. */
export interface WalletState {
  key: string;
  customerId: number;
  asset: string;
  wallet: AccountRow;
  receivable: AccountRow;
  /** Lots that can still fund or are still reserved by a hold, in consumption order. */
  lots: LotRow[];
  /** Every lot of this wallet loaded so far, by id (including expired ones). */
  known: Map<number, LotRow>;
  /** Loaded on first use. */
  usageStack: ConsumptionStack | null;
  repaymentStack: ConsumptionStack | null;
  /** The earliest instant at which a lot or a hold of this wallet expires; before it nothing needs expiring. */
  nextDeadline: number;
  /** The write-back (see Books.flush) during whose batch the wallet was last used: the cache's order. */
  usedInBatch: number;
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
 * How many wallets (a customer's accounts, live lots and stacks in one asset) stay cached between
 * batches: about 1.5 KB each, so without a bound memory grew with the number of customers (15 MB
 * per 10,000). With the benchmark's Zipf-skewed traffic the busiest 2,500 of 10,000 customers send
 * about 91 % of the events (5,000: 96 %). Halving the bound from 5,000 took 13 MiB off the serve
 * process after a batch load, at the end and at its peak, for about 5 % of the ingestion rate
 * (docs/performance.md).
 */
export const CACHED_WALLETS = 2_500;

/**
 * The books: accounts, lots and consumption stacks, cached in memory. Changes are written back to
 * the store once per batch (`flush`, just before COMMIT), so a hot account such as revenue costs
 * one UPDATE per batch rather than one per event. Every first change of an object within an
 * operation records how to undo it; if the operation fails, its savepoint rolls back the rows it
 * wrote and the journal restores the objects it changed, so the cache never holds a state the
 * database will not.
 */
export class Books {
  private readonly system = new Map<string, AccountRow>();
  /** Wallet states, least recently used first (see CACHED_WALLETS). */
  private readonly wallets = new Map<string, WalletState>();
  /** The wallet cache's bound (tests set a tiny one to show the bound changes nothing but memory). */
  cacheLimit = CACHED_WALLETS;
  /** Write-backs so far: the batch a wallet was last used in (WalletState.usedInBatch). */
  private batches = 0;
  private readonly dirtyAccounts = new Set<AccountRow>();
  private readonly dirtyLots = new Set<LotRow>();
  private readonly dirtyStacks = new Set<WalletState>();
  /** Objects already journaled in the current operation. */
  private journaled = new Set<object>();
  /** Id of the last transfer written, for the limit floor of a checked operation. */
  lastTransferId = 0;
  /**
   * While an event's debits are posted: the time the event happened (its `timestamp`), which may
   * be long before now for usage sent late. The burn rate reads it (stats.ts); the ledger does not.
   */
  eventAt: number | null = null;
  /** Called with each written transfer (live updates, metrics); set by the engine. */
  onTransfer: ((t: Omit<TransferRow, 'id'> & { id: number }) => void) | null = null;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    private readonly onUndo: (fn: () => void) => void,
  ) {}

  systemAccount(asset: string, type: AccountType): AccountRow {
    const key = `${asset}:${type}`;
    let a = this.system.get(key);
    if (!a) {
      a = this.store.getSystemAccount(asset, type);
      if (!a) {
        const id = this.store.insertAccount({ customer_id: null, asset, type, overdraft_limit: 0n, created_at: this.now() });
        a = { id, customer_id: null, asset, type, debits_posted: 0n, credits_posted: 0n, debits_pending: 0n, credits_pending: 0n, overdraft_limit: 0n };
        this.onUndo(() => this.system.delete(key));
      }
      this.system.set(key, a);
    }
    return a;
  }

  /** The wallet state of a customer in an asset, creating its accounts on first use. */
  wallet(customerId: number, asset: string): WalletState {
    const key = `${customerId}:${asset}`;
    let ws = this.wallets.get(key);
    if (ws) {
      // Most recently used last, so the trim after a batch drops the coldest. Once per batch is
      // enough for that order: moving an entry costs a Map delete and insert (and, every few
      // thousand moves, a copy of the whole table), and an event asks for its wallet several times.
      if (ws.usedInBatch !== this.batches) {
        ws.usedInBatch = this.batches;
        setAsNewest(this.wallets, key, ws);
      }
      return ws;
    }
    const now = this.now();
    let created = false;
    let wallet = this.store.getCustomerAccount(customerId, asset, 'wallet');
    if (!wallet) {
      const id = this.store.insertAccount({ customer_id: customerId, asset, type: 'wallet', overdraft_limit: 0n, created_at: now });
      wallet = { id, customer_id: customerId, asset, type: 'wallet', debits_posted: 0n, credits_posted: 0n, debits_pending: 0n, credits_pending: 0n, overdraft_limit: 0n };
      created = true;
    }
    let receivable = this.store.getCustomerAccount(customerId, asset, 'receivable');
    if (!receivable) {
      const id = this.store.insertAccount({ customer_id: customerId, asset, type: 'receivable', overdraft_limit: 0n, created_at: now });
      receivable = { id, customer_id: customerId, asset, type: 'receivable', debits_posted: 0n, credits_posted: 0n, debits_pending: 0n, credits_pending: 0n, overdraft_limit: 0n };
      created = true;
    }
    const lots = this.store.listLiveLots(wallet.id).sort(compareLots);
    ws = { key, customerId, asset, wallet, receivable, lots, known: new Map(lots.map((l) => [l.id, l])), usageStack: null, repaymentStack: null, nextDeadline: -Infinity, usedInBatch: this.batches };
    this.wallets.set(key, ws);
    // Rows inserted by a failing operation vanish with its savepoint: so must the cache entry.
    if (created) this.onUndo(() => this.wallets.delete(key));
    return ws;
  }

  /**
   * Journals the wallet's own fields (live lot list, deadline) before the operation changes them.
   * The stacks journal themselves (see ConsumptionStack): copying them here would cost their length.
   */
  touch(ws: WalletState): void {
    if (this.journaled.has(ws)) return;
    this.journaled.add(ws);
    const lots = ws.lots.slice();
    const deadline = ws.nextDeadline;
    this.onUndo(() => {
      ws.lots = lots;
      ws.nextDeadline = deadline;
    });
  }

  private touchAccount(a: AccountRow): void {
    if (this.journaled.has(a)) return;
    this.journaled.add(a);
    const { debits_posted, credits_posted, debits_pending, credits_pending } = a;
    this.onUndo(() => Object.assign(a, { debits_posted, credits_posted, debits_pending, credits_pending }));
    this.dirtyAccounts.add(a);
  }

  private touchLot(lot: LotRow): void {
    if (this.journaled.has(lot)) return;
    this.journaled.add(lot);
    const { remaining, reserved, expired } = lot;
    this.onUndo(() => Object.assign(lot, { remaining, reserved, expired }));
    this.dirtyLots.add(lot);
  }

  /**
   * One transfer. `lotId` and `kind` override the meta's for the posts of one draw (passed apart
   * rather than as `{ ...meta, lotId }`: V8 gives every object made by a spread followed by a new
   * property a map of its own, which made each transfer allocate one).
   */
  post(debit: AccountRow, credit: AccountRow, amount: bigint, phase: Phase, meta: TransferMeta, lotId: number | null = meta.lotId ?? null, kind: TransferKind = meta.kind): number {
    if (amount <= 0n) throw new Error(`transfer amount must be positive, got ${amount}`);
    if (debit.asset !== credit.asset) throw new Error(`transfer across assets ${debit.asset} -> ${credit.asset}`);
    this.touchAccount(debit);
    this.touchAccount(credit);
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
    const now = this.now();
    const row = {
      id: 0,
      created_at: now,
      effective_at: meta.effectiveAt ?? now,
      debit_account_id: debit.id,
      credit_account_id: credit.id,
      amount,
      phase,
      kind,
      lot_id: lotId,
      authorization_id: meta.authorizationId ?? null,
      event_id: meta.eventId ?? null,
      charge_id: meta.chargeId ?? null,
      period_id: meta.periodId ?? null,
      ref: meta.ref ?? null,
      rate: meta.rate ?? null,
      limit_floor: null,
    };
    const id = (row.id = this.store.insertTransfer(row));
    this.lastTransferId = id;
    this.onTransfer?.(row);
    return id;
  }

  // ------------------------------------------------------------ lots
  insertLot(ws: WalletState, lot: Omit<LotRow, 'id' | 'account_id'>): LotRow {
    this.touch(ws);
    // The new fields go before the spread: V8 gives every object made by a spread followed by a new
    // property (`{ ...lot, id }`) a map of its own, and lots stay cached.
    const full: LotRow = { id: 0, account_id: ws.wallet.id, ...lot };
    const id = (full.id = this.store.insertLot(full));
    ws.lots = [...ws.lots, full].sort(compareLots);
    ws.known.set(id, full);
    if (full.expires_at !== null && full.expires_at < ws.nextDeadline) ws.nextDeadline = full.expires_at;
    return full;
  }

  /**
   * Changes a lot's remaining and reserved credit (and may mark it expired). A lot that has expired
   * and holds no reservation leaves the live list: it can fund nothing any more.
   */
  changeLot(ws: WalletState, lot: LotRow, remainingDelta: bigint, reservedDelta: bigint, expire = false): void {
    this.touch(ws);
    this.touchLot(lot);
    lot.remaining += remainingDelta;
    lot.reserved += reservedDelta;
    if (expire) lot.expired = 1;
    if (lot.remaining < 0n || lot.reserved < 0n || lot.reserved > lot.remaining) throw new Error(`lot ${lot.id} would become inconsistent: remaining ${lot.remaining}, reserved ${lot.reserved}`);
    if (lot.expired && lot.reserved === 0n && ws.lots.includes(lot)) ws.lots = ws.lots.filter((l) => l !== lot);
  }

  /** A lot by id: from the wallet's lots seen so far, else from the store. */
  lot(ws: WalletState, id: number): LotRow {
    let lot = ws.known.get(id);
    if (lot) return lot;
    lot = this.store.getLot(id);
    if (!lot) throw new Error(`lot ${id} not found`);
    ws.known.set(id, lot);
    return lot;
  }

  // ------------------------------------------------------------ consumption stacks
  stack(ws: WalletState, which: 'usage' | 'repayment'): ConsumptionStack {
    if (which === 'usage') return (ws.usageStack ??= new ConsumptionStack(this.store.listStack(ws.wallet.id, 'usage')));
    return (ws.repaymentStack ??= new ConsumptionStack(this.store.listStack(ws.wallet.id, 'repayment')));
  }

  /** The stack, journaled for the current operation before its first change. */
  private changing(ws: WalletState, which: 'usage' | 'repayment'): ConsumptionStack {
    const s = this.stack(ws, which);
    if (!this.journaled.has(s)) {
      this.journaled.add(s);
      this.onUndo(s.beginChange());
    }
    this.dirtyStacks.add(ws);
    return s;
  }

  push(ws: WalletState, which: 'usage' | 'repayment', lotId: number | null, amount: bigint): void {
    if (amount <= 0n) return;
    this.changing(ws, which).push(lotId, amount);
  }

  /** Takes up to `amount` drawn from one lot off a stack, wherever it lies (see ConsumptionStack.withdraw). */
  withdraw(ws: WalletState, which: 'usage' | 'repayment', lotId: number, amount: bigint): bigint {
    return this.changing(ws, which).withdraw(lotId, amount);
  }

  /** Takes up to `amount` off the top of a stack; returns the pieces, most recent first. */
  pop(ws: WalletState, which: 'usage' | 'repayment', amount: bigint): StackEntry[] {
    return this.changing(ws, which).pop(amount);
  }

  // ------------------------------------------------------------ batch lifecycle
  /** Starts journaling the next operation. */
  beginOp(): void {
    this.journaled = new Set();
  }

  /** Writes every changed account, lot and stack: once per batch, just before COMMIT. */
  flush(): void {
    for (const a of this.dirtyAccounts) this.store.updateAccountTotals(a);
    for (const l of this.dirtyLots) this.store.updateLot(l);
    for (const ws of this.dirtyStacks) {
      ws.usageStack?.flush(this.store, ws.wallet.id, 'usage');
      ws.repaymentStack?.flush(this.store, ws.wallet.id, 'repayment');
    }
    this.dirtyAccounts.clear();
    this.dirtyLots.clear();
    this.dirtyStacks.clear();
    // Everything is written back and no operation is running: a wallet dropped now is read back
    // from its rows, whole, the next time it is needed.
    dropOldest(this.wallets, this.cacheLimit);
    this.batches++;
  }

  /** How many wallets are cached (tests). */
  get cachedWallets(): number {
    return this.wallets.size;
  }

  /** The batch rolled back: nothing cached can be trusted. */
  evictAll(): void {
    this.wallets.clear();
    this.system.clear();
    this.dirtyAccounts.clear();
    this.dirtyLots.clear();
    this.dirtyStacks.clear();
  }

  /** Drops a wallet from the cache (after a raw change outside the books, e.g. an overdraft limit update). */
  forget(customerId: number, asset: string): void {
    this.wallets.delete(`${customerId}:${asset}`);
  }
  cachedWallet(customerId: number, asset: string): WalletState | undefined {
    return this.wallets.get(`${customerId}:${asset}`);
  }
}

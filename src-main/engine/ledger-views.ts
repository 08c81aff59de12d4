import type { z } from 'zod';
import type { Balances, ListTransfers, Transfer } from '../../shared/contract/ledger';
import type { AccountRow, TransferRow } from '../storage/store';
import type { Assets } from './assets';
import type { Authorizations } from './authorizations';
import type { EngineContext } from './context';
import type { Customers } from './customers';
import { decodeNumericCursor, encodeCursor, iso, isoOrNull } from './format';
import { availableOf, debtOf, pendingHolds, postedBalance } from './ledger/books';
import { parseTimestampField } from './timestamps';

const PHASES = ['posted', 'pending', 'released'] as const;

/** Read models of the ledger: balances per customer and the transfer journal. */
export class LedgerViews {
  private readonly accountNames = new Map<number, { name: string; asset: string }>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly assets: Assets,
    private readonly authorizations: Authorizations,
  ) {}

  /** Runs inside a writer operation: expiries that are due are applied first, so the numbers are current. */
  balances(externalId: string): z.output<typeof Balances> {
    const customer = this.customers.require(externalId);
    const assets = [...new Set(this.ctx.store.listCustomerAccounts(customer.id).map((a) => a.asset))];
    const now = this.ctx.now();
    return {
      customer: customer.external_id,
      as_of: iso(now),
      balances: assets.map((asset) => {
        const ws = this.ctx.books.wallet(customer.id, asset);
        this.authorizations.applyDeadlines(ws);
        return {
          asset,
          scale: this.assets.require(asset).scale,
          posted: postedBalance(ws).toString(),
          pending: pendingHolds(ws).toString(),
          debt: debtOf(ws).toString(),
          available: availableOf(ws).toString(),
          overdraft_limit: ws.wallet.overdraft_limit.toString(),
          lots: ws.lots
            .filter((l) => !l.expired)
            .map((l) => ({
              id: String(l.id),
              kind: l.kind,
              source: l.source,
              amount: l.amount.toString(),
              remaining: l.remaining.toString(),
              reserved: l.reserved.toString(),
              priority: l.priority,
              expires_at: isoOrNull(l.expires_at),
              created_at: iso(l.created_at),
            })),
        };
      }),
    };
  }

  accountName(id: number): { name: string; asset: string } {
    let n = this.accountNames.get(id);
    if (!n) {
      // One row by its key: an account created since the names were warmed (a new customer's wallet).
      const row = this.ctx.store.getAccount(id);
      n = row ? this.nameOf(row) : { name: `account:${id}`, asset: '?' };
      this.accountNames.set(id, n);
    }
    return n;
  }

  private nameOf(a: AccountRow): { name: string; asset: string } {
    if (a.customer_id === null) return { name: `system:${a.asset}:${a.type}`, asset: a.asset };
    const c = this.customers.byInternalId(a.customer_id);
    return { name: `customer:${c.external_id}:${a.asset}:${a.type}`, asset: a.asset };
  }

  /** Preloads names of all accounts (one query) before rendering a page of transfers. */
  private warmNames(): void {
    if (this.accountNames.size) return;
    for (const a of this.ctx.store.listAllAccounts()) this.accountNames.set(a.id, this.nameOf(a));
  }

  listTransfers(input: z.output<typeof ListTransfers>) {
    const limit = input.limit ?? 50;
    const desc = input.order === 'desc';
    const cursor = decodeNumericCursor(input.cursor);
    const now = this.ctx.now();
    let accountIds: number[] | null = null;
    if (input.customer) {
      const c = this.customers.require(input.customer);
      accountIds = this.ctx.store
        .listCustomerAccounts(c.id)
        .filter((a) => !input.asset || a.asset === input.asset)
        .map((a) => a.id);
    } else if (input.asset) {
      accountIds = this.ctx.store
        .listAllAccounts()
        .filter((a) => a.asset === input.asset)
        .map((a) => a.id);
    }
    const rows = this.ctx.store.listTransfers({
      accountIds,
      afterId: desc ? null : cursor,
      beforeId: desc ? cursor : null,
      from: parseTimestampField(input.from, 'from', now),
      to: parseTimestampField(input.to, 'to', now),
      desc,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    this.warmNames();
    return { data: page.map((t) => this.transferToApi(t)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  transferToApi(t: TransferRow): z.output<typeof Transfer> {
    const debit = this.accountName(t.debit_account_id);
    const credit = this.accountName(t.credit_account_id);
    return {
      id: String(t.id),
      created_at: iso(t.created_at),
      effective_at: iso(t.effective_at),
      asset: debit.asset,
      debit_account: debit.name,
      credit_account: credit.name,
      amount: t.amount.toString(),
      phase: PHASES[t.phase],
      kind: t.kind,
      lot_id: t.lot_id === null ? null : String(t.lot_id),
      authorization_id: t.authorization_id,
      transaction_id: t.event_id === null ? null : (this.ctx.store.transactionIdOf(t.event_id) ?? null),
      charge_id: t.charge_id === null ? null : String(t.charge_id),
      ref: t.ref,
      rate: t.rate,
    };
  }

  forgetAccountNames(): void {
    this.accountNames.clear();
  }
}

import type { z } from 'zod';
import { isValidTimeZone } from '../../shared/time';
import type { CreateCustomer, Customer, UpdateCustomer } from '../../shared/contract/ledger';
import type { CustomerRow, CustomerStatusFilter } from '../storage/store';
import type { Assets } from './assets';
import type { EngineContext } from './context';
import { fail } from './errors';
import { decodeNumericCursor, encodeCursor, iso, parseJsonObject } from './format';
import { dropOldest } from './cache-bound';
import type { SpendCaps } from './spend';

type CustomerInput = z.output<typeof CreateCustomer> | z.output<typeof UpdateCustomer>;

/** Refuses new business for a closed customer (events, holds, top-ups, subscriptions); replays still answer. */
export function assertOpen(c: CustomerRow): void {
  if (c.status === 'closed') fail('customer_closed', `Customer ${JSON.stringify(c.external_id)} is closed: it takes no new events, holds, top-ups or subscriptions.`, { customer: c.external_id });
}

/**
 * Customer rows kept in memory, oldest first, trimmed to this many when a batch commits (a row not
 * cached is read back by the next lookup, one indexed read). Rows are replaced, never changed in
 * place, so a dropped row cannot go stale anywhere. 10,000 rows are about 4.4 MB.
 */
export const CACHED_CUSTOMERS = 10_000;

export class Customers {
  private readonly byExternal = new Map<string, CustomerRow>();
  private readonly byId = new Map<number, CustomerRow>();
  /** The cache's bound (tests set a tiny one to show the bound changes nothing but memory). */
  cacheLimit = CACHED_CUSTOMERS;

  constructor(
    private readonly ctx: EngineContext,
    private readonly assets: Assets,
    private readonly caps: SpendCaps,
  ) {
    ctx.registerCache(() => {
      this.byExternal.clear();
      this.byId.clear();
    });
    ctx.registerTrim(() => dropOldest(this.byExternal, this.cacheLimit, (c) => this.byId.delete(c.id)));
  }

  /** How many customers are cached (tests). */
  get cachedCustomers(): number {
    return this.byExternal.size;
  }

  find(externalId: string): CustomerRow | undefined {
    let c = this.byExternal.get(externalId);
    if (!c) {
      c = this.ctx.store.getCustomerByExternalId(externalId);
      if (c) this.remember(c);
    }
    return c;
  }

  require(externalId: string): CustomerRow {
    return this.find(externalId) ?? fail('customer_not_found', `No customer has external_id ${JSON.stringify(externalId)}.`, { customer: externalId });
  }

  byInternalId(id: number): CustomerRow {
    let c = this.byId.get(id);
    if (!c) {
      c = this.ctx.store.getCustomer(id);
      if (!c) throw new Error(`customer ${id} missing`);
      this.remember(c);
    }
    return c;
  }

  private remember(c: CustomerRow): void {
    this.byExternal.set(c.external_id, c);
    this.byId.set(c.id, c);
  }

  private forget(c: CustomerRow): void {
    this.byExternal.delete(c.external_id);
    this.byId.delete(c.id);
  }

  create(input: z.output<typeof CreateCustomer>): z.output<typeof Customer> {
    const now = this.ctx.now();
    if (this.find(input.external_id)) fail('already_exists', `A customer with external_id ${JSON.stringify(input.external_id)} exists already.`, { customer: input.external_id });
    this.validate(input);
    const row: Omit<CustomerRow, 'id' | 'status' | 'closed_at' | 'erased_at'> = {
      external_id: input.external_id,
      name: input.name ?? null,
      email: input.email ?? null,
      metadata: JSON.stringify(input.metadata ?? {}),
      on_insufficient_funds: input.on_insufficient_funds ?? 'record_as_debt',
      billing_mode: input.billing_mode ?? 'prepaid',
      billing_timezone: input.billing_timezone ?? null,
      legal_name: input.legal_name ?? null,
      address: JSON.stringify(input.address ?? []),
      country: input.country ?? null,
      tax_id: input.tax_id ?? null,
      currency: input.currency ?? null,
      language: input.language ?? null,
      invoice_emails: JSON.stringify(input.invoice_emails ?? []),
      tax_rate: input.tax_rate ?? null,
      tax_treatment: input.tax_treatment ?? 'standard',
      tax_note: input.tax_note ?? null,
      payment_terms_days: input.payment_terms_days ?? null,
      created_at: now,
      updated_at: now,
    };
    const id = this.ctx.store.insertCustomer(row);
    // The new fields first: V8 gives every object made by a spread followed by a new property a map of its own.
    const full: CustomerRow = { id, status: 'active', closed_at: null, erased_at: null, ...row };
    this.ctx.onUndo(() => this.forget(full));
    this.remember(full);
    this.applyLimits(full, input);
    this.ctx.emit({ type: 'customer', customer: full.external_id, id: full.external_id });
    return this.toApi(full);
  }

  update(input: z.output<typeof UpdateCustomer>): z.output<typeof Customer> {
    const current = this.require(input.external_id);
    if (current.status === 'closed') fail('customer_closed', `Customer ${JSON.stringify(current.external_id)} is closed; its record can no longer change.`, { customer: current.external_id });
    this.validate(input);
    const next: CustomerRow = {
      ...current,
      name: input.name !== undefined ? input.name : current.name,
      email: input.email !== undefined ? input.email : current.email,
      metadata: input.metadata !== undefined ? JSON.stringify(input.metadata) : current.metadata,
      on_insufficient_funds: input.on_insufficient_funds ?? current.on_insufficient_funds,
      billing_mode: input.billing_mode ?? current.billing_mode,
      legal_name: input.legal_name !== undefined ? input.legal_name : current.legal_name,
      address: input.address !== undefined ? JSON.stringify(input.address) : current.address,
      country: input.country !== undefined ? input.country : current.country,
      tax_id: input.tax_id !== undefined ? input.tax_id : current.tax_id,
      currency: input.currency !== undefined ? input.currency : current.currency,
      language: input.language !== undefined ? input.language : current.language,
      invoice_emails: input.invoice_emails !== undefined ? JSON.stringify(input.invoice_emails) : current.invoice_emails,
      tax_rate: input.tax_rate !== undefined ? input.tax_rate : current.tax_rate,
      tax_treatment: input.tax_treatment ?? current.tax_treatment,
      tax_note: input.tax_note !== undefined ? input.tax_note : current.tax_note,
      payment_terms_days: input.payment_terms_days !== undefined ? input.payment_terms_days : current.payment_terms_days,
      billing_timezone: input.billing_timezone !== undefined ? input.billing_timezone : current.billing_timezone,
      status: input.status ?? current.status,
      updated_at: this.ctx.now(),
    };
    this.save(current, next);
    this.applyLimits(next, input);
    this.ctx.emit({ type: 'customer', customer: next.external_id, id: next.external_id });
    return this.toApi(next);
  }

  /** Writes a changed row and keeps the caches right (also on rollback, and when the external id changes). */
  save(current: CustomerRow, next: CustomerRow): void {
    this.ctx.store.updateCustomer(next);
    this.ctx.onUndo(() => {
      this.forget(next);
      this.remember(current);
    });
    this.forget(current);
    this.remember(next);
  }


  private validate(input: CustomerInput): void {
    if (input.billing_timezone && !isValidTimeZone(input.billing_timezone)) {
      fail('validation_failed', `billing_timezone ${JSON.stringify(input.billing_timezone)} is not an IANA time zone.`, { issues: [{ path: ['billing_timezone'], message: 'unknown time zone' }] });
    }
    if (input.currency) this.requireInvoiceCurrency(input.currency);
    for (const l of input.overdraft_limits ?? []) this.assets.require(l.asset);
    for (const c of input.spend_caps ?? []) this.assets.require(c.asset);
  }

  /**
   * A customer's `currency` is what its invoices are drafted, posted and printed in, so it must be
   * a fiat asset of the ledger: an unknown code is refused as an unknown asset (as a top-up's is),
   * a custom asset (tokens, GPU hours) as invalid, each naming the field and the fiat assets there are.
   */
  private requireInvoiceCurrency(code: string): void {
    const asset = this.assets.find(code);
    if (asset?.kind === 'fiat') return;
    const fiat = this.ctx.store
      .listAssets(null, 10_000)
      .filter((a) => a.kind === 'fiat')
      .map((a) => a.code);
    const shown = fiat.length > 20 ? `${fiat.slice(0, 20).join(', ')} and ${fiat.length - 20} more` : fiat.join(', ');
    const allowed = fiat.length ? `a fiat asset (${shown})` : 'a fiat asset, and there is none yet: create one with POST /v1/assets (e.g. {"code": "EUR"})';
    const details = { asset: code, field: 'currency', fiat_assets: fiat };
    if (!asset) {
      const iso = typeof Intl.supportedValuesOf === 'function' && Intl.supportedValuesOf('currency').includes(code);
      fail('asset_not_found', `currency ${code}: no asset has this code. A customer's currency must be ${allowed}, or null for the operator's default currency.${iso ? ` To invoice in ${code}, create it first with POST /v1/assets.` : ''}`, details);
    }
    fail('validation_failed', `currency ${code} is a custom asset; a customer's currency must be ${allowed}, or null for the operator's default currency.`, {
      ...details,
      issues: [{ path: ['currency'], message: fiat.length ? `not a fiat asset: choose ${shown}` : 'not a fiat asset (there is none yet)' }],
    });
  }

  private applyLimits(c: CustomerRow, input: CustomerInput): void {
    const { books, store } = this.ctx;
    for (const l of input.overdraft_limits ?? []) {
      const ws = books.wallet(c.id, l.asset);
      const previous = ws.wallet.overdraft_limit;
      this.ctx.onUndo(() => (ws.wallet.overdraft_limit = previous));
      ws.wallet.overdraft_limit = l.amount;
      store.updateOverdraftLimit(ws.wallet.id, l.amount);
    }
    for (const cap of input.spend_caps ?? []) this.caps.set(c.id, cap.asset, cap.window, cap.amount, this.timezoneOf(c));
  }

  timezoneOf(c: CustomerRow): string {
    return c.billing_timezone ?? this.ctx.settings.billingTimezone;
  }

  get(externalId: string): z.output<typeof Customer> {
    return this.toApi(this.require(externalId));
  }

  /** A page of customer rows in id order, searched by external_id, name or email. */
  rows(limit: number, cursor: string | undefined, search: string | undefined, status: CustomerStatusFilter = 'default'): { rows: CustomerRow[]; next: string | null } {
    const rows = this.ctx.store.listCustomers(decodeNumericCursor(cursor) ?? 0, limit + 1, search?.trim() || null, status);
    const page = rows.slice(0, limit);
    return { rows: page, next: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  list(limit: number, cursor: string | undefined, search: string | undefined, status: CustomerStatusFilter = 'default') {
    const { rows, next } = this.rows(limit, cursor, search, status);
    return { data: rows.map((r) => this.toApi(r)), next_cursor: next };
  }

  toApi(c: CustomerRow): z.output<typeof Customer> {
    const accounts = this.ctx.store.listCustomerAccounts(c.id);
    return {
      external_id: c.external_id,
      name: c.name,
      email: c.email,
      metadata: parseJsonObject(c.metadata),
      on_insufficient_funds: c.on_insufficient_funds,
      billing_mode: c.billing_mode,
      billing_timezone: c.billing_timezone,
      legal_name: c.legal_name,
      address: JSON.parse(c.address) as string[],
      country: c.country,
      tax_id: c.tax_id,
      currency: c.currency,
      language: c.language,
      invoice_emails: JSON.parse(c.invoice_emails) as string[],
      tax_rate: c.tax_rate,
      tax_treatment: c.tax_treatment,
      tax_note: c.tax_note,
      payment_terms_days: c.payment_terms_days,
      status: c.status,
      closed_at: c.closed_at === null ? null : iso(c.closed_at),
      erased_at: c.erased_at === null ? null : iso(c.erased_at),
      overdraft_limits: accounts.filter((a) => a.type === 'wallet' && a.overdraft_limit > 0n).map((a) => ({ asset: a.asset, amount: a.overdraft_limit.toString() })),
      spend_caps: this.caps.describe(c.id, this.timezoneOf(c)),
      created_at: iso(c.created_at),
      updated_at: iso(c.updated_at),
    };
  }
}

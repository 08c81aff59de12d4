import type { z } from 'zod';
import type { Authorization, CaptureAuthorization, CreateAuthorization, ExtendAuthorization, IncrementAuthorization } from '../../shared/contract/ledger';
import { add, cmp, type Dec, dec, max, sub, toText, ZERO } from '../../shared/decimal';
import type { AuthorizationRow, CustomerRow, LotRow } from '../storage/store';
import type { Assets } from './assets';
import type { EngineContext } from './context';
import { assertOpen, type Customers } from './customers';
import { fail } from './errors';
import { iso, isoOrNull, moneyText } from './format';
import { newId } from './ids';
import { withIdempotency, withoutDefaults } from './idempotency';
import { availableOf, debtOf, type WalletState } from './ledger/books';
import { consume, type ConsumeResult, expireLots, release, type Reservation, reserve } from './ledger/wallet-ops';
import type { Metrics } from './pricing/metrics';
import { type CompiledCharge, selectCharge } from './pricing/plans';
import type { Plans } from './pricing/plans';
import { estimate } from './pricing/rating';
import type { Subscriptions } from './pricing/subscriptions';
import type { UsageLedger } from './pricing/usage';
import type { SpendCaps } from './spend';
import type { Billing } from './billing/lifecycle';
import { dropOldest } from './cache-bound';

export interface Hold {
  row: AuthorizationRow;
  reservations: Reservation[];
}

interface MetricPricing {
  charge: CompiledCharge;
  periodId: number;
}

/**
 * How many pending holds stay cached between batches. A hold is read back from its row when it is
 * not cached, so the bound costs a read, never a wrong answer; without it every hold an app opened
 * and never settled (they expire lazily, when their wallet is next touched) stayed in memory.
 * Holds are mostly settled soon after they are taken, and the cache keeps the latest.
 */
export const CACHED_HOLDS = 5_000;

/**
 * Pre-usage authorization: two-phase holds on a wallet. A hold reserves credit lot by lot (and,
 * past the funded credit, the overdraft limit); an event or an explicit capture settles it; the
 * rest is released on final capture, void or expiry. Expiry needs no sweeper: every operation on a
 * wallet first applies the deadlines that have passed (`applyDeadlines`), effective at the
 * deadline itself.
 */
export class Authorizations {
  /** Pending holds by id, oldest first: a cache of their rows (see CACHED_HOLDS). */
  private readonly pending = new Map<string, Hold>();
  /** The cache's bound (tests set a tiny one to show the bound changes nothing but memory). */
  cacheLimit = CACHED_HOLDS;
  /** Set by the engine once billing exists (billing needs this module, and this one needs billing's segments). */
  billing: Billing | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly assets: Assets,
    private readonly metrics: Metrics,
    private readonly plans: Plans,
    private readonly subscriptions: Subscriptions,
    private readonly usage: UsageLedger,
    private readonly caps: SpendCaps,
  ) {
    ctx.registerCache(() => this.pending.clear());
    // Trimmed once a batch's operations are done (no operation holds a cached hold then), so an
    // operation never sees two objects for one hold.
    ctx.registerFlush(() => dropOldest(this.pending, this.cacheLimit));
  }

  /** How many holds are cached (metrics and tests). */
  get cachedHolds(): number {
    return this.pending.size;
  }

  /** Unused credit of a lot expired (the `credit.expired` webhook); in the transaction that expired it. */
  onCreditExpired: ((ws: WalletState, lot: LotRow, amount: bigint) => void) | null = null;

  // ---------------------------------------------------------------- deadlines
  /** Expires, effective at their deadlines, the lots and holds of this wallet whose time has passed. */
  applyDeadlines(ws: WalletState): void {
    const now = this.ctx.now();
    if (now < ws.nextDeadline) return;
    const { books } = this.ctx;
    const holds = this.ctx.store.listPendingAuthorizations(ws.customerId, ws.asset);
    // Holds first: credit they release from lots that also expired goes straight to breakage.
    for (const row of holds) {
      if (row.expires_at <= now) this.close(this.hold(row.id)!, ws, 'expired', row.expires_at);
    }
    for (const { lot, amount } of expireLots(books, ws, now)) this.onCreditExpired?.(ws, lot, amount);
    let next = Infinity;
    for (const lot of ws.lots) if (!lot.expired && lot.expires_at !== null && lot.expires_at < next) next = lot.expires_at;
    for (const row of holds) if (row.expires_at > now && row.expires_at < next) next = row.expires_at;
    books.touch(ws);
    ws.nextDeadline = next;
  }

  // ---------------------------------------------------------------- reads
  hold(id: string): Hold | undefined {
    let h = this.pending.get(id);
    if (h) return h;
    const row = this.ctx.store.getAuthorization(id);
    if (!row) return undefined;
    h = { row, reservations: (JSON.parse(row.reservations) as { lot: number | null; amount: string }[]).map((r) => ({ lotId: r.lot, amount: BigInt(r.amount) })) };
    if (row.status === 'pending') this.pending.set(id, h);
    return h;
  }

  /** Drops a cached hold (after a change made outside this module rolled back). */
  forget(id: string): void {
    this.pending.delete(id);
  }

  requireHold(id: string): Hold {
    return this.hold(id) ?? fail('authorization_not_found', `No authorization has id ${id}.`, { authorization: id });
  }

  get(id: string): z.output<typeof Authorization> {
    return this.toApi(this.requireHold(id));
  }

  // ---------------------------------------------------------------- create
  create(input: z.output<typeof CreateAuthorization>): z.output<typeof Authorization> {
    const customer = this.customers.require(input.customer);
    return withIdempotency(
      this.ctx,
      `authorization:${customer.id}`,
      input.idempotency_key,
      withoutDefaults({ ...input, idempotency_key: undefined }, { ttl_seconds: this.ctx.settings.defaultHoldTtlSeconds }),
      () => {
        const hold = this.open(customer, input);
        return { id: hold.row.id, body: this.toApi(hold) };
      },
      (id) => this.get(id),
    );
  }

  private open(customer: CustomerRow, input: z.output<typeof CreateAuthorization>): Hold {
    assertOpen(customer);
    const now = this.ctx.now();
    const ttl = input.ttl_seconds ?? this.ctx.settings.defaultHoldTtlSeconds;
    if (ttl > this.ctx.settings.maxHoldTtlSeconds) fail('validation_failed', `ttl_seconds may be at most ${this.ctx.settings.maxHoldTtlSeconds}.`, { issues: [{ path: ['ttl_seconds'], message: 'too long' }] });
    let asset: string;
    let amount: bigint;
    let quantity: Dec | null = null;
    let pricing: MetricPricing | null = null;
    if (input.metric !== undefined) {
      pricing = this.pricingFor(customer, input.metric, input.properties ?? {}, now);
      asset = pricing.charge.asset.code;
      if (input.asset && input.asset !== asset) fail('validation_failed', `Metric ${input.metric} is priced in ${asset}, not ${input.asset}.`, { issues: [{ path: ['asset'], message: `must be ${asset}` }] });
      quantity = dec(input.quantity!);
      const entry = this.usage.get(pricing.periodId, pricing.charge.id);
      const est = estimate(pricing.charge, entry, quantity, now);
      amount = est.amount > 0n ? est.amount : 0n;
    } else {
      asset = this.assets.require(input.asset!).code;
      amount = input.amount!;
    }
    const ws = this.ctx.books.wallet(customer.id, asset);
    this.applyDeadlines(ws);
    this.checkFunds(customer, ws, amount);

    const id = newId('auth', now);
    const reservations = reserve(this.ctx.books, ws, amount, this.ctx.books.systemAccount(asset, 'revenue'), { kind: 'hold', authorizationId: id }, now, customer.billing_mode === 'prepaid');
    this.markChecked(ws);
    const row: AuthorizationRow = {
      id,
      customer_id: customer.id,
      asset,
      amount,
      held: amount,
      captured: 0n,
      status: 'pending',
      expires_at: now + ttl * 1000,
      metric_id: pricing?.charge.metric.id ?? null,
      charge_id: pricing?.charge.id ?? null,
      period_id: pricing?.periodId ?? null,
      quantity: quantity ? toText(quantity) : null,
      held_units: quantity ? toText(quantity) : null,
      reservations: '[]',
      created_at: now,
      updated_at: now,
      closed_at: null,
    };
    const hold: Hold = { row, reservations };
    row.reservations = serializeReservations(reservations);
    this.ctx.store.insertAuthorization(row);
    this.remember(hold);
    if (pricing && quantity) this.adjustHeldUnits(pricing.periodId, pricing.charge.id, quantity);
    if (row.expires_at < ws.nextDeadline) {
      this.ctx.books.touch(ws);
      ws.nextDeadline = row.expires_at;
    }
    this.ctx.emit({ type: 'authorization', customer: customer.external_id, id, asset });
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset });
    return hold;
  }

  /** The charge that prices `metric` for this customer now, and its current period. */
  pricingFor(customer: CustomerRow, metricCode: string, properties: Record<string, unknown>, now: number, opts: { readOnly?: boolean } = {}): MetricPricing {
    const metric = this.metrics.require(metricCode);
    const sub = this.subscriptions.liveOf(customer.id);
    if (!sub || sub.started_at > now) fail('no_price', `Customer ${customer.external_id} has no active subscription, so metric ${metricCode} has no price.`, { customer: customer.external_id, metric: metricCode });
    const plan = this.plans.byId(sub.plan_id);
    const charges = plan.byEventType.get(metric.eventType)?.get(metric.id);
    const charge = charges ? selectCharge(charges, properties) : null;
    if (!charge) fail('no_price', `Plan ${plan.row.code} has no charge for metric ${metricCode}${charges ? ' matching these properties' : ''}.`, { plan: plan.row.code, metric: metricCode });
    if (opts.readOnly) {
      // A quote writes nothing: a period not stored yet has no usage (id 0 matches no usage row).
      return { charge, periodId: this.ctx.store.getPeriodAt(sub.id, now)?.id ?? 0 };
    }
    const period = this.billing!.segmentFor(sub, customer, now);
    return { charge, periodId: period.id };
  }

  /** The new-consumption check: available may not fall below minus the overdraft limit; caps hold. */
  checkFunds(customer: CustomerRow, ws: WalletState, amount: bigint): void {
    const available = availableOf(ws);
    const limit = ws.wallet.overdraft_limit;
    // Messages state amounts as money at the asset's scale; `details` keep minor units.
    const money = (v: bigint) => moneyText(v, ws.asset, this.assets.find(ws.asset)?.scale);
    if (amount > 0n && available - amount < -limit) {
      fail('insufficient_funds', `The ${ws.asset} wallet of ${customer.external_id} can cover ${money(available + limit > 0n ? available + limit : 0n)} more (available ${money(available)}, overdraft limit ${money(limit)}); ${money(amount)} was asked.`, {
        asset: ws.asset,
        available: available.toString(),
        overdraft_limit: limit.toString(),
        debt: debtOf(ws).toString(),
        requested: amount.toString(),
      });
    }
    const violation = this.caps.check(customer.id, ws.asset, this.customers.timezoneOf(customer), amount, ws.wallet.debits_pending);
    if (violation) {
      fail('spend_cap_exceeded', `The ${violation.window === 'day' ? 'daily' : 'monthly'} ${ws.asset} spend cap of ${customer.external_id} (${money(violation.cap)}) would be exceeded: spent ${money(violation.spent)}, held ${money(violation.held)}, asked ${money(violation.requested)}.`, {
        asset: ws.asset,
        window: violation.window,
        cap: violation.cap.toString(),
        spent: violation.spent.toString(),
        held: violation.held.toString(),
        requested: violation.requested.toString(),
      });
    }
  }

  /** Records on the operation's last transfer the floor it was checked against (for the ledger check). */
  markChecked(ws: WalletState): void {
    const id = this.ctx.books.lastTransferId;
    if (id > 0) this.ctx.store.setLimitFloor(id, -ws.wallet.overdraft_limit);
  }

  // ---------------------------------------------------------------- capture, increment, extend, void
  private live(id: string): { hold: Hold; customer: CustomerRow; ws: WalletState } {
    const hold = this.requireHold(id);
    const customer = this.customers.byInternalId(hold.row.customer_id);
    const ws = this.ctx.books.wallet(customer.id, hold.row.asset);
    this.applyDeadlines(ws);
    return { hold: this.requireHold(id), customer, ws };
  }

  private requirePending(hold: Hold, action: string): void {
    if (hold.row.status !== 'pending') fail('invalid_state', `Authorization ${hold.row.id} is ${hold.row.status}; it cannot be ${action}.`, { authorization: hold.row.id, status: hold.row.status });
  }

  /**
   * A capture with an idempotency key is safe to retry: the same key and request answer the hold as
   * it is now (even after a final capture closed it), so a lost answer never captures twice.
   */
  capture(input: z.output<typeof CaptureAuthorization>): z.output<typeof Authorization> {
    const id = this.requireHold(input.id).row.id;
    return withIdempotency(this.ctx, `capture:${id}`, input.idempotency_key, { ...input, idempotency_key: undefined }, () => {
      const { hold, customer, ws } = this.live(id);
      this.requirePending(hold, 'captured');
      // What the hold still holds was checked when it was taken; a capture beyond it is new spend,
      // checked as a new authorization would be (funds within the overdraft limit, spend caps), as
      // an event's cost beyond its hold is: a hold of a cent must not open unlimited credit.
      const beyond = input.amount - hold.row.held;
      if (beyond > 0n) this.checkFunds(customer, ws, beyond);
      this.settle(hold, customer, ws, input.amount, input.final_capture ?? true, { kind: 'capture', periodId: this.capturePeriod(customer) ?? undefined });
      return { id, body: this.toApi(hold) };
    }, (held) => this.get(held));
  }

  /**
   * The billing period an explicit capture is charged in: the one it happens in, so that period's
   * invoice lists it (a line of its own) and adds up to what the customer paid. Null without a
   * subscription now, like an event without one.
   */
  private capturePeriod(customer: CustomerRow): number | null {
    const now = this.ctx.now();
    const sub = this.subscriptions.at(customer.id, now);
    if (!sub || !this.billing) return null;
    const segment = this.billing.segmentFor(sub, customer, now);
    return segment.status === 'finalized' ? null : segment.id;
  }

  /**
   * Settles `amount` against a hold: drawn from its reservations first, then free credit, then debt
   * (what is beyond the hold was checked by the caller: an event's or a capture's funds check).
   * Final: the rest is released.
   */
  settle(hold: Hold, customer: CustomerRow, ws: WalletState, amount: bigint, final: boolean, meta: { kind: 'capture' | 'usage'; eventId?: number; chargeId?: number; periodId?: number; units?: Dec }): ConsumeResult {
    const { books } = this.ctx;
    const now = this.ctx.now();
    const revenue = books.systemAccount(ws.asset, 'revenue');
    const result = consume(books, ws, amount, revenue, { kind: meta.kind, authorizationId: hold.row.id, eventId: meta.eventId ?? null, chargeId: meta.chargeId ?? null, periodId: meta.periodId ?? null }, { reservations: hold.reservations, now, useCredit: customer.billing_mode === 'prepaid' });
    const row = hold.row;
    row.captured += amount;
    const covered = result.fromHold + result.heldAsDebt;
    row.held -= covered;
    this.caps.record(customer.id, ws.asset, this.customers.timezoneOf(customer), amount);
    // Only usage of the hold's own charge uses up the units it held: an event of the same type can
    // feed other metrics too (input tokens beside held output tokens), whose units are not these.
    if (row.metric_id !== null && meta.units && row.held_units !== null && meta.chargeId === row.charge_id) {
      const releasedUnits = cmp(meta.units, dec(row.held_units)) < 0 ? meta.units : dec(row.held_units);
      row.held_units = toText(sub(dec(row.held_units), releasedUnits));
      this.adjustHeldUnits(row.period_id!, row.charge_id!, { c: -releasedUnits.c, s: releasedUnits.s });
    }
    if (final) this.close(hold, ws, 'captured', now);
    else this.save(hold, now);
    this.ctx.emit({ type: 'authorization', customer: customer.external_id, id: row.id, asset: ws.asset });
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: ws.asset });
    return result;
  }

  /** With an idempotency key, a retried increment answers the hold as it is now and holds nothing more. */
  increment(input: z.output<typeof IncrementAuthorization>): z.output<typeof Authorization> {
    const id = this.requireHold(input.id).row.id;
    return withIdempotency(this.ctx, `increment:${id}`, input.idempotency_key, { ...input, idempotency_key: undefined }, () => ({ id, body: this.incrementOnce(id, input) }), (held) => this.get(held));
  }

  private incrementOnce(id: string, input: z.output<typeof IncrementAuthorization>): z.output<typeof Authorization> {
    const { hold, customer, ws } = this.live(id);
    this.requirePending(hold, 'incremented');
    const now = this.ctx.now();
    let extra: bigint;
    let units: Dec | null = null;
    if (input.quantity !== undefined) {
      if (hold.row.charge_id === null) fail('validation_failed', 'This hold is for an amount; increment it by amount.', { issues: [{ path: ['quantity'], message: 'hold is not metric-priced' }] });
      units = dec(input.quantity);
      const charge = this.plans.byId(this.subscriptions.liveOf(customer.id)!.plan_id).charges.find((c) => c.id === hold.row.charge_id);
      if (!charge) fail('invalid_state', 'The charge this hold was priced through is no longer on the customer\'s plan.', { authorization: hold.row.id });
      const entry = this.usage.get(hold.row.period_id!, charge.id);
      let more: bigint;
      if (charge.metric.aggregation === 'max' || charge.metric.aggregation === 'latest') {
        // A level: the hold now expects an event at its quantity plus these units. It must hold what
        // that event would cost against the usage recorded so far; it holds `held` already.
        more = estimate(charge, entry, add(dec(hold.row.quantity ?? '0'), units), now).amount - hold.row.held;
      } else {
        more = estimate(charge, entry, units, now).amount;
      }
      // Priced lower than held (a level that would give money back): nothing more to hold.
      extra = more > 0n ? more : 0n;
    } else if (input.amount !== undefined) {
      // A hold by metric keeps its quantity and its price together; an amount would change one alone.
      if (hold.row.charge_id !== null) fail('validation_failed', `This hold is priced by metric (quantity ${hold.row.quantity ?? '0'}); increment it by quantity.`, { issues: [{ path: ['amount'], message: 'hold is metric-priced' }] });
      extra = input.amount;
    } else {
      fail('validation_failed', 'Give amount or quantity.', { issues: [{ path: [], message: 'amount or quantity required' }] });
    }
    this.checkFunds(customer, ws, extra);
    const more = reserve(this.ctx.books, ws, extra, this.ctx.books.systemAccount(ws.asset, 'revenue'), { kind: 'hold', authorizationId: hold.row.id }, now, customer.billing_mode === 'prepaid');
    this.markChecked(ws);
    hold.reservations.push(...more);
    hold.row.amount += extra;
    hold.row.held += extra;
    if (units) {
      hold.row.quantity = toText(add(dec(hold.row.quantity ?? '0'), units));
      hold.row.held_units = toText(add(dec(hold.row.held_units ?? '0'), units));
      this.adjustHeldUnits(hold.row.period_id!, hold.row.charge_id!, units);
    }
    this.save(hold, now);
    this.ctx.emit({ type: 'authorization', customer: customer.external_id, id: hold.row.id, asset: ws.asset });
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: ws.asset });
    return this.toApi(hold);
  }

  extend(input: z.output<typeof ExtendAuthorization>): z.output<typeof Authorization> {
    const { hold, customer, ws } = this.live(input.id);
    this.requirePending(hold, 'extended');
    if (input.ttl_seconds > this.ctx.settings.maxHoldTtlSeconds) fail('validation_failed', `ttl_seconds may be at most ${this.ctx.settings.maxHoldTtlSeconds}.`, { issues: [{ path: ['ttl_seconds'], message: 'too long' }] });
    const now = this.ctx.now();
    hold.row.expires_at = now + input.ttl_seconds * 1000;
    if (hold.row.expires_at < ws.nextDeadline) {
      this.ctx.books.touch(ws);
      ws.nextDeadline = hold.row.expires_at;
    }
    this.save(hold, now);
    this.ctx.emit({ type: 'authorization', customer: customer.external_id, id: hold.row.id, asset: ws.asset });
    return this.toApi(hold);
  }

  void(id: string): z.output<typeof Authorization> {
    const { hold, customer, ws } = this.live(id);
    // A retried void (its answer lost) finds the hold voided: the same answer, nothing changed.
    if (hold.row.status === 'voided') return this.toApi(hold);
    this.requirePending(hold, 'voided');
    this.close(hold, ws, 'voided', this.ctx.now());
    this.ctx.emit({ type: 'authorization', customer: customer.external_id, id: hold.row.id, asset: ws.asset });
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: ws.asset });
    return this.toApi(hold);
  }

  /** Ends a hold: releases what it still reserves (effective at `at`) and the units it held. */
  close(hold: Hold, ws: WalletState, status: 'captured' | 'voided' | 'expired', at: number): void {
    const row = hold.row;
    release(this.ctx.books, ws, hold.reservations, this.ctx.books.systemAccount(ws.asset, 'revenue'), { kind: 'hold', authorizationId: row.id, effectiveAt: at }, this.ctx.now());
    row.held = 0n;
    if (row.metric_id !== null && row.held_units !== null) {
      const units = dec(row.held_units);
      if (units.c !== 0n) this.adjustHeldUnits(row.period_id!, row.charge_id!, { c: -units.c, s: units.s });
      row.held_units = '0';
    }
    row.status = status;
    row.closed_at = at;
    this.save(hold, this.ctx.now());
    const customer = this.customers.byInternalId(row.customer_id);
    this.ctx.emit({ type: 'authorization', customer: customer.external_id, id: row.id, asset: ws.asset, data: { status, held: '0', captured: row.captured.toString(), amount: row.amount.toString() } });
  }

  private adjustHeldUnits(periodId: number, chargeId: number, delta: Dec): void {
    const entry = this.usage.get(periodId, chargeId);
    this.usage.put({ ...entry, heldUnits: max(ZERO, add(entry.heldUnits, delta)) });
  }

  private remember(hold: Hold): void {
    this.pending.set(hold.row.id, hold);
    this.ctx.onUndo(() => this.pending.delete(hold.row.id));
  }

  private save(hold: Hold, now: number): void {
    const row = hold.row;
    row.updated_at = now;
    row.reservations = serializeReservations(hold.reservations);
    this.ctx.store.updateAuthorization(row);
    // Any failure later in this operation must not leave the mutated hold in the cache.
    this.ctx.onUndo(() => this.pending.delete(row.id));
    if (row.status !== 'pending') this.pending.delete(row.id);
    else this.pending.set(row.id, hold);
  }

  toApi(hold: Hold): z.output<typeof Authorization> {
    const row = hold.row;
    const customer = this.customers.byInternalId(row.customer_id);
    const now = this.ctx.now();
    // An expired hold reads as expired at its deadline, even before any write has released it.
    const expired = row.status === 'pending' && row.expires_at <= now;
    const metric = row.metric_id !== null ? this.metrics.byInternalId(row.metric_id).code : null;
    return {
      id: row.id,
      customer: customer.external_id,
      asset: row.asset,
      status: expired ? 'expired' : row.status,
      amount: row.amount.toString(),
      held: (expired ? 0n : row.held).toString(),
      captured: row.captured.toString(),
      metric,
      quantity: row.quantity,
      expires_at: iso(row.expires_at),
      created_at: iso(row.created_at),
      closed_at: expired ? iso(row.expires_at) : isoOrNull(row.closed_at),
    };
  }
}

function serializeReservations(reservations: Reservation[]): string {
  return JSON.stringify(reservations.filter((r) => r.amount > 0n).map((r) => ({ lot: r.lotId, amount: r.amount.toString() })));
}

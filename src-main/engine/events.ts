import type { z } from 'zod';
import type { EventInput, EventResult, ListEvents, ReverseEvent, StoredEvent } from '../../shared/contract/ledger';
import { dec, toText } from '../../shared/decimal';
import { emptyUsage } from '../../shared/pricing';
import type { CustomerRow, EventRow, PeriodRow, SubscriptionRow } from '../storage/store';
import type { Authorizations, Hold } from './authorizations';
import { canonicalJson } from './canonical';
import type { EngineContext } from './context';
import { assertOpen, type Customers } from './customers';
import { fail, TollgateError } from './errors';
import { decodeNumericCursor, encodeCursor, iso, isoOrNull, moneyText, parseJsonObject } from './format';
import { availableOf, debtOf, type WalletState } from './ledger/books';
import { consume, giveBack } from './ledger/wallet-ops';
import type { CompiledPlan } from './pricing/plans';
import type { Plans } from './pricing/plans';
import { selectCharge } from './pricing/plans';
import { type ChargeEffect, filterValueWarnings, missingPropertyWarnings, priceOf, rateCharge, rateEvent, type RatedEvent, type UniqueValues, unmatchedChargeWarnings } from './pricing/rating';
import type { Billing } from './billing/lifecycle';
import type { Settings } from './settings';
import type { Subscriptions } from './pricing/subscriptions';
import type { UsageEntry, UsageLedger } from './pricing/usage';
import type { Refusals } from './refusals';
import type { SpendCaps } from './spend';
import { parseTimestampField } from './timestamps';
import { markReplayed } from './idempotency';
import { compact, type CompactResult, expand, periodIso } from './event-results';

export type EventIn = z.output<typeof EventInput>;
export type EventOut = z.output<typeof EventResult>;

/** Error codes that mean "this event was refused" and are counted with samples. */
const COUNTED = new Set(['insufficient_funds', 'spend_cap_exceeded', 'timestamp_in_future', 'timestamp_before_subscription', 'period_closed', 'invalid_event_property', 'customer_not_found', 'idempotency_conflict', 'authorization_not_found', 'validation_failed']);

interface AssetTotal {
  asset: string;
  net: bigint;
  fromHold: bigint;
  fromCredit: bigint;
  asDebt: bigint;
  heldAsDebt: bigint;
  creditedBack: bigint;
}

/**
 * Usage events: each one is priced against the customer's subscription and debited in the same
 * transaction that records it. The order inside an event is: validate and price (no writes), check
 * funds and caps (still no writes: a refusal changes nothing), then post.
 */
export class Events {
  private nextId = 0;

  private readonly unique: UniqueValues;

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly plans: Plans,
    private readonly subscriptions: Subscriptions,
    private readonly usage: UsageLedger,
    private readonly authorizations: Authorizations,
    private readonly caps: SpendCaps,
    private readonly refusals: Refusals,
    private readonly billing: Billing,
    private readonly settings: Settings,
  ) {
    this.unique = { add: (p, c, v) => ctx.store.addUniqueValue(p, c, v), remove: (p, c, v) => ctx.store.removeUniqueValue(p, c, v) };
    this.nextId = ctx.store.maxEventId() + 1;
    ctx.registerCache(() => {
      this.nextId = ctx.store.maxEventId() + 1;
    });
  }

  /** Counts a refusal (no ledger effect) and rethrows it. */
  refused(err: unknown, body: unknown, customerId: number | null, source: 'event' | 'authorization' = 'event'): never {
    if (err instanceof TollgateError && COUNTED.has(err.code)) this.refusals.note(customerId, err.code, body, err.message, err.details, source);
    throw err;
  }

  /**
   * The fields the client sent that define the event, canonically: a retry is a replay exactly
   * when these agree. `timestamp` is left out because the server fills it when absent. Nothing is
   * hashed per event: the stored row keeps these fields, and they are compared only on a retry.
   */
  private clientFields(e: { code: string; properties: Record<string, unknown>; authorization_id: string | null; final_capture: boolean; cost: string | null; refuse: boolean; precise_total_amount: string | null }): string {
    return canonicalJson({
      code: e.code,
      properties: e.properties,
      authorization_id: e.authorization_id,
      final_capture: e.final_capture,
      cost: e.cost === null ? null : toText(dec(e.cost)),
      on_insufficient_funds: e.refuse ? 'refuse' : null,
      precise_total_amount: e.precise_total_amount === null ? null : toText(dec(e.precise_total_amount)),
    });
  }

  private sameRequest(existing: EventRow, e: EventIn): boolean {
    const stored = JSON.parse(existing.result) as CompactResult;
    return (
      this.clientFields({ code: existing.code, properties: parseJsonObject(existing.properties), authorization_id: existing.authorization_id, final_capture: stored.f !== 0, cost: existing.cost, refuse: stored.r === 1, precise_total_amount: existing.precise_amount }) ===
      this.clientFields({ code: e.code, properties: e.properties ?? {}, authorization_id: e.authorization_id ?? null, final_capture: e.final_capture ?? true, cost: e.cost ?? null, refuse: e.on_insufficient_funds === 'refuse', precise_total_amount: e.precise_total_amount ?? null })
    );
  }

  ingest(e: EventIn): EventOut {
    let customer: CustomerRow | undefined;
    try {
      customer = this.customers.require(e.customer);
      return this.record(customer, e);
    } catch (err) {
      return this.refused(err, e, customer?.id ?? null);
    }
  }

  private record(customer: CustomerRow, e: EventIn): EventOut {
    const { store, books } = this.ctx;
    const existing = store.getEvent(customer.id, e.transaction_id);
    if (existing) {
      if (!this.sameRequest(existing, e)) {
        fail('idempotency_conflict', `transaction_id ${JSON.stringify(e.transaction_id)} was recorded before for ${customer.external_id} with different content.`, { transaction_id: e.transaction_id });
      }
      return markReplayed(this.answerOf(existing, customer.external_id, 'accepted', true));
    }
    assertOpen(customer);

    const now = this.ctx.now();
    const timestamp = parseTimestampField(e.timestamp, 'timestamp', now) ?? now;
    if (timestamp > now + this.ctx.settings.futureToleranceMs) {
      fail('timestamp_in_future', `The event is ${Math.round((timestamp - now) / 1000)} s in the future; at most ${this.ctx.settings.futureToleranceMs / 1000} s is allowed.`, { timestamp: iso(timestamp), now: iso(now) });
    }
    const properties = e.properties ?? {};
    const warnings: string[] = [];

    // ---- price (the only writes so far are derived state a refusal rolls back)
    const sub = this.subscriptions.at(customer.id, timestamp);
    let period: PeriodRow | null = null;
    let effects: ChargeEffect[] = [];
    if (sub) {
      period = this.billing.segmentFor(sub, customer, timestamp);
      if (period.status === 'finalized') {
        const live = this.settings.get().late_events === 'current_period' ? this.subscriptions.liveOf(customer.id) : null;
        if (!live || live.started_at > now) {
          fail('period_closed', `The billing period ${iso(period.period_start)} – ${iso(period.period_end)} is finalized; the event (${iso(timestamp)}) can no longer be priced in it.`, { period_start: iso(period.period_start), period_end: iso(period.period_end) });
        }
        period = this.billing.segmentFor(live, customer, now);
        warnings.push('late_usage');
      }
      const plan = this.plans.byId(period.plan_id);
      const rated: RatedEvent = { timestamp, properties, preciseAmount: e.precise_total_amount === undefined ? null : dec(e.precise_total_amount) };
      effects = rateEvent(plan, e.code, period.id, this.usage, rated, this.unique);
      if (!plan.byEventType.has(e.code)) warnings.push('no_metric_for_event_code');
      else {
        warnings.push(...missingPropertyWarnings(plan, e.code, properties), ...filterValueWarnings(plan, e.code, properties));
        // Only when some metric priced nothing: rateEvent already selected a charge for every other.
        if (effects.length < plan.byEventType.get(e.code)!.size) warnings.push(...unmatchedChargeWarnings(plan, e.code, properties));
      }
    } else {
      const live = this.subscriptions.liveOf(customer.id);
      if (live && timestamp < live.started_at) {
        fail('timestamp_before_subscription', `The event (${iso(timestamp)}) is before ${customer.external_id}'s subscription started (${iso(live.started_at)}).`, { timestamp: iso(timestamp), started_at: iso(live.started_at) });
      }
      warnings.push('no_active_subscription');
    }

    // ---- the hold this event settles, if any
    let hold: Hold | null = null;
    if (e.authorization_id !== undefined) {
      const h = this.authorizations.hold(e.authorization_id);
      if (!h || h.row.customer_id !== customer.id) fail('authorization_not_found', `No authorization ${e.authorization_id} for ${customer.external_id}.`, { authorization: e.authorization_id });
      this.authorizations.applyDeadlines(books.wallet(customer.id, h.row.asset));
      if (h.row.status === 'pending') hold = h;
      else warnings.push(`authorization_${h.row.status}`);
    }

    // ---- per-asset totals, then the funds and caps check. A pending hold in an asset was checked
    // for what it holds when it was taken (and increased): the part of the event's cost it still
    // holds is never refused. Everything else (the cost beyond the hold, the cost in another asset,
    // the whole cost under a hold no longer pending) is checked as any event's cost is.
    const byAsset = new Map<string, { net: bigint; scale: number; effects: ChargeEffect[] }>();
    for (const fx of effects) {
      const t = byAsset.get(fx.charge.asset.code) ?? { net: 0n, scale: fx.charge.asset.scale, effects: [] };
      t.net += fx.delta;
      t.effects.push(fx);
      byAsset.set(fx.charge.asset.code, t);
    }
    const policy = e.on_insufficient_funds ?? customer.on_insufficient_funds;
    const tz = this.customers.timezoneOf(customer);
    const floors = new Map<string, bigint>();
    for (const [asset, t] of byAsset) {
      const ws = books.wallet(customer.id, asset);
      this.authorizations.applyDeadlines(ws);
      if (t.net <= 0n) continue;
      const underHold = hold !== null && hold.row.asset === asset && hold.row.status === 'pending';
      const fromHold = underHold ? (hold!.row.held < t.net ? hold!.row.held : t.net) : 0n;
      const beyond = t.net - fromHold;
      if (beyond <= 0n) continue;
      // Messages state amounts as money at the asset's scale; `details` keep minor units.
      const money = (v: bigint) => moneyText(v, asset, t.scale);
      const heldPart = underHold ? ` (authorization ${hold!.row.id} holds ${money(fromHold)} of it; ${money(beyond)} is beyond the hold)` : '';
      const heldDetails = underHold ? { authorization: hold!.row.id, from_hold: fromHold.toString() } : {};
      const floor = policy === 'refuse' ? 0n : -ws.wallet.overdraft_limit;
      const available = availableOf(ws);
      if (available - beyond < floor) {
        fail('insufficient_funds', `The ${asset} wallet of ${customer.external_id} cannot cover this event: it costs ${money(t.net)}${heldPart}, available ${money(available)}${policy === 'refuse' ? '' : `, overdraft limit ${money(ws.wallet.overdraft_limit)}`}.`, {
          asset,
          available: available.toString(),
          overdraft_limit: ws.wallet.overdraft_limit.toString(),
          debt: debtOf(ws).toString(),
          cost: t.net.toString(),
          requested: beyond.toString(), // the name an authorization's refusal uses: what the wallet was asked for (the cost, less what a pending hold covers)
          policy,
          ...heldDetails,
        });
      }
      // Pending holds count against the caps already (the `held` of the check): only the part
      // beyond the hold is new spend.
      const violation = this.caps.check(customer.id, asset, tz, beyond, ws.wallet.debits_pending);
      if (violation) {
        fail('spend_cap_exceeded', `The ${violation.window === 'day' ? 'daily' : 'monthly'} ${asset} spend cap of ${customer.external_id} (${money(violation.cap)}) would be exceeded: spent ${money(violation.spent)}, held ${money(violation.held)}, this event ${underHold ? `${money(beyond)} beyond its hold` : money(violation.requested)}.`, {
          asset,
          window: violation.window,
          cap: violation.cap.toString(),
          spent: violation.spent.toString(),
          held: violation.held.toString(),
          cost: t.net.toString(),
          requested: beyond.toString(), // as on an authorization's refusal
          ...heldDetails,
        });
      }
      floors.set(asset, floor);
    }

    // ---- post
    const eventId = this.nextId++;
    this.ctx.onUndo(() => {
      this.nextId = eventId;
    });
    const totals: AssetTotal[] = [];
    books.eventAt = timestamp;
    try {
      for (const [asset, t] of byAsset) {
        const ws = books.wallet(customer.id, asset);
        const total: AssetTotal = { asset, net: t.net, fromHold: 0n, fromCredit: 0n, asDebt: 0n, heldAsDebt: 0n, creditedBack: 0n };
        for (const fx of t.effects) {
          this.usage.put(fx.next);
          this.post(customer, ws, fx, eventId, period!.id, hold && hold.row.asset === asset ? hold : null, total, tz);
        }
        if (floors.has(asset) && t.net > 0n) this.markChecked(floors.get(asset)!);
        totals.push(total);
      }
    } finally {
      books.eventAt = null;
    }
    if (hold && (e.final_capture ?? true)) {
      this.authorizations.close(hold, books.wallet(customer.id, hold.row.asset), 'captured', now);
    }

    const result: EventOut = {
      transaction_id: e.transaction_id,
      customer: customer.external_id,
      code: e.code,
      timestamp: iso(timestamp),
      status: 'accepted',
      replayed: false,
      subscription: sub?.id ?? null,
      period: period ? periodIso(period) : null,
      charges: effects.map((fx) => ({ charge_id: String(fx.charge.id), metric: fx.charge.metric.code, asset: fx.charge.asset.code, units: toText(fx.units), amount: fx.delta.toString() })),
      debits: totals.map((t) => ({
        asset: t.asset,
        amount: t.net.toString(),
        // A hold that reserved on the overdraft (postpaid, or no free credit) settles into debt the
        // hold itself covered: that part is from the hold; as_debt is only debt the event created.
        from_hold: (t.fromHold + t.heldAsDebt).toString(),
        from_credit: t.fromCredit.toString(),
        as_debt: (t.asDebt - t.heldAsDebt).toString(),
        credited_back: t.creditedBack.toString(),
      })),
      authorization: e.authorization_id
        ? (() => {
            const h = this.authorizations.hold(e.authorization_id)!;
            return { id: h.row.id, status: h.row.status, captured: h.row.captured.toString(), held: h.row.held.toString() };
          })()
        : null,
      debt_created: totals.some((t) => t.asDebt - t.heldAsDebt > 0n),
      warnings,
    };
    const row: EventRow = {
      id: eventId,
      customer_id: customer.id,
      transaction_id: e.transaction_id,
      code: e.code,
      timestamp,
      received_at: now,
      properties: JSON.stringify(properties),
      authorization_id: e.authorization_id ?? null,
      cost: e.cost ?? null,
      precise_amount: e.precise_total_amount ?? null,
      period_id: period?.id ?? null,
      result: JSON.stringify(compact(result, { finalCapture: e.final_capture ?? true, refuse: e.on_insufficient_funds === 'refuse' })),
      reversed_at: null,
      reversal_reason: null,
    };
    store.insertEvent(row);
    this.ctx.emit({
      type: 'event',
      customer: customer.external_id,
      id: e.transaction_id,
      data: { code: e.code, timestamp: result.timestamp, status: 'accepted', debits: result.debits.map((d) => ({ asset: d.asset, amount: d.amount })), debt_created: result.debt_created, authorization_id: e.authorization_id ?? null, cost: e.cost ?? null, warnings: result.warnings },
    });
    for (const t of totals) this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: t.asset });
    return result;
  }

  private post(customer: CustomerRow, ws: WalletState, fx: ChargeEffect, eventId: number, periodId: number, hold: Hold | null, total: AssetTotal, tz: string): void {
    const { books } = this.ctx;
    const revenue = books.systemAccount(ws.asset, 'revenue');
    const meta = { eventId, chargeId: fx.charge.id, periodId };
    if (fx.delta > 0n) {
      const r = hold
        ? this.authorizations.settle(hold, customer, ws, fx.delta, false, { kind: 'usage', ...meta, units: fx.units })
        : consume(books, ws, fx.delta, revenue, { kind: 'usage', ...meta }, { now: this.ctx.now(), useCredit: customer.billing_mode === 'prepaid' });
      if (!hold) this.caps.record(customer.id, ws.asset, tz, fx.delta);
      total.fromHold += r.fromHold;
      total.fromCredit += r.fromCredit;
      total.asDebt += r.asDebt;
      total.heldAsDebt += r.heldAsDebt;
    } else if (fx.delta < 0n) {
      const back = giveBack(books, ws, -fx.delta, revenue, { kind: 'usage_credit', ...meta }, this.ctx.now());
      this.caps.record(customer.id, ws.asset, tz, fx.delta);
      total.creditedBack += back.toCredit + back.toDebt + back.toBreakage;
    }
  }

  private markChecked(floor: bigint): void {
    const id = this.ctx.books.lastTransferId;
    if (id > 0) this.ctx.store.setLimitFloor(id, floor);
  }

  // ---------------------------------------------------------------- reversal
  /**
   * Removes an event from its period's usage: each charge it fed is re-priced from the period's
   * remaining events, and the difference is posted (a credit back, or a debit that may create debt:
   * a correction is never refused for funds). Reversing twice changes nothing.
   */
  reverse(input: z.output<typeof ReverseEvent>): z.output<typeof StoredEvent> {
    const customer = this.customers.require(input.customer);
    const row = this.ctx.store.getEvent(customer.id, input.transaction_id) ?? fail('event_not_found', `No event ${JSON.stringify(input.transaction_id)} for ${customer.external_id}.`, { transaction_id: input.transaction_id });
    if (row.reversed_at !== null) return this.toStored(row);
    const now = this.ctx.now();
    if (row.period_id !== null) {
      const period = this.subscriptions.segment(row.period_id);
      if (period.status === 'finalized') fail('period_closed', 'The event\'s billing period is finalized; correct it with a credit note.', { period_start: iso(period.period_start) });
      const plan = this.plans.byId(period.plan_id);
      const eventType = row.code;
      const props = parseJsonObject(row.properties);
      const byMetric = plan.byEventType.get(eventType);
      // Mark first, so the re-pricing below no longer sees this event.
      this.ctx.store.markEventReversed(row.id, now, input.reason);
      for (const charges of byMetric?.values() ?? []) {
        const charge = selectCharge(charges, props);
        if (!charge) continue;
        this.reprice(customer, plan, period, charge.id, eventType, row.id);
      }
    } else {
      this.ctx.store.markEventReversed(row.id, now, input.reason);
    }
    this.ctx.emit({ type: 'event', customer: customer.external_id, id: row.transaction_id, data: { code: row.code, status: 'reversed' } });
    return this.toStored(this.ctx.store.getEvent(customer.id, input.transaction_id)!);
  }

  /** Re-aggregates a charge's period usage from its events (in time order) and posts the difference. */
  private reprice(customer: CustomerRow, plan: CompiledPlan, period: PeriodRow, chargeId: number, eventType: string, eventId: number): void {
    const charge = plan.charges.find((c) => c.id === chargeId)!;
    const entry = this.usage.get(period.id, chargeId);
    // Rebuild from the segment's starting usage (carried in by a recurring metric or a plan change) plus its remaining events.
    const start = entry.start ?? emptyUsage();
    let rebuilt: UsageEntry = { ...entry, usage: start, latestAt: null, priced: priceOf(charge, start) };
    if (charge.metric.aggregation === 'unique_count') {
      this.ctx.store.clearUniqueValues(period.id, chargeId);
      if (entry.startValues) for (const v of entry.startValues) this.unique.add(period.id, chargeId, v);
    }
    const candidates = plan.byEventType.get(eventType)!.get(charge.metric.id)!;
    for (const ev of this.ctx.store.listPeriodEvents(customer.id, period.id, eventType)) {
      const props = parseJsonObject(ev.properties);
      if (selectCharge(candidates, props)?.id !== chargeId) continue;
      const fx = rateCharge(charge, rebuilt, { timestamp: ev.timestamp, properties: props, preciseAmount: ev.precise_amount === null ? null : dec(ev.precise_amount) }, this.unique);
      if (fx) rebuilt = fx.next;
    }
    // Like an event, the reversal posts the change of the charge's price.
    const delta = rebuilt.priced - entry.priced;
    this.usage.put({ ...entry, usage: rebuilt.usage, latestAt: rebuilt.latestAt, priced: rebuilt.priced, billed: entry.billed + delta });
    if (delta === 0n) return;
    const ws = this.ctx.books.wallet(customer.id, charge.asset.code);
    this.authorizations.applyDeadlines(ws);
    const revenue = this.ctx.books.systemAccount(charge.asset.code, 'revenue');
    const meta = { eventId, chargeId, periodId: period.id };
    if (delta > 0n) consume(this.ctx.books, ws, delta, revenue, { kind: 'usage', ...meta }, { now: this.ctx.now(), useCredit: customer.billing_mode === 'prepaid' });
    else giveBack(this.ctx.books, ws, -delta, revenue, { kind: 'usage_credit', ...meta }, this.ctx.now());
    this.caps.record(customer.id, charge.asset.code, this.customers.timezoneOf(customer), delta);
    this.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: charge.asset.code });
  }

  // ---------------------------------------------------------------- reads
  list(input: z.output<typeof ListEvents>) {
    const limit = input.limit ?? 50;
    const desc = input.order === 'desc';
    const cursor = decodeNumericCursor(input.cursor);
    const customerId = input.customer ? this.customers.require(input.customer).id : null;
    const rows = this.ctx.store.listEvents({ customerId, code: input.code ?? null, afterId: desc ? null : cursor, beforeId: desc ? cursor : null, desc, limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.toStored(r)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  /** The event's answer, rebuilt from its row and its compact stored result. */
  answerOf(row: EventRow, customer: string, status: 'accepted' | 'reversed', replayed: boolean): EventOut {
    const period = row.period_id === null ? null : this.subscriptions.segment(row.period_id);
    return expand(JSON.parse(row.result) as CompactResult, { transaction_id: row.transaction_id, customer, code: row.code, timestamp: row.timestamp, status, replayed, period });
  }

  toStored(row: EventRow): z.output<typeof StoredEvent> {
    const customer = this.customers.byInternalId(row.customer_id).external_id;
    return {
      ...this.answerOf(row, customer, row.reversed_at !== null ? 'reversed' : 'accepted', false),
      properties: parseJsonObject(row.properties),
      authorization_id: row.authorization_id,
      cost: row.cost,
      received_at: iso(row.received_at),
      reversed_at: isoOrNull(row.reversed_at),
      reversal_reason: row.reversal_reason,
    };
  }

  subscriptionOf(customerId: number): SubscriptionRow | null {
    return this.subscriptions.liveOf(customerId);
  }
}

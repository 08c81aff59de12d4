import type { z } from 'zod';
import type { CreateSubscription, ListSubscriptions, Subscription } from '../../../shared/contract/pricing';
import { type Interval, type Period, periodAt, type PeriodRule } from '../../../shared/time';
import type { CustomerRow, PeriodRow, SubscriptionRow } from '../../storage/store';
import { dropOldest } from '../cache-bound';
import type { EngineContext } from '../context';
import { assertOpen, type Customers } from '../customers';
import { fail } from '../errors';
import { decodeCursor, encodeCursor, iso, isoOrNull, parseJsonObject } from '../format';
import { newId } from '../ids';
import { parseTimestampField } from '../timestamps';
import type { Plans } from './plans';

export type FeatureValue = boolean | number | string;

/**
 * Live subscriptions and segments kept in memory, each trimmed to this many (oldest first) when a
 * batch commits; what is not cached is read back from its row. 10,000 customers' worth is about
 * 7 MB.
 */
export const CACHED_SUBSCRIPTIONS = 10_000;

/**
 * Subscriptions and their period segments. A segment is a stored row covering part (or all) of
 * one billing period under one plan version; the billing lifecycle opens and closes them.
 */
export class Subscriptions {
  /** The caches' bound (tests set a tiny one to show the bound changes nothing but memory). */
  cacheLimit = CACHED_SUBSCRIPTIONS;
  /** customer id -> live subscription (or null: none). */
  private readonly live = new Map<number, SubscriptionRow | null>();
  /** subscription id -> the segment most recently used. */
  private readonly currentSegment = new Map<string, PeriodRow>();
  private readonly segments = new Map<number, PeriodRow>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly plans: Plans,
  ) {
    ctx.registerCache(() => this.forgetAll());
    ctx.registerTrim(() => this.trim());
  }

  /**
   * Applies the bound, after a batch committed. A segment row is canonical (one object per id, changed
   * in place): a dropped one leaves `currentSegment` too, so no second object for its id can appear
   * beside one still cached. Every row `currentSegment` points at is in `segments`, so that bound
   * holds it as well.
   */
  private trim(): void {
    dropOldest(this.live, this.cacheLimit);
    dropOldest(this.segments, this.cacheLimit, (row) => {
      if (this.currentSegment.get(row.subscription_id) === row) this.currentSegment.delete(row.subscription_id);
    });
  }

  /** How many live subscriptions and segments are cached (tests). */
  get cachedEntries(): { live: number; segments: number; current: number } {
    return { live: this.live.size, segments: this.segments.size, current: this.currentSegment.size };
  }

  forgetAll(): void {
    this.live.clear();
    this.currentSegment.clear();
    this.segments.clear();
  }

  /** After a change to a subscription row: drop what was cached about it. */
  forget(sub: SubscriptionRow): void {
    this.live.delete(sub.customer_id);
    this.currentSegment.delete(sub.id);
    this.ctx.onUndo(() => {
      this.live.delete(sub.customer_id);
      this.currentSegment.delete(sub.id);
    });
  }

  create(input: z.output<typeof CreateSubscription>): SubscriptionRow {
    const { store } = this.ctx;
    const now = this.ctx.now();
    const customer = this.customers.require(input.customer);
    assertOpen(customer);
    const plan = this.plans.latest(input.plan);
    const existing = this.liveOf(customer.id);
    if (existing) fail('already_exists', `Customer ${customer.external_id} already has a live subscription (${existing.id}); terminate it or change its plan.`, { subscription: existing.id });
    if (input.external_id && store.getSubscription(input.external_id)) fail('already_exists', `A subscription with external_id ${input.external_id} exists already.`, { subscription: input.external_id });
    const startedAt = parseTimestampField(input.start_at, 'start_at', now) ?? now;
    const overrides = Object.fromEntries(Object.entries(input.entitlements ?? {}).filter(([, v]) => v !== null));
    const row: SubscriptionRow = {
      id: newId('sub', now),
      external_id: input.external_id ?? null,
      customer_id: customer.id,
      plan_id: plan.row.id,
      status: startedAt > now ? 'pending' : 'active',
      billing_time: input.billing_time ?? 'calendar',
      started_at: startedAt,
      ending_at: null,
      terminated_at: null,
      definition: '{}',
      created_at: now,
      updated_at: now,
      next_plan_id: null,
      terminate_at: null,
      carry_usage: input.carry_usage === false ? 0 : 1,
      overrides: JSON.stringify(overrides),
      previous_id: null,
    };
    store.insertSubscription(row);
    this.forget(row);
    return row;
  }

  require(id: string): SubscriptionRow {
    return this.ctx.store.getSubscription(id) ?? fail('subscription_not_found', `No subscription has id or external_id ${JSON.stringify(id)}.`, { subscription: id });
  }

  save(row: SubscriptionRow): void {
    row.updated_at = this.ctx.now();
    this.ctx.store.updateSubscription(row);
    this.forget(row);
  }

  liveOf(customerId: number): SubscriptionRow | null {
    let s = this.live.get(customerId);
    if (s === undefined) {
      s = this.ctx.store.getLiveSubscription(customerId) ?? null;
      this.live.set(customerId, s);
    }
    return s;
  }

  /** The subscription in force for a customer at instant `at`: the live one, or one terminated since. */
  at(customerId: number, at: number): SubscriptionRow | null {
    const live = this.liveOf(customerId);
    if (live && live.started_at <= at && (live.terminate_at === null || at < live.terminate_at)) return live;
    return this.ctx.store.getSubscriptionAt(customerId, at) ?? null;
  }

  rule(sub: SubscriptionRow, customer: CustomerRow, planId = sub.plan_id): PeriodRule {
    const plan = this.plans.byId(planId);
    return {
      interval: plan.row.interval as Interval,
      billingTime: sub.billing_time,
      anchorMs: sub.started_at,
      timeZone: this.customers.timezoneOf(customer),
    };
  }

  /** The billing period (not segment) of `sub` holding `at`. */
  periodOf(sub: SubscriptionRow, customer: CustomerRow, at: number): Period {
    return periodAt(this.rule(sub, customer), at);
  }

  /**
   * Segment rows are shared objects (one per id), so a change made through one reference is seen
   * through every other: every read of a segment goes through here.
   */
  private canon(row: PeriodRow): PeriodRow;
  private canon(row: PeriodRow | undefined): PeriodRow | undefined;
  private canon(row: PeriodRow | undefined): PeriodRow | undefined {
    if (!row) return undefined;
    const known = this.segments.get(row.id);
    if (known) return known;
    this.segments.set(row.id, row);
    return row;
  }

  segment(id: number): PeriodRow {
    // Every transfer of a priced event asks for its segment (the stats' plan): serve it from the
    // canonical cache before reading the row.
    const known = this.segments.get(id);
    if (known) return known;
    const p = this.canon(this.ctx.store.getPeriod(id));
    if (!p) throw new Error(`period ${id} missing`);
    return p;
  }

  /** Segments that ended by `now` and are not closed yet, oldest first. */
  endedUnclosedSegments(subscriptionId: string, now: number): PeriodRow[] {
    return this.ctx.store.listEndedUnclosedPeriods(subscriptionId, now).map((p) => this.canon(p));
  }

  lastSegment(subscriptionId: string): PeriodRow | undefined {
    return this.canon(this.ctx.store.getLastPeriod(subscriptionId));
  }

  segmentBefore(subscriptionId: string, startAt: number): PeriodRow | undefined {
    return this.canon(this.ctx.store.getPeriodBefore(subscriptionId, startAt));
  }

  segmentsOf(subscriptionId: string): PeriodRow[] {
    return this.ctx.store.listSubscriptionPeriods(subscriptionId).map((r) => this.canon(r));
  }

  /** Records a change to a segment row (status, end, timestamps). */
  saveSegment(row: PeriodRow, previous: PeriodRow): void {
    this.ctx.store.updatePeriod(row);
    this.ctx.onUndo(() => {
      Object.assign(row, previous);
      this.currentSegment.delete(row.subscription_id);
    });
  }

  /**
   * The stored segment of `sub` holding instant `at`; created (with the plan in force: the
   * scheduled next plan for a period after the last stored one) when none is stored yet.
   * Opening it (fixed fees in advance...) is the billing lifecycle's job.
   */
  segmentAt(sub: SubscriptionRow, customer: CustomerRow, at: number): PeriodRow {
    const cached = this.currentSegment.get(sub.id);
    if (cached && cached.start_at <= at && at < cached.end_at) return cached;
    let row = this.canon(this.ctx.store.getPeriodAt(sub.id, at));
    if (!row) {
      const p = this.periodOf(sub, customer, at);
      const last = this.lastSegment(sub.id);
      const planId = last && p.startMs >= last.period_end && sub.next_plan_id !== null ? sub.next_plan_id : sub.plan_id;
      row = this.insertSegment(sub, planId, p, p.startMs, p.endMs);
    }
    if (!cached || row.start_at >= cached.start_at) this.currentSegment.set(sub.id, row);
    return row;
  }

  insertSegment(sub: SubscriptionRow, planId: number, p: Period, startAt: number, endAt: number): PeriodRow {
    const fresh: Omit<PeriodRow, 'id'> = {
      subscription_id: sub.id,
      plan_id: planId,
      idx: p.index,
      start_at: startAt,
      end_at: endAt,
      status: 'open',
      period_start: p.startMs,
      period_end: p.endMs,
      full_start: p.fullStartMs,
      opened_at: null,
      closed_at: null,
      finalized_at: null,
      grace_until: null,
      end_reason: null,
    };
    // `id` first: V8 gives every object made by a spread followed by a new property a map of its own.
    const row: PeriodRow = { id: this.ctx.store.insertPeriod(fresh), ...fresh };
    this.segments.set(row.id, row);
    this.ctx.onUndo(() => {
      this.segments.delete(row.id);
      if (this.currentSegment.get(sub.id) === row) this.currentSegment.delete(sub.id);
    });
    return row;
  }

  overrides(sub: SubscriptionRow): Record<string, FeatureValue> {
    return parseJsonObject(sub.overrides) as Record<string, FeatureValue>;
  }

  list(input: z.output<typeof ListSubscriptions>) {
    const limit = input.limit ?? 50;
    const customerId = input.customer ? this.customers.require(input.customer).id : null;
    const rows = this.ctx.store.listSubscriptions({ customerId, status: input.status ?? null, after: decodeCursor(input.cursor), limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.toApi(r)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  toApi(row: SubscriptionRow): z.output<typeof Subscription> {
    const plan = this.plans.byId(row.plan_id);
    const customer = this.customers.byInternalId(row.customer_id);
    const now = this.ctx.now();
    let current: { start: string; end: string } | null = null;
    if (row.status === 'active' && now >= row.started_at) {
      const p = this.periodOf(row, customer, now);
      current = { start: iso(p.startMs), end: iso(p.endMs) };
    }
    return {
      id: row.id,
      external_id: row.external_id,
      customer: customer.external_id,
      plan: plan.row.code,
      plan_version: plan.row.version,
      status: row.status,
      billing_time: row.billing_time,
      started_at: iso(row.started_at),
      terminated_at: isoOrNull(row.terminated_at),
      terminate_at: isoOrNull(row.terminate_at),
      next_plan: row.next_plan_id !== null ? this.plans.byId(row.next_plan_id).row.code : null,
      carry_usage: row.carry_usage === 1,
      entitlement_overrides: this.overrides(row),
      current_period: current,
      created_at: iso(row.created_at),
    };
  }
}

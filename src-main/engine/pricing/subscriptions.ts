import type { z } from 'zod';
import type { CreateSubscription, ListSubscriptions, Subscription } from '../../../shared/contract/pricing';
import { type Interval, periodAt, type PeriodRule } from '../../../shared/time';
import type { CustomerRow, PeriodRow, SubscriptionRow } from '../../storage/store';
import type { EngineContext } from '../context';
import type { Customers } from '../customers';
import { fail } from '../errors';
import { decodeCursor, encodeCursor, iso, isoOrNull } from '../format';
import { newId } from '../ids';
import { parseTimestampField } from '../timestamps';
import type { Plans } from './plans';

export class Subscriptions {
  /** customer id -> live subscription (or null: none). */
  private readonly live = new Map<number, SubscriptionRow | null>();
  /** subscription id -> the period most recently used. */
  private readonly currentPeriod = new Map<string, PeriodRow>();
  private readonly periods = new Map<number, PeriodRow>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly plans: Plans,
  ) {
    ctx.registerCache(() => {
      this.live.clear();
      this.currentPeriod.clear();
      this.periods.clear();
    });
  }

  create(input: z.output<typeof CreateSubscription>): z.output<typeof Subscription> {
    const { store } = this.ctx;
    const now = this.ctx.now();
    const customer = this.customers.require(input.customer);
    const plan = this.plans.latest(input.plan);
    const existing = this.liveOf(customer.id);
    if (existing) fail('already_exists', `Customer ${customer.external_id} already has a live subscription (${existing.id}); terminate it or change its plan.`, { subscription: existing.id });
    if (input.external_id && store.getSubscription(input.external_id)) fail('already_exists', `A subscription with external_id ${input.external_id} exists already.`, { subscription: input.external_id });
    const startedAt = parseTimestampField(input.start_at, 'start_at', now) ?? now;
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
    };
    store.insertSubscription(row);
    this.live.delete(customer.id);
    this.ctx.onUndo(() => this.live.delete(customer.id));
    return this.toApi(row);
  }

  liveOf(customerId: number): SubscriptionRow | null {
    let s = this.live.get(customerId);
    if (s === undefined) {
      s = this.ctx.store.getLiveSubscription(customerId) ?? null;
      this.live.set(customerId, s);
    }
    return s;
  }

  rule(sub: SubscriptionRow, customer: CustomerRow): PeriodRule {
    const plan = this.plans.byId(sub.plan_id);
    return {
      interval: plan.row.interval as Interval,
      billingTime: sub.billing_time,
      anchorMs: sub.started_at,
      timeZone: this.customers.timezoneOf(customer),
    };
  }

  /** The billing period of `sub` holding instant `at`, stored the first time it is needed. */
  periodAt(sub: SubscriptionRow, customer: CustomerRow, at: number): PeriodRow {
    const cached = this.currentPeriod.get(sub.id);
    if (cached && cached.start_at <= at && at < cached.end_at) return cached;
    let row = this.ctx.store.getPeriodAt(sub.id, at);
    if (!row) {
      const p = periodAt(this.rule(sub, customer), at);
      const fresh = { subscription_id: sub.id, plan_id: sub.plan_id, idx: p.index, start_at: p.startMs, end_at: p.endMs, status: 'open' };
      row = { ...fresh, id: this.ctx.store.insertPeriod(fresh) };
      const inserted = row;
      this.ctx.onUndo(() => {
        if (this.currentPeriod.get(sub.id) === inserted) this.currentPeriod.delete(sub.id);
      });
    }
    if (!cached || row.start_at >= cached.start_at) this.currentPeriod.set(sub.id, row);
    return row;
  }

  /** A stored period by id (periods never change once written, except their status). */
  period(id: number): PeriodRow {
    let p = this.periods.get(id);
    if (!p) {
      p = this.ctx.store.getPeriod(id);
      if (!p) throw new Error(`period ${id} missing`);
      this.periods.set(id, p);
    }
    return p;
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
      const p = periodAt(this.rule(row, customer), now);
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
      current_period: current,
      created_at: iso(row.created_at),
    };
  }
}

import type { z } from 'zod';
import type { TopUp } from '../../../shared/contract/ledger';
import type { AlertEvent, AlertRule, AutoTopUpRule, CreateAlertRule, CreateAutoTopUpRule } from '../../../shared/contract/notify';
import { add, cmp, dec, toText } from '../../../shared/decimal';
import { startOfDay } from '../../../shared/time';
import type { AlertRuleRow, AutoTopUpRow, CustomerRow } from '../../storage/store';
import type { Assets } from '../assets';
import type { EngineContext, LiveChange } from '../context';
import type { Customers } from '../customers';
import { fail } from '../errors';
import { iso, isoOrNull, moneyText } from '../format';
import type { Funding } from '../funding';
import { newId } from '../ids';
import { availableOf, postedBalance } from '../ledger/books';
import type { Metrics } from '../pricing/metrics';
import type { Subscriptions } from '../pricing/subscriptions';
import type { UsageLedger } from '../pricing/usage';
import type { Outbox } from './outbox';
import type { Plans } from '../pricing/plans';

/**
 * Alerts and auto top-ups, evaluated on the write path: every wallet (and every customer's usage)
 * changed in a batch is looked at just before the batch commits, so an alert, its webhook and an
 * auto top-up request are written in the same transaction as the debit that caused them.
 *
 * A rule fires once per crossing: it stays fired until the value has gone back across the
 * threshold. An auto top-up rule requests one top-up sized to close the whole gap, never a second
 * while one is pending (the in-flight guard), not within its cool-off, and within its daily cap.
 */
export class Watchers {
  private opWallets = new Set<string>();
  private batchWallets = new Set<string>();
  private opUsage = new Set<number>();
  private batchUsage = new Set<number>();
  private alertRules = new Map<number, AlertRuleRow[]>();
  private autoRules = new Map<number, AutoTopUpRow[]>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly assets: Assets,
    private readonly outbox: Outbox,
    private readonly funding: Funding,
    private readonly metrics: Metrics,
    private readonly plans: Plans,
    private readonly subscriptions: Subscriptions,
    private readonly usage: UsageLedger,
  ) {
    ctx.onEmitted((c) => this.noted(c));
    ctx.registerOpHooks({
      begin: () => this.merge(),
      rollback: () => {
        this.opWallets.clear();
        this.opUsage.clear();
      },
    });
    ctx.registerFlush(() => this.evaluate());
    ctx.registerCache(() => {
      this.alertRules.clear();
      this.autoRules.clear();
      this.opWallets.clear();
      this.batchWallets.clear();
      this.opUsage.clear();
      this.batchUsage.clear();
    });
  }

  private noted(c: LiveChange): void {
    if (!c.customer) return;
    if (c.type === 'balance' && c.asset) this.opWallets.add(`${c.customer}\u0000${c.asset}`);
    if (c.type === 'event') {
      const customer = this.customers.find(c.customer);
      if (customer && this.rulesOf(customer.id).some((r) => r.kind === 'usage')) this.opUsage.add(customer.id);
    }
  }

  private merge(): void {
    for (const w of this.opWallets) this.batchWallets.add(w);
    for (const u of this.opUsage) this.batchUsage.add(u);
    this.opWallets.clear();
    this.opUsage.clear();
  }

  private rulesOf(customerId: number): AlertRuleRow[] {
    let r = this.alertRules.get(customerId);
    if (!r) this.alertRules.set(customerId, (r = this.ctx.store.listAlertRules(customerId)));
    return r;
  }

  private autoOf(customerId: number): AutoTopUpRow[] {
    let r = this.autoRules.get(customerId);
    if (!r) this.autoRules.set(customerId, (r = this.ctx.store.listAutoTopUpRules(customerId)));
    return r;
  }

  // ---------------------------------------------------------------- evaluation (before COMMIT)
  private evaluate(): void {
    this.merge();
    const wallets = [...this.batchWallets];
    const usage = [...this.batchUsage];
    this.batchWallets.clear();
    this.batchUsage.clear();
    for (const key of wallets) {
      const [external, asset] = key.split('\u0000') as [string, string];
      const customer = this.customers.find(external);
      if (customer) this.guarded(() => this.evaluateWallet(customer, asset));
    }
    for (const customerId of usage) this.guarded(() => this.evaluateUsage(this.customers.byInternalId(customerId)));
  }

  /** One wallet's evaluation in a savepoint: a failure there must not undo the batch's debits. */
  private guarded(fn: () => void): void {
    this.ctx.store.beginOp();
    try {
      fn();
      this.ctx.store.releaseOp();
    } catch {
      this.ctx.store.rollbackOp();
      this.alertRules.clear();
      this.autoRules.clear();
    }
  }

  /** An amount in minor units as people read it in messages: `12.50 USD` (the values stay in minor units). */
  private amount(asset: string, minor: bigint | string): string {
    return moneyText(minor, asset, this.assets.find(asset)?.scale);
  }

  private evaluateWallet(customer: CustomerRow, asset: string): void {
    const ws = this.ctx.books.cachedWallet(customer.id, asset);
    if (!ws) return;
    const available = availableOf(ws);
    const posted = postedBalance(ws);
    const now = this.ctx.now();
    // wallet.depleted: available reaching zero or below, once per crossing. Not for a postpaid
    // customer: their available goes below zero by design (usage is billed later), so every fee
    // would "deplete" the wallet; the balance alert rules the operator set still fire for them.
    if (customer.billing_mode !== 'postpaid') {
      const depleted = this.ctx.store.getWalletDepleted(customer.id, asset);
      if (available <= 0n && !depleted && (ws.wallet.credits_posted > 0n || ws.receivable.debits_posted > 0n)) {
        this.ctx.store.setWalletDepleted(customer.id, asset, true);
        this.fire(customer, null, 'wallet.depleted', asset, available.toString(), '0', `${customer.external_id}'s ${asset} wallet is depleted (available ${this.amount(asset, available)}).`);
      } else if (available > 0n && depleted) {
        this.ctx.store.setWalletDepleted(customer.id, asset, false);
      }
    }
    for (const rule of this.rulesOf(customer.id)) {
      if (rule.kind !== 'balance' || rule.asset !== asset || !rule.enabled) continue;
      const value = rule.field === 'posted' ? posted : available;
      const below = cmp(dec(value), dec(rule.threshold)) < 0;
      if (below && !rule.fired) {
        rule.fired = 1;
        rule.last_fired_at = now;
        this.ctx.store.updateAlertRule(rule);
        this.fire(customer, rule.id, 'wallet.low_balance', asset, value.toString(), rule.threshold, `${customer.external_id}'s ${asset} ${rule.field} balance fell below ${this.amount(asset, rule.threshold)} (now ${this.amount(asset, value)}).`, { field: rule.field });
      } else if (!below && rule.fired) {
        rule.fired = 0;
        this.ctx.store.updateAlertRule(rule);
      }
    }
    for (const rule of this.autoOf(customer.id)) {
      if (rule.asset === asset && rule.enabled) this.maybeTopUp(customer, rule, rule.watch === 'posted' ? posted : available, now);
    }
  }

  private maybeTopUp(customer: CustomerRow, rule: AutoTopUpRow, watched: bigint, now: number): void {
    if (watched >= rule.threshold) return;
    if (rule.pending_top_up) {
      const pending = this.ctx.store.getTopUp(rule.pending_top_up);
      if (pending?.status === 'pending') return; // the in-flight guard
      rule.pending_top_up = null;
    }
    if (rule.last_requested_at !== null && now < rule.last_requested_at + rule.cooldown_seconds * 1000) return;
    let amount = rule.mode === 'fixed' ? rule.amount : rule.amount - watched;
    if (rule.daily_cap !== null) {
      const since = startOfDay(now, this.customers.timezoneOf(customer));
      const left = rule.daily_cap - this.ctx.store.autoTopUpRequestedSince(rule.id, since);
      if (left <= 0n) return;
      if (amount > left) amount = left;
    }
    if (amount <= 0n) return;
    const topUp = this.funding.requestTopUp(customer, rule.asset, amount, now + rule.payment_ttl_seconds * 1000, rule.id);
    rule.pending_top_up = topUp.id;
    rule.last_requested_at = now;
    this.ctx.store.upsertAutoTopUpRule(rule);
    this.fire(customer, rule.id, 'top_up.requested', rule.asset, watched.toString(), rule.threshold.toString(), `Top-up of ${this.amount(rule.asset, amount)} requested for ${customer.external_id}.`, { field: rule.watch, top_up: topUp });
  }

  private evaluateUsage(customer: CustomerRow): void {
    const sub = this.subscriptions.liveOf(customer.id);
    if (!sub) return;
    const seg = this.subscriptions.segmentAt(sub, customer, this.ctx.now());
    const plan = this.plans.byId(seg.plan_id);
    for (const rule of this.rulesOf(customer.id)) {
      if (rule.kind !== 'usage' || !rule.enabled || !rule.metric) continue;
      const metric = this.metrics.find(rule.metric);
      if (!metric) continue;
      let units = dec(0);
      let amount = 0n;
      const charges = plan.charges.filter((c) => c.metric.id === metric.id);
      // Filtered charges split one metric's events between them: the metric's usage is their sum.
      for (const charge of charges) {
        const e = this.usage.get(seg.id, charge.id);
        units = add(units, e.usage.units);
        amount += e.priced - e.baseline;
      }
      const value = rule.field === 'amount' ? dec(amount) : units;
      const reached = cmp(value, dec(rule.threshold)) >= 0;
      if (reached && !rule.fired) {
        rule.fired = 1;
        rule.last_fired_at = this.ctx.now();
        this.ctx.store.updateAlertRule(rule);
        // An amount is minor units of the asset its charges are priced in: named, so it can be read as money.
        const priced = new Set(charges.map((c) => c.asset.code));
        const asset = rule.field === 'amount' && priced.size === 1 ? [...priced][0]! : null;
        const shown = (v: string) => (asset ? this.amount(asset, v) : v);
        this.fire(customer, rule.id, 'usage.threshold_reached', asset, toText(value), rule.threshold, `${customer.external_id}'s ${rule.metric} ${rule.field} reached ${shown(rule.threshold)} this period (now ${shown(toText(value))}).`, { metric: rule.metric, field: rule.field });
      } else if (!reached && rule.fired) {
        rule.fired = 0;
        this.ctx.store.updateAlertRule(rule);
      }
    }
  }

  /** A pending top-up expired unconfirmed: an alert and `top_up.expired`, naming the auto top-up rule that requested it, if one did. */
  topUpExpired(topUp: z.output<typeof TopUp>): void {
    const customer = this.customers.require(topUp.customer);
    const ruleId = this.ctx.store.autoRuleOfTopUp(topUp.id);
    this.fire(customer, ruleId, 'top_up.expired', topUp.asset, topUp.amount, null, `Top-up ${topUp.id} of ${this.amount(topUp.asset, topUp.amount)} for ${customer.external_id} expired unconfirmed.`, { top_up: topUp });
  }

  /** Records an alert (console, live feed) and queues its webhook. */
  fire(customer: CustomerRow | null, ruleId: string | null, type: string, asset: string | null, value: string, threshold: string | null, message: string, extra: Record<string, unknown> = {}): void {
    const now = this.ctx.now();
    const id = this.ctx.store.insertAlertEvent({ rule_id: ruleId, customer_id: customer?.id ?? 0, type, asset, value, threshold, message, created_at: now });
    this.outbox.enqueue(type, { customer: customer?.external_id ?? null, asset, value, threshold, rule: ruleId, message, ...extra });
    this.ctx.emit({ type: 'alert', customer: customer?.external_id ?? null, id: String(id), ...(asset ? { asset } : {}), data: { type, message, value, threshold } });
  }

  // ---------------------------------------------------------------- rules
  createAlert(input: z.output<typeof CreateAlertRule>): z.output<typeof AlertRule> {
    const customer = this.customers.require(input.customer);
    if (input.asset) this.assets.require(input.asset);
    if (input.metric) this.metrics.require(input.metric);
    const field = input.field ?? (input.kind === 'balance' ? 'available' : 'units');
    if ((input.kind === 'balance') !== (field === 'available' || field === 'posted')) fail('validation_failed', `field ${field} does not go with a ${input.kind} alert.`, { issues: [{ path: ['field'], message: 'wrong field for the kind' }] });
    const row: AlertRuleRow = { id: newId('alr', this.ctx.now()), customer_id: customer.id, asset: input.asset ?? null, metric: input.metric ?? null, kind: input.kind, field, threshold: toText(dec(input.threshold)), name: input.name ?? null, fired: 0, enabled: 1, last_fired_at: null, created_at: this.ctx.now() };
    this.ctx.store.insertAlertRule(row);
    this.forget(customer.id);
    return this.alertToApi(row);
  }

  deleteAlert(id: string): { deleted: boolean } {
    const rule = this.ctx.store.listAlertRules(null).find((r) => r.id === id) ?? fail('not_found', `No alert rule ${id}.`, { rule: id });
    this.ctx.store.deleteAlertRule(id);
    this.forget(rule.customer_id);
    return { deleted: true };
  }

  listAlerts(externalId: string | undefined) {
    const customerId = externalId ? this.customers.require(externalId).id : null;
    return {
      rules: this.ctx.store.listAlertRules(customerId).map((r) => this.alertToApi(r)),
      events: this.ctx.store.listAlertEvents(customerId, 100).map((e): z.output<typeof AlertEvent> => ({
        id: String(e.id),
        rule: e.rule_id,
        customer: e.customer_id ? this.customers.byInternalId(e.customer_id).external_id : '',
        type: e.type,
        asset: e.asset,
        value: e.value,
        threshold: e.threshold,
        message: e.message,
        created_at: iso(e.created_at),
      })),
    };
  }

  setAutoTopUp(input: z.output<typeof CreateAutoTopUpRule>): z.output<typeof AutoTopUpRule> {
    const customer = this.customers.require(input.customer);
    this.assets.require(input.asset);
    const existing = this.ctx.store.listAutoTopUpRules(customer.id).find((r) => r.asset === input.asset);
    const row: AutoTopUpRow = {
      id: existing?.id ?? newId('atu', this.ctx.now()),
      customer_id: customer.id,
      asset: input.asset,
      watch: input.watch ?? 'available',
      threshold: input.threshold,
      mode: input.mode,
      amount: input.amount,
      cooldown_seconds: input.cooldown_seconds ?? 300,
      daily_cap: input.daily_cap ?? null,
      payment_ttl_seconds: input.payment_ttl_seconds ?? 3600,
      enabled: 1,
      pending_top_up: existing?.pending_top_up ?? null,
      last_requested_at: existing?.last_requested_at ?? null,
      created_at: existing?.created_at ?? this.ctx.now(),
    };
    this.ctx.store.upsertAutoTopUpRule(row);
    this.forget(customer.id);
    // A rule set while the balance is already low acts at once (this batch's evaluation).
    this.opWallets.add(`${customer.external_id}\u0000${input.asset}`);
    this.ctx.books.wallet(customer.id, input.asset);
    return this.autoToApi(row);
  }

  updateAutoTopUp(id: string, enabled: boolean): z.output<typeof AutoTopUpRule> {
    const row = this.ctx.store.getAutoTopUpRule(id) ?? fail('not_found', `No auto top-up rule ${id}.`, { rule: id });
    row.enabled = enabled ? 1 : 0;
    this.ctx.store.upsertAutoTopUpRule(row);
    this.forget(row.customer_id);
    return this.autoToApi(row);
  }

  listAutoTopUps(externalId: string | undefined) {
    const customerId = externalId ? this.customers.require(externalId).id : null;
    return { data: this.ctx.store.listAutoTopUpRules(customerId).map((r) => this.autoToApi(r)) };
  }

  private forget(customerId: number): void {
    this.alertRules.delete(customerId);
    this.autoRules.delete(customerId);
    this.ctx.onUndo(() => {
      this.alertRules.delete(customerId);
      this.autoRules.delete(customerId);
    });
  }

  private alertToApi(r: AlertRuleRow): z.output<typeof AlertRule> {
    return { id: r.id, customer: this.customers.byInternalId(r.customer_id).external_id, kind: r.kind, asset: r.asset, metric: r.metric, field: r.field, threshold: r.threshold, name: r.name, fired: r.fired === 1, enabled: r.enabled === 1, last_fired_at: isoOrNull(r.last_fired_at), created_at: iso(r.created_at) };
  }

  private autoToApi(r: AutoTopUpRow): z.output<typeof AutoTopUpRule> {
    return {
      id: r.id,
      customer: this.customers.byInternalId(r.customer_id).external_id,
      asset: r.asset,
      watch: r.watch,
      threshold: r.threshold.toString(),
      mode: r.mode,
      amount: r.amount.toString(),
      cooldown_seconds: r.cooldown_seconds,
      daily_cap: r.daily_cap === null ? null : r.daily_cap.toString(),
      payment_ttl_seconds: r.payment_ttl_seconds,
      enabled: r.enabled === 1,
      // The rule learns that its request was confirmed, failed or expired only when it next runs: ask the top-up itself.
      pending_top_up: r.pending_top_up !== null && this.ctx.store.getTopUp(r.pending_top_up)?.status === 'pending' ? r.pending_top_up : null,
      last_requested_at: isoOrNull(r.last_requested_at),
      created_at: iso(r.created_at),
    };
  }
}

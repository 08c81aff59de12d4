import { randomBytes } from 'node:crypto';
import { VERSION } from '../version';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { availableOf, debtOf, pendingHolds, postedBalance } from './ledger/books';
import type { LiveChange } from './context';
import type { z } from 'zod';
import type { CreateQuote, Quote, Subscription, UpdateSubscription } from '../../shared/contract/pricing';
import { fail } from './errors';
import { dec, toText } from '../../shared/decimal';
import { estimate, priceOf } from './pricing/rating';
import { emptyUsage } from '../../shared/pricing';
import { join } from 'node:path';
import { type Db, openDatabase, type Synchronous } from '../storage/database';
import { type DataDirLock, lockDataDir } from '../storage/lock';
import { migrate, type MigrationReport } from '../storage/migrate';
import { Store } from '../storage/store';
import { Assets } from './assets';
import { Authorizations } from './authorizations';
import { type Clock, systemClock } from './clock';
import { DEFAULT_SETTINGS, EngineContext, type EngineSettings } from './context';
import { Customers } from './customers';
import { Events } from './events';
import { Funding } from './funding';
import { ApiKeys } from './keys';
import { AuditLog } from './audit';
import { CustomerData } from './customer-data';
import { mintReadToken, READ_TOKEN_OPERATIONS } from './read-tokens';
import { LedgerViews } from './ledger-views';
import { Metrics } from './pricing/metrics';
import { Plans } from './pricing/plans';
import { Subscriptions } from './pricing/subscriptions';
import { UsageLedger } from './pricing/usage';
import { Refusals } from './refusals';
import { SpendCaps } from './spend';
import { verifyLedger } from './verify';
import { Billing } from './billing/lifecycle';
import { Coupons } from './billing/coupons';
import { BillingViews } from './billing/views';
import { Settings } from './settings';
import { Stats } from './stats';
import { RevenueAttribution } from './revenue-attribution';
import { ConsoleViews } from './console-views';
import { Statements } from './invoicing/statement';
import { Invoices } from './invoicing/invoices';
import { ReceivablesAgingReport } from './invoicing/aging';
import { CreditNotes } from './invoicing/credit-notes';
import { Receipts } from './invoicing/receipts';
import { Documents } from './invoicing/documents';
import { BillingRuns } from './invoicing/billing-runs';
import { type DocumentRenderer, InlineRenderer, WorkerRenderer } from './invoicing/renderer';
import { Outbox } from './notify/outbox';
import { Deliverer } from './notify/deliverer';
import { Watchers } from './notify/watchers';
import { invoiceMessage } from './notify/messages';
import { Writer } from './writer';
import { WaitingSignal } from './waiting-signal';
import { Backups } from './backups';
import { describeStorageFailure } from '../storage/database';
import { Portability } from './migration';
import { iso, moneyText } from './format';

/** The rule revenue by plan is kept by (revenue-attribution.ts); a database kept by another is rebuilt at start-up. */
const STATS_REVENUE_RULE = '2';

export interface EngineOptions {
  dataDir: string;
  synchronous?: Synchronous;
  clock?: Clock;
  settings?: Partial<EngineSettings>;
  /** `TOLLGATE_ADMIN_KEY`: an admin key to create (or keep) instead of minting one. */
  adminKey?: string;
  /** Run the background sweeps (expiries, refusal counts). Tests may turn them off. */
  timers?: boolean;
  /** Where PDFs are rendered: this thread (default), or a document thread built to this file. */
  documentWorker?: string;
  /** Where backups are copied and verified: this thread (default), or a backup thread built to this file. */
  backupWorker?: string;
  /**
   * Given when the engine runs on a thread of its own (worker-main.ts): the count of waited-on
   * messages the door's thread has posted (waiting-signal.ts). A slice of bulk work then ends, once
   * it has run the short budget, as soon as someone waits.
   */
  waitingSignal?: SharedArrayBuffer;
}

/**
 * The engine: one data dir, one process, one writer. It never imports `electron`; the desktop app,
 * serve mode and the tests all run this same class.
 */
export class Engine {
  readonly ctx: EngineContext;
  readonly store: Store;
  readonly writer: Writer;
  /** Set when the engine has a thread of its own: the messages posted to it that someone waits on. */
  readonly waiting: WaitingSignal | null;
  readonly keys: ApiKeys;
  readonly audit: AuditLog;
  readonly customerData: CustomerData;
  readonly assets: Assets;
  readonly caps: SpendCaps;
  readonly customers: Customers;
  readonly metrics: Metrics;
  readonly plans: Plans;
  readonly subscriptions: Subscriptions;
  readonly usage: UsageLedger;
  readonly authorizations: Authorizations;
  readonly funding: Funding;
  readonly refusals: Refusals;
  readonly events: Events;
  readonly views: LedgerViews;
  readonly settingsStore: Settings;
  readonly coupons: Coupons;
  readonly billing: Billing;
  readonly billingViews: BillingViews;
  readonly stats: Stats;
  readonly consoleViews: ConsoleViews;
  readonly statements: Statements;
  readonly invoices: Invoices;
  readonly aging: ReceivablesAgingReport;
  readonly creditNotes: CreditNotes;
  readonly receipts: Receipts;
  readonly documents: Documents;
  readonly billingRuns: BillingRuns;
  readonly portability: Portability;
  readonly outbox: Outbox;
  readonly deliverer: Deliverer;
  readonly watchers: Watchers;
  private readonly renderer: DocumentRenderer;
  readonly startedAt: number;
  /** The admin key minted on an empty data dir; shown once by whoever started the engine. */
  readonly initialAdminKey: string | null;
  readonly migration: MigrationReport;
  /** Online backups: on demand, on a schedule (the timers), verified and rotated. */
  readonly backups: Backups;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;

  private constructor(
    readonly dataDir: string,
    readonly db: Db,
    private readonly lock: DataDirLock,
    options: EngineOptions,
    migration: MigrationReport,
  ) {
    this.migration = migration;
    this.store = new Store(db);
    const clock = options.clock ?? systemClock;
    this.startedAt = clock.now();
    this.ctx = new EngineContext(this.store, clock, { ...DEFAULT_SETTINGS, ...options.settings });
    this.waiting = options.waitingSignal ? new WaitingSignal(options.waitingSignal) : null;
    const waiting = this.waiting;
    this.writer = new Writer(this.store, this.ctx, waiting ? { othersWaiting: () => waiting.waiting() } : {});
    this.backups = new Backups(this.ctx, dataDir, db.name, this.startedAt, options.backupWorker);
    this.keys = new ApiKeys(this.store, () => clock.now(), (fn) => this.ctx.onUndo(fn));
    this.settingsStore = new Settings(this.ctx);
    this.assets = new Assets(this.ctx);
    this.caps = new SpendCaps(this.ctx);
    this.customers = new Customers(this.ctx, this.assets, this.caps);
    this.audit = new AuditLog(this.ctx, this.customers);
    this.metrics = new Metrics(this.ctx);
    this.plans = new Plans(this.ctx, this.metrics, this.assets);
    this.subscriptions = new Subscriptions(this.ctx, this.customers, this.plans);
    this.usage = new UsageLedger(this.ctx, (chargeId) => priceOf(this.plans.chargeById(chargeId), emptyUsage()));
    this.authorizations = new Authorizations(this.ctx, this.customers, this.assets, this.metrics, this.plans, this.subscriptions, this.usage, this.caps);
    this.funding = new Funding(this.ctx, this.customers, this.assets, this.authorizations);
    this.refusals = new Refusals(this.ctx, this.customers);
    this.coupons = new Coupons(this.ctx, this.assets);
    this.billing = new Billing(this.ctx, this.customers, this.plans, this.subscriptions, this.usage, this.authorizations, this.coupons, this.settingsStore);
    this.authorizations.billing = this.billing;
    this.billingViews = new BillingViews(this.ctx, this.plans, this.subscriptions, this.usage, this.billing);
    this.events = new Events(this.ctx, this.customers, this.plans, this.subscriptions, this.usage, this.authorizations, this.caps, this.refusals, this.billing, this.settingsStore);
    this.views = new LedgerViews(this.ctx, this.customers, this.assets, this.authorizations);
    const accountInfo = new Map<number, { customerId: number | null; asset: string; type: string }>();
    this.ctx.registerCache(() => accountInfo.clear());
    this.stats = new Stats(
      this.ctx,
      new RevenueAttribution(
        this.ctx,
        (periodId) => this.subscriptions.segment(periodId),
        (subscriptionId) => {
          const sub = this.store.getSubscription(subscriptionId);
          return sub ? this.store.getCustomer(sub.customer_id) : undefined;
        },
        (c) => this.customers.timezoneOf(c),
      ),
      (id) => {
        let info = accountInfo.get(id);
        if (!info) {
          const a = this.store.getAccount(id);
          if (a) accountInfo.set(id, (info = { customerId: a.customer_id, asset: a.asset, type: a.type }));
        }
        return info;
      },
    );
    this.ctx.books.onTransfer = (t) => this.stats.transfer(t);
    this.statements = new Statements(this.ctx, this.assets, this.plans, this.subscriptions, this.usage, this.billing);
    this.invoices = new Invoices(this.ctx, this.customers, this.assets, this.plans, this.subscriptions, this.statements, this.billing, this.settingsStore, dataDir);
    this.aging = new ReceivablesAgingReport(this.ctx, this.customers, this.invoices);
    this.billing.onPeriodClosed = (sub, customer, periodStart) => void this.invoices.draft(sub, customer, periodStart);
    this.creditNotes = new CreditNotes(this.ctx, this.customers, this.invoices, this.settingsStore);
    this.receipts = new Receipts(this.ctx, this.customers, this.assets, this.settingsStore, this.invoices.numbers);
    this.funding.onPaidTopUp = (topUpId) => void this.receipts.forTopUp(topUpId);
    this.funding.onGivenBack = (topUp, givenBack, kind) => void this.receipts.returnTax(topUp, givenBack, kind);
    this.funding.taxOf = (topUpId) => this.receipts.taxOf(topUpId);
    this.renderer = options.documentWorker ? new WorkerRenderer(options.documentWorker) : new InlineRenderer();
    this.documents = new Documents(this.ctx, this.writer, this.renderer, this.invoices);
    this.billingRuns = new BillingRuns(this);
    this.portability = new Portability(this, VERSION);
    // Documents frozen in a batch are rendered once it has committed.
    this.ctx.listeners.add((changes) => {
      if (changes.some((c) => c.type === 'invoice' || c.type === 'top_up')) void this.documents.renderPending().catch(() => undefined);
    });
    this.outbox = new Outbox(this.ctx);
    this.watchers = new Watchers(this.ctx, this.customers, this.assets, this.outbox, this.funding, this.metrics, this.plans, this.subscriptions, this.usage);
    this.deliverer = new Deliverer(this.ctx, this.writer, this.ctx.settings.webhookRetryMs, this.ctx.settings.webhookDisableAfterMs, (endpoint) =>
      this.watchers.fire(null, null, 'webhook.endpoint_disabled', null, '0', null, `Webhook endpoint ${endpoint.url} was disabled: ${endpoint.disabled_reason}`, { endpoint: this.outbox.toApi(endpoint) }),
    );
    this.outbox.onQueued = () => this.deliverer.wake();
    this.funding.onCredited = (topUp) => void this.outbox.enqueue('wallet.topped_up', { customer: topUp.customer, asset: topUp.asset, top_up: topUp });
    this.funding.onExpired = (topUp) => this.watchers.topUpExpired(topUp);
    this.authorizations.onCreditExpired = (ws, lot, amount) => {
      const external = this.customers.byInternalId(ws.customerId).external_id;
      const what = lot.kind === 'granted' ? 'granted credit' : 'paid credit';
      void this.outbox.enqueue('credit.expired', {
        customer: external,
        asset: ws.asset,
        amount: amount.toString(),
        kind: lot.kind,
        lot_id: String(lot.id),
        top_up: lot.source === 'top_up' ? lot.source_id : null,
        expired_at: iso(lot.expires_at!),
        message: `${moneyText(amount, ws.asset, this.store.getAsset(ws.asset)?.scale)} of ${external}'s ${what} expired unused.`,
      });
    };
    this.invoices.onFinalized = (invoice) => void this.outbox.enqueue('invoice.finalized', invoiceMessage(invoice));
    this.creditNotes.onCreated = (note, about) => void this.outbox.enqueue('credit_note.created', { ...about, credit_note: note });
    this.refusals.onWebhook = (type, data) => void this.outbox.enqueue(type, data);
    this.customerData = new CustomerData(this);
    this.consoleViews = new ConsoleViews(this.ctx, this.customers, this.assets, this.plans, this.subscriptions, this.events, this.views, this.stats);
    this.ctx.registerCache(() => this.views.forgetAccountNames());

    this.ctx.listeners.add((changes) => this.publish(changes));
    const now = clock.now();
    if (options.adminKey) {
      this.keys.create('admin (TOLLGATE_ADMIN_KEY)', ['admin'], now, options.adminKey);
      this.initialAdminKey = null;
    } else if (this.keys.count() === 0) {
      this.initialAdminKey = this.keys.create('admin', ['admin'], now);
    } else {
      this.initialAdminKey = null;
    }
    if (this.store.getMeta('instance_id') === undefined) this.store.setMeta('instance_id', crypto.randomUUID());
    if (this.store.getMeta('session_secret') === undefined) this.store.setMeta('session_secret', randomBytes(32).toString('base64url'));
    this.sessionSecret = this.store.getMeta('session_secret')!;
    // Revenue by plan is kept as the ledger is written; kept by an earlier rule, it is rebuilt once.
    if (this.store.getMeta('stats_revenue_rule') !== STATS_REVENUE_RULE) {
      this.db.transaction(() => {
        this.stats.rebuildRevenue();
        this.store.setMeta('stats_revenue_rule', STATS_REVENUE_RULE);
      })();
    }

    if (options.timers ?? true) {
      this.timers.push(setInterval(() => this.flushRefusals(), 1000).unref());
      // API keys' last use: noted in memory per request, written here (each key at most once a minute).
      this.timers.push(setInterval(() => this.flushKeyUses(), 5000).unref());
      this.timers.push(setInterval(() => void this.sweep().catch(() => undefined), 30_000).unref());
      this.timers.push(setInterval(() => void this.runBilling().catch(() => undefined), 2000).unref());
      // The backup schedule (settings: every interval_hours, keep N); checked every minute.
      this.timers.push(setInterval(() => void this.backups.tick().catch(() => undefined), 60_000).unref());
      // While writes fail for storage, try one every few seconds: health turns green by itself.
      this.timers.push(setInterval(() => void (this.writer.storageProblem ? this.probeStorage() : undefined), 5000).unref());
      // Catch up at once: periods that ended while the engine was off are billed now, in order.
      setImmediate(() => void this.runBilling().catch(() => undefined));
      // Webhooks queued before a restart go out now.
      this.deliverer.start();
    }
  }

  static open(options: EngineOptions): Engine {
    mkdirSync(options.dataDir, { recursive: true });
    const lock = lockDataDir(options.dataDir);
    let db: Db | undefined;
    try {
      db = openDatabase(join(options.dataDir, 'tollgate.db'), { synchronous: options.synchronous ?? 'FULL' });
      const report = migrate(db, join(options.dataDir, 'backups'));
      return new Engine(options.dataDir, db, lock, options, report);
    } catch (err) {
      db?.close();
      lock.release();
      throw err;
    }
  }

  get settings(): EngineSettings {
    return this.ctx.settings;
  }

  now(): number {
    return this.ctx.now();
  }

  /**
   * The billing clock: activates, closes and opens the period segments that came due, one
   * subscription per operation; then finalizes segments whose grace period is over.
   */
  async runBilling(): Promise<{ advanced: number; finalized: number }> {
    if (this.closed) return { advanced: 0, finalized: 0 };
    const now = this.now();
    const due = this.billing.due(now);
    await this.writer.runEach(due.map((id) => () => this.billing.advance(id, now)), 'bulk');
    // Drafts past their grace period are finalized (their periods with them).
    const drafts = this.store.listDraftsDue(this.now(), 500);
    await this.writer.runEach(drafts.map((id) => () => this.invoices.finalize(id)), 'bulk');
    // Segments without an invoice (none are expected) still freeze after their grace.
    const ripe = this.store.listPeriodsToFinalize(this.now(), 500);
    await this.writer.runEach(ripe.map((p) => () => this.billing.finalize(this.subscriptions.segment(p.id))), 'bulk');
    return { advanced: due.length, finalized: drafts.length };
  }

  /** Listeners of committed changes, with the latest state of each balance and hold. */
  readonly live = new Set<(changes: LiveChange[]) => void>();

  /**
   * After each commit: one change per object (the latest), balances filled in with their current
   * numbers from the books, so a console needs no extra request to show them.
   */
  private publish(changes: LiveChange[]): void {
    if (!this.live.size) return;
    const latest = new Map<string, LiveChange>();
    for (const c of changes) latest.set(`${c.type}:${c.id}:${c.asset ?? ''}`, c);
    const out: LiveChange[] = [];
    for (const c of latest.values()) {
      if (c.type === 'balance' && c.asset) {
        const customer = this.customers.find(c.id);
        const ws = customer ? this.ctx.books.cachedWallet(customer.id, c.asset) : undefined;
        if (ws) {
          out.push({ ...c, data: { posted: postedBalance(ws).toString(), pending: pendingHolds(ws).toString(), debt: debtOf(ws).toString(), available: availableOf(ws).toString(), at: this.now() } });
          continue;
        }
      }
      if (c.type === 'authorization' && !c.data) {
        const h = this.authorizations.hold(c.id);
        if (h) out.push({ ...c, data: { status: h.row.status, held: h.row.held.toString(), captured: h.row.captured.toString(), amount: h.row.amount.toString(), expires_at: h.row.expires_at } });
        continue;
      }
      out.push(c);
    }
    for (const l of this.live) l(out);
  }

  /** The secret that signs console sessions; made once per data dir, when the engine opens. */
  readonly sessionSecret: string;

  /** Writes the refusal counts gathered in memory. */
  flushRefusals(): Promise<void> {
    if (!this.refusals.dirty || this.closed) return Promise.resolve();
    return this.writer.run(() => this.refusals.flush()).catch(() => undefined);
  }

  /** Writes the API keys' last uses noted in memory: those due (each key at most once a minute), or all of them. */
  flushKeyUses(all = false): Promise<void> {
    if (this.closed || !this.keys.usesDue(all)) return Promise.resolve();
    return this.writer.run(() => void this.keys.flushUses(all)).catch(() => undefined);
  }

  /**
   * Housekeeping only: expiries are applied on the write path whatever this does. It settles
   * expired holds and lots of wallets nobody touches, so reports and the console show them settled.
   */
  async sweep(): Promise<number> {
    const now = this.now();
    const wallets = new Set<string>();
    for (const w of this.store.listExpiredAuthorizations(now, 500)) wallets.add(`${w.customer_id}:${w.asset}`);
    for (const accountId of this.store.listAccountsWithExpiredLots(now, 500)) {
      const a = this.store.getAccount(accountId);
      if (a?.customer_id) wallets.add(`${a.customer_id}:${a.asset}`);
    }
    const ops = [...wallets].map((key) => () => {
      const [customerId, asset] = key.split(':') as [string, string];
      this.authorizations.applyDeadlines(this.ctx.books.wallet(Number(customerId), asset));
    });
    const expiredTopUps = this.store.listExpiredPendingTopUps(now, 500).map((id) => () => this.funding.expireTopUp(id));
    const overdue = this.store.listOverdueInvoices(now, 500).map((id) => () => {
      this.store.markOverdueNotified(id, now);
      const invoice = this.invoices.toApi(this.invoices.require(id));
      // The query sees payments only: credit notes, and credit that repaid the debt, may have settled it.
      if (BigInt(invoice.amount_outstanding) > 0n) this.outbox.enqueue('invoice.overdue', invoiceMessage(invoice));
    });
    const retention = this.store.documentsPastRetention(now, 1).length > 0 ? [() => this.customerData.sweepRetention(now)] : [];
    // Refused events are kept as counts per customer, reason and minute for 90 days.
    const pruneRefusals = () => void this.store.pruneRefusalCounts(Math.floor(now / 60_000) - 90 * 24 * 60);
    await this.writer.runEach([...ops, ...expiredTopUps, ...overdue, ...retention, pruneRefusals], 'bulk');
    this.store.checkpointIfLarge(`${this.db.name}-wal`, 64 * 1024 * 1024);
    return ops.length + expiredTopUps.length + overdue.length + retention.length;
  }

  /** The figures an operator's monitoring watches (also rendered for Prometheus at /v1/metrics). */
  runtimeStats() {
    const now = this.now();
    const q = this.store.webhookQueue();
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    const backup = this.backups.status();
    const mem = process.memoryUsage();
    return {
      as_of: new Date(now).toISOString(),
      uptime_seconds: Math.round((now - this.startedAt) / 1000),
      events_recorded: this.store.eventsRecorded(),
      refusals: this.store.refusalTotals().map((r) => ({ reason: r.reason, count: r.n })),
      webhooks: { pending: q.pending, oldest_pending_age_seconds: q.oldest === null ? null : Math.max(0, Math.round((now - q.oldest) / 1000)), dead: q.dead },
      storage: { database_bytes: size(this.db.name), wal_bytes: size(`${this.db.name}-wal`) },
      backup: { last_age_seconds: backup.age_seconds, overdue: backup.overdue },
      memory: { rss_bytes: mem.rss, heap_used_bytes: mem.heapUsed },
      writer: { ...this.writer.stats },
    };
  }

  /** After a sleep or a stop: holds and credit that expired meanwhile, periods that came due, webhook retries. */
  async catchUp(): Promise<void> {
    await this.sweep();
    await this.runBilling();
    this.deliverer.wake();
  }

  /** A customer-scoped read token, tied to the key that asks for it (its revocation ends the token). */
  readToken(input: { external_id: string; ttl_seconds?: number }, keyId: string | null) {
    const customer = this.customers.require(input.external_id);
    if (!keyId) fail('invalid_state', 'Read tokens are issued by an API key (they end when that key does).', {});
    const expiresAt = this.now() + (input.ttl_seconds ?? 900) * 1000;
    const token = mintReadToken(this.sessionSecret, { customer: customer.external_id, keyId, expiresAt });
    return { token, customer: customer.external_id, expires_at: new Date(expiresAt).toISOString(), allows: Object.keys(READ_TOKEN_OPERATIONS) };
  }

  /**
   * A plan change or entitlement overrides. An upgrade (the new fixed fee is at least the old one)
   * takes effect now, prorated; a downgrade at the end of the period; `timing` overrides either.
   */
  changeSubscription(input: z.output<typeof UpdateSubscription>): z.output<typeof Subscription> {
    let sub = this.subscriptions.require(input.id);
    if (sub.status === 'terminated') fail('invalid_state', `Subscription ${sub.id} is terminated.`, { subscription: sub.id });
    if (input.entitlements || input.carry_usage !== undefined) {
      const overrides = { ...this.subscriptions.overrides(sub) };
      for (const [k, v] of Object.entries(input.entitlements ?? {})) {
        if (v === null) delete overrides[k];
        else overrides[k] = v;
      }
      sub = { ...sub, overrides: JSON.stringify(overrides), carry_usage: input.carry_usage === undefined ? sub.carry_usage : input.carry_usage ? 1 : 0 };
      this.subscriptions.save(sub);
    }
    if (input.cancel_scheduled_change && sub.next_plan_id !== null) {
      sub = { ...sub, next_plan_id: null };
      this.subscriptions.save(sub);
    }
    if (input.plan) {
      const plan = this.plans.latest(input.plan);
      const current = this.plans.byId(sub.plan_id);
      const upgrade = (plan.fixedFee?.amount ?? 0n) >= (current.fixedFee?.amount ?? 0n);
      const timing = input.timing ?? (upgrade ? 'now' : 'period_end');
      if (plan.row.id === sub.plan_id) {
        if (sub.next_plan_id !== null) this.subscriptions.save({ ...sub, next_plan_id: null });
      } else if (timing === 'now' && sub.started_at <= this.now()) {
        this.billing.changePlanNow(sub, plan);
      } else if (sub.started_at > this.now()) {
        this.subscriptions.save({ ...sub, plan_id: plan.row.id, next_plan_id: null });
      } else {
        this.subscriptions.save({ ...sub, next_plan_id: plan.row.id });
      }
    }
    return this.subscriptions.toApi(this.subscriptions.require(input.id));
  }

  /** Prices a hypothetical quantity now, after current and held usage; writes nothing. */
  quote(input: z.output<typeof CreateQuote>): z.output<typeof Quote> {
    const customer = this.customers.require(input.customer);
    const pricing = this.authorizations.pricingFor(customer, input.metric, input.properties ?? {}, this.now(), { readOnly: true });
    const est = estimate(pricing.charge, this.usage.get(pricing.periodId, pricing.charge.id), dec(input.quantity), this.now());
    return {
      customer: customer.external_id,
      metric: input.metric,
      asset: pricing.charge.asset.code,
      quantity: toText(dec(input.quantity)),
      amount: (est.amount > 0n ? est.amount : 0n).toString(),
      exact_amount: toText(est.exact),
    };
  }

  verify() {
    return verifyLedger(this.store, this.now(), (id) => this.views.accountName(id).name);
  }

  /**
   * One small write through the writer: does the database take writes again? Clears (or keeps) the
   * writer's storage problem. Never throws.
   */
  async probeStorage(): Promise<boolean> {
    if (this.closed) return false;
    return this.writer
      .run(() => {
        // More than a tiny update: 64 KiB of new pages, freed again before the commit, so a disk
        // (or a database at its page limit) with room for a few bytes only does not count as back.
        this.store.setMeta('storage_probe', 'x'.repeat(65_536));
        this.store.setMeta('storage_probe', String(this.now()));
      })
      .then(
      () => true,
      () => false,
    );
  }

  health() {
    const problem = this.writer.storageProblem;
    return {
      status: problem ? ('degraded' as const) : ('ok' as const),
      version: VERSION,
      schema_version: this.db.pragma('user_version', { simple: true }) as number,
      uptime_seconds: Math.round((this.now() - this.startedAt) / 1000),
      storage: {
        engine: 'sqlite' as const,
        journal_mode: String(this.db.pragma('journal_mode', { simple: true })),
        synchronous: ['OFF', 'NORMAL', 'FULL', 'EXTRA'][this.db.pragma('synchronous', { simple: true }) as number] ?? 'unknown',
        path: this.db.name,
        sqlite_version: (this.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
        available: problem === null,
        message: problem ? describeStorageFailure(problem.code) : null,
        since: problem ? new Date(problem.since).toISOString() : null,
      },
      backups: this.backups.status(),
    };
  }

  /** Finishes in-flight writes, then closes the database and releases the data dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    for (const t of this.timers) clearInterval(t);
    this.deliverer.stop();
    if (this.refusals.dirty) await this.writer.run(() => this.refusals.flush()).catch(() => undefined);
    await this.flushKeyUses(true);
    this.closed = true;
    await this.documents.renderPending().catch(() => undefined);
    await this.writer.close();
    await this.renderer.close();
    await this.backups.close();
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      /* a checkpoint is an optimisation; the WAL is replayed at the next open anyway */
    }
    this.db.close();
    this.lock.release();
  }
}

export { VERSION };

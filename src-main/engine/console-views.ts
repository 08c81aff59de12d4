import type { z } from 'zod';
import type { CustomerWallets, EventDetail, Overview, RevenueReport, WalletMonitor } from '../../shared/contract/console';
import { walletStateOf } from '../../shared/wallet-state';
import { startOfDay, startOfMonth } from '../../shared/time';
import type { CustomerStatusFilter } from '../storage/store';
import type { Assets } from './assets';
import type { EngineContext } from './context';
import type { Customers } from './customers';
import { fail } from './errors';
import type { Events } from './events';
import { iso, isoOrNull } from './format';
import { add, dec, toText } from '../../shared/decimal';
import type { LedgerViews } from './ledger-views';
import type { Plans } from './pricing/plans';
import type { Subscriptions } from './pricing/subscriptions';
import type { Stats } from './stats';

const sumOf = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

/**
 * A wallet's state from its running totals, by the rule in shared/wallet-state.ts: the one
 * definition behind the overview's counts and every list's `status`, so they always agree.
 */
export function walletState(w: { posted: bigint; pending: bigint; debt: bigint; overdraft_limit: bigint }, billingMode: 'prepaid' | 'postpaid', rate: bigint) {
  const available = w.posted - w.pending - w.debt;
  return { available, ...walletStateOf(available, w.overdraft_limit, billingMode, rate) };
}

/** The console's read models. Everything here reads running totals and statistics, never the whole ledger. */
export class ConsoleViews {
  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
    private readonly assets: Assets,
    private readonly plans: Plans,
    private readonly subscriptions: Subscriptions,
    private readonly events: Events,
    private readonly views: LedgerViews,
    private readonly stats: Stats,
  ) {}

  overview(): z.output<typeof Overview> {
    const { store } = this.ctx;
    const now = this.ctx.now();
    const tz = this.ctx.settings.billingTimezone;
    const dayStart = Math.floor(startOfDay(now, tz) / 60_000);
    const monthStart = Math.floor(startOfMonth(now, tz) / 60_000);
    const hourAgo = Math.floor(now / 60_000) - 59;
    const minutes = store.statsMinutes(Math.min(monthStart, hourAgo));
    const totals = store.ledgerTotals();
    const wallets = store.walletBalances(null);
    const holds = new Map(store.pendingHoldsByAsset().map((h) => [h.asset, h]));
    const deferred = new Map(store.paidCreditRemaining(now).map((r) => [r.asset, r.remaining]));
    const leftToBreakage = store.breakageByLotKind();
    const breakage = new Map(leftToBreakage.filter((r) => r.lot_kind === 'paid').map((r) => [r.asset, r.amount]));
    const expiredGrants = new Map(leftToBreakage.filter((r) => r.lot_kind === 'granted').map((r) => [r.asset, r.amount]));
    const burn = this.stats.burnRates();
    const assetCodes = [...new Set([...wallets.map((w) => w.asset), ...totals.map((t) => t.asset)])].sort();
    const account = (asset: string, type: string) => totals.find((t) => t.asset === asset && t.type === type);

    // A closed (or erased) customer takes no new usage: its wallet cannot run out and is nothing to
    // watch, whatever burn rate its last minutes left behind. Its row is read only for wallets that
    // could count (below zero, or burning), so this stays one pass over the balances.
    // Counted by walletState, as the lists' `status` is.
    let low = 0;
    let negative = 0;
    for (const w of wallets) {
      const rate = burn.get(`${w.customer_id}:${w.asset}`) ?? 0n;
      if (rate <= 0n && w.posted - w.pending - w.debt >= 0n) continue;
      const customer = this.customers.byInternalId(w.customer_id);
      if (customer.status === 'closed') continue;
      const state = walletState(w, customer.billing_mode, rate);
      if (state.negative) negative++;
      if (state.low) low++;
    }

    const assets = assetCodes.map((code) => {
      const a = this.assets.find(code);
      const ws = wallets.filter((w) => w.asset === code);
      const funding = account(code, 'funding');
      const revenue = account(code, 'revenue');
      const spend = (from: number) => sumOf(minutes.filter((m) => m.asset === code && m.minute >= from).map((m) => m.spend));
      const posted = sumOf(ws.map((w) => w.posted));
      return {
        asset: code,
        scale: a?.scale ?? 0,
        kind: a?.kind ?? 'custom',
        wallets: ws.length,
        available: sumOf(ws.map((w) => w.posted - w.pending - w.debt)).toString(),
        posted: posted.toString(),
        pending: sumOf(ws.map((w) => w.pending)).toString(),
        debt: sumOf(ws.map((w) => w.debt)).toString(),
        holds: { count: holds.get(code)?.count ?? 0, amount: (holds.get(code)?.amount ?? 0n).toString() },
        spend_today: spend(dayStart).toString(),
        spend_this_month: spend(monthStart).toString(),
        cash_in: (funding ? funding.debits_posted - funding.credits_posted : 0n).toString(),
        recognized_revenue: (revenue ? revenue.credits_posted - revenue.debits_posted : 0n).toString(),
        deferred_revenue: (deferred.get(code) ?? 0n).toString(),
        breakage: (breakage.get(code) ?? 0n).toString(),
        expired_grants: (expiredGrants.get(code) ?? 0n).toString(),
        grants_outstanding: (posted - (deferred.get(code) ?? 0n) > 0n ? posted - (deferred.get(code) ?? 0n) : 0n).toString(),
      };
    });

    const perMinute = new Map<number, number>();
    const spendPerMinute: z.output<typeof Overview>['spend_per_minute'] = [];
    for (const m of minutes) {
      if (m.minute < hourAgo) continue;
      if (m.asset === '') perMinute.set(m.minute, (perMinute.get(m.minute) ?? 0) + m.events);
      else spendPerMinute.push({ minute: iso(m.minute * 60_000), asset: m.asset, amount: m.spend.toString() });
    }
    const events_per_minute = Array.from({ length: 60 }, (_, i) => hourAgo + i).map((m) => ({ minute: iso(m * 60_000), events: perMinute.get(m) ?? 0 }));

    const revenue_by_plan = this.revenueByPlan(new Date(now - 183 * 86_400_000).toISOString().slice(0, 7), null);

    const fiat = assets.find((a) => a.kind === 'fiat');
    let margin: z.output<typeof Overview>['margin'] = null;
    const costs = minutes.filter((m) => m.asset === '' && m.minute >= monthStart && m.cost !== '0');
    if (fiat && costs.length) {
      const cost = toText(costs.reduce((sum, m) => add(sum, dec(m.cost)), dec(0)));
      margin = { currency: fiat.asset, revenue_this_month: fiat.spend_this_month, cost_this_month: cost };
    }
    const refused = store.refusalCounts(null, Math.floor((now - 86_400_000) / 60_000)).reduce((s, r) => s + r.count, 0);
    return {
      as_of: iso(now),
      attention: { low_wallets: low, negative_wallets: negative, refused_events_24h: refused, periods_to_finalize: store.countOpenPeriodsToFinalize() },
      assets,
      events_per_minute,
      spend_per_minute: spendPerMinute,
      revenue_by_plan,
      margin,
    };
  }

  /** Recognized revenue by month, plan and asset for any range of months, with per-asset totals. */
  revenueReport(from: string | null, to: string | null): z.output<typeof RevenueReport> {
    const rows = this.revenueByPlan(from ?? '', to);
    const totals = new Map<string, bigint>();
    for (const r of rows) totals.set(r.asset, (totals.get(r.asset) ?? 0n) + BigInt(r.amount));
    return { from, to, rows, totals: [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([asset, amount]) => ({ asset, amount: amount.toString() })) };
  }

  /**
   * Revenue is kept per plan version (a new version is a new plan id with the same code). An operator
   * reads "revenue by plan" as by the plan they sell: a price change makes version 2 of `llm`, not
   * another product, and two `llm` rows for one month would read as a duplicate. So versions of a
   * code are added together here (same asset, exact integers), one row per month, code and asset.
   * Plan id 0 is revenue not from a plan (revenue-attribution.ts): its row has `plan: null`, so that
   * the rows of an asset add up to its `recognized_revenue` (over the months given).
   */
  private revenueByPlan(fromMonth: string, toMonth: string | null): z.output<typeof RevenueReport>['rows'] {
    const planCodes = new Map<number, string | null>([[0, null]]);
    const byPlan = new Map<string, { month: string; plan: string | null; asset: string; amount: bigint }>();
    for (const r of this.ctx.store.statsRevenue(fromMonth)) {
      if (toMonth !== null && r.month > toMonth) continue;
      let code = planCodes.get(r.plan_id);
      if (code === undefined) planCodes.set(r.plan_id, (code = this.plans.byId(r.plan_id).row.code));
      const key = `${r.month}\u0000${code ?? ''}\u0000${code === null ? 1 : 0}\u0000${r.asset}`;
      const row = byPlan.get(key);
      if (row) row.amount += r.amount;
      else byPlan.set(key, { month: r.month, plan: code, asset: r.asset, amount: r.amount });
    }
    return [...byPlan.values()]
      .sort((a, b) => a.month.localeCompare(b.month) || (a.plan === null ? 1 : 0) - (b.plan === null ? 1 : 0) || (a.plan ?? '').localeCompare(b.plan ?? '') || a.asset.localeCompare(b.asset))
      .map((r) => ({ month: r.month, plan: r.plan, asset: r.asset, amount: r.amount.toString() }));
  }

  monitor(limit: number, sort: 'time_to_empty' | 'burn_rate'): z.output<typeof WalletMonitor> {
    const burn = this.stats.burnRates();
    const last = this.stats.lastMinute();
    const ids = [...new Set([...burn.keys(), ...last.keys()].map((k) => Number(k.split(':')[0])))];
    const rows = ids.length ? this.ctx.store.walletBalances(ids) : [];
    const wallets = rows
      .map((w) => {
        const key = `${w.customer_id}:${w.asset}`;
        const rate = burn.get(key) ?? 0n;
        const customer = this.customers.byInternalId(w.customer_id);
        if (customer.status === 'closed') return null;
        const state = walletState(w, customer.billing_mode, rate);
        return {
          customer: customer.external_id,
          name: customer.name,
          asset: w.asset,
          available: state.available.toString(),
          pending: w.pending.toString(),
          debt: w.debt.toString(),
          burn_rate_per_hour: rate.toString(),
          spend_last_minute: (last.get(key) ?? 0n).toString(),
          time_to_empty_seconds: state.timeToEmpty,
          billing_mode: customer.billing_mode,
          overdraft_limit: w.overdraft_limit.toString(),
          status: state.status,
          rate,
        };
      })
      // Closed (and erased) customers take no new usage: nothing to monitor.
      .filter((w): w is NonNullable<typeof w> => w !== null && (w.rate > 0n || w.spend_last_minute !== '0'));
    wallets.sort((a, b) => (sort === 'burn_rate' ? (b.rate > a.rate ? 1 : b.rate < a.rate ? -1 : 0) : (a.time_to_empty_seconds ?? Infinity) - (b.time_to_empty_seconds ?? Infinity)));
    return { as_of: iso(this.ctx.now()), wallets: wallets.slice(0, limit).map(({ rate: _r, ...w }) => w) };
  }

  customerWallets(limit: number, cursor: string | undefined, search: string | undefined, status: CustomerStatusFilter = 'default'): z.output<typeof CustomerWallets> {
    const page = this.customers.rows(limit, cursor, search, status);
    const balances = page.rows.length ? this.ctx.store.walletBalances(page.rows.map((c) => c.id)) : [];
    const burn = this.stats.burnRates();
    return {
      data: page.rows.map((c) => {
        const sub = this.subscriptions.liveOf(c.id);
        return {
          external_id: c.external_id,
          name: c.name,
          email: c.email,
          billing_mode: c.billing_mode,
          plan: sub ? this.plans.byId(sub.plan_id).row.code : null,
          status: c.status,
          balances: balances
            .filter((b) => b.customer_id === c.id)
            .map((b) => {
              const rate = burn.get(`${c.id}:${b.asset}`) ?? 0n;
              const state = walletState(b, c.billing_mode, rate);
              return {
                asset: b.asset,
                available: state.available.toString(),
                posted: b.posted.toString(),
                pending: b.pending.toString(),
                debt: b.debt.toString(),
                burn_rate_per_hour: rate.toString(),
                time_to_empty_seconds: state.timeToEmpty,
                overdraft_limit: b.overdraft_limit.toString(),
                status: state.status,
              };
            }),
        };
      }),
      next_cursor: page.next,
      total: this.ctx.store.countCustomers(search?.trim() || null, status),
      as_of: iso(this.ctx.now()),
    };
  }

  eventDetail(transactionId: string, externalId: string): z.output<typeof EventDetail> {
    const customer = this.customers.require(externalId);
    const row = this.ctx.store.getEvent(customer.id, transactionId) ?? fail('event_not_found', `No event ${JSON.stringify(transactionId)} for ${externalId}.`, { transaction_id: transactionId });
    return { event: this.events.toStored(row), transfers: this.ctx.store.listTransfersForEvent(row.id).map((t) => this.views.transferToApi(t)) };
  }
}

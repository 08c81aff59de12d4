/**
 * The billing options compared, as editable presets.
 *
 * An option is a list of sourced lines (prices, free allowances, infrastructure, engineering hours)
 * and the rules that turn those lines into cost. Keeping rules generic (monthly USD, monthly hours,
 * one-off hours, metered with a free allowance) lets the console edit any value, or add an option,
 * without code; the model never knows an option by name.
 */
import { PLAIN_DECIMAL_RE } from '../decimal';
import { ASSUMED_ON, SRC, type Sourced, type SourceKind } from './sources';

export type BillingModel = 'wallet' | 'invoice';

export type Category = 'platform' | 'infrastructure' | 'engineering' | 'features' | 'processing';

export type LineUnit = 'usd_per_month' | 'usd_per_unit' | 'count' | 'events_per_month' | 'hours' | 'hours_per_month';

export interface PresetLine extends Sourced<string | null> {
  /** Globally unique, `<optionId>.<name>`; the id results cite. */
  readonly id: string;
  readonly label: string;
  readonly unit: LineUnit;
  /** A hint for the operator (e.g. an anecdotal price); shown, never used in a total. */
  readonly hint?: boolean;
}

/** What a metered price is charged on. All but `seats` grow with the customer count. */
export type Driver = 'active_wallets' | 'events' | 'seats' | 'customers';

export type CostRule =
  | { readonly type: 'monthly_usd'; readonly line: string; readonly category: Category }
  | { readonly type: 'monthly_hours'; readonly line: string; readonly category: Category }
  | { readonly type: 'one_off_hours'; readonly line: string; readonly category: Category }
  | {
      readonly type: 'metered';
      readonly driver: Driver;
      /** USD per `per` units beyond the free allowance. */
      readonly price: string;
      /** Units per month included free; absent means none. */
      readonly free?: string;
      /** Units the price is quoted for (e.g. '1000000' for a price per million events); default 1. */
      readonly per?: string;
      readonly category: Category;
    };

export interface BillingOption {
  readonly id: string;
  readonly name: string;
  /** Whether usage is paid before (wallet) or after (invoice) it is delivered; selects the risk model. */
  readonly billingModel: Sourced<BillingModel> & { readonly id: string };
  readonly lines: readonly PresetLine[];
  readonly rules: readonly CostRule[];
}

export const OPTION_IDS = ['credyt', 'lagoCloud', 'lagoSelfHosted', 'tollgate'] as const;

function line(id: string, label: string, unit: LineUnit, value: string | null, kind: SourceKind, source: string, date: string, note?: string, hint?: boolean): PresetLine {
  return { id, label, unit, value, kind, source, date, ...(note === undefined ? {} : { note }), ...(hint ? { hint } : {}) };
}
const published = (id: string, label: string, unit: LineUnit, value: string, source: string, date = '2026-04', note?: string) =>
  line(id, label, unit, value, 'published', source, date, note);
const assumed = (id: string, label: string, unit: LineUnit, value: string | null, note: string, source: string = SRC.ours) =>
  line(id, label, unit, value, 'assumption', source, ASSUMED_ON, note);

/**
 * Operations lines every self-hosted option carries under the same names, so two self-hosted options
 * are compared line by line and neither gets to leave one out.
 */
interface SelfHostedOps {
  backups: string;
  observability: string;
  eventsCapacity: string;
  perMillionEvents: string;
  integrationHours: string;
  deployHours: string;
  upgradeHoursPerMonth: string;
  incidentHoursPerMonth: string;
}

function selfHostedOps(o: string, v: SelfHostedOps, why: Record<keyof SelfHostedOps, string>): { lines: PresetLine[]; rules: CostRule[] } {
  return {
    lines: [
      assumed(`${o}.backups`, 'Off-site backups (storage and retention)', 'usd_per_month', v.backups, why.backups),
      assumed(`${o}.observability`, 'Observability (logs, metrics, uptime alerts)', 'usd_per_month', v.observability, why.observability),
      assumed(`${o}.eventsCapacity`, 'Events a month the base infrastructure handles', 'events_per_month', v.eventsCapacity, why.eventsCapacity),
      assumed(`${o}.perMillionEvents`, 'Extra infrastructure per million events beyond that', 'usd_per_unit', v.perMillionEvents, why.perMillionEvents),
      assumed(`${o}.integrationHours`, 'Integration: SDK, event wiring, pricing configuration', 'hours', v.integrationHours, why.integrationHours),
      assumed(`${o}.deployHours`, 'Production deployment (one-off)', 'hours', v.deployHours, why.deployHours),
      assumed(`${o}.upgradeHoursPerMonth`, 'Upgrades', 'hours_per_month', v.upgradeHoursPerMonth, why.upgradeHoursPerMonth),
      assumed(`${o}.incidentHoursPerMonth`, 'Incident response', 'hours_per_month', v.incidentHoursPerMonth, why.incidentHoursPerMonth),
    ],
    rules: [
      { type: 'monthly_usd', line: `${o}.backups`, category: 'infrastructure' },
      { type: 'monthly_usd', line: `${o}.observability`, category: 'infrastructure' },
      { type: 'metered', driver: 'events', price: `${o}.perMillionEvents`, free: `${o}.eventsCapacity`, per: '1000000', category: 'infrastructure' },
      { type: 'one_off_hours', line: `${o}.integrationHours`, category: 'engineering' },
      { type: 'one_off_hours', line: `${o}.deployHours`, category: 'engineering' },
      { type: 'monthly_hours', line: `${o}.upgradeHoursPerMonth`, category: 'engineering' },
      { type: 'monthly_hours', line: `${o}.incidentHoursPerMonth`, category: 'engineering' },
    ],
  };
}

const SCALING_NOTE = 'Base capacity and scaling price are the same for both self-hosted options so neither is favoured';

function credyt(): BillingOption {
  const p = (name: string) => `credyt.${name}`;
  return {
    id: 'credyt',
    name: 'Credyt',
    billingModel: { id: p('billingModel'), value: 'wallet', kind: 'published', source: SRC.article, date: '2026-04', note: 'Prepaid wallets debited atomically on each event' },
    lines: [
      published(p('platformFee'), 'Platform fee', 'usd_per_month', '0', SRC.credytPricing),
      published(p('walletPrice'), 'Price per monthly active wallet', 'usd_per_unit', '1', SRC.credytPricing),
      published(p('freeWallets'), 'Monthly active wallets free', 'count', '10', SRC.credytPricing),
      published(p('freeEvents'), 'Events a month free', 'events_per_month', '1000000', SRC.credytPricing),
      line(p('eventPrice'), 'Price per event beyond the free events', 'usd_per_unit', null, 'assumption', 'Not published in the article; enter the price Credyt quotes you', '2026-04',
        'Unknown: every result above 1,000,000 events a month depends on it'),
      published(p('seatPrice'), 'Price per seat', 'usd_per_unit', '0', SRC.credytPricing),
      assumed(p('integrationHours'), 'Integration: SDK, event wiring, pricing configuration', 'hours', '24',
        'Three days: the article lists "SDK install, event wiring, pricing config" and "ship billing in days"'),
      assumed(p('opsHoursPerMonth'), 'Operations', 'hours_per_month', '0', 'Managed service: nothing to deploy, upgrade or page on'),
    ],
    rules: [
      { type: 'monthly_usd', line: p('platformFee'), category: 'platform' },
      { type: 'metered', driver: 'active_wallets', price: p('walletPrice'), free: p('freeWallets'), category: 'platform' },
      { type: 'metered', driver: 'events', price: p('eventPrice'), free: p('freeEvents'), category: 'platform' },
      { type: 'metered', driver: 'seats', price: p('seatPrice'), category: 'platform' },
      { type: 'one_off_hours', line: p('integrationHours'), category: 'engineering' },
      { type: 'monthly_hours', line: p('opsHoursPerMonth'), category: 'engineering' },
    ],
  };
}

function lagoCloud(): BillingOption {
  const p = (name: string) => `lagoCloud.${name}`;
  return {
    id: 'lagoCloud',
    name: 'Lago Cloud',
    billingModel: { id: p('billingModel'), value: 'invoice', kind: 'published', source: SRC.article, date: '2026-04', note: 'Real-time metering, end-of-cycle invoicing' },
    lines: [
      line(p('subscription'), 'Cloud subscription (your quote)', 'usd_per_month', null, 'assumption', SRC.lagoPricing, '2026-04',
        'Unknown until Lago sales quotes it; see the two anecdotal hints below'),
      line(p('hintPortalTier'), 'Hint: minimum premium tier with the customer portal', 'usd_per_month', '1500', 'anecdote', SRC.hnLucw, '2024-04',
        '"premium was at least $1,500 USD/month"; may be out of date', true),
      line(p('hintStartingTier'), 'Hint: starting cloud tier', 'usd_per_month', '3000', 'anecdote', SRC.hnPlantain, '2024-04', 'May be out of date', true),
      assumed(p('integrationHours'), 'Integration: SDK, event wiring, pricing config, webhooks, invoice lifecycle', 'hours', '60',
        'Article: Credyt\'s integration work plus webhook coordination and invoice lifecycle handling'),
      assumed(p('opsHoursPerMonth'), 'Operations', 'hours_per_month', '0', 'Managed service, as for Credyt'),
    ],
    rules: [
      { type: 'monthly_usd', line: p('subscription'), category: 'platform' },
      { type: 'one_off_hours', line: p('integrationHours'), category: 'engineering' },
      { type: 'monthly_hours', line: p('opsHoursPerMonth'), category: 'engineering' },
    ],
  };
}

function lagoSelfHosted(): BillingOption {
  const o = 'lagoSelfHosted';
  const p = (name: string) => `${o}.${name}`;
  const ops = selfHostedOps(
    o,
    { backups: '15', observability: '30', eventsCapacity: '10000000', perMillionEvents: '5', integrationHours: '60', deployHours: '40', upgradeHoursPerMonth: '6', incidentHoursPerMonth: '4' },
    {
      backups: 'Point-in-time recovery retention beyond the managed default, plus object storage snapshots',
      observability: 'Hosted logs and metrics for six services',
      eventsCapacity: SCALING_NOTE,
      perMillionEvents: SCALING_NOTE,
      integrationHours: 'Same integration as Lago Cloud',
      deployHours: 'A week: Postgres, Redis, Rails API, Sidekiq worker, scheduler, front end, Gotenberg, TLS, secrets, backups',
      upgradeHoursPerMonth: '183 releases through v1.45.1 (April 2026) is several a month; read notes, migrate, test',
      incidentHoursPerMonth: 'Half a day a month across six services and two data stores',
    },
  );
  return {
    id: o,
    name: 'Lago self-hosted (OSS)',
    billingModel: { id: p('billingModel'), value: 'invoice', kind: 'published', source: SRC.article, date: '2026-04', note: 'Credits applied at invoice finalization' },
    lines: [
      published(p('license'), 'License (AGPLv3)', 'usd_per_month', '0', SRC.lagoOss),
      assumed(p('database'), 'Managed Postgres with automated backups', 'usd_per_month', '50', 'A small managed instance (2 vCPU, 4 GB)'),
      assumed(p('cache'), 'Managed Redis', 'usd_per_month', '30', 'Smallest highly-available managed Redis'),
      assumed(p('computeApi'), 'Compute: Rails API', 'usd_per_month', '40', 'One 2 vCPU / 4 GB container'),
      assumed(p('computeWorker'), 'Compute: Sidekiq worker', 'usd_per_month', '40', 'One 2 vCPU / 4 GB container'),
      assumed(p('computeScheduler'), 'Compute: scheduler (clock)', 'usd_per_month', '10', 'One small container'),
      assumed(p('computeFront'), 'Compute: front end', 'usd_per_month', '10', 'One small container or static hosting'),
      assumed(p('computePdf'), 'Compute: PDF service (Gotenberg)', 'usd_per_month', '20', 'One 1 vCPU / 2 GB container (headless Chromium)'),
      assumed(p('objectStorage'), 'Object storage (invoice PDFs, exports)', 'usd_per_month', '5', 'Tens of GB'),
      ...ops.lines,
    ],
    rules: [
      { type: 'monthly_usd', line: p('license'), category: 'platform' },
      ...['database', 'cache', 'computeApi', 'computeWorker', 'computeScheduler', 'computeFront', 'computePdf', 'objectStorage'].map(
        (n): CostRule => ({ type: 'monthly_usd', line: p(n), category: 'infrastructure' }),
      ),
      ...ops.rules,
    ],
  };
}

function tollgate(): BillingOption {
  const o = 'tollgate';
  const p = (name: string) => `${o}.${name}`;
  const ops = selfHostedOps(
    o,
    { backups: '5', observability: '10', eventsCapacity: '10000000', perMillionEvents: '5', integrationHours: '40', deployHours: '8', upgradeHoursPerMonth: '2', incidentHoursPerMonth: '2' },
    {
      backups: 'Object storage for database snapshots',
      observability: 'Uptime check and hosted logs for one service',
      eventsCapacity: SCALING_NOTE,
      perMillionEvents: SCALING_NOTE,
      integrationHours: 'SDK, event wiring, pricing configuration; less than Lago (no invoice webhooks to coordinate for prepaid usage)',
      deployHours: 'A day: one service on one host, TLS, backups',
      upgradeHoursPerMonth: 'One service to upgrade',
      incidentHoursPerMonth: 'One service, one host',
    },
  );
  return {
    id: o,
    name: 'Tollgate (self-hosted)',
    billingModel: { id: p('billingModel'), value: 'wallet', kind: 'assumption', source: SRC.tollgate, date: ASSUMED_ON, note: 'Tollgate also invoices; prepaid wallets chosen here' },
    lines: [
      published(p('license'), 'License (MIT)', 'usd_per_month', '0', SRC.tollgate, ASSUMED_ON),
      assumed(p('host'), 'Always-on host (apps must not depend on a laptop)', 'usd_per_month', '24', 'A small VPS (2 vCPU, 4 GB) with provider snapshots'),
      ...ops.lines,
    ],
    rules: [
      { type: 'monthly_usd', line: p('license'), category: 'platform' },
      { type: 'monthly_usd', line: p('host'), category: 'infrastructure' },
      ...ops.rules,
    ],
  };
}

/** Fresh, editable copies of the four presets. */
export function defaultOptions(): BillingOption[] {
  return [credyt(), lagoCloud(), lagoSelfHosted(), tollgate()];
}

export function findLine(option: BillingOption, id: string): PresetLine | undefined {
  return option.lines.find((l) => l.id === id);
}

/** Ids every rule of an option refers to. */
export function ruleLineIds(rule: CostRule): string[] {
  if (rule.type === 'metered') return rule.free === undefined ? [rule.price] : [rule.price, rule.free];
  return [rule.line];
}

export interface PresetError {
  readonly id: string;
  readonly message: string;
}

/** Refuses what would make a total wrong rather than unknown: bad numbers, negative prices, dangling rules. */
export function validateOptions(options: readonly BillingOption[]): PresetError[] {
  const errors: PresetError[] = [];
  const optionIds = new Set<string>();
  const lineIds = new Set<string>();
  for (const o of options) {
    if (optionIds.has(o.id)) errors.push({ id: o.id, message: 'duplicate option id' });
    optionIds.add(o.id);
    if (o.billingModel.value !== 'wallet' && o.billingModel.value !== 'invoice') errors.push({ id: o.billingModel.id, message: 'billing model must be wallet or invoice' });
    for (const l of o.lines) {
      if (lineIds.has(l.id)) errors.push({ id: l.id, message: 'duplicate line id' });
      lineIds.add(l.id);
      if (l.value !== null && (!PLAIN_DECIMAL_RE.test(l.value) || l.value.startsWith('-'))) errors.push({ id: l.id, message: 'must be a non-negative decimal or unknown' });
    }
    for (const r of o.rules) {
      for (const id of ruleLineIds(r)) {
        const l = findLine(o, id);
        if (!l) errors.push({ id, message: `rule of ${o.id} refers to a missing line` });
        else if (l.hint) errors.push({ id, message: 'a hint is shown to the operator, never used in a total' });
      }
      if (r.type === 'metered' && r.per !== undefined && (!PLAIN_DECIMAL_RE.test(r.per) || /^[0.]+$/.test(r.per) || r.per.startsWith('-'))) {
        errors.push({ id: r.price, message: 'price unit size must be a positive decimal' });
      }
    }
  }
  return errors;
}

/** A copy of `options` with one line's value replaced (what an edit in the console does). */
export function withLineValue(options: readonly BillingOption[], lineId: string, value: string | null): BillingOption[] {
  let found = false;
  const out = options.map((o) => ({
    ...o,
    lines: o.lines.map((l) => {
      if (l.id !== lineId) return l;
      found = true;
      return { ...l, value };
    }),
  }));
  if (!found) throw new RangeError(`no preset line ${lineId}`);
  return out;
}

/**
 * The cost of running one billing option at a given customer count: each line, the monthly and
 * one-off totals and the total over the horizon.
 *
 * Cost is linear in the customer count between "kinks" (the counts where a free allowance runs out),
 * and never falls as customers grow, because every price and volume is non-negative. The break-even
 * search relies on both facts.
 */
import { dec, div, toText, type Dec } from '../decimal';
import { cellFor, featureCellId, featureNeededId, type FeatureRow } from './features';
import { scenarioInputId as sid, type Scenario } from './inputs';
import { findLine, type BillingOption, type Category, type CostRule, type Driver } from './presets';
import { atLeastZero, input, isKnownZero, known, minus, over, percentOf, plus, times, type Traced } from './traced';
import { driverVolume, processingCost, unitsPerCustomer, volumesAt, type Volumes } from './volumes';

export interface ModelContext {
  readonly scenario: Scenario;
  readonly features: readonly FeatureRow[];
}

export type Timing = 'monthly' | 'one_off';

export interface CostItem {
  readonly id: string;
  readonly label: string;
  readonly timing: Timing;
  readonly category: Category;
  readonly t: Traced;
  /** How the amount was computed, with the values used ('?' for an unknown); empty unless asked for. */
  readonly formula: string;
}

export interface OptionCost {
  readonly items: readonly CostItem[];
  readonly monthlyExcludingProcessing: Traced;
  readonly processing: Traced;
  readonly monthly: Traced;
  readonly oneOff: Traced;
  /** One-off cost plus `horizonMonths` months of recurring cost. */
  readonly horizon: Traced;
  readonly volumes: Volumes;
}

const DRIVER_UNITS: Record<Driver, string> = { active_wallets: 'active wallets', events: 'events', seats: 'seats', customers: 'customers' };

const show = (t: Traced): string => (t.v === null ? '?' : toText(t.v));

function lineInput(option: BillingOption, id: string): Traced {
  const line = findLine(option, id);
  if (!line) throw new RangeError(`${option.id}: rule refers to missing line ${id}`);
  return input(id, line.value);
}

function lineLabel(option: BillingOption, id: string): string {
  return findLine(option, id)?.label ?? id;
}

function ruleItem(option: BillingOption, rule: CostRule, v: Volumes, rate: Traced, explain: boolean): CostItem {
  switch (rule.type) {
    case 'monthly_usd': {
      const t = lineInput(option, rule.line);
      return { id: rule.line, label: lineLabel(option, rule.line), timing: 'monthly', category: rule.category, t, formula: explain ? `${show(t)} USD/month` : '' };
    }
    case 'monthly_hours':
    case 'one_off_hours': {
      const hours = lineInput(option, rule.line);
      const t = times(hours, rate);
      const monthly = rule.type === 'monthly_hours';
      return {
        id: rule.line,
        label: lineLabel(option, rule.line),
        timing: monthly ? 'monthly' : 'one_off',
        category: rule.category,
        t,
        formula: explain ? `${show(hours)} h${monthly ? '/month' : ''} × ${show(rate)} USD/h` : '',
      };
    }
    case 'metered': {
      const qty = driverVolume(v, rule.driver);
      const free = rule.free === undefined ? known(dec(0)) : lineInput(option, rule.free);
      // No usage means nothing billable, even when the allowance itself is unknown.
      const billable = isKnownZero(qty) ? qty : atLeastZero(minus(qty, free));
      const price = lineInput(option, rule.price);
      let t = times(price, billable);
      if (rule.per !== undefined) t = over(t, known(dec(rule.per)));
      const per = rule.per === undefined ? '' : ` / ${rule.per}`;
      const freePart = rule.free === undefined ? show(qty) : `max(0, ${show(qty)} − ${show(free)})`;
      return {
        id: rule.price,
        label: lineLabel(option, rule.price),
        timing: 'monthly',
        category: rule.category,
        t,
        formula: explain ? `${show(price)} USD × ${freePart} ${DRIVER_UNITS[rule.driver]}${per}` : '',
      };
    }
  }
}

/** Build and upkeep of every needed feature this option lacks, from the shared feature table. */
function featureItems(ctx: ModelContext, option: BillingOption, rate: Traced, explain: boolean): CostItem[] {
  const upkeep = input(sid('featureUpkeepPercentPerMonth'), ctx.scenario.featureUpkeepPercentPerMonth);
  const items: CostItem[] = [];
  for (const row of ctx.features) {
    if (!row.needed) continue;
    const cell = cellFor(row, option.id);
    if (cell.status !== 'build') continue;
    const id = featureCellId(row.id, option.id);
    const hours = plus(input(id, cell.hours), known(dec(0), [featureNeededId(row.id)]));
    const build = times(hours, rate);
    items.push({
      id: `${id}.build`,
      label: `Build: ${row.label}`,
      timing: 'one_off',
      category: 'features',
      t: build,
      formula: explain ? `${show(hours)} h × ${show(rate)} USD/h` : '',
    });
    items.push({
      id: `${id}.upkeep`,
      label: `Upkeep: ${row.label}`,
      timing: 'monthly',
      category: 'features',
      t: percentOf(build, upkeep),
      formula: explain ? `${show(hours)} h × ${show(upkeep)}% × ${show(rate)} USD/h` : '',
    });
  }
  return items;
}

/**
 * Every cost line of `option` when the business has `customers` customers. `explain` adds the
 * formula text; the break-even search leaves it off because it evaluates thousands of counts.
 */
export function optionCostAt(ctx: ModelContext, option: BillingOption, customers: number, explain = false): OptionCost {
  const s = ctx.scenario;
  const v = volumesAt(s, customers);
  const rate = input(sid('engineeringHourCost'), s.engineeringHourCost);
  const items: CostItem[] = option.rules.map((r) => ruleItem(option, r, v, rate, explain));
  items.push(...featureItems(ctx, option, rate, explain));

  const psp = processingCost(s, option.billingModel.value, v);
  const processing = plus(psp.cost, known(dec(0), [option.billingModel.id]));
  items.push({
    id: `${option.id}.processing`,
    label: 'Payment processing (passed through by the PSP)',
    timing: 'monthly',
    category: 'processing',
    t: processing,
    formula: explain ? `${s.pspPercent}% × ${show(v.revenue)} USD + ${show(psp.payments)} payments × ${s.pspFixed} USD` : '',
  });

  const monthlyExcludingProcessing = plus(...items.filter((i) => i.timing === 'monthly' && i.category !== 'processing').map((i) => i.t));
  const monthly = plus(monthlyExcludingProcessing, processing);
  const oneOff = plus(...items.filter((i) => i.timing === 'one_off').map((i) => i.t));
  const horizon = plus(oneOff, times(monthly, input(sid('horizonMonths'), String(s.horizonMonths))));
  return { items, monthlyExcludingProcessing, processing, monthly, oneOff, horizon, volumes: v };
}

export function horizonCostAt(ctx: ModelContext, option: BillingOption, customers: number): Traced {
  return optionCostAt(ctx, option, customers).horizon;
}

/**
 * Customer counts (rounded down) where one of the option's metered lines changes slope: where a free
 * allowance runs out, or zero when there is no known allowance (a line that is zero only at zero
 * customers, possibly unknown from one customer on). Between two consecutive kinks every cost line is
 * linear in the customer count and either known throughout or unknown throughout.
 */
export function costKinks(ctx: ModelContext, option: BillingOption): bigint[] {
  const kinks: bigint[] = [];
  for (const rule of option.rules) {
    if (rule.type !== 'metered') continue;
    const perCustomer: Dec | null = unitsPerCustomer(ctx.scenario, rule.driver);
    if (perCustomer === null || perCustomer.c === 0n) continue;
    const free = rule.free === undefined ? '0' : findLine(option, rule.free)?.value;
    kinks.push(free === null || free === undefined ? 0n : div(dec(free), perCustomer, 0, 'floor').c);
  }
  return kinks;
}

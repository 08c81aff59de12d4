/**
 * The TCO comparison: for the operator's scenario, what each option costs to run, when one becomes
 * cheaper than another, and how much money each billing model leaves at risk. Every figure carries
 * the ids of the inputs it came from, and `unknowns` lists which figures an unknown input blanks out.
 */
import { cmp, dec } from '../decimal';
import { breakEvens, BREAK_EVEN_MAX_CUSTOMERS, type BreakEven } from './breakeven';
import { optionCostAt, type ModelContext, type Timing } from './cost';
import { featureCellId, featureNeededId, validateFeatures, type FeatureRow } from './features';
import { assertScenario, SCENARIO_FIELDS, scenarioInputId as sid, TcoInputError, type Scenario } from './inputs';
import { validateOptions, type BillingModel, type BillingOption, type Category } from './presets';
import { riskReport, type RiskReport } from './risk';
import type { SourceKind } from './sources';
import { figure, ids, input, known, over, plus, text, times, type Figure, type Traced } from './traced';
import { volumesAt } from './volumes';

export interface TcoInput {
  readonly scenario: Scenario;
  readonly options: readonly BillingOption[];
  readonly features: readonly FeatureRow[];
}

export interface CostLine {
  readonly id: string;
  readonly label: string;
  readonly timing: Timing;
  readonly category: Category;
  readonly amount: Figure;
  readonly formula: string;
}

export interface MonthPoint {
  readonly month: number;
  /** Cumulative USD spent by the end of the month (one-off cost falls in month 1); null if unknown. */
  readonly value: string | null;
}

export interface OptionResult {
  readonly id: string;
  readonly name: string;
  readonly billingModel: BillingModel;
  readonly lines: readonly CostLine[];
  /** Recurring cost a month, processing included. */
  readonly monthly: Figure;
  readonly monthlyExcludingProcessing: Figure;
  readonly processingMonthly: Figure;
  readonly oneOff: Figure;
  readonly horizonTotal: Figure;
  readonly cumulative: readonly MonthPoint[];
  readonly cumulativeUnknownBecause: readonly string[];
  /** Horizon total ÷ months ÷ customers: the all-in monthly cost of one customer, one-off spread. */
  readonly costPerCustomerMonthly: Figure;
  /** Horizon total as a percent of revenue over the horizon. */
  readonly shareOfRevenue: Figure;
  /** From the option's billing model (see `risk`); not part of `monthly` or the break-even. */
  readonly expectedLossMonthly: Figure;
  readonly monthlyWithExpectedLoss: Figure;
}

/** One input as the UI and the CSV show it, with its provenance. */
export interface InputRecord {
  readonly id: string;
  readonly label: string;
  readonly value: string | null;
  readonly unit: string;
  readonly kind: SourceKind;
  readonly source: string;
  readonly date: string;
  readonly note?: string;
  /** The option a preset line or feature cell belongs to. */
  readonly optionId?: string;
  /** A hint shown to the operator, never used in a total. */
  readonly hint?: boolean;
}

export interface UnknownInput {
  readonly id: string;
  readonly label: string;
  /** Ids of the figures and break-evens that are unknown because of it; empty if none at this scenario. */
  readonly affects: readonly string[];
}

export interface TcoResult {
  readonly scenario: Scenario;
  readonly inputs: readonly InputRecord[];
  readonly revenueMonthly: Figure;
  readonly eventsMonthly: Figure;
  readonly activeWallets: Figure;
  readonly options: readonly OptionResult[];
  readonly breakEvens: readonly BreakEven[];
  readonly risk: RiskReport;
  readonly unknowns: readonly UnknownInput[];
}

export interface ComputeOptions {
  /** Upper bound of the break-even search; default `BREAK_EVEN_MAX_CUSTOMERS`. */
  readonly breakEvenMax?: number;
}

/** Checks all three parts of the input and throws every problem at once. */
export function assertTcoInput(inp: TcoInput): TcoInput {
  const scenario = assertScenario(inp.scenario);
  const errors = [...validateOptions(inp.options), ...validateFeatures(inp.features)];
  if (errors.length > 0) throw new TcoInputError(errors);
  return { ...inp, scenario };
}

export function computeTco(raw: TcoInput, opts: ComputeOptions = {}): TcoResult {
  const inp = assertTcoInput(raw);
  const s = inp.scenario;
  const ctx: ModelContext = { scenario: s, features: inp.features };
  const risk = riskReport(s);
  const options = inp.options.map((o) => optionResult(ctx, o, risk));
  const base = volumesAt(s, s.customers);
  const pairs = breakEvens(ctx, inp.options, opts.breakEvenMax ?? BREAK_EVEN_MAX_CUSTOMERS);
  const inputs = inputRecords(inp);
  return {
    scenario: s,
    inputs,
    revenueMonthly: figure('volume.revenueMonthly', 'Revenue through billing', 'usd_per_month', base.revenue),
    eventsMonthly: figure('volume.eventsMonthly', 'Usage events', 'count_per_month', base.events),
    activeWallets: figure('volume.activeWallets', 'Monthly active wallets', 'count', base.activeWallets),
    options,
    breakEvens: pairs,
    risk,
    unknowns: unknownReport(inputs, options, pairs, risk),
  };
}

function optionResult(ctx: ModelContext, option: BillingOption, risk: RiskReport): OptionResult {
  const s = ctx.scenario;
  const cost = optionCostAt(ctx, option, s.customers, true);
  const p = `option.${option.id}`;
  const months = input(sid('horizonMonths'), String(s.horizonMonths));
  const cumulative: { month: number; value: string | null }[] = [];
  for (let m = 1; m <= s.horizonMonths; m++) cumulative.push({ month: m, value: text(plus(cost.oneOff, times(cost.monthly, known(dec(m))))) });

  const perCustomer =
    s.customers === 0
      ? figure(`${p}.costPerCustomerMonthly`, 'Cost per customer per month', 'usd_per_customer_month', cost.horizon, 'no customers')
      : figure(`${p}.costPerCustomerMonthly`, 'Cost per customer per month', 'usd_per_customer_month', over(cost.horizon, times(months, cost.volumes.customers)));
  const revenueOverHorizon = times(cost.volumes.revenue, months);
  const share =
    revenueOverHorizon.v !== null && revenueOverHorizon.v.c === 0n
      ? figure(`${p}.shareOfRevenue`, 'Cost as a share of revenue', 'percent', cost.horizon, 'no revenue')
      : figure(`${p}.shareOfRevenue`, 'Cost as a share of revenue', 'percent', over(times(cost.horizon, known(dec(100))), revenueOverHorizon));

  const modelRisk = option.billingModel.value === 'wallet' ? risk.wallet : risk.invoice;
  const loss: Traced = traceOf(modelRisk.expectedLossMonthly, option.billingModel.id);
  return {
    id: option.id,
    name: option.name,
    billingModel: option.billingModel.value,
    lines: cost.items.map((i) => ({ id: i.id, label: i.label, timing: i.timing, category: i.category, amount: figure(`cost.${i.id}`, i.label, i.timing === 'monthly' ? 'usd_per_month' : 'usd', i.t), formula: i.formula })),
    monthly: figure(`${p}.monthly`, 'Recurring cost a month (processing included)', 'usd_per_month', cost.monthly),
    monthlyExcludingProcessing: figure(`${p}.monthlyExcludingProcessing`, 'Recurring cost a month before processing', 'usd_per_month', cost.monthlyExcludingProcessing),
    processingMonthly: figure(`${p}.processingMonthly`, 'Payment processing a month', 'usd_per_month', cost.processing),
    oneOff: figure(`${p}.oneOff`, 'One-off cost', 'usd', cost.oneOff),
    horizonTotal: figure(`${p}.horizonTotal`, `Total over ${s.horizonMonths} months`, 'usd', cost.horizon),
    cumulative,
    cumulativeUnknownBecause: ids(cost.horizon.unknown),
    costPerCustomerMonthly: perCustomer,
    shareOfRevenue: share,
    expectedLossMonthly: figure(`${p}.expectedLossMonthly`, `Expected loss a month (${option.billingModel.value} billing)`, 'usd_per_month', loss),
    monthlyWithExpectedLoss: figure(`${p}.monthlyWithExpectedLoss`, 'Recurring cost plus expected loss a month', 'usd_per_month', plus(cost.monthly, loss)),
  };
}

/** Re-wraps a risk figure (always known) as a traced value attributed to the option's billing model. */
function traceOf(f: Figure, extraId: string): Traced {
  return { v: f.value === null ? null : dec(f.value), from: [...f.from, extraId], unknown: f.unknownBecause.length === 0 ? null : f.unknownBecause };
}

function inputRecords(inp: TcoInput): InputRecord[] {
  const out: InputRecord[] = [];
  for (const f of SCENARIO_FIELDS) {
    const value = String(inp.scenario[f.key]);
    // Compared as numbers so '0.3' still matches the labelled default '0.30'.
    const isDefault = f.type === 'decimal' ? cmp(dec(value), dec(String(f.default.value))) === 0 : value === String(f.default.value);
    out.push({
      id: f.id,
      label: f.label,
      value,
      unit: f.unit,
      kind: isDefault ? f.default.kind : 'assumption',
      source: isDefault ? f.default.source : 'Entered by the operator',
      date: isDefault ? f.default.date : '',
      ...(isDefault && f.default.note !== undefined ? { note: f.default.note } : {}),
    });
  }
  for (const o of inp.options) {
    const m = o.billingModel;
    out.push({ id: m.id, label: 'Billing model', value: m.value, unit: 'model', kind: m.kind, source: m.source, date: m.date, optionId: o.id, ...(m.note === undefined ? {} : { note: m.note }) });
    for (const l of o.lines) {
      out.push({ id: l.id, label: l.label, value: l.value, unit: l.unit, kind: l.kind, source: l.source, date: l.date, optionId: o.id, ...(l.note === undefined ? {} : { note: l.note }), ...(l.hint ? { hint: true } : {}) });
    }
  }
  for (const row of inp.features) {
    out.push({ id: featureNeededId(row.id), label: `Needed: ${row.label}`, value: row.needed ? 'yes' : 'no', unit: 'yes/no', kind: 'assumption', source: row.neededSource, date: '' });
    for (const o of inp.options) {
      const cell = row.cells[o.id];
      const value = cell === undefined ? null : cell.status === 'build' ? cell.hours : cell.status;
      out.push({
        id: featureCellId(row.id, o.id),
        label: `${row.label}: ${cell === undefined ? 'no entry' : cell.status === 'build' ? 'hours to build' : cell.status.replace('_', ' ')}`,
        value,
        unit: cell?.status === 'build' || cell === undefined ? 'hours' : 'status',
        kind: cell?.kind ?? 'assumption',
        source: cell?.source ?? 'No entry in the feature table for this option',
        date: cell?.date ?? '',
        optionId: o.id,
        ...(cell?.note === undefined ? {} : { note: cell.note }),
      });
    }
  }
  return out;
}

function unknownReport(inputs: readonly InputRecord[], options: readonly OptionResult[], pairs: readonly BreakEven[], risk: RiskReport): UnknownInput[] {
  const affects = new Map<string, Set<string>>();
  const note = (ids: readonly string[], what: string) => {
    for (const id of ids) {
      let set = affects.get(id);
      if (!set) affects.set(id, (set = new Set()));
      set.add(what);
    }
  };
  const figures: Figure[] = [];
  for (const o of options) {
    figures.push(...o.lines.map((l) => l.amount), o.monthly, o.monthlyExcludingProcessing, o.processingMonthly, o.oneOff, o.horizonTotal);
    figures.push(o.costPerCustomerMonthly, o.shareOfRevenue, o.expectedLossMonthly, o.monthlyWithExpectedLoss);
    note(o.cumulativeUnknownBecause, `option.${o.id}.cumulative`);
  }
  for (const r of [risk.invoice, risk.wallet]) for (const v of Object.values(r)) if (typeof v === 'object' && v !== null && 'unknownBecause' in v) figures.push(v as Figure);
  for (const f of figures) note(f.unknownBecause, f.id);
  for (const b of pairs) note(b.unknownBecause, b.id);
  const labels = new Map(inputs.map((i) => [i.id, i.label]));
  // Every unknown input is listed, even one that blanks nothing at this scenario (e.g. an event price
  // below the free allowance), so the page can still ask for it.
  const ids = new Set<string>([...inputs.filter((i) => i.value === null && !i.hint).map((i) => i.id), ...affects.keys()]);
  return [...ids].sort().map((id) => ({ id, label: labels.get(id) ?? id, affects: [...(affects.get(id) ?? [])].sort() }));
}

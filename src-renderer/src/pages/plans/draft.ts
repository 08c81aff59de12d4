/**
 * The plan editor's form state and its translation to the contract's `CreatePlan` input, plus the
 * live price preview, which runs shared/pricing (the engine's own code) on the form's values.
 */
import { add, dec, isDecimalText, toText, type Dec } from '@shared/decimal';
import { addEvent, CHARGE_MODELS, emptyUsage, parseChargeSpec, priceCharge, roundToMinor, type BreakdownLine, type ChargeModel, type ChargeSpec, type PricingIssue } from '@shared/pricing/index';

export { CHARGE_MODELS, type ChargeModel };

export interface TierDraft {
  /** Last unit of the tier; ignored (∞) on the last row. */
  to: string;
  perUnit: string;
  flat: string;
}

export interface FilterDraft {
  property: string;
  values: string;
}

export interface ChargeDraft {
  key: string;
  metric: string | null;
  asset: string | null;
  model: ChargeModel;
  unitPrice: string;
  tiers: TierDraft[];
  packageAmount: string;
  packageSize: string;
  freeUnits: string;
  rate: string;
  fixedAmount: string;
  freeEvents: string;
  freeAmount: string;
  filters: FilterDraft[];
  allowance: string;
  payInAdvance: boolean;
  displayName: string;
}

let keySeq = 0;
export const newKey = () => `c${++keySeq}`;

/**
 * A new charge starts on the standard model: the simplest one, and the one most plans start with.
 * Its two empty tiers are there for when the operator switches to graduated or volume.
 */
export function emptyCharge(asset: string | null = 'USD', metric: string | null = null): ChargeDraft {
  return {
    key: newKey(),
    metric,
    asset,
    model: 'standard',
    unitPrice: '',
    tiers: [
      { to: '', perUnit: '', flat: '' },
      { to: '', perUnit: '', flat: '' },
    ],
    packageAmount: '',
    packageSize: '',
    freeUnits: '',
    rate: '',
    fixedAmount: '',
    freeEvents: '',
    freeAmount: '',
    filters: [],
    allowance: '',
    payInAdvance: false,
    displayName: '',
  };
}

/** One line per model, as Lago's docs explain them, each with an example. */
export const MODEL_INFO: Record<ChargeModel, { label: string; example: string }> = {
  standard: { label: 'Standard', example: 'One price per unit: $0.05 per call, 1,000 calls = $50.00.' },
  graduated: { label: 'Graduated', example: 'Each tier prices the units that fall in it: the first 10,000 at $0.0010, the next 40,000 at $0.0008…' },
  volume: { label: 'Volume', example: 'All units at the price of the tier the total reaches: 65,000 calls all at $0.0006 + $10 = $49.00.' },
  package: { label: 'Package', example: 'A price per started package: $5 per 100 units, first 100 free, 201 units = $10.00.' },
  percentage: { label: 'Percentage', example: 'A rate on the summed amount plus a fee per transaction: 1.2% + $0.10, first 3 events free.' },
  dynamic: { label: 'Dynamic', example: 'Each event carries its own price in precise_total_amount; the charge is their sum.' },
};

export const tierHasInput = (t: TierDraft) => !!(t.to.trim() || t.perUnit.trim() || t.flat.trim());

/**
 * Whether the operator has typed anything into the fields of the charge's model. Until then the
 * form shows no validation errors (a fresh form is not wrong, only empty); saving shows them all.
 */
export function hasModelInput(c: ChargeDraft): boolean {
  switch (c.model) {
    case 'standard':
      return !!c.unitPrice.trim();
    case 'graduated':
    case 'volume':
      return c.tiers.some(tierHasInput);
    case 'package':
      return !!(c.packageAmount.trim() || c.packageSize.trim() || c.freeUnits.trim());
    case 'percentage':
      return !!(c.rate.trim() || c.fixedAmount.trim() || c.freeEvents.trim() || c.freeAmount.trim());
    case 'dynamic':
      return true;
  }
}

/** Lago's documented volume example (also a fine graduated one). */
export const EXAMPLE_TIERS: TierDraft[] = [
  { to: '10000', perUnit: '0.0010', flat: '10' },
  { to: '50000', perUnit: '0.0008', flat: '10' },
  { to: '100000', perUnit: '0.0006', flat: '10' },
  { to: '', perUnit: '0.0004', flat: '10' },
];

/** The first unit of each tier, derived: 0, then the previous tier's last unit + 1 (Lago's 0–100, 101–200…). */
export function tierStarts(tiers: TierDraft[]): (string | null)[] {
  const out: (string | null)[] = [];
  let prev: Dec | null = dec(-1);
  tiers.forEach((t, i) => {
    if (i === 0) out.push('0');
    else out.push(prev === null ? null : toText(add(prev, dec(1))));
    const to = t.to.trim();
    prev = to && isDecimalText(to) ? dec(to) : null;
  });
  return out;
}

const num = (s: string): string | number | undefined => {
  const t = s.trim();
  if (t === '') return undefined;
  return t;
};

/** The charge's `properties` exactly as the API will receive them. */
export function chargeProperties(c: ChargeDraft): Record<string, unknown> {
  switch (c.model) {
    case 'standard':
      return { unit_price: c.unitPrice.trim() };
    case 'graduated':
    case 'volume': {
      const starts = tierStarts(c.tiers);
      const ranges = c.tiers.map((t, i) => {
        const last = i === c.tiers.length - 1;
        const start = starts[i];
        const to = t.to.trim();
        return {
          from_value: start === null || start === undefined ? '' : intOrText(start),
          to_value: last ? null : to === '' ? '' : intOrText(to),
          per_unit_amount: t.perUnit.trim() || '0',
          flat_amount: t.flat.trim() || '0',
        };
      });
      return c.model === 'graduated' ? { graduated_ranges: ranges } : { volume_ranges: ranges };
    }
    case 'package': {
      const p: Record<string, unknown> = { amount: c.packageAmount.trim(), package_size: intOrText(c.packageSize.trim()) };
      if (c.freeUnits.trim()) p.free_units = intOrText(c.freeUnits.trim());
      return p;
    }
    case 'percentage': {
      const p: Record<string, unknown> = { rate: c.rate.trim() };
      if (c.fixedAmount.trim()) p.fixed_amount = c.fixedAmount.trim();
      if (c.freeEvents.trim()) p.free_units_per_events = intOrText(c.freeEvents.trim());
      if (c.freeAmount.trim()) p.free_units_per_total_aggregation = c.freeAmount.trim();
      return p;
    }
    case 'dynamic':
      return {};
  }
}

/** Bounds and counts go as JSON integers when whole (as Lago sends them), else as decimal strings. */
function intOrText(s: string): string | number {
  return /^\d{1,15}$/.test(s) ? Number(s) : s;
}

export function chargeInput(c: ChargeDraft) {
  const filters = c.filters.filter((f) => f.property.trim() && f.values.trim());
  return {
    metric: c.metric ?? '',
    asset: c.asset ?? '',
    model: c.model,
    properties: chargeProperties(c),
    ...(filters.length ? { filters: Object.fromEntries(filters.map((f) => [f.property.trim(), f.values.split(',').map((v) => v.trim()).filter(Boolean)])) } : {}),
    ...(num(c.allowance) !== undefined ? { allowance: c.allowance.trim() } : {}),
    ...(c.payInAdvance ? { pay_in_advance: true } : {}),
    ...(c.displayName.trim() ? { invoice_display_name: c.displayName.trim() } : {}),
  };
}

export type SpecResult = { ok: true; spec: ChargeSpec } | { ok: false; errors: PricingIssue[] };

export function specOf(c: ChargeDraft): SpecResult {
  const allowance = c.allowance.trim() ? c.allowance.trim() : undefined;
  const r = parseChargeSpec(c.model, chargeProperties(c), allowance);
  if (r.ok) return r;
  // An empty last unit also makes the next tier's derived first unit empty: report the cause once.
  const starts = c.model === 'graduated' || c.model === 'volume' ? tierStarts(c.tiers) : [];
  const errors = r.errors
    .filter((e) => !(e.path[2] === 'from_value' && typeof e.path[1] === 'number' && starts[e.path[1]] === null))
    .map((e) => (/got ""$/.test(e.message) ? { ...e, code: 'empty', message: e.message.replace(/must be a decimal string such as .*got ""$/, 'is empty: enter a number') } : e));
  return { ok: false, errors };
}

/** "Tier 2: from_value …": a pricing issue named for a person, with the row it belongs to. */
export function describeIssue(e: PricingIssue): { tier: number | null; field: string | null; text: string } {
  const [key, index, field] = e.path;
  if ((key === 'graduated_ranges' || key === 'volume_ranges') && typeof index === 'number') {
    const detail = e.message.replace(/^[a-z_]+\[\d+\](\.[a-z_]+)?:\s*/, '');
    const fieldName = field === 'to_value' ? 'last unit' : field === 'from_value' ? 'first unit' : field === 'per_unit_amount' ? 'per unit' : field === 'flat_amount' ? 'flat fee' : String(field ?? '');
    return { tier: index, field: typeof field === 'string' ? field : null, text: `Tier ${index + 1}${fieldName ? ` (${fieldName})` : ''}: ${detail.replace(/tier (\d+)/g, (_, n: string) => `tier ${Number(n) + 1}`)}` };
  }
  return { tier: null, field: typeof key === 'string' ? key : null, text: e.message };
}

export interface PreviewInput {
  quantity: string;
  /** Percentage: number of events the quantity is spread over. Dynamic: ignored. */
  events: string;
  /** Dynamic: the events' own prices summed (major units). */
  dynamicTotal: string;
}

export interface PreviewResult {
  exact: Dec;
  minor: bigint;
  units: Dec;
  billable: Dec;
  lines: BreakdownLine[];
}

export function price(spec: ChargeSpec, model: ChargeModel, input: PreviewInput, scale: number): PreviewResult | { error: string } {
  const q = input.quantity.trim().replace(/,/g, '');
  if (!q || !isDecimalText(q) || q.startsWith('-')) return { error: 'Enter a quantity such as 65000' };
  const units = dec(q);
  let usage = emptyUsage();
  if (model === 'percentage') {
    const n = Math.max(1, Math.min(2_000, Number.parseInt(input.events || '1', 10) || 1));
    // Spread the amount over n equal events (the last takes the remainder), in event order.
    const each = { c: units.c, s: units.s };
    const per = toText(divide(each, n));
    let fed = dec(0);
    for (let i = 0; i < n; i++) {
      const part = i === n - 1 ? subtract(units, fed) : dec(per);
      usage = addEvent(spec, usage, { units: part });
      fed = add(fed, part);
    }
  } else if (model === 'dynamic') {
    const total = input.dynamicTotal.trim();
    usage = addEvent(spec, usage, { units, amount: total && isDecimalText(total) ? dec(total) : dec(0) });
  } else {
    usage = addEvent(spec, usage, { units });
  }
  const r = priceCharge(spec, usage);
  return { exact: r.amount, minor: roundToMinor(r.amount, scale), units: r.units, billable: r.billableUnits, lines: r.lines };
}

function divide(a: Dec, n: number): Dec {
  // a / n to 12 decimals, truncated: a preview needs no more.
  const scaled = a.c * 10n ** 12n;
  return { c: scaled / BigInt(n), s: a.s + 12 };
}
function subtract(a: Dec, b: Dec): Dec {
  return add(a, { c: -b.c, s: b.s });
}

/** Cost at sample quantities from 0 to `max`, with tier boundaries added so steps show where they are. */
export function curve(spec: ChargeSpec, model: ChargeModel, max: number, scale: number, input: PreviewInput): { quantity: number; cost: number }[] {
  const points = new Set<number>();
  const steps = model === 'percentage' ? 20 : 60;
  for (let i = 0; i <= steps; i++) points.add(Math.round((max * i) / steps));
  if (spec.model === 'graduated' || spec.model === 'volume') {
    for (const t of spec.properties.tiers) {
      if (t.to === null) continue;
      const to = Number(toText(t.to));
      if (to < max) {
        points.add(to);
        points.add(to + 1);
      }
    }
  }
  const out: { quantity: number; cost: number }[] = [];
  for (const q of [...points].sort((a, b) => a - b)) {
    const r = price(spec, model, { ...input, quantity: String(q), events: model === 'percentage' ? input.events : '1' }, scale);
    if ('error' in r) continue;
    out.push({ quantity: q, cost: Number(toText(r.exact)) });
  }
  return out;
}

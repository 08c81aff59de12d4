/**
 * `parseChargeSpec`: validates a charge's model, properties, allowance and rounding once, when the
 * plan is created, and returns the `ChargeSpec` pricing works on (decimal strings parsed to `Dec`,
 * tiers checked and labelled). Every problem is reported, each with its path and a stable code.
 */
import type * as z from 'zod';
import { type Dec, ZERO, isZero } from '../decimal';
import { BOUND, checkNumber } from './fields';
import { type IssuePath, type PricingIssue, formatPath, issue } from './issues';
import { type QuantityRounding, quantityRoundingSchema } from './quantity';
import { CHARGE_MODELS, type ChargeModel, PROPERTY_SCHEMAS, tierSchema } from './schemas';
import type { ChargeSpec } from './spec';
import { buildTiers } from './tiers';

export type ParseChargeSpecResult = { ok: true; spec: ChargeSpec } | { ok: false; errors: PricingIssue[] };

/** The keys each object accepts, for "unknown property" messages. */
const EXPECTED_KEYS: Record<ChargeModel, string> = {
  standard: 'unit_price',
  graduated: 'graduated_ranges',
  volume: 'volume_ranges',
  package: 'amount, package_size, free_units',
  percentage: 'rate, fixed_amount, free_units_per_events, free_units_per_total_aggregation',
  dynamic: 'no properties',
};
const TIER_KEYS = Object.keys(tierSchema.shape).join(', ');

/** Translates zod's issues into ours, prefixing `prefix` (e.g. `['rounding']`) to every path. */
export function toPricingIssues(issues: readonly z.core.$ZodIssue[], model: ChargeModel | null, prefix: IssuePath = []): PricingIssue[] {
  const out: PricingIssue[] = [];
  for (const zodIssue of issues) {
    const path: IssuePath = [...prefix, ...zodIssue.path.filter((p): p is string | number => typeof p !== 'symbol')];
    if (zodIssue.code === 'unrecognized_keys') {
      const expected = typeof path[path.length - 1] === 'number' ? TIER_KEYS : model ? EXPECTED_KEYS[model] : '';
      for (const key of zodIssue.keys) {
        const where = [...path, key];
        out.push({ path: where, code: 'unknown_property', message: `${formatPath(where)}: unknown property${expected ? ` (expected ${expected})` : ''}` });
      }
      continue;
    }
    const params = (zodIssue as { params?: { code?: unknown } }).params;
    const code = typeof params?.code === 'string' ? params.code : zodIssue.code;
    out.push(issue(path, code, zodIssue.message));
  }
  return out;
}

function parseAllowance(model: ChargeModel, allowance: unknown, errors: PricingIssue[]): Dec | undefined {
  if (allowance === undefined || allowance === null) return undefined;
  const checked = checkNumber(allowance, BOUND);
  if (!checked.ok) {
    errors.push(issue(['allowance'], checked.code, checked.message));
    return undefined;
  }
  if (isZero(checked.value)) return undefined;
  if (model === 'dynamic') {
    errors.push(issue(['allowance'], 'allowance_not_supported', 'is not supported by dynamic charges: each event carries its own amount, there are no units to include'));
    return undefined;
  }
  return checked.value;
}

function parseRounding(rounding: unknown, errors: PricingIssue[]): QuantityRounding | undefined {
  if (rounding === undefined || rounding === null) return undefined;
  const parsed = quantityRoundingSchema.safeParse(rounding);
  if (parsed.success) return parsed.data;
  errors.push(...toPricingIssues(parsed.error.issues, null, ['rounding']));
  return undefined;
}

/** Builds the typed properties from a schema's output; tier lists get their cross-tier checks here. */
function buildSpec(model: ChargeModel, data: unknown, errors: PricingIssue[]): ChargeSpec | null {
  switch (model) {
    case 'standard': {
      const p = data as z.output<typeof PROPERTY_SCHEMAS.standard>;
      return { model, properties: { unitPrice: p.unit_price } };
    }
    case 'graduated':
    case 'volume': {
      const key = model === 'graduated' ? 'graduated_ranges' : 'volume_ranges';
      const ranges = (data as Record<typeof key, z.output<typeof tierSchema>[]>)[key];
      const tiers = buildTiers(key, ranges);
      if (!tiers.ok) {
        errors.push(...tiers.errors);
        return null;
      }
      return { model, properties: { tiers: tiers.tiers } };
    }
    case 'package': {
      const p = data as z.output<typeof PROPERTY_SCHEMAS.package>;
      return { model, properties: { amount: p.amount, packageSize: p.package_size, freeUnits: p.free_units ?? ZERO } };
    }
    case 'percentage': {
      const p = data as z.output<typeof PROPERTY_SCHEMAS.percentage>;
      const freeUnitsPerEvents = p.free_units_per_events ? Number(p.free_units_per_events.c) : 0;
      const freeUnitsPerTotalAggregation = p.free_units_per_total_aggregation ?? ZERO;
      if (!Number.isSafeInteger(freeUnitsPerEvents)) {
        errors.push(issue(['free_units_per_events'], 'too_large', `must be at most ${Number.MAX_SAFE_INTEGER}`));
        return null;
      }
      return {
        model,
        properties: {
          rate: p.rate,
          // rate / 100, exactly: two more decimals on the same coefficient.
          rateFraction: { c: p.rate.c, s: p.rate.s + 2 },
          fixedAmount: p.fixed_amount ?? ZERO,
          freeUnitsPerEvents,
          freeUnitsPerTotalAggregation,
          hasFreeUnits: freeUnitsPerEvents > 0 || !isZero(freeUnitsPerTotalAggregation),
        },
      };
    }
    case 'dynamic':
      return { model, properties: {} };
  }
}

/**
 * @param model one of standard, graduated, volume, package, percentage, dynamic
 * @param properties the charge's properties as received (JSON), Lago's names
 * @param allowance included units per period: a decimal string or a JSON integer, >= 0
 * @param rounding the metric's quantity rounding `{mode, precision?}`, applied before pricing
 */
export function parseChargeSpec(model: string, properties: unknown, allowance?: unknown, rounding?: unknown): ParseChargeSpecResult {
  if (!(CHARGE_MODELS as string[]).includes(model)) {
    return { ok: false, errors: [issue(['model'], 'unknown_model', `must be one of ${CHARGE_MODELS.join(', ')}, got ${JSON.stringify(model)}`)] };
  }
  const chargeModel = model as ChargeModel;
  const errors: PricingIssue[] = [];
  const parsed = PROPERTY_SCHEMAS[chargeModel].safeParse(properties ?? {});
  const spec = parsed.success ? buildSpec(chargeModel, parsed.data, errors) : null;
  if (!parsed.success) errors.push(...toPricingIssues(parsed.error.issues, chargeModel));
  const parsedAllowance = parseAllowance(chargeModel, allowance, errors);
  const parsedRounding = parseRounding(rounding, errors);
  if (errors.length > 0 || spec === null) return { ok: false, errors };
  if (parsedAllowance !== undefined) spec.allowance = parsedAllowance;
  if (parsedRounding !== undefined) spec.rounding = parsedRounding;
  return { ok: true, spec };
}

import type { z } from 'zod';
import type { CreatePlan, Plan, PlanVersion } from '../../../shared/contract/pricing';
import { type ChargeSpec, chargeIssue, parseChargeSpec } from '../../../shared/pricing';
import type { AssetRow, PlanRow } from '../../storage/store';
import type { Assets } from '../assets';
import type { EngineContext } from '../context';
import { fail } from '../errors';
import { decodeCursor, decodeNumericCursor, encodeCursor, iso } from '../format';
import type { CompiledMetric, Metrics } from './metrics';

export interface ChargeDefinition {
  metric: string;
  asset: string;
  model: string;
  properties: Record<string, unknown>;
  filters: Record<string, string[]> | null;
  allowance: string | null;
  pay_in_advance: boolean;
  invoice_display_name: string | null;
}

export interface CompiledCharge {
  id: number;
  planId: number;
  position: number;
  metric: CompiledMetric;
  asset: AssetRow;
  spec: ChargeSpec;
  definition: ChargeDefinition;
  /** property -> allowed values; null prices every event of the metric. */
  filters: Map<string, Set<string>> | null;
}

export interface PlanDefinition {
  fixed_fee: { asset: string; amount: string; pay_in_advance: boolean } | null;
  trial_days: number;
  minimum_commitment: { asset: string; amount: string } | null;
  features: { code: string; name: string | null; value: boolean | number | string }[];
  tax_rate: string | null;
}

export interface CompiledPlan {
  row: PlanRow;
  definition: PlanDefinition;
  fixedFee: { asset: AssetRow; amount: bigint; payInAdvance: boolean } | null;
  minimumCommitment: { asset: AssetRow; amount: bigint } | null;
  charges: CompiledCharge[];
  /** Event type -> metric id -> the charges pricing that metric (several with filters). */
  byEventType: Map<string, Map<number, CompiledCharge[]>>;
}

/**
 * Plans are immutable once written: a change is a new version (same code, version + 1), so
 * subscriptions keep the version they were moved to and compiled plans can be cached for good.
 */
export class Plans {
  private readonly compiled = new Map<number, CompiledPlan>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly metrics: Metrics,
    private readonly assets: Assets,
  ) {}

  create(input: z.output<typeof CreatePlan>): z.output<typeof Plan> {
    const { store } = this.ctx;
    const charges = (input.charges ?? []).map((c, i): ChargeDefinition & { metricRow: CompiledMetric } => {
      const metric = this.metrics.require(c.metric);
      this.assets.require(c.asset);
      const parsed = parseChargeSpec(c.model, c.properties, c.allowance, metric.rounding ?? undefined);
      if (!parsed.ok) {
        const issues = parsed.errors.map((e) => chargeIssue(i, e));
        fail('validation_failed', issues.map((x) => x.message).join('; '), { issues });
      }
      if (c.filters) {
        for (const property of Object.keys(c.filters)) {
          const declared = metric.filters.find((f) => f.property === property);
          if (!declared) continue; // filters on undeclared properties are allowed; declared ones must use known values
          const unknown = c.filters[property]!.filter((v) => !declared.values.includes(v));
          if (unknown.length) fail('validation_failed', `charges[${i}].filters.${property}: ${unknown.join(', ')} not among the metric's values (${declared.values.join(', ')}).`, { issues: [{ path: ['charges', i, 'filters', property], message: 'unknown value' }] });
        }
      }
      return {
        metric: c.metric,
        asset: c.asset,
        model: c.model,
        properties: c.properties,
        filters: c.filters ?? null,
        allowance: c.allowance ?? null,
        pay_in_advance: c.pay_in_advance ?? false,
        invoice_display_name: c.invoice_display_name ?? null,
        metricRow: metric,
      };
    });
    // An event feeds one charge per metric (the most specific filter that matches), so a second
    // charge with the same metric and the same filters would never be priced: refused, not ignored.
    const selectors = new Map<string, number>();
    charges.forEach((c, i) => {
      const filters = Object.entries(c.filters ?? {}).map(([k, v]) => [k, [...v].sort()] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const key = JSON.stringify([c.metric, filters]);
      const first = selectors.get(key);
      if (first !== undefined) fail('validation_failed', `charges[${i}]: charges[${first}] already prices metric ${c.metric}${filters.length ? ' with the same filters' : ' without filters'}; an event feeds one charge per metric, so this one would never be priced (give it filters, or merge the two).`, { issues: [{ path: ['charges', i, 'metric'], message: 'duplicate charge' }] });
      selectors.set(key, i);
    });
    if (input.fixed_fee) this.assets.require(input.fixed_fee.asset);
    if (input.minimum_commitment) this.assets.require(input.minimum_commitment.asset);
    const codes = new Set<string>();
    for (const [i, f] of (input.features ?? []).entries()) {
      if (codes.has(f.code)) fail('validation_failed', `features[${i}]: feature ${f.code} is listed twice.`, { issues: [{ path: ['features', i, 'code'], message: 'duplicate' }] });
      codes.add(f.code);
    }
    const definition: PlanDefinition = {
      fixed_fee: input.fixed_fee ? { asset: input.fixed_fee.asset, amount: input.fixed_fee.amount.toString(), pay_in_advance: input.fixed_fee.pay_in_advance ?? false } : null,
      trial_days: input.trial_days ?? 0,
      minimum_commitment: input.minimum_commitment ? { asset: input.minimum_commitment.asset, amount: input.minimum_commitment.amount.toString() } : null,
      features: (input.features ?? []).map((f) => ({ code: f.code, name: f.name ?? null, value: f.value })),
      tax_rate: input.tax_rate ?? null,
    };
    const latest = store.getLatestPlan(input.code);
    const row: Omit<PlanRow, 'id'> = {
      code: input.code,
      version: latest ? latest.version + 1 : 1,
      name: input.name,
      description: input.description ?? null,
      interval: input.interval,
      definition: JSON.stringify(definition),
      created_at: this.ctx.now(),
    };
    const planId = store.insertPlan(row);
    charges.forEach((c, position) => {
      const { metricRow, ...definition } = c;
      store.insertPlanCharge({ plan_id: planId, position, metric_id: metricRow.id, asset: c.asset, model: c.model, definition: JSON.stringify(definition) });
    });
    this.ctx.onUndo(() => this.compiled.delete(planId));
    return this.toApi(this.byId(planId));
  }

  byId(planId: number): CompiledPlan {
    let p = this.compiled.get(planId);
    if (p) return p;
    const row = this.ctx.store.getPlan(planId);
    if (!row) throw new Error(`plan ${planId} missing`);
    const charges = this.ctx.store.listPlanCharges(planId).map((c): CompiledCharge => {
      const definition = JSON.parse(c.definition) as ChargeDefinition;
      const metric = this.metrics.byInternalId(c.metric_id);
      const parsed = parseChargeSpec(c.model, definition.properties, definition.allowance ?? undefined, metric.rounding ?? undefined);
      if (!parsed.ok) throw new Error(`stored charge ${c.id} no longer parses: ${parsed.errors.map((e) => e.message).join('; ')}`);
      return {
        id: c.id,
        planId,
        position: c.position,
        metric,
        asset: this.assets.require(c.asset),
        spec: parsed.spec,
        definition,
        filters: definition.filters ? new Map(Object.entries(definition.filters).map(([k, v]) => [k, new Set(v)])) : null,
      };
    });
    const byEventType = new Map<string, Map<number, CompiledCharge[]>>();
    for (const c of charges) {
      let byMetric = byEventType.get(c.metric.eventType);
      if (!byMetric) byEventType.set(c.metric.eventType, (byMetric = new Map()));
      const list = byMetric.get(c.metric.id) ?? [];
      list.push(c);
      byMetric.set(c.metric.id, list);
    }
    const definition = { fixed_fee: null, trial_days: 0, minimum_commitment: null, features: [], tax_rate: null, ...(JSON.parse(row.definition) as Partial<PlanDefinition>) } as PlanDefinition;
    p = {
      row,
      definition,
      fixedFee: definition.fixed_fee ? { asset: this.assets.require(definition.fixed_fee.asset), amount: BigInt(definition.fixed_fee.amount), payInAdvance: definition.fixed_fee.pay_in_advance } : null,
      minimumCommitment: definition.minimum_commitment ? { asset: this.assets.require(definition.minimum_commitment.asset), amount: BigInt(definition.minimum_commitment.amount) } : null,
      charges,
      byEventType,
    };
    this.compiled.set(planId, p);
    return p;
  }

  /** A charge by id, from whichever plan version holds it. */
  chargeById(id: number): CompiledCharge {
    const planId = this.ctx.store.getChargePlanId(id);
    const charge = planId === undefined ? undefined : this.byId(planId).charges.find((c) => c.id === id);
    if (!charge) throw new Error(`charge ${id} missing`);
    return charge;
  }

  latest(code: string): CompiledPlan {
    const row = this.ctx.store.getLatestPlan(code);
    if (!row) fail('plan_not_found', `No plan has code ${code}.`, { plan: code });
    return this.byId(row.id);
  }

  get(code: string): z.output<typeof Plan> {
    return this.toApi(this.latest(code));
  }

  list(limit: number, cursor: string | undefined) {
    const rows = this.ctx.store.listLatestPlans(decodeCursor(cursor), limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.toApi(this.byId(r.id))), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.code) : null };
  }

  /**
   * Every version of a plan, newest first: subscriptions stay on the version they were moved to, so
   * the older ones are still what some customers pay (each says how many: two indexed counts). The
   * cursor is the last version shown.
   */
  versions(code: string, limit: number, cursor: string | undefined) {
    this.latest(code); // an unknown code is a 404, not an empty list
    const rows = this.ctx.store.listPlanVersions(code, decodeNumericCursor(cursor), limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.versionToApi(this.byId(r.id))), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.version) : null };
  }

  /** One version; the 404 says whether the code or the version is missing, and the latest version. */
  version(code: string, version: number): z.output<typeof PlanVersion> {
    const row = this.ctx.store.getPlanVersion(code, version);
    if (row) return this.versionToApi(this.byId(row.id));
    const latest = this.latest(code).row.version;
    fail('plan_not_found', `Plan ${code} has no version ${version} (its latest is version ${latest}).`, { plan: code, version, latest_version: latest });
  }

  /**
   * A version as the version routes show it: the plan, with the subscriptions billed on it now
   * (pending or active) and those scheduled to move onto it at period end (see the contract).
   */
  private versionToApi(p: CompiledPlan): z.output<typeof PlanVersion> {
    const counts = this.ctx.store.countPlanSubscriptions(p.row.id);
    return { ...this.toApi(p), live_subscriptions: counts.live, scheduled_subscriptions: counts.scheduled };
  }

  toApi(p: CompiledPlan): z.output<typeof Plan> {
    return {
      code: p.row.code,
      version: p.row.version,
      name: p.row.name,
      description: p.row.description,
      interval: p.row.interval as z.output<typeof Plan>['interval'],
      fixed_fee: p.definition.fixed_fee,
      trial_days: p.definition.trial_days,
      minimum_commitment: p.definition.minimum_commitment,
      features: p.definition.features,
      tax_rate: p.definition.tax_rate,
      charges: p.charges.map((c) => ({
        id: String(c.id),
        metric: c.metric.code,
        asset: c.asset.code,
        model: c.definition.model as z.output<typeof Plan>['charges'][number]['model'],
        properties: c.definition.properties,
        filters: c.definition.filters,
        allowance: c.definition.allowance,
        pay_in_advance: c.definition.pay_in_advance,
        invoice_display_name: c.definition.invoice_display_name,
      })),
      created_at: iso(p.row.created_at),
    };
  }
}

/**
 * The charge that prices an event for a metric: among the charges whose filters all match the
 * event's properties, the most specific (most filtered properties) wins; a charge without filters
 * is the default. An event that matches none is not priced for that metric (documented default).
 */
export function selectCharge(charges: CompiledCharge[], properties: Record<string, unknown>): CompiledCharge | null {
  let best: CompiledCharge | null = null;
  let bestSize = -1;
  for (const c of charges) {
    const size = c.filters ? c.filters.size : 0;
    if (size <= bestSize) continue;
    if (c.filters) {
      let all = true;
      for (const [prop, values] of c.filters) {
        const v = properties[prop];
        if (v === undefined || v === null || !values.has(String(v))) {
          all = false;
          break;
        }
      }
      if (!all) continue;
    }
    best = c;
    bestSize = size;
  }
  return best;
}

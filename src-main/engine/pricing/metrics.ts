import type { z } from 'zod';
import type { CreateMetric, Metric } from '../../../shared/contract/pricing';
import type { QuantityRounding } from '../../../shared/pricing';
import type { MetricRow } from '../../storage/store';
import type { EngineContext } from '../context';
import { fail } from '../errors';
import { decodeNumericCursor, encodeCursor, iso } from '../format';

export type Aggregation = 'count' | 'sum' | 'max' | 'unique_count' | 'latest' | 'weighted_sum';

export interface CompiledMetric {
  id: number;
  code: string;
  eventType: string;
  aggregation: Aggregation;
  property: string | null;
  recurring: boolean;
  rounding: QuantityRounding | null;
  filters: { property: string; values: string[] }[];
}

/** Aggregations whose quantity accrues with time, not with events: priced at period close. */
export const TIME_BASED: ReadonlySet<Aggregation> = new Set(['weighted_sum']);

export class Metrics {
  private readonly byId = new Map<number, CompiledMetric>();

  constructor(private readonly ctx: EngineContext) {
    ctx.registerCache(() => this.byId.clear());
  }

  create(input: z.output<typeof CreateMetric>): z.output<typeof Metric> {
    const { store } = this.ctx;
    if (store.getMetricByCode(input.code)) fail('already_exists', `A metric with code ${input.code} exists already.`, { metric: input.code });
    if (input.aggregation !== 'count' && !input.property) {
      fail('validation_failed', `A ${input.aggregation} metric aggregates a property: give "property".`, { issues: [{ path: ['property'], message: `required for ${input.aggregation}` }] });
    }
    if (input.recurring && (input.aggregation === 'count' || input.aggregation === 'max' || input.aggregation === 'latest')) {
      fail('validation_failed', `A recurring metric carries its quantity across periods; "${input.aggregation}" does not make sense as one (use sum, unique_count or weighted_sum).`, {
        issues: [{ path: ['recurring'], message: `not allowed with ${input.aggregation}` }],
      });
    }
    if (input.aggregation === 'weighted_sum' && !input.recurring) {
      // Lago allows a metered weighted_sum (it resets each period); allowed here too.
    }
    const row: Omit<MetricRow, 'id'> = {
      code: input.code,
      name: input.name ?? input.code,
      description: input.description ?? null,
      event_type: input.event_type ?? input.code,
      aggregation: input.aggregation,
      property: input.aggregation === 'count' ? (input.property ?? null) : input.property!,
      recurring: input.recurring ? 1 : 0,
      rounding: input.rounding ? JSON.stringify({ mode: input.rounding.mode, precision: input.rounding.precision ?? 0 }) : null,
      filters: JSON.stringify(input.filters ?? []),
      created_at: this.ctx.now(),
    };
    const id = store.insertMetric(row);
    return this.toApi({ ...row, id });
  }

  find(code: string): CompiledMetric | undefined {
    const row = this.ctx.store.getMetricByCode(code);
    return row ? this.byInternalId(row.id) : undefined;
  }

  require(code: string): CompiledMetric {
    return this.find(code) ?? fail('metric_not_found', `No billable metric has code ${code}.`, { metric: code });
  }

  byInternalId(id: number): CompiledMetric {
    let m = this.byId.get(id);
    if (!m) {
      const row = this.ctx.store.getMetric(id);
      if (!row) throw new Error(`metric ${id} missing`);
      m = compile(row);
      this.byId.set(id, m);
    }
    return m;
  }

  list(limit: number, cursor: string | undefined) {
    const rows = this.ctx.store.listMetrics(decodeNumericCursor(cursor) ?? 0, limit + 1);
    const page = rows.slice(0, limit);
    return { data: page.map((r) => this.toApi(r)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  toApi(row: MetricRow): z.output<typeof Metric> {
    const rounding = row.rounding ? (JSON.parse(row.rounding) as { mode: string; precision: number }) : null;
    return {
      code: row.code,
      name: row.name,
      description: row.description,
      event_type: row.event_type,
      aggregation: row.aggregation as Aggregation,
      property: row.property,
      recurring: row.recurring === 1,
      rounding,
      filters: JSON.parse(row.filters) as { property: string; values: string[] }[],
      created_at: iso(row.created_at),
    };
  }
}

function compile(row: MetricRow): CompiledMetric {
  return {
    id: row.id,
    code: row.code,
    eventType: row.event_type,
    aggregation: row.aggregation as Aggregation,
    property: row.property,
    recurring: row.recurring === 1,
    rounding: row.rounding ? (JSON.parse(row.rounding) as QuantityRounding) : null,
    filters: JSON.parse(row.filters) as { property: string; values: string[] }[],
  };
}

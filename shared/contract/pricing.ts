import { z } from 'zod';
import { AmountOut, AssetCode, Code, DecimalString, ExternalId, IsoTime, PageQuery, Quantity, Timestamp } from './common';

export const Aggregation = z.enum(['count', 'sum', 'max', 'unique_count', 'latest', 'weighted_sum']);
export const MetricFilter = z.strictObject({
  property: z.string().min(1).max(100),
  values: z.array(z.string().max(200)).min(1).max(100),
});
export const CreateMetric = z.strictObject({
  code: Code,
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(1000).optional(),
  event_type: z.string().min(1).max(100).optional().meta({ description: 'The event `code` this metric reads. Default: the metric\'s own code.' }),
  aggregation: Aggregation,
  property: z.string().min(1).max(100).optional().meta({ description: 'The event property aggregated (required for every aggregation but count).' }),
  recurring: z.boolean().optional().meta({ description: 'Carried across periods (seats, storage) instead of reset each period.' }),
  rounding: z
    .strictObject({ mode: z.enum(['round', 'ceil', 'floor']), precision: z.number().int().min(-15).max(15).optional() })
    .optional()
    .meta({ description: 'Rounding of the aggregated quantity before pricing.' }),
  filters: z.array(MetricFilter).max(20).optional().meta({ description: 'Dimensions this metric can be priced by (e.g. model in [gpt-4o, o3]).' }),
});
export const Metric = z.object({
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  event_type: z.string(),
  aggregation: Aggregation,
  property: z.string().nullable(),
  recurring: z.boolean(),
  rounding: z.object({ mode: z.string(), precision: z.number().int() }).nullable(),
  filters: z.array(z.object({ property: z.string(), values: z.array(z.string()) })),
  created_at: IsoTime,
});

export const ChargeModel = z.enum(['standard', 'graduated', 'volume', 'package', 'percentage', 'dynamic']);
export const ChargeInput = z.strictObject({
  metric: Code,
  asset: AssetCode,
  model: ChargeModel,
  properties: z.record(z.string(), z.unknown()).meta({ description: 'The model\'s properties, Lago\'s names (e.g. `{unit_price: "0.000002"}`); prices are decimal strings.' }),
  filters: z.record(z.string(), z.array(z.string().max(200)).min(1)).optional().meta({ description: 'Price only events whose properties match (property -> allowed values). The most specific matching charge wins.' }),
  allowance: DecimalString.optional().meta({ description: 'Included units per period, priced as F(max(0, usage - allowance)).' }),
  pay_in_advance: z.boolean().optional(),
  invoice_display_name: z.string().max(200).optional(),
});
export const Interval = z.enum(['weekly', 'monthly', 'quarterly', 'yearly']);
export const CreatePlan = z.strictObject({
  code: Code,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  interval: Interval,
  charges: z.array(ChargeInput).max(100).optional(),
});
export const Charge = z.object({
  id: z.string(),
  metric: z.string(),
  asset: z.string(),
  model: ChargeModel,
  properties: z.record(z.string(), z.unknown()),
  filters: z.record(z.string(), z.array(z.string())).nullable(),
  allowance: z.string().nullable(),
  pay_in_advance: z.boolean(),
  invoice_display_name: z.string().nullable(),
});
export const Plan = z.object({
  code: z.string(),
  version: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  interval: Interval,
  charges: z.array(Charge),
  created_at: IsoTime,
});

export const CreateSubscription = z.strictObject({
  customer: ExternalId,
  plan: Code,
  external_id: ExternalId.optional(),
  start_at: Timestamp.optional().meta({ description: 'Default: now. Usage before the start is refused.' }),
  billing_time: z.enum(['calendar', 'anniversary']).optional(),
});
export const Subscription = z.object({
  id: z.string(),
  external_id: z.string().nullable(),
  customer: z.string(),
  plan: z.string(),
  plan_version: z.number().int(),
  status: z.enum(['pending', 'active', 'terminated']),
  billing_time: z.enum(['calendar', 'anniversary']),
  started_at: IsoTime,
  terminated_at: IsoTime.nullable(),
  current_period: z.object({ start: IsoTime, end: IsoTime }).nullable(),
  created_at: IsoTime,
});
export const ListSubscriptions = z.strictObject({ ...PageQuery, customer: ExternalId.optional(), status: z.enum(['pending', 'active', 'terminated']).optional() });

export const CreateQuote = z.strictObject({
  customer: ExternalId,
  metric: Code,
  quantity: Quantity,
  properties: z.record(z.string(), z.unknown()).optional(),
});
export const Quote = z.object({
  customer: z.string(),
  metric: z.string(),
  asset: z.string(),
  quantity: z.string(),
  amount: AmountOut.meta({ description: 'What this quantity would add now, after current usage, held usage and allowances, rounded up to the minor unit.' }),
  exact_amount: z.string(),
});
export { AmountOut };

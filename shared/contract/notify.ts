import { z } from 'zod';
import { AmountOut, AssetCode, Code, DecimalString, ExternalId, IsoTime, NonNegativeAmount, PageQuery, PositiveAmount } from './common';

export const WEBHOOK_EVENT_TYPES = [
  'wallet.low_balance',
  'wallet.depleted',
  'wallet.topped_up',
  'credit.expired',
  'authorization.declined',
  'event.refused',
  'top_up.requested',
  'top_up.expired',
  'invoice.finalized',
  'invoice.overdue',
  'credit_note.created',
  'spend_cap.reached',
  'usage.threshold_reached',
  'webhook.endpoint_disabled',
] as const;
export const WebhookEventType = z.enum(WEBHOOK_EVENT_TYPES);

export const CreateWebhookEndpoint = z.strictObject({
  url: z.string().url().max(2000).refine((u) => /^https?:\/\//.test(u), { error: 'must be an http(s) URL' }),
  description: z.string().max(200).optional(),
  event_types: z.array(z.union([WebhookEventType, z.literal('*')])).min(1).max(50),
  enabled: z.boolean().optional(),
});
export const UpdateWebhookEndpoint = z.strictObject({
  id: z.string().max(64),
  url: z.string().url().max(2000).optional(),
  description: z.string().max(200).nullable().optional(),
  event_types: z.array(z.union([WebhookEventType, z.literal('*')])).min(1).max(50).optional(),
  enabled: z.boolean().optional(),
  rotate_secret: z.boolean().optional(),
});
export const WebhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().nullable(),
  event_types: z.array(z.string()),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  failing_since: IsoTime.nullable(),
  created_at: IsoTime,
});
export const CreatedWebhookEndpoint = WebhookEndpoint.extend({
  secret: z.string().meta({ description: 'The signing secret, shown at creation (and on rotation) only. Messages carry `Tollgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 keyed with this whole string over "<t>.<raw body>">`; see `webhooks.message` in this document.' }),
});
export const WebhookDelivery = z.object({
  id: z.string(),
  message_id: z.string(),
  endpoint: z.string(),
  type: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int(),
  next_attempt_at: IsoTime.nullable(),
  last_attempt_at: IsoTime.nullable(),
  last_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  last_latency_ms: z.number().int().nullable(),
  created_at: IsoTime,
  delivered_at: IsoTime.nullable(),
  body: z.unknown(),
});
export const ListWebhookDeliveries = z.strictObject({ ...PageQuery, endpoint: z.string().max(64).optional(), status: z.enum(['pending', 'delivered', 'dead']).optional() });
export const DeliveryRef = z.strictObject({ id: z.string().max(64) });
export const EndpointRef = z.strictObject({ id: z.string().max(64) });
export const WebhookTestResult = z.object({
  message_id: z.string().meta({ description: 'The id of the test message (its `Tollgate-Webhook-Id`).' }),
  delivered: z.boolean().meta({ description: 'The endpoint answered 2xx within 10 s.' }),
  status: z.number().int().nullable().meta({ description: 'The HTTP status it answered (null: no answer: refused, timed out, bad TLS; see `error`).' }),
  error: z.string().nullable().meta({ description: 'Why it did not count as delivered (null when delivered).' }),
  latency_ms: z.number().int(),
  body: z.string().meta({ description: 'The exact body posted (a `webhook.test` message), to compare with what your receiver logged.' }),
});

export const CreateAlertRule = z
  .strictObject({
    customer: ExternalId,
    kind: z.enum(['balance', 'usage']),
    asset: AssetCode.optional().meta({ description: 'balance rules: the wallet asset.' }),
    field: z.enum(['available', 'posted', 'units', 'amount']).optional().meta({ description: 'balance: available (default) or posted; usage: units (default) or amount.' }),
    metric: Code.optional().meta({ description: 'usage rules: the metric, in the current period.' }),
    threshold: DecimalString.meta({ description: 'balance: whole minor units (fires when the value falls below); usage: units, a decimal, or for `field: amount` whole minor units (fires when it rises to or above).' }),
    name: z.string().max(100).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'balance' && !v.asset) ctx.addIssue({ code: 'custom', message: 'a balance alert needs asset', path: ['asset'] });
    if (v.kind === 'usage' && !v.metric) ctx.addIssue({ code: 'custom', message: 'a usage alert needs metric', path: ['metric'] });
    // A money threshold is compared with, and sent back in webhooks as, integer minor units.
    const money = v.kind === 'balance' || v.field === 'amount';
    if (money && !/^-?\d+(\.0*)?$/.test(v.threshold)) ctx.addIssue({ code: 'custom', message: 'a balance or amount threshold is a whole number of minor units', path: ['threshold'] });
  });
export const AlertRule = z.object({
  id: z.string(),
  customer: z.string(),
  kind: z.enum(['balance', 'usage']),
  asset: z.string().nullable(),
  metric: z.string().nullable(),
  field: z.string(),
  threshold: z.string(),
  name: z.string().nullable(),
  fired: z.boolean().meta({ description: 'Fired and waiting for the value to come back across the threshold before it can fire again.' }),
  enabled: z.boolean(),
  last_fired_at: IsoTime.nullable(),
  created_at: IsoTime,
});
export const AlertEvent = z.object({ id: z.string(), rule: z.string().nullable(), customer: z.string(), type: z.string(), asset: z.string().nullable(), value: z.string(), threshold: z.string().nullable(), message: z.string(), created_at: IsoTime });
export const ListAlerts = z.strictObject({ customer: ExternalId.optional() });
export const RuleRef = z.strictObject({ id: z.string().max(64) });

export const CreateAutoTopUpRule = z
  .strictObject({
    customer: ExternalId,
    asset: AssetCode,
    watch: z.enum(['available', 'posted']).optional(),
    threshold: NonNegativeAmount.meta({ description: 'Request a top-up when the watched balance falls below this.' }),
    mode: z.enum(['fixed', 'target']).meta({ description: '`fixed`: request `amount`; `target`: request what brings the balance up to `amount` (one request closing the whole gap).' }),
    amount: PositiveAmount,
    cooldown_seconds: z.number().int().min(0).max(86_400 * 30).optional().meta({ description: 'No new request within this long after the last one (default 300).' }),
    daily_cap: PositiveAmount.optional().meta({ description: 'At most this much requested per day (billing time zone).' }),
    payment_ttl_seconds: z.number().int().min(60).max(86_400 * 7).optional().meta({ description: 'A requested top-up not confirmed in this long expires (default 3600).' }),
  })
  .superRefine((v, ctx) => {
    if (v.mode === 'target' && v.amount <= v.threshold) ctx.addIssue({ code: 'custom', message: 'the target must be above the threshold', path: ['amount'] });
  });
export const AutoTopUpRule = z.object({
  id: z.string(),
  customer: z.string(),
  asset: z.string(),
  watch: z.enum(['available', 'posted']),
  threshold: AmountOut,
  mode: z.enum(['fixed', 'target']),
  amount: AmountOut,
  cooldown_seconds: z.number().int(),
  daily_cap: AmountOut.nullable(),
  payment_ttl_seconds: z.number().int(),
  enabled: z.boolean(),
  pending_top_up: z.string().nullable(),
  last_requested_at: IsoTime.nullable(),
  created_at: IsoTime,
});
export const UpdateRule = z.strictObject({ id: z.string().max(64), enabled: z.boolean() });

import { z } from 'zod';
import { AmountOut, AssetCode, Code, DecimalString, ExternalId, IsoTime, NonNegativeAmount, PageQuery, PositiveAmount, Properties, Quantity, TaxRate, Timestamp } from './common';

export const Aggregation = z.enum(['count', 'sum', 'max', 'unique_count', 'latest', 'weighted_sum']).meta({
  description:
    '`count` events; `sum`, `max`, `latest` of a numeric property; `unique_count` of distinct property values (an event with `operation_type: "remove"` takes one out); `weighted_sum`: the time-weighted level of a property (events carry changes, +10 / -4), per millisecond over the period. Every aggregation but `weighted_sum` is priced and debited per event; `weighted_sum` accrues with time, so it is priced when the period closes (and in usage previews): use it for postpaid customers. Usage is never negative: an event whose value for a `sum`, `max` or `latest` metric is below zero is refused (422 `invalid_event_property`, nothing recorded); to correct usage already recorded, reverse the event (`POST /v1/events/{transaction_id}/reverse`) and post the right one. Only `weighted_sum` takes negative values (its events are changes of a level); `unique_count` reads a value as an identity, so any value counts.',
});
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
  properties: z.record(z.string(), z.unknown()).meta({
    description: [
      'The model\'s properties, Lago\'s names. Prices are decimal strings in **major units** of the charge\'s asset (`"0.01"` is one cent of USD), never minor units; quantities are decimal strings or JSON integers.',
      '`standard`: `{unit_price}`.',
      '`graduated`: `{graduated_ranges: [{from_value, to_value, per_unit_amount, flat_amount}, ...]}`: each tier prices the units inside it; the last tier has `to_value: null`. Bounds are inclusive, as in Lago: `{from_value: 0, to_value: 100}` holds the first 100 units and the next tier starts at `101` (a next tier written from `100` is read the same way, "above 100").',
      '`volume`: `{volume_ranges: [...]}`, tiers as graduated: all units are priced at the tier the total reaches.',
      '`package`: `{amount, package_size, free_units?}`: `amount` per started package of `package_size` units, after `free_units`.',
      '`percentage`: `{rate, fixed_amount?, free_units_per_events?, free_units_per_total_aggregation?}`: `rate` percent of the summed value, plus `fixed_amount` per event.',
      '`dynamic`: `{}`: each event carries its price in `precise_total_amount`.',
    ].join(' '),
  }),
  filters: z.record(z.string(), z.array(z.string().max(200)).min(1)).optional().meta({ description: 'Price only events whose properties match (property -> allowed values). The most specific matching charge wins.' }),
  allowance: DecimalString.optional().meta({ description: 'Included units per period, priced as F(max(0, usage - allowance)).' }),
  pay_in_advance: z.boolean().optional(),
  invoice_display_name: z.string().max(200).optional(),
});
export const Interval = z.enum(['weekly', 'monthly', 'quarterly', 'yearly']);
export const FeatureValue = z.union([z.boolean(), z.number().finite(), z.string().max(500)]);
export const FeatureInput = z.strictObject({
  code: Code,
  name: z.string().max(200).optional(),
  value: FeatureValue.meta({ description: 'On/off (boolean), a number (seats, requests per minute) or a string.' }),
});
export const FixedFeeInput = z.strictObject({
  asset: AssetCode,
  amount: NonNegativeAmount,
  pay_in_advance: z.boolean().optional().meta({ description: 'Posted when the period opens (true) or when it closes (false, default). Prorated by days for partial periods.' }),
});
export const CreatePlan = z.strictObject({
  code: Code,
  name: z.string().min(1).max(200),
  description: z.string().max(2000).optional(),
  interval: Interval,
  fixed_fee: FixedFeeInput.optional(),
  trial_days: z.number().int().min(0).max(3650).optional().meta({ description: 'Days from the subscription start without the fixed fee (usage is still charged).' }),
  minimum_commitment: z.strictObject({ asset: AssetCode, amount: PositiveAmount }).optional().meta({ description: 'If a period\'s fees and charges in this asset total less, a true-up is posted at close (prorated for partial periods).' }),
  features: z.array(FeatureInput).max(100).optional().meta({ description: 'Entitlements the plan grants.' }),
  tax_rate: TaxRate.optional().meta({ description: 'Percent; the most specific rate: it overrides the customer\'s and the operator\'s.' }),
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
export const Feature = z.object({ code: z.string(), name: z.string().nullable(), value: FeatureValue });
export const Plan = z.object({
  code: z.string(),
  version: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  interval: Interval,
  fixed_fee: z.object({ asset: z.string(), amount: AmountOut, pay_in_advance: z.boolean() }).nullable(),
  trial_days: z.number().int(),
  minimum_commitment: z.object({ asset: z.string(), amount: AmountOut }).nullable(),
  features: z.array(Feature),
  tax_rate: z.string().nullable(),
  charges: z.array(Charge),
  created_at: IsoTime,
});
/** A version as the version routes show it: the plan, and who is still billed on it. */
export const PlanVersion = Plan.extend({
  live_subscriptions: z
    .number()
    .int()
    .min(0)
    .meta({
      description:
        'Subscriptions on this version now (their `plan_version`) whose status is `pending` (starting later, on this version) or `active`, including those with a cancellation scheduled at period end: the ones this version still bills. Terminated subscriptions are not counted, nor those only scheduled to move here (`scheduled_subscriptions`). A subscription scheduled to move off this version is counted until it moves.',
    }),
  scheduled_subscriptions: z
    .number()
    .int()
    .min(0)
    .meta({
      description:
        'Pending or active subscriptions on another version (or plan) with a plan change onto this version scheduled at the end of their period (`next_plan`), and no cancellation scheduled: they join `live_subscriptions` when the period ends. A scheduled change keeps the version that was latest when it was made, so an older version can have some.',
    }),
});
export const ListPlanVersions = z.strictObject({ code: z.string(), ...PageQuery });
const VERSION_ERROR = 'must be a version number: a positive integer such as 1 or 2';
/** Path params arrive as text, so the version is coerced (then held to a positive integer). */
export const PlanVersionRef = z.strictObject({
  code: z.string(),
  version: z.coerce
    .number({ error: VERSION_ERROR })
    .int({ error: VERSION_ERROR })
    .min(1, { error: VERSION_ERROR })
    .meta({ description: 'A version number of the plan: 1 for the first, counting up (the `version` of a Plan, the `plan_version` of a Subscription).' }),
});

const EntitlementOverrides = z.record(z.string().max(100), FeatureValue.nullable()).meta({ description: 'Per feature code: a value replacing the plan\'s, or null to remove an override.' });
export const CreateSubscription = z.strictObject({
  customer: ExternalId,
  plan: Code,
  external_id: ExternalId.optional(),
  start_at: Timestamp.optional().meta({ description: 'Default: now. Usage before the start is refused.' }),
  billing_time: z.enum(['calendar', 'anniversary']).optional().meta({ description: '`calendar` (default): periods follow the calendar (the 1st of each month for `monthly`), the first one prorated. `anniversary`: periods repeat from the start date (the 17th to the 17th). Either way periods begin and end at midnight in the customer\'s billing time zone, and fees prorate by whole days: a subscription started during a day pays for that day in full.' }),
  carry_usage: z.boolean().optional().meta({ description: 'On a plan change mid-period, carry the period\'s usage into the new plan (default true), so a volume customer keeps their tier.' }),
  entitlements: EntitlementOverrides.optional(),
});
export const SubscriptionRef = z.strictObject({ id: z.string().max(255) });
export const UpdateSubscription = z.strictObject({
  id: z.string().max(255),
  plan: Code.optional().meta({ description: 'Move to the latest version of this plan.' }),
  timing: z.enum(['now', 'period_end']).optional().meta({ description: 'When a plan change takes effect. Default: an upgrade (higher fixed fee) now, prorated; a downgrade at the end of the period.' }),
  carry_usage: z.boolean().optional(),
  entitlements: EntitlementOverrides.optional(),
  cancel_scheduled_change: z.literal(true).optional().meta({ description: 'Drop the plan change scheduled for the end of the period (`next_plan`): the subscription stays on its plan and version. Nothing to drop is not an error. Not with `plan`.' }),
}).refine((v) => !(v.cancel_scheduled_change && v.plan), { error: 'cancel_scheduled_change and plan do not go together: send one', path: ['cancel_scheduled_change'] });
export const TerminateSubscription = z.strictObject({
  id: z.string().max(255),
  at: z.enum(['now', 'period_end']).optional().meta({ description: '`now` (default): terminate and settle now, crediting back unused fixed fees paid in advance; `period_end`: cancel at the end of the current period.' }),
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
  terminate_at: IsoTime.nullable().meta({ description: 'A cancellation scheduled at the end of the period.' }),
  next_plan: z.string().nullable().meta({ description: 'A plan change scheduled at the end of the period.' }),
  carry_usage: z.boolean(),
  entitlement_overrides: z.record(z.string(), FeatureValue),
  current_period: z.object({ start: IsoTime, end: IsoTime }).nullable(),
  created_at: IsoTime,
});
export const ListSubscriptions = z.strictObject({ ...PageQuery, customer: ExternalId.optional(), status: z.enum(['pending', 'active', 'terminated']).optional() });

export const CreateQuote = z.strictObject({
  customer: ExternalId,
  metric: Code,
  quantity: Quantity,
  properties: Properties.optional(),
});
export const Quote = z.object({
  customer: z.string(),
  metric: z.string(),
  asset: z.string(),
  quantity: z.string(),
  amount: AmountOut.meta({
    description:
      'What an event with this quantity would add now, after allowances, rounded **up** to the minor unit (never below 0): the amount a hold for it takes. For `sum`, `count` and `unique_count` (that many new values) the quantity is added to current usage and to the units pending holds hold; for `max` it is the new peak (0 while the peak is already at or above it), for `latest` the new value, priced against the usage recorded so far. The event itself debits round(F(usage after)) - round(F(usage before)) (half away from zero), so a sub-cent price may debit 0 on one event and 1 on the next; the period total is always priced once and rounded once.',
  }),
  exact_amount: z.string().meta({ description: 'The same, unrounded: a decimal string in major units of the asset (`"2.5"` beside `amount: "250"` in USD). Negative for a `latest` value below the current one: the event would give that back.' }),
});
export { AmountOut };

export const Entitlements = z.object({
  customer: z.string(),
  subscription: z.string().nullable(),
  plan: z.string().nullable(),
  entitlements: z.array(z.object({ code: z.string(), name: z.string().nullable(), value: FeatureValue, source: z.enum(['plan', 'override']) })),
});

export const CreateCoupon = z
  .strictObject({
    code: Code,
    name: z.string().min(1).max(200).optional(),
    kind: z.enum(['fixed', 'percentage']),
    asset: AssetCode.optional().meta({ description: 'Required for a fixed coupon.' }),
    amount: PositiveAmount.optional().meta({ description: 'Fixed coupons: minor units off.' }),
    percentage: DecimalString.optional().meta({ description: 'Percentage coupons: percent off, e.g. "15".' }),
    frequency: z.enum(['once', 'recurring', 'forever']).meta({ description: '`once`: a fixed amount used up across periods, or a percentage for one period; `recurring`: for `periods` periods; `forever`.' }),
    periods: z.number().int().min(1).max(1200).optional(),
    plans: z.array(Code).max(100).optional().meta({ description: 'Only for customers on these plans (codes of existing plans; an unknown code is refused).' }),
    metrics: z.array(Code).max(100).optional().meta({ description: 'Only on the charges of these metrics, not on fixed fees (codes of existing metrics; an unknown code is refused).' }),
    expires_at: Timestamp.optional().meta({ description: 'No new application after this instant.' }),
  })
  .superRefine((v, ctx) => {
    if (v.kind === 'fixed' && (v.amount === undefined || !v.asset)) ctx.addIssue({ code: 'custom', message: 'a fixed coupon needs asset and amount', path: ['amount'] });
    if (v.kind === 'percentage' && v.percentage === undefined) ctx.addIssue({ code: 'custom', message: 'a percentage coupon needs percentage', path: ['percentage'] });
    if (v.frequency === 'recurring' && v.periods === undefined) ctx.addIssue({ code: 'custom', message: 'a recurring coupon needs periods', path: ['periods'] });
    // Fields of the other kind or frequency would be dropped without a word: refused instead.
    if (v.frequency !== 'recurring' && v.periods !== undefined) ctx.addIssue({ code: 'custom', message: `periods is only for a recurring coupon (this one is ${v.frequency})`, path: ['periods'] });
    if (v.kind === 'fixed' && v.percentage !== undefined) ctx.addIssue({ code: 'custom', message: 'percentage is only for a percentage coupon', path: ['percentage'] });
    if (v.kind === 'percentage' && (v.amount !== undefined || v.asset !== undefined)) ctx.addIssue({ code: 'custom', message: 'asset and amount are only for a fixed coupon', path: [v.amount !== undefined ? 'amount' : 'asset'] });
  });
export const Coupon = z.object({
  code: z.string(),
  name: z.string(),
  kind: z.enum(['fixed', 'percentage']),
  asset: z.string().nullable(),
  amount: AmountOut.nullable(),
  percentage: z.string().nullable(),
  frequency: z.enum(['once', 'recurring', 'forever']),
  periods: z.number().int().nullable(),
  plans: z.array(z.string()),
  metrics: z.array(z.string()),
  expires_at: IsoTime.nullable(),
  created_at: IsoTime,
});
export const CouponRef = z.strictObject({ code: z.string() });
export const ApplyCoupon = z.strictObject({ external_id: ExternalId, coupon: Code });
export const RemoveAppliedCoupon = z.strictObject({ external_id: ExternalId, coupon: z.string().meta({ description: 'The code of the coupon applied to the customer.' }) });
export const AppliedCoupon = z.object({
  id: z.string(),
  customer: z.string(),
  coupon: z.string(),
  status: z.enum(['active', 'used', 'removed']).meta({ description: '`active`: it discounts; `used`: its amount or its periods are used up; `removed`: taken off the customer (it discounts nothing more).' }),
  periods_left: z.number().int().nullable(),
  amount_left: AmountOut.nullable(),
  asset: z.string().nullable().meta({ description: 'The asset of a fixed coupon (what `amount_left` is in); null for a percentage coupon.' }),
  created_at: IsoTime,
});

export const UsageLine = z.object({ label: z.string(), from: z.string().nullable(), to: z.string().nullable(), units: z.string(), unit_price: z.string().nullable(), flat_fee: z.string(), amount: z.string() });
export const CurrentUsage = z.object({
  customer: z.string(),
  subscription: z.string().nullable(),
  plan: z.string().nullable(),
  period: z.object({ start: IsoTime, end: IsoTime }).nullable().meta({ description: 'The part of the billing period on the current plan: after a plan change it starts at the change.' }),
  charges: z.array(
    z.object({
      charge_id: z.string(),
      metric: z.string(),
      asset: z.string(),
      model: z.string(),
      units: z.string().meta({ description: 'The period\'s usage of this charge so far, including usage carried in from the previous plan on a plan change, and the opening usage of an import (usage counted by the system the customer came from, billed there).' }),
      billable_units: z.string(),
      amount: AmountOut.meta({ description: 'What this charge owes for the period so far, rounded once to the minor unit: its price of `units`, less its price of any usage carried in from a previous plan or imported as opening usage (billed there), never below zero.' }),
      exact_amount: z.string().meta({ description: '`amount` before rounding, in major units.' }),
      posted: AmountOut.meta({ description: 'Posted as transfers so far (the price of zero usage is posted at open or close).' }),
      held_units: z.string().meta({ description: 'Units of this charge\'s metric reserved by pending holds by metric (`POST /v1/authorizations` with `metric` and `quantity`): quotes and new holds price on top of `units` plus these, so a second hold pays the tier the first one will reach. A capture releases the units it used, and the hold\'s end (capture, void, expiry) the rest. An expired hold\'s units are released when its expiry is applied: at the next write to that wallet (a new hold is always priced after it) or by the housekeeping sweep every 30 s, so a read can show them a little longer.' }),
      time_based: z.boolean().meta({ description: 'A time-weighted charge (`weighted_sum`): priced at the close of the period; `units` and `amount` here hold the current level until the end of the period, as the invoice preview does.' }),
      lines: z.array(UsageLine).meta({ description: 'How the price of all `units` breaks down by tier, in major units: carried and imported opening usage included, so after a plan change or an import with opening usage they add up to more than `exact_amount`.' }),
    }),
  ),
  totals: z.array(z.object({ asset: z.string(), amount: AmountOut })),
});

/** A logo is copied into every document issued, so it is kept small. */
export const LOGO_MAX_CHARS = 20_000;
export const Company = z.object({
  legal_name: z.string(),
  address: z.array(z.string()),
  country: z.string().nullable(),
  tax_id: z.string().nullable(),
  email: z.string().nullable(),
  logo_svg: z.string().nullable().meta({ description: 'The seller\'s logo (SVG markup) at the top of invoices, credit notes and receipts; null: the legal name is printed there.' }),
});
export const Settings = z.object({
  billing_timezone: z.string(),
  grace_period_hours: z.number().int(),
  late_events: z.enum(['refuse', 'current_period']),
  company: Company,
  default_currency: z.string(),
  invoice_prefix: z.string(),
  payment_terms_days: z.number().int(),
  finalize_zero_amount_invoices: z.boolean(),
  tax_point: z.enum(['invoice', 'top_up']),
  tax_rate: z.string(),
  tax_inclusive: z.boolean(),
  legal_retention_days: z.number().int(),
  personal_event_properties: z.array(z.string()),
});
export const UpdateSettings = z.strictObject({
  company: z
    .strictObject({
      legal_name: z.string().min(1).max(300).optional(),
      address: z.array(z.string().max(200)).max(8).optional(),
      country: z.string().regex(/^[A-Z]{2}$/).nullable().optional(),
      tax_id: z.string().max(64).nullable().optional(),
      email: z.string().max(320).nullable().optional(),
      logo_svg: z
        .string()
        .max(LOGO_MAX_CHARS, { error: `at most ${LOGO_MAX_CHARS / 1000} KB of SVG: every document keeps a copy` })
        .refine((v) => /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(v) && /<\/svg>\s*$/i.test(v), { error: 'an SVG document: <svg ...> ... </svg>' })
        .nullable()
        .optional()
        .meta({ description: `The seller's logo, as SVG markup (at most ${LOGO_MAX_CHARS / 1000} KB; every document issued keeps a copy, so a later change never alters one already issued). null removes it: documents then print the legal name in its place. A logo the PDF renderer cannot draw prints the legal name too.` }),
    })
    .optional()
    .meta({ description: 'The seller on invoices. Finalized documents keep what they were issued with.' }),
  default_currency: z.string().regex(/^[A-Z]{3}$/).optional(),
  invoice_prefix: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/, { error: 'upper-case letters, digits and - (at most 16)' }).optional().meta({ description: 'Invoices are numbered PREFIX-YYYY-000001, without gaps.' }),
  payment_terms_days: z.number().int().min(0).max(365).optional(),
  finalize_zero_amount_invoices: z.boolean().optional().meta({ description: 'true (default, as Lago): an invoice with nothing to bill (a total of 0) is finalized like any other, with a number and a PDF. false: it is closed at finalization instead, status `closed`, with no number (the sequence keeps no gap), no PDF and no `invoice.finalized` webhook; its period is finalized all the same.' }),
  tax_point: z.enum(['invoice', 'top_up']).optional().meta({ description: '`invoice`: tax is computed per rate on each invoice and posted (credit bought in a custom asset is still taxed on its receipt, at top-up: its usage is invoiced in that unit, never in money); `top_up`: the top-up receipt is the tax document and usage statements of prepaid credit carry no tax; under tax-inclusive prices the receipt\'s tax is inside the amount paid (taken out of revenue, not added to cash in); a refund or chargeback of such a top-up gives back the tax on the part returned (the top-up\'s `tax.returned`). Changing it changes nothing already taken: a top-up made under `invoice` took no tax and its refunds return none.' }),
  tax_rate: TaxRate.optional().meta({ description: 'The operator\'s default rate, percent.' }),
  tax_inclusive: z.boolean().optional().meta({ description: 'Prices include tax (tax is the part of the total), or tax comes on top (default).' }),
  billing_timezone: z.string().max(64).optional(),
  grace_period_hours: z.number().int().min(0).max(24 * 60).optional().meta({ description: 'How long a closed period stays open to late events (and its invoice a draft), counted from when the period was closed: its end, or later if a billing run closed it later (catching up after the app was off, a subscription started in the past), so late events still get the whole grace period. The draft\'s `grace_until` says when.' }),
  late_events: z.enum(['refuse', 'current_period']).optional().meta({ description: 'An event for a finalized period: refuse it (period_closed), or book it into the current period as late usage.' }),
  legal_retention_days: z.number().int().min(0).max(36_500).optional().meta({ description: 'How long an erased customer\'s finalized invoices, credit notes and receipts keep their details (default 3,650 days: ten years); then they are redacted too.' }),
  personal_event_properties: z.array(z.string().min(1).max(100)).max(100).optional().meta({ description: 'Event properties that hold personal data (e.g. `user_email`, `prompt`): stripped from an erased customer\'s events.' }),
});

import { z } from 'zod';
import { BackupStatus } from './backups';
import {
  AmountOut,
  AssetCode,
  DecimalString,
  ExternalId,
  IdempotencyKey,
  IsoTime,
  Metadata,
  NonNegativeAmount,
  NonNegativeDecimalString,
  PageQuery,
  PositiveAmount,
  PositiveDecimalString,
  SignedAmount,
  TaxRate,
  Timestamp,
  Properties,
  decimalSafe,
  DECIMAL_SAFE_ERROR,
} from './common';

// ---------------------------------------------------------------- assets
export const AssetRateInput = z.strictObject({
  currency: AssetCode.meta({ description: 'The fiat asset the rate is quoted in.' }),
  rate: PositiveDecimalString.meta({ description: 'Major units of the currency per one whole unit of this asset (not per minor unit), e.g. "0.00001" USD per token, or "2.50" USD per GPU hour for an asset of scale 3 (above zero).' }),
  effective_from: Timestamp.optional(),
});
export const CreateAsset = z.strictObject({
  code: AssetCode,
  scale: z.number().int().min(0).max(18).optional().meta({ description: 'Decimal places of the minor unit, fixed at creation. Fiat defaults to the currency\'s (USD 2, JPY 0); custom assets must say.' }),
  kind: z.enum(['fiat', 'custom']).optional().meta({ description: 'Defaults to fiat for ISO 4217 codes, custom otherwise.' }),
  name: z.string().min(1).max(100).optional(),
  rates: z.array(AssetRateInput).max(100).optional(),
});
export const AssetRate = z.object({ currency: z.string(), rate: z.string(), effective_from: IsoTime });
export const Asset = z.object({
  code: z.string(),
  scale: z.number().int(),
  kind: z.enum(['fiat', 'custom']),
  name: z.string(),
  rates: z.array(AssetRate),
  created_at: IsoTime,
});
export const AddAssetRate = AssetRateInput.extend({ code: AssetCode });

// ---------------------------------------------------------------- customers
export const InsufficientFundsPolicy = z.enum(['record_as_debt', 'refuse']).meta({
  description:
    'What an event does when the funded balance cannot cover its cost (for an event under a pending hold: its cost beyond what the hold holds): `record_as_debt` lets it use the overdraft limit (the excess becomes debt); `refuse` answers 402. Nothing ever goes below minus the overdraft limit.',
});
export const SpendCapInput = z.strictObject({
  asset: AssetCode,
  window: z.enum(['day', 'month']),
  amount: NonNegativeAmount.nullable().meta({ description: 'Cap in minor units; null removes the cap.' }),
});
export const OverdraftLimitInput = z.strictObject({ asset: AssetCode, amount: NonNegativeAmount });

/**
 * The languages invoices, credit notes and receipts are worded in: src-main/documents/labels.ts has
 * one table of printed words for each (typed by this list: a language cannot be listed without its
 * table). Any other tag printed English words, so a customer's `language` must be one of these.
 */
export const INVOICE_LANGUAGES = { en: 'English', fr: 'French', de: 'German' } as const;
export type InvoiceLanguage = keyof typeof INVOICE_LANGUAGES;
const LANGUAGE_CODES = Object.keys(INVOICE_LANGUAGES) as InvoiceLanguage[];
const anyCase = (s: string) => [...s].map((ch) => `[${ch}${ch.toUpperCase()}]`).join('');
/** A supported language, any case, optionally with a region of two letters after - or _ ("fr", "FR", "fr-ca", "de_CH"). */
const LANGUAGE_TAG = new RegExp(`^(?:${LANGUAGE_CODES.map(anyCase).join('|')})(?:[-_][A-Za-z]{2})?$`);
const LANGUAGE_ERROR = `must be ${LANGUAGE_CODES.slice(0, -1).join(', ')} or ${LANGUAGE_CODES[LANGUAGE_CODES.length - 1]} (${LANGUAGE_CODES.map((c) => INVOICE_LANGUAGES[c]).join(', ')}), optionally with a region such as fr-CA or de-CH`;

/**
 * The stored form of an invoice language tag: "FR" -> "fr", "fr_ca" -> "fr-CA"; null when the
 * documents do not speak it ("es", "klingon"). The region only changes number and date formats
 * (the printed words are the language's).
 */
export function invoiceLanguage(tag: string): string | null {
  const t = tag.trim();
  if (!LANGUAGE_TAG.test(t)) return null;
  const [language, region] = t.split(/[-_]/);
  return region ? `${language!.toLowerCase()}-${region.toUpperCase()}` : language!.toLowerCase();
}

const InvoiceLanguageTag = z
  .string()
  .regex(LANGUAGE_TAG, { error: LANGUAGE_ERROR })
  .transform((v) => invoiceLanguage(v)!);
const INVOICE_LANGUAGE_META = {
  description: `The language of this customer's invoices, credit notes and receipts: ${LANGUAGE_CODES.map((c) => `\`${c}\` (${INVOICE_LANGUAGES[c]})`).join(', ')}, the languages their printed words exist in. A region of two letters may follow for the number and date formats (\`fr-CA\`, \`de-CH\`, \`en-GB\`); case and \`_\` are normalized (\`FR_ca\` is stored as \`fr-CA\`). Anything else is refused (422 \`validation_failed\`). null: English.`,
  examples: ['fr', 'de-CH'],
};

const customerFields = {
  name: z.string().max(200).nullable().optional(),
  email: z.string().max(320).nullable().optional(),
  metadata: Metadata.optional(),
  on_insufficient_funds: InsufficientFundsPolicy.optional(),
  billing_mode: z.enum(['prepaid', 'postpaid']).optional().meta({ description: '`prepaid` (default): usage draws on credit lots first. `postpaid`: usage goes to the receivable (up to the overdraft limit for authorizations) and is invoiced; credit is applied when the invoice is finalized: credit arriving while the customer owes (a top-up, a grant) repays the debt at once, oldest invoice first, and the free credit still in the wallet when an invoice is finalized (lots neither expired nor reserved by a pending authorization, in consumption order) repays older invoices still owed first, then that invoice up to its amount due, as its `credits_applied`; the rest waits for the next invoice. The same happens at finalization for a prepaid customer who owes.' }),
  billing_timezone: z.string().max(64).nullable().optional().meta({ description: 'IANA zone for this customer\'s periods and spend caps; null uses the operator\'s.' }),
  overdraft_limits: z.array(OverdraftLimitInput).max(50).optional().meta({ description: 'Per asset: how far below zero available may go (the credit limit of a postpaid customer). Default 0.' }),
  spend_caps: z.array(SpendCapInput).max(50).optional(),
  legal_name: z.string().max(300).nullable().optional().meta({ description: 'The name printed on invoices (default: name).' }),
  address: z.array(z.string().max(200)).max(8).optional().meta({ description: 'Billing address lines as printed.' }),
  country: z.string().regex(/^[A-Z]{2}$/, { error: 'must be an ISO 3166-1 alpha-2 code, e.g. FR' }).nullable().optional(),
  tax_id: z.string().max(64).nullable().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { error: 'must be the code of a fiat asset: three capital letters, such as EUR' })
    .nullable()
    .optional()
    .meta({
      description:
        'The currency of this customer\'s invoices: the code of an existing fiat asset (`kind: fiat` in `GET /v1/assets`), such as `EUR`. A code no asset has is refused with 404 `asset_not_found`, a custom asset (tokens, GPU hours) with 422 `validation_failed`; both name the fiat assets there are. null: the operator\'s `default_currency`.',
    }),
  language: InvoiceLanguageTag.nullable().optional().meta(INVOICE_LANGUAGE_META),
  invoice_emails: z.array(z.string().max(320).regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { error: 'must be an email address, such as billing@example.com' })).max(10).optional().meta({ description: 'Who receives invoices; the first is printed on them (Tollgate sends no email: your system does, from the finalized-invoice webhook).' }),
  tax_rate: TaxRate.nullable().optional().meta({ description: 'Percent; overrides the operator\'s rate (a plan\'s rate overrides this).' }),
  tax_treatment: z.enum(['standard', 'exempt', 'reverse_charge']).optional().meta({ description: '`exempt` and `reverse_charge` invoice at 0% with their note printed.' }),
  tax_note: z.string().max(500).nullable().optional().meta({ description: 'Exemption or reverse-charge text printed on invoices.' }),
  payment_terms_days: z.number().int().min(0).max(365).nullable().optional(),
};
export const CreateCustomer = z.strictObject({ external_id: ExternalId, ...customerFields });
export const UpdateCustomer = z.strictObject({
  external_id: ExternalId,
  ...customerFields,
  status: z.enum(['active', 'archived']).optional().meta({ description: '`archived` hides the customer from default lists and keeps everything working; closing has its own route.' }),
});
export const SpendCap = z.object({ asset: z.string(), window: z.enum(['day', 'month']), amount: AmountOut, spent: AmountOut, window_start: IsoTime });
export const Customer = z.object({
  external_id: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  on_insufficient_funds: InsufficientFundsPolicy,
  billing_mode: z.enum(['prepaid', 'postpaid']),
  billing_timezone: z.string().nullable(),
  overdraft_limits: z.array(z.object({ asset: z.string(), amount: AmountOut })),
  spend_caps: z.array(SpendCap),
  legal_name: z.string().nullable(),
  address: z.array(z.string()),
  country: z.string().nullable(),
  tax_id: z.string().nullable(),
  currency: z.string().nullable().meta({ description: 'The fiat asset invoices are issued in; null: the operator\'s `default_currency`.' }),
  language: z.string().nullable().meta({ description: 'The language documents are worded in (`en`, `fr`, `de`, maybe with a region); null: English. A record saved before languages were checked may hold another tag: its documents print English until it is changed.' }),
  invoice_emails: z.array(z.string()),
  tax_rate: z.string().nullable(),
  tax_treatment: z.enum(['standard', 'exempt', 'reverse_charge']),
  tax_note: z.string().nullable(),
  payment_terms_days: z.number().int().nullable(),
  created_at: IsoTime,
  status: z.enum(['active', 'archived', 'closed']).meta({ description: 'A closed customer refuses events, authorizations and top-ups.' }),
  closed_at: IsoTime.nullable(),
  erased_at: IsoTime.nullable(),
  updated_at: IsoTime,
});
export const CustomerRef = z.strictObject({ external_id: ExternalId });
export const ListCustomers = z.strictObject({ ...PageQuery, search: z.string().max(200).optional(), status: z.enum(['active', 'archived', 'closed', 'all']).optional().meta({ description: 'One status, or `all`. Default: every customer but archived ones.' }) });

// ---------------------------------------------------------------- balances
export const Balance = z.object({
  asset: z.string(),
  scale: z.number().int(),
  posted: AmountOut.meta({ description: 'Funded credit on the wallet: posted credits minus posted debits.' }),
  pending: AmountOut.meta({ description: 'Held by pending authorizations.' }),
  debt: AmountOut.meta({ description: 'Owed by the customer (receivable): usage beyond funded credit.' }),
  available: AmountOut.meta({ description: 'posted - pending - debt. New consumption may take it down to -overdraft_limit, never lower.' }),
  overdraft_limit: AmountOut,
  lots: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['paid', 'granted']),
      source: z.string(),
      amount: AmountOut,
      remaining: AmountOut,
      reserved: AmountOut,
      priority: z.number().int(),
      expires_at: IsoTime.nullable(),
      created_at: IsoTime,
    }),
  ),
});
export const Balances = z.object({ customer: z.string(), balances: z.array(Balance), as_of: IsoTime });

// ---------------------------------------------------------------- top-ups, adjustments
export const CreateTopUp = z.strictObject({
  external_id: ExternalId,
  asset: AssetCode,
  amount: PositiveAmount,
  kind: z.enum(['paid', 'granted']).optional().meta({ description: '`paid` (default): money received; `granted`: promotional credit.' }),
  status: z.enum(['succeeded', 'pending']).optional().meta({ description: '`succeeded` (default) when payment is already collected; `pending` credits nothing until confirmed.' }),
  expires_at: Timestamp.nullable().optional().meta({ description: 'When the unused credit of this lot expires (goes to breakage).' }),
  priority: z.number().int().min(0).max(1000).optional().meta({ description: 'Lower is consumed first (default 50). Ties: earliest expiry, then granted before paid, then oldest.' }),
  payment_expires_at: Timestamp.nullable().optional().meta({ description: 'A pending top-up not confirmed by then expires.' }),
  reference: z.string().max(255).optional(),
  metadata: Metadata.optional(),
  price: z.strictObject({ currency: AssetCode, amount: NonNegativeAmount }).optional().meta({ description: 'What was paid in fiat for a custom-asset top-up: `amount` in minor units of `currency` (cents for USD). Defaults to the top-up\'s amount at the rate in force.' }),
  idempotency_key: IdempotencyKey.optional(),
});
export const TopUp = z.object({
  id: z.string(),
  customer: z.string(),
  asset: z.string(),
  amount: AmountOut,
  kind: z.enum(['paid', 'granted']),
  status: z.enum(['pending', 'succeeded', 'failed', 'expired', 'refunded']),
  priority: z.number().int(),
  expires_at: IsoTime.nullable(),
  payment_expires_at: IsoTime.nullable(),
  lot_id: z.string().nullable(),
  refunded_amount: AmountOut.meta({ description: 'Refunded to the customer (`POST /v1/top-ups/{id}/refund`, or on closing the customer). A chargeback is not counted here: see `charged_back_amount`.' }),
  charged_back_amount: AmountOut.meta({ description: 'Taken back by a chargeback (`POST /v1/top-ups/{id}/reverse`): the whole top-up less what had been refunded before it (from the lot while credit was left in it, the rest as debt). 0 without a chargeback. `refunded_amount` + `charged_back_amount` never exceed `amount`.' }),
  refundable: AmountOut.meta({ description: 'The unused rest that a refund could still return: the free credit of its lot, at most `amount` less `refunded_amount` (credit given back to the lot beyond that, e.g. by a credit note, stays credit).' }),
  debt_repaid: AmountOut.meta({ description: 'Of `amount`, what repaid the customer\'s debt in this asset (invoices and charges owed, oldest first) the moment the credit arrived; the wallet\'s credit grew by the rest. 0 when nothing was owed.' }),
  chargeback: z.boolean().meta({ description: 'A chargeback was recorded; a top-up refunded in full cannot be charged back (409 `invalid_state`).' }),
  reference: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  price: z
    .object({
      currency: z.string(),
      amount: AmountOut.meta({ description: 'What was paid in fiat for this custom-asset credit, in minor units of `currency` (before tax).' }),
      rate: z.string().nullable(),
      returned: AmountOut.meta({ description: 'The part of that price that refunds and a chargeback have given back, for you to pay back in that currency: round(price × g / top-up amount), half up, after `g` of the credit has gone back in all; all of it once the whole top-up is back. Tollgate records custom-asset credit in its own unit; the fiat price is not in the ledger, so this is not in any account\'s `cash_in`.' }),
    })
    .nullable()
    .meta({ description: 'For a paid custom-asset top-up (GPU hours, tokens): its fiat price. null otherwise.' }),
  tax: z
    .object({
      currency: z.string().meta({ description: 'The receipt\'s currency (the fiat price\'s for a custom asset).' }),
      amount: AmountOut.meta({ description: 'The tax the receipt took (tax point `top_up`).' }),
      returned: AmountOut.meta({ description: 'What refunds and a chargeback gave back of it: after `g` of the top-up\'s `amount` has gone back in all, round(amount of tax × g / top-up amount), half up; all of it once the whole top-up is back. Each refund gives back that less what earlier ones did, so pieces add up exactly.' }),
    })
    .nullable()
    .meta({ description: 'Tax taken at top-up (tax point `top_up`), posted funding -> tax when it is paid on top of the amount, revenue -> tax when prices include tax (it is inside the amount paid); a refund or chargeback moves its share back to where it came from. null when none was taken (another tax point, a rate of 0, a grant, no receipt).' }),
  created_at: IsoTime,
  updated_at: IsoTime,
});
export const TopUpRef = z.strictObject({ id: z.string().max(64) });
export const RefundTopUp = z.strictObject({
  id: z.string().max(64),
  amount: PositiveAmount.optional().meta({ description: 'Default: all of the unused rest.' }),
  reason: z.string().min(1).max(500).optional(),
  idempotency_key: IdempotencyKey.optional(),
});
export const ReverseTopUp = z.strictObject({
  id: z.string().max(64),
  reason: z.string().min(1).max(500),
  idempotency_key: IdempotencyKey.optional(),
});
export const ResolveTopUp = z.strictObject({ id: z.string().max(64), reason: z.string().max(500).optional() });
export const ListTopUps = z.strictObject({ external_id: ExternalId, ...PageQuery });

export const CreateAdjustment = z.strictObject({
  external_id: ExternalId,
  asset: AssetCode,
  amount: SignedAmount.meta({ description: 'Signed minor units: positive credits the wallet, negative debits it (and may create debt).' }),
  reason: z.string().min(1, { error: 'a reason is required for a manual adjustment' }).max(500),
  idempotency_key: IdempotencyKey,
});
export const Adjustment = z.object({ id: z.string(), customer: z.string(), asset: z.string(), amount: AmountOut, reason: z.string(), created_at: IsoTime });

// ---------------------------------------------------------------- authorizations
export const CreateAuthorization = z
  .strictObject({
    customer: ExternalId,
    asset: AssetCode.optional(),
    amount: PositiveAmount.optional(),
    metric: z.string().max(100).optional(),
    quantity: z.union([PositiveDecimalString, z.number().finite().positive().refine(decimalSafe, { error: DECIMAL_SAFE_ERROR })]).optional().meta({ description: 'With `metric`: the units to price and hold, above zero, priced as `POST /v1/quotes` prices them: for a `max` or `latest` metric, the value the event is expected to carry (the hold takes what raising the peak, or setting the level, to it would cost now).' }),
    properties: Properties.optional().meta({ description: 'Event properties that select a filtered charge of the metric.' }),
    idempotency_key: IdempotencyKey.optional(),
    ttl_seconds: z.number().int().min(1).max(86_400).optional().meta({ description: 'Default 600; at most 86,400 (24 hours). At its expiry an uncaptured hold stops holding at once: its credit is available again to the next request (the hold reads `expired` from then on; `POST …/extend` before then keeps it).' }),
  })
  .superRefine((v, ctx) => {
    const byAmount = v.amount !== undefined;
    const byMetric = v.metric !== undefined;
    if (byAmount === byMetric) ctx.addIssue({ code: 'custom', message: 'give either asset + amount, or metric + quantity', path: [] });
    if (byAmount && !v.asset) ctx.addIssue({ code: 'custom', message: 'asset is required with amount', path: ['asset'] });
    if (byMetric && v.quantity === undefined) ctx.addIssue({ code: 'custom', message: 'quantity is required with metric', path: ['quantity'] });
  });
export const Authorization = z.object({
  id: z.string(),
  customer: z.string(),
  asset: z.string(),
  status: z.enum(['pending', 'captured', 'voided', 'expired']).meta({ description: 'How the hold ended: `captured` by a final capture (an explicit capture, or an event naming it, each final unless `final_capture: false`); `voided`; `expired` when its time ran out while still pending, which may follow non-final captures (`captured` then says what they took; the rest was released). `pending` until then.' }),
  amount: AmountOut.meta({ description: 'Total ever held (the first hold plus increments).' }),
  held: AmountOut.meta({ description: 'Still held now.' }),
  captured: AmountOut.meta({ description: 'What captures of this hold have charged, explicit ones and events naming it. A record of the captures: reversing an event later gives its money back through the event, and leaves this figure as it was.' }),
  metric: z.string().nullable(),
  quantity: z.string().nullable(),
  expires_at: IsoTime,
  created_at: IsoTime,
  closed_at: IsoTime.nullable(),
});
export const AuthorizationRef = z.strictObject({ id: z.string().max(64) });
export const ListAuthorizations = z.strictObject({
  customer: ExternalId,
  status: z.enum(['pending', 'captured', 'voided', 'expired']).optional(),
  ...PageQuery,
});
export const CaptureAuthorization = z.strictObject({
  id: z.string().max(64),
  amount: PositiveAmount,
  final_capture: z.boolean().optional(),
  idempotency_key: IdempotencyKey.optional(),
});
export const IncrementAuthorization = z
  .strictObject({
    id: z.string().max(64),
    amount: PositiveAmount.optional().meta({ description: 'For a hold by amount: how much more to hold. A hold by metric refuses it (422 `validation_failed`): increment it by `quantity`.' }),
    quantity: z.union([PositiveDecimalString, z.number().finite().positive().refine(decimalSafe, { error: DECIMAL_SAFE_ERROR })]).optional().meta({ description: 'For a hold by metric: how many more units to price and hold, above zero (a hold by amount refuses it). For a `max` or `latest` metric the hold then expects an event at its quantity plus these units, and holds what that event would cost now.' }),
    idempotency_key: IdempotencyKey.optional(),
  })
  .superRefine((v, ctx) => {
    // One or the other, as when the hold was taken: with both, one would be dropped without a word.
    if (v.amount !== undefined && v.quantity !== undefined) ctx.addIssue({ code: 'custom', message: 'give either amount or quantity, not both', path: [] });
  });
export const ExtendAuthorization = z.strictObject({ id: z.string().max(64), ttl_seconds: z.number().int().min(1).max(86_400) });

// ---------------------------------------------------------------- events
export const EventInput = z.strictObject({
  transaction_id: z.string().min(1).max(255).meta({ description: 'Your id for this event, unique per customer. A retry with the same transaction_id and the same code, properties, authorization_id, final_capture, cost and precise_total_amount answers 200 with the first answer (numbers compare by value: 1234 and 1234.0 agree; the timestamp is not compared, since without one each try is stamped at its own arrival); the same id with any of them different answers 409 idempotency_conflict.' }),
  customer: ExternalId,
  code: z.string().min(1).max(100),
  timestamp: Timestamp.optional().meta({ description: 'ISO 8601 with an offset, or Unix seconds. Default: now. At most 5 minutes (configurable) in the future.' }),
  properties: Properties.optional(),
  authorization_id: z.string().max(64).optional().meta({
    description:
      'The hold this usage was delivered under: the event settles against it. While the hold is `pending`, the part of the event\'s cost in the hold\'s asset that the hold still holds is drawn from it and is never refused (it was checked when it was held). The cost beyond that is checked exactly as any event\'s cost is: it must fit in available credit, then the overdraft limit, as the customer\'s `on_insufficient_funds` policy (or this event\'s) allows, and within the spend caps; a refusal (402 `insufficient_funds` or `spend_cap_exceeded`, `details.requested` being the part beyond the hold and `details.from_hold` what the hold covers) changes nothing, the hold included. Accepted, the excess is drawn from free credit first and only then, under `record_as_debt`, becomes debt (`debt_created`). So increment the hold before a job outgrows it. A hold covers cost in its own asset only: cost in another asset is checked in full. A hold no longer pending (captured, voided or expired) covers nothing: the whole cost is checked as any event\'s, and the answer warns `authorization_<status>`.',
  }),
  final_capture: z.boolean().optional().meta({ description: 'With authorization_id: release the rest of the hold (default true); false keeps it open for more events.' }),
  cost: DecimalString.optional().meta({ description: 'Your own cost of serving this event, for margins (informational).' }),
  on_insufficient_funds: z.enum(['refuse']).optional().meta({ description: 'Ask for `refuse` for this event whatever the customer policy.' }),
  precise_total_amount: NonNegativeDecimalString.optional().meta({ description: 'For dynamic charges: the event\'s own price, in major units of the charge\'s asset (e.g. "0.0123"); never negative (a negative price would credit money back: reverse the event instead).' }),
});
export const EventCharge = z.object({ charge_id: z.string(), metric: z.string(), asset: z.string(), units: z.string(), amount: AmountOut });
export const EventDebit = z.object({
  asset: z.string(),
  amount: AmountOut.meta({ description: 'Net change of what the customer owes for this event (negative: credited back).' }),
  from_hold: AmountOut,
  from_credit: AmountOut,
  as_debt: AmountOut,
  credited_back: AmountOut,
});
export const EventResult = z.object({
  transaction_id: z.string(),
  customer: z.string(),
  code: z.string(),
  timestamp: IsoTime,
  status: z.enum(['accepted', 'reversed']),
  replayed: z.boolean(),
  subscription: z.string().nullable(),
  period: z.object({ start: IsoTime, end: IsoTime }).nullable().meta({ description: 'The billing segment the event was priced in: the billing period, or after a plan change the part of it on the new plan.' }),
  charges: z.array(EventCharge),
  debits: z.array(EventDebit),
  authorization: z.object({ id: z.string(), status: z.string(), captured: AmountOut, held: AmountOut }).nullable(),
  debt_created: z.boolean(),
  warnings: z.array(z.string()).meta({
    description:
      'Why an accepted event was priced differently than it may have meant: `no_metric_for_event_code` (no metric of the plan counts this code: nothing charged), `metric_property_missing:<metric>` (the event lacks the property that metric aggregates, so it does not feed it), `filter_value_unknown:<metric>:<property>` (the event\'s value of that property is none of the values the metric declares for it: it was priced by a charge not filtered on it, such as the default, if there is one), `no_charge_matched:<metric>` (every charge on that metric is filtered and the event fits none of them, a filter property missing or a value no charge lists: it is recorded and costs nothing there; an authorization for it is refused with `no_price`), `no_active_subscription` (nothing priced), `late_usage` (its period was finalized; priced in the current one), `authorization_captured` / `authorization_voided` / `authorization_expired` (the hold it names is closed: the event was checked and debited like an event without one).',
  }),
});
/**
 * The server checks each event of a batch on its own (a malformed one gets its own 422 in
 * `results`; the rest go on), so the schema it parses with takes any items; the API document shows
 * `EventBatchDocumented`, where each item is an `EventInput`.
 */
export const EventBatch = z.strictObject({ events: z.array(z.unknown()) });
export const EventBatchDocumented = z.strictObject({
  events: z.array(EventInput).max(1000).meta({ description: 'Each item is the body of `POST /v1/events`. An item that does not match gets its own 422 in `results`; the others are still recorded.' }),
});
export const ErrorObject = z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) });
export const BatchResult = z.object({
  results: z.array(
    z.object({
      index: z.number().int(),
      status: z.number().int(),
      result: EventResult.optional(),
      error: ErrorObject.optional(),
    }),
  ),
  accepted: z.number().int().meta({ description: 'Items recorded now (status 201).' }),
  replayed: z.number().int().meta({ description: 'Items already recorded with the same transaction_id and body (status 200): nothing new was recorded.' }),
  refused: z.number().int().meta({ description: 'Every other item: refused with its own error in `results` (402 funds or spend cap, 404 unknown customer, 409 a transaction_id reused with a different body, 422 a body that does not match), with no effect.' }),
});
export const ListEvents = z.strictObject({
  ...PageQuery,
  customer: ExternalId.optional(),
  code: z.string().max(100).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});
export const StoredEvent = EventResult.extend({
  properties: z.record(z.string(), z.unknown()),
  authorization_id: z.string().nullable(),
  cost: z.string().nullable(),
  received_at: IsoTime,
  reversed_at: IsoTime.nullable(),
  reversal_reason: z.string().nullable(),
});
export const ReverseEvent = z.strictObject({
  transaction_id: z.string().min(1).max(255),
  customer: ExternalId,
  reason: z.string().min(1).max(500),
});
export const ListRefusals = z.strictObject({
  customer: ExternalId.optional().meta({ description: 'Only this customer\'s refusals (counts and samples).' }),
  since: Timestamp.optional().meta({ description: 'Counts and samples from this time on (default: the last 24 hours). Counts are kept 90 days.' }),
});
export const Refusals = z.object({
  reasons: z.array(
    z.object({
      reason: z.string(),
      count: z.number().int(),
      samples: z.array(
        z.object({
          customer: z.string().nullable(),
          at: IsoTime,
          message: z.string(),
          body: z.unknown(),
          details: z
            .record(z.string(), z.unknown())
            .nullable()
            .meta({ description: "The refusal error's machine-readable `details`, as the API answered them: amounts as strings of integer minor units, with the `asset` they are in (e.g. `{\"asset\": \"USD\", \"cost\": \"94\", \"available\": \"1\"}`). Null for a request refused before it reached an operation, and for samples recorded before this field existed." }),
        }),
      ),
    }),
  ),
});

// ---------------------------------------------------------------- transfers, verify, health
export const ListTransfers = z.strictObject({
  ...PageQuery,
  customer: ExternalId.optional(),
  asset: AssetCode.optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  order: z.enum(['asc', 'desc']).optional(),
});
export const Transfer = z.object({
  id: z.string(),
  created_at: IsoTime,
  effective_at: IsoTime,
  asset: z.string(),
  debit_account: z.string(),
  credit_account: z.string(),
  amount: AmountOut,
  phase: z.enum(['posted', 'pending', 'released']),
  kind: z.string(),
  lot_id: z.string().nullable(),
  authorization_id: z.string().nullable(),
  transaction_id: z.string().nullable(),
  charge_id: z.string().nullable(),
  ref: z.string().nullable(),
  rate: z.string().nullable(),
});
export const VerifyReport = z.object({
  ok: z.boolean(),
  checked_at: IsoTime,
  transfers: z.number().int(),
  accounts: z.number().int(),
  lots: z.number().int(),
  problems: z.array(z.object({ check: z.string(), message: z.string(), account: z.string().nullable(), expected: z.string().nullable(), actual: z.string().nullable() })),
});
export const Health = z.object({
  status: z.enum(['ok', 'degraded']).meta({ description: '`degraded`: the engine answers but the database cannot take writes (`storage.available` is false; `storage.message` says why).' }),
  version: z.string(),
  schema_version: z.number().int(),
  uptime_seconds: z.number(),
  storage: z.object({
    engine: z.literal('sqlite'),
    journal_mode: z.string(),
    synchronous: z.string(),
    path: z.string(),
    sqlite_version: z.string(),
    available: z.boolean().meta({ description: 'False after a write failed for lack of space, a read-only or failing disk; true again once a write succeeds (checked every few seconds).' }),
    message: z.string().nullable().meta({ description: 'What is wrong with the storage, in a sentence for the operator; null when writes work.' }),
    since: z.string().nullable().meta({ description: 'When writes started failing (ISO 8601).' }),
  }),
  backups: BackupStatus,
});

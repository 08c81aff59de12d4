import { z } from 'zod';
import { AmountOut, IsoTime } from './common';
import { CreditNote, Invoice } from './invoicing';
import { TopUp } from './ledger';
import { WEBHOOK_EVENT_TYPES, WebhookEndpoint } from './notify';

/**
 * The `data` of each webhook message type, exactly as the engine builds it (see
 * test/notify/webhook-payloads.test.ts, which makes the engine send every type and parses each
 * message strictly against these). The OpenAPI document's `webhooks` entries are generated from them.
 */

export type WebhookType = (typeof WEBHOOK_EVENT_TYPES)[number];

const MINOR_UNITS = 'integer minor units of `asset`, as a string of digits (`"1250"` is 12.50 in a currency of two decimals), never a float';
const minor = (what: string) => AmountOut.meta({ description: `${what}: ${MINOR_UNITS}.` });
const decimalText = z.string().regex(/^-?\d+(\.\d+)?$/);

const customer = z.string().meta({ description: "The customer's `external_id`." });
const asset = z.string().meta({ description: 'The code of the asset (currency or custom unit) of the wallet concerned, e.g. `USD`; amounts in this message are in its minor units.' });
const message = z.string().meta({ description: 'The same news as a sentence for people, amounts written as money (`12.50 USD`). For display and logs; parse the other fields, not this.' });
const balanceField = (what: string) => z.enum(['available', 'posted']).meta({ description: `${what}: \`available\` (posted less pending holds and debt: what can be spent now) or \`posted\`.` });
const noRule = z.null().meta({ description: 'Always null: built in, no rule of yours fired it.' });
const topUp = (what: string) => TopUp.meta({ description: `${what}, as \`GET /v1/top-ups/{id}\` returns it (amounts in minor units of its \`asset\`, as strings).` });
const InvoiceWithoutLines = Invoice.omit({ lines: true });
const invoice = (what: string) => InvoiceWithoutLines.meta({ description: `${what}, as \`GET /v1/invoices/{id}\` returns it but without \`lines\` (fetch the invoice for them). Amounts are in minor units of its \`currency\`, as strings.` });
const invoiceAsset = z.string().meta({ description: "The invoice's currency (its `currency`), in whose minor units its amounts are." });

const WalletLowBalance = z.object({
  customer,
  asset,
  field: balanceField('The balance the rule watches'),
  value: minor('The watched balance just after it fell below the threshold (negative when the customer owes)'),
  threshold: minor("The rule's threshold; `value` is below it"),
  rule: z.string().meta({ description: 'The balance alert rule that fired (`GET /v1/alerts`). It fires again only after the balance has gone back to or above the threshold.' }),
  message,
});

const WalletDepleted = z.object({
  customer,
  asset,
  value: minor('The available balance, zero or below'),
  threshold: z.literal('0').meta({ description: 'Always `"0"`: a wallet is depleted when its available balance reaches zero.' }),
  rule: noRule,
  message,
});

const WalletToppedUp = z.object({
  customer,
  asset,
  top_up: topUp('The top-up or grant that credited the wallet (`status: succeeded`)'),
});

const CreditExpired = z.object({
  customer,
  asset,
  amount: minor('The unused credit that expired'),
  kind: z.enum(['paid', 'granted']).meta({ description: '`paid`: bought credit, now revenue as breakage (`breakage` in GET /v1/overview); `granted`: promotional credit, gone without being revenue (`expired_grants`).' }),
  lot_id: z.string().meta({ description: 'The lot it was in (`lots` of GET /v1/customers/{id}/balances).' }),
  top_up: z.string().nullable().meta({ description: 'The top-up or grant that made the lot, when one did (`GET /v1/top-ups/{id}`); null for credit from an import or an adjustment.' }),
  expired_at: IsoTime.meta({ description: "The lot's `expires_at`: the expiry is effective then, even when it is applied later (at the next write to the wallet, or by the housekeeping sweep every 30 s)." }),
  message,
});

const TopUpRequested = z.object({
  customer,
  asset,
  field: balanceField("The balance the auto top-up rule watches (its `watch`)"),
  value: minor('The watched balance when the request was made, below the threshold'),
  threshold: minor("The auto top-up rule's threshold"),
  rule: z.string().meta({ description: 'The auto top-up rule that made the request (`GET /v1/auto-top-ups`).' }),
  message,
  top_up: topUp('The pending top-up to charge the customer for: `amount` is what to collect. Once paid, `POST /v1/top-ups/{id}/confirm` credits the wallet (`/fail` if the payment failed); unconfirmed, it expires at `payment_expires_at`'),
});

const TopUpExpired = z.object({
  customer,
  asset,
  value: minor('The amount of the top-up that expired (nothing was credited)'),
  threshold: z.null().meta({ description: 'Always null: no threshold is involved.' }),
  rule: z.string().nullable().meta({ description: 'The auto top-up rule that requested it; null for a pending top-up created through `POST /v1/customers/{external_id}/top-ups`.' }),
  message,
  top_up: topUp('The top-up (`status: expired`)'),
});

const InvoiceFinalized = z.object({ customer, asset: invoiceAsset, invoice: invoice('The finalized invoice (numbered, its PDF frozen)') });
const InvoiceOverdue = z.object({ customer, asset: invoiceAsset, invoice: invoice('The invoice whose due date passed') });

const CreditNoteCreated = z.object({
  customer,
  asset: invoiceAsset,
  credit_note: CreditNote.meta({ description: 'The credit note, as `POST /v1/invoices/{id}/credit-notes` answered it; `invoice` is the number of the invoice it credits. Amounts are in minor units of `asset`, as strings.' }),
});

const UsageThresholdReached = z.object({
  customer,
  asset: z.string().nullable().meta({ description: "For an `amount` rule: the asset the metric's charges are priced in, in whose minor units `value` and `threshold` are. Null for a `units` rule, and for an `amount` rule whose metric is charged in several assets." }),
  metric: z.string().meta({ description: 'The code of the metric the rule watches.' }),
  field: z.enum(['units', 'amount']).meta({ description: 'What the rule counts this period: `units` of the metric, or `amount`, the price of that usage.' }),
  value: decimalText.meta({ description: "This period's usage when it reached the threshold: units as a decimal string (`units`), or its price in integer minor units of `asset` as a string (`amount`)." }),
  threshold: decimalText.meta({ description: "The rule's threshold, in the same unit as `value`; `value` is at or above it." }),
  rule: z.string().meta({ description: 'The usage alert rule that fired (`GET /v1/alerts`). It fires again only after the usage has gone back below the threshold (a new period).' }),
  message,
});

const WebhookEndpointDisabled = z.object({
  customer: z.null().meta({ description: 'Always null: this concerns no customer.' }),
  asset: z.null().meta({ description: 'Always null.' }),
  value: z.literal('0').meta({ description: 'Always `"0"`: this message has no figure.' }),
  threshold: z.null().meta({ description: 'Always null.' }),
  rule: noRule,
  message,
  endpoint: WebhookEndpoint.meta({ description: 'The endpoint that was disabled (`enabled: false`, with `disabled_reason`), as `GET /v1/webhook-endpoints` lists it. Enable it again with `PATCH /v1/webhook-endpoints/{id}`; its pending messages are then sent.' }),
});

// ---------------------------------------------------------------- refusals (coalesced per minute)

/** The high-rate types: one message at once, then one summary per customer per minute. */
export const COALESCED_TYPES = ['authorization.declined', 'event.refused', 'spend_cap.reached'] as const satisfies readonly WebhookType[];

const refusalCustomer = z.string().nullable().meta({ description: "The customer's `external_id`; also for a body refused before the customer was looked up (a field that failed validation); null when the body names no customer that exists." });
const windowStart = IsoTime.meta({ description: 'When the one-minute coalescing window opened: the time of the first refusal of this type for this customer in it.' });

function refusal(reason: z.ZodType, reasons: z.ZodType, what: string) {
  const first = z.object({
    customer: refusalCustomer,
    reason,
    message: z.string().meta({ description: `The error message the API answered for this ${what}.` }),
    count: z.literal(1).meta({ description: `Always 1: this message is one ${what}, the first of its window.` }),
    window_start: windowStart,
    coalesced: z.literal(false).meta({ description: 'false: a single refusal, sent at once.' }),
  });
  const summary = z.object({
    customer: refusalCustomer,
    count: z.number().int().min(1).meta({ description: `How many more of this customer's refusals of this type the window saw, after the first (which was sent on its own).` }),
    reasons,
    window_start: windowStart,
    window_end: IsoTime.meta({ description: 'The end of the window: `window_start` plus one minute.' }),
    coalesced: z.literal(true).meta({ description: 'true: a summary of the rest of the window, sent when it ends.' }),
    sample_message: z.string().meta({ description: `The error message of the first ${what} this summary counts.` }),
  });
  return z.discriminatedUnion('coalesced', [first, summary]).meta({
    description: `Coalesced per customer per minute: the first ${what} of a minute goes at once (\`coalesced: false\`, \`count: 1\`); the rest of that minute arrive as one summary when it ends (\`coalesced: true\`).`,
  });
}

const errorCode = z.string().meta({ description: 'The error code the request was refused with (the `error.code` the API answered), e.g. `insufficient_funds`, `spend_cap_exceeded`, `customer_not_found`, `validation_failed`.' });
const countByCode = z.record(z.string(), z.number().int().min(1)).meta({ description: 'How many of `count` were refused with each error code.' });
const capCode = z.literal('spend_cap_exceeded').meta({ description: 'Always `spend_cap_exceeded`.' });
const capCount = z.object({ spend_cap_exceeded: z.number().int().min(1).meta({ description: 'Equal to `count`.' }) }).meta({ description: 'How many of `count` were refused with each error code: always the one.' });

// ---------------------------------------------------------------- the types

export const WEBHOOK_MESSAGES = {
  'wallet.low_balance': { when: "A balance alert rule's watched balance fell below its threshold (once per crossing).", data: WalletLowBalance },
  'wallet.depleted': {
    when: "A prepaid customer's available balance reached zero or below (once per crossing). Not sent for postpaid customers, whose available balance goes below zero by design: give them a balance alert rule instead.",
    data: WalletDepleted,
  },
  'wallet.topped_up': { when: 'A top-up or grant credited a wallet (created as succeeded, or a pending one confirmed).', data: WalletToppedUp },
  'credit.expired': { when: 'Unused credit of a lot (a top-up or grant with `expires_at`) expired. Credit a pending hold reserved stays with the hold; if the hold releases it later, it expires then without a message.', data: CreditExpired },
  'authorization.declined': { when: 'Authorizations were declined (for example `insufficient_funds`, `spend_cap_exceeded`). Coalesced per customer per minute.', data: refusal(errorCode, countByCode, 'declined authorization') },
  'event.refused': { when: 'Usage events were refused (for example `insufficient_funds`, `spend_cap_exceeded`, `timestamp_in_future`). Coalesced per customer per minute.', data: refusal(errorCode, countByCode, 'refused event') },
  'spend_cap.reached': {
    when: 'A spend cap refused an event or an authorization (which is also sent as `event.refused` or `authorization.declined`). Coalesced per customer per minute.',
    data: refusal(capCode, capCount, 'refusal by a spend cap'),
  },
  'top_up.requested': { when: "An auto top-up rule's watched balance fell below its threshold and it requested a pending top-up: charge the customer, then confirm the top-up.", data: TopUpRequested },
  'top_up.expired': { when: 'A pending top-up was not confirmed before its `payment_expires_at` and expired, crediting nothing (an auto top-up rule may then request again).', data: TopUpExpired },
  'invoice.finalized': { when: 'An invoice was finalized (after its grace period, or by `POST /v1/invoices/{id}/finalize`).', data: InvoiceFinalized },
  'invoice.overdue': { when: 'A finalized invoice passed its due date with an amount still due (once per invoice).', data: InvoiceOverdue },
  'credit_note.created': { when: 'A credit note was issued against a finalized invoice.', data: CreditNoteCreated },
  'usage.threshold_reached': { when: "A usage alert rule's metric reached its threshold in the customer's current period (once per crossing).", data: UsageThresholdReached },
  'webhook.endpoint_disabled': {
    when: 'A webhook endpoint was disabled because every delivery to it failed for 3 days. Sent to every enabled endpoint subscribed to this type (or to `*`), never to the one disabled.',
    data: WebhookEndpointDisabled,
  },
} satisfies Record<WebhookType, { when: string; data: z.ZodType }>;

/** The envelope every message shares, around a type and its `data`. */
function envelope<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({
    id: z.string().meta({ description: 'The message id (`evt_…`), also in the `Tollgate-Webhook-Id` header; the same on every retry: skip ids you have processed.' }),
    type: z.literal(type),
    created_at: IsoTime.meta({ description: 'When the change happened (the message was queued in the same transaction).' }),
    api_version: z.string().meta({ description: 'The version of the message format, e.g. `2026-11-01`.' }),
    data,
  });
}

/** The whole message posted for one type: the envelope with that type's `data`. */
export function webhookMessage<T extends WebhookType>(type: T) {
  return envelope(type, WEBHOOK_MESSAGES[type].data);
}

/**
 * `webhook.test`: posted only by `POST /v1/webhook-endpoints/{id}/test`, to that one endpoint
 * whatever types it subscribes to, signed like every message. Not retried, not in the delivery log;
 * nothing else is ever sent with this type, so a receiver can answer 2xx and ignore it.
 */
export const WEBHOOK_TEST_TYPE = 'webhook.test';
export const WebhookTestData = z.object({
  endpoint: z.string().meta({ description: 'The id of the endpoint tested (`we_…`).' }),
  message: z.string().meta({ description: 'A sentence saying this is a test; nothing happened.' }),
});
export const webhookTestMessage = () => envelope(WEBHOOK_TEST_TYPE, WebhookTestData);

export type WebhookData<T extends WebhookType> = z.output<(typeof WEBHOOK_MESSAGES)[T]['data']>;

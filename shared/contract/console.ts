import { z } from 'zod';
import { BackupStatus } from './backups';
import { AmountOut, AssetCode, ExternalId, IsoTime, PositiveAmount, Timestamp } from './common';
import { StoredEvent, Transfer } from './ledger';

/** Reads the console needs: the overview, the live wallet monitor, event detail, API keys. */

/**
 * A wallet's state, one definition for the overview's counts and every list (console-views.ts,
 * `walletState`). A postpaid customer's available below zero is usage billed later, which its
 * invoice collects: not `negative`.
 */
export const WalletStatus = z.enum(['ok', 'low', 'negative', 'empty']).meta({
  description:
    '`negative`: a prepaid wallet below zero (debt, or its overdraft in use); counted in the overview\'s `negative_wallets`. A postpaid wallet is never `negative`: below zero is its usage and fees billed later, which its invoice collects. `empty`: nothing left for new consumption (a prepaid wallet at exactly zero; a postpaid wallet at or past its credit limit, the overdraft limit). `low`: reaches its overdraft limit within 24 hours at the current burn rate (counted in `low_wallets`). `ok`: none of these.',
});

export const Overview = z.object({
  as_of: IsoTime,
  attention: z.object({
    low_wallets: z.number().int().meta({ description: 'Wallets whose time to empty at the current burn rate is under 24 hours.' }),
    negative_wallets: z.number().int().meta({ description: 'Wallets whose `status` is `negative`: prepaid wallets with available below zero (debt or overdraft in use). A postpaid customer below zero is billed later and is not counted.' }),
    refused_events_24h: z.number().int().meta({ description: 'Requests refused in the last 24 hours: events and declined authorizations together (the counts are kept per reason, not per route).' }),
    periods_to_finalize: z.number().int().meta({ description: 'Closed periods still in their grace period (draft invoices).' }),
  }),
  assets: z.array(
    z.object({
      asset: z.string(),
      scale: z.number().int(),
      kind: z.enum(['fiat', 'custom']),
      wallets: z.number().int(),
      available: AmountOut,
      posted: AmountOut,
      pending: AmountOut,
      debt: AmountOut,
      holds: z.object({ count: z.number().int(), amount: AmountOut }),
      spend_today: AmountOut,
      spend_this_month: AmountOut,
      cash_in: AmountOut.meta({ description: 'Money received (paid top-ups, with the tax paid on top of them under the top-up tax point, and invoice payments), less what refunds and chargebacks paid back (the tax on top they gave back included): the funding account. Tax inside the price of a top-up is part of what was paid and is not counted again. For a custom asset this counts credit in its own unit (GPU hours, tokens); the fiat paid for it is on each top-up (`price`, with what refunds gave back) and its receipt, not in the currency\'s `cash_in`.' }),
      recognized_revenue: AmountOut.meta({ description: 'Usage, captures, fixed fees and minimum commitments charged, less credits back, discounts, voids and credit notes (and, under tax-inclusive prices, less the tax they included, for a top-up taxed at the top-up as soon as it is paid): the revenue account. `revenue_by_plan` splits it by plan and month.' }),
      deferred_revenue: AmountOut.meta({ description: 'Paid credit not yet used (and not expired): owed to customers as service.' }),
      breakage: AmountOut.meta({ description: 'Paid credit that left to breakage: expired unused, or kept when its customer was closed with `settle: breakage`. Revenue that was `deferred_revenue`. Granted credit that expired is not in it: see `expired_grants`.' }),
      expired_grants: AmountOut.meta({ description: 'Granted (promotional) credit that expired unused or was dropped when its customer was closed. It goes to the breakage account too, but was never paid for: it leaves `grants_outstanding` without being revenue or cash.' }),
      grants_outstanding: AmountOut.meta({ description: 'Granted (promotional) credit not yet used: `posted` less `deferred_revenue` (never below zero).' }),
    }),
  ),
  events_per_minute: z.array(z.object({ minute: IsoTime, events: z.number().int() })),
  spend_per_minute: z.array(z.object({ minute: IsoTime, asset: z.string(), amount: AmountOut })),
  revenue_by_plan: z
    .array(
      z.object({
        month: z.string().meta({ description: '`YYYY-MM`. A charge of a billing period (usage, fixed fee, minimum commitment, discount) belongs to the month in which its billing period starts, in the customer\'s billing time zone, whenever it is posted: October\'s usage billed on 1 November is October\'s. Voids, credit notes and reissues belong to the month of the invoice they concern; revenue not from a plan to the month (UTC) in which it took effect.' }),
        plan: z.string().nullable().meta({ description: 'The plan code (its versions added together); null for revenue not from a plan (a capture of a hold for a customer without a subscription).' }),
        asset: z.string(),
        amount: AmountOut,
      }),
    )
    .meta({
      description:
        'Recognized revenue per month, plan and asset, net of credit notes, voids and the tax taken out of revenue under tax-inclusive prices: a void or a credit note is taken off the plans of the invoice it reverses (spread over the invoice lines it concerns, which belong to the plan of their period). Every posted movement of revenue has a row, so per asset the rows add up to `recognized_revenue` exactly, as long as all of it falls in the months listed (the last six). GET /v1/revenue gives the same rows for any range of months, with totals.',
    }),
  margin: z
    .object({ currency: z.string(), revenue_this_month: AmountOut, cost_this_month: z.string().meta({ description: 'Sum of the events\' own `cost`, in major units.' }) })
    .nullable(),
  backups: BackupStatus.optional().meta({ description: 'The age of the last verified backup.' }),
});

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month, YYYY-MM' });
export const RevenueByPlanRow = z.object({
  month: z.string().meta({ description: '`YYYY-MM`, as `revenue_by_plan` of GET /v1/overview assigns months.' }),
  plan: z.string().nullable().meta({ description: 'The plan code (its versions added together); null for revenue not from a plan.' }),
  asset: z.string(),
  amount: AmountOut,
});
export const RevenueQuery = z
  .strictObject({
    from: Month.optional().meta({ description: 'First month included; without it, from the first month with revenue.' }),
    to: Month.optional().meta({ description: 'Last month included; without it, up to the latest.' }),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { error: '`from` must not be after `to`', path: ['from'] });
export const RevenueReport = z.object({
  from: z.string().nullable(),
  to: z.string().nullable(),
  rows: z.array(RevenueByPlanRow).meta({ description: 'Recognized revenue per month, plan and asset, as `revenue_by_plan` of the overview, for any range of months.' }),
  totals: z
    .array(z.object({ asset: z.string(), amount: AmountOut }))
    .meta({ description: 'Per asset, the sum of `rows`. Without `from` and `to` it equals that asset\'s `recognized_revenue` in GET /v1/overview exactly.' }),
});

export const WalletMonitorQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  sort: z.enum(['time_to_empty', 'burn_rate']).optional(),
});
export const WalletMonitor = z.object({
  as_of: IsoTime,
  wallets: z.array(
    z.object({
      customer: z.string(),
      name: z.string().nullable(),
      asset: z.string(),
      available: AmountOut,
      pending: AmountOut,
      debt: AmountOut,
      burn_rate_per_hour: AmountOut.meta({ description: 'Usage per hour over the last 15 minutes: events\' debits and captures of holds, not fees, tax or what a period posts at its close.' }),
      spend_last_minute: AmountOut,
      time_to_empty_seconds: z.number().int().nullable().meta({ description: '(available + overdraft limit) / burn rate: when the wallet reaches its limit; null when nothing burns.' }),
      billing_mode: z.enum(['prepaid', 'postpaid']),
      overdraft_limit: AmountOut.meta({ description: 'How far below zero available may go (a postpaid customer\'s credit limit).' }),
      status: WalletStatus,
    }),
  ),
});

export const CustomerWallets = z.object({
  data: z.array(
    z.object({
      external_id: z.string(),
      name: z.string().nullable(),
      email: z.string().nullable(),
      billing_mode: z.enum(['prepaid', 'postpaid']),
      plan: z.string().nullable(),
      status: z.enum(['active', 'archived', 'closed']),
      balances: z.array(
        z.object({
          asset: z.string(),
          available: AmountOut,
          posted: AmountOut,
          pending: AmountOut,
          debt: AmountOut,
          burn_rate_per_hour: AmountOut.meta({ description: 'Usage per hour over the last 15 minutes, as in the wallet monitor.' }),
          time_to_empty_seconds: z.number().nullable().meta({ description: 'Until the wallet reaches its overdraft limit at the current burn rate; null when nothing is burning.' }),
          overdraft_limit: AmountOut.meta({ description: 'How far below zero available may go (a postpaid customer\'s credit limit).' }),
          status: WalletStatus,
        }),
      ),
    }),
  ),
  next_cursor: z.string().nullable(),
  total: z.number().int(),
  as_of: IsoTime,
});
export const ListCustomerWallets = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(200).optional(),
  search: z.string().max(200).optional(),
  status: z.enum(['active', 'archived', 'closed', 'all']).optional().meta({ description: 'Default: every customer but archived ones.' }),
});

export const EventRef = z.strictObject({ transaction_id: z.string().min(1).max(255), customer: ExternalId });
export const EventDetail = z.object({ event: StoredEvent, transfers: z.array(Transfer) });

export const ApiKeyScope = z.enum(['ingest', 'read', 'finance', 'support', 'admin']).meta({
  description:
    '`ingest`: events, authorizations, balance reads (an app on the request path). `read`: every read. `finance`: top-ups, payments, invoices, credit notes, refunds, exports. `support`: grants and adjustments up to the key\'s per-asset caps. `admin`: everything.',
});
/** A support key's cap: the most one grant or adjustment may move, per asset. */
export const SupportCap = z.strictObject({ asset: AssetCode, amount: PositiveAmount.meta({ description: 'Minor units: the largest single grant or adjustment (either sign) this key may make.' }) });
export const RateLimit = z.strictObject({
  per_second: z.number().int().min(1).max(1_000_000).meta({ description: 'Requests a second this key may sustain.' }),
  burst: z.number().int().min(1).max(1_000_000).optional().meta({ description: 'Requests it may send at once after a quiet spell (default: twice per_second).' }),
});
export const CreateApiKey = z.strictObject({
  name: z.string().min(1).max(100),
  scopes: z.array(ApiKeyScope).min(1).max(5),
  support_caps: z.array(SupportCap).max(50).optional().meta({ description: 'Required with the support scope: the assets it may grant or adjust, and how much at once.' }),
  rate_limit: RateLimit.nullable().optional().meta({ description: 'A token bucket per key; over it the API answers 429 with Retry-After. Default: none.' }),
  expires_at: Timestamp.nullable().optional(),
});
export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  prefix: z.string().meta({ description: 'The start of the key, to recognize it; the secret is never shown again.' }),
  support_caps: z.array(z.object({ asset: z.string(), amount: AmountOut })),
  rate_limit: z.object({ per_second: z.number(), burst: z.number() }).nullable(),
  created_at: IsoTime,
  last_used_at: IsoTime.nullable(),
  expires_at: IsoTime.nullable().meta({ description: 'When the key stops working (set by rotation: the old key\'s grace period).' }),
  revoked_at: IsoTime.nullable(),
  replaced_by: z.string().nullable().meta({ description: 'The id of the key that replaced this one by rotation.' }),
});
export const CreatedApiKey = ApiKey.extend({ key: z.string().meta({ description: 'The whole key, shown this once.' }) });
export const UpdateApiKey = z.strictObject({
  id: z.string().max(64),
  name: z.string().min(1).max(100).optional(),
  support_caps: z.array(SupportCap).max(50).optional(),
  rate_limit: RateLimit.nullable().optional(),
});
export const RotateApiKey = z.strictObject({
  id: z.string().max(64),
  grace_seconds: z.number().int().min(0).max(30 * 86_400).optional().meta({ description: 'How long the old key keeps working (default 86,400: a day; 0 ends it now).' }),
});
export const ApiKeyRef = z.strictObject({ id: z.string().max(64) });

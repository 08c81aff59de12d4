import { z } from 'zod';
import { AmountOut, ExternalId, IsoTime } from './common';
import { StoredEvent, Transfer } from './ledger';

/** Reads the console needs: the overview, the live wallet monitor, event detail, API keys. */

export const Overview = z.object({
  as_of: IsoTime,
  attention: z.object({
    low_wallets: z.number().int().meta({ description: 'Wallets whose time to empty at the current burn rate is under 24 hours.' }),
    negative_wallets: z.number().int().meta({ description: 'Wallets with available below zero (debt or overdraft in use).' }),
    refused_events_24h: z.number().int(),
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
      cash_in: AmountOut.meta({ description: 'Paid top-ups received, less refunds and chargebacks.' }),
      recognized_revenue: AmountOut.meta({ description: 'Usage, fees and minimum commitments charged, less credits back and discounts.' }),
      deferred_revenue: AmountOut.meta({ description: 'Paid credit not yet used (and not expired): owed to customers as service.' }),
      breakage: AmountOut.meta({ description: 'Paid credit that expired unused.' }),
      grants_outstanding: AmountOut.meta({ description: 'Granted (promotional) credit not yet used.' }),
    }),
  ),
  events_per_minute: z.array(z.object({ minute: IsoTime, events: z.number().int() })),
  spend_per_minute: z.array(z.object({ minute: IsoTime, asset: z.string(), amount: AmountOut })),
  revenue_by_plan: z.array(z.object({ month: z.string(), plan: z.string(), asset: z.string(), amount: AmountOut })),
  margin: z
    .object({ currency: z.string(), revenue_this_month: AmountOut, cost_this_month: z.string().meta({ description: 'Sum of the events\' own `cost`, in major units.' }) })
    .nullable(),
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
      burn_rate_per_hour: AmountOut.meta({ description: 'Usage per hour over the last 15 minutes.' }),
      spend_last_minute: AmountOut,
      time_to_empty_seconds: z.number().int().nullable().meta({ description: 'available / burn rate; null when nothing burns.' }),
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
      balances: z.array(z.object({ asset: z.string(), available: AmountOut, posted: AmountOut, pending: AmountOut, debt: AmountOut })),
    }),
  ),
  next_cursor: z.string().nullable(),
  total: z.number().int(),
});
export const ListCustomerWallets = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(200).optional(),
  search: z.string().max(200).optional(),
});

export const EventRef = z.strictObject({ transaction_id: z.string().min(1).max(255), customer: ExternalId });
export const EventDetail = z.object({ event: StoredEvent, transfers: z.array(Transfer) });

export const ApiKeyScope = z.enum(['ingest', 'read', 'admin']);
export const CreateApiKey = z.strictObject({ name: z.string().min(1).max(100), scopes: z.array(ApiKeyScope).min(1).max(3) });
export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  prefix: z.string().meta({ description: 'The start of the key, to recognize it; the secret is never shown again.' }),
  created_at: IsoTime,
  last_used_at: IsoTime.nullable(),
  revoked_at: IsoTime.nullable(),
});
export const CreatedApiKey = ApiKey.extend({ key: z.string().meta({ description: 'The whole key, shown this once.' }) });
export const ApiKeyRef = z.strictObject({ id: z.string().max(64) });

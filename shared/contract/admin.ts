import { z } from 'zod';
import { AmountOut, ExternalId, IsoTime, PageQuery, Timestamp } from './common';

/** Operating Tollgate for real: the audit log, customer-scoped read tokens, customers' data. */

// ---------------------------------------------------------------- runtime
export const RuntimeStats = z.object({
  as_of: IsoTime,
  uptime_seconds: z.number(),
  events_recorded: z.number().int().meta({ description: 'Events ever recorded (a counter: its rate is events per second).' }),
  refusals: z.array(z.object({ reason: z.string(), count: z.number().int() })).meta({ description: 'Refused events and authorizations by reason, over the kept window (90 days).' }),
  webhooks: z.object({ pending: z.number().int(), oldest_pending_age_seconds: z.number().nullable(), dead: z.number().int() }),
  storage: z.object({ database_bytes: z.number().int(), wal_bytes: z.number().int() }),
  backup: z.object({ last_age_seconds: z.number().nullable(), overdue: z.boolean() }),
  memory: z.object({ rss_bytes: z.number().int(), heap_used_bytes: z.number().int() }).meta({ description: 'Of the engine thread\'s process.' }),
  writer: z
    .object({ commits: z.number().int(), operations: z.number().int() })
    .meta({ description: 'Counters since the engine started: transactions the writer committed (each one fsync) and the operations they carried (an authorization, an event, one event of a batch). Their ratio is how many writes share a commit.' }),
});

// ---------------------------------------------------------------- who am I
export const WhoAmI = z.object({
  kind: z.enum(['key', 'os_user', 'read_token']),
  id: z.string().nullable(),
  name: z.string().nullable(),
  scopes: z.array(z.string()),
  expires_at: IsoTime.nullable(),
  door: z.string(),
});

// ---------------------------------------------------------------- audit log
export const AuditEntry = z.object({
  id: z.string(),
  at: IsoTime,
  actor: z.object({
    kind: z.enum(['key', 'os_user', 'system']),
    id: z.string().nullable().meta({ description: 'The API key id, or the OS user name for the desktop app.' }),
    name: z.string().nullable(),
  }),
  door: z.string().meta({ description: '`http`, `ipc` (the desktop app) or `system` (timers, imports).' }),
  remote_address: z.string().nullable(),
  request_id: z.string().nullable(),
  action: z.string().meta({ description: 'What was done, e.g. `top_up.create`, `invoice.void`, `api_key.rotate`, `customer.erase`.' }),
  target: z.string().nullable().meta({ description: 'The object acted on, as `kind:id`.' }),
  customer: z.string().nullable(),
  before: z.unknown().nullable().meta({ description: 'The object before the change (for edits), secrets removed.' }),
  after: z.unknown().nullable().meta({ description: 'The object after the change, secrets removed.' }),
  reason: z.string().nullable(),
});
export const ListAuditLog = z.strictObject({
  action: z.string().max(100).optional().meta({ description: 'An action, or a prefix ending in `.` (e.g. `invoice.`).' }),
  actor: z.string().max(100).optional().meta({ description: 'A key id or OS user name.' }),
  customer: ExternalId.optional(),
  target: z.string().max(200).optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  ...PageQuery,
});
export const AuditLogExport = z.object({ filename: z.string(), content_type: z.string(), rows: z.number().int(), base64: z.string() });

// ---------------------------------------------------------------- read tokens
export const CreateReadToken = z.strictObject({
  external_id: ExternalId,
  ttl_seconds: z.number().int().min(60).max(86_400).optional().meta({ description: 'Default 900 (15 minutes); at most a day.' }),
});
export const ReadToken = z.object({
  token: z.string().meta({ description: 'Send as `Authorization: Bearer tgr_...` from the customer\'s browser or app. Read-only, this customer only; CORS allows any origin.' }),
  customer: z.string(),
  expires_at: IsoTime,
  allows: z.array(z.string()).meta({ description: 'The routes it may read.' }),
});

// ---------------------------------------------------------------- customers' data
export const CloseCustomer = z.strictObject({
  external_id: ExternalId,
  reason: z.string().min(1, { error: 'a reason is required to close a customer' }).max(500),
  settle: z.enum(['refund', 'breakage']).optional().meta({ description: 'What happens to unused paid credit: `refund` (default) records a refund of each paid top-up\'s unused rest; `breakage` keeps it as revenue. Granted credit always goes to breakage.' }),
  idempotency_key: z.string().min(1).max(255).optional(),
});
export const ClosedCustomer = z.object({
  customer: z.string(),
  status: z.enum(['active', 'archived', 'closed']),
  closed_at: IsoTime.nullable(),
  subscriptions_terminated: z.number().int(),
  holds_voided: z.number().int(),
  top_ups_expired: z.number().int(),
  refunded: z.array(z.object({ asset: z.string(), amount: AmountOut })),
  breakage: z.array(z.object({ asset: z.string(), amount: AmountOut })),
  debt: z.array(z.object({ asset: z.string(), amount: AmountOut })).meta({ description: 'What the customer still owes (left on their invoices and receivable).' }),
});
export const EraseCustomer = z.strictObject({
  external_id: ExternalId,
  reason: z.string().min(1, { error: 'a reason is required to erase a customer' }).max(500),
  settle: z.enum(['refund', 'breakage']).optional(),
});
export const ErasedCustomer = z.object({
  tombstone: z.string().meta({ description: 'The external id the customer is known by from now on.' }),
  erased_at: IsoTime,
  events_redacted: z.number().int(),
  invoices_retained: z.number().int().meta({ description: 'Finalized invoices, credit notes and receipts kept with the customer\'s details for the legal retention period.' }),
  retained_until: IsoTime.nullable(),
  close: ClosedCustomer,
});
export const CustomerDataExport = z.object({
  exported_at: IsoTime,
  customer: z.unknown(),
  subscriptions: z.array(z.unknown()),
  balances: z.unknown(),
  top_ups: z.array(z.unknown()),
  adjustments: z.array(z.unknown()),
  authorizations: z.array(z.unknown()),
  events: z.array(z.unknown()),
  transfers: z.array(z.unknown()),
  invoices: z.array(z.unknown()),
  credit_notes: z.array(z.unknown()),
  alerts: z.array(z.unknown()),
  audit_log: z.array(z.unknown()),
});

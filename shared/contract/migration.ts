/**
 * Moving in and moving out: the import format's rows (one JSON object per line, one file per
 * kind), the import report, and the full export. Row schemas reuse the API's own inputs where a row
 * IS an API object (assets, customers, metrics, plans), so an import validates exactly like the API.
 * docs/import-format.md describes the format for people.
 */
import { z } from 'zod';
import { AssetCode, Code, DecimalString, ExternalId, PositiveAmount, Quantity, Timestamp } from './common';
import { CreateAsset, CreateCustomer } from './ledger';
import { CreateMetric, CreatePlan, FeatureValue, UpdateSettings } from './pricing';

/** The kinds of the import format, in the order they are imported (later kinds refer to earlier ones). */
export const IMPORT_KINDS = ['settings', 'assets', 'customers', 'metrics', 'plans', 'subscriptions', 'balances', 'usage'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const ImportKindSchema = z.enum(IMPORT_KINDS);

// ---------------------------------------------------------------- rows of the import format
export const ImportAssetRow = CreateAsset;
export const ImportCustomerRow = CreateCustomer;
export const ImportMetricRow = CreateMetric;
export const ImportPlanRow = CreatePlan;

export const ImportSubscriptionRow = z.strictObject({
  external_id: ExternalId.meta({ description: 'The subscription\'s id in the source system: the import\'s key.' }),
  customer: ExternalId,
  plan: Code,
  started_at: Timestamp.meta({ description: 'The original start. Periods are anchored on it (anniversary billing: give the anniversary anchor).' }),
  billing_time: z.enum(['calendar', 'anniversary']).optional(),
  current_period_start: Timestamp.optional().meta({ description: 'A check: the start of the current period in the source. The row is refused if Tollgate computes another one.' }),
  next_plan: Code.optional().meta({ description: 'A plan change scheduled at the end of the current period (a downgrade).' }),
  carry_usage: z.boolean().optional(),
  entitlements: z.record(z.string().max(100), FeatureValue).optional(),
});

export const ImportBalanceRow = z.strictObject({
  reference: z.string().min(1).max(255).meta({ description: 'A unique reference of this balance in the source (a wallet id + kind, a grant id): the import\'s key.' }),
  customer: ExternalId,
  asset: AssetCode,
  kind: z.enum(['paid', 'granted', 'debt']).meta({ description: '`paid` and `granted` become a credit lot funded from the funding or grants account; `debt` is owed by the customer (receivable).' }),
  amount: PositiveAmount.meta({ description: 'What remains, in minor units.' }),
  expires_at: Timestamp.nullable().optional(),
  priority: z.number().int().min(0).max(1000).optional(),
  note: z.string().max(500).optional(),
});

export const ImportUsageRow = z.strictObject({
  subscription: ExternalId.meta({ description: 'external_id of the subscription (imported before).' }),
  metric: Code,
  filters: z.record(z.string(), z.array(z.string().max(200)).min(1)).optional().meta({ description: 'Selects the filtered charge of the metric; absent: the charge without filters.' }),
  units: Quantity.meta({ description: 'The aggregated quantity of the current period so far (after the metric\'s aggregation).' }),
  events: z.number().int().min(0).optional(),
  amount: DecimalString.optional().meta({ description: 'Dynamic charges: the sum of the events\' own amounts so far, in major units.' }),
  unique_values: z.array(z.string().max(500)).max(1_000_000).optional().meta({ description: 'unique_count metrics: the distinct values counted so far (required for them).' }),
  latest_at: Timestamp.optional().meta({ description: 'latest metrics: when the value was reported.' }),
});

export const ImportSettingsRow = UpdateSettings.extend({
  next_invoice_number: z
    .strictObject({
      number: z.number().int().min(1).max(999_999_999),
      year: z.number().int().min(2000).max(9999).optional().meta({ description: 'Default: the current year.' }),
      prefix: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,15}$/).optional().meta({ description: 'Default: invoice_prefix (of this row, else the current setting).' }),
    })
    .optional()
    .meta({ description: 'The number the next invoice takes in that prefix and year (never lowers a sequence).' }),
});

export const IMPORT_ROW_SCHEMAS = {
  settings: ImportSettingsRow,
  assets: ImportAssetRow,
  customers: ImportCustomerRow,
  metrics: ImportMetricRow,
  plans: ImportPlanRow,
  subscriptions: ImportSubscriptionRow,
  balances: ImportBalanceRow,
  usage: ImportUsageRow,
} as const satisfies Record<ImportKind, z.ZodType>;

// ---------------------------------------------------------------- the import operation
export const CreateImport = z.strictObject({
  folder: z.string().min(1).max(1000).meta({ description: 'Absolute path, on the machine running Tollgate, of a folder in the import format, a Lago export or a Stripe export.' }),
  source: z.enum(['auto', 'tollgate', 'lago', 'stripe']).optional().meta({ description: 'Default `auto`: recognized from the file names.' }),
  dry_run: z.boolean().optional().meta({ description: 'Validate and report everything, write nothing.' }),
  overdraft_limit: z
    .string()
    .regex(/^\d{1,15}(\.\d{1,18})?$/, { error: 'a decimal amount in major units, e.g. "500" or "500.00"' })
    .optional()
    .meta({ description: 'For a Lago import: the overdraft limit every imported customer gets, in major units of its currency (its own, else the organization\'s default currency): how far beyond its credit its usage may go before Tollgate refuses it (402). Lago never refuses usage; without this, imported customers can spend only their credit, and the report says how many.' }),
});

export const ImportProblem = z.object({
  file: z.string(),
  line: z.number().int().meta({ description: '1-based line of the row in its file (0: the file as a whole).' }),
  key: z.string().nullable(),
  reason: z.string(),
});

export const ImportFileReport = z.object({
  file: z.string(),
  kind: ImportKindSchema,
  status: z.enum(['imported', 'unchanged', 'failed', 'would_import', 'would_fail']).meta({
    description: '`imported`: every row is in (or was already); `unchanged`: nothing to do, all rows were imported before; `failed`: nothing of this file was imported (see errors); dry runs say `would_import` or `would_fail`.',
  }),
  rows: z.number().int().meta({ description: 'Rows of the import format the file gave, plus the source rows that could not be mapped or were skipped.' }),
  created: z.number().int(),
  unchanged: z.number().int().meta({ description: 'Rows imported before, with the same content: nothing to do.' }),
  errors: z.array(ImportProblem),
  skipped: z.array(ImportProblem).meta({ description: 'Rows of the source deliberately left out (a terminated subscription, an empty wallet...): they do not fail the file.' }),
});

export const ImportReport = z.object({
  source: z.enum(['tollgate', 'lago', 'stripe']),
  folder: z.string(),
  dry_run: z.boolean(),
  ok: z.boolean().meta({ description: 'Every file imported (or would), and the ledger check passes.' }),
  files: z.array(ImportFileReport),
  errors: z.array(ImportProblem).meta({ description: 'Every row that could not be imported, with its file, line and reason.' }),
  notes: z.array(z.string()),
  ledger: z.object({ ok: z.boolean(), problems: z.number().int() }),
});

// ---------------------------------------------------------------- full export
export const CreateFullExport = z.strictObject({
  folder: z.string().min(1).max(1000).optional().meta({ description: 'Absolute path of an empty (or new) folder. Default: <data dir>/exports/full-<timestamp>.' }),
});

export const FullExportResult = z.object({
  folder: z.string(),
  format: z.literal('tollgate-export'),
  schema_version: z.number().int(),
  exported_at: z.string(),
  tables: z.array(z.object({ table: z.string(), rows: z.number().int(), file: z.string(), sha256: z.string() })),
  files: z.array(z.string()),
});

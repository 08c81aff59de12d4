/**
 * One shared table of features × options: each cell says whether the option includes the feature or
 * how many engineering hours it takes to build. Every option is judged against the same rows, so
 * Tollgate's own gaps (payment provider connection, hosted portal) count against it exactly as
 * Lago's premium-only features count against Lago OSS.
 */
import { ASSUMED_ON, SRC, type SourceKind } from './sources';

export type FeatureStatus = 'included' | 'not_applicable' | 'build';

export interface FeatureCell {
  readonly status: FeatureStatus;
  /** One-off hours to build when `status` is `build`; null means unknown (reported, never zero). */
  readonly hours: string | null;
  readonly source: string;
  readonly date: string;
  readonly kind: SourceKind;
  readonly note?: string;
}

export interface FeatureRow {
  readonly id: string;
  readonly label: string;
  /** Whether the operator's business needs it; an unneeded feature costs nothing to lack. */
  readonly needed: boolean;
  readonly neededSource: string;
  /** Keyed by option id. A missing cell is an unknown, never an "included". */
  readonly cells: Readonly<Record<string, FeatureCell>>;
}

export const featureCellId = (featureId: string, optionId: string): string => `feature.${featureId}.${optionId}`;
export const featureNeededId = (featureId: string): string => `feature.${featureId}.needed`;

const included = (source: string, kind: SourceKind = 'published', note?: string, date = '2026-04'): FeatureCell => ({
  status: 'included', hours: null, source, date, kind, ...(note === undefined ? {} : { note }),
});
const build = (hours: string | null, note: string, kind: SourceKind = 'assumption', source: string = SRC.ours, date = ASSUMED_ON): FeatureCell => ({
  status: 'build', hours, source, date, kind, note,
});

const NEEDED_DEFAULT = 'Assumption: needed by a usage-billed product; untick what your business does not need';
const OPTIONAL_DEFAULT = 'Assumption: not every business needs it (many use their PSP\'s tax or an export); tick if yours does';

/** Fresh, editable copy of the feature table. */
export function defaultFeatures(): FeatureRow[] {
  return [
    {
      id: 'customerPortal',
      label: 'Self-serve customer portal (balance, invoices, top-ups)',
      needed: true,
      neededSource: NEEDED_DEFAULT,
      cells: {
        credyt: included(SRC.article, 'published', 'Drop-in, branded, pre-authenticated portal in core'),
        lagoCloud: included(SRC.lagoPremium, 'published', 'Assumes the tier you price includes it'),
        lagoSelfHosted: included(SRC.lagoPortalOss, 'published', 'Free for all since September 2024; its scope may be narrower than a portal with top-ups', '2024-09'),
        tollgate: build('80', 'Tollgate has no hosted customer portal yet; two weeks per the article\'s estimate', 'anecdote', SRC.credytPortalEstimate, '2026-04'),
      },
    },
    {
      id: 'realtimeBalance',
      label: 'Real-time balance',
      needed: true,
      neededSource: NEEDED_DEFAULT,
      cells: {
        credyt: included(SRC.article, 'published', 'Atomic on each event'),
        lagoCloud: included(SRC.lagoPremium, 'published', 'Premium: an estimate refreshed every 5 minutes'),
        lagoSelfHosted: build('40', 'OSS shows only the invoiced balance; compute a running balance from events'),
        tollgate: included(SRC.tollgate, 'assumption', 'Real-time wallet ledger', ASSUMED_ON),
      },
    },
    {
      id: 'preUsageAuthorization',
      label: 'Pre-usage authorization (block an action when the balance is short)',
      needed: true,
      neededSource: NEEDED_DEFAULT,
      cells: {
        credyt: included(SRC.article, 'published', 'Wallet API queried before each action'),
        lagoCloud: build('120', 'Article: observe-only, no primitive to block usage before it runs; build an authorizing ledger in front'),
        lagoSelfHosted: build('120', 'Article: observe-only, no primitive to block usage before it runs; build an authorizing ledger in front'),
        tollgate: included(SRC.tollgate, 'assumption', 'Pre-usage authorization on the wallet ledger', ASSUMED_ON),
      },
    },
    {
      id: 'creditNotes',
      label: 'Credit notes, refunds and balance adjustments',
      needed: true,
      neededSource: NEEDED_DEFAULT,
      cells: {
        credyt: included(SRC.article, 'published', 'Adjustments API in core'),
        lagoCloud: included(SRC.lagoPremium, 'published', 'Premium credit notes module'),
        lagoSelfHosted: build('40', 'Article: credit notes are premium'),
        tollgate: included(SRC.tollgate, 'assumption', '"Lago-grade invoicing"; verify against your needs', ASSUMED_ON),
      },
    },
    {
      id: 'dunning',
      label: 'Automatic dunning (chasing unpaid invoices)',
      needed: true,
      neededSource: NEEDED_DEFAULT,
      cells: {
        credyt: { status: 'not_applicable', hours: null, source: SRC.ours, date: ASSUMED_ON, kind: 'assumption', note: 'Prepaid only: no invoices to chase; failed top-ups are retried by the PSP' },
        lagoCloud: included(SRC.lagoPremium, 'published', 'Premium'),
        lagoSelfHosted: build('24', 'Article: automatic dunning is premium'),
        tollgate: build('24', 'Tollgate invoices but does not chase them'),
      },
    },
    {
      id: 'paymentProvider',
      label: 'Payment provider connection (charge cards, take top-ups)',
      needed: true,
      neededSource: NEEDED_DEFAULT,
      cells: {
        credyt: included(SRC.article, 'published', 'Top-ups through Stripe Checkout'),
        lagoCloud: included(SRC.lagoConnectors),
        lagoSelfHosted: included(SRC.lagoConnectors),
        tollgate: build('40', 'Tollgate has no payment provider connection yet: checkout, webhooks, reconciliation'),
      },
    },
    {
      id: 'taxIntegration',
      label: 'Tax integration',
      needed: false,
      neededSource: OPTIONAL_DEFAULT,
      cells: {
        credyt: build(null, 'Not stated in the article: unknown until you ask', 'assumption', SRC.article, '2026-04'),
        lagoCloud: included(SRC.lagoPremium, 'published', 'Paid integration'),
        lagoSelfHosted: build('40', 'Article: tax integrations are paid'),
        tollgate: build('40', 'Not in Tollgate'),
      },
    },
    {
      id: 'accountingConnector',
      label: 'Accounting / CRM connector',
      needed: false,
      neededSource: OPTIONAL_DEFAULT,
      cells: {
        credyt: build(null, 'Not stated in the article: unknown until you ask', 'assumption', SRC.article, '2026-04'),
        lagoCloud: included(SRC.lagoPremium, 'published', 'Paid integration'),
        lagoSelfHosted: build('40', 'Article: accounting connectors are paid'),
        tollgate: build('40', 'Not in Tollgate'),
      },
    },
  ];
}

/** A cell for an option the table has no column for: unknown hours, so the gap is reported. */
export function cellFor(row: FeatureRow, optionId: string): FeatureCell {
  return row.cells[optionId] ?? { status: 'build', hours: null, source: 'No entry in the feature table for this option', date: ASSUMED_ON, kind: 'assumption' };
}

/** Refuses hours that are not non-negative decimals; `null` (unknown) is allowed. */
export function validateFeatures(rows: readonly FeatureRow[]): { id: string; message: string }[] {
  const errors: { id: string; message: string }[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    if (seen.has(row.id)) errors.push({ id: `feature.${row.id}`, message: 'duplicate feature id' });
    seen.add(row.id);
    for (const [optionId, cell] of Object.entries(row.cells)) {
      if (cell.status === 'build' && cell.hours !== null && !/^\d+(\.\d+)?$/.test(cell.hours)) {
        errors.push({ id: featureCellId(row.id, optionId), message: 'hours must be a non-negative decimal or unknown' });
      }
    }
  }
  return errors;
}

/** A copy of the table with one feature marked needed or not. */
export function withFeatureNeeded(rows: readonly FeatureRow[], featureId: string, needed: boolean): FeatureRow[] {
  if (!rows.some((r) => r.id === featureId)) throw new RangeError(`no feature ${featureId}`);
  return rows.map((r) => (r.id === featureId ? { ...r, needed } : r));
}

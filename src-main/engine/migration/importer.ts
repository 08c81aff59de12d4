import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { z } from 'zod';
import { INVOICE_LANGUAGES, invoiceLanguage } from '../../../shared/contract/ledger';
import { type CreateImport, IMPORT_KINDS, IMPORT_ROW_SCHEMAS, type ImportKind, type ImportFileReport, type ImportReport } from '../../../shared/contract/migration';
import { dec, isDecimalText, toText } from '../../../shared/decimal';
import { chargeIssue, emptyUsage, parseChargeSpec } from '../../../shared/pricing';
import { isValidTimeZone, periodAt, type Interval } from '../../../shared/time';
import { isStorageFailure } from '../../storage/database';
import type { PeriodRow, SubscriptionRow } from '../../storage/store';
import { canonicalJson } from '../canonical';
import type { Engine } from '../engine';
import { fail, TollgateError } from '../errors';
import { iso } from '../format';
import type { AuditRecord } from '../audit';
import { DEFAULT_PRIORITY } from '../ledger/books';
import { consume, credit } from '../ledger/wallet-ops';
import type { CompiledCharge } from '../pricing/plans';
import { priceOf } from '../pricing/rating';
import { emptyEntry } from '../pricing/usage';
import { parseTimestampField } from '../timestamps';
import { readLagoExport } from './lago';
import { asObject, type Batch, findFile, type ImportPlan, listFiles, type MappedRow, newBatch, type Problem, readRecords, type SourceName } from './source';
import { readStripeExport } from './stripe';

type Report = z.output<typeof ImportReport>;
type FileReport = z.output<typeof ImportFileReport>;
type Rows = { [K in ImportKind]: z.output<(typeof IMPORT_ROW_SCHEMAS)[K]> };

/** A file's rows could not all be imported: thrown inside its writer operation so everything it did rolls back. */
class FileFailed extends Error {
  constructor(readonly outcome: Outcome) {
    super('import file failed');
  }
}
/** A dry run: thrown at the end of its one writer operation, so nothing it did is kept. */
class DryRunDone extends Error {
  constructor(readonly outcomes: Outcome[]) {
    super('dry run');
  }
}

interface Outcome {
  batch: Batch;
  created: number;
  unchanged: number;
  errors: Problem[];
  /** What the report's notes say about this file's rows (a source locale left out, say). */
  notes: string[];
}

/** A row that passed validation, waiting to be applied. */
interface Ready {
  row: MappedRow;
  key: string;
  hash: string;
  data: unknown;
}

/** Fields that only check the target (not what is imported): left out of the content hash. */
const CHECK_ONLY: Partial<Record<ImportKind, string[]>> = { subscriptions: ['current_period_start'] };

/** Files of the import format, by kind. */
const FORMAT_FILES = new Set(IMPORT_KINDS.flatMap((k) => [`${k}.jsonl`, `${k}.json`, `${k}.ndjson`]));

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.filter((p) => typeof p !== 'symbol').join('.') || '(row)'}: ${i.message}`).join('; ');
}

/**
 * Imports a folder (the import format, a Lago export or a Stripe export) into the running engine.
 *
 * Each file is ONE writer operation: its rows are validated first (every problem reported, with
 * file, line and reason), then applied; any problem and the operation throws, so its savepoint and
 * the in-memory undo journal take back everything the file did. Every imported row is recorded
 * (kind, key, content hash) in the same operation, so a second import of the same rows writes
 * nothing at all, and a row whose content changed since is refused rather than applied twice.
 */
export class Importer {
  constructor(private readonly engine: Engine) {}

  detect(folder: string): SourceName | 'export' {
    const files = listFiles(folder);
    if (files.includes('manifest.json')) return 'export';
    const has = (base: string) => files.some((f) => f === `${base}.json` || f === `${base}.jsonl` || f === `${base}.ndjson`);
    if (has('billable_metrics') || has('wallets') || has('organization') || has('wallet_transactions') || has('current_usage')) return 'lago';
    if (has('credit_grants') || has('cash_balances') || has('credit_balance_transactions')) return 'stripe';
    // customers/plans/subscriptions exist in all three: the objects tell (Lago's carry lago_id, Stripe's an object type).
    for (const base of ['customers', 'plans', 'subscriptions']) {
      const name = findFile(folder, base);
      const first = name ? readRecords(folder, name).find((r) => r.value && typeof r.value === 'object') : undefined;
      const o = first?.value as Record<string, unknown> | undefined;
      if (o && 'lago_id' in o) return 'lago';
      if (o && typeof o.object === 'string') return 'stripe';
    }
    if (files.some((f) => FORMAT_FILES.has(f))) return 'tollgate';
    fail('validation_failed', `Nothing to import in ${folder}: expected the import format (customers.jsonl, plans.jsonl...), a Lago export (billable_metrics, plans, customers, subscriptions, wallets) or a Stripe export (customers, credit_grants).`, {
      issues: [{ path: ['folder'], message: 'no known file' }],
    });
  }

  plan(folder: string, source: SourceName, options: { overdraftLimit?: string } = {}): ImportPlan {
    const now = this.engine.now();
    if (source === 'lago') return readLagoExport(folder, now, options);
    if (source === 'stripe') return readStripeExport(folder, now);
    const batches: Batch[] = [];
    const notes: string[] = [];
    for (const kind of IMPORT_KINDS) {
      const name = findFile(folder, kind);
      if (!name) continue;
      const batch = newBatch(kind, name);
      for (const r of readRecords(folder, name)) {
        const o = asObject(r);
        if (typeof o === 'string') batch.errors.push({ file: name, line: r.line, key: null, reason: o });
        else batch.rows.push({ file: name, line: r.line, data: o });
      }
      batches.push(batch);
    }
    for (const f of listFiles(folder)) if (!FORMAT_FILES.has(f) && !f.startsWith('.')) notes.push(`${f}: not a file of the import format; ignored.`);
    return { source: 'tollgate', batches, notes };
  }

  /**
   * `audit` writes an audit row in the transaction of each customer the import creates, so the
   * audit log's per-customer filter shows where an imported customer came from (as
   * `customer.create`, its reason naming the import) and not only the run's one `import.run` row.
   */
  async run(input: z.output<typeof CreateImport>, audit: ((r: AuditRecord) => void) | null = null): Promise<Report> {
    const folder = input.folder;
    if (!isAbsolute(folder)) fail('validation_failed', 'folder must be an absolute path.', { issues: [{ path: ['folder'], message: 'not absolute' }] });
    if (!existsSync(folder) || !statSync(folder).isDirectory()) fail('validation_failed', `${folder} is not a folder.`, { issues: [{ path: ['folder'], message: 'not found' }] });
    const detected = !input.source || input.source === 'auto' ? this.detect(folder) : input.source;
    if (detected === 'export') {
      fail('validation_failed', `${folder} is a full Tollgate export: restore it into an EMPTY data dir (\`tollgate import ${folder} --data-dir <new dir>\`), not into a running engine.`, {
        issues: [{ path: ['folder'], message: 'a full export' }],
      });
    }
    const plan = this.plan(folder, detected, { overdraftLimit: input.overdraft_limit });
    const dryRun = input.dry_run ?? false;
    const outcomes: Outcome[] = [];
    if (dryRun) {
      try {
        await this.engine.writer.run(() => {
          const all = plan.batches.map((b) => this.importBatch(b, plan.source, true, audit));
          throw new DryRunDone(all);
        });
      } catch (err) {
        if (!(err instanceof DryRunDone)) throw err;
        outcomes.push(...err.outcomes);
      }
    } else {
      for (const batch of plan.batches) {
        try {
          outcomes.push(await this.engine.writer.run(() => this.importBatch(batch, plan.source, false, audit)));
        } catch (err) {
          if (!(err instanceof FileFailed)) throw err;
          outcomes.push(err.outcome);
        }
      }
    }
    const files: FileReport[] = outcomes.map((o) => {
      const failed = o.errors.length > 0;
      const status: FileReport['status'] = dryRun ? (failed ? 'would_fail' : 'would_import') : failed ? 'failed' : o.created === 0 ? 'unchanged' : 'imported';
      return { file: o.batch.file, kind: o.batch.kind, status, rows: o.batch.rows.length + o.batch.errors.length + o.batch.skipped.length, created: failed ? 0 : o.created, unchanged: o.unchanged, errors: o.errors, skipped: o.batch.skipped };
    });
    const verify = this.engine.verify();
    const errors = files.flatMap((f) => f.errors);
    return {
      source: plan.source,
      folder,
      dry_run: dryRun,
      ok: errors.length === 0 && verify.ok,
      files,
      errors,
      notes: [...plan.notes, ...outcomes.flatMap((o) => o.notes)],
      ledger: { ok: verify.ok, problems: verify.problems.length },
    };
  }

  /**
   * One file, inside its writer operation: validate every row (all problems), then apply them in
   * order (the first failure stops). Throws FileFailed on any problem, except in a dry run, where
   * the caller throws at the end anyway.
   */
  private importBatch(batch: Batch, source: SourceName, dryRun: boolean, audit: ((r: AuditRecord) => void) | null): Outcome {
    const outcome: Outcome = { batch, created: 0, unchanged: 0, errors: [...batch.errors], notes: [] };
    const schema = IMPORT_ROW_SCHEMAS[batch.kind];
    const seen = new Map<string, number>();
    const ready: Ready[] = [];
    for (const row of batch.rows) {
      const problem = (reason: string, key: string | null = null) => outcome.errors.push({ file: row.file, line: row.line, key, reason });
      const { data: input, note } = source === 'tollgate' ? { data: row.data, note: null } : this.fromSource(batch.kind, source, row);
      const parsed = schema.safeParse(input);
      if (!parsed.success) {
        problem(issuesText(parsed.error), this.rawKey(batch.kind, row.data));
        continue;
      }
      const hashed = { ...row.data };
      for (const f of CHECK_ONLY[batch.kind] ?? []) delete hashed[f];
      const hash = createHash('sha256').update(canonicalJson(hashed)).digest('hex');
      // Settings are keyed by their content: applying them again is harmless (values are set, the
      // invoice numbering never goes down), so a newer export's settings apply rather than conflict.
      const key = batch.kind === 'settings' ? `${this.keyOf(batch.kind, parsed.data as never)}@${hash.slice(0, 16)}` : this.keyOf(batch.kind, parsed.data as never);
      const before = seen.get(key);
      if (before !== undefined) {
        problem(`${key} appears twice in this file (also on line ${before})`, key);
        continue;
      }
      seen.set(key, row.line);
      const record = this.engine.store.getImportRecord(batch.kind, key);
      if (record) {
        if (record.content_hash === hash) outcome.unchanged++;
        else problem(`${batch.kind} ${key} was imported on ${iso(record.imported_at)} (${record.file} line ${record.line}) with other content; an import never applies a changed row twice. Change it in Tollgate instead, or leave it out.`, key);
        continue;
      }
      try {
        const reason = this.validate(batch.kind, parsed.data as never, ready);
        if (reason) {
          problem(reason, key);
          continue;
        }
      } catch (err) {
        if (!(err instanceof TollgateError)) throw err;
        problem(err.message, key);
        continue;
      }
      ready.push({ row, key, hash, data: parsed.data });
      if (note) outcome.notes.push(note);
    }
    if (outcome.errors.length) {
      if (dryRun) return outcome;
      throw new FileFailed(outcome);
    }
    const now = this.engine.now();
    for (const r of ready) {
      try {
        const target = this.apply(batch.kind, r.data as never, audit && ((record) => audit({ ...record, reason: `imported from ${source} (${batch.file})` })));
        this.engine.store.insertImportRecord({ kind: batch.kind, key: r.key, source, content_hash: r.hash, target, file: r.row.file, line: r.row.line, imported_at: now });
        outcome.created++;
      } catch (err) {
        if (isStorageFailure(err)) throw err; // the disk, not the row: the writer answers 503 for the whole batch
        outcome.errors.push({ file: r.row.file, line: r.row.line, key: r.key, reason: err instanceof TollgateError ? err.message : `internal error: ${(err as Error)?.message ?? String(err)}` });
        if (dryRun) return outcome;
        throw new FileFailed(outcome);
      }
    }
    return outcome;
  }

  /**
   * A Lago or Stripe customer's locale that Tollgate's documents are not worded in ("es", "pt-BR")
   * becomes no language (English documents: what such a tag printed before languages were checked),
   * with a note, rather than failing the customer; a supported one in any case ("FR", "fr_CA") is
   * normalized by the contract. The row itself keeps the source's value, so its content hash (what
   * makes a re-import of it "unchanged") is what earlier versions recorded.
   */
  private fromSource(kind: ImportKind, source: SourceName, row: MappedRow): { data: Record<string, unknown>; note: string | null } {
    const language = row.data.language;
    if (kind !== 'customers' || typeof language !== 'string' || invoiceLanguage(language) !== null) return { data: row.data, note: null };
    const field = source === 'lago' ? 'billing_configuration.document_locale' : 'preferred_locales[0]';
    const supported = Object.keys(INVOICE_LANGUAGES).join(', ');
    return {
      data: { ...row.data, language: null },
      note: `${row.file} line ${row.line} (${String(row.data.external_id)}): ${field} ${JSON.stringify(language)} is not a language Tollgate's documents are worded in (${supported}); the customer is imported without one, so its documents print English. Set its language later if one of these fits.`,
    };
  }

  private rawKey(kind: ImportKind, data: Record<string, unknown>): string | null {
    const v = kind === 'customers' || kind === 'subscriptions' ? data.external_id : kind === 'balances' ? data.reference : kind === 'usage' ? data.subscription : kind === 'settings' ? null : data.code;
    return typeof v === 'string' ? v : null;
  }

  private keyOf<K extends ImportKind>(kind: K, row: Rows[K]): string {
    switch (kind) {
      case 'assets':
      case 'metrics':
      case 'plans':
        return (row as Rows['assets']).code;
      case 'customers':
      case 'subscriptions':
        return (row as Rows['customers']).external_id;
      case 'balances':
        return (row as Rows['balances']).reference;
      case 'usage': {
        const u = row as Rows['usage'];
        return `${u.subscription}:${u.metric}${u.filters ? ':' + canonicalJson(u.filters) : ''}`;
      }
      case 'settings':
        return Object.keys(row as object)
          .filter((k) => (row as Record<string, unknown>)[k] !== undefined)
          .sort()
          .join('+');
    }
    throw new Error(`unknown kind ${kind}`);
  }

  // ---------------------------------------------------------------- validation (reads only)
  /** Why a row cannot be imported into the current state, or null. Reads only. */
  private validate<K extends ImportKind>(kind: K, row: Rows[K], earlier: Ready[]): string | null {
    const e = this.engine;
    switch (kind) {
      case 'settings': {
        const s = row as Rows['settings'];
        if (s.billing_timezone && !isValidTimeZone(s.billing_timezone)) return `billing_timezone ${s.billing_timezone} is not an IANA time zone`;
        return null;
      }
      case 'assets': {
        const a = row as Rows['assets'];
        const existing = e.assets.find(a.code);
        if (!existing) return null;
        if ((a.scale !== undefined && a.scale !== existing.scale) || (a.kind !== undefined && a.kind !== existing.kind)) return `asset ${a.code} exists already with scale ${existing.scale} (${existing.kind}); the import asks for ${a.scale ?? existing.scale} (${a.kind ?? existing.kind})`;
        return null; // the same asset: adopted as it is
      }
      case 'customers': {
        const c = row as Rows['customers'];
        if (e.customers.find(c.external_id)) return `a customer with external_id ${c.external_id} exists already (not from an import)`;
        for (const x of [...(c.overdraft_limits ?? []), ...(c.spend_caps ?? [])]) if (!e.assets.find(x.asset)) return `asset ${x.asset} does not exist`;
        if (c.billing_timezone && !isValidTimeZone(c.billing_timezone)) return `billing_timezone ${c.billing_timezone} is not an IANA time zone`;
        if (c.currency) {
          const currency = e.assets.find(c.currency);
          if (!currency) return `currency ${c.currency}: no asset has this code (a customer's currency must be a fiat asset: import or create it first, or leave currency out for the operator's default)`;
          if (currency.kind !== 'fiat') return `currency ${c.currency} is a custom asset; a customer's currency must be a fiat asset (or left out for the operator's default)`;
        }
        return null;
      }
      case 'metrics': {
        const m = row as Rows['metrics'];
        if (e.store.getMetricByCode(m.code)) return `a metric with code ${m.code} exists already (not from an import)`;
        if (m.aggregation !== 'count' && !m.property) return `a ${m.aggregation} metric needs property`;
        if (m.recurring && (m.aggregation === 'count' || m.aggregation === 'max' || m.aggregation === 'latest')) return `a ${m.aggregation} metric cannot be recurring`;
        return null;
      }
      case 'plans': {
        const p = row as Rows['plans'];
        if (e.store.getLatestPlan(p.code)) return `a plan with code ${p.code} exists already (not from an import)`;
        const reasons: string[] = [];
        for (const a of [p.fixed_fee?.asset, p.minimum_commitment?.asset]) if (a && !e.assets.find(a)) reasons.push(`asset ${a} does not exist`);
        (p.charges ?? []).forEach((c, i) => {
          const metric = e.store.getMetricByCode(c.metric);
          if (!metric) reasons.push(`charges[${i}]: metric ${c.metric} does not exist`);
          if (!e.assets.find(c.asset)) reasons.push(`charges[${i}]: asset ${c.asset} does not exist`);
          const rounding = metric?.rounding ? JSON.parse(metric.rounding) : undefined;
          const spec = parseChargeSpec(c.model, c.properties, c.allowance, rounding);
          if (!spec.ok) for (const x of spec.errors) reasons.push(chargeIssue(i, x).message);
        });
        return reasons.length ? reasons.join('; ') : null;
      }
      case 'subscriptions': {
        const s = row as Rows['subscriptions'];
        const customer = e.customers.find(s.customer);
        if (!customer) return `customer ${s.customer} does not exist`;
        const planRow = e.store.getLatestPlan(s.plan);
        if (!planRow) return `plan ${s.plan} does not exist`;
        if (s.next_plan && !e.store.getLatestPlan(s.next_plan)) return `next_plan ${s.next_plan} does not exist`;
        if (e.store.getSubscription(s.external_id)) return `a subscription with external_id ${s.external_id} exists already (not from an import)`;
        const live = e.subscriptions.liveOf(customer.id);
        if (live) return `customer ${s.customer} has a live subscription already (${live.external_id ?? live.id})`;
        const twin = earlier.find((r) => (r.data as Rows['subscriptions']).customer === s.customer);
        if (twin) return `customer ${s.customer} gets another subscription on line ${twin.row.line}; Tollgate keeps one live subscription per customer`;
        const now = e.now();
        const started = parseTimestampField(s.started_at, 'started_at', now)!;
        if (s.current_period_start !== undefined && started <= now) {
          const expected = parseTimestampField(s.current_period_start, 'current_period_start', now)!;
          const p = periodAt({ interval: planRow.interval as Interval, billingTime: s.billing_time ?? 'calendar', anchorMs: started, timeZone: e.customers.timezoneOf(customer) }, now);
          if (p.startMs !== expected) return `the source's current period starts ${iso(expected)}, but Tollgate computes ${iso(p.startMs)} (${s.billing_time ?? 'calendar'} billing in ${e.customers.timezoneOf(customer)}, anchored on ${iso(started)}): check billing_time, started_at and the time zone`;
        }
        return null;
      }
      case 'balances': {
        const b = row as Rows['balances'];
        if (!e.customers.find(b.customer)) return `customer ${b.customer} does not exist`;
        if (!e.assets.find(b.asset)) return `asset ${b.asset} does not exist`;
        if (b.kind === 'debt' && (b.expires_at !== undefined && b.expires_at !== null)) return 'a debt does not expire';
        const expires = parseTimestampField(b.expires_at ?? null, 'expires_at', e.now());
        if (expires !== null && expires <= e.now()) return `expires_at ${iso(expires)} is past: the credit would expire at once`;
        return null;
      }
      case 'usage':
        return this.usageTarget(row as Rows['usage']).reason;
    }
    return null;
  }

  /** The imported subscription's current segment and the charge a usage row feeds, or why not. */
  private usageTarget(u: Rows['usage']): { reason: string; seg?: undefined; charge?: undefined; sub?: undefined } | { reason: null; seg: PeriodRow; charge: CompiledCharge; sub: SubscriptionRow } {
    const e = this.engine;
    const now = e.now();
    const sub = e.store.getSubscription(u.subscription);
    if (!sub) return { reason: `subscription ${u.subscription} does not exist` };
    if (sub.status !== 'active' || sub.started_at > now) return { reason: `subscription ${u.subscription} is ${sub.status === 'active' ? 'not started yet' : sub.status}: it has no current period` };
    const row = e.store.getPeriodAt(sub.id, now);
    if (!row || row.opened_at === null || row.status !== 'open') return { reason: `subscription ${u.subscription} has no open current period` };
    const seg = e.subscriptions.segment(row.id);
    const plan = e.plans.byId(seg.plan_id);
    const wanted = u.filters ? canonicalJson(u.filters) : null;
    const charge = plan.charges.find((c) => c.metric.code === u.metric && (c.definition.filters ? canonicalJson(c.definition.filters) : null) === wanted);
    if (!charge) return { reason: `plan ${plan.row.code} has no charge for metric ${u.metric}${wanted ? ` with filters ${wanted}` : ' without filters'}` };
    // has() reads without caching: an entry cached here would survive a rollback of this file.
    if (e.usage.has(seg.id, charge.id)) {
      const entry = e.usage.get(seg.id, charge.id);
      if (entry.usage.events > 0 || entry.usage.units.c !== 0n || entry.billed !== 0n) return { reason: `the current period of ${u.subscription} has usage for ${u.metric} already (events arrived since the subscription was imported)` };
    }
    const agg = charge.metric.aggregation;
    if (agg === 'weighted_sum') return { reason: `${u.metric} is a weighted_sum metric: it is priced from the period's events in time order, so an opening quantity cannot be carried` };
    if (charge.spec.model === 'percentage' && charge.spec.properties.hasFreeUnits) return { reason: `the percentage charge of ${u.metric} has free units, which follow the period's first events: an opening total cannot carry them` };
    if (agg === 'unique_count') {
      if (!u.unique_values) return { reason: `${u.metric} is a unique_count metric: give unique_values (the distinct values counted so far), or a repeated value would be counted twice` };
      if (new Set(u.unique_values).size !== u.unique_values.length) return { reason: 'unique_values lists a value twice' };
      if (dec(u.units).c !== 0n && toText(dec(u.units)) !== String(u.unique_values.length)) return { reason: `units ${u.units} disagrees with the ${u.unique_values.length} unique_values` };
    } else if (u.unique_values) return { reason: `unique_values is only for unique_count metrics (${u.metric} is ${agg})` };
    if (u.amount !== undefined && charge.spec.model !== 'dynamic') return { reason: 'amount is only for dynamic charges' };
    if (!isDecimalText(String(u.units)) && !/e/i.test(String(u.units))) return { reason: `units ${u.units} is not a number` };
    return { reason: null, seg, charge, sub };
  }

  // ---------------------------------------------------------------- applying
  /** Applies one validated row; returns what it became (for the import record). */
  private apply<K extends ImportKind>(kind: K, row: Rows[K], audit: ((r: AuditRecord) => void) | null): string | null {
    const e = this.engine;
    switch (kind) {
      case 'settings':
        return this.applySettings(row as Rows['settings']);
      case 'assets': {
        const a = row as Rows['assets'];
        if (!e.assets.find(a.code)) e.assets.create(a);
        return a.code;
      }
      case 'customers': {
        const created = e.customers.create(row as Rows['customers']);
        audit?.({ action: 'customer.create', target: `customer:${created.external_id}`, customerId: e.customers.require(created.external_id).id, after: created });
        return created.external_id;
      }
      case 'metrics':
        return e.metrics.create(row as Rows['metrics']).code;
      case 'plans': {
        const p = e.plans.create(row as Rows['plans']);
        return `${p.code} v${p.version}`;
      }
      case 'subscriptions':
        return this.applySubscription(row as Rows['subscriptions']);
      case 'balances':
        return this.applyBalance(row as Rows['balances']);
      case 'usage':
        return this.applyUsage(row as Rows['usage']);
    }
    return null;
  }

  private applySettings(s: Rows['settings']): string {
    const e = this.engine;
    const { next_invoice_number: next, ...rest } = s;
    const current = e.settingsStore.get() as unknown as Record<string, unknown>;
    const changes: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined) continue;
      if (canonicalJson(k === 'company' ? { ...(current.company as object), ...(v as object) } : v) !== canonicalJson(current[k])) changes[k] = v;
    }
    if (Object.keys(changes).length) e.settingsStore.update(changes as never);
    if (next) {
      const prefix = next.prefix ?? e.settingsStore.get().invoice_prefix;
      const year = next.year ?? new Date(e.now()).getUTCFullYear();
      const key = `invoice_seq:${prefix}:${year}`;
      const issued = Number(e.store.getMeta(key) ?? '0');
      // The sequence holds the last number issued: the next invoice takes it + 1. Never lowered.
      if (next.number - 1 > issued) e.store.setMeta(key, String(next.number - 1));
      return `${key}=${Math.max(issued, next.number - 1)}`;
    }
    return Object.keys(changes).join(', ') || 'unchanged';
  }

  /**
   * The subscription with its original start. Periods the source billed are not billed again: a
   * finalized segment covers [start, current period) (an event dated there is refused, or booked
   * as late usage, as for any finalized period), and the current period's segment is opened
   * without posting what opening posts (the fixed fee in advance, advance charges): the source
   * billed those. What is billed at the period's end (fees in arrears, usage) is Tollgate's.
   */
  private applySubscription(s: Rows['subscriptions']): string {
    const e = this.engine;
    const now = e.now();
    const row = e.subscriptions.create({ customer: s.customer, plan: s.plan, external_id: s.external_id, start_at: s.started_at, billing_time: s.billing_time, carry_usage: s.carry_usage, entitlements: s.entitlements });
    let sub = row;
    if (s.next_plan) {
      e.subscriptions.save({ ...sub, next_plan_id: e.plans.latest(s.next_plan).row.id });
      sub = e.subscriptions.require(sub.id);
    }
    if (sub.started_at <= now) {
      const customer = e.customers.byInternalId(sub.customer_id);
      const p = e.subscriptions.periodOf(sub, customer, now);
      if (sub.started_at < p.startMs) {
        const history = e.subscriptions.insertSegment(sub, sub.plan_id, { startMs: sub.started_at, endMs: p.startMs, index: p.index - 1, fullStartMs: sub.started_at }, sub.started_at, p.startMs);
        const before = { ...history };
        Object.assign(history, { status: 'finalized', opened_at: now, closed_at: now, finalized_at: now, end_reason: 'imported' });
        e.subscriptions.saveSegment(history, before);
      }
      const seg = e.subscriptions.insertSegment(sub, sub.plan_id, p, Math.max(p.startMs, sub.started_at), p.endMs);
      const before = { ...seg };
      seg.opened_at = now;
      e.subscriptions.saveSegment(seg, before);
    }
    e.ctx.emit({ type: 'subscription', customer: s.customer, id: sub.id });
    return sub.id;
  }

  /** An opening balance: a credit lot funded from the funding (paid) or grants account, or a debt on the receivable. */
  private applyBalance(b: Rows['balances']): string {
    const e = this.engine;
    const now = e.now();
    const customer = e.customers.require(b.customer);
    e.assets.require(b.asset);
    const { books } = e.ctx;
    const ws = books.wallet(customer.id, b.asset);
    e.authorizations.applyDeadlines(ws);
    const ref = `import ${b.reference}`;
    let target: string;
    if (b.kind === 'debt') {
      // Owed to the operator: booked on the receivable against the adjustments account, never drawn from credit.
      consume(books, ws, b.amount, books.systemAccount(b.asset, 'adjustments'), { kind: 'adjustment', ref }, { stack: false, now, useCredit: false });
      target = `debt ${b.amount}`;
    } else {
      const from = books.systemAccount(b.asset, b.kind === 'paid' ? 'funding' : 'grants');
      const expiresAt = parseTimestampField(b.expires_at ?? null, 'expires_at', now);
      const { lot } = credit(books, ws, b.amount, from, { kind: b.kind, source: 'import', sourceId: b.reference, priority: b.priority ?? DEFAULT_PRIORITY, expiresAt }, { kind: b.kind === 'paid' ? 'top_up' : 'grant', ref }, now);
      target = `lot ${lot.id}`;
    }
    e.ctx.emit({ type: 'balance', customer: customer.external_id, id: customer.external_id, asset: b.asset });
    return target;
  }

  /**
   * Opening usage of the current period: the charge's usage state starts where the source's is, so
   * the next event prices from there (tiers, volume, unique values continue). The source billed it:
   * its price is the segment's baseline, never posted here.
   */
  private applyUsage(u: Rows['usage']): string {
    const e = this.engine;
    const target = this.usageTarget(u);
    if (target.reason !== null) fail('invalid_state', target.reason);
    const { seg, charge } = target;
    const entry = e.usage.has(seg.id, charge.id) ? e.usage.get(seg.id, charge.id) : { ...emptyEntry(seg.id, charge.id), priced: priceOf(charge, emptyUsage()) };
    let units = dec(u.units);
    if (charge.metric.aggregation === 'unique_count') {
      for (const v of u.unique_values!) e.store.addUniqueValue(seg.id, charge.id, v);
      units = dec(u.unique_values!.length);
    }
    const usage = { ...emptyUsage(), units, events: u.events ?? 0, amountSum: u.amount !== undefined ? dec(u.amount) : emptyUsage().amountSum };
    const latestAt = charge.metric.aggregation === 'latest' ? (parseTimestampField(u.latest_at ?? null, 'latest_at', e.now()) ?? seg.start_at) : null;
    const priced = priceOf(charge, usage);
    e.usage.put({
      ...entry,
      usage,
      start: usage,
      startValues: charge.metric.aggregation === 'unique_count' ? [...u.unique_values!] : null,
      latestAt,
      priced,
      baseline: priced - entry.billed,
    });
    return `period ${seg.id} charge ${charge.id}: ${toText(units)} units, baseline ${priced}`;
  }
}


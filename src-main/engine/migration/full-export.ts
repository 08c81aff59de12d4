import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { z } from 'zod';
import type { CreateFullExport, FullExportResult } from '../../../shared/contract/migration';
import type { Invoice } from '../../../shared/contract/invoicing';
import { openDatabase } from '../../storage/database';
import { lockDataDir } from '../../storage/lock';
import { migrate } from '../../storage/migrate';
import { LATEST_VERSION, MIGRATIONS } from '../../storage/migrations';
import { Store } from '../../storage/store';
import type { Engine } from '../engine';
import { fail } from '../errors';
import { csvField, invoicesCsv } from '../invoicing/exports';

export const EXPORT_FORMAT = 'tollgate-export';
const EXPORT_VERSION = 1;

interface Manifest {
  format: typeof EXPORT_FORMAT;
  version: number;
  schema_version: number;
  tollgate_version: string;
  exported_at: string;
  tables: { table: string; rows: number; file: string; sha256: string; columns: string[] }[];
}

/** A cell as written: integers as strings (never a float), blobs as `{"base64": ...}`. */
function cellOut(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v;
  if (Buffer.isBuffer(v)) return { base64: v.toString('base64') };
  return v;
}

function cellIn(v: unknown, type: string, where: string): unknown {
  if (v === null) return null;
  if (type.includes('INT')) {
    if (typeof v !== 'string' || !/^-?\d+$/.test(v)) throw new Error(`${where}: expected an integer as a string`);
    return BigInt(v);
  }
  if (type === 'BLOB') {
    if (!v || typeof v !== 'object' || typeof (v as { base64?: unknown }).base64 !== 'string') throw new Error(`${where}: expected {"base64": ...}`);
    return Buffer.from((v as { base64: string }).base64, 'base64');
  }
  if (type === 'REAL') return Number(v);
  if (typeof v !== 'string') throw new Error(`${where}: expected text`);
  return v;
}

const csv = (fields: (string | null)[]) => fields.map(csvField).join(',') + '\r\n';

/**
 * Everything, to a folder: every table as JSON lines (one object per row, every column, integers
 * as strings), a manifest with row counts and SHA-256 of each file, and CSV of the transfers and
 * the invoices for people. Read in one synchronous pass between writer flushes, so the files are
 * one consistent state. The folder holds API key hashes and the session secret: keep it private.
 */
export function exportFull(engine: Engine, input: z.output<typeof CreateFullExport>, version: string): z.output<typeof FullExportResult> {
  const now = engine.now();
  const stamp = new Date(now).toISOString();
  const folder = input.folder ?? join(engine.dataDir, 'exports', `full-${stamp.replace(/[:.]/g, '-')}`);
  if (!isAbsolute(folder)) fail('validation_failed', 'folder must be an absolute path.', { issues: [{ path: ['folder'], message: 'not absolute' }] });
  if (existsSync(folder) && readdirSync(folder).length > 0) fail('validation_failed', `${folder} is not empty: export into a new or empty folder.`, { issues: [{ path: ['folder'], message: 'not empty' }] });
  mkdirSync(folder, { recursive: true });
  const store = engine.store;
  const tables: Manifest['tables'] = [];
  const files: string[] = [];
  for (const table of store.tableNames()) {
    const columns = store.tableColumns(table).map((c) => c.name);
    const file = `${table}.jsonl`;
    const hash = createHash('sha256');
    const chunks: string[] = [];
    let rows = 0;
    for (const r of store.iterateTable(table)) {
      const o: Record<string, unknown> = {};
      columns.forEach((c, i) => (o[c] = cellOut(r[i])));
      const line = JSON.stringify(o) + '\n';
      hash.update(line);
      chunks.push(line);
      rows++;
    }
    writeFileSync(join(folder, file), chunks.join(''));
    tables.push({ table, rows, file, sha256: hash.digest('hex'), columns });
    files.push(join(folder, file));
  }

  // For people: the ledger and the invoices as CSV.
  let transfersCsv = csv(['id', 'created_at', 'effective_at', 'asset', 'debit_account', 'credit_account', 'amount', 'phase', 'kind', 'lot_id', 'authorization_id', 'event_id', 'charge_id', 'period_id', 'ref', 'rate']);
  const accounts = new Map(store.listAllAccounts().map((a) => [a.id, a]));
  const phase = ['posted', 'pending', 'released'];
  for (const t of store.iterateTransfers()) {
    transfersCsv += csv([
      String(t.id),
      new Date(t.created_at).toISOString(),
      new Date(t.effective_at).toISOString(),
      accounts.get(t.debit_account_id)?.asset ?? null,
      engine.views.accountName(t.debit_account_id).name,
      engine.views.accountName(t.credit_account_id).name,
      t.amount.toString(),
      phase[t.phase] ?? String(t.phase),
      t.kind,
      t.lot_id === null ? null : String(t.lot_id),
      t.authorization_id,
      t.event_id === null ? null : String(t.event_id),
      t.charge_id === null ? null : String(t.charge_id),
      t.period_id === null ? null : String(t.period_id),
      t.ref,
      t.rate,
    ]);
  }
  writeFileSync(join(folder, 'transfers.csv'), transfersCsv);
  const invoices: z.output<typeof Invoice>[] = [];
  let cursor: string | undefined;
  do {
    const page = engine.invoices.list({ limit: 500, cursor });
    invoices.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  writeFileSync(join(folder, 'invoices.csv'), invoicesCsv(invoices));
  files.push(join(folder, 'transfers.csv'), join(folder, 'invoices.csv'));
  const numbers = join(engine.dataDir, 'invoice-numbers.json');
  if (existsSync(numbers)) {
    copyFileSync(numbers, join(folder, 'invoice-numbers.json'));
    files.push(join(folder, 'invoice-numbers.json'));
  }
  const schemaVersion = Number(engine.db.pragma('user_version', { simple: true }));
  const manifest: Manifest = { format: EXPORT_FORMAT, version: EXPORT_VERSION, schema_version: schemaVersion, tollgate_version: version, exported_at: stamp, tables };
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  files.push(join(folder, 'manifest.json'));
  return { folder, format: EXPORT_FORMAT, schema_version: schemaVersion, exported_at: stamp, tables: tables.map(({ columns: _c, ...t }) => t), files };
}

export function isFullExport(folder: string): boolean {
  try {
    return (JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { format?: string }).format === EXPORT_FORMAT;
  } catch {
    return false;
  }
}

export interface RestoreReport {
  data_dir: string;
  schema_version: number;
  tables: number;
  rows: number;
}

/**
 * Rebuilds a data dir from a full export: a new database migrated to the export's schema version,
 * every row inserted as exported in ONE transaction (foreign keys checked at its end), then the
 * later migrations of this build. The target must be empty: restoring never merges. The caller
 * opens an engine on it and runs the ledger check.
 */
export function restoreExport(folder: string, dataDir: string): RestoreReport {
  if (!isFullExport(folder)) throw new Error(`${folder} is not a full Tollgate export (no manifest.json of format ${EXPORT_FORMAT}).`);
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as Manifest;
  if (manifest.version !== EXPORT_VERSION) throw new Error(`Export format version ${manifest.version} is not supported (this build reads ${EXPORT_VERSION}).`);
  if (manifest.schema_version > LATEST_VERSION) throw new Error(`The export comes from a newer Tollgate (schema ${manifest.schema_version}; this build knows up to ${LATEST_VERSION}). Upgrade Tollgate first.`);
  if (existsSync(dataDir) && readdirSync(dataDir).length > 0) throw new Error(`${dataDir} is not empty: restore into a new or empty data dir (a restore never merges into existing data).`);
  // Every file is checked before anything is written.
  for (const t of manifest.tables) {
    const sha = createHash('sha256').update(readFileSync(join(folder, t.file))).digest('hex');
    if (sha !== t.sha256) throw new Error(`${t.file} does not match the manifest (SHA-256 ${sha}, expected ${t.sha256}): the export is damaged.`);
  }
  mkdirSync(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir);
  const db = openDatabase(join(dataDir, 'tollgate.db'), { synchronous: 'FULL' });
  let rows = 0;
  try {
    migrate(db, null, MIGRATIONS.filter((m) => m.version <= manifest.schema_version));
    const store = new Store(db);
    const known = new Set(store.tableNames());
    store.beginBatch();
    try {
      db.pragma('defer_foreign_keys = ON');
      for (const t of manifest.tables) {
        if (!known.has(t.table)) throw new Error(`table ${t.table} of the export does not exist in schema ${manifest.schema_version}`);
        const types = new Map(store.tableColumns(t.table).map((c) => [c.name, c.type]));
        if (store.countRows(t.table) > 0) throw new Error(`table ${t.table} is not empty after migrating: cannot restore into it`);
        const text = readFileSync(join(folder, t.file), 'utf8');
        let line = 0;
        for (const raw of text.split('\n')) {
          line++;
          if (!raw) continue;
          const o = JSON.parse(raw) as Record<string, unknown>;
          const columns = Object.keys(o);
          for (const c of columns) if (!types.has(c)) throw new Error(`${t.file} line ${line}: column ${c} does not exist in ${t.table}`);
          store.insertRawRow(t.table, columns, columns.map((c) => cellIn(o[c], types.get(c)!, `${t.file} line ${line} ${c}`)));
          rows++;
        }
      }
      store.commitBatch();
    } catch (err) {
      store.rollbackBatch();
      throw err;
    }
    migrate(db, null);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
    lock.release();
  }
  if (existsSync(join(folder, 'invoice-numbers.json'))) copyFileSync(join(folder, 'invoice-numbers.json'), join(dataDir, 'invoice-numbers.json'));
  return { data_dir: dataDir, schema_version: manifest.schema_version, tables: manifest.tables.length, rows };
}

import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { nativeBindingOption, openDatabase } from '../storage/database';
import { lockDataDir } from '../storage/lock';
import { LATEST_VERSION, SchemaTooNewError } from '../storage/migrate';
import { fsyncDir, fsyncFile, sha256File, verifyDatabaseFile } from './backup-job';
import { Backups, emptyRecord, type BackupSettings, stamp } from './backups';
import { Engine } from './engine';
import { iso } from './format';

export class RestoreError extends Error {
  override name = 'RestoreError';
}

export interface RestoreOptions {
  /** The backup file to restore. */
  backupFile: string;
  dataDir: string;
  /** Restore even when the backup's ledger check finds problems (its SQLite integrity must still be ok). */
  force?: boolean;
  now?: number;
}

export interface RestoreReport {
  restored_from: string;
  sha256: string;
  backup_schema_version: number;
  schema_version: number;
  /** The copy of the database that was replaced (a file, or a folder of its raw files if it could not be opened). */
  pre_restore_copy: string | null;
  /** The last number issued per sequence after the restore: the next one continues from here. */
  sequences: Record<string, number>;
  ledger_ok: boolean;
  ledger_problems: number;
  audited: boolean;
}

const NUMBERS_FILE = 'invoice-numbers.json';
/** Meta keys that hold the last number issued of a document sequence (invoices, receipts). */
const SEQUENCE_KEY = /_seq:/;

/**
 * `tollgate restore <backup-file> --data-dir <dir>`: puts a backup in place of the data dir's
 * database. The engine must be stopped (the data-dir lock is taken, so a running engine makes this
 * refuse). The backup is checked first (integrity and ledger); the current database is kept as a
 * `pre-restore-*.db` copy in the backup folder; then numbering is carried over so that no invoice
 * (or receipt) number is ever issued twice: each sequence continues from the highest of the
 * restored database, the replaced database and `invoice-numbers.json` (kept beside the database
 * by invoicing). Finally the engine opens the restored database once (migrating a backup from an
 * older version), the restore is recorded, and the ledger check runs.
 */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreReport> {
  const backup = resolve(opts.backupFile);
  const dataDir = resolve(opts.dataDir);
  const now = opts.now ?? Date.now();
  if (!existsSync(backup)) throw new RestoreError(`There is no backup at ${backup}.`);

  // 1. The backup is checked before anything is touched.
  let check;
  try {
    check = verifyDatabaseFile(backup, now);
  } catch (err) {
    throw new RestoreError(`${backup} is not a Tollgate database: ${(err as Error).message}`);
  }
  if (check.schema_version > LATEST_VERSION) throw new SchemaTooNewError(check.schema_version, LATEST_VERSION);
  if (check.schema_version === 0) throw new RestoreError(`${backup} holds no Tollgate schema (user_version 0).`);
  if (check.integrity !== 'ok') throw new RestoreError(`${backup} is damaged (integrity_check: ${check.integrity}); nothing was changed.`);
  if (!check.ledger_ok && !opts.force) {
    throw new RestoreError(`The ledger check of ${backup} found ${check.ledger_problems} problem(s) (first: ${check.ledger_first_problem}); nothing was changed. Pass --force to restore it anyway.`);
  }
  const sha256 = sha256File(backup);

  // 2. One engine per data dir: a running engine (or another restore) makes this refuse.
  mkdirSync(dataDir, { recursive: true });
  const lock = lockDataDir(dataDir, nativeBindingOption().nativeBinding);
  const dbFile = join(dataDir, 'tollgate.db');
  const sequences: Record<string, number> = {};
  const raise = (key: string, n: number) => {
    if (Number.isFinite(n) && n > (sequences[key] ?? 0)) sequences[key] = n;
  };
  let backupDir = join(dataDir, 'backups');
  let preRestore: string | null = null;
  try {
    // 3. What was issued so far: the file beside the database, and the current database.
    for (const [k, v] of Object.entries(readNumbersFile(dataDir))) raise(k, Number(v));
    if (existsSync(dbFile)) {
      const tag = `pre-restore-${stamp(now)}`;
      try {
        const current = openDatabase(dbFile);
        try {
          for (const r of current.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]) {
            if (SEQUENCE_KEY.test(r.key)) raise(r.key, Number(r.value));
            if (r.key === 'backup_settings') backupDir = (JSON.parse(r.value) as Partial<BackupSettings>).dir ?? backupDir;
          }
          mkdirSync(backupDir, { recursive: true });
          preRestore = join(backupDir, `${tag}.db`);
          current.prepare('VACUUM INTO ?').run(preRestore);
        } finally {
          current.close();
        }
      } catch {
        // The current database cannot be read (that may be why it is being restored): keep its raw files.
        mkdirSync(backupDir, { recursive: true });
        preRestore = join(backupDir, tag);
        mkdirSync(preRestore, { recursive: true });
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(dbFile + suffix)) copyFileSync(dbFile + suffix, join(preRestore, `tollgate.db${suffix}`));
      }
      if (preRestore.endsWith('.db')) fsyncFile(preRestore);
      fsyncDir(backupDir);
    }

    // 4. The backup goes in place, whole or not at all.
    const incoming = `${dbFile}.restoring`;
    copyFileSync(backup, incoming);
    fsyncFile(incoming);
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(dbFile + suffix, { force: true });
    renameSync(incoming, dbFile);
    fsyncDir(dataDir);

    // 5. Numbering continues from the highest number ever issued.
    const db = new Database(dbFile, nativeBindingOption());
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      for (const r of db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]) if (SEQUENCE_KEY.test(r.key)) raise(r.key, Number(r.value));
      const set = db.prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
      db.transaction(() => {
        for (const [k, v] of Object.entries(sequences)) set.run(k, String(v));
        set.run('last_restore', JSON.stringify({ at: iso(now), from: backup, sha256, pre_restore_copy: preRestore, sequences }));
      }).immediate();
    } finally {
      db.close();
    }
    writeNumbersFile(dataDir, sequences);
  } finally {
    lock.release();
  }

  // 6. Open once: migrations for a backup of an older version, the record, the ledger check.
  const engine = Engine.open({ dataDir, timers: false });
  let audited = false;
  try {
    // ---------------------------------------------------------------- AUDIT CALL SITE: "restore"
    // The restore is recorded in the audit log (action "restore", by the OS user who ran the
    // command, door "system"), in the restored database, through the writer like any change.
    const user = safeUser();
    await engine.writer.run(() =>
      engine.audit.record(
        { door: 'system', keyId: null, keyName: null, osUser: user, remoteAddress: null, requestId: null },
        {
          action: 'restore',
          target: `backup:${backup}`,
          customerId: null,
          before: preRestore ? { pre_restore_copy: preRestore } : null,
          after: { restored_from: backup, sha256, schema_version: check.schema_version, sequences },
          reason: null,
        },
      ),
    );
    audited = true;
    // ---------------------------------------------------------------- end of the audit call site
    const report = engine.verify();
    if (preRestore) {
      const file = preRestore.replace(/^.*[\\/]/, '');
      Backups.recordExternal(backupDir, emptyRecord('pre-restore', file, preRestore, now, { finished_at: iso(Date.now()) }));
    }
    return {
      restored_from: backup,
      sha256,
      backup_schema_version: check.schema_version,
      schema_version: engine.db.pragma('user_version', { simple: true }) as number,
      pre_restore_copy: preRestore,
      sequences,
      ledger_ok: report.ok,
      ledger_problems: report.problems.length,
      audited,
    };
  } finally {
    await engine.close();
  }
}

function readNumbersFile(dataDir: string): Record<string, number> {
  try {
    return JSON.parse(readFileSync(join(dataDir, NUMBERS_FILE), 'utf8')) as Record<string, number>;
  } catch {
    return {};
  }
}

/** invoice-numbers.json holds every document sequence (invoices, receipts, credit notes); it only ever goes up. */
function writeNumbersFile(dataDir: string, sequences: Record<string, number>): void {
  const all = readNumbersFile(dataDir);
  let changed = false;
  for (const [k, v] of Object.entries(sequences)) {
    if (!SEQUENCE_KEY.test(k) || (all[k] ?? 0) >= v) continue;
    all[k] = v;
    changed = true;
  }
  if (!changed) return;
  const file = join(dataDir, NUMBERS_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(all, null, 2), { flush: true });
  renameSync(`${file}.tmp`, file);
  fsyncDir(dataDir);
}

export function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

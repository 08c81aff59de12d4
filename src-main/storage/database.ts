import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;
export type Synchronous = 'FULL' | 'NORMAL';

export interface OpenOptions {
  /** `FULL` (default): a reply is sent only after the WAL is fsynced. `NORMAL`: faster; a power loss may drop the last commits (never corrupts). */
  synchronous?: Synchronous;
  readonly?: boolean;
}

/**
 * Inside Electron, better-sqlite3 must be a build for Electron's ABI, which `npm start` prepares in
 * `.electron-native/` (and packaging ships as an extra resource). Under plain Node the default build
 * in node_modules is used, so tests and serve mode never depend on Electron.
 */
export function electronNativeBinding(): string | undefined {
  if (!process.versions.electron) return undefined;
  const candidates = [
    process.env.TOLLGATE_SQLITE_BINDING,
    (process as { resourcesPath?: string }).resourcesPath && join((process as { resourcesPath?: string }).resourcesPath!, 'better_sqlite3.node'),
    join(process.cwd(), '.electron-native', 'better_sqlite3.node'),
  ];
  return candidates.find((p): p is string => !!p && existsSync(p));
}

/** Options for any other better-sqlite3 connection (backups, restore): the Electron build when inside Electron. */
export function nativeBindingOption(): { nativeBinding?: string } {
  const nativeBinding = electronNativeBinding();
  return nativeBinding ? { nativeBinding } : {};
}

export function openDatabase(file: string, options: OpenOptions = {}): Db {
  const nativeBinding = electronNativeBinding();
  const db = new Database(file, { readonly: options.readonly ?? false, ...(nativeBinding ? { nativeBinding } : {}) });
  if (!options.readonly) {
    db.pragma('journal_mode = WAL');
  }
  db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // Zero deleted and moved content whenever that costs no extra I/O, so an erased customer's values
  // are not left behind in unused parts of pages (an erasure turns it fully on while it runs).
  db.pragma('secure_delete = FAST');
  db.pragma('busy_timeout = 5000');
  // A long reader (a backup, a verify) must not let the WAL grow without bound; checkpoint often.
  db.pragma('wal_autocheckpoint = 4000');
  // After a checkpoint the WAL file is cut back to 64 MiB, so a burst does not leave a huge file.
  db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`);
  // 8 MiB of pages per connection. The operating system caches the file as well, so a page SQLite
  // dropped costs a read from memory, not from disk: 64, 32, 16 and 8 MiB ingested a 300,000-event
  // batch load at the same rate, and a billing run of 10,000 subscriptions took 9.0–11.9 s with
  // 8 MiB against 10.4–11.9 s with 16 MiB (three runs each, alternated). Each halving takes its
  // size off the process's RSS (16 → 8 MiB: 12–18 MiB less after a batch load).
  db.pragma('cache_size = -8192');
  db.pragma('temp_store = MEMORY');
  return db;
}

/** Error codes SQLite reports when the disk or the file cannot take writes: the caller gets 503, nothing is half written. */
const STORAGE_CODES = new Set(['SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_CORRUPT', 'SQLITE_NOTADB', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

export function isStorageFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  if (typeof code !== 'string') return false;
  for (const c of STORAGE_CODES) if (code === c || code.startsWith(c + '_')) return true;
  return false;
}

/** A sentence for the operator (health, the console) about a storage failure's SQLite code. */
export function describeStorageFailure(code: string | undefined): string {
  const c = code ?? '';
  const tail = 'Writes are refused (503 storage_unavailable) and nothing is half written; reads still work. Service resumes by itself once a write succeeds again.';
  if (c.startsWith('SQLITE_FULL')) return `The disk holding the database is full (${c}). Free some space. ${tail}`;
  if (c.startsWith('SQLITE_READONLY')) return `The database is read-only (${c}): a read-only mount, file permissions, or a disk the operating system switched to read-only. ${tail}`;
  if (c.startsWith('SQLITE_IOERR')) return `The disk returned an I/O error (${c}): it may be failing, full, or remounted read-only by the operating system. Check the system log. ${tail}`;
  if (c.startsWith('SQLITE_CANTOPEN')) return `A database file cannot be opened for writing (${c}): check the data dir's permissions and mount. ${tail}`;
  if (c.startsWith('SQLITE_BUSY') || c.startsWith('SQLITE_LOCKED')) return `The database is locked by another process (${c}). ${tail}`;
  return `The database cannot take writes (${c || 'unknown error'}). ${tail}`;
}

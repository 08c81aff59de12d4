import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(readonly dataDir: string, readonly holder: string) {
    super(`Another Tollgate engine is already using the data dir ${dataDir} (${holder}). Stop it first, or start this one with a different --data-dir.`);
  }
}

export interface DataDirLock {
  release(): void;
}

/**
 * One engine per data dir. The lock is an exclusive SQLite lock on `engine.lock`, which is an
 * OS-level file lock: the kernel drops it when the process dies, even by SIGKILL, so there is no
 * stale lock to clean up after a crash and no PID reuse to be fooled by. `engine.pid` only says who
 * holds it, for the message.
 */
export function lockDataDir(dataDir: string, nativeBinding?: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'engine.lock');
  const pidFile = join(dataDir, 'engine.pid');
  const db = new Database(lockFile, nativeBinding ? { nativeBinding } : {});
  try {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') {
      let holder = 'unknown process';
      try {
        holder = readFileSync(pidFile, 'utf8').trim();
      } catch {
        /* the other engine has not written it yet */
      }
      throw new DataDirLockedError(dataDir, holder);
    }
    throw err;
  }
  writeFileSync(pidFile, `pid ${process.pid} on ${hostname()} since ${new Date().toISOString()}\n`);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    },
  };
}

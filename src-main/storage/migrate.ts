import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from './database';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations';
import { SchemaTooNewError } from './schema-too-new';

export { SchemaTooNewError };

export interface MigrationReport {
  from: number;
  to: number;
  backup: string | null;
}

/**
 * Brings the database to LATEST_VERSION. Each migration runs in its own transaction together with
 * the version bump, so a crash leaves the database at a whole version. A database that already
 * holds data is copied to `backupDir` first (VACUUM INTO: a consistent, compact copy).
 */
export function migrate(db: Db, backupDir: string | null, migrations: readonly Migration[] = MIGRATIONS, now = Date.now()): MigrationReport {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) throw new SchemaTooNewError(from, latest);
  if (from === latest) return { from, to: from, backup: null };

  let backup: string | null = null;
  if (from > 0 && backupDir) {
    mkdirSync(backupDir, { recursive: true });
    backup = join(backupDir, `pre-migration-v${from}-to-v${latest}-${new Date(now).toISOString().replace(/[:.]/g, '-')}.db`);
    // Written under a temporary name and renamed once whole: a crash during the copy must not
    // leave a truncated file that looks like a backup.
    const partial = `${backup}.partial`;
    // What an earlier crash left half written goes.
    for (const name of readdirSync(backupDir)) if (name.startsWith('pre-migration-') && name.endsWith('.db.partial')) rmSync(join(backupDir, name), { force: true });
    db.prepare('VACUUM INTO ?').run(partial);
    const fd = openSync(partial, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(partial, backup);
  }
  for (const m of migrations) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return { from, to: latest, backup };
}

export { LATEST_VERSION };

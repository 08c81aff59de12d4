import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Engine } from '../engine';
import { createHandlers } from '../handlers';
import { safeUser } from '../restore';
import { isFullExport, restoreExport } from './full-export';
import { MOVE_USAGE } from './usage';


/**
 * `tollgate import`: the same work as POST /v1/imports, on a data dir no engine is running on
 * (`tollgate export` is in cli.ts). Prints the report as JSON; exits 0 when everything went in and
 * the ledger check passes, 2 otherwise.
 */
export async function moveCommand(command: 'import', folderArg: string | undefined, o: { dataDir: string; dryRun: boolean; source?: string; overdraftLimit?: string }): Promise<number> {
  const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');
  if (!folderArg) {
    process.stderr.write(`tollgate ${command}: give a folder.\n${MOVE_USAGE}\n`);
    return 2;
  }
  const folder = resolve(folderArg);
  if (isFullExport(folder)) {
    if (o.dryRun) {
      process.stderr.write('A full export is restored whole into an empty data dir; there is nothing to dry-run.\n');
      return 2;
    }
    const restored = restoreExport(folder, o.dataDir);
    const engine = Engine.open({ dataDir: o.dataDir, timers: false });
    const verify = engine.verify();
    await engine.close();
    out({ restored, ledger: verify });
    return verify.ok ? 0 : 2;
  }
  // A dry run writes nothing: against a data dir with no database yet (nothing to import into but
  // an empty one), it runs on a scratch copy of empty, removed after, instead of creating one there.
  const scratch = o.dryRun && !existsSync(join(o.dataDir, 'tollgate.db')) ? mkdtempSync(join(tmpdir(), 'tollgate-dry-run-')) : null;
  const engine = Engine.open({ dataDir: scratch ?? o.dataDir, timers: false });
  try {
    if (engine.initialAdminKey && !scratch) process.stderr.write(`New data dir ${o.dataDir}: admin API key (shown once; store it now):\n  ${engine.initialAdminKey}\n`);
    const source = o.source as 'auto' | 'tollgate' | 'lago' | 'stripe' | undefined;
    // Through the same handler as POST /v1/imports, so the audit log has the run and each customer
    // it created, by the OS user who ran the command.
    const call = { door: 'system' as const, keyId: null, keyName: null, osUser: safeUser(), remoteAddress: null, requestId: `cli-${randomUUID()}` };
    const report = await createHandlers(engine).createImport({ folder, source, dry_run: o.dryRun, ...(o.overdraftLimit !== undefined ? { overdraft_limit: o.overdraftLimit } : {}) }, call);
    out(report);
    for (const e of report.errors) process.stderr.write(`${e.file}:${e.line}: ${e.key ? `${e.key}: ` : ''}${e.reason}\n`);
    return report.ok ? 0 : 2;
  } finally {
    await engine.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

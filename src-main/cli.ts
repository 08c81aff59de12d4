import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { KEY_FORMAT, KEY_RE } from './key-format';
import { applyMemoryPolicy, DOOR_THREAD_LIMITS } from './runtime/memory-policy';
import type { DoorOptions, ToDoor } from './runtime/serve-door-protocol';
import { defaultDataDir } from './paths';
import { MOVE_USAGE } from './engine/migration/usage';

const USAGE = `Usage: tollgate serve [--data-dir DIR] [--port 8787] [--host 127.0.0.1] [--synchronous FULL|NORMAL]
                      [--tls-cert FILE --tls-key FILE | --insecure-http] [--public-host NAME]...
       tollgate verify [--data-dir DIR]
       tollgate restore <backup-file> [--data-dir DIR] [--force]
${MOVE_USAGE}

serve    Start the engine and the HTTP API (and the console at /) without Electron.
         Binding beyond loopback needs TLS (--tls-cert and --tls-key, PEM files) or, behind a
         TLS reverse proxy, --insecure-http. --public-host adds a Host name the console may be
         reached at (the proxy's name, e.g. billing.example.com).
verify   Run the ledger check on a data dir (the engine must not be running on it).
restore  Put a backup in place of the data dir's database (the engine must be stopped). The
         backup is checked first, the current database is kept as a pre-restore copy in the
         backup folder, and invoice numbering continues after the highest number ever issued.
         --force restores a backup whose ledger check finds problems.

Environment: TOLLGATE_ADMIN_KEY=tg_<id>_<secret> sets the admin key instead of minting one
             (<id>: 8-32 lowercase letters or digits; <secret>: 16-128 of A-Z a-z 0-9 _ -);
             TOLLGATE_DATA_DIR sets the default data dir.`;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Checked before the engine starts, so a wrong TOLLGATE_ADMIN_KEY is one line, not a stack. */
const ADMIN_KEY_FORMAT = `tollgate: TOLLGATE_ADMIN_KEY must look like ${KEY_FORMAT} (or unset it: serve mode mints an admin key on an empty data dir).`;

/**
 * Opens the engine for an offline command (loaded only then: see main). A data dir another engine
 * holds, or a database from a newer Tollgate, is one line naming the command.
 */
async function openOffline(command: string, dataDir: string, whenLocked: string) {
  const { Engine } = await import('./engine/engine');
  const { DataDirLockedError } = await import('./storage/lock');
  const { SchemaTooNewError } = await import('./storage/schema-too-new');
  try {
    return Engine.open({ dataDir, timers: false });
  } catch (err) {
    if (err instanceof DataDirLockedError) die(`tollgate ${command}: ${err.message} ${whenLocked}`);
    if (err instanceof SchemaTooNewError) die(`tollgate ${command}: ${err.message}`);
    throw err;
  }
}

/** `tollgate export`: the full export, and a summary on stdout (the details are in the folder's manifest.json). */
async function exportCommand(folderArg: string | undefined, dataDir: string): Promise<never> {
  if (!folderArg) die(`tollgate export: give a folder.\n${MOVE_USAGE}`, 2);
  if (!existsSync(join(dataDir, 'tollgate.db'))) die(`tollgate export: no Tollgate database in ${dataDir} (pass --data-dir, or set TOLLGATE_DATA_DIR).`);
  const engine = await openOffline('export', dataDir, 'A running engine exports with POST /v1/exports/full.');
  let result: ReturnType<typeof engine.portability.exportFull>;
  try {
    result = engine.portability.exportFull({ folder: resolve(folderArg) });
  } catch (err) {
    await engine.close();
    die(`tollgate export: ${(err as Error)?.message ?? String(err)}`);
  }
  await engine.close();
  const rows = result.tables.reduce((n, t) => n + t.rows, 0);
  const filled = result.tables.filter((t) => t.rows > 0).length;
  const n = (x: number) => x.toLocaleString('en-US');
  process.stdout.write(
    `Exported ${dataDir} to ${result.folder}\n` +
      `  ${n(result.tables.length)} tables (${n(filled)} with rows), ${n(rows)} rows as JSON lines; transfers.csv and invoices.csv; ${n(result.files.length)} files in all\n` +
      `  manifest.json lists every file with its row count and SHA-256 (schema ${result.schema_version}, exported ${result.exported_at})\n` +
      `Rebuild a data dir from it: tollgate import ${result.folder} --data-dir <empty dir>\n`,
  );
  process.exit(0);
}

function die(message: string, code = 1): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      synchronous: { type: 'string' },
      'insecure-http': { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'public-host': { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      'overdraft-limit': { type: 'string' },
      force: { type: 'boolean' },
      source: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help) return void process.stdout.write(USAGE + '\n');
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const synchronous = (values.synchronous ?? 'FULL').toUpperCase();
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL') die(`--synchronous must be FULL or NORMAL, got ${values.synchronous}`);

  // The engine's code is loaded only by the commands that open it here: in serve mode the engine
  // runs on its own thread, and this thread (which only passes signals on) keeps a small heap.
  if (command === 'verify') {
    const engine = await openOffline('verify', dataDir, 'The check needs the engine stopped (a running engine checks itself: GET /v1/ledger/verify).');
    const report = engine.verify();
    await engine.close();
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    process.exit(report.ok ? 0 : 2);
  }
  if (command === 'restore') {
    if (!positionals[1]) die('Usage: tollgate restore <backup-file> --data-dir DIR', 2);
    const { restoreBackup } = await import('./engine/restore');
    const { DataDirLockedError } = await import('./storage/lock');
    try {
      const report = await restoreBackup({ backupFile: positionals[1], dataDir, force: values.force ?? false });
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      process.exit(report.ledger_ok ? 0 : 2);
    } catch (err) {
      if (err instanceof DataDirLockedError) die(`tollgate restore: ${err.message} A restore needs the engine stopped.`);
      die(`tollgate restore: ${(err as Error)?.message ?? String(err)}`);
    }
  }
  if (command === 'export') await exportCommand(positionals[1], dataDir);
  if (command === 'import') {
    const { moveCommand } = await import('./engine/migration/commands');
    process.exit(await moveCommand(command, positionals[1], { dataDir, dryRun: values['dry-run'] ?? false, source: values.source, overdraftLimit: values['overdraft-limit'] }).catch((err: unknown) => die(`tollgate ${command}: ${(err as Error)?.message ?? String(err)}`)));
  }
  if (command !== 'serve') die(USAGE, 2);

  const adminKey = process.env.TOLLGATE_ADMIN_KEY || undefined;
  if (adminKey !== undefined && !KEY_RE.test(adminKey)) die(ADMIN_KEY_FORMAT);

  const host = values.host ?? '127.0.0.1';
  const port = values.port === undefined ? 8787 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) die(`--port must be 0-65535, got ${values.port}`);
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) die('--tls-cert and --tls-key go together: the certificate chain and its private key, both PEM files.');
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (values['tls-cert'] && values['tls-key']) {
    try {
      tls = { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']) };
    } catch (err) {
      die(`Cannot read the TLS files: ${(err as Error).message}`);
    }
  }
  if (!LOOPBACK.has(host) && !tls && !values['insecure-http']) {
    die(
      `Binding to ${host} exposes the API beyond this machine, so it needs TLS: pass --tls-cert and --tls-key,\n` +
        `or put Tollgate behind a TLS reverse proxy (see the README) and pass --insecure-http to confirm plain HTTP on ${host}.`,
    );
  }

  // The door (HTTP server, console) runs on its own thread, so its young generation can be
  // limited (src-main/runtime/serve-door.ts says why); this thread passes signals on.
  applyMemoryPolicy();
  const door = new Worker(join(import.meta.dirname, 'serve-door.js'), {
    resourceLimits: DOOR_THREAD_LIMITS,
    workerData: { dataDir, synchronous, adminKey, host, port, tls, publicHosts: values['public-host'] ?? [] } satisfies DoorOptions,
  });
  const stop = (signal: string) => door.postMessage({ t: 'stop', signal } satisfies ToDoor);
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // The door's own exit code is the process's: 0 after a signal, 1 with a message when it cannot start.
  door.on('error', (err) => die(`tollgate: ${err.stack ?? String(err)}`));
  door.on('exit', (code) => process.exit(code));
}

main(process.argv.slice(2)).catch((err: unknown) => die(`tollgate: ${(err as Error)?.stack ?? String(err)}`));

/**
 * Serve mode's door: the HTTP server and the console, on a thread of their own (built to
 * out/main/serve-door.js). The CLI's main thread only parses the arguments, starts this thread
 * and passes signals on.
 *
 * Why a thread and not the main thread: V8 sizes the main thread's young generation before any
 * code of ours runs (16 MB semi-spaces, about 32 MB kept for good once a load has grown them), and
 * only a worker's can be limited (`DOOR_THREAD_LIMITS`). The door allocates a lot of short-lived
 * objects (request bodies, parsed JSON, answers), so its young generation always grows to the cap.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { VERSION } from '../version';
import type { WorkerGateway } from '../engine/worker-gateway';
import { CONSOLE_HEADERS } from '../http/console-headers';
import { startServer } from '../http/server';
import { staticConsole } from '../http/static';
import { DataDirLockedError } from '../storage/lock';
import { SchemaTooNewError } from '../storage/schema-too-new';
import { openEngineThread } from './engine-thread';
import { RotatingLog } from './log-file';
import type { DoorOptions, ToDoor } from './serve-door-protocol';

function die(message: string, code = 1): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}

async function serve(o: DoorOptions): Promise<void> {
  let engine: WorkerGateway;
  try {
    engine = await openEngineThread({ dataDir: o.dataDir, synchronous: o.synchronous, adminKey: o.adminKey, bundleDir: import.meta.dirname });
  } catch (err) {
    if (err instanceof DataDirLockedError || err instanceof SchemaTooNewError) die(err.message);
    throw err;
  }
  const log = new RotatingLog({ dir: join(o.dataDir, 'logs') });
  let server;
  try {
    server = await startServer(engine, {
      port: o.port,
      host: o.host,
      log: (line) => {
        log.write(line);
        if (line.level === 'error') process.stderr.write(`${JSON.stringify(line)}\n`);
      },
      tls: o.tls,
      secureCookies: Boolean(o.tls),
      publicHosts: o.publicHosts,
      extensions: [staticConsole(join(import.meta.dirname, '..', 'renderer'), CONSOLE_HEADERS)],
    });
  } catch (err) {
    await engine.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') die(`Port ${o.port} on ${o.host} is already in use. Stop what holds it or pass --port.`);
    throw err;
  }
  const out = process.stdout;
  out.write(`Tollgate ${VERSION} serving ${server.url}\n`);
  out.write(`  data dir    ${o.dataDir}\n`);
  out.write(`  storage     SQLite WAL, synchronous=${o.synchronous}\n`);
  out.write(`  console     ${server.url}/\n`);
  out.write(`  API doc     ${server.url}/v1/openapi.json\n`);
  out.write(`  metrics     ${server.url}/metrics (Prometheus, a read key)\n`);
  out.write(`  logs        ${join(o.dataDir, 'logs', 'tollgate.log')} (JSON lines, rotated at 10 MiB)\n`);
  if (engine.migration.backup) out.write(`  migrated    v${engine.migration.from} -> v${engine.migration.to} (backup: ${engine.migration.backup})\n`);
  if (engine.initialAdminKey) {
    out.write(`\n  Admin API key (shown once; store it now):\n    ${engine.initialAdminKey}\n\n`);
  }

  let stopping = false;
  parentPort!.on('message', (m: ToDoor) => {
    if (m.t !== 'stop' || stopping) return;
    stopping = true;
    out.write(`\n${m.signal}: finishing in-flight writes…\n`);
    void (async () => {
      await server.close();
      await engine.close();
      log.close();
      process.exit(0);
    })();
  });
}

serve(workerData as DoorOptions).catch((err: unknown) => die(`tollgate: ${(err as Error)?.stack ?? String(err)}`));

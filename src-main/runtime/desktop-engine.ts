/**
 * The desktop app's engine process (an Electron utility process, so a billing run, a large batch
 * or a PDF export never freezes the window). It runs what serve mode runs: the engine on its own
 * thread, the HTTP endpoint local apps post to (and the console at / for a browser), and answers
 * the console's calls that the main process forwards from IPC. Plain Node: no electron import.
 */
import { WorkerGateway } from '../engine/worker-gateway';
import { DataDirLockedError } from '../storage/lock';
import { SchemaTooNewError } from '../storage/migrate';
import { LiveCoalescer } from '../http/live';
import { type RunningServer, startServer } from '../http/server';
import { staticConsole } from '../http/static';
import { CONSOLE_HEADERS } from '../http/console-headers';
import { join } from 'node:path';
import type { FromDesktopEngine, LocalEngineOptions, ToDesktopEngine } from './desktop-protocol';
import { openEngineThread } from './engine-thread';
import { ipcCall } from './ipc-door';
import { restoreBackup } from '../engine/restore';
import { RotatingLog } from './log-file';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parent = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parent) throw new Error('desktop-engine runs as an Electron utility process (process.parentPort is missing)');
const send = (m: FromDesktopEngine) => parent.postMessage(m);

let gateway: WorkerGateway | null = null;
let server: RunningServer | null = null;
let coalescer: LiveCoalescer | null = null;
let osUser = 'desktop';
let log: RotatingLog | null = null;

async function start(o: LocalEngineOptions): Promise<void> {
  osUser = o.osUser;
  try {
    gateway = await openEngineThread({ dataDir: o.dataDir, bundleDir: import.meta.dirname });
  } catch (err) {
    const known = err instanceof DataDirLockedError || err instanceof SchemaTooNewError;
    send({ t: 'fatal', message: known ? (err as Error).message : `The engine could not start: ${(err as Error)?.message ?? String(err)}` });
    return;
  }
  let httpError: string | null = null;
  try {
    log = new RotatingLog({ dir: join(o.dataDir, 'logs') });
    const logTo = log;
    server = await startServer(gateway, { port: o.port, host: o.host, log: (line) => logTo.write(line), extensions: [staticConsole(join(import.meta.dirname, '..', 'renderer'), CONSOLE_HEADERS)] });
  } catch (err) {
    // The console still works over IPC; local apps cannot reach this engine until the port is changed.
    const code = (err as NodeJS.ErrnoException).code;
    httpError = code === 'EADDRINUSE' ? `Port ${o.port} on ${o.host} is already in use, so local apps cannot reach Tollgate. Choose another port in Settings.` : `The HTTP endpoint could not start: ${(err as Error).message}`;
  }
  coalescer = new LiveCoalescer((batch) => send({ t: 'live', message: { kind: 'changes', at: batch.at, changes: batch.changes, moreEvents: batch.moreEvents } }));
  gateway.subscribe((changes) => coalescer!.take(changes));
  send({
    t: 'ready',
    status: { mode: 'local', dataDir: o.dataDir, apiUrl: server?.url ?? null, httpError, initialAdminKey: gateway.initialAdminKey, instanceId: gateway.instanceId },
  });
  send({ t: 'live', message: { kind: 'hello', at: new Date().toISOString(), instanceId: gateway.instanceId } });
}

async function stop(): Promise<void> {
  coalescer?.close();
  await server?.close();
  await gateway?.close();
  log?.close();
  send({ t: 'stopped' });
  process.exit(0);
}

parent.on('message', (e) => {
  const m = e.data as ToDesktopEngine;
  switch (m.t) {
    case 'start':
      void start(m.options);
      return;
    case 'restore':
      // The restore runs here, off the window's thread: it checks the backup (integrity and the
      // ledger), keeps the replaced database, carries the numbering over and records itself.
      void restoreBackup({ backupFile: m.backupFile, dataDir: m.dataDir }).then(
        (report) => {
          send({ t: 'restored', report });
          process.exit(0);
        },
        (err: unknown) => {
          send({ t: 'fatal', message: (err as Error)?.message ?? String(err) });
          process.exit(0);
        },
      );
      return;
    case 'call':
      if (!gateway) return send({ t: 'answer', id: m.id, answer: { ok: false, error: { status: 503, code: 'shutting_down', message: 'The engine is not running.', details: {} } } });
      void ipcCall(gateway, m.op, m.input, { osUser, requestId: m.requestId }).then((answer) => send({ t: 'answer', id: m.id, answer }));
      return;
    case 'catch_up':
      void gateway?.catchUp().catch(() => undefined);
      return;
    case 'stop':
      void stop();
      return;
  }
});

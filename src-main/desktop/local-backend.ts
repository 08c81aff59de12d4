import { type UtilityProcess, utilityProcess } from 'electron';
import { join } from 'node:path';
import type { DesktopStatus, FromDesktopEngine, LiveMessage, LocalEngineOptions, ToDesktopEngine } from '../runtime/desktop-protocol';
import type { IpcAnswer } from '../runtime/ipc-door';
import type { RestoreReport } from '../engine/restore';
import { unpacked } from '../runtime/asar';

/**
 * The engine on this machine, in its own utility process (out/main/desktop-engine.js). Calls are
 * matched to answers by id; the live feed arrives already coalesced.
 */
export class LocalBackend {
  private nextId = 1;
  private readonly pending = new Map<number, (a: IpcAnswer) => void>();
  private readonly listeners = new Set<(m: LiveMessage) => void>();
  private current: DesktopStatus;
  private exited = false;

  private constructor(
    private readonly child: UtilityProcess,
    status: DesktopStatus,
  ) {
    this.current = status;
  }

  static start(options: LocalEngineOptions, onExit: (code: number) => void): Promise<LocalBackend> {
    const child = utilityProcess.fork(unpacked(join(import.meta.dirname, 'desktop-engine.js')), [], { serviceName: 'Tollgate engine', stdio: 'inherit' });
    return new Promise((resolve, reject) => {
      let backend: LocalBackend | null = null;
      child.on('message', (m: FromDesktopEngine) => {
        if (m.t === 'ready') {
          backend = new LocalBackend(child, m.status);
          resolve(backend);
        } else if (m.t === 'fatal') {
          reject(new Error(m.message));
        } else backend?.receive(m);
      });
      child.on('exit', (code) => {
        if (backend) backend.exited = true;
        backend?.failAll();
        if (!backend) reject(new Error(`The engine process exited (${code}) before it was ready.`));
        onExit(code);
      });
      child.postMessage({ t: 'start', options } satisfies ToDesktopEngine);
    });
  }

  /** Restores a backup into `dataDir` in a process of its own (the engine must be stopped). */
  static restore(dataDir: string, backupFile: string): Promise<RestoreReport> {
    const child = utilityProcess.fork(unpacked(join(import.meta.dirname, 'desktop-engine.js')), [], { serviceName: 'Tollgate restore', stdio: 'inherit' });
    return new Promise((resolve, reject) => {
      child.on('message', (m: FromDesktopEngine) => {
        if (m.t === 'restored') resolve(m.report);
        else if (m.t === 'fatal') reject(new Error(m.message));
      });
      child.on('exit', (code) => reject(new Error(`The restore process exited (${code}) without an answer.`)));
      child.postMessage({ t: 'restore', dataDir, backupFile } satisfies ToDesktopEngine);
    });
  }

  private receive(m: FromDesktopEngine): void {
    if (m.t === 'answer') {
      this.pending.get(m.id)?.(m.answer);
      this.pending.delete(m.id);
    } else if (m.t === 'live') {
      for (const l of this.listeners) l(m.message);
    }
  }

  private failAll(): void {
    for (const resolve of this.pending.values()) resolve({ ok: false, error: { status: 503, code: 'shutting_down', message: 'The engine process stopped.', details: {} } });
    this.pending.clear();
  }

  status(): DesktopStatus {
    return this.current;
  }

  call(op: unknown, input: unknown): Promise<IpcAnswer> {
    if (this.exited) return Promise.resolve({ ok: false, error: { status: 503, code: 'shutting_down', message: 'The engine process is not running.', details: {} } });
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.postMessage({ t: 'call', id, op: String(op), input, requestId: `ipc-${id}` } satisfies ToDesktopEngine);
    });
  }

  onLive(listener: (m: LiveMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async catchUp(): Promise<void> {
    if (!this.exited) this.child.postMessage({ t: 'catch_up' } satisfies ToDesktopEngine);
  }

  /** Finishes in-flight writes and stops the process (resolves when it has exited). */
  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.child.kill();
        resolve();
      }, 15_000);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.postMessage({ t: 'stop' } satisfies ToDesktopEngine);
    });
  }
}

import { type ResourceLimits, Worker } from 'node:worker_threads';
import type { OperationId, Scope } from '../../shared/contract/operations';
import type { MigrationReport } from '../storage/migrate';
import { DataDirLockedError } from '../storage/lock';
import { SchemaTooNewError } from '../storage/schema-too-new';
import type { LiveChange } from './context';
import { type CallOutcome, type EngineGateway, fromWireError } from './gateway-wire';
import type { CallContext } from './handlers';
import type { KeyPrincipal } from './keys';
import { WaitingSignal } from './waiting-signal';
import type { FromEngine, ToEngine, WorkerOptions } from './worker-protocol';

interface Pending {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
}

/**
 * Runs the engine on a worker thread (src-main/engine/worker-main.ts, built to
 * out/main/engine-worker.js) and reaches it by messages. Keys are cached on this side, so
 * authentication costs no round trip; the engine says when keys change.
 */
export class WorkerGateway implements EngineGateway {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly keyCache = new Map<string, KeyPrincipal | null>();
  private readonly listeners = new Set<(changes: LiveChange[]) => void>();
  private closing: Promise<void> | null = null;
  initialAdminKey: string | null = null;
  sessionSecret = '';
  instanceId = '';
  migration: MigrationReport = { from: 0, to: 0, backup: null };

  private constructor(
    private readonly worker: Worker,
    private readonly signal: WaitingSignal,
  ) {}

  static async open(workerFile: URL | string, resourceLimits: ResourceLimits, options: WorkerOptions): Promise<WorkerGateway> {
    const signal = new WaitingSignal();
    const workerData: WorkerOptions = { ...options, waitingSignal: signal.buffer };
    const worker = new Worker(workerFile, { workerData, resourceLimits });
    const gw = new WorkerGateway(worker, signal);
    await new Promise<void>((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`the engine thread exited (${code}) before it was ready`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.on('message', (m: FromEngine) => {
        if (m.t === 'ready') {
          gw.initialAdminKey = m.initialAdminKey;
          gw.migration = m.migration;
          gw.sessionSecret = m.sessionSecret;
          gw.instanceId = m.instanceId;
          worker.off('error', reject);
          worker.off('exit', onExit);
          resolve();
        } else if (m.t === 'fatal') {
          const err = m.name === 'DataDirLockedError' ? Object.assign(new DataDirLockedError(options.dataDir, ''), { message: m.message }) : m.name === 'SchemaTooNewError' ? Object.assign(new SchemaTooNewError(0, 0), { message: m.message }) : new Error(m.message);
          reject(err);
        } else {
          gw.receive(m);
        }
      });
    });
    worker.on('error', (err) => gw.failAll(err));
    worker.on('exit', () => gw.failAll(new Error('the engine thread stopped')));
    return gw;
  }

  private receive(m: FromEngine): void {
    switch (m.t) {
      case 'result':
        this.settle(m.id, (p) => p.resolve({ value: m.value, replayed: m.replayed } as never));
        return;
      case 'error':
        this.settle(m.id, (p) => p.reject(fromWireError(m.error)));
        return;
      case 'auth':
        this.settle(m.id, (p) => p.resolve(m.principal as never));
        return;
      case 'keys_changed':
        this.keyCache.clear();
        return;
      case 'live':
        for (const l of this.listeners) l(m.changes);
        return;
      default:
        return;
    }
  }

  private settle(id: number, fn: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    fn(p);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private request<T>(msg: (id: number) => ToEngine): Promise<T> {
    if (this.closing) return Promise.reject(new Error('the engine is stopping'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      const m = msg(id);
      this.signal.willPost(m);
      this.worker.postMessage(m);
    });
  }

  call(id: OperationId, input: unknown, call: CallContext): Promise<CallOutcome> {
    return this.request((n) => ({ t: 'call', id: n, op: id, input, call }));
  }

  async authenticate(key: string): Promise<KeyPrincipal | null> {
    if (this.keyCache.has(key)) return this.keyCache.get(key)!;
    const p = await this.request<KeyPrincipal | null>((n) => ({ t: 'auth', id: n, key }));
    if (this.keyCache.size > 10_000) this.keyCache.clear();
    this.keyCache.set(key, p);
    return p;
  }

  async keyById(keyId: string): Promise<KeyPrincipal | null> {
    const cacheKey = `id:${keyId}`;
    if (this.keyCache.has(cacheKey)) return this.keyCache.get(cacheKey)!;
    const p = await this.request<KeyPrincipal | null>((n) => ({ t: 'key_by_id', id: n, keyId }));
    this.keyCache.set(cacheKey, p);
    return p;
  }

  async catchUp(): Promise<void> {
    await this.request((n) => ({ t: 'catch_up', id: n }));
  }

  noteRefusal(reason: string, body: unknown, message: string): void {
    this.worker.postMessage({ t: 'refusal', reason, body, message } satisfies ToEngine);
  }

  subscribe(listener: (changes: LiveChange[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.worker.on('message', (m: FromEngine) => {
        if (m.t === 'closed') resolve();
      });
      this.worker.once('exit', () => resolve());
      this.worker.postMessage({ t: 'close' } satisfies ToEngine);
    }).then(() => this.worker.terminate().then(() => undefined));
    return this.closing;
  }
}

import type { OperationId } from '../../shared/contract/operations';
import type { LiveChange } from './context';
import type { Engine } from './engine';
import { TollgateError } from './errors';
import { describeStorageFailure, isStorageFailure } from '../storage/database';
import { type CallContext, createHandlers, type Handlers } from './handlers';
import { isReplayed } from './idempotency';
import type { KeyPrincipal } from './keys';
import type { MigrationReport } from '../storage/migrate';

export interface CallOutcome {
  value: unknown;
  /** An idempotent replay: the door answers 200 instead of the operation's 201. */
  replayed: boolean;
}

/**
 * How a door (HTTP, IPC) reaches the engine. `LocalGateway` calls it in the same thread (tests,
 * tools); `WorkerGateway` runs it on its own thread so the door's parsing and serializing happen in
 * parallel with the ledger's writes.
 */
export interface EngineGateway {
  call(id: OperationId, input: unknown, call: CallContext): Promise<CallOutcome>;
  authenticate(key: string): Promise<KeyPrincipal | null>;
  /** Counts a request refused before it reached an operation (bad event in a batch, bad body). */
  noteRefusal(reason: string, body: unknown, message: string): void;
  subscribe(listener: (changes: LiveChange[]) => void): () => void;
  /** A key by id (console sessions carry the key id, not the secret). */
  keyById(id: string): Promise<KeyPrincipal | null>;
  readonly sessionSecret: string;
  readonly instanceId: string;
  readonly initialAdminKey: string | null;
  readonly migration: MigrationReport;
  /** After a sleep or an outage: expire what is due, run due billing, retry webhooks, now. */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

export class LocalGateway implements EngineGateway {
  private readonly handlers: Handlers;

  constructor(readonly engine: Engine) {
    this.handlers = createHandlers(engine);
  }

  get initialAdminKey() {
    return this.engine.initialAdminKey;
  }
  get sessionSecret() {
    return this.engine.sessionSecret;
  }
  get instanceId() {
    return this.engine.store.getMeta('instance_id') ?? 'unknown';
  }
  async keyById(id: string): Promise<KeyPrincipal | null> {
    return this.engine.keys.byId(id);
  }
  get migration() {
    return this.engine.migration;
  }

  async call(id: OperationId, input: unknown, call: CallContext): Promise<CallOutcome> {
    const handler = this.handlers[id] as (i: unknown, c: CallContext) => unknown;
    let value: unknown;
    try {
      value = await handler(input, call);
    } catch (err) {
      throw asStorageError(err);
    }
    return { value, replayed: isReplayed(value) };
  }

  async authenticate(key: string): Promise<KeyPrincipal | null> {
    return this.engine.keys.authenticate(key);
  }

  noteRefusal(reason: string, body: unknown, message: string): void {
    this.engine.refusals.note(null, reason, body, message);
  }

  subscribe(listener: (changes: LiveChange[]) => void): () => void {
    this.engine.live.add(listener);
    return () => this.engine.live.delete(listener);
  }

  catchUp(): Promise<void> {
    return this.engine.catchUp();
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/**
 * A read (or a write outside the writer) that SQLite refused for storage reasons (SQLITE_FULL,
 * SQLITE_READONLY, SQLITE_IOERR*, SQLITE_CANTOPEN...) is answered 503 storage_unavailable by every
 * door, never 500: nothing was written and the caller should retry later.
 */
export function asStorageError(err: unknown): unknown {
  if (err instanceof TollgateError || !isStorageFailure(err)) return err;
  const code = (err as { code?: string }).code ?? 'unknown';
  return new TollgateError('storage_unavailable', `${describeStorageFailure(code)} (${(err as Error).message})`, { sqlite_code: code });
}

/** An error as it crosses a thread or process boundary. */
export type WireError = { kind: 'tollgate'; code: string; message: string; details: Record<string, unknown> } | { kind: 'internal'; name: string; message: string; stack?: string };

export function toWireError(err: unknown): WireError {
  if (err instanceof TollgateError) return { kind: 'tollgate', code: err.code, message: err.message, details: err.details };
  const e = err as Error;
  return { kind: 'internal', name: e?.name ?? 'Error', message: e?.message ?? String(err), stack: e?.stack };
}

export function fromWireError(w: WireError): Error {
  if (w.kind === 'tollgate') return new TollgateError(w.code as TollgateError['code'], w.message, w.details);
  const e = new Error(w.message);
  e.name = w.name;
  if (w.stack) e.stack = w.stack;
  return e;
}

/**
 * What a door needs to talk to the engine, whichever thread it is on: the gateway's interface and
 * errors as they cross a thread. Apart from `LocalGateway` (gateway.ts), so a door on its own
 * thread does not load the engine's code (test/runtime/thread-imports.test.ts).
 */
import type { OperationId } from '../../shared/contract/operations';
import type { LiveChange } from './context';
import { TollgateError } from './errors';
import type { CallContext } from './handlers';
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

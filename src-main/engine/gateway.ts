import type { OperationId } from '../../shared/contract/operations';
import type { LiveChange } from './context';
import type { Engine } from './engine';
import { TollgateError } from './errors';
import { describeStorageFailure, isStorageFailure } from '../storage/database';
import { type CallContext, createHandlers, type Handlers } from './handlers';
import { isReplayed } from './idempotency';
import type { KeyPrincipal } from './keys';
import type { CallOutcome, EngineGateway } from './gateway-wire';

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
    // Every door's calls come through here (serve mode's door thread too, by worker-main.ts): the
    // key's last use is noted in memory; the engine writes it about once a minute (keys.ts).
    if (call.keyId) this.engine.keys.noteUse(call.keyId);
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
    this.engine.refusals.note(null, reason, body, message, null);
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

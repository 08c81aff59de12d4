import type { EngineContext } from './context';
import { fail } from './errors';
import { requestHash } from './canonical';

const replayed = new WeakSet<object>();

/** Marks an answer as a replay: the HTTP layer answers 200 instead of the operation's 201. */
export function markReplayed<T extends object>(body: T): T {
  replayed.add(body);
  return body;
}
export function isReplayed(body: unknown): boolean {
  return typeof body === 'object' && body !== null && replayed.has(body);
}

/**
 * Idempotency for creations: a key seen before with the same canonical request answers the object
 * it created (in its current state); with other content it is a 409. The key row is written in the
 * same transaction as the object, so a crash can never separate them.
 */
export function withIdempotency<T extends object>(
  ctx: EngineContext,
  scope: string,
  key: string | undefined,
  request: unknown,
  create: () => { id: string; body: T },
  load: (id: string) => T,
): T {
  if (key === undefined) return create().body;
  const hash = requestHash(request);
  const existing = ctx.store.getIdempotency(scope, key);
  if (existing) {
    if (!existing.request_hash.equals(hash)) {
      fail('idempotency_conflict', `Idempotency key ${JSON.stringify(key)} was used before with a different request.`, { idempotency_key: key });
    }
    const { id } = JSON.parse(existing.response) as { id: string };
    return markReplayed(load(id));
  }
  const { id, body } = create();
  ctx.store.insertIdempotency({ scope, key, request_hash: hash, status: 201, response: JSON.stringify({ id }), created_at: ctx.now() });
  return body;
}

/**
 * The request as the idempotency check compares it: a field given at its default value is left
 * out, so a retry that spells out a default (`"kind": "paid"`) is the same request as the first
 * call that omitted it; what was done is the same either way.
 */
export function withoutDefaults<T extends object>(request: T, defaults: Partial<T>): T {
  const out = { ...request } as Record<string, unknown>;
  for (const [k, v] of Object.entries(defaults)) if (out[k] === v) delete out[k];
  return out as T;
}

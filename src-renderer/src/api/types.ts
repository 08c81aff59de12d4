import type { InputOf, OperationId, OutputOf } from '@shared/contract/operations';

export type { InputOf, OperationId, OutputOf };

/** Every failure the console shows: the server's status and stable code, and its message. */
export interface ApiError {
  status: number;
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/** Who is signed in (from `GET /v1/session` in a browser; the desktop app is always the local operator). */
export interface SessionKey {
  id: string;
  name: string;
  scopes: string[];
}

/**
 * The one door the whole UI uses. Two implementations: IPC in the desktop app, HTTP (cookie session +
 * CSRF header) in a browser. Pages never know which one they talk to.
 */
export interface Door {
  readonly kind: 'ipc' | 'http';
  call<K extends OperationId>(id: K, input: InputOf<K>): Promise<OutputOf<K>>;
  /** The current session, or null when a login is needed. */
  session(): Promise<SessionKey | null>;
  /** Browser only: log in with an API key. */
  login(apiKey: string): Promise<SessionKey>;
  logout(): Promise<void>;
  /** The origin apps post events to (for snippets and the endpoint page). */
  origin(): string;
}

// ------------------------------------------------------------------ live

/** One change of the live feed (`GET /v1/live`, `changes` messages). */
export interface LiveChange {
  type: 'balance' | 'authorization' | 'event' | 'top_up' | 'customer' | 'invoice' | 'refusal' | 'subscription';
  customer: string | null;
  id: string;
  asset?: string;
  data?: Record<string, unknown>;
}

export type LiveMessage =
  | { kind: 'hello'; at: string; instanceId: string | null }
  | { kind: 'changes'; at: string; changes: LiveChange[]; moreEvents: number };

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'unavailable';

/**
 * Where live updates come from: server-sent events in a browser, IPC in the desktop app (later).
 * `subscribeLive` returns the unsubscribe function.
 */
export interface LiveSource {
  subscribeLive(listener: (message: LiveMessage) => void, onStatus: (status: LiveStatus) => void): () => void;
}

export function isApiError(e: unknown): e is ApiError {
  return typeof e === 'object' && e !== null && typeof (e as ApiError).code === 'string' && typeof (e as ApiError).status === 'number';
}

export function toApiError(e: unknown): ApiError {
  if (isApiError(e)) return { status: e.status, code: e.code, message: e.message, details: e.details ?? {} };
  if (e instanceof TypeError) return { status: 0, code: 'network_error', message: `The server did not answer (${e.message}).`, details: {} };
  const message = e instanceof Error ? e.message : String(e);
  return { status: 0, code: 'client_error', message, details: {} };
}

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
  /** The origin apps post events to (for snippets and the endpoint page); see `endpoint()` for the desktop's. */
  origin(): string;
  /**
   * Where apps reach this Tollgate: the page's origin in a browser; in the desktop app the local
   * endpoint (`desktop.status().apiUrl`, null with `httpError` when its port is busy) or the remote.
   */
  endpoint(): Promise<EndpointInfo>;
  /** A PDF's bytes: `GET /v1/invoices/{id}/pdf` in a browser, `getInvoiceDocument` (base64) over IPC. */
  document(kind: DocumentKind, id: string): Promise<DocumentBytes>;
  /** The audit log as CSV with the list's filters: `GET /v1/audit-log.csv`, or `exportAuditLog` over IPC. */
  auditCsv(filters: InputOf<'exportAuditLog'>): Promise<DocumentBytes>;
  /** The desktop app's own settings and status; null in a browser. */
  readonly desktop: DesktopApi | null;
}

export type DocumentKind = 'invoice' | 'credit_note';

export interface DocumentBytes {
  filename: string;
  contentType: string;
  sha256: string | null;
  bytes: Uint8Array;
  /** CSV exports: how many rows (when the door says). */
  rows?: number | null;
}

export interface EndpointInfo {
  /** `browser`: serve mode; `local`: the desktop app's own engine; `remote`: the desktop app as console of a remote server. */
  mode: 'browser' | 'local' | 'remote';
  apiUrl: string | null;
  /** Why the desktop's local HTTP endpoint is not listening (a busy port), if it is not. */
  httpError: string | null;
  dataDir: string | null;
}

/** `src-main/runtime/desktop-protocol.ts` DesktopStatus, as the preload hands it over. */
export interface DesktopStatus {
  mode: 'local' | 'remote';
  dataDir: string | null;
  apiUrl: string | null;
  httpError: string | null;
  initialAdminKey: string | null;
  instanceId: string | null;
}

/** `src-main/runtime/desktop-settings.ts`, with the remote key masked as `(stored)`. */
export interface DesktopSettings {
  mode: 'local' | 'remote';
  port: number;
  host: '127.0.0.1' | '::1' | 'localhost';
  dataDir: string | null;
  remoteUrl: string | null;
  remoteKey: string | null;
}

export interface DesktopApi {
  status(): Promise<DesktopStatus>;
  settings(): Promise<DesktopSettings>;
  /** Validates, writes desktop.json and restarts the engine (the window reloads). Rejects with an ApiError. */
  saveSettings(next: Partial<DesktopSettings>): Promise<void>;
}

// ------------------------------------------------------------------ live

/** One change of the live feed (`GET /v1/live`, `changes` messages). */
export interface LiveChange {
  type: 'balance' | 'authorization' | 'event' | 'top_up' | 'customer' | 'invoice' | 'refusal' | 'subscription' | 'alert';
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
 * Where live updates come from: server-sent events in a browser, IPC in the desktop app.
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

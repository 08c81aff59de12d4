import type { InputOf, OperationId, OutputOf } from '@shared/contract/operations';
import { base64ToBytes } from '../lib/bytes';
import type { ApiError, DesktopApi, DesktopSettings, DesktopStatus, Door, LiveMessage, LiveSource, LiveStatus } from './types';
import { toApiError } from './types';

/**
 * What the desktop preload exposes (`src-main/preload.ts`): operations, the live feed, and the
 * desktop's own status and settings. Every answer is the value, or the API's `{error}` body.
 */
export interface TollgateBridge {
  call(operation: string, input: unknown): Promise<unknown>;
  subscribe?: (listener: (message: unknown) => void) => () => void;
  desktop?: {
    status(): Promise<unknown>;
    settings(): Promise<unknown>;
    saveSettings(next: unknown): Promise<unknown>;
  };
}

declare global {
  interface Window {
    tollgate?: TollgateBridge;
  }
}

/**
 * IPC errors: the main process is expected to reject with (or resolve to) the API's error body
 * `{error: {code, message, details}}`; Electron wraps thrown errors as "Error invoking remote method
 * 'tollgate:call': Error: ...", so a JSON body inside the message is read too.
 */
function ipcError(e: unknown): ApiError {
  const body = (e as { error?: { code?: string; message?: string; details?: Record<string, unknown>; status?: number } } | null)?.error;
  if (body && typeof body.code === 'string') return { status: body.status ?? 0, code: body.code, message: body.message ?? body.code, details: body.details ?? {} };
  const message = e instanceof Error ? e.message : String(e);
  const json = /\{.*\}/s.exec(message)?.[0];
  if (json) {
    try {
      const parsed = JSON.parse(json) as { error?: { code: string; message: string; details?: Record<string, unknown> }; code?: string; status?: number; message?: string };
      const inner = parsed.error ?? (parsed.code ? { code: parsed.code, message: parsed.message ?? parsed.code } : null);
      if (inner) return { status: parsed.status ?? 0, code: inner.code, message: inner.message, details: (inner as { details?: Record<string, unknown> }).details ?? {} };
    } catch {
      /* not JSON */
    }
  }
  return toApiError(e);
}

const isErrorAnswer = (out: unknown) => !!out && typeof out === 'object' && 'error' in out && !('data' in out);

/** Runs a bridge function: its value, or its error body thrown as an ApiError. */
async function answer(p: () => Promise<unknown>): Promise<unknown> {
  let out: unknown;
  try {
    out = await p();
  } catch (e) {
    throw ipcError(e);
  }
  if (isErrorAnswer(out)) throw ipcError(out);
  return out;
}

function desktopApi(bridge: TollgateBridge): DesktopApi | null {
  const d = bridge.desktop;
  if (!d) return null;
  return {
    status: async () => (await answer(() => d.status())) as DesktopStatus,
    settings: async () => (await answer(() => d.settings())) as DesktopSettings,
    saveSettings: async (next) => void (await answer(() => d.saveSettings(next))),
  };
}

export function createIpcDoor(bridge: TollgateBridge): Door {
  const call = async <K extends OperationId>(id: K, input: InputOf<K>): Promise<OutputOf<K>> => (await answer(() => bridge.call(id, input))) as OutputOf<K>;
  const desktop = desktopApi(bridge);
  let lastApiUrl: string | null = null;
  return {
    kind: 'ipc',
    call,
    // The desktop door runs as the OS user; whoAmI says so (name and scopes).
    session: async () => {
      try {
        const me = await call('whoAmI', {});
        return { id: me.id ?? 'desktop', name: me.name ?? 'Desktop (this machine)', scopes: me.scopes };
      } catch {
        return { id: 'desktop', name: 'Desktop (this machine)', scopes: ['admin'] };
      }
    },
    login: async () => ({ id: 'desktop', name: 'Desktop (this machine)', scopes: ['admin'] }),
    logout: async () => undefined,
    // Synchronous callers get the last endpoint `endpoint()` saw (the desktop's default port before).
    origin: () => lastApiUrl ?? 'http://127.0.0.1:8787',
    endpoint: async () => {
      if (!desktop) return { mode: 'local', apiUrl: null, httpError: 'This desktop build does not report its endpoint.', dataDir: null };
      const s = await desktop.status();
      if (s.apiUrl) lastApiUrl = s.apiUrl;
      return { mode: s.mode, apiUrl: s.apiUrl, httpError: s.httpError, dataDir: s.dataDir };
    },
    document: async (kind, id) => {
      const f = kind === 'invoice' ? await call('getInvoiceDocument', { id }) : await call('getCreditNoteDocument', { id });
      return { filename: f.filename, contentType: f.content_type, sha256: f.sha256, bytes: base64ToBytes(f.base64), rows: null };
    },
    auditCsv: async (filters) => {
      const f = await call('exportAuditLog', filters);
      return { filename: f.filename, contentType: f.content_type, sha256: null, bytes: base64ToBytes(f.base64), rows: f.rows };
    },
    desktop,
  };
}

/**
 * Live updates over IPC: `subscribe` hands over the same messages as the browser's feed
 * (`{kind: 'hello'}` when the engine (re)starts, then coalesced `{kind: 'changes'}`). The engine
 * said hello before this page subscribed, so subscribing counts as live; a later hello (a restart,
 * a remote reconnect) makes every page reload what it shows.
 */
export function createIpcLiveSource(bridge: TollgateBridge): LiveSource {
  return {
    subscribeLive(listener: (m: LiveMessage) => void, onStatus: (s: LiveStatus) => void) {
      if (!bridge.subscribe) {
        onStatus('unavailable');
        return () => undefined;
      }
      let stopped = false;
      const unsubscribe = bridge.subscribe((raw) => {
        if (stopped) return;
        const m = raw as Partial<LiveMessage> | null;
        if (!m || typeof m !== 'object') return;
        if (m.kind === 'hello') listener({ kind: 'hello', at: typeof m.at === 'string' ? m.at : new Date().toISOString(), instanceId: (m as { instanceId?: string | null }).instanceId ?? null });
        else if (m.kind === 'changes') {
          const c = m as Partial<Extract<LiveMessage, { kind: 'changes' }>>;
          listener({ kind: 'changes', at: c.at ?? new Date().toISOString(), changes: Array.isArray(c.changes) ? c.changes : [], moreEvents: c.moreEvents ?? 0 });
        }
      });
      onStatus('live');
      return () => {
        stopped = true;
        unsubscribe();
      };
    },
  };
}

import type { InputOf, OperationId, OutputOf } from '@shared/contract/operations';
import type { ApiError, Door, LiveMessage, LiveSource, LiveStatus } from './types';
import { toApiError } from './types';

/** What the desktop preload exposes (`src-main/preload.ts`). `subscribe` is expected later. */
export interface TollgateBridge {
  call(operation: string, input: unknown): Promise<unknown>;
  subscribe?: (listener: (message: unknown) => void) => () => void;
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

export function createIpcDoor(bridge: TollgateBridge): Door {
  return {
    kind: 'ipc',
    async call<K extends OperationId>(id: K, input: InputOf<K>): Promise<OutputOf<K>> {
      let out: unknown;
      try {
        out = await bridge.call(id, input);
      } catch (e) {
        throw ipcError(e);
      }
      if (out && typeof out === 'object' && 'error' in out && !('data' in out)) throw ipcError(out);
      return out as OutputOf<K>;
    },
    // The desktop door runs as the OS user; whoAmI says so (name and scopes), when the engine offers it.
    session: async () => {
      try {
        const me = (await bridge.call('whoAmI', {})) as { id: string | null; name: string | null; scopes: string[] } | { error: unknown };
        if ('scopes' in me) return { id: me.id ?? 'desktop', name: me.name ?? 'Desktop (this machine)', scopes: me.scopes };
      } catch {
        /* older engine */
      }
      return { id: 'desktop', name: 'Desktop (this machine)', scopes: ['admin'] };
    },
    login: async () => ({ id: 'desktop', name: 'Desktop (this machine)', scopes: ['admin'] }),
    logout: async () => undefined,
    origin: () => 'http://127.0.0.1:8787',
  };
}

/** Live updates over IPC, once the preload offers `subscribe`; until then the console says "Live unavailable". */
export function createIpcLiveSource(bridge: TollgateBridge): LiveSource {
  return {
    subscribeLive(listener: (m: LiveMessage) => void, onStatus: (s: LiveStatus) => void) {
      if (!bridge.subscribe) {
        onStatus('unavailable');
        return () => undefined;
      }
      onStatus('live');
      return bridge.subscribe((m) => listener(m as LiveMessage));
    },
  };
}

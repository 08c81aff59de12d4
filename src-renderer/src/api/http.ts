import { createClient, TollgateApiError } from '@shared/client/index';
import type { Door, DocumentBytes, LiveChange, LiveSource, LiveStatus, SessionKey } from './types';
import { toApiError } from './types';

interface SessionBody {
  key: SessionKey;
  csrf_token: string;
  expires_at: string;
}

/**
 * The browser door (serve mode, same origin as the API): a cookie session made by logging in with an
 * API key, and its CSRF token sent as `x-csrf-token` on every write.
 */
export function createHttpDoor(onUnauthenticated: () => void): Door {
  const base = window.location.origin;
  let csrf: string | null = null;
  const client = createClient({ baseUrl: base, credentials: 'same-origin', headers: (): Record<string, string> => (csrf ? { 'x-csrf-token': csrf } : {}) });

  async function sessionRequest(method: 'GET' | 'POST' | 'DELETE', body?: unknown): Promise<SessionBody | null> {
    const res = await fetch(`${base}/v1/session`, {
      method,
      credentials: 'same-origin',
      headers: { accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const parsed = (await res.json().catch(() => null)) as (SessionBody & { error?: { code: string; message: string } }) | null;
    if (!res.ok) {
      throw new TollgateApiError(res.status, parsed?.error?.code ?? 'http_error', parsed?.error?.message ?? `HTTP ${res.status}`);
    }
    return parsed;
  }

  return {
    kind: 'http',
    async call(id, input) {
      try {
        return await client.call(id, input);
      } catch (e) {
        const err = toApiError(e);
        if (err.status === 401 && err.code === 'unauthenticated') {
          csrf = null;
          onUnauthenticated();
        }
        throw err;
      }
    },
    async session() {
      try {
        const s = await sessionRequest('GET');
        csrf = s?.csrf_token ?? null;
        return s?.key ?? null;
      } catch (e) {
        const err = toApiError(e);
        if (err.status === 401) return null;
        throw err;
      }
    },
    async login(apiKey: string) {
      try {
        const s = await sessionRequest('POST', { api_key: apiKey });
        csrf = s!.csrf_token;
        return s!.key;
      } catch (e) {
        throw toApiError(e);
      }
    },
    async logout() {
      csrf = null;
      await sessionRequest('DELETE').catch(() => null);
    },
    origin: () => base,
    endpoint: async () => ({ mode: 'browser', apiUrl: base, httpError: null, dataDir: null }),
    document: (kind, id) => fileRequest(`${base}/v1/${kind === 'invoice' ? 'invoices' : 'credit-notes'}/${encodeURIComponent(id)}/pdf`),
    auditCsv: (filters) => {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
      const s = q.toString();
      return fileRequest(`${base}/v1/audit-log.csv${s ? `?${s}` : ''}`);
    },
    desktop: null,
  };

  /** A file route (PDF, CSV): bytes on success, the API's error body otherwise. */
  async function fileRequest(url: string): Promise<DocumentBytes> {
    let res: Response;
    try {
      res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/pdf, text/csv, application/json' } });
    } catch (e) {
      throw toApiError(e);
    }
    if (!res.ok) {
      const parsed = (await res.json().catch(() => null)) as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null;
      const err = { status: res.status, code: parsed?.error?.code ?? 'http_error', message: parsed?.error?.message ?? `HTTP ${res.status}`, details: parsed?.error?.details ?? {} };
      if (err.status === 401 && err.code === 'unauthenticated') {
        csrf = null;
        onUnauthenticated();
      }
      throw err;
    }
    const bytes = new Uint8Array(await res.arrayBuffer());
    const disposition = res.headers.get('content-disposition') ?? '';
    const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? url.split('/').pop()!.split('?')[0]!;
    return { filename, contentType: res.headers.get('content-type') ?? 'application/octet-stream', sha256: res.headers.get('x-content-sha256'), bytes, rows: null };
  }
}

/**
 * Live updates over server-sent events (`GET /v1/live`, cookie auth). EventSource reconnects by
 * itself after a network error (the server asks for 2 s); when it gives up (an HTTP error such as a
 * 401 while the server restarts behind a proxy) we retry with a backoff.
 */
export function createSseLiveSource(): LiveSource {
  return {
    subscribeLive(listener, onStatus) {
      let source: EventSource | null = null;
      let retry: ReturnType<typeof setTimeout> | null = null;
      let attempts = 0;
      let stopped = false;
      let everOpened = false;
      const status = (s: LiveStatus) => {
        if (!stopped) onStatus(s);
      };

      const open = () => {
        if (stopped) return;
        status(everOpened ? 'reconnecting' : 'connecting');
        const es = new EventSource('/v1/live', { withCredentials: true });
        source = es;
        es.onopen = () => {
          attempts = 0;
          everOpened = true;
          status('live');
        };
        es.addEventListener('hello', (ev) => {
          const data = safeJson((ev as MessageEvent<string>).data) as { instance_id?: string; at?: string } | null;
          status('live');
          listener({ kind: 'hello', at: data?.at ?? new Date().toISOString(), instanceId: data?.instance_id ?? null });
        });
        es.addEventListener('changes', (ev) => {
          const data = safeJson((ev as MessageEvent<string>).data) as { at?: string; changes?: LiveChange[]; more_events?: number } | null;
          if (!data) return;
          listener({ kind: 'changes', at: data.at ?? new Date().toISOString(), changes: data.changes ?? [], moreEvents: data.more_events ?? 0 });
        });
        es.onerror = () => {
          if (es.readyState === EventSource.CLOSED) {
            // The browser gave up (HTTP error or wrong type): retry ourselves, slower each time.
            es.close();
            source = null;
            status('offline');
            attempts += 1;
            retry = setTimeout(open, Math.min(30_000, 1000 * 2 ** Math.min(attempts, 5)));
          } else {
            status(everOpened ? 'reconnecting' : 'connecting');
          }
        };
      };

      const onOnline = () => {
        if (!source) {
          if (retry) clearTimeout(retry);
          open();
        }
      };
      const onOffline = () => status('offline');
      window.addEventListener('online', onOnline);
      window.addEventListener('offline', onOffline);
      open();
      return () => {
        stopped = true;
        window.removeEventListener('online', onOnline);
        window.removeEventListener('offline', onOffline);
        if (retry) clearTimeout(retry);
        source?.close();
      };
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

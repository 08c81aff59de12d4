import type { Page } from '@playwright/test';
import { operations } from '../../../shared/contract/operations';
import { ADMIN_KEY } from './api';

export interface FakeDesktop {
  /** What `desktop.status()` answers (DesktopStatus of src-main/runtime/desktop-protocol.ts). */
  status: { mode: 'local' | 'remote'; dataDir: string | null; apiUrl: string | null; httpError: string | null; initialAdminKey: string | null; instanceId: string | null };
  /** What `desktop.settings()` answers (the remote key masked as `(stored)`). */
  settings: { mode: 'local' | 'remote'; port: number; host: '127.0.0.1' | '::1' | 'localhost'; dataDir: string | null; remoteUrl: string | null; remoteKey: string | null };
  /** The desktop door runs as the OS user: whoAmI answers this name (as the IPC door does). */
  osUser: string;
}

/**
 * A stand-in for the Electron preload (`src-main/preload.ts`): `window.tollgate` with `call`,
 * `subscribe` and `desktop`, implemented over HTTP to a serve-mode engine with the admin key. The
 * console then takes its IPC code path (the IPC door and live source) without Electron. Answers
 * have the preload's shape: the value, or `{error: {status, code, message, details}}`.
 * `window.__tg.saved` records every `saveSettings` argument; `window.__tg.calls` every operation.
 */
export async function installFakeBridge(page: Page, origin: string, desktop: FakeDesktop): Promise<void> {
  const ops = Object.fromEntries(Object.values(operations).map((o) => [o.id, [o.method, o.path]]));
  await page.addInitScript(
    ({ ops, origin, apiKey, desktop }) => {
      const w = window as unknown as { tollgate: unknown; __tg: { saved: unknown[]; calls: string[]; live: number } };
      w.__tg = { saved: [], calls: [], live: 0 };
      const call = async (id: string, input: Record<string, unknown> | undefined) => {
        w.__tg.calls.push(id);
        const op = (ops as Record<string, [string, string]>)[id];
        if (!op) return { error: { status: 404, code: 'not_found', message: `No operation ${id}.`, details: {} } };
        if (id === 'whoAmI') return { kind: 'os_user', id: desktop.osUser, name: desktop.osUser, scopes: ['admin'], expires_at: null, door: 'ipc' };
        const rest: Record<string, unknown> = { ...(input ?? {}) };
        let url =
          origin +
          op[1].replace(/\{([a-z_]+)\}/g, (_: string, name: string) => {
            const v = rest[name];
            delete rest[name];
            return encodeURIComponent(String(v));
          });
        let body: string | undefined;
        if (op[0] === 'GET') {
          const q = new URLSearchParams();
          for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) q.set(k, String(v));
          const s = q.toString();
          if (s) url += `?${s}`;
        } else body = JSON.stringify(rest);
        const res = await fetch(url, { method: op[0], headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) }, body, credentials: 'omit' });
        const json = (await res.json().catch(() => null)) as { error?: { code: string; message: string; details?: Record<string, unknown> } } | null;
        if (!res.ok) return { error: { status: res.status, code: json?.error?.code ?? 'http_error', message: json?.error?.message ?? `HTTP ${res.status}`, details: json?.error?.details ?? {} } };
        return json;
      };
      const subscribe = (listener: (m: unknown) => void) => {
        const ctrl = new AbortController();
        (async () => {
          const res = await fetch(`${origin}/v1/live`, { headers: { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' }, signal: ctrl.signal, credentials: 'omit' });
          const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buf += value;
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              let event = 'message';
              let data = '';
              for (const line of block.split('\n')) {
                if (line.startsWith('event:')) event = line.slice(6).trim();
                else if (line.startsWith('data:')) data += line.slice(5).trim();
              }
              if (!data) continue;
              const d = JSON.parse(data) as { at: string; instance_id?: string; changes?: unknown[]; more_events?: number };
              w.__tg.live++;
              // The preload's messages: {kind:'hello', at, instanceId} | {kind:'changes', at, changes, moreEvents}.
              if (event === 'hello') listener({ kind: 'hello', at: d.at, instanceId: d.instance_id ?? null });
              else if (event === 'changes') listener({ kind: 'changes', at: d.at, changes: d.changes ?? [], moreEvents: d.more_events ?? 0 });
            }
          }
        })().catch(() => undefined);
        return () => ctrl.abort();
      };
      let settings = { ...desktop.settings };
      w.tollgate = {
        call,
        subscribe,
        desktop: {
          status: async () => desktop.status,
          settings: async () => settings,
          // As src-main/desktop/app.ts: validated (here, the remote rule only), stored, the engine restarted.
          saveSettings: async (next: Record<string, unknown>) => {
            w.__tg.saved.push(next);
            const merged = { ...settings, ...next } as typeof settings;
            if (merged.mode === 'remote' && (!merged.remoteUrl || !merged.remoteKey)) return { error: { status: 422, code: 'validation_failed', message: 'Remote mode needs the server URL and an API key.', details: {} } };
            if (merged.mode === 'remote' && !/^https:\/\//.test(merged.remoteUrl ?? '') && !/^http:\/\/(127\.0\.0\.1|localhost)/.test(merged.remoteUrl ?? ''))
              return { error: { status: 422, code: 'validation_failed', message: 'remoteUrl: a remote Tollgate must be reached over https (plain http only on this machine)', details: {} } };
            settings = { ...merged, remoteKey: merged.remoteKey ? '(stored)' : null };
            return null;
          },
        },
      };
    },
    { ops, origin, apiKey: ADMIN_KEY, desktop },
  );
}

import type { IpcMainInvokeEvent } from 'electron';
import type { DesktopStatus } from '../runtime/desktop-protocol';
import type { IpcAnswer } from '../runtime/ipc-door';
import { isTrustedSender } from './policy';

/** The part of ipcMain this needs (a fake in tests). */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcDeps {
  rendererUrl: () => string;
  call: (op: unknown, input: unknown) => Promise<IpcAnswer>;
  status: () => DesktopStatus;
  settings: () => unknown;
  saveSettings: (next: unknown) => Promise<{ ok: true } | { ok: false; message: string }>;
}

export const CHANNELS = { call: 'tollgate:call', desktop: 'tollgate:desktop', live: 'tollgate:live' } as const;

const untrusted: IpcAnswer = { ok: false, error: { status: 403, code: 'forbidden', message: 'IPC is answered for the console page only.', details: {} } };

/**
 * The main process's IPC: the contract's operations (forwarded to the engine process, which
 * validates and runs them) and a few desktop-only requests. Every call is checked to come from the
 * console's own page.
 */
export function registerIpc(ipcMain: IpcMainLike, deps: IpcDeps): () => void {
  const trusted = (e: IpcMainInvokeEvent) => isTrustedSender(e.senderFrame?.url, deps.rendererUrl());
  ipcMain.handle(CHANNELS.call, (e, op, input) => (trusted(e) ? deps.call(op, input) : untrusted));
  ipcMain.handle(CHANNELS.desktop, async (e, action, arg) => {
    if (!trusted(e)) return untrusted;
    switch (action) {
      case 'status':
        return { ok: true, value: deps.status() };
      case 'settings':
        return { ok: true, value: deps.settings() };
      case 'saveSettings': {
        const r = await deps.saveSettings(arg);
        return r.ok ? { ok: true, value: null } : { ok: false, error: { status: 422, code: 'validation_failed', message: r.message, details: {} } };
      }
      default:
        return { ok: false, error: { status: 404, code: 'not_found', message: `No desktop action ${String(action)}.`, details: {} } };
    }
  });
  return () => {
    ipcMain.removeHandler(CHANNELS.call);
    ipcMain.removeHandler(CHANNELS.desktop);
  };
}

import { contextBridge, ipcRenderer } from 'electron';

/**
 * The renderer's only door into the main process: a narrow, typed set of functions. `ipcRenderer`
 * itself is never exposed. Operation errors come back as the API's `{error: {...}}` body (IPC
 * would strip an Error's fields), which the console's IPC door turns into its ApiError.
 */
type Answer = { ok: true; value: unknown } | { ok: false; error: { status: number; code: string; message: string; details: Record<string, unknown> } };
const unwrap = (a: Answer): unknown => (a.ok ? a.value : { error: a.error });

const api = {
  /** Runs a contract operation (`call('getOverview', {})`). */
  call: (operation: string, input: unknown): Promise<unknown> => ipcRenderer.invoke('tollgate:call', operation, input).then(unwrap),
  /** Live updates: `hello`, then coalesced `changes` a few times a second. Returns the unsubscribe. */
  subscribe: (listener: (message: unknown) => void): (() => void) => {
    const handler = (_e: unknown, message: unknown) => listener(message);
    ipcRenderer.on('tollgate:live', handler);
    return () => void ipcRenderer.removeListener('tollgate:live', handler);
  },
  /** Desktop-only: where the engine runs, and its settings (port, local or remote). */
  desktop: {
    status: (): Promise<unknown> => ipcRenderer.invoke('tollgate:desktop', 'status').then(unwrap),
    settings: (): Promise<unknown> => ipcRenderer.invoke('tollgate:desktop', 'settings').then(unwrap),
    saveSettings: (next: unknown): Promise<unknown> => ipcRenderer.invoke('tollgate:desktop', 'saveSettings', next).then(unwrap),
  },
};

export type TollgateDesktopApi = typeof api;
contextBridge.exposeInMainWorld('tollgate', api);

import { contextBridge, ipcRenderer } from 'electron';

/**
 * The renderer's only door into the main process: one typed function that sends a contract
 * operation and returns its answer. `ipcRenderer` itself is never exposed.
 */
contextBridge.exposeInMainWorld('tollgate', {
  call: (operation: string, input: unknown): Promise<unknown> => ipcRenderer.invoke('tollgate:call', operation, input),
});

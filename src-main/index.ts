import { app, BrowserWindow } from 'electron';
import { join } from 'node:path';

/**
 * The Electron shell. It holds a window and nothing else of substance: the engine, storage and
 * HTTP server are plain Node modules (src-main/engine, src-main/storage, src-main/http).
 */
async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Tollgate',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  await win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
}

app.whenReady().then(createWindow);
app.on('window-all-closed', () => app.quit());

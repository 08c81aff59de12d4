import { app, BrowserWindow, dialog, ipcMain, Menu, Notification, powerMonitor, safeStorage, session, shell } from 'electron';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CONSOLE_CSP } from '../http/console-headers';
import { defaultDataDir } from '../paths';
import type { DesktopStatus, LiveMessage } from '../runtime/desktop-protocol';
import { type DesktopSettings, loadDesktopSettings, saveDesktopSettings } from '../runtime/desktop-settings';
import type { IpcAnswer } from '../runtime/ipc-door';
import { RemoteBackend } from '../runtime/remote-backend';
import { CHANNELS, registerIpc } from './ipc';
import { LocalBackend } from './local-backend';
import { menuTemplate } from './menu';
import { ALLOWED_PERMISSIONS, isAllowedNavigation, isExternalLink, WEB_PREFERENCES } from './policy';

interface Backend {
  call(op: unknown, input: unknown): Promise<IpcAnswer>;
  onLive(listener: (m: LiveMessage) => void): () => void;
  status(): DesktopStatus;
  catchUp(): Promise<void>;
  stop(): Promise<void>;
}

const settingsFile = () => join(app.getPath('userData'), 'desktop.json');
const rendererFile = () => join(import.meta.dirname, '../renderer/index.html');
const rendererUrl = () => pathToFileURL(rendererFile()).href;

let win: BrowserWindow | null = null;
let backend: Backend | null = null;
let settings: DesktopSettings;
let quitting = false;

/** The remote key is kept encrypted by the OS keychain where Electron can (safeStorage). */
const sealKey = (key: string) => (safeStorage.isEncryptionAvailable() ? `enc:${safeStorage.encryptString(key).toString('base64')}` : `plain:${key}`);
const openKey = (stored: string) => (stored.startsWith('enc:') ? safeStorage.decryptString(Buffer.from(stored.slice(4), 'base64')) : stored.replace(/^plain:/, ''));

async function startBackend(): Promise<Backend> {
  if (settings.mode === 'remote' && settings.remoteUrl && settings.remoteKey) {
    return new RemoteBackend({ url: settings.remoteUrl, apiKey: openKey(settings.remoteKey) });
  }
  const local = await LocalBackend.start({ dataDir: settings.dataDir ?? defaultDataDir(), port: settings.port, host: settings.host, osUser: userInfo().username }, (code) => {
    if (!quitting && code !== 0) dialog.showErrorBox('Tollgate engine stopped', `The engine process exited (code ${code}). Restart Tollgate; no acknowledged write is lost.`);
  });
  const s = local.status();
  if (s.httpError) void dialog.showMessageBox({ type: 'warning', title: 'Local endpoint unavailable', message: s.httpError, detail: 'The console works; apps on this machine cannot post events until the port is free or changed in Settings.' });
  if (s.initialAdminKey) void dialog.showMessageBox({ type: 'info', title: 'Your admin API key', message: 'A new ledger was created. This admin API key is shown once: store it now.', detail: s.initialAdminKey });
  return local;
}

function wireLive(b: Backend): void {
  b.onLive((m) => {
    win?.webContents.send(CHANNELS.live, m);
    if (m.kind === 'changes' && Notification.isSupported()) {
      for (const c of m.changes) {
        if (c.type !== 'alert') continue;
        const text = typeof c.data?.message === 'string' ? c.data.message : `${c.customer ?? 'A wallet'}: ${c.id}`;
        new Notification({ title: 'Tollgate alert', body: text }).show();
      }
    }
  });
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    title: 'Tollgate',
    show: false,
    webPreferences: { ...WEB_PREFERENCES, preload: join(import.meta.dirname, '../preload/preload.cjs') },
  });
  w.once('ready-to-show', () => w.show());
  w.webContents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, rendererUrl())) e.preventDefault();
  });
  w.webContents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  w.webContents.on('will-attach-webview', (e) => e.preventDefault());
  void w.loadFile(rendererFile());
  return w;
}

function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, permission, done) => done(ALLOWED_PERMISSIONS.has(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => ALLOWED_PERMISSIONS.has(permission));
  // The same policy as the served console, for every response the window loads.
  session.defaultSession.webRequest.onHeadersReceived((details, done) => done({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONSOLE_CSP] } }));
}

async function restartBackend(): Promise<void> {
  await backend?.stop();
  backend = await startBackend();
  wireLive(backend);
  win?.webContents.reload();
}

/**
 * File > Restore from a backup: choose the file, confirm (naming it), stop the engine (in-flight
 * writes finish), restore in a process of its own, start again and say what happened.
 */
async function restoreFromBackup(): Promise<void> {
  if (settings.mode !== 'local') {
    void dialog.showMessageBox({ type: 'info', message: 'This console is connected to a remote Tollgate: restore on that host with `tollgate restore`.' });
    return;
  }
  const dataDir = settings.dataDir ?? defaultDataDir();
  const pick = await dialog.showOpenDialog({ title: 'Restore from a backup', defaultPath: join(dataDir, 'backups'), filters: [{ name: 'Tollgate backups', extensions: ['db'] }], properties: ['openFile'] });
  const file = pick.filePaths[0];
  if (pick.canceled || !file) return;
  const ok = await dialog.showMessageBox({
    type: 'warning',
    buttons: ['Cancel', 'Restore'],
    defaultId: 0,
    cancelId: 0,
    message: `Restore ${file}?`,
    detail: 'The ledger goes back to that backup. The current database is kept as a pre-restore copy beside the backups, invoice numbers continue after the highest ever issued, and the restore is recorded in the audit log.',
  });
  if (ok.response !== 1) return;
  await backend?.stop();
  backend = null;
  try {
    const report = await LocalBackend.restore(dataDir, file);
    void dialog.showMessageBox({ type: 'info', message: 'Restored.', detail: `From ${report.restored_from}\nReplaced database kept at ${report.pre_restore_copy ?? '(none)'}\nLedger check: ${report.ledger_ok ? 'ok' : `${report.ledger_problems} problems`}` });
  } catch (err) {
    dialog.showErrorBox('Restore failed', `${(err as Error).message}\nNothing was changed; the engine starts on the current database.`);
  }
  backend = await startBackend();
  wireLive(backend);
  win?.webContents.reload();
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  await app.whenReady();
  const loaded = loadDesktopSettings(settingsFile());
  settings = loaded.settings;
  if (loaded.problem) console.warn(loaded.problem);
  hardenSession();
  try {
    backend = await startBackend();
  } catch (err) {
    dialog.showErrorBox('Tollgate could not start', (err as Error).message);
    app.exit(1);
    return;
  }
  wireLive(backend);
  registerIpc(ipcMain, {
    rendererUrl,
    call: (op, input) => backend!.call(op, input),
    status: () => backend!.status(),
    settings: () => ({ ...settings, remoteKey: settings.remoteKey ? '(stored)' : null }),
    saveSettings: async (next) => {
      const n = next as Partial<DesktopSettings> & { remoteKey?: string | null };
      const merged = { ...settings, ...n, remoteKey: n.remoteKey === '(stored)' || n.remoteKey === undefined ? settings.remoteKey : n.remoteKey ? sealKey(n.remoteKey) : null };
      const saved = saveDesktopSettings(settingsFile(), merged);
      if (!saved.ok) return saved;
      settings = saved.settings;
      await restartBackend();
      return { ok: true as const };
    },
  });
  const apiUrl = () => backend?.status().apiUrl ?? `http://127.0.0.1:${settings.port}`;
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        {
          openDataFolder: () => void shell.openPath(settings.dataDir ?? defaultDataDir()),
          openApiDocument: () => void shell.openExternal(`${apiUrl()}/v1/openapi.json`),
          openDocs: () => void shell.openExternal('https://github.com/tollgate-billing/tollgate#readme'),
          openConsoleInBrowser: () => void shell.openExternal(`${apiUrl()}/`),
          backupNow: () => void backend?.call('createBackup', {}).then((a) => dialog.showMessageBox({ type: a.ok ? 'info' : 'error', message: a.ok ? 'Backup written and verified.' : a.error.message })),
          catchUp: () => void backend?.catchUp(),
          restoreBackup: () => void restoreFromBackup(),
        },
        process.platform,
        app.isPackaged,
      ),
    ),
  );
  // A laptop closed over a period end or a hold's expiry: catch up the moment it wakes.
  powerMonitor.on('resume', () => void backend?.catchUp());
  powerMonitor.on('unlock-screen', () => void backend?.catchUp());
  win = createWindow();
  win.on('closed', () => (win = null));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (!win) win = createWindow();
  });
  // Quit only once in-flight writes are finished and the engine has closed its database.
  app.on('before-quit', (e) => {
    if (quitting) return;
    quitting = true;
    e.preventDefault();
    void (backend?.stop() ?? Promise.resolve()).finally(() => app.quit());
  });
}

void main();

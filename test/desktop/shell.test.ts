/**
 * The Electron shell, without Electron: the window's security settings as data, the menu, the
 * main process's IPC registration (only the console's page is answered), and the preload's narrow
 * API (never ipcRenderer itself), with fakes standing in for ipcMain, ipcRenderer and contextBridge.
 */
import { describe, expect, it, vi } from 'vitest';
import { CONSOLE_CSP } from '../../src-main/http/console-headers';
import { CHANNELS, type IpcMainLike, registerIpc } from '../../src-main/desktop/ipc';
import { menuTemplate } from '../../src-main/desktop/menu';
import { ALLOWED_PERMISSIONS, isAllowedNavigation, isExternalLink, isTrustedSender, WEB_PREFERENCES } from '../../src-main/desktop/policy';

const RENDERER = 'file:///opt/Tollgate/resources/app.asar/out/renderer/index.html';

describe('window security', () => {
  it('isolates and sandboxes the renderer, with no Node anywhere', () => {
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, webviewTag: false, allowRunningInsecureContent: false });
    expect(ALLOWED_PERMISSIONS.size).toBe(0);
  });
  it('stays on the console page and sends web links to the browser', () => {
    expect(isAllowedNavigation(`${RENDERER}#/customers`, RENDERER)).toBe(true);
    expect(isAllowedNavigation('file:///etc/passwd', RENDERER)).toBe(false);
    expect(isAllowedNavigation('https://evil.example/', RENDERER)).toBe(false);
    expect(isAllowedNavigation('not a url', RENDERER)).toBe(false);
    expect(isExternalLink('https://docs.example.com/x')).toBe(true);
    expect(isExternalLink('mailto:ops@example.com')).toBe(true);
    expect(isExternalLink('file:///etc/passwd')).toBe(false);
    expect(isExternalLink('javascript:alert(1)')).toBe(false);
  });
  it('has a strict Content Security Policy', () => {
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("object-src 'none'");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(CONSOLE_CSP).not.toMatch(/script-src[^;]*unsafe/);
  });
});

describe('the application menu', () => {
  const noop = () => undefined;
  const actions = { openDataFolder: noop, openApiDocument: noop, openDocs: noop, openConsoleInBrowser: noop, backupNow: noop, restoreBackup: noop, catchUp: noop };
  it('offers Tollgate actions and hides developer tools in a packaged app', () => {
    const text = (packaged: boolean) => JSON.stringify(menuTemplate(actions, 'linux', packaged));
    expect(text(true)).toContain('Back up now');
    expect(text(true)).toContain('Open data folder');
    expect(text(true)).toContain('Restore from a backup');
    expect(text(true)).not.toContain('toggleDevTools');
    expect(text(false)).toContain('toggleDevTools');
    expect(JSON.stringify(menuTemplate(actions, 'darwin', true))).toContain('appMenu');
  });
});

describe('IPC in the main process', () => {
  function fakeIpcMain() {
    const handlers = new Map<string, (e: any, ...args: unknown[]) => unknown>();
    const ipc: IpcMainLike = { handle: (c, fn) => void handlers.set(c, fn), removeHandler: (c) => void handlers.delete(c) };
    return { ipc, invoke: (channel: string, senderUrl: string | undefined, ...args: unknown[]) => handlers.get(channel)!({ senderFrame: senderUrl ? { url: senderUrl } : undefined }, ...args), handlers };
  }
  const deps = () => ({
    rendererUrl: () => RENDERER,
    call: vi.fn(async (op: unknown) => ({ ok: true as const, value: { op } })),
    status: () => ({ mode: 'local' as const, dataDir: '/d', apiUrl: 'http://127.0.0.1:8787', httpError: null, initialAdminKey: null, instanceId: 'i' }),
    settings: () => ({ mode: 'local' }),
    saveSettings: vi.fn(async (n: unknown) => ((n as { port?: number }).port === 1 ? { ok: false as const, message: 'bad port' } : { ok: true as const })),
  });

  it('answers the console page and refuses anyone else', async () => {
    const f = fakeIpcMain();
    const d = deps();
    registerIpc(f.ipc, d);
    expect(await f.invoke(CHANNELS.call, RENDERER, 'getOverview', {})).toEqual({ ok: true, value: { op: 'getOverview' } });
    expect(await f.invoke(CHANNELS.call, 'https://evil.example/', 'getOverview', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await f.invoke(CHANNELS.call, undefined, 'getOverview', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(d.call).toHaveBeenCalledTimes(1);
  });

  it('serves the desktop status and settings, with validation', async () => {
    const f = fakeIpcMain();
    const d = deps();
    const unregister = registerIpc(f.ipc, d);
    expect(await f.invoke(CHANNELS.desktop, RENDERER, 'status')).toMatchObject({ ok: true, value: { mode: 'local', apiUrl: 'http://127.0.0.1:8787' } });
    expect(await f.invoke(CHANNELS.desktop, RENDERER, 'saveSettings', { port: 1 })).toMatchObject({ ok: false, error: { code: 'validation_failed', message: 'bad port' } });
    expect(await f.invoke(CHANNELS.desktop, RENDERER, 'nope')).toMatchObject({ ok: false, error: { code: 'not_found' } });
    unregister();
    expect(f.handlers.size).toBe(0);
  });
});

describe('the preload', () => {
  it('exposes call, subscribe and desktop, never ipcRenderer', async () => {
    const exposed: Record<string, any> = {};
    const listeners = new Map<string, Set<(...a: unknown[]) => void>>();
    const ipcRenderer = {
      invoke: vi.fn(async (channel: string, op: string) => (op === 'bad' ? { ok: false, error: { status: 404, code: 'customer_not_found', message: 'no', details: {} } } : { ok: true, value: { channel, op } })),
      on: (c: string, fn: (...a: unknown[]) => void) => void (listeners.get(c) ?? listeners.set(c, new Set()).get(c)!).add(fn),
      removeListener: (c: string, fn: (...a: unknown[]) => void) => void listeners.get(c)?.delete(fn),
    };
    vi.doMock('electron', () => ({ contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) }, ipcRenderer }));
    await import('../../src-main/preload');
    const api = exposed.tollgate;
    expect(Object.keys(exposed)).toEqual(['tollgate']);
    expect(Object.keys(api).sort()).toEqual(['call', 'desktop', 'subscribe']);
    expect(JSON.stringify(Object.keys(api.desktop).sort())).toBe('["saveSettings","settings","status"]');
    expect(Object.values(api).includes(ipcRenderer)).toBe(false);
    expect(await api.call('getOverview', {})).toEqual({ channel: 'tollgate:call', op: 'getOverview' });
    expect(await api.call('bad', {})).toEqual({ error: { status: 404, code: 'customer_not_found', message: 'no', details: {} } });
    const got: unknown[] = [];
    const off = api.subscribe((m: unknown) => got.push(m));
    for (const fn of listeners.get('tollgate:live')!) fn({ sender: 'x' }, { kind: 'hello' });
    off();
    expect(listeners.get('tollgate:live')!.size).toBe(0);
    expect(got).toEqual([{ kind: 'hello' }]);
    vi.doUnmock('electron');
  });
});

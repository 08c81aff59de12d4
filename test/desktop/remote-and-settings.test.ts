/**
 * The desktop app as the console of a remote Tollgate: calls go to the remote API with the
 * operator's key (errors keep their codes), the live feed follows the remote's SSE stream; and the
 * desktop settings file: defaults, validation (https for a remote), atomic writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RemoteBackend } from '../../src-main/runtime/remote-backend';
import { DEFAULT_DESKTOP_SETTINGS, loadDesktopSettings, saveDesktopSettings } from '../../src-main/runtime/desktop-settings';
import type { LiveMessage } from '../../src-main/runtime/desktop-protocol';
import { ADMIN_KEY, type ServerFixture, startApi, tempDir } from '../helpers/harness';

describe('remote mode', () => {
  let fx: ServerFixture;
  beforeAll(async () => {
    fx = await startApi();
    await fx.op('createAsset', { code: 'USD' });
    await fx.op('createCustomer', { external_id: 'acme' });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it('calls the remote API and keeps its error codes', async () => {
    const remote = new RemoteBackend({ url: fx.url, apiKey: ADMIN_KEY });
    expect(await remote.call('getCustomer', { external_id: 'acme' })).toMatchObject({ ok: true, value: { external_id: 'acme' } });
    expect(await remote.call('getCustomer', { external_id: 'nobody' })).toMatchObject({ ok: false, error: { status: 404, code: 'customer_not_found' } });
    expect(remote.status()).toMatchObject({ mode: 'remote', apiUrl: fx.url, dataDir: null });
    const wrongKey = new RemoteBackend({ url: fx.url, apiKey: 'tg_nobody00_0123456789abcdefghij' });
    expect(await wrongKey.call('listCustomers', {})).toMatchObject({ ok: false, error: { status: 401, code: 'unauthenticated' } });
    const down = new RemoteBackend({ url: 'http://127.0.0.1:9', apiKey: ADMIN_KEY });
    expect(await down.call('listCustomers', {})).toMatchObject({ ok: false, error: { code: 'network_error' } });
  });

  it('follows the remote live feed', async () => {
    const remote = new RemoteBackend({ url: fx.url, apiKey: ADMIN_KEY });
    const got: LiveMessage[] = [];
    const seen = new Promise<void>((resolve) =>
      remote.onLive((m) => {
        got.push(m);
        if (m.kind === 'hello') void fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '100' });
        if (m.kind === 'changes' && m.changes.some((c) => c.type === 'balance' && c.customer === 'acme')) resolve();
      }),
    );
    await seen;
    await remote.stop();
    expect(got[0]!.kind).toBe('hello');
  });
});

describe('desktop settings', () => {
  it('starts from the defaults and refuses what makes no sense', () => {
    const file = join(tempDir(), 'desktop.json');
    expect(loadDesktopSettings(file)).toEqual({ settings: DEFAULT_DESKTOP_SETTINGS, problem: null });
    expect(saveDesktopSettings(file, { ...DEFAULT_DESKTOP_SETTINGS, port: 70000 })).toMatchObject({ ok: false });
    expect(saveDesktopSettings(file, { ...DEFAULT_DESKTOP_SETTINGS, host: '0.0.0.0' })).toMatchObject({ ok: false });
    expect(saveDesktopSettings(file, { ...DEFAULT_DESKTOP_SETTINGS, mode: 'remote', remoteUrl: 'http://billing.example.com', remoteKey: 'k' })).toMatchObject({ ok: false, message: expect.stringContaining('https') });
    expect(saveDesktopSettings(file, { ...DEFAULT_DESKTOP_SETTINGS, mode: 'remote', remoteUrl: 'https://billing.example.com', remoteKey: null })).toMatchObject({ ok: false, message: expect.stringContaining('API key') });
    const saved = saveDesktopSettings(file, { ...DEFAULT_DESKTOP_SETTINGS, mode: 'remote', remoteUrl: 'https://billing.example.com', remoteKey: 'enc:abc', port: 9000 });
    expect(saved.ok).toBe(true);
    expect(loadDesktopSettings(file).settings).toMatchObject({ mode: 'remote', port: 9000, remoteUrl: 'https://billing.example.com' });
    expect(JSON.parse(readFileSync(file, 'utf8')).port).toBe(9000);
  });

  it('falls back to the defaults, and says why, when the file is damaged', () => {
    const file = join(tempDir(), 'desktop.json');
    writeFileSync(file, '{"port": "eighty"');
    const loaded = loadDesktopSettings(file);
    expect(loaded.settings).toEqual(DEFAULT_DESKTOP_SETTINGS);
    expect(loaded.problem).toContain('could not be read');
  });
});

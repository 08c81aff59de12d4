/**
 * An API key's "Last used": every request run as a key notes it in memory (no write on the
 * request's path); the engine writes it at most about once a minute per key, and on close. The API
 * shows the value in memory when it is newer than the stored one. Before, nothing wrote
 * `last_used_at`: GET /v1/api-keys said null after hundreds of requests.
 */
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { LocalGateway } from '../../src-main/engine/gateway';
import { startServer } from '../../src-main/http/server';
import { ipcCall } from '../../src-main/runtime/ipc-door';
import { ADMIN_KEY, type EngineFixture, openEngine, tempDir } from '../helpers/harness';

let dataDir: string;
let fx: EngineFixture | null = null;
let server: Awaited<ReturnType<typeof startServer>> | null = null;

async function start(clock?: ManualClock) {
  fx = openEngine({ dataDir, clock });
  server = await startServer(fx.engine, { port: 0 });
}

async function stop() {
  await server?.close();
  await fx?.close();
  server = null;
  fx = null;
}

afterEach(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, key = ADMIN_KEY, body?: unknown) {
  const res = await fetch(server!.url + path, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as any };
}

const listed = async (id: string) => ((await call('GET', '/v1/api-keys')).body.data as { id: string; last_used_at: string | null }[]).find((k) => k.id === id)!;

describe('API key last use', () => {
  it('shows a request within seconds, writes nothing on its path, and is there after a restart', async () => {
    dataDir = tempDir();
    await start();
    const created = await call('POST', '/v1/api-keys', ADMIN_KEY, { name: 'reader', scopes: ['read'] });
    expect(created.status).toBe(201);
    const { id, key } = created.body as { id: string; key: string };
    expect((await listed(id)).last_used_at).toBeNull();

    const before = Date.now();
    for (let i = 0; i < 5; i++) expect((await call('GET', '/v1/customers', key)).status).toBe(200);
    const shown = (await listed(id)).last_used_at;
    expect(shown).not.toBeNull();
    expect(Date.parse(shown!)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.now() - Date.parse(shown!)).toBeLessThan(5000);
    // Not written on the request's path: the row still says never until a flush.
    expect(fx!.engine.store.getApiKey(id)!.last_used_at).toBeNull();
    // The admin key that listed the keys was used too.
    expect((await listed('testadmin')).last_used_at).not.toBeNull();

    // A restart: the engine writes what it noted when it closes.
    await stop();
    await start();
    expect((await listed(id)).last_used_at).toBe(shown);
  });

  it('writes each key at most about once a minute, and the API shows the newer use meanwhile', async () => {
    dataDir = tempDir();
    const T0 = Date.parse('2026-06-01T12:00:00Z');
    const clock = new ManualClock(T0);
    await start(clock);
    const { id, key } = (await call('POST', '/v1/api-keys', ADMIN_KEY, { name: 'app', scopes: ['read'] })).body as { id: string; key: string };
    const stored = () => fx!.engine.store.getApiKey(id)!.last_used_at;

    await call('GET', '/v1/customers', key);
    await fx!.engine.flushKeyUses(); // the periodic flush (timers are off in tests)
    expect(stored()).toBe(T0);

    clock.advance(10_000);
    await call('GET', '/v1/customers', key);
    expect(fx!.engine.keys.usesDue()).toBe(false); // written 10 s ago: not again yet
    await fx!.engine.flushKeyUses();
    expect(stored()).toBe(T0);
    expect((await listed(id)).last_used_at).toBe(new Date(T0 + 10_000).toISOString());

    clock.advance(50_000); // a minute after the last write
    expect(fx!.engine.keys.usesDue()).toBe(true);
    await fx!.engine.flushKeyUses();
    expect(stored()).toBe(T0 + 10_000);
    // Nothing new: nothing to write.
    clock.advance(120_000);
    expect(fx!.engine.keys.usesDue()).toBe(false);
  });

  it('calls through the desktop IPC door (no key) note nothing', async () => {
    dataDir = tempDir();
    await start();
    const answer = await ipcCall(new LocalGateway(fx!.engine), 'listCustomers', {}, { osUser: 'alice', requestId: 'ipc' });
    expect(answer.ok).toBe(true);
    expect(fx!.engine.keys.usesDue(true)).toBe(false);
    await stop();
    await start();
    expect((await listed('testadmin')).last_used_at).not.toBeNull(); // this listing's own request
    expect(fx!.engine.store.getApiKey('testadmin')!.last_used_at).toBeNull();
  });
});

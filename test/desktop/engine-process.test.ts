/**
 * The desktop app's engine process, run as it is built (out/main/desktop-engine.js) with a stand-in
 * for Electron's parent port: it opens the engine, serves local apps over HTTP, answers the
 * console's IPC calls through the same validated handlers (audited as the OS user), pushes the
 * live feed, survives a busy port, catches up on request, and stops cleanly, releasing the lock.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FromDesktopEngine, ToDesktopEngine } from '../../src-main/runtime/desktop-protocol';
import { tempDir } from '../helpers/harness';

const root = join(import.meta.dirname, '..', '..');
let child: ChildProcess | null = null;
afterEach(() => {
  child?.kill('SIGKILL');
  child = null;
});

function startEngineProcess(options: { dataDir: string; port: number }, first?: ToDesktopEngine) {
  child = fork(join(import.meta.dirname, 'parent-port-shim.mjs'), [join(root, 'out', 'main', 'desktop-engine.js')], { serialization: 'advanced', stdio: 'pipe' });
  const messages: FromDesktopEngine[] = [];
  const waiters: { test: (m: FromDesktopEngine) => boolean; resolve: (m: FromDesktopEngine) => void }[] = [];
  child.on('message', (m: FromDesktopEngine) => {
    messages.push(m);
    for (const w of [...waiters]) {
      if (!w.test(m)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(m);
    }
  });
  const send = (m: ToDesktopEngine) => child!.send(m);
  const next = (test: (m: FromDesktopEngine) => boolean) =>
    new Promise<FromDesktopEngine>((resolve) => {
      const found = messages.find(test);
      if (found) resolve(found);
      else waiters.push({ test, resolve });
    });
  let id = 0;
  const call = async (op: string, input: unknown) => {
    const n = ++id;
    send({ t: 'call', id: n, op, input, requestId: `t-${n}` });
    const m = (await next((x) => x.t === 'answer' && x.id === n)) as Extract<FromDesktopEngine, { t: 'answer' }>;
    return m.answer;
  };
  send(first ?? { t: 'start', options: { ...options, host: '127.0.0.1', osUser: 'alice' } });
  return { send, next, call, messages };
}
startEngineProcess.restore = (dataDir: string, backupFile: string) => startEngineProcess({ dataDir, port: 0 }, { t: 'restore', dataDir, backupFile });

describe('the desktop engine process', () => {
  it('runs the engine, answers IPC calls as the OS user, serves local apps and pushes live changes', async () => {
    const dataDir = tempDir();
    const p = startEngineProcess({ dataDir, port: 0 });
    const ready = (await p.next((m) => m.t === 'ready' || m.t === 'fatal')) as Extract<FromDesktopEngine, { t: 'ready' }>;
    expect(ready.t).toBe('ready');
    expect(ready.status).toMatchObject({ mode: 'local', dataDir, httpError: null });
    expect(ready.status.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.status.initialAdminKey).toMatch(/^tg_/);

    expect(await p.call('createAsset', { code: 'USD' })).toMatchObject({ ok: true, value: { code: 'USD' } });
    expect(await p.call('createCustomer', { external_id: 'acme' })).toMatchObject({ ok: true });
    // Inputs are validated by the contract, errors keep their code, unknown operations are refused.
    expect(await p.call('createTopUp', { external_id: 'acme', asset: 'USD', amount: 1.5 })).toMatchObject({ ok: false, error: { status: 422, code: 'validation_failed' } });
    expect(await p.call('getCustomer', { external_id: 'nobody' })).toMatchObject({ ok: false, error: { status: 404, code: 'customer_not_found' } });
    expect(await p.call('dropEverything', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });

    // A local app posts to the HTTP endpoint with the admin key; the console sees the change live.
    const res = await fetch(`${ready.status.apiUrl}/v1/customers/acme/top-ups`, { method: 'POST', headers: { authorization: `Bearer ${ready.status.initialAdminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ asset: 'USD', amount: '5000' }) });
    expect(res.status).toBe(201);
    // The built bundle finds its fonts and renders documents on its document thread.
    const topUp = (await res.json()) as { id: string };
    const pdf = await fetch(`${ready.status.apiUrl}/v1/top-ups/${topUp.id}/receipt.pdf`, { headers: { authorization: `Bearer ${ready.status.initialAdminKey}` } });
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const live = (await p.next((m) => m.t === 'live' && m.message.kind === 'changes' && m.message.changes.some((c) => c.type === 'balance' && c.customer === 'acme'))) as Extract<FromDesktopEngine, { t: 'live' }>;
    expect(live.message.kind).toBe('changes');

    const audit = await p.call('listAuditLog', { action: 'customer.create' });
    expect(audit).toMatchObject({ ok: true });
    const row = (audit as { value: { data: any[] } }).value.data[0];
    expect(row).toMatchObject({ door: 'ipc', actor: { kind: 'os_user', id: 'alice', name: 'alice' } });

    p.send({ t: 'catch_up' });
    p.send({ t: 'stop' });
    await p.next((m) => m.t === 'stopped');
    await new Promise((r) => child!.once('exit', r));
    // The lock is released: the data dir opens again.
    const again = startEngineProcess({ dataDir, port: 0 });
    expect((await again.next((m) => m.t === 'ready' || m.t === 'fatal')).t).toBe('ready');
    expect(await again.call('getCustomer', { external_id: 'acme' })).toMatchObject({ ok: true, value: { external_id: 'acme' } });
  }, 60_000);

  it('restores a backup in a process of its own while the engine is stopped', async () => {
    const dataDir = tempDir();
    const p = startEngineProcess({ dataDir, port: 0 });
    expect((await p.next((m) => m.t === 'ready')).t).toBe('ready');
    await p.call('createAsset', { code: 'USD' });
    const backup = (await p.call('createBackup', {})) as { ok: true; value: { path: string } };
    expect(backup.ok).toBe(true);
    await p.call('createCustomer', { external_id: 'after-backup' });
    p.send({ t: 'stop' });
    await p.next((m) => m.t === 'stopped');
    await new Promise((r) => child!.once('exit', r));

    const r = startEngineProcess.restore(dataDir, backup.value.path);
    const restored = (await r.next((m) => m.t === 'restored' || m.t === 'fatal')) as Extract<FromDesktopEngine, { t: 'restored' }>;
    expect(restored.t).toBe('restored');
    expect(restored.report).toMatchObject({ ledger_ok: true, audited: true });
    await new Promise((res) => child!.once('exit', res));

    const again = startEngineProcess({ dataDir, port: 0 });
    expect((await again.next((m) => m.t === 'ready')).t).toBe('ready');
    expect(await again.call('getCustomer', { external_id: 'after-backup' })).toMatchObject({ ok: false, error: { code: 'customer_not_found' } });
    expect(await again.call('listAuditLog', { action: 'restore' })).toMatchObject({ ok: true, value: { data: [{ action: 'restore' }] } });
  }, 60_000);

  it('reports a busy port and keeps the console working', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const p = startEngineProcess({ dataDir: tempDir(), port });
      const ready = (await p.next((m) => m.t === 'ready' || m.t === 'fatal')) as Extract<FromDesktopEngine, { t: 'ready' }>;
      expect(ready.t).toBe('ready');
      expect(ready.status.apiUrl).toBeNull();
      expect(ready.status.httpError).toContain(`Port ${port}`);
      expect(await p.call('health', {})).toMatchObject({ ok: true, value: { status: 'ok' } });
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('refuses a data dir another engine holds, with a clear message', async () => {
    const dataDir = tempDir();
    const first = startEngineProcess({ dataDir, port: 0 });
    expect((await first.next((m) => m.t === 'ready')).t).toBe('ready');
    const firstChild = child;
    const second = startEngineProcess({ dataDir, port: 0 });
    const fatal = (await second.next((m) => m.t === 'fatal' || m.t === 'ready')) as Extract<FromDesktopEngine, { t: 'fatal' }>;
    expect(fatal.t).toBe('fatal');
    expect(fatal.message).toMatch(/in use|lock|another/i);
    firstChild?.kill('SIGKILL');
  }, 60_000);
});

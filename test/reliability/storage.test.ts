/**
 * Disk full and read-only database, on real file systems (root, Linux; skipped where mounting is
 * not allowed). Proves that when the disk cannot take writes the caller gets 503
 * `storage_unavailable` (never a 500, never a crash), health says so in a sentence for the
 * operator (the console shows health), reads keep working, nothing acknowledged is lost, nothing
 * refused is half written, the database is not corrupted, and service resumes once the disk is
 * writable again.
 *
 *  - Disk full: the data dir lives on a tmpfs of 64 MiB; a filler file takes every free byte;
 *    writes go on until SQLite reports SQLITE_FULL; then the filler is deleted and the engine must
 *    take writes again by itself, without a restart (its storage probe turns health green).
 *  - Read-only: the data dir lives on ext4 in a loop-mounted image with `errors=remount-ro`; an
 *    error is injected through /sys/fs/ext4/<dev>/trigger_fs_error and the kernel switches the
 *    file system to read-only, as it does for a failing disk (SQLite then reports I/O errors).
 *    After the process is stopped, the file system is checked (e2fsck) and mounted again, and the
 *    restarted engine holds every acknowledged write and takes new ones.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kill9, type ServeProcess, startServe } from '../helpers/serve-process';
import { call, canMount, integrity, must, peek, sh, sleep } from './support';

const MOUNT_OK = canMount();
const EXT4_OK = MOUNT_OK && existsSync('/sys/fs/ext4') && (() => {
  try {
    execFileSync('sh', ['-c', 'command -v mkfs.ext4 && command -v e2fsck && command -v losetup'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const FUNDED = 10n ** 12n;

const running: ServeProcess[] = [];
const mounts: string[] = [];
afterAll(async () => {
  for (const p of running) await kill9(p);
  for (const m of mounts.reverse()) {
    try {
      sh(`umount -l ${m}`);
    } catch {
      /* already gone */
    }
  }
});

async function setUp(url: string) {
  await must(url, 'POST', '/v1/assets', { code: 'USD' });
  await must(url, 'POST', '/v1/metrics', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
  await must(url, 'POST', '/v1/plans', { code: 'tok', name: 'Tokens', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }] });
  await must(url, 'POST', '/v1/customers', { external_id: 'disk' });
  await must(url, 'POST', '/v1/customers/disk/top-ups', { asset: 'USD', amount: FUNDED.toString(), kind: 'granted' });
  await must(url, 'POST', '/v1/subscriptions', { customer: 'disk', plan: 'tok' });
}

/** Writes of every kind, each answered 2xx or 503 storage_unavailable and remembered by outcome. */
class Writes {
  acked = new Map<string, number>();
  refused = new Set<string>();
  other: string[] = [];
  private n = 0;

  async event(url: string, prefix: string): Promise<number> {
    const tx = `${prefix}-${this.n++}`;
    const tokens = 1 + (this.n % 97);
    const r = await call(url, 'POST', '/v1/events', { transaction_id: tx, customer: 'disk', code: 'tokens', properties: { tokens, pad: 'x'.repeat(800) } });
    this.classify(tx, tokens, r.status, r.body);
    return r.status;
  }

  async batch(url: string, prefix: string, size = 200): Promise<number> {
    const events = Array.from({ length: size }, () => {
      const tx = `${prefix}-${this.n++}`;
      return { transaction_id: tx, customer: 'disk', code: 'tokens', properties: { tokens: 1 + (this.n % 97), pad: 'x'.repeat(800) } };
    });
    const r = await call(url, 'POST', '/v1/events/batch', { events });
    if (r.status !== 200) {
      this.other.push(`batch -> ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      return r.status;
    }
    let worst = 201;
    r.body.results.forEach((res: { status: number; error?: { code: string } }, i: number) => {
      this.classify(events[i]!.transaction_id, events[i]!.properties.tokens, res.status, { error: res.error });
      worst = Math.max(worst, res.status);
    });
    return worst;
  }

  async others(url: string, k: number): Promise<number[]> {
    const statuses: number[] = [];
    for (const [method, path, body] of [
      ['POST', '/v1/customers/disk/top-ups', { asset: 'USD', amount: '5', kind: 'granted', idempotency_key: `t-${k}` }],
      ['POST', '/v1/authorizations', { customer: 'disk', asset: 'USD', amount: '5', idempotency_key: `a-${k}` }],
      ['POST', '/v1/customers', { external_id: `c-${k}` }],
      ['PATCH', '/v1/settings', { grace_period_hours: 1 + (k % 5) }],
    ] as const) {
      const r = await call(url, method, path, body);
      statuses.push(r.status);
      if (!(r.status >= 200 && r.status < 300) && !(r.status === 503 && r.body?.error?.code === 'storage_unavailable')) this.other.push(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    }
    return statuses;
  }

  private classify(tx: string, tokens: number, status: number, body: any) {
    if (status === 201 || status === 200) this.acked.set(tx, tokens);
    else if (status === 503 && body?.error?.code === 'storage_unavailable') this.refused.add(tx);
    else this.other.push(`${tx} -> ${status} ${JSON.stringify(body).slice(0, 300)}`);
  }
}

/** Every acknowledged event is stored, no refused one is, and the balance is the funding less the stored events' tokens. */
async function checkLedger(url: string, dataDir: string, w: Writes) {
  const stored = peek(dataDir, (db) => new Map((db.prepare("SELECT e.transaction_id AS tx, json_extract(e.properties, '$.tokens') AS t FROM events e JOIN customers c ON c.id = e.customer_id WHERE c.external_id = 'disk'").all() as { tx: string; t: number }[]).map((r) => [r.tx, r.t])));
  const missing = [...w.acked.keys()].filter((tx) => !stored.has(tx));
  expect(missing.slice(0, 5), `${missing.length} acknowledged events missing`).toEqual([]);
  const ghosts = [...w.refused].filter((tx) => stored.has(tx));
  expect(ghosts.slice(0, 5), `${ghosts.length} refused events stored`).toEqual([]);
  let tokens = 0n;
  for (const t of stored.values()) tokens += BigInt(t);
  const bal = await must(url, 'GET', '/v1/customers/disk/balances');
  const topUps = peek(dataDir, (db) => BigInt((db.prepare("SELECT COALESCE(SUM(t.amount), 0) AS s FROM top_ups t JOIN customers c ON c.id = t.customer_id WHERE c.external_id = 'disk' AND t.status = 'succeeded'").get() as { s: number }).s));
  const usd = bal.balances.find((b: { asset: string }) => b.asset === 'USD');
  expect(BigInt(usd.posted)).toBe(topUps - tokens);
  const verify = await must(url, 'GET', '/v1/ledger/verify');
  expect(verify.problems).toEqual([]);
}

describe.skipIf(!MOUNT_OK)('disk full (tmpfs)', () => {
  it('answers 503 storage_unavailable, says so in health, and resumes by itself when space returns', async () => {
    const mnt = mkdtempSync(join(tmpdir(), 'tollgate-full-'));
    sh(`mount -t tmpfs -o size=64m tmpfs ${mnt}`);
    mounts.push(mnt);
    const dataDir = join(mnt, 'data');
    mkdirSync(dataDir);
    let serve = await startServe(dataDir);
    running.push(serve);
    await setUp(serve.url);
    const w = new Writes();
    for (let i = 0; i < 5; i++) expect(await w.batch(serve.url, 'before')).toBe(201);
    expect(w.acked.size).toBe(1000);

    // Every free byte goes to a filler file.
    try {
      sh(`dd if=/dev/zero of=${mnt}/filler bs=1M 2>/dev/null; dd if=/dev/zero of=${mnt}/filler2 bs=4k 2>/dev/null; true`);
    } catch {
      /* dd stops at ENOSPC */
    }
    expect(sh(`df --output=avail -B1 ${mnt} | tail -1`).trim()).toBe('0');

    // Writes go on until SQLite cannot grow its files: then every refusal is 503 storage_unavailable.
    let firstRefusal = -1;
    for (let i = 0; i < 400 && firstRefusal < 0; i++) {
      const statuses = [await w.event(serve.url, 'full'), await w.batch(serve.url, 'full', 50), ...(await w.others(serve.url, i))];
      if (statuses.includes(503)) firstRefusal = i;
    }
    expect(firstRefusal, 'the disk filled up').toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 10; i++) {
      await w.event(serve.url, 'full');
      await w.others(serve.url, 1000 + i);
    }
    expect(w.other, `answers other than 2xx or 503 storage_unavailable; the server said: ${serve.output().slice(-3000)}`).toEqual([]);
    expect(w.refused.size).toBeGreaterThan(0);

    const degraded = await must(serve.url, 'GET', '/v1/health');
    expect(degraded.status).toBe('degraded');
    expect(degraded.storage.available).toBe(false);
    expect(degraded.storage.message).toMatch(/full/i);
    // Reads still work.
    expect((await call(serve.url, 'GET', '/v1/customers/disk/balances')).status).toBe(200);
    expect((await call(serve.url, 'GET', '/v1/events?customer=disk&limit=10')).status).toBe(200);

    // Space comes back: the engine takes writes again without a restart.
    rmSync(join(mnt, 'filler'), { force: true });
    rmSync(join(mnt, 'filler2'), { force: true });
    let healthy = false;
    for (let i = 0; i < 40 && !healthy; i++) {
      healthy = (await must(serve.url, 'GET', '/v1/health')).storage.available === true;
      if (!healthy) await sleep(500);
    }
    expect(healthy, 'health turned green once space returned').toBe(true);
    for (let i = 0; i < 3; i++) expect(await w.batch(serve.url, 'after')).toBe(201);
    expect(await w.event(serve.url, 'after')).toBe(201);
    expect(w.other).toEqual([]);
    await checkLedger(serve.url, dataDir, w);

    // And after a crash: the database is whole, and holds the same.
    await kill9(serve);
    expect(integrity(join(dataDir, 'tollgate.db'))).toBe('ok');
    serve = await startServe(dataDir);
    running.push(serve);
    await checkLedger(serve.url, dataDir, w);
    await kill9(serve);
    sh(`umount ${mnt}`);
    mounts.pop();
    rmSync(mnt, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`disk full: ${w.acked.size} writes acknowledged, ${w.refused.size} refused with 503 (first after ${firstRefusal} rounds of writes on a full disk)`);
  }, 180_000);
});

describe.skipIf(!EXT4_OK)('read-only database (ext4 remounted read-only by the kernel)', () => {
  it('answers 503 storage_unavailable with a clear health message; after fsck and a remount the restarted engine holds every acknowledged write', async () => {
    const work = mkdtempSync(join(tmpdir(), 'tollgate-ro-'));
    const image = join(work, 'disk.img');
    const mnt = join(work, 'mnt');
    mkdirSync(mnt);
    sh(`truncate -s 128M ${image} && mkfs.ext4 -q -F ${image} && mount -o loop,errors=remount-ro ${image} ${mnt}`);
    mounts.push(mnt);
    const dev = sh(`findmnt -n -o SOURCE ${mnt}`).trim().replace('/dev/', '');
    const dataDir = join(mnt, 'data');
    mkdirSync(dataDir);
    let serve = await startServe(dataDir);
    running.push(serve);
    await setUp(serve.url);
    const w = new Writes();
    for (let i = 0; i < 3; i++) expect(await w.batch(serve.url, 'before')).toBe(201);

    // The kernel's own reaction to a file-system error: the file system becomes read-only.
    sh(`echo 1 > /sys/fs/ext4/${dev}/trigger_fs_error`);
    expect(sh(`findmnt -n -o OPTIONS ${mnt}`).trim()).toMatch(/(^|,)(ro|emergency_ro)(,|$)/);

    for (let i = 0; i < 10; i++) {
      await w.event(serve.url, 'ro');
      await w.batch(serve.url, 'ro', 20);
      await w.others(serve.url, i);
    }
    expect(w.other, `answers other than 2xx or 503 storage_unavailable; the server said: ${serve.output().slice(-3000)}`).toEqual([]);
    expect(w.refused.size).toBeGreaterThan(0);
    const degraded = await must(serve.url, 'GET', '/v1/health');
    expect(degraded.status).toBe('degraded');
    expect(degraded.storage.available).toBe(false);
    expect(degraded.storage.message).toMatch(/read-only|I\/O error/i);
    expect((await call(serve.url, 'GET', '/v1/customers/disk/balances')).status).toBe(200);

    // The operator stops Tollgate, checks the file system and mounts it again.
    await kill9(serve);
    sh(`umount ${mnt} || (sleep 1 && umount ${mnt})`);
    try {
      sh(`e2fsck -fy ${image} >/dev/null 2>&1`);
    } catch {
      /* exit code 1: errors corrected */
    }
    sh(`mount -o loop,errors=remount-ro ${image} ${mnt}`);
    expect(integrity(join(dataDir, 'tollgate.db'))).toBe('ok');
    serve = await startServe(dataDir);
    running.push(serve);
    expect((await must(serve.url, 'GET', '/v1/health')).status).toBe('ok');
    expect(await w.batch(serve.url, 'after')).toBe(201);
    await checkLedger(serve.url, dataDir, w);
    await kill9(serve);
    sh(`umount ${mnt}`);
    mounts.pop();
    rmSync(work, { recursive: true, force: true });
    // eslint-disable-next-line no-console
    console.log(`read-only: ${w.acked.size} writes acknowledged, ${w.refused.size} refused with 503`);
  }, 180_000);
});

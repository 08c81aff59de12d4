/**
 * Profiling aid (not part of `npm run bench`): the bench workload's events ingested straight into
 * the engine, in batches, without HTTP. Run: node scripts/run-ts.js bench/profile-ingest.ts, or
 * node --cpu-prof out/run/profile-ingest.mjs after that, and open the .cpuprofile.
 * TABLE_ROWS=1 prints the rows each table holds per event; with --expose-gc it prints the heap
 * after a collection, and HEAP_SNAPSHOT=file writes a heap snapshot. CPU_PROFILE=file profiles the
 * ingestion alone; KEEP_DATA=1 keeps the data dir. WAL_PAGES=n then runs 20 flushes of n events and
 * counts the WAL pages their commits wrote, by table and index.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from '../src-main/engine/engine';
import { createHandlers } from '../src-main/engine/handlers';
import { operations } from '../shared/contract/operations';
import { makeEvents, METRICS, PLAN, zipfSampler } from './lib/workload';

const customers = Number(process.env.CUSTOMERS ?? 2000);
const events = Number(process.env.EVENTS ?? 50_000);
const dataDir = mkdtempSync(join(tmpdir(), 'tg-prof-'));
const engine = Engine.open({ dataDir, timers: false, synchronous: 'FULL' });
const handlers = createHandlers(engine) as unknown as Record<string, (i: unknown, c: unknown) => Promise<unknown>>;
const call = { door: 'ipc', keyId: null, keyName: 'bench', osUser: 'bench', remoteAddress: null, requestId: 'p' };
const op = (id: string, input: unknown) => handlers[id]!((operations as Record<string, { input: { parse(x: unknown): unknown } }>)[id]!.input.parse(input), call);
await op('createAsset', { code: 'USD', scale: 6 });
for (const m of METRICS) await op('createMetric', m);
await op('createPlan', PLAN);
const setup: (() => unknown)[] = [];
for (let i = 0; i < customers; i++) {
  setup.push(() => {
    engine.customers.create({ external_id: `c${i}` } as never);
    engine.billing.start(engine.subscriptions.create({ customer: `c${i}`, plan: 'pro' } as never));
    engine.funding.createTopUp({ external_id: `c${i}`, asset: 'USD', amount: 50_000_000_000n } as never);
    engine.funding.createTopUp({ external_id: `c${i}`, asset: 'USD', amount: 5_000_000n, kind: 'granted' } as never);
  });
}
await engine.writer.runEach(setup, 'bulk');
if (process.env.NO_CKPT) engine.db.pragma('wal_autocheckpoint = 0');
if (process.env.DROP_INDEX) for (const ix of process.env.DROP_INDEX.split(',')) engine.db.exec(`DROP INDEX ${ix}`);
const list = makeEvents(events, 'p', zipfSampler(customers)).map((e) => JSON.parse(e.body) as Record<string, unknown>);
// HOLDS=n: one event in ten settles a hold taken beforehand (as the benchmark's batches do).
const holds = Number(process.env.HOLDS ?? 0) > 0;
if (holds) {
  const taking: (() => unknown)[] = [];
  list.forEach((e, i) => {
    if (i % 10 !== 0) return;
    taking.push(() => {
      const h = engine.authorizations.create({ customer: e.customer, metric: 'tokens', quantity: String((e.properties as { tokens: number }).tokens), properties: { model: 'o3' }, ttl_seconds: 86_400 } as never);
      e.authorization_id = h.id;
    });
  });
  const t = performance.now();
  for (let i = 0; i < taking.length; i += 1000) await engine.writer.runEach(taking.slice(i, i + 1000), 'bulk');
  console.log(JSON.stringify({ holds: taking.length, seconds: Math.round((performance.now() - t) / 10) / 100 }));
}
// CPU_PROFILE=file: a CPU profile of the ingestion alone (not the set-up), for Chrome's DevTools.
const inspector = process.env.CPU_PROFILE ? new (await import('node:inspector/promises')).Session() : null;
if (inspector) { inspector.connect(); await inspector.post('Profiler.enable'); await inspector.post('Profiler.start'); }
(globalThis as { __stmtReset?: () => void }).__stmtReset?.();
const started = performance.now();
for (let i = 0; i < list.length; i += 1000) await engine.writer.runEach(list.slice(i, i + 1000).map((e) => () => engine.events.ingest(e as never)), 'bulk');
const seconds = (performance.now() - started) / 1000;
(globalThis as { __stmtPrint?: (n: number) => void }).__stmtPrint?.(events);
if (inspector) {
  const { profile } = await inspector.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(process.env.CPU_PROFILE!, JSON.stringify(profile));
}
const count = (sql: string) => (engine.db.prepare(sql).get() as { n: number }).n;
console.log(JSON.stringify({ events, seconds: Math.round(seconds * 100) / 100, events_per_second: Math.round(events / seconds), transfers_per_event: count("SELECT COUNT(*) AS n FROM transfers WHERE event_id IS NOT NULL") / events }));
// WAL_PAGES=n: after the run, 20 flushes of n events each (n=25 is what a commit carries under the
// single-event load, 150 a bulk slice), then the WAL frames those commits appended, by the B-tree
// each page belongs to: what an event costs at COMMIT, table by table.
if (process.env.WAL_PAGES) {
  const perFlush = Number(process.env.WAL_PAGES);
  const { readFileSync } = await import('node:fs');
  engine.db.pragma('wal_autocheckpoint = 0');
  engine.db.pragma('wal_checkpoint(TRUNCATE)');
  const more = makeEvents(20 * perFlush, 'w', zipfSampler(customers)).map((e) => JSON.parse(e.body) as Record<string, unknown>);
  for (let f = 0; f < 20; f++) await engine.writer.runEach(more.slice(f * perFlush, (f + 1) * perFlush).map((e) => () => engine.events.ingest(e as never)), 'interactive');
  const wal = readFileSync(`${engine.db.name}-wal`);
  const pageSize = wal.readUInt32BE(8);
  const frames: number[] = [];
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) frames.push(wal.readUInt32BE(at));
  const owner = new Map((engine.db.prepare('SELECT name, pageno FROM dbstat').all() as { name: string; pageno: number }[]).map((r) => [r.pageno, r.name]));
  const byTree = new Map<string, number>();
  for (const page of frames) byTree.set(owner.get(page) ?? '(free or header)', (byTree.get(owner.get(page) ?? '(free or header)') ?? 0) + 1);
  const events = 20 * perFlush;
  console.log(JSON.stringify({ wal_frames: frames.length, frames_per_event: Math.round((frames.length / events) * 100) / 100, commits: 20, events_per_commit: perFlush }));
  for (const [tree, n] of [...byTree].sort((a, b) => b[1] - a[1])) console.log(JSON.stringify({ tree, frames_per_event: Math.round((n / events) * 100) / 100 }));
}
// TABLE_ROWS=1: rows per table and index entries per event, to see what an event writes.
if (process.env.TABLE_ROWS) {
  const tables = engine.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  for (const { name } of tables) {
    const rows = count(`SELECT COUNT(*) AS n FROM "${name}"`);
    const indexes = (engine.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'index' AND tbl_name = ?").get(name) as { n: number }).n;
    if (rows > events / 100) console.log(JSON.stringify({ table: name, rows_per_event: Math.round((rows / events) * 100) / 100, indexes }));
  }
}
// With --expose-gc: what the engine keeps in memory after the run (caches that grow with events).
const gc = (globalThis as { gc?: () => void }).gc;
if (gc) {
  list.length = 0; // the workload's own copy of the events is not the engine's memory
  gc();
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 2 ** 20);
  console.log(JSON.stringify({ heap_used_mb: mb(m.heapUsed), heap_total_mb: mb(m.heapTotal), rss_mb: mb(m.rss), external_mb: mb(m.external) }));
  // What SQLite's page cache and statement memory hold: RSS again once SQLite has let go of it.
  engine.db.pragma('shrink_memory');
  if (process.env.HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.HEAP_SNAPSHOT);
  console.log(JSON.stringify({ rss_after_sqlite_shrink_mb: mb(process.memoryUsage().rss) }));
  // CACHE_SIZES=1: each in-memory cache's share of the heap, measured by emptying it and collecting.
  if (process.env.CACHE_SIZES) {
    const reach = engine as unknown as Record<string, Record<string, Map<unknown, unknown>>>;
    const caches: [string, Map<unknown, unknown> | undefined][] = [
      ['wallets', reach.ctx!.books && (reach.ctx!.books as unknown as Record<string, Map<unknown, unknown>>).wallets],
      ['holds', reach.authorizations!.pending], ['usage entries', reach.usage!.cache],
      ['customers by id', reach.customers!.byId], ['customers by external id', reach.customers!.byExternal],
      ['subscriptions', reach.subscriptions!.live], ['current segments', reach.subscriptions!.currentSegment], ['segments', reach.subscriptions!.segments],
      ['burn rates', reach.stats!.burn], ['account names', reach.views!.accountNames],
    ];
    let before = process.memoryUsage().heapUsed;
    for (const [name, cache] of caches) {
      if (!cache) continue;
      const entries = cache.size;
      cache.clear();
      gc();
      const now = process.memoryUsage().heapUsed;
      console.log(JSON.stringify({ cache: name, entries, heap_mb: Math.round((before - now) / 2 ** 20 * 10) / 10 }));
      before = now;
    }
  }
}
await engine.close();
if (!process.env.KEEP_DATA) rmSync(dataDir, { recursive: true, force: true });

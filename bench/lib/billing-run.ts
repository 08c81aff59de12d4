import { join } from 'node:path';
import { ManualClock } from '../../src-main/engine/clock';
import { Engine } from '../../src-main/engine/engine';
import { createHandlers } from '../../src-main/engine/handlers';
import { operations } from '../../shared/contract/operations';
import { makeEvents, METRICS, PLAN, zipfSampler } from './workload';

/**
 * The billing run at the end of a period: `subscriptions` customers on the three-charge plan, a
 * period of `events` events, then the clock passes the period end and every period is closed, its
 * invoice drafted and (no grace) finalized. Run on the engine with a frozen clock (serve mode has
 * the wall clock, and nobody waits a month for a benchmark); PDFs render on their own thread, as
 * in serve mode, and are timed separately.
 */
export async function billingRun(dataDir: string, subscriptions: number, events: number, root: string) {
  const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
  const engine = Engine.open({ dataDir, clock, timers: false, synchronous: 'FULL', documentWorker: join(root, 'out', 'main', 'document-worker.js') });
  const handlers = createHandlers(engine) as unknown as Record<string, (i: unknown, c: unknown) => Promise<unknown>>;
  const call = { door: 'ipc', keyId: null, keyName: 'bench', osUser: 'bench', remoteAddress: null, requestId: 'bench' };
  const op = (id: string, input: unknown) => handlers[id]!((operations as Record<string, { input: { parse(x: unknown): unknown } }>)[id]!.input.parse(input), call);
  await op('updateSettings', { grace_period_hours: 0 });
  await op('createAsset', { code: 'USD', scale: 6 });
  for (const m of METRICS) await op('createMetric', m);
  await op('createPlan', PLAN);
  const setup: (() => unknown)[] = [];
  for (let i = 0; i < subscriptions; i++) {
    setup.push(() => {
      engine.customers.create({ external_id: `c${i}`, billing_mode: 'postpaid' } as never);
      const row = engine.subscriptions.create({ customer: `c${i}`, plan: 'pro' } as never);
      engine.billing.start(row);
    });
  }
  await engine.writer.runEach(setup, 'bulk');
  clock.set(Date.parse('2026-03-02T00:00:00Z'));
  const list = makeEvents(events, 'p', zipfSampler(subscriptions));
  for (let i = 0; i < list.length; i += 1000) {
    const slice = list.slice(i, i + 1000).map((e) => JSON.parse(e.body) as Record<string, unknown>);
    await engine.writer.runEach(slice.map((e) => () => engine.events.ingest(e as never)), 'bulk');
  }
  clock.set(Date.parse('2026-04-01T00:00:01Z'));
  const started = performance.now();
  let invoices = 0;
  for (;;) {
    const r = await engine.runBilling();
    invoices += r.finalized;
    if (r.advanced === 0 && r.finalized === 0) break;
  }
  const runSeconds = (performance.now() - started) / 1000;
  // PDFs render after commit on the document thread; wait for them (at most two minutes).
  const pdfStart = performance.now();
  // The document thread is unref'd (it never holds a process open); keep this one alive while waiting.
  const keepAlive = setInterval(() => undefined, 1000);
  const pending = () => (engine.db.prepare("SELECT COUNT(*) AS n FROM invoices WHERE status <> 'draft' AND pdf IS NULL").get() as { n: number }).n;
  while (pending() > 0 && performance.now() - pdfStart < 120_000) {
    await engine.documents.renderPending();
    await new Promise((r) => setTimeout(r, 200));
  }
  clearInterval(keepAlive);
  const result = {
    subscriptions,
    charges_per_plan: 3,
    events,
    invoices_finalized: invoices,
    run_seconds: Math.round(runSeconds * 100) / 100,
    pdfs_seconds: Math.round(((performance.now() - pdfStart) / 1000) * 10) / 10,
    pdfs_pending: pending(),
    ledger_ok: engine.verify().ok,
  };
  await engine.close();
  return result;
}

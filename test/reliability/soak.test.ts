/**
 * Soak. Proves that serve mode under steady mixed load does not leak: memory flat, file
 * descriptors flat, latency stable, every request answered, the ledger whole at the end.
 *
 * Serve mode runs as its own process for 30 s (short form) or ten minutes (full form) under a fixed
 * offered load: batches of events, single events, authorizations with captures and voids, top-ups,
 * reads of balances and event lists, and a console's live feed held open. Every two seconds the
 * process's resident memory and open file descriptors (/proc/<pid>) are sampled, and the latency
 * of the authorizations of that window is recorded. After a warm-up (the first fifth: SQLite's page
 * cache fills, V8 settles), the assertions compare the end with the warm point:
 *  - descriptors: at most 10 more (a leak of one per request would be thousands);
 *  - memory: at most 96 MiB more (SQLite's page cache may still grow to its 16 MiB cap while the
 *    database grows, and V8 and malloc keep some slack), and in the full form the second half may
 *    not grow by more than 64 MiB (about 150 bytes per request of the ten minutes: a leak of a
 *    request's body, answer or hold would be far more);
 *  - latency: the median authorization latency of the last third of the windows is at most four
 *    times that of the first third after warm-up, plus 5 ms (a ratio: stability, not speed);
 *  - no request failed, and the ledger check passes.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, tempDir } from '../helpers/harness';
import { kill9, type ServeProcess, startServe } from '../helpers/serve-process';
import { call, fdCount, FULL, must, pick, rand, rssOf, sleep } from './support';

const SECONDS = Number(process.env.SOAK_SECONDS ?? pick(30, 600));
const SAMPLE_MS = 2000;

let serve: ServeProcess | undefined;
afterAll(async () => {
  if (serve) await kill9(serve);
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};

describe('soak', () => {
  it(`${SECONDS} s of steady mixed load: memory, descriptors and latency flat`, async () => {
    const dir = tempDir('tollgate-soak-');
    serve = await startServe(dir);
    const { url } = serve;
    const pid = serve.child.pid!;
    await must(url, 'POST', '/v1/assets', { code: 'USD' });
    await must(url, 'POST', '/v1/metrics', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
    await must(url, 'POST', '/v1/plans', { code: 'tok', name: 'Tokens', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000002' } }] });
    const customers = Array.from({ length: 20 }, (_, i) => `s${i}`);
    for (const c of customers) {
      await must(url, 'POST', '/v1/customers', { external_id: c });
      await must(url, 'POST', `/v1/customers/${c}/top-ups`, { asset: 'USD', amount: '100000000000', kind: 'granted' });
      await must(url, 'POST', '/v1/subscriptions', { customer: c, plan: 'tok' });
    }

    // A console's live feed, held open the whole time.
    const live = new AbortController();
    const feed = fetch(`${url}/v1/live`, { headers: { authorization: `Bearer ${ADMIN_KEY}` }, signal: live.signal })
      .then(async (res) => {
        const reader = res.body!.getReader();
        for (;;) if ((await reader.read()).done) break;
      })
      .catch(() => undefined);

    let stop = false;
    const failures: string[] = [];
    const authLatencies: number[] = [];
    let counter = 0;
    const expect2xx = (what: string, r: { status: number; body: unknown }) => {
      if (r.status < 200 || r.status >= 300) failures.push(`${what} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    };
    /** Runs `fn` every `everyMs`, never two at once. */
    const paced = async (everyMs: number, fn: () => Promise<void>) => {
      while (!stop) {
        const t = performance.now();
        await fn();
        const left = everyMs - (performance.now() - t);
        if (left > 0) await sleep(left);
      }
    };
    const c = () => customers[rand(customers.length)]!;
    const loops = [
      // ~2,000 events/s in batches of 100
      paced(50, async () => {
        const events = Array.from({ length: 100 }, () => ({ transaction_id: `b${counter++}`, customer: c(), code: 'tokens', properties: { tokens: 1 + rand(5000) } }));
        expect2xx('batch', await call(url, 'POST', '/v1/events/batch', { events }));
      }),
      // single events, two clients
      ...[0, 1].map(() => paced(10, async () => expect2xx('event', await call(url, 'POST', '/v1/events', { transaction_id: `e${counter++}`, customer: c(), code: 'tokens', properties: { tokens: 1 + rand(5000) } })))),
      // authorizations, then a capture or a void
      ...[0, 1].map(() =>
        paced(20, async () => {
          const t = performance.now();
          const a = await call(url, 'POST', '/v1/authorizations', { customer: c(), asset: 'USD', amount: '50' });
          authLatencies.push(performance.now() - t);
          expect2xx('authorize', a);
          if (a.status === 201) expect2xx('settle', rand(2) ? await call(url, 'POST', `/v1/authorizations/${a.body.id}/capture`, { amount: '20' }) : await call(url, 'POST', `/v1/authorizations/${a.body.id}/void`, {}));
        }),
      ),
      paced(200, async () => expect2xx('top-up', await call(url, 'POST', `/v1/customers/${c()}/top-ups`, { asset: 'USD', amount: '1000', kind: 'granted' }))),
      paced(50, async () => expect2xx('balances', await call(url, 'GET', `/v1/customers/${c()}/balances`))),
      paced(250, async () => expect2xx('events', await call(url, 'GET', `/v1/events?customer=${c()}&limit=50`))),
    ];

    const samples: { t: number; rss: number; fds: number; p50: number; p99: number }[] = [];
    const started = performance.now();
    while (performance.now() - started < SECONDS * 1000) {
      await sleep(SAMPLE_MS);
      const window = authLatencies.splice(0);
      samples.push({ t: Math.round((performance.now() - started) / 1000), rss: rssOf(pid), fds: fdCount(pid), p50: median(window), p99: quantile(window, 0.99) });
      if (failures.length > 20) break;
    }
    stop = true;
    await Promise.all(loops);
    live.abort();
    await feed;

    const MiB = 1024 * 1024;
    const warm = Math.max(1, Math.floor(samples.length / 5));
    const after = samples.slice(warm);
    const base = after[0]!;
    const end = after[after.length - 1]!;
    const third = Math.max(1, Math.floor(after.length / 3));
    const early = median(after.slice(0, third).map((s) => s.p50));
    const late = median(after.slice(-third).map((s) => s.p50));
    // eslint-disable-next-line no-console
    console.log(
      `soak ${SECONDS}s, ${counter} writes offered: rss ${(base.rss / MiB).toFixed(0)} -> ${(end.rss / MiB).toFixed(0)} MiB (max ${(Math.max(...after.map((s) => s.rss)) / MiB).toFixed(0)}), fds ${base.fds} -> ${end.fds} (max ${Math.max(...after.map((s) => s.fds))}), authorization p50 ${early.toFixed(2)} -> ${late.toFixed(2)} ms, p99 by window ${after.map((s) => s.p99.toFixed(1)).join(' ')}`,
    );

    expect(failures).toEqual([]);
    expect(end.fds - base.fds, 'file descriptors grew').toBeLessThanOrEqual(10);
    expect((end.rss - base.rss) / MiB, 'memory grew').toBeLessThanOrEqual(96);
    if (FULL) {
      const mid = after[Math.floor(after.length / 2)]!;
      expect((end.rss - mid.rss) / MiB, 'memory grew over the second half').toBeLessThanOrEqual(64);
    }
    expect(late, 'authorization latency drifted').toBeLessThanOrEqual(4 * early + 5);
    const verify = await must(url, 'GET', '/v1/ledger/verify');
    expect(verify.problems).toEqual([]);
  }, 30 * 60_000);
});

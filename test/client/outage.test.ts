/**
 * Apps that survive an outage, end to end against serve mode as its own process: the example app
 * (examples/llm-app.ts) serves online, then Tollgate is killed (SIGKILL) and the app keeps serving
 * by its outage policy (deny, allow, allow up to an amount) while its events go to its file spool;
 * Tollgate restarts on the same data dir, the spools are replayed, and every spooled event is
 * ingested exactly once: the event count and the balance move by exactly the spooled events'
 * prices, replaying again (even after losing the spool's cursor) changes nothing, and the ledger
 * check passes.
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { answer, openApp, simulatedModelCall, type AnswerResult, type LlmApp } from '../../examples/llm-app';
import { setupDemo } from '../../examples/setup-demo';
import { createClient } from '../../shared/client';
import { createResilientClient, type RetryInfo } from '../../shared/client/resilient';
import { FileSpool } from '../../src-main/client/file-spool';
import { ADMIN_KEY, tempDir } from '../helpers/harness';
import { kill9, startServe, type ServeProcess } from '../helpers/serve-process';

const running: ServeProcess[] = [];
const apps: LlmApp[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const a of apps) await a.close().catch(() => undefined);
  for (const p of running) await kill9(p);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const dir = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};

// 4,000 characters: 1,000 input tokens, and the model answers the 1,024 output tokens it may
const PROMPT = 'x'.repeat(4000);
const IN_TOKENS = 1000n;
const OUT_TOKENS = 1024n;
/** The apps' circuit cooldown: long enough that a slow machine still sees the circuit open right after it opened, short enough to probe the restarted Tollgate soon. */
const COOLDOWN_MS = 1500;
// the demo plan: $0.000003 and $0.000015 a token, i.e. 3 and 15 ten-thousandths of a cent
const roundHalfUp = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);
/** What a period's usage costs in cents, priced once and rounded once per charge (Tollgate's rule). */
const periodCents = (inTokens: bigint, outTokens: bigint) => roundHalfUp(3n * inTokens, 10_000n) + roundHalfUp(15n * outTokens, 10_000n);

async function allEvents(admin: ReturnType<typeof createClient>, customer: string) {
  const out: { transaction_id: string; debits: { amount: string }[]; authorization_id: string | null; properties: Record<string, unknown> }[] = [];
  let cursor: string | undefined;
  do {
    const page = await admin.call('listEvents', { customer, limit: 500, ...(cursor ? { cursor } : {}) });
    out.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

describe('the example app through an outage', () => {
  it('keeps serving by its policy while Tollgate is down, and every spooled event is ingested exactly once after the restart', async () => {
    const dataDir = dir('tollgate-outage-');
    let serve = await startServe(dataDir);
    running.push(serve);
    const port = new URL(serve.url).port;
    const admin = createClient({ baseUrl: serve.url, apiKey: ADMIN_KEY });
    await setupDemo(admin, { customer: 'acme', topUp: '100000' }); // $1,000.00: funds never refuse here
    // the app runs with an ingest key, as an app on the request path should
    const key = await admin.call('createApiKey', { name: 'llm-app', scopes: ['ingest'] });

    const retries: RetryInfo[] = [];
    const open = async (policy: Parameters<typeof openApp>[0]['outagePolicy']) => {
      const app = await openApp({
        baseUrl: serve.url,
        apiKey: key.key,
        outagePolicy: policy,
        spoolDir: dir('tollgate-app-spool-'),
        // a short cooldown so the restarted Tollgate is probed again within the test
        client: { circuitBreaker: { failureThreshold: 2, cooldownMs: COOLDOWN_MS }, onRetry: (r) => retries.push(r) },
      });
      apps.push(app);
      return app;
    };
    const denyApp = await open('deny');
    const allowApp = await open('allow');
    const capApp = await open({ allowUpTo: '5' }); // 5 cents; an offline estimate here is 2 cents

    // ---- online: each app serves and learns the prices
    const online: AnswerResult[] = [];
    for (const app of [denyApp, allowApp, capApp]) online.push(await answer(app, 'acme', PROMPT));
    for (const r of online) {
      expect(r).toMatchObject({ served: true, offline: false, spooled: false });
      expect(r.authorizationId).toMatch(/\S/);
      expect(r.estimate).toBe('3'); // 1,000 input tokens round up to 1 cent, 1,024 output tokens to 2
    }
    expect(capApp.prices.estimate('acme', { input_tokens: 1000, output_tokens: 1024 })).toEqual({ asset: 'USD', amount: 2n });

    const before = (await admin.call('getBalances', { external_id: 'acme' })).balances.find((b) => b.asset === 'USD')!;
    expect(before.pending).toBe('0');
    const eventsBefore = await allEvents(admin, 'acme');
    expect(eventsBefore).toHaveLength(3);

    // ---- Tollgate dies while a request is being served: the hold exists, the event is spooled
    const midWork = await answer(allowApp, 'acme', PROMPT, {
      model: async (prompt, max) => {
        await kill9(serve);
        return simulatedModelCall(prompt, max);
      },
    });
    expect(midWork).toMatchObject({ served: true, offline: false, spooled: true });
    expect(midWork.authorizationId).toMatch(/\S/);

    // ---- Tollgate is down: each app serves by its policy
    const down: Record<string, AnswerResult[]> = { deny: [], allow: [], cap: [] };
    for (let i = 0; i < 3; i++) down.deny!.push(await answer(denyApp, 'acme', PROMPT));
    for (let i = 0; i < 5; i++) down.allow!.push(await answer(allowApp, 'acme', PROMPT));
    // while the circuit is open an answer does not wait for timeouts: the policy answers at once
    // (checked right away: the cooldown is short, and a slow machine must not see it half open)
    expect(allowApp.client.circuit().state).toBe('open');
    const quick = await answer(allowApp, 'acme', PROMPT);
    expect(quick).toMatchObject({ served: true, offline: true, spooled: true });
    down.allow!.push(quick);
    // a flood: many requests at once cannot take the capped app past its allowance
    down.cap = await Promise.all(Array.from({ length: 8 }, () => answer(capApp, 'acme', PROMPT)));
    down.cap.push(await answer(capApp, 'acme', PROMPT));

    for (const r of down.deny!) expect(r).toMatchObject({ served: false, offline: true, rule: 'policy_deny' });
    for (const r of down.allow!) expect(r).toMatchObject({ served: true, offline: true, rule: 'policy_allow', spooled: true, estimate: '2' });
    const capServed = down.cap.filter((r) => r.served);
    expect(capServed).toHaveLength(2); // 2 + 2 cents; a third would make 6 > 5
    for (const r of capServed) expect(r).toMatchObject({ offline: true, rule: 'within_allowance', spooled: true });
    for (const r of down.cap.filter((x) => !x.served)) expect(r).toMatchObject({ offline: true, rule: 'allowance_exceeded' });
    expect(capApp.client.offlineAllowanceUsed('acme', 'USD')).toBe('4');

    const spooled = [midWork, ...down.allow!, ...capServed].map((r) => r.transactionId!);
    expect(new Set(spooled).size).toBe(spooled.length);
    expect(denyApp.spool.pendingCount).toBe(0);
    expect(allowApp.spool.pendingCount).toBe(1 + down.allow!.length);
    expect(capApp.spool.pendingCount).toBe(2);
    const inSpools = [...(await allowApp.spool.pending()), ...(await capApp.spool.pending())];
    expect(inSpools.map((e) => e.event.transaction_id).sort()).toEqual([...spooled].sort());
    expect(inSpools.find((e) => e.event.transaction_id === midWork.transactionId)!.event.authorization_id).toBe(midWork.authorizationId);
    expect(inSpools.filter((e) => e.event.authorization_id === undefined)).toHaveLength(spooled.length - 1);

    // a crash of the app after delivery but before it marks the spool: this copy never learns
    const lostCursor = dir('tollgate-app-spool-copy-');
    cpSync(allowApp.spool.dir, lostCursor, { recursive: true, filter: (src) => !src.endsWith('spool.lock') });

    // ---- Tollgate restarts on the same data dir (and port); the apps replay their spools
    serve = await startServe(dataDir, ['--port', port]);
    running.push(serve);
    expect(new URL(serve.url).port).toBe(port);
    await new Promise((r) => setTimeout(r, COOLDOWN_MS + 50)); // the apps' circuit cooldown
    const reports = [];
    for (const app of [denyApp, allowApp, capApp]) reports.push(await app.client.replaySpool());
    expect(reports.map((r) => r.complete)).toEqual([true, true, true]);
    expect(reports.reduce((s, r) => s + r.accepted, 0)).toBe(spooled.length);
    expect(reports.reduce((s, r) => s + r.replayed, 0)).toBe(0);
    expect(reports.flatMap((r) => r.rejected)).toEqual([]);
    expect(capApp.client.offlineAllowanceUsed('acme', 'USD')).toBe('0'); // drained: the allowance starts again

    // every spooled event is there exactly once, and nothing for the denied requests
    const after = await allEvents(admin, 'acme');
    expect(after).toHaveLength(eventsBefore.length + spooled.length);
    const ids = after.map((e) => e.transaction_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of spooled) expect(ids.filter((x) => x === id)).toHaveLength(1);
    const mid = after.find((e) => e.transaction_id === midWork.transactionId)!;
    expect(mid.authorization_id).toBe(midWork.authorizationId);
    expect(after.filter((e) => e.properties.served_offline !== undefined)).toHaveLength(spooled.length - 1);

    // the balance moved by exactly the spooled events' prices, priced independently here
    const bal = async () => (await admin.call('getBalances', { external_id: 'acme' })).balances.find((b) => b.asset === 'USD')!;
    const moved = BigInt(before.posted) - BigInt((await bal()).posted);
    const onlineCount = BigInt(eventsBefore.length);
    const n = BigInt(spooled.length);
    const expected = periodCents((onlineCount + n) * IN_TOKENS, (onlineCount + n) * OUT_TOKENS) - periodCents(onlineCount * IN_TOKENS, onlineCount * OUT_TOKENS);
    expect(moved).toBe(expected);
    expect(moved).toBe(spooled.reduce((s, id) => s + BigInt(after.find((e) => e.transaction_id === id)!.debits[0]!.amount), 0n));
    expect((await bal()).pending).toBe('0'); // the hold of the request Tollgate died under was settled

    // ---- replaying again changes nothing
    const snapshot = await bal();
    for (const app of [denyApp, allowApp, capApp]) expect(await app.client.replaySpool()).toMatchObject({ complete: true, sent: 0 });
    // even the copy that lost its cursor: it resends, Tollgate answers each as a replay
    const copy = await FileSpool.open(lostCursor);
    try {
      expect(copy.pendingCount).toBe(1 + down.allow!.length);
      const again = await copy.replay(createResilientClient({ baseUrl: serve.url, apiKey: key.key }));
      expect(again).toMatchObject({ complete: true, accepted: 0, replayed: 1 + down.allow!.length, rejected: [] });
    } finally {
      await copy.close();
    }
    expect(await bal()).toEqual(snapshot);
    expect((await bal()).posted).toBe(snapshot.posted);
    expect(await allEvents(admin, 'acme')).toHaveLength(after.length);

    const verify = await admin.call('verifyLedger', {});
    expect(verify.problems).toEqual([]);
    expect(verify.ok).toBe(true);
    await kill9(serve);
  }, 120_000);

  it('waits out a real 429 for its Retry-After, then gets its answer', async () => {
    const serve = await startServe(dir('tollgate-429-'));
    running.push(serve);
    const admin = createClient({ baseUrl: serve.url, apiKey: ADMIN_KEY });
    await setupDemo(admin, { customer: 'acme' });
    const slow = await admin.call('createApiKey', { name: 'slow', scopes: ['ingest'], rate_limit: { per_second: 1, burst: 1 } });
    const retries: RetryInfo[] = [];
    const client = createResilientClient({ baseUrl: serve.url, apiKey: slow.key, onRetry: (r) => retries.push(r) });
    await client.call('getBalances', { external_id: 'acme' });
    const t0 = performance.now();
    const b = await client.call('getBalances', { external_id: 'acme' });
    expect(b.customer).toBe('acme');
    expect(retries[0]).toMatchObject({ reason: 'rate_limited', attempt: 1 });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000); // Retry-After: 1 (whole seconds)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(990);
    await kill9(serve);
  }, 60_000);
});

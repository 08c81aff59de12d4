/**
 * The resilient client against a scripted fetch: timeouts, retries with backoff and full jitter
 * within bounds, Retry-After, no retry on other 4xx, one idempotency key per logical call, the
 * circuit breaker, each outage policy and the cumulative allowUpTo cap, and spooling of events.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TollgateApiError } from '../../shared/client';
import { BASE_POLICY, createResilientClient, IDEMPOTENCY_KEY_OPERATIONS, isRetrySafe, OPERATION_POLICIES, parseRetryAfter, TollgateUnavailableError, type OfflineDecision, type ResilientClientOptions } from '../../shared/client/resilient';
import { MemorySpool } from '../../shared/client/spool';
import { AUTH, eventResult, fakeClock, fakeTollgate, json, scriptedFetch, type Step } from './fakes';

const BASE = 'http://tollgate.test';

function make(steps: Parameters<typeof scriptedFetch>[0], extra: Partial<ResilientClientOptions> = {}) {
  const f = scriptedFetch(steps);
  const clock = fakeClock();
  let n = 0;
  const client = createResilientClient({ baseUrl: BASE, apiKey: 'k', fetch: f.fetch, now: clock.now, sleep: clock.sleep, random: () => 0.5, newKey: () => `key-${++n}`, circuitBreaker: false, ...extra });
  return { client, seen: f.seen, clock };
}

const authInput = { customer: 'acme', asset: 'USD', amount: '25' };

afterEach(() => {
  vi.useRealTimers();
});

describe('contract-derived behaviour', () => {
  it('knows which writes take an idempotency key and which calls are safe to retry', () => {
    expect(IDEMPOTENCY_KEY_OPERATIONS.has('createAuthorization')).toBe(true);
    expect(IDEMPOTENCY_KEY_OPERATIONS.has('createTopUp')).toBe(true);
    expect(IDEMPOTENCY_KEY_OPERATIONS.has('captureAuthorization')).toBe(true);
    expect(IDEMPOTENCY_KEY_OPERATIONS.has('createCustomer')).toBe(false);
    expect(IDEMPOTENCY_KEY_OPERATIONS.has('ingestEvent')).toBe(false); // idempotent by transaction_id instead
    expect(isRetrySafe('ingestEvent')).toBe(true);
    expect(isRetrySafe('ingestBatch')).toBe(true);
    expect(isRetrySafe('getBalances')).toBe(true);
    expect(isRetrySafe('createCustomer')).toBe(false);
    expect(isRetrySafe('createPlan')).toBe(false);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('0.5', now)).toBe(500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7000);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('timeouts', () => {
  it('uses a short default for authorizations and events, a longer one for others', async () => {
    vi.useFakeTimers();
    const cases: [string, () => Promise<unknown>, number][] = [];
    const { client, seen } = make(['hang']);
    cases.push(['createAuthorization', () => client.send('createAuthorization', authInput, { maxAttempts: 1 }), 1000]);
    cases.push(['ingestEvent', () => client.send('ingestEvent', { transaction_id: 't', customer: 'acme', code: 'x' }, { maxAttempts: 1 }), 2000]);
    cases.push(['getBalances', () => client.send('getBalances', { external_id: 'acme' }, { maxAttempts: 1 }), BASE_POLICY.timeoutMs]);
    for (const [id, run, ms] of cases) {
      const before = seen.length;
      const p = run().catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(ms - 1);
      expect(seen[before]!.signal!.aborted, `${id} still waiting at ${ms - 1} ms`).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const err = await p;
      expect(err, id).toBeInstanceOf(TollgateUnavailableError);
      expect((err as TollgateUnavailableError).reason).toBe('timeout');
      expect(seen[before]!.signal!.aborted).toBe(true);
    }
    expect(OPERATION_POLICIES.createAuthorization!.timeoutMs).toBe(1000);
  });

  it('is overridable per operation and per call', async () => {
    vi.useFakeTimers();
    const { client, seen } = make(['hang'], { operations: { getBalances: { timeoutMs: 50, maxAttempts: 1 } } });
    const p1 = client.send('getBalances', { external_id: 'acme' }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(50);
    expect(await p1).toBeInstanceOf(TollgateUnavailableError);
    const p2 = client.send('getBalances', { external_id: 'acme' }, { timeoutMs: 5 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(4);
    expect(seen[1]!.signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await p2).toBeInstanceOf(TollgateUnavailableError);
  });

  it('retries a timed-out authorization and then answers it', async () => {
    const { client, seen } = make(['hang', { status: 201, body: AUTH }], { operations: { createAuthorization: { timeoutMs: 20 } } });
    const r = await client.send('createAuthorization', authInput);
    expect(r.status).toBe(201);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.signal!.aborted).toBe(true);
  });

  it('stops at the caller\'s own abort signal without retrying', async () => {
    const { client, seen } = make(['hang']);
    const ctl = new AbortController();
    const p = client.send('getBalances', { external_id: 'acme' }, { signal: ctl.signal }).catch((e: unknown) => e);
    setTimeout(() => ctl.abort(new Error('user went away')), 10);
    const err = await p;
    expect((err as Error).message).toBe('user went away');
    expect(seen).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries network errors and 502/503/504 with full-jitter backoff under the cap', async () => {
    const randoms = [0.999999, 0, 0.5, 0.999999, 0.25];
    let i = 0;
    const { client, seen, clock } = make(['reset', { status: 502 }, { status: 503 }, { status: 504 }, 'reset', { status: 200, body: { customer: 'acme', balances: [], as_of: 'x' } }], {
      random: () => randoms[i++ % randoms.length]!,
      defaults: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 500, budgetMs: 60_000 },
    });
    const r = await client.send('getBalances', { external_id: 'acme' });
    expect(r.status).toBe(200);
    expect(seen).toHaveLength(6);
    // caps: 100, 200, 400, 500 (max), 500
    const caps = [100, 200, 400, 500, 500];
    clock.sleeps.forEach((ms, k) => {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThan(caps[k]!);
    });
    expect(clock.sleeps).toEqual([99, 0, 200, 499, 125]);
  });

  it('spreads retries (full jitter): many clients do not retry in lockstep', async () => {
    const delays: number[] = [];
    for (let k = 0; k < 200; k++) {
      const { client, clock } = make([{ status: 503 }, { status: 200, body: {} }], { random: Math.random, defaults: { baseDelayMs: 1000 } });
      await client.send('getSettings', {});
      delays.push(clock.sleeps[0]!);
    }
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(1000);
    expect(new Set(delays).size).toBeGreaterThan(150);
    const below = delays.filter((d) => d < 500).length;
    expect(below).toBeGreaterThan(60);
    expect(below).toBeLessThan(140);
  });

  it('stops at max attempts and at the time budget', async () => {
    const a = make([{ status: 503 }], { defaults: { maxAttempts: 3, budgetMs: 60_000 } });
    const e1 = (await a.client.send('getSettings', {}).catch((e: unknown) => e)) as TollgateUnavailableError;
    expect(e1).toBeInstanceOf(TollgateUnavailableError);
    expect(e1.reason).toBe('server_error');
    expect(e1.attempts).toBe(3);
    expect(a.seen).toHaveLength(3);
    expect(e1.lastError).toBeInstanceOf(TollgateApiError);

    const b = make([{ status: 503 }], { random: () => 0.999999, defaults: { maxAttempts: 100, baseDelayMs: 400, maxDelayMs: 10_000, budgetMs: 1_000 } });
    const e2 = (await b.client.send('getSettings', {}).catch((e: unknown) => e)) as TollgateUnavailableError;
    expect(b.clock.sleeps).toEqual([399]); // the next wait (799) would end past the 1 s budget
    expect(e2.attempts).toBe(2);
    expect(b.clock.t - fakeClock().t).toBeLessThan(1_000);
  });

  it('honours Retry-After on 429 (seconds and HTTP date)', async () => {
    const a = make([{ status: 429, headers: { 'retry-after': '2' } }, { status: 200, body: {} }]);
    await a.client.send('getSettings', {});
    expect(a.clock.sleeps).toEqual([2000]);
    expect(a.seen).toHaveLength(2);

    const b = make([{ status: 429, headers: { 'retry-after': new Date(fakeClock().t + 3_000).toUTCString() } }, { status: 201, body: AUTH }], { defaults: { budgetMs: 10_000 } });
    const r = await b.client.send('createAuthorization', authInput, { budgetMs: 10_000 });
    expect(r.status).toBe(201);
    expect(b.clock.sleeps[0]).toBeGreaterThanOrEqual(2000); // the date has second precision
    expect(b.clock.sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('gives up at once when Retry-After is beyond the budget, and says how long', async () => {
    const { client, seen, clock } = make([{ status: 429, headers: { 'retry-after': '30' } }]);
    const err = (await client.send('createAuthorization', authInput).catch((e: unknown) => e)) as TollgateUnavailableError;
    expect(err.reason).toBe('rate_limited');
    expect(err.retryAfterMs).toBe(30_000);
    expect(seen).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('never retries another 4xx, nor a 500', async () => {
    for (const status of [400, 401, 402, 404, 409, 422, 500]) {
      const { client, seen } = make([{ status }, { status: 201, body: AUTH }]);
      const err = await client.send('createAuthorization', authInput).catch((e: unknown) => e);
      expect(err, String(status)).toBeInstanceOf(TollgateApiError);
      expect((err as TollgateApiError).status).toBe(status);
      expect(seen, String(status)).toHaveLength(1);
    }
  });

  it('does not retry a write without idempotency key after it may have arrived, only when it never left', async () => {
    const sent = make(['reset', { status: 201, body: {} }]);
    const e = await sent.client.send('createCustomer', { external_id: 'x' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(TollgateUnavailableError);
    expect(sent.seen).toHaveLength(1);

    const timeout = make(['hang', { status: 201, body: {} }], { defaults: { timeoutMs: 10 } });
    expect(await timeout.client.send('createCustomer', { external_id: 'x' }).catch((err: unknown) => err)).toBeInstanceOf(TollgateUnavailableError);
    expect(timeout.seen).toHaveLength(1);

    const gateway = make([{ status: 502 }, { status: 201, body: {} }]);
    expect(await gateway.client.send('createCustomer', { external_id: 'x' }).catch((err: unknown) => err)).toBeInstanceOf(TollgateUnavailableError);
    expect(gateway.seen).toHaveLength(1);

    const refused = make(['refused', { status: 503 }, { status: 201, body: { external_id: 'x' } }]);
    expect((await refused.client.send('createCustomer', { external_id: 'x' })).status).toBe(201);
    expect(refused.seen).toHaveLength(3);

    const declared = make(['reset', { status: 201, body: {} }]);
    expect((await declared.client.send('createCustomer', { external_id: 'x' }, { idempotent: true })).status).toBe(201);
  });

  it('does not treat a bug in the call as an outage', async () => {
    const { client, seen } = make([{ status: 200, body: {} }]);
    await expect(client.send('getBalances', {} as never)).rejects.toThrow(/missing path parameter/);
    expect(seen).toHaveLength(0);
  });
});

describe('idempotency keys', () => {
  it('generates one key per logical call and reuses it on every retry', async () => {
    const { client, seen } = make(['reset', 'hang', { status: 503 }, { status: 200, body: AUTH }], { operations: { createAuthorization: { timeoutMs: 20, maxAttempts: 5, budgetMs: 60_000 } } });
    const r = await client.send('createAuthorization', authInput);
    expect(r.replayed).toBe(true); // 200 for a 201 operation: an earlier attempt had gone through
    expect(seen).toHaveLength(4);
    expect(new Set(seen.map((s) => s.body.idempotency_key))).toEqual(new Set(['key-1']));
    await client.send('createAuthorization', authInput);
    expect(seen[4]!.body.idempotency_key).toBe('key-2');
  });

  it('keeps a key the caller gave, and adds none where the input takes none', async () => {
    const { client, seen } = make([{ status: 201, body: {} }]);
    await client.send('createAuthorization', { ...authInput, idempotency_key: 'mine' });
    await client.send('createTopUp', { external_id: 'acme', asset: 'USD', amount: '5' }, { idempotencyKey: 'given-per-call' });
    await client.send('createTopUp', { external_id: 'acme', asset: 'USD', amount: '5' });
    await client.send('createCustomer', { external_id: 'x' });
    await client.send('ingestEvent', { transaction_id: 'tx', customer: 'acme', code: 'c' });
    expect(seen.map((s) => s.body.idempotency_key)).toEqual(['mine', 'given-per-call', 'key-1', undefined, undefined]);
    expect(seen[4]!.body.transaction_id).toBe('tx');
  });

  it('generates UUIDs by default', async () => {
    const f = scriptedFetch([{ status: 201, body: AUTH }]);
    const client = createResilientClient({ baseUrl: BASE, fetch: f.fetch });
    await client.send('createAuthorization', authInput);
    await client.send('createAuthorization', authInput);
    const [a, b] = f.seen.map((s) => s.body.idempotency_key as string);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});

describe('circuit breaker', () => {
  it('fails at once while open, lets one probe through after the cooldown, closes on success', async () => {
    let down = true;
    const { client, seen, clock } = make((_s) => (down ? 'refused' : { status: 200, body: {} }), { circuitBreaker: { failureThreshold: 2, cooldownMs: 5_000 }, defaults: { maxAttempts: 2 } });
    for (let k = 0; k < 2; k++) await expect(client.send('getSettings', {})).rejects.toBeInstanceOf(TollgateUnavailableError);
    expect(client.circuit().state).toBe('open');
    const before = seen.length;
    const fast = (await client.send('getSettings', {}).catch((e: unknown) => e)) as TollgateUnavailableError;
    expect(fast.reason).toBe('circuit_open');
    expect(fast.attempts).toBe(0);
    expect(seen.length).toBe(before);
    clock.t += 5_000;
    expect(client.circuit().state).toBe('half_open');
    // the probe fails: open again for another cooldown
    await expect(client.send('getSettings', {})).rejects.toBeInstanceOf(TollgateUnavailableError);
    expect(client.circuit().state).toBe('open');
    clock.t += 5_000;
    down = false;
    await client.send('getSettings', {});
    expect(client.circuit()).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('counts a definitive answer as reachable', async () => {
    const { client } = make([{ status: 503 }, { status: 404 }], { circuitBreaker: { failureThreshold: 2 }, defaults: { maxAttempts: 1 } });
    await expect(client.send('getSettings', {})).rejects.toBeInstanceOf(TollgateUnavailableError);
    await expect(client.send('getSettings', {})).rejects.toBeInstanceOf(TollgateApiError);
    expect(client.circuit()).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });
});

describe('authorize(): online answers', () => {
  it('approves with the hold, denies on 402 with the details, and denies (online) when rate-limited', async () => {
    const ok = make([{ status: 201, body: AUTH }]);
    const d1 = await ok.client.authorize(authInput);
    expect(d1).toMatchObject({ allowed: true, offline: false, authorization: { id: 'auth_1' }, replayed: false, idempotency_key: 'key-1' });

    const broke = make([{ status: 402, body: { error: { code: 'insufficient_funds', message: 'no', details: { available: '3' } } } }]);
    const d2 = await broke.client.authorize(authInput, { outagePolicy: 'allow' });
    expect(d2).toMatchObject({ allowed: false, offline: false, reason: 'insufficient_funds', details: { available: '3' } });
    expect(broke.seen).toHaveLength(1);

    const limited = make([{ status: 429, headers: { 'retry-after': '60' } }]);
    const d3 = await limited.client.authorize(authInput, { outagePolicy: 'allow' });
    expect(d3).toMatchObject({ allowed: false, offline: false, reason: 'rate_limited' });

    const bug = make([{ status: 404 }]);
    await expect(bug.client.authorize(authInput, { outagePolicy: 'allow' })).rejects.toBeInstanceOf(TollgateApiError);
  });
});

describe('authorize(): outage policies', () => {
  const down: Step[] = ['refused'];

  it("'deny' (the default) refuses, flagged offline with the failure", async () => {
    const { client, seen } = make(down);
    const d = (await client.authorize(authInput)) as OfflineDecision;
    expect(d).toMatchObject({ allowed: false, offline: true, reason: 'tollgate_unreachable', rule: 'policy_deny', policy: 'deny', authorization: null, customer: 'acme', amount: '25' });
    expect(d.failure).toBeInstanceOf(TollgateUnavailableError);
    expect(d.failure.reason).toBe('network');
    expect(seen.length).toBe(OPERATION_POLICIES.createAuthorization!.maxAttempts);
  });

  it("'allow' serves, flagged offline, with no hold", async () => {
    const { client } = make(['hang'], { outagePolicy: 'allow', operations: { createAuthorization: { timeoutMs: 5, maxAttempts: 2 } } });
    const d = (await client.authorize(authInput)) as OfflineDecision;
    expect(d).toMatchObject({ allowed: true, offline: true, rule: 'policy_allow', authorization: null });
    expect(d.failure.reason).toBe('timeout');
  });

  it('allowUpTo allows until the cumulative estimates of a customer reach the cap', async () => {
    const { client } = make(down, { outagePolicy: { allowUpTo: '500' } });
    const run = (amount: string, customer = 'acme') => client.authorize({ customer, asset: 'USD', amount }) as Promise<OfflineDecision>;
    expect(await run('200')).toMatchObject({ allowed: true, rule: 'within_allowance', allowance: { limit: '500', used: '200', remaining: '300' } });
    expect(await run('200')).toMatchObject({ allowed: true, allowance: { used: '400' } });
    expect(await run('200')).toMatchObject({ allowed: false, rule: 'allowance_exceeded', allowance: { used: '400', remaining: '100' } });
    expect(await run('100')).toMatchObject({ allowed: true, allowance: { used: '500', remaining: '0' } });
    expect(await run('1')).toMatchObject({ allowed: false, rule: 'allowance_exceeded' });
    // another customer has an allowance of its own
    expect(await run('500', 'globex')).toMatchObject({ allowed: true, allowance: { used: '500' } });
    expect(client.offlineAllowanceUsed('acme', 'USD')).toBe('500');
  });

  it('a flood of concurrent requests cannot exceed allowUpTo', async () => {
    const { client } = make(down, { outagePolicy: { allowUpTo: '500' } });
    const decisions = (await Promise.all(Array.from({ length: 100 }, () => client.authorize({ customer: 'acme', asset: 'USD', amount: '30' })))) as OfflineDecision[];
    const allowed = decisions.filter((d) => d.allowed);
    expect(allowed).toHaveLength(16); // 16 * 30 = 480; a 17th would be 510
    expect(decisions.every((d) => d.offline)).toBe(true);
    expect(client.offlineAllowanceUsed('acme', 'USD')).toBe('480');
  });

  it('denies a metric-priced request without an estimate, and weighs a given one', async () => {
    const { client } = make(down, { outagePolicy: { allowUpTo: '100' } });
    const input = { customer: 'acme', metric: 'tokens', quantity: 1000 };
    expect(await client.authorize(input)).toMatchObject({ allowed: false, offline: true, rule: 'no_estimate' });
    expect(await client.authorize(input, { offlineEstimate: { amount: '60', asset: 'USD' } })).toMatchObject({ allowed: true, asset: 'USD', amount: '60' });
    expect(await client.authorize(input, { offlineEstimate: { amount: 60n, asset: 'USD' } })).toMatchObject({ allowed: false, rule: 'allowance_exceeded' });
  });

  it('a per-call policy overrides the client one; a bad policy is refused', async () => {
    const { client } = make(down, { outagePolicy: 'deny' });
    expect(await client.authorize(authInput, { outagePolicy: 'allow' })).toMatchObject({ allowed: true, offline: true });
    expect(() => make(down, { outagePolicy: { allowUpTo: '1.50' } })).toThrow(/minor units/);
    expect(() => make(down, { outagePolicy: 'maybe' as never })).toThrow(/outagePolicy/);
  });

  it('the allowance starts again once the spool is drained', async () => {
    const tg = fakeTollgate();
    tg.state.down = true;
    const spool = new MemorySpool();
    const client = createResilientClient({ baseUrl: BASE, fetch: tg.fetch, spool, outagePolicy: { allowUpTo: '50' }, circuitBreaker: false, sleep: async () => undefined });
    expect(await client.authorize({ customer: 'acme', asset: 'USD', amount: '50' })).toMatchObject({ allowed: true, offline: true });
    await client.ingest({ transaction_id: 'offline-1', customer: 'acme', code: 'llm_call' });
    expect(await client.authorize({ customer: 'acme', asset: 'USD', amount: '1' })).toMatchObject({ allowed: false, rule: 'allowance_exceeded' });
    tg.state.down = false;
    const report = await client.replaySpool();
    expect(report).toMatchObject({ complete: true, accepted: 1 });
    expect(client.offlineAllowanceUsed('acme', 'USD')).toBe('0');
  });
});

describe('ingest(): events that cannot be delivered are spooled', () => {
  it('delivers when Tollgate answers', async () => {
    const { client } = make([{ status: 201, body: eventResult('tx-1') }], { spool: new MemorySpool() });
    expect(await client.ingest({ transaction_id: 'tx-1', customer: 'acme', code: 'llm_call' })).toMatchObject({ spooled: false, transaction_id: 'tx-1', replayed: false });
  });

  it('spools after the retries, stamped with the time of the call, and answers spooled: true', async () => {
    const spool = new MemorySpool();
    const { client, seen, clock } = make(['refused'], { spool });
    const at = new Date(clock.t).toISOString();
    const out = await client.ingest({ transaction_id: 'tx-9', customer: 'acme', code: 'llm_call', properties: { tokens: 5 } });
    expect(out).toMatchObject({ spooled: true, transaction_id: 'tx-9', reason: 'network' });
    expect(seen.length).toBe(OPERATION_POLICIES.ingestEvent!.maxAttempts);
    expect(seen.every((s) => s.body.transaction_id === 'tx-9')).toBe(true);
    const [entry] = await spool.pending();
    expect(entry!.event).toEqual({ transaction_id: 'tx-9', customer: 'acme', code: 'llm_call', properties: { tokens: 5 }, timestamp: at });
    expect(entry!.reason).toBe('network');
  });

  it('keeps a timestamp the caller gave', async () => {
    const spool = new MemorySpool();
    const { client } = make(['refused'], { spool });
    await client.ingest({ transaction_id: 't', customer: 'acme', code: 'c', timestamp: 1_700_000_000 });
    expect((await spool.pending())[0]!.event.timestamp).toBe(1_700_000_000);
  });

  it('throws a refusal instead of spooling it, and throws the outage without a spool', async () => {
    const spool = new MemorySpool();
    const refused = make([{ status: 422 }], { spool });
    await expect(refused.client.ingest({ transaction_id: 't', customer: 'acme', code: 'c' })).rejects.toBeInstanceOf(TollgateApiError);
    expect(spool.size).toBe(0);
    const nospool = make(['refused']);
    await expect(nospool.client.ingest({ transaction_id: 't', customer: 'acme', code: 'c' })).rejects.toBeInstanceOf(TollgateUnavailableError);
  });

  it('spools at once while the circuit is open', async () => {
    const spool = new MemorySpool();
    const { client, seen } = make(['refused'], { spool, circuitBreaker: { failureThreshold: 1 } });
    await client.ingest({ transaction_id: 'a', customer: 'acme', code: 'c' });
    const n = seen.length;
    expect(await client.ingest({ transaction_id: 'b', customer: 'acme', code: 'c' })).toMatchObject({ spooled: true, reason: 'circuit_open' });
    expect(seen.length).toBe(n);
    expect(spool.size).toBe(2);
  });

  it('a 429 that outlasts the budget spools the event rather than losing it', async () => {
    const spool = new MemorySpool();
    const { client } = make([{ status: 429, headers: { 'retry-after': '120' } }], { spool });
    expect(await client.ingest({ transaction_id: 'r', customer: 'acme', code: 'c' })).toMatchObject({ spooled: true, reason: 'rate_limited' });
  });
});

describe('raw and call', () => {
  it('call returns the body; raw is the plain client', async () => {
    const { client, seen } = make([{ status: 503 }, { status: 200, body: { timezone: 'UTC' } }]);
    expect(await client.call('getSettings', {})).toEqual({ timezone: 'UTC' });
    expect(seen).toHaveLength(2);
    expect(typeof client.raw.send).toBe('function');
  });

  it('passes the API key and JSON body', async () => {
    const f = scriptedFetch(() => json(201, AUTH));
    let headers: Headers | undefined;
    const client = createResilientClient({
      baseUrl: BASE,
      apiKey: 'tg_x',
      fetch: ((u: string, init: RequestInit) => {
        headers = new Headers(init.headers);
        return f.fetch(u, init);
      }) as typeof fetch,
    });
    await client.send('createAuthorization', authInput);
    expect(headers!.get('authorization')).toBe('Bearer tg_x');
    expect(f.seen[0]!.body).toMatchObject(authInput);
  });
});

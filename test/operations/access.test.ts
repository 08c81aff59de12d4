/**
 * Who may do what: scopes (ingest, read, finance, support with per-asset caps, admin), key rotation
 * with a grace period, per-key rate limits that leave other keys' authorizations untouched, and
 * customer-scoped read tokens (their customer only, read only, CORS, live feed, dead with their key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
const keys: Record<string, { id: string; key: string }> = {};

async function newKey(name: string, body: Record<string, unknown>) {
  const res = await fx.api('POST', '/v1/api-keys', { name, ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  keys[name] = { id: res.body.id, key: res.body.key };
  return keys[name]!;
}
const as = (name: string, method: string, path: string, body?: unknown) => fx.api(method, path, body, { authorization: `Bearer ${keys[name]!.key}` });
const bearer = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => fx.api(method, path, body, { authorization: `Bearer ${token}`, ...headers });

beforeAll(async () => {
  fx = await startApi();
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createAsset', { code: 'EUR' });
  for (const c of ['acme', 'globex']) {
    await fx.op('createCustomer', { external_id: c, name: c.toUpperCase() });
    await fx.op('createTopUp', { external_id: c, asset: 'USD', amount: '100000' });
  }
  await newKey('app', { scopes: ['ingest'] });
  await newKey('reader', { scopes: ['read'] });
  await newKey('finance', { scopes: ['finance'] });
  await newKey('support', { scopes: ['support'], support_caps: [{ asset: 'USD', amount: '2000' }] });
}, 60_000);

afterAll(async () => {
  await fx?.close();
});

describe('scopes', () => {
  it('a support key grants and adjusts within its cap, and nothing more', async () => {
    expect((await as('support', 'POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '2000', kind: 'granted' })).status).toBe(201);
    expect((await as('support', 'POST', '/v1/customers/acme/adjustments', { asset: 'USD', amount: '-1500', reason: 'goodwill correction', idempotency_key: 'sup-1' })).status).toBe(201);
    const balance = (await fx.api('GET', '/v1/customers/acme/balances')).body.balances;
    const over = await as('support', 'POST', '/v1/customers/acme/adjustments', { asset: 'USD', amount: '2001', reason: 'too much', idempotency_key: 'sup-2' });
    expect(over.status).toBe(403);
    expect(over.body.error.details).toMatchObject({ asset: 'USD', cap: '2000', requested: '2001' });
    expect((await as('support', 'POST', '/v1/customers/acme/adjustments', { asset: 'USD', amount: '-2001', reason: 'too much', idempotency_key: 'sup-3' })).status).toBe(403);
    expect((await as('support', 'POST', '/v1/customers/acme/adjustments', { asset: 'EUR', amount: '1', reason: 'no cap for EUR', idempotency_key: 'sup-4' })).status).toBe(403);
    expect((await as('support', 'POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '100' })).status).toBe(403); // paid
    // Refused calls changed nothing.
    expect((await fx.api('GET', '/v1/customers/acme/balances')).body.balances).toEqual(balance);
    // No invoices, keys or settings.
    expect((await as('support', 'POST', '/v1/invoices/any/finalize', {})).status).toBe(403);
    expect((await as('support', 'POST', '/v1/invoices/any/credit-notes', { reason: 'other', settlement: 'credit' })).status).toBe(403);
    expect((await as('support', 'POST', '/v1/exports/invoices', { formats: ['csv'] })).status).toBe(403);
    expect((await as('support', 'POST', '/v1/api-keys', { name: 'x', scopes: ['admin'] })).status).toBe(403);
    expect((await as('support', 'PATCH', '/v1/settings', { grace_period_hours: 2 })).status).toBe(403);
    // It reads what it acts on.
    expect((await as('support', 'GET', '/v1/customers/acme')).status).toBe(200);
    expect((await as('support', 'GET', '/v1/invoices')).status).toBe(200);
  });

  it('a support key must have caps', async () => {
    const res = await fx.api('POST', '/v1/api-keys', { name: 'no caps', scopes: ['support'] });
    expect(res.status).toBe(422);
  });

  it('finance moves money and invoices but cannot administer; ingest and read stay in their lanes', async () => {
    expect((await as('finance', 'POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '100' })).status).toBe(201);
    expect((await as('finance', 'POST', '/v1/customers/acme/adjustments', { asset: 'USD', amount: '999999', reason: 'no cap for finance', idempotency_key: 'fin-1' })).status).toBe(201);
    expect((await as('finance', 'POST', '/v1/billing-runs', {})).status).toBe(201);
    expect((await as('finance', 'POST', '/v1/customers', { external_id: 'x' })).status).toBe(403);
    expect((await as('finance', 'POST', '/v1/api-keys', { name: 'x', scopes: ['read'] })).status).toBe(403);
    expect((await as('app', 'POST', '/v1/events', { transaction_id: 't1', customer: 'acme', code: 'x' })).status).toBe(201);
    expect((await as('app', 'GET', '/v1/customers/acme/balances')).status).toBe(200);
    expect((await as('app', 'GET', '/v1/customers')).status).toBe(403);
    expect((await as('reader', 'GET', '/v1/customers')).status).toBe(200);
    expect((await as('reader', 'POST', '/v1/events', { transaction_id: 't2', customer: 'acme', code: 'x' })).status).toBe(403);
  });

  it('says who is calling', async () => {
    const me = await as('support', 'GET', '/v1/me');
    expect(me.body).toMatchObject({ kind: 'key', id: keys.support!.id, name: 'support', scopes: ['support'], door: 'http' });
  });
});

describe('key rotation', () => {
  it('gives a new key at once and keeps the old one working until its grace ends', async () => {
    const old = await newKey('rotating', { scopes: ['read'] });
    const rotated = await fx.api('POST', `/v1/api-keys/${old.id}/rotate`, { grace_seconds: 1 });
    expect(rotated.status).toBe(201);
    expect(rotated.body.created.scopes).toEqual(['read']);
    expect(rotated.body.old.replaced_by).toBe(rotated.body.created.id);
    expect(rotated.body.old.expires_at).not.toBeNull();
    expect((await bearer(rotated.body.created.key, 'GET', '/v1/customers')).status).toBe(200);
    expect((await bearer(old.key, 'GET', '/v1/customers')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const after = await bearer(old.key, 'GET', '/v1/customers');
    expect(after.status).toBe(401);
    expect((await bearer(rotated.body.created.key, 'GET', '/v1/customers')).status).toBe(200);
    // A key rotates once.
    expect((await fx.api('POST', `/v1/api-keys/${old.id}/rotate`, {})).status).toBe(409);
  });

  it('ends at once with a grace of zero, and a revoked key stops at once', async () => {
    const k = await newKey('rotate-now', { scopes: ['read'] });
    await fx.api('POST', `/v1/api-keys/${k.id}/rotate`, { grace_seconds: 0 });
    expect((await bearer(k.key, 'GET', '/v1/customers')).status).toBe(401);
    const r = await newKey('revoked', { scopes: ['read'] });
    await fx.api('POST', `/v1/api-keys/${r.id}/revoke`, {});
    expect((await bearer(r.key, 'GET', '/v1/customers')).status).toBe(401);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After to a flooding key while another key keeps authorizing', async () => {
    const flood = await newKey('flood', { scopes: ['ingest'], rate_limit: { per_second: 20, burst: 20 } });
    const calm = await newKey('calm', { scopes: ['ingest'] });
    let n = 0;
    const flooding = Array.from({ length: 300 }, () => bearer(flood.key, 'POST', '/v1/events', { transaction_id: `f-${n++}`, customer: 'globex', code: 'x' }));
    const authorizations = Array.from({ length: 30 }, (_, i) => bearer(calm.key, 'POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '10', idempotency_key: `calm-${i}` }));
    const [floodResults, authResults] = await Promise.all([Promise.all(flooding), Promise.all(authorizations)]);
    const limited = floodResults.filter((r) => r.status === 429);
    const accepted = floodResults.filter((r) => r.status === 201);
    expect(limited.length).toBeGreaterThan(200);
    expect(accepted.length).toBeGreaterThanOrEqual(20);
    expect(accepted.length + limited.length).toBe(300);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited[0]!.body.error.code).toBe('rate_limited');
    expect(authResults.map((r) => r.status)).toEqual(authResults.map(() => 201));
    // Only accepted events were recorded.
    const events = (await fx.api('GET', '/v1/events?customer=globex&limit=500')).body.data;
    expect(events.length).toBe(accepted.length);
  });
});

describe('read tokens', () => {
  let token: string;
  beforeAll(async () => {
    const res = await as('reader', 'POST', '/v1/customers/acme/read-tokens', { ttl_seconds: 300 });
    expect(res.status).toBe(201);
    token = res.body.token;
    expect(token).toMatch(/^tgr_/);
  });

  it('reads its own customer only', async () => {
    const own = await bearer(token, 'GET', '/v1/customers/acme/balances');
    expect(own.status).toBe(200);
    expect(own.body.customer).toBe('acme');
    expect(own.headers.get('access-control-allow-origin')).toBe('*');
    expect((await bearer(token, 'GET', '/v1/customers/globex/balances')).status).toBe(403);
    expect((await bearer(token, 'GET', '/v1/customers/acme/usage')).status).toBe(200);
    const transfers = await bearer(token, 'GET', '/v1/transfers');
    expect(transfers.status).toBe(200);
    expect(transfers.body.data.length).toBeGreaterThan(0);
    expect((await bearer(token, 'GET', '/v1/transfers?customer=globex')).status).toBe(403);
    expect((await bearer(token, 'GET', '/v1/invoices')).status).toBe(200);
  });

  it('cannot write or read anything else', async () => {
    expect((await bearer(token, 'POST', '/v1/events', { transaction_id: 'rt', customer: 'acme', code: 'x' })).status).toBe(403);
    expect((await bearer(token, 'POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '1' })).status).toBe(403);
    expect((await bearer(token, 'GET', '/v1/customers')).status).toBe(403);
    expect((await bearer(token, 'GET', '/v1/customers/acme')).status).toBe(403);
    expect((await bearer(token, 'GET', '/v1/audit-log')).status).toBe(403);
    expect((await bearer(`${token}x`, 'GET', '/v1/customers/acme/balances')).status).toBe(401);
  });

  it('answers a browser preflight', async () => {
    const res = await fetch(`${fx.url}/v1/customers/acme/balances`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toMatch(/authorization/);
  });

  it('streams its customer\'s changes only', async () => {
    const ctrl = new AbortController();
    const res = await fetch(`${fx.url}/v1/live?access_token=${encodeURIComponent(token)}`, { signal: ctrl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const seen: string[] = [];
    const reading = (async () => {
      const dec = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen.push(dec.decode(value));
        if (seen.join('').includes('"customer":"acme"')) return;
      }
    })();
    await fx.api('POST', '/v1/events', { transaction_id: 'live-g', customer: 'globex', code: 'x' });
    await fx.api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '5' });
    await reading;
    ctrl.abort();
    const text = seen.join('');
    expect(text).toContain('"customer":"acme"');
    expect(text).not.toContain('globex');
  });

  it('dies with the key that issued it', async () => {
    const issuer = await newKey('issuer', { scopes: ['read'] });
    const t = (await bearer(issuer.key, 'POST', '/v1/customers/acme/read-tokens', {})).body.token;
    expect((await bearer(t, 'GET', '/v1/customers/acme/balances')).status).toBe(200);
    await fx.api('POST', `/v1/api-keys/${issuer.id}/revoke`, {});
    expect((await bearer(t, 'GET', '/v1/customers/acme/balances')).status).toBe(401);
  });
});

/**
 * The race that matters: a wallet that can afford exactly 50 holds receives 200 concurrent
 * authorization requests over many connections. Exactly 50 are approved and available ends at
 * exactly zero, for amount holds and for metric-priced sub-cent holds. Also concurrent replays of
 * one event debit once, and a replay that omits the timestamp is a replay, not a conflict.
 */
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_KEY, type ServerFixture, seedTokens, startApi } from '../helpers/harness';
import { assertMatchesOpenApi } from '../helpers/openapi-validator';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

/** POSTs over a fresh agent per call, so 200 calls really are 200 connections in flight. */
function post(url: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url + path, { method: 'POST', agent: new Agent({ keepAlive: false }), headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const parsed = JSON.parse(text);
        assertMatchesOpenApi('POST', path, res.statusCode!, parsed);
        resolve({ status: res.statusCode!, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function balance(f: ServerFixture) {
  const r = await f.api('GET', '/v1/customers/acme/balances');
  return r.body.balances.find((b: any) => b.asset === 'USD');
}

describe('50 of 200 concurrent authorizations', () => {
  it('approves exactly 50 amount holds and leaves available at exactly zero', async () => {
    fx = await startApi();
    await seedTokens(fx.op, { topUp: '5000' });
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => post(fx.url, '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '100', idempotency_key: `k${i}` })));
    const approved = results.filter((r) => r.status === 201);
    const declined = results.filter((r) => r.status === 402);
    expect(approved).toHaveLength(50);
    expect(declined).toHaveLength(150);
    expect(declined.every((r) => r.body.error.code === 'insufficient_funds')).toBe(true);
    const b = await balance(fx);
    expect([b.posted, b.pending, b.available]).toEqual(['5000', '5000', '0']);
    expect(fx.engine.verify().ok).toBe(true);
  });

  it('approves exactly 50 metric-priced sub-cent holds ($0.002 each, rounded up to a cent)', async () => {
    fx = await startApi();
    await seedTokens(fx.op, { topUp: '50' });
    const results = await Promise.all(Array.from({ length: 200 }, () => post(fx.url, '/v1/authorizations', { customer: 'acme', metric: 'tokens', quantity: 1000 })));
    const approved = results.filter((r) => r.status === 201);
    expect(approved).toHaveLength(50);
    expect(approved.every((r) => r.body.held === '1')).toBe(true);
    expect(results.filter((r) => r.status === 402)).toHaveLength(150);
    expect((await balance(fx)).available).toBe('0');
    expect(fx.engine.verify().ok).toBe(true);
  });
});

describe('replays', () => {
  it('20 concurrent replays of one event debit once and all answer the original result', async () => {
    fx = await startApi();
    await seedTokens(fx.op, { topUp: '1000' });
    const event = { transaction_id: 'same', customer: 'acme', code: 'tokens', properties: { tokens: 500_000 } };
    const results = await Promise.all(Array.from({ length: 20 }, () => post(fx.url, '/v1/events', event)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 200)).toHaveLength(19);
    const original = results.find((r) => r.status === 201)!.body;
    for (const r of results.filter((x) => x.status === 200)) expect({ ...r.body, replayed: false }).toEqual(original);
    expect((await balance(fx)).posted).toBe('900');
  });

  it('a retry that omits the timestamp is a replay; other content is a 409', async () => {
    fx = await startApi();
    await seedTokens(fx.op, { topUp: '1000' });
    const first = await fx.api('POST', '/v1/events', { transaction_id: 't', customer: 'acme', code: 'tokens', timestamp: new Date().toISOString(), properties: { tokens: 5000, model: 'x' } });
    expect(first.status).toBe(201);
    // keys in another order, a number written as 5000.0, no timestamp: the same event
    const again = await fx.api('POST', '/v1/events', '{"properties":{"model":"x","tokens":5000.0},"code":"tokens","customer":"acme","transaction_id":"t"}');
    expect(again.status).toBe(200);
    expect(again.body.replayed).toBe(true);
    expect(again.body.timestamp).toBe(first.body.timestamp);
    const conflict = await fx.api('POST', '/v1/events', { transaction_id: 't', customer: 'acme', code: 'tokens', properties: { tokens: 5001, model: 'x' } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_conflict');
    expect((await balance(fx)).posted).toBe('999');
  });
});

/**
 * The console's door in serve mode: login with a key sets a signed session cookie; cookie
 * requests are checked for Host, Origin and the CSRF token on writes; the live feed pushes
 * coalesced changes with balances' latest numbers.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, type ServerFixture, seedTokens, startApi } from '../helpers/harness';

let fx: ServerFixture;
let cookie = '';
let csrf = '';
beforeAll(async () => {
  fx = await startApi();
  await seedTokens(fx.op, { topUp: '100000' });
});
afterAll(async () => {
  await fx?.close();
});

const raw = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  fetch(fx.url + path, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any, headers: r.headers }));

describe('console sessions', () => {
  it('logs in with a key and sets an HttpOnly SameSite=Strict cookie', async () => {
    expect((await raw('POST', '/v1/session', {}, { api_key: 'tg_nope_0123456789abcdefghij' })).status).toBe(401);
    const res = await raw('POST', '/v1/session', {}, { api_key: ADMIN_KEY });
    expect(res.status).toBe(200);
    const set = res.headers.get('set-cookie')!;
    expect(set).toMatch(/tg_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    cookie = set.split(';')[0]!;
    csrf = res.body.csrf_token;
    expect(res.body.key.scopes).toEqual(['admin']);
    expect((await raw('GET', '/v1/session', { cookie })).body.csrf_token).toBe(csrf);
  });

  it('reads with the cookie alone', async () => {
    expect((await raw('GET', '/v1/customers', { cookie })).status).toBe(200);
  });

  it('refuses a cookie POST without the CSRF token, or from another origin, or to another Host', async () => {
    const noToken = await raw('POST', '/v1/customers', { cookie }, { external_id: 'x1' });
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('forbidden');
    const foreign = await raw('POST', '/v1/customers', { cookie, 'x-csrf-token': csrf, origin: 'https://evil.example' }, { external_id: 'x2' });
    expect(foreign.status).toBe(403);
    const rebinding = await new Promise<number>((resolve) => {
      const req = request(fx.url + '/v1/customers', { headers: { cookie, host: 'evil.example:80' } }, (res) => resolve(res.statusCode!));
      req.end();
    });
    expect(rebinding).toBe(403);
    const ok = await raw('POST', '/v1/customers', { cookie, 'x-csrf-token': csrf, origin: fx.url }, { external_id: 'x3' });
    expect(ok.status).toBe(201);
  });

  it('a tampered cookie is no session', async () => {
    const bad = cookie.slice(0, -2) + (cookie.endsWith('A') ? 'BB' : 'AA');
    expect((await raw('GET', '/v1/customers', { cookie: bad })).status).toBe(401);
  });
});

describe('the live feed', () => {
  it('pushes the new balance after an event (latency is measured by the benchmark, not here)', async () => {
    const controller = new AbortController();
    const res = await fetch(fx.url + '/v1/live', { headers: { cookie }, signal: controller.signal });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    await fx.api('POST', '/v1/events', { transaction_id: 'live-1', customer: 'acme', code: 'tokens', properties: { tokens: 5000 } });
    while (!text.includes('event: changes')) {
      const { value } = await reader.read();
      text += decoder.decode(value);
    }
    controller.abort();
    expect(text).toContain('event: hello');
    const data = JSON.parse(text.split('event: changes\ndata: ')[1]!.split('\n')[0]!);
    const balance = data.changes.find((c: any) => c.type === 'balance' && c.id === 'acme');
    expect(balance.data).toMatchObject({ available: '99999', posted: '99999' });
    expect(data.changes.some((c: any) => c.type === 'event' && c.id === 'live-1')).toBe(true);
  });
});

/**
 * "Send a test" for a webhook endpoint (`POST /v1/webhook-endpoints/{id}/test`), through the HTTP
 * API (every answer checked against the OpenAPI document). It proves the test message reaches the
 * endpoint signed with its secret and shaped as documented (whatever types the endpoint subscribes
 * to, enabled or not), that the answer reports what the endpoint answered (2xx, an error status,
 * no answer at all), and that a test changes nothing: no delivery logged, nothing retried, a
 * failure not counted towards disabling the endpoint.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WEBHOOK_TEST_TYPE, webhookTestMessage } from '../../shared/contract/webhook-messages';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await fx?.close();
  fx = undefined;
});

/** A receiver answering `status`, keeping what it was sent. */
async function receiver(status: number) {
  const got: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

/** A port nothing listens on: a server opened and closed again. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}/hook`;
}

/** The receiver's side of the signature check, as docs/webhooks.md tells integrators to do it. */
function verifies(secret: string, header: string, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) && Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
}

async function endpoint(url: string, extra: Record<string, unknown> = {}) {
  const res = await fx!.api('POST', '/v1/webhook-endpoints', { url, event_types: ['invoice.finalized'], ...extra });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}
const test = (id: string) => fx!.api('POST', `/v1/webhook-endpoints/${id}/test`);
const deliveries = async () => (await fx!.api('GET', '/v1/webhook-deliveries')).body.data as unknown[];
const endpointRow = async (id: string) => ((await fx!.api('GET', '/v1/webhook-endpoints')).body.data as { id: string; failing_since: string | null; enabled: boolean }[]).find((e) => e.id === id)!;

describe('sending a test message to a webhook endpoint', () => {
  it('posts a signed webhook.test message to an endpoint subscribed to other types, and answers what the endpoint answered', async () => {
    fx = await startApi();
    const hook = await receiver(204);
    const we = await endpoint(hook.url);
    const res = await test(we.id);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ delivered: true, status: 204, error: null });
    expect(res.body.latency_ms).toBeGreaterThanOrEqual(0);
    expect(hook.got).toHaveLength(1);
    const [sent] = hook.got;
    // What the answer says was posted is what arrived, byte for byte, signed with the endpoint's secret.
    expect(sent!.body).toBe(res.body.body);
    expect(sent!.headers['tollgate-webhook-id']).toBe(res.body.message_id);
    expect(verifies(we.secret, String(sent!.headers['tollgate-signature']), sent!.body)).toBe(true);
    expect(verifies(`${we.secret}x`, String(sent!.headers['tollgate-signature']), sent!.body)).toBe(false);
    const message = webhookTestMessage().strict().parse(JSON.parse(sent!.body));
    expect(message).toMatchObject({ type: WEBHOOK_TEST_TYPE, id: res.body.message_id, data: { endpoint: we.id } });
    // A test is not a delivery: nothing logged, nothing to retry.
    expect(await deliveries()).toEqual([]);
  });

  it('reports an error status or no answer, and does not count it against the endpoint', async () => {
    fx = await startApi();
    const failing = await receiver(500);
    const we = await endpoint(failing.url);
    const res = await test(we.id);
    expect(res.body).toMatchObject({ delivered: false, status: 500, error: 'HTTP 500' });
    expect(failing.got).toHaveLength(1);
    expect((await endpointRow(we.id)).failing_since).toBeNull();

    const nobody = await endpoint(await deadUrl());
    const down = await test(nobody.id);
    expect(down.body).toMatchObject({ delivered: false, status: null });
    expect(down.body.error).toMatch(/ECONNREFUSED/);
    expect((await endpointRow(nobody.id)).failing_since).toBeNull();
    expect(await deliveries()).toEqual([]);
  });

  it('tests a disabled endpoint too (before enabling it again), and refuses an unknown one', async () => {
    fx = await startApi();
    const hook = await receiver(200);
    const we = await endpoint(hook.url, { enabled: false });
    expect((await test(we.id)).body).toMatchObject({ delivered: true, status: 200 });
    expect((await endpointRow(we.id)).enabled).toBe(false);
    const unknown = await test('we_nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('is documented as its own webhooks entry', async () => {
    fx = await startApi();
    const doc = (await fx.api('GET', '/v1/openapi.json')).body;
    expect(doc.webhooks[WEBHOOK_TEST_TYPE].post.requestBody.content['application/json'].schema.properties.type).toMatchObject({ const: WEBHOOK_TEST_TYPE });
  });
});

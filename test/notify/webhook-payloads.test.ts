/**
 * The webhook payloads are exactly what the API document says. The engine is made to send every
 * type for real (alerts, auto top-ups, refusals and their coalesced summaries, invoices, credit
 * notes, a disabled endpoint), caught by a local receiver, and each message is parsed against its
 * schema in shared/contract/webhook-messages.ts with no unknown field allowed at any depth, and
 * validated against its entry in the OpenAPI document's `webhooks`. A payload that gains an
 * undocumented field or loses a documented one fails here; so does a type the document leaves out.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv2020 from 'ajv/dist/2020.js';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../../shared/contract/notify';
import { COALESCED_TYPES, WEBHOOK_TEST_TYPE, webhookMessage, type WebhookType } from '../../shared/contract/webhook-messages';
import { ManualClock } from '../../src-main/engine/clock';
import { openApiDocument } from '../../src-main/http/server';
import { type EngineFixture, openEngine, advanceBilling } from '../helpers/harness';

interface Message {
  id: string;
  type: WebhookType;
  created_at: string;
  api_version: string;
  data: Record<string, unknown>;
}

/** A receiver that keeps every message posted to it; requests to `?down` are answered 503. */
async function receiver() {
  const got: Message[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (req.url?.includes('down')) return void res.writeHead(503).end();
      got.push(JSON.parse(raw) as Message);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const until = async (cond: () => boolean, what: string, ms = 15_000) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The schema with every object strict, however deep: an undocumented field anywhere is an error. */
function strictDeep(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodObject) return z.strictObject(Object.fromEntries(Object.entries(schema.shape).map(([k, v]) => [k, strictDeep(v as z.ZodType)])));
  if (schema instanceof z.ZodUnion) return z.union((schema.options as z.ZodType[]).map(strictDeep) as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  if (schema instanceof z.ZodNullable) return strictDeep(schema.unwrap() as z.ZodType).nullable();
  if (schema instanceof z.ZodOptional) return strictDeep(schema.unwrap() as z.ZodType).optional();
  if (schema instanceof z.ZodArray) return z.array(strictDeep(schema.element as z.ZodType));
  if (schema instanceof z.ZodRecord) return z.record(schema.keyType as z.ZodString, strictDeep(schema.valueType as z.ZodType));
  return schema;
}

const doc = openApiDocument() as unknown as { webhooks: Record<string, { post: { requestBody: { content: { 'application/json': { schema: object } } } } }> };
const ajv = new Ajv2020({ strict: false, allErrors: true });
const documented = (type: string) => ajv.compile(doc.webhooks[type]!.post.requestBody.content['application/json'].schema);

/** Problems with one message: against its zod schema (strict at every depth), then against the OpenAPI document. */
function problems(msg: Message): string[] {
  const out: string[] = [];
  const parsed = strictDeep(webhookMessage(msg.type)).safeParse(msg);
  if (!parsed.success) out.push(`zod: ${z.prettifyError(parsed.error)}`);
  const validate = documented(msg.type);
  if (!validate(msg)) out.push(`openapi: ${ajv.errorsText(validate.errors)}`);
  return out;
}

const at = (iso: string) => Date.parse(iso);
const FAST = { webhookRetryMs: [100, 100, 100, 100, 100, 100, 100, 100], webhookDisableAfterMs: 60_000 };

let fx: EngineFixture;
let rx: Awaited<ReturnType<typeof receiver>>;
let clock: ManualClock;

/** Makes the engine send every webhook type, in one plausible month of a small Tollgate. */
async function produceEveryType() {
  const op = fx.op;
  const advanceTo = (iso: string) => advanceBilling(fx.engine, clock, iso);
  await op('createWebhookEndpoint', { url: rx.url, event_types: ['*'] });
  // Fails every delivery: disabled once its failures span webhookDisableAfterMs (webhook.endpoint_disabled).
  const down = await op<{ id: string }>('createWebhookEndpoint', { url: `${rx.url}?down`, event_types: ['wallet.topped_up'] });
  await op('updateSettings', { grace_period_hours: 24 });
  await op('createAsset', { code: 'USD' });
  await op('createMetric', { code: 'calls', aggregation: 'count' });
  await op('createPlan', { code: 'p', name: 'Pro', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] });
  const call = (customer: string, id: string) => op('ingestEvent', { transaction_id: id, customer, code: 'calls' });

  // A prepaid customer spends 10 calls of 1.00 USD from 10.00 USD: low balance at 4.00, usage 3 calls
  // and 7.00 USD, an auto top-up request at 2.00, depleted at 0.
  await op('createCustomer', { external_id: 'acme', name: 'Acme' });
  await op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000' }); // wallet.topped_up
  await op('createSubscription', { customer: 'acme', plan: 'p' });
  await op('createAlertRule', { customer: 'acme', kind: 'balance', asset: 'USD', threshold: '500' });
  await op('createAlertRule', { customer: 'acme', kind: 'usage', metric: 'calls', threshold: '3' });
  await op('createAlertRule', { customer: 'acme', kind: 'usage', metric: 'calls', field: 'amount', threshold: '700' });
  await op('setAutoTopUp', { customer: 'acme', asset: 'USD', threshold: '300', mode: 'fixed', amount: '500', cooldown_seconds: 0, payment_ttl_seconds: 3600 });
  for (let i = 0; i < 10; i++) await call('acme', `a${i}`);
  await until(() => fx.engine.store.listOutbox({ endpointId: down.id, status: null, beforeId: null, limit: 10 }).some((r) => r.attempts >= 1), 'the first failed delivery');

  // A grant that expires within the hour, unused.
  await op('createCustomer', { external_id: 'promo', name: 'Promo' });
  await op('createTopUp', { external_id: 'promo', asset: 'USD', amount: '250', kind: 'granted', expires_at: new Date(clock.now() + 1800_000).toISOString() });

  // An hour later the requested top-up expired unconfirmed, the grant expired, and the failing endpoint is disabled.
  clock.advance(3601_000);
  await fx.engine.sweep(); // top_up.expired, credit.expired
  fx.engine.deliverer.wake();

  // Refusals, each type twice in a minute: one message at once, one summary when the minute ends.
  await op('createCustomer', { external_id: 'capped', name: 'Capped', spend_caps: [{ asset: 'USD', window: 'day', amount: '100' }] });
  await op('createTopUp', { external_id: 'capped', asset: 'USD', amount: '100000' });
  for (const key of ['c1', 'c2']) await expect(op('createAuthorization', { customer: 'capped', asset: 'USD', amount: '200', idempotency_key: key })).rejects.toMatchObject({ code: 'spend_cap_exceeded' });
  for (const id of ['a10', 'a11']) await expect(call('acme', id)).rejects.toMatchObject({ code: 'insufficient_funds' });
  await fx.engine.flushRefusals();
  clock.advance(61_000);
  await fx.engine.flushRefusals();

  // Postpaid customers' April invoices, finalized after their grace. Beta's gets a partial credit
  // note, then is overdue; settled's is credited in full, so nothing is overdue on it.
  for (const customer of ['beta', 'settled']) {
    await op('createCustomer', { external_id: customer, name: customer, billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '100000' }] });
    await op('createSubscription', { customer, plan: 'p' });
    for (let i = 0; i < 3; i++) await call(customer, `b${i}`);
  }
  await advanceTo('2026-05-01T00:00:00Z');
  await advanceTo('2026-05-02T01:00:00Z'); // invoice.finalized
  const invoiceOf = async (customer: string) => (await op<{ data: { id: string; lines: { id: string; amount: string }[] }[] }>('listInvoices', { customer })).data[0]!;
  const invoice = await invoiceOf('beta');
  const line = invoice.lines.find((l) => BigInt(l.amount) > 0n)!;
  await op('createCreditNote', { id: invoice.id, reason: 'other', settlement: 'credit', lines: [{ line_id: line.id, amount: '100' }] }); // credit_note.created
  await op('createCreditNote', { id: (await invoiceOf('settled')).id, reason: 'other', settlement: 'credit' });
  clock.set(at('2026-06-05T00:00:00Z'));
  await fx.engine.sweep(); // invoice.overdue
}

const received = (type: string) => rx.got.filter((m) => m.type === type);
const forms = (type: string) => new Set(received(type).map((m) => m.data.coalesced));

beforeAll(async () => {
  rx = await receiver();
  clock = new ManualClock(at('2026-04-01T00:00:00Z'));
  fx = openEngine({ clock, settings: FAST });
  await produceEveryType();
  await until(() => WEBHOOK_EVENT_TYPES.every((t) => received(t).length > 0) && COALESCED_TYPES.every((t) => forms(t).size === 2), 'every type (and both forms of the coalesced ones)');
  // Let anything still queued for the receiver arrive, so every message sent is checked.
  const receiverId = fx.engine.store.listWebhookEndpoints().find((e) => e.url === rx.url)!.id;
  await until(() => fx.engine.store.listOutbox({ endpointId: receiverId, status: 'pending', beforeId: null, limit: 500 }).length === 0, 'the queue to drain');
}, 60_000);

afterAll(async () => {
  await fx?.close();
  await rx?.close();
});

describe('webhook payloads', () => {
  it('the engine sends every documented type, the coalesced ones in both forms', () => {
    expect([...new Set(rx.got.map((m) => m.type))].sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const t of COALESCED_TYPES) expect(forms(t), t).toEqual(new Set([false, true]));
  });

  it.each([...WEBHOOK_EVENT_TYPES])('%s: every message matches its schema and the OpenAPI document exactly', (type) => {
    const messages = received(type);
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(problems(m), JSON.stringify(m.data)).toEqual([]);
  });

  it('the payloads say which customer, asset, rule and figures they concern', () => {
    const first = (type: string) => received(type)[0]!.data;
    expect(first('wallet.low_balance')).toMatchObject({ customer: 'acme', asset: 'USD', field: 'available', value: '400', threshold: '500' });
    expect(first('wallet.depleted')).toMatchObject({ customer: 'acme', asset: 'USD', value: '0', threshold: '0', rule: null });
    const units = received('usage.threshold_reached').find((m) => m.data.field === 'units')!.data;
    const amount = received('usage.threshold_reached').find((m) => m.data.field === 'amount')!.data;
    expect(units).toMatchObject({ customer: 'acme', asset: null, metric: 'calls', value: '3', threshold: '3' });
    expect(amount).toMatchObject({ customer: 'acme', asset: 'USD', metric: 'calls', value: '700', threshold: '700', message: "acme's calls amount reached 7.00 USD this period (now 7.00 USD)." });
    const requested = first('top_up.requested');
    expect(requested).toMatchObject({ customer: 'acme', asset: 'USD', field: 'available', value: '200', threshold: '300', top_up: { amount: '500', status: 'pending' } });
    // the expiry names the rule that requested the top-up, and states the amount as money
    expect(first('credit.expired')).toMatchObject({ customer: 'promo', asset: 'USD', amount: '250', kind: 'granted', message: "2.50 USD of promo's granted credit expired unused." });
    expect(first('credit.expired').top_up).toMatch(/^tu_/);
    expect(first('top_up.expired')).toMatchObject({ customer: 'acme', asset: 'USD', value: '500', rule: requested.rule, top_up: { status: 'expired' } });
    expect(first('top_up.expired').message).toContain('of 5.00 USD');
    expect(received('invoice.finalized').find((m) => m.data.customer === 'beta')!.data).toMatchObject({ asset: 'USD', invoice: { customer: 'beta', currency: 'USD', total: '300' } });
    expect(received('invoice.overdue').map((m) => m.data)).toMatchObject([{ customer: 'beta', asset: 'USD', invoice: { amount_outstanding: '200' } }]);
    expect(first('credit_note.created')).toMatchObject({ customer: 'beta', asset: 'USD', credit_note: { subtotal: '100' } });
    expect(received('credit_note.created').map((m) => m.data.customer)).toEqual(['beta', 'settled']);
    expect(first('webhook.endpoint_disabled')).toMatchObject({ customer: null, endpoint: { url: `${rx.url}?down`, enabled: false } });
    const summary = received('spend_cap.reached').find((m) => m.data.coalesced)!.data;
    expect(summary).toMatchObject({ customer: 'capped', count: 1, reasons: { spend_cap_exceeded: 1 } });
  });

  it('the check refuses a message with an undocumented field or without a documented one', () => {
    for (const type of WEBHOOK_EVENT_TYPES) {
      const m = received(type)[0]!;
      expect(problems({ ...m, data: { ...m.data, surprise: '1' } }).length, `${type} + surprise`).toBe(2);
      for (const key of Object.keys(m.data)) {
        const { [key]: _gone, ...rest } = m.data;
        expect(problems({ ...m, data: rest }).length, `${type} - ${key}`).toBe(2);
      }
      // nested objects are held to their documented fields too
      const nested = Object.keys(m.data).find((k) => m.data[k] !== null && typeof m.data[k] === 'object' && k !== 'reasons');
      if (nested) expect(problems({ ...m, data: { ...m.data, [nested]: { ...(m.data[nested] as object), surprise: '1' } } }).length, `${type}.${nested} + surprise`).toBe(2);
    }
  });

  it('a money threshold is whole minor units, as the alert messages send it back', async () => {
    const rule = (o: Record<string, unknown>) => fx.op('createAlertRule', { customer: 'acme', ...o });
    await expect(rule({ kind: 'balance', asset: 'USD', threshold: '500.5' })).rejects.toThrow(/whole number of minor units/);
    await expect(rule({ kind: 'usage', metric: 'calls', field: 'amount', threshold: '0.5' })).rejects.toThrow(/whole number of minor units/);
    await expect(rule({ kind: 'usage', metric: 'calls', threshold: '0.5' })).resolves.toMatchObject({ threshold: '0.5' });
    await expect(rule({ kind: 'balance', asset: 'USD', threshold: '500.00' })).resolves.toMatchObject({ threshold: '500' });
  });

  it('the OpenAPI document has an entry per type, with its type as a const, besides the general `message` and the on-request test message', () => {
    expect(Object.keys(doc.webhooks).sort()).toEqual(['message', WEBHOOK_TEST_TYPE, ...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const schema = doc.webhooks[type]!.post.requestBody.content['application/json'].schema as { properties: { type: { const: string } } };
      expect(schema.properties.type.const).toBe(type);
    }
    expect((doc.webhooks.message!.post as unknown as { description: string }).description).toMatch(/HMAC-SHA256/);
  });
});

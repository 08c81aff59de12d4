/**
 * Proves that an app using Lago's official JavaScript client (lago-javascript-client, unmodified)
 * keeps its Lago calls and changes only its base URL (<tollgate>/api/v1): single and batch events,
 * with a Tollgate key of the ingest scope as Lago's bearer key, are answered in Lago's shape and
 * debit the wallet exactly like the same events sent to Tollgate's own API (standard, graduated and
 * dynamic charges; Unix-seconds, string and ISO timestamps; precise_total_amount_cents); the
 * client's replays are idempotent (nothing changes, not a row); a replay with other content, a
 * refused event and a wrong key answer Lago's error shape.
 */
import { Client, getLagoError } from 'lago-javascript-client';
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerDigest, type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

/** Two identical customers: one fed through Lago's client, one through Tollgate's own API. */
async function setup() {
  fx = await startApi();
  await fx.op('createAsset', { code: 'USD' });
  await fx.op('createMetric', { code: 'tokens', aggregation: 'sum', property: 'tokens' });
  await fx.op('createMetric', { code: 'calls', aggregation: 'count' });
  await fx.op('createMetric', { code: 'compute', aggregation: 'count' });
  await fx.op('createPlan', {
    code: 'llm',
    name: 'LLM',
    interval: 'monthly',
    charges: [
      { metric: 'tokens', asset: 'USD', model: 'graduated', properties: { graduated_ranges: [{ from_value: 0, to_value: 10000, per_unit_amount: '0.001', flat_amount: '0' }, { from_value: 10001, to_value: null, per_unit_amount: '0.0005', flat_amount: '0' }] } },
      { metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.25' } },
      { metric: 'compute', asset: 'USD', model: 'dynamic', properties: {} },
    ],
  });
  for (const c of ['via-lago', 'native']) {
    await fx.op('createCustomer', { external_id: c, name: c });
    await fx.op('createTopUp', { external_id: c, asset: 'USD', amount: '10000' });
    await fx.op('createSubscription', { customer: c, plan: 'llm', external_id: `sub-${c}`, start_at: new Date(Date.now() - 3600_000).toISOString() });
  }
  const key = (await fx.op('createApiKey', { name: 'app (Lago client)', scopes: ['ingest'] })).key as string;
  const lago = Client(key, { baseUrl: `${fx.url}/api/v1` });
  return { lago, key };
}

const available = async (c: string) => (await fx.api('GET', `/v1/customers/${c}/balances`)).body.balances[0].available as string;

describe("Lago's JavaScript client against Tollgate", () => {
  it('single and batch events debit exactly like native events; replays are idempotent', async () => {
    const { lago } = await setup();
    const now = Math.floor(Date.now() / 1000);

    // One event, Lago's way: the subscription's external id, Unix seconds.
    const single = await lago.events.createEvent({ event: { transaction_id: 'tx-1', external_subscription_id: 'sub-via-lago', code: 'tokens', timestamp: now, properties: { tokens: 8000 } } });
    expect(single.status).toBe(200);
    expect(single.data.event).toMatchObject({ transaction_id: 'tx-1', code: 'tokens', external_subscription_id: 'sub-via-lago', lago_customer_id: null, properties: { tokens: 8000 } });
    expect(typeof single.data.event.timestamp).toBe('string');
    await fx.api('POST', '/v1/events', { transaction_id: 'tx-1', customer: 'native', code: 'tokens', timestamp: now, properties: { tokens: 8000 } });
    expect(await available('via-lago')).toBe('9200'); // 8,000 tokens at $0.001 = $8.00, debited at once
    expect(await available('via-lago')).toBe(await available('native'));

    // A batch: crossing the graduated tier, a standard charge, a dynamic charge priced by the
    // event (precise_total_amount_cents 1234.5 = $12.345), string and ISO timestamps.
    const iso = new Date(now * 1000).toISOString();
    const batch = await lago.events.createBatchEvents({
      events: [
        { transaction_id: 'tx-2', external_subscription_id: 'sub-via-lago', code: 'tokens', timestamp: String(now), properties: { tokens: 4000 } },
        { transaction_id: 'tx-3', external_subscription_id: 'sub-via-lago', code: 'calls', timestamp: iso },
        { transaction_id: 'tx-4', external_subscription_id: 'sub-via-lago', code: 'compute', timestamp: `${now}.250`, precise_total_amount_cents: '1234.5', properties: {} },
      ],
    });
    expect(batch.status).toBe(200);
    expect(batch.data.events.map((e) => e.transaction_id)).toEqual(['tx-2', 'tx-3', 'tx-4']);
    expect(batch.data.events[2]).toMatchObject({ precise_total_amount_cents: '1234.5' });
    const native = await fx.api('POST', '/v1/events/batch', {
      events: [
        { transaction_id: 'tx-2', customer: 'native', code: 'tokens', timestamp: now, properties: { tokens: 4000 } },
        { transaction_id: 'tx-3', customer: 'native', code: 'calls', timestamp: iso },
        { transaction_id: 'tx-4', customer: 'native', code: 'compute', timestamp: now + 0.25, precise_total_amount: '12.345', properties: {} },
      ],
    });
    expect(native.body.accepted).toBe(3);
    // 2,000 tokens at $0.001 + 2,000 at $0.0005 = $3.00; a call $0.25; compute $12.345 -> $12.35.
    expect(await available('via-lago')).toBe(String(9200 - 300 - 25 - 1235));
    expect(await available('via-lago')).toBe(await available('native'));
    const lagoTransfers = (await fx.api('GET', '/v1/transfers?customer=via-lago')).body.data.map((t: any) => [t.kind, t.amount]);
    const nativeTransfers = (await fx.api('GET', '/v1/transfers?customer=native')).body.data.map((t: any) => [t.kind, t.amount]);
    expect(lagoTransfers).toEqual(nativeTransfers);

    // The client's retries replay: same answers, nothing written. (The top-ups' receipt PDFs are
    // rendered after their commit: let them land before taking the digest.)
    await fx.engine.documents.renderPending();
    const digest = ledgerDigest(fx.engine);
    const again = await lago.events.createEvent({ event: { transaction_id: 'tx-1', external_subscription_id: 'sub-via-lago', code: 'tokens', timestamp: now, properties: { tokens: 8000 } } });
    expect(again.status).toBe(200);
    expect(again.data.event.transaction_id).toBe('tx-1');
    const batchAgain = await lago.events.createBatchEvents({
      events: [
        { transaction_id: 'tx-2', external_subscription_id: 'sub-via-lago', code: 'tokens', timestamp: String(now), properties: { tokens: 4000 } },
        { transaction_id: 'tx-3', external_subscription_id: 'sub-via-lago', code: 'calls', timestamp: iso },
        { transaction_id: 'tx-4', external_subscription_id: 'sub-via-lago', code: 'compute', timestamp: `${now}.250`, precise_total_amount_cents: '1234.5', properties: {} },
      ],
    });
    expect(batchAgain.status).toBe(200);
    expect(ledgerDigest(fx.engine)).toBe(digest);
    expect(await available('via-lago')).toBe('7640');
    expect(fx.engine.verify().ok).toBe(true);
  });

  it("answers refusals in Lago's error shape", async () => {
    const { lago } = await setup();
    const now = Math.floor(Date.now() / 1000);
    await lago.events.createEvent({ event: { transaction_id: 'tx-1', external_subscription_id: 'sub-via-lago', code: 'tokens', timestamp: now, properties: { tokens: 10 } } });

    // The same transaction_id with other content: Lago's value_already_exist.
    const conflict = await getLagoError(await lago.events.createEvent({ event: { transaction_id: 'tx-1', external_subscription_id: 'sub-via-lago', code: 'tokens', timestamp: now, properties: { tokens: 11 } } }).catch((e: unknown) => e));
    expect(conflict).toMatchObject({ status: 422, error: 'Unprocessable Entity', code: 'validation_errors', error_details: { transaction_id: ['value_already_exist'] } });

    // An unknown subscription.
    const missing = await getLagoError(await lago.events.createEvent({ event: { transaction_id: 'tx-2', external_subscription_id: 'sub-nobody', code: 'tokens', properties: { tokens: 1 } } }).catch((e: unknown) => e));
    expect(missing).toMatchObject({ status: 404, error: 'Not Found', code: 'subscription_not_found' });

    // No funds: refused before anything is written (Tollgate prices at once).
    await fx.op('updateCustomer', { external_id: 'via-lago', on_insufficient_funds: 'refuse' });
    const broke = await getLagoError(await lago.events.createEvent({ event: { transaction_id: 'tx-3', external_subscription_id: 'sub-via-lago', code: 'tokens', properties: { tokens: 50_000_000 } } }).catch((e: unknown) => e));
    expect(broke).toMatchObject({ status: 402, code: 'insufficient_funds' });

    // In a batch the refused event is named by its index; the others are recorded.
    const mixed = await getLagoError(
      await lago.events
        .createBatchEvents({
          events: [
            { transaction_id: 'tx-4', external_subscription_id: 'sub-via-lago', code: 'calls' },
            { transaction_id: 'tx-5', external_subscription_id: 'sub-via-lago', code: 'tokens', properties: { tokens: 50_000_000 } },
          ],
        })
        .catch((e: unknown) => e),
    );
    expect(mixed).toMatchObject({ status: 422, code: 'validation_errors', error_details: { '1': { event: ['insufficient_funds'] } } });
    expect((await fx.api('GET', '/v1/events/tx-4?customer=via-lago')).status).toBe(200);

    // A key that is not Tollgate's.
    const stranger = Client('not-a-key', { baseUrl: `${fx.url}/api/v1` });
    const denied = await getLagoError(await stranger.events.createEvent({ event: { transaction_id: 'x', external_subscription_id: 'sub-via-lago', code: 'calls' } }).catch((e: unknown) => e));
    expect(denied).toMatchObject({ status: 401, error: 'Unauthorized' });
    // A Tollgate key without the ingest scope: the server's own admission rules apply.
    const reader = (await fx.op('createApiKey', { name: 'dashboard', scopes: ['read'] })).key as string;
    const readOnly = Client(reader, { baseUrl: `${fx.url}/api/v1` });
    const forbidden = await getLagoError(await readOnly.events.createEvent({ event: { transaction_id: 'y', external_subscription_id: 'sub-via-lago', code: 'calls' } }).catch((e: unknown) => e));
    expect(forbidden).toMatchObject({ status: 403, code: 'forbidden' });
    expect(fx.engine.verify().ok).toBe(true);
  });
});

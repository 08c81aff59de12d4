/**
 * Bad input of every kind gets a clear error (status and machine-readable code) and changes
 * nothing: after each request a digest of every ledger table is compared with the one before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ledgerDigest, type ServerFixture, seedTokens, startApi } from '../helpers/harness';

let fx: ServerFixture;
let ingestKey: string;
let topUpId: string;
let voidedAuth: string;

beforeAll(async () => {
  fx = await startApi();
  await seedTokens(fx.op, { topUp: '1000' });
  topUpId = (await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '100' })).id;
  const auth = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '10' });
  await fx.op('voidAuthorization', { id: auth.id });
  voidedAuth = auth.id;
  ingestKey = fx.engine.keys.create('app', ['ingest'], Date.now());
  // Receipts of the top-ups render in the background; let that finish so it cannot touch a digest.
  await fx.engine.documents.renderPending();
});
afterAll(async () => {
  await fx?.close();
});

interface Case {
  name: string;
  method: string;
  path: string | (() => string);
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const event = (extra: Record<string, unknown> = {}) => ({ transaction_id: 'bad-1', customer: 'acme', code: 'tokens', properties: { tokens: 10 }, ...extra });

const cases: Case[] = [
  { name: 'malformed JSON', method: 'POST', path: '/v1/events', body: '{"transaction_id": "x",', status: 400, code: 'invalid_json' },
  { name: 'a JSON array instead of an object', method: 'POST', path: '/v1/events', body: '[1,2]', status: 422, code: 'validation_failed' },
  { name: 'amount of the wrong type', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'USD', amount: 'ten' }, status: 422, code: 'validation_failed' },
  { name: 'a float amount', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'USD', amount: 10.5 }, status: 422, code: 'validation_failed' },
  { name: 'a float amount as a string', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'USD', amount: '10.50' }, status: 422, code: 'validation_failed' },
  { name: 'a negative top-up', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'USD', amount: '-5' }, status: 422, code: 'validation_failed' },
  { name: 'a zero top-up', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'USD', amount: 0 }, status: 422, code: 'validation_failed' },
  { name: 'an amount beyond 10^18', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'USD', amount: '10000000000000000000' }, status: 422, code: 'validation_failed' },
  { name: 'an unknown field', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'USD', amount: '5', ammount: '5' }, status: 422, code: 'validation_failed' },
  { name: 'a negative tax rate', method: 'POST', path: '/v1/customers', body: { external_id: 'taxed', tax_rate: '-5' }, status: 422, code: 'validation_failed' },
  { name: 'a tax rate over 100 %', method: 'PATCH', path: '/v1/customers/acme', body: { tax_rate: '100.5' }, status: 422, code: 'validation_failed' },
  { name: 'a plan tax rate of 500 %', method: 'POST', path: '/v1/plans', body: { code: 'tax500', name: 'T', interval: 'monthly', tax_rate: '500' }, status: 422, code: 'validation_failed' },
  { name: 'two charges that price one metric the same way', method: 'POST', path: '/v1/plans', body: { code: 'twice', name: 'T', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }, { metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.02' } }] }, status: 422, code: 'validation_failed' },
  { name: 'a hold for zero units', method: 'POST', path: '/v1/authorizations', body: { customer: 'acme', metric: 'tokens', quantity: '0' }, status: 422, code: 'validation_failed' },
  { name: 'a hold for negative units', method: 'POST', path: '/v1/authorizations', body: { customer: 'acme', metric: 'tokens', quantity: '-3' }, status: 422, code: 'validation_failed' },
  { name: 'a custom asset rated at zero', method: 'POST', path: '/v1/assets', body: { code: 'FREEBIE', kind: 'custom', scale: 0, rates: [{ currency: 'USD', rate: '0' }] }, status: 422, code: 'validation_failed' },
  { name: 'a price on a currency top-up (it would be dropped)', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'USD', amount: '500', price: { currency: 'USD', amount: '500' } }, status: 422, code: 'validation_failed' },
  { name: 'a forever coupon with periods (one would be dropped)', method: 'POST', path: '/v1/coupons', body: { code: 'both', kind: 'fixed', asset: 'USD', amount: '100', frequency: 'forever', periods: 3 }, status: 422, code: 'validation_failed' },
  { name: 'a fixed coupon with a percentage', method: 'POST', path: '/v1/coupons', body: { code: 'mixed', kind: 'fixed', asset: 'USD', amount: '100', percentage: '10', frequency: 'once' }, status: 422, code: 'validation_failed' },
  { name: 'a coupon limited to a plan that does not exist (it would never apply)', method: 'POST', path: '/v1/coupons', body: { code: 'typo', kind: 'percentage', percentage: '10', frequency: 'forever', plans: ['tok', 'tokk'] }, status: 422, code: 'validation_failed' },
  { name: 'a coupon limited to a metric that does not exist', method: 'POST', path: '/v1/coupons', body: { code: 'typo', kind: 'percentage', percentage: '10', frequency: 'forever', metrics: ['tokenz'] }, status: 422, code: 'validation_failed' },
  { name: 'an unknown coupon', method: 'GET', path: '/v1/coupons/nope', status: 404, code: 'not_found' },
  { name: 'removing a coupon the customer never had', method: 'DELETE', path: '/v1/customers/acme/coupons/nope', status: 404, code: 'not_found' },
  { name: 'removing a coupon from an unknown customer', method: 'DELETE', path: '/v1/customers/nobody/coupons/nope', status: 404, code: 'customer_not_found' },
  { name: 'a top-up for an unknown customer', method: 'POST', path: '/v1/customers/nobody/top-ups', body: { asset: 'USD', amount: '5' }, status: 404, code: 'customer_not_found' },
  { name: 'a top-up in an unknown asset', method: 'POST', path: '/v1/customers/acme/top-ups', body: { asset: 'EUR', amount: '5' }, status: 404, code: 'asset_not_found' },
  { name: 'a plan on an unknown metric', method: 'POST', path: '/v1/plans', body: { code: 'p2', name: 'P2', interval: 'monthly', charges: [{ metric: 'nope', asset: 'USD', model: 'standard', properties: { unit_price: '1' } }] }, status: 404, code: 'metric_not_found' },
  { name: 'a plan with a gap between tiers', method: 'POST', path: '/v1/plans', body: { code: 'p3', name: 'P3', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'graduated', properties: { graduated_ranges: [{ from_value: 0, to_value: 100, per_unit_amount: '1', flat_amount: '0' }, { from_value: 200, to_value: null, per_unit_amount: '1', flat_amount: '0' }] } }] }, status: 422, code: 'validation_failed' },
  { name: 'a float price', method: 'POST', path: '/v1/plans', body: { code: 'p4', name: 'P4', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: 0.1 } }] }, status: 422, code: 'validation_failed' },
  { name: 'an authorization on an unknown metric', method: 'POST', path: '/v1/authorizations', body: { customer: 'acme', metric: 'nope', quantity: 5 }, status: 404, code: 'metric_not_found' },
  { name: 'an authorization with both amount and metric', method: 'POST', path: '/v1/authorizations', body: { customer: 'acme', asset: 'USD', amount: '5', metric: 'tokens', quantity: 5 }, status: 422, code: 'validation_failed' },
  { name: 'an authorization beyond the wallet', method: 'POST', path: '/v1/authorizations', body: { customer: 'acme', asset: 'USD', amount: '1000000' }, status: 402, code: 'insufficient_funds' },
  { name: 'an event for an unknown customer', method: 'POST', path: '/v1/events', body: event({ customer: 'nobody' }), status: 404, code: 'customer_not_found' },
  { name: 'an event with a non-numeric metered property', method: 'POST', path: '/v1/events', body: event({ properties: { tokens: 'lots' } }), status: 422, code: 'invalid_event_property' },
  { name: 'an event an hour in the future', method: 'POST', path: '/v1/events', body: event({ timestamp: new Date(Date.now() + 3_600_000).toISOString() }), status: 422, code: 'timestamp_in_future' },
  { name: 'an event with a timestamp without an offset', method: 'POST', path: '/v1/events', body: event({ timestamp: '2026-11-26T10:00:00' }), status: 422, code: 'validation_failed' },
  { name: 'an event with a float cost', method: 'POST', path: '/v1/events', body: event({ cost: 0.25 }), status: 422, code: 'validation_failed' },
  { name: 'an event without transaction_id', method: 'POST', path: '/v1/events', body: { customer: 'acme', code: 'tokens' }, status: 422, code: 'validation_failed' },
  { name: 'an event the wallet cannot cover', method: 'POST', path: '/v1/events', body: event({ properties: { tokens: 100_000_000 } }), status: 402, code: 'insufficient_funds' },
  { name: 'too many events in a batch', method: 'POST', path: '/v1/events/batch', body: { events: Array.from({ length: 1001 }, (_, i) => event({ transaction_id: `b${i}` })) }, status: 413, code: 'too_many_events' },
  { name: 'an oversized body', method: 'POST', path: '/v1/events/batch', body: JSON.stringify({ events: [event({ properties: { tokens: 1, pad: 'x'.repeat(9 * 1024 * 1024) } })] }), status: 413, code: 'payload_too_large' },
  { name: 'the wrong content type', method: 'POST', path: '/v1/events', body: JSON.stringify(event()), headers: { 'content-type': 'text/plain' }, status: 415, code: 'unsupported_media_type' },
  { name: 'no API key', method: 'POST', path: '/v1/events', body: event(), headers: { authorization: '' }, status: 401, code: 'unauthenticated' },
  { name: 'a wrong API key', method: 'POST', path: '/v1/events', body: event(), headers: { authorization: 'Bearer tg_testadmin_0123456789abcdefghijklmnoX' }, status: 401, code: 'unauthenticated' },
  { name: 'a malformed API key', method: 'POST', path: '/v1/events', body: event(), headers: { authorization: 'Bearer hunter2' }, status: 401, code: 'unauthenticated' },
  { name: 'an ingest key creating a customer', method: 'POST', path: '/v1/customers', body: { external_id: 'x' }, headers: { authorization: 'INGEST' }, status: 403, code: 'forbidden' },
  { name: 'refunding more than is left', method: 'POST', path: () => `/v1/top-ups/${topUpId}/refund`, body: { amount: '101' }, status: 422, code: 'amount_exceeds_refundable' },
  { name: 'capturing a voided hold', method: 'POST', path: () => `/v1/authorizations/${voidedAuth}/capture`, body: { amount: '1' }, status: 409, code: 'invalid_state' },
  { name: 'an increment with both an amount and a quantity (one would be dropped)', method: 'POST', path: () => `/v1/authorizations/${voidedAuth}/increment`, body: { amount: '1', quantity: '2' }, status: 422, code: 'validation_failed' },
  { name: 'an unknown authorization', method: 'GET', path: '/v1/authorizations/auth_nope', status: 404, code: 'authorization_not_found' },
  { name: 'an existing asset again', method: 'POST', path: '/v1/assets', body: { code: 'USD' }, status: 409, code: 'already_exists' },
  { name: 'a custom asset without a scale', method: 'POST', path: '/v1/assets', body: { code: 'TOKENS' }, status: 422, code: 'validation_failed' },
  { name: 'an unknown route', method: 'GET', path: '/v1/nothing', status: 404, code: 'not_found' },
  { name: 'a wrong method', method: 'DELETE', path: '/v1/events', status: 405, code: 'method_not_allowed' },
  { name: 'a bad page size', method: 'GET', path: '/v1/customers?limit=100000', status: 422, code: 'validation_failed' },
];

describe('bad input changes nothing', () => {
  it.each(cases)('$name → $status $code', async (c) => {
    const before = ledgerDigest(fx.engine);
    const headers = { ...c.headers };
    if (headers.authorization === 'INGEST') headers.authorization = `Bearer ${ingestKey}`;
    const path = typeof c.path === 'function' ? c.path() : c.path;
    const res = await fx.api(c.method, path, c.body, headers);
    expect(res.status).toBe(c.status);
    expect(res.body.error.code).toBe(c.code);
    expect(res.body.error.message.length).toBeGreaterThan(10);
    expect(ledgerDigest(fx.engine)).toBe(before);
  });

  it('says "required" for an absent field, and names a charge property by its full path', async () => {
    const noId = await fx.api('POST', '/v1/events', { customer: 'acme', code: 'tokens' });
    expect([noId.status, noId.body.error.message]).toEqual([422, 'transaction_id: required']);
    const noAmount = await fx.api('POST', '/v1/customers/acme/top-ups', { asset: 'USD' });
    expect(noAmount.body.error.details.issues).toEqual([{ path: ['amount'], message: 'required' }]);
    const badAmount = await fx.api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: 10.5 });
    expect(badAmount.body.error.details.issues[0].message).not.toBe('required');
    const batch = await fx.api('POST', '/v1/events/batch', { events: [{ customer: 'acme', code: 'tokens' }] });
    expect(batch.body.results[0].error.details.issues).toEqual([{ path: ['transaction_id'], message: 'required' }]);
    const price = await fx.api('POST', '/v1/plans', { code: 'float', name: 'F', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: 'ten cents' } }] });
    expect(price.body.error.details.issues.map((i: any) => i.path)).toEqual([['charges', 0, 'properties', 'unit_price']]);
    expect(price.body.error.message).toMatch(/^charges\[0\]\.properties\.unit_price: /);
    const allowance = await fx.api('POST', '/v1/plans', { code: 'dyn', name: 'D', interval: 'monthly', charges: [{ metric: 'tokens', asset: 'USD', model: 'dynamic', properties: {}, allowance: '5' }] });
    expect(allowance.body.error.details.issues.map((i: any) => i.path)).toEqual([['charges', 0, 'allowance']]);
    expect(allowance.body.error.message).toMatch(/^charges\[0\]\.allowance: /);
  });

  it('names the unknown plan or metric code of a coupon, by its index', async () => {
    const res = await fx.api('POST', '/v1/coupons', { code: 'typo', kind: 'percentage', percentage: '10', frequency: 'forever', plans: ['tok', 'tokk'], metrics: ['tokens', 'tokenz'] });
    expect(res.body.error.details.issues).toEqual([
      { path: ['plans', 1], message: 'no plan has code tokk' },
      { path: ['metrics', 1], message: 'no metric has code tokenz' },
    ]);
    expect(res.body.error.message).toBe('plans[1]: no plan has code tokk; metrics[1]: no metric has code tokenz.');
  });

  it('names the tier that is wrong', async () => {
    const res = await fx.api('POST', '/v1/plans', cases.find((c) => c.name.includes('gap'))!.body);
    expect(res.body.error.message).toMatch(/graduated_ranges\[1\]/);
    expect(res.body.error.details.issues[0].path).toEqual(['charges', 0, 'properties', 'graduated_ranges', 1, 'from_value']);
  });

  it('counts refused events by reason, with samples', async () => {
    await fx.engine.flushRefusals();
    const res = await fx.api('GET', '/v1/events/refused');
    const reasons = Object.fromEntries(res.body.reasons.map((r: any) => [r.reason, r.count]));
    expect(reasons.insufficient_funds).toBeGreaterThanOrEqual(1);
    expect(reasons.invalid_event_property).toBeGreaterThanOrEqual(1);
    expect(res.body.reasons.find((r: any) => r.reason === 'invalid_event_property').samples[0].body.properties.tokens).toBe('lots');
  });

  it('keeps each sample\'s error details (minor units, with the asset) beside a message that states money', async () => {
    await fx.engine.flushRefusals();
    const res = await fx.api('GET', '/v1/events/refused');
    const funds = res.body.reasons.find((r: any) => r.reason === 'insufficient_funds').samples.find((s: any) => s.body?.transaction_id === 'bad-1');
    // 100,000,000 tokens at $0.000002 = $200.00 against the $11.00 topped up.
    expect(funds.details).toMatchObject({ asset: 'USD', cost: '20000', available: '1100' });
    expect(funds.message).toBe('The USD wallet of acme cannot cover this event: it costs 200.00 USD, available 11.00 USD, overdraft limit 0.00 USD.');
    const invalid = res.body.reasons.find((r: any) => r.reason === 'validation_failed').samples;
    // Refused by the engine: its issues are kept.
    expect(invalid.find((s: any) => s.body?.timestamp === '2026-11-26T10:00:00').details).toEqual({ issues: [{ path: ['timestamp'], message: expect.stringContaining('without an offset') }] });
    // Refused by the HTTP door before it reached an operation: no error details to keep.
    const noId = invalid.find((s: any) => s.body && !('transaction_id' in s.body));
    expect(noId).toMatchObject({ message: expect.stringMatching(/transaction_id: required$/), details: null });
    // The OpenAPI document describes the field.
    const doc = (await fx.api('GET', '/v1/openapi.json')).body;
    const sample = doc.paths['/v1/events/refused'].get.responses['200'].content['application/json'].schema.properties.reasons.items.properties.samples.items;
    expect(sample.required).toContain('details');
    expect(JSON.stringify(sample.properties.details)).toContain('"object"');
    expect(JSON.stringify(sample.properties.details)).toContain('"null"');
    expect(JSON.stringify(sample.properties.details)).toContain("The refusal error's machine-readable `details`");
  });

  it('keeps a declined authorization\'s body as a sample, amounts as strings', async () => {
    await fx.engine.flushRefusals();
    const declined = await fx.api('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '987654321' });
    expect(declined.status).toBe(402);
    await fx.engine.flushRefusals();
    const res = await fx.api('GET', '/v1/events/refused');
    const bodies = res.body.reasons.find((r: any) => r.reason === 'insufficient_funds').samples.map((s: any) => s.body);
    expect(bodies).toContainEqual(expect.objectContaining({ customer: 'acme', asset: 'USD', amount: '987654321' }));
  });

  it('a refusal before the customer was looked up still belongs to the customer its body names', async () => {
    // Found by a reviewer: an unknown field, or a batch item without `code`, was counted (and sent
    // in `event.refused`) with `customer: null` although the body named acme.
    await fx.api('POST', '/v1/events', { transaction_id: 'named-1', customer: 'acme', code: 'tokens', colour: 'blue' });
    await fx.api('POST', '/v1/events/batch', { events: [{ transaction_id: 'named-2', customer: 'acme' }] });
    await fx.api('POST', '/v1/events', { transaction_id: 'named-3', customer: 'nobody-here', colour: 'blue' });
    await fx.engine.flushRefusals();
    const mine = await fx.api('GET', '/v1/events/refused?customer=acme');
    const samples = mine.body.reasons.find((r: any) => r.reason === 'validation_failed').samples.map((x: any) => [x.customer, x.body.transaction_id]);
    expect(samples).toEqual(expect.arrayContaining([['acme', 'named-1'], ['acme', 'named-2']]));
    const all = await fx.api('GET', '/v1/events/refused');
    const unknown = all.body.reasons.find((r: any) => r.reason === 'validation_failed').samples.find((x: any) => x.body.transaction_id === 'named-3');
    expect(unknown.customer).toBeNull();
  });

  it('says a property too large for a number is that, not null', async () => {
    const res = await fx.api('POST', '/v1/events', '{"transaction_id": "huge", "customer": "acme", "code": "tokens", "properties": {"tokens": 1e400}}');
    expect([res.status, res.body.error.code]).toEqual([422, 'invalid_event_property']);
    expect(res.body.error.message).toBe('Property "tokens" of metric tokens must be a number, got a number too large to hold.');
  });
});

/**
 * The HTTP contract end to end on an ephemeral port: the quick start of the README, pagination,
 * the transfer journal, the typed client, and the OpenAPI document covering every route.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TollgateApiError } from '../../shared/client';
import { OPERATION_LIST } from '../../shared/contract/operations';
import { type ServerFixture, startApi } from '../helpers/harness';

let fx: ServerFixture;
afterEach(async () => {
  await fx?.close();
});

describe('HTTP API', () => {
  it('runs the README quick start: asset, customer, top-up, metric, plan, subscription, authorize, event', async () => {
    fx = await startApi();
    const { api } = fx;
    expect((await api('POST', '/v1/assets', { code: 'USD' })).status).toBe(201);
    expect((await api('POST', '/v1/assets', { code: 'TOKENS', scale: 0, kind: 'custom', rates: [{ currency: 'USD', rate: '0.00001' }] })).body.rates[0].rate).toBe('0.00001');
    expect((await api('POST', '/v1/customers', { external_id: 'acme', name: 'Acme', email: 'billing@acme.test' })).status).toBe(201);
    const topUp = await api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: 5000, idempotency_key: 'tu-1' });
    expect(topUp.status).toBe(201);
    const replay = await api('POST', '/v1/customers/acme/top-ups', { asset: 'USD', amount: '5000', idempotency_key: 'tu-1' });
    expect(replay.status).toBe(200);
    expect(replay.body.id).toBe(topUp.body.id);
    expect([topUp.headers.get('idempotent-replayed'), replay.headers.get('idempotent-replayed')]).toEqual([null, 'true']);
    await api('POST', '/v1/metrics', { code: 'input_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'input_tokens' });
    await api('POST', '/v1/metrics', { code: 'output_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'output_tokens' });
    const plan = await api('POST', '/v1/plans', {
      code: 'llm',
      name: 'LLM',
      interval: 'monthly',
      charges: [
        { metric: 'input_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000002' } },
        { metric: 'output_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000008' } },
      ],
    });
    expect(plan.status).toBe(201);
    expect((await api('POST', '/v1/subscriptions', { customer: 'acme', plan: 'llm' })).status).toBe(201);
    const auth = await api('POST', '/v1/authorizations', { customer: 'acme', asset: 'USD', amount: '50' });
    expect(auth.status).toBe(201);
    const ev = await api('POST', '/v1/events', { transaction_id: 'call-1', customer: 'acme', code: 'llm_call', properties: { input_tokens: 1200, output_tokens: 800 }, authorization_id: auth.body.id });
    expect(ev.status).toBe(201);
    // one event, two charges, one atomic set of transfers: 0.0024 + 0.0064 = $0.0088 -> 0 + 1 cents (each charge rounds its own running total)
    expect(ev.body.charges.map((c: any) => [c.metric, c.units, c.amount])).toEqual([
      ['input_tokens', '1200', '0'],
      ['output_tokens', '800', '1'],
    ]);
    expect(ev.body.authorization.status).toBe('captured');
    const bal = await api('GET', '/v1/customers/acme/balances');
    expect(bal.body.balances[0]).toMatchObject({ asset: 'USD', posted: '4999', pending: '0', available: '4999' });
    const transfers = await api('GET', '/v1/transfers?customer=acme');
    // top-up; the hold (pending); the part the event used, released and posted; the rest released
    expect(transfers.body.data.map((t: any) => [t.kind, t.phase, t.amount])).toEqual([
      ['top_up', 'posted', '5000'],
      ['hold', 'pending', '50'],
      ['hold', 'released', '1'],
      ['usage', 'posted', '1'],
      ['hold', 'released', '49'],
    ]);
    expect(transfers.body.data[3]).toMatchObject({ debit_account: 'customer:acme:USD:wallet', credit_account: 'system:USD:revenue', amount: '1', transaction_id: 'call-1' });
    const verify = await api('GET', '/v1/ledger/verify');
    expect(verify.body.ok).toBe(true);
  });

  it('paginates with a stable order and opaque cursors', async () => {
    fx = await startApi();
    for (let i = 0; i < 7; i++) await fx.api('POST', '/v1/customers', { external_id: `c${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await fx.api('GET', `/v1/customers?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.data.map((c: any) => c.external_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    const search = await fx.api('GET', '/v1/customers?search=c3');
    expect(search.body.data.map((c: any) => c.external_id)).toEqual(['c3']);
  });

  it('serves health without a key and reports the storage settings', async () => {
    fx = await startApi();
    const res = await fetch(fx.url + '/v1/health');
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body.storage).toMatchObject({ engine: 'sqlite', journal_mode: 'wal' });
  });

  it('documents every operation of the contract in the OpenAPI document', async () => {
    fx = await startApi();
    const doc = (await (await fetch(fx.url + '/v1/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    for (const op of OPERATION_LIST) {
      const entry = doc.paths[op.path]?.[op.method.toLowerCase()];
      expect(entry, `${op.method} ${op.path}`).toBeDefined();
      expect(entry.operationId).toBe(op.id);
      expect(entry.responses[String(op.status)]).toBeDefined();
    }
    // and nothing the server routes is missing from the contract
    const routed = Object.entries(doc.paths).flatMap(([p, m]) => Object.keys(m as object).map((x) => `${x.toUpperCase()} ${p}`));
    expect(routed.length).toBe(OPERATION_LIST.length + 6); // + openapi.json, live, session, three PDF routes
    // a 200 replay is promised only where a key makes one: an idempotency key, or an event's transaction_id
    const replays = (path: string) => '200' in doc.paths[path].post.responses;
    expect([replays('/v1/customers/{external_id}/top-ups'), replays('/v1/events'), replays('/v1/authorizations')]).toEqual([true, true, true]);
    expect([replays('/v1/assets'), replays('/v1/customers'), replays('/v1/metrics'), replays('/v1/subscriptions')]).toEqual([false, false, false, false]);
    // where a replay answers the same 200 as a first call, the header that marks it is documented
    expect(Object.keys(doc.paths['/v1/authorizations/{id}/increment'].post.responses['200'].headers ?? {})).toEqual(['Idempotent-Replayed']);
    // a batch's items are documented as events, though the server checks each on its own
    const item = doc.paths['/v1/events/batch'].post.requestBody.content['application/json'].schema.properties.events.items;
    expect(item.required).toEqual(expect.arrayContaining(['transaction_id', 'customer', 'code']));
    // how to check a webhook's signature is in the document itself
    expect(doc.webhooks.message.post.description).toMatch(/HMAC-SHA256/);
  });

  it('the typed client speaks the contract and throws typed errors', async () => {
    fx = await startApi();
    await fx.client.call('createAsset', { code: 'USD' });
    const c = await fx.client.call('createCustomer', { external_id: 'zed', overdraft_limits: [{ asset: 'USD', amount: 500 }] });
    expect(c.overdraft_limits).toEqual([{ asset: 'USD', amount: '500' }]);
    const err = await fx.client.call('getCustomer', { external_id: 'nobody' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TollgateApiError);
    expect(err).toMatchObject({ status: 404, code: 'customer_not_found' });
    const sent = await fx.client.send('createTopUp', { external_id: 'zed', asset: 'USD', amount: '100', idempotency_key: 'x' });
    const again = await fx.client.send('createTopUp', { external_id: 'zed', asset: 'USD', amount: '100', idempotency_key: 'x' });
    expect([sent.status, again.status, again.replayed]).toEqual([201, 200, true]);
  });

  it('answers a batch with a result per event, each atomic on its own', async () => {
    fx = await startApi();
    await fx.api('POST', '/v1/assets', { code: 'USD' });
    await fx.api('POST', '/v1/customers', { external_id: 'b' });
    await fx.api('POST', '/v1/customers/b/top-ups', { asset: 'USD', amount: '100' });
    await fx.api('POST', '/v1/metrics', { code: 'calls', aggregation: 'count' });
    await fx.api('POST', '/v1/plans', { code: 'p', name: 'P', interval: 'monthly', charges: [{ metric: 'calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.30' } }] });
    await fx.api('POST', '/v1/subscriptions', { customer: 'b', plan: 'p' });
    const events = [
      ...Array.from({ length: 4 }, (_, i) => ({ transaction_id: `ok${i}`, customer: 'b', code: 'calls' })),
      { transaction_id: 'bad', customer: 'b', code: 'calls', amount: 1 },
      { transaction_id: 'ok0', customer: 'b', code: 'calls' },
      { transaction_id: 'nobody', customer: 'ghost', code: 'calls' },
    ];
    const res = await fx.api('POST', '/v1/events/batch', { events });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.status)).toEqual([201, 201, 201, 402, 422, 200, 404]);
    expect(res.body).toMatchObject({ accepted: 3, replayed: 1, refused: 3 });
    expect(res.body.results[3].error).toMatchObject({ code: 'insufficient_funds', details: { available: '10' } });
  });

  it('a retried capture or increment with its idempotency key changes nothing; a reused key with other content is a 409', async () => {
    fx = await startApi();
    const { api } = fx;
    await api('POST', '/v1/assets', { code: 'USD' });
    await api('POST', '/v1/customers', { external_id: 'r' });
    await api('POST', '/v1/customers/r/top-ups', { asset: 'USD', amount: '1000' });
    const hold = (await api('POST', '/v1/authorizations', { customer: 'r', asset: 'USD', amount: '400' })).body;
    const increments = [];
    for (let i = 0; i < 3; i++) increments.push(await api('POST', `/v1/authorizations/${hold.id}/increment`, { amount: '10', idempotency_key: 'inc-1' }));
    expect(increments.map((r) => [r.status, r.body.amount, r.body.held])).toEqual([[200, '410', '410'], [200, '410', '410'], [200, '410', '410']]);
    // Both 200: the header tells the retries from the first (before: nothing did).
    expect(increments.map((r) => r.headers.get('idempotent-replayed'))).toEqual([null, 'true', 'true']);
    // and the typed client reads it
    const viaClient = await fx.client.send('incrementAuthorization', { id: hold.id, amount: '10', idempotency_key: 'inc-1' });
    expect([viaClient.status, viaClient.replayed]).toEqual([200, true]);
    const partial = [];
    for (let i = 0; i < 3; i++) partial.push(await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '100', final_capture: false, idempotency_key: 'cap-1' }));
    expect(partial.map((r) => [r.status, r.body.captured, r.body.held])).toEqual([[200, '100', '310'], [200, '100', '310'], [200, '100', '310']]);
    const conflict = await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '50', final_capture: false, idempotency_key: 'cap-1' });
    expect([conflict.status, conflict.body.error.code]).toEqual([409, 'idempotency_conflict']);
    // a final capture retried after it closed the hold answers the closed hold, not invalid_state
    const last = await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '60', idempotency_key: 'cap-2' });
    const retried = await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '60', idempotency_key: 'cap-2' });
    expect([last.status, last.body.status, last.body.captured]).toEqual([200, 'captured', '160']);
    expect(retried.body).toEqual(last.body);
    // without a key a second capture of a closed hold is refused: nothing tells it from a new one
    const unkeyed = await api('POST', `/v1/authorizations/${hold.id}/capture`, { amount: '60' });
    expect([unkeyed.status, unkeyed.body.error.code, unkeyed.body.error.details.status]).toEqual([409, 'invalid_state', 'captured']);
    const balance = (await api('GET', '/v1/customers/r/balances')).body.balances[0];
    expect([balance.posted, balance.pending, balance.available]).toEqual(['840', '0', '840']);
    expect((await api('GET', '/v1/ledger/verify')).body.ok).toBe(true);
  });

  it('warns, without refusing, about an event that feeds fewer metrics than its code has, or none', async () => {
    fx = await startApi();
    const { api } = fx;
    await api('POST', '/v1/assets', { code: 'USD' });
    await api('POST', '/v1/customers', { external_id: 'w' });
    await api('POST', '/v1/customers/w/top-ups', { asset: 'USD', amount: '1000' });
    await api('POST', '/v1/metrics', { code: 'input_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'input_tokens' });
    await api('POST', '/v1/metrics', { code: 'output_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'output_tokens' });
    await api('POST', '/v1/metrics', { code: 'calls', event_type: 'llm_call', aggregation: 'count' });
    const charges = ['input_tokens', 'output_tokens', 'calls'].map((metric) => ({ metric, asset: 'USD', model: 'standard', properties: { unit_price: '0.01' } }));
    await api('POST', '/v1/plans', { code: 'llm', name: 'LLM', interval: 'monthly', charges });
    await api('POST', '/v1/subscriptions', { customer: 'w', plan: 'llm' });
    const half = await api('POST', '/v1/events', { transaction_id: 'half', customer: 'w', code: 'llm_call', properties: { input_tokens: 100 } });
    expect(half.status).toBe(201);
    expect(half.body.charges.map((c: any) => [c.metric, c.amount])).toEqual([['input_tokens', '100'], ['calls', '1']]);
    expect(half.body.warnings).toEqual(['metric_property_missing:output_tokens']);
    const both = await api('POST', '/v1/events', { transaction_id: 'both', customer: 'w', code: 'llm_call', properties: { input_tokens: 1, output_tokens: 2 } });
    expect(both.body.warnings).toEqual([]);
    const typo = await api('POST', '/v1/events', { transaction_id: 'typo', customer: 'w', code: 'llm_cal', properties: { input_tokens: 1 } });
    expect([typo.status, typo.body.charges, typo.body.warnings]).toEqual([201, [], ['no_metric_for_event_code']]);
    // the answer a replay gives carries the same warnings
    expect((await api('POST', '/v1/events', { transaction_id: 'half', customer: 'w', code: 'llm_call', properties: { input_tokens: 100 } })).body.warnings).toEqual(['metric_property_missing:output_tokens']);
  });
});

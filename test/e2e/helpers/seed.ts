import type { TollgateClient } from '../../../shared/client/index';
import { ensure } from './api';

const CUSTOMERS = [
  { id: 'acme', name: 'Acme Inc.', email: 'billing@acme.test', plan: 'growth', usd: '250000', tokens: '5000000', calls: 420, policy: 'refuse' },
  { id: 'globex', name: 'Globex Corporation', email: 'ap@globex.test', plan: 'llm', usd: '120000', tokens: null, calls: 0, llm: 160, policy: 'refuse' },
  { id: 'initech', name: 'Initech', email: 'finance@initech.test', plan: 'starter', usd: '2500', tokens: null, calls: 900, policy: 'refuse' },
  { id: 'hooli', name: 'Hooli AI', email: 'billing@hooli.test', plan: 'llm', usd: '60000', tokens: '2500000', calls: 0, llm: 240, policy: 'refuse' },
  { id: 'umbrella', name: 'Umbrella Labs', email: null, plan: 'growth', usd: '80000', tokens: null, calls: 260, policy: 'refuse' },
  { id: 'piedpiper', name: 'Pied Piper', email: 'richard@piedpiper.test', plan: 'starter', usd: '1200', tokens: null, calls: 450, policy: 'record_as_debt' },
  { id: 'stark', name: 'Stark Industries', email: 'pepper@stark.test', plan: 'growth', usd: '1500000', tokens: '20000000', calls: 600, policy: 'refuse' },
  { id: 'wayne', name: 'Wayne Enterprises', email: null, plan: 'llm', usd: '40000', tokens: null, calls: 0, llm: 90, policy: 'refuse' },
  { id: 'tyrell', name: 'Tyrell Systems', email: 'ops@tyrell.test', plan: null, usd: '15000', tokens: '750000', calls: 0, policy: 'refuse' },
  { id: 'soylent', name: 'Soylent Cloud', email: null, plan: 'starter', usd: '900', tokens: null, calls: 120, policy: 'refuse' },
] as const;

/**
 * Realistic data for screenshots: two assets (USD, TOKENS), three plans (standard, graduated tiers
 * with a fixed fee, LLM tokens), ten customers with top-ups, grants, subscriptions and usage, open
 * holds, refused events, API keys.
 */
export async function seedRealistic(api: TollgateClient): Promise<void> {
  await ensure(api.call('createAsset', { code: 'USD' }));
  await ensure(api.call('createAsset', { code: 'TOKENS', scale: 0, name: 'Tokens' }));
  await ensure(api.call('createMetric', { code: 'api_calls', name: 'API calls', aggregation: 'count' }));
  await ensure(api.call('createMetric', { code: 'input_tokens', name: 'Input tokens', event_type: 'llm_call', aggregation: 'sum', property: 'input_tokens' }));
  await ensure(api.call('createMetric', { code: 'output_tokens', name: 'Output tokens', event_type: 'llm_call', aggregation: 'sum', property: 'output_tokens' }));
  await api.call('createPlan', {
    code: 'starter',
    name: 'Starter',
    description: 'Pay as you go: $0.002 per API call.',
    interval: 'monthly',
    charges: [{ metric: 'api_calls', asset: 'USD', model: 'standard', properties: { unit_price: '0.002' } }],
    features: [{ code: 'support', name: 'Support', value: 'community' }],
  });
  await api.call('createPlan', {
    code: 'growth',
    name: 'Growth',
    description: 'Graduated API pricing with a monthly platform fee.',
    interval: 'monthly',
    fixed_fee: { asset: 'USD', amount: '4900', pay_in_advance: true },
    charges: [
      {
        metric: 'api_calls',
        asset: 'USD',
        model: 'graduated',
        properties: {
          graduated_ranges: [
            { from_value: 0, to_value: 100, per_unit_amount: '0.05', flat_amount: '0' },
            { from_value: 101, to_value: 500, per_unit_amount: '0.03', flat_amount: '1' },
            { from_value: 501, to_value: null, per_unit_amount: '0.01', flat_amount: '2' },
          ],
        },
      },
    ],
    features: [
      { code: 'sso', name: 'Single sign-on', value: true },
      { code: 'seats', name: 'Seats', value: 10 },
    ],
  });
  await api.call('createPlan', {
    code: 'llm',
    name: 'LLM API',
    description: 'Per-token pricing, input and output priced separately, plus a TOKENS allowance.',
    interval: 'monthly',
    charges: [
      { metric: 'input_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000003' } },
      { metric: 'output_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000015' } },
    ],
  });

  const weekAgo = new Date(Date.now() - 7 * 86400_000).toISOString();
  for (const c of CUSTOMERS) {
    await ensure(api.call('createCustomer', { external_id: c.id, name: c.name, ...(c.email ? { email: c.email } : {}), on_insufficient_funds: c.policy, ...(c.policy === 'record_as_debt' ? { overdraft_limits: [{ asset: 'USD', amount: '2000' }] } : {}) }));
    await api.call('createTopUp', { external_id: c.id, asset: 'USD', amount: c.usd, idempotency_key: `seed-usd-${c.id}`, reference: `pi_${c.id}_001` });
    if (c.tokens) await api.call('createTopUp', { external_id: c.id, asset: 'TOKENS', amount: c.tokens, idempotency_key: `seed-tok-${c.id}` });
    if (c.plan) {
      const subs = await api.call('listSubscriptions', { customer: c.id, status: 'active', limit: 1 });
      if (subs.data.length === 0) await api.call('createSubscription', { customer: c.id, plan: c.plan, start_at: weekAgo });
    }
  }
  // Promotional credit that expires, on two customers.
  await api.call('createTopUp', { external_id: 'acme', asset: 'USD', amount: '5000', kind: 'granted', priority: 10, expires_at: new Date(Date.now() + 20 * 86400_000).toISOString(), idempotency_key: 'seed-grant-acme' });
  await api.call('createTopUp', { external_id: 'hooli', asset: 'USD', amount: '2500', kind: 'granted', expires_at: new Date(Date.now() + 5 * 86400_000).toISOString(), idempotency_key: 'seed-grant-hooli' });

  // Usage: API calls and LLM calls (with the operator's own cost, for margins).
  const events: Record<string, unknown>[] = [];
  let n = 0;
  for (const c of CUSTOMERS) {
    for (let i = 0; i < c.calls; i++) events.push({ transaction_id: `seed-${c.id}-${i}`, customer: c.id, code: 'api_calls', properties: { endpoint: i % 3 ? '/v1/search' : '/v1/render' } });
    const llm = 'llm' in c ? c.llm : 0;
    for (let i = 0; i < llm; i++) {
      n++;
      events.push({ transaction_id: `seed-${c.id}-llm-${i}`, customer: c.id, code: 'llm_call', properties: { input_tokens: 800 + ((n * 37) % 1400), output_tokens: 200 + ((n * 53) % 900), model: n % 2 ? 'gpt-4o' : 'o3' }, cost: '0.004' });
    }
  }
  for (let i = 0; i < events.length; i += 500) await api.call('ingestBatch', { events: events.slice(i, i + 500) });

  // Pied Piper spends past its credit (debt within its overdraft limit).
  for (let i = 0; i < 3; i++) await api.call('ingestEvent', { transaction_id: `seed-pp-burst-${i}`, customer: 'piedpiper', code: 'api_calls' }).catch(() => null);
  await api.call('createAdjustment', { external_id: 'piedpiper', asset: 'USD', amount: '-1500', reason: 'Chargeback fee for disputed payment pi_piedpiper_001', idempotency_key: 'seed-adj-pp' });

  // Open holds: an app reserved credit before expensive work.
  await api.call('createAuthorization', { customer: 'acme', asset: 'USD', amount: '2500', idempotency_key: 'seed-hold-acme-1', ttl_seconds: 3600 });
  await api.call('createAuthorization', { customer: 'hooli', metric: 'output_tokens', quantity: '400000', idempotency_key: 'seed-hold-hooli-1', ttl_seconds: 1800 });
  await api.call('createAuthorization', { customer: 'stark', asset: 'USD', amount: '12000', idempotency_key: 'seed-hold-stark-1', ttl_seconds: 900 });

  // Refused events: unknown customer, a bad payload, no funds.
  await api.call('ingestEvent', { transaction_id: 'seed-refused-1', customer: 'unknown-co', code: 'api_calls' }).catch(() => null);
  await api.call('ingestEvent', { transaction_id: 'seed-refused-2', customer: 'ghost-inc', code: 'api_calls' }).catch(() => null);
  await api.call('ingestBatch', { events: [{ transaction_id: 'seed-bad-1', customer: 'acme' }, { customer: 'acme', code: 'api_calls' }] }).catch(() => null);
  for (let i = 0; i < 4; i++) await api.call('ingestEvent', { transaction_id: `seed-soylent-over-${i}`, customer: 'soylent', code: 'api_calls', on_insufficient_funds: 'refuse' }).catch(() => null);
  await api.call('createAdjustment', { external_id: 'soylent', asset: 'USD', amount: '-600', reason: 'Manual correction of duplicated top-up', idempotency_key: 'seed-adj-soylent' }).catch(() => null);
  for (let i = 0; i < 3; i++) await api.call('ingestEvent', { transaction_id: `seed-soylent-refused-${i}`, customer: 'soylent', code: 'api_calls' }).catch(() => null);

  // API keys.
  const keys = await api.call('listApiKeys', {});
  if (!keys.data.some((k) => k.name === 'production-app')) {
    await api.call('createApiKey', { name: 'production-app', scopes: ['ingest'] });
    await api.call('createApiKey', { name: 'analytics-dashboard', scopes: ['read'] });
    const old = await api.call('createApiKey', { name: 'old-ci-runner', scopes: ['ingest', 'read'] });
    await api.call('revokeApiKey', { id: old.id });
  }
}

/** A little live traffic for charts and burn rates: `perCustomer` calls for a few customers. */
export async function trickle(api: TollgateClient, round: number, perCustomer = 20): Promise<void> {
  const who = ['acme', 'initech', 'umbrella', 'stark', 'soylent'];
  const events = who.flatMap((c) => Array.from({ length: perCustomer }, (_, i) => ({ transaction_id: `trickle-${round}-${c}-${i}`, customer: c, code: 'api_calls' })));
  const llm = ['globex', 'hooli', 'wayne'].flatMap((c) => Array.from({ length: Math.ceil(perCustomer / 4) }, (_, i) => ({ transaction_id: `trickle-${round}-${c}-llm-${i}`, customer: c, code: 'llm_call', properties: { input_tokens: 1200, output_tokens: 600 + i * 10 }, cost: '0.004' })));
  await api.call('ingestBatch', { events: [...events, ...llm] });
}

/**
 * Creates what the example app needs on a fresh Tollgate: USD, two token metrics read from one
 * `llm_call` event, a plan pricing them, a customer with $5.00 of credit on that plan.
 *   npm run example:setup
 */
import { createClient, TollgateApiError, type TollgateClient } from '../shared/client';

const tolerate = (err: unknown) => {
  if (err instanceof TollgateApiError && err.code === 'already_exists') return;
  throw err;
};

export async function setupDemo(client: Pick<TollgateClient, 'call'>, opts: { customer?: string; topUp?: string } = {}): Promise<string> {
  const customer = opts.customer ?? 'acme';
  await client.call('createAsset', { code: 'USD' }).catch(tolerate);
  await client.call('createMetric', { code: 'input_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'input_tokens' }).catch(tolerate);
  await client.call('createMetric', { code: 'output_tokens', event_type: 'llm_call', aggregation: 'sum', property: 'output_tokens' }).catch(tolerate);
  await client.call('createPlan', {
    code: 'llm',
    name: 'LLM pay as you go',
    interval: 'monthly',
    charges: [
      { metric: 'input_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000003' } },
      { metric: 'output_tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.000015' } },
    ],
  });
  await client.call('createCustomer', { external_id: customer, name: 'Acme Inc.' }).catch(tolerate);
  await client.call('createSubscription', { customer, plan: 'llm' }).catch(tolerate);
  await client.call('createTopUp', { external_id: customer, asset: 'USD', amount: opts.topUp ?? '500', idempotency_key: `demo-top-up-${customer}` });
  return customer;
}

if (process.argv[1] && /setup-demo\.(ts|js|mjs)$/.test(process.argv[1])) {
  const client = createClient({ baseUrl: process.env.TOLLGATE_URL ?? 'http://127.0.0.1:8787', apiKey: process.env.TOLLGATE_KEY });
  await setupDemo(client);
  console.log('Demo ready: customer "acme" with $5.00 on plan "llm".');
}

/**
 * Creates what the example app needs: USD, two token metrics read from one `llm_call` event, a plan
 * `llm` pricing them, and a customer on that plan with $5.00 of credit.
 *   npm run example:setup          (TOLLGATE_URL, default http://127.0.0.1:8787; TOLLGATE_KEY, an admin key)
 *
 * It can run again, and after the README's five-minute walkthrough: what exists already is read
 * back (GET first) and reused, never created twice. In particular an existing plan `llm` is kept as
 * it is (creating it again would make a new version), an existing subscription is kept, and the
 * $5.00 top-up has an idempotency key, so a customer gets it once however often this runs. It ends
 * with the balance read back from Tollgate.
 */
import { createClient, TollgateApiError, type TollgateClient } from '../shared/client';
import type { OutputOf } from '../shared/contract/operations';
import { formatAmount, runMain, tollgateUrl } from './cli-support';

const ASSET = 'USD';
const PLAN = 'llm';
const METRICS = [
  { code: 'input_tokens', unit_price: '0.000003' },
  { code: 'output_tokens', unit_price: '0.000015' },
] as const;

export interface DemoSetup {
  customer: string;
  /** The plan and version the customer's subscription is on. */
  plan: string;
  planVersion: number;
  /** What this run created; the rest existed and was reused. */
  created: string[];
  /** The demo top-up, formatted ("5.00 USD"), and whether this run gave it (false: an earlier run did). */
  topUp: string;
  toppedUp: boolean;
  /** Anything about the existing set-up the example app may trip on. */
  warnings: string[];
  balance: OutputOf<'getBalances'>['balances'][number] | null;
}

/** The answer, or null when Tollgate says it does not exist. */
async function find<T>(request: Promise<T>, notFound: string): Promise<T | null> {
  try {
    return await request;
  } catch (err) {
    if (err instanceof TollgateApiError && err.code === notFound) return null;
    throw err;
  }
}

export async function setupDemo(client: Pick<TollgateClient, 'call' | 'send'>, opts: { customer?: string; topUp?: string } = {}): Promise<DemoSetup> {
  const customer = opts.customer ?? 'acme';
  const created: string[] = [];
  const warnings: string[] = [];

  let asset = await find(client.call('getAsset', { code: ASSET }), 'asset_not_found');
  if (!asset) {
    asset = await client.call('createAsset', { code: ASSET });
    created.push(`asset ${ASSET}`);
  }

  const metrics = new Set((await client.call('listMetrics', { limit: 500 })).data.map((m) => m.code));
  for (const m of METRICS) {
    if (metrics.has(m.code)) continue;
    await client.call('createMetric', { code: m.code, event_type: 'llm_call', aggregation: 'sum', property: m.code });
    created.push(`metric ${m.code}`);
  }

  // createPlan on an existing code makes a new version: only create the plan when there is none.
  let plan = await find(client.call('getPlan', { code: PLAN }), 'plan_not_found');
  if (!plan) {
    plan = await client.call('createPlan', {
      code: PLAN,
      name: 'LLM pay as you go',
      interval: 'monthly',
      charges: METRICS.map((m) => ({ metric: m.code, asset: ASSET, model: 'standard' as const, properties: { unit_price: m.unit_price } })),
    });
    created.push(`plan ${PLAN}`);
  } else {
    const priced = new Set(plan.charges.map((c) => c.metric));
    const missing = METRICS.map((m) => m.code).filter((m) => !priced.has(m));
    if (missing.length > 0) warnings.push(`plan ${PLAN} (version ${plan.version}) exists and does not price ${missing.join(', ')}: left as it is.`);
  }

  if (!(await find(client.call('getCustomer', { external_id: customer }), 'customer_not_found'))) {
    await client.call('createCustomer', { external_id: customer, name: 'Acme Inc.' });
    created.push(`customer ${customer}`);
  }

  const subscriptions = (await client.call('listSubscriptions', { customer, limit: 500 })).data.filter((s) => s.status !== 'terminated');
  let subscription = subscriptions.find((s) => s.plan === PLAN) ?? subscriptions[0];
  if (!subscription) {
    subscription = await client.call('createSubscription', { customer, plan: PLAN });
    created.push(`subscription of ${customer} to ${PLAN}`);
  } else if (subscription.plan !== PLAN) {
    warnings.push(`${customer} is subscribed to plan ${subscription.plan}, not ${PLAN}: left as it is.`);
  }

  // One top-up per customer, however often this runs: the idempotency key answers the first one again.
  const topUp = await client.send('createTopUp', { external_id: customer, asset: ASSET, amount: opts.topUp ?? '500', idempotency_key: `demo-top-up-${customer}` });

  const balances = await client.call('getBalances', { external_id: customer });
  return {
    customer,
    plan: subscription.plan,
    planVersion: subscription.plan_version,
    created,
    topUp: formatAmount(topUp.body.amount, asset.scale, ASSET),
    toppedUp: !topUp.replayed,
    warnings,
    balance: balances.balances.find((b) => b.asset === ASSET) ?? null,
  };
}

async function main(): Promise<void> {
  const client = createClient({ baseUrl: tollgateUrl(), apiKey: process.env.TOLLGATE_KEY });
  const r = await setupDemo(client);
  console.log(r.created.length > 0 ? `Created: ${r.created.join(', ')}.` : 'Everything was there already; nothing created.');
  for (const w of r.warnings) console.log(`Note: ${w}`);
  const balance = r.balance ? `${formatAmount(r.balance.available, r.balance.scale, r.balance.asset)} available` : `no ${ASSET} balance`;
  console.log(`Top-up of ${r.topUp}: ${r.toppedUp ? 'given now' : 'given by an earlier run (once per customer)'}.`);
  console.log(`Demo ready: customer "${r.customer}" on plan "${r.plan}" (version ${r.planVersion}), ${balance}.`);
}

if (process.argv[1] && /setup-demo\.(ts|js|mjs)$/.test(process.argv[1])) runMain(main);

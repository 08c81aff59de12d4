/**
 * Example: an app that bills a (simulated) model call through Tollgate with the
 * "serve then record" pattern.
 *
 *   1. price the worst case (input tokens + max output tokens) with POST /v1/quotes;
 *   2. authorize that amount (POST /v1/authorizations): a 402 means do not serve;
 *   3. do the work;
 *   4. post ONE event with the real input and output token counts and the authorization id
 *      (POST /v1/events): it settles the hold, releases the rest, and is never refused for funds.
 *
 * Run it against serve mode:
 *   npm run example -- acme "Write a haiku about ledgers"
 * with TOLLGATE_URL (default http://127.0.0.1:8787) and TOLLGATE_KEY (an ingest or admin key).
 */
import { createClient, TollgateApiError, type TollgateClient } from '../shared/client';

export interface ModelAnswer {
  text: string;
  inputTokens: number;
  outputTokens: number;
}

/** Stands in for a real model: tokens are ~4 characters, the answer a deterministic echo. */
export async function simulatedModelCall(prompt: string, maxOutputTokens: number): Promise<ModelAnswer> {
  const inputTokens = Math.max(1, Math.ceil(prompt.length / 4));
  const text = `(${Math.min(maxOutputTokens, 3 * inputTokens)} tokens about "${prompt.slice(0, 40)}")`;
  return { text, inputTokens, outputTokens: Math.min(maxOutputTokens, 3 * inputTokens) };
}

export interface AnswerResult {
  served: boolean;
  text?: string;
  reason?: string;
  charged?: string;
  authorizationId?: string;
}

export async function answer(client: TollgateClient, customer: string, prompt: string, opts: { maxOutputTokens?: number; model?: typeof simulatedModelCall } = {}): Promise<AnswerResult> {
  const maxOutputTokens = opts.maxOutputTokens ?? 1024;
  const estimatedInput = Math.max(1, Math.ceil(prompt.length / 4));
  // 1. the price of the worst case, through the customer's own plan
  const [input, output] = await Promise.all([
    client.call('createQuote', { customer, metric: 'input_tokens', quantity: estimatedInput }),
    client.call('createQuote', { customer, metric: 'output_tokens', quantity: maxOutputTokens }),
  ]);
  const estimate = BigInt(input.amount) + BigInt(output.amount);
  // 2. ask before the expensive action
  let authorizationId: string;
  try {
    const auth = await client.call('createAuthorization', { customer, asset: input.asset, amount: estimate > 0n ? estimate.toString() : '1', ttl_seconds: 120, idempotency_key: `answer-${customer}-${Date.now()}-${Math.random()}` });
    authorizationId = auth.id;
  } catch (err) {
    if (err instanceof TollgateApiError && (err.code === 'insufficient_funds' || err.code === 'spend_cap_exceeded')) {
      return { served: false, reason: `${err.code}: ${err.message}` };
    }
    throw err;
  }
  // 3. the work
  const result = await (opts.model ?? simulatedModelCall)(prompt, maxOutputTokens);
  // 4. one event, two metrics, settled against the hold
  const event = await client.call('ingestEvent', {
    transaction_id: `${authorizationId}-call`,
    customer,
    code: 'llm_call',
    properties: { input_tokens: result.inputTokens, output_tokens: result.outputTokens, model: 'simulated' },
    authorization_id: authorizationId,
  });
  return { served: true, text: result.text, charged: event.debits.map((d) => `${d.amount} ${d.asset}`).join(', '), authorizationId };
}

async function main(): Promise<void> {
  const [customer = 'acme', ...words] = process.argv.slice(2);
  const client = createClient({ baseUrl: process.env.TOLLGATE_URL ?? 'http://127.0.0.1:8787', apiKey: process.env.TOLLGATE_KEY });
  const r = await answer(client, customer, words.join(' ') || 'Hello');
  if (!r.served) {
    console.log(`Not served: ${r.reason}`);
    process.exitCode = 2;
    return;
  }
  console.log(r.text);
  console.log(`charged ${r.charged} (authorization ${r.authorizationId})`);
}

if (process.argv[1] && /llm-app\.(ts|js|mjs)$/.test(process.argv[1])) {
  main().catch((err: unknown) => {
    console.error(err instanceof TollgateApiError ? `${err.status} ${err.code}: ${err.message}` : err);
    process.exit(1);
  });
}

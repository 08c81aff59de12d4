/**
 * Example: an app that bills a (simulated) model call through Tollgate with the
 * "serve then record" pattern, and keeps serving while Tollgate is down.
 *
 *   1. price the worst case (input tokens + max output tokens) with POST /v1/quotes;
 *   2. authorize that amount (POST /v1/authorizations): a 402 means do not serve;
 *   3. do the work;
 *   4. post ONE event with the real input and output token counts and the authorization id
 *      (POST /v1/events): it settles the hold and releases the rest. The worst case was held, so
 *      the real cost fits in the hold and the event is never refused; a cost beyond the hold
 *      would be checked for funds like any event's.
 *
 * It uses the resilient client (shared/client/resilient.ts): every call has a timeout (1 s for the
 * quote and the authorization, 2 s for the event) and is retried with backoff; after repeated
 * failures a circuit breaker answers at once. When Tollgate cannot be reached:
 *   - the authorization is decided by the OUTAGE POLICY (TOLLGATE_OUTAGE_POLICY):
 *       deny            do not serve (the default: no unbilled usage);
 *       allow           serve anyway (unbounded until the events are replayed);
 *       allow-up-to:N   serve while this process's offline estimates for the customer add up to at
 *                       most N minor units (cents), then deny. The estimate comes from the prices
 *                       of the last quotes this process saw; without one the request is denied.
 *   - the event goes to a durable SPOOL (TOLLGATE_SPOOL_DIR, default ./.tollgate-spool), an
 *     append-only file, and is replayed with the same transaction_id when Tollgate is back: at the
 *     start of every run, with `npm run example -- --replay`, or in the background in a long-running
 *     app (`openApp({ background: true })`). Tollgate ingests each one exactly once.
 *
 * Run it against serve mode:
 *   npm run example -- acme "Write a haiku about ledgers"
 * with TOLLGATE_URL (default http://127.0.0.1:8787) and TOLLGATE_KEY (an ingest or admin key).
 */
import { add, dec, div, mul, toMinor, ZERO, type Dec } from '../shared/decimal';
import { TollgateApiError } from '../shared/client';
import { createResilientClient, TollgateUnavailableError, type AuthorizationDecision, type OutagePolicy, type ResilientClient, type ResilientClientOptions } from '../shared/client/resilient';
import type { Replayer } from '../shared/client/spool';
import type { OutputOf } from '../shared/contract/operations';
import { FileSpool } from '../src-main/client/file-spool';
import { formatAmount, runMain, tollgateUrl } from './cli-support';

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

/**
 * The prices of the last quotes seen, per customer and metric, to estimate a request while
 * Tollgate cannot be reached (for `allow-up-to`). Kept in memory: a fresh process has none.
 */
export class PriceMemory {
  private readonly rates = new Map<string, { asset: string; minorPerUnit: Dec }>();
  private readonly scales = new Map<string, number>();

  /** An asset's scale (decimal places of its minor unit), from GET /v1/assets/{code} once. */
  async scaleOf(client: ResilientClient, asset: string): Promise<number> {
    let scale = this.scales.get(asset);
    if (scale === undefined) {
      scale = (await client.call('getAsset', { code: asset })).scale;
      this.scales.set(asset, scale);
    }
    return scale;
  }

  /** The scale of an asset seen before, without asking Tollgate (which may be down). */
  knownScale(asset: string): number | undefined {
    return this.scales.get(asset);
  }

  async learn(client: ResilientClient, quote: OutputOf<'createQuote'>): Promise<void> {
    const scale = await this.scaleOf(client, quote.asset);
    const quantity = dec(quote.quantity);
    if (quantity.c === 0n) return;
    // exact_amount is in major units; keep minor units per unit, rounded up
    const minor = mul(dec(quote.exact_amount), { c: 10n ** BigInt(scale), s: 0 });
    this.rates.set(`${quote.customer}\u0000${quote.metric}`, { asset: quote.asset, minorPerUnit: div(minor, quantity, 12, 'ceil') });
  }

  /** Minor units for these quantities, rounded up; null when a metric was never quoted. */
  estimate(customer: string, quantities: Record<string, number>): { asset: string; amount: bigint } | null {
    let total = ZERO;
    let asset: string | null = null;
    for (const [metric, q] of Object.entries(quantities)) {
      const r = this.rates.get(`${customer}\u0000${metric}`);
      if (!r || (asset !== null && asset !== r.asset)) return null;
      asset = r.asset;
      total = add(total, mul(r.minorPerUnit, dec(q)));
    }
    return asset === null ? null : { asset, amount: toMinor(total, 0, 'ceil') };
  }
}

export interface LlmApp {
  client: ResilientClient;
  spool: FileSpool;
  prices: PriceMemory;
  replayer: Replayer | null;
  close(): Promise<void>;
}

export interface AppOptions {
  baseUrl: string;
  apiKey?: string;
  outagePolicy?: OutagePolicy;
  /** The spool's directory: one per app process. */
  spoolDir: string;
  /** Replay the spool in the background (a long-running app); off for a one-shot CLI. */
  background?: boolean;
  /** Anything else for the resilient client (timeouts, retries, circuit breaker...). */
  client?: Partial<ResilientClientOptions>;
}

export async function openApp(o: AppOptions): Promise<LlmApp> {
  const spool = await FileSpool.open(o.spoolDir);
  const client = createResilientClient({ baseUrl: o.baseUrl, apiKey: o.apiKey, outagePolicy: o.outagePolicy ?? 'deny', spool, ...o.client });
  const replayer = o.background ? client.startReplayer() : null;
  return {
    client,
    spool,
    prices: new PriceMemory(),
    replayer,
    close: async () => {
      await replayer?.stop();
      await spool.close();
    },
  };
}

export interface AnswerResult {
  served: boolean;
  text?: string;
  reason?: string;
  /** The authorization decision was made offline, by the outage policy. */
  offline: boolean;
  /** How the outage policy decided (offline decisions only). */
  rule?: string;
  /** What the event debited, for people: "0.01 USD" (amounts formatted with the asset's scale). */
  charged?: string;
  /** The same debits as the API answers them: integer strings of minor units. */
  debits?: { asset: string; amount: string }[];
  authorizationId?: string;
  /** The event of a served request. */
  transactionId?: string;
  /** The event could not be delivered and waits in the spool. */
  spooled?: boolean;
  /** The worst case priced (minor units of `estimateAsset`), when known. */
  estimate?: string;
  estimateAsset?: string;
}

export async function answer(app: Pick<LlmApp, 'client' | 'prices'>, customer: string, prompt: string, opts: { maxOutputTokens?: number; model?: typeof simulatedModelCall } = {}): Promise<AnswerResult> {
  const { client, prices } = app;
  const maxOutputTokens = opts.maxOutputTokens ?? 1024;
  const estimatedInput = Math.max(1, Math.ceil(prompt.length / 4));
  const quantities = { input_tokens: estimatedInput, output_tokens: maxOutputTokens };

  // 1. the price of the worst case, through the customer's own plan (or, offline, the last prices seen)
  let worst: { asset: string; amount: bigint } | null;
  try {
    const quotes = await Promise.all(Object.entries(quantities).map(([metric, quantity]) => client.call('createQuote', { customer, metric, quantity })));
    for (const q of quotes) await prices.learn(client, q);
    worst = { asset: quotes[0]!.asset, amount: quotes.reduce((s, q) => s + BigInt(q.amount), 0n) };
  } catch (err) {
    if (!(err instanceof TollgateUnavailableError)) throw err;
    worst = prices.estimate(customer, quantities);
  }

  // 2. ask before the expensive action; when Tollgate cannot be reached the outage policy decides
  const decision: AuthorizationDecision = await client.authorize(
    worst
      ? { customer, asset: worst.asset, amount: (worst.amount > 0n ? worst.amount : 1n).toString(), ttl_seconds: 120 }
      : { customer, metric: 'output_tokens', quantity: maxOutputTokens, ttl_seconds: 120 },
  );
  const estimate = worst ? (worst.amount > 0n ? worst.amount : 1n).toString() : undefined;
  const estimateAsset = worst?.asset;
  if (!decision.allowed) {
    const reason = decision.offline ? `Tollgate unreachable (${decision.failure.reason}); outage policy: ${decision.rule}` : `${decision.reason}: ${decision.message}`;
    return { served: false, reason, offline: decision.offline, rule: decision.offline ? decision.rule : undefined, estimate, estimateAsset };
  }
  const authorizationId = decision.offline ? undefined : decision.authorization.id;

  // 3. the work
  const result = await (opts.model ?? simulatedModelCall)(prompt, maxOutputTokens);

  // 4. one event, two metrics, settled against the hold when there is one; spooled if Tollgate is down
  const transactionId = `llm-${decision.idempotency_key}`;
  const properties: Record<string, unknown> = { input_tokens: result.inputTokens, output_tokens: result.outputTokens, model: 'simulated' };
  if (decision.offline) properties.served_offline = decision.rule;
  const base = { served: true, text: result.text, offline: decision.offline, rule: decision.offline ? decision.rule : undefined, authorizationId, transactionId, estimate, estimateAsset };
  try {
    const out = await client.ingest({ transaction_id: transactionId, customer, code: 'llm_call', properties, ...(authorizationId ? { authorization_id: authorizationId } : {}) });
    if (out.spooled) return { ...base, spooled: true };
    const debits = out.result.debits.map((d) => ({ asset: d.asset, amount: d.amount }));
    return { ...base, spooled: false, debits, charged: await formatDebits(app, debits) };
  } catch (err) {
    // served already: a refusal now (a 402 for an event served offline, without a hold) is reported
    if (err instanceof TollgateApiError) return { ...base, spooled: false, reason: `event refused: ${err.code}: ${err.message}` };
    throw err;
  }
}

/** Debits for people ("0.01 USD, 3 TOKENS"); an asset whose scale cannot be read now shows its minor units. */
async function formatDebits(app: Pick<LlmApp, 'client' | 'prices'>, debits: { asset: string; amount: string }[]): Promise<string> {
  if (debits.length === 0) return 'nothing';
  const parts: string[] = [];
  for (const d of debits) {
    const scale = await app.prices.scaleOf(app.client, d.asset).catch(() => null);
    parts.push(scale === null ? `${d.amount} ${d.asset} minor units` : formatAmount(d.amount, scale, d.asset));
  }
  return parts.join(', ');
}

function formatEstimate(prices: PriceMemory, r: AnswerResult): string {
  if (r.estimate === undefined || r.estimateAsset === undefined) return 'unknown';
  const scale = prices.knownScale(r.estimateAsset);
  return scale === undefined ? `${r.estimate} ${r.estimateAsset} minor units` : formatAmount(r.estimate, scale, r.estimateAsset);
}

/** `deny`, `allow` or `allow-up-to:<minor units>`. */
export function parseOutagePolicy(text: string): OutagePolicy {
  if (text === 'deny' || text === 'allow') return text;
  const m = /^allow-up-to:(\d+)$/.exec(text);
  if (m) return { allowUpTo: m[1]! };
  throw new Error(`TOLLGATE_OUTAGE_POLICY must be deny, allow or allow-up-to:<minor units>, got ${JSON.stringify(text)}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const app = await openApp({
    baseUrl: tollgateUrl(),
    apiKey: process.env.TOLLGATE_KEY,
    outagePolicy: parseOutagePolicy(process.env.TOLLGATE_OUTAGE_POLICY ?? 'deny'),
    spoolDir: process.env.TOLLGATE_SPOOL_DIR ?? '.tollgate-spool',
  });
  try {
    // first deliver what earlier runs spooled
    if (app.spool.pendingCount > 0) {
      try {
        const r = await app.client.replaySpool();
        console.log(`spool: ${r.accepted} delivered, ${r.replayed} already there, ${r.rejected.length} rejected (see ${app.spool.dir}/rejected.jsonl)`);
      } catch (err) {
        console.log(`spool: ${app.spool.pendingCount} events wait for Tollgate (${err instanceof Error ? err.message : String(err)})`);
      }
    }
    if (args[0] === '--replay') return;
    const [customer = 'acme', ...words] = args;
    const r = await answer(app, customer, words.join(' ') || 'Hello');
    if (!r.served) {
      console.log(`Not served: ${r.reason}`);
      if (r.offline) console.log(`(Tollgate at ${tollgateUrl()}; set TOLLGATE_URL if it runs elsewhere, or TOLLGATE_OUTAGE_POLICY to serve while it is down.)`);
      process.exitCode = 2;
      return;
    }
    console.log(r.text);
    if (r.offline) console.log(`served OFFLINE by the outage policy (${r.rule}); estimate ${formatEstimate(app.prices, r)}`);
    if (r.spooled) console.log(`event ${r.transactionId} spooled: it will be delivered when Tollgate is back`);
    else if (r.charged) console.log(`charged ${r.charged}${r.authorizationId ? ` (authorization ${r.authorizationId})` : ''}`);
    else if (r.reason) console.log(r.reason);
  } finally {
    await app.close();
  }
}

if (process.argv[1] && /llm-app\.(ts|js|mjs)$/.test(process.argv[1])) runMain(main);

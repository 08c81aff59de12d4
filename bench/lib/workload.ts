import type { Client } from './http';

/**
 * The fixed, realistic workload: an AI API priced per token (by model, with a filter), per request
 * (graduated) and per GPU second (with an allowance); 10,000 customers drawn with a Zipf skew (a
 * few very hot), each with two or three credit lots; one event in ten settles a hold.
 */
export const CUSTOMERS = 10_000;

/** The three billable metrics the workload's events feed. */
export const METRICS = [
  { code: 'tokens', event_type: 'llm', aggregation: 'sum', property: 'tokens', filters: [{ property: 'model', values: ['gpt-4o', 'o3', 'small'] }] },
  { code: 'requests', event_type: 'llm', aggregation: 'count' },
  { code: 'gpu_seconds', event_type: 'llm', aggregation: 'sum', property: 'gpu_seconds' },
];

/** The plan: three charges, one with a filter, one graduated, one with an allowance. */
export const PLAN = {
  code: 'pro',
  name: 'Pro',
  interval: 'monthly',
  charges: [
    { metric: 'tokens', asset: 'USD', model: 'standard', properties: { unit_price: '0.00001' }, filters: { model: ['gpt-4o', 'o3'] } },
    { metric: 'requests', asset: 'USD', model: 'graduated', properties: { graduated_ranges: [{ from_value: 0, to_value: 1000, per_unit_amount: '0.001', flat_amount: '0' }, { from_value: 1001, to_value: null, per_unit_amount: '0.0005', flat_amount: '0' }] } },
    { metric: 'gpu_seconds', asset: 'USD', model: 'standard', properties: { unit_price: '0.0004' }, allowance: '600' },
  ],
};

export async function setUpWorkload(c: Client, customers = CUSTOMERS, concurrency = 32): Promise<void> {
  await c.json('POST', '/v1/assets', { code: 'USD', scale: 6, name: 'US dollar (micro)' });
  for (const m of METRICS) await c.json('POST', '/v1/metrics', m);
  await c.json('POST', '/v1/plans', PLAN);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < customers; i = next++) {
        const id = `c${i}`;
        await c.json('POST', '/v1/customers', { external_id: id });
        await c.json('POST', '/v1/subscriptions', { customer: id, plan: 'pro' });
        await c.json('POST', `/v1/customers/${id}/top-ups`, { asset: 'USD', amount: '50000000000' });
        await c.json('POST', `/v1/customers/${id}/top-ups`, { asset: 'USD', amount: '5000000', kind: 'granted', expires_at: '2099-01-01T00:00:00Z' });
        if (i % 2 === 0) await c.json('POST', `/v1/customers/${id}/top-ups`, { asset: 'USD', amount: '20000000', priority: 10 });
      }
    }),
  );
}

/** Zipf(s) over customer ranks: rank 1 is the hottest. Deterministic for a seed. */
export function zipfSampler(n: number, s = 1.1, seed = 42): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 1; k <= n; k++) sum += 1 / Math.pow(k, s);
  let acc = 0;
  for (let k = 1; k <= n; k++) cdf[k - 1] = (acc += 1 / Math.pow(k, s) / sum);
  let state = seed >>> 0;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return () => {
    const u = random();
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

const MODELS = ['gpt-4o', 'o3', 'small', 'small', 'small'];

export interface BenchEvent {
  customer: number;
  tokens: number;
  /** The event, serialized once (so the client spends its CPU on sending, not on JSON). */
  body: string;
}

export function makeEvents(count: number, prefix: string, sample: () => number): BenchEvent[] {
  const out: BenchEvent[] = [];
  for (let i = 0; i < count; i++) {
    const customer = sample();
    const tokens = 100 + ((i * 7919) % 4000);
    const event = { transaction_id: `${prefix}-${i}`, customer: `c${customer}`, code: 'llm', properties: { model: MODELS[i % MODELS.length], tokens, gpu_seconds: (i % 13) / 4 } };
    out.push({ customer, tokens, body: JSON.stringify(event) });
  }
  return out;
}

/** The body of the i-th benchmark authorization: a hold of 1,000 to 1,099 micro-dollars for a skewed customer, 60 s. */
export function authorizationBody(sample: () => number, i: number): string {
  return JSON.stringify({ customer: `c${sample()}`, asset: 'USD', amount: String(1000 + (i % 100)), ttl_seconds: 60 });
}

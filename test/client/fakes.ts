/** A scripted fetch, a fake clock and a tiny fake Tollgate for the client's unit tests. */

export type Step =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | 'hang' // never answers; rejects when the request is aborted
  | 'reset' // the connection drops after the request was sent (ECONNRESET)
  | 'refused'; // nothing listens (ECONNREFUSED): the request never left

export interface Seen {
  method: string;
  path: string;
  body: any;
  signal: AbortSignal | undefined;
}

function networkError(code: string): TypeError {
  const cause = Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
  return new TypeError('fetch failed', { cause });
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** A fetch that plays `steps` in order (the last one repeats) and records what it was sent. */
export function scriptedFetch(steps: Step[] | ((seen: Seen, n: number) => Step | Response)) {
  const seen: Seen[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const u = new URL(String(url));
    const s: Seen = { method: init?.method ?? 'GET', path: u.pathname + u.search, body: init?.body ? JSON.parse(String(init.body)) : null, signal: init?.signal ?? undefined };
    seen.push(s);
    const step = typeof steps === 'function' ? steps(s, seen.length) : steps[Math.min(seen.length - 1, steps.length - 1)]!;
    if (step instanceof Response) return step;
    if (step === 'hang') {
      return new Promise<Response>((_, reject) => {
        const sig = init?.signal;
        if (sig?.aborted) return reject(sig.reason);
        sig?.addEventListener('abort', () => reject(sig.reason), { once: true });
      });
    }
    if (step === 'reset') throw networkError('ECONNRESET');
    if (step === 'refused') throw networkError('ECONNREFUSED');
    return json(step.status, step.body ?? (step.status >= 400 ? { error: { code: codeOf(step.status), message: `HTTP ${step.status}`, details: {} } } : {}), step.headers);
  }) as typeof globalThis.fetch;
  return { fetch, seen };
}

function codeOf(status: number): string {
  return { 400: 'invalid_request', 401: 'unauthenticated', 402: 'insufficient_funds', 404: 'customer_not_found', 409: 'idempotency_conflict', 422: 'validation_failed', 429: 'rate_limited', 500: 'internal_error', 502: 'bad_gateway', 503: 'storage_unavailable', 504: 'gateway_timeout' }[status] ?? 'http_error';
}

/** A clock that only moves when the client sleeps. */
export function fakeClock(start = 1_750_000_000_000) {
  const c = {
    t: start,
    sleeps: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.t += ms;
    },
  };
  return c;
}

export const AUTH = {
  id: 'auth_1',
  customer: 'acme',
  asset: 'USD',
  status: 'pending',
  amount: '25',
  held: '25',
  captured: '0',
  metric: null,
  quantity: null,
  expires_at: '2026-01-01T00:00:00.000Z',
  created_at: '2026-01-01T00:00:00.000Z',
  closed_at: null,
};

export function eventResult(transaction_id: string, customer = 'acme', replayed = false) {
  return {
    transaction_id,
    customer,
    code: 'llm_call',
    timestamp: '2026-01-01T00:00:00.000Z',
    status: 'accepted',
    replayed,
    subscription: null,
    period: null,
    charges: [],
    debits: [],
    authorization: null,
    debt_created: false,
    warnings: [],
  };
}

/**
 * A fake Tollgate for events: idempotent by (customer, transaction_id), refuses customers listed in
 * `refuse` with 422, and can be taken down.
 */
export function fakeTollgate(opts: { refuse?: Set<string>; maxBatch?: number } = {}) {
  const stored = new Map<string, any>();
  const state = { down: false, batches: [] as number[], transient: new Set<string>() };
  const one = (e: any): { status: number; result?: any; error?: any } => {
    if (opts.refuse?.has(e.customer)) return { status: 422, error: { code: 'validation_failed', message: `no customer ${e.customer}`, details: {} } };
    if (state.transient.has(e.transaction_id)) return { status: 503, error: { code: 'storage_unavailable', message: 'disk full', details: {} } };
    const k = `${e.customer}/${e.transaction_id}`;
    if (stored.has(k)) return { status: 200, result: eventResult(e.transaction_id, e.customer, true) };
    stored.set(k, e);
    return { status: 201, result: eventResult(e.transaction_id, e.customer) };
  };
  const { fetch, seen } = scriptedFetch((s) => {
    if (state.down) return 'refused';
    if (s.path === '/v1/events' && s.method === 'POST') {
      const r = one(s.body);
      return r.status >= 400 ? { status: r.status, body: { error: r.error } } : { status: r.status, body: r.result };
    }
    if (s.path === '/v1/events/batch') {
      const events = s.body.events as any[];
      state.batches.push(events.length);
      const max = opts.maxBatch ?? 1000;
      if (events.length > max) return { status: 413, body: { error: { code: 'too_many_events', message: 'too many', details: { max, received: events.length } } } };
      const results = events.map((e, index) => ({ index, ...one(e) }));
      return { status: 200, body: { results, accepted: results.filter((r) => r.status === 201).length, replayed: results.filter((r) => r.status === 200).length, refused: results.filter((r) => r.status >= 400).length } };
    }
    return { status: 404, body: { error: { code: 'not_found', message: 'no route', details: {} } } };
  });
  return { fetch, seen, stored, state };
}

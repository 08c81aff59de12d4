/**
 * The resilient client: what an app on a production request path needs around `createClient`.
 *
 * - a timeout on every attempt (AbortController), short for authorizations and events;
 * - retries with exponential backoff and full jitter on network errors, timeouts, 429 (after its
 *   `Retry-After`), 502, 503 and 504, never on another 4xx, within a number of attempts and a total
 *   time budget; a write is retried after a timeout only when a retry cannot apply it twice;
 * - an idempotency key generated once per logical call (and reused by every retry) for the writes
 *   whose input takes an `idempotency_key`; events are idempotent by their `transaction_id`;
 * - a circuit breaker, so that during an outage calls fail at once instead of each waiting out its
 *   budget;
 * - `authorize()`: an authorization decision that, when Tollgate cannot be reached, follows an
 *   explicit outage policy (`'deny'`, `'allow'` or `{ allowUpTo }`) and says so (`offline: true`);
 * - `ingest()`: an event that cannot be delivered goes to a spool (`spooled: true`) instead of
 *   throwing, and `replaySpool()` / `startReplayer()` deliver it later with its transaction id.
 *
 * No Node API: runs in Node 18+, Deno, Bun and browsers (fetch, AbortController, Web Crypto).
 */
import { operations, type InputOf, type OperationId, type OutputOf } from '../contract/operations';
import { createClient, TollgateApiError, type CallResult, type ClientOptions } from './index';
import { replaySpool, startReplayer, type EventSpool, type ReplayerOptions, type ReplayReport, type Replayer } from './spool';

// ------------------------------------------------------------------------------------ policies

export interface CallPolicy {
  /** Time allowed to one attempt (request and answer), in ms. */
  timeoutMs: number;
  /** Attempts in all, the first one included. */
  maxAttempts: number;
  /** Time allowed to the whole logical call, retries and waits included, in ms. */
  budgetMs: number;
  /** Backoff: the wait before retry n is random() * min(maxDelayMs, baseDelayMs * 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** For every operation without a default of its own (overridden by `defaults`). */
export const BASE_POLICY: CallPolicy = { timeoutMs: 10_000, maxAttempts: 4, budgetMs: 30_000, baseDelayMs: 100, maxDelayMs: 2_000 };

/** Built-in defaults of the operations on the request path (overridden by `operations`). */
export const OPERATION_POLICIES: { [K in OperationId]?: Partial<CallPolicy> } = {
  createAuthorization: { timeoutMs: 1_000, maxAttempts: 3, budgetMs: 2_500 },
  createQuote: { timeoutMs: 1_000, maxAttempts: 3, budgetMs: 2_500 },
  ingestEvent: { timeoutMs: 2_000, maxAttempts: 3, budgetMs: 5_000 },
  ingestBatch: { timeoutMs: 30_000, maxAttempts: 4, budgetMs: 60_000 },
};

/**
 * What `authorize()` decides when Tollgate cannot be reached (after retries):
 * - `'deny'`: do not serve (fail closed: no unbilled usage, the outage is visible to users);
 * - `'allow'`: serve (fail open: nothing bounds what is served unbilled until the events replay);
 * - `{ allowUpTo }`: serve while the estimates allowed offline for the customer and asset add up to
 *   at most this amount (minor units of the asset, like every amount), then deny.
 */
export type OutagePolicy = 'deny' | 'allow' | { allowUpTo: string };

export type UnavailableReason = 'network' | 'timeout' | 'server_error' | 'rate_limited' | 'circuit_open';

/** Tollgate gave no definitive answer within the attempts and the budget. */
export class TollgateUnavailableError extends Error {
  override name = 'TollgateUnavailableError';
  constructor(
    readonly operation: OperationId,
    /** What the last attempt ran into. */
    readonly reason: UnavailableReason,
    readonly attempts: number,
    readonly elapsedMs: number,
    /** The last attempt's error (a `TollgateApiError` for a 429 or 5xx). */
    readonly lastError: unknown,
    /** From the last 429 or 503, when it asked to wait longer than the budget allowed. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(`Tollgate unavailable for ${operation} (${reason}) after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${Math.round(elapsedMs)} ms${lastError instanceof Error ? `: ${lastError.message}` : ''}`, { cause: lastError });
  }
}

// ------------------------------------------------------------------------------------ options

export interface RetryInfo {
  operation: OperationId;
  /** The attempt that failed (1 for the first). */
  attempt: number;
  reason: UnavailableReason;
  delayMs: number;
  error: unknown;
}

export interface CircuitBreakerOptions {
  /** Consecutive failed calls (after their retries) that open the circuit. Default 3. */
  failureThreshold?: number;
  /** How long an open circuit fails calls at once before letting one probe through. Default 5 s. */
  cooldownMs?: number;
}

export interface ResilientClientOptions extends ClientOptions {
  /** Policy of every operation without a built-in one. */
  defaults?: Partial<CallPolicy>;
  /** Per operation, over the built-in `OPERATION_POLICIES`. */
  operations?: { [K in OperationId]?: Partial<CallPolicy> };
  /** For `authorize()` when Tollgate cannot be reached. Default `'deny'`. */
  outagePolicy?: OutagePolicy;
  /** Where `ingest()` puts events it cannot deliver. Without one, `ingest()` throws instead. */
  spool?: EventSpool;
  /** Give a spooled event without a timestamp the time of the call (default true), so it is billed when it happened. */
  stampSpooledEvents?: boolean;
  /** `false` turns the circuit breaker off. */
  circuitBreaker?: CircuitBreakerOptions | false;
  /** Injectable for tests: the clock (ms), the wait between attempts, randomness, key generation. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  newKey?: () => string;
  onRetry?: (info: RetryInfo) => void;
}

export interface CallOptions extends Partial<CallPolicy> {
  /** Aborts the call and its retries (the abort reason is thrown). */
  signal?: AbortSignal;
  /** For an operation with `idempotency_key`: the key to use when the input has none. */
  idempotencyKey?: string;
  /**
   * Retry this call after a timeout or a lost connection even though it is a write without an
   * idempotency key (you know that applying it twice is harmless). Default: only reads, writes with
   * an idempotency key, events and quotes are.
   */
  idempotent?: boolean;
}

// ------------------------------------------------------------------------------------ decisions

type AuthorizationBody = OutputOf<'createAuthorization'>;

/** Tollgate answered and holds the amount: serve, then post the event with `authorization.id`. */
export interface OnlineApproval {
  allowed: true;
  offline: false;
  authorization: AuthorizationBody;
  /** The answer of an earlier attempt of this same call (same idempotency key). */
  replayed: boolean;
  idempotency_key: string;
}

/** Tollgate answered no (or asked this key to slow down): do not serve. */
export interface OnlineDenial {
  allowed: false;
  offline: false;
  reason: 'insufficient_funds' | 'spend_cap_exceeded' | 'rate_limited';
  message: string;
  /** From a 402: what the wallet can still cover (`details.available`), and the rest of the details. */
  details: Record<string, unknown>;
  error: TollgateApiError | TollgateUnavailableError;
  authorization: null;
  idempotency_key: string;
}

/**
 * A decision made by the client alone because Tollgate could not be reached: no hold exists, so the
 * event of a served request is posted WITHOUT `authorization_id` (and is spooled if Tollgate is
 * still down).
 */
export interface OfflineDecision {
  allowed: boolean;
  offline: true;
  reason: 'tollgate_unreachable';
  /** How the policy decided. */
  rule: 'policy_deny' | 'policy_allow' | 'within_allowance' | 'allowance_exceeded' | 'no_estimate';
  policy: OutagePolicy;
  /** Why Tollgate could not be reached. */
  failure: TollgateUnavailableError;
  customer: string;
  asset: string | null;
  /** The estimate the policy weighed (minor units), when there was one. */
  amount: string | null;
  /** For `allowUpTo`: the offline allowance of this customer and asset after this decision. */
  allowance: { limit: string; used: string; remaining: string } | null;
  authorization: null;
  idempotency_key: string;
}

export type AuthorizationDecision = OnlineApproval | OnlineDenial | OfflineDecision;

export interface AuthorizeOptions extends CallOptions {
  /** Overrides the client's outage policy for this call. */
  outagePolicy?: OutagePolicy;
  /**
   * For `allowUpTo` when the input asks by metric and quantity (no amount): the estimate in minor
   * units (and its asset) to weigh against the allowance. Without an amount the decision is a denial.
   */
  offlineEstimate?: { amount: string | bigint; asset?: string };
}

export type IngestOutcome =
  | { spooled: false; transaction_id: string; result: OutputOf<'ingestEvent'>; replayed: boolean }
  | {
      /** Not delivered now: durably in the spool, to be replayed with this transaction id. */
      spooled: true;
      transaction_id: string;
      reason: UnavailableReason;
      message: string;
      spool_id: string;
    };

// ------------------------------------------------------------------------------------ helpers

/** Network error codes raised before a request was sent: retrying cannot apply it twice. */
const CONNECT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'UND_ERR_CONNECT_TIMEOUT']);

function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(e.cause, depth + 1)];
}

function hasField(schema: unknown, field: string, depth = 0): boolean {
  if (!schema || typeof schema !== 'object' || depth > 6) return false;
  const def = (schema as { def?: Record<string, unknown>; _zod?: { def?: Record<string, unknown> } }).def ?? (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return false;
  const shape = def.shape as Record<string, unknown> | undefined;
  if (shape && typeof shape === 'object') return field in shape;
  for (const inner of [def.in, def.innerType, def.schema]) if (inner && hasField(inner, field, depth + 1)) return true;
  return false;
}

/** Operations whose input takes an `idempotency_key` (read from the contract's schemas). */
export const IDEMPOTENCY_KEY_OPERATIONS: ReadonlySet<OperationId> = new Set(
  (Object.keys(operations) as OperationId[]).filter((id) => operations[id].method !== 'GET' && hasField(operations[id].input, 'idempotency_key')),
);

/** Writes that are safe to send twice without an idempotency key. */
const NATURALLY_IDEMPOTENT: ReadonlySet<OperationId> = new Set<OperationId>(['ingestEvent', 'ingestBatch', 'createQuote']);

/** Whether a timeout or a lost connection may be retried for this operation. */
export function isRetrySafe(id: OperationId): boolean {
  return operations[id].method === 'GET' || IDEMPOTENCY_KEY_OPERATIONS.has(id) || NATURALLY_IDEMPOTENT.has(id);
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function uuid(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  // randomUUID exists only in secure contexts; getRandomValues everywhere
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const INTEGER = /^\d{1,19}$/;

function toMinor(v: string | bigint | number, what: string): bigint {
  const s = String(v);
  if (!INTEGER.test(s)) throw new TypeError(`${what} must be a non-negative integer of minor units, got ${JSON.stringify(s)}`);
  return BigInt(s);
}

interface Failure {
  reason: Exclude<UnavailableReason, 'circuit_open'>;
  retryable: boolean;
  retryAfterMs: number | null;
  error: unknown;
}

class TimeoutSignal extends Error {
  override name = 'TimeoutError';
}

// ------------------------------------------------------------------------------------ the client

export function createResilientClient(options: ResilientClientOptions) {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const newKey = options.newKey ?? uuid;
  const baseFetch: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  // Which attempts reached fetch, and which failed before a byte was sent (keyed by the attempt's signal).
  const fetched = new WeakSet<AbortSignal>();
  const notSent = new WeakSet<AbortSignal>();
  const wrappedFetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const signal = init?.signal ?? undefined;
    if (signal) fetched.add(signal);
    try {
      return await baseFetch(input, init);
    } catch (err) {
      if (signal && errorCodes(err).some((c) => CONNECT_CODES.has(c))) notSent.add(signal);
      throw err;
    }
  }) as typeof fetch;
  const inner = createClient({ ...options, fetch: wrappedFetch });

  // ---- circuit breaker
  const breakerOpts = options.circuitBreaker === false ? null : { failureThreshold: options.circuitBreaker?.failureThreshold ?? 3, cooldownMs: options.circuitBreaker?.cooldownMs ?? 5_000 };
  const circuit = { state: 'closed' as 'closed' | 'open' | 'half_open', failures: 0, openedAt: 0, probing: false };
  /** May this call go out? Marks it as the probe of a half-open circuit. */
  function admit(): { ok: boolean; probe: boolean } {
    if (!breakerOpts || circuit.state === 'closed') return { ok: true, probe: false };
    if (circuit.state === 'open' && now() - circuit.openedAt >= breakerOpts.cooldownMs) circuit.state = 'half_open';
    if (circuit.state === 'half_open' && !circuit.probing) {
      circuit.probing = true;
      return { ok: true, probe: true };
    }
    return { ok: false, probe: false };
  }
  function reachable(probe: boolean) {
    if (probe) circuit.probing = false;
    circuit.state = 'closed';
    circuit.failures = 0;
  }
  function unreachable(probe: boolean) {
    if (!breakerOpts) return;
    if (probe) circuit.probing = false;
    circuit.failures++;
    if (probe || circuit.failures >= breakerOpts.failureThreshold) {
      circuit.state = 'open';
      circuit.openedAt = now();
    }
  }

  function policyOf(id: OperationId, call: CallOptions): CallPolicy {
    const pick = (o: Partial<CallPolicy> | undefined) => Object.fromEntries(Object.entries(o ?? {}).filter(([k, v]) => v !== undefined && k in BASE_POLICY)) as Partial<CallPolicy>;
    return { ...BASE_POLICY, ...pick(options.defaults), ...pick(OPERATION_POLICIES[id]), ...pick(options.operations?.[id]), ...pick(call) };
  }

  function classify(err: unknown, signal: AbortSignal, safe: boolean): Failure | null {
    if (err instanceof TollgateApiError) {
      const retryAfterMs = parseRetryAfter(err.retryAfter, now());
      // 429 and 503: Tollgate (or the proxy before it) did not take the request
      if (err.status === 429) return { reason: 'rate_limited', retryable: true, retryAfterMs, error: err };
      if (err.status === 503) return { reason: 'server_error', retryable: true, retryAfterMs, error: err };
      if (err.status === 502 || err.status === 504) return { reason: 'server_error', retryable: safe, retryAfterMs: null, error: err };
      return null;
    }
    if (signal.aborted && signal.reason instanceof TimeoutSignal) return { reason: 'timeout', retryable: safe, retryAfterMs: null, error: err };
    if (fetched.has(signal)) return { reason: 'network', retryable: safe || notSent.has(signal), retryAfterMs: null, error: err };
    return null; // not a transport failure: a bug in the call (a missing path parameter...)
  }

  async function send<K extends OperationId>(id: K, input: InputOf<K>, call: CallOptions = {}): Promise<CallResult<K>> {
    const policy = policyOf(id, call);
    const safe = call.idempotent ?? isRetrySafe(id);
    let body = input as Record<string, unknown>;
    if (IDEMPOTENCY_KEY_OPERATIONS.has(id) && body.idempotency_key === undefined) body = { ...body, idempotency_key: call.idempotencyKey ?? newKey() };
    const started = now();
    const gate = admit();
    if (!gate.ok) throw new TollgateUnavailableError(id, 'circuit_open', 0, 0, new Error('the circuit is open after repeated failures'));
    for (let attempt = 1; ; attempt++) {
      call.signal?.throwIfAborted();
      const remaining = policy.budgetMs - (now() - started);
      const ctl = new AbortController();
      const timer = setTimeout(() => ctl.abort(new TimeoutSignal(`${id} timed out after ${Math.round(Math.min(policy.timeoutMs, remaining))} ms`)), Math.max(1, Math.min(policy.timeoutMs, remaining)));
      const onCallerAbort = () => ctl.abort(call.signal!.reason);
      call.signal?.addEventListener('abort', onCallerAbort, { once: true });
      let failure: Failure | null;
      try {
        const result = await inner.send(id, body as InputOf<K>, { signal: ctl.signal });
        reachable(gate.probe);
        return result;
      } catch (err) {
        if (call.signal?.aborted) {
          if (gate.probe) circuit.probing = false;
          throw call.signal.reason;
        }
        failure = classify(err, ctl.signal, safe);
        if (!failure) {
          // a definitive answer (4xx...) means Tollgate is reachable
          if (err instanceof TollgateApiError) reachable(gate.probe);
          else if (gate.probe) circuit.probing = false;
          throw err;
        }
      } finally {
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onCallerAbort);
      }
      const elapsed = now() - started;
      const giveUp = (retryAfterMs: number | null = null) => {
        if (failure!.reason === 'rate_limited') reachable(gate.probe);
        else unreachable(gate.probe);
        return new TollgateUnavailableError(id, failure!.reason, attempt, elapsed, failure!.error, retryAfterMs);
      };
      if (!failure.retryable || attempt >= policy.maxAttempts) throw giveUp(failure.retryAfterMs);
      let delay = Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
      if (failure.retryAfterMs !== null) delay = Math.max(delay, failure.retryAfterMs);
      if (elapsed + delay >= policy.budgetMs) throw giveUp(failure.retryAfterMs);
      options.onRetry?.({ operation: id, attempt, reason: failure.reason, delayMs: delay, error: failure.error });
      await sleep(delay, call.signal);
    }
  }

  // ---- offline allowance (allowUpTo), per customer and asset, for the life of this client
  const allowanceUsed = new Map<string, bigint>();
  const allowanceKey = (customer: string, asset: string | null) => `${customer}\u0000${asset ?? '*'}`;
  const checkPolicy = (p: OutagePolicy) => {
    if (typeof p === 'object') toMinor(p.allowUpTo, 'allowUpTo');
    else if (p !== 'deny' && p !== 'allow') throw new TypeError(`outagePolicy must be 'deny', 'allow' or { allowUpTo }, got ${JSON.stringify(p)}`);
    return p;
  };
  const defaultPolicy = checkPolicy(options.outagePolicy ?? 'deny');

  function offlineDecision(input: InputOf<'createAuthorization'>, policy: OutagePolicy, failure: TollgateUnavailableError, key: string, estimate: AuthorizeOptions['offlineEstimate']): OfflineDecision {
    const asset = input.asset ?? estimate?.asset ?? null;
    const amount = input.amount !== undefined ? String(input.amount) : estimate ? String(estimate.amount) : null;
    const base = { offline: true as const, reason: 'tollgate_unreachable' as const, policy, failure, customer: input.customer, asset, amount, authorization: null, idempotency_key: key };
    if (policy === 'deny') return { ...base, allowed: false, rule: 'policy_deny', allowance: null };
    if (policy === 'allow') return { ...base, allowed: true, rule: 'policy_allow', allowance: null };
    const limit = toMinor(policy.allowUpTo, 'allowUpTo');
    const k = allowanceKey(input.customer, asset);
    const used = allowanceUsed.get(k) ?? 0n;
    const view = (u: bigint) => ({ limit: limit.toString(), used: u.toString(), remaining: (limit - u > 0n ? limit - u : 0n).toString() });
    if (amount === null) return { ...base, allowed: false, rule: 'no_estimate', allowance: view(used) };
    const want = toMinor(amount, 'the estimate');
    // check and take in one synchronous step: concurrent calls cannot both take the last of it
    if (used + want > limit) return { ...base, allowed: false, rule: 'allowance_exceeded', allowance: view(used) };
    allowanceUsed.set(k, used + want);
    return { ...base, allowed: true, rule: 'within_allowance', allowance: view(used + want) };
  }

  /**
   * Asks Tollgate to hold an amount before serving. Never throws for an outage: when Tollgate cannot
   * be reached the outage policy decides and the decision says `offline: true`. Throws
   * `TollgateApiError` for answers that are the caller's bug (unknown customer, bad input...).
   */
  async function authorize(input: InputOf<'createAuthorization'>, call: AuthorizeOptions = {}): Promise<AuthorizationDecision> {
    const key = input.idempotency_key ?? call.idempotencyKey ?? newKey();
    try {
      const r = await send('createAuthorization', { ...input, idempotency_key: key }, call);
      return { allowed: true, offline: false, authorization: r.body, replayed: r.replayed, idempotency_key: key };
    } catch (err) {
      if (err instanceof TollgateApiError && (err.code === 'insufficient_funds' || err.code === 'spend_cap_exceeded')) {
        return { allowed: false, offline: false, reason: err.code, message: err.message, details: err.details, error: err, authorization: null, idempotency_key: key };
      }
      if (err instanceof TollgateUnavailableError) {
        // Tollgate is up and asks this key to slow down: not an outage, so no offline allowance
        if (err.reason === 'rate_limited') return { allowed: false, offline: false, reason: 'rate_limited', message: err.message, details: {}, error: err, authorization: null, idempotency_key: key };
        return offlineDecision(input, call.outagePolicy ? checkPolicy(call.outagePolicy) : defaultPolicy, err, key, call.offlineEstimate);
      }
      throw err;
    }
  }

  /**
   * Posts one event. When Tollgate cannot be reached it goes to the spool and the answer says
   * `spooled: true`; a refusal (4xx: unknown customer, 402 for an event without a hold...) throws
   * `TollgateApiError` as it would be refused again on every replay.
   */
  async function ingest(event: InputOf<'ingestEvent'>, call: CallOptions = {}): Promise<IngestOutcome> {
    const occurredAt = new Date(now()).toISOString();
    try {
      const r = await send('ingestEvent', event, call);
      return { spooled: false, transaction_id: event.transaction_id, result: r.body, replayed: r.replayed };
    } catch (err) {
      if (!(err instanceof TollgateUnavailableError) || !options.spool) throw err;
      const stamped = event.timestamp === undefined && options.stampSpooledEvents !== false ? { ...event, timestamp: occurredAt } : event;
      const entry = await options.spool.append(stamped, { reason: err.reason });
      return { spooled: true, transaction_id: event.transaction_id, reason: err.reason, message: err.message, spool_id: entry.id };
    }
  }

  function requireSpool(): EventSpool {
    if (!options.spool) throw new TypeError('this client has no spool (pass `spool` to createResilientClient)');
    return options.spool;
  }

  const client = {
    /** The full answer, with timeouts, retries and idempotency keys; throws `TollgateApiError` or `TollgateUnavailableError`. */
    send,
    /** Just the typed body. */
    call: async <K extends OperationId>(id: K, input: InputOf<K>, call?: CallOptions): Promise<OutputOf<K>> => (await send(id, input, call)).body,
    authorize,
    ingest,
    /**
     * Delivers the spool's pending events now (see `replaySpool`). Once the spool is drained the
     * offline allowances start again from zero: Tollgate knows about everything served offline.
     */
    async replaySpool(opts: { batchSize?: number; signal?: AbortSignal } = {}): Promise<ReplayReport> {
      const report = await replaySpool(requireSpool(), client, opts);
      if (report.complete) allowanceUsed.clear();
      return report;
    },
    /** Replays the spool in the background, with backoff while Tollgate is down. */
    startReplayer(opts: ReplayerOptions = {}): Replayer {
      return startReplayer(requireSpool(), client, {
        ...opts,
        onDrained: () => {
          allowanceUsed.clear();
          opts.onDrained?.();
        },
      });
    },
    /** What was allowed offline so far under `allowUpTo` for this customer and asset (minor units). */
    offlineAllowanceUsed(customer: string, asset: string | null = null): string {
      return (allowanceUsed.get(allowanceKey(customer, asset)) ?? 0n).toString();
    },
    /** Forget what was allowed offline (all customers, or one). */
    resetOfflineAllowance(customer?: string): void {
      if (customer === undefined) allowanceUsed.clear();
      else for (const k of [...allowanceUsed.keys()]) if (k.startsWith(`${customer}\u0000`)) allowanceUsed.delete(k);
    },
    /** The circuit breaker's state. */
    circuit(): { state: 'closed' | 'open' | 'half_open'; consecutiveFailures: number } {
      if (breakerOpts && circuit.state === 'open' && now() - circuit.openedAt >= breakerOpts.cooldownMs) return { state: 'half_open', consecutiveFailures: circuit.failures };
      return { state: circuit.state, consecutiveFailures: circuit.failures };
    },
    /** The plain client underneath (no timeouts, no retries). */
    raw: createClient(options),
    spool: options.spool ?? null,
  };
  return client;
}

export type ResilientClient = ReturnType<typeof createResilientClient>;

import { randomUUID } from 'node:crypto';
import { BodyTooLarge, readBody } from './body';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Operation, operations } from '../../shared/contract/operations';
import { dec, toText } from '../../shared/decimal';
import { TollgateError } from '../engine/errors';
import type { EngineGateway } from '../engine/gateway-wire';
import type { CallContext } from '../engine/handlers';
import { allows } from '../engine/keys';
import type { HttpExtension } from './server';

/**
 * Lago-compatible ingestion: `POST /api/v1/events` and `POST /api/v1/events/batch` take Lago's
 * request shape with Lago's bearer header (a Tollgate key with the ingest scope) and answer in
 * Lago's response shape, so an app using Lago's client changes only its base URL (to
 * `<tollgate>/api/v1`). The events go through the same operations as native ones (`ingestEvent`,
 * `ingestBatch`): priced and debited at once, idempotent on transaction_id.
 *
 * Mapping: `external_subscription_id` names the subscription, whose customer the event is for
 * (`external_customer_id` alone names the customer); Lago's Unix-seconds timestamps (number or
 * string, decimals kept to the millisecond) and ISO times (UTC when no offset) become Tollgate's;
 * `precise_total_amount_cents` (minor units, with decimals) becomes `precise_total_amount` in major
 * units of the asset of the customer's dynamic charge.
 *
 * Where Tollgate differs from Lago, on purpose: an event is priced when it arrives, so a refusal
 * (no funds: 402, unknown customer: 404) is answered at once instead of failing later in the
 * background; a replay of the same transaction_id answers 200 with the event (Lago's
 * `value_already_exist` 422 only for a replay with other content); a batch records each valid event
 * on its own, and if any is refused answers 422 with `error_details` per index (a retry of the whole
 * batch is safe: the recorded ones replay).
 */
/** What the server's own admission says of a request: its caller, or why not (the same rules as every route). */
export type LagoAdmission =
  | { ok: true; caller: { kind: 'key'; key: { id: string; name: string } } | { kind: 'read_token'; keyId: string; keyName: string } }
  | { ok: false; code: string; message: string; headers?: Record<string, string> };

export function lagoDoor(gateway: EngineGateway, options: { maxBodyBytes?: number; admit?: (req: IncomingMessage, op: Operation) => Promise<LagoAdmission> } = {}): HttpExtension {
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const subscriptions = new Map<string, { customer: string; plan: string }>();
  const scales = new Map<string, { at: number; byCode: Map<string, number>; fallback: number }>();

  const internal = (requestId: string, key: { id: string; name: string }, req: IncomingMessage): CallContext => ({ door: 'http', keyId: key.id, keyName: key.name, remoteAddress: req.socket.remoteAddress ?? null, requestId });

  /** The customer (and plan) of a subscription by its external id, remembered: it never changes. */
  async function subscriptionOf(id: string, call: CallContext): Promise<{ customer: string; plan: string } | null> {
    const known = subscriptions.get(id);
    if (known) return known;
    try {
      const out = await gateway.call('getSubscription', { id }, call);
      const sub = out.value as { customer: string; plan: string };
      if (subscriptions.size > 50_000) subscriptions.clear();
      subscriptions.set(id, { customer: sub.customer, plan: sub.plan });
      return subscriptions.get(id)!;
    } catch (err) {
      if (err instanceof TollgateError && err.code === 'subscription_not_found') return null;
      throw err;
    }
  }

  /** Decimal places of the asset a plan's dynamic charge for `code` is priced in (default 2). */
  async function scaleFor(plan: string | null, code: string, call: CallContext): Promise<number> {
    if (!plan) return 2;
    let entry = scales.get(plan);
    if (!entry || Date.now() - entry.at > 60_000) {
      const byCode = new Map<string, number>();
      let fallback = 2;
      try {
        const p = (await gateway.call('getPlan', { code: plan }, call)).value as { charges: { metric: string; asset: string; model: string }[] };
        const assetScale = new Map<string, number>();
        for (const c of p.charges) {
          if (!assetScale.has(c.asset)) assetScale.set(c.asset, ((await gateway.call('getAsset', { code: c.asset }, call)).value as { scale: number }).scale);
        }
        const first = p.charges.find((c) => c.model === 'dynamic') ?? p.charges[0];
        if (first) fallback = assetScale.get(first.asset)!;
        for (const c of p.charges) if (c.model === 'dynamic' || !byCode.has(c.metric)) byCode.set(c.metric, assetScale.get(c.asset)!);
      } catch {
        /* an unknown plan prices nothing: the default scale is as good as any */
      }
      entry = { at: Date.now(), byCode, fallback };
      scales.set(plan, entry);
    }
    return entry.byCode.get(code) ?? entry.fallback;
  }

  type Mapped = { ok: true; input: Record<string, unknown>; lago: Record<string, unknown> } | { ok: false; status: number; code: string; details: Record<string, string[]>; message: string };

  /** One Lago event as Tollgate's `ingestEvent` input (validated by the contract), or why not. */
  async function mapEvent(raw: unknown, call: CallContext): Promise<Mapped> {
    const invalid = (field: string, what: string, message: string): Mapped => ({ ok: false, status: 422, code: 'validation_errors', details: { [field]: [what] }, message });
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return invalid('event', 'invalid_type', 'an event must be a JSON object');
    const e = raw as Record<string, unknown>;
    if (typeof e.transaction_id !== 'string' || !e.transaction_id) return invalid('transaction_id', 'value_is_mandatory', 'transaction_id is required');
    if (typeof e.code !== 'string' || !e.code) return invalid('code', 'value_is_mandatory', 'code is required');
    const subId = typeof e.external_subscription_id === 'string' && e.external_subscription_id ? e.external_subscription_id : null;
    const customerId = typeof e.external_customer_id === 'string' && e.external_customer_id ? e.external_customer_id : null;
    if (!subId && !customerId) return invalid('external_subscription_id', 'value_is_mandatory', 'external_subscription_id (or external_customer_id) is required');
    let customer = customerId;
    let plan: string | null = null;
    if (subId) {
      const sub = await subscriptionOf(subId, call);
      if (!sub) return { ok: false, status: 404, code: 'subscription_not_found', details: {}, message: `No subscription has external_id ${JSON.stringify(subId)}.` };
      if (customerId && customerId !== sub.customer) return invalid('external_customer_id', 'does_not_match_subscription', `subscription ${subId} belongs to ${sub.customer}, not ${customerId}`);
      customer = sub.customer;
      plan = sub.plan;
    }
    const timestamp = lagoTimestamp(e.timestamp);
    if (timestamp instanceof Error) return invalid('timestamp', 'invalid_format', timestamp.message);
    if (e.properties !== undefined && e.properties !== null && (typeof e.properties !== 'object' || Array.isArray(e.properties))) return invalid('properties', 'invalid_type', 'properties must be an object');
    const input: Record<string, unknown> = { transaction_id: e.transaction_id, customer, code: e.code };
    if (timestamp !== undefined) input.timestamp = timestamp;
    if (e.properties) input.properties = e.properties;
    let precise: string | null = null;
    if (e.precise_total_amount_cents !== undefined && e.precise_total_amount_cents !== null) {
      precise = String(e.precise_total_amount_cents);
      try {
        const cents = dec(precise);
        if (!plan && customer) {
          const live = (await gateway.call('listSubscriptions', { customer, status: 'active', limit: 1 }, call).catch(() => null))?.value as { data: { plan: string }[] } | undefined;
          plan = live?.data[0]?.plan ?? null;
        }
        const scale = await scaleFor(plan, e.code, call);
        input.precise_total_amount = toText({ c: cents.c, s: cents.s + scale });
      } catch (err) {
        if (err instanceof TollgateError) throw err;
        return invalid('precise_total_amount_cents', 'invalid_value', `precise_total_amount_cents ${JSON.stringify(precise)} is not a decimal number`);
      }
    }
    const parsed = operations.ingestEvent.input.safeParse(input);
    if (!parsed.success) {
      const details: Record<string, string[]> = {};
      for (const i of parsed.error.issues) {
        const field = lagoField(String(i.path[0] ?? 'event'));
        (details[field] ??= []).push(i.message);
      }
      return { ok: false, status: 422, code: 'validation_errors', details, message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    }
    return {
      ok: true,
      input: parsed.data as Record<string, unknown>,
      lago: { external_subscription_id: subId, external_customer_id: customer, precise_total_amount_cents: precise, properties: e.properties ?? {} },
    };
  }

  /** Lago's event object for a recorded event. */
  function lagoEvent(result: { transaction_id: string; customer: string; code: string; timestamp: string; subscription: string | null }, lago: Record<string, unknown>) {
    return {
      lago_id: `${result.customer}/${result.transaction_id}`,
      transaction_id: result.transaction_id,
      lago_customer_id: null,
      code: result.code,
      timestamp: result.timestamp,
      lago_subscription_id: result.subscription,
      external_subscription_id: lago.external_subscription_id ?? null,
      external_customer_id: lago.external_customer_id ?? null,
      precise_total_amount_cents: lago.precise_total_amount_cents ?? null,
      properties: lago.properties ?? {},
      created_at: new Date().toISOString(),
    };
  }

  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    if (path !== '/api/v1' && !path.startsWith('/api/v1/')) return false;
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    try {
      if (path !== '/api/v1/events' && path !== '/api/v1/events/batch') {
        lagoError(res, 404, 'route_not_found', {}, `Tollgate speaks Lago's event ingestion only: POST /api/v1/events and POST /api/v1/events/batch (the rest of its API is at /v1).`);
        return true;
      }
      if (req.method !== 'POST') {
        lagoError(res, 405, 'method_not_allowed', {}, `${path} takes POST.`);
        return true;
      }
      const op = path === '/api/v1/events' ? operations.ingestEvent : operations.ingestBatch;
      let who: { id: string; name: string } | null = null;
      if (options.admit) {
        // The server's own rules: key live (not revoked or expired), scope, rate limit.
        const a = await options.admit(req, op);
        if (!a.ok) {
          const status = a.code === 'unauthenticated' ? 401 : a.code === 'rate_limited' ? 429 : 403;
          for (const [k, v] of Object.entries(a.headers ?? {})) res.setHeader(k, v);
          lagoError(res, status, status === 401 ? undefined : a.code, {}, a.message);
          return true;
        }
        who = a.caller.kind === 'key' ? a.caller.key : { id: a.caller.keyId, name: a.caller.keyName };
      } else {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
        const key = m ? await gateway.authenticate(m[1]!) : null;
        if (!key) {
          lagoError(res, 401, undefined, {}, 'Send a Tollgate API key (ingest scope) as `Authorization: Bearer <key>`.');
          return true;
        }
        if (!allows(key.scopes, 'ingest', 'POST')) {
          lagoError(res, 403, 'forbidden', {}, 'This key lacks the ingest scope.');
          return true;
        }
        who = key;
      }
      const call = internal(requestId, who, req);
      let body: unknown;
      try {
        const raw = await readBody(req, maxBody);
        body = raw.length ? JSON.parse(raw.toString('utf8')) : {};
      } catch (err) {
        if (err instanceof BodyTooLarge) lagoError(res, 413, 'payload_too_large', {}, `The body is larger than ${maxBody} bytes.`);
        else lagoError(res, 400, 'invalid_json', {}, `The body is not valid JSON: ${(err as Error).message}`);
        return true;
      }
      const b = (body ?? {}) as Record<string, unknown>;
      if (path === '/api/v1/events') {
        const mapped = await mapEvent(b.event, call);
        if (!mapped.ok) {
          lagoError(res, mapped.status, mapped.code, mapped.details, mapped.message);
          return true;
        }
        try {
          const out = await gateway.call('ingestEvent', mapped.input, call);
          send(res, 200, { event: lagoEvent(out.value as never, mapped.lago) });
        } catch (err) {
          if (!(err instanceof TollgateError)) throw err;
          const x = fromTollgate(err);
          lagoError(res, x.status, x.code, x.details, err.message);
        }
        return true;
      }
      // batch
      if (!Array.isArray(b.events)) {
        lagoError(res, 422, 'validation_errors', { events: ['value_is_mandatory'] }, 'events must be a list');
        return true;
      }
      const events = b.events as unknown[];
      const errors: Record<string, Record<string, unknown>> = {};
      const answers: unknown[] = new Array(events.length);
      const valid: { index: number; input: Record<string, unknown>; lago: Record<string, unknown> }[] = [];
      for (const [index, raw] of events.entries()) {
        const mapped = await mapEvent(raw, call);
        if (mapped.ok) valid.push({ index, input: mapped.input, lago: mapped.lago });
        else errors[String(index)] = { ...(Object.keys(mapped.details).length ? mapped.details : { event: [mapped.code] }), message: mapped.message };
      }
      if (valid.length) {
        let results: { index: number; status: number; result?: unknown; error?: { code: string; message: string; details: Record<string, unknown> } }[];
        try {
          results = ((await gateway.call('ingestBatch', { events: valid.map((v) => v.input) }, call)).value as { results: typeof results }).results;
        } catch (err) {
          if (!(err instanceof TollgateError)) throw err;
          const x = fromTollgate(err);
          lagoError(res, x.status, x.code, x.details, err.message);
          return true;
        }
        results.forEach((r, k) => {
          const v = valid[k]!;
          if (r.result) answers[v.index] = lagoEvent(r.result as never, v.lago);
          else {
            const x = fromTollgate(new TollgateError((r.error?.code ?? 'internal_error') as never, r.error?.message ?? 'refused', r.error?.details ?? {}));
            errors[String(v.index)] = { ...(Object.keys(x.details).length ? x.details : { event: [x.code] }), message: r.error?.message ?? 'refused' };
          }
        });
      }
      if (Object.keys(errors).length) lagoError(res, 422, 'validation_errors', errors, `${Object.keys(errors).length} of ${events.length} events were refused; the others were recorded (a retry of the whole batch replays them).`);
      else send(res, 200, { events: answers });
      return true;
    } catch (err) {
      if (!res.headersSent) lagoError(res, 500, 'internal_error', {}, `Internal error (request ${requestId}).`);
      else res.destroy();
      void err;
      return true;
    }
  };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

/** Lago's error shape: `{status, error, code, error_details}` (plus a human message). */
function lagoError(res: ServerResponse, status: number, code: string | undefined, details: Record<string, unknown>, message: string): void {
  send(res, status, { status, error: STATUS_TEXT[status] ?? 'Error', ...(code ? { code } : {}), ...(code === 'validation_errors' || Object.keys(details).length ? { error_details: details } : {}), message });
}

/** Lago's field names for Tollgate's. */
function lagoField(field: string): string {
  if (field === 'customer') return 'external_customer_id';
  if (field === 'precise_total_amount') return 'precise_total_amount_cents';
  return field;
}

/** A Tollgate refusal in Lago's terms: its status (Lago answers a duplicate with 422) and code. */
function fromTollgate(err: TollgateError): { status: number; code: string; details: Record<string, string[]> } {
  switch (err.code) {
    case 'idempotency_conflict':
      return { status: 422, code: 'validation_errors', details: { transaction_id: ['value_already_exist'] } };
    case 'validation_failed': {
      const details: Record<string, string[]> = {};
      for (const i of (err.details.issues as { path?: unknown[]; message?: string }[] | undefined) ?? []) (details[lagoField(String(i.path?.[0] ?? 'event'))] ??= []).push(i.message ?? 'invalid_value');
      return { status: 422, code: 'validation_errors', details };
    }
    case 'timestamp_in_future':
    case 'timestamp_before_subscription':
    case 'period_closed':
      return { status: 422, code: 'validation_errors', details: { timestamp: [err.code] } };
    case 'invalid_event_property':
      return { status: 422, code: 'validation_errors', details: { properties: [err.code] } };
    case 'customer_not_found':
      return { status: 404, code: 'customer_not_found', details: {} };
    default:
      return { status: err.status, code: err.code, details: {} };
  }
}

/**
 * Lago's timestamp as Tollgate's: Unix seconds (number or digits, decimals cut to milliseconds as
 * Tollgate keeps them), or an ISO date-time (taken as UTC when it has no offset, as Lago does).
 */
export function lagoTimestamp(v: unknown): string | number | undefined | Error {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return new Error(`timestamp ${v} is not a number of seconds`);
    return Number.isInteger(v) ? v : cutMillis(String(v));
  }
  if (typeof v !== 'string') return new Error('timestamp must be Unix seconds or an ISO 8601 date-time');
  const s = v.trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return cutMillis(s);
  if (/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) return s + 'Z';
  return s;
}

function cutMillis(s: string): string {
  if (/e/i.test(s)) return s;
  const [whole, frac] = s.split('.');
  return frac ? `${whole}.${frac.slice(0, 3)}` : whole!;
}


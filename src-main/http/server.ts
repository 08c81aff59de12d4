import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ERROR_CODES, type ErrorCode } from '../../shared/contract/errors';
import { inputIssues, issuesText } from '../../shared/contract/input-issues';
import { operations, type Operation, type OperationId } from '../../shared/contract/operations';
import { buildOpenApi } from '../../shared/contract/openapi';
import { type PreparedBatch, prepareBatch } from '../engine/batch';
import type { Engine } from '../engine/engine';
import { TollgateError } from '../engine/errors';
import type { EngineGateway } from '../engine/gateway-wire';
import type { CallContext } from '../engine/handlers';
import { allows, keyLive, type KeyPrincipal } from '../engine/keys';
import { looksLikeReadToken, READ_TOKEN_OPERATIONS, verifyReadToken } from '../engine/read-tokens';
import { RateLimiter } from './rate-limit';
import { VERSION } from '../version';
import { BodyTooLarge, readBody } from './body';
import { DoorMetrics, type RuntimeStatsLike } from './metrics';
import { lagoDoor } from './lago';
import { LiveFeed } from './live';
import { Router } from './router';
import { clearedCookie, csrfOk, csrfToken, hostAllowed, issueSession, originAllowed, readSession, sessionCookie } from './session';

export interface ServerOptions {
  port?: number;
  host?: string;
  /** Extra Host header values the console may be reached at (a reverse proxy's name). */
  publicHosts?: string[];
  /** Set the Secure flag on the session cookie (TLS in front). */
  secureCookies?: boolean;
  /** Largest request body accepted (default 8 MiB: a batch of 1,000 events with rich properties). */
  maxBodyBytes?: number;
  /** Extra request handlers tried before the API (the console, live feed, Lago-compatible routes). */
  extensions?: HttpExtension[];
  log?: (line: Record<string, unknown>) => void;
  /** A rate limit for keys that have none of their own (default: none). */
  defaultKeyRate?: { perSecond: number; burst: number } | null;
  /** The rate limit of each read token (per issuing key and customer; default 20/s, burst 40). */
  readTokenRate?: { perSecond: number; burst: number };
  /** TLS: serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** A piece of the HTTP surface outside the operation table. Returns true when it answered. */
export type HttpExtension = (req: IncomingMessage, res: ServerResponse, path: string) => boolean | Promise<boolean>;

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  gateway: EngineGateway;
  close(): Promise<void>;
}

/** Routes that need no key: liveness, and the API document. */
const PUBLIC_OPS = new Set(['health']);
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
/** Files served as bytes (their JSON twins with base64 are operations); inputs from the path and the query. */
const FILE_ROUTES: { regex: RegExp; route: string; op: OperationId }[] = [
  { regex: /^\/v1\/invoices\/([^/]+)\/pdf$/, route: '/v1/invoices/{id}/pdf', op: 'getInvoiceDocument' },
  { regex: /^\/v1\/credit-notes\/([^/]+)\/pdf$/, route: '/v1/credit-notes/{id}/pdf', op: 'getCreditNoteDocument' },
  { regex: /^\/v1\/top-ups\/([^/]+)\/receipt\.pdf$/, route: '/v1/top-ups/{id}/receipt.pdf', op: 'getReceiptDocument' },
  { regex: /^\/v1\/audit-log\.csv$/, route: '/v1/audit-log.csv', op: 'exportAuditLog' },
];

/** Who a request runs as: an API key (bearer or console session), or a customer's read token. */
type Caller = { kind: 'key'; key: KeyPrincipal } | { kind: 'read_token'; customer: string; keyId: string; keyName: string };
const DEFAULT_READ_TOKEN_RATE = { perSecond: 20, burst: 40 };
/** Read tokens are used from customers' browsers: any origin may call with one (never with cookies). */
const CORS_HEADERS = { 'access-control-allow-origin': '*', vary: 'Origin' };

export function sendJson(res: ServerResponse, status: number, body: unknown, extraHeaders: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...extraHeaders });
  res.end(text);
}

export function sendError(res: ServerResponse, code: ErrorCode, message: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  sendJson(res, ERROR_CODES[code].status, { error: { code, message, details } }, headers);
}

/**
 * `GET /v1/metrics` is also the list of billable metrics: a scraper gets the Prometheus text when it
 * asks for it (Prometheus sends `Accept: application/openmetrics-text` or `text/plain`) or passes
 * `?format=prometheus`; API clients asking for JSON get the list. `GET /metrics` is always Prometheus.
 */
function wantsPrometheus(req: IncomingMessage, query: string): boolean {
  if (new URLSearchParams(query).get('format') === 'prometheus') return true;
  const accept = (req.headers.accept ?? '').toLowerCase();
  return !accept.includes('application/json') && (accept.includes('openmetrics') || accept.includes('text/plain'));
}

function bearer(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

function parseQuery(search: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!search) return out;
  for (const [k, v] of new URLSearchParams(search)) out[k] = v;
  return out;
}

/**
 * Serves the contract over HTTP: route, authenticate, read and validate the body, call the
 * operation's handler, answer JSON. Every refusal is `{"error": {code, message, details}}`.
 */
export function createApiListener(gateway: EngineGateway, options: ServerOptions = {}) {
  const router = new Router();
  const maxBody = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const maxBatchEvents = 1000;
  const extensions = [lagoDoor(gateway, { maxBodyBytes: maxBody, admit: (req, op) => admit(req, 'POST', op) }), ...(options.extensions ?? [])];
  let openApiText: string | null = null;
  const live = new LiveFeed(gateway);
  const allowedHosts = new Set<string>((options.publicHosts ?? []).map((h) => h.toLowerCase()));
  /** Called once the port is known: the loopback names this server answers to. */
  const listening = (port: number, host: string) => {
    for (const name of ['127.0.0.1', 'localhost', '[::1]', host.includes(':') ? `[${host}]` : host]) allowedHosts.add(`${name}:${port}`.toLowerCase());
  };

  const limiter = new RateLimiter();
  const doorMetrics = new DoorMetrics();
  const readTokenRate = options.readTokenRate ?? DEFAULT_READ_TOKEN_RATE;

  type Auth = { ok: true; caller: Caller } | { ok: false; code: ErrorCode; message: string; headers?: Record<string, string> };

  /** A read token, checked here on the door's thread: signature, expiry, and the issuing key still live. */
  async function readTokenCaller(token: string): Promise<Auth> {
    const claims = verifyReadToken(gateway.sessionSecret, token, Date.now());
    const issuer = claims ? await gateway.keyById(claims.keyId) : null;
    if (!claims || !issuer || !keyLive(issuer, Date.now())) return { ok: false, code: 'unauthenticated', message: 'This read token is malformed, expired, or its key was revoked; ask the operator\'s backend for a new one.' };
    return { ok: true, caller: { kind: 'read_token', customer: claims.customer, keyId: issuer.id, keyName: `read token (${issuer.name})` } };
  }

  /** Who calls: a bearer key or read token, or a console session cookie (checked for Host, Origin and CSRF). */
  async function principalOf(req: IncomingMessage, method: string): Promise<Auth> {
    const key = bearer(req);
    if (key && looksLikeReadToken(key)) return readTokenCaller(key);
    if (key) {
      const who = await gateway.authenticate(key);
      if (!who || !keyLive(who, Date.now())) return { ok: false, code: 'unauthenticated', message: 'This API key is unknown, malformed, revoked or expired.' };
      return { ok: true, caller: { kind: 'key', key: who } };
    }
    const session = readSession(gateway.sessionSecret, req, Date.now());
    if (!session) return { ok: false, code: 'unauthenticated', message: 'Send an API key as `Authorization: Bearer tg_<id>_<secret>`, or log in to the console.' };
    if (!hostAllowed(req, allowedHosts)) return { ok: false, code: 'forbidden', message: `This server does not answer to Host ${req.headers.host ?? '(none)'}.` };
    if (WRITE_METHODS.has(method) && (!originAllowed(req) || !csrfOk(gateway.sessionSecret, session, req))) {
      return { ok: false, code: 'forbidden', message: 'A console write needs the session\'s CSRF token in x-csrf-token, from this origin.' };
    }
    const who = await gateway.keyById(session.keyId);
    return who && keyLive(who, Date.now()) ? { ok: true, caller: { kind: 'key', key: who } } : { ok: false, code: 'unauthenticated', message: 'The key of this session was revoked or expired; log in again.' };
  }

  /** The caller's token bucket: its key's own limit, the server default, or the read-token limit. */
  function rateLimited(caller: Caller): Record<string, string> | null {
    const rate = caller.kind === 'read_token' ? readTokenRate : (caller.key.rate ?? options.defaultKeyRate ?? null);
    if (!rate) return null;
    const id = caller.kind === 'read_token' ? `rt:${caller.keyId}:${caller.customer}` : `key:${caller.key.id}`;
    const d = limiter.take(id, rate);
    return d.ok ? null : { 'retry-after': String(d.retryAfterSeconds) };
  }

  const contextOf = (req: IncomingMessage, requestId: string, caller: Caller | null): CallContext => ({
    door: 'http',
    keyId: caller ? (caller.kind === 'key' ? caller.key.id : caller.keyId) : null,
    keyName: caller ? (caller.kind === 'key' ? caller.key.name : caller.keyName) : null,
    remoteAddress: req.socket.remoteAddress ?? null,
    requestId,
  });

  /** Authenticates, checks the scope (or the read token's allow-list) and the rate limit. */
  async function admit(req: IncomingMessage, method: string, op: Operation): Promise<Auth> {
    const p = await principalOf(req, method);
    if (!p.ok) return p;
    const caller = p.caller;
    if (caller.kind === 'read_token') {
      if (!READ_TOKEN_OPERATIONS[op.id]) return { ok: false, code: 'forbidden', message: `A read token reads one customer's balances, usage, top-ups, transfers and invoices; it cannot ${op.id}.` };
    } else if (!allows(caller.key.scopes, op.scope, op.method, op.id)) {
      return { ok: false, code: 'forbidden', message: `This key (scopes: ${[...caller.key.scopes].join(', ')}) cannot ${op.id}; it needs the ${op.scope} scope.` };
    }
    const limited = rateLimited(caller);
    if (limited) return { ok: false, code: 'rate_limited', message: `Too many requests for this ${caller.kind === 'key' ? 'key' : 'read token'}; retry after ${limited['retry-after']} s.`, headers: limited };
    return p;
  }

  /** A read token sees an invoice only if it is its customer's and not a draft. */
  async function invoiceVisibleTo(caller: Caller, id: string, call: CallContext): Promise<boolean> {
    if (caller.kind !== 'read_token') return true;
    const inv = (await gateway.call('getInvoice', { id }, call)).value as { customer: string; status: string };
    return inv.customer === caller.customer && inv.status !== 'draft';
  }

  /** POST/GET/DELETE /v1/session: the console's login with an API key. */
  async function sessionRoute(req: IncomingMessage, res: ServerResponse, method: string): Promise<number> {
    if (method === 'DELETE') {
      res.setHeader('set-cookie', clearedCookie());
      sendJson(res, 200, { ok: true });
      return 200;
    }
    if (method === 'GET') {
      const session = readSession(gateway.sessionSecret, req, Date.now());
      const who = session ? await gateway.keyById(session.keyId) : null;
      if (!session || !who || !keyLive(who, Date.now())) {
        sendError(res, 'unauthenticated', 'Not logged in.');
        return 401;
      }
      sendJson(res, 200, { key: { id: who.id, name: who.name, scopes: [...who.scopes] }, csrf_token: csrfToken(gateway.sessionSecret, session), expires_at: new Date(session.expiresAt).toISOString() });
      return 200;
    }
    if (method !== 'POST') {
      sendError(res, 'method_not_allowed', '/v1/session takes GET, POST and DELETE.');
      return 405;
    }
    if (!hostAllowed(req, allowedHosts) || !originAllowed(req)) {
      sendError(res, 'forbidden', 'Log in from this server\'s own origin.');
      return 403;
    }
    let body: { api_key?: unknown };
    try {
      body = JSON.parse((await readBody(req, 4096)).toString('utf8') || '{}') as { api_key?: unknown };
    } catch {
      sendError(res, 'invalid_json', 'The body is not valid JSON.');
      return 400;
    }
    const who = typeof body.api_key === 'string' ? await gateway.authenticate(body.api_key) : null;
    if (!who || !keyLive(who, Date.now())) {
      sendError(res, 'unauthenticated', 'This API key is unknown, malformed or revoked.');
      return 401;
    }
    const { cookie, session, csrf } = issueSession(gateway.sessionSecret, who.id, Date.now());
    res.setHeader('set-cookie', sessionCookie(cookie, options.secureCookies ?? false));
    sendJson(res, 200, { key: { id: who.id, name: who.name, scopes: [...who.scopes] }, csrf_token: csrf, expires_at: new Date(session.expiresAt).toISOString() });
    return 200;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader('x-request-id', requestId);
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const method = req.method ?? 'GET';
    let status = 0;
    let keyId: string | null = null;
    /** The route as a template (never the raw path, which may name a customer), for logs and metrics. */
    let route = 'unmatched';
    let opId: string | null = null;
    try {
      if (method === 'GET' && (path === '/metrics' || (path === '/v1/metrics' && wantsPrometheus(req, q < 0 ? '' : rawUrl.slice(q + 1))))) {
        route = `${path} (prometheus)`;
        const p = await admit(req, method, operations.getRuntimeStats as Operation);
        if (!p.ok) {
          status = ERROR_CODES[p.code].status;
          return sendError(res, p.code, p.message, {}, p.headers);
        }
        const stats = (await gateway.call('getRuntimeStats', {}, contextOf(req, requestId, p.caller))).value as RuntimeStatsLike;
        const text = doorMetrics.render(stats);
        status = 200;
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
        res.end(text);
        return;
      }
      for (const ext of extensions) {
        if (await ext(req, res, path)) {
          route = path.startsWith('/api/') ? '/api/v1/events (Lago)' : '(console)';
          status = res.statusCode;
          return;
        }
      }
      if (path === '/v1/session') {
        route = '/v1/session';
        status = await sessionRoute(req, res, method);
        return;
      }
      if (method === 'OPTIONS' && path.startsWith('/v1/')) {
        route = '(preflight)';
        // CORS preflight, for read tokens used from customers' browsers (GET with an Authorization header).
        status = 204;
        res.writeHead(204, { ...CORS_HEADERS, 'access-control-allow-methods': 'GET', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' });
        res.end();
        return;
      }
      if (bearer(req)?.startsWith('tgr_')) for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
      if (path === '/v1/live' && method === 'GET') {
        route = '/v1/live';
        // EventSource cannot send headers, so a read token may come as ?access_token= here (and only here).
        const queryToken = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)).get('access_token');
        const p = queryToken && looksLikeReadToken(queryToken) ? await readTokenCaller(queryToken) : await principalOf(req, method);
        if (!p.ok) {
          status = ERROR_CODES[p.code].status;
          return sendError(res, p.code, p.message);
        }
        if (p.caller.kind === 'read_token') for (const [k, v] of Object.entries(CORS_HEADERS)) res.setHeader(k, v);
        status = 200;
        live.attach(res, p.caller.kind === 'read_token' ? p.caller.customer : null);
        return;
      }
      const fileRoute = method === 'GET' ? FILE_ROUTES.find((r) => r.regex.test(path)) : undefined;
      if (fileRoute) {
        route = fileRoute.route;
        opId = fileRoute.op;
        const op = operations[fileRoute.op] as Operation;
        const p = await admit(req, method, op);
        if (!p.ok) {
          status = ERROR_CODES[p.code].status;
          return sendError(res, p.code, p.message, {}, p.headers);
        }
        keyId = contextOf(req, requestId, p.caller).keyId;
        const param = fileRoute.regex.exec(path)![1];
        const fileInput = { ...parseQuery(q < 0 ? '' : rawUrl.slice(q + 1)), ...(param === undefined ? {} : { id: decodeURIComponent(param) }) };
        const parsed = op.input.safeParse(fileInput);
        if (!parsed.success) {
          status = 422;
          const issues = inputIssues(parsed.error, fileInput);
          return sendError(res, 'validation_failed', issuesText(issues, '(query)'), { issues });
        }
        const call = contextOf(req, requestId, p.caller);
        const input = parsed.data as { id?: string };
        if (input.id !== undefined && !(await invoiceVisibleTo(p.caller, input.id, call))) {
          status = 404;
          return sendError(res, 'not_found', `No invoice ${input.id} for this customer.`);
        }
        const out = await gateway.call(fileRoute.op, parsed.data, call);
        const file = out.value as { filename: string; content_type: string; sha256?: string; base64: string };
        const bytes = Buffer.from(file.base64, 'base64');
        status = 200;
        res.writeHead(200, {
          'content-type': file.content_type,
          'content-length': bytes.length,
          'content-disposition': `${file.content_type === 'application/pdf' ? 'inline' : 'attachment'}; filename="${file.filename}"`,
          ...(file.sha256 ? { 'x-content-sha256': file.sha256 } : {}),
          'cache-control': 'no-store',
        });
        res.end(bytes);
        return;
      }
      if (method === 'GET' && path === '/v1/openapi.json') {
        route = '/v1/openapi.json';
        openApiText ??= JSON.stringify(openApiDocument());
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(openApiText);
        return;
      }
      const match = router.match(method, path);
      if (match === null) {
        status = 404;
        return sendError(res, 'not_found', `No route ${method} ${path}. The API document is at GET /v1/openapi.json.`);
      }
      if (match === 'method_not_allowed') {
        status = 405;
        return sendError(res, 'method_not_allowed', `${path} does not take ${method}.`);
      }
      const op = match.op;
      route = op.path;
      opId = op.id;
      let principal = contextOf(req, requestId, null);
      let caller: Caller | null = null;
      if (!PUBLIC_OPS.has(op.id)) {
        const p = await admit(req, method, op);
        if (!p.ok) {
          status = ERROR_CODES[p.code].status;
          return sendError(res, p.code, p.message, p.code === 'forbidden' ? { needed: op.scope } : {}, p.headers);
        }
        caller = p.caller;
        principal = contextOf(req, requestId, caller);
        keyId = principal.keyId;
      }
      let body: Record<string, unknown> = {};
      if (method !== 'GET' && method !== 'DELETE') {
        const raw = await readBody(req, maxBody);
        if (raw.length > 0) {
          const type = (req.headers['content-type'] ?? '').toLowerCase();
          if (!type.startsWith('application/json')) {
            status = 415;
            return sendError(res, 'unsupported_media_type', `Send the body as application/json (got ${type || 'no content type'}).`);
          }
          let parsed: unknown;
          try {
            parsed = JSON.parse(raw.toString('utf8'));
          } catch (e) {
            status = 400;
            return sendError(res, 'invalid_json', `The body is not valid JSON: ${(e as Error).message}`);
          }
          if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
            status = 422;
            return sendError(res, 'validation_failed', 'The body must be a JSON object.', { issues: [{ path: [], message: 'expected an object' }] });
          }
          body = parsed as Record<string, unknown>;
        }
      }
      const input = { ...(method === 'GET' ? parseQuery(q < 0 ? '' : rawUrl.slice(q + 1)) : {}), ...body, ...match.params };
      const parsed = op.input.safeParse(input);
      if (!parsed.success) {
        status = 422;
        const issues = inputIssues(parsed.error, input);
        if (op.id === 'ingestEvent') gateway.noteRefusal('validation_failed', input, issues.map((i) => i.message).join('; '));
        return sendError(res, 'validation_failed', issuesText(issues, '(body)'), { issues });
      }
      let data = parsed.data as Record<string, unknown>;
      if (op.id === 'ingestBatch') {
        // Each event is validated here, on the door's thread, in parallel with the engine's writes.
        const events = data.events as unknown[];
        if (events.length <= maxBatchEvents) {
          const prepared = prepareBatch(events);
          prepared.forEach((item, k) => {
            if (!item.ok) gateway.noteRefusal('validation_failed', events[k], item.message);
          });
          data = { events: [], prepared } satisfies PreparedBatch;
        }
      }
      if (caller?.kind === 'read_token') {
        const rule = READ_TOKEN_OPERATIONS[op.id]!;
        if ('param' in rule) {
          if (data[rule.param] !== undefined && data[rule.param] !== caller.customer) {
            status = 403;
            return sendError(res, 'forbidden', 'This read token reads its own customer only.');
          }
          data = { ...data, [rule.param]: caller.customer };
        } else if (!(await invoiceVisibleTo(caller, String(data.id), principal))) {
          status = 404;
          return sendError(res, 'not_found', `No invoice ${String(data.id)} for this customer.`);
        }
      }
      const out = await gateway.call(op.id as never, data, principal);
      status = out.replayed ? 200 : op.status;
      let value = out.value;
      if (caller?.kind === 'read_token' && op.id === 'listInvoices') {
        // Drafts are the operator's work in progress, not the customer's documents.
        const pageOut = value as { data: { status: string }[]; next_cursor: string | null };
        value = { ...pageOut, data: pageOut.data.filter((inv) => inv.status !== 'draft') };
      }
      // A replay says so whatever the operation's status: an increment or a capture answers 200 either way.
      sendJson(res, status, value, out.replayed ? { 'idempotent-replayed': 'true' } : {});
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        status = 413;
        sendError(res, 'payload_too_large', `The body is larger than ${maxBody} bytes.`, { max_bytes: maxBody }, { connection: 'close' });
        return;
      }
      if (err instanceof TollgateError) {
        status = err.status;
        sendJson(res, status, err.toBody());
        return;
      }
      status = 500;
      options.log?.({ level: 'error', request_id: requestId, route, error: (err as Error)?.stack ?? String(err) });
      if (!res.headersSent) sendError(res, 'internal_error', `Internal error (request ${requestId}); nothing was written.`);
      else res.destroy();
    } finally {
      const seconds = (performance.now() - started) / 1000;
      if (status) doorMetrics.request(method, route, status, seconds, opId);
      if (options.log && status) options.log({ level: 'info', request_id: requestId, key_id: keyId, method, route, status, latency_ms: Math.round(seconds * 1e6) / 1000 });
    }
  }

  return { handle, listening, live };
}

export function openApiDocument() {
  return buildOpenApi({
    version: VERSION,
    extraRoutes: [
      { method: 'get', path: '/v1/openapi.json', summary: 'This document.', tag: 'System', responses: { '200': { description: 'The OpenAPI 3.1 document.' } }, security: [] },
      {
        method: 'get',
        path: '/v1/live',
        summary: 'Server-sent events: `hello` on connect, then `changes` a few times a second with the latest state of each changed balance, hold, event summary, top-up and invoice.',
        tag: 'System',
        responses: { '200': { description: 'text/event-stream' } },
      },
      ...[
        ['/v1/invoices/{id}/pdf', 'The invoice PDF: the one issued, byte for byte, for a finalized invoice (x-content-sha256 carries its SHA-256); a draft renders now.'],
        ['/v1/credit-notes/{id}/pdf', 'A credit note PDF.'],
        ['/v1/top-ups/{id}/receipt.pdf', 'A top-up receipt PDF.'],
      ].map(([path, summary]) => ({ method: 'get' as const, path: path!, summary: summary!, tag: 'Invoicing', responses: { '200': { description: 'application/pdf' } } })),
      {
        method: 'post',
        path: '/v1/session',
        summary: 'Console login: `{"api_key"}` sets an HttpOnly session cookie and returns the CSRF token that cookie-authenticated writes send in `x-csrf-token`. GET returns the session, DELETE logs out.',
        tag: 'System',
        responses: { '200': { description: 'Logged in.' }, '401': { description: 'Unknown key.' } },
        security: [],
      },
    ],
  });
}

/** Starts the HTTP server in front of an engine: an `Engine` in this thread, or any gateway. */
export async function startServer(target: Engine | EngineGateway, options: ServerOptions = {}): Promise<RunningServer> {
  // Loaded only for an engine in this thread: a door on its own thread must not load the engine's code.
  const gateway = 'call' in target ? target : new (await import('../engine/gateway')).LocalGateway(target);
  const { handle, listening, live } = createApiListener(gateway, options);
  const serverOptions = { keepAliveTimeout: 65_000, requestTimeout: 120_000 };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server: Server = options.tls ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key }, onRequest) : createServer(serverOptions, onRequest);
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  listening(addr.port, addr.address);
  return {
    server,
    url: `${options.tls ? 'https' : 'http'}://${host}:${addr.port}`,
    port: addr.port,
    gateway,
    close: () =>
      new Promise<void>((resolve) => {
        live.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type { Operation };

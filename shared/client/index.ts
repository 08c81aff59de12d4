import { operations, type InputOf, type OperationId, type OutputOf } from '../contract/operations';

/** An error answer of the API, with its machine-readable code. */
export class TollgateApiError extends Error {
  override name = 'TollgateApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    /** The `Retry-After` header of the answer, as sent (seconds or an HTTP date), if any. */
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }
}

/** Per-request options: a signal aborts the request (the resilient client's timeouts use it). */
export interface RequestOptions {
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** e.g. `http://127.0.0.1:8787` */
  baseUrl: string;
  apiKey?: string;
  fetch?: typeof fetch;
  /** Extra headers on every request (the console adds its CSRF token here). */
  headers?: () => Record<string, string>;
  /** Send cookies (the console served by Tollgate itself). */
  credentials?: 'include' | 'same-origin' | 'omit';
}

export interface CallResult<K extends OperationId> {
  status: number;
  body: OutputOf<K>;
  replayed: boolean;
}

/**
 * A typed client for every operation of the contract. `call('ingestEvent', {...})` checks the input
 * type at compile time, fills path parameters, sends GET inputs as the query and others as JSON,
 * and returns the typed answer or throws `TollgateApiError`.
 */
export function createClient(options: ClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const base = options.baseUrl.replace(/\/$/, '');

  async function send<K extends OperationId>(id: K, input: InputOf<K>, request: RequestOptions = {}): Promise<CallResult<K>> {
    const op = operations[id];
    const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
    const path = op.path.replace(/\{([a-z_]+)\}/g, (_, name: string) => {
      const v = rest[name];
      delete rest[name];
      if (v === undefined || v === null) throw new TypeError(`${id}: missing path parameter ${name}`);
      return encodeURIComponent(String(v));
    });
    let url = base + path;
    const headers: Record<string, string> = { accept: 'application/json', ...(options.headers?.() ?? {}) };
    if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
    let body: string | undefined;
    if (op.method === 'GET') {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== null) q.set(k, String(v));
      const s = q.toString();
      if (s) url += '?' + s;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(rest, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    }
    const res = await doFetch(url, { method: op.method, headers, body, ...(options.credentials ? { credentials: options.credentials } : {}), ...(request.signal ? { signal: request.signal } : {}) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new TollgateApiError(res.status, 'invalid_response', `Not JSON (HTTP ${res.status}): ${text.slice(0, 200)}`, {}, res.headers.get('retry-after'));
    }
    if (!res.ok) {
      const e = (parsed as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
      throw new TollgateApiError(res.status, e?.code ?? 'http_error', e?.message ?? `HTTP ${res.status}`, e?.details ?? {}, res.headers.get('retry-after'));
    }
    // The header marks every replay (an increment or a capture answers 200 either way); the status
    // alone still tells one from a server that predates the header.
    const replayed = res.headers.get('idempotent-replayed') === 'true' || (res.status === 200 && op.status === 201);
    return { status: res.status, body: parsed as OutputOf<K>, replayed };
  }

  return {
    /** The full answer: status, typed body, and whether it was an idempotent replay. */
    send,
    /** Just the typed body. */
    call: async <K extends OperationId>(id: K, input: InputOf<K>, request?: RequestOptions): Promise<OutputOf<K>> => (await send(id, input, request)).body,
  };
}

export type TollgateClient = ReturnType<typeof createClient>;
export type { InputOf, OperationId, OutputOf };

import { createClient, TollgateApiError } from '../../shared/client';
import type { OperationId } from '../../shared/contract/operations';
import type { LiveChange } from '../engine/context';
import type { DesktopStatus, LiveMessage } from './desktop-protocol';
import type { IpcAnswer } from './ipc-door';

export interface RemoteOptions {
  /** A Tollgate in serve mode on an always-on host, e.g. https://billing.example.com */
  url: string;
  apiKey: string;
  fetch?: typeof fetch;
}

/**
 * The desktop app as the console of a remote Tollgate (the production topology): the console's
 * calls go to the remote API with the operator's key, and the live feed is the remote's SSE
 * stream, reconnected with backoff. The renderer cannot tell it from the local engine.
 */
export class RemoteBackend {
  private readonly client: ReturnType<typeof createClient>;
  private readonly listeners = new Set<(m: LiveMessage) => void>();
  private abort: AbortController | null = null;
  private stopped = false;
  private readonly doFetch: typeof fetch;

  constructor(private readonly o: RemoteOptions) {
    this.doFetch = o.fetch ?? globalThis.fetch.bind(globalThis);
    this.client = createClient({ baseUrl: o.url, apiKey: o.apiKey, fetch: this.doFetch });
  }

  status(): DesktopStatus {
    return { mode: 'remote', dataDir: null, apiUrl: this.o.url.replace(/\/$/, ''), httpError: null, initialAdminKey: null, instanceId: null };
  }

  async call(op: string, input: unknown): Promise<IpcAnswer> {
    try {
      const out = await this.client.send(op as OperationId, (input ?? {}) as never);
      return { ok: true, value: out.body };
    } catch (err) {
      if (err instanceof TollgateApiError) return { ok: false, error: { status: err.status, code: err.code, message: err.message, details: err.details } };
      return { ok: false, error: { status: 0, code: 'network_error', message: `${this.o.url} did not answer: ${(err as Error)?.message ?? String(err)}`, details: {} } };
    }
  }

  onLive(listener: (m: LiveMessage) => void): () => void {
    this.listeners.add(listener);
    if (!this.abort && !this.stopped) void this.stream();
    return () => this.listeners.delete(listener);
  }

  /** Reads the remote's server-sent events, reconnecting (1 s, 2 s, ... 30 s) until stopped. */
  private async stream(): Promise<void> {
    let wait = 1000;
    while (!this.stopped) {
      this.abort = new AbortController();
      try {
        const res = await this.doFetch(`${this.o.url.replace(/\/$/, '')}/v1/live`, { headers: { authorization: `Bearer ${this.o.apiKey}`, accept: 'text/event-stream' }, signal: this.abort.signal });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        wait = 1000;
        const decoder = new TextDecoder();
        let buffer = '';
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            this.dispatch(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        /* reconnect below */
      }
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 30_000);
    }
  }

  private dispatch(frame: string): void {
    let event = 'message';
    let data = '';
    for (const line of frame.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (!data) return;
    const body = JSON.parse(data) as { at: string; instance_id?: string; changes?: LiveChange[]; more_events?: number };
    const message: LiveMessage | null =
      event === 'hello' ? { kind: 'hello', at: body.at, instanceId: body.instance_id ?? null } : event === 'changes' ? { kind: 'changes', at: body.at, changes: body.changes ?? [], moreEvents: body.more_events ?? 0 } : null;
    if (message) for (const l of this.listeners) l(message);
  }

  async catchUp(): Promise<void> {
    // The remote engine keeps its own time; nothing to do here.
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort?.abort();
    this.listeners.clear();
  }
}

import { createHmac } from 'node:crypto';
import type { OutboxRow, WebhookEndpointRow } from '../../storage/store';
import type { EngineContext } from '../context';
import type { Writer } from '../writer';

/** Retry schedule (after the first attempt): about 3.4 days in all, then the message is a dead letter. */
export const RETRY_SCHEDULE_MS = [10_000, 30_000, 120_000, 600_000, 1_800_000, 3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 24 * 3_600_000, 24 * 3_600_000, 24 * 3_600_000];
/** An endpoint that has failed without a success for this long is disabled. */
export const DISABLE_AFTER_MS = 3 * 24 * 3_600_000;
const TIMEOUT_MS = 10_000;
const CONCURRENCY = 8;

/** `Tollgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` */
export function signature(secret: string, timestampSeconds: number, body: string): string {
  return `t=${timestampSeconds},v1=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}

interface Outcome {
  row: OutboxRow;
  ok: boolean;
  status: number | null;
  error: string | null;
  latencyMs: number;
}

/**
 * Outgoing webhooks, part two: delivery from the outbox. At least once (a receiver may see a
 * message twice: the id is stable across retries and restarts, so it can drop repeats) and not
 * in order. Failures are retried with exponential backoff and jitter, then kept as dead letters
 * (replayable); an endpoint failing for days is disabled and an alert says so.
 */
export class Deliverer {
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Deliveries made since start (metrics). */
  readonly stats = { delivered: 0, failed: 0 };

  constructor(
    private readonly ctx: EngineContext,
    private readonly writer: Writer,
    private readonly schedule: number[] = RETRY_SCHEDULE_MS,
    private readonly disableAfterMs = DISABLE_AFTER_MS,
    private readonly onDisabled: (endpoint: WebhookEndpointRow) => void = () => undefined,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Runs a pass now (new messages were queued), unless one is running. */
  wake(): void {
    if (this.stopped || this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.pass();
  }

  private async pass(): Promise<void> {
    this.running = true;
    try {
      for (;;) {
        if (this.stopped) return;
        const now = this.ctx.now();
        const endpoints = new Map(this.ctx.store.listWebhookEndpoints().map((e) => [e.id, e]));
        const due = this.ctx.store.listDueOutbox(now, 64).filter((r) => endpoints.has(r.endpoint_id));
        if (!due.length) break;
        const outcomes: Outcome[] = [];
        for (let i = 0; i < due.length; i += CONCURRENCY) {
          outcomes.push(...(await Promise.all(due.slice(i, i + CONCURRENCY).map((row) => this.send(row, endpoints.get(row.endpoint_id)!)))));
        }
        await this.writer.run(() => this.record(outcomes), 'interactive');
      }
    } catch {
      /* the store may be closing; the next wake retries */
    } finally {
      this.running = false;
    }
    if (!this.stopped) this.scheduleNext();
  }

  private scheduleNext(): void {
    const next = this.ctx.store.nextOutboxAttempt();
    if (next === null) return;
    const delay = Math.max(50, Math.min(next - this.ctx.now(), 60_000));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.wake();
    }, delay);
    this.timer.unref();
  }

  private async send(row: OutboxRow, endpoint: WebhookEndpointRow): Promise<Outcome> {
    return { row, ...(await this.post(endpoint, row.message_id, row.body)) };
  }

  /** One signed POST of a message to an endpoint, and what came of it. */
  async post(endpoint: WebhookEndpointRow, messageId: string, body: string): Promise<Omit<Outcome, 'row'>> {
    const started = performance.now();
    const t = Math.floor(this.ctx.now() / 1000);
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tollgate-Webhooks/1',
          'tollgate-webhook-id': messageId,
          'tollgate-signature': signature(endpoint.secret, t, body),
        },
        body,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'manual',
      });
      await res.arrayBuffer().catch(() => undefined);
      const ok = res.status >= 200 && res.status < 300;
      return { ok, status: res.status, error: ok ? null : `HTTP ${res.status}`, latencyMs: Math.round(performance.now() - started) };
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
      // fetch says only "fetch failed"; the cause says what (ECONNREFUSED, a certificate error...).
      const detail = cause?.code ?? cause?.message;
      const error = (err as Error)?.message ?? String(err);
      return { ok: false, status: null, error: detail ? `${error}: ${detail}` : error, latencyMs: Math.round(performance.now() - started) };
    }
  }

  /** Records the outcomes in one operation: delivered, or the next attempt (with jitter), or dead. */
  private record(outcomes: Outcome[]): void {
    const now = this.ctx.now();
    const endpoints = new Map(this.ctx.store.listWebhookEndpoints().map((e) => [e.id, e]));
    for (const o of outcomes) {
      const attempts = o.row.attempts + 1;
      const base = { ...o.row, attempts, last_attempt_at: now, last_status: o.status, last_error: o.error, last_latency_ms: o.latencyMs };
      const endpoint = endpoints.get(o.row.endpoint_id);
      if (o.ok) {
        this.stats.delivered++;
        this.ctx.store.updateOutbox({ ...base, status: 'delivered', delivered_at: now });
        if (endpoint && endpoint.failing_since !== null) {
          endpoint.failing_since = null;
          this.ctx.store.updateWebhookEndpoint({ ...endpoint, failing_since: null, updated_at: now });
        }
        continue;
      }
      this.stats.failed++;
      const wait = this.schedule[attempts - 1];
      if (wait === undefined) this.ctx.store.updateOutbox({ ...base, status: 'dead' });
      else this.ctx.store.updateOutbox({ ...base, next_attempt_at: now + Math.round(wait * (0.8 + Math.random() * 0.4)) });
      if (endpoint) {
        if (endpoint.failing_since === null) endpoint.failing_since = now;
        const disable = endpoint.enabled === 1 && now - endpoint.failing_since >= this.disableAfterMs;
        if (disable) {
          endpoint.enabled = 0;
          endpoint.disabled_reason = `Every delivery failed since ${new Date(endpoint.failing_since).toISOString()} (last: ${o.error}).`;
        }
        this.ctx.store.updateWebhookEndpoint({ ...endpoint, updated_at: now });
        if (disable) this.onDisabled(endpoint);
      }
    }
  }
}

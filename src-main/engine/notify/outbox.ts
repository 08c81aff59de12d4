import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { CreatedWebhookEndpoint, CreateWebhookEndpoint, UpdateWebhookEndpoint, WebhookDelivery, WebhookEndpoint } from '../../../shared/contract/notify';
import { WEBHOOK_TEST_TYPE } from '../../../shared/contract/webhook-messages';
import type { OutboxRow, WebhookEndpointRow } from '../../storage/store';
import type { EngineContext } from '../context';
import { fail } from '../errors';
import { decodeNumericCursor, encodeCursor, iso, isoOrNull } from '../format';
import { newId } from '../ids';

export const API_VERSION = '2026-11-01';

/**
 * Outgoing webhooks, part one: endpoints and the outbox. A message is written to the outbox in the
 * same transaction as the change that caused it, one row per subscribed endpoint with the same
 * message id, so a rolled-back change sends nothing and a restart loses nothing. Delivery (retries,
 * dead letters, disabling) is the Deliverer's job.
 */
export class Outbox {
  private endpoints: WebhookEndpointRow[] | null = null;

  constructor(private readonly ctx: EngineContext) {
    ctx.registerCache(() => {
      this.endpoints = null;
    });
  }

  private all(): WebhookEndpointRow[] {
    return (this.endpoints ??= this.ctx.store.listWebhookEndpoints());
  }

  private changed(): void {
    this.endpoints = null;
    this.ctx.onUndo(() => {
      this.endpoints = null;
    });
  }

  /**
   * Queues a message for every endpoint that wants its type, disabled ones too: a disabled endpoint
   * is paused, and its messages wait until it is enabled again (deleting it drops them). Returns
   * the message id (null: nobody listens).
   */
  enqueue(type: string, data: Record<string, unknown>): string | null {
    const targets = this.all().filter((e) => (JSON.parse(e.event_types) as string[]).some((t) => t === '*' || t === type));
    if (!targets.length) return null;
    const now = this.ctx.now();
    const id = newId('evt', now);
    const body = JSON.stringify({ id, type, created_at: iso(now), api_version: API_VERSION, data });
    for (const e of targets) this.ctx.store.insertOutbox({ message_id: id, endpoint_id: e.id, type, body, next_attempt_at: now, created_at: now });
    this.ctx.afterCommit(() => this.onQueued?.());
    return id;
  }

  /** Wakes the deliverer after a commit that queued messages. */
  onQueued: (() => void) | null = null;

  create(input: z.output<typeof CreateWebhookEndpoint>): z.output<typeof CreatedWebhookEndpoint> {
    const now = this.ctx.now();
    const row: WebhookEndpointRow = {
      id: newId('we', now),
      url: input.url,
      description: input.description ?? null,
      event_types: JSON.stringify(input.event_types),
      enabled: input.enabled === false ? 0 : 1,
      secret: `whsec_${randomBytes(24).toString('base64url')}`,
      failing_since: null,
      disabled_reason: null,
      created_at: now,
      updated_at: now,
    };
    this.ctx.store.insertWebhookEndpoint(row);
    this.changed();
    return { ...this.toApi(row), secret: row.secret };
  }

  update(input: z.output<typeof UpdateWebhookEndpoint>): z.output<typeof WebhookEndpoint> & { secret?: string } {
    const row = this.ctx.store.getWebhookEndpoint(input.id) ?? fail('not_found', `No webhook endpoint ${input.id}.`, { endpoint: input.id });
    const next: WebhookEndpointRow = {
      ...row,
      url: input.url ?? row.url,
      description: input.description !== undefined ? input.description : row.description,
      event_types: input.event_types ? JSON.stringify(input.event_types) : row.event_types,
      enabled: input.enabled === undefined ? row.enabled : input.enabled ? 1 : 0,
      secret: input.rotate_secret ? `whsec_${randomBytes(24).toString('base64url')}` : row.secret,
      // Re-enabling forgets the failure streak that disabled it.
      failing_since: input.enabled ? null : row.failing_since,
      disabled_reason: input.enabled ? null : row.disabled_reason,
      updated_at: this.ctx.now(),
    };
    this.ctx.store.updateWebhookEndpoint(next);
    this.changed();
    // Enabled again: what waited while it was paused is due now.
    if (next.enabled === 1 && row.enabled === 0) this.ctx.afterCommit(() => this.onQueued?.());
    return { ...this.toApi(next), ...(input.rotate_secret ? { secret: next.secret } : {}) };
  }

  /** Deletes an endpoint with its delivery log; its pending messages are dropped. */
  delete(id: string): { deleted: boolean; deliveries_removed: number } {
    const removed = this.ctx.store.deleteWebhookEndpoint(id);
    if (removed.endpoint === 0) fail('not_found', `No webhook endpoint ${id}.`, { endpoint: id });
    this.changed();
    return { deleted: true, deliveries_removed: removed.deliveries };
  }

  list() {
    return { data: this.ctx.store.listWebhookEndpoints().map((e) => this.toApi(e)) };
  }

  deliveries(q: { endpoint?: string; status?: string; limit?: number; cursor?: string }) {
    const limit = q.limit ?? 50;
    const rows = this.ctx.store.listOutbox({ endpointId: q.endpoint ?? null, status: q.status ?? null, beforeId: decodeNumericCursor(q.cursor), limit: limit + 1 });
    const page = rows.slice(0, limit);
    return { data: page.map((r) => deliveryToApi(r)), next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
  }

  /** Sends a delivery again (a dead letter, or a delivered one on request): same message id. */
  replay(id: string): z.output<typeof WebhookDelivery> {
    const row = this.ctx.store.getOutbox(Number(id)) ?? fail('not_found', `No webhook delivery ${id}.`, { delivery: id });
    const next: OutboxRow = { ...row, status: 'pending', next_attempt_at: this.ctx.now() };
    this.ctx.store.updateOutbox(next);
    this.ctx.afterCommit(() => this.onQueued?.());
    return deliveryToApi(next);
  }

  /** The test message for an endpoint (`webhook.test`): its id and body, built like every message but queued nowhere. */
  testMessage(endpointId: string): { endpoint: WebhookEndpointRow; id: string; body: string } {
    const endpoint = this.ctx.store.getWebhookEndpoint(endpointId) ?? fail('not_found', `No webhook endpoint ${endpointId}.`, { endpoint: endpointId });
    const now = this.ctx.now();
    const id = newId('evt', now);
    const data = { endpoint: endpoint.id, message: 'A test message from Tollgate, sent on request: nothing happened. Answer 2xx to show the endpoint works.' };
    return { endpoint, id, body: JSON.stringify({ id, type: WEBHOOK_TEST_TYPE, created_at: iso(now), api_version: API_VERSION, data }) };
  }

  toApi(e: WebhookEndpointRow): z.output<typeof WebhookEndpoint> {
    return {
      id: e.id,
      url: e.url,
      description: e.description,
      event_types: JSON.parse(e.event_types) as string[],
      enabled: e.enabled === 1,
      disabled_reason: e.disabled_reason,
      failing_since: isoOrNull(e.failing_since),
      created_at: iso(e.created_at),
    };
  }
}

export function deliveryToApi(r: OutboxRow): z.output<typeof WebhookDelivery> {
  return {
    id: String(r.id),
    message_id: r.message_id,
    endpoint: r.endpoint_id,
    type: r.type,
    status: r.status,
    attempts: r.attempts,
    next_attempt_at: r.status === 'pending' ? iso(r.next_attempt_at) : null,
    last_attempt_at: isoOrNull(r.last_attempt_at),
    last_status: r.last_status,
    last_error: r.last_error,
    last_latency_ms: r.last_latency_ms,
    created_at: iso(r.created_at),
    delivered_at: isoOrNull(r.delivered_at),
    body: JSON.parse(r.body) as unknown,
  };
}

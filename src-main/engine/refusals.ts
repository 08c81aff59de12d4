import type { z } from 'zod';
import type { Refusals as RefusalsOut } from '../../shared/contract/ledger';
import type { EngineContext } from './context';
import type { Customers } from './customers';
import { iso } from './format';

/**
 * Refusals counted (the refused listing, metrics) but never sent as `event.refused` /
 * `authorization.declined` webhooks: an idempotency conflict is the caller's retry mistake (a key
 * or transaction_id reused with other content), not a refused event nor a declined authorization.
 */
const NOT_SENT = new Set(['idempotency_conflict']);

interface Pending {
  customerId: number;
  reason: string;
  minute: number;
  count: number;
}

/**
 * Refused events and declined authorizations have no ledger effect, so they are not rows of the
 * ledger: they are counted per customer, reason and minute, with a few sample bodies per reason.
 * Counting happens in memory and is written about once a second in one small operation, so a flood
 * of refusals costs the writer almost nothing.
 */
export class Refusals {
  private counts = new Map<string, Pending>();
  private samples: { customerId: number | null; reason: string; at: number; body: string; message: string; details: string | null }[] = [];
  /** Refusals since start, by reason (for metrics). */
  readonly totals = new Map<string, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
  ) {}

  /**
   * Coalescing windows of refusal webhooks, per customer and type: the first goes at once, the rest
   * as one summary when the window ends. `sample` is the message of the first refusal the summary
   * counts (the window's first was already sent on its own).
   */
  private readonly windows = new Map<string, CoalescingWindow>();
  /** Called (in the flush operation) with each webhook to queue. */
  onWebhook: ((type: string, data: Record<string, unknown>) => void) | null = null;
  private readonly queued: { type: string; data: Record<string, unknown> }[] = [];
  static readonly WINDOW_MS = 60_000;

  private coalesce(customerId: number | null, type: string, reason: string, message: string, now: number): void {
    const key = `${customerId ?? 0}:${type}`;
    const w = this.windows.get(key);
    if (!w || now >= w.start + Refusals.WINDOW_MS) {
      if (w && w.suppressed > 0) this.queued.push({ type, data: this.windowSummary(w) });
      this.windows.set(key, { customerId, type, start: now, suppressed: 0, reasons: new Map(), sample: null });
      this.queued.push({ type, data: { customer: this.externalOf(customerId), reason, message, count: 1, window_start: iso(now), coalesced: false } });
      return;
    }
    w.suppressed++;
    w.sample ??= message;
    w.reasons.set(reason, (w.reasons.get(reason) ?? 0) + 1);
  }

  private windowSummary(w: CoalescingWindow) {
    return { customer: this.externalOf(w.customerId), count: w.suppressed, reasons: Object.fromEntries(w.reasons), window_start: iso(w.start), window_end: iso(w.start + Refusals.WINDOW_MS), coalesced: true, sample_message: w.sample };
  }

  private externalOf(customerId: number | null): string | null {
    if (!customerId) return null;
    try {
      return this.customers.byInternalId(customerId).external_id;
    } catch {
      return null;
    }
  }

  /**
   * Counts one refusal. `details` are the refusal error's machine-readable details (amounts in minor
   * units, with the asset), or null where there are none (a request refused before it reached an
   * operation).
   */
  note(known: number | null, reason: string, body: unknown, message: string, details: Record<string, unknown> | null, source: 'event' | 'authorization' = 'event'): void {
    const now = this.ctx.now();
    // Refused before an operation looked the customer up (a malformed field, a batch item without
    // `code`): the body still names one, and the refusal belongs to it when it exists.
    const named = body !== null && typeof body === 'object' ? (body as { customer?: unknown }).customer : undefined;
    const customerId = known ?? (typeof named === 'string' ? (this.customers.find(named)?.id ?? null) : null);
    if (!NOT_SENT.has(reason)) this.coalesce(customerId, source === 'authorization' ? 'authorization.declined' : 'event.refused', reason, message, now);
    if (reason === 'spend_cap_exceeded') this.coalesce(customerId, 'spend_cap.reached', reason, message, now);
    const minute = Math.floor(now / 60_000);
    const key = `${customerId ?? 0}:${reason}:${minute}`;
    const p = this.counts.get(key);
    if (p) p.count++;
    else this.counts.set(key, { customerId: customerId ?? 0, reason, minute, count: 1 });
    this.totals.set(reason, (this.totals.get(reason) ?? 0) + 1);
    // Keep the newest few samples per reason between flushes; bodies are cut to a sane size.
    const perReason = this.samples.filter((s) => s.reason === reason).length;
    if (perReason < this.ctx.settings.refusalSamplesPerReason) {
      let text = '';
      try {
        text = JSON.stringify(body, bigintAsString) ?? '';
      } catch {
        text = '"(unserializable)"';
      }
      // Details are the engine's own, small and bounded; one that is not (or not JSON) is dropped
      // rather than cut, so what is kept always parses back to the object.
      let detailsText: string | null = null;
      if (details) {
        try {
          detailsText = JSON.stringify(details, bigintAsString) ?? null;
        } catch {
          detailsText = null;
        }
        if (detailsText !== null && detailsText.length > 4000) detailsText = null;
      }
      this.samples.push({ customerId, reason, at: now, body: text.length > 4000 ? text.slice(0, 4000) : text, message, details: detailsText });
    }
  }

  get dirty(): boolean {
    if (this.counts.size > 0 || this.samples.length > 0 || this.queued.length > 0) return true;
    const now = this.ctx.now();
    for (const w of this.windows.values()) if (w.suppressed > 0 && now >= w.start + Refusals.WINDOW_MS) return true;
    return false;
  }

  /** Writes what was counted; runs inside a writer operation. */
  flush(): void {
    const now = this.ctx.now();
    for (const [key, w] of this.windows) {
      if (now < w.start + Refusals.WINDOW_MS) continue;
      if (w.suppressed > 0) this.queued.push({ type: w.type, data: this.windowSummary(w) });
      this.windows.delete(key);
    }
    const webhooks = this.queued.splice(0);
    for (const h of webhooks) this.onWebhook?.(h.type, h.data);
    this.ctx.onUndo(() => this.queued.unshift(...webhooks));
    const counts = this.counts;
    const samples = this.samples;
    this.counts = new Map();
    this.samples = [];
    this.ctx.onUndo(() => {
      for (const [k, v] of counts) {
        const cur = this.counts.get(k);
        if (cur) cur.count += v.count;
        else this.counts.set(k, v);
      }
      this.samples.unshift(...samples);
    });
    for (const p of counts.values()) {
      for (let i = 0; i < p.count; i++) this.ctx.store.countRefusal(p.customerId, p.reason, p.minute);
    }
    for (const s of samples) this.ctx.store.insertRefusalSample({ customer_id: s.customerId, reason: s.reason, at: s.at, body: s.body, message: s.message, details: s.details }, this.ctx.settings.refusalSamplesPerReason);
    if (counts.size) this.ctx.emit({ type: 'refusal', customer: null, id: 'refusals' });
  }

  summary(customerId: number | null, sinceMs: number): z.output<typeof RefusalsOut> {
    const rows = this.ctx.store.refusalCounts(customerId, Math.floor(sinceMs / 60_000));
    return {
      reasons: rows.map((r) => ({
        reason: r.reason,
        count: r.count,
        // Samples from the same window as the counts: an old sample would explain a refusal not counted.
        samples: this.ctx.store.refusalSamples(r.reason, customerId, sinceMs, 5).map((s) => ({
          customer: s.customer_id ? (this.ctx.store.getCustomer(s.customer_id)?.external_id ?? null) : null,
          at: iso(s.at),
          message: s.message,
          body: safeParse(s.body),
          details: detailsOf(s.details),
        })),
      })),
    };
  }
}

interface CoalescingWindow {
  customerId: number | null;
  type: string;
  start: number;
  suppressed: number;
  reasons: Map<string, number>;
  sample: string | null;
}

/** Parsed inputs and error details carry amounts as bigint (an authorization's `amount`): kept as the API writes them, strings. */
function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A sample's stored details as the object they were, or null (none recorded, or not an object). */
function detailsOf(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  const v = safeParse(text);
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The event spool: where a usage event goes when Tollgate cannot be reached, so the app keeps
 * serving and the event is delivered later with its original `transaction_id`.
 *
 * Delivery from a spool is at least once (an event whose delivery was acknowledged by Tollgate but
 * not yet marked in the spool is sent again after a crash); Tollgate makes it exactly once, because
 * events are idempotent by `transaction_id`: a resend answers 200 (`replayed`) and moves no money.
 *
 * This module runs anywhere (no Node API). `MemorySpool` is for tests and browsers; a durable spool
 * for Node apps is `src-main/client/file-spool.ts`.
 */
import type { OperationId } from '../contract/operations';
import { TollgateApiError, type CallResult, type InputOf, type RequestOptions } from './index';

export type SpoolEventInput = InputOf<'ingestEvent'>;

/** One event waiting in a spool. */
export interface SpooledEvent {
  /** The spool's id of this entry: unique within the spool, never reused. */
  id: string;
  /** The event exactly as it will be sent (its `transaction_id` and `timestamp` fixed). */
  event: SpoolEventInput;
  /** When it was spooled (ISO 8601). */
  spooled_at: string;
  /** Why it was spooled: `network`, `timeout`, `server_error`, `rate_limited`, `circuit_open`... */
  reason: string;
}

/** Tollgate refused a spooled event for good (a 4xx for that event): it is never sent again. */
export interface SpoolRejection {
  id: string;
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Storage for events that could not be delivered. `append` must be durable when it resolves (for a
 * durable spool); `pending` answers the oldest undelivered entries first; an entry marked delivered
 * or rejected is never answered by `pending` again.
 */
export interface EventSpool {
  append(event: SpoolEventInput, meta?: { reason?: string }): Promise<SpooledEvent>;
  pending(limit?: number): Promise<SpooledEvent[]>;
  markDelivered(ids: readonly string[]): Promise<void>;
  markRejected(rejections: readonly SpoolRejection[]): Promise<void>;
}

/** What `replaySpool` needs of a client: `send` (the plain client and the resilient one both fit). */
export interface BatchSender {
  send<K extends OperationId>(id: K, input: InputOf<K>, request?: RequestOptions): Promise<CallResult<K>>;
}

export interface ReplayReport {
  /** True when the spool was drained: nothing was pending at the end. */
  complete: boolean;
  batches: number;
  /** Events sent (a resent event counts each time). */
  sent: number;
  /** Delivered now for the first time (201). */
  accepted: number;
  /** Tollgate had them already (200): delivered before, not yet marked in the spool. */
  replayed: number;
  /** Refused for good (4xx per event), moved out of the spool with the reason. */
  rejected: SpoolRejection[];
  /** Left pending because of a transient per-event failure (429 or 5xx for that event). */
  deferred: number;
}

/** The largest batch Tollgate takes (`POST /v1/events/batch`). */
export const MAX_BATCH_EVENTS = 1000;

/**
 * Sends a spool's pending events through `ingestBatch`, oldest first, in batches of up to 1,000,
 * with their original transaction ids. Per event: 201 (accepted) and 200 (replayed) are delivered;
 * any other 4xx is a rejection (moved out, never retried); 429 and 5xx stay pending and end this
 * round (`complete: false`). A failure of the batch request itself (Tollgate unreachable) throws,
 * after everything earlier batches did has been marked.
 */
export async function replaySpool(spool: EventSpool, client: BatchSender, opts: { batchSize?: number; signal?: AbortSignal } = {}): Promise<ReplayReport> {
  let size = Math.max(1, Math.min(opts.batchSize ?? MAX_BATCH_EVENTS, MAX_BATCH_EVENTS));
  const report: ReplayReport = { complete: false, batches: 0, sent: 0, accepted: 0, replayed: 0, rejected: [], deferred: 0 };
  for (;;) {
    opts.signal?.throwIfAborted();
    const batch = await spool.pending(size);
    if (batch.length === 0) {
      report.complete = true;
      return report;
    }
    let answer: CallResult<'ingestBatch'>;
    try {
      answer = await client.send('ingestBatch', { events: batch.map((e) => e.event) }, opts.signal ? { signal: opts.signal } : {});
    } catch (err) {
      // the server takes smaller batches than we sent: its limit is in the details
      if (err instanceof TollgateApiError && err.code === 'too_many_events' && size > 1) {
        const max = Number(err.details.max);
        size = Number.isInteger(max) && max > 0 && max < size ? max : Math.max(1, Math.floor(size / 2));
        continue;
      }
      throw err;
    }
    report.batches++;
    report.sent += batch.length;
    const delivered: string[] = [];
    const rejected: SpoolRejection[] = [];
    const seen = new Set<number>();
    for (const r of answer.body.results) {
      const entry = batch[r.index];
      if (!entry || seen.has(r.index)) continue;
      seen.add(r.index);
      if (r.status === 201 || r.status === 200) {
        delivered.push(entry.id);
        if (r.status === 201) report.accepted++;
        else report.replayed++;
      } else if (r.status >= 400 && r.status < 500 && r.status !== 429) {
        rejected.push({ id: entry.id, status: r.status, code: r.error?.code ?? 'http_error', message: r.error?.message ?? `HTTP ${r.status}`, details: r.error?.details ?? {} });
      }
    }
    const deferred = batch.length - delivered.length - rejected.length;
    // rejections first: a crash between the two writes resends delivered events (answered 200)
    if (rejected.length) await spool.markRejected(rejected);
    if (delivered.length) await spool.markDelivered(delivered);
    report.rejected.push(...rejected);
    if (deferred > 0) {
      report.deferred += deferred;
      return report;
    }
  }
}

export interface ReplayerOptions {
  /** Between rounds while everything gets delivered (default 10 s); `kick()` starts one at once. */
  intervalMs?: number;
  /** Backoff while Tollgate is down: full jitter between `minDelayMs` and min(maxDelayMs, minDelayMs * 2^failures). */
  minDelayMs?: number;
  maxDelayMs?: number;
  batchSize?: number;
  random?: () => number;
  onReport?: (report: ReplayReport) => void;
  onError?: (err: unknown, consecutiveFailures: number) => void;
  /** Called after a round that drained the spool. */
  onDrained?: () => void;
}

export interface Replayer {
  /** Start a round now (for example after an append, or when the app learns Tollgate is back). */
  kick(): void;
  /** Stop after the round in progress, if any. */
  stop(): Promise<void>;
  readonly consecutiveFailures: number;
}

/**
 * A background loop that replays the spool: every `intervalMs` while Tollgate answers, with
 * exponential backoff and jitter while it does not. Its timers do not keep a Node process alive.
 */
export function startReplayer(spool: EventSpool, client: BatchSender, opts: ReplayerOptions = {}): Replayer {
  const intervalMs = opts.intervalMs ?? 10_000;
  const minDelayMs = opts.minDelayMs ?? 500;
  const maxDelayMs = opts.maxDelayMs ?? 60_000;
  const random = opts.random ?? Math.random;
  let stopped = false;
  let failures = 0;
  let wake: (() => void) | null = null;
  let kicked = false;
  const abort = new AbortController();

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (kicked || stopped) {
        kicked = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      (timer as { unref?: () => void }).unref?.();
      function done() {
        clearTimeout(timer);
        wake = null;
        kicked = false;
        resolve();
      }
      wake = done;
    });

  const loop = (async () => {
    while (!stopped) {
      let delay = intervalMs;
      try {
        const report = await replaySpool(spool, client, { batchSize: opts.batchSize, signal: abort.signal });
        opts.onReport?.(report);
        if (report.complete) {
          failures = 0;
          opts.onDrained?.();
        } else {
          failures++;
        }
      } catch (err) {
        if (stopped) break;
        failures++;
        opts.onError?.(err, failures);
      }
      if (failures > 0) {
        const cap = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(failures, 30));
        delay = minDelayMs + random() * (cap - minDelayMs);
      }
      await wait(delay);
    }
  })();

  return {
    kick() {
      kicked = true;
      wake?.();
    },
    async stop() {
      stopped = true;
      abort.abort(new Error('replayer stopped'));
      wake?.();
      await loop;
    },
    get consecutiveFailures() {
      return failures;
    },
  };
}

/** A spool in memory: for tests and for browsers (not durable: a closed tab loses it). */
export class MemorySpool implements EventSpool {
  private seq = 0;
  private readonly entries = new Map<string, SpooledEvent>();
  readonly rejected: (SpoolRejection & { event: SpoolEventInput })[] = [];
  constructor(private readonly now: () => number = Date.now) {}

  async append(event: SpoolEventInput, meta: { reason?: string } = {}): Promise<SpooledEvent> {
    const entry: SpooledEvent = { id: String(++this.seq), event: structuredClone(event), spooled_at: new Date(this.now()).toISOString(), reason: meta.reason ?? 'unknown' };
    this.entries.set(entry.id, entry);
    return entry;
  }
  async pending(limit = Infinity): Promise<SpooledEvent[]> {
    return [...this.entries.values()].slice(0, limit);
  }
  async markDelivered(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.entries.delete(id);
  }
  async markRejected(rejections: readonly SpoolRejection[]): Promise<void> {
    for (const r of rejections) {
      const e = this.entries.get(r.id);
      if (!e) continue;
      this.rejected.push({ ...r, event: e.event });
      this.entries.delete(r.id);
    }
  }
  get size(): number {
    return this.entries.size;
  }
}

import type { z } from 'zod';
import type { Refusals as RefusalsOut } from '../../shared/contract/ledger';
import type { EngineContext } from './context';
import type { Customers } from './customers';
import { iso } from './format';

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
  private samples: { customerId: number | null; reason: string; at: number; body: string; message: string }[] = [];
  /** Refusals since start, by reason (for metrics). */
  readonly totals = new Map<string, number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly customers: Customers,
  ) {}

  note(customerId: number | null, reason: string, body: unknown, message: string): void {
    const now = this.ctx.now();
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
        text = JSON.stringify(body) ?? '';
      } catch {
        text = '"(unserializable)"';
      }
      this.samples.push({ customerId, reason, at: now, body: text.length > 4000 ? text.slice(0, 4000) : text, message });
    }
  }

  get dirty(): boolean {
    return this.counts.size > 0 || this.samples.length > 0;
  }

  /** Writes what was counted; runs inside a writer operation. */
  flush(): void {
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
    for (const s of samples) this.ctx.store.insertRefusalSample({ customer_id: s.customerId, reason: s.reason, at: s.at, body: s.body, message: s.message }, this.ctx.settings.refusalSamplesPerReason);
    if (counts.size) this.ctx.emit({ type: 'refusal', customer: null, id: 'refusals' });
  }

  summary(customerId: number | null, sinceMs: number): z.output<typeof RefusalsOut> {
    const rows = this.ctx.store.refusalCounts(customerId, Math.floor(sinceMs / 60_000));
    return {
      reasons: rows.map((r) => ({
        reason: r.reason,
        count: r.count,
        samples: this.ctx.store.refusalSamples(r.reason, customerId, 5).map((s) => ({
          customer: s.customer_id ? (this.ctx.store.getCustomer(s.customer_id)?.external_id ?? null) : null,
          at: iso(s.at),
          message: s.message,
          body: safeParse(s.body),
        })),
      })),
    };
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Token buckets per caller (a key id, or a read token's key and customer). A bucket holds up to
 * `burst` tokens and refills at `perSecond`; a request takes one. When it is empty the caller gets
 * 429 with how long until a token is back, so one runaway client slows only itself.
 */
export interface Bucket {
  tokens: number;
  updatedMs: number;
}

export interface RateDecision {
  ok: boolean;
  /** When refused: seconds until one token is back (for Retry-After; at least 1). */
  retryAfterSeconds: number;
  /** Milliseconds until one token is back (0 when allowed). */
  retryAfterMs: number;
}

const ALLOWED: RateDecision = { ok: true, retryAfterSeconds: 0, retryAfterMs: 0 };

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  take(id: string, rate: { perSecond: number; burst: number }, cost = 1): RateDecision {
    const now = this.now();
    let b = this.buckets.get(id);
    if (!b) {
      if (this.buckets.size > 100_000) this.prune(now);
      b = { tokens: rate.burst, updatedMs: now };
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(rate.burst, b.tokens + ((now - b.updatedMs) / 1000) * rate.perSecond);
      b.updatedMs = now;
    }
    if (b.tokens >= cost) {
      b.tokens -= cost;
      return ALLOWED;
    }
    const waitMs = ((cost - b.tokens) / rate.perSecond) * 1000;
    return { ok: false, retryAfterMs: Math.ceil(waitMs), retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  /** Drops buckets idle long enough to be full again (bounded memory under many callers). */
  private prune(now: number): void {
    for (const [id, b] of this.buckets) if (now - b.updatedMs > 60_000) this.buckets.delete(id);
  }
}

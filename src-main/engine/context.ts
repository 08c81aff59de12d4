import type { Store } from '../storage/store';
import type { Clock } from './clock';
import { Books } from './ledger/books';
import { DISABLE_AFTER_MS, RETRY_SCHEDULE_MS } from './notify/deliverer';

export interface EngineSettings {
  /** Events further than this in the future are refused. */
  futureToleranceMs: number;
  /** Default and maximum hold time to live. */
  defaultHoldTtlSeconds: number;
  maxHoldTtlSeconds: number;
  /** The operator's billing zone (IANA); customers may override. */
  billingTimezone: string;
  /** Refusal samples kept per reason. */
  refusalSamplesPerReason: number;
  /** Events in a batch request at most. */
  maxBatchEvents: number;
  /** Webhook retry waits after each failed attempt; after the last, a dead letter. */
  webhookRetryMs: number[];
  /** An endpoint failing without a success for this long is disabled. */
  webhookDisableAfterMs: number;
}

export const DEFAULT_SETTINGS: EngineSettings = {
  futureToleranceMs: 5 * 60_000,
  defaultHoldTtlSeconds: 600,
  maxHoldTtlSeconds: 86_400,
  billingTimezone: 'UTC',
  refusalSamplesPerReason: 20,
  maxBatchEvents: 1000,
  webhookRetryMs: RETRY_SCHEDULE_MS,
  webhookDisableAfterMs: DISABLE_AFTER_MS,
};

/** A change to push to live clients once its transaction has committed. */
export interface LiveChange {
  type: 'balance' | 'authorization' | 'event' | 'top_up' | 'customer' | 'invoice' | 'refusal' | 'subscription' | 'alert';
  customer: string | null;
  id: string;
  asset?: string;
  /** The object's latest state (filled in after commit for balances). */
  data?: Record<string, unknown>;
}

/**
 * What every engine module works with: the store, the books, the clock, the settings, and the
 * per-operation undo journal for in-memory state that is not in the books (caches, counters).
 */
export class EngineContext {
  readonly books: Books;
  private undo: (() => void)[] = [];
  private effects: LiveChange[] = [];
  private opEffectsMark = 0;
  private postCommit: (() => void)[] = [];
  private opPostCommitMark = 0;
  /** Listeners for committed changes (the live feed). */
  readonly listeners = new Set<(changes: LiveChange[]) => void>();
  /** Caches that must be dropped when a batch rolls back; registered by the modules that own them. */
  private readonly resetters: (() => void)[] = [];
  private readonly flushers: (() => void)[] = [() => this.books.flush()];
  private readonly emitHooks: ((change: LiveChange) => void)[] = [];
  private readonly opHooks: { begin: () => void; rollback: () => void }[] = [];
  private readonly trimmers: (() => void)[] = [];

  constructor(
    readonly store: Store,
    readonly clock: Clock,
    public settings: EngineSettings,
  ) {
    this.books = new Books(store, () => clock.now(), (fn) => this.onUndo(fn));
  }

  now(): number {
    return this.clock.now();
  }

  /** Registers an undo step for the current operation (run in reverse order if it fails). */
  onUndo(fn: () => void): void {
    this.undo.push(fn);
  }

  /** Runs `fn` after the current operation's batch has committed (never if it rolls back). */
  afterCommit(fn: () => void): void {
    this.postCommit.push(fn);
  }

  emit(change: LiveChange): void {
    this.effects.push(change);
    for (const h of this.emitHooks) h(change);
  }

  /** Called synchronously on each change as it is emitted (inside the operation). */
  onEmitted(fn: (change: LiveChange) => void): void {
    this.emitHooks.push(fn);
  }

  /** Hooks around each operation: `begin` when one starts (the previous one succeeded), `rollback` when one fails. */
  registerOpHooks(h: { begin: () => void; rollback: () => void }): void {
    this.opHooks.push(h);
  }

  registerCache(reset: () => void): void {
    this.resetters.push(reset);
  }

  // ---------------------------------------------------------------- writer hooks
  beginOp(): void {
    for (const h of this.opHooks) h.begin();
    this.books.beginOp();
    this.undo = [];
    this.opEffectsMark = this.effects.length;
    this.opPostCommitMark = this.postCommit.length;
  }
  rollbackOp(): void {
    for (const h of this.opHooks) h.rollback();
    for (let i = this.undo.length - 1; i >= 0; i--) this.undo[i]!();
    this.undo = [];
    this.effects.length = this.opEffectsMark;
    this.postCommit.length = this.opPostCommitMark;
  }
  /** Drops every cache (after a committed change made by plain SQL, such as an erasure's redaction). */
  resetCaches(): void {
    this.books.evictAll();
    for (const r of this.resetters) r();
  }
  rollbackBatch(): void {
    this.resetCaches();
    this.undo = [];
    this.effects = [];
    this.postCommit = [];
  }
  /** Writes what the caches hold back, just before COMMIT. */
  beforeCommit(): void {
    for (const f of this.flushers) f();
  }
  registerFlush(fn: () => void): void {
    this.flushers.push(fn);
  }
  /**
   * A cache's bound, applied after each committed batch once its listeners have run: no operation
   * is using a cached object then, and the write-back and the live feed (which read through the
   * caches) are done, so what is trimmed stays trimmed until the next batch.
   */
  registerTrim(fn: () => void): void {
    this.trimmers.push(fn);
  }
  committed(): void {
    const after = this.postCommit;
    this.postCommit = [];
    for (const fn of after) {
      try {
        fn();
      } catch {
        /* a post-commit step (a file beside the database) must not break the writer */
      }
    }
    if (this.effects.length) {
      const changes = this.effects;
      this.effects = [];
      for (const l of this.listeners) {
        try {
          l(changes);
        } catch {
          /* a listener's failure must not affect the writer */
        }
      }
    }
    for (const trim of this.trimmers) trim();
  }
}

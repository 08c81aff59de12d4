import { isStorageFailure } from '../storage/database';
import type { Store } from '../storage/store';
import { TollgateError } from './errors';

export type Lane = 'interactive' | 'bulk';

/** How long a flush may run bulk work before it commits and lets the event loop read messages. */
export interface WriterBudgets {
  /** While interactive work is arriving: an authorization then waits at most about this long, plus one commit. Default 2 ms. */
  sharedBudgetMs?: number;
  /** When no interactive work came in the last `quietMs`: bigger flushes amortize the commit over more events. Default 25 ms. */
  soloBudgetMs?: number;
  /** How long after interactive work last arrived the shared budget still applies. Default 100 ms. */
  quietMs?: number;
  /**
   * Whether a message someone waits on has been posted to this thread and not read yet (see
   * waiting-signal.ts). A bulk slice then ends once it has run `sharedBudgetMs`, however long its
   * own budget, so the first authorization after a quiet spell does not wait out a whole solo slice.
   */
  othersWaiting?: () => boolean;
}

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Job {
  ops: (() => unknown)[];
  results: Settled<unknown>[];
  next: number;
  lane: Lane;
  done: (results: Settled<unknown>[]) => void;
}

export interface WriterHooks {
  /** Before each operation: start tracking what it changes. */
  beginOp(): void;
  /** The operation failed and its savepoint rolled back: drop what it changed in memory. */
  rollbackOp(): void;
  /** The whole batch rolled back (a storage failure): drop every cache. */
  rollbackBatch(): void;
  /** Just before COMMIT: write back what caches hold. */
  beforeCommit(): void;
  /** The batch committed: run effects that must only follow a commit (live updates, outbox wake-ups). */
  committed(): void;
}

/**
 * The one logical writer. Commands from every connection queue here; each flush runs the queued
 * operations in ONE transaction (group commit: one fsync for many requests), each operation in its
 * own savepoint so a refused one changes nothing while the others commit. Replies are sent only
 * after COMMIT returns.
 *
 * Interactive operations (authorizations, single events, admin writes) always go first; bulk ones
 * (batch ingestion, split into operations of one event each) fill the rest of a flush up to a time
 * budget, then the writer yields to the event loop so a new authorization never waits behind a long
 * batch.
 */
export class Writer {
  private interactive: Job[] = [];
  private bulk: Job[] = [];
  private scheduled = false;
  private closed = false;
  /** Since the writer started: committed transactions and the operations they carried (runtime stats, metrics). */
  readonly stats = { commits: 0, operations: 0 };
  /**
   * Set when a flush failed for storage (disk full, read-only, I/O error): what SQLite said and
   * since when. Cleared by the next flush that commits. Health reports it.
   */
  storageProblem: { code: string; message: string; since: number } | null = null;

  /** When interactive work last arrived (performance.now()). */
  private lastInteractiveAt = -Infinity;

  private readonly sharedBudgetMs: number;
  private readonly soloBudgetMs: number;
  private readonly quietMs: number;
  private readonly othersWaiting: () => boolean;

  constructor(
    private readonly store: Store,
    private readonly hooks: WriterHooks,
    budgets: WriterBudgets = {},
  ) {
    this.sharedBudgetMs = budgets.sharedBudgetMs ?? 2;
    this.soloBudgetMs = budgets.soloBudgetMs ?? 25;
    this.quietMs = budgets.quietMs ?? 100;
    this.othersWaiting = budgets.othersWaiting ?? (() => false);
  }

  /** One operation, atomic on its own. */
  run<T>(op: () => T, lane: Lane = 'interactive'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.enqueue([op], lane, (r) => {
        const s = r[0]!;
        if (s.ok) resolve(s.value as T);
        else reject(s.error);
      });
    });
  }

  /** Several independent operations: each commits or fails on its own; results in order. */
  runEach<T>(ops: (() => T)[], lane: Lane = 'bulk'): Promise<Settled<T>[]> {
    if (ops.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => this.enqueue(ops, lane, (r) => resolve(r as Settled<T>[])));
  }

  get queued(): number {
    let n = 0;
    for (const j of this.interactive) n += j.ops.length - j.next;
    for (const j of this.bulk) n += j.ops.length - j.next;
    return n;
  }

  /** Stops taking work; queued work still runs. Resolves when the queue is empty. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.interactive.length || this.bulk.length || this.scheduled) {
      await new Promise((r) => setImmediate(r));
    }
  }

  private enqueue(ops: (() => unknown)[], lane: Lane, done: Job['done']): void {
    if (this.closed) {
      done(ops.map(() => ({ ok: false, error: new TollgateError('shutting_down', 'The engine is stopping.') })));
      return;
    }
    const job: Job = { ops, results: new Array(ops.length), next: 0, lane, done };
    if (lane === 'interactive') this.lastInteractiveAt = performance.now();
    (lane === 'interactive' ? this.interactive : this.bulk).push(job);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.interactive.length && !this.bulk.length) return;
    const started = performance.now();
    const budget = started - this.lastInteractiveAt < this.quietMs ? this.sharedBudgetMs : this.soloBudgetMs;
    const finished: Job[] = [];
    const touched: { job: Job; from: number }[] = [];
    let ops = 0;
    /** The job whose operation is running: if that operation fails for storage, it is answered too. */
    let running: Job | null = null;
    try {
      this.store.beginBatch();
      // Interactive work first, all of it; then bulk work until the budget is spent.
      for (const queue of [this.interactive, this.bulk]) {
        while (queue.length) {
          const job = queue[0]!;
          touched.push({ job, from: job.next });
          while (job.next < job.ops.length) {
            running = job;
            job.results[job.next] = this.runOp(job.ops[job.next]!);
            running = null;
            job.next++;
            ops++;
            if (job.lane === 'bulk' && this.sliceOver(started, budget)) break;
          }
          if (job.next < job.ops.length) break;
          queue.shift();
          finished.push(job);
        }
        if (performance.now() - started > budget && queue === this.interactive && this.bulk.length) {
          // Interactive work alone used the budget: bulk waits for the next flush.
          break;
        }
      }
      this.hooks.beforeCommit();
      this.store.commitBatch();
      this.storageProblem = null;
      this.stats.commits++;
      this.stats.operations += ops;
    } catch (err) {
      // A storage failure (or a failed COMMIT): nothing of this batch is durable. Every operation
      // that ran in it answers 503; the caches are rebuilt from the database.
      try {
        this.store.rollbackBatch();
      } catch {
        /* SQLite rolled it back itself, or cannot: either way nothing of this batch is durable */
      }
      this.hooks.rollbackBatch();
      const storage = isStorageFailure(err);
      const code = (err as { code?: string }).code ?? 'unknown';
      if (storage) this.storageProblem = { code, message: (err as Error).message, since: this.storageProblem?.since ?? Date.now() };
      const error = storage
        ? new TollgateError('storage_unavailable', `The database cannot take writes: ${(err as Error).message}`, { sqlite_code: code })
        : err;
      // The operation that hit the failure is answered too (left queued, it would be retried at
      // once, again and again, for as long as the disk stays full).
      if (running) running.next++;
      for (const { job, from } of touched) {
        for (let i = from; i < job.next; i++) job.results[i] = { ok: false, error };
        if (job.next >= job.ops.length && !finished.includes(job)) {
          const queue = job.lane === 'interactive' ? this.interactive : this.bulk;
          const at = queue.indexOf(job);
          if (at >= 0) queue.splice(at, 1);
          finished.push(job);
        }
      }
    }
    this.hooks.committed();
    for (const job of finished) job.done(job.results);
    if (this.interactive.length || this.bulk.length) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** A bulk slice ends at its budget, or at the short one as soon as someone waits for the thread. */
  private sliceOver(started: number, budget: number): boolean {
    const ran = performance.now() - started;
    return ran > budget || (ran > this.sharedBudgetMs && this.othersWaiting());
  }

  private runOp(op: () => unknown): Settled<unknown> {
    this.hooks.beginOp();
    this.store.beginOp();
    try {
      const value = op();
      this.store.releaseOp();
      return { ok: true, value };
    } catch (error) {
      if (isStorageFailure(error)) {
        // SQLite may already have rolled the whole transaction back (SQLITE_FULL, SQLITE_IOERR):
        // then the savepoint is gone too, and the batch's rollback below is what matters.
        try {
          this.store.rollbackOp();
        } catch {
          /* the transaction is gone */
        }
        this.hooks.rollbackOp();
        throw error;
      }
      this.store.rollbackOp();
      this.hooks.rollbackOp();
      return { ok: false, error };
    }
  }
}

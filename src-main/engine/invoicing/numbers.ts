import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineContext } from '../context';

/** The file beside the database that remembers the highest number of each sequence ever issued. */
export const NUMBERS_FILE = 'invoice-numbers.json';

/**
 * Gapless document numbers (invoices, receipts, credit notes), each sequence kept in the database
 * and, after each commit, in `invoice-numbers.json` beside it. A number is never lower than what
 * that file says, so restoring an older backup can never issue a number twice.
 */
export class DocumentNumbers {
  private readonly file: string;
  /** The file's contents as this engine last read or wrote them (it alone writes there: the data dir is locked). */
  private written: Record<string, number> | null = null;
  /** Numbers committed but not yet in the file; written once per batch. */
  private unwritten: Map<string, number> | null = null;

  constructor(
    private readonly ctx: EngineContext,
    dataDir: string,
  ) {
    this.file = join(dataDir, NUMBERS_FILE);
  }

  /** The next value of sequence `key` (e.g. `invoice_seq:TG:2026`), inside the current operation. */
  next(key: string): number {
    const inDb = Number(this.ctx.store.getMeta(key) ?? '0');
    const inFile = this.fileNumbers()[key] ?? 0;
    const seq = Math.max(inDb, inFile) + 1;
    this.ctx.store.setMeta(key, String(seq));
    // Only once the batch commits (a rolled-back number was never issued), and then one write for
    // the whole batch: a burst of paid top-ups costs one fsync, not one per receipt.
    this.ctx.afterCommit(() => this.issued(key, seq));
    return seq;
  }

  private fileNumbers(): Record<string, number> {
    if (this.written) return this.written;
    try {
      this.written = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, number>) : {};
    } catch {
      this.written = {};
    }
    return this.written;
  }

  private issued(key: string, seq: number): void {
    if (!this.unwritten) {
      this.unwritten = new Map();
      // After every post-commit step of this batch, before any reply is sent (replies resolve later).
      queueMicrotask(() => this.writeOut());
    }
    if ((this.unwritten.get(key) ?? 0) < seq) this.unwritten.set(key, seq);
  }

  private writeOut(): void {
    const pending = this.unwritten;
    this.unwritten = null;
    if (!pending) return;
    const all = { ...this.fileNumbers() };
    let changed = false;
    for (const [key, seq] of pending) {
      if ((all[key] ?? 0) >= seq) continue;
      all[key] = seq;
      changed = true;
    }
    if (!changed) return;
    const tmp = `${this.file}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(all, null, 2), { flush: true });
      renameSync(tmp, this.file);
      this.written = all;
    } catch {
      /* the database still holds every number; the file is the guard for restoring older backups */
    }
  }
}

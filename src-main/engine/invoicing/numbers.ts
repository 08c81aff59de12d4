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
    this.ctx.afterCommit(() => this.record(key, seq));
    return seq;
  }

  private fileNumbers(): Record<string, number> {
    try {
      return existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, number>) : {};
    } catch {
      return {};
    }
  }

  private record(key: string, seq: number): void {
    const all = this.fileNumbers();
    if ((all[key] ?? 0) >= seq) return;
    all[key] = seq;
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(all, null, 2), { flush: true });
    renameSync(tmp, this.file);
  }
}

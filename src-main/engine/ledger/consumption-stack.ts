import type { StackRow, Store } from '../../storage/store';

/** One entry of a consumption stack: drawn from a lot, or (lotId null) booked as debt. */
export interface StackEntry {
  lotId: number | null;
  amount: bigint;
}

interface Entry extends StackEntry {
  /** Its row in `consumption_stack`; null until the next flush writes it. */
  rowId: number | null;
}

/** What the current operation found below its changes, to put back if it fails. */
interface Journal {
  /** Length when the operation began. */
  length: number;
  /** Lowest index the operation changed or removed. */
  floor: number;
  /** Copies of the entries [floor, length) as they were when the operation began. */
  saved: Entry[];
}

/**
 * A wallet's usage (or repayment) stack: which lot paid for what, most recent on top, so a
 * reversal gives credit back to the lots it came from in reverse order.
 *
 * Only the top ever changes (a push merges into it or lands above it; a pop takes from it). A
 * stack that alternates between lots (a hold reserved from one, free credit drawn from another)
 * grows with every event, so neither its undo journal nor its write-back may cost its length:
 * both only touch what lies above the lowest index changed. Rows below that index stay as they
 * are; the flush updates the rows still there, deletes those popped and inserts the new entries.
 */
export class ConsumptionStack {
  private readonly entries: Entry[];
  /** Lowest index changed since the last flush; entries below it match their rows. */
  private dirtyFrom = Infinity;
  private journal: Journal | null = null;

  constructor(rows: readonly StackRow[]) {
    this.entries = rows.map((r) => ({ lotId: r.lot_id, amount: r.amount, rowId: r.id }));
  }

  get length(): number {
    return this.entries.length;
  }

  /** A copy of the entries that still carry something, bottom first (reports and tests). */
  snapshot(): StackEntry[] {
    return this.entries.filter((e) => e.amount > 0n).map((e) => ({ lotId: e.lotId, amount: e.amount }));
  }

  /** Starts a new operation's journal; the returned function undoes what the operation changes. */
  beginChange(): () => void {
    const journal: Journal = { length: this.entries.length, floor: this.entries.length, saved: [] };
    this.journal = journal;
    return () => {
      this.entries.length = journal.floor;
      for (const e of journal.saved) this.entries.push({ ...e });
      this.dirtyFrom = Math.min(this.dirtyFrom, journal.floor);
      if (this.journal === journal) this.journal = null;
    };
  }

  push(lotId: number | null, amount: bigint): void {
    if (amount <= 0n) return;
    const top = this.entries.length - 1;
    if (top >= 0 && this.entries[top]!.lotId === lotId) {
      this.willChange(top);
      this.entries[top]!.amount += amount;
    } else {
      this.dirtyFrom = Math.min(this.dirtyFrom, this.entries.length);
      this.entries.push({ lotId, amount, rowId: null });
    }
  }

  /** Takes up to `amount` off the top; returns the pieces, most recent first. */
  pop(amount: bigint): StackEntry[] {
    const out: StackEntry[] = [];
    let rest = amount;
    while (rest > 0n && this.entries.length) {
      const at = this.entries.length - 1;
      this.willChange(at);
      const top = this.entries[at]!;
      if (top.amount === 0n) {
        this.entries.pop(); // emptied by `withdraw`: nothing to give
        continue;
      }
      const take = top.amount < rest ? top.amount : rest;
      out.push({ lotId: top.lotId, amount: take });
      rest -= take;
      top.amount -= take;
      if (top.amount === 0n) this.entries.pop();
    }
    this.dropEmptyTop();
    return out;
  }

  /**
   * Takes up to `amount` drawn from `lotId` off the stack, most recent first, wherever it lies: for
   * money that went back to that lot by another way (a credit note returns to the lots that paid
   * its invoice), so that no later pop returns it to the lot a second time. An entry emptied below
   * the top stays as a zero (its row is updated in place, see `flush`) until pops reach it; one at
   * the top goes at once. Returns how much was taken. Rare (credit notes), so it may scan.
   */
  withdraw(lotId: number, amount: bigint): bigint {
    let rest = amount;
    for (let i = this.entries.length - 1; i >= 0 && rest > 0n; i--) {
      const e = this.entries[i]!;
      if (e.lotId !== lotId || e.amount === 0n) continue;
      this.willChange(i);
      const take = e.amount < rest ? e.amount : rest;
      e.amount -= take;
      rest -= take;
    }
    this.dropEmptyTop();
    return amount - rest;
  }

  /** Entries emptied by `withdraw` that the top has reached go at once, so a push never lands above a zero. */
  private dropEmptyTop(): void {
    while (this.entries.length && this.entries[this.entries.length - 1]!.amount === 0n) {
      this.willChange(this.entries.length - 1);
      this.entries.pop();
    }
  }

  /**
   * Writes what changed since the last flush: the entries above the lowest changed index. Those
   * that still have their row (a run at the bottom of the changed part: only the top ever changes,
   * what was popped is gone and what was pushed since has no row yet) are updated in place, which
   * leaves the index on (account, stack, id) untouched: the common event, a merge into the top
   * entry, then writes one table page instead of a deleted and an inserted row and two index
   * entries (about half a WAL page less per event).
   */
  flush(store: Store, accountId: number, stack: 'usage' | 'repayment'): void {
    if (this.dirtyFrom === Infinity) return;
    let from = Math.min(this.dirtyFrom, this.entries.length);
    // Entries below `from` were written by an earlier flush (or loaded) and so have rows.
    while (from > 0 && this.entries[from - 1]!.rowId === null) from--;
    let kept = from;
    while (kept < this.entries.length && this.entries[kept]!.rowId !== null) kept++;
    // Rows keep the order of their entries (ids grow up the stack), so every row above the last
    // kept one belongs to an entry popped since.
    store.deleteStackAbove(accountId, stack, kept === 0 ? 0 : this.entries[kept - 1]!.rowId!);
    for (let i = from; i < kept; i++) store.updateStackAmount(this.entries[i]!.rowId!, this.entries[i]!.amount);
    for (let i = kept; i < this.entries.length; i++) {
      const e = this.entries[i]!;
      e.rowId = store.insertStack({ account_id: accountId, stack, lot_id: e.lotId, amount: e.amount });
    }
    this.dirtyFrom = Infinity;
  }

  /** Before the entry at `index` changes or goes: keep what the operation found there. */
  private willChange(index: number): void {
    this.dirtyFrom = Math.min(this.dirtyFrom, index);
    const j = this.journal;
    if (!j || index >= j.floor) return;
    const upTo = Math.min(j.floor, j.length);
    if (index < upTo) j.saved = [...this.entries.slice(index, upTo).map((e) => ({ ...e })), ...j.saved];
    j.floor = index;
  }
}

/**
 * The consumption stack writes back and undoes only what lies above its lowest changed entry.
 * A random walk of pushes, pops, withdrawals of one lot's money from anywhere in the stack, failed
 * operations and flushes is checked against a plain array
 * (the model): after every step the stack reads as the model, and after every flush the rows in
 * SQLite, reloaded, are the model too. It also shows that a flush of a long stack with a changed
 * top writes a handful of rows, not the stack's length, and that a merge into the top entry (the
 * common event) is a single update in place.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConsumptionStack, type StackEntry } from '../../src-main/engine/ledger/consumption-stack';
import { migrate } from '../../src-main/storage/migrate';
import { Store } from '../../src-main/storage/store';

function openStore(): Store {
  const db = new Database(':memory:');
  migrate(db, null);
  // The rows reference accounts and lots; this test is about the stack's own rows only.
  db.pragma('foreign_keys = OFF');
  return new Store(db);
}

/** The naive stack: what ConsumptionStack must behave like. */
function modelPush(m: StackEntry[], lotId: number | null, amount: bigint): void {
  const top = m[m.length - 1];
  if (top && top.lotId === lotId) top.amount += amount;
  else m.push({ lotId, amount });
}
function modelPop(m: StackEntry[], amount: bigint): StackEntry[] {
  const out: StackEntry[] = [];
  let rest = amount;
  while (rest > 0n && m.length) {
    const top = m[m.length - 1]!;
    const take = top.amount < rest ? top.amount : rest;
    out.push({ lotId: top.lotId, amount: take });
    rest -= take;
    top.amount -= take;
    if (top.amount === 0n) m.pop();
  }
  return out;
}
/** Money drawn from `lotId` taken off wherever it lies, most recent first. */
function modelWithdraw(m: StackEntry[], lotId: number, amount: bigint): bigint {
  let rest = amount;
  for (let i = m.length - 1; i >= 0 && rest > 0n; i--) {
    if (m[i]!.lotId !== lotId) continue;
    const take = m[i]!.amount < rest ? m[i]!.amount : rest;
    m[i]!.amount -= take;
    rest -= take;
  }
  const kept = m.filter((e) => e.amount > 0n);
  m.splice(0, m.length, ...kept);
  return amount - rest;
}
/**
 * What a stack (or a pop's pieces) gives back, in order: an entry emptied by a withdrawal may split
 * a run of one lot in two, which pops the same money to the same lot in the same order.
 */
function normal(entries: readonly StackEntry[]): StackEntry[] {
  const out: StackEntry[] = [];
  for (const e of entries) {
    if (e.amount === 0n) continue;
    const last = out[out.length - 1];
    if (last && last.lotId === e.lotId) last.amount += e.amount;
    else out.push({ ...e });
  }
  return out;
}
const copy = (m: StackEntry[]) => m.map((e) => ({ ...e }));

function random(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

describe('consumption stack', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`matches a plain array through pushes, pops, failed operations and flushes (seed ${seed})`, () => {
      const store = openStore();
      const rnd = random(seed);
      let stack = new ConsumptionStack([]);
      let model: StackEntry[] = [];
      for (let step = 0; step < 2000; step++) {
        // One operation: a few changes, then it commits or fails.
        const before = copy(model);
        const undo = stack.beginChange();
        for (let k = 1 + rnd(4); k > 0; k--) {
          const kind = rnd(12);
          if (kind < 4) {
            const amount = BigInt(1 + rnd(40));
            expect(normal(stack.pop(amount))).toEqual(normal(modelPop(model, amount)));
          } else if (kind === 4) {
            const lotId = 1 + rnd(3);
            const amount = BigInt(1 + rnd(30));
            expect(stack.withdraw(lotId, amount)).toBe(modelWithdraw(model, lotId, amount));
          } else {
            const lotId = rnd(4) === 0 ? null : 1 + rnd(3);
            const amount = BigInt(1 + rnd(20));
            stack.push(lotId, amount);
            modelPush(model, lotId, amount);
          }
        }
        if (rnd(5) === 0) {
          undo();
          model = before;
        }
        model = normal(model);
        expect(normal(stack.snapshot())).toEqual(model);
        if (rnd(7) === 0) {
          store.db.exec('BEGIN');
          stack.flush(store, 9, 'usage');
          store.db.exec('COMMIT');
          const rows = store.listStack(9, 'usage');
          expect(normal(rows.map((r) => ({ lotId: r.lot_id, amount: r.amount })))).toEqual(model);
          // Sometimes start over from the rows, as after a restart.
          if (rnd(4) === 0) stack = new ConsumptionStack(rows);
        }
      }
    });
  }

  it('writes only the changed top of a long stack', () => {
    const store = openStore();
    const stack = new ConsumptionStack([]);
    stack.beginChange();
    for (let i = 0; i < 5000; i++) stack.push(1 + (i % 2), 10n);
    store.db.exec('BEGIN');
    stack.flush(store, 9, 'usage');
    store.db.exec('COMMIT');
    const changes = () => Number((store.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n);
    const start = changes();
    stack.beginChange();
    stack.pop(15n); // takes the top entry and half of the one below it
    stack.push(3, 7n);
    store.db.exec('BEGIN');
    stack.flush(store, 9, 'usage');
    store.db.exec('COMMIT');
    // The emptied top deleted, the reduced entry updated in place, the new one inserted: not 5,000.
    expect(changes() - start).toBe(3);
    // A merge into the top is one update, and leaves the index alone.
    const before = changes();
    stack.beginChange();
    stack.push(3, 5n);
    store.db.exec('BEGIN');
    stack.flush(store, 9, 'usage');
    store.db.exec('COMMIT');
    expect(changes() - before).toBe(1);
    expect(store.listStack(9, 'usage').at(-1)).toMatchObject({ lot_id: 3, amount: 12n });
    expect(store.listStack(9, 'usage').length).toBe(5000);
  });
});

/**
 * How the writer cuts bulk work into flushes (one transaction and one commit each). What this
 * proves: with nobody waiting, a bulk job runs in one flush up to its solo budget; once a message
 * someone waits on is posted (the waiting signal of an engine thread), the running slice ends as
 * soon as it has run the short budget, and the rest of the job commits in later flushes, each
 * operation exactly once and in order. The signal counts waited-on messages only: batches and
 * refusal notes neither raise it nor stop it from settling.
 */
import { describe, expect, it } from 'vitest';
import { WaitingSignal, isWaitedOn } from '../../src-main/engine/waiting-signal';
import type { ToEngine } from '../../src-main/engine/worker-protocol';
import { Writer, type WriterBudgets } from '../../src-main/engine/writer';
import type { Store } from '../../src-main/storage/store';

/** A store that only records where each transaction committed: the operations of each flush. */
function recordingStore() {
  const flushes: number[][] = [];
  let current: number[] = [];
  const store = {
    beginBatch: () => (current = []),
    commitBatch: () => flushes.push(current),
    rollbackBatch: () => undefined,
    beginOp: () => undefined,
    releaseOp: () => undefined,
    rollbackOp: () => undefined,
  };
  return { store: store as unknown as Store, flushes, ran: (n: number) => current.push(n) };
}

const hooks = { beginOp() {}, rollbackOp() {}, rollbackBatch() {}, beforeCommit() {}, committed() {} };

/** Holds the thread for `ms`, as an event's pricing and inserts would. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* spin */
  }
}

async function runBulk(budgets: WriterBudgets, ops: number, each: (i: number) => void) {
  const { store, flushes, ran } = recordingStore();
  const writer = new Writer(store, hooks, budgets);
  const settled = await writer.runEach(
    Array.from({ length: ops }, (_, i) => () => {
      each(i);
      busy(1);
      ran(i);
      return i;
    }),
  );
  expect(writer.stats).toEqual({ commits: flushes.length, operations: ops });
  return { flushes, settled };
}

describe('bulk slices', () => {
  it('run a whole job in one flush while nobody waits and the solo budget lasts', async () => {
    const { flushes, settled } = await runBulk({ soloBudgetMs: 5_000, othersWaiting: () => false }, 40, () => {});
    expect(flushes).toHaveLength(1);
    expect(flushes[0]).toHaveLength(40);
    expect(settled.map((s) => (s.ok ? s.value : null))).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('end at the short budget once someone waits, and the rest commits later, each operation once', async () => {
    let waiting = false;
    const { flushes, settled } = await runBulk({ sharedBudgetMs: 2, soloBudgetMs: 5_000, othersWaiting: () => waiting }, 40, (i) => {
      if (i === 10) waiting = true;
      if (i === 20) waiting = false;
    });
    // Operations take at least 1 ms each, so by the time someone waits (during the 11th) the slice has
    // run past 2 ms: it ends right after that operation.
    expect(flushes[0]).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(flushes.length).toBeGreaterThan(1);
    expect(flushes.flat()).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(settled.every((s) => s.ok)).toBe(true);
  });

  it('do not end early without the signal: the time budget alone decides', async () => {
    let calls = 0;
    const { flushes } = await runBulk({ soloBudgetMs: 5_000 }, 30, () => calls++);
    expect(calls).toBe(30);
    expect(flushes).toHaveLength(1);
  });
});

describe('the waiting signal', () => {
  const call = (op: string): ToEngine => ({ t: 'call', id: 1, op, input: {}, call: {} as never });

  it('counts the messages someone waits on, and settles when the engine thread has read them', () => {
    const door = new WaitingSignal();
    const engine = new WaitingSignal(door.buffer);
    const messages: ToEngine[] = [call('createAuthorization'), { t: 'auth', id: 2, key: 'k' }, { t: 'catch_up', id: 3 }, call('ingestEvent')];
    for (const m of messages) door.willPost(m);
    expect(engine.waiting()).toBe(true);
    for (const m of messages.slice(0, 3)) engine.didRead(m);
    expect(engine.waiting()).toBe(true);
    engine.didRead(messages[3]!);
    expect(engine.waiting()).toBe(false);
  });

  it('leaves batches and refusal notes out, so another batch arriving does not cut the running one short', () => {
    const door = new WaitingSignal();
    const engine = new WaitingSignal(door.buffer);
    const notWaitedOn: ToEngine[] = [call('ingestBatch'), { t: 'refusal', reason: 'validation_failed', body: {}, message: 'm' }, { t: 'close' }];
    for (const m of notWaitedOn) {
      expect(isWaitedOn(m)).toBe(false);
      door.willPost(m);
    }
    expect(engine.waiting()).toBe(false);
    for (const m of notWaitedOn) engine.didRead(m);
    expect(engine.waiting()).toBe(false);
  });

  it('keeps agreeing when the shared count wraps past 2^31', () => {
    const door = new WaitingSignal();
    const engine = new WaitingSignal(door.buffer);
    const shared = new Int32Array(door.buffer);
    shared[0] = 2 ** 31 - 1;
    (engine as unknown as { read: number }).read = 2 ** 31 - 1;
    const m = call('ingestEvent');
    door.willPost(m);
    expect(shared[0]).toBe(-(2 ** 31));
    expect(engine.waiting()).toBe(true);
    engine.didRead(m);
    expect(engine.waiting()).toBe(false);
  });
});

import type { ToEngine } from './worker-protocol';

/**
 * Lets the engine thread see, in the middle of a flush, that a message someone waits on has been
 * posted to it.
 *
 * A flush is synchronous: while it runs, the engine thread reads no message, so an authorization
 * posted during a long slice of batch events waits for the whole slice and its commit. The writer
 * therefore keeps bulk slices short (2 ms) for a while after interactive work arrived, and long
 * (25 ms, so each commit carries more events) otherwise. That guess is wrong at the start of every
 * burst: the first authorization after a quiet spell waits behind a long slice. With this signal
 * the door's thread counts every waited-on message before posting it, the engine thread counts
 * them as it reads them, and the writer ends a bulk slice once it has run its short budget and the
 * two counts differ.
 *
 * Batch ingestion itself is not counted: another batch arriving must not cut the running one into
 * short slices. Nor are refusal notes, which nobody waits on.
 */
export class WaitingSignal {
  private readonly posted: Int32Array;
  /** Read by the engine thread only; wraps like the shared count. */
  private read = 0;

  constructor(readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.posted = new Int32Array(buffer);
  }

  /** Door's thread: a message that someone waits on is about to be posted. */
  willPost(m: ToEngine): void {
    if (isWaitedOn(m)) Atomics.add(this.posted, 0, 1);
  }

  /** Engine thread: a message was read off the port. */
  didRead(m: ToEngine): void {
    if (isWaitedOn(m)) this.read = (this.read + 1) | 0;
  }

  /** Engine thread: has a waited-on message been posted that was not read yet? */
  waiting(): boolean {
    return Atomics.load(this.posted, 0) !== this.read;
  }
}

/** Whether a caller waits on the message's answer and would be held up by a long bulk slice. */
export function isWaitedOn(m: ToEngine): boolean {
  switch (m.t) {
    case 'call':
      return m.op !== 'ingestBatch';
    case 'auth':
    case 'key_by_id':
    case 'catch_up':
      return true;
    default:
      return false;
  }
}


/**
 * A durable event spool for Node apps: the `EventSpool` of the resilient client on disk. Plain Node
 * (no Electron), so an app can use it on its own host.
 *
 * In its directory:
 *   events.jsonl    append-only, one JSON line per spooled event: {"seq", "at", "reason", "event"}.
 *                   An append resolves only after an fsync that covers it (concurrent appends share
 *                   one fsync; `fsync: 'batch'` also waits a few ms to gather more).
 *   cursor.json     what was delivered: every seq <= done_through, and the seqs in `done`. Written
 *                   to a temporary file, fsynced, then renamed over the old one (atomic).
 *   rejected.jsonl  events Tollgate refused for good (a 4xx for that event), with the reason.
 *   spool.lock      the pid of the process using the directory (one process per spool).
 *
 * After a crash: a torn last line (an append that never resolved) is cut off; an event delivered
 * but not yet marked in the cursor is sent again and Tollgate answers 200 (replayed) because events
 * are idempotent by transaction_id, so delivery is exactly once in effect. When everything is
 * delivered the file is emptied; a large delivered prefix is compacted away by rewriting the rest
 * to a new file and renaming it into place.
 */
import { existsSync, readFileSync, realpathSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BatchSender, EventSpool, Replayer, ReplayerOptions, ReplayReport, SpooledEvent, SpoolEventInput, SpoolRejection } from '../../shared/client/spool';
import { replaySpool, startReplayer } from '../../shared/client/spool';

export interface FileSpoolOptions {
  /**
   * `always` (default): every append is fsynced before it resolves (concurrent appends share one).
   * `batch`: the fsync waits `fsyncBatchMs` to gather more appends (higher throughput, each append
   * still resolves only once on disk). `never`: no fsync (a power loss can lose spooled events).
   */
  fsync?: 'always' | 'batch' | 'never';
  fsyncBatchMs?: number;
  /** Compact when the delivered prefix of events.jsonl is larger than this (default 16 MiB). */
  compactBytes?: number;
  now?: () => number;
}

export interface RejectedEvent extends SpoolRejection {
  seq: number;
  rejected_at: string;
  event: SpoolEventInput | null;
  /** For a line that could not be read at all. */
  raw?: string;
}

export class SpoolLockedError extends Error {
  override name = 'SpoolLockedError';
  constructor(readonly dir: string, readonly pid: number) {
    super(`The spool ${dir} is in use by process ${pid}. One process per spool directory: give each app instance its own.`);
  }
}

interface IndexEntry {
  seq: number;
  offset: number;
  length: number;
}

const EVENTS = 'events.jsonl';
const CURSOR = 'cursor.json';
const REJECTED = 'rejected.jsonl';
const LOCK = 'spool.lock';
const NL = 0x0a;

/** Directories opened by this process (a second open of one is refused like another process's). */
const openHere = new Set<string>();

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function syncDir(dir: string): Promise<void> {
  let h: FileHandle | undefined;
  try {
    h = await open(dir, 'r');
    await h.sync();
  } catch {
    /* not supported on every platform (Windows); the rename is still atomic */
  } finally {
    await h?.close().catch(() => undefined);
  }
}

export class FileSpool implements EventSpool {
  private fd!: FileHandle;
  private size = 0;
  private index: IndexEntry[] = [];
  /** index[0..head) are all done. */
  private head = 0;
  private doneThrough = 0;
  private readonly doneAbove = new Set<number>();
  private nextSeq = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private scheduledSync: Promise<void> | null = null;
  private inflightSync: Promise<void> | null = null;
  private syncToken: object | null = null;
  private closed = false;
  private syncs = 0;
  private readonly key: string;

  private constructor(
    readonly dir: string,
    private readonly opts: Required<Omit<FileSpoolOptions, 'now'>> & { now: () => number },
  ) {
    this.key = realpathSync(dir);
  }

  /** Opens (or creates) the spool in `dir`, recovering from a crash if there was one. */
  static async open(dir: string, options: FileSpoolOptions = {}): Promise<FileSpool> {
    await mkdir(dir, { recursive: true });
    const spool = new FileSpool(dir, { fsync: options.fsync ?? 'always', fsyncBatchMs: options.fsyncBatchMs ?? 5, compactBytes: options.compactBytes ?? 16 * 1024 * 1024, now: options.now ?? Date.now });
    spool.lock();
    try {
      await spool.recover();
    } catch (err) {
      spool.unlock();
      throw err;
    }
    return spool;
  }

  // ------------------------------------------------------------------ EventSpool

  async append(event: SpoolEventInput, meta: { reason?: string } = {}): Promise<SpooledEvent> {
    const entry = await this.serial(async () => {
      this.assertOpen();
      const seq = this.nextSeq++;
      const e: SpooledEvent = { id: String(seq), event, spooled_at: new Date(this.opts.now()).toISOString(), reason: meta.reason ?? 'unknown' };
      const line = Buffer.from(json({ seq, at: e.spooled_at, reason: e.reason, event }) + '\n', 'utf8');
      await this.fd.write(line, 0, line.length, null);
      this.index.push({ seq, offset: this.size, length: line.length - 1 });
      this.size += line.length;
      return { ...e, event: JSON.parse(line.subarray(0, line.length - 1).toString('utf8')).event as SpoolEventInput };
    });
    await this.durable();
    return entry;
  }

  async pending(limit = Infinity): Promise<SpooledEvent[]> {
    return this.serial(async () => {
      this.assertOpen();
      const wanted: IndexEntry[] = [];
      for (let i = this.head; i < this.index.length && wanted.length < limit; i++) {
        const e = this.index[i]!;
        if (!this.isDone(e.seq)) wanted.push(e);
      }
      return (await this.readEntries(wanted)).map(({ entry }) => entry);
    });
  }

  async markDelivered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.serial(async () => {
      this.assertOpen();
      for (const id of ids) this.markDone(Number(id));
      await this.afterMarks();
    });
  }

  async markRejected(rejections: readonly SpoolRejection[]): Promise<void> {
    if (rejections.length === 0) return;
    await this.serial(async () => {
      this.assertOpen();
      const bySeq = new Map(rejections.map((r) => [Number(r.id), r]));
      const entries = this.index.slice(this.head).filter((e) => bySeq.has(e.seq) && !this.isDone(e.seq));
      const read = await this.readEntries(entries);
      const at = new Date(this.opts.now()).toISOString();
      const lines = read.map(({ entry }) => {
        const r = bySeq.get(Number(entry.id))!;
        const row: RejectedEvent = { seq: Number(entry.id), id: entry.id, rejected_at: at, status: r.status, code: r.code, message: r.message, details: r.details ?? {}, event: entry.event };
        return json(row) + '\n';
      });
      // the rejection is on disk before the cursor forgets the event
      if (lines.length) await this.appendDurably(REJECTED, lines.join(''));
      for (const { entry } of read) this.markDone(Number(entry.id));
      await this.afterMarks();
    });
  }

  // ------------------------------------------------------------------ the rest

  /** Delivers the pending events through `ingestBatch` (see `replaySpool`). */
  replay(client: BatchSender, opts: { batchSize?: number; signal?: AbortSignal } = {}): Promise<ReplayReport> {
    return replaySpool(this, client, opts);
  }

  /** Replays in the background with backoff while Tollgate is down; the timers do not keep Node alive. */
  startReplayer(client: BatchSender, opts: ReplayerOptions = {}): Replayer {
    return startReplayer(this, client, opts);
  }

  /** Events Tollgate refused for good, with the reasons (one row per event). */
  async rejected(): Promise<RejectedEvent[]> {
    const text = await readFile(join(this.dir, REJECTED), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const rows = new Map<string, RejectedEvent>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const row = JSON.parse(line) as RejectedEvent;
        rows.set(row.seq >= 0 ? `#${row.seq}` : row.id, row);
      } catch {
        /* a torn last line */
      }
    }
    return [...rows.values()].sort((a, b) => a.seq - b.seq);
  }

  get pendingCount(): number {
    let n = 0;
    for (let i = this.head; i < this.index.length; i++) if (!this.isDone(this.index[i]!.seq)) n++;
    return n;
  }

  stats(): { pending: number; fileBytes: number; lines: number; fsyncs: number; nextSeq: number } {
    return { pending: this.pendingCount, fileBytes: this.size, lines: this.index.length, fsyncs: this.syncs, nextSeq: this.nextSeq };
  }

  /** Rewrites events.jsonl with only the pending events (atomically, by rename). */
  async compact(): Promise<void> {
    await this.serial(async () => {
      this.assertOpen();
      await this.rewrite();
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      await this.settleSyncs();
      await this.fd.close();
      this.unlock();
    });
  }

  // ------------------------------------------------------------------ internals

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the spool ${this.dir} is closed`);
  }

  private isDone(seq: number): boolean {
    return seq <= this.doneThrough || this.doneAbove.has(seq);
  }

  private markDone(seq: number): void {
    if (!Number.isInteger(seq) || this.isDone(seq)) return;
    this.doneAbove.add(seq);
  }

  /** Advances the cursor over the done prefix, writes it, and compacts when worth it. */
  private async afterMarks(): Promise<void> {
    while (this.head < this.index.length && this.isDone(this.index[this.head]!.seq)) {
      const seq = this.index[this.head]!.seq;
      this.doneThrough = Math.max(this.doneThrough, seq);
      this.head++;
    }
    for (const s of this.doneAbove) if (s <= this.doneThrough) this.doneAbove.delete(s);
    if (this.head === this.index.length) {
      this.doneThrough = Math.max(this.doneThrough, this.nextSeq - 1);
      this.doneAbove.clear();
    }
    await this.writeCursor();
    if (this.head === this.index.length && this.size > 0) {
      // everything delivered: the cursor already says so, so emptying the file loses nothing
      await this.fd.truncate(0);
      await this.fd.sync();
      this.syncs++;
      this.size = 0;
      this.index = [];
      this.head = 0;
    } else if (this.head < this.index.length && this.index[this.head]!.offset >= this.opts.compactBytes && this.index[this.head]!.offset * 2 >= this.size) {
      await this.rewrite();
    }
  }

  private async writeCursor(): Promise<void> {
    const file = join(this.dir, CURSOR);
    const tmp = file + '.tmp';
    const h = await open(tmp, 'w');
    try {
      await h.writeFile(json({ version: 1, done_through: this.doneThrough, done: [...this.doneAbove].sort((a, b) => a - b), updated_at: new Date(this.opts.now()).toISOString() }) + '\n');
      await h.sync();
      this.syncs++;
    } finally {
      await h.close();
    }
    await rename(tmp, file);
    await syncDir(this.dir);
  }

  private async rewrite(): Promise<void> {
    await this.settleSyncs();
    const keep = this.index.slice(this.head).filter((e) => !this.isDone(e.seq));
    const file = join(this.dir, EVENTS);
    const tmp = file + '.tmp';
    const out = await open(tmp, 'w');
    const fresh: IndexEntry[] = [];
    let size = 0;
    try {
      for (const chunk of this.chunks(keep, 1000)) {
        const bufs = await this.readRaw(chunk);
        for (let i = 0; i < chunk.length; i++) {
          const b = Buffer.concat([bufs[i]!, Buffer.from('\n')]);
          await out.write(b, 0, b.length, null);
          fresh.push({ seq: chunk[i]!.seq, offset: size, length: b.length - 1 });
          size += b.length;
        }
      }
      await out.sync();
      this.syncs++;
    } finally {
      await out.close();
    }
    await rename(tmp, file);
    await syncDir(this.dir);
    await this.fd.close();
    this.fd = await open(file, 'a+');
    this.index = fresh;
    this.head = 0;
    this.size = size;
  }

  private *chunks<T>(xs: T[], n: number): Generator<T[]> {
    for (let i = 0; i < xs.length; i += n) yield xs.slice(i, i + n);
  }

  private async readRaw(entries: IndexEntry[]): Promise<Buffer[]> {
    const out: Buffer[] = [];
    // read runs of nearby entries with one read each
    for (let i = 0; i < entries.length; ) {
      let j = i + 1;
      while (j < entries.length && entries[j]!.offset - (entries[j - 1]!.offset + entries[j - 1]!.length) < 64 * 1024) j++;
      const first = entries[i]!;
      const last = entries[j - 1]!;
      const span = Buffer.alloc(last.offset + last.length - first.offset);
      await this.fd.read(span, 0, span.length, first.offset);
      for (let k = i; k < j; k++) out.push(span.subarray(entries[k]!.offset - first.offset, entries[k]!.offset - first.offset + entries[k]!.length));
      i = j;
    }
    return out;
  }

  private async readEntries(entries: IndexEntry[]): Promise<{ entry: SpooledEvent }[]> {
    const out: { entry: SpooledEvent }[] = [];
    for (const chunk of this.chunks(entries, 1000)) {
      const bufs = await this.readRaw(chunk);
      bufs.forEach((b) => {
        const row = JSON.parse(b.toString('utf8')) as { seq: number; at: string; reason: string; event: SpoolEventInput };
        out.push({ entry: { id: String(row.seq), event: row.event, spooled_at: row.at, reason: row.reason } });
      });
    }
    return out;
  }

  /** Group commit: resolves after an fsync that started after this caller's write. */
  private durable(): Promise<void> {
    if (this.opts.fsync === 'never') return Promise.resolve();
    if (this.scheduledSync) return this.scheduledSync;
    const token = {};
    this.syncToken = token;
    const scheduled: Promise<void> = (async () => {
      await undefined; // run after `scheduledSync` below is set
      if (this.inflightSync) await this.inflightSync.catch(() => undefined);
      if (this.opts.fsync === 'batch' && this.opts.fsyncBatchMs > 0) await new Promise((r) => setTimeout(r, this.opts.fsyncBatchMs));
      if (this.syncToken === token) this.scheduledSync = null; // writes from now on need the next fsync
      const running = this.fd.datasync().then(() => {
        this.syncs++;
      });
      this.inflightSync = running;
      try {
        await running;
      } finally {
        if (this.inflightSync === running) this.inflightSync = null;
      }
    })();
    this.scheduledSync = scheduled;
    return scheduled;
  }

  private async settleSyncs(): Promise<void> {
    while (this.scheduledSync || this.inflightSync) {
      await this.scheduledSync?.catch(() => undefined);
      await this.inflightSync?.catch(() => undefined);
    }
  }

  private async appendDurably(name: string, text: string): Promise<void> {
    const h = await open(join(this.dir, name), 'a');
    try {
      await h.write(text);
      await h.sync();
      this.syncs++;
    } finally {
      await h.close();
    }
  }

  private lock(): void {
    if (openHere.has(this.key)) throw new SpoolLockedError(this.dir, process.pid);
    const file = join(this.dir, LOCK);
    for (let tries = 0; ; tries++) {
      try {
        writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) throw err;
        const pid = Number(readFileSync(file, 'utf8').trim());
        // our own pid but not open here: left by an instance of this process that was never closed
        if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new SpoolLockedError(this.dir, pid);
        unlinkSync(file); // stale: its process is gone
      }
    }
    openHere.add(this.key);
  }

  private unlock(): void {
    openHere.delete(this.key);
    try {
      const file = join(this.dir, LOCK);
      if (existsSync(file) && Number(readFileSync(file, 'utf8').trim()) === process.pid) unlinkSync(file);
    } catch {
      /* already gone */
    }
  }

  private async recover(): Promise<void> {
    await rm(join(this.dir, CURSOR + '.tmp'), { force: true });
    await rm(join(this.dir, EVENTS + '.tmp'), { force: true });
    // the cursor (a missing or unreadable one only means events are sent again: they replay as 200)
    try {
      const c = JSON.parse(await readFile(join(this.dir, CURSOR), 'utf8')) as { done_through?: number; done?: number[] };
      if (Number.isInteger(c.done_through)) this.doneThrough = c.done_through!;
      for (const s of c.done ?? []) if (Number.isInteger(s) && s > this.doneThrough) this.doneAbove.add(s);
    } catch {
      /* none yet */
    }
    const file = join(this.dir, EVENTS);
    const created = !existsSync(file);
    this.fd = await open(file, 'a+');
    if (created) await syncDir(this.dir);
    const { size } = await this.fd.stat();
    const corrupt: RejectedEvent[] = [];
    let maxSeq = 0;
    let offset = 0; // of the first byte of `carry`
    let carry = Buffer.alloc(0);
    const CHUNK = 4 * 1024 * 1024;
    for (let pos = 0; pos < size; ) {
      const chunk = Buffer.alloc(Math.min(CHUNK, size - pos));
      const { bytesRead } = await this.fd.read(chunk, 0, chunk.length, pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      let start = 0;
      for (let nl = buf.indexOf(NL, start); nl >= 0; nl = buf.indexOf(NL, start)) {
        const line = buf.subarray(start, nl);
        let seq: number | null = null;
        try {
          const row = JSON.parse(line.toString('utf8')) as { seq?: unknown; event?: unknown };
          if (Number.isInteger(row.seq) && typeof row.event === 'object' && row.event !== null) seq = row.seq as number;
        } catch {
          /* corrupt */
        }
        if (seq !== null) {
          this.index.push({ seq, offset: offset + start, length: line.length });
          maxSeq = Math.max(maxSeq, seq);
        } else if (line.length > 0) {
          corrupt.push({ seq: -1, id: `corrupt@${offset + start}`, rejected_at: new Date(this.opts.now()).toISOString(), status: 0, code: 'corrupt_line', message: `events.jsonl line at byte ${offset + start} is not a spooled event`, event: null, raw: line.toString('utf8').slice(0, 10_000) });
        }
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
      offset += start;
    }
    // a torn last line: an append that never resolved (its fsync never finished); cut it off
    const end = size - carry.length;
    if (end < size) {
      await this.fd.truncate(end);
      await this.fd.sync();
    }
    this.size = end;
    this.index.sort((a, b) => a.seq - b.seq || a.offset - b.offset);
    let top = Math.max(maxSeq, this.doneThrough);
    for (const s of this.doneAbove) top = Math.max(top, s);
    this.nextSeq = top + 1;
    if (corrupt.length) {
      // kept aside once, then rewritten away so a later open does not report them again
      await this.appendDurably(REJECTED, corrupt.map((r) => json(r) + '\n').join(''));
      await this.rewrite();
    }
    // skip what the cursor says is done
    while (this.head < this.index.length && this.isDone(this.index[this.head]!.seq)) this.head++;
    if (this.head === this.index.length && this.size > 0) await this.afterMarks();
  }
}

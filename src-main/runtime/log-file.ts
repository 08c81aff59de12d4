import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export interface RotatingLogOptions {
  dir: string;
  name?: string;
  /** Rotate when the file reaches this size (default 10 MiB). */
  maxBytes?: number;
  /** Rotated files kept: name.1 (newest) ... name.N (default 5). */
  keep?: number;
}

/**
 * Structured logs as JSON lines in the data dir (logs/tollgate.log), rotated by size. Lines are
 * buffered and appended every 100 ms (so logging costs the request path next to nothing; a crash
 * may lose the last 100 ms of log lines, never data). Callers pass only what may be logged: ids,
 * routes as templates, statuses, latencies, never keys, personal data or event properties.
 */
export class RotatingLog {
  private fd: number;
  private size: number;
  private readonly file: string;
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(private readonly o: RotatingLogOptions) {
    mkdirSync(o.dir, { recursive: true });
    this.file = join(o.dir, o.name ?? 'tollgate.log');
    this.maxBytes = o.maxBytes ?? 10 * 1024 * 1024;
    this.keep = o.keep ?? 5;
    this.fd = openSync(this.file, 'a');
    this.size = existsSync(this.file) ? statSync(this.file).size : 0;
  }

  private buffer: string[] = [];
  private timer: NodeJS.Timeout | null = null;

  write(line: Record<string, unknown>): void {
    this.buffer.push(JSON.stringify({ at: new Date().toISOString(), ...line }));
    this.timer ??= setTimeout(() => this.flush(), 100);
    this.timer.unref?.();
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer.length) return;
    const text = this.buffer.join('\n') + '\n';
    this.buffer = [];
    // Logging is best effort: a full or read-only disk drops log lines (counted), never the process.
    try {
      if (this.size + text.length > this.maxBytes && this.size > 0) this.rotate();
      writeSync(this.fd, text);
      this.size += Buffer.byteLength(text);
    } catch {
      this.dropped += text.split('\n').length - 1;
    }
  }

  /** Lines lost because the disk refused them (full, read-only). */
  dropped = 0;

  private rotate(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* a rotation that failed half way already closed it */
    }
    try {
      rmSync(`${this.file}.${this.keep}`, { force: true });
      for (let i = this.keep - 1; i >= 1; i--) if (existsSync(`${this.file}.${i}`)) renameSync(`${this.file}.${i}`, `${this.file}.${i + 1}`);
      renameSync(this.file, `${this.file}.1`);
    } finally {
      // Reopened whatever happened above (a failure is retried at the next flush).
      this.fd = openSync(this.file, 'a');
      this.size = statSync(this.file).size;
    }
  }

  close(): void {
    this.flush();
    try {
      closeSync(this.fd);
    } catch {
      /* already closed by a failed rotation */
    }
  }
}

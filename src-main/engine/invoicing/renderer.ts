import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { DocumentModel } from '../../documents/model';

/** Turns a document model into PDF bytes. Deterministic: the same model always gives the same bytes. */
export interface DocumentRenderer {
  render(doc: DocumentModel): Promise<Buffer>;
  close(): Promise<void>;
}

export const sha256Hex = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Renders in this thread (tests, tools). */
export class InlineRenderer implements DocumentRenderer {
  async render(doc: DocumentModel): Promise<Buffer> {
    const { renderDocument } = await import('../../documents/render');
    return renderDocument(doc);
  }
  async close(): Promise<void> {}
}

/**
 * Renders on a thread of its own (out/main/document-worker.js), so laying out a 300-line invoice
 * never holds up the engine's writes. The thread starts on the first render and stops after
 * `idleMs` without one: documents come in bursts (a billing run, a receipt asked for), and an idle
 * renderer kept its heap, its parsed fonts and its code resident for as long as the server ran.
 */
export class WorkerRenderer implements DocumentRenderer {
  private worker: Worker | null = null;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (b: Buffer) => void; reject: (e: Error) => void }>();
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: URL | string,
    private readonly idleMs = 60_000,
  ) {}

  /** Whether the rendering thread is running (tests). */
  get running(): boolean {
    return this.worker !== null;
  }

  /** Once nothing is pending, the thread stops after idleMs; a render in between keeps it. */
  private settled(): void {
    if (this.pending.size > 0 || !this.worker) return;
    const w = this.worker;
    this.cancelIdleStop();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.worker !== w || this.pending.size > 0) return;
      this.worker = null;
      void w.terminate();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private cancelIdleStop(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private ensure(): Worker {
    this.cancelIdleStop();
    if (this.worker) return this.worker;
    const w = new Worker(this.file);
    w.on('message', (m: { id: number; pdf?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.pdf) p.resolve(Buffer.from(m.pdf));
      else p.reject(new Error(m.error ?? 'render failed'));
      this.settled();
    });
    w.on('error', (err) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = null;
    });
    w.unref();
    this.worker = w;
    return w;
  }

  render(doc: DocumentModel): Promise<Buffer> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.ensure().postMessage({ id, doc });
    });
  }

  async close(): Promise<void> {
    this.cancelIdleStop();
    await this.worker?.terminate();
    this.worker = null;
  }
}

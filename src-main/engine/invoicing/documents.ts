import type { DocumentModel } from '../../documents/model';
import type { EngineContext } from '../context';
import { fail } from '../errors';
import type { Writer } from '../writer';
import { type Invoices, isClosed } from './invoices';
import { type DocumentRenderer, sha256Hex } from './renderer';

export interface DocumentBytes {
  filename: string;
  pdf: Buffer;
  sha256: string;
}

/**
 * PDFs of issued documents. Rendering happens after the commit that froze the document (it is
 * asynchronous work the writer must not wait on); the bytes and their SHA-256 are then stored once
 * and never replaced. A document left without its PDF by a crash is rendered at the next pass:
 * rendering is deterministic, so the bytes are the ones it would have had.
 */
export class Documents {
  private rendering: Promise<number> | null = null;
  rendered = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly writer: Writer,
    private readonly renderer: DocumentRenderer,
    private readonly invoices: Invoices,
  ) {}

  /** Renders and stores every issued document still without its PDF. Concurrent calls share one pass. */
  renderPending(): Promise<number> {
    this.rendering ??= this.pass().finally(() => {
      this.rendering = null;
    });
    return this.rendering;
  }

  private async pass(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = this.ctx.store.listDocumentsWithoutPdf(20);
      if (!batch.length) return total;
      for (const d of batch) {
        const model = (JSON.parse(d.document) as { model: DocumentModel }).model;
        const pdf = await this.renderer.render(model);
        const sha = sha256Hex(pdf);
        // Background work: the bulk lane, so storing PDFs never shrinks the writer's flushes the way
        // arriving authorizations do (a billing run was cut into 2 ms slices by its own PDFs).
        await this.writer.run(() => this.ctx.store.setDocumentPdf(d.table, d.id, pdf, sha), 'bulk');
        total++;
        this.rendered++;
      }
    }
  }

  async invoicePdf(idOrNumber: string): Promise<DocumentBytes> {
    const row = this.invoices.require(idOrNumber);
    if (isClosed(row)) fail('invalid_state', `Invoice ${row.id} was closed with nothing to bill: it has no document.`, { invoice: row.id, status: 'closed' });
    if (row.status !== 'draft') {
      if (!row.pdf) await this.renderPending();
      const stored = this.ctx.store.getInvoicePdf(row.id);
      if (stored?.pdf) return { filename: `${row.number}.pdf`, pdf: stored.pdf, sha256: stored.pdf_sha256! };
    }
    const pdf = await this.renderer.render(this.invoices.documentOf(row));
    return { filename: `draft-${row.id}.pdf`, pdf, sha256: sha256Hex(pdf) };
  }

  async creditNotePdf(idOrNumber: string): Promise<DocumentBytes> {
    let note = this.ctx.store.getCreditNotePdf(idOrNumber) ?? fail('not_found', `No credit note ${idOrNumber}.`, { credit_note: idOrNumber });
    if (!note.pdf) {
      await this.renderPending();
      note = this.ctx.store.getCreditNotePdf(idOrNumber)!;
    }
    return { filename: `${note.number}.pdf`, pdf: note.pdf!, sha256: note.pdf_sha256! };
  }

  async receiptPdf(topUpId: string): Promise<DocumentBytes> {
    const r = this.ctx.store.getReceiptForTopUp(topUpId) ?? fail('invalid_state', `Top-up ${topUpId} has no receipt.`, { top_up: topUpId });
    if (r.pdf) return { filename: `${r.number}.pdf`, pdf: r.pdf, sha256: r.pdf_sha256! };
    // Rendered on first request from the frozen document, then kept (the bytes never change).
    const pdf = await this.renderer.render((JSON.parse(r.document) as { model: DocumentModel }).model);
    const sha = sha256Hex(pdf);
    await this.writer.run(() => this.ctx.store.setDocumentPdf('receipts', r.id, pdf, sha));
    return { filename: `${r.number}.pdf`, pdf, sha256: sha };
  }
}

/**
 * The same model renders to the same bytes (a PDF stored at finalization can be re-rendered and
 * checked against its SHA-256), whatever ran before, concurrently or on a worker thread; any change
 * to the model changes the bytes.
 */
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import type { DocumentModel } from '../../src-main/documents/model';
import { renderDocument } from '../../src-main/documents/render';
import { defaultResourcesDir } from '../../src-main/documents/resources';
import { creditNote, invoice, multiScriptInvoice } from './fixtures';
import { pdfInfo, savePdf } from './pdf-tools';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('deterministic output', () => {
  it('renders the same model to identical bytes, and stores a stable SHA-256', async () => {
    const first = await renderDocument(invoice());
    await renderDocument(multiScriptInvoice()); // other work in between must not leak into the next render
    const second = await renderDocument(invoice());
    expect(second.equals(first)).toBe(true);
    expect(sha256(second)).toBe(sha256(first));
  });

  it('is identical for CJK and Arabic documents too', async () => {
    const [a, b] = [await renderDocument(multiScriptInvoice()), await renderDocument(multiScriptInvoice())];
    expect(a.equals(b)).toBe(true);
  });

  it('is identical when renders run concurrently', async () => {
    const models = [invoice(), multiScriptInvoice(), creditNote(), invoice()];
    const sequential: Buffer[] = [];
    for (const m of models) sequential.push(await renderDocument(m));
    const concurrent = await Promise.all(models.map((m) => renderDocument(m)));
    concurrent.forEach((pdf, i) => expect(pdf.equals(sequential[i]!)).toBe(true));
  });

  it('dates the PDF by the issue date, not the clock', async () => {
    const info = pdfInfo(savePdf(await renderDocument(invoice())));
    expect(info['CreationDate']).toMatch(/Tue Dec {2}1 00:00:00 2026 UTC/);
    expect(info['ModDate']).toMatch(/Tue Dec {2}1 00:00:00 2026 UTC/);
  });

  it.each<[string, (m: DocumentModel) => DocumentModel]>([
    ['seller name', (m) => ({ ...m, seller: { ...m.seller, legalName: 'Tollgate Demo SARL' } })],
    ['one amount', (m) => ({ ...m, amountDue: '19144' })],
    ['issue date', (m) => ({ ...m, issueDate: '2026-12-02' })],
  ])('gives different bytes when the %s changes', async (_what, change) => {
    const base = await renderDocument(invoice());
    const changed = await renderDocument(change(invoice()));
    expect(sha256(changed)).not.toBe(sha256(base));
  });
});

describe('on a worker thread', () => {
  it('renders the same bytes as on the main thread', async () => {
    // Bundle the worker entry the way the app bundles its workers (pdfmake stays in node_modules).
    const outDir = resolve(import.meta.dirname, '..', '..', 'test-results', 'documents', 'worker');
    await build({
      root: resolve(import.meta.dirname, '..', '..'),
      configFile: false,
      logLevel: 'silent',
      build: { ssr: resolve(import.meta.dirname, 'render-worker-entry.ts'), outDir, emptyOutDir: true, target: 'node20', rolldownOptions: { output: { entryFileNames: 'render-worker.mjs' } } },
    });
    const model = multiScriptInvoice();
    const inWorker = (): Promise<Buffer> =>
      new Promise((resolvePdf, reject) => {
        const worker = new Worker(join(outDir, 'render-worker.mjs'), { workerData: { model, resourcesDir: defaultResourcesDir() } });
        worker.once('message', (bytes: Uint8Array) => resolvePdf(Buffer.from(bytes)));
        worker.once('error', reject);
      });
    const [a, b] = await Promise.all([inWorker(), inWorker()]);
    const main = await renderDocument(model);
    expect(a.equals(main)).toBe(true);
    expect(b.equals(main)).toBe(true);
  }, 60_000);
});

/** The document thread: renders PDFs on request (see renderer.ts). */
import { parentPort } from 'node:worker_threads';
import type { DocumentModel } from '../../documents/model';
import { renderDocument } from '../../documents/render';

parentPort!.on('message', (m: { id: number; doc: DocumentModel }) => {
  renderDocument(m.doc).then(
    (pdf) => parentPort!.postMessage({ id: m.id, pdf }, [pdf.buffer as ArrayBuffer]),
    (err: unknown) => parentPort!.postMessage({ id: m.id, error: (err as Error)?.message ?? String(err) }),
  );
});

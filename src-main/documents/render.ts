/**
 * Renders an invoice, credit note or receipt to an A4 PDF, offline, deterministically: the same
 * model (and logo) always gives the same bytes, so a PDF stored at finalization can be re-rendered
 * and checked against its SHA-256. Safe to call concurrently and from a worker thread: each call
 * builds its own pdfmake instance; only immutable font bytes are shared.
 */
import type { Readable } from 'node:stream';
import { documentDefinition } from './document-definition';
import { RTL_FAMILIES } from './fonts';
import type { DocumentModel } from './model';
import { pdfPrinter } from './pdf-printer';
import { defaultLogoSvg, defaultResourcesDir, fontsDir } from './resources';
import { storeRtlLigaturesInVisualOrder } from './rtl-ligature-text';

export interface RenderOptions {
  /**
   * SVG markup of the seller's logo, overriding the document's own (`seller.logoSvg`); an empty
   * string prints none. Without either, resources/logo.svg (documents made before logos were a setting).
   */
  logoSvg?: string;
  /** Folder holding fonts/ and logo.svg; defaults to the repository's resources/ folder. */
  resourcesDir?: string;
}

export async function renderDocument(doc: DocumentModel, opts: RenderOptions = {}): Promise<Buffer> {
  const resourcesDir = opts.resourcesDir ?? defaultResourcesDir();
  const own = doc.seller.logoSvg === undefined ? undefined : (doc.seller.logoSvg ?? '');
  const logoSvg = opts.logoSvg ?? own ?? defaultLogoSvg(resourcesDir);
  const printer = pdfPrinter(fontsDir(resourcesDir));
  let pdf;
  try {
    pdf = await printer.createPdf(documentDefinition(doc, logoSvg === '' ? null : logoSvg)).getStream();
  } catch (err) {
    // A logo the SVG reader cannot draw must not stop the document: it prints the seller's name
    // instead (the same every time, so the bytes stay deterministic).
    if (logoSvg === '') throw err;
    pdf = await printer.createPdf(documentDefinition(doc, null)).getStream();
  }
  // Laid out but not yet ended: the fonts are embedded (with their ToUnicode maps) on end().
  storeRtlLigaturesInVisualOrder(pdf, RTL_FAMILIES);
  return readAll(pdf as unknown as Readable & { end(): void });
}

function readAll(pdf: Readable & { end(): void }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
    pdf.end();
  });
}

/**
 * Page 1 of each kind of document as a PNG in test-results/documents/, for a person to look at
 * (layout, alignment, nothing overlapping). The test checks the pictures exist and have A4's shape.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DocumentModel } from '../../src-main/documents/model';
import { renderDocument } from '../../src-main/documents/render';
import { creditNote, invoice, multiScriptInvoice, receipt } from './fixtures';
import { pageOnePng, savePdf } from './pdf-tools';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): { width: number; height: number } {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('PNG previews', () => {
  it.each<[string, () => DocumentModel]>([
    ['invoice', () => invoice()],
    ['invoice-cjk-arabic', multiScriptInvoice],
    ['credit-note', () => creditNote({ status: 'draft' })],
    ['receipt-de', () => receipt({ language: 'de' })],
  ])('%s', async (name, model) => {
    const png = pageOnePng(savePdf(await renderDocument(model()), name), name);
    // A4 at 80 dpi: 8.27 x 11.69 in.
    expect(pngSize(png)).toEqual({ width: 662, height: 936 });
  });
});

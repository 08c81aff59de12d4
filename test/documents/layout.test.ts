/**
 * Layout checks on the words' boxes (pdftotext -bbox): nothing past the page margins, nothing
 * drawn over something else, long names and descriptions wrapped rather than cut or overflowing.
 */
import { describe, expect, it } from 'vitest';
import { renderDocument } from '../../src-main/documents/render';
import type { DocumentModel } from '../../src-main/documents/model';
import { buyer, creditNote, invoice, line, longInvoice, multiScriptInvoice, seller } from './fixtures';
import { pdfText, savePdf, wordBoxes, type WordBox } from './pdf-tools';

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN = 48;

function longNamesInvoice(): DocumentModel {
  const longName = 'Internationale Gesellschaft für Datenverarbeitung, Cloud-Infrastruktur und Maschinelles Lernen mit beschränkter Haftung & Co. Kommanditgesellschaft auf Aktien';
  return invoice({
    seller: { ...seller, legalName: longName, address: ['Very Long Street Name That Goes On And On Avenue, Building 7, Floor 12, Suite 1200-B, Industrial Park North'] },
    buyer: { ...buyer, email: 'accounts-payable-department.europe-middle-east-africa@very-long-domain-name.example.com', taxId: 'DE123456789-BRANCH-0001-INTRA-COMMUNITY' },
    lines: [
      line({
        description:
          'Enterprise platform subscription including priority support, dedicated account management, 99.99% uptime SLA, single sign-on, audit logs, custom data retention, regional data residency in the European Union, and unlimited seats for all affiliated entities of the customer group, as agreed in the master services agreement',
        period: 'Nov 1 – Nov 30, 2026 (prorated from the upgrade on Nov 12, 2026 at 14:32 UTC)',
      }),
      line({ description: 'Reference https://billing.example.com/invoices/TG-2026-000123/line-items/abcdefghijklmnopqrstuvwxyz0123456789', period: null }),
      line({ description: 'Usage', quantity: '123456789012.123456', unit: 'GPU_HOURS', unitPrice: '0.000000123456', amount: '1234567890123' }),
    ],
  });
}

/** Words whose boxes overlap by more than a sliver (touching glyph boxes are fine). */
function overlaps(words: WordBox[]): [WordBox, WordBox][] {
  const found: [WordBox, WordBox][] = [];
  for (let i = 0; i < words.length; i++) {
    for (let j = i + 1; j < words.length; j++) {
      const a = words[i]!;
      const b = words[j]!;
      if (a.page !== b.page) continue;
      const w = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
      const h = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
      if (w > 1 && h > 2.5) found.push([a, b]);
    }
  }
  return found;
}

describe.each<[string, () => DocumentModel]>([
  ['the sample invoice', () => invoice()],
  ['the multi-script invoice', multiScriptInvoice],
  ['a credit note', () => creditNote()],
  ['an invoice with very long names and descriptions', longNamesInvoice],
  ['a 40-line invoice', () => longInvoice(40)],
])('layout of %s', (_name, model) => {
  it('keeps every word inside the page margins and draws none over another', async () => {
    const words = wordBoxes(savePdf(await renderDocument(model())));
    expect(words.length).toBeGreaterThan(20);
    const outside = words.filter((w) => w.xMin < MARGIN - 0.5 || w.xMax > PAGE_WIDTH - MARGIN + 0.5 || w.yMin < 30 || w.yMax > PAGE_HEIGHT - 20);
    expect(outside.map((w) => w.text)).toEqual([]);
    expect(overlaps(words).map(([a, b]) => `${a.text} / ${b.text}`)).toEqual([]);
  });
});

describe('long names and descriptions', () => {
  it('are wrapped in full, not cut', async () => {
    const model = longNamesInvoice();
    const text = pdfText(savePdf(await renderDocument(model)), undefined, 'reading');
    // Side-by-side blocks interleave line by line in extracted text: check each word, in order.
    for (const long of [model.seller.legalName, model.seller.address[0]!, model.lines[0]!.description]) {
      let from = 0;
      for (const word of long.split(' ')) {
        const at = text.indexOf(word, from);
        expect(at, word).toBeGreaterThanOrEqual(0);
        from = at + word.length;
      }
    }
    expect(text).toContain('123,456,789,012.123456');
    expect(text).toContain('GPU_HOURS');
    expect(text).toContain('€0.000000123456');
    expect(text).toContain('€12,345,678,901.23');
  });
});

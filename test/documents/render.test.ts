/**
 * Every mandatory field of an invoice, a credit note and a receipt is in the PDF's text, in the
 * expected order, on an A4 page.
 */
import { describe, expect, it } from 'vitest';
import { documentDefinition } from '../../src-main/documents/document-definition';
import { renderDocument } from '../../src-main/documents/render';
import { creditNote, invoice, receipt, seller } from './fixtures';
import { pdfInfo, pdfText, savePdf, wordBoxes } from './pdf-tools';

/** Asserts the needles appear in this order in the text. */
function expectInOrder(text: string, needles: string[]): void {
  let from = 0;
  for (const needle of needles) {
    const at = text.indexOf(needle, from);
    expect(at, `"${needle}" after position ${from}`).toBeGreaterThanOrEqual(0);
    from = at + needle.length;
  }
}

describe('renderDocument: invoice', async () => {
  const model = invoice();
  const path = savePdf(await renderDocument(model), 'invoice');
  const text = pdfText(path);

  it('is an A4 PDF titled with the document number, dated by its issue date', () => {
    const info = pdfInfo(path);
    expect(info['Page size']).toContain('595.28 x 841.89');
    expect(info['Title']).toBe('Invoice TG-2026-000123');
    expect(info['Author']).toBe('Tollgate Demo SAS');
    expect(info['CreationDate']).toContain('Dec  1 00:00:00 2026');
  });

  it('shows the title and number', () => {
    expect(text).toContain('Invoice');
    expect(text).toContain('TG-2026-000123');
  });

  it('shows both parties: legal name, address, country by name, tax ID, email', () => {
    for (const needle of [
      'Tollgate Demo SAS',
      '12 rue de la Paix',
      '75002 Paris',
      'France',
      'Tax ID: FR12345678901',
      'billing@tollgate.example',
      'Acme Analytics GmbH',
      'Friedrichstraße 100',
      '10117 Berlin',
      'Germany',
      'Tax ID: DE987654321',
      'accounts@acme.example',
    ]) {
      expect(text).toContain(needle);
    }
  });

  it('shows the issue date, due date and supply period', () => {
    expect(text).toContain('December 1, 2026');
    expect(text).toContain('December 31, 2026');
    expect(text).toContain('November 1 – 30, 2026');
  });

  it('shows every line with its period, quantity and unit, unit price and amount', () => {
    expect(text).toMatch(/Pro plan\s+1\s+€99\.00\s+€99\.00/);
    expect(text).toContain('Nov 1 – Nov 30, 2026');
    expect(text).toMatch(/API requests\s+1,500,000 requests\s+€125\.00/);
    expect(text).toMatch(/Coupon WELCOME10\s+\(€9\.90\)/);
  });

  it('shows tier rows under their line, with the flat fee', () => {
    expectInOrder(text, ['API requests', 'First 1,000,000 requests', '1,000,001 and above', 'LLM tokens consumed']);
    expect(text).toMatch(/First 1,000,000 requests\s+1,000,000\s+€0\.00\s+€0\.00/);
    expect(text).toMatch(/1,000,001 and above\s+500,000\s+€0\.0002\s+€125\.00/);
    expect(text).toContain('+ €25.00 flat fee');
  });

  it('marks informational custom-asset lines as not billed', () => {
    expect(text).toMatch(/LLM tokens consumed\s+1,200,000 TOKENS\s+—/);
    expect(text).toContain('For information only, not billed');
  });

  it('shows the totals in order: subtotal, discounts, taxes by rate, total, credits applied, amount due', () => {
    const totals = text.slice(text.lastIndexOf('Subtotal'));
    expect(totals).toMatch(/Subtotal\s+€214\.10/);
    expect(totals).toMatch(/Volume discount\s+\(€10\.00\)/);
    expect(totals).toMatch(/VAT 20% on €180\.00\s+€36\.00/);
    expect(totals).toMatch(/VAT 5\.5% on €24\.10\s+€1\.33/);
    expect(totals).toMatch(/Total\s+€241\.43/);
    expect(totals).toMatch(/Credits applied\s+\(€50\.00\)/);
    expect(totals).toMatch(/Amount due\s+€191\.43/);
    expectInOrder(totals, ['Subtotal', 'Volume discount', 'VAT 20%', 'VAT 5.5%', 'Total', 'Credits applied', 'Amount due']);
  });

  it('shows the amount due near the top too', () => {
    expect(text.indexOf('€191.43')).toBeLessThan(text.indexOf('DESCRIPTION'));
  });

  it('shows payment terms, the tax note and notes', () => {
    expect(text).toContain('PAYMENT TERMS');
    expect(text).toContain('Payment due within 30 days by bank transfer to IBAN FR76 3000 6000 0112 3456 7890 189.');
    expect(text).toContain('TAX INFORMATION');
    expect(text).toContain('Reverse charge: VAT to be accounted for by the recipient (Article 196, Directive 2006/112/EC).');
    expect(text).toContain('Thank you for your business.');
  });

  it('numbers its pages "Page x of y"', () => {
    expect(text).toMatch(/Page 1 of \d+/);
  });
});

describe('renderDocument: status', () => {
  it('prints a status that is not final, with a watermark for drafts', async () => {
    const text = pdfText(savePdf(await renderDocument(invoice({ status: 'draft' }))));
    expect(text).toContain('DRAFT');
    // pdftotext skips the diagonal watermark: check the definition instead.
    expect(documentDefinition(invoice({ status: 'draft' }), null).watermark).toMatchObject({ text: 'DRAFT' });
    expect(documentDefinition(invoice({ status: 'paid' }), null).watermark).toBeUndefined();
    expect(pdfText(savePdf(await renderDocument(invoice({ status: 'paid' }))))).toContain('PAID');
  });

  it('prints nothing for a final document', async () => {
    const text = pdfText(savePdf(await renderDocument(invoice({ status: 'final' }))));
    expect(text).not.toMatch(/FINAL|DRAFT/);
  });
});

describe('renderDocument: credit note', async () => {
  const path = savePdf(await renderDocument(creditNote()), 'credit-note');
  const text = pdfText(path);

  it('is titled Credit note and refers to the invoice it corrects, with the reason', () => {
    expect(text).toContain('Credit note');
    expect(text).toContain('TG-2026-000123-CN01');
    expect(text).toMatch(/Credit note for invoice\s+TG-2026-000123\b/);
    expect(text).toMatch(/Reason\s+Duplicated charge/);
  });

  it('shows what it credits', () => {
    expect(text).toMatch(/Pro plan \(charged twice\)\s+1\s+€99\.00\s+€99\.00/);
    expect(text).toMatch(/VAT 20% on €99\.00\s+€19\.80/);
    expect(text).toMatch(/Total credited\s+€118\.80/);
    expect(text).not.toContain('DUE DATE');
  });
});

describe('renderDocument: receipt', async () => {
  const text = pdfText(savePdf(await renderDocument(receipt()), 'receipt'));

  it('is titled Receipt, shows the payment reference and what was paid', () => {
    expect(text).toContain('Receipt');
    expect(text).toContain('RC-2026-000045');
    expect(text).toMatch(/Payment\s+PAY-2026-000981/);
    expect(text).toContain('CUSTOMER');
    expect(text).toMatch(/Wallet top-up\s+€500\.00/);
    expect(text).toMatch(/Total paid\s+€500\.00/);
    expect(text).not.toContain('Amount due');
  });
});

describe('renderDocument: languages', () => {
  it('prints French labels and formats', async () => {
    const text = pdfText(savePdf(await renderDocument(invoice({ language: 'fr' }))));
    for (const needle of ['Facture', 'ÉMETTEUR', 'FACTURÉ À', 'Sous-total', 'Montant dû', '191,43 €', '1 décembre 2026', 'Allemagne', 'Page 1 sur']) {
      expect(text).toContain(needle);
    }
    // The tax label comes from the model ("VAT"); rate and base are formatted for French.
    expect(text).toMatch(/VAT 20 % sur 180,00 €\s+36,00 €/);
  });

  it('prints German labels and formats', async () => {
    const text = pdfText(savePdf(await renderDocument(invoice({ language: 'de-AT' }))));
    for (const needle of ['Rechnung', 'RECHNUNGSEMPFÄNGER', 'Zwischensumme', 'Gesamtbetrag', 'Fälliger Betrag', 'LEISTUNGSZEITRAUM', 'Seite 1 von']) {
      expect(text).toContain(needle);
    }
  });

  it('falls back to English labels for a language without a table, and survives a malformed tag', async () => {
    const ja = pdfText(savePdf(await renderDocument(invoice({ language: 'ja' }))));
    expect(ja).toContain('Amount due');
    expect(ja).toContain('2026年12月1日');
    const bad = pdfText(savePdf(await renderDocument(invoice({ language: 'not a tag!' }))));
    expect(bad).toContain('Amount due');
    expect(bad).toContain('December 1, 2026');
  });
});

describe('renderDocument: logo', () => {
  it('embeds the default logo, accepts another one, and prints none when given an empty string', async () => {
    const withDefault = await renderDocument(invoice());
    const custom = await renderDocument(invoice(), { logoSvg: '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#000"/></svg>' });
    const none = await renderDocument(invoice(), { logoSvg: '' });
    expect(new Set([withDefault.toString('base64'), custom.toString('base64'), none.toString('base64')]).size).toBe(3);
  });

  it('prints the seller\'s own logo frozen in the document, or its name in that place without one', async () => {
    const square = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10" fill="#000"/></svg>';
    const own = await renderDocument(invoice({ seller: { ...seller, logoSvg: square } }));
    expect(own.equals(await renderDocument(invoice(), { logoSvg: square }))).toBe(true);
    // No logo: the seller's name heads the page (above the title row's baseline), besides the From block.
    const headerWords = async (doc: ReturnType<typeof invoice>, name: string) => {
      const words = wordBoxes(savePdf(await renderDocument(doc), name));
      const title = words.find((w) => w.text === 'Invoice')!;
      return words.filter((w) => w.page === 1 && w.yMin < title.yMax).map((w) => w.text);
    };
    expect(await headerWords(invoice({ seller: { ...seller, logoSvg: null } }), 'logo-none')).toEqual(['Tollgate', 'Demo', 'SAS', 'Invoice']);
    expect(await headerWords(invoice(), 'logo-default')).toEqual(['Invoice']); // the default logo is a drawing
    // A logo the SVG reader cannot draw prints the name too, the same bytes every time.
    const broken = await renderDocument(invoice({ seller: { ...seller, logoSvg: '<svg><path d="M 0 0 L"' } }));
    expect(broken.equals(await renderDocument(invoice({ seller: { ...seller, logoSvg: null } })))).toBe(true);
  });
});

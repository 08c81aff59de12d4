/** Labels per language with fallbacks, and the formatting of the values a document prints. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLineMetrics } from '../../src-main/documents/font-line-metrics';
import { FONT_FILES } from '../../src-main/documents/fonts';
import { formatterFor, parseIsoDate } from '../../src-main/documents/format';
import { labelsFor, statusLabel } from '../../src-main/documents/labels';
import { defaultResourcesDir, fontsDir } from '../../src-main/documents/resources';

describe('labelsFor', () => {
  it('picks the language, then its base language, then English', () => {
    expect(labelsFor('fr').title.invoice).toBe('Facture');
    expect(labelsFor('fr-CA').title.credit_note).toBe('Avoir');
    expect(labelsFor('de_CH').amountDue).toBe('Fälliger Betrag');
    expect(labelsFor('ja').title.receipt).toBe('Receipt');
    expect(labelsFor('').subtotal).toBe('Subtotal');
  });

  it('has every label in every language', () => {
    const keys = (l: object) => Object.keys(l).sort();
    expect(keys(labelsFor('fr'))).toEqual(keys(labelsFor('en')));
    expect(keys(labelsFor('de'))).toEqual(keys(labelsFor('en')));
    expect(labelsFor('de').page(2, 5)).toBe('Seite 2 von 5');
  });

  it('prints no status for final documents and translates known ones', () => {
    expect(statusLabel(null, labelsFor('en'))).toBeNull();
    expect(statusLabel('final', labelsFor('en'))).toBeNull();
    expect(statusLabel('draft', labelsFor('de'))).toBe('Entwurf');
    expect(statusLabel('disputed', labelsFor('fr'))).toBe('disputed');
  });
});

describe('formatterFor', () => {
  const usd = formatterFor({ language: 'en', currency: { code: 'USD', scale: 2 } });

  it('formats money exactly, negatives in parentheses', () => {
    expect(usd.money('123456')).toBe('$1,234.56');
    expect(usd.money('-500')).toBe('($5.00)');
    expect(usd.money('123456789012345678901')).toBe('$1,234,567,890,123,456,789.01');
  });

  it('formats quantities, unit prices and percents exactly', () => {
    expect(usd.quantity('1234567.000001')).toBe('1,234,567.000001');
    expect(usd.unitPrice('0.000002')).toBe('$0.000002');
    expect(usd.percent('20')).toBe('20%');
    expect(usd.percent('5.5')).toBe('5.5%');
    expect(usd.percent('0.125')).toBe('0.125%');
    expect(formatterFor({ language: 'fr', currency: { code: 'EUR', scale: 2 } }).percent('20').replace(/\s/g, ' ')).toBe('20 %');
  });

  it('formats calendar dates without shifting them by a time zone', () => {
    expect(usd.date('2026-01-01')).toBe('January 1, 2026');
    expect(formatterFor({ language: 'de', currency: { code: 'EUR', scale: 2 } }).date('2026-12-31')).toBe('31. Dezember 2026');
    expect(parseIsoDate('2026-02-28').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(() => parseIsoDate('28/02/2026')).toThrow(RangeError);
  });

  it('names countries in the document language', () => {
    expect(usd.country('de')).toBe('Germany');
    expect(formatterFor({ language: 'fr', currency: { code: 'EUR', scale: 2 } }).country('DE')).toBe('Allemagne');
    expect(usd.country('ZZ')).toBe('ZZ');
    expect(usd.country('AA')).toBe('AA');
    expect(usd.country('not a code')).toBe('not a code');
  });
});

describe('withLineMetrics', () => {
  const read = (file: string) => readFileSync(join(fontsDir(defaultResourcesDir()), file));
  /** hhea ascender and descender of every face in a font or collection. */
  function hheaMetrics(font: Buffer): [number, number][] {
    const faces = font.toString('latin1', 0, 4) === 'ttcf' ? Array.from({ length: font.readUInt32BE(8) }, (_, i) => font.readUInt32BE(12 + 4 * i)) : [0];
    return faces.map((sfnt) => {
      for (let i = 0; i < font.readUInt16BE(sfnt + 4); i++) {
        const record = sfnt + 12 + 16 * i;
        if (font.toString('latin1', record, record + 4) === 'hhea') {
          const at = font.readUInt32BE(record + 8);
          return [font.readInt16BE(at + 4), font.readInt16BE(at + 6)] as [number, number];
        }
      }
      throw new Error('no hhea');
    });
  }

  it('replaces the ascender and descender of a font, on a copy', () => {
    const original = read(FONT_FILES.arabicRegular);
    expect(hheaMetrics(original)).toEqual([[1374, -738]]);
    const patched = withLineMetrics(original, { ascender: 1069, descender: -400 });
    expect(hheaMetrics(patched)).toEqual([[1069, -400]]);
    expect(hheaMetrics(original)).toEqual([[1374, -738]]);
    expect(patched.length).toBe(original.length);
  });

  it('replaces them in every face of a collection', () => {
    const patched = withLineMetrics(read(FONT_FILES.cjk), { ascender: 1069, descender: -288 });
    const metrics = hheaMetrics(patched);
    expect(metrics.length).toBe(10);
    expect(metrics.every(([a, d]) => a === 1069 && d === -288)).toBe(true);
  });
});

describe('formatter.period', () => {
  it('writes what two dates share once', () => {
    const en = formatterFor({ language: 'en', currency: { code: 'USD', scale: 2 } });
    expect(en.period('2026-11-01', '2026-11-30').replace(/\s/g, ' ')).toBe('November 1 – 30, 2026');
    expect(en.period('2026-11-15', '2026-12-14').replace(/\s/g, ' ')).toBe('November 15 – December 14, 2026');
    expect(en.period('2026-11-01', '2026-11-01')).toBe('November 1, 2026');
  });
});

describe('renderDocument with a resources folder that lacks the fonts', () => {
  it('says which file is missing', async () => {
    const { renderDocument } = await import('../../src-main/documents/render');
    const { invoice } = await import('./fixtures');
    await expect(renderDocument(invoice(), { resourcesDir: '/nonexistent/resources', logoSvg: '' })).rejects.toThrow(/document font missing: \/nonexistent\/resources\/fonts\/NotoSans-Regular\.ttf/);
  });
});

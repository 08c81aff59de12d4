/**
 * Names in Chinese, Japanese, Korean, Arabic, Greek and Cyrillic come out of the PDF exactly as
 * they went in, in embedded fonts; Arabic is shaped and right to left.
 */
import { describe, expect, it } from 'vitest';
import { renderDocument } from '../../src-main/documents/render';
import { invoice, line, multiScriptInvoice, seller } from './fixtures';
import { pdfFonts, pdfText, savePdf } from './pdf-tools';

describe('names in many scripts', async () => {
  const path = savePdf(await renderDocument(multiScriptInvoice()), 'multi-script');
  const text = pdfText(path);

  it.each([
    ['Japanese', '株式会社テスト'],
    ['Japanese address', '東京都千代田区丸の内1-1-1'],
    ['Chinese', '北京示例有限公司'],
    ['Korean', '주식회사 예시'],
    ['Arabic', 'شركة المثال'],
    ['Greek', 'Ελληνική Εταιρεία Α.Ε.'],
    ['Cyrillic', 'ООО «Пример»'],
    ['Japanese payment terms', 'お支払い期限：請求日から30日以内'],
    ['country names in the document language', 'サウジアラビア'],
  ])('%s: %s', (_script, name) => {
    expect(text).toContain(name);
  });

  it('keeps the Latin text around CJK in the same line', () => {
    expect(text).toContain('北京示例有限公司 — consulting (Beijing)');
    expect(text).toContain('주식회사 예시 support plan');
  });

  it('extracts Arabic ligatures (lam-alef) in the right order', () => {
    // "السلام" and "الإلكترونية" contain lam-alef ligatures, which extractors used to reverse.
    expect(text).toContain('خدمة السلام الإلكترونية');
  });

  it('draws symbols Noto Sans lacks with the CJK font instead of dropping them', () => {
    expect(text).toContain('Arrows → and ≤ come from the CJK font.');
  });

  it('embeds every font it uses, one face per script', () => {
    const fonts = pdfFonts(path);
    const names = fonts.map((f) => f.name);
    for (const name of ['NotoSans-Regular', 'NotoSans-Bold', 'NotoSansArabic-Regular', 'NotoSansArabic-Bold', 'NotoSansCJKjp-Regular', 'NotoSansCJKkr-Regular']) {
      expect(names).toContain(name);
    }
    expect(fonts.every((f) => f.embedded)).toBe(true);
  });
});

describe('CJK faces', () => {
  it.each([
    ['en', '北京示例有限公司', 'NotoSansCJKsc-Regular'],
    ['zh-TW', '台北範例股份有限公司', 'NotoSansCJKtc-Regular'],
    ['en', '株式会社テスト', 'NotoSansCJKjp-Regular'],
    ['en', '주식회사 예시', 'NotoSansCJKkr-Regular'],
  ])('language %s, name %s: drawn with %s', async (language, name, face) => {
    const path = savePdf(await renderDocument(invoice({ language, buyer: { ...seller, legalName: name } })));
    expect(pdfText(path)).toContain(name);
    expect(pdfFonts(path).map((f) => f.name)).toContain(face);
  });
});

describe('Arabic names', () => {
  it.each(['شركة المثال', 'مؤسسة السلام للتجارة', 'الشركة العربية للاتصالات', 'شركة الإمارات'])('%s extracts exactly as the buyer name', async (name) => {
    const text = pdfText(savePdf(await renderDocument(invoice({ buyer: { ...seller, legalName: name } }))));
    expect(text).toContain(name);
  });

  it('wraps a long Arabic description over lines in reading order', async () => {
    const description = 'شركة المثال للتجارة العامة والمقاولات المحدودة فرع الرياض';
    const text = pdfText(savePdf(await renderDocument(invoice({ lines: [line({ description, period: null })] }))));
    expect(text).toContain('شركة المثال للتجارة العامة والمقاولات');
    expect(text).toContain('المحدودة فرع الرياض');
    expect(text.indexOf('شركة المثال للتجارة')).toBeLessThan(text.indexOf('المحدودة فرع الرياض'));
  });
});

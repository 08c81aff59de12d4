/** The run splitter: one font per run, drawing order for right-to-left text. */
import { describe, expect, it } from 'vitest';
import { breakBidiLines } from '../../src-main/documents/bidi-lines';
import { richText } from '../../src-main/documents/rich-text';
import { cjkFaceFor, paragraphDirection, splitScriptRuns } from '../../src-main/documents/script-runs';

const runs = (text: string, language = 'en') => splitScriptRuns(text, language).map((r) => [r.font, r.text]);

describe('splitScriptRuns: fonts by script', () => {
  it('keeps Latin, Greek and Cyrillic in one Latin run', () => {
    expect(runs('Acme GmbH — Ελληνικά, Русский')).toEqual([['latin', 'Acme GmbH — Ελληνικά, Русский']]);
  });

  it('splits Latin and CJK within a line, with a regional face per run', () => {
    expect(runs('Tollgate / 株式会社テスト / 주식회사 예시 / 北京')).toEqual([
      ['latin', 'Tollgate / '],
      ['cjk-jp', '株式会社テスト'],
      ['latin', ' / '],
      ['cjk-kr', '주식회사'],
      ['latin', ' '],
      ['cjk-kr', '예시'],
      ['latin', ' / '],
      // Han alone: Japanese because this line has kana.
      ['cjk-jp', '北京'],
    ]);
    expect(runs('北京示例有限公司')).toEqual([['cjk-sc', '北京示例有限公司']]);
  });

  it('sends symbols Noto Sans lacks, CJK punctuation and full-width forms to the CJK font', () => {
    expect(runs('A → B ≤ C')).toEqual([
      ['latin', 'A '],
      ['cjk-sc', '→'],
      ['latin', ' B '],
      ['cjk-sc', '≤'],
      ['latin', ' C'],
    ]);
    expect(runs('￥55,000', 'ja')).toEqual([
      ['cjk-jp', '￥'],
      ['latin', '55,000'],
    ]);
  });
});

describe('cjkFaceFor', () => {
  it.each([
    ['한국', '', 'en', 'kr'],
    ['テスト', '', 'zh', 'jp'],
    ['東京', '東京タワー', 'en', 'jp'],
    ['東京', '', 'ja-JP', 'jp'],
    ['北京', '', 'ko', 'kr'],
    ['台北', '', 'zh-TW', 'tc'],
    ['台北', '', 'zh-Hant', 'tc'],
    ['香港', '', 'zh-HK', 'hk'],
    ['北京', '', 'zh-CN', 'sc'],
    ['北京', '', 'fr', 'sc'],
  ])('%s in "%s" (%s) -> %s', (run, whole, language, face) => {
    expect(cjkFaceFor(run, whole || run, language)).toBe(face);
  });
});

describe('splitScriptRuns: right-to-left text', () => {
  it('keeps an Arabic name in one run, for fontkit to shape and reverse', () => {
    expect(splitScriptRuns('شركة المثال')).toEqual([{ text: 'شركة المثال', font: 'arabic', rtl: true }]);
  });

  it('finds the paragraph direction from the first strong character', () => {
    expect(paragraphDirection('شركة ABC')).toBe('rtl');
    expect(paragraphDirection('123 شركة')).toBe('rtl');
    expect(paragraphDirection('ACME شركة')).toBe('ltr');
    expect(paragraphDirection('2026')).toBe('ltr');
  });

  it('places an Arabic block inside a left-to-right line, trailing spaces outside', () => {
    expect(runs('Buyer: شركة المثال Ltd')).toEqual([
      ['latin', 'Buyer: '],
      ['arabic', 'شركة المثال'],
      ['latin', ' Ltd'],
    ]);
  });

  it('draws the pieces of a right-to-left line in reverse, left-to-right islands intact', () => {
    expect(runs('الشركة ABC Trading المحدودة')).toEqual([
      ['arabic', 'المحدودة'],
      ['latin', ' '],
      ['latin', 'ABC Trading'],
      ['latin', ' '],
      ['arabic', 'الشركة'],
    ]);
  });

  it('keeps numbers left to right inside Arabic text', () => {
    expect(runs('شارع الملك فهد 12')).toEqual([
      ['latin', '12'],
      ['latin', ' '],
      ['arabic', 'شارع الملك فهد'],
    ]);
    expect(runs('سعر 1,200.50 ريال')).toEqual([
      ['arabic', 'ريال'],
      ['latin', ' '],
      ['latin', '1,200.50'],
      ['latin', ' '],
      ['arabic', 'سعر'],
    ]);
  });

  it('hands Arabic-Indic digits over reversed, since fontkit reverses them back', () => {
    expect(runs('رقم ١٢٣')).toEqual([
      ['arabic', '٣٢١'],
      ['latin', ' '],
      ['arabic', 'رقم'],
    ]);
  });

  it('mirrors brackets and keeps a closing bracket with the Arabic text that opened it', () => {
    expect(runs('Plan: خدمة (الخطة) done')).toEqual([
      ['latin', 'Plan: '],
      ['latin', '('],
      ['arabic', 'الخطة'],
      ['latin', ')'],
      ['latin', ' '],
      ['arabic', 'خدمة'],
      ['latin', ' done'],
    ]);
  });
});

describe('breakBidiLines', () => {
  it('leaves short text and text without Arabic alone', () => {
    expect(breakBidiLines('شركة المثال')).toEqual(['شركة المثال']);
    const latin = 'word '.repeat(40).trim();
    expect(breakBidiLines(latin)).toEqual([latin]);
  });

  it('breaks long Arabic text at spaces, in logical order, within the limit', () => {
    const text = 'شركة المثال للتجارة العامة والمقاولات المحدودة فرع الرياض';
    const lines = breakBidiLines(text, 40);
    expect(lines.join(' ')).toBe(text);
    expect(lines.length).toBe(2);
    for (const l of lines) expect([...l].length).toBeLessThanOrEqual(40);
  });
});

describe('richText', () => {
  it('gives every run its pdfmake family, shapes Arabic as one piece, and keeps the style on each item', () => {
    expect(richText('Acme 株式会社 شركة', 'en', { bold: true })).toEqual([
      { bold: true, text: 'Acme ', font: 'NotoSans' },
      { bold: true, text: '株式会社', font: 'NotoSansCJKsc' },
      { bold: true, text: ' ', font: 'NotoSans' },
      { bold: true, text: 'شركة', font: 'NotoSansArabic', noWrap: true, fontFeatures: ['kern'] },
    ]);
  });

  it('lets a long unbreakable token break anywhere instead of overflowing', () => {
    const token = 'x'.repeat(60);
    expect(richText(`ID ${token} end`, 'en')).toEqual([
      { text: 'ID ', font: 'NotoSans' },
      { text: token, font: 'NotoSans', wordBreak: 'break-all' },
      { text: ' end', font: 'NotoSans' },
    ]);
  });

  it('turns newlines into line breaks', () => {
    expect(richText('a\nb', 'en').map((i) => i.text)).toEqual(['a', '\n', 'b']);
  });
});

/**
 * The fonts shipped in resources/fonts (Noto, SIL Open Font License) and how pdfmake names them.
 *
 * - Noto Sans: Latin, Greek, Cyrillic (regular and bold).
 * - Noto Sans Arabic: Arabic (regular and bold), shaped by fontkit.
 * - Noto Sans CJK Regular: one TrueType Collection holding the Japanese, Korean, Simplified and
 *   Traditional Chinese (and Hong Kong) faces; pdfkit picks a face by its PostScript name. There is
 *   no bold CJK file (it would add 20 MB), so CJK text in bold runs is drawn in the regular weight.
 */
import { join } from 'node:path';
import type { TFontDictionary, TFontFamilyTypes } from 'pdfmake/interfaces';
import type { LineMetrics } from './font-line-metrics';
import type { FontKey } from './script-runs';

export const FONT_FILES = {
  latinRegular: 'NotoSans-Regular.ttf',
  latinBold: 'NotoSans-Bold.ttf',
  arabicRegular: 'NotoSansArabic-Regular.ttf',
  arabicBold: 'NotoSansArabic-Bold.ttf',
  cjk: 'NotoSansCJK-Regular.ttc',
} as const;

/** pdfmake family name for each font key. */
export const FONT_FAMILY: Record<FontKey, string> = {
  latin: 'NotoSans',
  arabic: 'NotoSansArabic',
  'cjk-jp': 'NotoSansCJKjp',
  'cjk-kr': 'NotoSansCJKkr',
  'cjk-sc': 'NotoSansCJKsc',
  'cjk-tc': 'NotoSansCJKtc',
  'cjk-hk': 'NotoSansCJKhk',
};

/**
 * Layout metrics the Arabic and CJK files get in memory (see font-line-metrics.ts): Noto Sans's
 * ascender, so every script shares the baseline of the Latin text beside it; Arabic keeps a deeper
 * descender than Latin's for its descending letters, CJK keeps its own.
 */
const ARABIC_LINE_METRICS: LineMetrics = { ascender: 1069, descender: -400 };
const CJK_LINE_METRICS: LineMetrics = { ascender: 1069, descender: -288 };

/** Files whose layout metrics are replaced when loaded (the Latin font is the reference). */
export function lineMetricsFor(file: string): LineMetrics | null {
  if (file.endsWith(FONT_FILES.arabicRegular) || file.endsWith(FONT_FILES.arabicBold)) return ARABIC_LINE_METRICS;
  if (file.endsWith(FONT_FILES.cjk)) return CJK_LINE_METRICS;
  return null;
}

/** The families whose text is shaped right to left (see rtl-ligature-text.ts). */
export const RTL_FAMILIES: readonly string[] = [FONT_FAMILY.arabic];

/**
 * A font file, or a face of a TrueType Collection as [file, PostScript name]. pdfmake 0.3 accepts the
 * pair (it passes it on to pdfkit's `font(src, family)`); the pdfkit typings only know single sources.
 */
type FontSource = string | [file: string, postscriptName: string];
type PdfMakeFontSource = NonNullable<TFontFamilyTypes['normal']>;

/** No italic files are shipped: italic requests fall back to the upright files rather than failing. */
function family(regular: FontSource, bold: FontSource): TFontFamilyTypes {
  const source = (s: FontSource) => s as PdfMakeFontSource;
  return { normal: source(regular), bold: source(bold), italics: source(regular), bolditalics: source(bold) };
}

/**
 * A fresh font dictionary for one render. Fresh because pdfmake writes resolved sources back into
 * the dictionary it is given; sharing one between concurrent renders would share those writes.
 */
export function fontDictionary(fontsDir: string): TFontDictionary {
  const p = (file: string) => join(fontsDir, file);
  const cjkFace = (postscriptName: string): [string, string] => [p(FONT_FILES.cjk), postscriptName];
  const cjk = (face: string) => family(cjkFace(`NotoSansCJK${face}-Regular`), cjkFace(`NotoSansCJK${face}-Regular`));
  return {
    [FONT_FAMILY.latin]: family(p(FONT_FILES.latinRegular), p(FONT_FILES.latinBold)),
    [FONT_FAMILY.arabic]: family(p(FONT_FILES.arabicRegular), p(FONT_FILES.arabicBold)),
    [FONT_FAMILY['cjk-jp']]: cjk('jp'),
    [FONT_FAMILY['cjk-kr']]: cjk('kr'),
    [FONT_FAMILY['cjk-sc']]: cjk('sc'),
    [FONT_FAMILY['cjk-tc']]: cjk('tc'),
    [FONT_FAMILY['cjk-hk']]: cjk('hk'),
  };
}

/** Every file the fonts read: the renderer's local-access policy allows these and nothing else. */
export function fontFilePaths(fontsDir: string): string[] {
  return Object.values(FONT_FILES).map((file) => join(fontsDir, file));
}

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

/** The families whose text is shaped right to left (see tounicode-fix.ts). */
export const RTL_FAMILIES: readonly string[] = [FONT_FAMILY.arabic];

/** No italic files are shipped: italic requests fall back to the upright files rather than failing. */
function family(regular: string | [string, string], bold: string | [string, string]): TFontFamilyTypes {
  return { normal: regular, bold, italics: regular, bolditalics: bold };
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

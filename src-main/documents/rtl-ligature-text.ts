/**
 * Makes Arabic ligatures extract in the right order.
 *
 * fontkit draws Arabic in visual order (right to left, so the glyphs of a word come last letter
 * first) and pdfkit's ToUnicode map gives each glyph its characters. For a ligature glyph such as
 * lam-alef ("لا") that map holds two characters in logical order. Text extractors (poppler's
 * pdftotext, pdf.js, MuPDF, pdfminer) rebuild logical order by reversing the visually ordered
 * characters of a right-to-left word, including the characters of a ligature, so "السلام" came out
 * as "السالم". Storing a multi-character mapping in visual order, as the other glyphs are, makes that
 * reversal land on the right text. Every glyph of the Arabic families is drawn inside a
 * right-to-left run (script-runs.ts routes nothing else to them), so the rule holds for all of them.
 *
 * This reaches into pdfmake's per-document font cache and pdfkit's embedded-font object; both are
 * checked at run time, and if their shape ever changes the fix is skipped (rendering is unaffected,
 * only the extracted order of ligature characters would be).
 */

interface EmbeddedFontLike {
  unicode: unknown;
}

/** Call after layout (all glyphs are known) and before the PDF document is ended (fonts embedded). */
export function storeRtlLigaturesInVisualOrder(pdfKitDocument: unknown, rtlFamilies: readonly string[]): void {
  const cache = (pdfKitDocument as { fontCache?: Record<string, Record<string, EmbeddedFontLike | undefined>> }).fontCache;
  if (!cache) return;
  for (const family of rtlFamilies) {
    for (const font of Object.values(cache[family] ?? {})) {
      if (!font || !Array.isArray(font.unicode)) continue;
      const unicode = font.unicode as unknown[];
      // A reversed copy: the array may be the parsed glyph's own, which later documents share.
      unicode.forEach((codePoints, gid) => {
        if (Array.isArray(codePoints) && codePoints.length > 1) unicode[gid] = [...codePoints].reverse();
      });
    }
  }
}

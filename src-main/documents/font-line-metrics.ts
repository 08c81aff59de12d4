/**
 * Gives a font the line metrics (hhea ascender and descender) of another, in memory.
 *
 * pdfmake puts the baseline of a line at its tallest item's ascender and makes the line as tall as
 * its tallest item. Noto Sans Arabic declares 1.374 em above and 0.738 em below the baseline (room
 * for stacked marks) against Noto Sans's 1.069 / 0.293, so a line or table cell holding Arabic sat
 * 2.7 pt lower than its neighbours and an Arabic address looked double-spaced; Noto Sans CJK's
 * 1.160 em ascender lowered a cell holding "￥" by 0.8 pt. Only the layout
 * metrics change: the glyphs are untouched and draw exactly as designed. The file on disk stays
 * the pristine Debian copy; this works on the copy the renderer holds in memory.
 */

export interface LineMetrics {
  /** Font units above the baseline. */
  ascender: number;
  /** Font units below the baseline, negative. */
  descender: number;
}

/** A copy of a TrueType/OpenType font or collection with the hhea ascender and descender replaced. */
export function withLineMetrics(font: Buffer, metrics: LineMetrics): Buffer {
  const copy = Buffer.from(font);
  for (const sfnt of sfntOffsets(copy)) {
    const hhea = tableOffset(copy, sfnt, 'hhea');
    if (hhea === null) continue;
    // hhea: version (4 bytes), ascender (int16), descender (int16), lineGap (int16)...
    copy.writeInt16BE(metrics.ascender, hhea + 4);
    copy.writeInt16BE(metrics.descender, hhea + 6);
  }
  return copy;
}

/** Where each font's table directory starts: 0 for a single font, one per face in a collection. */
function sfntOffsets(font: Buffer): number[] {
  if (font.length < 12) return [];
  if (font.toString('latin1', 0, 4) !== 'ttcf') return [0];
  const count = font.readUInt32BE(8);
  const offsets: number[] = [];
  for (let i = 0; i < count && 12 + i * 4 + 4 <= font.length; i++) offsets.push(font.readUInt32BE(12 + i * 4));
  return offsets;
}

function tableOffset(font: Buffer, sfnt: number, tag: string): number | null {
  if (sfnt + 12 > font.length) return null;
  const numTables = font.readUInt16BE(sfnt + 4);
  for (let i = 0; i < numTables; i++) {
    const record = sfnt + 12 + i * 16;
    if (record + 16 > font.length) return null;
    if (font.toString('latin1', record, record + 4) === tag) {
      const offset = font.readUInt32BE(record + 8);
      return offset + 10 <= font.length ? offset : null;
    }
  }
  return null;
}

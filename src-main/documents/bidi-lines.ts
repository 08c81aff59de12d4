/**
 * Pre-breaks long text that contains Arabic into lines.
 *
 * pdfmake wraps by laying items out left to right and moving what does not fit to the next line.
 * That is right for left-to-right text, but a right-to-left stretch is drawn as pieces in reverse
 * order, so wrapping inside it would put the end of the sentence on the first line. Text with
 * Arabic in it is therefore broken here, in logical order, into lines short enough for the
 * narrowest column that shows free text (about 200 pt at 9 pt), and each line gets its own bidi
 * ordering. Text without Arabic is left to pdfmake.
 */
const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u0870-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/u;

/** Characters per pre-broken line: Noto Sans Arabic averages about 4.5 pt a character at 9 pt. */
export const MAX_BIDI_LINE_CHARS = 40;

export function breakBidiLines(text: string, maxChars = MAX_BIDI_LINE_CHARS): string[] {
  if (!ARABIC.test(text) || [...text].length <= maxChars) return [text];
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/(?<= )/u)) {
    if (current !== '' && [...(current + word).trimEnd()].length > maxChars) {
      lines.push(current.trimEnd());
      current = '';
    }
    current += word;
  }
  if (current.trim() !== '') lines.push(current.trimEnd());
  return lines;
}

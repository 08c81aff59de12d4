/**
 * Turns a plain string into pdfmake text items, one per font run (see script-runs.ts), so that every
 * string the renderer prints (names, addresses, descriptions, labels) gets the right font per script.
 */
import { breakBidiLines } from './bidi-lines';
import { FONT_FAMILY } from './fonts';
import { paragraphDirection, splitScriptRuns } from './script-runs';

/** Style that may be set on a single text item (pdfmake drops style set on a nested text array). */
export interface InlineStyle {
  bold?: boolean;
  color?: string;
  fontSize?: number;
}

export interface InlineText extends InlineStyle {
  text: string;
  font: string;
  noWrap?: boolean;
  fontFeatures?: ['kern'];
  wordBreak?: 'break-all';
}

/** Longer tokens without a break opportunity (IDs, URLs) may break anywhere instead of overflowing. */
const LONG_TOKEN = /\S{28,}/gu;

export function richText(text: string, language: string, style: InlineStyle = {}): InlineText[] {
  const items: InlineText[] = [];
  const lineBreak = (): InlineText => ({ ...style, text: '\n', font: FONT_FAMILY.latin });
  text.split(/\r?\n/).forEach((paragraph, p) => {
    if (p > 0) items.push(lineBreak());
    const direction = paragraphDirection(paragraph);
    breakBidiLines(paragraph).forEach((line, l) => {
      if (l > 0) items.push(lineBreak());
      for (const run of splitScriptRuns(line, language, direction)) {
        const font = FONT_FAMILY[run.font];
        if (run.rtl) {
          // Passing font features makes pdfkit shape the whole run at once; without them it shapes
          // word by word in logical order, which puts Arabic words in the wrong visual order.
          items.push({ ...style, text: run.text, font, noWrap: true, fontFeatures: ['kern'] });
        } else {
          items.push(...splitLongTokens(run.text, font).map((item) => ({ ...style, ...item })));
        }
      }
    });
  });
  return items.length > 0 ? items : [{ ...style, text: '', font: FONT_FAMILY.latin }];
}

function splitLongTokens(text: string, font: string): InlineText[] {
  const out: InlineText[] = [];
  let last = 0;
  for (const m of text.matchAll(LONG_TOKEN)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), font });
    out.push({ text: m[0], font, wordBreak: 'break-all' });
    last = m.index + m[0].length;
  }
  if (last < text.length || out.length === 0) out.push({ text: text.slice(last), font });
  return out;
}

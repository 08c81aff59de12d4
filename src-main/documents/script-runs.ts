/**
 * Splits a string into runs that each use one font, in the order they must be drawn (left to right).
 *
 * Why this exists: pdfmake/pdfkit draw each text item with a single font and lay items out left to
 * right. Names on an invoice mix scripts ("Tollgate GmbH / 株式会社テスト"), and no single font we can
 * ship covers Latin, Arabic and CJK. Arabic also needs a little bidi: fontkit shapes an Arabic run
 * and reverses it into visual order, but it reverses digits too and knows nothing about where a
 * right-to-left stretch starts and ends inside a left-to-right line. So this module implements the
 * part of the Unicode Bidirectional Algorithm that a left-to-right document needs:
 *  - an RTL block starts at an Arabic letter and runs to the last Arabic letter or number before the
 *    next strong left-to-right character (rules W2, N1, N2, I1, I2 for a paragraph of level 0);
 *  - inside a block the segments are drawn in reverse order, Arabic segments are reversed by
 *    fontkit while shaping, numbers stay left to right and brackets are mirrored.
 * Hebrew and other scripts without a shipped font fall into the Latin run (and show as missing glyphs).
 */

/** Which shipped font draws a run. The CJK faces are the regional faces of one TrueType Collection. */
export type FontKey = 'latin' | 'arabic' | 'cjk-jp' | 'cjk-kr' | 'cjk-sc' | 'cjk-tc' | 'cjk-hk';

export interface ScriptRun {
  /** The text to hand to the font, already arranged so that the font's own shaping draws it right. */
  text: string;
  font: FontKey;
  /** Part of a right-to-left block: must be laid out as one piece (no wrapping, no word splitting). */
  rtl: boolean;
}

type CjkFace = 'jp' | 'kr' | 'sc' | 'tc' | 'hk';

/**
 * L: strong left-to-right (Latin font); C: strong left-to-right drawn by the CJK font; R: Arabic
 * letter or mark; EN: European digit; AN: Arabic-Indic digit; N: neutral (spaces, punctuation...).
 */
type CharClass = 'L' | 'C' | 'R' | 'EN' | 'AN' | 'N';

const ARABIC_LETTERS = /[\u0600-\u065F\u066A-\u06EF\u06FA-\u06FF\u0750-\u077F\u0870-\u089F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/u;
const ARABIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/u;
const CJK_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
/**
 * Symbols Noto Sans lacks (→ ≤ ∞ ■ ★ ...) but Noto Sans CJK has, plus CJK punctuation and full-width
 * forms ("、", "￥" from ja-JP currency formatting).
 */
const CJK_FONT_SYMBOLS = /[\u2190-\u23FF\u2460-\u27BF\u2E80-\u2FFF\u3000-\u303F\u3190-\u31FF\u3200-\u33FF\uFE30-\uFE4F\uFF00-\uFFEF]/u;
const STRONG_LETTER = /[\p{L}]/u;
const MARK = /\p{M}/u;
/** Neutrals that Noto Sans Arabic draws itself, so they can stay inside an Arabic shaping run. */
const ARABIC_FONT_NEUTRALS = /[ \u00A0.,:\-!«»\u200C\u200D]/u;
/** Separators that keep a number together inside an RTL block ("1,200.50", "12/2026", "١٢٫٥"). */
const NUMBER_SEPARATORS = /[.,:/\u066B\u066C]/u;
const MIRRORED: Record<string, string> = { '(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«', '‹': '›', '›': '‹' };

function classify(ch: string): CharClass {
  if (ARABIC_DIGITS.test(ch)) return 'AN';
  if (ARABIC_LETTERS.test(ch)) return 'R';
  if (ch >= '0' && ch <= '9') return 'EN';
  if (CJK_SCRIPTS.test(ch) || CJK_FONT_SYMBOLS.test(ch)) return 'C';
  if (STRONG_LETTER.test(ch)) return 'L';
  return 'N';
}

interface ClassifiedChar {
  ch: string;
  cls: CharClass;
}

function classifyAll(text: string): ClassifiedChar[] {
  const out: ClassifiedChar[] = [];
  for (const ch of text) {
    const previous = out[out.length - 1];
    // A combining mark belongs to the character it sits on (bidi rule W1 for non-spacing marks).
    if (previous && MARK.test(ch) && !ARABIC_LETTERS.test(ch)) previous.ch += ch;
    else out.push({ ch, cls: classify(ch) });
  }
  return out;
}

/** The regional face for a CJK run: kana means Japanese, Hangul Korean, Han alone follows the context. */
export function cjkFaceFor(run: string, wholeText: string, language: string): CjkFace {
  if (/\p{Script=Hangul}/u.test(run)) return 'kr';
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(run)) return 'jp';
  if (/[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(wholeText)) return 'jp';
  const lang = language.toLowerCase();
  if (lang.startsWith('ja')) return 'jp';
  if (lang.startsWith('ko')) return 'kr';
  if (/^zh-(hk|mo)/.test(lang)) return 'hk';
  if (/^zh-(tw|hant)/.test(lang) || lang.startsWith('zh-hant')) return 'tc';
  return 'sc';
}

/** Split `text` into font runs in drawing order. `language` only picks the face for Han-only runs. */
export function splitScriptRuns(text: string, language = 'en'): ScriptRun[] {
  const chars = classifyAll(text);
  const runs: ScriptRun[] = [];
  let i = 0;
  while (i < chars.length) {
    const blockEnd = chars[i]!.cls === 'R' ? rtlBlockEnd(chars, i) : -1;
    if (blockEnd > i) {
      runs.push(...rtlBlockRuns(chars.slice(i, blockEnd)));
      i = blockEnd;
      continue;
    }
    const end = ltrStretchEnd(chars, i);
    runs.push(...ltrRuns(chars.slice(i, end), text, language));
    i = end;
  }
  return mergeAdjacent(runs);
}

const CLOSING_OF: Record<string, string> = { '(': ')', '[': ']', '{': '}', '«': '»' };

/**
 * From an Arabic letter to the last Arabic letter or number before the next strong LTR character,
 * plus a closing bracket whose opening bracket is inside the block (bracket pairs, rule N0): in
 * "خدمة (الخطة 2)" the ")" belongs to the Arabic text, not to the line around it.
 */
function rtlBlockEnd(chars: ClassifiedChar[], start: number): number {
  let end = start + 1;
  const openBrackets: string[] = [];
  for (let j = start + 1; j < chars.length; j++) {
    const { ch, cls } = chars[j]!;
    if (cls === 'L' || cls === 'C') break;
    if (cls === 'R' || cls === 'AN' || cls === 'EN') end = j + 1;
    else if (CLOSING_OF[ch]) openBrackets.push(CLOSING_OF[ch]);
    else if (openBrackets.includes(ch)) {
      openBrackets.splice(openBrackets.lastIndexOf(ch));
      end = j + 1;
    }
  }
  return end;
}

function ltrStretchEnd(chars: ClassifiedChar[], start: number): number {
  let j = start + 1;
  while (j < chars.length && chars[j]!.cls !== 'R') j++;
  return j;
}

function ltrRuns(chars: ClassifiedChar[], wholeText: string, language: string): ScriptRun[] {
  const runs: ScriptRun[] = [];
  let k = 0;
  while (k < chars.length) {
    const cls = chars[k]!.cls;
    let end = k + 1;
    const group = cls === 'C' ? 'C' : cls === 'AN' ? 'AN' : 'L';
    while (end < chars.length && groupOf(chars[end]!.cls) === group) end++;
    const text = chars.slice(k, end).map((c) => c.ch).join('');
    if (group === 'C') runs.push({ text, font: `cjk-${cjkFaceFor(text, wholeText, language)}`, rtl: false });
    // Arabic-Indic digits outside Arabic text: a number drawn left to right (see arabicNumberRun).
    else if (group === 'AN') runs.push(arabicNumberRun(text));
    else runs.push({ text, font: 'latin', rtl: false });
    k = end;
  }
  return runs;
}

function groupOf(cls: CharClass): 'C' | 'AN' | 'L' {
  return cls === 'C' ? 'C' : cls === 'AN' ? 'AN' : 'L';
}

/**
 * fontkit treats Arabic-Indic digits as Arabic script and reverses them while shaping; a number is
 * read left to right, so hand it over reversed and let fontkit put it back.
 */
function arabicNumberRun(text: string): ScriptRun {
  return { text: [...text].reverse().join(''), font: 'arabic', rtl: true };
}

type Segment = { kind: 'arabic' | 'number' | 'other'; chars: ClassifiedChar[] };

/** One RTL block: split into Arabic, number and other-neutral segments, drawn in reverse order. */
function rtlBlockRuns(chars: ClassifiedChar[]): ScriptRun[] {
  const segments: Segment[] = [];
  const push = (kind: Segment['kind'], c: ClassifiedChar) => {
    const last = segments[segments.length - 1];
    if (last && last.kind === kind) last.chars.push(c);
    else segments.push({ kind, chars: [c] });
  };
  for (let j = 0; j < chars.length; j++) {
    const c = chars[j]!;
    if (c.cls === 'EN' || c.cls === 'AN' || isNumberSeparatorBetweenDigits(chars, j)) push('number', c);
    else if (c.cls === 'R' || ARABIC_FONT_NEUTRALS.test(c.ch)) push('arabic', c);
    else push('other', c);
  }
  return segments.reverse().map(segmentRun);
}

function isNumberSeparatorBetweenDigits(chars: ClassifiedChar[], j: number): boolean {
  const isDigit = (c: ClassifiedChar | undefined) => c !== undefined && (c.cls === 'EN' || c.cls === 'AN');
  return NUMBER_SEPARATORS.test(chars[j]!.ch) && isDigit(chars[j - 1]) && isDigit(chars[j + 1]);
}

function segmentRun(segment: Segment): ScriptRun {
  const text = segment.chars.map((c) => c.ch).join('');
  switch (segment.kind) {
    case 'number':
      return /[\u0660-\u0669\u06F0-\u06F9]/u.test(text) ? arabicNumberRun(text) : { text, font: 'latin', rtl: true };
    case 'arabic':
      // fontkit reverses a run that contains Arabic letters; a run of neutrals alone it leaves as is.
      return { text: segment.chars.some((c) => c.cls === 'R') ? text : reverseMirrored(segment.chars), font: 'arabic', rtl: true };
    case 'other':
      return { text: reverseMirrored(segment.chars), font: 'latin', rtl: true };
  }
}

/** Neutrals inside an RTL block are drawn right to left, with brackets mirrored (bidi rule L4). */
function reverseMirrored(chars: ClassifiedChar[]): string {
  return chars
    .map((c) => MIRRORED[c.ch] ?? c.ch)
    .reverse()
    .join('');
}

/** Adjacent LTR runs in the same font become one text item (fewer, longer items lay out faster). */
function mergeAdjacent(runs: ScriptRun[]): ScriptRun[] {
  const out: ScriptRun[] = [];
  for (const run of runs) {
    const last = out[out.length - 1];
    if (last && !last.rtl && !run.rtl && last.font === run.font) last.text += run.text;
    else out.push({ ...run });
  }
  return out;
}

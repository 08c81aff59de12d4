/**
 * Splits one line of text into runs that each use one font, in the order they must be drawn (left
 * to right).
 *
 * Why this exists: pdfmake/pdfkit draw each text item with a single font and lay items out left to
 * right. Names on an invoice mix scripts ("Tollgate GmbH / 株式会社テスト"), and no single font we can
 * ship covers Latin, Arabic and CJK. Arabic also needs bidi: fontkit shapes an Arabic run and
 * reverses it into visual order, but it reverses digits too and knows nothing about where a
 * right-to-left stretch starts and ends. So this module implements the part of the Unicode
 * Bidirectional Algorithm that one line of a document needs:
 *  - the paragraph direction comes from the first strong character (rules P2, P3): "شركة ABC" is
 *    right to left, "ACME شركة" left to right;
 *  - in a left-to-right line an RTL block runs from an Arabic letter to the last Arabic letter or
 *    number before the next strong left-to-right character (W2, N1, N2, I1, I2), and takes in a
 *    closing bracket whose opening bracket it holds (N0);
 *  - in a right-to-left line, left-to-right islands (Latin, CJK, with their digits) keep their order
 *    and everything else is right to left;
 *  - right-to-left pieces are drawn in reverse order: Arabic pieces are reversed by fontkit while
 *    shaping, numbers stay left to right, other neutrals are reversed here with brackets mirrored.
 * Hebrew and other scripts without a shipped font fall into the Latin run (and show as missing glyphs).
 */

/** Which shipped font draws a run. The CJK faces are the regional faces of one TrueType Collection. */
export type FontKey = 'latin' | 'arabic' | 'cjk-jp' | 'cjk-kr' | 'cjk-sc' | 'cjk-tc' | 'cjk-hk';

export interface ScriptRun {
  /** The text to hand to the font, already arranged so that the font's own shaping draws it right. */
  text: string;
  font: FontKey;
  /** Part of a right-to-left stretch: must be laid out as one piece (no wrapping, no word splitting). */
  rtl: boolean;
}

export type Direction = 'ltr' | 'rtl';

type CjkFace = 'jp' | 'kr' | 'sc' | 'tc' | 'hk';

/**
 * L: strong left-to-right (Latin font); C: strong left-to-right drawn by the CJK font; R: Arabic
 * letter or mark; EN: European digit; AN: Arabic-Indic digit; N: neutral (spaces, punctuation...).
 */
type CharClass = 'L' | 'C' | 'R' | 'EN' | 'AN' | 'N';

interface ClassifiedChar {
  ch: string;
  cls: CharClass;
}

const ARABIC_LETTERS = /[\u0600-\u065F\u066A-\u06EF\u06FA-\u06FF\u0750-\u077F\u0870-\u089F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/u;
const ARABIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/u;
const CJK_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
/**
 * Symbols Noto Sans lacks (→ ≤ ∞ ■ ★ ...) but Noto Sans CJK has, plus CJK punctuation and full-width
 * forms ("、", "￥" from ja-JP currency formatting).
 */
const CJK_FONT_SYMBOLS = /[\u2190-\u23FF\u2460-\u27BF\u2E80-\u2FFF\u3000-\u303F\u3190-\u31FF\u3200-\u33FF\uFE30-\uFE4F\uFF00-\uFFEF]/u;
const STRONG_LETTER = /\p{L}/u;
const MARK = /\p{M}/u;
/** Neutrals that Noto Sans Arabic draws itself, so they can stay inside an Arabic shaping run. */
const ARABIC_FONT_NEUTRALS = /[ \u00A0.,:\-!«»\u200C\u200D]/u;
const SPACES = /[ \u00A0]/u;
/** Separators that keep a number together inside an RTL stretch ("1,200.50", "12/2026", "١٢٫٥"). */
const NUMBER_SEPARATORS = /[.,:/\u066B\u066C]/u;
const MIRRORED: Record<string, string> = { '(': ')', ')': '(', '[': ']', ']': '[', '{': '}', '}': '{', '<': '>', '>': '<', '«': '»', '»': '«', '‹': '›', '›': '‹' };
const CLOSING_OF: Record<string, string> = { '(': ')', '[': ']', '{': '}', '«': '»' };

function classify(ch: string): CharClass {
  if (ARABIC_DIGITS.test(ch)) return 'AN';
  if (ARABIC_LETTERS.test(ch)) return 'R';
  if (ch >= '0' && ch <= '9') return 'EN';
  if (CJK_SCRIPTS.test(ch) || CJK_FONT_SYMBOLS.test(ch)) return 'C';
  if (STRONG_LETTER.test(ch)) return 'L';
  return 'N';
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

const isStrongLtr = (cls: CharClass) => cls === 'L' || cls === 'C';

/** P2/P3: the direction of the first strong character; left to right when there is none. */
export function paragraphDirection(text: string): Direction {
  for (const ch of text) {
    const cls = classify(ch);
    if (cls === 'R') return 'rtl';
    if (isStrongLtr(cls)) return 'ltr';
  }
  return 'ltr';
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
  if (/^zh-(tw|hant)/.test(lang)) return 'tc';
  return 'sc';
}

/**
 * Split one line into font runs in drawing order. `language` only picks the face for Han-only
 * runs; `direction` defaults to the line's own (first strong character).
 */
export function splitScriptRuns(text: string, language = 'en', direction: Direction = paragraphDirection(text)): ScriptRun[] {
  const chars = classifyAll(text);
  const ltr = (part: ClassifiedChar[]) => ltrRuns(part, text, language);
  const runs = direction === 'rtl' ? rtlLineRuns(chars, ltr) : ltrLineRuns(chars, ltr);
  return mergeAdjacent(runs);
}

type LtrRunner = (chars: ClassifiedChar[]) => ScriptRun[];

/** A left-to-right line: left-to-right text with right-to-left blocks in it. */
function ltrLineRuns(chars: ClassifiedChar[], ltr: LtrRunner): ScriptRun[] {
  const runs: ScriptRun[] = [];
  let i = 0;
  while (i < chars.length) {
    if (chars[i]!.cls === 'R') {
      const end = rtlBlockEnd(chars, i);
      runs.push(...rtlRuns(chars.slice(i, end)));
      i = end;
    } else {
      let end = i + 1;
      while (end < chars.length && chars[end]!.cls !== 'R') end++;
      runs.push(...ltr(chars.slice(i, end)));
      i = end;
    }
  }
  return runs;
}

/** From an Arabic letter to the last Arabic letter or number before the next strong LTR character. */
function rtlBlockEnd(chars: ClassifiedChar[], start: number): number {
  let end = start + 1;
  const openBrackets: string[] = [];
  for (let j = start + 1; j < chars.length; j++) {
    const { ch, cls } = chars[j]!;
    if (isStrongLtr(cls)) break;
    if (cls === 'R' || cls === 'AN' || cls === 'EN') end = j + 1;
    else if (CLOSING_OF[ch]) openBrackets.push(CLOSING_OF[ch]);
    else if (openBrackets.includes(ch)) {
      // N0: "خدمة (الخطة 2)": the ")" belongs to the Arabic text, not to the line around it.
      openBrackets.splice(openBrackets.lastIndexOf(ch));
      end = j + 1;
    }
  }
  return end;
}

/** A right-to-left line: its parts are drawn in reverse order; left-to-right islands keep theirs. */
function rtlLineRuns(chars: ClassifiedChar[], ltr: LtrRunner): ScriptRun[] {
  const parts: ScriptRun[][] = [];
  let i = 0;
  while (i < chars.length) {
    if (isStrongLtr(chars[i]!.cls)) {
      const end = ltrIslandEnd(chars, i);
      parts.push(ltr(chars.slice(i, end)));
      i = end;
    } else {
      let end = i + 1;
      while (end < chars.length && !isStrongLtr(chars[end]!.cls)) end++;
      parts.push(rtlRuns(chars.slice(i, end)));
      i = end;
    }
  }
  return parts.reverse().flat();
}

/** From a strong LTR character to the last strong LTR character or digit (W7) before the next Arabic letter. */
function ltrIslandEnd(chars: ClassifiedChar[], start: number): number {
  let end = start + 1;
  for (let j = start + 1; j < chars.length; j++) {
    const cls = chars[j]!.cls;
    if (cls === 'R' || cls === 'AN') break;
    if (isStrongLtr(cls) || cls === 'EN') end = j + 1;
  }
  return end;
}

function ltrRuns(chars: ClassifiedChar[], wholeText: string, language: string): ScriptRun[] {
  const runs: ScriptRun[] = [];
  let k = 0;
  while (k < chars.length) {
    const group = ltrGroup(chars[k]!.cls);
    let end = k + 1;
    while (end < chars.length && ltrGroup(chars[end]!.cls) === group) end++;
    const text = chars
      .slice(k, end)
      .map((c) => c.ch)
      .join('');
    if (group === 'C') runs.push({ text, font: `cjk-${cjkFaceFor(text, wholeText, language)}`, rtl: false });
    else if (group === 'AN') runs.push(arabicNumberRun(text));
    else runs.push({ text, font: 'latin', rtl: false });
    k = end;
  }
  return runs;
}

function ltrGroup(cls: CharClass): 'C' | 'AN' | 'L' {
  return cls === 'C' ? 'C' : cls === 'AN' ? 'AN' : 'L';
}

/**
 * fontkit treats Arabic-Indic digits as Arabic script and reverses them while shaping; a number is
 * read left to right, so hand it over reversed and let fontkit put it back.
 */
function arabicNumberRun(text: string): ScriptRun {
  return { text: [...text].reverse().join(''), font: 'arabic', rtl: true };
}

type SegmentKind = 'arabic' | 'number' | 'space' | 'other';
type Segment = { kind: SegmentKind; chars: ClassifiedChar[] };

/**
 * A right-to-left stretch: Arabic, number, space and other-neutral segments, drawn in reverse order.
 * Spaces at the edges of an Arabic segment get their own segment: pdfmake trims a line's leading
 * and trailing spaces by their logical position, which after fontkit's reversal is the wrong end.
 */
function rtlRuns(chars: ClassifiedChar[]): ScriptRun[] {
  const segments: Segment[] = [];
  const push = (kind: SegmentKind, c: ClassifiedChar) => {
    const last = segments[segments.length - 1];
    if (last && last.kind === kind) last.chars.push(c);
    else segments.push({ kind, chars: [c] });
  };
  for (let j = 0; j < chars.length; j++) {
    const c = chars[j]!;
    if (c.cls === 'EN' || c.cls === 'AN' || isNumberSeparatorBetweenDigits(chars, j)) push('number', c);
    else if (c.cls === 'R' || (ARABIC_FONT_NEUTRALS.test(c.ch) && !SPACES.test(c.ch))) push('arabic', c);
    else if (SPACES.test(c.ch)) push(isInsideArabicWordGroup(chars, j) ? 'arabic' : 'space', c);
    else push('other', c);
  }
  return segments.reverse().map(segmentRun);
}

/** A space between two Arabic letters stays in the Arabic segment: "شركة المثال" is shaped as one piece. */
function isInsideArabicWordGroup(chars: ClassifiedChar[], j: number): boolean {
  let before = j - 1;
  while (before >= 0 && SPACES.test(chars[before]!.ch)) before--;
  let after = j + 1;
  while (after < chars.length && SPACES.test(chars[after]!.ch)) after++;
  return chars[before]?.cls === 'R' && chars[after]?.cls === 'R';
}

function isNumberSeparatorBetweenDigits(chars: ClassifiedChar[], j: number): boolean {
  const isDigit = (c: ClassifiedChar | undefined) => c !== undefined && (c.cls === 'EN' || c.cls === 'AN');
  return NUMBER_SEPARATORS.test(chars[j]!.ch) && isDigit(chars[j - 1]) && isDigit(chars[j + 1]);
}

function segmentRun(segment: Segment): ScriptRun {
  const text = segment.chars.map((c) => c.ch).join('');
  switch (segment.kind) {
    case 'number':
      return ARABIC_DIGITS.test(text) ? arabicNumberRun(text) : { text, font: 'latin', rtl: true };
    case 'arabic':
      // fontkit reverses a run that contains Arabic letters; a run of neutrals alone it leaves as is.
      return { text: segment.chars.some((c) => c.cls === 'R') ? text : reverseMirrored(segment.chars), font: 'arabic', rtl: true };
    case 'space':
      return { text, font: 'latin', rtl: true };
    case 'other':
      return { text: reverseMirrored(segment.chars), font: 'latin', rtl: true };
  }
}

/** Neutrals in a right-to-left stretch are drawn right to left, with brackets mirrored (rule L4). */
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

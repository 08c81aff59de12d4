/**
 * Reading rendered PDFs back with poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm), the way a
 * person or an accounting tool would, so the tests check what the PDF really contains.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const scratch = mkdtempSync(join(tmpdir(), 'tollgate-documents-'));
let counter = 0;

/** Writes the PDF to a scratch file and returns its path. */
export function savePdf(pdf: Buffer, name = 'document'): string {
  const path = join(scratch, `${name}-${++counter}.pdf`);
  writeFileSync(path, pdf);
  return path;
}

/**
 * `pdftotext -layout` output (or, in 'reading' mode, plain pdftotext, which keeps each column's
 * text together instead of interleaving side-by-side blocks line by line), with bidi embedding controls (poppler wraps right-to-left text in
 * U+202B...U+202C) removed and the narrow/thin/no-break spaces of number and date formats turned
 * into plain spaces, so assertions can use ordinary strings.
 */
export function pdfText(path: string, pages?: { first: number; last: number }, mode: 'layout' | 'reading' = 'layout'): string {
  const range = pages ? ['-f', String(pages.first), '-l', String(pages.last)] : [];
  const text = execFileSync('pdftotext', [...(mode === 'layout' ? ['-layout'] : []), ...range, path, '-'], { encoding: 'utf8' });
  return normalizeSpaces(text);
}

export function normalizeSpaces(text: string): string {
  return text.replace(/[\u202A-\u202E\u2066-\u2069]/g, '').replace(/[\u00A0\u2009\u202F]/g, ' ');
}

/** The text of each page, in order. */
export function pageTexts(path: string): string[] {
  return Array.from({ length: pageCount(path) }, (_, i) => pdfText(path, { first: i + 1, last: i + 1 }));
}

export function pdfInfo(path: string): Record<string, string> {
  const out = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  return Object.fromEntries(out.split('\n').flatMap((line) => {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    return m ? [[m[1]!.trim(), m[2]!.trim()]] : [];
  }));
}

export function pageCount(path: string): number {
  return Number(pdfInfo(path)['Pages']);
}

export interface EmbeddedFont {
  name: string;
  type: string;
  embedded: boolean;
}

/** `pdffonts`: the font name (subset tag removed), type and whether it is embedded. */
export function pdfFonts(path: string): EmbeddedFont[] {
  const out = execFileSync('pdffonts', [path], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const m = /^(\S+)\s+(.+?)\s+(Identity-H|WinAnsi|Custom|Builtin|\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)/.exec(line);
      if (!m) throw new Error(`unexpected pdffonts line: ${line}`);
      return { name: m[1]!.replace(/^[A-Z]{6}\+/, ''), type: m[2]!, embedded: m[4] === 'yes' };
    });
}

export interface WordBox {
  text: string;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  page: number;
}

/** Every word with its box (`pdftotext -bbox`), for layout checks such as "nothing past the margin". */
export function wordBoxes(path: string): WordBox[] {
  const html = execFileSync('pdftotext', ['-bbox', path, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const words: WordBox[] = [];
  let page = 0;
  for (const line of html.split('\n')) {
    if (line.includes('<page ')) page++;
    const m = /<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)<\/word>/.exec(line);
    if (m) words.push({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: m[5]!, page });
  }
  return words;
}

/** Renders page 1 to test-results/documents/<name>.png (80 dpi) for a person to look at. */
export function pageOnePng(path: string, name: string): string {
  const dir = resolve(import.meta.dirname, '..', '..', 'test-results', 'documents');
  mkdirSync(dir, { recursive: true });
  const prefix = join(dir, name);
  execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', path, prefix]);
  return `${prefix}.png`;
}

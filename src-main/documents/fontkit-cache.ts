/**
 * Parsed fonts, shared across renders. pdfkit parses each font file again for every document
 * (fontkit.create), and its layout tables (GSUB, GPOS) are decoded again on first use: for an
 * ordinary invoice that was most of the render time. Fonts are immutable once parsed, so this puts
 * a memoizing fontkit in front of the one pdfkit loads, through Node's module cache. It must run
 * before pdfkit is first loaded, so pdf-printer.ts loads pdfmake (and pdfkit) only after calling
 * installFontCache() (a static import would be hoisted above it by the bundler).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

type Fontkit = { create(buffer: Uint8Array, postscriptName?: string): unknown } & Record<string, unknown>;

const nodeRequire = createRequire(import.meta.url);
const pdfkitDir = dirname(nodeRequire.resolve('pdfkit', { paths: [dirname(nodeRequire.resolve('pdfmake'))] }));
const fontkitPath = nodeRequire.resolve('fontkit', { paths: [pdfkitDir] });

/** A cheap identity for a font file: its size and a hash of its first 64 KiB (where its tables' directory and metrics are). */
function fileKey(buffer: Uint8Array): string {
  return `${buffer.byteLength}:${createHash('sha256').update(buffer.subarray(0, 65_536)).digest('base64')}`;
}

/**
 * Only files registered here are shared. Arabic is not: fontkit's shaping writes each glyph's
 * code points onto the shared glyph objects, so a shaped font must be parsed per document.
 */
const shareable = new Set<string>();
export function shareParsedFont(buffer: Uint8Array): void {
  shareable.add(fileKey(buffer));
}

/** Idempotent; returns whether the cache is in front of pdfkit (false if pdfkit was loaded first). */
export function installFontCache(): boolean {
  if (nodeRequire.cache[fontkitPath]?.exports?.__tollgateCache) return true;
  if (nodeRequire.cache[nodeRequire.resolve('pdfkit', { paths: [pdfkitDir] })]) return false;
  const real = nodeRequire(fontkitPath) as Fontkit;
  const parsed = new Map<string, unknown>();
  const cached: Fontkit = {
    ...real,
    __tollgateCache: parsed,
    create: (buffer: Uint8Array, postscriptName?: string) => {
      const file = fileKey(buffer);
      if (!shareable.has(file)) return real.create(buffer, postscriptName);
      const key = `${file}:${postscriptName ?? ''}`;
      let font = parsed.get(key);
      if (!font) parsed.set(key, (font = real.create(buffer, postscriptName)));
      return font;
    },
  };
  const entry = nodeRequire.cache[fontkitPath]!;
  entry.exports = cached;
  return true;
}

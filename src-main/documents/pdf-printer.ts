/**
 * A pdfmake instance for one render, configured for offline use: the shipped fonts, no network,
 * no file access beyond the font files.
 *
 * Why not the `pdfmake` singleton: its fonts and access policies are process-wide, so another part
 * of the app configuring it (or two renders with different resources folders) would change ours.
 * pdfmake also writes resolved font sources back into the font dictionary it is given, so each
 * render gets its own instance and its own dictionary. What is shared is immutable: the font file
 * bytes, read once per process (or worker thread) and served from pdfmake's in-memory file system
 * (the Arabic and CJK files with adjusted line metrics, see font-line-metrics.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type pdfmakeModule from 'pdfmake';
import { installFontCache, shareParsedFont } from './fontkit-cache';
import { withLineMetrics } from './font-line-metrics';
import { FONT_FILES, fontDictionary, fontFilePaths, lineMetricsFor } from './fonts';

/** Fonts shaped right to left are parsed per document (see fontkit-cache.ts). */
const RTL_FILES = [FONT_FILES.arabicRegular, FONT_FILES.arabicBold];

type PdfMake = typeof pdfmakeModule;

const nodeRequire = createRequire(import.meta.url);
let loaded: PdfMake | null = null;
/** pdfmake, loaded once the font cache is in place (see fontkit-cache.ts). */
function pdfmakeSingleton(): PdfMake {
  if (!loaded) {
    installFontCache();
    loaded = nodeRequire('pdfmake') as PdfMake;
  }
  return loaded;
}

/** Font files already in pdfmake's virtual file system (keyed by absolute path). */
const loadedFontFiles = new Set<string>();

interface VirtualFileSystem {
  writeFileSync(path: string, content: Buffer): void;
}

/** Reads each font file once; later renders (and concurrent ones) get the bytes from memory. */
function preloadFonts(paths: string[]): void {
  const vfs = (pdfmakeSingleton() as unknown as { virtualfs?: VirtualFileSystem }).virtualfs;
  if (!vfs) return; // pdfkit then reads the files itself, through the local-access policy
  for (const path of paths) {
    if (loadedFontFiles.has(path)) continue;
    const bytes = readFont(path);
    const metrics = lineMetricsFor(path);
    const content = metrics ? withLineMetrics(bytes, metrics) : bytes;
    vfs.writeFileSync(path, content);
    if (!RTL_FILES.some((f) => path.endsWith(f))) shareParsedFont(content);
    loadedFontFiles.add(path);
  }
}

function readFont(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`document font missing: ${path} (renderDocument's resourcesDir must hold fonts/)`, { cause: err });
  }
}

export function pdfPrinter(fontsDir: string): PdfMake {
  const fontFiles = fontFilePaths(fontsDir);
  preloadFonts(fontFiles);
  // A new instance of the singleton's own class (pdfmake exports only the instance).
  const PdfMakeClass = Object.getPrototypeOf(pdfmakeSingleton()).constructor as new () => PdfMake;
  const printer = new PdfMakeClass();
  printer.setFonts(fontDictionary(fontsDir));
  const allowed = new Set(fontFiles);
  printer.setUrlAccessPolicy(() => false);
  printer.setLocalAccessPolicy((path) => allowed.has(path));
  return printer;
}

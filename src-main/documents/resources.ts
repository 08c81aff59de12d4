/**
 * Where the renderer's files (fonts, logo) live: TOLLGATE_RESOURCES_DIR, else the nearest
 * resources/ folder with fonts above this module. That is the repository's (or the packaged app's)
 * resources/, whether this code runs from src-main/documents/, out/main/ or a bundle chunk in
 * out/main/chunks/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unpacked } from '../runtime/asar';

let found: string | null = null;

export function defaultResourcesDir(): string {
  if (process.env.TOLLGATE_RESOURCES_DIR) return process.env.TOLLGATE_RESOURCES_DIR;
  if (found) return found;
  for (let dir = import.meta.dirname, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = unpacked(join(dir, 'resources'));
    if (existsSync(join(candidate, 'fonts'))) return (found = candidate);
  }
  throw new Error(`Tollgate's resources/ folder (fonts for PDFs) was not found above ${import.meta.dirname}; set TOLLGATE_RESOURCES_DIR.`);
}

export function fontsDir(resourcesDir: string): string {
  return join(resourcesDir, 'fonts');
}

const logoCache = new Map<string, string>();

/** The default logo (resources/logo.svg), read once per resources folder. */
export function defaultLogoSvg(resourcesDir: string): string {
  let svg = logoCache.get(resourcesDir);
  if (svg === undefined) {
    svg = readFileSync(join(resourcesDir, 'logo.svg'), 'utf8');
    logoCache.set(resourcesDir, svg);
  }
  return svg;
}

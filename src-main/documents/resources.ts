/**
 * Where the renderer's files (fonts, logo) live. By default the repository's resources/ folder,
 * found relative to this module: src-main/documents/ in development and tests, out/main/ once
 * bundled, both two levels below the root. The packaged Electron app passes its resources path.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function defaultResourcesDir(): string {
  return resolve(import.meta.dirname, '..', '..', 'resources');
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

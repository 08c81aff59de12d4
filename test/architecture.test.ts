/**
 * Process boundaries, checked by machine: the engine, storage and HTTP server never import
 * `electron` (they run in tests and in serve mode), and `shared/` uses no Node API (it runs in the
 * renderer too).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

const importsOf = (file: string) => [...readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);

/** The Electron shell files: the only ones allowed to import electron. */
const SHELL = new Set(['src-main/index.ts', 'src-main/preload.ts']);

describe('process boundaries', () => {
  it('nothing under src-main imports electron except the shell', () => {
    const offenders = files(join(root, 'src-main'))
      .filter((f) => !SHELL.has(relative(root, f)) && !relative(root, f).startsWith('src-main/desktop/'))
      .filter((f) => importsOf(f).some((i) => i === 'electron' || i.startsWith('electron/')));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('shared/ imports no Node module and no electron', () => {
    const offenders = files(join(root, 'shared')).filter((f) => importsOf(f).some((i) => i.startsWith('node:') || i === 'electron' || ['fs', 'path', 'crypto', 'os', 'http'].includes(i)));
    expect(offenders.map((f) => relative(root, f))).toEqual([]);
  });

  it('the engine modules load under plain Node without the Electron binary', async () => {
    const mod = await import('../src-main/engine/engine');
    expect(typeof mod.Engine.open).toBe('function');
  });
});

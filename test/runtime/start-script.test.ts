/**
 * `npm start` (scripts/start.js) where things go wrong, and where they do not. The script runs in a
 * scratch copy of the repository's layout with stand-ins for electron-vite and the electron package,
 * so nothing is built or downloaded: an offline machine is an install.js that fails the way
 * @electron/get does without network (`TypeError: fetch failed` and a stack).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/harness';

const repo = join(import.meta.dirname, '..', '..');
const roots: string[] = [];

const ELECTRON_VERSION = '45.5.0';

/** A scratch root: the real start.js and electron-native.js, a fake build and a fake electron package. */
function scratch(o: { build: 'ok' | 'fail'; download: 'offline' | 'ok' }): string {
  const root = tempDir('tg-start-');
  roots.push(root);
  mkdirSync(join(root, 'scripts'));
  for (const f of ['start.js', 'electron-native.js']) copyFileSync(join(repo, 'scripts', f), join(root, 'scripts', f));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'scratch', type: 'module' }));

  const vite = join(root, 'node_modules', 'electron-vite', 'bin');
  mkdirSync(vite, { recursive: true });
  writeFileSync(
    join(vite, 'electron-vite.js'),
    o.build === 'ok'
      ? `for (let i = 0; i < 200; i++) console.log('out/renderer/assets/chunk-' + i + '.js  1.00 kB'); console.log('BUILD-LOG-END');`
      : `console.log('transforming...'); console.error('[PARSE_ERROR] Identifier \\'asset\\' has already been declared'); process.exit(1);`,
  );

  const electron = join(root, 'node_modules', 'electron');
  mkdirSync(electron, { recursive: true });
  writeFileSync(join(electron, 'package.json'), JSON.stringify({ name: 'electron', version: ELECTRON_VERSION, main: 'index.js', bin: { 'install-electron': 'install.js' } }));
  // like the real index.js: without the binary it runs install.js itself and throws a message of its own
  writeFileSync(
    join(electron, 'index.js'),
    `const fs = require('fs'), path = require('path');
     const p = path.join(__dirname, 'path.txt');
     if (!fs.existsSync(p)) throw new Error('Electron failed to install correctly. Please delete \`node_modules/electron\` and run "npx install-electron --no" manually.');
     module.exports = path.join(__dirname, 'dist', fs.readFileSync(p, 'utf8'));`,
  );
  writeFileSync(
    join(electron, 'install.js'),
    o.download === 'offline'
      ? `console.error('TypeError: fetch failed\\n    at node:internal/deps/undici/undici:14976:13\\n    at async FetchDownloader.download (file:///x/@electron/get/dist/FetchDownloader.js:46:30)'); process.exit(1);`
      : `const fs = require('fs'), path = require('path');
         fs.mkdirSync(path.join(__dirname, 'dist'), { recursive: true });
         fs.writeFileSync(path.join(__dirname, 'dist', 'electron'), '#!/bin/sh\\necho "electron ran with $1 and $TOLLGATE_SQLITE_BINDING"\\n');
         fs.chmodSync(path.join(__dirname, 'dist', 'electron'), 0o755);
         fs.writeFileSync(path.join(__dirname, 'path.txt'), 'electron');`,
  );
  // better-sqlite3 for Electron, already built (the script must not rebuild it)
  mkdirSync(join(root, '.electron-native'));
  writeFileSync(join(root, '.electron-native', 'better_sqlite3.node'), '');
  writeFileSync(join(root, '.electron-native', 'electron-version'), ELECTRON_VERSION);
  return root;
}

function start(root: string, env: NodeJS.ProcessEnv = {}) {
  const e = { ...process.env, ...env };
  delete e.ELECTRON_OVERRIDE_DIST_PATH;
  if (!('TOLLGATE_DEBUG' in env)) delete e.TOLLGATE_DEBUG;
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'start.js')], { cwd: root, encoding: 'utf8', timeout: 30_000, env: e });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

describe('npm start', () => {
  it('offline: a short message, one install command, the serve-mode fallback, no stack and no build log', () => {
    const r = start(scratch({ build: 'ok', download: 'offline' }));
    expect(r.status).toBe(1);
    expect(r.out).toContain('the Electron binary is not installed and downloading it failed');
    expect(r.out).toContain('(TypeError: fetch failed)');
    expect(r.out).toContain('npx install-electron   then   npm start');
    expect(r.out).toContain('npm run serve   then open http://127.0.0.1:8787/');
    expect(r.out).toContain('TOLLGATE_DEBUG=1 npm start');
    expect(r.out).not.toMatch(/^\s+at /m);
    expect(r.out).not.toContain('--no');
    expect(r.out).not.toContain('BUILD-LOG-END');
    expect(r.out.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(10);
  });

  it('offline with TOLLGATE_DEBUG=1: the build log and the download stack are shown', () => {
    const r = start(scratch({ build: 'ok', download: 'offline' }), { TOLLGATE_DEBUG: '1' });
    expect(r.status).toBe(1);
    expect(r.out).toContain('BUILD-LOG-END');
    expect(r.out).toMatch(/^\s+at .*FetchDownloader/m);
  });

  it('a failed build: its errors, one line, no stack of the script', () => {
    const r = start(scratch({ build: 'fail', download: 'ok' }));
    expect(r.status).toBe(1);
    expect(r.out).toContain('[PARSE_ERROR]');
    expect(r.out).toContain('npm start: the build failed; the errors are above.');
    expect(r.out).not.toMatch(/^\s+at /m);
    expect(r.out).not.toContain('Downloading Electron');
  });

  it.skipIf(process.platform === 'win32')('online: downloads Electron once, then opens it with the Electron build of better-sqlite3', () => {
    const root = scratch({ build: 'ok', download: 'ok' });
    const first = start(root);
    expect(first.status).toBe(0);
    expect(first.out).toContain(`Downloading Electron ${ELECTRON_VERSION}`);
    expect(first.out).toContain(`electron ran with ${root} and ${join(root, '.electron-native', 'better_sqlite3.node')}`);
    expect(existsSync(join(root, 'node_modules', 'electron', 'path.txt'))).toBe(true);

    writeFileSync(join(root, 'node_modules', 'electron', 'install.js'), 'process.exit(9);'); // a second run must not need it
    const second = start(root);
    expect(second.status).toBe(0);
    expect(second.out).not.toContain('Downloading Electron');
    expect(second.out).toContain('electron ran with');
  });
});

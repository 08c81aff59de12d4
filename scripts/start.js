#!/usr/bin/env node
// `npm start`: builds Tollgate and opens the desktop app.
//
// Two things the desktop app needs that `npm install` cannot always provide:
//  1. the Electron binary, which the electron package downloads from GitHub on first use;
//  2. better-sqlite3 compiled for Electron's ABI (npm builds it for Node, which the tests and
//     `npm run serve` use). It is built once into .electron-native/ and handed to the engine, so
//     the Node build in node_modules stays intact.
// Where either cannot be had (no network), this says so in a few lines and points to
// `npm run serve`. TOLLGATE_DEBUG=1 shows the full output of every step (the build log, the
// download's own error and stack).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronNativeBinding } from './electron-native.js';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const debug = /^(1|true|yes)$/i.test(process.env.TOLLGATE_DEBUG ?? '');
const say = (s) => process.stderr.write(s + '\n');
const INSTALL_ELECTRON = 'npx install-electron';

/** The first line of a failure worth showing: the error itself, not the stack under it. */
function firstErrorLine(text) {
  const lines = String(text ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /error|failed|ERR!/i.test(l) && !l.startsWith('at ')) ?? lines[0] ?? '';
}

function fallbackAdvice(what, detail, online) {
  say(`\nTollgate could not start the desktop app: ${what}.`);
  if (detail) say(`  (${detail})`);
  say(`
  With internet access:  ${online}
  Without it (a server, an offline machine), the same engine runs headless, with the console in
  your browser:          npm run serve   then open http://127.0.0.1:8787/
`);
  if (!debug) say('TOLLGATE_DEBUG=1 npm start shows the full output.');
  process.exit(1);
}

// 1. Build (main, preload, console). The log is shown only when the build fails (or with TOLLGATE_DEBUG).
say('Building Tollgate…');
const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
  cwd: root,
  stdio: debug ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (build.status !== 0) {
  if (!debug) process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}`);
  say(`\nnpm start: the build failed${build.error ? ` (${build.error.message})` : ''}; the errors are above.`);
  process.exit(1);
}

// 2. The Electron binary. The electron package downloads it when first required, printing the
// download's whole stack on failure; fetch it here instead, so a failure is one line.
let electronDir;
try {
  electronDir = dirname(require.resolve('electron/package.json'));
} catch {
  fallbackAdvice('the electron package is not installed (npm install --omit=dev leaves it out)', '', 'npm install   then   npm start');
}
function electronInstalled() {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return true;
  const pathFile = join(electronDir, 'path.txt');
  return existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));
}
if (!electronInstalled()) {
  const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8'));
  say(`Downloading Electron ${version} (once, about 100 MB)…`);
  const download = spawnSync(process.execPath, [join(electronDir, 'install.js')], {
    cwd: root,
    stdio: debug ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (download.status !== 0 || !electronInstalled()) {
    const detail = download.error?.message ?? firstErrorLine(`${download.stderr ?? ''}\n${download.stdout ?? ''}`);
    fallbackAdvice(`the Electron binary is not installed and downloading it failed`, detail, `${INSTALL_ELECTRON}   then   npm start`);
  }
}
let electronPath;
try {
  electronPath = require('electron');
} catch (err) {
  if (debug) say(String(err?.stack ?? err));
  fallbackAdvice('the Electron binary is not installed', firstErrorLine(err?.message ?? err), `${INSTALL_ELECTRON}   then   npm start`);
}

// 3. better-sqlite3 for Electron's ABI (once; node-gyp downloads the Electron headers).
let binding;
try {
  binding = electronNativeBinding(root);
} catch (err) {
  if (debug) say(String(err?.stack ?? err));
  fallbackAdvice('better-sqlite3 could not be compiled for Electron (it needs the Electron headers, a download)', firstErrorLine(err?.message ?? err), 'npm start   (again: it downloads the headers once)');
}

const child = spawn(electronPath, [root], { stdio: 'inherit', env: { ...process.env, TOLLGATE_SQLITE_BINDING: binding } });
child.on('exit', (code) => process.exit(code ?? 0));

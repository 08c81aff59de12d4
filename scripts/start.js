#!/usr/bin/env node
// `npm start`: builds Tollgate and opens the desktop app.
//
// Two things the desktop app needs that `npm install` cannot always provide:
//  1. the Electron binary, which the electron package downloads from GitHub on first use;
//  2. better-sqlite3 compiled for Electron's ABI (npm builds it for Node, which the tests and
//     `npm run serve` use). It is built once into .electron-native/ and handed to the engine, so
//     the Node build in node_modules stays intact.
// Where either cannot be had (no network), this says so and points to `npm run serve`.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { electronNativeBinding } from './electron-native.js';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const say = (s) => process.stderr.write(s + '\n');

function fallbackAdvice(what, err) {
  say(`\nTollgate could not start the desktop app: ${what}.`);
  if (err) say(`  (${String(err.message ?? err).split('\n')[0]})`);
  say(`
What to do:
  - On a machine with internet access, run:  npx install-electron  and then  npm start  again.
  - Without it (a server, an offline machine), run the same engine headless with the console in
    your browser:  npm run serve   then open http://127.0.0.1:8787/
`);
  process.exit(1);
}

execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });

let electronPath;
try {
  electronPath = require('electron');
} catch (err) {
  fallbackAdvice('the Electron binary is missing and could not be downloaded', err);
}

let binding;
try {
  binding = electronNativeBinding(root);
} catch (err) {
  fallbackAdvice('better-sqlite3 could not be compiled for Electron (the Electron headers download failed?)', err);
}

const child = spawn(electronPath, [root], { stdio: 'inherit', env: { ...process.env, TOLLGATE_SQLITE_BINDING: binding } });
child.on('exit', (code) => process.exit(code ?? 0));

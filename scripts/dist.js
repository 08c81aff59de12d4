#!/usr/bin/env node
// `npm run dist`: the desktop installers for this OS (AppImage and .deb on Linux, .dmg on macOS,
// an NSIS installer on Windows) in dist/. Builds the app, builds better-sqlite3 for Electron into
// .electron-native/ (shipped as an extra resource; node_modules keeps its Node build, so tests and
// serve mode keep working), then runs electron-builder with npmRebuild off for the same reason.
// The app is an ASAR archive with out/main, resources/ and native modules unpacked beside it: the
// engine's threads and process are started from the unpacked files (src-main/runtime/asar.ts).
// Needs the network (Electron and its headers); never run it in CI.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { electronNativeBinding } from './electron-native.js';

const root = join(import.meta.dirname, '..');
execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
electronNativeBinding(root);
execFileSync(process.execPath, [join(root, 'node_modules', 'electron-builder', 'cli.js'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });

// Builds better-sqlite3 for the Electron ABI once, into .electron-native/better_sqlite3.node, and
// leaves node_modules (the Node build the tests and serve mode use) untouched. Used by `npm start`
// and `npm run dist`. Needs the Electron headers (a download) the first time.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export function electronNativeBinding(root) {
  const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const nativeDir = join(root, '.electron-native');
  const binding = join(nativeDir, 'better_sqlite3.node');
  const stamp = join(nativeDir, 'electron-version');
  if (existsSync(binding) && existsSync(stamp) && readFileSync(stamp, 'utf8') === electronVersion) return binding;
  process.stderr.write(`Building better-sqlite3 for Electron ${electronVersion} (once)…\n`);
  const work = join(nativeDir, 'build');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(join(root, 'node_modules', 'better-sqlite3'), join(work, 'better-sqlite3'), { recursive: true });
  const env = { ...process.env };
  // A user npmrc `nodedir` would silently make node-gyp build for Node's ABI instead.
  delete env.npm_config_nodedir;
  delete env.NPM_CONFIG_NODEDIR;
  execFileSync(process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${electronVersion}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: join(work, 'better-sqlite3'), env, stdio: 'inherit' });
  cpSync(join(work, 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node'), binding);
  writeFileSync(stamp, electronVersion);
  rmSync(work, { recursive: true, force: true });
  return binding;
}

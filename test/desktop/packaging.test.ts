/**
 * Packaging, checked as data (electron-builder needs the network, so it never runs here): the
 * targets the issue asks for, the icon, the Electron build of SQLite shipped as a resource and npm
 * rebuilds off (so node_modules keeps the Node build), the ASAR with what must be unpacked, and the
 * path mapping that starts threads and processes from the unpacked copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unpacked } from '../../src-main/runtime/asar';

const root = join(import.meta.dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; build: any };

describe('desktop packaging', () => {
  it('builds AppImage, deb, dmg and nsis with the icon from resources/', () => {
    expect(pkg.scripts.dist).toBe('node scripts/dist.js');
    expect(pkg.build.linux.target).toEqual(['AppImage', 'deb']);
    expect(pkg.build.mac.target).toEqual(['dmg']);
    expect(pkg.build.win.target).toEqual(['nsis']);
    expect(existsSync(join(root, pkg.build.icon))).toBe(true);
  });
  it('ships the Electron build of SQLite beside the app and never rebuilds node_modules', () => {
    expect(pkg.build.npmRebuild).toBe(false);
    expect(pkg.build.extraResources).toContainEqual({ from: '.electron-native/better_sqlite3.node', to: 'better_sqlite3.node' });
  });
  it('unpacks native modules, the engine bundles and the resources from the ASAR', () => {
    expect(pkg.build.asar).toBe(true);
    expect(pkg.build.asarUnpack).toEqual(expect.arrayContaining(['**/*.node', 'out/main/**', 'resources/**']));
    expect(unpacked('/opt/Tollgate/resources/app.asar/out/main/engine-worker.js')).toBe('/opt/Tollgate/resources/app.asar.unpacked/out/main/engine-worker.js');
    expect(unpacked('C:\\Tollgate\\resources\\app.asar\\out\\main\\desktop-engine.js')).toBe('C:\\Tollgate\\resources\\app.asar.unpacked\\out\\main\\desktop-engine.js');
    expect(unpacked('/work/main/out/main/engine-worker.js')).toBe('/work/main/out/main/engine-worker.js');
  });
});

/**
 * What the `tollgate` command says when something is wrong, and what `tollgate export` prints: one
 * clear line (no stack trace) and a non-zero exit for a wrong TOLLGATE_ADMIN_KEY or a missing data
 * dir; a short summary for an export, whose details stay in the folder's manifest.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/harness';
import { ensureBuilt, startServe } from '../helpers/serve-process';

const root = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const dir = (prefix: string) => {
  const d = tempDir(prefix);
  dirs.push(d);
  return d;
};

function tollgate(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [join(root, 'bin', 'tollgate.js'), ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, TOLLGATE_ADMIN_KEY: '', ...env } });
}

const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('tollgate serve with a wrong TOLLGATE_ADMIN_KEY', () => {
  for (const key of ['tg_bad', 'tg_UPPERCASE1_0123456789abcdefXYZ', 'tg_short_0123456789', 'tg_abcdefgh_0123456789abcdefXYZ!', 'not-a-key']) {
    it(`refuses ${JSON.stringify(key)} in one line, with the format, before touching the data dir`, () => {
      const dataDir = join(dir('tg-cli-key-'), 'data');
      const r = tollgate(['serve', '--port', '0', '--data-dir', dataDir], { TOLLGATE_ADMIN_KEY: key });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr).toContain('TOLLGATE_ADMIN_KEY must look like tg_<id>_<secret>');
      expect(r.stderr).toContain('8-32 lowercase letters or digits');
      expect(r.stderr).toContain('16-128 characters');
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stderr).not.toContain(key.slice(3) || '(never)'); // the secret part is not echoed
      expect(existsSync(dataDir)).toBe(false);
    });
  }

  it('accepts a key of the documented shape (the shortest one)', async () => {
    const key = 'tg_abcd1234_0123456789abcdef';
    const serve = await startServe(dir('tg-cli-key-ok-'), [], { TOLLGATE_ADMIN_KEY: key });
    try {
      const me = await fetch(`${serve.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { id: string }).id).toBe('abcd1234');
    } finally {
      serve.child.kill('SIGTERM');
      await new Promise((resolve) => serve.child.once('exit', resolve));
    }
  });

  it('--help documents the format', () => {
    const r = tollgate(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<id>: 8-32 lowercase letters or digits; <secret>: 16-128 of A-Z a-z 0-9 _ -');
  });
});

describe('tollgate export', () => {
  it('prints a short summary and keeps the manifest in the folder', async () => {
    const dataDir = dir('tg-cli-export-');
    const serve = await startServe(dataDir);
    serve.child.kill('SIGTERM');
    await new Promise((resolve) => serve.child.once('exit', resolve));

    const folder = join(dir('tg-cli-export-out-'), 'export');
    const r = tollgate(['export', folder, '--data-dir', dataDir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out.length).toBeLessThanOrEqual(5);
    expect(out[0]).toBe(`Exported ${dataDir} to ${folder}`);
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { tables: { table: string; rows: number; sha256: string }[] };
    expect(r.stdout).toContain(`${manifest.tables.length} tables`);
    expect(r.stdout).toContain('manifest.json');
    expect(r.stdout).toContain(`tollgate import ${folder} --data-dir <empty dir>`);
    expect(manifest.tables.find((t) => t.table === 'api_keys')?.rows).toBe(1);

    // the folder rebuilds a data dir, as the summary says
    const rebuilt = join(dir('tg-cli-rebuilt-'), 'data');
    const back = tollgate(['import', folder, '--data-dir', rebuilt]);
    expect(back.status).toBe(0);
  }, 60_000);

  it('refuses, in one line, a data dir with no Tollgate database (and does not create one)', () => {
    const dataDir = join(dir('tg-cli-export-none-'), 'typo');
    const r = tollgate(['export', join(dir('tg-cli-export-out-'), 'x'), '--data-dir', dataDir]);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toEqual([`tollgate export: no Tollgate database in ${dataDir} (pass --data-dir, or set TOLLGATE_DATA_DIR).`]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a folder that is not empty, in one line', async () => {
    const dataDir = dir('tg-cli-export-full-');
    const serve = await startServe(dataDir);
    serve.child.kill('SIGTERM');
    await new Promise((resolve) => serve.child.once('exit', resolve));
    const r = tollgate(['export', dataDir, '--data-dir', dataDir]);
    expect(r.status).toBe(1);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('is not empty');
  }, 60_000);
});

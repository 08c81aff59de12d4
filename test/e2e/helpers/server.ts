import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { ADMIN_KEY } from './api';

const root = join(import.meta.dirname, '..', '..', '..');

export interface OwnServer {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  stop(): Promise<void>;
  output(): string;
}

/**
 * Serve mode as a process this test controls (restarts, isolated data): the built console at /,
 * the admin key known. `dataDir` is reused when given, so a restart finds the same ledger.
 */
export async function startServer(port: number, dataDir = mkdtempSync(join(tmpdir(), 'tollgate-e2e-own-'))): Promise<OwnServer> {
  const child = spawn(process.execPath, [join(root, 'bin', 'tollgate.js'), 'serve', '--data-dir', dataDir, '--port', String(port)], {
    env: { ...process.env, TOLLGATE_ADMIN_KEY: ADMIN_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 20_000);
    const check = () => {
      if (/serving http/.test(out)) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    dataDir,
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A server of the spec's own, for all its tests: started before the first, stopped after the
 * last. Call at the top level of a spec; the returned function gives the running server.
 */
export function serverForSpec(port: number, options: { serial?: boolean } = {}): () => OwnServer {
  let server: OwnServer | undefined;
  if (options.serial) test.describe.configure({ mode: 'serial' });
  test.beforeAll(async () => {
    server = await startServer(port);
  });
  test.afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('the spec server is not running (serverForSpec must be called at the top level)');
    return server;
  };
}

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_KEY } from './harness';

const root = join(import.meta.dirname, '..', '..');

/** Serve mode runs from the build; build it when a test runs before `npm run build` did. */
export function ensureBuilt(): void {
  if (!existsSync(join(root, 'out', 'main', 'cli.js'))) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' });
  }
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/** Starts `tollgate serve` as its own process on a free port and waits for its "serving" line. */
export async function startServe(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  ensureBuilt();
  const child = spawn(process.execPath, [join(root, 'bin', 'tollgate.js'), 'serve', '--data-dir', dataDir, '--port', '0', ...extraArgs], {
    env: { ...process.env, TOLLGATE_ADMIN_KEY: ADMIN_KEY, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 15_000);
    const check = () => {
      const m = /serving (https?:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}: ${out}`));
    });
  });
  return { child, url, output: () => out };
}

export function kill9(p: ServeProcess): Promise<void> {
  return new Promise((resolve) => {
    if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}

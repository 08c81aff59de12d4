import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

export interface AuthLatency {
  p50_ms: number;
  p99_ms: number;
  p999_ms: number;
  statuses: Record<string, number>;
}

/** Runs bench/auth-load.ts in a fresh Node process (see there why) and returns what it measured. */
export function authLoad(url: string, key: string, rate: number, ms: number, customers: number): Promise<AuthLatency> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(root, 'scripts', 'run-ts.js'), join(root, 'bench', 'auth-load.ts')],
      { cwd: root, env: { ...process.env, URL: url, KEY: key, RATE: String(rate), MS: String(ms), CUSTOMERS: String(customers) }, maxBuffer: 1 << 20 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`auth-load failed: ${stderr || err.message}`));
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as AuthLatency);
      },
    );
  });
}

/** Shared pieces of the reliability suite: the form (short or full), HTTP calls, process probes. */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ADMIN_KEY } from '../helpers/harness';

export const FULL = process.env.TOLLGATE_RELIABILITY === 'full';
/** Picks the short or the full form's value. */
export const pick = <T>(short: T, full: T): T => (FULL ? full : short);

export const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

export interface Answer {
  status: number;
  body: any;
}

/** One JSON request; a network failure (the server died) answers status 0. */
export async function call(url: string, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Answer> {
  try {
    const res = await fetch(url + path, { method, headers: { ...headers, ...extra }, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  } catch {
    return { status: 0, body: null };
  }
}

/** Throws unless the answer has this status (with the body in the message). */
export async function must(url: string, method: string, path: string, body?: unknown, status = [200, 201]): Promise<any> {
  const r = await call(url, method, path, body);
  if (!status.includes(r.status)) throw new Error(`${method} ${path} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const rand = (n: number) => Math.floor(Math.random() * n);

/** Resident memory of a process, in bytes (Linux /proc). */
export function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Open file descriptors of a process (Linux /proc). */
export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** A read-only look at a data dir's database, beside (or after) the engine: WAL readers never block it. */
export function peek<T>(dataDir: string, fn: (db: Database.Database) => T): T {
  const db = new Database(join(dataDir, 'tollgate.db'), { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return fn(db);
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of a database file (opened read-only). */
export function integrity(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** Whether this process may mount file systems (root in a container that allows it). */
export function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  try {
    execFileSync('sh', ['-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs "$d" && umount "$d" && rmdir "$d"'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const sh = (cmd: string) => execFileSync('sh', ['-c', cmd], { encoding: 'utf8' });

export { existsSync };

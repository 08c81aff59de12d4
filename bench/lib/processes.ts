import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
/** SERVE_ROOT=folder runs another checkout's build (its bin/ and out/) under the same load, for before/after comparisons. */
const serveRoot = process.env.SERVE_ROOT ?? root;

export interface Serve {
  child: ChildProcess;
  url: string;
  readyMs: number;
  stop(): Promise<void>;
  rssBytes(): number;
}

/** `tollgate serve` on a data dir, as an operator runs it (synchronous=FULL unless told). */
export async function startServe(dataDir: string, adminKey: string, args: string[] = [], nodeArgs: string[] = []): Promise<Serve> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, join(serveRoot, 'bin', 'tollgate.js'), 'serve', '--data-dir', dataDir, '--port', '0', ...args], { env: { ...process.env, TOLLGATE_ADMIN_KEY: adminKey }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /serving (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${out}`)));
  });
  const readyMs = performance.now() - started;
  return {
    child,
    url,
    readyMs,
    rssBytes: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * The baseline for single-event ingestion: a bare node:http server in its own process that reads
 * the same JSON body, parses it and answers a small JSON object. Tollgate cannot beat this; the
 * ratio says how much of it Tollgate keeps while it also authenticates, validates, prices and
 * debits each event in a committed transaction.
 */
export async function startBareHttp(): Promise<{ url: string; stop(): Promise<void> }> {
  const code = `
    const http = require('node:http');
    const server = http.createServer({ keepAliveTimeout: 65000 }, (req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const text = JSON.stringify({ transaction_id: body.transaction_id, status: 'accepted' });
        res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
  `;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.on('data', (c: Buffer) => resolve(Number(/port (\d+)/.exec(c.toString())![1]))));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * Serve mode beyond loopback: refused without TLS or an explicit --insecure-http; with
 * --tls-cert and --tls-key it serves HTTPS (and sets Secure session cookies).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { request } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, tempDir } from '../helpers/harness';
import { ensureBuilt, kill9, startServe } from '../helpers/serve-process';

const root = join(import.meta.dirname, '..', '..');

function selfSigned(): { cert: string; key: string } {
  const dir = tempDir('tg-tls-');
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return { cert, key };
}

function httpsGet(url: string, ca: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serve mode and TLS', () => {
  it('refuses to bind beyond loopback in plain HTTP unless told to', () => {
    ensureBuilt();
    const r = spawnSync(process.execPath, [join(root, 'bin', 'tollgate.js'), 'serve', '--data-dir', tempDir(), '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/needs TLS: pass --tls-cert and --tls-key/);
    const half = spawnSync(process.execPath, [join(root, 'bin', 'tollgate.js'), 'serve', '--data-dir', tempDir(), '--tls-cert', '/nonexistent.pem'], { encoding: 'utf8', timeout: 20_000 });
    expect(half.stderr).toMatch(/go together/);
  });

  it('serves HTTPS with a certificate and key', async () => {
    const { cert, key } = selfSigned();
    const p = await startServe(tempDir(), ['--tls-cert', cert, '--tls-key', key]);
    try {
      expect(p.url).toMatch(/^https:\/\//);
      const res = await httpsGet(`${p.url}/v1/customers`, readFileSync(cert, 'utf8'), { authorization: `Bearer ${ADMIN_KEY}` });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toHaveProperty('data');
      const login = await new Promise<{ status: number; cookie: string }>((resolve, reject) => {
        const body = JSON.stringify({ api_key: ADMIN_KEY });
        const req = request(`${p.url}/v1/session`, { method: 'POST', ca: readFileSync(cert, 'utf8'), headers: { 'content-type': 'application/json', origin: p.url, 'content-length': Buffer.byteLength(body) } }, (r) => {
          r.resume();
          r.on('end', () => resolve({ status: r.statusCode!, cookie: String(r.headers['set-cookie'] ?? '') }));
        });
        req.on('error', reject);
        req.end(body);
      });
      expect(login.status).toBe(200);
      expect(login.cookie).toMatch(/;\s*Secure/i);
    } finally {
      await kill9(p);
    }
  }, 60_000);
});

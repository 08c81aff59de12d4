import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Console sessions for serve mode. Logging in with an API key sets a signed cookie that names the
 * key (never its secret); every request re-checks that the key still exists and is not revoked.
 * Cookie-authenticated writes must also carry the session's CSRF token in `x-csrf-token`, and
 * their Origin (when sent) must be this server; the Host header must be one this server answers to,
 * which stops DNS-rebinding pages from reaching a loopback console.
 *
 * Sessions are stateless (HMAC with a secret kept in the data dir), so they survive a restart of
 * the server: the console reconnects instead of asking to log in again.
 */
export const COOKIE = 'tg_session';
const TTL_MS = 12 * 3600_000;

export interface Session {
  keyId: string;
  expiresAt: number;
  nonce: string;
}

const sign = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('base64url');

export function issueSession(secret: string, keyId: string, now: number): { cookie: string; session: Session; csrf: string } {
  const session: Session = { keyId, expiresAt: now + TTL_MS, nonce: randomBytes(12).toString('base64url') };
  const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
  return { cookie: `${payload}.${sign(secret, payload)}`, session, csrf: csrfToken(secret, session) };
}

export function csrfToken(secret: string, session: Session): string {
  return sign(secret, `csrf:${session.nonce}`);
}

export function readSession(secret: string, req: IncomingMessage, now: number): Session | null {
  const header = req.headers.cookie;
  if (!header) return null;
  const raw = header
    .split(';')
    .map((p) => p.trim())
    .find((p) => p.startsWith(`${COOKIE}=`))
    ?.slice(COOKIE.length + 1);
  if (!raw) return null;
  const [payload, mac] = raw.split('.');
  if (!payload || !mac) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const s = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Session;
    return typeof s.keyId === 'string' && typeof s.expiresAt === 'number' && s.expiresAt > now ? s : null;
  } catch {
    return null;
  }
}

export function sessionCookie(value: string, secure: boolean): string {
  return `${COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${TTL_MS / 1000}${secure ? '; Secure' : ''}`;
}

export function clearedCookie(): string {
  return `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`;
}

export function csrfOk(secret: string, session: Session, req: IncomingMessage): boolean {
  const given = req.headers['x-csrf-token'];
  if (typeof given !== 'string') return false;
  const expected = Buffer.from(csrfToken(secret, session));
  const g = Buffer.from(given);
  return expected.length === g.length && timingSafeEqual(expected, g);
}

/** The Host header must be one this server answers to (loopback names on its port, or configured names). */
export function hostAllowed(req: IncomingMessage, allowedHosts: Set<string>): boolean {
  const host = (req.headers.host ?? '').toLowerCase();
  return allowedHosts.has(host);
}

/** A cross-site request carries a foreign Origin: refuse cookie-authenticated writes from it. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  try {
    return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
  } catch {
    return false;
  }
}

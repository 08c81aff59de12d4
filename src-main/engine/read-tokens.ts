import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Customer-scoped read tokens: `tgr_<payload>.<signature>`, an HMAC-SHA256 over the payload with a
 * key derived from the instance's session secret. Stateless (nothing to store or sweep), short-lived,
 * and tied to the key that issued them: revoking or expiring that key ends its tokens too.
 */
export interface ReadTokenClaims {
  /** The customer's external id (an erasure replaces it, so an erased customer's tokens die). */
  customer: string;
  /** The issuing key's id. */
  keyId: string;
  expiresAt: number;
}

const PREFIX = 'tgr_';

function signingKey(sessionSecret: string): Buffer {
  return createHmac('sha256', sessionSecret).update('tollgate read token v1').digest();
}

function sign(sessionSecret: string, payload: string): string {
  return createHmac('sha256', signingKey(sessionSecret)).update(payload).digest('base64url');
}

export function mintReadToken(sessionSecret: string, claims: ReadTokenClaims): string {
  const payload = Buffer.from(JSON.stringify({ c: claims.customer, k: claims.keyId, e: claims.expiresAt })).toString('base64url');
  return `${PREFIX}${payload}.${sign(sessionSecret, payload)}`;
}

export const looksLikeReadToken = (token: string): boolean => token.startsWith(PREFIX);

/** The claims of a genuine, unexpired token; null for anything else. */
export function verifyReadToken(sessionSecret: string, token: string, now: number): ReadTokenClaims | null {
  if (!token.startsWith(PREFIX) || token.length > 512) return null;
  const dot = token.indexOf('.', PREFIX.length);
  if (dot < 0) return null;
  const payload = token.slice(PREFIX.length, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(sessionSecret, payload), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: { c?: unknown; k?: unknown; e?: unknown };
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    return null;
  }
  if (typeof claims.c !== 'string' || typeof claims.k !== 'string' || typeof claims.e !== 'number') return null;
  if (now >= claims.e) return null;
  return { customer: claims.c, keyId: claims.k, expiresAt: claims.e };
}

/**
 * What a read token may call, and where its customer goes in the input. `post` operations are
 * checked on the answer (the object must belong to the token's customer).
 */
export const READ_TOKEN_OPERATIONS: Record<string, { param: string } | { post: 'invoice' }> = {
  getBalances: { param: 'external_id' },
  getUsage: { param: 'external_id' },
  getEntitlements: { param: 'external_id' },
  listTopUps: { param: 'external_id' },
  listInvoices: { param: 'customer' },
  listTransfers: { param: 'customer' },
  getInvoice: { post: 'invoice' },
  getInvoiceDocument: { post: 'invoice' },
};

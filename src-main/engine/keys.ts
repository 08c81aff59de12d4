import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Scope } from '../../shared/contract/operations';
import type { ApiKeyRow, Store } from '../storage/store';

export interface KeyPrincipal {
  id: string;
  name: string;
  scopes: Set<Scope>;
}

const KEY_RE = /^tg_([a-z0-9]{8,32})_([A-Za-z0-9_-]{16,128})$/;

export const sha256 = (text: string): Buffer => createHash('sha256').update(text).digest();

/** A new key `tg_<id>_<secret>`; only the SHA-256 of the secret is stored. */
export function mintKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(24).toString('base64url');
  return { id, secret, key: `tg_${id}_${secret}` };
}

export function parseKey(key: string): { id: string; secret: string } | null {
  const m = KEY_RE.exec(key);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

/**
 * API keys. Secrets are high-entropy random strings, so a plain SHA-256 is the right hash (a slow
 * password hash would only slow down every request) and the comparison is constant-time.
 */
export class ApiKeys {
  private readonly cache = new Map<string, { row: ApiKeyRow; scopes: Set<Scope> }>();
  /** Told when a key is created or revoked (doors on other threads drop their caches). */
  onChange: (() => void) | null = null;

  constructor(private readonly store: Store) {}

  create(name: string, scopes: Scope[], now: number, preset?: string): string {
    const parsed = preset ? parseKey(preset) : null;
    if (preset && !parsed) throw new Error('TOLLGATE_ADMIN_KEY must look like tg_<8-32 lowercase letters or digits>_<16-128 characters of A-Z a-z 0-9 _ ->');
    const { id, secret, key } = parsed ? { ...parsed, key: preset! } : mintKey();
    this.store.upsertApiKey({ id, name, secret_sha256: sha256(secret), scopes: scopes.join(' '), created_at: now });
    this.cache.delete(id);
    this.onChange?.();
    return key;
  }

  authenticate(key: string): KeyPrincipal | null {
    const parsed = parseKey(key);
    if (!parsed) return null;
    let entry = this.cache.get(parsed.id);
    if (!entry) {
      const row = this.store.getApiKey(parsed.id);
      if (!row) return null;
      entry = { row, scopes: new Set(row.scopes.split(' ') as Scope[]) };
      this.cache.set(parsed.id, entry);
    }
    if (entry.row.revoked_at !== null) return null;
    if (!timingSafeEqual(sha256(parsed.secret), entry.row.secret_sha256)) return null;
    return { id: entry.row.id, name: entry.row.name, scopes: entry.scopes };
  }

  /** A key's principal by id, if it exists and is not revoked (for signed console sessions). */
  byId(id: string): KeyPrincipal | null {
    let entry = this.cache.get(id);
    if (!entry) {
      const row = this.store.getApiKey(id);
      if (!row) return null;
      entry = { row, scopes: new Set(row.scopes.split(' ') as Scope[]) };
      this.cache.set(id, entry);
    }
    if (entry.row.revoked_at !== null) return null;
    return { id: entry.row.id, name: entry.row.name, scopes: entry.scopes };
  }

  count(): number {
    return this.store.countApiKeys();
  }

  forget(id: string): void {
    this.cache.delete(id);
    this.onChange?.();
  }
}

/** May a key with `scopes` run an operation that needs `needed` (by `method`)? */
export function allows(scopes: Set<Scope>, needed: Scope, method: string): boolean {
  if (scopes.has('admin') || scopes.has(needed)) return true;
  // Reads an app on the request path needs (balances, a hold) are open to read keys too.
  return needed === 'ingest' && method === 'GET' && scopes.has('read');
}

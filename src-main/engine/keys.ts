import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { z } from 'zod';
import type { ApiKey, CreateApiKey, CreatedApiKey, RotateApiKey, UpdateApiKey } from '../../shared/contract/console';
import type { Scope } from '../../shared/contract/operations';
import type { ApiKeyRow, Store } from '../storage/store';
import { fail } from './errors';
import { iso, isoOrNull } from './format';
import { KEY_RE } from '../key-format';
import { parseTimestampField } from './timestamps';

/** Who a request runs as, as the doors need it: scopes, expiry, rate limit, support caps. */
export interface KeyPrincipal {
  id: string;
  name: string;
  scopes: Set<Scope>;
  /** The key stops working at this instant (ms); null: never. Set on the old key by rotation. */
  expiresAt: number | null;
  rate: { perSecond: number; burst: number } | null;
  /** Support keys: the largest single grant or adjustment per asset, in minor units. */
  supportCaps: Map<string, bigint>;
}


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

function principalOf(row: ApiKeyRow): KeyPrincipal {
  const caps = JSON.parse(row.support_caps) as Record<string, string>;
  return {
    id: row.id,
    name: row.name,
    scopes: new Set(row.scopes.split(' ') as Scope[]),
    expiresAt: row.expires_at,
    rate: row.rate_per_second === null ? null : { perSecond: row.rate_per_second, burst: row.rate_burst ?? row.rate_per_second * 2 },
    supportCaps: new Map(Object.entries(caps).map(([asset, amount]) => [asset, BigInt(amount)])),
  };
}

/** Is the key usable at `now`? Revoked keys never are; rotated keys until their grace ends. */
export function keyLive(p: { expiresAt: number | null }, now: number): boolean {
  return p.expiresAt === null || now < p.expiresAt;
}

interface KeyOptions {
  supportCaps?: { asset: string; amount: bigint }[];
  rate?: { per_second: number; burst?: number } | null;
  expiresAt?: number | null;
}

/**
 * API keys: minting, authentication and administration (create, update, rotate, revoke).
 * Secrets are high-entropy random strings, so a plain SHA-256 is the right hash (a slow password
 * hash would only slow down every request) and the comparison is constant-time.
 */
export class ApiKeys {
  private readonly cache = new Map<string, { row: ApiKeyRow; principal: KeyPrincipal }>();
  /** Told when a key is created, changed or revoked (doors on other threads drop their caches). */
  onChange: (() => void) | null = null;
  /**
   * Last use per key id (ms), in memory: a request costs a map write here, never a database write.
   * `flushUses` writes it, each key at most once per USE_WRITE_EVERY_MS (and every key when the
   * engine closes); the API shows it when newer than the stored value.
   */
  private readonly lastUse = new Map<string, number>();
  /** Per key: the last use written, and when (engine clock), for the once-a-minute bound. */
  private readonly useWritten = new Map<string, { value: number; at: number }>();
  static readonly USE_WRITE_EVERY_MS = 60_000;

  constructor(
    private readonly store: Store,
    private readonly now: () => number,
    /** Registers an undo step for the current write (so a rolled-back change leaves no cached key). */
    private readonly onUndo: (fn: () => void) => void = () => undefined,
  ) {}

  private changed(id: string): void {
    this.cache.delete(id);
    this.onUndo(() => {
      this.cache.delete(id);
      this.onChange?.();
    });
    this.onChange?.();
  }

  /** Mints a key (or stores the preset one, for TOLLGATE_ADMIN_KEY) and returns the whole key. */
  create(name: string, scopes: Scope[], now: number, preset?: string, options: KeyOptions = {}): string {
    const parsed = preset ? parseKey(preset) : null;
    if (preset && !parsed) throw new Error('TOLLGATE_ADMIN_KEY must look like tg_<8-32 lowercase letters or digits>_<16-128 characters of A-Z a-z 0-9 _ ->');
    const { id, secret, key } = parsed ? { ...parsed, key: preset! } : mintKey();
    this.store.upsertApiKey({
      id,
      name,
      secret_sha256: sha256(secret),
      scopes: scopes.join(' '),
      created_at: now,
      support_caps: JSON.stringify(Object.fromEntries((options.supportCaps ?? []).map((c) => [c.asset, c.amount.toString()]))),
      rate_per_second: options.rate?.per_second ?? null,
      rate_burst: options.rate ? (options.rate.burst ?? options.rate.per_second * 2) : null,
      expires_at: options.expiresAt ?? null,
    });
    this.changed(id);
    return key;
  }

  private entry(id: string) {
    let entry = this.cache.get(id);
    if (!entry) {
      const row = this.store.getApiKey(id);
      if (!row) return null;
      entry = { row, principal: principalOf(row) };
      this.cache.set(id, entry);
    }
    return entry;
  }

  authenticate(key: string): KeyPrincipal | null {
    const parsed = parseKey(key);
    if (!parsed) return null;
    const entry = this.entry(parsed.id);
    if (!entry || entry.row.revoked_at !== null) return null;
    if (!timingSafeEqual(sha256(parsed.secret), entry.row.secret_sha256)) return null;
    return keyLive(entry.principal, this.now()) ? entry.principal : null;
  }

  /** A key's principal by id, if it exists, is not revoked and has not expired (console sessions, read tokens). */
  byId(id: string): KeyPrincipal | null {
    const entry = this.entry(id);
    if (!entry || entry.row.revoked_at !== null) return null;
    return keyLive(entry.principal, this.now()) ? entry.principal : null;
  }

  count(): number {
    return this.store.countApiKeys();
  }

  // ---------------------------------------------------------------- last use
  /** A request ran as key `id` (any door, any route; read tokens and console sessions run as their key). */
  noteUse(id: string): void {
    const now = this.now();
    const seen = this.lastUse.get(id);
    if (seen === undefined || now > seen) this.lastUse.set(id, now);
  }

  /** The last use of a key: the stored value, or the one in memory when newer. */
  lastUsed(row: Pick<ApiKeyRow, 'id' | 'last_used_at'>): number | null {
    const seen = this.lastUse.get(row.id);
    if (seen === undefined) return row.last_used_at;
    return row.last_used_at === null || seen > row.last_used_at ? seen : row.last_used_at;
  }

  private useDue(id: string, value: number, now: number, all: boolean): boolean {
    const w = this.useWritten.get(id);
    if (!w) return true;
    if (value <= w.value) return false;
    return all || now - w.at >= ApiKeys.USE_WRITE_EVERY_MS || now < w.at;
  }

  /** Is a last use to be written now (`all`: whatever its key's last write, as on close)? */
  usesDue(all = false): boolean {
    const now = this.now();
    for (const [id, value] of this.lastUse) if (this.useDue(id, value, now, all)) return true;
    return false;
  }

  /** Writes the last uses that are due; runs inside a writer operation (undone if it rolls back). */
  flushUses(all = false): number {
    const now = this.now();
    let written = 0;
    for (const [id, value] of this.lastUse) {
      if (!this.useDue(id, value, now, all)) continue;
      const before = this.useWritten.get(id);
      this.store.touchApiKey(id, value);
      this.useWritten.set(id, { value, at: now });
      this.onUndo(() => {
        if (before) this.useWritten.set(id, before);
        else this.useWritten.delete(id);
      });
      written++;
    }
    return written;
  }

  // ---------------------------------------------------------------- administration (the API's key routes)
  private validateScopes(scopes: Scope[], caps: unknown[] | undefined): void {
    if (scopes.includes('support') && !scopes.includes('admin') && !(caps && caps.length)) {
      fail('validation_failed', 'A support key needs support_caps: the assets it may grant or adjust, and the most it may move at once.', { issues: [{ path: ['support_caps'], message: 'required with the support scope' }] });
    }
  }

  createKey(input: z.output<typeof CreateApiKey>): z.output<typeof CreatedApiKey> {
    const scopes = [...new Set(input.scopes)];
    this.validateScopes(scopes, input.support_caps);
    const now = this.now();
    const expiresAt = parseTimestampField(input.expires_at, 'expires_at', now);
    if (expiresAt !== null && expiresAt <= now) fail('validation_failed', 'expires_at is in the past.', { issues: [{ path: ['expires_at'], message: 'must be in the future' }] });
    const key = this.create(input.name, scopes, now, undefined, { supportCaps: input.support_caps, rate: input.rate_limit ?? null, expiresAt });
    return { ...this.toApi(this.requireRow(parseKey(key)!.id)), key };
  }

  private requireRow(id: string): ApiKeyRow {
    return this.store.getApiKey(id) ?? fail('not_found', `No API key has id ${id}.`, { key: id });
  }

  get(id: string): z.output<typeof ApiKey> {
    return this.toApi(this.requireRow(id));
  }

  list(): { data: z.output<typeof ApiKey>[] } {
    return { data: this.store.listApiKeys().map((k) => this.toApi(k)) };
  }

  update(input: z.output<typeof UpdateApiKey>): z.output<typeof ApiKey> {
    const row = this.requireRow(input.id);
    if (row.revoked_at !== null) fail('invalid_state', `Key ${row.id} is revoked.`, { key: row.id });
    const scopes = row.scopes.split(' ') as Scope[];
    if (input.support_caps !== undefined) this.validateScopes(scopes, input.support_caps);
    this.store.updateApiKey({
      ...row,
      name: input.name ?? row.name,
      support_caps: input.support_caps === undefined ? row.support_caps : JSON.stringify(Object.fromEntries(input.support_caps.map((c) => [c.asset, c.amount.toString()]))),
      rate_per_second: input.rate_limit === undefined ? row.rate_per_second : (input.rate_limit?.per_second ?? null),
      rate_burst: input.rate_limit === undefined ? row.rate_burst : input.rate_limit ? (input.rate_limit.burst ?? input.rate_limit.per_second * 2) : null,
    });
    this.changed(row.id);
    return this.toApi(this.requireRow(row.id));
  }

  /**
   * Rotation: a new key with the same name, scopes, caps and limit; the old one keeps working for
   * the grace period (so apps can be redeployed with the new key) and then stops.
   */
  rotate(input: z.output<typeof RotateApiKey>): { old: z.output<typeof ApiKey>; created: z.output<typeof CreatedApiKey> } {
    const row = this.requireRow(input.id);
    const now = this.now();
    if (row.revoked_at !== null || !keyLive({ expiresAt: row.expires_at }, now)) fail('invalid_state', `Key ${row.id} no longer works; create a new key instead.`, { key: row.id });
    if (row.replaced_by !== null) fail('invalid_state', `Key ${row.id} was rotated already (replaced by ${row.replaced_by}).`, { key: row.id, replaced_by: row.replaced_by });
    const caps = JSON.parse(row.support_caps) as Record<string, string>;
    const key = this.create(row.name, row.scopes.split(' ') as Scope[], now, undefined, {
      supportCaps: Object.entries(caps).map(([asset, amount]) => ({ asset, amount: BigInt(amount) })),
      rate: row.rate_per_second === null ? null : { per_second: row.rate_per_second, burst: row.rate_burst ?? undefined },
      expiresAt: row.expires_at,
    });
    const newId = parseKey(key)!.id;
    const graceEnds = now + (input.grace_seconds ?? 86_400) * 1000;
    this.store.updateApiKey({ ...row, expires_at: row.expires_at === null ? graceEnds : Math.min(row.expires_at, graceEnds), replaced_by: newId });
    this.changed(row.id);
    return { old: this.toApi(this.requireRow(row.id)), created: { ...this.toApi(this.requireRow(newId)), key } };
  }

  revoke(id: string): z.output<typeof ApiKey> {
    const row = this.requireRow(id);
    if (row.revoked_at === null) {
      this.store.revokeApiKey(id, this.now());
      this.changed(id);
    }
    return this.toApi(this.requireRow(id));
  }

  toApi(k: ApiKeyRow): z.output<typeof ApiKey> {
    const p = principalOf(k);
    return {
      id: k.id,
      name: k.name,
      scopes: [...p.scopes],
      prefix: `tg_${k.id}_`,
      support_caps: [...p.supportCaps].map(([asset, amount]) => ({ asset, amount: amount.toString() })),
      rate_limit: p.rate ? { per_second: p.rate.perSecond, burst: p.rate.burst } : null,
      created_at: iso(k.created_at),
      last_used_at: isoOrNull(this.lastUsed(k)),
      expires_at: k.expires_at === null ? null : iso(k.expires_at),
      revoked_at: k.revoked_at === null ? null : iso(k.revoked_at),
      replaced_by: k.replaced_by,
    };
  }
}

/** Scopes that may read everything a `read` key can. */
const READERS: Scope[] = ['read', 'finance', 'support'];
/** Operations a support key may call; the handler enforces its per-asset caps (and grants only). */
export const SUPPORT_OPERATIONS = new Set(['createTopUp', 'createAdjustment']);

/** May a key with `scopes` run operation `opId`, which needs `needed`, by `method`? */
export function allows(scopes: Set<Scope>, needed: Scope, method: string, opId?: string): boolean {
  if (scopes.has('admin') || scopes.has(needed)) return true;
  if (needed === 'read' && READERS.some((s) => scopes.has(s))) return true;
  // Reads an app on the request path needs (balances, a hold) are open to every reader.
  if (needed === 'ingest' && method === 'GET' && READERS.some((s) => scopes.has(s))) return true;
  return opId !== undefined && scopes.has('support') && SUPPORT_OPERATIONS.has(opId);
}

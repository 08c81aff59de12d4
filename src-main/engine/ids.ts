import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastMs = -1;
let lastRandom = new Uint8Array(10);

/**
 * A ULID: 48 bits of milliseconds and 80 random bits, 128 bits in all, in Crockford base32. Ids
 * made in the same millisecond increment the random part, so they sort in creation order.
 */
export function ulid(nowMs: number = Date.now()): string {
  if (nowMs <= lastMs) {
    for (let i = 9; i >= 0; i--) {
      lastRandom[i] = (lastRandom[i]! + 1) & 0xff;
      if (lastRandom[i] !== 0) break;
    }
  } else {
    lastMs = nowMs;
    lastRandom = new Uint8Array(randomBytes(10));
  }
  let out = '';
  let t = lastMs;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32]! + out;
    t = Math.floor(t / 32);
  }
  // 80 random bits -> 16 base32 characters
  let acc = 0n;
  for (const b of lastRandom) acc = (acc << 8n) | BigInt(b);
  let r = '';
  for (let i = 0; i < 16; i++) {
    r = CROCKFORD[Number(acc & 31n)]! + r;
    acc >>= 5n;
  }
  return out + r;
}

export const newId = (prefix: string, nowMs?: number): string => `${prefix}_${ulid(nowMs)}`;

export function randomSecret(bytes = 24): string {
  return randomBytes(bytes).toString('base64url');
}

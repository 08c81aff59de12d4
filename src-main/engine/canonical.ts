import { hash } from 'node:crypto';

/**
 * A canonical JSON text: object keys sorted, numbers in their shortest form (so 1.0 and 1 agree),
 * undefined members dropped. Two requests mean the same thing exactly when their canonical texts
 * are equal, which is what idempotency compares.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? (Object.is(value, -0) ? '0' : String(value)) : 'null';
    case 'bigint':
      return value.toString();
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map(canonicalJson).join(',') + ']';
      const keys = Object.keys(value as object).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        out += (first ? '' : ',') + JSON.stringify(k) + ':' + canonicalJson(v);
        first = false;
      }
      return out + '}';
    }
    default:
      return 'null';
  }
}

/**
 * The first 16 bytes of the SHA-256 of the canonical text. It is only ever compared with the hash
 * of a request that used the same key, so 128 bits leave no room for an accidental match.
 */
export function requestHash(value: unknown): Buffer {
  return (hash('sha256', canonicalJson(value), 'buffer') as unknown as Buffer).subarray(0, 16);
}

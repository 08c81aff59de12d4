/** Helpers that turn stored values into the API's wire forms. */
export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
export const amount = (v: bigint): string => v.toString();

/** Opaque cursors: base64url of the last sort key of a page. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(String(key), 'utf8').toString('base64url');
}
export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  return text.length ? text : null;
}
export function decodeNumericCursor(cursor: string | undefined): number | null {
  const t = decodeCursor(cursor);
  if (t === null) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

export function parseJsonObject(text: string): Record<string, unknown> {
  const v = JSON.parse(text) as unknown;
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

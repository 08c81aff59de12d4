/** Helpers that turn stored values into the API's wire forms. */
import { minorToDecimal } from '../../shared/money';

let cachedDay = NaN;
let cachedPrefix = '';
const pad2 = (n: number) => (n < 10 ? '0' + n : String(n));
const pad3 = (n: number) => (n < 10 ? '00' + n : n < 100 ? '0' + n : String(n));

/**
 * `Date#toISOString`, about ten times faster: answers carry several instants per event and most
 * fall on the same day, so the date part is formatted once per day.
 */
export function iso(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  if (day !== cachedDay) {
    const full = new Date(day * 86_400_000).toISOString();
    if (full.length !== 24) return new Date(ms).toISOString(); // years outside 0000-9999
    cachedDay = day;
    cachedPrefix = full.slice(0, 11);
  }
  let rest = ms - day * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const sec = Math.floor(rest / 1000);
  return `${cachedPrefix}${pad2(h)}:${pad2(m)}:${pad2(sec)}.${pad3(rest - sec * 1000)}Z`;
}
export const isoOrNull = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
export const amount = (v: bigint): string => v.toString();

/**
 * An amount in minor units as people read it in messages: `moneyText(94n, 'USD', 2)` is
 * `0.94 USD`. Messages only: machine-readable fields (`details`, webhook values) stay minor-unit
 * strings. Without a scale (an unknown asset), or for a value that is not a whole number of minor
 * units (an alert threshold may be a fraction of one), the value is shown as given, marked
 * `(minor units)`, rather than guessed at or rounded.
 */
export function moneyText(minor: bigint | string, asset: string, scale: number | undefined): string {
  const text = String(minor).trim();
  return scale === undefined || !/^-?\d+$/.test(text) ? `${text} (minor units)` : `${minorToDecimal(text, scale)} ${asset}`;
}

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

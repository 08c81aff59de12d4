/**
 * Event timestamps from the outside world into integer epoch milliseconds.
 *
 * Accepted (anything else throws TimestampError):
 * - `undefined`: the event carries no timestamp and takes `nowMs`, the time it was received.
 * - A number of Unix SECONDS, integer or with at most 3 decimals (milliseconds): 1700000000,
 *   1700000000.123. More decimals are refused rather than silently rounded (round to ms first).
 * - The same as a string ("1700000000", "-5", "1700000000.5"): JSON clients often quote
 *   numbers, and a digits-only string cannot be confused with any accepted ISO form.
 *   No exponent, no '+', no whitespace.
 * - An ISO 8601 / RFC 3339 date-time WITH an offset: `YYYY-MM-DDThh:mm[:ss[.f…]]` followed by
 *   `Z`, `±hh:mm` or `±hhmm`. 't'/'z' and a space separator are accepted (RFC 3339 allows
 *   them), as is ',' before the fraction (ISO 8601 does). The fraction takes 1-9 digits and is
 *   TRUNCATED to milliseconds so an event never moves into the next second (or day, or period).
 *   A date-time without an offset, or a bare date, is refused: its instant depends on a zone
 *   we would have to guess.
 *
 * Range: years 0001-9999 (UTC), for both forms, which also catches milliseconds sent where
 * seconds were expected (1.7e12 seconds is the year 55 000). Leap seconds (ss = 60) are refused.
 */
import { epochDay, MS_PER_DAY, daysInMonth } from './civil';

export type TimestampErrorCode = 'wrong_type' | 'malformed' | 'missing_offset' | 'out_of_range' | 'too_precise';

export class TimestampError extends Error {
  override name = 'TimestampError';
  constructor(
    readonly code: TimestampErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** 0001-01-01T00:00:00.000Z */
export const MIN_TIMESTAMP_MS = epochDay(1, 1, 1) * MS_PER_DAY;
/** 9999-12-31T23:59:59.999Z */
export const MAX_TIMESTAMP_MS = epochDay(10_000, 1, 1) * MS_PER_DAY - 1;

/** Longer inputs are refused before any scanning: the longest valid form is ~35 characters. */
const MAX_INPUT_LENGTH = 64;

function show(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

function fail(code: TimestampErrorCode, message: string): never {
  throw new TimestampError(code, message);
}

function inRange(ms: number, what: string): number {
  if (!(ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS)) {
    fail('out_of_range', `timestamp ${what} is outside years 0001-9999`);
  }
  return ms + 0; // + 0 turns -0 into 0
}

export function parseEventTimestamp(input: string | number | undefined, nowMs: number): number {
  if (input === undefined) {
    if (!Number.isSafeInteger(nowMs)) throw new RangeError(`nowMs must be integer epoch ms, got ${nowMs}`);
    return nowMs;
  }
  if (typeof input === 'number') return parseSecondsNumber(input);
  if (typeof input !== 'string') fail('wrong_type', `timestamp must be a string or a number, got ${input === null ? 'null' : typeof input}`);
  if (input.length > MAX_INPUT_LENGTH) fail('malformed', `timestamp too long: ${show(input)}`);
  // A '-' right after the leading digits means a date (YYYY-); seconds never have one there.
  const c0 = input.charCodeAt(0);
  let i = c0 === 45 /* - */ ? 1 : 0;
  while (i < input.length && isDigit(input.charCodeAt(i))) i++;
  if (input.charCodeAt(i) === 45) return parseIso(input);
  if (isDigit(c0) || c0 === 45) return parseSecondsText(input, input);
  return parseIso(input);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function parseSecondsNumber(x: number): number {
  if (!Number.isFinite(x)) fail('malformed', `timestamp is not a finite number: ${x}`);
  if (Number.isSafeInteger(x)) return inRange(x * 1000, String(x));
  if (Math.abs(x) > MAX_TIMESTAMP_MS / 1000 + 1) fail('out_of_range', `timestamp ${x} is outside years 0001-9999`);
  // The shortest round-trip text is the decimal the sender wrote (1700000000.123 stays .123),
  // so reading it as text avoids the binary error of x * 1000.
  const text = String(x);
  if (text.includes('e')) fail('too_precise', `timestamp ${text} has more than 3 decimals; send whole milliseconds`);
  return parseSecondsText(text, text);
}

/** `-?digits(.d{1,3})?` as seconds; `shown` is what error messages quote. */
function parseSecondsText(s: string, shown: string): number {
  let i = 0;
  const negative = s.charCodeAt(0) === 45;
  if (negative) i = 1;
  const intStart = i;
  let whole = 0;
  while (i < s.length && isDigit(s.charCodeAt(i))) {
    whole = whole * 10 + (s.charCodeAt(i) - 48);
    i++;
  }
  if (i === intStart) fail('malformed', `not a timestamp: ${show(shown)}`);
  let frac = 0;
  if (i < s.length) {
    if (s.charCodeAt(i) !== 46 /* . */) fail('malformed', `not a timestamp: ${show(shown)}`);
    i++;
    const fracStart = i;
    while (i < s.length && isDigit(s.charCodeAt(i))) i++;
    if (i !== s.length || i === fracStart) fail('malformed', `not a timestamp: ${show(shown)}`);
    if (i - fracStart > 3) fail('too_precise', `timestamp ${show(shown)} has more than 3 decimals; send whole milliseconds`);
    for (let k = fracStart; k < fracStart + 3; k++) frac = frac * 10 + (k < i ? s.charCodeAt(k) - 48 : 0);
  }
  // Out-of-range values are refused before the multiplication could lose integer precision.
  if (whole > MAX_TIMESTAMP_MS / 1000 + 1) fail('out_of_range', `timestamp ${show(shown)} is outside years 0001-9999`);
  const ms = whole * 1000 + frac;
  return inRange(negative ? -ms : ms, show(shown));
}

/** Two ASCII digits at i, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  // NaN (past the end) fails these comparisons too.
  if (!(a >= 0 && a <= 9 && b >= 0 && b <= 9)) return -1;
  return a * 10 + b;
}

/** A single forward scan over fixed positions: no regex, no backtracking. */
function parseIso(s: string): number {
  const bad = (): never => fail('malformed', `not an ISO 8601 timestamp: ${show(s)}`);
  const c0 = s.charCodeAt(0);
  const signed = c0 === 43 /* + */ || c0 === 45; /* - */
  let digits = signed ? 1 : 0;
  while (digits < s.length && isDigit(s.charCodeAt(digits))) digits++;
  if (s.charCodeAt(digits) === 45 && (signed ? digits === 7 : digits > 4)) {
    fail('out_of_range', `years outside 0001-9999 (expanded or signed) are not accepted: ${show(s)}`);
  }
  const hi = two(s, 0);
  const lo = two(s, 2);
  if (hi < 0 || lo < 0 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) bad();
  const year = hi * 100 + lo;
  const month = two(s, 5);
  const day = two(s, 8);
  if (month < 0 || day < 0) bad();
  if (s.length === 10) fail('missing_offset', `a date without a time and offset is ambiguous: ${show(s)}`);
  const sep = s.charCodeAt(10);
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32 /* space */) bad();
  const hour = two(s, 11);
  const minute = two(s, 14);
  if (hour < 0 || minute < 0 || s.charCodeAt(13) !== 58 /* : */) bad();
  let i = 16;
  let second = 0;
  let millisecond = 0;
  if (s.charCodeAt(i) === 58) {
    second = two(s, i + 1);
    if (second < 0) bad();
    i += 3;
    const c = s.charCodeAt(i);
    if (c === 46 /* . */ || c === 44 /* , */) {
      const start = ++i;
      while (i < s.length && isDigit(s.charCodeAt(i))) {
        if (i - start < 3) millisecond = millisecond * 10 + (s.charCodeAt(i) - 48);
        i++;
      }
      const n = i - start;
      if (n === 0 || n > 9) bad();
      if (n === 1) millisecond *= 100;
      else if (n === 2) millisecond *= 10;
    }
  }
  let offsetMin = 0;
  if (i === s.length) fail('missing_offset', `a date-time without an offset (Z or ±hh:mm) is ambiguous: ${show(s)}`);
  const z = s.charCodeAt(i);
  if (z === 90 /* Z */ || z === 122 /* z */) {
    i++;
  } else if (z === 43 || z === 45) {
    const oh = two(s, i + 1);
    let om: number;
    if (s.charCodeAt(i + 3) === 58) {
      om = two(s, i + 4);
      i += 6;
    } else {
      om = two(s, i + 3);
      i += 5;
    }
    if (oh < 0 || om < 0) bad();
    if (oh > 23 || om > 59) fail('out_of_range', `offset out of range: ${show(s)}`);
    offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    bad();
  }
  if (i !== s.length) bad();

  if (year < 1) fail('out_of_range', `year 0000 is not accepted: ${show(s)}`);
  if (month < 1 || month > 12) fail('out_of_range', `month out of range: ${show(s)}`);
  if (day < 1 || day > daysInMonth(year, month)) fail('out_of_range', `day out of range: ${show(s)}`);
  if (hour > 23 || minute > 59) fail('out_of_range', `time out of range: ${show(s)}`);
  if (second > 59) fail('out_of_range', `second out of range (leap seconds are not accepted): ${show(s)}`);
  const ms =
    epochDay(year, month, day) * MS_PER_DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + millisecond - offsetMin * 60_000;
  return inRange(ms, show(s));
}

/** `YYYY-MM-DDThh:mm:ss.sssZ` (UTC, always milliseconds), for years 0001-9999. */
export function toIso(ms: number): string {
  if (!Number.isSafeInteger(ms)) fail('malformed', `not an integer epoch ms: ${ms}`);
  inRange(ms, String(ms));
  return new Date(ms).toISOString();
}

/**
 * The one question asked of `Intl.DateTimeFormat`: a zone's UTC offset at an instant.
 * No Temporal on Node 20 and no dependency; valid in Node and the browser.
 */
import { wallToMs } from './civil';

export class TimeZoneError extends Error {
  override name = 'TimeZoneError';
}

/** ECMAScript's Date range; Intl throws beyond it. */
const MAX_INSTANT = 8.64e15;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zones answered without Intl (offset always 0). Internal to shared/time. */
export function isUtc(tz: string): boolean {
  return tz === 'UTC' || tz === 'Etc/UTC';
}

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    // Offset strings ("+05:30") are accepted by recent engines but are not IANA zones: a
    // billing zone must follow its region's DST rules, so they are refused everywhere.
    if (tz.length === 0 || tz.charCodeAt(0) === 43 /* + */ || tz.charCodeAt(0) === 45 /* - */) {
      throw new TimeZoneError(`not an IANA time zone: ${JSON.stringify(tz.slice(0, 64))}`);
    }
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        // h23, not hour12:false: the latter renders midnight as "24" in some engines.
        hourCycle: 'h23',
        // With the era, years before 1 come out as "n BC" instead of a silently wrong positive year.
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new TimeZoneError(`unknown time zone: ${JSON.stringify(tz.slice(0, 64))}`);
    }
    // Only valid zones are cached, so the map is bounded by the IANA database (~600 names).
    formatters.set(tz, f);
  }
  return f;
}

/**
 * True for the zone names Intl knows: IANA zones and links ("Europe/Paris", "UTC",
 * "US/Eastern"), matched case-insensitively as Intl does. Offset strings are refused.
 */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string') return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Throws TimeZoneError unless `tz` is a valid zone; for validating configuration up front. */
export function assertTimeZone(tz: string): void {
  formatter(tz);
}

/** Instants are integer ms within Date's range; anything else would make Intl throw or round. Internal to shared/time. */
export function checkInstant(ms: number): void {
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > MAX_INSTANT) throw new RangeError(`not an instant in range: ${ms}`);
}

/** Scratch for the six numbers of one reading; offsetAt is synchronous and never re-entered. */
const runs = [0, 0, 0, 0, 0, 0];

/**
 * Reads "M/D/Y era, H:M:S" by its six digit runs instead of formatToParts, which is about
 * four times slower (it builds an array of objects per call); en-US keeps that field order.
 * Falls back to formatToParts if an engine ever renders something else.
 */
function wallSecondsOf(f: Intl.DateTimeFormat, ms: number): number {
  const text = f.format(ms);
  runs.fill(0);
  let n = 0;
  let inRun = false;
  let bc = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (!inRun) {
        if (n === 6) return wallSecondsFromParts(f, ms);
        inRun = true;
        n++;
      }
      runs[n - 1] = runs[n - 1]! * 10 + (c - 48);
    } else {
      inRun = false;
      if (c === 66 /* B of "BC" */) bc = true;
    }
  }
  if (n !== 6) return wallSecondsFromParts(f, ms);
  const [month, day, year, hour, minute, second] = runs as [number, number, number, number, number, number];
  return toLocalMs(bc ? 1 - year : year, month, day, hour, minute, second);
}

function wallSecondsFromParts(f: Intl.DateTimeFormat, ms: number): number {
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, bc = false;
  for (const p of f.formatToParts(ms)) {
    const n = Number(p.value);
    switch (p.type) {
      case 'year': year = n; break;
      case 'month': month = n; break;
      case 'day': day = n; break;
      case 'hour': hour = n; break;
      case 'minute': minute = n; break;
      case 'second': second = n; break;
      case 'era': bc = p.value.startsWith('B'); break;
    }
  }
  return toLocalMs(bc ? 1 - year : year, month, day, hour, minute, second);
}

function toLocalMs(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  // Belt and braces for the "24:00" rendering of midnight (same date, hour 0).
  return wallToMs({ year, month, day, hour: hour === 24 ? 0 : hour, minute, second });
}

/** The zone's UTC offset at an instant, in ms (local = utc + offset). Historic LMT offsets keep their seconds. */
export function offsetAt(ms: number, tz: string): number {
  checkInstant(ms);
  if (isUtc(tz)) return 0;
  const f = formatter(tz);
  // Intl shows whole seconds (floored), so compare against the instant floored to the second.
  const floored = ms - (((ms % 1000) + 1000) % 1000);
  return wallSecondsOf(f, floored) - floored;
}

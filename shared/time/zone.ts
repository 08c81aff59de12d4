/**
 * Wall time in a zone <-> instants. Only the offset comes from Intl (offset.ts); every field
 * is integer arithmetic on "local epoch ms" (the wall time read as if it were UTC), civil.ts.
 */
import {
  addDaysToDate,
  addMonthsClamped,
  dateFromEpochDay,
  epochDayOf,
  MS_PER_DAY,
  wallToMs,
  weekdayOfEpochDay,
  type CivilDate,
  type WallTime,
} from './civil';
import { checkInstant, isUtc, offsetAt } from './offset';

export { assertTimeZone, isValidTimeZone, offsetAt, TimeZoneError } from './offset';

export interface ZonedParts {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  /** 0-23 */
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  /** ISO weekday: 1 = Monday .. 7 = Sunday */
  weekday: number;
}

export function zonedParts(ms: number, tz: string): ZonedParts {
  const local = ms + offsetAt(ms, tz);
  const days = Math.floor(local / MS_PER_DAY);
  const date = dateFromEpochDay(days);
  let rest = local - days * MS_PER_DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return {
    year: date.year,
    month: date.month,
    day: date.day,
    hour,
    minute,
    second,
    millisecond: rest - second * 1000,
    weekday: weekdayOfEpochDay(days),
  };
}

/** The calendar date of an instant in the zone. */
export function zonedDate(ms: number, tz: string): CivilDate {
  return dateFromEpochDay(Math.floor((ms + offsetAt(ms, tz)) / MS_PER_DAY));
}

/**
 * The instant at which the zone's clocks show `wall` (fields normalized like Date.UTC).
 * - Gap (spring forward, the wall time never shows): the instant after the gap, shifted by
 *   the gap's length, e.g. 02:30 in a 02:00->03:00 gap is 03:30 new time (Temporal's 'compatible').
 * - Overlap (fall back, the wall time shows twice): the earlier instant.
 */
export function zonedToUtc(wall: WallTime, tz: string): number {
  const local = wallToMs(wall);
  if (isUtc(tz)) {
    checkInstant(local);
    return local;
  }
  // Offsets a day either side bracket any single transition near this wall time (offset
  // changes are at most 26 h apart in size and transitions are far more than 2 days apart).
  const before = offsetAt(local - MS_PER_DAY, tz);
  const after = offsetAt(local + MS_PER_DAY, tz);
  const early = local - before;
  const earlyOk = offsetAt(early, tz) === before;
  if (before === after && earlyOk) return early;
  const late = local - after;
  const lateOk = offsetAt(late, tz) === after;
  if (earlyOk && lateOk) return Math.min(early, late);
  if (earlyOk) return early;
  if (lateOk) return late;
  // Neither offset reproduces the wall time: it is in a gap. Reading it with the offset in
  // force before the gap lands past the gap by exactly the wall time's distance into it.
  return early;
}

/** First instant of a date in the zone (its midnight, or the end of a gap that swallowed midnight). */
export function startOfDate(date: CivilDate, tz: string): number {
  return zonedToUtc({ year: date.year, month: date.month, day: date.day }, tz);
}

/**
 * startOfDay runs per event, and resolving a day costs ~7 Intl calls (~10 µs). So, per zone,
 * each UTC day number maps to the local days covering it, as flat [start, end, start, end...]
 * pairs: after the first event of a day every lookup is arithmetic plus a Map read, in any
 * event order. Bounded: a zone's map is dropped once it holds DAY_CACHE_LIMIT days (~11 years).
 */
const dayCache = new Map<string, Map<number, number[]>>();
const DAY_CACHE_LIMIT = 4096;

function localDaysCovering(utcDay: number, tz: string): number[] {
  const to = (utcDay + 1) * MS_PER_DAY;
  const spans: number[] = [];
  let date = zonedDate(utcDay * MS_PER_DAY, tz);
  let start = startOfDate(date, tz);
  for (;;) {
    const next = addDaysToDate(date, 1);
    const end = startOfDate(next, tz);
    // A date skipped whole (Samoa, 2011-12-30) starts where the following one does: no span.
    if (end > start) spans.push(start, end);
    if (end >= to) return spans;
    date = next;
    start = end;
  }
}

/** First instant of the zone's calendar day containing `ms`. */
export function startOfDay(ms: number, tz: string): number {
  checkInstant(ms);
  const utcDay = Math.floor(ms / MS_PER_DAY);
  if (isUtc(tz)) return utcDay * MS_PER_DAY;
  let days = dayCache.get(tz);
  let spans = days?.get(utcDay);
  if (spans === undefined) {
    spans = localDaysCovering(utcDay, tz); // validates tz before anything is cached under it
    if (days === undefined) dayCache.set(tz, (days = new Map()));
    if (days.size >= DAY_CACHE_LIMIT) days.clear();
    days.set(utcDay, spans);
  }
  for (let i = 1; i < spans.length; i += 2) if (ms < spans[i]!) return spans[i - 1]!;
  throw new Error(`unreachable: no local day of ${tz} covers ${ms}`);
}

/** First instant of the Monday-based week containing `ms`. */
export function startOfWeek(ms: number, tz: string): number {
  const day = epochDayOf(zonedDate(ms, tz));
  return startOfDate(dateFromEpochDay(day - weekdayOfEpochDay(day) + 1), tz);
}

export function startOfMonth(ms: number, tz: string): number {
  const d = zonedDate(ms, tz);
  return startOfDate({ year: d.year, month: d.month, day: 1 }, tz);
}

function requireInteger(name: string, n: number): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${name} must be an integer, got ${n}`);
}

/** Same wall time `n` calendar days later (so 23 or 25 hours across DST); gaps and overlaps resolved as in zonedToUtc. */
export function addDays(ms: number, n: number, tz: string): number {
  requireInteger('days', n);
  const p = zonedParts(ms, tz);
  return zonedToUtc({ ...p, day: p.day + n }, tz);
}

/** Same wall time `n` months later, the day clamped to the target month (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(ms: number, n: number, tz: string): number {
  requireInteger('months', n);
  const p = zonedParts(ms, tz);
  const d = addMonthsClamped(p, n);
  return zonedToUtc({ ...p, year: d.year, month: d.month, day: d.day }, tz);
}

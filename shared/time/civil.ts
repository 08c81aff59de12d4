/**
 * Proleptic Gregorian calendar arithmetic on plain dates, with no time zone involved.
 *
 * Dates are counted as "epoch days" (days since 1970-01-01) with Howard Hinnant's
 * days_from_civil / civil_from_days algorithms: pure integer math, exact for every year
 * (no Date object, so no 0-99 -> 1900-1999 year quirk and no allocation on the hot path).
 */

export const MS_PER_DAY = 86_400_000;

/** A calendar date; month is 1-12, day 1-31. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A wall-clock reading; the time fields default to 0. Out-of-range fields are normalized (see `wallToMs`). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  const n = DAYS_IN_MONTH[month - 1];
  if (n === undefined) throw new RangeError(`month out of range: ${month}`);
  return n;
}

/** Days since 1970-01-01 of a valid date (month 1-12, day 1-31). */
export function epochDay(year: number, month: number, day: number): number {
  // Hinnant: count years from March so that the leap day is the last day of the "year".
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function dateFromEpochDay(n: number): CivilDate {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

export function epochDayOf(d: CivilDate): number {
  return epochDay(d.year, d.month, d.day);
}

/** ISO weekday of an epoch day: 1 = Monday .. 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(n: number): number {
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

export function addDaysToDate(d: CivilDate, days: number): CivilDate {
  return dateFromEpochDay(epochDayOf(d) + days);
}

/**
 * The date `months` months after `d` on day `day` (default: d's day), clamped to the month's
 * length. Clamping is done from `day` every time rather than from the previous result, so an
 * anchor on the 31st comes back to the 31st after a short month.
 */
export function addMonthsClamped(d: CivilDate, months: number, day: number = d.day): CivilDate {
  const m0 = d.month - 1 + months;
  const year = d.year + Math.floor(m0 / 12);
  const month = m0 - Math.floor(m0 / 12) * 12 + 1;
  return { year, month, day: Math.min(day, daysInMonth(year, month)) };
}

function requireInteger(name: string, v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${name} must be an integer, got ${v}`);
  return v;
}

/**
 * Milliseconds of a wall time read as if it were UTC ("local epoch ms").
 * Like Date.UTC, out-of-range fields carry into the next larger one (month 13 is January of
 * the next year, day 0 is the last day of the previous month, hour 25 is 01:00 the next day),
 * but unlike Date.UTC years 0-99 are taken literally.
 */
export function wallToMs(w: WallTime): number {
  const year = requireInteger('year', w.year);
  const m0 = requireInteger('month', w.month) - 1;
  const day = requireInteger('day', w.day);
  const yearCarry = Math.floor(m0 / 12);
  const days = epochDay(year + yearCarry, m0 - yearCarry * 12 + 1, 1) + day - 1;
  return (
    days * MS_PER_DAY +
    requireInteger('hour', w.hour ?? 0) * 3_600_000 +
    requireInteger('minute', w.minute ?? 0) * 60_000 +
    requireInteger('second', w.second ?? 0) * 1000 +
    requireInteger('millisecond', w.millisecond ?? 0)
  );
}

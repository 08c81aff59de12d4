import { describe, expect, it } from 'vitest';
import {
  addMonthsClamped,
  dateFromEpochDay,
  daysInMonth,
  epochDay,
  isLeapYear,
  wallToMs,
  weekdayOfEpochDay,
} from '../../../shared/time/civil';

const DAY = 86_400_000;

/** Date.UTC with years 0-99 taken literally: the oracle the integer algorithms are checked against. */
function utc(y: number, m: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const t = new Date(Date.UTC(2000, m - 1, d, h, mi, s, ms));
  t.setUTCFullYear(y, m - 1, d);
  return t.getTime();
}

describe('civil calendar', () => {
  it('counts epoch days like Date.UTC over four millennia, both directions', () => {
    for (let n = epochDay(-400, 1, 1); n <= epochDay(3600, 1, 1); n += 97) {
      const d = dateFromEpochDay(n);
      expect(utc(d.year, d.month, d.day) / DAY).toBe(n);
      expect(epochDay(d.year, d.month, d.day)).toBe(n);
    }
    expect(epochDay(1970, 1, 1)).toBe(0);
    expect(epochDay(2000, 3, 1)).toBe(11_017);
    expect(dateFromEpochDay(-1)).toEqual({ year: 1969, month: 12, day: 31 });
    expect(dateFromEpochDay(epochDay(1, 1, 1))).toEqual({ year: 1, month: 1, day: 1 });
  });

  it('knows leap years and month lengths', () => {
    expect([1900, 2000, 2024, 2027, 2028, 2100].map(isLeapYear)).toEqual([false, true, true, false, true, false]);
    expect(daysInMonth(2028, 2)).toBe(29);
    expect(daysInMonth(2027, 2)).toBe(28);
    expect(daysInMonth(2024, 4)).toBe(30);
    expect(() => daysInMonth(2024, 13)).toThrow(RangeError);
  });

  it('numbers weekdays Monday=1..Sunday=7', () => {
    expect(weekdayOfEpochDay(0)).toBe(4); // 1970-01-01 Thursday
    expect(weekdayOfEpochDay(epochDay(2024, 1, 1))).toBe(1); // Monday
    expect(weekdayOfEpochDay(epochDay(2024, 3, 31))).toBe(7); // Sunday
    expect(weekdayOfEpochDay(-4)).toBe(7); // 1969-12-28 Sunday
  });

  it('adds months clamping from the given day, so the 31st comes back', () => {
    const jan31 = { year: 2028, month: 1, day: 31 };
    expect(addMonthsClamped(jan31, 1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(addMonthsClamped(jan31, 2)).toEqual({ year: 2028, month: 3, day: 31 });
    expect(addMonthsClamped(jan31, 3)).toEqual({ year: 2028, month: 4, day: 30 });
    expect(addMonthsClamped(jan31, -2)).toEqual({ year: 2027, month: 11, day: 30 });
    expect(addMonthsClamped({ year: 2028, month: 2, day: 29 }, 12)).toEqual({ year: 2029, month: 2, day: 28 });
  });

  it('normalizes out-of-range wall fields like Date.UTC', () => {
    const cases: [number, number, number, number, number, number, number][] = [
      [2024, 13, 1, 0, 0, 0, 0],
      [2024, 0, 1, 0, 0, 0, 0],
      [2024, 3, 0, 0, 0, 0, 0],
      [2024, 2, 30, 0, 0, 0, 0],
      [2024, 1, 31, 24, 0, 0, 0],
      [2024, 1, 1, -1, 0, 0, 0],
      [2024, -13, 45, 25, 61, 61, 1001],
    ];
    for (const [y, mo, d, h, mi, s, ms] of cases) {
      expect(wallToMs({ year: y, month: mo, day: d, hour: h, minute: mi, second: s, millisecond: ms })).toBe(Date.UTC(y, mo - 1, d, h, mi, s, ms));
    }
    // ...but years 0-99 are not shifted to 1900-1999.
    expect(wallToMs({ year: 50, month: 1, day: 1 })).toBe(utc(50, 1, 1));
    expect(() => wallToMs({ year: 2024, month: 1.5, day: 1 })).toThrow(RangeError);
  });
});

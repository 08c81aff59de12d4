import { describe, expect, it, vi } from 'vitest';
import {
  addDays,
  addMonths,
  isValidTimeZone,
  offsetAt,
  startOfDay,
  startOfMonth,
  startOfWeek,
  TimeZoneError,
  zonedParts,
  zonedToUtc,
} from '../../../shared/time/zone';

/** Instants written with their offset, read by Date (not by the code under test). Values checked with Python zoneinfo. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test literal ${iso}`);
  return ms;
};
const H = 3_600_000;

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Etc/UTC', 'Europe/Paris', 'Asia/Kolkata', 'Pacific/Chatham', 'America/New_York'])('accepts %s', (tz) => {
    expect(isValidTimeZone(tz)).toBe(true);
  });
  it.each(['', 'Mars/Olympus_Mons', 'Europe/Pariss', '+05:30', '-03:00', 'Z', 'Europe/Paris '])('refuses %j', (tz) => {
    expect(isValidTimeZone(tz)).toBe(false);
  });
  it('throws TimeZoneError when a bad zone is used', () => {
    expect(() => zonedParts(0, 'Nowhere/Land')).toThrow(TimeZoneError);
    expect(() => startOfDay(0, '+01:00')).toThrow(TimeZoneError);
  });
});

describe('zonedParts', () => {
  it('reads wall time, milliseconds and ISO weekday', () => {
    expect(zonedParts(at('2024-03-31T01:00:00Z'), 'Europe/Paris')).toEqual({
      year: 2024, month: 3, day: 31, hour: 3, minute: 0, second: 0, millisecond: 0, weekday: 7,
    });
    expect(zonedParts(at('2024-02-29T10:15:00.001Z'), 'Pacific/Chatham')).toEqual({
      year: 2024, month: 3, day: 1, hour: 0, minute: 0, second: 0, millisecond: 1, weekday: 5,
    });
    expect(zonedParts(0, 'Asia/Kolkata')).toEqual({
      year: 1970, month: 1, day: 1, hour: 5, minute: 30, second: 0, millisecond: 0, weekday: 4,
    });
    expect(zonedParts(-1, 'America/New_York')).toEqual({
      year: 1969, month: 12, day: 31, hour: 18, minute: 59, second: 59, millisecond: 999, weekday: 3,
    });
  });

  it('gives hour 0, never 24, at midnight', () => {
    expect(zonedParts(at('2024-01-01T23:00:00Z'), 'Europe/Paris')).toMatchObject({ month: 1, day: 2, hour: 0 });
    expect(zonedParts(at('2024-01-02T00:00:00Z'), 'UTC')).toMatchObject({ day: 2, hour: 0 });
  });

  it('keeps historic offsets with seconds (Paris Mean Time +00:09:21 until 1911)', () => {
    expect(offsetAt(at('1900-06-01T11:50:39Z'), 'Europe/Paris')).toBe(9 * 60_000 + 21_000);
    expect(zonedParts(at('1900-06-01T11:50:39Z'), 'Europe/Paris')).toMatchObject({ hour: 12, minute: 0, second: 0 });
    expect(zonedToUtc({ year: 1900, month: 6, day: 1, hour: 12 }, 'Europe/Paris')).toBe(-2_195_899_761_000);
  });

  it('handles years before 1 and the ends of the Date range', () => {
    const ms = Date.UTC(2000, 0, 1) - 2000 * 365.2425 * 86_400_000; // 0000-01-01 area: year 0 = 1 BC
    expect(zonedParts(ms, 'UTC').year).toBe(new Date(ms).getUTCFullYear());
    expect(zonedParts(ms, 'Europe/Paris').year).toBe(new Date(ms).getUTCFullYear());
    expect(zonedParts(8.64e15, 'UTC').year).toBe(275_760);
    expect(() => zonedParts(8.64e15 + 1, 'UTC')).toThrow(RangeError);
    expect(() => zonedParts(Number.NaN, 'Europe/Paris')).toThrow(RangeError);
    expect(() => zonedParts(1.5, 'UTC')).toThrow(RangeError);
  });
});

describe('zonedToUtc', () => {
  it('maps ordinary wall times', () => {
    expect(zonedToUtc({ year: 2024, month: 3, day: 1 }, 'Europe/Paris')).toBe(at('2024-03-01T00:00:00+01:00'));
    expect(zonedToUtc({ year: 2024, month: 3, day: 1 }, 'Pacific/Chatham')).toBe(at('2024-03-01T00:00:00+13:45'));
    expect(zonedToUtc({ year: 2024, month: 3, day: 1 }, 'Asia/Kolkata')).toBe(at('2024-03-01T00:00:00+05:30'));
    expect(zonedToUtc({ year: 2024, month: 7, day: 4, hour: 9, minute: 5, second: 7, millisecond: 123 }, 'America/New_York')).toBe(
      at('2024-07-04T09:05:07.123-04:00'),
    );
  });

  it('moves a wall time in a spring-forward gap past the gap (Temporal "compatible")', () => {
    // Paris 2024-03-31 02:00 -> 03:00: 02:30 is 03:30 CEST.
    expect(zonedToUtc({ year: 2024, month: 3, day: 31, hour: 2, minute: 30 }, 'Europe/Paris')).toBe(at('2024-03-31T03:30:00+02:00'));
    expect(zonedToUtc({ year: 2024, month: 3, day: 31, hour: 2 }, 'Europe/Paris')).toBe(at('2024-03-31T03:00:00+02:00'));
    // New York 2024-03-10 02:00 -> 03:00.
    expect(zonedToUtc({ year: 2024, month: 3, day: 10, hour: 2, minute: 30 }, 'America/New_York')).toBe(at('2024-03-10T07:30:00Z'));
    // Sydney (southern spring) 2024-10-06 02:00 -> 03:00.
    expect(zonedToUtc({ year: 2024, month: 10, day: 6, hour: 2, minute: 30 }, 'Australia/Sydney')).toBe(at('2024-10-05T16:30:00Z'));
    // Chatham 2024-09-29 02:45 -> 03:45.
    expect(zonedToUtc({ year: 2024, month: 9, day: 29, hour: 3 }, 'Pacific/Chatham')).toBe(at('2024-09-28T14:15:00Z'));
    // Samoa skipped the whole of 2011-12-30: noon that day is noon on the 31st (+14).
    expect(zonedToUtc({ year: 2011, month: 12, day: 30, hour: 12 }, 'Pacific/Apia')).toBe(at('2011-12-31T12:00:00+14:00'));
  });

  it('takes the earlier instant of a fall-back overlap', () => {
    expect(zonedToUtc({ year: 2024, month: 10, day: 27, hour: 2, minute: 30 }, 'Europe/Paris')).toBe(at('2024-10-27T00:30:00Z'));
    expect(zonedToUtc({ year: 2024, month: 11, day: 3, hour: 1, minute: 30 }, 'America/New_York')).toBe(at('2024-11-03T01:30:00-04:00'));
    expect(zonedToUtc({ year: 2024, month: 4, day: 7, hour: 2, minute: 30 }, 'Australia/Sydney')).toBe(at('2024-04-06T15:30:00Z'));
    // Just outside the overlap there is a single answer on each side.
    expect(zonedToUtc({ year: 2024, month: 10, day: 27, hour: 1, minute: 59 }, 'Europe/Paris')).toBe(at('2024-10-26T23:59:00Z'));
    expect(zonedToUtc({ year: 2024, month: 10, day: 27, hour: 3 }, 'Europe/Paris')).toBe(at('2024-10-27T02:00:00Z'));
  });

  it('normalizes overflowing fields like Date.UTC', () => {
    expect(zonedToUtc({ year: 2024, month: 13, day: 1 }, 'Europe/Paris')).toBe(at('2025-01-01T00:00:00+01:00'));
    expect(zonedToUtc({ year: 2024, month: 3, day: 0 }, 'Europe/Paris')).toBe(at('2024-02-29T00:00:00+01:00'));
    expect(zonedToUtc({ year: 2024, month: 2, day: 30, hour: 24 }, 'UTC')).toBe(at('2024-03-02T00:00:00Z'));
    expect(zonedToUtc({ year: 2024, month: 1, day: 1, minute: -30 }, 'Asia/Kolkata')).toBe(at('2023-12-31T23:30:00+05:30'));
  });

  it('round-trips every quarter hour of 2024 in DST zones, except the repeated hour', () => {
    for (const tz of ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Pacific/Chatham', 'Asia/Kolkata']) {
      let mismatches = 0;
      for (let ms = at('2024-01-01T00:00:00Z'); ms < at('2025-01-01T00:00:00Z'); ms += 15 * 60_000) {
        const back = zonedToUtc(zonedParts(ms, tz), tz);
        if (back !== ms) {
          // Only the second pass through a repeated wall time maps back to the first, one hour earlier.
          expect(ms - back).toBe(H);
          mismatches++;
        }
      }
      expect(mismatches).toBe(tz === 'Asia/Kolkata' ? 0 : 4);
    }
  });
});

describe('start of day / week / month', () => {
  it('finds local midnight, with 23 and 25 hour days around DST', () => {
    const tz = 'Europe/Paris';
    expect(startOfDay(at('2024-03-31T12:00:00Z'), tz)).toBe(at('2024-03-31T00:00:00+01:00'));
    expect(startOfDay(at('2024-04-01T00:00:00+02:00'), tz) - startOfDay(at('2024-03-31T12:00:00Z'), tz)).toBe(23 * H);
    expect(startOfDay(at('2024-10-28T00:00:00+01:00'), tz) - startOfDay(at('2024-10-27T12:00:00Z'), tz)).toBe(25 * H);
    expect(startOfDay(at('2024-03-01T05:29:59.999+05:30'), 'Asia/Kolkata')).toBe(at('2024-03-01T00:00:00+05:30'));
    expect(startOfDay(at('2024-03-01T00:00:00+13:45'), 'Pacific/Chatham')).toBe(at('2024-03-01T00:00:00+13:45'));
  });

  it('stays right when calls hop between days and zones (the per-zone day cache)', () => {
    const instants = ['2024-03-30T23:59:59.999+01:00', '2024-03-31T00:00:00+01:00', '2024-03-31T23:59:59.999+02:00', '2024-04-01T00:00:00+02:00'];
    const expected = ['2024-03-30T00:00:00+01:00', '2024-03-31T00:00:00+01:00', '2024-03-31T00:00:00+01:00', '2024-04-01T00:00:00+02:00'];
    for (let round = 0; round < 3; round++) {
      for (const [i, iso] of [3, 0, 2, 1, 0, 3].map((k) => [k, instants[k]!] as const)) {
        expect(startOfDay(at(iso), 'Europe/Paris')).toBe(at(expected[i]!));
        expect(startOfDay(at(iso), 'UTC')).toBe(Math.floor(at(iso) / 86_400_000) * 86_400_000);
      }
    }
  });

  it('starts a day whose midnight is skipped or repeated at its first instant (Havana)', () => {
    const tz = 'America/Havana'; // 2024-03-10 00:00 -> 01:00, and 2024-11-03 01:00 -> 00:00
    expect(startOfDay(at('2024-03-10T12:00:00-04:00'), tz)).toBe(at('2024-03-10T01:00:00-04:00'));
    expect(startOfDay(at('2024-03-10T01:00:00-04:00') - 1, tz)).toBe(at('2024-03-09T00:00:00-05:00'));
    expect(startOfDay(at('2024-11-03T00:30:00-05:00'), tz)).toBe(at('2024-11-03T00:00:00-04:00'));
    expect(startOfDay(at('2024-11-03T00:00:00-04:00') - 1, tz)).toBe(at('2024-11-02T00:00:00-04:00'));
    expect(zonedToUtc({ year: 2024, month: 3, day: 10 }, tz)).toBe(at('2024-03-10T05:00:00Z'));
  });

  it('agrees with the uncached computation for instants in random order', () => {
    let seed = 12345;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const from = at('2020-01-01T00:00:00Z');
    const zones = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Chatham', 'America/Havana', 'Pacific/Apia', 'UTC'];
    for (let i = 0; i < 3000; i++) {
      const tz = zones[i % zones.length]!;
      const ms = i % 3 === 0 ? at('2011-12-29T00:00:00Z') + Math.floor(random() * 4 * 86_400_000) : from + Math.floor(random() * 6 * 365 * 86_400_000);
      const p = zonedParts(ms, tz);
      const start = startOfDay(ms, tz);
      expect(start).toBe(zonedToUtc({ year: p.year, month: p.month, day: p.day }, tz));
      expect(start).toBeLessThanOrEqual(ms);
      expect(zonedParts(start, tz)).toMatchObject({ year: p.year, month: p.month, day: p.day });
      expect(zonedParts(start - 1, tz).day).not.toBe(p.day);
    }
  });

  it('starts weeks on Monday and months on the 1st, in the zone', () => {
    // Sunday 31 March 23:30 in Paris is already Monday 1 April 03:00 in Kolkata.
    const ms = at('2024-03-31T23:30:00+02:00');
    expect(startOfWeek(ms, 'Europe/Paris')).toBe(at('2024-03-25T00:00:00+01:00'));
    expect(startOfWeek(ms, 'Asia/Kolkata')).toBe(at('2024-04-01T00:00:00+05:30'));
    expect(startOfMonth(ms, 'Europe/Paris')).toBe(at('2024-03-01T00:00:00+01:00'));
    expect(startOfMonth(ms, 'Asia/Kolkata')).toBe(at('2024-04-01T00:00:00+05:30'));
    expect(startOfWeek(at('2024-01-01T00:00:00Z'), 'UTC')).toBe(at('2024-01-01T00:00:00Z'));
  });
});

describe('addDays / addMonths', () => {
  it('keeps the wall time across DST', () => {
    expect(addDays(at('2024-03-30T12:00:00+01:00'), 1, 'Europe/Paris')).toBe(at('2024-03-31T12:00:00+02:00'));
    expect(addDays(at('2024-11-02T09:30:00-04:00'), 1, 'America/New_York')).toBe(at('2024-11-03T09:30:00-05:00'));
    expect(addDays(at('2024-03-31T12:00:00+02:00'), -1, 'Europe/Paris')).toBe(at('2024-03-30T12:00:00+01:00'));
    // Landing in the gap moves past it.
    expect(addDays(at('2024-03-30T02:30:00+01:00'), 1, 'Europe/Paris')).toBe(at('2024-03-31T03:30:00+02:00'));
  });

  it('clamps to the end of shorter months', () => {
    expect(addMonths(at('2028-01-31T10:00:00+01:00'), 1, 'Europe/Paris')).toBe(at('2028-02-29T10:00:00+01:00'));
    expect(addMonths(at('2027-01-31T10:00:00+01:00'), 1, 'Europe/Paris')).toBe(at('2027-02-28T10:00:00+01:00'));
    expect(addMonths(at('2024-03-31T10:00:00+02:00'), -1, 'Europe/Paris')).toBe(at('2024-02-29T10:00:00+01:00'));
    expect(addMonths(at('2024-10-15T00:00:00+11:00'), 6, 'Australia/Sydney')).toBe(at('2025-04-15T00:00:00+10:00'));
    expect(() => addMonths(0, 0.5, 'UTC')).toThrow(RangeError);
  });
});

describe('offset reading fallback', () => {
  it('reads the offset through formatToParts when format() output is not the expected shape', () => {
    const instants = [at('2024-03-31T00:59:59Z'), at('2024-03-31T01:00:00Z'), at('1900-06-01T11:50:39Z'), -62_167_219_200_000 /* 0000-01-01T00:00Z, i.e. 1 BC */];
    const expected = instants.map((ms) => [offsetAt(ms, 'Europe/Paris'), zonedParts(ms, 'Europe/Paris')] as const);
    // `format` is a getter returning a bound function.
    const spy = vi.spyOn(Intl.DateTimeFormat.prototype as unknown as Record<'format', unknown>, 'format', 'get').mockReturnValue(() => 'unexpected 1 2 3 4 5 6 7');
    try {
      expect(instants.map((ms) => [offsetAt(ms, 'Europe/Paris'), zonedParts(ms, 'Europe/Paris')] as const)).toEqual(expected);
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(expected.map(([o]) => o)).toEqual([H, 2 * H, 561_000, 561_000]);
    expect(expected[3]![1]).toMatchObject({ year: 0, month: 1, day: 1, hour: 0, minute: 9, second: 21 });
  });
});

import { describe, expect, it } from 'vitest';
import {
  nextPeriod,
  periodAt,
  periodByIndex,
  PeriodError,
  prorationFraction,
  type BillingTime,
  type Interval,
  type Period,
  type PeriodRule,
} from '../../../shared/time/periods';
import { TimeZoneError } from '../../../shared/time/zone';
import { PERIOD_CASES } from './fixtures/periods.fixture';

/** Instants written with their offset, read by Date (not by the code under test). Offsets checked with Python zoneinfo. */
const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad test literal ${iso}`);
  return ms;
};
const H = 3_600_000;
const rule = (interval: Interval, billingTime: BillingTime, anchor: string, timeZone: string): PeriodRule => ({
  interval,
  billingTime,
  anchorMs: at(anchor),
  timeZone,
});
const span = (p: Period): [number, number] => [p.startMs, p.endMs];
const walk = (r: PeriodRule, n: number): Period[] => {
  const out = [periodAt(r, r.anchorMs)];
  while (out.length < n) out.push(nextPeriod(r, out[out.length - 1]!));
  return out;
};

describe('calendar monthly', () => {
  // Hours of each month of 2024, from Python zoneinfo.
  const hours: Record<string, number[]> = {
    UTC: [744, 696, 744, 720, 744, 720, 744, 744, 720, 744, 720, 744],
    'Europe/Paris': [744, 696, 743, 720, 744, 720, 744, 744, 720, 745, 720, 744],
    'America/New_York': [744, 696, 743, 720, 744, 720, 744, 744, 720, 744, 721, 744],
    'Australia/Sydney': [744, 696, 744, 721, 744, 720, 744, 744, 720, 743, 720, 744],
    'Asia/Kolkata': [744, 696, 744, 720, 744, 720, 744, 744, 720, 744, 720, 744],
    'Pacific/Chatham': [744, 696, 744, 721, 744, 720, 744, 744, 719, 744, 720, 744],
  };
  const jan1: Record<string, string> = {
    UTC: '2024-01-01T00:00:00Z',
    'Europe/Paris': '2024-01-01T00:00:00+01:00',
    'America/New_York': '2024-01-01T00:00:00-05:00',
    'Australia/Sydney': '2024-01-01T00:00:00+11:00',
    'Asia/Kolkata': '2024-01-01T00:00:00+05:30',
    'Pacific/Chatham': '2024-01-01T00:00:00+13:45',
  };

  it.each(Object.keys(hours))('%s: months start at local midnight of the 1st and DST months are 743/745 hours', (tz) => {
    const periods = walk(rule('monthly', 'calendar', jan1[tz]!, tz), 12);
    expect(periods.map((p) => (p.endMs - p.startMs) / H)).toEqual(hours[tz]);
    expect(periods.map((p) => p.index)).toEqual([...Array(12).keys()]);
    expect(periods[0]!.startMs).toBe(at(jan1[tz]!));
  });

  it('lands on the exact local midnights in Europe/Paris around both DST changes', () => {
    const r = rule('monthly', 'calendar', '2024-01-15T10:00:00+01:00', 'Europe/Paris');
    expect(span(periodAt(r, at('2024-03-31T12:00:00Z')))).toEqual([at('2024-03-01T00:00:00+01:00'), at('2024-04-01T00:00:00+02:00')]);
    expect(span(periodAt(r, at('2024-10-27T02:30:00+01:00')))).toEqual([at('2024-10-01T00:00:00+02:00'), at('2024-11-01T00:00:00+01:00')]);
    // Boundary instants belong to the period they start.
    expect(periodAt(r, at('2024-04-01T00:00:00+02:00')).index).toBe(3);
    expect(periodAt(r, at('2024-04-01T00:00:00+02:00') - 1).index).toBe(2);
    // 31 March 23:30 in Paris is still March there, but April 1st in UTC.
    expect(periodAt(r, at('2024-03-31T23:30:00+02:00')).index).toBe(2);
  });

  it('makes the first period the partial rest of the anchor month', () => {
    const r = rule('monthly', 'calendar', '2024-03-10T15:00:00+01:00', 'Europe/Paris');
    expect(periodAt(r, r.anchorMs)).toEqual({
      startMs: at('2024-03-10T15:00:00+01:00'),
      endMs: at('2024-04-01T00:00:00+02:00'),
      index: 0,
      fullStartMs: at('2024-03-01T00:00:00+01:00'),
    });
    expect(periodByIndex(r, 1)).toEqual({
      startMs: at('2024-04-01T00:00:00+02:00'),
      endMs: at('2024-05-01T00:00:00+02:00'),
      index: 1,
      fullStartMs: at('2024-04-01T00:00:00+02:00'),
    });
  });

  it('uses the anchor date in the billing zone, not in UTC', () => {
    // 2024-01-31T20:00Z is already 1 February in Kolkata: the first period is the whole of February.
    const r = rule('monthly', 'calendar', '2024-01-31T20:00:00Z', 'Asia/Kolkata');
    expect(span(periodAt(r, r.anchorMs))).toEqual([at('2024-01-31T20:00:00Z'), at('2024-03-01T00:00:00+05:30')]);
  });
});

describe('calendar weekly, quarterly, yearly', () => {
  it('runs weeks Monday 00:00 to Monday 00:00', () => {
    // Wednesday 2024-03-27 in Paris; the next week contains the DST change (167 hours).
    const periods = walk(rule('weekly', 'calendar', '2024-03-27T09:00:00+01:00', 'Europe/Paris'), 3);
    expect(periods.map(span)).toEqual([
      [at('2024-03-27T09:00:00+01:00'), at('2024-04-01T00:00:00+02:00')],
      [at('2024-04-01T00:00:00+02:00'), at('2024-04-08T00:00:00+02:00')],
      [at('2024-04-08T00:00:00+02:00'), at('2024-04-15T00:00:00+02:00')],
    ]);
    expect(periods[0]!.fullStartMs).toBe(at('2024-03-25T00:00:00+01:00'));
    const dst = periodAt(rule('weekly', 'calendar', '2024-03-25T00:00:00+01:00', 'Europe/Paris'), at('2024-03-31T12:00:00Z'));
    expect(dst.endMs - dst.startMs).toBe(167 * H);
  });

  it('aligns quarters to Jan/Apr/Jul/Oct 1st', () => {
    const periods = walk(rule('quarterly', 'calendar', '2024-05-20T08:00:00-04:00', 'America/New_York'), 4);
    expect(periods.map(span)).toEqual([
      [at('2024-05-20T08:00:00-04:00'), at('2024-07-01T00:00:00-04:00')],
      [at('2024-07-01T00:00:00-04:00'), at('2024-10-01T00:00:00-04:00')],
      [at('2024-10-01T00:00:00-04:00'), at('2025-01-01T00:00:00-05:00')],
      [at('2025-01-01T00:00:00-05:00'), at('2025-04-01T00:00:00-04:00')],
    ]);
    expect(periods[0]!.fullStartMs).toBe(at('2024-04-01T00:00:00-04:00'));
  });

  it('aligns years to Jan 1st', () => {
    const periods = walk(rule('yearly', 'calendar', '2024-05-20T08:00:00+10:00', 'Australia/Sydney'), 3);
    expect(periods.map(span)).toEqual([
      [at('2024-05-20T08:00:00+10:00'), at('2025-01-01T00:00:00+11:00')],
      [at('2025-01-01T00:00:00+11:00'), at('2026-01-01T00:00:00+11:00')],
      [at('2026-01-01T00:00:00+11:00'), at('2027-01-01T00:00:00+11:00')],
    ]);
  });

  it('gives a whole first period when the anchor is exactly on a boundary', () => {
    const r = rule('quarterly', 'calendar', '2024-04-01T00:00:00+05:30', 'Asia/Kolkata');
    const p = periodAt(r, r.anchorMs);
    expect([p.startMs, p.fullStartMs, p.endMs]).toEqual([r.anchorMs, r.anchorMs, at('2024-07-01T00:00:00+05:30')]);
  });
});

describe('anniversary', () => {
  it('clamps the 31st to short months and returns to it (leap year 2028)', () => {
    const periods = walk(rule('monthly', 'anniversary', '2028-01-31T14:00:00+01:00', 'Europe/Paris'), 5);
    expect(periods.map((p) => p.startMs)).toEqual([
      at('2028-01-31T14:00:00+01:00'),
      at('2028-02-29T00:00:00+01:00'),
      at('2028-03-31T00:00:00+02:00'),
      at('2028-04-30T00:00:00+02:00'),
      at('2028-05-31T00:00:00+02:00'),
    ]);
    expect(periods[4]!.endMs).toBe(at('2028-06-30T00:00:00+02:00'));
    // The anchor's time of day only shapes the first period; its full start is the anchor's midnight.
    expect(periods[0]!.fullStartMs).toBe(at('2028-01-31T00:00:00+01:00'));
  });

  it('clamps to 28 February in a common year', () => {
    const r = rule('monthly', 'anniversary', '2027-01-31T00:00:00Z', 'UTC');
    expect(span(periodByIndex(r, 1))).toEqual([at('2027-02-28T00:00:00Z'), at('2027-03-31T00:00:00Z')]);
    expect(periodAt(r, at('2027-02-27T23:59:59.999Z')).index).toBe(0);
    expect(periodAt(r, at('2027-02-28T00:00:00Z')).index).toBe(1);
    expect(periodAt(r, at('2027-03-30T12:00:00Z')).index).toBe(1);
    expect(periodAt(r, at('2027-03-31T00:00:00Z')).index).toBe(2);
  });

  it('bills a 29 February yearly anchor on 28 February, back to the 29th in leap years', () => {
    const periods = walk(rule('yearly', 'anniversary', '2028-02-29T09:00:00-05:00', 'America/New_York'), 5);
    expect(periods.map((p) => p.startMs)).toEqual([
      at('2028-02-29T09:00:00-05:00'),
      at('2029-02-28T00:00:00-05:00'),
      at('2030-02-28T00:00:00-05:00'),
      at('2031-02-28T00:00:00-05:00'),
      at('2032-02-29T00:00:00-05:00'),
    ]);
  });

  it('steps quarters from the anchor day', () => {
    const periods = walk(rule('quarterly', 'anniversary', '2024-11-30T00:00:00+13:45', 'Pacific/Chatham'), 4);
    // 30 November -> 28 February (clamped) -> 30 May; Chatham is +13:45 in (southern) summer, +12:45 in winter.
    expect(periods.map((p) => p.startMs)).toEqual([
      at('2024-11-30T00:00:00+13:45'),
      at('2025-02-28T00:00:00+13:45'),
      at('2025-05-30T00:00:00+12:45'),
      at('2025-08-30T00:00:00+12:45'),
    ]);
  });

  it('keeps the weekday for weekly', () => {
    // Wednesday 17 January 2024, 15:00 in Sydney.
    const periods = walk(rule('weekly', 'anniversary', '2024-01-17T15:00:00+11:00', 'Australia/Sydney'), 3);
    expect(periods.map(span)).toEqual([
      [at('2024-01-17T15:00:00+11:00'), at('2024-01-24T00:00:00+11:00')],
      [at('2024-01-24T00:00:00+11:00'), at('2024-01-31T00:00:00+11:00')],
      [at('2024-01-31T00:00:00+11:00'), at('2024-02-07T00:00:00+11:00')],
    ]);
    expect(periodAt(rule('weekly', 'anniversary', '2024-01-17T15:00:00+11:00', 'Australia/Sydney'), at('2024-04-09T12:00:00+10:00'))).toMatchObject({
      index: 11, // 3 April is 77 days = 11 weeks after 17 January
      startMs: at('2024-04-03T00:00:00+11:00'),
      endMs: at('2024-04-10T00:00:00+10:00'),
    });
  });
});

describe('ten years of periods against an independent oracle (Python zoneinfo)', () => {
  it.each(PERIOD_CASES.map((c) => [`${c.zone} ${c.billingTime} ${c.interval} from ${new Date(c.anchorMs).toISOString()}`, c] as const))(
    '%s',
    (_name, c) => {
      const r: PeriodRule = { interval: c.interval, billingTime: c.billingTime, anchorMs: c.anchorMs, timeZone: c.zone };
      const periods = walk(r, c.periods);
      const bounds = [periods[0]!.startMs, ...periods.map((p) => p.endMs)];
      for (let k = 0; k < periods.length; k++) {
        const p = periods[k]!;
        expect(p.index).toBe(k);
        expect(p.endMs).toBeGreaterThan(p.startMs);
        if (k > 0) expect(p.startMs).toBe(periods[k - 1]!.endMs); // contiguous
        if (k > 0) expect(p.fullStartMs).toBe(p.startMs);
        // periodAt finds the same period from its first, middle and last instant.
        for (const t of [p.startMs, Math.floor((p.startMs + p.endMs) / 2), p.endMs - 1]) expect(periodAt(r, t)).toEqual(p);
      }
      expect(bounds.slice(0, 4)).toEqual(c.first);
      expect(bounds[bounds.length - 1]).toBe(c.last);
      expect(bounds.reduce((s, b) => s + b / 60_000, 0)).toBe(c.sumMinutes);
      expect(bounds.reduce((s, b, i) => s + (i + 1) * (b / 60_000), 0)).toBe(c.weightedMinutes);
    },
  );

  it('covers every interval, billing time and zone', () => {
    const keys = new Set(PERIOD_CASES.map((c) => `${c.zone}/${c.billingTime}/${c.interval}`));
    expect(keys.size).toBe(6 * 2 * 4);
  });
});

describe('refusals', () => {
  const r = rule('monthly', 'calendar', '2024-03-10T15:00:00+01:00', 'Europe/Paris');
  it('refuses instants before the anchor and bad indexes', () => {
    expect(() => periodAt(r, r.anchorMs - 1)).toThrow(PeriodError);
    expect(() => periodAt(r, Number.NaN)).toThrow(PeriodError);
    expect(() => periodByIndex(r, -1)).toThrow(PeriodError);
    expect(() => periodByIndex(r, 1.5)).toThrow(PeriodError);
  });
  it('refuses bad rules', () => {
    expect(() => periodAt({ ...r, timeZone: 'Europe/Atlantis' }, r.anchorMs)).toThrow(TimeZoneError);
    expect(() => periodAt({ ...r, interval: 'daily' as Interval }, r.anchorMs)).toThrow(PeriodError);
    expect(() => periodAt({ ...r, interval: 'toString' as Interval }, r.anchorMs)).toThrow(PeriodError);
    expect(() => periodAt({ ...r, billingTime: 'whenever' as BillingTime }, r.anchorMs)).toThrow(PeriodError);
    expect(() => periodAt({ ...r, anchorMs: 1.5 }, 2)).toThrow(PeriodError);
  });
});

describe('prorationFraction', () => {
  const tz = 'Europe/Paris';
  const frac = (n: number, d: number) => ({ numerator: BigInt(n), denominator: BigInt(d) });

  it('prorates a calendar first period by days against the whole month (start day included)', () => {
    const r = rule('monthly', 'calendar', '2024-03-10T15:00:00+01:00', tz);
    const p0 = periodAt(r, r.anchorMs);
    // 10..31 March = 22 of 31 days, although the period is 22 days minus 15 hours minus the DST hour.
    expect(prorationFraction(p0, p0, tz)).toEqual(frac(22, 31));
    const p1 = nextPeriod(r, p0);
    expect(prorationFraction(p1, p1, tz)).toEqual(frac(30, 30));
  });

  it('counts DST days as one day', () => {
    const r = rule('monthly', 'calendar', '2024-01-01T00:00:00+01:00', tz);
    const march = periodAt(r, at('2024-03-15T00:00:00Z'));
    const october = periodAt(r, at('2024-10-15T00:00:00Z'));
    expect(prorationFraction(march, march, tz)).toEqual(frac(31, 31)); // 743 hours
    expect(prorationFraction(october, october, tz)).toEqual(frac(31, 31)); // 745 hours
    // The 23-hour 31 March and the 25-hour 27 October.
    expect(prorationFraction({ startMs: at('2024-03-31T00:00:00+01:00'), endMs: at('2024-04-01T00:00:00+02:00') }, march, tz)).toEqual(frac(1, 31));
    expect(prorationFraction({ startMs: at('2024-10-27T00:00:00+02:00'), endMs: at('2024-10-28T00:00:00+01:00') }, october, tz)).toEqual(frac(1, 31));
  });

  it('gives a day to the segment in force at its end, so a partition adds up to exactly 1', () => {
    const r = rule('monthly', 'calendar', '2024-01-01T00:00:00+01:00', tz);
    const march = periodAt(r, at('2024-03-15T00:00:00Z'));
    const change = at('2024-03-10T15:00:00+01:00');
    const before = prorationFraction({ startMs: march.startMs, endMs: change }, march, tz);
    const after = prorationFraction({ startMs: change, endMs: march.endMs }, march, tz);
    expect([before, after]).toEqual([frac(9, 31), frac(22, 31)]);
    expect(before.numerator + after.numerator).toBe(before.denominator);
    // A segment within one day spans no midnight and counts 0 days; ending at the next midnight bills the day.
    expect(prorationFraction({ startMs: change, endMs: change + H }, march, tz)).toEqual(frac(0, 31));
    expect(prorationFraction({ startMs: change, endMs: at('2024-03-11T00:00:00+01:00') }, march, tz)).toEqual(frac(1, 31));
  });

  it('measures anniversary and quarterly periods in their own days', () => {
    // The period that starts on the clamped 29 February runs to 31 March: 31 days.
    const feb = periodByIndex(rule('monthly', 'anniversary', '2028-01-31T14:00:00+01:00', tz), 1);
    expect(prorationFraction({ startMs: feb.startMs, endMs: at('2028-03-15T00:00:00+01:00') }, feb, tz)).toEqual(frac(15, 31));
    const jan = periodByIndex(rule('monthly', 'anniversary', '2028-01-31T14:00:00+01:00', tz), 0);
    expect(prorationFraction(jan, jan, tz)).toEqual(frac(29, 29)); // 31 January .. 28 February
    const q0 = periodAt(rule('quarterly', 'calendar', '2024-05-20T08:00:00-04:00', 'America/New_York'), at('2024-05-20T08:00:00-04:00'));
    // 20 May..30 June = 42 days of April+May+June = 91.
    expect(prorationFraction(q0, q0, 'America/New_York')).toEqual(frac(42, 91));
  });

  it('refuses segments outside the period or reversed', () => {
    const p = periodByIndex(rule('monthly', 'calendar', '2024-01-01T00:00:00Z', 'UTC'), 2);
    expect(() => prorationFraction({ startMs: p.startMs - 1, endMs: p.endMs }, p, 'UTC')).toThrow(PeriodError);
    expect(() => prorationFraction({ startMs: p.startMs, endMs: p.endMs + 1 }, p, 'UTC')).toThrow(PeriodError);
    expect(() => prorationFraction({ startMs: p.endMs, endMs: p.startMs }, p, 'UTC')).toThrow(PeriodError);
    expect(() => prorationFraction(p, p, 'Nowhere/Land')).toThrow(TimeZoneError);
  });
});

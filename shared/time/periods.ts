/**
 * Billing periods of a subscription, computed in the billing zone's wall time.
 *
 * Rules (all dates are calendar dates in `rule.timeZone`; "midnight of D" is the first
 * instant of D there, see zone.ts `startOfDate`):
 *
 * 1. Periods are half-open `[startMs, endMs)`, contiguous (each end is the next start), and
 *    every boundary after the first start is a local midnight. Hence a monthly period that
 *    contains a DST change lasts 743 or 745 hours, and a boundary never drifts with DST.
 * 2. Period 0 contains the anchor (subscription start) and starts AT the anchor instant,
 *    whatever its time of day; it ends at the next boundary.
 * 3. Calendar billing: boundaries are the starts of calendar units: Mondays (weekly), the
 *    1st of the month (monthly), Jan/Apr/Jul/Oct 1st (quarterly), Jan 1st (yearly). Period 0
 *    is the remainder of the unit containing the anchor (a partial period, prorated), or a
 *    whole unit when the anchor is exactly at its start.
 * 4. Anniversary billing: period k starts at midnight of anchorDate + k intervals, where
 *    anchorDate is the anchor's local date (Lago bills by dates in the customer's zone, so
 *    the anchor's time of day only matters for period 0). Weekly: same weekday. Monthly,
 *    quarterly, yearly: same day of month, clamped to the month's length and always
 *    recomputed from the anchor's day, so it RETURNS to the anchor day when that exists:
 *    31 Jan -> 29 Feb (2028) / 28 Feb (2027) -> 31 Mar -> 30 Apr -> 31 May; yearly from
 *    29 Feb 2028 -> 28 Feb 2029, 2030, 2031 -> 29 Feb 2032.
 * 5. `fullStartMs` is midnight of the nominal start date of the period: for period 0 of a
 *    calendar rule the start of the calendar unit (before the anchor), for period 0 of an
 *    anniversary rule midnight of the anchor date, otherwise `startMs`. Proration measures
 *    against it, so a calendar first period is a fraction of the whole unit.
 * 6. Proration (`prorationFraction`) counts DAYS as differences of local calendar dates, so a
 *    23- or 25-hour DST day is one day: days(a, b) = date(b) - date(a). A day therefore
 *    belongs to the segment in force at its END (the following midnight): a segment starting
 *    mid-day pays its first day in full, one ending mid-day does not pay its last day, and
 *    segments that partition a period add up to exactly 1 (no day billed twice or lost).
 *    To bill a termination day in full (Lago's plain-termination rule), end the segment at
 *    the next local midnight. Fractions are returned unreduced: numerator = days used,
 *    denominator = days in the full period.
 */
import {
  addDaysToDate,
  addMonthsClamped,
  dateFromEpochDay,
  epochDayOf,
  weekdayOfEpochDay,
  type CivilDate,
} from './civil';
import { assertTimeZone, startOfDate, zonedDate } from './zone';

export type Interval = 'weekly' | 'monthly' | 'quarterly' | 'yearly';
export type BillingTime = 'calendar' | 'anniversary';

export interface PeriodRule {
  interval: Interval;
  billingTime: BillingTime;
  /** Subscription start, epoch ms. */
  anchorMs: number;
  /** IANA zone the periods are computed in (the customer's billing zone). */
  timeZone: string;
}

export interface Period {
  startMs: number;
  endMs: number;
  /** 0 = the period containing anchorMs. */
  index: number;
  /** Start of the full interval this period is part of; see rule 5. Equal to startMs except for period 0. */
  fullStartMs: number;
}

export interface Segment {
  startMs: number;
  endMs: number;
}

export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

export class PeriodError extends Error {
  override name = 'PeriodError';
}

const MONTHS_PER: Record<Exclude<Interval, 'weekly'>, number> = { monthly: 1, quarterly: 3, yearly: 12 };

function checkRule(rule: PeriodRule): void {
  if (rule.interval !== 'weekly' && !Object.hasOwn(MONTHS_PER, rule.interval)) {
    throw new PeriodError(`unknown interval: ${String(rule.interval)}`);
  }
  if (rule.billingTime !== 'calendar' && rule.billingTime !== 'anniversary') {
    throw new PeriodError(`unknown billing time: ${String(rule.billingTime)}`);
  }
  if (!Number.isSafeInteger(rule.anchorMs)) throw new PeriodError(`anchorMs must be integer epoch ms, got ${rule.anchorMs}`);
  assertTimeZone(rule.timeZone);
}

/** The first date of the calendar unit containing `d` (Monday, 1st of month, of quarter, Jan 1st). */
function unitStart(interval: Interval, d: CivilDate): CivilDate {
  switch (interval) {
    case 'weekly': {
      const n = epochDayOf(d);
      return dateFromEpochDay(n - weekdayOfEpochDay(n) + 1);
    }
    case 'monthly':
      return { year: d.year, month: d.month, day: 1 };
    case 'quarterly':
      return { year: d.year, month: d.month - ((d.month - 1) % 3), day: 1 };
    case 'yearly':
      return { year: d.year, month: 1, day: 1 };
  }
}

/**
 * The nominal start date of period `k`: calendar, the k-th unit after the anchor's unit;
 * anniversary, the anchor date plus k intervals (clamped from the anchor's day, rule 4).
 */
function boundaryDate(rule: PeriodRule, anchorDate: CivilDate, k: number): CivilDate {
  const base = rule.billingTime === 'calendar' ? unitStart(rule.interval, anchorDate) : anchorDate;
  if (rule.interval === 'weekly') return addDaysToDate(base, 7 * k);
  return addMonthsClamped(base, MONTHS_PER[rule.interval] * k, base.day);
}

/** Index of the period whose nominal dates contain `d` (d on or after the anchor date). */
function indexOfDate(rule: PeriodRule, anchorDate: CivilDate, d: CivilDate): number {
  const base = rule.billingTime === 'calendar' ? unitStart(rule.interval, anchorDate) : anchorDate;
  if (rule.interval === 'weekly') return Math.floor((epochDayOf(d) - epochDayOf(base)) / 7);
  const step = MONTHS_PER[rule.interval];
  const k = Math.floor((d.year * 12 + d.month - (base.year * 12 + base.month)) / step);
  // Same month count but before the (clamped) anniversary day: still in the previous period.
  const start = boundaryDate(rule, anchorDate, k);
  return epochDayOf(start) > epochDayOf(d) ? k - 1 : k;
}

export function periodByIndex(rule: PeriodRule, index: number): Period {
  checkRule(rule);
  if (!Number.isSafeInteger(index) || index < 0) throw new PeriodError(`period index must be a non-negative integer, got ${index}`);
  const anchorDate = zonedDate(rule.anchorMs, rule.timeZone);
  const fullStartMs = startOfDate(boundaryDate(rule, anchorDate, index), rule.timeZone);
  const endMs = startOfDate(boundaryDate(rule, anchorDate, index + 1), rule.timeZone);
  return { startMs: index === 0 ? rule.anchorMs : fullStartMs, endMs, index, fullStartMs };
}

/** The period containing `atMs`; instants before the anchor belong to no period and throw. */
export function periodAt(rule: PeriodRule, atMs: number): Period {
  checkRule(rule);
  if (!Number.isSafeInteger(atMs)) throw new PeriodError(`atMs must be integer epoch ms, got ${atMs}`);
  if (atMs < rule.anchorMs) throw new PeriodError(`instant ${atMs} is before the subscription start ${rule.anchorMs}`);
  const anchorDate = zonedDate(rule.anchorMs, rule.timeZone);
  // Working on local dates is exact: date(atMs) = D means midnight(D) <= atMs < midnight(D + 1),
  // and period boundaries are midnights.
  return periodByIndex(rule, indexOfDate(rule, anchorDate, zonedDate(atMs, rule.timeZone)));
}

export function nextPeriod(rule: PeriodRule, p: Period): Period {
  return periodByIndex(rule, p.index + 1);
}

/** Days between two instants as a difference of their local dates (rule 6). */
function dateSpan(fromMs: number, toMs: number, tz: string): number {
  return epochDayOf(zonedDate(toMs, tz)) - epochDayOf(zonedDate(fromMs, tz));
}

/**
 * The share of `period` that `segment` covers, in days of `timeZone` (rule 6), against the
 * full period (rule 5). The segment must lie within [period.startMs, period.endMs].
 */
export function prorationFraction(segment: Segment, period: Period, timeZone: string): Fraction {
  for (const v of [segment.startMs, segment.endMs, period.startMs, period.endMs, period.fullStartMs]) {
    if (!Number.isSafeInteger(v)) throw new PeriodError(`instants must be integer epoch ms, got ${v}`);
  }
  if (segment.startMs > segment.endMs) throw new PeriodError('segment ends before it starts');
  if (segment.startMs < period.startMs || segment.endMs > period.endMs) throw new PeriodError('segment is not within the period');
  if (period.fullStartMs > period.startMs) throw new PeriodError('period fullStartMs is after startMs');
  const denominator = dateSpan(period.fullStartMs, period.endMs, timeZone);
  if (denominator <= 0) throw new PeriodError('period spans no day');
  return { numerator: BigInt(dateSpan(segment.startMs, segment.endMs, timeZone)), denominator: BigInt(denominator) };
}

import { describe, expect, it } from 'vitest';
import { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, parseEventTimestamp, TimestampError, toIso, type TimestampErrorCode } from '../../../shared/time/timestamp';

const NOW = 1_717_171_717_171;
const parse = (input: string | number | undefined): number => parseEventTimestamp(input, NOW);

function refusal(input: unknown): TimestampError {
  try {
    parseEventTimestamp(input as string, NOW);
  } catch (e) {
    expect(e).toBeInstanceOf(TimestampError);
    expect((e as TimestampError).message.length).toBeGreaterThan(0);
    return e as TimestampError;
  }
  throw new Error(`accepted ${String(input)}`);
}

describe('parseEventTimestamp: ISO 8601', () => {
  it.each([
    ['2024-03-10T12:34:56Z', 1_710_074_096_000],
    ['2024-03-10T12:34:56z', 1_710_074_096_000],
    ['2024-03-10t12:34:56Z', 1_710_074_096_000],
    ['2024-03-10 12:34:56Z', 1_710_074_096_000],
    ['2024-03-10T12:34Z', 1_710_074_040_000],
    ['2024-03-10T12:34:56+00:00', 1_710_074_096_000],
    ['2024-03-10T12:34:56-00:00', 1_710_074_096_000],
    ['2024-03-10T13:34:56+01:00', 1_710_074_096_000],
    ['2024-03-10T18:04:56+05:30', 1_710_074_096_000],
    ['2024-03-11T01:19:56+12:45', 1_710_074_096_000],
    ['2024-03-10T07:34:56-0500', 1_710_074_096_000],
    ['2024-03-10T12:34:56.7Z', 1_710_074_096_700],
    ['2024-03-10T12:34:56.78Z', 1_710_074_096_780],
    ['2024-03-10T12:34:56.789Z', 1_710_074_096_789],
    ['2024-03-10T12:34:56,789Z', 1_710_074_096_789],
    ['2024-03-10T12:34:56.789999999Z', 1_710_074_096_789], // truncated, never rounded up
    ['2024-03-10T13:34:56.001+01:00', 1_710_074_096_001],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59.999Z', -1],
    ['2024-02-29T23:59:59.999-12:00', 1_709_294_399_999],
    ['0001-01-01T00:00:00Z', -62_135_596_800_000],
    ['9999-12-31T23:59:59.999Z', 253_402_300_799_999],
  ])('%s', (text, ms) => {
    expect(parse(text)).toBe(ms);
    expect(parse(text)).toBe(Date.parse(text.replace(/^(.{10})[ t]/, '$1T').replace(/z$/, 'Z').replace(',', '.').replace(/(\.\d{3})\d+/, '$1').replace(/([+-]\d\d)(\d\d)$/, '$1:$2')));
  });

  it.each(['2024-03-10T12:34:56', '2024-03-10T12:34', '2024-03-10T12:34:56.123', '2024-03-10'])('refuses %j as ambiguous (no offset)', (text) => {
    expect(refusal(text).code).toBe<TimestampErrorCode>('missing_offset');
  });

  it.each([
    ['0000-01-01T00:00:00Z', 'out_of_range'],
    ['10000-01-01T00:00:00Z', 'out_of_range'],
    ['+002024-01-01T00:00:00Z', 'out_of_range'],
    ['-000001-01-01T00:00:00Z', 'out_of_range'],
    ['2024-13-01T00:00:00Z', 'out_of_range'],
    ['2024-00-10T00:00:00Z', 'out_of_range'],
    ['2023-02-29T00:00:00Z', 'out_of_range'],
    ['2024-04-31T00:00:00Z', 'out_of_range'],
    ['2024-01-01T24:00:00Z', 'out_of_range'],
    ['2024-01-01T23:60:00Z', 'out_of_range'],
    ['2016-12-31T23:59:60Z', 'out_of_range'],
    ['2024-01-01T00:00:00+24:00', 'out_of_range'],
    ['2024-01-01T00:00:00+05:60', 'out_of_range'],
    ['', 'malformed'],
    ['now', 'malformed'],
    ['garbage', 'malformed'],
    ['2024-1-01T00:00:00Z', 'malformed'],
    ['2024-01-01T0:00:00Z', 'malformed'],
    ['2024-01-01T00:00:00.Z', 'malformed'],
    ['2024-01-01T00:00:00.1234567890Z', 'malformed'],
    ['2024-01-01T00:00:00ZZ', 'malformed'],
    ['2024-01-01T00:00:00+05', 'malformed'],
    ['2024-01-01T00:00:00+5:00', 'malformed'],
    ['2024-01-01T00:00:00 Z', 'malformed'],
    [' 2024-01-01T00:00:00Z', 'malformed'],
    ['2024-01-01T00:00:00Z ', 'malformed'],
    ['2024-01-01X00:00:00Z', 'malformed'],
    ['2024-01-01T00:00:00[Europe/Paris]', 'malformed'],
    ['2024-01-01T00:00:00+01:00[Europe/Paris]', 'malformed'],
    ['Tue, 01 Jan 2024 00:00:00 GMT', 'malformed'],
    ['2024-01-01T00:00:00Z'.padEnd(65, '0'), 'malformed'],
  ] as const)('refuses %j (%s)', (text, code) => {
    expect(refusal(text).code).toBe(code);
  });

  it('refuses long runs of digits and separators (inputs that make backtracking parsers hang)', () => {
    // Speed is the benchmark's business; here, that each is refused with the right code.
    for (const text of [`${'9'.repeat(60)}-`, `${'1'.repeat(63)}`, `${'2024-'.repeat(12)}`, `${'9'.repeat(5000)}`]) expect(['malformed', 'out_of_range']).toContain(refusal(text).code);
  });
});

describe('parseEventTimestamp: Unix seconds', () => {
  it.each([
    [1_700_000_000, 1_700_000_000_000],
    [1_700_000_000.123, 1_700_000_000_123],
    [1_700_000_000.5, 1_700_000_000_500],
    [1_700_000_000.07, 1_700_000_000_070],
    [0.001, 1],
    [0, 0],
    [-0, 0],
    [-1.5, -1500],
    ['1700000000', 1_700_000_000_000],
    ['1700000000.123', 1_700_000_000_123],
    ['1700000000.5', 1_700_000_000_500],
    ['0001700000000', 1_700_000_000_000],
    ['-5', -5000],
    ['-0.25', -250],
    [253_402_300_799, 253_402_300_799_000],
    [-62_135_596_800, -62_135_596_800_000],
  ] as const)('%j', (input, ms) => {
    expect(Object.is(parse(input), ms)).toBe(true);
  });

  it('reads a 3-decimal float exactly, without binary error', () => {
    // 1700000000.123 * 1000 is 1700000000123.0002 in binary floating point.
    for (let ms = 1_700_000_000_000; ms < 1_700_000_001_000; ms++) expect(parse(ms / 1000)).toBe(ms);
  });

  it.each([
    [Number.NaN, 'malformed'],
    [Number.POSITIVE_INFINITY, 'malformed'],
    [Number.NEGATIVE_INFINITY, 'malformed'],
    [1_700_000_000_000, 'out_of_range'], // milliseconds sent as seconds: year ~55 800
    [253_402_300_800, 'out_of_range'],
    [-62_135_596_801, 'out_of_range'],
    [1e21, 'out_of_range'],
    [1_700_000_000.1234, 'too_precise'],
    [1e-7, 'too_precise'],
    ['1700000000.1234', 'too_precise'],
    ['1700000000000', 'out_of_range'],
    ['99999999999999999999999999', 'out_of_range'],
    ['1e9', 'malformed'],
    ['+1700000000', 'malformed'],
    ['1700000000.', 'malformed'],
    ['.5', 'malformed'],
    ['1700000000 ', 'malformed'],
    ['0x10', 'malformed'],
    ['-', 'malformed'],
    ['--5', 'malformed'],
    ['1_700_000_000', 'malformed'],
  ] as const)('refuses %j (%s)', (input, code) => {
    expect(refusal(input).code).toBe(code);
  });
});

describe('parseEventTimestamp: other inputs', () => {
  it('uses nowMs when the event has no timestamp', () => {
    expect(parse(undefined)).toBe(NOW);
    expect(() => parseEventTimestamp(undefined, Number.NaN)).toThrow(RangeError);
  });

  it('refuses other types', () => {
    for (const input of [null, true, {}, [], 1n]) expect(refusal(input).code).toBe('wrong_type');
  });

  it('quotes at most 40 characters of the input in its message', () => {
    const e = refusal(`x${'y'.repeat(60)}`);
    expect(e.message.length).toBeLessThan(80);
  });
});

describe('toIso', () => {
  it('prints UTC with milliseconds and parses back', () => {
    expect(toIso(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(toIso(1_710_074_096_789)).toBe('2024-03-10T12:34:56.789Z');
    expect(toIso(-1)).toBe('1969-12-31T23:59:59.999Z');
    expect(toIso(MIN_TIMESTAMP_MS)).toBe('0001-01-01T00:00:00.000Z');
    expect(toIso(MAX_TIMESTAMP_MS)).toBe('9999-12-31T23:59:59.999Z');
    for (const ms of [MIN_TIMESTAMP_MS, -1, 0, 1_710_074_096_789, MAX_TIMESTAMP_MS]) expect(parse(toIso(ms))).toBe(ms);
  });

  it('refuses non-integers and instants outside years 0001-9999', () => {
    expect(() => toIso(1.5)).toThrow(TimestampError);
    expect(() => toIso(Number.NaN)).toThrow(TimestampError);
    expect(() => toIso(MAX_TIMESTAMP_MS + 1)).toThrow(TimestampError);
    expect(() => toIso(MIN_TIMESTAMP_MS - 1)).toThrow(TimestampError);
  });
});

/**
 * Zod fields for the numbers a charge's properties carry. Each one turns the JSON value into a `Dec`
 * once, when the plan is created, so pricing never parses text on the hot path.
 *
 * Prices, fees, rates and free amounts must be decimal strings, as Lago requires
 * (lago-api `Validators::DecimalAmountService`: "we only accept amount that are in string to avoid
 * float bad parsing"). Counts and tier bounds may also be JSON integers, because Lago sends them
 * that way (`package_size: 100`, `from_value: 0`); a fractional JSON number is still refused, since
 * its binary float may not be the value the client meant.
 */
import * as z from 'zod';
import { type Dec, dec, isInteger, normalize, sign } from '../decimal';

/** Same bound as the API contract: at most 30 integer and 30 fraction digits, no exponent. */
const DECIMAL_TEXT = /^-?\d{1,30}(\.\d{1,30})?$/;

export type SignRule = 'any' | 'non_negative' | 'positive';

export interface NumberRule {
  sign: SignRule;
  /** Whole numbers only: package_size, free_units, free_units_per_events. */
  integer: boolean;
  /** JSON integers accepted besides decimal strings: counts and tier bounds, never prices. */
  jsonIntegers: boolean;
}

export const PRICE: NumberRule = { sign: 'non_negative', integer: false, jsonIntegers: false };
export const BOUND: NumberRule = { sign: 'non_negative', integer: false, jsonIntegers: true };
export const POSITIVE_COUNT: NumberRule = { sign: 'positive', integer: true, jsonIntegers: true };
export const NON_NEGATIVE_COUNT: NumberRule = { sign: 'non_negative', integer: true, jsonIntegers: true };

export type Checked = { ok: true; value: Dec } | { ok: false; code: string; message: string };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** Checks one JSON value against a rule; pure, so the same text explains the API error and the test. */
export function checkNumber(input: unknown, rule: NumberRule): Checked {
  if (input === undefined) return { ok: false, code: 'required', message: 'is required' };
  let value: Dec;
  if (typeof input === 'number') {
    if (!rule.jsonIntegers) {
      return {
        ok: false,
        code: 'not_a_string',
        message: `must be a decimal string such as "0.05", got the JSON number ${input} (a float must never become a price)`,
      };
    }
    if (!Number.isFinite(input) || !Number.isInteger(input)) {
      return {
        ok: false,
        code: rule.integer ? 'not_an_integer' : 'not_a_string',
        message: rule.integer
          ? `must be a whole number, got ${input}`
          : `must be a JSON integer or a decimal string, got ${input}: write fractional values as strings ("${input}")`,
      };
    }
    if (!Number.isSafeInteger(input)) {
      return { ok: false, code: 'not_a_string', message: `is too large for a JSON number (${input}); write it as a decimal string` };
    }
    value = dec(input);
  } else if (typeof input === 'string') {
    if (!DECIMAL_TEXT.test(input)) {
      return {
        ok: false,
        code: 'invalid_decimal',
        message: `must be a decimal string such as "12.5" (digits, an optional fraction, no exponent, at most 30 digits each side), got ${describe(input)}`,
      };
    }
    value = dec(input);
  } else {
    return { ok: false, code: 'invalid_type', message: `must be a decimal string, got ${describe(input)}` };
  }
  if (rule.integer && !isInteger(value)) return { ok: false, code: 'not_an_integer', message: `must be a whole number, got ${input}` };
  const s = sign(value);
  if (rule.sign === 'non_negative' && s < 0) return { ok: false, code: 'negative', message: `must not be negative, got ${input}` };
  if (rule.sign === 'positive' && s <= 0) return { ok: false, code: 'not_positive', message: `must be greater than 0, got ${input}` };
  // Canonical form (no trailing fraction zeros): "3.0" becomes 3, so a count's coefficient is the count.
  return { ok: true, value: normalize(value) };
}

type Ctx = { issues: unknown[] };

function fail(ctx: Ctx, input: unknown, code: string, message: string): never {
  // `params.code` carries our stable code through zod to `toPricingIssues`.
  ctx.issues.push({ code: 'custom', message, input, params: { code } });
  return z.NEVER as never;
}

/** A required number. Typed by its JSON input so `z.input` of a model schema documents the wire format. */
export function numberField(rule: NumberRule): z.ZodType<Dec, string | number> {
  return z.unknown().transform((input, ctx) => {
    const checked = checkNumber(input, rule);
    return checked.ok ? checked.value : fail(ctx, input, checked.code, checked.message);
  }) as unknown as z.ZodType<Dec, string | number>;
}

/** An optional number: absent or `null` both mean "not set" and parse to `null`. */
export function optionalNumberField(rule: NumberRule) {
  const field = z.unknown().transform((input, ctx) => {
    if (input === null || input === undefined) return null;
    const checked = checkNumber(input, rule);
    return checked.ok ? checked.value : fail(ctx, input, checked.code, checked.message);
  }) as unknown as z.ZodType<Dec | null, string | number | null>;
  return field.optional();
}

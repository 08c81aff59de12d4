import { z } from 'zod';

/** Largest amount the ledger stores: signed 64-bit minor units, with headroom so running totals cannot overflow. */
export const MAX_AMOUNT_MINOR = 10n ** 18n;

const INTEGER_TEXT = /^-?\d{1,19}$/;

function amountSchema(opts: { allowNegative: boolean; allowZero: boolean }) {
  const what = opts.allowNegative ? 'a non-zero integer' : opts.allowZero ? 'a non-negative integer' : 'a positive integer';
  return z
    .union([z.string(), z.number()], { error: `must be ${what} of minor units, as a string or a JSON integer` })
    .transform((v, ctx) => {
      if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v)) {
        // JSON numbers are read as doubles: past 2^53 - 1 the digits sent are already lost
        // (9007199254740993 arrives as 9007199254740992), so neither may be taken for the amount.
        ctx.addIssue({ code: 'custom', message: `must be ${what} of minor units; a JSON number beyond the exact integer range (±9007199254740991, 2^53 − 1) cannot be read exactly: send it as a decimal string such as "9007199254740993"` });
        return z.NEVER;
      }
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        ctx.addIssue({ code: 'custom', message: `must be ${what} of minor units; ${v} is not an integer (amounts are in the asset's minor unit, never a float)` });
        return z.NEVER;
      }
      if (typeof v === 'string' && !INTEGER_TEXT.test(v)) {
        ctx.addIssue({ code: 'custom', message: `must be ${what} of minor units written as digits, got ${JSON.stringify(v.slice(0, 30))}` });
        return z.NEVER;
      }
      const n = BigInt(v);
      if (n > MAX_AMOUNT_MINOR || n < -MAX_AMOUNT_MINOR) {
        ctx.addIssue({ code: 'custom', message: `is out of range (at most 10^18 minor units)` });
        return z.NEVER;
      }
      if ((!opts.allowNegative && n < 0n) || (!opts.allowZero && n === 0n)) {
        ctx.addIssue({ code: 'custom', message: `must be ${what} of minor units, got ${n}` });
        return z.NEVER;
      }
      return n;
    })
    .meta({ description: `${what[0]!.toUpperCase()}${what.slice(1)} of the asset's minor units: a string of digits (or a JSON integer).`, examples: ['5000'] });
}

export const PositiveAmount = amountSchema({ allowNegative: false, allowZero: false });
export const NonNegativeAmount = amountSchema({ allowNegative: false, allowZero: true });
export const SignedAmount = amountSchema({ allowNegative: true, allowZero: false });

/** Amounts in answers: always a string of an integer of minor units. */
export const AmountOut = z.string().regex(/^-?\d+$/).meta({ description: 'Integer minor units, as a string.', examples: ['5000'] });

export const DECIMAL_TEXT = /^-?\d{1,30}(\.\d{1,30})?$/;
/** Prices: decimal strings only, so no client float ever becomes a price (`"0.000002"`). */
export const DecimalString = z
  .string({ error: 'must be a decimal string such as "0.000002"' })
  .regex(DECIMAL_TEXT, { error: 'must be a decimal string such as "0.000002" (digits, optional fraction, no exponent)' });
export const NonNegativeDecimalString = DecimalString.refine((v) => !v.startsWith('-'), { error: 'must not be negative' });
/** Above zero: a rate or a quantity that must mean something. */
export const PositiveDecimalString = NonNegativeDecimalString.refine((v) => /[1-9]/.test(v), { error: 'must be above zero' });
/** A tax rate in percent: 0 to 100 (checked on the text, so no float is involved). */
export const TaxRate = NonNegativeDecimalString.refine((v) => /^0*(\d{1,2}|100)(\.\d*)?$/.test(v) && !/^0*100\.\d*[1-9]/.test(v), { error: 'must be a percentage from 0 to 100' });

/**
 * A JSON number the exact decimals can take: finite, and not written with an exponent beyond 30
 * (1e308 or 5e-324 would otherwise reach the decimal code and fail there, answered 500).
 */
export const decimalSafe = (n: number) => {
  const m = /e([+-]?\d+)$/i.exec(String(n));
  return !m || Math.abs(Number(m[1])) <= 30;
};
export const DECIMAL_SAFE_ERROR = 'is out of range: write very large or very small quantities as decimal strings';

/** Quantities: a decimal string or a JSON number (taken through its shortest decimal text). */
export const Quantity = z
  .union([DecimalString, z.number().finite().refine(decimalSafe, { error: DECIMAL_SAFE_ERROR })], { error: 'must be a number or a decimal string' })
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .refine((v) => /^\d+(\.\d+)?$/.test(v) || /^\d+(\.\d+)?e[+-]?\d+$/i.test(v), { error: 'must be a non-negative quantity' });

export const AssetCode = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,31}$/, { error: 'must be 2-32 characters: upper-case letters, digits and _ (for example USD, TOKENS, GPU_HOURS)' });
export const Code = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, { error: 'must be letters, digits, _ . : - (starting with a letter or digit)' });
export const ExternalId = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(255)
  .regex(/^[^\s/?#][^/?#]*$/, { error: 'must not contain / ? # or start with a space' });
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .meta({
    description:
      'Makes a retry safe: the same key with the same request answers the original result (a creation answers 200 instead of 201) and writes nothing again, even if the first answer was lost; the same key with a different request is a 409 `idempotency_conflict`. Keys are scoped to the customer (or, for captures, increments, refunds and chargebacks, to the object), and kept for good.',
  });
export const Metadata = z.record(z.string().max(100), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).refine((m) => Object.keys(m).length <= 50, {
  error: 'at most 50 keys',
});
/** How deep event properties may nest (objects and arrays): deeper JSON would overflow the stack when it is stored. */
export const MAX_PROPERTIES_DEPTH = 32;

/** The depth of nested objects and arrays in a JSON value, counted without recursion (stops past `limit`). */
export function jsonDepth(value: unknown, limit = MAX_PROPERTIES_DEPTH): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Object.values(v as object)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return max;
}

/** Free-form properties (events, holds, quotes): any JSON object, nested at most MAX_PROPERTIES_DEPTH levels. */
export const Properties = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  if (jsonDepth(v) > MAX_PROPERTIES_DEPTH) ctx.addIssue({ code: 'custom', message: `nests deeper than ${MAX_PROPERTIES_DEPTH} levels of objects and arrays` });
});

export const Timestamp = z.union([z.string().max(64), z.number()], { error: 'must be an ISO 8601 date-time with an offset, or Unix seconds' });
export const IsoTime = z.string().meta({ description: 'ISO 8601 instant in UTC.', examples: ['2026-11-26T12:00:00.000Z'] });

export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(500).optional().meta({ description: 'Page size, 1-500 (default 50).' }),
  cursor: z.string().max(200).optional().meta({ description: 'The `next_cursor` of the previous page.' }),
};

export function page<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    next_cursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  });
}

export const Empty = z.strictObject({});

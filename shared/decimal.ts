/**
 * Exact decimal arithmetic on BigInt. No binary float ever touches a price, a quantity or an amount.
 *
 * A `Dec` is `c / 10^s`: an integer coefficient and a non-negative scale. Operations are exact
 * except `div` and `round`, which take an explicit scale and rounding mode, so every place that
 * loses precision says so in its code.
 *
 * Plain objects rather than a class: the engine prices tens of thousands of events a second and
 * these values cross threads and IPC without a prototype to restore.
 */
export interface Dec {
  readonly c: bigint;
  readonly s: number;
}

/**
 * - `half_up`: half away from zero (1.5 -> 2, -1.5 -> -2). The money rounding of Tollgate.
 * - `half_even`: banker's rounding.
 * - `floor` / `ceil`: toward -infinity / +infinity.
 * - `down` / `up`: toward zero / away from zero.
 */
export type RoundingMode = 'half_up' | 'half_even' | 'floor' | 'ceil' | 'down' | 'up';

export class DecimalError extends Error {
  override name = 'DecimalError';
}

const POW10: bigint[] = [];
export function pow10(n: number): bigint {
  if (n < 0 || !Number.isInteger(n)) throw new DecimalError(`invalid power of ten: ${n}`);
  if (n < 64) {
    let v = POW10[n];
    if (v === undefined) {
      v = 10n ** BigInt(n);
      POW10[n] = v;
    }
    return v;
  }
  return 10n ** BigInt(n);
}

export const ZERO: Dec = Object.freeze({ c: 0n, s: 0 });
export const ONE: Dec = Object.freeze({ c: 1n, s: 0 });

/** Longest exponent accepted from text; keeps `1e999999999` from allocating a huge BigInt. */
const MAX_EXPONENT = 64;
const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;
/** Plain decimal notation only: what the API accepts for prices and amounts. */
export const PLAIN_DECIMAL_RE = /^-?\d+(\.\d+)?$/;

/** Parses a decimal string (exponent allowed), a finite JS number (via its shortest round-trip text) or a BigInt. */
export function dec(x: string | number | bigint | Dec): Dec {
  if (typeof x === 'bigint') return { c: x, s: 0 };
  if (typeof x === 'object') return x;
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new DecimalError(`not a finite number: ${x}`);
    if (Number.isSafeInteger(x)) return { c: BigInt(x), s: 0 };
    return parse(String(x));
  }
  return parse(x);
}

function parse(text: string): Dec {
  const m = DECIMAL_RE.exec(text);
  if (!m) throw new DecimalError(`not a decimal number: ${JSON.stringify(text.length > 40 ? text.slice(0, 40) + '…' : text)}`);
  const [, sign, int, frac = '', expText] = m;
  const exp = expText === undefined ? 0 : Number(expText);
  if (Math.abs(exp) > MAX_EXPONENT) throw new DecimalError(`exponent out of range: ${text}`);
  let c = BigInt(int! + frac);
  if (sign === '-') c = -c;
  let s = frac.length - exp;
  if (s < 0) {
    c *= pow10(-s);
    s = 0;
  }
  return { c, s };
}

export function isDecimalText(text: string): boolean {
  return DECIMAL_RE.test(text);
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  if (a.s === b.s) return [a.c, b.c, a.s];
  if (a.s > b.s) return [a.c, b.c * pow10(a.s - b.s), a.s];
  return [a.c * pow10(b.s - a.s), b.c, b.s];
}

export function add(a: Dec, b: Dec): Dec {
  if (b.c === 0n) return a;
  if (a.c === 0n) return b;
  const [x, y, s] = align(a, b);
  return { c: x + y, s };
}

export function sub(a: Dec, b: Dec): Dec {
  if (b.c === 0n) return a;
  const [x, y, s] = align(a, b);
  return { c: x - y, s };
}

export function mul(a: Dec, b: Dec): Dec {
  return normalize({ c: a.c * b.c, s: a.s + b.s });
}

export function neg(a: Dec): Dec {
  return { c: -a.c, s: a.s };
}

export function abs(a: Dec): Dec {
  return a.c < 0n ? { c: -a.c, s: a.s } : a;
}

export function cmp(a: Dec, b: Dec): -1 | 0 | 1 {
  const [x, y] = align(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const eq = (a: Dec, b: Dec): boolean => cmp(a, b) === 0;
export const lt = (a: Dec, b: Dec): boolean => cmp(a, b) < 0;
export const lte = (a: Dec, b: Dec): boolean => cmp(a, b) <= 0;
export const gt = (a: Dec, b: Dec): boolean => cmp(a, b) > 0;
export const gte = (a: Dec, b: Dec): boolean => cmp(a, b) >= 0;
export const isZero = (a: Dec): boolean => a.c === 0n;
export const sign = (a: Dec): -1 | 0 | 1 => (a.c < 0n ? -1 : a.c > 0n ? 1 : 0);
export const min = (a: Dec, b: Dec): Dec => (cmp(a, b) <= 0 ? a : b);
export const max = (a: Dec, b: Dec): Dec => (cmp(a, b) >= 0 ? a : b);

/** Drops trailing zeros of the fraction, so equal values have equal representations. */
export function normalize(a: Dec): Dec {
  if (a.s === 0) return a;
  if (a.c === 0n) return ZERO;
  let { c, s } = a;
  while (s > 0 && c % 10n === 0n) {
    c /= 10n;
    s--;
  }
  return c === a.c ? a : { c, s };
}

/** Divides an integer `n` by a positive `d`, rounding the quotient by `mode`. */
export function roundQuotient(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d <= 0n) throw new DecimalError('division by zero or by a negative divisor');
  const q = n / d; // truncates toward zero
  const r = n % d;
  if (r === 0n) return q;
  const negative = n < 0n;
  const awayFromZero = negative ? q - 1n : q + 1n;
  switch (mode) {
    case 'down':
      return q;
    case 'up':
      return awayFromZero;
    case 'floor':
      return negative ? q - 1n : q;
    case 'ceil':
      return negative ? q : q + 1n;
    case 'half_up':
    case 'half_even': {
      const twice = (r < 0n ? -r : r) * 2n;
      if (twice > d) return awayFromZero;
      if (twice < d) return q;
      if (mode === 'half_up') return awayFromZero;
      return q % 2n === 0n ? q : awayFromZero;
    }
  }
}

/** Rounds to `scale` decimal places. The result has exactly that scale. */
export function round(a: Dec, scale: number, mode: RoundingMode = 'half_up'): Dec {
  if (a.s === scale) return a;
  if (a.s < scale) return { c: a.c * pow10(scale - a.s), s: scale };
  return { c: roundQuotient(a.c, pow10(a.s - scale), mode), s: scale };
}

/** `a / b` rounded to `scale` decimal places. */
export function div(a: Dec, b: Dec, scale: number, mode: RoundingMode = 'half_up'): Dec {
  if (b.c === 0n) throw new DecimalError('division by zero');
  // a/b = (a.c / 10^a.s) / (b.c / 10^b.s); scaled by 10^scale:
  let n = a.c * pow10(scale + b.s);
  let d = b.c * pow10(a.s);
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  return { c: roundQuotient(n, d, mode), s: scale };
}

/** The integer count of minor units of `a` in an asset of `scale` decimals, rounded by `mode`. */
export function toMinor(a: Dec, scale: number, mode: RoundingMode = 'half_up'): bigint {
  return round(a, scale, mode).c;
}

export function fromMinor(minor: bigint, scale: number): Dec {
  return normalize({ c: minor, s: scale });
}

/** Canonical text: no exponent, no trailing fraction zeros, `-` only for negative values. */
export function toText(a: Dec): string {
  const n = normalize(a);
  return fixed(n.c, n.s);
}

/** Text with exactly `scale` decimals, rounded half up. */
export function toFixedText(a: Dec, scale: number, mode: RoundingMode = 'half_up'): string {
  return fixed(round(a, scale, mode).c, scale);
}

function fixed(c: bigint, s: number): string {
  const negative = c < 0n;
  let digits = (negative ? -c : c).toString();
  if (s > 0) {
    if (digits.length <= s) digits = '0'.repeat(s - digits.length + 1) + digits;
    digits = digits.slice(0, digits.length - s) + '.' + digits.slice(digits.length - s);
  }
  return negative ? '-' + digits : digits;
}

/** Sum of a list; the empty sum is zero. */
export function sum(values: Iterable<Dec>): Dec {
  let total = ZERO;
  for (const v of values) total = add(total, v);
  return total;
}

export function isInteger(a: Dec): boolean {
  return normalize(a).s === 0;
}

/**
 * Numbers that remember where they came from.
 *
 * Every quantity in the TCO model is a `Traced`: an exact decimal, or `null` when it depends on an
 * input nobody knows (a price that is not published), together with the ids of the inputs and preset
 * lines it was computed from. Unknowns propagate instead of becoming zeros, so a total that depends on
 * an unpublished price says so and names the price.
 */
import { add, cmp, dec, div, mul, sub, toText, ZERO, type Dec } from '../decimal';

/** Decimal places kept by the few divisions the model needs (30 / 7 days and the like). */
export const DIV_SCALE = 12;

/**
 * Input ids as a lazy tree: combining two values just pairs their trails, and the tree is flattened
 * only when a figure is shown. The break-even search evaluates costs thousands of times and never
 * looks at most of those trails.
 */
export type Trail = string | readonly Trail[];

export interface Traced {
  readonly v: Dec | null;
  readonly from: Trail;
  /** The unknown inputs that made `v` null; null whenever `v` is known. */
  readonly unknown: Trail | null;
}

/** Flattens a trail into sorted, distinct ids. */
export function ids(trail: Trail | null): string[] {
  const set = new Set<string>();
  const walk = (t: Trail): void => {
    if (typeof t === 'string') set.add(t);
    else for (const x of t) walk(x);
  };
  if (trail !== null) walk(trail);
  return [...set].sort();
}

export type Unit =
  | 'usd'
  | 'usd_per_month'
  | 'usd_per_customer_month'
  | 'percent'
  | 'count'
  | 'count_per_month'
  | 'days'
  | 'hours'
  | 'hours_per_month';

/** What the UI renders: a value as canonical decimal text, or null with the reason. */
export interface Figure {
  readonly id: string;
  readonly label: string;
  readonly unit: Unit;
  /** Exact decimal text (divisions rounded half up to `DIV_SCALE` places); null when unknown or undefined. */
  readonly value: string | null;
  /** Sorted ids of the scenario inputs, preset lines and feature cells this figure was computed from. */
  readonly from: readonly string[];
  /** The unknown (`value: null`) inputs that make this figure unknown. */
  readonly unknownBecause: readonly string[];
  /** Set when the value is null for a reason other than an unknown input, e.g. a share of zero revenue. */
  readonly undefinedBecause?: string;
}

const NONE: Trail = [];

function unknownOf(v: Dec | null, ...xs: Traced[]): Trail | null {
  if (v !== null) return null;
  const parts = xs.flatMap((x) => (x.unknown === null ? [] : [x.unknown]));
  return parts.length === 1 ? parts[0]! : parts;
}

export function known(v: Dec, from: readonly string[] = []): Traced {
  return { v, from: from.length === 0 ? NONE : from, unknown: null };
}

/** An input or preset line: `null` is an explicit unknown, never a zero. */
export function input(id: string, value: string | null): Traced {
  return value === null ? { v: null, from: id, unknown: id } : { v: dec(value), from: id, unknown: null };
}

export function isKnownZero(t: Traced): boolean {
  return t.v !== null && t.v.c === 0n;
}

export function plus(...xs: Traced[]): Traced {
  let v: Dec | null = ZERO;
  for (const x of xs) v = v === null || x.v === null ? null : add(v, x.v);
  return { v, from: xs.map((x) => x.from), unknown: unknownOf(v, ...xs) };
}

export function minus(a: Traced, b: Traced): Traced {
  const v = a.v === null || b.v === null ? null : sub(a.v, b.v);
  return { v, from: [a.from, b.from], unknown: unknownOf(v, a, b) };
}

/** Zero times an unknown is a known zero: an unpublished price on zero billable units costs nothing. */
export function times(a: Traced, b: Traced): Traced {
  const from = [a.from, b.from];
  if (isKnownZero(a) || isKnownZero(b)) return { v: ZERO, from, unknown: null };
  const v = a.v === null || b.v === null ? null : mul(a.v, b.v);
  return { v, from, unknown: unknownOf(v, a, b) };
}

/** `a / b`, rounded half up to `DIV_SCALE` places. Callers rule out a zero divisor first. */
export function over(a: Traced, b: Traced, scale = DIV_SCALE): Traced {
  const from = [a.from, b.from];
  if (b.v !== null && b.v.c === 0n) throw new RangeError(`division by zero (${ids(from).join(', ')})`);
  if (isKnownZero(a)) return { v: ZERO, from, unknown: null };
  const v = a.v === null || b.v === null ? null : div(a.v, b.v, scale);
  return { v, from, unknown: unknownOf(v, a, b) };
}

export function atLeastZero(a: Traced): Traced {
  return a.v === null || cmp(a.v, ZERO) >= 0 ? a : { ...a, v: ZERO };
}

const HUNDREDTH = dec('0.01');

/** `amount × percent / 100`, exact (multiplying by 0.01 never rounds). */
export function percentOf(amount: Traced, percent: Traced): Traced {
  return times(times(amount, percent), known(HUNDREDTH));
}

export function text(t: Traced): string | null {
  return t.v === null ? null : toText(t.v);
}

export function figure(id: string, label: string, unit: Unit, t: Traced, undefinedBecause?: string): Figure {
  if (undefinedBecause !== undefined) return { id, label, unit, value: null, from: ids(t.from), unknownBecause: [], undefinedBecause };
  return { id, label, unit, value: text(t), from: ids(t.from), unknownBecause: ids(t.unknown) };
}

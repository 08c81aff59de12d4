/**
 * Break-even between two options: the smallest customer count at which the option that was not
 * cheaper becomes strictly cheaper over the horizon.
 *
 * Exact, not sampled: between consecutive kinks (counts where a free allowance runs out) the cost
 * difference is linear, so on each stretch the counts where the order is flipped form a tail, found
 * by binary search. Stretches are scanned in order, so the first flip found is the smallest.
 */
import { sign } from '../decimal';
import { costKinks, horizonCostAt, type ModelContext } from './cost';
import { MAX_CUSTOMERS } from './inputs';
import type { BillingOption } from './presets';
import { ids, minus, type Traced } from './traced';

/** The search stops here and reports "never" beyond it; the form's own limit on customers. */
export const BREAK_EVEN_MAX_CUSTOMERS = MAX_CUSTOMERS;

export interface BreakEven {
  readonly id: string;
  readonly a: string;
  readonly b: string;
  /**
   * - `found`: at `customers` the order flips.
   * - `never`: no flip up to `maxCustomers`.
   * - `unknown`: no flip up to `searchedUpTo`, beyond which a cost depends on an unknown input.
   */
  readonly status: 'found' | 'never' | 'unknown';
  /** Smallest customer count at which `cheaperFrom` is strictly cheaper; null unless found. */
  readonly customers: number | null;
  /** The cheaper option at zero customers, or 'equal'; null when unknown even there. */
  readonly cheaperAtZero: string | null;
  /** The option strictly cheaper from `customers` on; null unless found. */
  readonly cheaperFrom: string | null;
  /** Largest customer count at which both costs were known and compared. */
  readonly searchedUpTo: number;
  readonly maxCustomers: number;
  readonly from: readonly string[];
  readonly unknownBecause: readonly string[];
}

export const breakEvenId = (a: string, b: string): string => `breakEven.${a}~${b}`;

/** cost(a) − cost(b) over the horizon at `n` customers, with its trace. */
function difference(ctx: ModelContext, a: BillingOption, b: BillingOption, n: number): Traced {
  return minus(horizonCostAt(ctx, a, n), horizonCostAt(ctx, b, n));
}

export function findBreakEven(ctx: ModelContext, a: BillingOption, b: BillingOption, maxCustomers = BREAK_EVEN_MAX_CUSTOMERS): BreakEven {
  const at0 = difference(ctx, a, b, 0);
  const s0 = at0.v === null ? null : sign(at0.v);
  const cheaperAtZero = s0 === null ? null : s0 < 0 ? a.id : s0 > 0 ? b.id : 'equal';
  const done = (status: BreakEven['status'], d: Traced, searchedUpTo: number, customers: number | null = null): BreakEven => ({
    id: breakEvenId(a.id, b.id),
    a: a.id,
    b: b.id,
    status,
    customers,
    cheaperAtZero,
    cheaperFrom: customers === null || d.v === null ? null : sign(d.v) < 0 ? a.id : b.id,
    searchedUpTo,
    maxCustomers,
    from: ids(d.from),
    unknownBecause: ids(d.unknown),
  });
  if (s0 === null) return done('unknown', at0, -1);
  // Starting from a tie, the first strict order is the break-even; otherwise the strict reverse.
  const flipped = (d: Traced): boolean => d.v !== null && (s0 === 0 ? sign(d.v) !== 0 : sign(d.v) === -s0);

  const kinks = [...new Set([...costKinks(ctx, a), ...costKinks(ctx, b)])]
    .filter((k) => k >= 0n && k < BigInt(maxCustomers))
    .sort((x, y) => (x < y ? -1 : 1))
    .map(Number);
  // Stretches [0, k1], (k1, k2], ..., (kn, max]; each lies within one linear piece of the difference.
  let lo = 0;
  let last = at0;
  let searchedUpTo = 0;
  for (const hi of [...kinks, maxCustomers]) {
    if (lo > hi) continue;
    const dLo = difference(ctx, a, b, lo);
    // Known at the start of a stretch means known across it: unknowns switch on only at a kink.
    if (dLo.v === null) return done('unknown', dLo, searchedUpTo);
    if (flipped(dLo)) return done('found', dLo, lo, lo);
    const dHi = difference(ctx, a, b, hi);
    // Not expected (see costKinks); stay honest rather than guess inside the stretch.
    if (dHi.v === null) return done('unknown', dHi, lo);
    if (flipped(dHi)) {
      let good = hi; // flipped
      let bad = lo; // not flipped
      while (good - bad > 1) {
        const mid = bad + Math.floor((good - bad) / 2);
        if (flipped(difference(ctx, a, b, mid))) good = mid;
        else bad = mid;
      }
      return done('found', difference(ctx, a, b, good), good, good);
    }
    last = dHi;
    searchedUpTo = hi;
    lo = hi + 1;
  }
  return done('never', last, searchedUpTo);
}

/** Break-even for every pair of options, in the order given. */
export function breakEvens(ctx: ModelContext, options: readonly BillingOption[], maxCustomers = BREAK_EVEN_MAX_CUSTOMERS): BreakEven[] {
  const out: BreakEven[] = [];
  for (let i = 0; i < options.length; i++) {
    for (let j = i + 1; j < options.length; j++) out.push(findBreakEven(ctx, options[i]!, options[j]!, maxCustomers));
  }
  return out;
}

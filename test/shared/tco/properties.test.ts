import { describe, expect, it } from 'vitest';
import { cmp, sign, sub } from '../../../shared/decimal';
import { findBreakEven, horizonCostAt, optionCostAt, type ModelContext, type TcoInput } from '../../../shared/tco';
import { int, prng, randomInput } from './random';

const SCENARIOS = 60;
const ctxOf = (inp: TcoInput): ModelContext => ({ scenario: inp.scenario, features: inp.features });

describe('properties over random scenarios (seeded)', () => {
  it('cost never falls as customers grow', () => {
    const rng = prng(20261126);
    for (let i = 0; i < SCENARIOS; i++) {
      const inp = randomInput(rng);
      const ctx = ctxOf(inp);
      const counts = [0, 1, 9, 10, 11, 999, 1000, 1001, 1250, 12_500, ...Array.from({ length: 30 }, () => int(rng, 0, 3_000_000))].sort((a, b) => a - b);
      for (const o of inp.options) {
        let prev: ReturnType<typeof optionCostAt> | null = null;
        let unknownFrom: number | null = null;
        for (const n of counts) {
          const c = optionCostAt(ctx, o, n);
          // Unknowns switch on past a threshold and stay on: more customers never make a cost known again.
          if (unknownFrom !== null) expect(c.monthly.v, `${o.id} at ${n}, unknown from ${unknownFrom}`).toBeNull();
          if (c.monthly.v === null) {
            unknownFrom ??= n;
            continue;
          }
          if (prev !== null) {
            expect(cmp(c.monthly.v, prev.monthly.v!), `${o.id} monthly at ${n}`).toBeGreaterThanOrEqual(0);
            expect(cmp(c.horizon.v!, prev.horizon.v!), `${o.id} horizon at ${n}`).toBeGreaterThanOrEqual(0);
          }
          prev = c;
        }
      }
    }
  });

  it('finds the break-even to the customer: the order flips exactly there and nowhere before (brute force)', () => {
    const rng = prng(42);
    const MAX = 1500;
    let found = 0;
    for (let i = 0; i < 25; i++) {
      const inp = randomInput(rng);
      const ctx = ctxOf(inp);
      // Every option's cost at every count up to MAX, computed once.
      const costs = new Map(inp.options.map((o) => [o.id, Array.from({ length: MAX + 1 }, (_, n) => horizonCostAt(ctx, o, n).v)]));
      for (let a = 0; a < inp.options.length; a++) {
        for (let b = a + 1; b < inp.options.length; b++) {
          const [oa, ob] = [inp.options[a]!, inp.options[b]!];
          const be = findBreakEven(ctx, oa, ob, MAX);
          const ca = costs.get(oa.id)!;
          const cb = costs.get(ob.id)!;
          const s = (n: number): -1 | 0 | 1 | null => (ca[n] === null || cb[n] === null ? null : sign(sub(ca[n]!, cb[n]!)));
          // Brute force: the first count whose order is the reverse of the order at zero (or, from a tie, any strict order).
          const s0 = s(0);
          let expected: { status: string; customers: number | null; searchedUpTo?: number } = { status: 'never', customers: null };
          if (s0 === null) expected = { status: 'unknown', customers: null };
          else {
            for (let n = 1; n <= MAX; n++) {
              const sn = s(n);
              if (sn === null) {
                expected = { status: 'unknown', customers: null, searchedUpTo: n - 1 };
                break;
              }
              if (s0 === 0 ? sn !== 0 : sn === -s0) {
                expected = { status: 'found', customers: n };
                break;
              }
            }
          }

          expect({ status: be.status, customers: be.customers }, `${oa.id} vs ${ob.id} in scenario ${i}`).toEqual({ status: expected.status, customers: expected.customers });
          if (expected.searchedUpTo !== undefined) expect(be.searchedUpTo).toBe(expected.searchedUpTo);
          if (be.status === 'found') {
            found++;
            const n = be.customers!;
            const before = s(n - 1)!;
            const at = s(n)!;
            expect(at).not.toBe(0);
            expect(be.cheaperFrom).toBe(at < 0 ? oa.id : ob.id);
            expect(s0 === 0 ? before === 0 : before !== -s0!).toBe(true);
          }
        }
      }
    }
    // The generator is tuned so that a good share of pairs actually cross inside the window.
    expect(found).toBeGreaterThan(20);
  });

  it('finds break-evens far out (to 100,000,000 customers) with the same guarantee at the boundary', () => {
    const rng = prng(99);
    let checked = 0;
    for (let i = 0; i < SCENARIOS; i++) {
      const inp = randomInput(rng);
      const ctx = ctxOf(inp);
      for (let a = 0; a < inp.options.length; a++) {
        for (let b = a + 1; b < inp.options.length; b++) {
          const [oa, ob] = [inp.options[a]!, inp.options[b]!];
          const be = findBreakEven(ctx, oa, ob);
          if (be.status !== 'found') continue;
          const d = (n: number) => sign(sub(horizonCostAt(ctx, oa, n).v!, horizonCostAt(ctx, ob, n).v!));
          const s0 = d(0);
          const n = be.customers!;
          if (s0 === 0) {
            expect(d(n)).not.toBe(0);
            expect(d(n - 1)).toBe(0);
          } else {
            expect(d(n)).toBe(-s0);
            expect(d(n - 1)).not.toBe(-s0);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

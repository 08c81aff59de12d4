/**
 * A charge's breakdown in money adds up to its line: the line is the exact total rounded once, and
 * its parts (tiers, flat fees, free units) are allocated from it by cumulative rounding
 * (shared/pricing/allocate.ts). The reviewer's example, then a property check over random tiers,
 * prices, flat fees and quantities across models.
 */
import { describe, expect, it } from 'vitest';
import { type Dec, dec, sub, toMinor } from '../../../shared/decimal';
import { allocateMinor, priceCharge, roundToMinor } from '../../../shared/pricing';
import { charge, usageOf } from './helpers';

const abs = (x: bigint) => (x < 0n ? -x : x);

describe('tier parts add up to their line', () => {
  it('graduated 0–10 at 0.0015, 11+ at 0.0025, 12 units: tiers 0.02 + 0.00 under a 0.02 line', () => {
    const spec = charge('graduated', {
      graduated_ranges: [
        { from_value: 0, to_value: 10, per_unit_amount: '0.0015', flat_amount: '0' },
        { from_value: 11, to_value: null, per_unit_amount: '0.0025', flat_amount: '0' },
      ],
    });
    const priced = priceCharge(spec, usageOf('12'));
    const parts = priced.lines.map((l) => l.amount);
    // Exact 0.015 + 0.005 = 0.02. Rounded each on its own they were 2 + 1 = 3 cents under a 2-cent line.
    expect(parts.map((p) => toMinor(p, 2))).toEqual([2n, 1n]);
    const line = roundToMinor(priced.amount, 2);
    expect(line).toBe(2n);
    // Cumulative: round(0.015) = 2, round(0.020) - 2 = 0.
    expect(allocateMinor(parts, line, 2)).toEqual([2n, 0n]);
  });

  it('cumulative rounding, by hand', () => {
    // 0.004 + 0.004 + 0.004 = 0.012 -> 1 cent: round(0.004)=0, round(0.008)=1, round(0.012)=1.
    expect(allocateMinor([dec('0.004'), dec('0.004'), dec('0.004')], 1n, 2)).toEqual([0n, 1n, 0n]);
    // Negative parts (credits) round half away from zero as the line does.
    expect(allocateMinor([dec('-0.005'), dec('-0.005')], -1n, 2)).toEqual([-1n, 0n]);
    expect(allocateMinor([], 0n, 2)).toEqual([]);
  });

  it('over many random tiers and quantities, the parts always sum to the line and each is within a minor unit of its exact amount', () => {
    let seed = 20261127;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const price = () => `0.${String(rand(100000)).padStart(5, '0')}`;
    let checked = 0;
    for (let round = 0; round < 400; round++) {
      const model = rand(2) === 0 ? 'graduated' : 'volume';
      const tiers: { from_value: number; to_value: number | null; per_unit_amount: string; flat_amount: string }[] = [];
      let from = 0;
      const n = 1 + rand(5);
      for (let i = 0; i < n; i++) {
        const to = i === n - 1 ? null : from + 1 + rand(50);
        tiers.push({ from_value: from, to_value: to, per_unit_amount: price(), flat_amount: rand(3) === 0 ? price() : '0' });
        if (to !== null) from = to + 1;
      }
      const spec = charge(model, model === 'graduated' ? { graduated_ranges: tiers } : { volume_ranges: tiers });
      for (let q = 0; q < 5; q++) {
        const units = String(rand(400)) + (rand(3) === 0 ? `.${rand(1000)}` : '');
        const priced = priceCharge(spec, usageOf(units));
        const parts: Dec[] = priced.lines.map((l) => l.amount);
        for (const scale of [0, 2, 3]) {
          const line = roundToMinor(priced.amount, scale);
          const allocated = allocateMinor(parts, line, scale);
          expect(allocated.reduce((a, b) => a + b, 0n)).toBe(line);
          for (const [i, p] of parts.entries()) {
            // |allocated - exact| < 1 minor unit
            const diff = sub({ c: allocated[i]!, s: scale }, p);
            expect(abs(toMinor(diff, scale + 6)) < 1_000_000n, `${model} ${JSON.stringify(tiers)} × ${units} at scale ${scale}: part ${i}`).toBe(true);
          }
          checked++;
        }
      }
    }
    expect(checked).toBe(400 * 5 * 3);
  });
});

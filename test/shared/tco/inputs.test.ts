import { describe, expect, it } from 'vitest';
import { computeTco, DEFAULT_SCENARIO, loadPublishedExample, SCENARIO_FIELDS, TcoInputError, validateOptions, validateScenario, withLineValue } from '../../../shared/tco';

describe('scenario validation', () => {
  it('gives every field a labelled default inside its own range', () => {
    const v = validateScenario(DEFAULT_SCENARIO);
    expect(v.ok).toBe(true);
    for (const f of SCENARIO_FIELDS) {
      expect(['published', 'anecdote', 'assumption']).toContain(f.default.kind);
      expect(f.default.source.length).toBeGreaterThan(0);
    }
  });

  it('fills missing fields with their defaults and normalizes numbers to decimal text', () => {
    const v = validateScenario({ customers: '250', avgMonthlySpend: 12.5, pspFixed: '0.30' });
    expect(v).toEqual({ ok: true, scenario: { ...DEFAULT_SCENARIO, customers: 250, avgMonthlySpend: '12.5', pspFixed: '0.3' } });
  });

  it('reports each bad field with its id, for the form', () => {
    const v = validateScenario({
      customers: -1,
      seats: '2.5',
      horizonMonths: 121,
      billingCycle: 'fortnightly',
      avgMonthlySpend: 'abc',
      topUpsPerCustomerPerMonth: '0',
      pspPercent: '21',
    });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    const byField = Object.fromEntries(v.errors.map((e) => [e.field, e.message]));
    expect(Object.keys(byField).sort()).toEqual(['avgMonthlySpend', 'billingCycle', 'customers', 'horizonMonths', 'pspPercent', 'seats', 'topUpsPerCustomerPerMonth']);
    expect(byField.customers).toMatch(/at least 0/);
    expect(byField.seats).toMatch(/whole number/);
    expect(byField.horizonMonths).toMatch(/at most 120/);
    expect(byField.topUpsPerCustomerPerMonth).toMatch(/more than 0/);
    expect(v.errors.find((e) => e.field === 'customers')!.id).toBe('scenario.customers');
  });

  it('refuses to compute on invalid input rather than guess', () => {
    const inp = loadPublishedExample();
    expect(() => computeTco({ ...inp, scenario: { ...inp.scenario, horizonMonths: 0 } })).toThrow(TcoInputError);
    expect(() => computeTco({ ...inp, options: withLineValue(inp.options, 'credyt.walletPrice', '-1') })).toThrow(/credyt.walletPrice/);
  });

  it('accepts unknown preset values but not malformed ones', () => {
    const options = loadPublishedExample().options;
    expect(validateOptions(withLineValue(options, 'tollgate.host', null))).toEqual([]);
    expect(validateOptions(withLineValue(options, 'tollgate.host', '1e3'))).toEqual([{ id: 'tollgate.host', message: 'must be a non-negative decimal or unknown' }]);
  });

  it('makes every preset line say where it came from', () => {
    for (const o of loadPublishedExample().options) {
      for (const l of o.lines) {
        expect(['published', 'anecdote', 'assumption']).toContain(l.kind);
        expect(l.source.length).toBeGreaterThan(0);
        expect(l.date).toMatch(/^\d{4}-\d{2}(-\d{2})?$/);
      }
    }
  });
});

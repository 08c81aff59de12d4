import { expect } from 'vitest';
import { type Dec, add, dec, mul, toText, ZERO } from '../../../shared/decimal';
import {
  type ChargeSpec,
  type ChargeUsage,
  type PriceResult,
  type PricingIssue,
  addEvent,
  chargeAmount,
  emptyUsage,
  parseChargeSpec,
  priceCharge,
  withUnits,
} from '../../../shared/pricing';

/** Parses a charge that must be valid; the errors become the failure message otherwise. */
export function charge(model: string, properties: unknown, allowance?: unknown, rounding?: unknown): ChargeSpec {
  const parsed = parseChargeSpec(model, properties, allowance, rounding);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('\n'));
  return parsed.spec;
}

export function errorsOf(model: string, properties: unknown, allowance?: unknown, rounding?: unknown): PricingIssue[] {
  const parsed = parseChargeSpec(model, properties, allowance, rounding);
  if (parsed.ok) throw new Error(`expected ${model} ${JSON.stringify(properties)} to be refused`);
  return parsed.errors;
}

/** Usage with `units` aggregated (as non-additive metrics set it) and one event. */
export function usageOf(units: string, events = 1): ChargeUsage {
  return withUnits({ ...emptyUsage(), events }, dec(units));
}

/** Prices `units` and checks the invoice lines add up; returns the exact amount as text. */
export function amountAt(spec: ChargeSpec, units: string): string {
  const result = priceCharge(spec, usageOf(units));
  expectLinesAddUp(result);
  expect(toText(chargeAmount(spec, usageOf(units)))).toBe(toText(result.amount));
  return toText(result.amount);
}

/** Feeds events one by one (event-time order) and returns the usage and the amount after each. */
export function feed(spec: ChargeSpec, values: readonly string[], usage: ChargeUsage = emptyUsage()): { usage: ChargeUsage; amounts: string[] } {
  const amounts: string[] = [];
  for (const value of values) {
    usage = addEvent(spec, usage, { units: dec(value) });
    const result = priceCharge(spec, usage);
    expectLinesAddUp(result);
    amounts.push(toText(result.amount));
  }
  return { usage, amounts };
}

/** Every line shows its arithmetic, and the lines sum to the charge's amount. */
export function expectLinesAddUp(result: PriceResult): void {
  let total: Dec = ZERO;
  for (const line of result.lines) {
    if (line.unitPrice !== null) {
      expect(toText(line.amount), `line ${line.label}`).toBe(toText(add(mul(line.units, line.unitPrice), line.flatFee)));
    }
    total = add(total, line.amount);
  }
  expect(toText(total)).toBe(toText(result.amount));
}

/** Deterministic integers in [0, bound): tests stay reproducible without floats near prices. */
export function integers(seed: number, count: number, bound: number): number[] {
  const out: number[] = [];
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out.push(state % bound);
  }
  return out;
}

import { describe, expect, it } from 'vitest';
import { dec, toText } from '../../../shared/decimal';
import { addEvent, emptyUsage, priceCharge, roundToMinor } from '../../../shared/pricing';
import { amountAt, charge, expectLinesAddUp, usageOf } from './helpers';

describe('standard', () => {
  const spec = charge('standard', { unit_price: '0.05' });

  it.each([
    ['0', '0'],
    ['1', '0.05'],
    ['0.5', '0.025'],
    ['1000', '50'],
    ['123456789012345678901234567890', '6172839450617283945061728394.5'],
  ])('%s units cost %s', (units, amount) => {
    expect(amountAt(spec, units)).toBe(amount);
  });

  it('prices 10,000 events of 100 tokens at $0.000002 a token exactly: $2', () => {
    const tokens = charge('standard', { unit_price: '0.000002' });
    let usage = emptyUsage();
    for (let i = 0; i < 10_000; i++) usage = addEvent(tokens, usage, { units: dec(100) });
    const result = priceCharge(tokens, usage);
    expect(toText(result.units)).toBe('1000000');
    expect(usage.events).toBe(10_000);
    expect(toText(result.amount)).toBe('2');
  });

  it('keeps sub-cent amounts exact until the money rounding point', () => {
    const tokens = charge('standard', { unit_price: '0.000002' });
    const one = priceCharge(tokens, usageOf('1')).amount;
    expect(toText(one)).toBe('0.000002');
    expect(roundToMinor(one, 2)).toBe(0n);
    expect(roundToMinor(one, 6)).toBe(2n);
  });

  it('prices negative aggregated usage (refunds) as zero units, never a credit', () => {
    expect(amountAt(spec, '-10')).toBe('0');
  });
});

describe('package', () => {
  const spec = charge('package', { amount: '5', package_size: 100, free_units: 100 });

  it.each([
    ['0', '0'],
    ['50', '0'],
    ['100', '0'],
    // A started package is paid in full: 0.5 paid units is one package.
    ['100.5', '5'],
    ['101', '5'],
    ['200', '5'],
    ['200.0001', '10'],
    ['201', '10'],
    ['300', '10'],
    ['301', '15'],
    // (10^21 - 100 free) / 100 = 10^19 - 1 packages.
    ['1000000000000000000000', '49999999999999999995'],
  ])('%s units cost %s', (units, amount) => {
    expect(amountAt(spec, units)).toBe(amount);
  });

  it('without free units, the first unit opens a package', () => {
    const noFree = charge('package', { amount: '0.99', package_size: '1000' });
    expect(amountAt(noFree, '1')).toBe('0.99');
    expect(amountAt(noFree, '1000')).toBe('0.99');
    expect(amountAt(noFree, '1001')).toBe('1.98');
  });

  it('prints free units and packages', () => {
    const result = priceCharge(spec, usageOf('201'));
    expect(result.lines.map((l) => [l.kind, l.label, toText(l.units), toText(l.amount)])).toEqual([
      ['free_units', 'Free units', '100', '0'],
      ['packages', 'Packages of 100 units', '2', '10'],
    ]);
    expect(toText(result.billableUnits)).toBe('101');
  });
});

describe('dynamic', () => {
  const spec = charge('dynamic', {});

  it('sums the events own amounts, however many decimals they carry', () => {
    let usage = emptyUsage();
    usage = addEvent(spec, usage, { units: dec(1), amount: dec('0.0000001') });
    usage = addEvent(spec, usage, { units: dec(2), amount: dec('1.5') });
    usage = addEvent(spec, usage, { units: dec(1) }); // no amount: counts as 0
    const result = priceCharge(spec, usage);
    expectLinesAddUp(result);
    expect(toText(result.amount)).toBe('1.5000001');
    expect(result.lines[0]!.unitPrice).toBeNull();
  });

  it('charges nothing when the units sum to zero, as Lago checks units before amounts', () => {
    const usage = addEvent(spec, emptyUsage(), { units: dec(0), amount: dec('3') });
    expect(toText(priceCharge(spec, usage).amount)).toBe('0');
  });

  it('charges nothing without events', () => {
    expect(toText(priceCharge(spec, emptyUsage()).amount)).toBe('0');
  });
});

describe('allowance', () => {
  it('standard: included units are free, the rest at the unit price', () => {
    const spec = charge('standard', { unit_price: '0.05' }, '1000');
    expect(amountAt(spec, '800')).toBe('0');
    expect(amountAt(spec, '1000')).toBe('0');
    expect(amountAt(spec, '1500')).toBe('25');
    const result = priceCharge(spec, usageOf('1500'));
    expect(toText(result.billableUnits)).toBe('500');
    expect(result.lines.map((l) => [l.kind, toText(l.units)])).toEqual([
      ['included', '1000'],
      ['units', '500'],
    ]);
  });

  it('graduated: tiers apply to the units beyond the allowance; the first flat fee stays due', () => {
    const spec = charge(
      'graduated',
      {
        graduated_ranges: [
          { from_value: 0, to_value: 100, per_unit_amount: '1', flat_amount: '5' },
          { from_value: 101, to_value: null, per_unit_amount: '0.5', flat_amount: '0' },
        ],
      },
      50,
    );
    expect(amountAt(spec, '30')).toBe('5');
    expect(amountAt(spec, '150')).toBe('105');
    expect(amountAt(spec, '250')).toBe('155');
  });

  it('volume: the tier is chosen by the units beyond the allowance', () => {
    const spec = charge(
      'volume',
      {
        volume_ranges: [
          { from_value: 0, to_value: 100, per_unit_amount: '1', flat_amount: '0' },
          { from_value: 101, to_value: null, per_unit_amount: '0.5', flat_amount: '0' },
        ],
      },
      '100',
    );
    expect(amountAt(spec, '200')).toBe('100');
    expect(amountAt(spec, '201')).toBe('50.5');
  });

  it('package: the allowance comes off before the free units, so both stack', () => {
    const spec = charge('package', { amount: '5', package_size: 100, free_units: 100 }, '50');
    expect(amountAt(spec, '150')).toBe('0');
    expect(amountAt(spec, '151')).toBe('5');
    expect(amountAt(spec, '250')).toBe('5');
    expect(amountAt(spec, '251')).toBe('10');
  });

  it('a zero allowance is no allowance', () => {
    const spec = charge('standard', { unit_price: '1' }, '0');
    expect(spec.allowance).toBeUndefined();
    expect(priceCharge(spec, usageOf('3')).lines.map((l) => l.kind)).toEqual(['units']);
  });
});

describe('quantity rounding before pricing', () => {
  it('applies the metric rounding to the aggregated units, then the allowance', () => {
    const spec = charge('standard', { unit_price: '2' }, '1', { mode: 'ceil' });
    const result = priceCharge(spec, usageOf('10.2'));
    expect(toText(result.units)).toBe('11');
    expect(toText(result.billableUnits)).toBe('10');
    expect(toText(result.amount)).toBe('20');
  });
});

describe('roundToMinor: half away from zero, the one money rounding point', () => {
  it.each([
    ['3.435', 2, 344n],
    ['0.125', 2, 13n],
    ['0.124999', 2, 12n],
    ['-0.125', 2, -13n],
    ['0.005', 2, 1n],
    ['2.5', 0, 3n],
    ['49', 2, 4900n],
    ['0.0000005', 6, 1n],
    ['123456789012345678901234567890.555', 2, 12345678901234567890123456789056n],
  ])('%s at %i decimals is %s minor units', (amount, scale, minor) => {
    expect(roundToMinor(dec(amount), scale)).toBe(minor);
  });
});

import { describe, expect, it } from 'vitest';
import { toText } from '../../../shared/decimal';
import { type PricingIssue, graduatedPropertiesSchema, parseChargeSpec } from '../../../shared/pricing';
import { errorsOf } from './helpers';

const tier = (from: number | string, to: number | string | null, price = '1', flat = '0') => ({ from_value: from, to_value: to, per_unit_amount: price, flat_amount: flat });
const brief = (errors: PricingIssue[]) => errors.map((e) => [e.path, e.code, e.message]);

describe('tier validation names the tier and the fix', () => {
  it.each([
    [
      'a gap',
      [tier(0, 5000), tier(5001, 10_000), tier(10_002, null)],
      [['graduated_ranges', 2, 'from_value'], 'tier_gap', 'graduated_ranges[2]: from_value 10002 leaves a gap after 10000 (tier 1 ends at 10000, so this tier must start at 10001)'],
    ],
    [
      'an overlap',
      [tier(0, 100), tier(50, null)],
      [['graduated_ranges', 1, 'from_value'], 'tier_overlap', 'graduated_ranges[1]: from_value 50 overlaps tier 0, which ends at 100 (this tier must start at 101)'],
    ],
    [
      'a first tier not at zero',
      [tier(1, 100), tier(101, null)],
      [['graduated_ranges', 0, 'from_value'], 'first_tier_not_at_zero', 'graduated_ranges[0]: from_value must be 0, got 1: the first tier starts at zero usage'],
    ],
    [
      'a closed last tier',
      [tier(0, 100), tier(101, 200)],
      [['graduated_ranges', 1, 'to_value'], 'last_tier_not_open_ended', 'graduated_ranges[1]: to_value must be null: the last tier is open-ended, otherwise usage above 200 would have no price'],
    ],
    [
      'an open tier that is not last',
      [tier(0, null), tier(1, null)],
      [['graduated_ranges', 0, 'to_value'], 'open_tier_not_last', 'graduated_ranges[0]: to_value is null, but only the last tier may be open-ended (1 more tier follows)'],
    ],
    [
      'to_value not above from_value',
      [tier(0, 100), tier(101, 101), tier(102, null)],
      [['graduated_ranges', 1, 'to_value'], 'empty_tier', 'graduated_ranges[1]: to_value 101 must be greater than from_value 101'],
    ],
    [
      'a boundary between the two conventions',
      [tier(0, 100), tier('100.5', null)],
      [
        ['graduated_ranges', 1, 'from_value'],
        'tier_misaligned',
        'graduated_ranges[1]: from_value 100.5 must be 101, one unit after tier 0 ends at 100 (or 100 when every tier starts where the previous one ends)',
      ],
    ],
    [
      'mixed boundary conventions',
      [tier(0, 100), tier(101, 200), tier(200, null)],
      [
        ['graduated_ranges', 2, 'from_value'],
        'mixed_tier_boundaries',
        'graduated_ranges[2]: from_value 200 starts exactly where the tier before it ends, but tier 1 starts one unit after the tier before it ends; write every boundary the same way (here 201)',
      ],
    ],
  ])('%s', (_, ranges, expected) => {
    expect(brief(errorsOf('graduated', { graduated_ranges: ranges }))).toEqual([expected]);
  });

  it('volume tiers follow the same rules under their own key', () => {
    expect(brief(errorsOf('volume', { volume_ranges: [tier(0, 10), tier(12, null)] }))).toEqual([
      [['volume_ranges', 1, 'from_value'], 'tier_gap', 'volume_ranges[1]: from_value 12 leaves a gap after 10 (tier 0 ends at 10, so this tier must start at 11)'],
    ]);
  });

  it('reports every broken tier at once', () => {
    const errors = errorsOf('graduated', { graduated_ranges: [tier(5, 100), tier(101, 200), tier(300, 400)] });
    expect(errors.map((e) => [e.path.join('.'), e.code])).toEqual([
      ['graduated_ranges.0.from_value', 'first_tier_not_at_zero'],
      ['graduated_ranges.2.to_value', 'last_tier_not_open_ended'],
      ['graduated_ranges.2.from_value', 'tier_gap'],
    ]);
  });

  it('accepts both Lago conventions: one unit after, and adjacent', () => {
    expect(parseChargeSpec('graduated', { graduated_ranges: [tier(0, 100), tier(101, 200), tier(201, null)] }).ok).toBe(true);
    expect(parseChargeSpec('graduated', { graduated_ranges: [tier(0, '0.1'), tier('0.1', 1), tier(1, null)] }).ok).toBe(true);
  });

  it('computes each tier interval from the previous to_value', () => {
    const parsed = parseChargeSpec('volume', { volume_ranges: [tier(0, 100), tier(101, null)] });
    expect(parsed.ok && parsed.spec.model === 'volume' && parsed.spec.properties.tiers.map((t) => [toText(t.lower), t.to && toText(t.to), t.label])).toEqual([
      ['0', '100', '0 – 100'],
      ['100', null, '101 and above'],
    ]);
  });
});

describe('field validation', () => {
  it.each([
    ['graduated', { graduated_ranges: [tier(0, 10), tier(11, null, '-1')] }, ['graduated_ranges', 1, 'per_unit_amount'], 'negative', 'graduated_ranges[1].per_unit_amount: must not be negative, got -1'],
    ['graduated', { graduated_ranges: [tier(0, null, '1', '-0.5')] }, ['graduated_ranges', 0, 'flat_amount'], 'negative', 'graduated_ranges[0].flat_amount: must not be negative, got -0.5'],
    ['graduated', { graduated_ranges: [] }, ['graduated_ranges'], 'too_small', 'graduated_ranges: needs at least one tier (graduated pricing is defined by its tiers)'],
    ['graduated', { graduated_ranges: [tier(0, 1.5)] }, ['graduated_ranges', 0, 'to_value'], 'not_a_string', 'graduated_ranges[0].to_value: must be a JSON integer or a decimal string, got 1.5: write fractional values as strings ("1.5")'],
    ['standard', { unit_price: 0.05 }, ['unit_price'], 'not_a_string', 'unit_price: must be a decimal string such as "0.05", got the JSON number 0.05 (a float must never become a price)'],
    ['standard', { unit_price: '1e-3' }, ['unit_price'], 'invalid_decimal', 'unit_price: must be a decimal string such as "12.5" (digits, an optional fraction, no exponent, at most 30 digits each side), got "1e-3"'],
    ['standard', {}, ['unit_price'], 'required', 'unit_price: is required'],
    ['standard', { unit_price: true }, ['unit_price'], 'invalid_type', 'unit_price: must be a decimal string, got boolean true'],
    ['package', { amount: '5', package_size: 0 }, ['package_size'], 'not_positive', 'package_size: must be greater than 0, got 0'],
    ['package', { amount: '5', package_size: '2.5' }, ['package_size'], 'not_an_integer', 'package_size: must be a whole number, got 2.5'],
    ['package', { amount: '5', package_size: 100, free_units: -1 }, ['free_units'], 'negative', 'free_units: must not be negative, got -1'],
    ['package', { amount: '-5', package_size: 100 }, ['amount'], 'negative', 'amount: must not be negative, got -5'],
    ['percentage', { rate: '-1' }, ['rate'], 'negative', 'rate: must not be negative, got -1'],
    ['percentage', { rate: '1', free_units_per_events: 0 }, ['free_units_per_events'], 'not_positive', 'free_units_per_events: must be greater than 0, got 0'],
    ['percentage', { rate: '1', free_units_per_events: 1.5 }, ['free_units_per_events'], 'not_an_integer', 'free_units_per_events: must be a whole number, got 1.5'],
    ['percentage', { rate: '1', fixed_amount: '-0.1' }, ['fixed_amount'], 'negative', 'fixed_amount: must not be negative, got -0.1'],
    ['percentage', { rate: '1', free_units_per_total_aggregation: '-5' }, ['free_units_per_total_aggregation'], 'negative', 'free_units_per_total_aggregation: must not be negative, got -5'],
  ])('%s %j', (model, properties, path, code, message) => {
    expect(brief(errorsOf(model, properties))).toEqual([[path, code, message]]);
  });

  it('refuses unknown properties, naming the expected ones (a misspelt free_units would silently bill)', () => {
    expect(brief(errorsOf('package', { amount: '5', package_size: 100, free_unit: 100 }))).toEqual([
      [['free_unit'], 'unknown_property', 'free_unit: unknown property (expected amount, package_size, free_units)'],
    ]);
    expect(brief(errorsOf('graduated', { graduated_ranges: [{ ...tier(0, null), flat_fee: '1' }] }))).toEqual([
      [['graduated_ranges', 0, 'flat_fee'], 'unknown_property', 'graduated_ranges[0].flat_fee: unknown property (expected from_value, to_value, per_unit_amount, flat_amount)'],
    ]);
  });

  it('Lago names the standard price `amount`; Tollgate calls it `unit_price`', () => {
    expect(errorsOf('standard', { amount: '1' }).map((e) => e.code).sort()).toEqual(['required', 'unknown_property']);
  });

  it('reads a count written with a zero fraction as that count', () => {
    const parsed = parseChargeSpec('percentage', { rate: '1', free_units_per_events: '3.0' });
    expect(parsed.ok && parsed.spec.model === 'percentage' && parsed.spec.properties.freeUnitsPerEvents).toBe(3);
  });

  it('accepts optional fields as null, and counts as digit strings', () => {
    const parsed = parseChargeSpec('percentage', { rate: '1', fixed_amount: null, free_units_per_events: '3', free_units_per_total_aggregation: null });
    expect(parsed.ok && parsed.spec.model === 'percentage' && [parsed.spec.properties.freeUnitsPerEvents, parsed.spec.properties.hasFreeUnits]).toEqual([3, true]);
  });

  it('refuses an unknown model', () => {
    expect(brief(errorsOf('tiered', {}))).toEqual([[['model'], 'unknown_model', 'model: must be one of standard, graduated, volume, package, percentage, dynamic, got "tiered"']]);
  });

  it('dynamic takes no properties', () => {
    expect(errorsOf('dynamic', { unit_price: '1' })[0]!.code).toBe('unknown_property');
  });
});

describe('allowance and rounding validation', () => {
  it.each([
    ['-5', 'negative', 'allowance: must not be negative, got -5'],
    [0.5, 'not_a_string', 'allowance: must be a JSON integer or a decimal string, got 0.5: write fractional values as strings ("0.5")'],
    ['abc', 'invalid_decimal', 'allowance: must be a decimal string such as "12.5" (digits, an optional fraction, no exponent, at most 30 digits each side), got "abc"'],
  ])('allowance %j', (allowance, code, message) => {
    expect(brief(errorsOf('standard', { unit_price: '1' }, allowance))).toEqual([[['allowance'], code, message]]);
  });

  it('refuses an allowance on dynamic charges', () => {
    expect(errorsOf('dynamic', {}, '10').map((e) => e.code)).toEqual(['allowance_not_supported']);
  });

  it('refuses a rounding precision out of range, under rounding', () => {
    const errors = errorsOf('standard', { unit_price: '1' }, undefined, { mode: 'round', precision: 16 });
    expect(errors.map((e) => [e.path, e.code])).toEqual([[['rounding', 'precision'], 'too_big']]);
    expect(errors[0]!.message).toBe('rounding.precision: must be at most 15');
  });

  it('collects property, allowance and rounding errors together', () => {
    const errors = errorsOf('standard', { unit_price: '-1' }, '-1', { mode: 'up' });
    expect(errors.map((e) => e.path.join('.'))).toEqual(['unit_price', 'allowance', 'rounding.mode']);
  });
});

describe('schemas', () => {
  it('are exported per model and parse decimal strings into exact decimals', () => {
    const parsed = graduatedPropertiesSchema.parse({ graduated_ranges: [tier(0, null, '0.000002')] });
    expect(toText(parsed.graduated_ranges[0]!.per_unit_amount)).toBe('0.000002');
    expect(parsed.graduated_ranges[0]!.to_value).toBeNull();
  });
});

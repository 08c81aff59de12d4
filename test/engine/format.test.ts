import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from '../../src-main/engine/canonical';
import { iso, moneyText } from '../../src-main/engine/format';

describe('iso', () => {
  it('formats exactly like Date#toISOString across days, years and edge instants', () => {
    const samples = [0, 1, 999, 86_399_999, 86_400_000, Date.parse('2028-02-29T23:59:59.999Z'), Date.parse('1969-12-31T23:59:59.001Z'), -1, 253402300799999];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(Math.random() * 4e12) - 1e12);
    for (const ms of samples) expect(iso(ms)).toBe(new Date(ms).toISOString());
  });
});

describe('canonical request hash', () => {
  it('ignores key order and number spelling, and tells content apart', () => {
    expect(canonicalJson(JSON.parse('{"b":1.0,"a":[1,{"d":2,"c":3}]}'))).toBe('{"a":[1,{"c":3,"d":2}],"b":1}');
    expect(requestHash({ a: 1, b: 'x' }).equals(requestHash({ b: 'x', a: 1.0 }))).toBe(true);
    expect(requestHash({ a: 1 }).equals(requestHash({ a: '1' }))).toBe(false);
    expect(requestHash({ a: 1 })).toHaveLength(16);
  });
});

describe('moneyText (amounts in engine messages)', () => {
  it('states minor units as money at the asset\'s scale, with the asset code', () => {
    expect(moneyText(94n, 'USD', 2)).toBe('0.94 USD');
    expect(moneyText('5216', 'USD', 2)).toBe('52.16 USD');
    expect(moneyText(-5n, 'USD', 2)).toBe('-0.05 USD');
    expect(moneyText(0n, 'USD', 2)).toBe('0.00 USD');
    expect(moneyText(1250000n, 'TOKENS', 0)).toBe('1250000 TOKENS');
    expect(moneyText(1500000n, 'GPU_HOURS', 6)).toBe('1.500000 GPU_HOURS');
    expect(moneyText(100n, 'JPY', 0)).toBe('100 JPY');
  });

  it('shows a value it cannot scale as given, marked as minor units, never rounded', () => {
    expect(moneyText(94n, 'XYZ', undefined)).toBe('94 (minor units)');
    expect(moneyText('12.5', 'USD', 2)).toBe('12.5 (minor units)');
  });
});

import { minorToDecimal } from '@shared/money';
import { useEffect } from 'react';

/**
 * Chart geometry only: an amount as a float of major units for an axis. Every amount a person reads
 * (tables, tooltips' exact values, cards) is formatted from the string by `formatAmount`, never from this.
 */
export function chartNumber(minor: string, scale: number): number {
  return parseFloat(minorToDecimal(minor, scale));
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Tollgate`;
  }, [title]);
}

export const SERIES_COLORS = ['brand.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'pink.6', 'lime.7', 'yellow.6'];

export interface AmountAxis {
  /** Tick positions in major units (chart geometry), from the lowest to the highest. */
  ticks: number[];
  domain: [number, number];
  /** The label of a tick: exact, distinct from its neighbours, "≈"-free (a round value needs none). */
  label: (v: number) => string;
}

/**
 * Y-axis ticks for amounts between `minMinor` and `maxMinor` (minor units, exact): 0 and a few
 * steps of 1, 2 or 5 × 10^k minor units, never less than one minor unit apart. The labels are
 * formatted from the tick's exact minor amount with as many decimals as the step needs (the full
 * scale of a currency when any), so a chart of a few cents reads $0.00 / $0.01 / $0.02 rather than
 * four "≈$0". From 1,000 major units per step the labels abbreviate ($5K, $1.5M), which is still
 * exact: a tick is at most four steps, so one decimal of the abbreviation always suffices.
 */
export function amountAxis(minMinor: bigint, maxMinor: bigint, asset: { code: string; scale: number; kind?: 'fiat' | 'custom' }, count = 4): AmountAxis {
  const lo = minMinor < 0n ? minMinor : 0n;
  const hi = maxMinor > 0n ? maxMinor : lo === 0n ? 1n : 0n;
  const n = BigInt(Math.max(1, count));
  const raw = (hi - lo + n - 1n) / n || 1n;
  let pow = 1n;
  let zeros = 0;
  while (pow * 10n <= raw) {
    pow *= 10n;
    zeros++;
  }
  const mult = [1n, 2n, 5n, 10n].find((m) => m * pow >= raw)!;
  const step = mult * pow;
  const stepZeros = mult === 10n ? zeros + 1 : zeros;
  const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
  const first = floorDiv(lo, step);
  const last = -floorDiv(-hi, step);
  const minors: bigint[] = [];
  for (let k = first; k <= last; k++) minors.push(k * step);

  const fiat = asset.kind ? asset.kind === 'fiat' : /^[A-Z]{3}$/.test(asset.code);
  const needed = Math.max(0, asset.scale - stepZeros);
  const decimals = needed === 0 ? 0 : fiat ? asset.scale : needed;
  const compact = stepZeros >= asset.scale + 3;
  const f = new Intl.NumberFormat('en-US', {
    ...(fiat ? { style: 'currency' as const, currency: asset.code } : {}),
    ...(compact ? { notation: 'compact' as const, maximumFractionDigits: 1 } : { minimumFractionDigits: decimals, maximumFractionDigits: decimals }),
  });
  const labels = new Map<number, string>();
  const ticks = minors.map((m) => {
    const text = minorToDecimal(m.toString(), asset.scale);
    const v = parseFloat(text);
    labels.set(v, f.format(text as unknown as number));
    return v;
  });
  return {
    ticks,
    domain: [ticks[0]!, ticks[ticks.length - 1]!],
    label: (v) => labels.get(v) ?? f.format(v),
  };
}

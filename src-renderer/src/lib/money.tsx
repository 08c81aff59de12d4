import { Group, Text, Tooltip, VisuallyHidden, type TextProps } from '@mantine/core';
import { ArrowDownRight, ArrowUpRight, Minus } from 'lucide-react';
import { formatAmount, type AssetLike } from '@shared/money';
import { useAsset } from '../state/assets';

export { formatAmount };

function safeFormat(amount: string | bigint, asset: AssetLike, opts: Parameters<typeof formatAmount>[2] = {}): string {
  try {
    return formatAmount(amount, asset, opts);
  } catch {
    return String(amount);
  }
}

export interface MoneyProps extends Omit<TextProps, 'children'> {
  amount: string | bigint;
  asset: string;
  /** The scale when the asset list may not know it yet (balances carry it). */
  scale?: number;
  /** Cards: "≈$1.2M" with the exact value in a tooltip, for a million units and more. */
  compact?: boolean;
  signed?: boolean;
  /** Colour by sign (deltas). */
  tone?: boolean;
  /** Invoices: negatives in parentheses, "($5.00)". */
  accounting?: boolean;
  component?: 'span' | 'div' | 'p';
}

/** Every amount on screen: exact and tabular (full scale), or abbreviated with the exact value on hover. */
export function Money({ amount, asset, scale, compact, signed, tone, accounting, component = 'span', className, ...rest }: MoneyProps) {
  const a = useAsset(asset, scale);
  const exact = safeFormat(amount, a, { signed, accounting });
  const negative = String(amount).startsWith('-');
  const color = tone ? (negative ? 'red' : String(amount) === '0' ? 'dimmed' : 'teal') : undefined;
  const cls = ['tg-num', 'tg-amount', className].filter(Boolean).join(' ');
  const big = (() => {
    try {
      const n = BigInt(String(amount));
      // Finance reads cards to the cent: only amounts of a million units and more are shortened.
      return (n < 0n ? -n : n) >= 1_000_000n * 10n ** BigInt(a.scale);
    } catch {
      return false;
    }
  })();
  if (compact && big) {
    const short = safeFormat(amount, a, { compact: true, signed });
    // Small amounts read the same either way: no "≈" when nothing was rounded.
    if (short.replace('≈', '') === exact) {
      return (
        <Text component={component} className={cls} c={color} {...rest}>
          {exact}
        </Text>
      );
    }
    return (
      <Tooltip label={exact} withArrow openDelay={150}>
        <Text component={component} className={cls} c={color} tabIndex={0} {...rest}>
          <span aria-hidden>{short}</span>
          <VisuallyHidden>{exact}</VisuallyHidden>
        </Text>
      </Tooltip>
    );
  }
  return (
    <Text component={component} className={cls} c={color} {...rest}>
      {exact}
    </Text>
  );
}

/** A signed change: sign, colour and icon together, never colour alone. */
export function Delta({ amount, asset, scale, size = 'sm', label }: { amount: string | bigint; asset: string; scale?: number; size?: TextProps['size']; label?: string }) {
  const a = useAsset(asset, scale);
  const text = String(amount);
  const negative = text.startsWith('-');
  const zero = /^-?0+$/.test(text);
  const Icon = zero ? Minus : negative ? ArrowDownRight : ArrowUpRight;
  const color = zero ? 'dimmed' : negative ? 'red' : 'teal';
  const formatted = safeFormat(amount, a, { signed: true });
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end" component="span">
      {label && <VisuallyHidden>{label}</VisuallyHidden>}
      <Icon size={14} aria-hidden color={color === 'dimmed' ? 'var(--mantine-color-dimmed)' : `var(--mantine-color-${color}-text)`} />
      <Text component="span" size={size} c={color} className="tg-num tg-amount">
        {formatted}
      </Text>
    </Group>
  );
}

// ---------------------------------------------------------------- exact integer arithmetic on amounts

export const big = (s: string | bigint | null | undefined): bigint => {
  if (s === null || s === undefined) return 0n;
  try {
    return typeof s === 'bigint' ? s : BigInt(s);
  } catch {
    return 0n;
  }
};
export const addAmounts = (...xs: (string | bigint)[]): string => xs.reduce<bigint>((t, x) => t + big(x), 0n).toString();
export const subAmounts = (a: string | bigint, b: string | bigint): string => (big(a) - big(b)).toString();
export const isNegative = (s: string | bigint) => big(s) < 0n;
export const isZeroAmount = (s: string | bigint) => big(s) === 0n;

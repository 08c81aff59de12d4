import type { TextProps } from '@mantine/core';
import { Money } from '../lib/money';
import { useLive, useLiveBalance } from '../state/live';

export type BalanceField = 'available' | 'posted' | 'pending' | 'debt';

/**
 * A balance cell that follows the live feed: the pushed value of this connection epoch when there is
 * one (it is at least as fresh as any read), else the value the page fetched. Tinted when it changes.
 * A negative available is red, except a postpaid customer's (`postpaid`): usage billed later, not a shortfall.
 */
export function LiveAmount({
  customer,
  asset,
  field = 'available',
  fallback,
  scale,
  compact,
  testId,
  component,
  postpaid,
  ...rest
}: { customer: string; asset: string; field?: BalanceField; fallback: string; scale?: number; compact?: boolean; testId?: string; component?: 'span' | 'div'; postpaid?: boolean } & Omit<TextProps, 'children'>) {
  const live = useLiveBalance(customer, asset);
  const epoch = useLive((s) => s.epoch);
  const fresh = live && live.epoch === epoch ? live : undefined;
  const value = fresh ? fresh[field] : fallback;
  return (
    <span key={fresh?.changedAt ?? 0} className={fresh?.changedAt ? 'tg-flash' : undefined} style={component === 'div' ? { display: 'block' } : undefined} data-testid={testId} data-value={value}>
      <Money amount={value} asset={asset} scale={scale} compact={compact} tone={field === 'available' && value.startsWith('-') && !postpaid ? true : undefined} component={component} {...rest} />
    </span>
  );
}

/** The live value of a wallet when fresh, else the fetched one (for computing with it). */
export function useBalanceValue(customer: string, asset: string, fetched: { posted: string; pending: string; debt: string; available: string } | undefined) {
  const live = useLiveBalance(customer, asset);
  const epoch = useLive((s) => s.epoch);
  if (live && live.epoch === epoch) return live;
  return fetched;
}

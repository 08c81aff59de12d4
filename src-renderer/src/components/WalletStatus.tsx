import { Text, type TextProps } from '@mantine/core';
import { formatAmount } from '../lib/money';
import { creditUsed, shownWalletStatus, type WalletFacts, type WalletStatus } from '../lib/wallet-state';
import { useAsset } from '../state/assets';
import { useLive, useLiveBalance } from '../state/live';
import { StatusBadge } from './common';

/** The live available of a wallet when the feed pushed one this connection epoch (as LiveAmount shows it). */
export function useLiveAvailable(customer: string | null | undefined, asset: string | null | undefined): string | undefined {
  const live = useLiveBalance(customer, asset);
  const epoch = useLive((s) => s.epoch);
  return live && live.epoch === epoch ? live.available : undefined;
}

type Row = WalletFacts & { status: WalletStatus };

/** The API's status of a wallet row; recomputed by the same rule (lib/wallet-state) once a live available moves. */
export function LiveWalletStatus({ customer, asset, row }: { customer: string; asset: string; row: Row }) {
  const live = useLiveAvailable(customer, asset);
  return <StatusBadge status={shownWalletStatus(row, live)} />;
}

/** "credit used $340.16 of $5,000.00": a postpaid wallet below zero, in place of an alarming red. Nothing otherwise. */
export function CreditUsed({ asset, scale, wallet, ...rest }: { asset: string; scale?: number; wallet: Pick<WalletFacts, 'available' | 'billing_mode' | 'overdraft_limit'> } & Omit<TextProps, 'children'>) {
  const a = useAsset(asset, scale);
  const c = creditUsed(wallet);
  if (!c) return null;
  const text = `credit used ${formatAmount(c.used, a)} of ${formatAmount(c.limit, a)}`;
  return (
    <Text size="xs" c="dimmed" data-testid="credit-used" title={text} {...rest}>
      {text}
    </Text>
  );
}

/** CreditUsed following the live available. */
export function LiveCreditUsed({ customer, asset, scale, wallet, ...rest }: { customer: string; asset: string; scale?: number; wallet: Pick<WalletFacts, 'available' | 'billing_mode' | 'overdraft_limit'> } & Omit<TextProps, 'children'>) {
  const live = useLiveAvailable(customer, asset);
  return <CreditUsed asset={asset} scale={scale} wallet={{ ...wallet, available: live ?? wallet.available }} {...rest} />;
}

import { formatAmount } from '@shared/money';
import { assetLike } from '../state/assets';

/**
 * An alert in words, with amounts formatted at the asset's scale (the engine's own message carries
 * minor units): balance alerts and auto top-up requests; other types keep the engine's message.
 */
export function alertText(a: { type: string; asset: string | null; value: string | null; threshold: string | null; message: string }): string {
  const fmt = (v: string | null) => {
    if (v === null || !a.asset) return v ?? '';
    try {
      return formatAmount(v, assetLike(a.asset));
    } catch {
      return v;
    }
  };
  if (!a.asset || a.value === null) return a.message;
  switch (a.type) {
    case 'wallet.low_balance':
      return `${a.asset} balance fell below ${fmt(a.threshold)} (now ${fmt(a.value)}).`;
    case 'wallet.depleted':
      return `${a.asset} wallet depleted (available ${fmt(a.value)}).`;
    case 'top_up.requested':
      return `Auto top-up requested: ${a.asset} at ${fmt(a.value)}, below ${fmt(a.threshold)}.`;
    default:
      return a.message;
  }
}

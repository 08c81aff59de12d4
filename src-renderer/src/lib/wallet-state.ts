/**
 * The console's side of shared/wallet-state.ts: the API's wallet rows carry amounts as strings. The
 * console shows the API's `status` where a row has it; this recomputes it for a LIVE available
 * (balance pushes between refreshes), by the same rule, so a badge never disagrees with the API.
 */
import { type BillingMode, type WalletStatus, walletStateOf } from '@shared/wallet-state';

export type { BillingMode, WalletStatus };

export interface WalletFacts {
  /** Integer minor units: posted − pending − debt. */
  available: string;
  /** Integer minor units: how far below zero available may go (a postpaid customer's credit limit). */
  overdraft_limit: string;
  billing_mode: BillingMode;
  /** Integer minor units per hour; absent or "0" when nothing burns. */
  burn_rate_per_hour?: string | null;
}

function big(s: string | null | undefined): bigint {
  try {
    return BigInt(String(s ?? '0').trim() || '0');
  } catch {
    return 0n;
  }
}

export function walletState(w: WalletFacts) {
  return walletStateOf(big(w.available), big(w.overdraft_limit), w.billing_mode, big(w.burn_rate_per_hour));
}

/**
 * The status to show: the API's `status` while the shown available is the one the row was read
 * with; recomputed by the same rule when a live available has moved since.
 */
export function shownWalletStatus(row: WalletFacts & { status: WalletStatus }, liveAvailable?: string | null): WalletStatus {
  if (liveAvailable === undefined || liveAvailable === null || liveAvailable === row.available) return row.status;
  return walletState({ ...row, available: liveAvailable }).status;
}

/**
 * A postpaid wallet below zero: the credit it has used (minor units, positive) against its limit.
 * Null for a prepaid wallet, or a postpaid one at or above zero.
 */
export function creditUsed(w: Pick<WalletFacts, 'available' | 'billing_mode' | 'overdraft_limit'>): { used: string; limit: string } | null {
  if (w.billing_mode !== 'postpaid') return null;
  const available = big(w.available);
  if (available >= 0n) return null;
  return { used: (-available).toString(), limit: big(w.overdraft_limit).toString() };
}

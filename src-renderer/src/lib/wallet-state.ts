/**
 * A wallet's state, the same rule as the engine's `walletState` (src-main/engine/console-views.ts),
 * which fills the `status` of the wallet monitor and the customer list and counts the overview's
 * low and negative wallets. The console shows the API's `status` where a row has it; this is for a
 * LIVE available (balance pushes between refreshes), so a recomputed badge never disagrees with it.
 *
 * - negative: a PREPAID wallet below zero. A postpaid customer is never negative: below zero is
 *   usage billed later, and its credit limit (the overdraft limit) stops new usage.
 * - empty: prepaid at exactly 0; postpaid at or past its credit limit.
 * - low: reaches its overdraft limit within 24 h at the burn rate.
 * - ok: none of these.
 */
export type WalletStatus = 'ok' | 'low' | 'negative' | 'empty';
export type BillingMode = 'prepaid' | 'postpaid';

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

export function walletState(w: WalletFacts): { status: WalletStatus; room: bigint; timeToEmpty: number | null; low: boolean; negative: boolean } {
  const available = big(w.available);
  const rate = big(w.burn_rate_per_hour);
  const room = available + big(w.overdraft_limit); // it runs out at its overdraft limit, not at zero
  const timeToEmpty = rate > 0n ? (room > 0n ? (room * 3600n) / rate : 0n) : null;
  const low = rate > 0n && room >= 0n && timeToEmpty! < 24n * 3600n;
  const negative = w.billing_mode !== 'postpaid' && available < 0n;
  const empty = w.billing_mode === 'postpaid' ? room <= 0n : available === 0n;
  const status: WalletStatus = negative ? 'negative' : empty ? 'empty' : low ? 'low' : 'ok';
  return { status, room, timeToEmpty: timeToEmpty === null ? null : Number(timeToEmpty), low, negative };
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

/**
 * A wallet's state, one rule for the engine (which fills the `status` of the wallet monitor and the
 * customer list and counts the overview's low and negative wallets) and the console (which
 * recomputes it when a live balance push moves `available` between refreshes):
 *
 * - negative: a prepaid wallet below zero (debt, or its overdraft in use). A postpaid customer
 *   below zero is in its normal state (its usage and fees are billed later and its invoice
 *   collects them; its credit limit, the overdraft limit, bounds new usage): never negative.
 * - empty: nothing left for new consumption: a prepaid wallet at exactly zero (whatever it burns),
 *   a postpaid wallet at or past its credit limit.
 * - low: at its burn rate it reaches its overdraft limit within 24 hours.
 * - ok: none of these.
 *
 * Amounts are integer minor units; `rate` is minor units per hour.
 */
export type WalletStatus = 'ok' | 'low' | 'negative' | 'empty';
export type BillingMode = 'prepaid' | 'postpaid';

export interface WalletState {
  status: WalletStatus;
  /** available + overdraft limit: what is left before the wallet stops new consumption. */
  room: bigint;
  timeToEmpty: number | null;
  low: boolean;
  negative: boolean;
}

export function walletStateOf(available: bigint, overdraftLimit: bigint, billingMode: BillingMode, rate: bigint): WalletState {
  const room = available + overdraftLimit; // it runs out at its overdraft limit, not at zero
  const timeToEmpty = rate > 0n ? (room > 0n ? (room * 3600n) / rate : 0n) : null;
  const low = rate > 0n && room >= 0n && timeToEmpty! < 24n * 3600n;
  const negative = billingMode !== 'postpaid' && available < 0n;
  const empty = billingMode === 'postpaid' ? room <= 0n : available === 0n;
  const status: WalletStatus = negative ? 'negative' : empty ? 'empty' : low ? 'low' : 'ok';
  return { status, room, timeToEmpty: timeToEmpty === null ? null : Number(timeToEmpty), low, negative };
}

/**
 * The console's wallet status is the engine's (`walletState` in src-main/engine/console-views.ts):
 * a postpaid customer below zero is never negative, it is empty at its credit limit, and a live
 * available is judged by the same rule as the API's `status`.
 */
import { describe, expect, it } from 'vitest';
import { walletState as engineWalletState } from '../../src-main/engine/console-views';
import { creditUsed, shownWalletStatus, walletState } from '../../src-renderer/src/lib/wallet-state';

const pre = (available: string, burn = '0', overdraft_limit = '0') => ({ available, overdraft_limit, billing_mode: 'prepaid' as const, burn_rate_per_hour: burn });
const post = (available: string, overdraft_limit: string, burn = '0') => ({ available, overdraft_limit, billing_mode: 'postpaid' as const, burn_rate_per_hour: burn });

describe('walletState', () => {
  it('prepaid: below zero is negative, exactly zero is empty (even while it burns), else ok', () => {
    expect(walletState(pre('-1')).status).toBe('negative');
    expect(walletState(pre('-500', '100', '1000')).status).toBe('negative');
    expect(walletState(pre('0')).status).toBe('empty');
    expect(walletState(pre('0', '100')).status).toBe('empty');
    expect(walletState(pre('5000')).status).toBe('ok');
  });

  it('postpaid within its credit limit is ok (or low), never negative', () => {
    expect(walletState(post('-34016', '500000')).status).toBe('ok');
    expect(walletState(post('-34016', '500000')).negative).toBe(false);
    expect(walletState(post('0', '500000')).status).toBe('ok');
    // 1,000 left to the limit at 100 an hour: 10 h.
    const low = walletState(post('-499000', '500000', '100'));
    expect([low.status, low.timeToEmpty]).toEqual(['low', 36000]);
  });

  it('postpaid at or past its credit limit is empty', () => {
    expect(walletState(post('-500000', '500000')).status).toBe('empty');
    expect(walletState(post('-500001', '500000', '10')).status).toBe('empty');
    expect(walletState(post('0', '0')).status).toBe('empty');
  });

  it('low: reaches the overdraft limit within 24 h at the burn rate', () => {
    expect(walletState(pre('2399', '100')).status).toBe('low');
    expect(walletState(pre('2400', '100')).status).toBe('ok');
    expect(walletState(pre('100', '100', '2400')).status).toBe('ok'); // 25 h to its overdraft limit
    expect(walletState(pre('100', '0')).timeToEmpty).toBeNull();
  });

  it('agrees with the engine on every case', () => {
    const cases = [
      ...['-2', '-1', '0', '1', '2399', '2400', '100000'].flatMap((a) => ['0', '100'].flatMap((r) => ['0', '2400'].map((l) => pre(a, r, l)))),
      ...['-600000', '-500000', '-499000', '-34016', '0', '1'].flatMap((a) => ['0', '100', '100000'].flatMap((r) => ['0', '500000'].map((l) => post(a, l, r)))),
    ];
    for (const c of cases) {
      const mine = walletState(c);
      const engine = engineWalletState({ posted: BigInt(c.available), pending: 0n, debt: 0n, overdraft_limit: BigInt(c.overdraft_limit) }, c.billing_mode, BigInt(c.burn_rate_per_hour));
      expect({ status: mine.status, tte: mine.timeToEmpty, low: mine.low, negative: mine.negative }, JSON.stringify(c)).toEqual({ status: engine.status, tte: engine.timeToEmpty, low: engine.low, negative: engine.negative });
    }
  });
});

describe('shownWalletStatus', () => {
  it("shows the API's status until a live available moves, then recomputes by the same rule", () => {
    const row = { ...post('-34016', '500000'), status: 'ok' as const };
    expect(shownWalletStatus(row, undefined)).toBe('ok');
    expect(shownWalletStatus(row, '-34016')).toBe('ok');
    expect(shownWalletStatus(row, '-500000')).toBe('empty');
    const prepaid = { ...pre('100'), status: 'ok' as const };
    expect(shownWalletStatus(prepaid, '-1')).toBe('negative');
  });
});

describe('creditUsed', () => {
  it('a postpaid wallet below zero: credit used against its limit; nothing otherwise', () => {
    expect(creditUsed(post('-34016', '500000'))).toEqual({ used: '34016', limit: '500000' });
    expect(creditUsed(post('0', '500000'))).toBeNull();
    expect(creditUsed(pre('-34016', '0', '500000'))).toBeNull();
  });
});

/**
 * The ledger core, driven through the same handlers the HTTP and IPC doors use, on a fresh data
 * dir per test: funding, consumption order, holds and their expiry, debt, refunds, chargebacks,
 * adjustments, and the ledger check.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine, seedTokens } from '../helpers/harness';

let fx: EngineFixture;
afterEach(async () => {
  await fx?.close();
});

const T0 = Date.parse('2026-11-10T12:00:00Z');
const bal = async (f: EngineFixture, customer = 'acme', asset = 'USD') => {
  const b = await f.op<any>('getBalances', { external_id: customer });
  return b.balances.find((x: any) => x.asset === asset);
};
const expectVerified = (f: EngineFixture) => {
  const report = f.engine.verify();
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
};

describe('funding and debits', () => {
  it('debits each event atomically and keeps posted = sum of lots', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '5000' });
    const r = await fx.op<any>('ingestEvent', { transaction_id: 'e1', customer: 'acme', code: 'tokens', properties: { tokens: 1_000_000 } });
    expect(r.debits).toEqual([{ asset: 'USD', amount: '200', from_hold: '0', from_credit: '200', as_debt: '0', credited_back: '0' }]);
    const b = await bal(fx);
    expect([b.posted, b.pending, b.debt, b.available]).toEqual(['4800', '0', '0', '4800']);
    expectVerified(fx);
  });

  it('has no drift: 10,000 events of 100 tokens at $0.000002 debit exactly $2.00', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '1000' });
    const ops = Array.from({ length: 10_000 }, (_, i) => () => fx.engine.events.ingest({ transaction_id: `e${i}`, customer: 'acme', code: 'tokens', properties: { tokens: 100 } }));
    const results = await fx.engine.writer.runEach(ops);
    expect(results.every((r) => r.ok)).toBe(true);
    const debited = results.reduce((s, r) => s + BigInt((r as any).value.debits[0]?.amount ?? '0'), 0n);
    expect(debited).toBe(200n);
    expect((await bal(fx)).posted).toBe('800');
    expectVerified(fx);
  });

  it('consumes lots by priority, then earliest expiry, then granted before paid, then oldest', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    await seedTokens(fx.op, {});
    const day = 86_400_000;
    const topUp = (amount: string, extra: Record<string, unknown>) => fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount, ...extra });
    const paidOld = await topUp('100', {});
    const grant = await topUp('100', { kind: 'granted' });
    const expiring = await topUp('100', { expires_at: new Date(T0 + 5 * day).toISOString() });
    const urgent = await topUp('100', { priority: 10 });
    // 250 cents of usage: 125,000,000 tokens at 0.000002 = 250 cents
    await fx.op('ingestEvent', { transaction_id: 'x', customer: 'acme', code: 'tokens', properties: { tokens: 1_250_000 } });
    const lots = Object.fromEntries((await bal(fx)).lots.map((l: any) => [l.id, l.remaining]));
    expect(lots[urgent.lot_id]).toBe('0'); // priority first
    expect(lots[expiring.lot_id]).toBe('0'); // then earliest expiry
    expect(lots[grant.lot_id]).toBe('50'); // then granted before paid
    expect(lots[paidOld.lot_id]).toBe('100');
    expectVerified(fx);
  });

  it('books usage beyond funded credit as debt under record_as_debt within the overdraft limit, and the next top-up repays it first', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '100', overdraft: '500' });
    const r = await fx.op<any>('ingestEvent', { transaction_id: 'big', customer: 'acme', code: 'tokens', properties: { tokens: 1_500_000 } }); // 300 cents
    expect(r.debits[0]).toMatchObject({ amount: '300', from_credit: '100', as_debt: '200' });
    expect(r.debt_created).toBe(true);
    let b = await bal(fx);
    expect([b.posted, b.debt, b.available]).toEqual(['0', '200', '-200']);
    const repaying = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000' });
    // The answer says where the 200 the wallet did not get went; a later read says the same.
    expect(repaying).toMatchObject({ amount: '1000', debt_repaid: '200', refundable: '800' });
    b = await bal(fx);
    expect([b.posted, b.debt, b.available]).toEqual(['800', '0', '800']);
    const next = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '300' });
    expect(next.debt_repaid).toBe('0');
    expect((await fx.op<any>('getTopUp', { id: repaying.id })).debt_repaid).toBe('200');
    expectVerified(fx);
  });

  it('refuses an unauthorized event the wallet cannot cover (402 with the available amount), and refuse policy ignores the overdraft', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '100', overdraft: '50' });
    // The message states amounts as money at the asset's scale; the details keep minor units.
    await expect(fx.op('ingestEvent', { transaction_id: 'a', customer: 'acme', code: 'tokens', properties: { tokens: 800_000 } })).rejects.toMatchObject({
      code: 'insufficient_funds',
      status: 402,
      message: 'The USD wallet of acme cannot cover this event: it costs 1.60 USD, available 1.00 USD, overdraft limit 0.50 USD.',
      details: { asset: 'USD', available: '100', overdraft_limit: '50', cost: '160' },
    });
    await expect(fx.op('ingestEvent', { transaction_id: 'b', customer: 'acme', code: 'tokens', properties: { tokens: 600_000 }, on_insufficient_funds: 'refuse' })).rejects.toMatchObject({
      code: 'insufficient_funds',
      message: 'The USD wallet of acme cannot cover this event: it costs 1.20 USD, available 1.00 USD.',
      details: { asset: 'USD', available: '100', cost: '120', policy: 'refuse' },
    });
    await expect(fx.op('createAuthorization', { customer: 'acme', asset: 'USD', amount: '151' })).rejects.toMatchObject({
      code: 'insufficient_funds',
      message: 'The USD wallet of acme can cover 1.50 USD more (available 1.00 USD, overdraft limit 0.50 USD); 1.51 USD was asked.',
      details: { asset: 'USD', available: '100', overdraft_limit: '50', requested: '151' },
    });
    const ok = await fx.op<any>('ingestEvent', { transaction_id: 'b', customer: 'acme', code: 'tokens', properties: { tokens: 600_000 } });
    expect(ok.debits[0]).toMatchObject({ amount: '120', from_credit: '100', as_debt: '20' });
    expect((await bal(fx)).available).toBe('-20');
    expectVerified(fx);
  });
});

describe('authorizations', () => {
  it('holds, captures by event and releases the rest', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '1000' });
    const auth = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '300' });
    expect(auth).toMatchObject({ status: 'pending', held: '300' });
    expect((await bal(fx)).available).toBe('700');
    const ev = await fx.op<any>('ingestEvent', { transaction_id: 'e', customer: 'acme', code: 'tokens', properties: { tokens: 500_000 }, authorization_id: auth.id });
    expect(ev.debits[0]).toMatchObject({ amount: '100', from_hold: '100', as_debt: '0' });
    expect(ev.authorization).toMatchObject({ status: 'captured', captured: '100', held: '0' });
    const b = await bal(fx);
    expect([b.posted, b.pending, b.available]).toEqual(['900', '0', '900']);
    expectVerified(fx);
  });

  it('keeps a hold open with final_capture=false for streaming events', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '1000' });
    const auth = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '300' });
    for (let i = 0; i < 3; i++) await fx.op('ingestEvent', { transaction_id: `s${i}`, customer: 'acme', code: 'tokens', properties: { tokens: 250_000 }, authorization_id: auth.id, final_capture: false });
    let a = await fx.op<any>('getAuthorization', { id: auth.id });
    expect(a).toMatchObject({ status: 'pending', captured: '150', held: '150' });
    await fx.op('voidAuthorization', { id: auth.id });
    a = await fx.op<any>('getAuthorization', { id: auth.id });
    expect(a).toMatchObject({ status: 'voided', held: '0' });
    expect((await bal(fx)).available).toBe('850');
    // A retried void (its answer lost) answers the voided hold again and changes nothing.
    expect(await fx.op<any>('voidAuthorization', { id: auth.id })).toMatchObject({ status: 'voided', held: '0', captured: '150' });
    expect((await bal(fx)).available).toBe('850');
    expectVerified(fx);
  });

  it('books a capture beyond its hold as debt, flags it, and the debt blocks new authorizations until repaid', async () => {
    fx = openEngine();
    // The part of the event beyond its hold is checked like any event's cost: the overdraft limit lets it become debt.
    await seedTokens(fx.op, { topUp: '100', overdraft: '100' });
    const auth = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '100' });
    const ev = await fx.op<any>('ingestEvent', { transaction_id: 'over', customer: 'acme', code: 'tokens', properties: { tokens: 1_000_000 }, authorization_id: auth.id }); // 200 cents
    expect(ev.debits[0]).toMatchObject({ amount: '200', from_hold: '100', as_debt: '100' });
    expect(ev.debt_created).toBe(true);
    expect((await bal(fx)).debt).toBe('100');
    await expect(fx.op('createAuthorization', { customer: 'acme', asset: 'USD', amount: '1' })).rejects.toMatchObject({ code: 'insufficient_funds', details: { available: '-100', debt: '100' } });
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '150' });
    const b = await bal(fx);
    expect([b.debt, b.available]).toEqual(['0', '50']);
    await expect(fx.op('createAuthorization', { customer: 'acme', asset: 'USD', amount: '50' })).resolves.toMatchObject({ status: 'pending' });
    expectVerified(fx);
  });

  it('explicit capture, increment (checked) and extend', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    await seedTokens(fx.op, { topUp: '500' });
    const auth = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '200', ttl_seconds: 60 });
    await expect(fx.op('incrementAuthorization', { id: auth.id, amount: '301' })).rejects.toMatchObject({ code: 'insufficient_funds' });
    await fx.op('incrementAuthorization', { id: auth.id, amount: '300' });
    expect((await bal(fx)).available).toBe('0');
    clock.advance(50_000);
    await fx.op('extendAuthorization', { id: auth.id, ttl_seconds: 60 });
    clock.advance(50_000);
    const cap = await fx.op<any>('captureAuthorization', { id: auth.id, amount: '420' });
    expect(cap).toMatchObject({ status: 'captured', amount: '500', captured: '420', held: '0' });
    expect((await bal(fx)).available).toBe('80');
    await expect(fx.op('voidAuthorization', { id: auth.id })).rejects.toMatchObject({ code: 'invalid_state' });
    expectVerified(fx);
  });

  it('an expired hold stops counting at its expiry, before any sweep', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    await seedTokens(fx.op, { topUp: '100' });
    const auth = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '100', ttl_seconds: 30 });
    await expect(fx.op('createAuthorization', { customer: 'acme', asset: 'USD', amount: '1' })).rejects.toMatchObject({ code: 'insufficient_funds' });
    clock.advance(30_000);
    expect((await fx.op<any>('getAuthorization', { id: auth.id })).status).toBe('expired');
    await expect(fx.op('createAuthorization', { customer: 'acme', asset: 'USD', amount: '100' })).resolves.toMatchObject({ status: 'pending' });
    const released = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 100 }).filter((t) => t.phase === 2 && t.authorization_id === auth.id);
    expect(released).toHaveLength(1);
    expect(released[0]!.effective_at).toBe(T0 + 30_000);
    expectVerified(fx);
  });

  it('a lot expiring under a pending hold keeps the reserved credit for the hold; the rest expires to breakage', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    await seedTokens(fx.op, {});
    await fx.op('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000', expires_at: new Date(T0 + 60_000).toISOString() });
    const auth = await fx.op<any>('createAuthorization', { customer: 'acme', asset: 'USD', amount: '400', ttl_seconds: 600 });
    clock.advance(120_000); // the lot has expired; the hold has not
    let b = await bal(fx);
    expect([b.posted, b.pending, b.available]).toEqual(['400', '400', '0']);
    // the hold captures 300 from its reserved credit; the 100 it releases goes to breakage at once
    const ev = await fx.op<any>('ingestEvent', { transaction_id: 'late', customer: 'acme', code: 'tokens', properties: { tokens: 1_500_000 }, authorization_id: auth.id });
    expect(ev.debits[0]).toMatchObject({ amount: '300', from_hold: '300', as_debt: '0' });
    b = await bal(fx);
    expect([b.posted, b.pending, b.available, b.debt]).toEqual(['0', '0', '0', '0']);
    const breakage = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 100 }).filter((t) => t.kind === 'expiry');
    expect(breakage.map((t) => [t.amount, t.effective_at])).toEqual([
      [600n, T0 + 60_000],
      [100n, T0 + 120_000],
    ]);
    expectVerified(fx);
  });

  it('prices a metric hold through the plan with sub-cent estimates rounded up, counting other holds', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '5' });
    const holds = [];
    for (let i = 0; i < 5; i++) holds.push(await fx.op<any>('createAuthorization', { customer: 'acme', metric: 'tokens', quantity: 1000 }));
    expect(holds.map((h) => h.held)).toEqual(['1', '1', '1', '1', '1']); // $0.002 each, never a zero hold
    await expect(fx.op('createAuthorization', { customer: 'acme', metric: 'tokens', quantity: 1000 })).rejects.toMatchObject({ code: 'insufficient_funds' });
    const q = await fx.op<any>('createQuote', { customer: 'acme', metric: 'tokens', quantity: 1000 });
    expect(q).toMatchObject({ amount: '1', exact_amount: '0.002', asset: 'USD' });
    expectVerified(fx);
  });
});

describe('refunds, chargebacks, adjustments', () => {
  it('refunds the unused rest of a partly used top-up, never more, and idempotently', async () => {
    fx = openEngine();
    await seedTokens(fx.op, {});
    const tu = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000' });
    await fx.op('ingestEvent', { transaction_id: 'u', customer: 'acme', code: 'tokens', properties: { tokens: 1_500_000 } }); // 300
    await expect(fx.op('refundTopUp', { id: tu.id, amount: '701' })).rejects.toMatchObject({ code: 'amount_exceeds_refundable', message: `Top-up ${tu.id} has 7.00 USD unused and free to refund; 7.01 USD was asked.`, details: { refundable: '700', requested: '701', asset: 'USD' } });
    const r1 = await fx.op<any>('refundTopUp', { id: tu.id, idempotency_key: 'r1' });
    expect(r1).toMatchObject({ status: 'refunded', refunded_amount: '700', refundable: '0' });
    const r2 = await fx.op<any>('refundTopUp', { id: tu.id, idempotency_key: 'r1' });
    expect(r2.refunded_amount).toBe('700');
    const r3 = await fx.op<any>('refundTopUp', { id: tu.id });
    expect(r3.refunded_amount).toBe('700');
    expect((await bal(fx)).posted).toBe('0');
    expectVerified(fx);
  });

  it('a chargeback takes the whole top-up back, creating debt for what was spent', async () => {
    fx = openEngine();
    await seedTokens(fx.op, {});
    const tu = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000' });
    await fx.op('ingestEvent', { transaction_id: 'u', customer: 'acme', code: 'tokens', properties: { tokens: 2_000_000 } }); // 400
    const cb = await fx.op<any>('reverseTopUp', { id: tu.id, reason: 'card dispute' });
    expect(cb).toMatchObject({ chargeback: true, status: 'refunded' });
    const b = await bal(fx);
    expect([b.posted, b.debt, b.available]).toEqual(['0', '400', '-400']);
    expectVerified(fx);
  });

  it('pending top-ups credit nothing until confirmed; confirmation is idempotent', async () => {
    fx = openEngine();
    await seedTokens(fx.op, {});
    const tu = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '500', status: 'pending' });
    expect((await bal(fx))?.posted ?? '0').toBe('0');
    await fx.op('confirmTopUp', { id: tu.id });
    await fx.op('confirmTopUp', { id: tu.id });
    expect((await bal(fx)).posted).toBe('500');
    await expect(fx.op('failTopUp', { id: tu.id })).rejects.toMatchObject({ code: 'invalid_state' });
    expectVerified(fx);
  });

  it('adjustments need a reason, are idempotent, and a negative one may create debt', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '100' });
    await expect(fx.op('createAdjustment', { external_id: 'acme', asset: 'USD', amount: '-10', reason: '', idempotency_key: 'a' })).rejects.toThrow();
    await fx.op('createAdjustment', { external_id: 'acme', asset: 'USD', amount: '-150', reason: 'correction', idempotency_key: 'a' });
    await fx.op('createAdjustment', { external_id: 'acme', asset: 'USD', amount: '-150', reason: 'correction', idempotency_key: 'a' });
    await expect(fx.op('createAdjustment', { external_id: 'acme', asset: 'USD', amount: '-151', reason: 'correction', idempotency_key: 'a' })).rejects.toMatchObject({ code: 'idempotency_conflict' });
    let b = await bal(fx);
    expect([b.posted, b.debt]).toEqual(['0', '50']);
    await fx.op('createAdjustment', { external_id: 'acme', asset: 'USD', amount: '80', reason: 'goodwill', idempotency_key: 'b' });
    b = await bal(fx);
    expect([b.posted, b.debt]).toEqual(['30', '0']);
    expectVerified(fx);
  });
});

describe('reversals give money back last in first out', () => {
  it('re-credits the lot that paid, or breakage when it expired since', async () => {
    const clock = new ManualClock(T0);
    fx = openEngine({ clock });
    await seedTokens(fx.op, {});
    const lasting = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '1000' });
    const short = await fx.op<any>('createTopUp', { external_id: 'acme', asset: 'USD', amount: '100', expires_at: new Date(T0 + 60_000).toISOString() });
    await fx.op('ingestEvent', { transaction_id: 'a', customer: 'acme', code: 'tokens', properties: { tokens: 1_000_000 } }); // 200: 100 from short, 100 from lasting
    clock.advance(120_000);
    const rev = await fx.op<any>('reverseEvent', { customer: 'acme', transaction_id: 'a', reason: 'duplicate' });
    expect(rev.status).toBe('reversed');
    const lots = Object.fromEntries((await bal(fx)).lots.map((l: any) => [l.id, l.remaining]));
    expect(lots[lasting.lot_id]).toBe('1000'); // last in, first given back
    expect(lots[short.lot_id]).toBeUndefined(); // expired: its share went to breakage
    const breakage = fx.engine.store.listTransfers({ accountIds: null, afterId: null, beforeId: null, from: null, to: null, desc: false, limit: 100 }).filter((t) => t.kind === 'expiry');
    expect(breakage.reduce((s, t) => s + t.amount, 0n)).toBe(100n);
    // reversing twice changes nothing
    await fx.op('reverseEvent', { customer: 'acme', transaction_id: 'a', reason: 'duplicate' });
    expect((await bal(fx)).posted).toBe('1000');
    expectVerified(fx);
  });
});

describe('spend caps', () => {
  it('enforces a daily cap on both paths whatever the balance', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '100000' });
    await fx.op('updateCustomer', { external_id: 'acme', spend_caps: [{ asset: 'USD', window: 'day', amount: '500' }] });
    await fx.op('ingestEvent', { transaction_id: 'a', customer: 'acme', code: 'tokens', properties: { tokens: 2_000_000 } }); // 400
    await expect(fx.op('ingestEvent', { transaction_id: 'b', customer: 'acme', code: 'tokens', properties: { tokens: 600_000 } })).rejects.toMatchObject({
      code: 'spend_cap_exceeded',
      message: 'The daily USD spend cap of acme (5.00 USD) would be exceeded: spent 4.00 USD, held 0.00 USD, this event 1.20 USD.',
      details: { asset: 'USD', window: 'day', cap: '500', spent: '400', held: '0', cost: '120' },
    });
    await expect(fx.op('createAuthorization', { customer: 'acme', asset: 'USD', amount: '101' })).rejects.toMatchObject({
      code: 'spend_cap_exceeded',
      message: 'The daily USD spend cap of acme (5.00 USD) would be exceeded: spent 4.00 USD, held 0.00 USD, asked 1.01 USD.',
      details: { asset: 'USD', window: 'day', cap: '500', spent: '400', held: '0', requested: '101' },
    });
    await fx.op('createAuthorization', { customer: 'acme', asset: 'USD', amount: '100' });
    const c = await fx.op<any>('getCustomer', { external_id: 'acme' });
    expect(c.spend_caps[0]).toMatchObject({ amount: '500', spent: '400' });
    expectVerified(fx);
  });
});

describe('the ledger check', () => {
  it('fails on a corrupted running total and names the account', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '1000' });
    await fx.op('ingestEvent', { transaction_id: 'a', customer: 'acme', code: 'tokens', properties: { tokens: 1000 } });
    expectVerified(fx);
    fx.engine.db.prepare("UPDATE accounts SET credits_posted = credits_posted + 1 WHERE type = 'wallet'").run();
    const report = fx.engine.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.account)).toContain('customer:acme:USD:wallet');
    expect(report.problems.find((p) => p.check === 'running_total')).toMatchObject({ expected: '1000', actual: '1001' });
  });

  it('fails on a lot or an open hold that no longer matches its transfers', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '1000' });
    await fx.op('createAuthorization', { customer: 'acme', asset: 'USD', amount: '100' });
    expectVerified(fx);
    fx.engine.db.prepare('UPDATE authorizations SET held = held + 7').run();
    let report = fx.engine.verify();
    expect(report.problems.find((p) => p.check === 'holds')).toMatchObject({ account: 'customer:acme:USD:wallet', expected: '107', actual: '100' });
    fx.engine.db.prepare('UPDATE authorizations SET held = held - 7').run();
    fx.engine.db.prepare('UPDATE lots SET remaining = remaining - 1').run();
    report = fx.engine.verify();
    expect(report.problems.map((p) => p.check).sort()).toEqual(['lot', 'wallet_lots']);
    expect(report.lots).toBe(1);
  });

  it('fails when a transfer row is tampered with', async () => {
    fx = openEngine();
    await seedTokens(fx.op, { topUp: '1000' });
    fx.engine.db.prepare('UPDATE transfers SET amount = amount + 5 WHERE id = (SELECT MIN(id) FROM transfers)').run();
    const report = fx.engine.verify();
    expect(report.ok).toBe(false);
    expect(report.problems.some((p) => p.check === 'running_total' && p.account === 'system:USD:funding')).toBe(true);
  });
});

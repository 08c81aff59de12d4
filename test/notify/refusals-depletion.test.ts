/**
 * What the refusal webhooks and wallet alerts tell an integrator: a coalesced summary samples a
 * refusal it counts; an idempotency conflict (the caller's retry mistake) is counted among refusals
 * but is not a declined authorization nor a refused event; a postpaid customer, whose available
 * goes below zero by design, gets no wallet.depleted (their balance alert rules still fire).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine, seedTokens } from '../helpers/harness';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** Every refusal webhook the engine queues, in order. */
function refusalWebhooks(engine: EngineFixture['engine']) {
  const sent: { type: string; data: any }[] = [];
  const queue = engine.refusals.onWebhook;
  engine.refusals.onWebhook = (type, data) => {
    sent.push({ type, data });
    queue?.(type, data);
  };
  return sent;
}

const decline = (amount: string, key?: string) =>
  fx!.op('createAuthorization', { customer: 'acme', asset: 'USD', amount, ...(key ? { idempotency_key: key } : {}) }).then(
    () => null,
    (err: any) => err.code as string,
  );

describe('refusal webhooks', () => {
  it('a coalesced summary samples the first refusal it counts, not the one already sent on its own', async () => {
    const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
    fx = openEngine({ clock });
    const sent = refusalWebhooks(fx.engine);
    await seedTokens(fx.op, { topUp: '10' });
    expect([await decline('1000'), await decline('2000'), await decline('3000')]).toEqual(['insufficient_funds', 'insufficient_funds', 'insufficient_funds']);
    await fx.engine.flushRefusals();
    clock.advance(61_000);
    await fx.engine.flushRefusals();
    expect(sent.map((s) => [s.type, s.data.coalesced, s.data.count])).toEqual([['authorization.declined', false, 1], ['authorization.declined', true, 2]]);
    expect(sent[0]!.data.message).toContain('10.00 USD was asked');
    expect(sent[1]!.data).toMatchObject({ reasons: { insufficient_funds: 2 } });
    expect(sent[1]!.data.sample_message).toContain('20.00 USD was asked');
  });

  it('an idempotency conflict is counted as a refusal but sent as neither authorization.declined nor event.refused', async () => {
    const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
    fx = openEngine({ clock });
    const sent = refusalWebhooks(fx.engine);
    await seedTokens(fx.op, { topUp: '100000' });
    expect(await decline('10', 'k-1')).toBeNull();
    expect(await decline('20', 'k-1')).toBe('idempotency_conflict');
    await fx.op('ingestEvent', { transaction_id: 't-1', customer: 'acme', code: 'tokens', properties: { tokens: 5 } });
    await expect(fx.op('ingestEvent', { transaction_id: 't-1', customer: 'acme', code: 'tokens', properties: { tokens: 6 } })).rejects.toMatchObject({ code: 'idempotency_conflict' });
    // a real decline in the same minute still goes at once
    expect(await decline('999999999')).toBe('insufficient_funds');
    await fx.engine.flushRefusals();
    clock.advance(61_000);
    await fx.engine.flushRefusals();
    expect(sent.map((s) => [s.type, s.data.reason ?? s.data.reasons])).toEqual([['authorization.declined', 'insufficient_funds']]);
    const refused = await fx.op<any>('listRefusals', { customer: 'acme', since: '2026-05-31T00:00:00Z' });
    expect(Object.fromEntries(refused.reasons.map((r: any) => [r.reason, r.count]))).toEqual({ idempotency_conflict: 2, insufficient_funds: 1 });
  });
});

describe('wallet.depleted', () => {
  async function customerWithRule(billingMode: 'prepaid' | 'postpaid') {
    fx = openEngine();
    await seedTokens(fx.op, billingMode === 'postpaid' ? { unitPrice: '1' } : { unitPrice: '1', topUp: '1000' });
    if (billingMode === 'postpaid') await fx.op('updateCustomer', { external_id: 'acme', billing_mode: 'postpaid', overdraft_limits: [{ asset: 'USD', amount: '1000000' }] });
    await fx.op('createAlertRule', { customer: 'acme', kind: 'balance', asset: 'USD', threshold: '-1000' });
    for (let i = 0; i < (billingMode === 'postpaid' ? 3 : 2); i++) await fx.op('ingestEvent', { transaction_id: `e${i}`, customer: 'acme', code: 'tokens', properties: { tokens: 5 } });
    const balance = (await fx.op<any>('getBalances', { external_id: 'acme' })).balances[0];
    return { balance, alerts: (await fx.op<any>('listAlerts', { customer: 'acme' })).events.map((e: any) => e.type).sort() };
  }

  it('does not fire for a postpaid customer, whose fees take available below zero by design', async () => {
    const { balance, alerts } = await customerWithRule('postpaid');
    expect(BigInt(balance.available)).toBe(-1500n);
    // the operator's own rule (below -10.00 USD) still fires
    expect(alerts).toEqual(['wallet.low_balance']);
    expect(fx!.engine.store.getWalletDepleted(fx!.engine.customers.require('acme').id, 'USD')).toBe(false);
  });

  it('still fires for a prepaid customer who runs out', async () => {
    const { balance, alerts } = await customerWithRule('prepaid');
    expect(balance.available).toBe('0');
    expect(alerts).toEqual(['wallet.depleted']);
  });
});

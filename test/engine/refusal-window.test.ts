/**
 * The refused-requests listing answers for one window: its counts and its samples both start at
 * `since` (default: the last 24 hours), so a sample never explains a refusal the counts left out;
 * and a customer filter narrows both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src-main/engine/clock';
import { type EngineFixture, openEngine, seedTokens } from '../helpers/harness';

let fx: EngineFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

const decline = (customer: string, amount: string) => fx!.op('createAuthorization', { customer, asset: 'USD', amount }).catch((err: any) => err.code as string);
const listing = (input: Record<string, unknown> = {}) => fx!.op<any>('listRefusals', input);
const summary = (out: any) => out.reasons.map((r: any) => [r.reason, r.count, r.samples.map((s: any) => s.at)]);

describe('the refused-requests listing', () => {
  it('counts and samples the same window, by default the last 24 hours', async () => {
    const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
    fx = openEngine({ clock });
    await seedTokens(fx.op, { topUp: '10' });
    expect(await decline('acme', '1000')).toBe('insufficient_funds'); // June 1, 00:00
    await fx.engine.flushRefusals();
    clock.set(Date.parse('2026-06-03T12:00:00Z'));
    expect(await decline('acme', '2000')).toBe('insufficient_funds');
    await fx.engine.flushRefusals();

    // The default window holds only the second decline: one counted, one sample, the newer.
    expect(summary(await listing())).toEqual([['insufficient_funds', 1, ['2026-06-03T12:00:00.000Z']]]);
    // A window that reaches back to June 1 holds both.
    expect(summary(await listing({ since: '2026-05-31T00:00:00Z' }))).toEqual([['insufficient_funds', 2, ['2026-06-03T12:00:00.000Z', '2026-06-01T00:00:00.000Z']]]);
    // A window after both holds nothing, not an old sample without a count.
    expect(await listing({ since: '2026-06-03T12:01:00Z' })).toEqual({ reasons: [] });
  });

  it('narrows counts and samples to one customer', async () => {
    const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
    fx = openEngine({ clock });
    await seedTokens(fx.op, { topUp: '10' });
    await seedTokens(fx.op, { customer: 'globex', topUp: '10' });
    expect(await decline('acme', '1000')).toBe('insufficient_funds');
    expect(await decline('globex', '1000')).toBe('insufficient_funds');
    expect(await decline('globex', '2000')).toBe('insufficient_funds');
    await fx.engine.flushRefusals();
    const all = await listing();
    expect(all.reasons[0]).toMatchObject({ reason: 'insufficient_funds', count: 3 });
    const acme = await listing({ customer: 'acme' });
    expect(acme.reasons).toHaveLength(1);
    expect(acme.reasons[0].count).toBe(1);
    expect(acme.reasons[0].samples.map((s: any) => s.customer)).toEqual(['acme']);
    await expect(listing({ customer: 'nobody' })).rejects.toMatchObject({ code: 'customer_not_found' });
  });
});

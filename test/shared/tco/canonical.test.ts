import { describe, expect, it } from 'vitest';
import { CANONICAL_PUBLISHED, CANONICAL_SCENARIO, computeTco, loadPublishedExample, type OptionResult, type TcoResult } from '../../../shared/tco';

const option = (r: TcoResult, id: string): OptionResult => {
  const o = r.options.find((x) => x.id === id);
  if (!o) throw new Error(`no option ${id}`);
  return o;
};

describe('the canonical scenario of the article', () => {
  const result = computeTco(loadPublishedExample());

  it('is 100 customers at $20 a month, 1,000 events each, 5 seats', () => {
    expect(CANONICAL_SCENARIO).toMatchObject({ customers: 100, avgMonthlySpend: '20', eventsPerCustomerPerMonth: 1000, seats: 5 });
  });

  it('has the published revenue ($2,000 a month) and events (100,000 a month)', () => {
    expect(result.revenueMonthly.value).toBe('2000');
    expect(result.revenueMonthly.value).toBe(CANONICAL_PUBLISHED.revenueMonthly);
    expect(result.eventsMonthly.value).toBe('100000');
    expect(result.eventsMonthly.value).toBe(CANONICAL_PUBLISHED.eventsMonthly);
  });

  it('prices Credyt at $90 a month plus processing', () => {
    const credyt = option(result, 'credyt');
    expect(credyt.monthlyExcludingProcessing.value).toBe('90');
    expect(credyt.monthlyExcludingProcessing.value).toBe(CANONICAL_PUBLISHED.credytMonthlyBeforeProcessing);
    // Processing on the labelled PSP assumption: 2.9% × $2,000 + 100 top-ups × $0.30 = $58 + $30.
    expect(credyt.processingMonthly.value).toBe('88');
    expect(credyt.monthly.value).toBe('178');
    const wallets = credyt.lines.find((l) => l.id === 'credyt.walletPrice')!;
    expect(wallets.amount.value).toBe('90');
    expect(wallets.formula).toBe('1 USD × max(0, 100 − 10) active wallets');
    // Under the free million events, the unknown event price costs nothing and blanks nothing.
    const events = credyt.lines.find((l) => l.id === 'credyt.eventPrice')!;
    expect(events.amount.value).toBe('0');
    expect(events.amount.unknownBecause).toEqual([]);
    expect(credyt.monthly.unknownBecause).toEqual([]);
  });

  it('traces the Credyt figure to the inputs and preset lines it came from', () => {
    const from = option(result, 'credyt').monthlyExcludingProcessing.from;
    for (const id of ['credyt.walletPrice', 'credyt.freeWallets', 'credyt.freeEvents', 'credyt.eventPrice', 'scenario.customers', 'scenario.activeWalletSharePercent']) {
      expect(from).toContain(id);
    }
    const line = result.inputs.find((i) => i.id === 'credyt.walletPrice')!;
    expect(line).toMatchObject({ value: '1', kind: 'published', date: '2026-04' });
  });

  it('reports Lago Cloud as unknown because its price is not public, with the anecdotes as hints only', () => {
    const lago = option(result, 'lagoCloud');
    expect(lago.monthly.value).toBeNull();
    expect(lago.monthly.unknownBecause).toEqual(['lagoCloud.subscription']);
    expect(lago.horizonTotal.unknownBecause).toEqual(['lagoCloud.subscription']);
    expect(lago.cumulative.every((m) => m.value === null)).toBe(true);
    // What is known still shows: processing and the one-off work.
    expect(lago.processingMonthly.value).toBe('88');
    expect(lago.oneOff.value).not.toBeNull();
    const hints = result.inputs.filter((i) => i.optionId === 'lagoCloud' && i.hint);
    expect(hints.map((h) => [h.value, h.kind, h.date])).toEqual([['1500', 'anecdote', '2024-04'], ['3000', 'anecdote', '2024-04']]);
    const unknown = result.unknowns.find((u) => u.id === 'lagoCloud.subscription')!;
    expect(unknown.affects).toContain('option.lagoCloud.monthly');
    expect(unknown.affects).toContain('breakEven.credyt~lagoCloud');
  });

  it('lists the unknown Credyt event price even though nothing depends on it below a million events', () => {
    const unknown = result.unknowns.find((u) => u.id === 'credyt.eventPrice')!;
    expect(unknown.affects.filter((a) => a.startsWith('option.'))).toEqual([]);
    // The break-even search does run past 1,000 customers (1,000,000 events), where it would need it.
    const be = result.breakEvens.find((b) => b.id === 'breakEven.credyt~tollgate')!;
    expect(be).toMatchObject({ status: 'unknown', cheaperAtZero: 'credyt', searchedUpTo: 1000, unknownBecause: ['credyt.eventPrice'] });
  });

  it('counts Lago OSS gaps and Tollgate gaps from the same feature table', () => {
    const tollgate = option(result, 'tollgate').lines.filter((l) => l.category === 'features' && l.timing === 'one_off').map((l) => l.id);
    expect(tollgate).toEqual(['feature.customerPortal.tollgate.build', 'feature.dunning.tollgate.build', 'feature.paymentProvider.tollgate.build']);
    const lago = option(result, 'lagoSelfHosted').lines.filter((l) => l.category === 'features' && l.timing === 'one_off').map((l) => l.id);
    // The portal is in Lago's open-source core since September 2024, so it is not a gap.
    expect(lago).toEqual([
      'feature.realtimeBalance.lagoSelfHosted.build',
      'feature.preUsageAuthorization.lagoSelfHosted.build',
      'feature.creditNotes.lagoSelfHosted.build',
      'feature.dunning.lagoSelfHosted.build',
    ]);
    expect(option(result, 'credyt').lines.some((l) => l.category === 'features')).toBe(false);
  });

  it('works out the self-hosted options line by line', () => {
    // Tollgate: $24 host + $5 backups + $10 observability + (2 + 2) h × $100 + upkeep 2% × 144 h × $100 = $727.
    expect(option(result, 'tollgate').monthlyExcludingProcessing.value).toBe('727');
    // One-off: (40 + 8) h integration and deployment + 144 h of features, at $100.
    expect(option(result, 'tollgate').oneOff.value).toBe('19200');
    // Lago OSS: $250 infrastructure + (6 + 4) h × $100 + upkeep 2% × 224 h × $100 = $1,698.
    expect(option(result, 'lagoSelfHosted').monthlyExcludingProcessing.value).toBe('1698');
    expect(option(result, 'lagoSelfHosted').oneOff.value).toBe('32400');
  });

  it('loads a fresh copy every time, so edits do not leak between pages', () => {
    const a = loadPublishedExample();
    (a.scenario as { customers: number }).customers = 5;
    expect(loadPublishedExample().scenario.customers).toBe(100);
    expect(loadPublishedExample().options).not.toBe(a.options);
  });
});

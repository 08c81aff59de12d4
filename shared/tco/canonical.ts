/**
 * The article's canonical scenario, so the console can open on numbers a reader can check against
 * the published comparison: 100 customers spending $20 a month, 1,000 events each, 5 seats.
 */
import { defaultFeatures } from './features';
import { DEFAULT_SCENARIO, type Scenario } from './inputs';
import type { TcoInput } from './model';
import { defaultOptions } from './presets';
import { SRC } from './sources';

export const CANONICAL_SCENARIO: Scenario = Object.freeze({
  ...DEFAULT_SCENARIO,
  customers: 100,
  avgMonthlySpend: '20',
  eventsPerCustomerPerMonth: 1000,
  seats: 5,
});

/** What the article publishes for that scenario; the tests hold the model to it. */
export const CANONICAL_PUBLISHED = Object.freeze({
  source: SRC.canonical,
  revenueMonthly: '2000',
  eventsMonthly: '100000',
  /** "$90 per month plus PSP fees": $1 × 90 monthly active wallets (first 10 free), before processing. */
  credytMonthlyBeforeProcessing: '90',
});

/** A fresh, editable copy of the canonical scenario with the default presets and feature table. */
export function loadPublishedExample(): TcoInput {
  return { scenario: { ...CANONICAL_SCENARIO }, options: defaultOptions(), features: defaultFeatures() };
}

/**
 * Where the TCO model's numbers come from. Every default value in the model is a `Sourced` value, so
 * a page or an export can show, next to each figure, whether it was published, heard second hand or
 * simply chosen by us, and the operator can replace any of them with their own.
 */

/**
 * - `published`: stated by the vendor (pricing page, docs, code) or by the reference article.
 * - `anecdote`: a public second-hand report (a forum comment); a hint, never authoritative.
 * - `assumption`: a value this model chose because nothing was published; edit it.
 */
export type SourceKind = 'published' | 'anecdote' | 'assumption';

export interface Sourced<T> {
  readonly value: T;
  /** Human-readable citation or reasoning. */
  readonly source: string;
  /** When the source was read or the assumption made: `YYYY-MM` or `YYYY-MM-DD`. */
  readonly date: string;
  readonly kind: SourceKind;
  readonly note?: string;
}

/** The date the model's own assumptions were chosen, so a reader can tell how stale they are. */
export const ASSUMED_ON = '2026-11-26';

export const SRC = {
  article: '"Credyt vs Lago" comparison article (Credyt), sources accessed April 2026',
  canonical: '"Credyt vs Lago", section "Pricing at the canonical scenario" (April 2026)',
  credytPricing:
    '"Credyt vs Lago" (April 2026): Credyt published pricing, $1 per Monthly Active Wallet, first 10 wallets free, first 1M events a month free, no seat or platform fees, PSP fees passed through',
  credytPortalEstimate:
    '"Credyt vs Lago" (April 2026): a minimum customer billing portal "takes around two weeks of engineering in Credyt\'s own experience"',
  lagoPricing: '"Credyt vs Lago" (April 2026): Lago cloud pricing is not publicly available; Business and Enterprise require sales contact',
  lagoPremium: '"Credyt vs Lago" (April 2026), citing Lago pricing and premium-features pages',
  lagoOss: '"Credyt vs Lago" (April 2026): AGPLv3 core, self-hosted as a Docker Compose stack (Lago docker-compose.yml, v1.45.1)',
  lagoConnectors: '"Credyt vs Lago" (April 2026): native payment connectors for Stripe, Adyen and GoCardless',
  lagoPortalOss:
    'getlago/lago-openapi PR #276 "feat(customer-portal): Remove premium restriction" and getlago/lago-front PR #1744 "Enable customer portal for everyone" (merged September 2024; the article predates this)',
  hnLucw: 'HN thread "Lago banks $22M" (April 2024), commenter lucw, quoted in "Credyt vs Lago"',
  hnPlantain: 'HN thread "Lago banks $22M" (April 2024), commenter plantain, quoted in "Credyt vs Lago"',
  tollgate: 'Tollgate package.json: MIT license; "real-time wallets, pre-usage authorization, Lago-grade pricing and invoicing"',
  ours: 'TCO model assumption; replace with your own figure',
} as const;

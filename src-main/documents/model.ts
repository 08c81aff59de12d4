/**
 * What a rendered document (invoice, credit note, top-up receipt) shows. The engine fills this
 * from the ledger; the renderer turns it into a PDF and knows nothing about the ledger. Amounts are
 * strings of integer minor units of `currency` (format them with shared/money.ts); quantities and
 * unit prices are decimal strings.
 */

export interface Party {
  legalName: string;
  /** Address lines as they should be printed (street, city + postcode, region...). */
  address: string[];
  /** ISO 3166-1 alpha-2, printed by name. */
  country: string | null;
  taxId: string | null;
  email: string | null;
  /**
   * The seller's logo as SVG markup, frozen with the document: null prints the seller's name in its
   * place; absent (documents made before logos were a setting) prints Tollgate's default logo, as
   * those documents were issued.
   */
  logoSvg?: string | null;
}

export interface TierRow {
  label: string;
  units: string;
  unitPrice: string;
  flatFee: string;
  amount: string;
}

export interface DocumentLine {
  kind: 'fixed_fee' | 'usage' | 'allowance' | 'minimum_commitment' | 'coupon' | 'fee' | 'adjustment' | 'credit' | 'top_up' | 'other';
  description: string;
  /** e.g. "1 Nov – 30 Nov 2026" for a prorated or segmented line. */
  period: string | null;
  quantity: string | null;
  unit: string | null;
  unitPrice: string | null;
  /** Minor units of the document currency; negative for discounts and credits. */
  amount: string;
  /** Tier breakdown printed under the line (graduated, volume). */
  tiers: TierRow[];
  /** Custom-asset usage shown for information, not part of the money total (e.g. "1,200,000 TOKENS"). */
  informational: boolean;
}

export interface TaxRow {
  label: string;
  /** Percent as a decimal string, "20". */
  rate: string;
  base: string;
  amount: string;
}

export interface DocumentModel {
  kind: 'invoice' | 'credit_note' | 'receipt';
  /** TG-2026-000123, TG-2026-000123-CN01, RC-2026-000045 */
  number: string;
  /** ISO date (YYYY-MM-DD) in the seller's billing zone. */
  issueDate: string;
  dueDate: string | null;
  supplyPeriod: { start: string; end: string } | null;
  /** BCP 47 language for labels and number formats ("en", "fr", "de", "ja"...); unknown falls back to English. */
  language: string;
  seller: Party;
  buyer: Party;
  currency: { code: string; scale: number };
  lines: DocumentLine[];
  subtotal: string;
  discounts: { label: string; amount: string }[];
  taxes: TaxRow[];
  total: string;
  /** Prepaid credit (wallet) applied to this document. */
  creditsApplied: string;
  amountDue: string;
  paymentTerms: string | null;
  /** Exemption or reverse-charge text, printed where it applies. */
  taxNote: string | null;
  notes: string[];
  /** Credit notes: the invoice they correct; reissues: the invoice they replace. */
  references: { label: string; number: string }[];
  /** Credit notes: the reason ("Duplicated charge"). */
  reason: string | null;
  status: string | null;
}

/**
 * The Billing details card's form, without React: the values as the form holds them, the
 * UpdateCustomer fields they make, and errors in words. Kept apart so it can be tested alone.
 */
import { z } from 'zod';
import { INVOICE_LANGUAGES, type UpdateCustomer } from '@shared/contract/ledger';
import type { OutputOf } from '../../api';

/** The languages documents are worded in, as select options. */
export const LANGUAGES = Object.entries(INVOICE_LANGUAGES).map(([code, name]) => ({ value: code, label: `${name} (${code})` }));
const LANGUAGE_NAMES = `${LANGUAGES.slice(0, -1)
  .map((l) => l.label)
  .join(', ')} or ${LANGUAGES[LANGUAGES.length - 1]!.label}`;

export type Customer = OutputOf<'getCustomer'>;
export type TaxTreatment = Customer['tax_treatment'];

/** The invoice fields of a customer as the form holds them: text as typed, converted on save. */
export interface BillingValues {
  legal_name: string;
  address: string;
  country: string;
  tax_id: string;
  currency: string;
  language: string;
  invoice_emails: string[];
  tax_rate: string;
  tax_treatment: TaxTreatment;
  tax_note: string;
  payment_terms_days: string;
}

/** The fields this card edits (the keys of UpdateCustomer it owns). */
export const BILLING_FIELDS = ['legal_name', 'address', 'country', 'tax_id', 'currency', 'language', 'invoice_emails', 'tax_rate', 'tax_treatment', 'tax_note', 'payment_terms_days'] as const;
export type BillingField = (typeof BILLING_FIELDS)[number];

export function billingValuesOf(c: Customer): BillingValues {
  return {
    legal_name: c.legal_name ?? '',
    address: c.address.join('\n'),
    country: c.country ?? '',
    tax_id: c.tax_id ?? '',
    currency: c.currency ?? '',
    language: c.language ?? '',
    invoice_emails: c.invoice_emails,
    tax_rate: c.tax_rate ?? '',
    tax_treatment: c.tax_treatment,
    tax_note: c.tax_note ?? '',
    payment_terms_days: c.payment_terms_days === null ? '' : String(c.payment_terms_days),
  };
}

/** Address lines as printed: blank lines dropped, spaces at either end trimmed. */
export const addressLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The part of an UpdateCustomer body these fields make. Empty text clears a field (null: the
 * default applies). Payment terms that are not whole digits become NaN, which the contract's own
 * schema rejects, so it alone decides what is valid.
 */
export function billingInput(v: BillingValues, stored?: Customer): Partial<Pick<z.input<typeof UpdateCustomer>, BillingField>> {
  const terms = v.payment_terms_days.trim();
  // Editing a stored customer, a currency or language left as it was is not sent: one saved before
  // they were checked (an import's "es") must not stop the rest of the form from saving.
  const kept = (field: 'currency' | 'language') => stored !== undefined && v[field] === (stored[field] ?? '');
  return {
    ...(kept('currency') ? {} : { currency: v.currency || null }),
    ...(kept('language') ? {} : { language: v.language || null }),
    legal_name: v.legal_name.trim() || null,
    address: addressLines(v.address),
    country: v.country.trim() || null,
    tax_id: v.tax_id.trim() || null,
    invoice_emails: v.invoice_emails.flatMap((e) => e.split(/[,;\s]+/)).filter(Boolean),
    tax_rate: v.tax_rate.trim().replace(/\s*%$/, '') || null,
    tax_treatment: v.tax_treatment,
    tax_note: v.tax_note.trim() || null,
    payment_terms_days: terms === '' ? null : /^\d+$/.test(terms) ? Number(terms) : Number.NaN,
  };
}

const sentence = (s: string) => (s ? s[0]!.toUpperCase() + s.slice(1) : s);

/**
 * A zod issue of UpdateCustomer in words, for the field it names. The contract decides what is
 * valid; this only says it the way an operator reads it ("At most 200 characters" rather than
 * "Too big: expected string to have <=200 characters").
 */
export function customerIssueText(issue: z.core.$ZodIssue, input: Record<string, unknown>): string {
  const [field, index] = issue.path as (string | number)[];
  const max = 'maximum' in issue ? Number(issue.maximum) : undefined;
  switch (field) {
    case 'address':
      if (typeof index === 'number') return `Line ${index + 1}: at most ${max} characters`;
      return `At most ${max} lines`;
    case 'invoice_emails':
      if (typeof index === 'number') return `${String((input.invoice_emails as string[])[index])}: at most ${max} characters`;
      return `At most ${max} addresses`;
    case 'country':
      return 'Two capital letters, such as FR or DE';
    case 'currency':
      return 'Three capital letters, an ISO 4217 code such as EUR';
    case 'language':
      return `Not a language invoices are printed in: choose ${LANGUAGE_NAMES}`;
    case 'tax_rate':
      return 'A percentage from 0 to 100, such as 20 or 5.5';
    case 'payment_terms_days':
      return 'Whole days from 0 to 365, such as 30';
    case 'tax_treatment':
      return 'Choose standard, exempt or reverse charge';
  }
  if (issue.code === 'too_big' && max !== undefined) return `At most ${max} characters`;
  return sentence(issue.message);
}

const emailSchema = z.email();

/** Checks the console adds to the contract's: an invoice address must look like one. */
export function billingExtraErrors(v: BillingValues): Partial<Record<BillingField, string>> {
  const bad = v.invoice_emails.flatMap((e) => e.split(/[,;\s]+/)).filter((e) => e && !emailSchema.safeParse(e).success);
  return bad.length ? { invoice_emails: `Not an email address: ${bad.join(', ')}` } : {};
}

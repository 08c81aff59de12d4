/**
 * What the Billing details card sends on save. A customer's currency and language are checked by
 * the API (a fiat asset; a language the documents are worded in), but a customer saved before those
 * checks may hold another value (an import's "es"): left as it is, it is not sent, so the rest of the
 * form still saves; changed or cleared, it is sent and checked.
 */
import { describe, expect, it } from 'vitest';
import { billingInput, billingValuesOf } from '../../src-renderer/src/pages/customers/billing-values';

type Stored = Parameters<typeof billingValuesOf>[0];
const stored = {
  legal_name: 'Hooli SAS', address: ['1 rue de la Paix', 'Paris'], country: 'FR', tax_id: null, currency: 'XYZ', language: 'es',
  invoice_emails: [], tax_rate: null, tax_treatment: 'standard', tax_note: null, payment_terms_days: null,
} as unknown as Stored;

describe('billingInput', () => {
  it('leaves out a stored currency and language nobody changed, and sends the other fields', () => {
    const values = { ...billingValuesOf(stored), legal_name: 'Hooli SA' };
    const input = billingInput(values, stored);
    expect(input).not.toHaveProperty('currency');
    expect(input).not.toHaveProperty('language');
    expect(input).toMatchObject({ legal_name: 'Hooli SA', address: ['1 rue de la Paix', 'Paris'], country: 'FR' });
  });

  it('sends a currency or language once changed or cleared', () => {
    const changed = billingInput({ ...billingValuesOf(stored), currency: 'EUR', language: '' }, stored);
    expect(changed).toMatchObject({ currency: 'EUR', language: null });
  });

  it('sends both for a new customer (nothing stored)', () => {
    expect(billingInput(billingValuesOf(stored))).toMatchObject({ currency: 'XYZ', language: 'es' });
  });
});

import { Autocomplete, Box, Card, Divider, Group, Select, SimpleGrid, Stack, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { z } from 'zod';
import type { UpdateCustomer } from '@shared/contract/ledger';
import type { OutputOf } from '../../api';
import { useQuery } from '../../lib/useQuery';
import { call } from '../../api';
import { useAssets } from '../../state/assets';

type Customer = OutputOf<'getCustomer'>;
type TaxTreatment = Customer['tax_treatment'];

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
type BillingField = (typeof BILLING_FIELDS)[number];

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
const addressLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The part of an UpdateCustomer body these fields make. Empty text clears a field (null: the
 * default applies). Payment terms that are not whole digits become NaN, which the contract's own
 * schema rejects, so it alone decides what is valid.
 */
export function billingInput(v: BillingValues): Pick<z.input<typeof UpdateCustomer>, BillingField> {
  const terms = v.payment_terms_days.trim();
  return {
    legal_name: v.legal_name.trim() || null,
    address: addressLines(v.address),
    country: v.country.trim() || null,
    tax_id: v.tax_id.trim() || null,
    currency: v.currency || null,
    language: v.language.trim() || null,
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

const TREATMENTS: { value: TaxTreatment; label: string }[] = [
  { value: 'standard', label: 'Standard' },
  { value: 'exempt', label: 'Exempt' },
  { value: 'reverse_charge', label: 'Reverse charge' },
];
const TREATMENT_HELP: Record<TaxTreatment, string> = {
  standard: 'Taxed at the rate beside.',
  exempt: 'Invoiced at 0%, with the exemption note.',
  reverse_charge: 'Invoiced at 0%; the buyer accounts for the VAT.',
};

/** What the engine prints when the note is empty (src-main/engine/invoicing/tax.ts). */
const DEFAULT_NOTES: Record<TaxTreatment, string | null> = {
  standard: null,
  exempt: 'Exempt from tax.',
  reverse_charge: 'Reverse charge: VAT to be accounted for by the recipient.',
};

/**
 * Billing details: everything printed on the customer's invoices. Shows the defaults that apply
 * to an empty field (the operator's settings), and a preview of the "Bill to" block as typed.
 */
export function BillingDetailsCard({ customer, value, onChange, errors }: { customer: Customer; value: BillingValues; onChange: (v: BillingValues) => void; errors: Record<string, string> }) {
  const assets = useAssets((s) => s.assets);
  // The operator's defaults, for placeholders; a key without the admin scope simply shows none.
  const settings = useQuery(() => call('getSettings', {}), [], { reloadOnHello: false });
  const s = settings.data;
  const set = <K extends keyof BillingValues>(k: K, x: BillingValues[K]) => onChange({ ...value, [k]: x });
  const text = (k: Exclude<BillingField, 'invoice_emails' | 'tax_treatment' | 'currency'>) => ({
    value: value[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set(k, e.currentTarget.value),
    error: errors[k],
  });

  const fiat = Object.values(assets)
    .filter((a) => a.kind === 'fiat')
    .map((a) => a.code)
    .sort();
  const currencies = [...new Set([...fiat, ...(value.currency ? [value.currency] : [])])];
  const currencyData = [{ value: '', label: s ? `Operator default (${s.default_currency})` : 'Operator default' }, ...currencies.map((c) => ({ value: c, label: c }))];
  const taxed = value.tax_treatment === 'standard';
  const lines = addressLines(value.address);
  const terms = value.payment_terms_days.trim();
  const shownNote = value.tax_note.trim() || DEFAULT_NOTES[value.tax_treatment];

  return (
    <Card data-testid="billing-details">
      <Box mb="sm">
        <Title order={2} fz="md">
          Billing details
        </Title>
        <Text size="xs" c="dimmed">
          Printed on this customer's invoices. An empty field uses the default named in it. Invoices already finalized keep what they were issued with.
        </Text>
      </Box>
      <Group align="flex-start" gap="lg" wrap="wrap">
        <Stack gap="sm" style={{ flex: '1 1 440px', minWidth: 0 }}>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Legal name" placeholder={customer.name ?? customer.external_id} description="Empty prints the customer's name." {...text('legal_name')} />
            <TextInput label="Tax ID" placeholder="FR12345678901" description="VAT or other tax number." {...text('tax_id')} />
            <Textarea label="Address" description="As printed, one line per line (up to 8)." placeholder={'12 Rue de la Paix\n75002 Paris'} autosize minRows={2} maxRows={8} {...text('address')} />
            <TextInput
              label="Country"
              description="ISO 3166-1 alpha-2 code."
              placeholder="FR"
              value={value.country}
              onChange={(e) => set('country', e.currentTarget.value.toUpperCase())}
              error={errors.country}
              maxLength={8}
              maw={200}
            />
            <TagsInput
              label="Invoice emails"
              description="Enter or comma adds one; empty sends to the customer's email."
              placeholder={value.invoice_emails.length ? undefined : (customer.email ?? 'billing@example.com')}
              value={value.invoice_emails}
              onChange={(x) => set('invoice_emails', x)}
              splitChars={[',', ' ', ';']}
              acceptValueOnBlur
              clearable
              error={errors.invoice_emails}
            />
            <Select label="Invoice currency" description="The fiat asset invoices are issued in." data={currencyData} value={value.currency} onChange={(x) => set('currency', x ?? '')} allowDeselect={false} error={errors.currency} />
            <Autocomplete label="Invoice language" description="en, fr and de have invoice wording; other tags print English." placeholder="Default: en" data={['en', 'fr', 'de']} value={value.language} onChange={(x) => set('language', x)} error={errors.language} />
            <TextInput
              label="Payment terms"
              description="Days from issue to the due date."
              placeholder={s ? `Default: ${s.payment_terms_days}` : 'Operator default'}
              inputMode="numeric"
              rightSection={
                <Text size="xs" c="dimmed">
                  days
                </Text>
              }
              rightSectionWidth={44}
              className="tg-tier-input"
              maw={200}
              {...text('payment_terms_days')}
            />
          </SimpleGrid>
          <Divider label="Tax" labelPosition="left" mt={4} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select label="Tax treatment" description={TREATMENT_HELP[value.tax_treatment]} data={TREATMENTS} value={value.tax_treatment} onChange={(x) => x && set('tax_treatment', x as TaxTreatment)} allowDeselect={false} error={errors.tax_treatment} />
            <TextInput
              label="Tax rate"
              description={taxed ? "Overrides the operator's; a plan's rate overrides this." : 'Not used: invoiced at 0%.'}
              placeholder={s ? `Default: ${s.tax_rate}` : 'Operator default'}
              inputMode="decimal"
              disabled={!taxed}
              rightSection={
                <Text size="xs" c="dimmed">
                  %
                </Text>
              }
              className="tg-tier-input"
              maw={200}
              {...text('tax_rate')}
            />
          </SimpleGrid>
          <Textarea
            label="Tax note"
            description={DEFAULT_NOTES[value.tax_treatment] ? `Printed under the totals. Empty prints "${DEFAULT_NOTES[value.tax_treatment]}"` : 'Printed under the totals, e.g. an exemption reference. Optional.'}
            autosize
            minRows={1}
            maxRows={4}
            {...text('tax_note')}
          />
        </Stack>
        <Box data-testid="bill-to-preview" p="sm" style={{ flex: '0 1 240px', minWidth: 200, border: '1px dashed var(--tg-border)', borderRadius: 8 }} aria-label="Bill to, as printed">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4}>
            Bill to
          </Text>
          <Text size="sm" fw={600}>
            {value.legal_name.trim() || customer.name || customer.external_id}
          </Text>
          {lines.map((l, i) => (
            <Text size="sm" key={i}>
              {l}
            </Text>
          ))}
          {value.country.trim() && <Text size="sm">{value.country.trim()}</Text>}
          {value.tax_id.trim() && (
            <Text size="sm" c="dimmed">
              Tax ID {value.tax_id.trim()}
            </Text>
          )}
          <Text size="xs" c="dimmed" mt="sm">
            {value.currency || (s ? s.default_currency : 'Default currency')} · {value.language.trim() || 'en'} · due {terms === '' ? (s ? `in ${s.payment_terms_days} days` : 'on default terms') : /^\d+$/.test(terms) ? (terms === '0' ? 'on issue' : `in ${Number(terms)} day${terms === '1' ? '' : 's'}`) : '…'}
          </Text>
          <Text size="xs" c="dimmed">
            {taxed ? `Tax ${value.tax_rate.trim() ? `${value.tax_rate.trim().replace(/\s*%$/, '')}%` : s ? `${s.tax_rate}% (default)` : 'at the default rate'}` : value.tax_treatment === 'exempt' ? 'Tax exempt, 0%' : 'Reverse charge, 0%'}
          </Text>
          {shownNote && (
            <Text size="xs" c="dimmed" fs="italic" mt={4}>
              {shownNote}
            </Text>
          )}
        </Box>
      </Group>
    </Card>
  );
}

import { Box, Card, Divider, Group, Select, SimpleGrid, Stack, TagsInput, Text, Textarea, TextInput, Title } from '@mantine/core';
import { INVOICE_LANGUAGES } from '@shared/contract/ledger';
import { useQuery } from '../../lib/useQuery';
import { call } from '../../api';
import { useAssets } from '../../state/assets';

import { addressLines, type BillingField, type BillingValues, type Customer, LANGUAGES, type TaxTreatment } from './billing-values';

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/**
 * The language options: the operator default (English), the languages documents are worded in, and
 * the stored tag when it is none of them: a regional one ("fr-CA", which the contract accepts) by
 * its name, or one saved before languages were checked, marked so (saving asks for another).
 */
function languageOptions(current: string): { value: string; label: string }[] {
  const options = [{ value: '', label: 'Default: English (en)' }, ...LANGUAGES];
  if (!current || options.some((o) => o.value === current)) return options;
  const base = current.split('-')[0]!;
  let label = `${current}: not supported, prints English`;
  if (base in INVOICE_LANGUAGES) {
    try {
      label = `${languageNames.of(current) ?? current} (${current})`;
    } catch {
      label = current;
    }
  }
  return [...options, { value: current, label }];
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
  const assetsLoaded = useAssets((s) => s.loaded);
  // The operator's defaults, for placeholders; a key without the admin scope simply shows none.
  const settings = useQuery(() => call('getSettings', {}), [], { reloadOnHello: false });
  const s = settings.data;
  const set = <K extends keyof BillingValues>(k: K, x: BillingValues[K]) => onChange({ ...value, [k]: x });
  const text = (k: Exclude<BillingField, 'invoice_emails' | 'tax_treatment' | 'currency' | 'language'>) => ({
    value: value[k],
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => set(k, e.currentTarget.value),
    error: errors[k],
  });

  const fiat = Object.values(assets)
    .filter((a) => a.kind === 'fiat')
    .map((a) => a.code)
    .sort();
  const currencies = [...new Set([...fiat, ...(value.currency ? [value.currency] : [])])];
  const currencyData = [{ value: '', label: s ? `Operator default (${s.default_currency})` : 'Operator default' }, ...currencies.map((c) => ({ value: c, label: fiat.includes(c) || !assetsLoaded ? c : `${c}: not a fiat asset` }))];
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
            <Select label="Invoice language" description="The language invoices are printed in." data={languageOptions(value.language)} value={value.language} onChange={(x) => set('language', x ?? '')} allowDeselect={false} error={errors.language} />
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
            {value.currency || (s ? s.default_currency : 'Default currency')} · {value.language || 'en'} · due {terms === '' ? (s ? `in ${s.payment_terms_days} days` : 'on default terms') : /^\d+$/.test(terms) ? (terms === '0' ? 'on issue' : `in ${Number(terms)} day${terms === '1' ? '' : 's'}`) : '…'}
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

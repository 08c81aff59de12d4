import { ActionIcon, Alert, Badge, Box, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { ChevronDown, ChevronRight, Info, Scale } from 'lucide-react';
import { Fragment, useState } from 'react';
import { formatUnitPrice } from '@shared/money';
import type { OutputOf } from '../../api';
import { formatAmount, Money } from '../../lib/money';
import { assetLike } from '../../state/assets';
import { formatQuantity } from '../../lib/format';

export type Invoice = OutputOf<'getInvoice'>;
export type InvoiceStatus = Invoice['status'];
export type InvoiceLine = Invoice['lines'][number];

export const INVOICE_STATUS: Record<InvoiceStatus, { label: string; color: string; help: string }> = {
  draft: { label: 'Draft', color: 'gray', help: 'The period closed; late events are still priced in until the grace deadline, then it is finalized.' },
  open: { label: 'Open', color: 'blue', help: 'Finalized and numbered; nothing paid yet, not yet due.' },
  partially_paid: { label: 'Partially paid', color: 'yellow', help: 'Finalized; some of it is paid.' },
  paid: { label: 'Paid', color: 'teal', help: 'Nothing outstanding: paid, settled from credit or credited.' },
  overdue: { label: 'Overdue', color: 'red', help: 'Past its due date with something outstanding.' },
  void: { label: 'Void', color: 'gray', help: 'Voided: its charges were taken back. The number stays used.' },
  closed: { label: 'Closed', color: 'gray', help: 'Nothing to bill: closed without a number or a PDF (Billing settings: zero-amount invoices are not issued).' },
};

/** The filters the list offers, in the order a finance person reads them. */
export const STATUS_FILTERS: (InvoiceStatus | 'all')[] = ['all', 'draft', 'open', 'partially_paid', 'overdue', 'paid', 'void', 'closed'];

export function InvoiceStatusBadge({ status, size = 'md' }: { status: InvoiceStatus; size?: 'sm' | 'md' | 'lg' }) {
  const s = INVOICE_STATUS[status];
  return (
    <Badge variant="light" color={s.color} size={size} leftSection={<span className={`tg-dot tg-dot-${s.color}`} aria-hidden />} data-testid="invoice-status" data-status={status}>
      {s.label}
    </Badge>
  );
}

/** "TG-2026-000123", or "Draft · Nov 2026" before a number is assigned. */
export function invoiceTitle(inv: Pick<Invoice, 'number' | 'id' | 'status' | 'period'>): string {
  if (inv.number) return inv.number;
  if (inv.id === 'preview') return 'Preview of the current period';
  return `${inv.status === 'closed' ? 'Closed' : 'Draft'} ${inv.id.slice(-6).toLowerCase()}`;
}

const periodFmt = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
/** A billing period: its end is exclusive, so the last day shown is the day before. */
export function periodText(period: Invoice['period']): string {
  if (!period) return '—';
  const start = new Date(period.start);
  const endExclusive = new Date(period.end);
  const last = new Date(endExclusive.getTime() - 1);
  return `${periodFmt.format(start)} – ${periodFmt.format(last)}`;
}

const KIND_LABEL: Record<string, string> = {
  fixed_fee: 'fixed fee',
  usage: 'usage',
  allowance: 'allowance',
  minimum_commitment: 'minimum commitment',
  coupon: 'coupon',
  fee: 'fee',
  adjustment: 'adjustment',
  credit: 'credit',
  other: 'other',
};

/**
 * The invoice's lines: each with its quantity, unit price and amount; usage lines priced by tiers
 * expand to the tier rows the PDF prints; coupons and minimum commitments are lines of their own.
 */
export function InvoiceLines({ invoice }: { invoice: Invoice }) {
  const a = assetLike(invoice.currency);
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const anyCredited = invoice.lines.some((l) => l.credited !== '0');
  if (invoice.lines.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="sm">
        No lines: nothing was charged in this period.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={500}>
      <Table aria-label="Invoice lines" data-testid="invoice-lines" verticalSpacing="xs">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Description</Table.Th>
            <Table.Th className="tg-right">Quantity</Table.Th>
            <Table.Th className="tg-right">Unit price</Table.Th>
            {anyCredited && <Table.Th className="tg-right">Credited</Table.Th>}
            <Table.Th className="tg-right">Amount</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invoice.lines.map((l) => {
            const expandable = l.tiers.length > 0;
            const expanded = !!open[l.id];
            return (
              <Fragment key={l.id}>
                <Table.Tr data-testid="invoice-line" data-kind={l.kind} data-line={l.id}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap" align="flex-start">
                      {expandable ? (
                        <ActionIcon
                          variant="subtle"
                          color="gray"
                          size="sm"
                          onClick={() => setOpen((o) => ({ ...o, [l.id]: !o[l.id] }))}
                          aria-expanded={expanded}
                          aria-label={`${expanded ? 'Hide' : 'Show'} the tier breakdown of ${l.description}`}
                          data-testid="toggle-tiers"
                        >
                          {expanded ? <ChevronDown size={14} /> : <ChevronRight size={14} />}
                        </ActionIcon>
                      ) : (
                        <Box w={22} />
                      )}
                      <Box miw={0}>
                        <Text size="sm" fw={500}>
                          {l.description}
                        </Text>
                        <Group gap={6} mt={2}>
                          {l.kind !== 'usage' && (
                            <Badge size="xs" variant="light" color={l.kind === 'coupon' ? 'grape' : l.kind === 'minimum_commitment' ? 'orange' : 'gray'} tt="none">
                              {KIND_LABEL[l.kind] ?? l.kind}
                            </Badge>
                          )}
                          {l.informational && (
                            <Tooltip label="Usage of a custom asset, debited from its own wallet: shown for information, not part of the money totals." multiline w={260}>
                              <Badge size="xs" variant="outline" color="gray" tt="none" leftSection={<Info size={10} />} tabIndex={0}>
                                for information
                              </Badge>
                            </Tooltip>
                          )}
                          {l.period && (
                            <Text size="xs" c="dimmed">
                              {l.period}
                            </Text>
                          )}
                        </Group>
                      </Box>
                    </Group>
                  </Table.Td>
                  <Table.Td className="tg-right tg-num">{l.quantity === null ? '—' : `${formatQuantity(l.quantity)}${l.unit ? ` ${l.unit}` : ''}`}</Table.Td>
                  <Table.Td className="tg-right tg-num">{l.unit_price === null ? (expandable ? <Text span size="xs" c="dimmed">by tier</Text> : '—') : formatUnitPrice(l.unit_price, a)}</Table.Td>
                  {anyCredited && <Table.Td className="tg-right">{l.credited === '0' ? '—' : <Money amount={`-${l.credited}`} asset={invoice.currency} size="sm" accounting />}</Table.Td>}
                  <Table.Td className="tg-right">{l.informational ? <Text span size="sm" c="dimmed">—</Text> : <Money amount={l.amount} asset={invoice.currency} size="sm" fw={500} accounting />}</Table.Td>
                </Table.Tr>
                {expandable && expanded && (
                  <>
                    {l.tiers.map((t, i) => (
                      <Table.Tr key={i} className="tg-tier-row" data-testid="tier-row">
                        <Table.Td pl={48}>
                          <Text size="xs">{t.label}</Text>
                        </Table.Td>
                        <Table.Td className="tg-right tg-num">
                          <Text span size="xs">
                            {formatQuantity(t.units)}
                          </Text>
                        </Table.Td>
                        <Table.Td className="tg-right tg-num">
                          <Text span size="xs">
                            {formatUnitPrice(t.unit_price, a)}
                            {t.flat_fee !== '0' && (
                              <>
                                {' + '}
                                <Money amount={t.flat_fee} asset={invoice.currency} size="xs" /> flat
                              </>
                            )}
                          </Text>
                        </Table.Td>
                        {anyCredited && <Table.Td />}
                        <Table.Td className="tg-right">
                          <Money amount={t.amount} asset={invoice.currency} size="xs" />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </>
                )}
              </Fragment>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Row({ label, amount, currency, strong, muted, testId, hint }: { label: React.ReactNode; amount: string; currency: string; strong?: boolean; muted?: boolean; testId?: string; hint?: string }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="xl" data-testid={testId}>
      <Text size="sm" fw={strong ? 700 : 400} c={muted ? 'dimmed' : undefined}>
        {label}
        {hint && (
          <Text span size="xs" c="dimmed">
            {' '}
            {hint}
          </Text>
        )}
      </Text>
      <Money amount={amount} asset={currency} size={strong ? 'md' : 'sm'} fw={strong ? 700 : 500} accounting c={muted ? 'dimmed' : undefined} data-value={amount} />
    </Group>
  );
}

/**
 * The footer in Lago's order: subtotal, coupons, each tax, total; then how it is settled: prepaid
 * credit applied, amount due, paid, credited, outstanding. Exemption and reverse-charge texts follow.
 */
export function InvoiceTotals({ invoice }: { invoice: Invoice }) {
  const c = invoice.currency;
  const draft = invoice.status === 'draft';
  return (
    <Stack gap={6} maw={460} ml="auto" data-testid="invoice-totals">
      <Row label="Subtotal (excl. tax)" amount={invoice.subtotal} currency={c} />
      {invoice.discounts !== '0' && <Row label="Coupons" amount={invoice.discounts} currency={c} />}
      {invoice.taxes.map((t) => (
        <Row key={t.label + t.rate} label={`${t.label} ${t.rate}%`} hint={`on ${formatBase(t.base, c)}`} amount={t.amount} currency={c} />
      ))}
      {invoice.taxes.length === 0 && invoice.tax === '0' && <Row label="Tax" amount="0" currency={c} muted />}
      <Box style={{ borderTop: '1px solid var(--tg-border)' }} pt={6}>
        <Row label="Total" amount={invoice.total} currency={c} strong testId="invoice-total" />
      </Box>
      {invoice.credits_applied !== '0' && <Row label="Paid from prepaid credit" amount={`-${invoice.credits_applied}`} currency={c} />}
      {/* A draft has not applied the wallet's free credit yet: finalization does (older invoices first), so it can still fall. */}
      <Row
        label={draft ? 'Amount due before free credit' : 'Amount due'}
        hint={draft ? 'free credit in the wallet is applied when it is finalized' : undefined}
        amount={invoice.amount_due}
        currency={c}
        strong={!draft}
        testId="invoice-amount-due"
      />
      {invoice.amount_paid !== '0' && <Row label="Payments" amount={`-${invoice.amount_paid}`} currency={c} />}
      {invoice.credited !== '0' && <Row label="Credit notes" amount={`-${invoice.credited}`} currency={c} />}
      {invoice.repaid_from_credit !== '0' && <Row label="Repaid from credit since" hint="later top-ups and grants, oldest invoice first" amount={`-${invoice.repaid_from_credit}`} currency={c} testId="invoice-repaid-from-credit" />}
      {!draft && invoice.status !== 'void' && (
        <Box style={{ borderTop: '1px solid var(--tg-border)' }} pt={6}>
          <Row label="Outstanding" amount={invoice.amount_outstanding} currency={c} strong testId="invoice-outstanding" />
        </Box>
      )}
      {invoice.tax_note && (
        <Alert variant="light" color="gray" icon={<Scale size={16} />} py="xs" data-testid="tax-note">
          <Text size="sm">{invoice.tax_note}</Text>
        </Alert>
      )}
    </Stack>
  );
}

function formatBase(base: string, currency: string): string {
  return formatAmount(base, assetLike(currency));
}

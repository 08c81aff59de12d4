import { Alert, Box, Button, Checkbox, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, VisuallyHidden } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { InlineError } from '../../components/states';
import { Preview } from '../customers/MoneyDialogs';
import { parseAmountInput } from '../../lib/amountInput';
import { newIdempotencyKey } from '../../lib/format';
import { big, formatAmount, Money, subAmounts } from '../../lib/money';
import { useQuery } from '../../lib/useQuery';
import { minorToDecimal } from '@shared/money';
import { assetLike } from '../../state/assets';
import { type Invoice, invoiceTitle } from './common';

export type InvoiceDialog = null | 'finalize' | 'void' | 'reissue' | 'payment' | 'settle' | 'credit_note';

/** Finalize a draft now: irreversible (number, tax, frozen document). */
export function FinalizeDialog({ invoice, opened, onClose, onDone }: { invoice: Invoice; opened: boolean; onClose: () => void; onDone: (i: Invoice) => void }) {
  return (
    <ConfirmDialog
      opened={opened}
      onClose={onClose}
      title="Finalize the draft"
      color="brand"
      object={
        <>
          Finalize the draft of <b>{invoice.customer}</b> for <Money amount={invoice.total} asset={invoice.currency} fw={600} /> now
          {invoice.grace_until ? ', before its grace period ends' : ''}?
        </>
      }
      consequences={[
        'It takes the next invoice number; numbers never repeat and have no gaps.',
        'Tax is posted and the document and PDF are frozen: later changes need a credit note.',
        'Events that arrive late for this period are no longer priced into it.',
        'An invoice.finalized webhook is sent.',
      ]}
      confirmLabel={`Finalize ${invoiceTitle(invoice)}`}
      onConfirm={async () => onDone(await call('finalizeInvoice', { id: invoice.id }))}
    />
  );
}

export function VoidDialog({ invoice, opened, onClose, onDone }: { invoice: Invoice; opened: boolean; onClose: () => void; onDone: (i: Invoice) => void }) {
  return (
    <ConfirmDialog
      opened={opened}
      onClose={onClose}
      title={`Void ${invoiceTitle(invoice)}`}
      object={
        <>
          Void <b>{invoiceTitle(invoice)}</b> of <b>{invoice.customer}</b> (<Money amount={invoice.total} asset={invoice.currency} fw={600} />)?
        </>
      }
      consequences={[
        `Its charges are taken back: the customer no longer owes ${formatAmount(invoice.amount_due, assetLike(invoice.currency))} for it.`,
        'The number stays used; the void invoice stays in the ledger and the audit log.',
        'Reissue makes a new draft with the same lines if the charges were right but the invoice was not.',
      ]}
      reason={{ label: 'Reason', placeholder: 'Billed to the wrong entity' }}
      confirmLabel={`Void ${invoiceTitle(invoice)}`}
      onConfirm={async (reason) => onDone(await call('voidInvoice', { id: invoice.id, reason }))}
    />
  );
}

export function ReissueDialog({ invoice, opened, onClose, onDone }: { invoice: Invoice; opened: boolean; onClose: () => void; onDone: (i: Invoice) => void }) {
  return (
    <ConfirmDialog
      opened={opened}
      onClose={onClose}
      title={`Reissue ${invoiceTitle(invoice)}`}
      color="brand"
      object={
        <>
          Make a new draft with the lines of <b>{invoiceTitle(invoice)}</b>, linked to it?
        </>
      }
      consequences={['The charges are booked again on the new draft.', 'It is finalized with a new number when you finalize it (or when its grace period ends).']}
      confirmLabel="Create the new draft"
      onConfirm={async () => onDone(await call('reissueInvoice', { id: invoice.id }))}
    />
  );
}

const METHODS = [
  { value: 'bank_transfer', label: 'Bank transfer' },
  { value: 'card', label: 'Card' },
  { value: 'cash', label: 'Cash' },
  { value: 'check', label: 'Check' },
  { value: 'direct_debit', label: 'Direct debit' },
  { value: 'other', label: 'Other' },
];

/** A payment received outside Tollgate; partial payments allowed. The idempotency key is made on open. */
export function PaymentDialog({ invoice, opened, onClose, onDone }: { invoice: Invoice; opened: boolean; onClose: () => void; onDone: (i: Invoice) => void }) {
  const a = assetLike(invoice.currency);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<string | null>('bank_transfer');
  const [paidAt, setPaidAt] = useState('');
  const [reference, setReference] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!opened) return;
    setKey(newIdempotencyKey('console_payment'));
    setAmount(minorToDecimal(invoice.amount_outstanding, a.scale));
    setMethod('bank_transfer');
    setPaidAt('');
    setReference('');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const parsed = parseAmountInput(amount, a);
  const over = parsed.ok && big(parsed.minor) > big(invoice.amount_outstanding);
  const ready = parsed.ok && !over && !!method;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Record a payment for {invoiceTitle(invoice)}</Text>} size="lg">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!ready || !parsed.ok) return;
          setBusy(true);
          setError(null);
          try {
            onDone(
              await call('recordPayment', {
                id: invoice.id,
                amount: parsed.minor,
                method: method!,
                idempotency_key: key,
                ...(paidAt ? { paid_at: new Date(paidAt).toISOString() } : {}),
                ...(reference.trim() ? { reference: reference.trim() } : {}),
              }),
            );
          } catch (err) {
            setError(err as ApiError);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            Money the customer paid outside Tollgate (a bank transfer, a card payment in your PSP). It pays this invoice down; partial payments are fine.
          </Text>
          <SimpleGrid cols={2}>
            <TextInput
              label="Amount"
              value={amount}
              onChange={(e) => setAmount(e.currentTarget.value)}
              error={over ? `At most the outstanding ${formatAmount(invoice.amount_outstanding, a)}` : parsed.ok ? undefined : parsed.error}
              className="tg-tier-input"
              inputMode="decimal"
              required
              data-autofocus
              rightSection={<Text size="xs" c="dimmed">{invoice.currency}</Text>}
              rightSectionWidth={56}
            />
            <Select label="Method" data={METHODS} value={method} onChange={setMethod} allowDeselect={false} />
          </SimpleGrid>
          <SimpleGrid cols={2}>
            <TextInput label="Paid at (optional)" type="datetime-local" value={paidAt} onChange={(e) => setPaidAt(e.currentTarget.value)} description="Default: now." />
            <TextInput label="Reference (optional)" placeholder="Bank reference, pi_…" value={reference} onChange={(e) => setReference(e.currentTarget.value)} />
          </SimpleGrid>
          <Preview asset={invoice.currency} what="outstanding" before={invoice.amount_outstanding} after={parsed.ok && !over ? subAmounts(invoice.amount_outstanding, parsed.minor) : null} />
          <InlineError error={error} />
          <Group justify="space-between">
            <Text size="xs" c="dimmed" ff="monospace">
              idempotency key {key.slice(0, 24)}…
            </Text>
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={!ready} data-testid="payment-submit">
                {parsed.ok && !over ? `Record ${formatAmount(parsed.minor, a)}` : 'Record payment'}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Pay what is still owed from the customer's free prepaid credit in the invoice currency (as much as there is). */
export function SettleDialog({ invoice, opened, onClose, onDone }: { invoice: Invoice; opened: boolean; onClose: () => void; onDone: (i: Invoice) => void }) {
  const balances = useQuery(() => call('getBalances', { external_id: invoice.customer }), [invoice.customer, opened], { enabled: opened });
  const wallet = balances.data?.balances.find((b) => b.asset === invoice.currency);
  const now = Date.now();
  // What the engine may draw: unexpired lots, less what holds reserved on them.
  const free = (wallet?.lots ?? []).filter((l) => !l.expires_at || Date.parse(l.expires_at) > now).reduce((t, l) => t + big(l.remaining) - big(l.reserved), 0n);
  const outstanding = big(invoice.amount_outstanding);
  const pay = free < outstanding ? (free > 0n ? free : 0n) : outstanding;
  const a = assetLike(invoice.currency);
  return (
    <ConfirmDialog
      opened={opened}
      onClose={onClose}
      title="Settle from prepaid credit"
      color="brand"
      object={
        <Stack gap="xs">
          <Text size="sm">
            Pay what <b>{invoiceTitle(invoice)}</b> still owes from <b>{invoice.customer}</b>&apos;s prepaid {invoice.currency} credit
            {balances.data ? (
              <>
                {' '}
                (<Money amount={free.toString()} asset={invoice.currency} fw={600} /> free).
              </>
            ) : (
              '.'
            )}
          </Text>
          {balances.data && <Preview asset={invoice.currency} what="outstanding" before={invoice.amount_outstanding} after={(outstanding - pay).toString()} />}
          {balances.data && pay === 0n && (
            <Alert color="yellow" variant="light" py="xs">
              <Text size="sm">There is no free {invoice.currency} credit to settle it with. Top up the customer&apos;s wallet first, or record a payment.</Text>
            </Alert>
          )}
          {balances.data && pay > 0n && pay < outstanding && (
            <Alert color="yellow" variant="light" py="xs">
              <Text size="sm">The credit covers part of it; {formatAmount((outstanding - pay).toString(), a)} stays outstanding.</Text>
            </Alert>
          )}
        </Stack>
      }
      consequences={['Credit is drawn from the lots by priority, like usage.', 'The invoice lists it as a payment from prepaid credit.']}
      confirmLabel={balances.data && pay === 0n ? 'Nothing to pay from credit' : `Pay ${formatAmount((balances.data ? pay : outstanding).toString(), a)} from credit`}
      disabled={!balances.data || pay === 0n}
      onConfirm={async () => onDone(await call('settleInvoiceFromCredit', { id: invoice.id }))}
    />
  );
}

const REASONS = [
  { value: 'duplicated_charge', label: 'Duplicated charge' },
  { value: 'product_unsatisfactory', label: 'Product unsatisfactory' },
  { value: 'order_change', label: 'Order change' },
  { value: 'order_cancellation', label: 'Order cancellation' },
  { value: 'fraudulent_charge', label: 'Fraudulent charge' },
  { value: 'other', label: 'Other' },
] as const;
type Reason = (typeof REASONS)[number]['value'];

/**
 * The credit note the engine would issue for these lines (POST …/credit-notes/preview: same rules,
 * nothing written), asked again a moment after the lines stop changing; its refusal in words.
 */
function useCreditNotePreview(invoiceId: string, lines: { line_id: string; amount: string }[] | null, settlement: 'credit' | 'refund'): { note: OutputOf<'previewCreditNote'> | null; error: ApiError | null } {
  const [state, setState] = useState<{ key: string; note: OutputOf<'previewCreditNote'> | null; error: ApiError | null }>({ key: '', note: null, error: null });
  // The settlement matters: a refund is at most what was paid (its refusal shows before submitting).
  const key = lines ? JSON.stringify([settlement, lines]) : '';
  useEffect(() => {
    if (!lines) return;
    let live = true;
    const timer = setTimeout(() => {
      call('previewCreditNote', { id: invoiceId, reason: 'other', settlement, lines }).then(
        (note) => live && setState({ key, note, error: null }),
        (err) => live && setState({ key, note: null, error: toApiError(err) }),
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [invoiceId, key]);
  return state.key === key && lines ? { note: state.note, error: state.error } : { note: null, error: null };
}

/**
 * A credit note, per line (at most what is left of each line) or the whole invoice, settled as
 * credit (back to the lots that paid, or off what is owed) or as a refund paid outside Tollgate.
 */
export function CreditNoteDialog({ invoice, opened, onClose, onDone }: { invoice: Invoice; opened: boolean; onClose: () => void; onDone: (n: OutputOf<'createCreditNote'>) => void }) {
  const a = assetLike(invoice.currency);
  const creditable = useMemo(() => invoice.lines.filter((l) => !l.informational && l.kind !== 'coupon' && big(l.amount) > big(l.credited)), [invoice]);
  const room = useMemo(() => {
    const r = big(invoice.total) - big(invoice.credited);
    return r > 0n ? r : 0n;
  }, [invoice]);
  const [amounts, setAmounts] = useState<Record<string, string>>({});
  const [picked, setPicked] = useState<Record<string, boolean>>({});
  const [reason, setReason] = useState<Reason | null>('order_change');
  const [settlement, setSettlement] = useState<'credit' | 'refund'>('credit');
  const [description, setDescription] = useState('');
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!opened) return;
    setKey(newIdempotencyKey('console_credit_note'));
    setAmounts(Object.fromEntries(creditable.map((l) => [l.id, minorToDecimal(subAmounts(l.amount, l.credited), a.scale)])));
    setPicked({});
    setReason('order_change');
    setSettlement('credit');
    setDescription('');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const rows = creditable.map((l) => {
    const left = subAmounts(l.amount, l.credited);
    const p = parseAmountInput(amounts[l.id] ?? '', a);
    const over = p.ok && big(p.minor) > big(left);
    return { line: l, left, parsed: p, over, on: !!picked[l.id] };
  });
  const chosen = rows.filter((r) => r.on);
  const linesValid = chosen.length > 0 && chosen.every((r) => r.parsed.ok && !r.over);
  const chosenLines = linesValid ? chosen.map((r) => ({ line_id: r.line.id, amount: (r.parsed as { minor: string }).minor })) : null;
  // The note as the engine would issue it (coupon shares, cumulative tax, what is left): asked of
  // the engine itself rather than estimated here, so the total shown is the total issued.
  const preview = useCreditNotePreview(invoice.id, opened ? chosenLines : null, settlement);
  const valid = linesValid && preview.note !== null;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Credit note for {invoiceTitle(invoice)}</Text>} size="xl">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!valid || !reason) return;
          setBusy(true);
          setError(null);
          try {
            onDone(
              await call('createCreditNote', {
                id: invoice.id,
                reason,
                settlement,
                idempotency_key: key,
                ...(description.trim() ? { description: description.trim() } : {}),
                // Always the lines chosen, as previewed (the total shown is the total issued).
                lines: chosen.map((r) => ({ line_id: r.line.id, amount: (r.parsed as { minor: string }).minor })),
              }),
            );
          } catch (err) {
            // The engine's message states its amounts as money already.
            setError(err as ApiError);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Choose the lines to credit and how much of each (at most what is left of it). Tax is credited at the invoice&apos;s rates.
            </Text>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                // Every line in full: the engine counts each at its value after coupons, so all of
                // them together are exactly what is left of the invoice.
                setPicked(Object.fromEntries(creditable.map((l) => [l.id, true])));
                setAmounts(Object.fromEntries(creditable.map((l) => [l.id, minorToDecimal(subAmounts(l.amount, l.credited), a.scale)])));
              }}
            >
              Credit every line in full
            </Button>
          </Group>
          <Table aria-label="Lines to credit" verticalSpacing={6}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={40}>
                  <VisuallyHidden>Credit</VisuallyHidden>
                </Table.Th>
                <Table.Th>Line</Table.Th>
                <Table.Th className="tg-right">Left to credit</Table.Th>
                <Table.Th className="tg-right" w={180}>
                  Credit
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.line.id} data-testid="credit-line">
                  <Table.Td>
                    <Checkbox aria-label={`Credit ${r.line.description}`} checked={r.on} onChange={(e) => setPicked((p) => ({ ...p, [r.line.id]: e.currentTarget.checked }))} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.line.description}</Text>
                  </Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={r.left} asset={invoice.currency} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <TextInput
                      aria-label={`Amount to credit on ${r.line.description}`}
                      size="xs"
                      className="tg-tier-input"
                      value={amounts[r.line.id] ?? ''}
                      disabled={!r.on}
                      onChange={(e) => {
                        const v = e.currentTarget.value;
                        setAmounts((m) => ({ ...m, [r.line.id]: v }));
                      }}
                      error={r.on ? (r.over ? 'More than is left' : r.parsed.ok ? undefined : r.parsed.error) : undefined}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group justify="space-between" gap="xs" data-testid="credit-room">
            <Text size="sm" c="dimmed">
              Left to credit on the invoice: <Money amount={room.toString()} asset={invoice.currency} fw={600} c="var(--mantine-color-text)" /> (total {formatAmount(invoice.total, a)}
              {big(invoice.credited) > 0n ? `, ${formatAmount(invoice.credited, a)} already credited` : ''}
              {big(invoice.discounts) !== 0n ? `, discounts ${formatAmount(invoice.discounts, a)} included` : ''})
            </Text>
            {preview.note && (
              <Text size="sm" data-testid="credit-note-total">
                Credit note total <Money amount={preview.note.total} asset={invoice.currency} fw={600} />
                {preview.note.total !== preview.note.subtotal
                  ? ` (${formatAmount(preview.note.subtotal, a)} of lines${big(preview.note.discounts) !== 0n ? `, discounts ${formatAmount(preview.note.discounts, a)}` : ''}${big(preview.note.tax) > 0n ? `, ${formatAmount(preview.note.tax, a)} tax` : ''})`
                  : ''}
              </Text>
            )}
          </Group>
          {preview.error && (
            <Alert color="red" variant="light" py="xs" data-testid="credit-too-much">
              <Text size="sm">{preview.error.message}</Text>
            </Alert>
          )}
          <SimpleGrid cols={2}>
            <Select label="Reason" data={REASONS as unknown as { value: string; label: string }[]} value={reason} onChange={(v) => setReason(v as Reason)} allowDeselect={false} />
            <Box>
              <Text size="sm" fw={500} mb={4} id="settlement-label">
                Settlement
              </Text>
              <SegmentedControl
                aria-labelledby="settlement-label"
                fullWidth
                value={settlement}
                onChange={(v) => setSettlement(v as 'credit' | 'refund')}
                data={[
                  { value: 'credit', label: 'As credit' },
                  { value: 'refund', label: 'As a refund' },
                ]}
              />
            </Box>
          </SimpleGrid>
          <Text size="xs" c="dimmed">
            {settlement === 'credit'
              ? 'As credit: what was paid goes back to the lots that paid for this invoice, the most recent first; what is still owed is reduced.'
              : 'As a refund: you pay the money back outside Tollgate (your PSP or bank); the credit note records it. At most what was paid on this invoice (payments and bought credit), less earlier refunds.'}
          </Text>
          <Textarea label="Description (optional)" value={description} onChange={(e) => setDescription(e.currentTarget.value)} autosize minRows={2} maxLength={500} />
          <InlineError error={error} />
          <Group justify="space-between">
            <Text size="xs" c="dimmed" ff="monospace">
              idempotency key {key.slice(0, 24)}…
            </Text>
            <Group>
              <Button variant="default" onClick={onClose} data-autofocus>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={busy} disabled={!valid} data-testid="credit-note-submit">
                {preview.note ? `Credit ${formatAmount(preview.note.total, a)}${big(preview.note.tax) > 0n ? ' with tax' : ''} ${settlement === 'refund' ? 'as a refund' : 'as credit'}` : 'Issue credit note'}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

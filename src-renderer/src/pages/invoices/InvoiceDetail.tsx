import { Alert, Anchor, Badge, Box, Breadcrumbs, Button, Card, Grid, Group, Menu, Skeleton, Stack, Table, Text, Timeline, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Ban, BadgeCheck, ChevronDown, CircleDollarSign, Clock, FileMinus, FilePlus2, FileText, Hourglass, Receipt, RotateCcw, Stamp, Wallet } from 'lucide-react';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { call, door } from '../../api';
import { CopyId, InfoTip } from '../../components/common';
import { PdfViewer } from '../../components/PdfViewer';
import { ErrorState } from '../../components/states';
import { saveBytes } from '../../lib/bytes';
import { useTitle } from '../../lib/chart';
import { formatDate, formatDateTime, relative } from '../../lib/format';
import { Money } from '../../lib/money';
import { useQuery, useThrottledEffect } from '../../lib/useQuery';
import { useLive } from '../../state/live';
import { type Invoice, INVOICE_STATUS, InvoiceLines, InvoiceStatusBadge, InvoiceTotals, invoiceTitle, periodText } from './common';
import { CreditNoteDialog, FinalizeDialog, type InvoiceDialog, PaymentDialog, ReissueDialog, SettleDialog, VoidDialog } from './InvoiceDialogs';

const PAYMENT_METHOD: Record<string, string> = { prepaid_credit: 'prepaid credit', bank_transfer: 'bank transfer', direct_debit: 'direct debit' };

/** What happened to the invoice, oldest first: drafted, grace, finalized, due, payments, credit notes, void. */
function StatusTimeline({ invoice }: { invoice: Invoice }) {
  type Item = { at: string | null; title: string; detail?: React.ReactNode; icon: React.ReactNode; color?: string; future?: boolean };
  const items: Item[] = [];
  items.push({ at: invoice.created_at, title: invoice.replaces ? 'Drafted as a reissue' : 'Drafted', detail: invoice.replaces ? <>of <Anchor component={Link} to={`/invoices/${encodeURIComponent(invoice.replaces)}`} size="xs">{invoice.replaces}</Anchor></> : invoice.period ? `Period ${periodText(invoice.period)}` : undefined, icon: <FilePlus2 size={12} /> });
  if (invoice.status === 'draft' && invoice.grace_until) items.push({ at: invoice.grace_until, title: 'Finalizes automatically', detail: `${relative(invoice.grace_until)}: late events are priced in until then`, icon: <Hourglass size={12} />, future: true });
  if (invoice.finalized_at) items.push({ at: invoice.finalized_at, title: `Finalized as ${invoice.number}`, detail: invoice.issue_date ? `Issue date ${formatDate(invoice.issue_date)}` : undefined, icon: <Stamp size={12} /> });
  for (const p of invoice.payments) items.push({ at: p.paid_at, title: p.method === 'prepaid_credit' ? 'Settled from prepaid credit' : 'Payment recorded', detail: <><Money amount={p.amount} asset={invoice.currency} size="xs" /> · {PAYMENT_METHOD[p.method] ?? p.method.replace(/_/g, ' ')}{p.reference ? ` · ${p.reference}` : ''}</>, icon: <CircleDollarSign size={12} />, color: 'teal' });
  for (const n of invoice.credit_notes) items.push({ at: n.created_at, title: `Credit note ${n.number}`, detail: <><Money amount={n.total} asset={invoice.currency} size="xs" /> · {n.reason.replace(/_/g, ' ')} · {n.settlement === 'refund' ? 'to be refunded' : 'as credit'}</>, icon: <FileMinus size={12} />, color: 'grape' });
  // A settled invoice is no longer waiting for its due date: only a date already passed is history.
  const settled = invoice.status === 'paid' || invoice.amount_outstanding === '0';
  if (invoice.due_at && invoice.status !== 'void' && !(settled && Date.parse(invoice.due_at) >= Date.now())) {
    const past = Date.parse(invoice.due_at) < Date.now();
    items.push({ at: invoice.due_at, title: invoice.status === 'overdue' ? 'Overdue since' : past ? 'Was due' : 'Due', detail: relative(invoice.due_at), icon: <Clock size={12} />, color: invoice.status === 'overdue' ? 'red' : undefined, future: !past });
  }
  if (invoice.status === 'paid') items.push({ at: null, title: 'Paid in full', icon: <BadgeCheck size={12} />, color: 'teal' });
  if (invoice.voided_at) items.push({ at: invoice.voided_at, title: 'Voided', detail: invoice.void_reason ?? undefined, icon: <Ban size={12} />, color: 'red' });
  // Dated items in time order; the undated "paid in full" follows them.
  const dated = items.filter((i) => i.at).sort((x, y) => Date.parse(x.at!) - Date.parse(y.at!));
  const ordered = [...dated.filter((i) => !i.future), ...items.filter((i) => !i.at), ...dated.filter((i) => i.future)];
  const reached = ordered.filter((i) => !i.future).length - 1;
  return (
    <Timeline active={reached} bulletSize={22} lineWidth={2} data-testid="invoice-timeline">
      {ordered.map((i, n) => (
        <Timeline.Item key={n} bullet={i.icon} title={<Text size="sm" fw={600}>{i.title}</Text>} color={i.color} lineVariant={i.future ? 'dashed' : 'solid'}>
          {i.detail && (
            <Text size="xs" c="dimmed" component="div">
              {i.detail}
            </Text>
          )}
          {i.at && (
            <Text size="xs" c="dimmed">
              {formatDateTime(i.at)}
            </Text>
          )}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

const ACTION_LABEL: Record<string, string> = {
  finalize: 'Finalize…',
  record_payment: 'Record payment…',
  settle_from_credit: 'Settle from credit…',
  create_credit_note: 'Credit note…',
  void: 'Void…',
  reissue: 'Reissue…',
};

/** The action bar: only what `allowed_actions` allows, the main one as a button, the rest in a menu. */
function Actions({ invoice, open }: { invoice: Invoice; open: (d: InvoiceDialog) => void }) {
  const allowed = new Set(invoice.allowed_actions);
  const primary = (['finalize', 'record_payment', 'reissue'] as const).find((a) => allowed.has(a));
  const rest = (['settle_from_credit', 'create_credit_note', 'record_payment', 'void'] as const).filter((a) => allowed.has(a) && a !== primary);
  const dialogOf = (a: string): InvoiceDialog => (a === 'record_payment' ? 'payment' : a === 'settle_from_credit' ? 'settle' : a === 'create_credit_note' ? 'credit_note' : (a as InvoiceDialog));
  return (
    <Group gap="xs" data-testid="invoice-actions" data-allowed={invoice.allowed_actions.join(' ')}>
      {primary && (
        <Button onClick={() => open(dialogOf(primary))} leftSection={primary === 'finalize' ? <Stamp size={16} /> : primary === 'reissue' ? <RotateCcw size={16} /> : <CircleDollarSign size={16} />}>
          {ACTION_LABEL[primary]}
        </Button>
      )}
      {rest.length > 0 && (
        <Menu position="bottom-end">
          <Menu.Target>
            <Button variant="default" rightSection={<ChevronDown size={14} />}>
              More actions
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {rest.map((a) => (
              <Menu.Item key={a} color={a === 'void' ? 'red' : undefined} leftSection={a === 'void' ? <Ban size={14} /> : a === 'create_credit_note' ? <FileMinus size={14} /> : <Wallet size={14} />} onClick={() => open(dialogOf(a))}>
                {ACTION_LABEL[a]}
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      )}
    </Group>
  );
}

function CreditNotes({ invoice }: { invoice: Invoice }) {
  if (invoice.credit_notes.length === 0) return null;
  return (
    <Card>
      <Title order={2} fz="md" mb="xs">
        Credit notes
      </Title>
      <Table aria-label="Credit notes" verticalSpacing={6}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Number</Table.Th>
            <Table.Th>Reason</Table.Th>
            <Table.Th className="tg-right">Total</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invoice.credit_notes.map((n) => (
            <Table.Tr key={n.id} data-testid="credit-note-row">
              <Table.Td>
                <Text size="sm" ff="monospace">
                  {n.number}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{n.reason.replace(/_/g, ' ')}</Text>
              </Table.Td>
              <Table.Td className="tg-right">
                <Money amount={n.total} asset={invoice.currency} size="sm" />
              </Table.Td>
              <Table.Td className="tg-right">
                <Button
                  size="compact-xs"
                  variant="subtle"
                  leftSection={<FileText size={12} />}
                  onClick={async () => {
                    try {
                      const f = await door.document('credit_note', n.id);
                      saveBytes(f.bytes, f.filename, f.contentType);
                    } catch (e) {
                      notifications.show({ color: 'red', title: 'Could not download the credit note', message: `${(e as { code?: string }).code ?? ''} ${(e as Error).message ?? ''}` });
                    }
                  }}
                >
                  PDF
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function Payments({ invoice }: { invoice: Invoice }) {
  if (invoice.payments.length === 0) return null;
  return (
    <Card>
      <Title order={2} fz="md" mb="xs">
        Payments
      </Title>
      <Table aria-label="Payments" verticalSpacing={6} data-testid="payments-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Paid at</Table.Th>
            <Table.Th>Method</Table.Th>
            <Table.Th>Reference</Table.Th>
            <Table.Th className="tg-right">Amount</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invoice.payments.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>{formatDateTime(p.paid_at)}</Table.Td>
              <Table.Td>{PAYMENT_METHOD[p.method] ?? p.method.replace(/_/g, ' ')}</Table.Td>
              <Table.Td>{p.reference ?? <Text span size="sm" c="dimmed">—</Text>}</Table.Td>
              <Table.Td className="tg-right">
                <Money amount={p.amount} asset={invoice.currency} size="sm" />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** The invoice: header with the actions it allows, lines, footer, payments, credit notes, timeline and the real PDF. */
export function InvoiceDetailPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const q = useQuery(() => call('getInvoice', { id }), [id]);
  const inv = q.data;
  useTitle(inv ? invoiceTitle(inv) : 'Invoice');
  // This invoice changed elsewhere (paid over the API, finalized by the sweep): read it again.
  const changed = useLive((s) => (inv ? (s.invoiceChanges[inv.id] ?? 0) : 0));
  useThrottledEffect(q.reload, changed, 1000);
  const [dialog, setDialog] = useState<InvoiceDialog>(null);
  const done = (next: Invoice, message: string) => {
    setDialog(null);
    q.setData(next);
    notifications.show({ color: 'teal', message });
  };

  if (q.error && !inv) {
    return (
      <>
        <Breadcrumbs mb="md">
          <Anchor component={Link} to="/invoices" size="sm">
            Invoices
          </Anchor>
          <Text size="sm">{id}</Text>
        </Breadcrumbs>
        <ErrorState error={q.error} onRetry={q.reload} what={`invoice ${id}`} />
      </>
    );
  }
  if (!inv) {
    return (
      <Stack>
        <Skeleton height={20} width={200} />
        <Skeleton height={56} width={420} />
        <Skeleton height={360} />
      </Stack>
    );
  }
  const s = INVOICE_STATUS[inv.status];
  return (
    <>
      <Breadcrumbs mb="sm">
        <Anchor component={Link} to="/invoices" size="sm">
          Invoices
        </Anchor>
        <Text size="sm">{invoiceTitle(inv)}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" mb="md" wrap="wrap">
        <Box>
          <Group gap="sm" align="center">
            <Title order={1} fz={26} data-testid="invoice-title">
              {invoiceTitle(inv)}
            </Title>
            <InvoiceStatusBadge status={inv.status} size="lg" />
            <InfoTip label={s.help} />
          </Group>
          <Group gap="xs" mt={4}>
            <Anchor component={Link} to={`/customers/${encodeURIComponent(inv.customer)}/invoices`} size="sm">
              {inv.customer}
            </Anchor>
            <Text size="sm" c="dimmed">
              · {periodText(inv.period)} · {inv.currency}
            </Text>
            <CopyId value={inv.id} label="invoice id" />
          </Group>
        </Box>
        <Actions invoice={inv} open={setDialog} />
      </Group>

      {inv.status === 'draft' && (
        <Alert variant="light" color="blue" icon={<Hourglass size={18} />} mb="md" data-testid="draft-banner">
          <Text size="sm">
            A draft: late events for the period are still priced into it
            {inv.grace_until ? (
              <>
                {' '}
                until{' '}
                <Tooltip label={formatDateTime(inv.grace_until)}>
                  <b tabIndex={0}>{relative(inv.grace_until)}</b>
                </Tooltip>
                , when it is finalized automatically
              </>
            ) : null}
            . Finalize it now to number it and freeze its document.
          </Text>
        </Alert>
      )}
      {inv.status === 'void' && (
        <Alert variant="light" color="gray" icon={<Ban size={18} />} mb="md">
          <Text size="sm">
            Voided {formatDateTime(inv.voided_at)}
            {inv.void_reason ? `: ${inv.void_reason}` : ''}. Its charges were taken back; reissue it to bill the same lines on a new draft.
          </Text>
        </Alert>
      )}
      {inv.status === 'overdue' && (
        <Alert variant="light" color="red" icon={<Clock size={18} />} mb="md">
          <Text size="sm">
            <Money amount={inv.amount_outstanding} asset={inv.currency} fw={600} /> has been outstanding since {formatDateTime(inv.due_at)} ({relative(inv.due_at)}).
          </Text>
        </Alert>
      )}

      <Grid gap="lg">
        <Grid.Col span={{ base: 12, xl: 7 }}>
          <Stack gap="lg">
            <Card>
              <Group justify="space-between" mb="xs">
                <Title order={2} fz="md">
                  Lines
                </Title>
                <Group gap="lg">
                  {inv.issue_date && (
                    <Text size="xs" c="dimmed">
                      Issued {formatDate(inv.issue_date)}
                    </Text>
                  )}
                  {inv.due_at && (
                    <Text size="xs" c="dimmed">
                      Due {formatDate(inv.due_at)}
                    </Text>
                  )}
                </Group>
              </Group>
              <InvoiceLines invoice={inv} />
              <Box mt="md">
                <InvoiceTotals invoice={inv} />
              </Box>
            </Card>
            <Payments invoice={inv} />
            <CreditNotes invoice={inv} />
            <Card>
              <Group justify="space-between" mb="sm">
                <Title order={2} fz="md">
                  Timeline
                </Title>
                {inv.status !== 'draft' && <Badge variant="default" leftSection={<Receipt size={12} />}>{inv.credit_notes.length} credit note{inv.credit_notes.length === 1 ? '' : 's'}</Badge>}
              </Group>
              <StatusTimeline invoice={inv} />
            </Card>
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, xl: 5 }}>
          <Box style={{ position: 'sticky', top: 76 }}>
            {inv.status === 'closed' ? (
              <Card>
                <Text size="sm" c="dimmed">
                  Closed with nothing to bill: no invoice number and no PDF (Settings → Billing settings, “Issue invoices with nothing to bill”).
                </Text>
              </Card>
            ) : (
              <PdfViewer title={`PDF of ${invoiceTitle(inv)}`} loadKey={`${inv.id}:${inv.pdf_sha256 ?? inv.status}:${inv.amount_due}:${inv.credited}`} load={() => door.document('invoice', inv.id)} height={820} />
            )}
          </Box>
        </Grid.Col>
      </Grid>

      <FinalizeDialog invoice={inv} opened={dialog === 'finalize'} onClose={() => setDialog(null)} onDone={(n) => done(n, `${n.number} finalized`)} />
      <VoidDialog invoice={inv} opened={dialog === 'void'} onClose={() => setDialog(null)} onDone={(n) => done(n, `${invoiceTitle(n)} voided`)} />
      <ReissueDialog
        invoice={inv}
        opened={dialog === 'reissue'}
        onClose={() => setDialog(null)}
        onDone={(n) => {
          setDialog(null);
          notifications.show({ color: 'teal', message: `New draft created from ${invoiceTitle(inv)}` });
          navigate(`/invoices/${encodeURIComponent(n.id)}`);
        }}
      />
      <PaymentDialog invoice={inv} opened={dialog === 'payment'} onClose={() => setDialog(null)} onDone={(n) => done(n, `Payment recorded on ${invoiceTitle(n)}`)} />
      <SettleDialog invoice={inv} opened={dialog === 'settle'} onClose={() => setDialog(null)} onDone={(n) => done(n, `${invoiceTitle(n)} settled from credit`)} />
      <CreditNoteDialog
        invoice={inv}
        opened={dialog === 'credit_note'}
        onClose={() => setDialog(null)}
        onDone={(n) => {
          setDialog(null);
          notifications.show({ color: 'teal', message: `Credit note ${n.number} issued` });
          q.reload();
        }}
      />
    </>
  );
}

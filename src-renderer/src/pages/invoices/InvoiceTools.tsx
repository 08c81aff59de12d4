import { Alert, Anchor, Button, Card, Checkbox, Code, Group, List, Modal, Progress, Radio, ScrollArea, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { CheckCircle2, FolderOpen } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { CopyValueButton } from '../../components/common';
import { CustomerPicker } from '../../components/CustomerPicker';
import { ErrorState, InlineError } from '../../components/states';
import { formatCount, formatDateTime } from '../../lib/format';
import { useQuery } from '../../lib/useQuery';
import { INVOICE_STATUS, InvoiceLines, type InvoiceStatus, InvoiceTotals, periodText } from './common';

type Run = OutputOf<'getBillingRun'>;

/** Start a billing run (one customer or all) and follow it until it is done. */
export function BillingRunDialog({ opened, onClose, customer: fixedCustomer, onFinished }: { opened: boolean; onClose: () => void; customer?: string; onFinished?: () => void }) {
  const [scope, setScope] = useState<'all' | 'one'>('all');
  const [customer, setCustomer] = useState<string | null>(null);
  const [run, setRun] = useState<Run | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (!opened) return;
    setScope(fixedCustomer ? 'one' : 'all');
    setCustomer(fixedCustomer ?? null);
    setRun(null);
    setError(null);
    setBusy(false);
  }, [opened, fixedCustomer]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  const poll = (id: string) => {
    timer.current = setTimeout(async () => {
      try {
        const r = await call('getBillingRun', { id });
        setRun(r);
        if (r.status === 'running') poll(id);
        else onFinished?.();
      } catch (e) {
        setError(toApiError(e));
      }
    }, 700);
  };
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await call('createBillingRun', scope === 'one' && customer ? { customer } : {});
      setRun(r);
      if (r.status === 'running') poll(r.id);
      else onFinished?.();
    } catch (e) {
      setError(toApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const pct = run && run.subscriptions > 0 ? Math.round((run.processed / run.subscriptions) * 100) : run?.status === 'done' ? 100 : 0;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Run billing now</Text>} size="lg">
      <Stack>
        {!run ? (
          <>
            <Text size="sm" c="dimmed">
              Bill what came due: periods that ended are closed and drafted, drafts past their grace period are finalized, and their PDFs rendered. It runs in the background; the ledger keeps taking events.
            </Text>
            {!fixedCustomer && (
              <Radio.Group value={scope} onChange={(v) => setScope(v as 'all' | 'one')} label="Customers">
                <Stack gap={6} mt={6}>
                  <Radio value="all" label="Everyone" />
                  <Radio value="one" label="One customer" />
                </Stack>
              </Radio.Group>
            )}
            {scope === 'one' && !fixedCustomer && <CustomerPicker value={customer} onChange={setCustomer} placeholder="Choose a customer" status="active" />}
            <InlineError error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button onClick={start} loading={busy} disabled={scope === 'one' && !customer} data-testid="start-billing-run">
                {scope === 'one' && customer ? `Bill ${customer} now` : 'Bill everyone now'}
              </Button>
            </Group>
          </>
        ) : (
          <Stack gap="sm" data-testid="billing-run" data-status={run.status}>
            <Group justify="space-between">
              <Text size="sm" fw={600}>
                {run.status === 'running' ? 'Billing…' : run.status === 'done' ? 'Billing run finished' : 'Billing run failed'}
              </Text>
              <Text size="xs" c="dimmed" ff="monospace">
                {run.id}
              </Text>
            </Group>
            <Progress value={pct} animated={run.status === 'running'} color={run.status === 'failed' ? 'red' : run.status === 'done' ? 'teal' : 'brand'} aria-label={`Billing run progress ${pct}%`} />
            <SimpleGrid cols={3}>
              <Stat label="Subscriptions" value={`${formatCount(run.processed)} / ${formatCount(run.subscriptions)}`} />
              <Stat label="Invoices finalized" value={formatCount(run.invoices_finalized)} />
              <Stat label="PDFs rendered" value={formatCount(run.documents_rendered)} />
            </SimpleGrid>
            {run.error && (
              <Alert color="red" variant="light" role="alert">
                {run.error}
              </Alert>
            )}
            <InlineError error={error} />
            <Text size="xs" c="dimmed">
              Started {formatDateTime(run.started_at)}
              {run.finished_at ? ` · finished ${formatDateTime(run.finished_at)}` : ''}
            </Text>
            <Group justify="flex-end">
              <Button variant={run.status === 'running' ? 'default' : 'filled'} onClick={onClose}>
                {run.status === 'running' ? 'Keep running in the background' : 'Done'}
              </Button>
            </Group>
          </Stack>
        )}
      </Stack>
    </Modal>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Card padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={650} className="tg-num">
        {value}
      </Text>
    </Card>
  );
}

const FORMATS = [
  { value: 'pdf', label: 'PDF of every invoice' },
  { value: 'csv', label: 'CSV of invoices and lines' },
  { value: 'json', label: 'JSON of invoices and lines' },
] as const;

/** Write a period's invoices to a folder on the engine's machine (PDFs, CSV, JSON). */
export function ExportDialog({ opened, onClose, initial }: { opened: boolean; onClose: () => void; initial: { from: string; to: string; status: InvoiceStatus | null } }) {
  const [formats, setFormats] = useState<string[]>(['pdf', 'csv']);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [folder, setFolder] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<OutputOf<'exportInvoices'> | null>(null);
  useEffect(() => {
    if (!opened) return;
    setFormats(['pdf', 'csv']);
    setFrom(initial.from);
    setTo(initial.to);
    setStatus(initial.status);
    setFolder('');
    setError(null);
    setResult(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const badRange = !!from && !!to && to <= from;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Export invoices</Text>} size="lg">
      {result ? (
        <Stack data-testid="export-result">
          <Alert color="teal" variant="light" icon={<CheckCircle2 size={18} />}>
            {formatCount(result.invoices)} invoice{result.invoices === 1 ? '' : 's'} written, {formatCount(result.files.length)} file{result.files.length === 1 ? '' : 's'}.
          </Alert>
          <Group gap={4} wrap="nowrap">
            <FolderOpen size={16} aria-hidden />
            <Code style={{ flex: 1, wordBreak: 'break-all' }}>{result.folder}</Code>
            <CopyValueButton value={result.folder} label="Copy the folder path" />
          </Group>
          <ScrollArea.Autosize mah={220}>
            <List size="xs" spacing={2}>
              {result.files.map((f) => (
                <List.Item key={f}>
                  <Text size="xs" ff="monospace">
                    {f.slice(result.folder.length + 1) || f}
                  </Text>
                </List.Item>
              ))}
            </List>
          </ScrollArea.Autosize>
          <Group justify="flex-end">
            <Button onClick={onClose}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault();
            setBusy(true);
            setError(null);
            try {
              setResult(
                await call('exportInvoices', {
                  formats: formats as ('pdf' | 'csv' | 'json')[],
                  ...(from ? { from: new Date(`${from}T00:00:00`).toISOString() } : {}),
                  ...(to ? { to: new Date(`${to}T00:00:00`).toISOString() } : {}),
                  ...(status ? { status: status as InvoiceStatus } : {}),
                  ...(folder.trim() ? { folder: folder.trim() } : {}),
                }),
              );
            } catch (err) {
              setError(toApiError(err));
            } finally {
              setBusy(false);
            }
          }}
        >
          <Stack>
            <Text size="sm" c="dimmed">
              Writes files on the machine running Tollgate: a PDF per invoice (the one issued, byte for byte), and CSV or JSON of invoices and their lines, for your accountant or your books.
            </Text>
            <Checkbox.Group label="Formats" value={formats} onChange={setFormats} required>
              <Stack gap={6} mt={6}>
                {FORMATS.map((f) => (
                  <Checkbox key={f.value} value={f.value} label={f.label} />
                ))}
              </Stack>
            </Checkbox.Group>
            <SimpleGrid cols={3}>
              <TextInput type="date" label="Issued from" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
              <TextInput type="date" label="Issued before" value={to} onChange={(e) => setTo(e.currentTarget.value)} error={badRange ? 'After the start' : undefined} />
              <Select label="Status" placeholder="Any" clearable data={Object.entries(INVOICE_STATUS).map(([value, s]) => ({ value, label: s.label }))} value={status} onChange={setStatus} />
            </SimpleGrid>
            <TextInput label="Folder (optional)" placeholder="<data dir>/exports/<timestamp>" description="An absolute path on the engine's machine." value={folder} onChange={(e) => setFolder(e.currentTarget.value)} />
            <InlineError error={error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={busy} disabled={formats.length === 0 || badRange} data-testid="export-submit">
                Export
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}

/** The current period of a customer as an invoice would state it now (writes nothing). */
export function DraftPreview({ customer }: { customer: string }) {
  const q = useQuery(() => call('previewInvoice', { external_id: customer }), [customer]);
  if (q.loading) return <Text size="sm" c="dimmed">Pricing the current period…</Text>;
  if (q.error) {
    if (q.error.code === 'invalid_state')
      return (
        <Text size="sm" c="dimmed" data-testid="preview-empty">
          {q.error.message} Subscribe the customer to a plan to see its next invoice.
        </Text>
      );
    return <ErrorState error={q.error} onRetry={q.reload} what="the preview" />;
  }
  const inv = q.data!;
  return (
    <Stack gap="sm" data-testid="invoice-preview">
      <Group justify="space-between">
        <Text size="sm">
          Period <b>{periodText(inv.period)}</b> in {inv.currency}, if nothing more is used
        </Text>
        <Button size="compact-xs" variant="subtle" onClick={q.reload}>
          Refresh
        </Button>
      </Group>
      <InvoiceLines invoice={inv} />
      <InvoiceTotals invoice={inv} />
    </Stack>
  );
}

export function PreviewDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [customer, setCustomer] = useState<string | null>(null);
  useEffect(() => {
    if (opened) setCustomer(null);
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Preview a customer&apos;s next invoice</Text>} size="xl">
      <Stack>
        <CustomerPicker value={customer} onChange={setCustomer} placeholder="Choose a customer" status="active" data-autofocus data-testid="preview-customer" />
        {customer ? (
          <>
            <DraftPreview customer={customer} />
            <Anchor component={Link} to={`/customers/${encodeURIComponent(customer)}/invoices`} size="sm" onClick={onClose}>
              Open {customer}&apos;s invoices
            </Anchor>
          </>
        ) : (
          <Text size="sm" c="dimmed">
            The preview states the invoice the current period will bring if nothing more is used: usage so far, the fixed fee, time-based charges at their current level, the minimum commitment, coupons and taxes, priced by the code that will price the invoice. Nothing is written.
          </Text>
        )}
      </Stack>
    </Modal>
  );
}

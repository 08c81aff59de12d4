import { Box, Button, Card, Chip, Group, Loader, Select, SimpleGrid, Table, Text, TextInput } from '@mantine/core';
import { Download, Eye, FileText, HandCoins, Play } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { type ApiError, call, toApiError } from '../../api';
import { PageHeader } from '../../components/common';
import { CustomerPicker } from '../../components/CustomerPicker';
import { ErrorState, NothingMatches, NothingYet, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatCount, formatDate } from '../../lib/format';
import { useListKeys } from '../../lib/keys';
import { Money } from '../../lib/money';
import { useThrottledEffect } from '../../lib/useQuery';
import { useLive } from '../../state/live';
import { type Invoice, INVOICE_STATUS, type InvoiceStatus, InvoiceStatusBadge, invoiceTitle, periodText, STATUS_FILTERS } from './common';
import { BillingRunDialog, ExportDialog, PreviewDialog } from './InvoiceTools';

const PAGE = 100;

/** `YYYY-MM-DD` of a local date. */
const ymd = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

function presetRange(preset: string): { from: string; to: string } {
  const now = new Date();
  const y = now.getFullYear();
  const m = now.getMonth();
  switch (preset) {
    case 'this_month':
      return { from: ymd(new Date(y, m, 1)), to: ymd(new Date(y, m + 1, 1)) };
    case 'last_month':
      return { from: ymd(new Date(y, m - 1, 1)), to: ymd(new Date(y, m, 1)) };
    case 'this_quarter': {
      const q = Math.floor(m / 3) * 3;
      return { from: ymd(new Date(y, q, 1)), to: ymd(new Date(y, q + 3, 1)) };
    }
    case 'this_year':
      return { from: ymd(new Date(y, 0, 1)), to: ymd(new Date(y + 1, 0, 1)) };
    case 'last_year':
      return { from: ymd(new Date(y - 1, 0, 1)), to: ymd(new Date(y, 0, 1)) };
    default:
      return { from: '', to: '' };
  }
}
const PRESETS = [
  { value: 'all', label: 'Any time' },
  { value: 'this_month', label: 'This month' },
  { value: 'last_month', label: 'Last month' },
  { value: 'this_quarter', label: 'This quarter' },
  { value: 'this_year', label: 'This year' },
  { value: 'last_year', label: 'Last year' },
  { value: 'custom', label: 'Custom dates' },
];
function presetOf(from: string, to: string): string {
  if (!from && !to) return 'all';
  return PRESETS.find((p) => p.value !== 'all' && p.value !== 'custom' && presetRange(p.value).from === from && presetRange(p.value).to === to)?.value ?? 'custom';
}
const toIso = (date: string) => new Date(`${date}T00:00:00`).toISOString();

interface Totals {
  currency: string;
  count: number;
  total: bigint;
  outstanding: bigint;
  drafts: number;
  draftTotal: bigint;
}

/** Per currency over the rows loaded: never adds amounts of different currencies. */
function totalsOf(rows: Invoice[]): Totals[] {
  const by = new Map<string, Totals>();
  for (const r of rows) {
    const t = by.get(r.currency) ?? { currency: r.currency, count: 0, total: 0n, outstanding: 0n, drafts: 0, draftTotal: 0n };
    t.count++;
    if (r.status === 'draft') {
      t.drafts++;
      t.draftTotal += BigInt(r.total);
    }
    else if (r.status !== 'void') {
      t.total += BigInt(r.total);
      t.outstanding += BigInt(r.amount_outstanding);
    }
    by.set(r.currency, t);
  }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

export function InvoicesPage() {
  useTitle('Invoices');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? 'all') as InvoiceStatus | 'all';
  const customer = params.get('customer');
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const [preset, setPreset] = useState(() => presetOf(from, to));
  const setParam = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next, { replace: true });
  };

  const [rows, setRows] = useState<Invoice[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [active, setActive] = useState(-1);
  const [tool, setTool] = useState<null | 'run' | 'export' | 'preview'>(null);
  const seq = useRef(0);
  const epoch = useLive((s) => s.epoch);
  const invoiceSeq = useLive((s) => s.invoiceSeq);
  const filters = useMemo(
    () => ({ ...(status !== 'all' ? { status } : {}), ...(customer ? { customer } : {}), ...(from ? { from: toIso(from) } : {}), ...(to ? { to: toIso(to) } : {}) }),
    [status, customer, from, to],
  );
  const filtered = status !== 'all' || !!customer || !!from || !!to;

  /** A page may come back short (filtered on the server within its window): keep going until there is enough to show. */
  const fetchPages = useCallback(async (start: string | null, want: number) => {
    const out: Invoice[] = [];
    let next: string | null = start;
    let first = true;
    while ((first || next) && out.length < want) {
      first = false;
      const page = await call('listInvoices', { limit: PAGE, order: 'desc', ...filters, ...(next ? { cursor: next } : {}) });
      out.push(...page.data);
      next = page.next_cursor;
    }
    return { rows: out, next };
  }, [filters]);

  const load = useCallback(() => {
    const mine = ++seq.current;
    setError(null);
    fetchPages(null, 30)
      .then(({ rows: r, next }) => {
        if (mine !== seq.current) return;
        setRows(r);
        setCursor(next);
        setLoading(false);
        setActive((a) => (a >= r.length ? -1 : a));
      })
      .catch((e: unknown) => {
        if (mine !== seq.current) return;
        setError(toApiError(e));
        setLoading(false);
      });
  }, [fetchPages]);
  useEffect(() => {
    setLoading(true);
    load();
  }, [load, epoch]);
  // Invoices finalized, paid or voided elsewhere: read the first pages again, at most every 1.5 s.
  useThrottledEffect(load, invoiceSeq, 1500);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const mine = seq.current;
    setLoadingMore(true);
    fetchPages(cursor, 30)
      .then(({ rows: r, next }) => {
        if (mine !== seq.current) return;
        setRows((old) => [...old, ...r]);
        setCursor(next);
      })
      .catch((e: unknown) => setError(toApiError(e)))
      .finally(() => setLoadingMore(false));
  }, [cursor, loadingMore, fetchPages]);
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore(), { rootMargin: '300px' });
    io.observe(el);
    return () => io.disconnect();
  }, [loadMore, rows.length]);

  const open = (i: number) => {
    const r = rows[i];
    if (r) navigate(`/invoices/${encodeURIComponent(r.id)}`);
  };
  useListKeys(rows.length, active, (i) => {
    setActive(i);
    document.querySelector(`[data-row-index="${i}"]`)?.scrollIntoView({ block: 'nearest' });
  }, open);

  const totals = totalsOf(rows);
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const r of rows) c[r.status] = (c[r.status] ?? 0) + 1;
    return c;
  }, [rows]);
  // Counts per status are exact only when every invoice is loaded and no status filter is on.
  const exactCounts = !cursor && status === 'all' && !loading;
  const clear = () => {
    setPreset('all');
    setParams(new URLSearchParams(), { replace: true });
  };

  return (
    <>
      <PageHeader
        title="Invoices"
        count={!cursor && !loading ? rows.length : null}
        description="Drafts at period end, finalized invoices with their payments and credit notes. Filters run on the server; the list loads as you scroll."
        actions={
          <>
            <Button component={Link} to="/invoices/aging" variant="default" leftSection={<HandCoins size={16} />}>
              Aging
            </Button>
            <Button variant="default" leftSection={<Eye size={16} />} onClick={() => setTool('preview')}>
              Preview a draft
            </Button>
            <Button variant="default" leftSection={<Download size={16} />} onClick={() => setTool('export')}>
              Export
            </Button>
            <Button leftSection={<Play size={16} />} onClick={() => setTool('run')} data-testid="open-billing-run">
              Run billing
            </Button>
          </>
        }
      >
        <Chip.Group multiple={false} value={status} onChange={(v) => setParam({ status: v === 'all' ? null : (v as string) })}>
          <Group gap={6} mt="sm" role="group" aria-label="Status">
            {STATUS_FILTERS.map((s) => (
              <Chip key={s} value={s} size="sm" variant="outline" data-testid={`status-${s}`}>
                {s === 'all' ? 'All' : INVOICE_STATUS[s].label}
                {exactCounts && s !== 'all' && counts[s] ? ` · ${formatCount(counts[s])}` : ''}
              </Chip>
            ))}
          </Group>
        </Chip.Group>
        <Group mt="xs" gap="sm" align="flex-end" wrap="wrap">
          <CustomerPicker value={customer} onChange={(v) => setParam({ customer: v })} w={300} data-testid="invoice-customer-filter" />
          <Select
            label="Issued"
            data={PRESETS}
            value={preset}
            onChange={(v) => {
              const p = v ?? 'all';
              setPreset(p);
              if (p !== 'custom') {
                const r = presetRange(p);
                setParam({ from: r.from || null, to: r.to || null });
              }
            }}
            allowDeselect={false}
            w={170}
          />
          {preset === 'custom' && (
            <>
              <TextInput type="date" label="From" value={from} onChange={(e) => setParam({ from: e.currentTarget.value || null })} w={160} />
              <TextInput type="date" label="Before" value={to} onChange={(e) => setParam({ to: e.currentTarget.value || null })} w={160} error={from && to && to <= from ? 'After the start' : undefined} />
            </>
          )}
          {filtered && (
            <Button variant="subtle" onClick={clear}>
              Clear filters
            </Button>
          )}
        </Group>
      </PageHeader>

      {!loading && !error && totals.length > 0 && (
        <Box mb="md">
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} data-testid="invoice-totals-cards">
            {totals.map((t) => (
              <Card key={t.currency} padding="md" data-testid={`invoice-totals-${t.currency}`}>
                <Group justify="space-between" mb={4}>
                  <Text fw={650}>{t.currency}</Text>
                  <Text size="xs" c="dimmed">
                    {formatCount(t.count)} invoice{t.count === 1 ? '' : 's'}
                    {t.drafts ? ` · ${t.drafts} draft${t.drafts === 1 ? '' : 's'}` : ''}
                  </Text>
                </Group>
                <Group justify="space-between">
                  <Text size="sm" c="dimmed">
                    Invoiced
                  </Text>
                  <Money amount={t.total} asset={t.currency} fw={650} data-testid="totals-invoiced" />
                </Group>
                <Group justify="space-between">
                  <Text size="sm" c="dimmed">
                    Outstanding
                  </Text>
                  <Money amount={t.outstanding} asset={t.currency} fw={650} data-testid="totals-outstanding" />
                </Group>
                {t.drafts > 0 && (
                  <Group justify="space-between">
                    <Text size="sm" c="dimmed">
                      In drafts
                    </Text>
                    <Money amount={t.draftTotal} asset={t.currency} c="dimmed" data-testid="totals-drafts" />
                  </Group>
                )}
              </Card>
            ))}
          </SimpleGrid>
          <Text size="xs" c="dimmed" mt={4}>
            Totals of the {formatCount(rows.length)} invoice{rows.length === 1 ? '' : 's'} {cursor ? 'loaded so far (scroll to load the rest)' : filtered ? 'that match' : 'in the ledger'}; finalized and not void; drafts are counted apart.
          </Text>
        </Box>
      )}

      {error && rows.length === 0 ? (
        <ErrorState error={error} onRetry={load} what="invoices" />
      ) : loading ? (
        <TableSkeleton rows={8} cols={7} />
      ) : rows.length === 0 && !filtered ? (
        <NothingYet
          icon={<FileText size={28} />}
          title="No invoices yet"
          description="An invoice is drafted when a subscription's billing period ends, and finalized after the grace period. Run billing to bill what came due now."
          action={
            <Button leftSection={<Play size={16} />} onClick={() => setTool('run')}>
              Run billing
            </Button>
          }
        />
      ) : rows.length === 0 ? (
        <NothingMatches onClear={clear} what="invoices" />
      ) : (
        <Table.ScrollContainer minWidth={980} type="native" className="tg-hscroll">
          <Table aria-label="Invoices" data-testid="invoice-list" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Invoice</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Period</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Issued</Table.Th>
                <Table.Th>Due</Table.Th>
                <Table.Th className="tg-right">Total</Table.Th>
                <Table.Th className="tg-right">Outstanding</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r, i) => (
                <Table.Tr
                  key={r.id}
                  data-testid="invoice-row"
                  data-invoice={r.id}
                  data-number={r.number ?? ''}
                  data-status={r.status}
                  data-row-index={i}
                  data-active={i === active}
                  className="tg-trow"
                  onClick={() => open(i)}
                  style={{ cursor: 'pointer' }}
                >
                  <Table.Td>
                    <a href={`#/invoices/${encodeURIComponent(r.id)}`} onClick={(e) => e.stopPropagation()} className="tg-row-link">
                      <Text size="sm" fw={600} ff={r.number ? 'monospace' : undefined}>
                        {invoiceTitle(r)}
                      </Text>
                    </a>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" truncate maw={220}>
                      {r.customer}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c="dimmed">
                      {periodText(r.period)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <InvoiceStatusBadge status={r.status} size="sm" />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{r.finalized_at ? formatDate(r.finalized_at) : <Text span size="sm" c="dimmed">—</Text>}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" c={r.status === 'overdue' ? 'red' : undefined}>
                      {r.due_at && r.status !== 'void' ? formatDate(r.due_at) : '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={r.total} asset={r.currency} size="sm" fw={500} accounting c={r.status === 'void' ? 'dimmed' : undefined} td={r.status === 'void' ? 'line-through' : undefined} />
                  </Table.Td>
                  <Table.Td className="tg-right">
                    {r.status === 'draft' || r.status === 'void' ? <Text span size="sm" c="dimmed">—</Text> : <Money amount={r.amount_outstanding} asset={r.currency} size="sm" />}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <div ref={sentinel} />
          {loadingMore && (
            <Group justify="center" py="xs">
              <Loader size="xs" role="status" aria-label="Loading more invoices" />
            </Group>
          )}
          {cursor && !loadingMore && (
            <Group justify="center" py="xs">
              <Button variant="subtle" size="xs" onClick={loadMore}>
                Load more
              </Button>
            </Group>
          )}
        </Table.ScrollContainer>
      )}
      <BillingRunDialog opened={tool === 'run'} onClose={() => setTool(null)} onFinished={load} />
      <ExportDialog opened={tool === 'export'} onClose={() => setTool(null)} initial={{ from, to, status: status === 'all' ? null : status }} />
      <PreviewDialog opened={tool === 'preview'} onClose={() => setTool(null)} />
    </>
  );
}

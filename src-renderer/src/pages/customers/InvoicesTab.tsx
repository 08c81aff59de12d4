import { Box, Button, Card, Collapse, Group, Stack, Table, Text, Title } from '@mantine/core';
import { ChevronDown, ChevronRight, FileText, Play } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { call } from '../../api';
import { ErrorState, NothingYet, TableSkeleton } from '../../components/states';
import { formatDate } from '../../lib/format';
import { Money } from '../../lib/money';
import { useQuery, useThrottledEffect } from '../../lib/useQuery';
import { useLive } from '../../state/live';
import { type Invoice, InvoiceStatusBadge, invoiceTitle, periodText } from '../invoices/common';
import { BillingRunDialog, DraftPreview } from '../invoices/InvoiceTools';

/** A customer's invoices (newest first, paged on the server) and the preview of the period under way. */
export function InvoicesTab({ customer }: { customer: string }) {
  const [pages, setPages] = useState(1);
  const [running, setRunning] = useState(false);
  const [previewOpen, setPreviewOpen] = useState(true);
  const invoiceSeq = useLive((s) => s.customerSeq[customer] ?? 0);
  const q = useQuery(async () => {
    const all: Invoice[] = [];
    let cursor: string | undefined;
    let more = false;
    for (let i = 0; i < pages; i++) {
      const page = await call('listInvoices', { customer, limit: 50, order: 'desc', ...(cursor ? { cursor } : {}) });
      all.push(...page.data);
      cursor = page.next_cursor ?? undefined;
      more = !!cursor;
      if (!cursor) break;
    }
    return { rows: all, more };
  }, [customer, pages], { keepPreviousData: true });
  useThrottledEffect(q.reload, invoiceSeq, 2000);
  const rows = q.data?.rows ?? [];
  return (
    <Stack gap="xl">
      <Card>
        <Group justify="space-between" mb="xs">
          <Group gap={6}>
            <Button variant="subtle" color="gray" size="compact-sm" px={4} onClick={() => setPreviewOpen((o) => !o)} aria-expanded={previewOpen} leftSection={previewOpen ? <ChevronDown size={14} /> : <ChevronRight size={14} />}>
              <Title order={2} fz="md">
                Next invoice (preview)
              </Title>
            </Button>
          </Group>
          <Button size="xs" variant="default" leftSection={<Play size={14} />} onClick={() => setRunning(true)}>
            Bill now
          </Button>
        </Group>
        <Collapse expanded={previewOpen}>{previewOpen && <DraftPreview customer={customer} />}</Collapse>
      </Card>
      <Box>
        <Title order={2} fz="lg" mb="xs">
          Invoices
        </Title>
        {q.error && !q.data ? (
          <ErrorState error={q.error} onRetry={q.reload} what="invoices" />
        ) : q.loading ? (
          <TableSkeleton rows={3} cols={6} />
        ) : rows.length === 0 ? (
          <NothingYet icon={<FileText size={28} />} title="No invoices yet" description="An invoice is drafted when a billing period of this customer's subscription ends." />
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table aria-label={`Invoices of ${customer}`} data-testid="customer-invoices">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Invoice</Table.Th>
                  <Table.Th>Period</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Issued</Table.Th>
                  <Table.Th className="tg-right">Total</Table.Th>
                  <Table.Th className="tg-right">Outstanding</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((r) => (
                  <Table.Tr key={r.id} data-testid="customer-invoice-row" data-status={r.status}>
                    <Table.Td>
                      <Link to={`/invoices/${encodeURIComponent(r.id)}`} className="tg-row-link">
                        <Text size="sm" fw={600} ff={r.number ? 'monospace' : undefined} td="underline">
                          {invoiceTitle(r)}
                        </Text>
                      </Link>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" c="dimmed">
                        {periodText(r.period)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <InvoiceStatusBadge status={r.status} size="sm" />
                    </Table.Td>
                    <Table.Td>{r.finalized_at ? formatDate(r.finalized_at) : '—'}</Table.Td>
                    <Table.Td className="tg-right">
                      <Money amount={r.total} asset={r.currency} size="sm" accounting />
                    </Table.Td>
                    <Table.Td className="tg-right">{r.status === 'draft' || r.status === 'void' ? '—' : <Money amount={r.amount_outstanding} asset={r.currency} size="sm" />}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {q.data?.more && (
              <Group justify="center" mt="xs">
                <Button variant="subtle" size="xs" loading={q.fetching} onClick={() => setPages((p) => p + 1)}>
                  Load older invoices
                </Button>
              </Group>
            )}
          </Table.ScrollContainer>
        )}
      </Box>
      <BillingRunDialog opened={running} onClose={() => setRunning(false)} customer={customer} onFinished={q.reload} />
    </Stack>
  );
}

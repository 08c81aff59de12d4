import { Anchor, Badge, Button, Card, Group, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { ArrowLeft, HandCoins, RefreshCw } from 'lucide-react';
import { Link } from 'react-router';
import { useUrlParams } from '../../lib/url-params';
import { call } from '../../api';
import { PageHeader } from '../../components/common';
import { ErrorState, NothingYet, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatCount, formatDate, formatDateTime, plural } from '../../lib/format';
import { Money } from '../../lib/money';
import { useQuery } from '../../lib/useQuery';

/** The aging buckets, oldest last, as the API names them. */
const BUCKETS = [
  { key: 'not_due', label: 'Not due' },
  { key: 'days_1_30', label: '1–30 days' },
  { key: 'days_31_60', label: '31–60 days' },
  { key: 'days_61_90', label: '61–90 days' },
  { key: 'days_over_90', label: 'Over 90 days' },
] as const;
type BucketKey = (typeof BUCKETS)[number]['key'];

/** Older buckets in warmer colours, so the eye goes to the oldest debt first (the label says it too). */
const BUCKET_COLOR: Record<BucketKey, string | undefined> = { not_due: undefined, days_1_30: 'yellow.8', days_31_60: 'orange.8', days_61_90: 'red.7', days_over_90: 'red.9' };

const LIMITS = ['100', '500', '1000'];

/**
 * Receivables aging: who owes what, by how long it is past due, per currency (amounts are never
 * added across currencies). Each row is a customer and currency, most overdue first.
 */
export function AgingPage() {
  useTitle('Receivables aging');
  const [params, setParam] = useUrlParams();
  const currency = params.get('currency');
  const limit = params.get('limit') ?? '100';
  // No polling: the report walks every customer in debt on the engine's thread, and ages by days.
  const q = useQuery(() => call('getReceivablesAging', { ...(currency ? { currency } : {}), limit: Number(limit) }), [currency, limit], { keepPreviousData: true });
  const data = q.data;

  return (
    <>
      <PageHeader
        title="Receivables aging"
        description="What customers owe, by how long it is past its due date. Each invoice counts what is still outstanding on it; debt not invoiced yet (postpaid usage of the current period, drafts) is shown apart and not aged."
        actions={
          <Button component={Link} to="/invoices" variant="default" leftSection={<ArrowLeft size={16} />}>
            Invoices
          </Button>
        }
      >
        <Group gap="sm">
          <Select
            aria-label="Currency"
            placeholder="Every currency"
            clearable
            w={180}
            data={(data?.currencies ?? []).map((c) => c.currency).concat(currency && !data?.currencies.some((c) => c.currency === currency) ? [currency] : [])}
            value={currency}
            onChange={(v) => setParam('currency', v)}
          />
          <Select aria-label="Rows" w={140} data={LIMITS.map((l) => ({ value: l, label: `Top ${l}` }))} value={limit} onChange={(v) => setParam('limit', v === '100' ? null : v)} allowDeselect={false} />
          {data && (
            <Text size="sm" c="dimmed">
              As of {formatDateTime(data.as_of)}
            </Text>
          )}
          <Button variant="subtle" size="compact-sm" leftSection={<RefreshCw size={14} />} onClick={q.reload} loading={q.fetching}>
            Refresh
          </Button>
        </Group>
      </PageHeader>

      {q.error && !data ? (
        <ErrorState error={q.error} onRetry={q.reload} />
      ) : q.loading ? (
        <TableSkeleton rows={6} />
      ) : !data || data.currencies.length === 0 ? (
        <NothingYet icon={<HandCoins size={28} />} title="Nobody owes anything" description={currency ? `No customer owes in ${currency}.` : 'Finalized invoices still unpaid and postpaid usage not invoiced yet show here, by how long they are past due.'} />
      ) : (
        <Stack gap="lg">
          <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="aging-currencies">
            {data.currencies.map((c) => (
              <Card key={c.currency} padding="md" data-testid={`aging-currency-${c.currency}`}>
                <Group justify="space-between" mb="xs">
                  <Title order={2} fz="md">
                    {c.currency}
                  </Title>
                  <Text size="sm" c="dimmed">
                    {plural(c.customers, 'customer')}
                  </Text>
                </Group>
                <Group gap="xl" mb="sm" align="flex-end">
                  <div>
                    <Text size="xs" c="dimmed">Owed in all</Text>
                    <Money amount={c.total} asset={c.currency} fw={700} fz="xl" />
                  </div>
                  <div>
                    <Text size="xs" c="dimmed">Past due</Text>
                    <Money amount={c.overdue} asset={c.currency} fw={600} fz="lg" c={BigInt(c.overdue) > 0n ? 'red.7' : undefined} />
                  </div>
                </Group>
                <Table withRowBorders={false} verticalSpacing={2} fz="sm">
                  <Table.Tbody>
                    {BUCKETS.map((b) => (
                      <Table.Tr key={b.key}>
                        <Table.Td>{b.label}</Table.Td>
                        <Table.Td ta="right">
                          <Money amount={c[b.key]} asset={c.currency} c={BigInt(c[b.key]) > 0n ? BUCKET_COLOR[b.key] : 'dimmed'} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                    <Table.Tr>
                      <Table.Td c="dimmed">Not invoiced yet</Table.Td>
                      <Table.Td ta="right">
                        <Money amount={c.uninvoiced} asset={c.currency} c="dimmed" />
                      </Table.Td>
                    </Table.Tr>
                  </Table.Tbody>
                </Table>
              </Card>
            ))}
          </SimpleGrid>

          <Card padding={0}>
            <Group justify="space-between" p="md" pb="xs">
              <Title order={2} fz="md">
                By customer
              </Title>
              <Text size="sm" c="dimmed">
                {data.customers.length < data.customers_total ? `The ${formatCount(data.customers.length)} most overdue of ${formatCount(data.customers_total)}` : plural(data.customers_total, 'row')}, most overdue first
              </Text>
            </Group>
            <Table.ScrollContainer minWidth={900}>
              <Table striped highlightOnHover data-testid="aging-customers">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Customer</Table.Th>
                    {BUCKETS.map((b) => (
                      <Table.Th key={b.key} ta="right">
                        {b.label}
                      </Table.Th>
                    ))}
                    <Table.Th ta="right">Not invoiced</Table.Th>
                    <Table.Th ta="right">Total</Table.Th>
                    <Table.Th>Oldest due</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.customers.map((r) => (
                    <Table.Tr key={`${r.customer}:${r.currency}`}>
                      <Table.Td>
                        <Anchor component={Link} to={`/customers/${encodeURIComponent(r.customer)}/invoices`} fw={500}>
                          {r.name ?? r.customer}
                        </Anchor>
                        <Group gap={6}>
                          {r.name && (
                            <Text size="xs" c="dimmed">
                              {r.customer}
                            </Text>
                          )}
                          <Badge size="xs" variant="light" color="gray" tt="none">
                            {plural(r.invoices, 'invoice')}
                          </Badge>
                        </Group>
                      </Table.Td>
                      {BUCKETS.map((b) => (
                        <Table.Td key={b.key} ta="right">
                          <Money amount={r[b.key]} asset={r.currency} c={BigInt(r[b.key]) > 0n ? BUCKET_COLOR[b.key] : 'dimmed'} />
                        </Table.Td>
                      ))}
                      <Table.Td ta="right">
                        <Money amount={r.uninvoiced} asset={r.currency} c="dimmed" />
                      </Table.Td>
                      <Table.Td ta="right">
                        <Money amount={r.total} asset={r.currency} fw={600} />
                      </Table.Td>
                      <Table.Td>{r.oldest_due_at ? formatDate(r.oldest_due_at) : '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          </Card>
        </Stack>
      )}
    </>
  );
}

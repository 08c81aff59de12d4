import { Accordion, Badge, Box, Code, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { CircleCheck, Lightbulb } from 'lucide-react';
import { useUrlParams } from '../../lib/url-params';
import { call } from '../../api';
import { CustomerPicker } from '../../components/CustomerPicker';
import { NothingYet, ErrorState, TableSkeleton } from '../../components/states';
import { formatCount, formatDateTime, humanCode } from '../../lib/format';
import { useQuery, useThrottledEffect } from '../../lib/useQuery';
import { useLive } from '../../state/live';

/** What to do about each refusal code, as Stripe's meter error reports suggest. */
const HINTS: Record<string, string> = {
  customer_not_found: 'Create the customer first (POST /v1/customers), or fix the external_id your app sends.',
  insufficient_funds: 'The wallet could not cover the event, or the amount an authorization asked to hold. Top up, or raise the overdraft limit (it lets events under record_as_debt go below zero).',
  spend_cap_exceeded: 'A daily or monthly spend cap stopped it. Raise the cap on the customer\'s Details tab if intended.',
  validation_failed: 'The payload is malformed: check required fields (transaction_id, customer, code) and types.',
  invalid_event_property: 'A property a metric aggregates is missing or not a number: send it as a number.',
  timestamp_in_future: 'The event is dated too far ahead: check the clock of the sender, or send no timestamp.',
  timestamp_before_subscription: 'The event happened before the subscription started: backdate the subscription or drop the event.',
  period_closed: 'The period is finalized. Enable late events into the current period in Settings, or drop it.',
  idempotency_conflict: 'The transaction_id was used before with other content: make ids unique per event.',
  no_price: 'The customer\'s plan has no charge for this metric: add one, or check the event code.',
};

/**
 * What kind of request a refusal sample was. The engine counts refusals of `POST /v1/events` (and
 * batches) and declines of `POST /v1/authorizations` together, per reason, without the route; a
 * sample keeps the body, and the two bodies differ: an event names its `code` (and
 * `transaction_id`), an authorization asks for an `amount` or a `metric` and `quantity`.
 */
type RequestKind = 'event' | 'authorization' | 'request';
export function requestKind(body: unknown): RequestKind {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'request';
  const b = body as Record<string, unknown>;
  if ('code' in b || 'transaction_id' in b) return 'event';
  if ('amount' in b || 'quantity' in b || 'metric' in b || 'ttl_seconds' in b) return 'authorization';
  return 'request';
}

export function KindBadge({ kind }: { kind: RequestKind }) {
  return (
    <Badge size="xs" variant="outline" color={kind === 'authorization' ? 'blue' : 'gray'} tt="none" data-testid="refusal-kind" data-kind={kind} style={{ flexShrink: 0 }}>
      {kind}
    </Badge>
  );
}

/** How far back the counts go (they are kept 90 days); the API's default is the last 24 hours. */
const WINDOWS = [
  { value: '1h', label: '1 hour', ms: 3_600_000, phrase: 'in the last hour' },
  { value: '24h', label: '24 hours', ms: 86_400_000, phrase: 'in the last 24 hours' },
  { value: '7d', label: '7 days', ms: 7 * 86_400_000, phrase: 'in the last 7 days' },
  { value: '30d', label: '30 days', ms: 30 * 86_400_000, phrase: 'in the last 30 days' },
  { value: '90d', label: '90 days', ms: 90 * 86_400_000, phrase: 'in the last 90 days (as far as counts are kept)' },
];

export function RefusedTab() {
  const seq = useLive((s) => s.refusalSeq);
  const [params, setParam] = useUrlParams();
  const customer = params.get('customer');
  const window = WINDOWS.find((w) => w.value === params.get('window')) ?? WINDOWS[1]!;
  // The window is measured from each (re)load, so a live refresh keeps it sliding.
  const q = useQuery(() => call('listRefusals', { since: new Date(Date.now() - window.ms).toISOString(), ...(customer ? { customer } : {}) }), [window.value, customer], { keepPreviousData: true });
  useThrottledEffect(q.reload, seq, 2000);
  const filters = (
    <Group gap="sm" data-testid="refused-filters">
      <SegmentedControl size="xs" aria-label="Time window" data={WINDOWS.map((w) => ({ value: w.value, label: w.label }))} value={window.value} onChange={(v) => setParam('window', v === '24h' ? null : v)} />
      <CustomerPicker value={customer} onChange={(v) => setParam('customer', v)} label="" aria-label="Customer" w={260} size="xs" />
    </Group>
  );
  if (q.loading) return <TableSkeleton rows={4} cols={3} />;
  if (q.error && !q.data) return <ErrorState error={q.error} onRetry={q.reload} what="refused requests" />;
  const reasons = q.data?.reasons ?? [];
  const scope = `${window.phrase}${customer ? ` for ${customer}` : ''}`;
  if (reasons.length === 0) {
    return (
      <Stack>
        {filters}
        <NothingYet icon={<CircleCheck size={28} />} title={`No refused requests ${scope}`} description="When the API refuses an event or declines an authorization (unknown customer, no funds, bad payload), it is counted here by reason with samples and a fix hint." />
      </Stack>
    );
  }
  const total = reasons.reduce((t, r) => t + r.count, 0);
  return (
    <Stack>
      {filters}
      <Text size="sm" c="dimmed" data-testid="refused-summary">
        {formatCount(total)} refused request{total === 1 ? '' : 's'} in {reasons.length} reason{reasons.length === 1 ? '' : 's'} {scope}: events the API refused and authorizations it declined, counted together. Samples are the newest few per reason and say which kind each was.
      </Text>
      <Accordion variant="separated" multiple defaultValue={reasons.slice(0, 1).map((r) => r.reason)}>
        {reasons.map((r) => (
          <Accordion.Item key={r.reason} value={r.reason} data-testid={`refusal-${r.reason}`}>
            <Accordion.Control>
              <Group justify="space-between" pr="md">
                <Group gap="sm">
                  <Badge color="orange" variant="light" ff="monospace" tt="none">
                    {r.reason}
                  </Badge>
                  <Text size="sm" fw={500}>
                    {humanCode(r.reason)}
                  </Text>
                  {[...new Set(r.samples.map((x) => requestKind(x.body)))].sort().map((k) => (
                    <KindBadge key={k} kind={k} />
                  ))}
                </Group>
                <Text size="sm" fw={700} className="tg-num">
                  {formatCount(r.count)}
                </Text>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Group gap={6} mb="sm" wrap="nowrap" align="flex-start">
                <Lightbulb size={16} color="var(--mantine-color-yellow-7)" aria-hidden style={{ flex: 'none', marginTop: 2 }} />
                <Text size="sm">{HINTS[r.reason] ?? 'See the message of the samples below.'}</Text>
              </Group>
              <Table fz="sm" verticalSpacing={6} aria-label={`Samples of ${r.reason}`} layout="fixed" style={{ width: '100%' }}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th w={150}>When</Table.Th>
                    <Table.Th w={140}>Customer</Table.Th>
                    <Table.Th w={110}>Request</Table.Th>
                    <Table.Th>Message and body</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {r.samples.map((s, i) => (
                    <Table.Tr key={i}>
                      <Table.Td className="tg-num">{formatDateTime(s.at)}</Table.Td>
                      <Table.Td>{s.customer ?? (((s.body as Record<string, unknown> | null)?.customer as string | undefined) ?? '—')}</Table.Td>
                      <Table.Td>
                        <KindBadge kind={requestKind(s.body)} />
                      </Table.Td>
                      <Table.Td>
                        <Box miw={0} maw="100%">
                          {/* As the engine wrote it: its messages state amounts as money at the asset's scale. */}
                          <Text size="sm" data-testid="refusal-message" style={{ overflowWrap: 'anywhere' }}>
                            {s.message}
                          </Text>
                          <Code block mt={4} fz={11} data-testid="refusal-body" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', wordBreak: 'break-word', maxHeight: 160, overflowY: 'auto' }}>
                            {JSON.stringify(s.body)}
                          </Code>
                        </Box>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
    </Stack>
  );
}

import { ActionIcon, Badge, Box, Button, Card, Grid, Group, Loader, ScrollArea, SegmentedControl, Stack, Table, Tabs, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Activity, ArrowUp, Pause, Play, Search, Undo2, X } from 'lucide-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { type ApiError, call, type OutputOf } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { CopyId, PageHeader } from '../../components/common';
import { ErrorState, NothingMatches, NothingYet, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatCount, formatDateTime, formatTime, formatTimeOrDateTime } from '../../lib/format';
import { useListKeys, usePageKey } from '../../lib/keys';
import { Money } from '../../lib/money';
import { useQuery } from '../../lib/useQuery';
import { useLive } from '../../state/live';
import { RefusedTab } from './RefusedTab';
import { WarningBadge, WarningsAlert } from './warnings';
import { VirtualBody, VirtualHead, VirtualRow, VirtualTable } from '../../components/VirtualTable';

type Stored = OutputOf<'listEvents'>['data'][number];
interface Row {
  transaction_id: string;
  customer: string;
  code: string;
  timestamp: string | null;
  status: string;
  debits: { asset: string; amount: string }[];
  debt_created: boolean;
  authorization_id: string | null;
  /** null: not known yet (a live row whose feed message did not carry them). */
  warnings: string[] | null;
  fresh?: boolean;
}
const ROW_H = 50;
const COLS = '108px minmax(120px, 1.4fr) minmax(70px, 1fr) minmax(70px, 0.8fr) minmax(110px, 0.9fr)';
const rowKey = (r: { customer: string; transaction_id: string }) => `${r.customer}\u0000${r.transaction_id}`;

function fromStored(e: Stored): Row {
  return { transaction_id: e.transaction_id, customer: e.customer, code: e.code, timestamp: e.timestamp, status: e.status, debits: e.debits.map((d) => ({ asset: d.asset, amount: d.amount })), debt_created: e.debt_created, authorization_id: e.authorization_id, warnings: e.warnings };
}

function EventDetail({ customer, tx, onReversed, onClose }: { customer: string; tx: string; onReversed: () => void; onClose: () => void }) {
  const q = useQuery(() => call('getEvent', { customer, transaction_id: tx }), [customer, tx]);
  const [reversing, setReversing] = useState(false);
  if (q.loading) return <TableSkeleton rows={6} cols={2} />;
  if (q.error) return <ErrorState error={q.error} onRetry={q.reload} what={`event ${tx}`} />;
  const { event: e, transfers } = q.data!;
  return (
    <Stack gap="md" data-testid="event-detail">
      <Group justify="space-between" align="flex-start">
        <Box>
          <Group gap="xs">
            <Title order={2} fz="lg">
              {e.code}
            </Title>
            <Badge color={e.status === 'accepted' ? 'teal' : 'gray'} variant="light">
              {e.status}
            </Badge>
            {e.debt_created && (
              <Badge color="red" variant="light">
                debt created
              </Badge>
            )}
          </Group>
          <CopyId value={e.transaction_id} label="transaction id" size="sm" />
          <Text size="xs" c="dimmed">
            <Link to={`/customers/${encodeURIComponent(e.customer)}/wallet`}>{e.customer}</Link> · happened {formatDateTime(e.timestamp)} · received {formatDateTime(e.received_at)}
          </Text>
        </Box>
        <Group gap={6} wrap="nowrap">
          {e.status === 'accepted' && (
            <Button variant="light" color="red" size="xs" leftSection={<Undo2 size={14} />} onClick={() => setReversing(true)}>
              Reverse…
            </Button>
          )}
          <Tooltip label="Close">
            <ActionIcon variant="subtle" color="gray" onClick={onClose} aria-label="Close the event">
              <X size={16} />
            </ActionIcon>
          </Tooltip>
        </Group>
      </Group>
      {e.reversed_at && (
        <Text size="sm" c="dimmed">
          Reversed {formatDateTime(e.reversed_at)}: {e.reversal_reason}
        </Text>
      )}
      <WarningsAlert warnings={e.warnings} code={e.code} />
      <Box>
        <Text fw={600} size="sm" mb={4}>
          Pricing
        </Text>
        {e.charges.length === 0 ? (
          <Text size="sm" c="dimmed">
            No charge priced this event{e.subscription ? '' : ' (the customer has no subscription)'}.
          </Text>
        ) : (
          <Table fz="sm" verticalSpacing={4} withTableBorder aria-label="Charges">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Charge</Table.Th>
                <Table.Th className="tg-right">Units</Table.Th>
                <Table.Th className="tg-right">Amount</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {e.charges.map((c) => (
                <Table.Tr key={c.charge_id}>
                  <Table.Td>
                    {c.metric} <Text span size="xs" c="dimmed">#{c.charge_id}</Text>
                  </Table.Td>
                  <Table.Td className="tg-right tg-num">{c.units}</Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={c.amount} asset={c.asset} size="sm" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Box>
      {e.debits.length > 0 && (
        <Box>
          <Text fw={600} size="sm" mb={4}>
            Debits
          </Text>
          <Table fz="sm" verticalSpacing={4} withTableBorder aria-label="Debits">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Asset</Table.Th>
                <Table.Th className="tg-right">Total</Table.Th>
                <Table.Th className="tg-right">From hold</Table.Th>
                <Table.Th className="tg-right">From credit</Table.Th>
                <Table.Th className="tg-right">As debt</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {e.debits.map((d) => (
                <Table.Tr key={d.asset}>
                  <Table.Td>{d.asset}</Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={d.amount} asset={d.asset} size="sm" fw={600} />
                  </Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={d.from_hold} asset={d.asset} size="sm" />
                  </Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={d.from_credit} asset={d.asset} size="sm" />
                  </Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={d.as_debt} asset={d.asset} size="sm" c={d.as_debt !== '0' ? 'red' : undefined} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
      <Box>
        <Text fw={600} size="sm" mb={4}>
          Transfers ({transfers.length})
        </Text>
        {transfers.length === 0 ? (
          <Text size="sm" c="dimmed">
            No money moved.
          </Text>
        ) : (
          <Table fz="xs" verticalSpacing={4} withTableBorder aria-label="Transfers">
            <Table.Tbody>
              {transfers.map((t) => (
                <Table.Tr key={t.id}>
                  <Table.Td>
                    <Badge size="xs" variant="light" tt="none">
                      {t.kind}
                    </Badge>{' '}
                    {t.phase !== 'posted' && (
                      <Badge size="xs" variant="outline" color="gray">
                        {t.phase}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {t.debit_account} → {t.credit_account}
                    </Text>
                    {/* Which credit lot paid it: two draws on one event are two lots (a grant, then paid credit). */}
                    {t.lot_id && (
                      <Text size="xs" c="dimmed">
                        lot #{t.lot_id}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={t.amount} asset={t.asset} size="xs" />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Box>
      <Box>
        <Text fw={600} size="sm" mb={4}>
          Payload
        </Text>
        <pre className="tg-pre">{JSON.stringify({ transaction_id: e.transaction_id, customer: e.customer, code: e.code, timestamp: e.timestamp, properties: e.properties, ...(e.authorization_id ? { authorization_id: e.authorization_id } : {}), ...(e.cost ? { cost: e.cost } : {}) }, null, 2)}</pre>
      </Box>
      <ConfirmDialog
        opened={reversing}
        onClose={() => setReversing(false)}
        title="Reverse this event"
        object={
          <>
            Reverse event <b>{e.transaction_id}</b> of <b>{e.customer}</b>?
          </>
        }
        consequences={['The event leaves its period\'s usage and the price difference is posted (credited back, or debited when a tier changes).', 'The event stays in the ledger, marked reversed, with your reason.', 'It cannot be undone.']}
        reason={{ label: 'Reason', placeholder: 'Duplicate sent by the SDK retry bug' }}
        confirmLabel={`Reverse ${e.transaction_id}`}
        onConfirm={async (reason) => {
          await call('reverseEvent', { customer: e.customer, transaction_id: e.transaction_id, reason });
          notifications.show({ color: 'teal', message: `Event ${e.transaction_id} reversed` });
          q.reload();
          onReversed();
        }}
      />
    </Stack>
  );
}

function StreamTab() {
  const [params, setParams] = useSearchParams();
  const customer = params.get('customer') ?? '';
  const code = params.get('code') ?? '';
  const tx = params.get('tx');
  /** A transaction id (or part of one): the API cannot search by it, so the loaded events are filtered. */
  const find = params.get('find') ?? '';
  const [draftCustomer, setDraftCustomer] = useState(customer);
  const [draftCode, setDraftCode] = useState(code);
  const [draftFind, setDraftFind] = useState(find);
  useEffect(() => setDraftCustomer(customer), [customer]);
  useEffect(() => setDraftCode(code), [code]);
  useEffect(() => setDraftFind(find), [find]);
  const q = useQuery(() => call('listEvents', { order: 'desc', limit: find ? 500 : 100, ...(customer ? { customer } : {}), ...(code ? { code } : {}) }), [customer, code, !!find]);
  const [older, setOlder] = useState<Row[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  useEffect(() => {
    setOlder([]);
    setCursor(q.data?.next_cursor ?? null);
  }, [q.data]);
  const [mark, setMark] = useState(() => Date.now());
  useEffect(() => setMark(Date.now()), [q.data]);

  const liveEvents = useLive((s) => s.events);
  const [paused, setPaused] = useState(false);
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const [atTop, setAtTop] = useState(true);
  const [active, setActive] = useState(-1);
  const [seenTop, setSeenTop] = useState<string | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();

  const findLower = find.toLowerCase();
  const matches = (r: { customer: string; code: string; transaction_id: string }) => (!customer || r.customer === customer) && (!code || r.code === code) && (!findLower || r.transaction_id.toLowerCase().includes(findLower));
  const fresh = useMemo(() => liveEvents.filter((e) => e.receivedAt >= mark && matches(e)), [liveEvents, mark, customer, code, findLower]);
  const visibleFresh = paused && pausedAt ? fresh.filter((e) => e.receivedAt <= pausedAt) : fresh;
  const pendingCount = fresh.length - visibleFresh.length;

  const rows = useMemo(() => {
    const seen = new Set<string>();
    const out: Row[] = [];
    const stored = [...(q.data?.data ?? []).map(fromStored), ...older];
    // The stored event knows its warnings; a live row may not (the feed need not carry them).
    const storedWarnings = new Map(stored.map((e) => [rowKey(e), e.warnings]));
    for (const e of visibleFresh) {
      const k = rowKey(e);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push({ ...e, warnings: storedWarnings.get(k) ?? e.warnings, fresh: true });
    }
    for (const e of stored) {
      const k = rowKey(e);
      if (seen.has(k) || !matches(e)) continue;
      seen.add(k);
      out.push(e);
    }
    return out;
  }, [visibleFresh, q.data, older, findLower]);
  const loadedCount = (q.data?.data.length ?? 0) + older.length;
  const loadOlder = () => {
    if (!cursor) return;
    setLoadingOlder(true);
    call('listEvents', { order: 'desc', limit: find ? 500 : 100, cursor, ...(customer ? { customer } : {}), ...(code ? { code } : {}) })
      .then((p) => {
        setOlder((o) => [...o, ...p.data.map(fromStored)]);
        setCursor(p.next_cursor);
      })
      .catch((e: ApiError) => notifications.show({ color: 'red', title: e.code, message: e.message }))
      .finally(() => setLoadingOlder(false));
  };
  // A transaction id found exactly: open it, as the palette's "search in Events" promises.
  useEffect(() => {
    if (!find || tx) return;
    const exact = rows.find((r) => r.transaction_id === find);
    if (!exact) return;
    const next = new URLSearchParams(params);
    next.set('tx', exact.transaction_id);
    next.set('sel', exact.customer);
    setParams(next, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [find, tx, rows]);

  // "N new events" when scrolled away from the top: count rows above what the operator last saw.
  const topKey = rows[0] ? rowKey(rows[0]) : null;
  useEffect(() => {
    if (atTop) setSeenTop(topKey);
  }, [atTop, topKey]);
  const unseen = atTop ? 0 : Math.max(0, rows.findIndex((r) => rowKey(r) === seenTop));

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 10 });
  const select = (i: number) => {
    const r = rows[i];
    if (!r) return;
    const next = new URLSearchParams(params);
    next.set('tx', r.transaction_id);
    next.set('sel', r.customer);
    setParams(next, { replace: true });
  };
  const selCustomer = params.get('sel') ?? customer;
  useListKeys(rows.length, active, (i) => {
    setActive(i);
    virtualizer.scrollToIndex(i);
    select(i);
  }, select);
  usePageKey({
    ' ': (e) => {
      e.preventDefault();
      togglePause();
    },
  });
  const togglePause = () => {
    if (paused) {
      setPaused(false);
      setPausedAt(null);
    } else {
      setPaused(true);
      setPausedAt(Date.now());
    }
  };

  const applyFilters = (e: React.FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (draftCustomer.trim()) next.set('customer', draftCustomer.trim());
    if (draftCode.trim()) next.set('code', draftCode.trim());
    if (draftFind.trim()) next.set('find', draftFind.trim());
    setParams(next, { replace: true });
  };
  const clear = () => {
    setDraftCustomer('');
    setDraftCode('');
    setDraftFind('');
    setParams(new URLSearchParams(), { replace: true });
  };

  const filtered = !!customer || !!code || !!find;

  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: tx ? 6 : 12 }}>
        <form onSubmit={applyFilters}>
          <Group mb="sm" gap="xs" wrap="wrap">
            <TextInput data-page-search placeholder="Customer external id" aria-label="Filter by customer" leftSection={<Search size={16} />} value={draftCustomer} onChange={(e) => setDraftCustomer(e.currentTarget.value)} w={220} />
            <TextInput placeholder="Event code" aria-label="Filter by event code" value={draftCode} onChange={(e) => setDraftCode(e.currentTarget.value)} w={160} />
            <TextInput placeholder="Transaction id" aria-label="Find a transaction id" value={draftFind} onChange={(e) => setDraftFind(e.currentTarget.value)} w={180} />
            <Button type="submit" variant="default">
              Filter
            </Button>
            {filtered && (
              <Button variant="subtle" leftSection={<X size={14} />} onClick={clear}>
                Clear filters
              </Button>
            )}
            <Box style={{ flex: 1 }} />
            <SegmentedControl
              value={paused ? 'paused' : 'live'}
              onChange={(v) => (v === 'paused') !== paused && togglePause()}
              data={[
                { value: 'live', label: (<Group gap={4} wrap="nowrap"><Play size={12} />Live</Group>) },
                { value: 'paused', label: (<Group gap={4} wrap="nowrap"><Pause size={12} />Paused</Group>) },
              ]}
              aria-label="Stream state (Space toggles)"
              data-testid="stream-state"
            />
          </Group>
        </form>
        {find && (
          <Text size="xs" c="dimmed" mb="xs" data-testid="find-note">
            Transaction ids containing “{find}” among the {formatCount(loadedCount)} newest events loaded{cursor ? '. ' : '.'}
            {cursor && (
              <Button size="compact-xs" variant="subtle" loading={loadingOlder} onClick={loadOlder}>
                Search older events
              </Button>
            )}
          </Text>
        )}
        {q.error && !q.data ? (
          <ErrorState error={q.error} onRetry={q.reload} what="events" />
        ) : q.loading ? (
          <TableSkeleton rows={10} cols={5} />
        ) : rows.length === 0 ? (
          filtered ? (
            <NothingMatches onClear={clear} what="events" />
          ) : (
            <NothingYet icon={<Activity size={28} />} title="No events yet" description="Events are the usage your apps report (POST /v1/events); each is priced and debited as it arrives." action={<Button onClick={() => navigate('/start')}>Send a test event</Button>} />
          )
        ) : (
          <Box pos="relative">
            {(unseen > 0 || pendingCount > 0) && (
              <Button
                size="xs"
                radius="xl"
                leftSection={<ArrowUp size={14} />}
                style={{ position: 'absolute', top: 46, left: '50%', transform: 'translateX(-50%)', zIndex: 5, boxShadow: 'var(--mantine-shadow-md)' }}
                onClick={() => {
                  if (paused) togglePause();
                  scrollRef.current?.scrollTo({ top: 0 });
                }}
                data-testid="new-events-pill"
              >
                {formatCount(unseen + pendingCount)} new event{unseen + pendingCount === 1 ? '' : 's'}
              </Button>
            )}
            <div className="tg-vlist" ref={scrollRef} style={{ height: 'calc(100vh - 290px)', minHeight: 360 }} onScroll={(e) => setAtTop(e.currentTarget.scrollTop < 8)}>
              <VirtualTable label="Events, newest first" rowCount={rows.length}>
                <VirtualHead columns={COLS} labels={[{ label: 'Time' }, { label: 'Customer' }, { label: 'Code' }, { label: 'Debited', right: true }, { label: 'Status' }]} />
                <VirtualBody height={virtualizer.getTotalSize()}>
                  {virtualizer.getVirtualItems().map((vi) => {
                    const r = rows[vi.index]!;
                    const selected = tx === r.transaction_id && selCustomer === r.customer;
                    return (
                      <VirtualRow index={vi.index} key={rowKey(r)} data-active={selected || vi.index === active} style={{ top: vi.start, height: ROW_H, gridTemplateColumns: COLS }} onClick={() => select(vi.index)} data-testid="event-row">
                        <Text size="xs" className="tg-num" c="dimmed" title={r.timestamp ? formatDateTime(r.timestamp) : undefined}>
                          {r.timestamp ? formatTimeOrDateTime(r.timestamp) : '—'}
                        </Text>
                        <Box miw={0}>
                          <Text size="sm" fw={500} truncate>
                            {r.customer}
                          </Text>
                          <Text size="xs" c="dimmed" ff="monospace" truncate>
                            {r.transaction_id}
                          </Text>
                        </Box>
                        <Text size="sm" truncate>
                          {r.code}
                        </Text>
                        <Box className="tg-cell-right">
                          {r.debits.length === 0 ? (
                            <Text size="sm" c="dimmed">
                              —
                            </Text>
                          ) : (
                            r.debits.map((d) => <Money key={d.asset} amount={d.amount} asset={d.asset} size="sm" component="div" />)
                          )}
                        </Box>
                        <Group gap={4}>
                          <Badge size="xs" variant="light" color={r.status === 'accepted' ? 'teal' : 'gray'}>
                            {r.status}
                          </Badge>
                          {r.warnings && <WarningBadge warnings={r.warnings} code={r.code} />}
                          {r.authorization_id && (
                            <Tooltip label={`Settled against hold ${r.authorization_id}`}>
                              <Badge size="sm" variant="outline" color="blue">
                                hold
                              </Badge>
                            </Tooltip>
                          )}
                        </Group>
                      </VirtualRow>
                    );
                  })}
                </VirtualBody>
              </VirtualTable>
              {cursor && (
                <Group justify="center" py="sm">
                  <Button
                    size="xs"
                    variant="default"
                    loading={loadingOlder}
                    onClick={loadOlder}
                  >
                    Load older events
                  </Button>
                </Group>
              )}
            </div>
            <Text size="xs" c="dimmed" mt={4}>
              {paused ? `Paused: ${formatCount(pendingCount)} new event${pendingCount === 1 ? '' : 's'} waiting. Space resumes.` : 'Live: new events appear at the top. Space pauses.'} The feed sends the newest 50 per 200 ms window; at higher rates the rest are counted on the overview.
            </Text>
          </Box>
        )}
      </Grid.Col>
      {tx && selCustomer && (
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <Card style={{ position: 'sticky', top: 76 }}>
            <ScrollArea.Autosize mah="calc(100vh - 200px)">
              <EventDetail
                customer={selCustomer}
                tx={tx}
                onReversed={q.reload}
                onClose={() => {
                  const next = new URLSearchParams(params);
                  next.delete('tx');
                  next.delete('sel');
                  setParams(next, { replace: true });
                }}
              />
            </ScrollArea.Autosize>
          </Card>
        </Grid.Col>
      )}
      {q.fetching && !q.loading && <Loader size="xs" pos="fixed" bottom={16} left={260} role="status" aria-label="Refreshing" />}
    </Grid>
  );
}

export function EventsPage({ tab }: { tab: 'stream' | 'refused' }) {
  useTitle(tab === 'stream' ? 'Events' : 'Refused requests');
  const navigate = useNavigate();
  const seen = useLive((s) => s.eventsSeen);
  return (
    <>
      <PageHeader title="Events" description="Usage as it arrives, priced and debited in the same transaction. Select an event to see its payload, its pricing and the transfers it caused." actions={<Badge variant="dot" color="teal" size="lg" tt="none" className="tg-num">{formatCount(seen)} received live since you opened the console</Badge>} />
      <Tabs value={tab} onChange={(v) => navigate(v === 'refused' ? '/events/refused' : '/events')} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="stream">Stream</Tabs.Tab>
          <Tabs.Tab value="refused">Refused</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="stream">
          <StreamTab />
        </Tabs.Panel>
        <Tabs.Panel value="refused">
          <RefusedTab />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

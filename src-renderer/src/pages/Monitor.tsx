import { Anchor, Badge, Box, Button, Drawer, Group, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Gauge, Pause, Play } from 'lucide-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { call, type OutputOf } from '../api';
import { PageHeader } from '../components/common';
import { LiveCreditUsed, LiveWalletStatus } from '../components/WalletStatus';
import { LiveAmount } from '../components/LiveAmount';
import { ErrorState, NothingYet, TableSkeleton } from '../components/states';
import { useTitle } from '../lib/chart';
import { formatCount, formatTime, humanDuration } from '../lib/format';
import { useListKeys } from '../lib/keys';
import { Delta, formatAmount, Money } from '../lib/money';
import { useQuery } from '../lib/useQuery';
import { assetLike } from '../state/assets';
import { useLive } from '../state/live';
import { VirtualBody, VirtualHead, VirtualRow, VirtualTable } from '../components/VirtualTable';

type Wallet = OutputOf<'getWalletMonitor'>['wallets'][number];
const ROW_H = 52;
const COLS = 'minmax(200px, 2fr) 80px minmax(150px, 1.2fr) minmax(130px, 1fr) minmax(120px, 1fr) minmax(120px, 1fr) minmax(110px, 1fr) 96px';
const keyOf = (w: Wallet) => `${w.customer}\u0000${w.asset}`;

function SidePanel({ customer, onClose }: { customer: string | null; onClose: () => void }) {
  const q = useQuery(() => call('getBalances', { external_id: customer! }), [customer], { enabled: !!customer });
  const c = useQuery(() => call('getCustomer', { external_id: customer! }), [customer], { enabled: !!customer });
  return (
    <Drawer opened={!!customer} onClose={onClose} position="right" size="md" title={<Text fw={650}>{c.data?.name ?? customer}</Text>}>
      {customer && (
        <Stack>
          <Text size="sm" c="dimmed" ff="monospace">
            {customer}
          </Text>
          {q.error ? (
            <ErrorState error={q.error} onRetry={q.reload} what="balances" />
          ) : (
            <SimpleGrid cols={1}>
              {(q.data?.balances ?? []).map((b) => (
                <Box key={b.asset} p="sm" style={{ border: '1px solid var(--tg-border)', borderRadius: 8 }}>
                  <Group justify="space-between">
                    <Text fw={600}>{b.asset}</Text>
                    <LiveAmount customer={customer} asset={b.asset} fallback={b.available} scale={b.scale} fw={700} size="lg" />
                  </Group>
                  <Group gap="md" mt={4}>
                    <Text size="xs" c="dimmed">
                      posted <LiveAmount customer={customer} asset={b.asset} field="posted" fallback={b.posted} size="xs" />
                    </Text>
                    <Text size="xs" c="dimmed">
                      held <LiveAmount customer={customer} asset={b.asset} field="pending" fallback={b.pending} size="xs" />
                    </Text>
                    <Text size="xs" c="dimmed">
                      debt <LiveAmount customer={customer} asset={b.asset} field="debt" fallback={b.debt} size="xs" />
                    </Text>
                  </Group>
                  <Text size="xs" c="dimmed" mt={4}>
                    {b.lots.length} credit lot{b.lots.length === 1 ? '' : 's'}, overdraft limit {formatAmount(b.overdraft_limit, assetLike(b.asset, undefined, b.scale))}
                  </Text>
                </Box>
              ))}
            </SimpleGrid>
          )}
          <Group>
            <Button component={Link} to={`/customers/${encodeURIComponent(customer)}/wallet`}>
              Open customer
            </Button>
            <Button component={Link} to={`/customers/${encodeURIComponent(customer)}/activity`} variant="default">
              Activity
            </Button>
          </Group>
        </Stack>
      )}
    </Drawer>
  );
}

export function MonitorPage() {
  useTitle('Wallet monitor');
  const [params, setParams] = useSearchParams();
  const selected = params.get('customer');
  const q = useQuery(() => call('getWalletMonitor', { limit: 500, sort: 'time_to_empty' }), [], { refreshMs: 2000 });
  const [paused, setPaused] = useState(false);
  const [frozen, setFrozen] = useState<string[] | null>(null);
  const [missed, setMissed] = useState(0);
  const [active, setActive] = useState(-1);
  const scrollRef = useRef<HTMLDivElement>(null);
  const tableRef = useRef<HTMLDivElement>(null);
  const pointerInside = useRef(false);
  const focusInside = useRef(false);

  const byKey = useMemo(() => new Map((q.data?.wallets ?? []).map((w) => [keyOf(w), w])), [q.data]);
  const liveOrder = useMemo(() => (q.data?.wallets ?? []).map(keyOf), [q.data]);
  const order = paused && frozen ? frozen.filter((k) => byKey.has(k)).concat(liveOrder.filter((k) => !frozen.includes(k))) : liveOrder;

  // While paused, count what arrives: monitor refreshes and balance pushes.
  const balances = useLive((s) => s.balances);
  const lastData = useRef(q.data);
  useEffect(() => {
    if (paused && q.data !== lastData.current) setMissed((n) => n + 1);
    lastData.current = q.data;
  }, [q.data, paused]);
  const lastBalances = useRef(balances);
  useEffect(() => {
    if (paused && balances !== lastBalances.current) setMissed((n) => n + 1);
    lastBalances.current = balances;
  }, [balances, paused]);

  const pause = () => {
    if (paused) return;
    setFrozen(order);
    setMissed(0);
    setPaused(true);
  };
  const resume = () => {
    setPaused(false);
    setFrozen(null);
    setMissed(0);
  };
  const maybeResume = () => {
    if (!pointerInside.current && !focusInside.current) resume();
  };

  const virtualizer = useVirtualizer({ count: order.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 10 });
  const open = (i: number) => {
    const w = byKey.get(order[i] ?? '');
    if (!w) return;
    const next = new URLSearchParams(params);
    next.set('customer', w.customer);
    setParams(next);
  };
  useListKeys(order.length, active, (i) => {
    setActive(i);
    virtualizer.scrollToIndex(i);
  }, open, !selected);

  const wallets = q.data?.wallets ?? [];
  const burning = wallets.filter((w) => w.burn_rate_per_hour !== '0').length;
  const low = wallets.filter((w) => w.time_to_empty_seconds !== null && w.time_to_empty_seconds < 86400).length;

  return (
    <>
      <PageHeader
        title="Wallet monitor"
        count={q.data ? wallets.length : null}
        description="Wallets by time to empty at the burn rate of the last 15 minutes. Refreshed every 2 seconds and on every balance push; re-sorting pauses while your pointer or focus is in the table."
      >
        {q.data && (
          <Group gap="lg" mt="xs">
            <Text size="sm">
              <b className="tg-num">{formatCount(burning)}</b> burning
            </Text>
            <Text size="sm">
              <b className="tg-num">{formatCount(low)}</b> empty within 24 h
            </Text>
            <Text size="sm" c="dimmed">
              as of {formatTime(q.data.as_of)}
            </Text>
            {paused ? (
              <Tooltip label="Move the pointer out of the table, or press Space, to resume">
                <Badge color="yellow" variant="light" leftSection={<Pause size={12} />} data-testid="monitor-paused" tabIndex={0}>
                  Paused · {formatCount(missed)} update{missed === 1 ? '' : 's'}
                </Badge>
              </Tooltip>
            ) : (
              <Badge color="teal" variant="light" leftSection={<Play size={12} />}>
                Sorting live
              </Badge>
            )}
          </Group>
        )}
      </PageHeader>
      {q.error && !q.data ? (
        <ErrorState error={q.error} onRetry={q.reload} what="the wallet monitor" />
      ) : q.loading ? (
        <TableSkeleton rows={10} cols={7} />
      ) : wallets.length === 0 ? (
        <NothingYet icon={<Gauge size={28} />} title="No wallets yet" description="Each customer gets a wallet per asset with its first top-up or usage; the monitor ranks them by how soon they run dry." />
      ) : (
        <div
          ref={tableRef}
          onPointerEnter={() => {
            pointerInside.current = true;
            pause();
          }}
          onPointerLeave={() => {
            pointerInside.current = false;
            maybeResume();
          }}
          onFocus={() => {
            focusInside.current = true;
            pause();
          }}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) {
              focusInside.current = false;
              maybeResume();
            }
          }}
          onKeyDown={(e) => {
            if (e.key === ' ' && paused) {
              e.preventDefault();
              resume();
            }
          }}
        >
          <div className="tg-vlist" ref={scrollRef} style={{ ['--tg-vmin' as string]: '1150px', height: 'calc(100vh - 270px)', minHeight: 360 }} tabIndex={0}>
            <VirtualTable label="Wallets by time to empty" rowCount={order.length}>
              <VirtualHead
                columns={COLS}
                labels={[{ label: 'Customer' }, { label: 'Asset' }, { label: 'Available', right: true }, { label: 'Δ last minute', right: true }, { label: 'Burn rate / h', right: true }, { label: 'Time to empty', right: true }, { label: 'Holds', right: true }, { label: 'Status' }]}
              />
              <VirtualBody height={virtualizer.getTotalSize()}>
                {virtualizer.getVirtualItems().map((vi) => {
                  const w = byKey.get(order[vi.index]!)!;
                  if (!w) return null;
                  const spend = w.spend_last_minute === '0' ? '0' : `-${w.spend_last_minute}`;
                  return (
                    <VirtualRow
                      index={vi.index}
                      key={order[vi.index]}
                      data-active={vi.index === active || selected === w.customer}
                      style={{ top: vi.start, height: ROW_H, gridTemplateColumns: COLS }}
                      onClick={() => open(vi.index)}
                      data-testid="monitor-row"
                    >
                      <Box miw={0}>
                        <Anchor component={Link} to={`/monitor?customer=${encodeURIComponent(w.customer)}`} c="inherit" size="sm" fw={600} onClick={(e) => e.stopPropagation()} truncate="end" display="block">
                          {w.name ?? w.customer}
                        </Anchor>
                        <Text size="xs" c="dimmed" ff="monospace" truncate>
                          {w.customer}
                        </Text>
                      </Box>
                      <Text size="sm">{w.asset}</Text>
                      <Box className="tg-cell-right" maw="100%" miw={0}>
                        <LiveAmount customer={w.customer} asset={w.asset} fallback={w.available} size="sm" fw={600} postpaid={w.billing_mode === 'postpaid'} />
                        <LiveCreditUsed customer={w.customer} asset={w.asset} wallet={w} truncate="end" />
                      </Box>
                      <Box className="tg-cell-right">
                        <Delta amount={spend} asset={w.asset} label="Change in the last minute" />
                      </Box>
                      <Box className="tg-cell-right">
                        <Money amount={w.burn_rate_per_hour} asset={w.asset} size="sm" c={w.burn_rate_per_hour === '0' ? 'dimmed' : undefined} />
                      </Box>
                      <Text size="sm" className="tg-num tg-cell-right" fw={w.time_to_empty_seconds !== null && w.time_to_empty_seconds < 86400 ? 700 : 400} c={w.time_to_empty_seconds !== null && w.time_to_empty_seconds < 3600 ? 'red' : undefined}>
                        {w.time_to_empty_seconds === null ? 'not burning' : humanDuration(w.time_to_empty_seconds)}
                      </Text>
                      <Box className="tg-cell-right">
                        <LiveAmount customer={w.customer} asset={w.asset} field="pending" fallback={w.pending} size="sm" c={w.pending === '0' ? 'dimmed' : undefined} />
                      </Box>
                      <Box>
                        <LiveWalletStatus customer={w.customer} asset={w.asset} row={w} />
                      </Box>
                    </VirtualRow>
                  );
                })}
              </VirtualBody>
            </VirtualTable>
          </div>
        </div>
      )}
      <SidePanel
        customer={selected}
        onClose={() => {
          const next = new URLSearchParams(params);
          next.delete('customer');
          setParams(next);
        }}
      />
    </>
  );
}

import { Anchor, Badge, Box, Button, Drawer, Group, SimpleGrid, Stack, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { ArrowDownRight, ArrowUpRight, Gauge, Minus, Pause, Play } from 'lucide-react';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { call, type OutputOf } from '../api';
import { PageHeader } from '../components/common';
import { LiveWalletStatus, useLiveAvailable } from '../components/WalletStatus';
import { LiveAmount, type BalanceField } from '../components/LiveAmount';
import { ErrorState, NothingYet, TableSkeleton } from '../components/states';
import { useTitle } from '../lib/chart';
import { formatCount, formatTime, humanDuration } from '../lib/format';
import { useListKeys } from '../lib/keys';
import { formatAmount } from '../lib/money';
import { useQuery } from '../lib/useQuery';
import { assetLike, useAsset } from '../state/assets';
import { creditUsed } from '../lib/wallet-state';
import { useLive, useLiveBalance } from '../state/live';
import { VirtualBody, VirtualHead, VirtualRow, VirtualTable } from '../components/VirtualTable';

type Wallet = OutputOf<'getWalletMonitor'>['wallets'][number];
const ROW_H = 52;
const keyOf = (w: Wallet) => `${w.customer}\u0000${w.asset}`;

/**
 * Three layouts, the richest that fits the list's width without scrolling sideways:
 * - full: eight columns with room to spare;
 * - tight: the same eight columns at their narrowest, with shorter headings (a 1280 px window);
 * - merged: six columns (a 1024 px window): the asset goes under the customer, the last minute's
 *   change under the burn rate.
 * `vmin` is what a row needs: the columns' minimums, the gaps (16 px) and the row's padding (24 px).
 */
type Tier = 'full' | 'tight' | 'merged';
const LAYOUTS: Record<Tier, { cols: string; vmin: number; labels: { label: string; right?: boolean }[] }> = {
  full: {
    cols: 'minmax(200px, 2fr) 80px minmax(150px, 1.2fr) minmax(130px, 1fr) minmax(120px, 1fr) minmax(120px, 1fr) minmax(110px, 1fr) 96px',
    vmin: 1150,
    labels: [{ label: 'Customer' }, { label: 'Asset' }, { label: 'Available', right: true }, { label: 'Δ last minute', right: true }, { label: 'Burn rate / h', right: true }, { label: 'Time to empty', right: true }, { label: 'Holds', right: true }, { label: 'Status' }],
  },
  tight: {
    cols: 'minmax(150px, 2fr) 60px minmax(136px, 1.3fr) minmax(100px, 1fr) minmax(100px, 1fr) minmax(88px, 0.9fr) minmax(88px, 0.9fr) 96px',
    vmin: 954,
    labels: [{ label: 'Customer' }, { label: 'Asset' }, { label: 'Available', right: true }, { label: 'Δ 1 min', right: true }, { label: 'Burn / h', right: true }, { label: 'To empty', right: true }, { label: 'Holds', right: true }, { label: 'Status' }],
  },
  merged: {
    cols: 'minmax(150px, 2fr) minmax(140px, 1.3fr) minmax(150px, 1.1fr) minmax(84px, 0.8fr) minmax(84px, 0.8fr) 96px',
    vmin: 808,
    labels: [{ label: 'Customer' }, { label: 'Available', right: true }, { label: 'Burn / h · Δ 1 min', right: true }, { label: 'To empty', right: true }, { label: 'Holds', right: true }, { label: 'Status' }],
  },
};
const tierFor = (width: number): Tier => (width >= LAYOUTS.full.vmin ? 'full' : width >= LAYOUTS.tight.vmin ? 'tight' : 'merged');

/** The width of an element, kept current (before paint, so the first frame has the right layout). */
function useWidth(ref: React.RefObject<HTMLElement | null>, mounted: boolean): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref, mounted]);
  return width;
}

/**
 * Amounts in the table: every row names its asset once (the Asset column, or the badge under the
 * customer), so a custom asset's amounts leave out the unit word ("925,925,963", not "925,925,963
 * TOKENS"), which keeps wide numbers in their columns. Fiat keeps its symbol. Exact, to the full
 * scale; the value with its unit on hover.
 */
function amountText(amount: string, a: ReturnType<typeof useAsset>, signed = false) {
  try {
    return { short: formatAmount(amount, a, { unit: false, signed }), full: formatAmount(amount, a, { signed }) };
  } catch {
    return { short: amount, full: amount };
  }
}

/** LiveAmount without the unit word: the live value of this epoch when pushed, tinted on change. */
function CellAmount({ customer, asset, field = 'available', fallback, postpaid, fw }: { customer: string; asset: string; field?: BalanceField; fallback: string; postpaid?: boolean; fw?: number }) {
  const a = useAsset(asset);
  const live = useLiveBalance(customer, asset);
  const epoch = useLive((s) => s.epoch);
  const fresh = live && live.epoch === epoch ? live : undefined;
  const value = fresh ? fresh[field] : fallback;
  const t = amountText(value, a);
  const color = field === 'available' ? (value.startsWith('-') && !postpaid ? 'red' : undefined) : value === '0' ? 'dimmed' : undefined;
  return (
    <span key={fresh?.changedAt ?? 0} className={fresh?.changedAt ? 'tg-flash' : undefined} data-value={value}>
      <Text component="span" size="sm" fw={fw} c={color} className="tg-num tg-amount" title={t.full !== t.short ? t.full : undefined}>
        {t.short}
      </Text>
    </span>
  );
}

/** A rate or a change, read from the monitor's answer: without the unit word, exact. */
function CellMoney({ amount, asset, dimZero }: { amount: string; asset: string; dimZero?: boolean }) {
  const t = amountText(amount, useAsset(asset));
  return (
    <Text size="sm" className="tg-num tg-amount" display="block" c={dimZero && amount === '0' ? 'dimmed' : undefined} title={t.full !== t.short ? t.full : undefined}>
      {t.short}
    </Text>
  );
}

/** The last minute's change: sign, colour and icon together (as lib/money's Delta), without the unit word. */
function CellDelta({ amount, asset, size = 'sm' }: { amount: string; asset: string; size?: 'sm' | 'xs' }) {
  const t = amountText(amount, useAsset(asset), true);
  const negative = amount.startsWith('-');
  const zero = /^-?0+$/.test(amount);
  const Icon = zero ? Minus : negative ? ArrowDownRight : ArrowUpRight;
  const color = zero ? 'dimmed' : negative ? 'red' : 'teal';
  return (
    <Group gap={4} wrap="nowrap" justify="flex-end" component="span">
      <VisuallyHidden>Change in the last minute</VisuallyHidden>
      <Icon size={size === 'xs' ? 12 : 14} aria-hidden color={color === 'dimmed' ? 'var(--mantine-color-dimmed)' : `var(--mantine-color-${color}-text)`} />
      <Text component="span" size={size} c={color} className="tg-num tg-amount" title={t.full !== t.short ? t.full : undefined}>
        {t.short}
      </Text>
    </Group>
  );
}

/**
 * A postpaid wallet below zero, in the narrow Available cell: the amount above already reads the
 * credit used (−$340.16), so this line names the limit it is used against, "of $5,000.00 limit".
 * The whole sentence is there for screen readers and on hover.
 */
function MonitorCreditUsed({ w }: { w: Wallet }) {
  const a = useAsset(w.asset);
  const live = useLiveAvailable(w.customer, w.asset);
  const c = creditUsed({ ...w, available: live ?? w.available });
  if (!c) return null;
  const full = `credit used ${formatAmount(c.used, a)} of ${formatAmount(c.limit, a)}`;
  return (
    <Text size="xs" c="dimmed" data-testid="credit-used" title={full} truncate="end" className="tg-num">
      <span aria-hidden>of {formatAmount(c.limit, a, { unit: false })} limit</span>
      <VisuallyHidden>{full}</VisuallyHidden>
    </Text>
  );
}

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
  const showTable = !(q.error && !q.data) && !q.loading && wallets.length > 0;
  const tier = tierFor(useWidth(scrollRef, showTable));
  const layout = LAYOUTS[tier];
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
          <div className="tg-vlist" ref={scrollRef} data-layout={tier} data-testid="monitor-list" style={{ ['--tg-vmin' as string]: `${layout.vmin}px`, height: 'calc(100vh - 270px)', minHeight: 360 }} tabIndex={0}>
            <VirtualTable label="Wallets by time to empty" rowCount={order.length}>
              <VirtualHead columns={layout.cols} labels={layout.labels} />
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
                      style={{ top: vi.start, height: ROW_H, gridTemplateColumns: layout.cols }}
                      onClick={() => open(vi.index)}
                      data-testid="monitor-row"
                    >
                      <Box miw={0}>
                        <Anchor component={Link} to={`/monitor?customer=${encodeURIComponent(w.customer)}`} c="inherit" size="sm" fw={600} onClick={(e) => e.stopPropagation()} truncate="end" display="block">
                          {w.name ?? w.customer}
                        </Anchor>
                        {tier === 'merged' ? (
                          <Group gap={6} wrap="nowrap" miw={0}>
                            <Badge size="xs" variant="light" color="gray" radius="sm" style={{ flexShrink: 0 }} data-testid="monitor-asset">
                              {w.asset}
                            </Badge>
                            <Text size="xs" c="dimmed" ff="monospace" truncate miw={0}>
                              {w.customer}
                            </Text>
                          </Group>
                        ) : (
                          <Text size="xs" c="dimmed" ff="monospace" truncate>
                            {w.customer}
                          </Text>
                        )}
                      </Box>
                      {tier !== 'merged' && <Text size="sm">{w.asset}</Text>}
                      <Box className="tg-cell-right" maw="100%" miw={0}>
                        <CellAmount customer={w.customer} asset={w.asset} fallback={w.available} fw={600} postpaid={w.billing_mode === 'postpaid'} />
                        <MonitorCreditUsed w={w} />
                      </Box>
                      {tier !== 'merged' && (
                        <Box className="tg-cell-right">
                          <CellDelta amount={spend} asset={w.asset} />
                        </Box>
                      )}
                      <Box className="tg-cell-right" maw="100%" miw={0}>
                        <CellMoney amount={w.burn_rate_per_hour} asset={w.asset} dimZero />
                        {tier === 'merged' && <CellDelta amount={spend} asset={w.asset} size="xs" />}
                      </Box>
                      <Text size="sm" className="tg-num tg-cell-right" fw={w.time_to_empty_seconds !== null && w.time_to_empty_seconds < 86400 ? 700 : 400} c={w.time_to_empty_seconds !== null && w.time_to_empty_seconds < 3600 ? 'red' : undefined}>
                        {w.time_to_empty_seconds === null ? 'not burning' : humanDuration(w.time_to_empty_seconds)}
                      </Text>
                      <Box className="tg-cell-right">
                        <CellAmount customer={w.customer} asset={w.asset} field="pending" fallback={w.pending} />
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

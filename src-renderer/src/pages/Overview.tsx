import { Alert, Anchor, Badge, Box, Button, Card, Group, Paper, SegmentedControl, SimpleGrid, Skeleton, Stack, Table, Text, Title } from '@mantine/core';
import { ChartFigure } from '../components/ChartFigure';
import { AreaChart, BarChart } from '@mantine/charts';
import { AlertTriangle, ArrowRight, Ban, CircleDollarSign, Download, FileClock, TrendingDown } from 'lucide-react';
import { notifications } from '@mantine/notifications';
import { csvField } from '@shared/tco/csv';
import { saveBytes } from '../lib/bytes';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { dec, sub as decSub, toText, div as decDiv, mul as decMul, isZero } from '@shared/decimal';
import { minorToDecimal } from '@shared/money';
import { call, type OutputOf, toApiError } from '../api';
import { InfoTip, PageHeader, StatusBadge } from '../components/common';
import { CreditUsed } from '../components/WalletStatus';
import { CardsSkeleton, ErrorState, TableSkeleton } from '../components/states';
import { amountAxis, chartNumber, SERIES_COLORS, useTitle } from '../lib/chart';
import { formatCount, formatTime, humanCode, humanDuration } from '../lib/format';
import { formatAmount, Money } from '../lib/money';
import { useQuery, useThrottledEffect } from '../lib/useQuery';
import { assetLike } from '../state/assets';
import { useLive } from '../state/live';
import { KindBadge, requestKind } from './events/RefusedTab';

type Overview = OutputOf<'getOverview'>;
type AssetRow = Overview['assets'][number];

const DEFS: Record<string, string> = {
  available: 'Sum over wallets of posted credit minus pending holds minus debt: what customers can still consume.',
  spend_today: 'Usage, fees and commitments charged today (operator time zone).',
  spend_this_month: 'Usage, fees and commitments charged this calendar month.',
  cash_in: 'Money received (paid top-ups, with their tax under the top-up tax point, and invoice payments), less what refunds and chargebacks paid back. Credit notes to be refunded are not taken off.',
  recognized_revenue: 'Usage, captures, fees and minimum commitments charged, less credits back, discounts, voids and credit notes (and tax included in prices). Revenue by plan adds up to it.',
  deferred_revenue: 'Paid credit not yet used (and not expired): owed to customers as service.',
  breakage: 'Paid credit that expired unused or was kept at a customer\'s closure. Expired granted credit is not revenue and is not counted here.',
  holds: 'Pending authorizations: amounts reserved before usage happens.',
};

function AttentionStrip({ a }: { a: Overview['attention'] }) {
  const items = [
    { n: a.low_wallets, label: a.low_wallets === 1 ? 'wallet runs out within 24 h' : 'wallets run out within 24 h', icon: TrendingDown, color: 'yellow', to: '/monitor' },
    { n: a.negative_wallets, label: a.negative_wallets === 1 ? 'wallet below zero' : 'wallets below zero', icon: AlertTriangle, color: 'red', to: '/monitor' },
    // Refusals are counted per reason across POST /v1/events and POST /v1/authorizations (the engine
    // keeps no route per count), so the strip says "requests", which is what the number is.
    { n: a.refused_events_24h, label: a.refused_events_24h === 1 ? 'request refused in 24 h' : 'requests refused in 24 h', icon: Ban, color: 'orange', to: '/events/refused' },
    { n: a.periods_to_finalize, label: a.periods_to_finalize === 1 ? 'period waiting to be finalized' : 'periods waiting to be finalized', icon: FileClock, color: 'blue', to: '/invoices?status=draft' },
  ].filter((i) => i.n > 0);
  if (items.length === 0) return null;
  return (
    <Paper withBorder p="sm" mb="lg" radius="md" role="region" aria-label="Needs attention" bg="light-dark(var(--mantine-color-yellow-0), color-mix(in srgb, var(--mantine-color-yellow-9) 12%, transparent))">
      <Group gap="lg" wrap="wrap">
        <Text size="sm" fw={700}>
          Needs attention
        </Text>
        {items.map((i) => {
          const Icon = i.icon;
          return (
            <Anchor component={Link} to={i.to} key={i.label} underline="hover" c="inherit">
              <Group gap={6} wrap="nowrap">
                <Icon size={16} color={`var(--mantine-color-${i.color}-7)`} aria-hidden />
                <Text size="sm">
                  <Text span fw={700} className="tg-num">
                    {formatCount(i.n)}
                  </Text>{' '}
                  {i.label}
                </Text>
              </Group>
            </Anchor>
          );
        })}
      </Group>
    </Paper>
  );
}

function Figure({ label, def, amount, asset, scale, extra }: { label: string; def: string; amount: string; asset: string; scale: number; extra?: React.ReactNode }) {
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Group gap={4} wrap="nowrap">
        <Text size="sm" c="dimmed">
          {label}
        </Text>
        <InfoTip label={def} />
      </Group>
      <Group gap={6} wrap="nowrap">
        {extra}
        <Money amount={amount} asset={asset} scale={scale} compact size="sm" fw={500} />
      </Group>
    </Group>
  );
}

function AssetCard({ a }: { a: AssetRow }) {
  return (
    <Card data-testid={`asset-card-${a.asset}`}>
      <Group justify="space-between" mb={6}>
        <Group gap={6}>
          <Text fw={650}>{a.asset}</Text>
          <Badge variant="light" color={a.kind === 'fiat' ? 'brand' : 'grape'} size="sm">
            {a.kind === 'fiat' ? 'currency' : 'custom unit'}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {formatCount(a.wallets)} wallet{a.wallets === 1 ? '' : 's'}
        </Text>
      </Group>
      <Group gap={4}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Available
        </Text>
        <InfoTip label={DEFS.available!} />
      </Group>
      <Money amount={a.available} asset={a.asset} scale={a.scale} compact className="tg-card-value" component="div" />
      <Text size="xs" c="dimmed" mb="sm">
        posted <Money amount={a.posted} asset={a.asset} scale={a.scale} compact size="xs" /> · holds <Money amount={a.pending} asset={a.asset} scale={a.scale} compact size="xs" />
        {a.debt !== '0' && (
          <>
            {' '}
            · debt <Money amount={a.debt} asset={a.asset} scale={a.scale} compact size="xs" c="red" />
          </>
        )}
      </Text>
      <Stack gap={6}>
        <Figure label="Spend today" def={DEFS.spend_today!} amount={a.spend_today} asset={a.asset} scale={a.scale} />
        <Figure label="Spend this month" def={DEFS.spend_this_month!} amount={a.spend_this_month} asset={a.asset} scale={a.scale} />
        <Figure label="Cash in" def={DEFS.cash_in!} amount={a.cash_in} asset={a.asset} scale={a.scale} />
        <Figure label="Recognized revenue" def={DEFS.recognized_revenue!} amount={a.recognized_revenue} asset={a.asset} scale={a.scale} />
        <Figure label="Deferred revenue" def={DEFS.deferred_revenue!} amount={a.deferred_revenue} asset={a.asset} scale={a.scale} />
        <Figure label="Breakage" def={DEFS.breakage!} amount={a.breakage} asset={a.asset} scale={a.scale} />
        <Figure
          label="Holds"
          def={DEFS.holds!}
          amount={a.holds.amount}
          asset={a.asset}
          scale={a.scale}
          extra={
            <Badge size="xs" variant="default" className="tg-num">
              {formatCount(a.holds.count)}
            </Badge>
          }
        />
      </Stack>
    </Card>
  );
}

/** Events per minute over 60 minutes; between refreshes the live feed's counts are added on top. */
function EventsChart({ overview, fetchedAt }: { overview: Overview; fetchedAt: number }) {
  const live = useLive((s) => s.eventsPerMinute);
  const [liveBase, setLiveBase] = useState<Record<string, number>>({});
  // Counts the feed announced before this overview was fetched are already in it.
  useEffect(() => setLiveBase(useLive.getState().eventsPerMinute), [fetchedAt]);
  const data = useMemo(() => {
    const rows = overview.events_per_minute.map((p) => ({ minute: p.minute, events: p.events }));
    const index = new Map(rows.map((r, i) => [r.minute, i]));
    for (const [minute, n] of Object.entries(live)) {
      const extra = n - (liveBase[minute] ?? 0);
      if (extra <= 0) continue;
      const i = index.get(minute);
      if (i !== undefined) rows[i]!.events += extra;
      else if (minute > (rows[rows.length - 1]?.minute ?? '')) {
        rows.push({ minute, events: extra });
        index.set(minute, rows.length - 1);
      }
    }
    return rows.slice(-60).map((r) => ({ ...r, label: formatTime(r.minute).slice(0, 5) }));
  }, [overview, live, liveBase]);
  const total = data.reduce((t, r) => t + r.events, 0);
  const peak = data.reduce((p, r) => (r.events > p.events ? r : p), data[0] ?? { events: 0, label: '—', minute: '' });
  const last = data[data.length - 1];
  return (
    <Card>
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="md">
          Events per minute
        </Title>
        <Badge variant="dot" color="teal">
          live · 60 min
        </Badge>
      </Group>
      <Text size="sm" c="dimmed" mb="sm" data-testid="events-summary">
        {formatCount(total)} events in the last 60 minutes; peak {formatCount(peak.events)}/min at {peak.label}; {formatCount(last?.events ?? 0)} in the current minute.
      </Text>
      <ChartFigure label="Events per minute over the last 60 minutes">
        <AreaChart
          h={200}
          data={data}
          dataKey="label"
          series={[{ name: 'events', label: 'Events', color: 'brand.6' }]}
          curveType="monotone"
          withDots={false}
          gridAxis="y"
          tickLine="none"
          withGradient
          valueFormatter={(v) => formatCount(v)}
          xAxisProps={{ interval: 9 }}
        />
      </ChartFigure>
    </Card>
  );
}

const NOT_FROM_A_PLAN = 'Not from a plan';

/**
 * Every month's revenue by plan (GET /v1/revenue, not only the overview's last six) as a CSV for a
 * spreadsheet: amounts in major units at each asset's scale, then a total row per asset that equals
 * its recognized revenue.
 */
async function downloadRevenueCsv(assets: Overview['assets']): Promise<void> {
  try {
    const report = await call('getRevenueReport', {});
    const scaleOf = (asset: string) => assetLike(asset, undefined, assets.find((x) => x.asset === asset)?.scale).scale;
    const lines = ['month,plan,asset,amount'];
    for (const r of report.rows) lines.push([r.month, r.plan ?? NOT_FROM_A_PLAN, r.asset, minorToDecimal(r.amount, scaleOf(r.asset))].map(csvField).join(','));
    for (const t of report.totals) lines.push(['total', '', t.asset, minorToDecimal(t.amount, scaleOf(t.asset))].map(csvField).join(','));
    saveBytes(lines.join('\r\n') + '\r\n', 'revenue-by-plan.csv', 'text/csv');
    notifications.show({ color: 'teal', message: `revenue-by-plan.csv downloaded (${report.rows.length} rows)` });
  } catch (e) {
    const x = toApiError(e);
    notifications.show({ color: 'red', title: `Revenue export failed: ${x.code}`, message: x.message });
  }
}

function RevenueByPlan({ overview }: { overview: Overview }) {
  const assets = [...new Set(overview.revenue_by_plan.map((r) => r.asset))];
  const [asset, setAsset] = useState<string | null>(null);
  const current = asset && assets.includes(asset) ? asset : (assets[0] ?? null);
  // Revenue not from a plan (`plan: null`) has a row of its own, so the rows add up to recognized revenue.
  const rows = overview.revenue_by_plan.filter((r) => r.asset === current).map((r) => ({ ...r, plan: r.plan ?? NOT_FROM_A_PLAN }));
  const plans = [...new Set(rows.map((r) => r.plan))];
  const months = [...new Set(rows.map((r) => r.month))].sort();
  const a = assetLike(current ?? 'USD', undefined, overview.assets.find((x) => x.asset === current)?.scale);
  const scale = a.scale;
  const data = months.map((m) => {
    const row: Record<string, string | number> = { month: m };
    for (const p of plans) {
      const hit = rows.find((r) => r.month === m && r.plan === p);
      row[p] = hit ? chartNumber(hit.amount, scale) : 0;
    }
    return row;
  });
  // The axis comes from the exact monthly stacks (positive and negative parts stack apart), so its
  // ticks are round, distinct amounts even when a month earned a few cents.
  const axis = useMemo(() => {
    let top = 0n;
    let bottom = 0n;
    for (const m of months) {
      let up = 0n;
      let down = 0n;
      for (const r of rows) if (r.month === m) (r.amount.startsWith('-') ? (down += BigInt(r.amount)) : (up += BigInt(r.amount)));
      if (up > top) top = up;
      if (down < bottom) bottom = down;
    }
    return amountAxis(bottom, top, a);
  }, [overview, current]);
  return (
    <Card>
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="md">
          Revenue by plan
        </Title>
        <Group gap="xs">
          {assets.length > 1 && current && <SegmentedControl size="xs" value={current} onChange={setAsset} data={assets} aria-label="Asset" />}
          <Button size="compact-xs" variant="subtle" leftSection={<Download size={14} />} onClick={() => void downloadRevenueCsv(overview.assets)} title="Every month, not only the last six">
            All months (CSV)
          </Button>
        </Group>
      </Group>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed" py="xl" ta="center">
          No revenue recognized yet. It appears here as usage is priced.
        </Text>
      ) : (
        <>
          <ChartFigure label={`Revenue by plan per month in ${current}`}>
            <BarChart
              h={180}
              data={data}
              dataKey="month"
              type="stacked"
              series={plans.map((p, i) => ({ name: p, color: SERIES_COLORS[i % SERIES_COLORS.length]! }))}
              valueFormatter={(v) => formatAmount(String(Math.round(v * 10 ** scale)), a)}
              yAxisProps={{ ticks: axis.ticks, domain: axis.domain, tickFormatter: axis.label, interval: 0 }}
              withLegend
              legendProps={{ verticalAlign: 'bottom' }}
              gridAxis="y"
            />
          </ChartFigure>
          <Table mt="sm" fz="sm" verticalSpacing={4} aria-label="Revenue by plan">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Month</Table.Th>
                <Table.Th>Plan</Table.Th>
                <Table.Th className="tg-right">Revenue</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.slice(-6).map((r) => (
                <Table.Tr key={r.month + r.plan}>
                  <Table.Td>{r.month}</Table.Td>
                  <Table.Td>{r.plan}</Table.Td>
                  <Table.Td className="tg-right">
                    <Money amount={r.amount} asset={r.asset} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="xs" c="dimmed" mt={4}>
            Per plan code: the versions of a plan are added together. Net of credit notes and voids, which count in the month of the invoice they reverse; a period's charges count in the month the period starts.
          </Text>
        </>
      )}
    </Card>
  );
}

function Margin({ m }: { m: NonNullable<Overview['margin']> }) {
  const a = assetLike(m.currency);
  const revenue = dec(minorToDecimal(m.revenue_this_month, a.scale));
  const cost = dec(m.cost_this_month);
  const margin = decSub(revenue, cost);
  const pct = isZero(revenue) ? null : toText(decDiv(decMul(margin, dec(100)), revenue, 1));
  return (
    <Card>
      <Title order={2} fz="md" mb="xs">
        Margin this month
      </Title>
      <SimpleGrid cols={3}>
        <Box>
          <Text size="xs" c="dimmed">
            Revenue
          </Text>
          <Money amount={m.revenue_this_month} asset={m.currency} fw={600} />
        </Box>
        <Box>
          <Text size="xs" c="dimmed">
            Your cost (events' cost)
          </Text>
          <Text fw={600} className="tg-num tg-amount">
            {new Intl.NumberFormat('en-US', { style: 'currency', currency: m.currency, maximumFractionDigits: 6 }).format(m.cost_this_month as unknown as number)}
          </Text>
        </Box>
        <Box>
          <Text size="xs" c="dimmed">
            Margin
          </Text>
          <Text fw={600} className="tg-num" c={margin.c < 0n ? 'red' : 'teal'}>
            {pct === null ? '—' : `${margin.c < 0n ? '' : '+'}${pct} %`}
          </Text>
        </Box>
      </SimpleGrid>
    </Card>
  );
}

function LowWallets() {
  const navigate = useNavigate();
  const feedSeq = useLive((s) => s.feedSeq);
  const offline = useLive((s) => s.status !== 'live');
  // Live: reloaded on the feed's balance and event pushes (at most once a second); a slow poll only while the feed is down.
  // The API's `status` (the rule the counts above use): ok wallets are not running low. Asked for
  // more than five so that five at risk remain once the ok ones are left out.
  const q = useQuery(() => call('getWalletMonitor', { limit: 100, sort: 'time_to_empty' }), [], { refreshMs: offline ? 30_000 : undefined });
  useThrottledEffect(q.reload, feedSeq, 1000);
  const atRisk = (q.data?.wallets ?? []).filter((w) => w.status !== 'ok').slice(0, 5);
  return (
    <Card>
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="md">
          Running low
        </Title>
        <Anchor component={Link} to="/monitor" size="sm">
          <Group gap={4}>
            Wallet monitor <ArrowRight size={14} />
          </Group>
        </Anchor>
      </Group>
      {q.loading ? (
        <TableSkeleton rows={5} cols={3} />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={q.reload} what="wallets" />
      ) : atRisk.length === 0 ? (
        <Text size="sm" c="dimmed" py="lg" ta="center">
          {(q.data?.wallets.length ?? 0) === 0 ? 'No wallet is burning credit right now.' : 'No wallet runs out within 24 hours.'}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={6} aria-label="Wallets running low">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Customer</Table.Th>
              <Table.Th className="tg-right">Available</Table.Th>
              <Table.Th className="tg-right">Time to empty</Table.Th>
              <Table.Th style={{ whiteSpace: 'nowrap' }}>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {atRisk.map((w) => (
              <Table.Tr key={w.customer + w.asset} onClick={() => navigate(`/customers/${encodeURIComponent(w.customer)}/wallet`)} style={{ cursor: 'pointer' }}>
                <Table.Td style={{ maxWidth: 180, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={w.name ?? w.customer}>
                  <Anchor component={Link} to={`/customers/${encodeURIComponent(w.customer)}/wallet`} size="sm" c="inherit" fw={500}>
                    {w.name ?? w.customer}
                  </Anchor>
                </Table.Td>
                <Table.Td className="tg-right">
                  <Money amount={w.available} asset={w.asset} />
                  <CreditUsed asset={w.asset} wallet={w} />
                </Table.Td>
                <Table.Td className="tg-right tg-num">{humanDuration(w.time_to_empty_seconds)}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 104 }} data-testid="low-wallet-status">
                  <StatusBadge status={w.status} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

function RecentRefusals() {
  const refusalSeq = useLive((s) => s.refusalSeq);
  const q = useQuery(() => call('listRefusals', {}), []);
  useThrottledEffect(q.reload, refusalSeq, 3000);
  const reasons = q.data?.reasons ?? [];
  return (
    <Card>
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="md">
          Recent refusals
        </Title>
        <Anchor component={Link} to="/events/refused" size="sm">
          <Group gap={4}>
            All refused requests <ArrowRight size={14} />
          </Group>
        </Anchor>
      </Group>
      {q.loading ? (
        <TableSkeleton rows={4} cols={3} />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={q.reload} what="refusals" />
      ) : reasons.length === 0 ? (
        <Text size="sm" c="dimmed" py="lg" ta="center">
          No refused requests. Events the API refuses and authorizations it declines (unknown customer, no funds, bad payload) show up here.
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={6} aria-label="Recent refusals">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Reason</Table.Th>
              <Table.Th className="tg-right">Count</Table.Th>
              <Table.Th>Latest</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {reasons.slice(0, 5).map((r) => (
              <Table.Tr key={r.reason}>
                <Table.Td>
                  <Badge variant="light" color="orange" ff="monospace" tt="none" styles={{ label: { overflow: 'visible' } }}>
                    {r.reason}
                  </Badge>
                </Table.Td>
                <Table.Td className="tg-right tg-num">{formatCount(r.count)}</Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    {r.samples[0] && <KindBadge kind={requestKind(r.samples[0].body)} />}
                    <Text size="xs" c="dimmed" lineClamp={1} maw={300}>
                      {r.samples[0]?.message ?? humanCode(r.reason)}
                    </Text>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Card>
  );
}

export function OverviewPage() {
  useTitle('Overview');
  const navigate = useNavigate();
  const [fetchedAt, setFetchedAt] = useState(0);
  const feedSeq = useLive((s) => s.feedSeq);
  const offlineFeed = useLive((s) => s.status !== 'live');
  const q = useQuery(
    async () => {
      const o = await call('getOverview', {});
      setFetchedAt(Date.now());
      return o;
    },
    [],
    { refreshMs: offlineFeed ? 30_000 : undefined },
  );
  // The header says Live: the figures follow the feed's balance and event pushes, throttled to once a second.
  useThrottledEffect(q.reload, feedSeq, 1000);
  // A brand-new install has nothing to show: send the operator to the checklist, once per session.
  useEffect(() => {
    if (sessionStorage.getItem('tg-start-seen')) return;
    call('listCustomerWallets', { limit: 1 })
      .then((c) => {
        sessionStorage.setItem('tg-start-seen', '1');
        if (c.total === 0) navigate('/start', { replace: true });
      })
      .catch(() => undefined);
  }, [navigate]);

  const o = q.data;
  return (
    <>
      <PageHeader
        title="Overview"
        description={o ? `As of ${formatTime(o.as_of)}. Amounts are per asset and never added across assets.` : 'Balances, revenue and activity across every asset.'}
      />
      {q.error && !o ? (
        <ErrorState error={q.error} onRetry={q.reload} what="the overview" />
      ) : !o ? (
        <Stack>
          <CardsSkeleton count={2} height={300} />
          <Skeleton height={260} radius="md" />
        </Stack>
      ) : (
        <>
          <AttentionStrip a={o.attention} />
          {o.assets.length === 0 ? (
            <Alert variant="light" icon={<CircleDollarSign size={18} />} title="No assets yet" mb="lg">
              Balances appear here once an asset exists and a wallet is funded.{' '}
              <Anchor component={Link} to="/start">
                Open Getting started
              </Anchor>
            </Alert>
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2, lg: Math.max(2, Math.min(3, o.assets.length)) }} mb="lg">
              {[...o.assets].sort((a, b) => Number(a.kind === 'custom') - Number(b.kind === 'custom') || a.asset.localeCompare(b.asset)).map((a) => (
                <AssetCard key={a.asset} a={a} />
              ))}
            </SimpleGrid>
          )}
          <SimpleGrid cols={{ base: 1, lg: 2 }} mb="lg">
            <EventsChart overview={o} fetchedAt={fetchedAt} />
            <RevenueByPlan overview={o} />
          </SimpleGrid>
          {o.margin && (
            <Box mb="lg">
              <Margin m={o.margin} />
            </Box>
          )}
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <LowWallets />
            <RecentRefusals />
          </SimpleGrid>
        </>
      )}
    </>
  );
}

import { Accordion, Alert, Badge, Box, Button, Card, Grid, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { ChartFigure } from '../components/ChartFigure';
import { LineChart } from '@mantine/charts';
import { notifications } from '@mantine/notifications';
import { Download, FileText, HelpCircle, Sparkles, UserRound } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router';
import { minorToDecimal } from '@shared/money';
import {
  computeTco,
  defaultFeatures,
  defaultOptions,
  horizonCostAt,
  loadPublishedExample,
  SCENARIO_FIELDS,
  toCsv,
  validateScenario,
  withLineValue,
  type BillingOption,
  type Figure,
  type ScenarioKey,
  type SourceKind,
  type TcoResult,
} from '@shared/tco/index';
import { call } from '../api';
import { PageHeader } from '../components/common';
import { InlineError } from '../components/states';
import { SERIES_COLORS, useTitle } from '../lib/chart';
import { formatCount } from '../lib/format';

const KIND_COLOR: Record<SourceKind, string> = { published: 'teal', anecdote: 'yellow', assumption: 'gray' };
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });

function KindBadge({ kind }: { kind: SourceKind }) {
  return (
    <Badge size="xs" variant="light" color={KIND_COLOR[kind]} tt="none">
      {kind}
    </Badge>
  );
}

/** A figure for people: exact decimal text formatted by unit; unknowns say what they need, never 0. */
function showFigure(f: Figure, labels: Map<string, string>, cents = false, bare = false): string {
  if (f.value === null) {
    if (f.undefinedBecause) return `n/a (${f.undefinedBecause})`;
    return `unknown (needs ${f.unknownBecause.map((id) => labels.get(id) ?? id).join(', ')})`;
  }
  const v = f.value as unknown as number;
  switch (f.unit) {
    case 'usd':
    case 'usd_per_month':
    case 'usd_per_customer_month':
      return (cents || f.unit === 'usd_per_customer_month' ? usd2 : usd).format(v) + (bare ? '' : f.unit === 'usd_per_month' ? '/mo' : f.unit === 'usd_per_customer_month' ? '/customer/mo' : '');
    case 'percent':
      return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(v)} %`;
    case 'days':
      return `${new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 }).format(v)} days`;
    default:
      return new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(v);
  }
}

const LINE_PREFIX = 'line.';

export function TcoPage() {
  useTitle('TCO calculator');
  const [params, setParams] = useSearchParams();
  // Router navigations render in a transition, so `params` can lag behind a change just made:
  // two quick edits must build on each other, not both on the last rendered URL.
  const latestParams = useRef(params);
  const renderedParams = useRef(params);
  if (renderedParams.current !== params) {
    renderedParams.current = params;
    latestParams.current = params;
  }
  const updateParams = (change: (next: URLSearchParams) => void, base: URLSearchParams = latestParams.current) => {
    const next = new URLSearchParams(base);
    change(next);
    latestParams.current = next;
    setParams(next, { replace: true });
  };
  const [mine, setMine] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The scenario lives in the URL: one parameter per field that differs from its default.
  const raw = useMemo(() => {
    const r: Partial<Record<ScenarioKey, string>> = {};
    for (const f of SCENARIO_FIELDS) {
      const v = params.get(f.key);
      r[f.key] = v ?? String(f.default.value);
    }
    return r as Record<ScenarioKey, string>;
  }, [params]);
  const lineValues = useMemo(() => [...params.entries()].filter(([k]) => k.startsWith(LINE_PREFIX)).map(([k, v]) => [k.slice(LINE_PREFIX.length), v] as const), [params]);

  const setField = (key: string, value: string) => {
    const f = SCENARIO_FIELDS.find((x) => x.key === key);
    updateParams((next) => {
      if (f && value === String(f.default.value)) next.delete(key);
      else next.set(key, value);
    });
  };

  const validation = useMemo(() => validateScenario(raw), [raw]);
  const fieldErrors = new Map((validation.ok ? [] : validation.errors).map((e) => [e.field, e.message]));
  const options: BillingOption[] = useMemo(() => {
    let o = defaultOptions();
    for (const [id, v] of lineValues) if (v.trim() && /^\d+(\.\d+)?$/.test(v.trim())) o = withLineValue(o, id, v.trim());
    return o;
  }, [lineValues]);
  const features = useMemo(() => defaultFeatures(), []);

  const lastGood = useRef<TcoResult | null>(null);
  const result = useMemo(() => {
    if (!validation.ok) return null;
    try {
      return computeTco({ scenario: validation.scenario, options, features });
    } catch {
      return null;
    }
  }, [validation, options, features]);
  if (result) lastGood.current = result;
  const r = result ?? lastGood.current;
  const labels = useMemo(() => new Map((r?.inputs ?? []).map((i) => [i.id, i.label])), [r]);

  const loadExample = () => {
    const ex = loadPublishedExample();
    updateParams((next) => {
      for (const f of SCENARIO_FIELDS) {
        const v = String(ex.scenario[f.key]);
        if (v !== String(f.default.value)) next.set(f.key, v);
      }
    }, new URLSearchParams());
    setMine(null);
    notifications.show({ message: 'Loaded the published example: 100 customers at $20 a month, 1,000 events each, 5 seats.' });
  };

  const useMyNumbers = async () => {
    setBusy(true);
    try {
      const [customers, overview] = await Promise.all([call('listCustomerWallets', { limit: 1 }), call('getOverview', {})]);
      const usdRow = overview.assets.find((a) => a.asset === 'USD') ?? overview.assets.find((a) => a.kind === 'fiat');
      const n = customers.total;
      const next = new URLSearchParams();
      next.set('customers', String(n));
      const day = new Date().getUTCDate();
      let spend = '0';
      if (usdRow && usdRow.wallets > 0) {
        // Month so far, scaled to 30 days, per active wallet; whole cents.
        const month = BigInt(usdRow.spend_this_month);
        const perWallet = (month * 30n) / (BigInt(Math.max(1, day)) * BigInt(usdRow.wallets));
        spend = minorToDecimal(perWallet.toString(), usdRow.scale);
        next.set('avgMonthlySpend', spend);
        next.set('activeWalletSharePercent', n > 0 ? String(Math.min(100, Math.round((usdRow.wallets / n) * 100))) : '100');
      }
      const lastHour = overview.events_per_minute.reduce((t, p) => t + p.events, 0);
      const perCustomer = n > 0 ? Math.round((lastHour * 24 * 30) / n) : 0;
      next.set('eventsPerCustomerPerMonth', String(perCustomer));
      updateParams((p) => next.forEach((v, k) => p.set(k, v)));
      setMine(
        `Customers: all ${formatCount(n)} customers. Active wallet: a ${usdRow?.asset ?? 'USD'} wallet that exists (has received credit or usage) — ${formatCount(usdRow?.wallets ?? 0)} of them. Average spend: this month's ${usdRow?.asset ?? 'USD'} spend so far, scaled to 30 days, divided by active wallets ($${spend}). Events: the last 60 minutes (${formatCount(lastHour)}) × 24 × 30 ÷ customers.`,
      );
    } catch (e) {
      notifications.show({ color: 'red', title: (e as { code?: string }).code ?? 'error', message: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };

  const exportCsv = () => {
    if (!r) return;
    const blob = new Blob([toCsv(r)], { type: 'text/csv;charset=utf-8' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `tollgate-tco-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  // Cumulative cost by month, per option (null where unknown).
  const overTime = useMemo(() => {
    if (!r) return [];
    return Array.from({ length: r.scenario.horizonMonths }, (_, i) => {
      const row: Record<string, number | null> = { month: i + 1 };
      for (const o of r.options) {
        const v = o.cumulative[i]?.value;
        row[o.id] = v === null || v === undefined ? null : Number(v);
      }
      return row;
    });
  }, [r]);

  const byCustomers = useMemo(() => {
    if (!r || !validation.ok) return [];
    const found = r.breakEvens.filter((b) => b.status === 'found' && b.customers !== null).map((b) => b.customers!);
    const max = Math.max(200, r.scenario.customers * 3, ...found.map((c) => c * 1.5));
    const ctx = { scenario: validation.scenario, features };
    const points: Record<string, number | null>[] = [];
    const steps = 40;
    const counts = new Set<number>();
    for (let i = 0; i <= steps; i++) counts.add(Math.round((max * i) / steps));
    for (const c of found) counts.add(c);
    for (const n of [...counts].sort((a, b) => a - b)) {
      const row: Record<string, number | null> = { customers: n };
      for (const o of options) {
        const v = horizonCostAt(ctx, o, n).v;
        row[o.id] = v === null ? null : Number(v.c) / 10 ** v.s;
      }
      points.push(row);
    }
    return points;
  }, [r, validation, options, features]);

  const risk = useMemo(() => {
    if (!r) return [];
    return r.risk.invoice.atRiskByDay.map((p, i) => ({ day: p.day, invoice: Number(p.value), wallet: Number(r.risk.wallet.atRiskByDay[i]?.value ?? 0) }));
  }, [r]);

  const unknownLines = options.flatMap((o) => o.lines.filter((l) => l.value === null || lineValues.some(([id]) => id === l.id)).map((l) => ({ option: o.name, ...l })));

  return (
    <>
      <PageHeader
        title="TCO calculator"
        description="What billing costs you over the horizon with each option, when one becomes cheaper than another, and how much money each billing model leaves at risk. Every number shows its source; an unknown stays unknown and says what it needs."
        actions={
          <>
            <Button variant="default" leftSection={<Sparkles size={16} />} onClick={loadExample}>
              Load the published example
            </Button>
            <Button variant="default" leftSection={<UserRound size={16} />} onClick={useMyNumbers} loading={busy}>
              Use my numbers
            </Button>
            <Button leftSection={<Download size={16} />} onClick={exportCsv} disabled={!r} data-testid="export-csv">
              Export CSV
            </Button>
          </>
        }
      />
      {mine && (
        <Alert variant="light" mb="md" icon={<HelpCircle size={18} />} title="Filled from this server" withCloseButton onClose={() => setMine(null)}>
          <Text size="sm">{mine}</Text>
        </Alert>
      )}
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card>
            <Title order={2} fz="md" mb="sm">
              Scenario
            </Title>
            <Stack gap="sm">
              {SCENARIO_FIELDS.map((f) => {
                const changed = params.has(f.key);
                const range = f.type === 'cycle' ? '' : ` · ${f.minExclusive ? 'above ' : ''}${formatCount(BigInt(f.min.split('.')[0]!))}–${formatCount(BigInt(f.max.split('.')[0]!))}`;
                const desc = (
                  <Group gap={6} wrap="nowrap" component="span">
                    <span>
                      {f.unit}
                      {range}
                    </span>
                    <Tooltip label={`${changed ? 'Entered by you' : f.default.source}${f.default.note ? ` — ${f.default.note}` : ''}${changed ? '' : ` (${f.default.date})`}`} multiline w={300}>
                      <span tabIndex={0}>
                        <KindBadge kind={changed ? 'assumption' : f.default.kind} />
                      </span>
                    </Tooltip>
                  </Group>
                );
                const label = f.label;
                return f.type === 'cycle' ? (
                  <Select key={f.key} label={label} description={desc} data={[...(f.choices ?? [])]} value={raw[f.key]} onChange={(v) => v && setField(f.key, v)} allowDeselect={false} aria-label={f.label} />
                ) : (
                  <TextInput key={f.key} label={label} description={desc} value={raw[f.key]} onChange={(e) => setField(f.key, e.currentTarget.value)} error={fieldErrors.get(f.key)} className="tg-tier-input" inputMode="decimal" aria-label={f.label} />
                );
              })}
            </Stack>
          </Card>
          {unknownLines.length > 0 && (
            <Card mt="lg">
              <Title order={2} fz="md" mb={4}>
                Prices nobody published
              </Title>
              <Text size="xs" c="dimmed" mb="sm">
                Results that depend on these say "unknown" until you enter the figure you were quoted.
              </Text>
              <Stack gap="sm">
                {unknownLines.map((l) => (
                  <TextInput
                    key={l.id}
                    label={`${l.option}: ${l.label}`}
                    description={l.note ?? l.source}
                    placeholder="unknown"
                    value={params.get(LINE_PREFIX + l.id) ?? ''}
                    onChange={(e) => {
                      const value = e.currentTarget.value;
                      updateParams((next) => {
                        if (value) next.set(LINE_PREFIX + l.id, value);
                        else next.delete(LINE_PREFIX + l.id);
                      });
                    }}
                    className="tg-tier-input"
                  />
                ))}
              </Stack>
            </Card>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          {!validation.ok && <InlineError error={{ status: 422, code: 'validation_failed', message: validation.errors.map((e) => e.message).join('; '), details: {} }} />}
          {r && (
            <Stack gap="lg">
              <Card>
                <Group justify="space-between" mb="xs">
                  <Title order={2} fz="md">
                    Results over {r.scenario.horizonMonths} months
                  </Title>
                  <Text size="sm" c="dimmed">
                    Revenue {showFigure(r.revenueMonthly, labels)} · {showFigure(r.eventsMonthly, labels)} events/mo · {showFigure(r.activeWallets, labels)} active wallets
                  </Text>
                </Group>
                <Table.ScrollContainer minWidth={640}>
                  <Table aria-label="TCO results" data-testid="tco-results">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th />
                        {r.options.map((o) => (
                          <Table.Th key={o.id} className="tg-right" maw={150}>
                            {o.name}
                            <Text size="xs" c="dimmed" fw={400}>
                              {o.billingModel} billing
                            </Text>
                          </Table.Th>
                        ))}
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {(
                        [
                          ['Recurring a month', (o) => o.monthly],
                          ['of which processing', (o) => o.processingMonthly],
                          ['One-off', (o) => o.oneOff],
                          ['Total over the horizon', (o) => o.horizonTotal],
                          ['Per customer a month', (o) => o.costPerCustomerMonthly],
                          ['Share of revenue', (o) => o.shareOfRevenue],
                          ['Expected loss a month', (o) => o.expectedLossMonthly],
                        ] as [string, (o: TcoResult['options'][number]) => Figure][]
                      ).map(([label, get]) => (
                        <Table.Tr key={label}>
                          <Table.Td w={170}>
                            <Text size="sm" fw={label.startsWith('Total') ? 700 : 400} style={{ whiteSpace: 'nowrap' }}>
                              {label}
                            </Text>
                          </Table.Td>
                          {r.options.map((o) => {
                            const f = get(o);
                            if (f.value === null) {
                              const needs = f.undefinedBecause ?? `needs ${f.unknownBecause.map((id) => labels.get(id) ?? id).join(', ')}`;
                              return (
                                <Table.Td key={o.id} className="tg-right" maw={170}>
                                  <Tooltip label={showFigure(f, labels)} multiline w={260}>
                                    <Text size="sm" c="orange" fw={600} tabIndex={0}>
                                      unknown
                                    </Text>
                                  </Tooltip>
                                  <Text size="xs" c="dimmed">
                                    {needs}
                                  </Text>
                                </Table.Td>
                              );
                            }
                            return (
                              <Table.Td key={o.id} className="tg-right tg-num">
                                <Text size="sm" fw={label.startsWith('Total') ? 700 : 400}>
                                  {/* Losses are small and differ by cents between options: shown to the cent. */}
                                  {showFigure(f, labels, label === 'Expected loss a month', true)}
                                </Text>
                              </Table.Td>
                            );
                          })}
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Card>
              <SimpleGrid cols={{ base: 1, xl: 2 }}>
                <Card>
                  <Title order={2} fz="md" mb={4}>
                    Cost over time
                  </Title>
                  <Text size="xs" c="dimmed" mb="sm">
                    Cumulative USD by month (one-off cost in month 1). {r.options.filter((o) => o.horizonTotal.value === null).map((o) => `${o.name}: unknown (needs ${o.cumulativeUnknownBecause.map((id) => labels.get(id) ?? id).join(', ')}).`).join(' ')}
                  </Text>
                  <ChartFigure label="Cumulative cost by month per option">
                    <LineChart
                      h={220}
                      data={overTime}
                      dataKey="month"
                      series={r.options.map((o, i) => ({ name: o.id, label: o.name, color: SERIES_COLORS[i % SERIES_COLORS.length]! }))}
                      withDots={false}
                      withLegend
                      legendProps={{ verticalAlign: 'bottom' }}
                      valueFormatter={(v) => usd.format(v)}
                      connectNulls={false}
                    />
                  </ChartFigure>
                </Card>
                <Card>
                  <Title order={2} fz="md" mb={4}>
                    Cost by customer count
                  </Title>
                  <Text size="xs" c="dimmed" mb="sm">
                    Horizon total as the business grows.{' '}
                    {r.breakEvens
                      .map((b) => {
                        const an = r.options.find((o) => o.id === b.a)?.name ?? b.a;
                        const bn = r.options.find((o) => o.id === b.b)?.name ?? b.b;
                        if (b.status === 'found') return `${r.options.find((o) => o.id === b.cheaperFrom)?.name} becomes cheaper than ${b.cheaperFrom === b.a ? bn : an} at ${formatCount(b.customers!)} customers.`;
                        if (b.status === 'never') return `${an} vs ${bn}: no break-even up to ${formatCount(b.maxCustomers)}.`;
                        const where = b.searchedUpTo < 0 ? 'unknown at any size' : `unknown beyond ${formatCount(b.searchedUpTo)} customers`;
                        return `${an} vs ${bn}: ${where} (needs ${b.unknownBecause.map((id) => labels.get(id) ?? id).join(', ')}).`;
                      })
                      .join(' ')}
                  </Text>
                  <ChartFigure label="Horizon cost by customer count with break-even points">
                    <LineChart
                      h={220}
                      data={byCustomers}
                      dataKey="customers"
                      series={options.map((o, i) => ({ name: o.id, label: o.name, color: SERIES_COLORS[i % SERIES_COLORS.length]! }))}
                      withDots={false}
                      withLegend
                      legendProps={{ verticalAlign: 'bottom' }}
                      xAxisProps={{ type: 'number', domain: [0, 'dataMax'], tickFormatter: (v: number) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v) }}
                      valueFormatter={(v) => usd.format(v)}
                      referenceLines={r.breakEvens.filter((b) => b.status === 'found').map((b) => ({ x: b.customers!, color: 'red.5', label: `break-even ${formatCount(b.customers!)}` }))}
                      connectNulls={false}
                    />
                  </ChartFigure>
                </Card>
              </SimpleGrid>
              <Card>
                <Title order={2} fz="md" mb={4}>
                  Money at risk over a {r.scenario.billingCycle} cycle
                </Title>
                <Text size="xs" c="dimmed" mb="sm">
                  Invoice billing: receivable peaks at {showFigure(r.risk.invoice.peakReceivable, labels)} (average {showFigure(r.risk.invoice.averageReceivable, labels)}). Wallet billing: exposure peaks at {showFigure(r.risk.wallet.peakExposure, labels)} (overdrafts and overrun debt). Expected loss a month: invoices {showFigure(r.risk.invoice.expectedLossMonthly, labels, true)}, wallets {showFigure(r.risk.wallet.expectedLossMonthly, labels, true)}.
                </Text>
                <ChartFigure label="USD at risk by day of the billing cycle">
                  <LineChart
                    h={200}
                    data={risk}
                    dataKey="day"
                    series={[
                    { name: 'invoice', label: 'Invoice: receivable at risk', color: 'orange.6' },
                    { name: 'wallet', label: 'Wallet: debt at risk', color: 'teal.6' },
                    ]}
                    withDots={false}
                    withLegend
                    legendProps={{ verticalAlign: 'bottom' }}
                    valueFormatter={(v) => usd.format(v)}
                  />
                </ChartFigure>
              </Card>
              <Card>
                <Title order={2} fz="md" mb="xs">
                  Sources and assumptions
                </Title>
                <Accordion variant="contained" chevronPosition="left">
                  {r.options.map((o) => (
                    <Accordion.Item key={o.id} value={o.id}>
                      <Accordion.Control>
                        <Group justify="space-between">
                          <Text size="sm" fw={600}>
                            {o.name}
                          </Text>
                          <Text size="sm" className="tg-num">
                            {showFigure(o.monthly, labels)}
                          </Text>
                        </Group>
                      </Accordion.Control>
                      <Accordion.Panel>
                        <Table fz="xs" verticalSpacing={4} aria-label={`Cost lines of ${o.name}`}>
                          <Table.Thead>
                            <Table.Tr>
                              <Table.Th>Line</Table.Th>
                              <Table.Th className="tg-right">Amount</Table.Th>
                              <Table.Th>Formula</Table.Th>
                            </Table.Tr>
                          </Table.Thead>
                          <Table.Tbody>
                            {o.lines.map((l) => (
                              <Table.Tr key={l.id}>
                                <Table.Td>{l.label}</Table.Td>
                                <Table.Td className="tg-right tg-num">{showFigure(l.amount, labels, true)}</Table.Td>
                                <Table.Td>
                                  <Text size="xs" c="dimmed">
                                    {l.formula}
                                  </Text>
                                </Table.Td>
                              </Table.Tr>
                            ))}
                          </Table.Tbody>
                        </Table>
                        <Text size="xs" fw={600} mt="sm" mb={4}>
                          Preset values
                        </Text>
                        <Table fz="xs" verticalSpacing={4} aria-label={`Preset lines of ${o.name}`}>
                          <Table.Tbody>
                            {r.inputs
                              .filter((i) => i.optionId === o.id && !i.id.startsWith('feature.'))
                              .map((i) => (
                                <Table.Tr key={i.id}>
                                  <Table.Td>{i.label}</Table.Td>
                                  <Table.Td className="tg-right tg-num">{i.value ?? <Text span c="orange" size="xs">unknown</Text>}</Table.Td>
                                  <Table.Td>
                                    <KindBadge kind={i.kind} />
                                  </Table.Td>
                                  <Table.Td>
                                    <Text size="xs" c="dimmed">
                                      {i.source}
                                      {i.date ? ` (${i.date})` : ''}
                                      {i.hint ? ' — hint only, not in totals' : ''}
                                    </Text>
                                  </Table.Td>
                                </Table.Tr>
                              ))}
                          </Table.Tbody>
                        </Table>
                      </Accordion.Panel>
                    </Accordion.Item>
                  ))}
                </Accordion>
                {r.unknowns.length > 0 && (
                  <Box mt="md">
                    <Group gap={6} mb={4}>
                      <FileText size={14} aria-hidden />
                      <Text size="sm" fw={600}>
                        Unknown inputs
                      </Text>
                    </Group>
                    {r.unknowns.map((u) => (
                      <Text key={u.id} size="xs" c="dimmed">
                        {u.label}: unknown{u.affects.length ? `, so ${u.affects.length} result${u.affects.length === 1 ? ' is' : 's are'} unknown too` : ' (no result depends on it at this scenario)'}
                      </Text>
                    ))}
                  </Box>
                )}
              </Card>
            </Stack>
          )}
        </Grid.Col>
      </Grid>
    </>
  );
}


import { Anchor, Badge, Box, Breadcrumbs, Button, Card, Grid, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { Copy } from 'lucide-react';
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { formatUnitPrice } from '@shared/money';
import { parseChargeSpec } from '@shared/pricing/parse';
import { call, type OutputOf } from '../../api';
import { ErrorState, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatDateTime, formatQuantity } from '../../lib/format';
import { Money } from '../../lib/money';
import { useQuery } from '../../lib/useQuery';
import { assetLike } from '../../state/assets';
import { emptyCharge, MODEL_INFO, type PreviewInput } from './draft';
import { PricePreview } from './PricePreview';
import { OlderVersionNote, PlanVersionList, planVersionPath, versionParam } from './PlanVersions';

type Charge = OutputOf<'getPlan'>['charges'][number];

function chargeDraft(c: Charge) {
  const d = emptyCharge(c.asset, c.metric);
  d.model = c.model;
  const p = c.properties as Record<string, unknown>;
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  d.unitPrice = s(p.unit_price);
  const ranges = (p.graduated_ranges ?? p.volume_ranges ?? []) as Record<string, unknown>[];
  d.tiers = ranges.map((r) => ({ to: s(r.to_value), perUnit: s(r.per_unit_amount), flat: s(r.flat_amount) }));
  d.packageAmount = s(p.amount);
  d.packageSize = s(p.package_size);
  d.freeUnits = s(p.free_units);
  d.rate = s(p.rate);
  d.fixedAmount = s(p.fixed_amount);
  d.freeEvents = s(p.free_units_per_events);
  d.freeAmount = s(p.free_units_per_total_aggregation);
  d.allowance = c.allowance ?? '';
  return d;
}

/** A plan property as the rest of the console shows it: prices with their asset, counts grouped, a rate in %. */
const PROPERTY_VIEW: Record<string, { label: string; kind: 'price' | 'quantity' | 'percent' }> = {
  unit_price: { label: 'Unit price', kind: 'price' },
  amount: { label: 'Price per package', kind: 'price' },
  package_size: { label: 'Units per package', kind: 'quantity' },
  free_units: { label: 'Free units', kind: 'quantity' },
  rate: { label: 'Rate', kind: 'percent' },
  fixed_amount: { label: 'Fee per event', kind: 'price' },
  free_units_per_events: { label: 'Free events', kind: 'quantity' },
  free_units_per_total_aggregation: { label: 'Free amount', kind: 'price' },
  per_transaction_min_amount: { label: 'Minimum per event', kind: 'price' },
  per_transaction_max_amount: { label: 'Maximum per event', kind: 'price' },
};

function propertyText(key: string, value: unknown, a: ReturnType<typeof assetLike>): string {
  if (value === null || value === undefined || value === '') return '—';
  const view = PROPERTY_VIEW[key];
  const text = String(value);
  if (!view || typeof value === 'object' || !/^-?\d+(\.\d+)?$/.test(text)) return typeof value === 'object' ? JSON.stringify(value) : text;
  if (view.kind === 'price') return formatUnitPrice(text, a);
  if (view.kind === 'percent') return `${text}%`;
  return formatQuantity(text);
}

function ChargeSummary({ c }: { c: Charge }) {
  const a = assetLike(c.asset);
  const p = c.properties as Record<string, unknown>;
  const ranges = (p.graduated_ranges ?? p.volume_ranges) as { from_value: unknown; to_value: unknown; per_unit_amount: string; flat_amount: string }[] | undefined;
  // The invoice's own tier names ("101 – 1,000", "3,601 and above"), from the shared pricing code.
  const labels = useMemo(() => {
    const parsed = parseChargeSpec(c.model, c.properties);
    if (!parsed.ok || (parsed.spec.model !== 'graduated' && parsed.spec.model !== 'volume')) return null;
    return parsed.spec.properties.tiers.map((t) => t.label);
  }, [c.model, c.properties]);
  const fallbackLabel = (r: { from_value: unknown; to_value: unknown }) => (r.to_value === null || r.to_value === undefined ? `${formatQuantity(String(r.from_value))} and above` : `${formatQuantity(String(r.from_value))} – ${formatQuantity(String(r.to_value))}`);
  return (
    <Box>
      {ranges ? (
        <Table fz="sm" verticalSpacing={4} withTableBorder aria-label={`Tiers of ${c.metric}`} data-testid={`tiers-${c.metric}`}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Tier</Table.Th>
              <Table.Th className="tg-right">Units</Table.Th>
              <Table.Th className="tg-right">Per unit</Table.Th>
              <Table.Th className="tg-right">Flat fee</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {ranges.map((r, i) => (
              <Table.Tr key={i}>
                <Table.Td className="tg-num">{i + 1}</Table.Td>
                <Table.Td className="tg-right tg-num">{labels?.[i] ?? fallbackLabel(r)}</Table.Td>
                <Table.Td className="tg-right tg-num">{formatUnitPrice(r.per_unit_amount, a)}</Table.Td>
                <Table.Td className="tg-right tg-num">{formatUnitPrice(r.flat_amount, a)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      ) : (
        <Group gap="lg" data-testid={`properties-${c.metric}`}>
          {Object.entries(p).map(([k, v]) => (
            <Box key={k}>
              <Text size="xs" c="dimmed">
                {PROPERTY_VIEW[k]?.label ?? k.replace(/_/g, ' ')}
              </Text>
              <Text size="sm" className="tg-num">
                {propertyText(k, v, a)}
              </Text>
            </Box>
          ))}
          {Object.keys(p).length === 0 && (
            <Text size="sm" c="dimmed">
              Each event carries its own price.
            </Text>
          )}
        </Group>
      )}
      <Group gap="xs" mt="xs">
        {c.allowance && <Badge variant="outline">{formatQuantity(c.allowance)} units included</Badge>}
        {c.pay_in_advance && <Badge variant="outline">pay in advance</Badge>}
        {c.filters &&
          Object.entries(c.filters).map(([k, v]) => (
            <Badge key={k} variant="outline" tt="none">
              {k} in {v.join(', ')}
            </Badge>
          ))}
      </Group>
    </Box>
  );
}

export function PlanDetailPage() {
  const { code = '' } = useParams();
  useTitle(code);
  // `?version=N` shows an older version (a subscription's plan_version); without it, the latest.
  const [params] = useSearchParams();
  const asked = versionParam(params.get('version'));
  const q = useQuery<OutputOf<'getPlanVersion'> | OutputOf<'getPlan'>>(() => (asked ? call('getPlanVersion', { code, version: asked }) : call('getPlan', { code })), [code, asked]);
  const versions = useQuery(() => call('listPlanVersions', { code, limit: 500 }), [code]);
  const latest = versions.data?.data[0]?.version;
  const [chargeIndex, setChargeIndex] = useState(0);
  const [preview, setPreview] = useState<PreviewInput>({ quantity: '65000', events: '100', dynamicTotal: '12.50' });
  const p = q.data;
  const older = p !== undefined && latest !== undefined && p.version < latest;
  const charge = p?.charges[Math.min(chargeIndex, (p?.charges.length ?? 1) - 1)];
  const draft = useMemo(() => (charge ? chargeDraft(charge) : null), [charge]);
  return (
    <>
      <Breadcrumbs mb="sm">
        <Anchor component={Link} to="/plans" size="sm">
          Plans
        </Anchor>
        {asked ? (
          <Anchor component={Link} to={planVersionPath(code)} size="sm">
            {code}
          </Anchor>
        ) : (
          <Text size="sm">{code}</Text>
        )}
        {asked && <Text size="sm">v{asked}</Text>}
      </Breadcrumbs>
      {q.error ? (
        <ErrorState error={q.error} onRetry={q.reload} what={asked ? `version ${asked} of plan ${code}` : `plan ${code}`} />
      ) : !p ? (
        <TableSkeleton rows={6} cols={4} />
      ) : (
        <>
          <Group justify="space-between" mb="lg" align="flex-start">
            <Box>
              <Group gap="xs">
                <Title order={1} fz={26}>
                  {p.name}
                </Title>
                <Badge variant="light">v{p.version}</Badge>
                <Badge variant="light" color="gray" tt="capitalize">
                  {p.interval}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed" ff="monospace">
                {p.code} · created {formatDateTime(p.created_at)}
              </Text>
              {p.description && (
                <Text size="sm" mt={4} maw={700}>
                  {p.description}
                </Text>
              )}
            </Box>
            {!older && (
              <Button variant="default" leftSection={<Copy size={16} />} component={Link} to={`/plans/new?from=${encodeURIComponent(p.code)}`}>
                New version
              </Button>
            )}
          </Group>
          {/* An older version is always read with getPlanVersion (`?version=N`), which counts its subscriptions. */}
          {older && 'live_subscriptions' in p && <OlderVersionNote plan={p} latest={latest} />}
          <SimpleGrid cols={{ base: 1, sm: 3 }} mb="lg">
            <Card padding="md">
              <Text size="xs" c="dimmed">
                Fixed fee
              </Text>
              {p.fixed_fee ? (
                <Group gap={6}>
                  <Money amount={p.fixed_fee.amount} asset={p.fixed_fee.asset} fw={650} size="lg" />
                  <Text size="xs" c="dimmed">
                    {p.fixed_fee.pay_in_advance ? 'in advance' : 'in arrears'}
                  </Text>
                </Group>
              ) : (
                <Text fw={650}>None</Text>
              )}
            </Card>
            <Card padding="md">
              <Text size="xs" c="dimmed">
                Trial
              </Text>
              <Text fw={650} size="lg">
                {p.trial_days ? `${p.trial_days} days` : 'None'}
              </Text>
            </Card>
            <Card padding="md">
              <Text size="xs" c="dimmed">
                Minimum commitment
              </Text>
              {p.minimum_commitment ? <Money amount={p.minimum_commitment.amount} asset={p.minimum_commitment.asset} fw={650} size="lg" /> : <Text fw={650}>None</Text>}
            </Card>
          </SimpleGrid>
          <Grid gap="lg">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <Stack>
                <Title order={2} fz="lg">
                  Usage charges
                </Title>
                {p.charges.length === 0 && (
                  <Text size="sm" c="dimmed">
                    No usage charges.
                  </Text>
                )}
                {p.charges.map((c, i) => (
                  <Card key={c.id} onClick={() => setChargeIndex(i)} style={{ cursor: 'pointer', ...(i === chargeIndex ? { borderColor: 'var(--mantine-color-brand-5)' } : {}) }}>
                    <Group justify="space-between" mb="xs">
                      <Group gap="xs">
                        <Text fw={650}>{c.invoice_display_name ?? c.metric}</Text>
                        <Badge variant="light" color="gray" tt="none">
                          {MODEL_INFO[c.model].label}
                        </Badge>
                        <Badge variant="outline">{c.asset}</Badge>
                      </Group>
                      <Text size="xs" c="dimmed">
                        charge #{c.id}
                      </Text>
                    </Group>
                    <ChargeSummary c={c} />
                  </Card>
                ))}
                <Title order={2} fz="lg" mt="md">
                  Features
                </Title>
                {p.features.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    The plan grants no features.
                  </Text>
                ) : (
                  <Table aria-label="Features">
                    <Table.Tbody>
                      {p.features.map((f) => (
                        <Table.Tr key={f.code}>
                          <Table.Td>
                            <Text size="sm" fw={500}>
                              {f.name ?? f.code}
                            </Text>
                            <Text size="xs" c="dimmed" ff="monospace">
                              {f.code}
                            </Text>
                          </Table.Td>
                          <Table.Td className="tg-right">{typeof f.value === 'boolean' ? (f.value ? 'on' : 'off') : String(f.value)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                )}
                {(versions.data?.data.length ?? 0) > 1 && <PlanVersionList versions={versions.data!.data} viewing={p.version} more={versions.data!.next_cursor !== null} />}
              </Stack>
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>{draft && <PricePreview charge={draft} input={preview} onInput={setPreview} />}</Grid.Col>
          </Grid>
        </>
      )}
    </>
  );
}

import { Alert, Badge, Box, Card, Group, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { ChartFigure } from '../../components/ChartFigure';
import { LineChart } from '@mantine/charts';
import { Calculator, TriangleAlert } from 'lucide-react';
import { useMemo } from 'react';
import { toText, type Dec } from '@shared/decimal';
import { formatUnitPrice } from '@shared/money';
import type { BreakdownLine } from '@shared/pricing/index';
import { formatCount } from '../../lib/format';
import { formatAmount } from '../../lib/money';
import { assetLike } from '../../state/assets';
import { type ChargeDraft, curve, describeIssue, hasModelInput, MODEL_INFO, price, type PreviewInput, specOf } from './draft';

const t = (d: Dec) => toText(d);
function n(d: Dec): string {
  const s = toText(d);
  return /^\d+$/.test(s) ? formatCount(BigInt(s)) : s;
}

/** The plain sentence: "Volume: all 65,000 units at tier 3 ($0.0006 each) + $10 flat = $49.00". */
function sentence(c: ChargeDraft, lines: BreakdownLine[], units: Dec, total: string, asset: string, tierLabels: string[]): string {
  const a = assetLike(asset);
  const up = (d: Dec | null) => (d === null ? '' : formatUnitPrice(t(d), a));
  const tiers = lines.filter((l) => l.kind === 'tier');
  const included = lines.find((l) => l.kind === 'included');
  const inc = included && included.units.c !== 0n ? `${n(included.units)} included, then ` : '';
  switch (c.model) {
    case 'standard':
      return `Standard: ${inc}${n(lines.find((l) => l.kind === 'units')?.units ?? units)} units × ${up(lines.find((l) => l.kind === 'units')?.unitPrice ?? null)} = ${total}`;
    case 'graduated':
      return `Graduated: ${inc}${tiers.map((l) => `${n(l.units)} at ${up(l.unitPrice)}${l.flatFee.c !== 0n ? ` + ${up(l.flatFee)} flat` : ''}`).join(' + ')} = ${total}`;
    case 'volume': {
      const l = tiers[0];
      if (!l) return `Volume: ${total}`;
      const idx = tierLabels.indexOf(l.label);
      return `Volume: ${inc}all ${n(l.units)} units at tier ${idx >= 0 ? idx + 1 : ''} (${l.label}), ${up(l.unitPrice)} each${l.flatFee.c !== 0n ? ` + ${up(l.flatFee)} flat` : ''} = ${total}`;
    }
    case 'package': {
      const p = lines.find((l) => l.kind === 'packages');
      return `Package: ${inc}${n(units)} units → ${p ? n(p.units) : 0} ${p?.label.toLowerCase() ?? 'packages'} × ${up(p?.unitPrice ?? null)} = ${total}`;
    }
    case 'percentage': {
      const r = lines.find((l) => l.kind === 'rate');
      const f = lines.find((l) => l.kind === 'fixed_fee');
      return `Percentage: ${r?.label ?? ''} of ${n(r?.units ?? units)}${f ? ` + ${n(f.units)} paying events × ${up(f.unitPrice)}` : ''} = ${total}`;
    }
    case 'dynamic':
      return `Dynamic: the events carry their own price; ${n(units)} units = ${total}`;
  }
}

/** `attempted`: the plan editor tried to save; until then an untouched charge asks for its price instead of listing errors. */
export function PricePreview({ charge, input, onInput, attempted = true }: { charge: ChargeDraft; input: PreviewInput; onInput: (i: PreviewInput) => void; attempted?: boolean }) {
  const asset = charge.asset ?? 'USD';
  const a = assetLike(asset);
  const spec = useMemo(() => specOf(charge), [charge]);
  const result = useMemo(() => (spec.ok ? price(spec.spec, charge.model, input, a.scale) : null), [spec, charge.model, input, a.scale]);
  const chart = useMemo(() => {
    if (!spec.ok || !result || 'error' in result) return [];
    const q = Number(input.quantity.replace(/,/g, '')) || 0;
    let max = Math.max(q * 1.6, 10);
    if (spec.spec.model === 'graduated' || spec.spec.model === 'volume') {
      const bounds = spec.spec.properties.tiers.filter((x) => x.to !== null).map((x) => Number(toText(x.to!)));
      if (bounds.length) max = Math.max(max, bounds[bounds.length - 1]! * 1.25);
    }
    return curve(spec.spec, charge.model, Math.round(max), a.scale, input);
  }, [spec, result, charge.model, input, a.scale]);

  const total = result && !('error' in result) ? formatAmount(result.minor, a) : null;
  return (
    <Card data-testid="price-preview">
      <Group gap="xs" mb="xs">
        <Calculator size={18} aria-hidden />
        <Title order={2} fz="md">
          Price preview
        </Title>
        <Badge variant="light" color="gray" tt="none">
          {MODEL_INFO[charge.model].label} · {charge.metric ?? 'metric'} · {asset}
        </Badge>
      </Group>
      <Text size="xs" c="dimmed" mb="sm">
        Computed in your browser with the engine's own pricing code (shared/pricing), exactly as events will be priced and rounded once.
      </Text>
      <SimpleGrid cols={charge.model === 'percentage' || charge.model === 'dynamic' ? 2 : 1} mb="md">
        <TextInput
          label={charge.model === 'percentage' ? 'Summed amount' : 'What would this many units cost?'}
          value={input.quantity}
          onChange={(e) => onInput({ ...input, quantity: e.currentTarget.value })}
          className="tg-tier-input"
          inputMode="decimal"
          aria-label="Preview quantity"
          data-testid="preview-quantity"
        />
        {charge.model === 'percentage' && <TextInput label="Over how many events" value={input.events} onChange={(e) => onInput({ ...input, events: e.currentTarget.value })} className="tg-tier-input" inputMode="numeric" description="At most 2,000 in the preview" />}
        {charge.model === 'dynamic' && <TextInput label="Sum of the events' own prices" value={input.dynamicTotal} onChange={(e) => onInput({ ...input, dynamicTotal: e.currentTarget.value })} className="tg-tier-input" inputMode="decimal" />}
      </SimpleGrid>
      {!spec.ok && !attempted && !hasModelInput(charge) ? (
        <Text size="sm" c="dimmed" data-testid="preview-empty">
          {charge.model === 'graduated' || charge.model === 'volume' ? 'Fill in the tiers' : charge.model === 'standard' ? 'Enter a price per unit' : 'Fill in the charge'} to see what a quantity costs.
        </Text>
      ) : !spec.ok ? (
        <Alert color="orange" variant="light" icon={<TriangleAlert size={16} />} title="Fix the charge to see its price" data-testid="preview-errors">
          <Stack gap={2}>
            {spec.errors.map((e, i) => (
              <Text key={i} size="sm">
                {describeIssue(e).text}
              </Text>
            ))}
          </Stack>
        </Alert>
      ) : !result || 'error' in result ? (
        <Text size="sm" c="dimmed">
          {result && 'error' in result ? result.error : ''}
        </Text>
      ) : (
        <Stack gap="md">
          <Box>
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              Total
            </Text>
            <Text className="tg-card-value tg-num" data-testid="preview-total">
              {total}
            </Text>
            <Text size="sm" mt={4} data-testid="preview-sentence">
              {sentence(charge, result.lines, result.units, total!, asset, spec.spec.model === 'graduated' || spec.spec.model === 'volume' ? spec.spec.properties.tiers.map((x) => x.label) : [])}
            </Text>
            {t(result.exact) !== t({ c: result.minor, s: a.scale }) && (
              <Text size="xs" c="dimmed">
                Exact {formatUnitPrice(t(result.exact), a)}, rounded once (half away from zero) to {total}.
              </Text>
            )}
          </Box>
          <Box>
            <Text size="sm" fw={600} mb={4}>
              What the invoice prints
            </Text>
            <Table fz="sm" verticalSpacing={4} withTableBorder aria-label="Invoice lines" data-testid="preview-lines">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Line</Table.Th>
                  <Table.Th className="tg-right">Units</Table.Th>
                  <Table.Th className="tg-right">Per unit</Table.Th>
                  <Table.Th className="tg-right">Flat fee</Table.Th>
                  <Table.Th className="tg-right">Amount</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.lines.map((l, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{l.label}</Table.Td>
                    <Table.Td className="tg-right tg-num">{n(l.units)}</Table.Td>
                    <Table.Td className="tg-right tg-num">{l.unitPrice === null ? '—' : l.kind === 'rate' ? `${t(l.unitPrice)}` : formatUnitPrice(t(l.unitPrice), a)}</Table.Td>
                    <Table.Td className="tg-right tg-num">{formatUnitPrice(t(l.flatFee), a)}</Table.Td>
                    <Table.Td className="tg-right tg-num">{formatUnitPrice(t(l.amount), a)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Box>
          {chart.length > 1 && (
            <Box>
              <Text size="sm" fw={600} mb={4}>
                Cost by quantity
              </Text>
              <ChartFigure label="Cost as a function of quantity">
                <LineChart
                  h={180}
                  data={chart}
                  dataKey="quantity"
                  series={[{ name: 'cost', label: `Cost (${asset})`, color: 'brand.6' }]}
                  curveType={charge.model === 'package' ? 'stepAfter' : 'linear'}
                  withDots={false}
                  gridAxis="xy"
                  xAxisProps={{ type: 'number', domain: [0, 'dataMax'], tickFormatter: (v: number) => new Intl.NumberFormat('en-US', { notation: 'compact' }).format(v) }}
                  // Chart points are plotted as numbers; the tooltip reads as money (to 6 places, trailing zeros dropped).
                  valueFormatter={(v) => formatUnitPrice(v.toFixed(6).replace(/\.?0+$/, ''), a)}
                  referenceLines={[{ x: Number(input.quantity.replace(/,/g, '')) || 0, color: 'red.6', label: 'preview' }]}
                />
              </ChartFigure>
              <Text size="xs" c="dimmed">
                {chart.length} points from 0 to {formatCount(chart[chart.length - 1]!.quantity)} units; the red line marks the previewed quantity.
              </Text>
            </Box>
          )}
        </Stack>
      )}
    </Card>
  );
}

import { ActionIcon, Anchor, Autocomplete, Box, Breadcrumbs, Button, Card, Checkbox, Code, Collapse, Divider, Grid, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Plus, Sparkles, Trash2 } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { CreatePlan } from '@shared/contract/pricing';
import { minorToDecimal } from '@shared/money';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { InlineError } from '../../components/states';
import { parseAmountInput } from '../../lib/amountInput';
import { useTitle } from '../../lib/chart';
import { useQuery } from '../../lib/useQuery';
import { assetLike, useAssets } from '../../state/assets';
import { CreateMetricDialog } from './CreateMetricDialog';
import { CHARGE_MODELS, type ChargeDraft, type ChargeModel, chargeInput, describeIssue, emptyCharge, EXAMPLE_TIERS, hasModelInput, MODEL_INFO, newKey, type PreviewInput, specOf, type TierDraft, tierHasInput } from './draft';
import { PricePreview } from './PricePreview';
import { TierTable } from './TierTable';

/** The model fields as the editor labels them, for the summary ("Price per unit: is empty…", not "unit_price: …"). */
const FIELD_LABELS: Record<string, string> = {
  unit_price: 'Price per unit',
  amount: 'Price per package',
  package_size: 'Units per package',
  free_units: 'Free units',
  rate: 'Rate',
  fixed_amount: 'Fee per event',
  free_units_per_events: 'Free events',
  free_units_per_total_aggregation: 'Free amount',
  allowance: 'Included units',
};
function summaryText(e: Parameters<typeof describeIssue>[0]): string {
  const d = describeIssue(e);
  if (d.tier !== null || !d.field) return d.text;
  const label = FIELD_LABELS[d.field];
  const detail = d.text.replace(/^[a-z_]+(\[\d+\])?(\.[a-z_]+)?:\s*/, '');
  return `${label ?? d.field.replace(/_/g, ' ')}: ${detail}`;
}

/** A CreatePlan issue as a person reads it: the field it belongs to, what to do; never a zod path. */
function friendlyIssue(path: readonly PropertyKey[], input: { code: string; name: string }): string | null {
  const [key, index, field] = path;
  const n = typeof index === 'number' ? index + 1 : null;
  switch (key) {
    case 'name':
      return input.name ? 'Name: at most 200 characters' : 'Name: enter the plan name';
    case 'code':
      return input.code ? 'Code: letters, digits, _ . : - only (up to 100)' : 'Code: enter a code';
    case 'description':
      return 'Description: at most 2,000 characters';
    case 'trial_days':
      return 'Trial: whole days, 0 to 3,650';
    case 'fixed_fee':
      return 'Fixed fee: choose an asset and enter an amount';
    case 'minimum_commitment':
      return 'Minimum commitment: choose an asset and enter an amount above zero';
    case 'tax_rate':
      return 'Tax rate: a percentage such as 20';
    case 'features':
      if (n === null) return 'Features: at most 100';
      if (field === 'code') return `Feature ${n}: enter a code (letters, digits, _ . : -)`;
      if (field === 'name') return `Feature ${n}: the name is too long`;
      return `Feature ${n}: enter a value`;
    case 'charges':
      if (n === null) return 'Charges: at most 100';
      if (field === 'metric') return `Charge ${n}: choose a metric`;
      if (field === 'asset') return `Charge ${n}: choose an asset`;
      if (field === 'allowance') return `Charge ${n}: the allowance must be a number of units`;
      if (field === 'filters') return `Charge ${n}: each filter needs a property and at least one value`;
      if (field === 'display_name') return `Charge ${n}: the display name is too long`;
      return `Charge ${n}: check its prices`;
    default:
      return 'Check the plan fields';
  }
}

type Plan = OutputOf<'getPlan'>;
/** A metric as the picker needs it; when the list cannot be read, only codes known from plans. */
interface MetricOption {
  code: string;
  name: string;
  aggregation: string | null;
  property: string | null;
  event_type: string | null;
}
interface Metrics {
  list: MetricOption[];
  /** Set when listMetrics failed: the picker then takes any typed code. */
  error: ApiError | null;
}

/**
 * The metric picker's list. If listMetrics fails (for example the server answers something else on
 * its path), fall back to the codes the existing plans use and let the operator type a code.
 */
async function loadMetrics(): Promise<Metrics> {
  try {
    const page = await call('listMetrics', { limit: 500 });
    return { list: page.data.map((m) => ({ code: m.code, name: m.name, aggregation: m.aggregation, property: m.property, event_type: m.event_type })), error: null };
  } catch (e) {
    const plans = await call('listPlans', { limit: 500 }).catch(() => ({ data: [] as Plan[] }));
    const codes = [...new Set(plans.data.flatMap((p) => p.charges.map((c) => c.metric)))].sort();
    return { list: codes.map((code) => ({ code, name: code, aggregation: null, property: null, event_type: null })), error: toApiError(e) };
  }
}
interface FeatureDraft {
  code: string;
  name: string;
  type: 'boolean' | 'number' | 'string';
  value: string;
}

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
}

/** A stored charge back into the form (for "new version"). */
function draftFromCharge(c: Plan['charges'][number]): ChargeDraft {
  const d = emptyCharge(c.asset, c.metric);
  d.model = c.model;
  const p = c.properties as Record<string, unknown>;
  const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
  if (c.model === 'standard') d.unitPrice = str(p.unit_price);
  if (c.model === 'graduated' || c.model === 'volume') {
    const ranges = (p.graduated_ranges ?? p.volume_ranges ?? []) as { to_value: unknown; per_unit_amount: unknown; flat_amount: unknown }[];
    d.tiers = ranges.map((r) => ({ to: str(r.to_value), perUnit: str(r.per_unit_amount), flat: str(r.flat_amount) }));
  }
  if (c.model === 'package') {
    d.packageAmount = str(p.amount);
    d.packageSize = str(p.package_size);
    d.freeUnits = str(p.free_units);
  }
  if (c.model === 'percentage') {
    d.rate = str(p.rate);
    d.fixedAmount = str(p.fixed_amount);
    d.freeEvents = str(p.free_units_per_events);
    d.freeAmount = str(p.free_units_per_total_aggregation);
  }
  d.filters = Object.entries(c.filters ?? {}).map(([property, values]) => ({ property, values: values.join(', ') }));
  d.allowance = c.allowance ?? '';
  d.payInAdvance = c.pay_in_advance;
  d.displayName = c.invoice_display_name ?? '';
  return d;
}

/**
 * The fields of the charge's model. A field shows its error once something is typed in it (a tier
 * row once any of its cells is), or everywhere once the operator tried to save (`attempted`): a
 * fresh form is empty, not wrong.
 */
function ModelFields({ c, set, attempted }: { c: ChargeDraft; set: (patch: Partial<ChargeDraft>) => void; attempted: boolean }) {
  const spec = useMemo(() => specOf(c), [c]);
  const issues = useMemo(() => {
    const m = new Map<number, string[]>();
    if (!spec.ok)
      for (const e of spec.errors) {
        const d = describeIssue(e);
        if (d.tier === null) continue;
        if (!attempted && !(c.tiers[d.tier] && tierHasInput(c.tiers[d.tier]!))) continue;
        m.set(d.tier, [...(m.get(d.tier) ?? []), d.text]);
      }
    return m;
  }, [spec, attempted, c.tiers]);
  const otherIssues = spec.ok || !(attempted || hasModelInput(c)) ? [] : spec.errors.map(describeIssue).filter((d) => d.tier === null);
  const err = (field: string) => otherIssues.find((d) => d.field === field)?.text.replace(/^[a-z_]+:\s*/, '');
  // A required field's "is empty" waits for the save; a value typed is checked as it is typed.
  const shown = (value: string, field: string) => (value || attempted ? err(field) : undefined);
  const asset = c.asset ?? '';
  switch (c.model) {
    case 'standard':
      return <TextInput label={`Price per unit (${asset})`} placeholder="0.05" value={c.unitPrice} onChange={(e) => set({ unitPrice: e.currentTarget.value })} error={shown(c.unitPrice, 'unit_price')} className="tg-tier-input" w={220} />;
    case 'graduated':
    case 'volume':
      return (
        <Stack gap={4}>
          <TierTable tiers={c.tiers} onChange={(tiers: TierDraft[]) => set({ tiers })} issues={issues} asset={asset} />
          {otherIssues.map((d) => (
            <Text key={d.text} size="xs" c="red">
              {d.text}
            </Text>
          ))}
        </Stack>
      );
    case 'package':
      return (
        <SimpleGrid cols={3}>
          <TextInput label={`Price per package (${asset})`} placeholder="5" value={c.packageAmount} onChange={(e) => set({ packageAmount: e.currentTarget.value })} error={shown(c.packageAmount, 'amount')} className="tg-tier-input" />
          <TextInput label="Units per package" placeholder="100" value={c.packageSize} onChange={(e) => set({ packageSize: e.currentTarget.value })} error={shown(c.packageSize, 'package_size')} className="tg-tier-input" />
          <TextInput label="Free units" placeholder="0" value={c.freeUnits} onChange={(e) => set({ freeUnits: e.currentTarget.value })} error={err('free_units')} className="tg-tier-input" />
        </SimpleGrid>
      );
    case 'percentage':
      return (
        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <TextInput label="Rate (%)" placeholder="1.2" value={c.rate} onChange={(e) => set({ rate: e.currentTarget.value })} error={shown(c.rate, 'rate')} className="tg-tier-input" />
          <TextInput label={`Fee per event (${asset})`} placeholder="0.10" value={c.fixedAmount} onChange={(e) => set({ fixedAmount: e.currentTarget.value })} error={err('fixed_amount')} className="tg-tier-input" />
          <TextInput label="Free events" placeholder="3" value={c.freeEvents} onChange={(e) => set({ freeEvents: e.currentTarget.value })} error={err('free_units_per_events')} className="tg-tier-input" />
          <TextInput label={`Free amount (${asset})`} placeholder="500" value={c.freeAmount} onChange={(e) => set({ freeAmount: e.currentTarget.value })} error={err('free_units_per_total_aggregation')} className="tg-tier-input" />
        </SimpleGrid>
      );
    case 'dynamic':
      return (
        <Text size="sm" c="dimmed">
          Nothing to configure: each event sends its own price in <code>precise_total_amount</code> (major units of {asset || 'the asset'}).
        </Text>
      );
  }
}

function ChargeCard({
  c,
  index,
  active,
  metrics,
  metricsError,
  metricsLoading,
  assets,
  onChange,
  onRemove,
  onFocus,
  onNewMetric,
  attempted,
}: {
  c: ChargeDraft;
  index: number;
  attempted: boolean;
  active: boolean;
  metrics: MetricOption[];
  metricsError: ApiError | null;
  metricsLoading: boolean;
  assets: string[];
  onChange: (c: ChargeDraft) => void;
  onRemove: () => void;
  onFocus: () => void;
  onNewMetric: () => void;
}) {
  const set = (patch: Partial<ChargeDraft>) => onChange({ ...c, ...patch });
  const [more, setMore] = useState(!!(c.allowance || c.filters.length || c.payInAdvance || c.displayName));
  const metric = metrics.find((m) => m.code === c.metric);
  const useExample = () => {
    if (c.model === 'graduated' || c.model === 'volume') set({ tiers: EXAMPLE_TIERS.map((t) => ({ ...t })) });
    if (c.model === 'standard') set({ unitPrice: '0.05' });
    if (c.model === 'package') set({ packageAmount: '5', packageSize: '100', freeUnits: '100' });
    if (c.model === 'percentage') set({ rate: '1.2', fixedAmount: '0.10', freeEvents: '3', freeAmount: '500' });
  };
  return (
    <Card
      onFocusCapture={onFocus}
      onClick={onFocus}
      style={active ? { borderColor: 'var(--mantine-color-brand-5)', boxShadow: '0 0 0 1px var(--mantine-color-brand-5)' } : undefined}
      data-testid={`charge-${index}`}
    >
      <Group justify="space-between" mb="sm">
        <Text fw={650}>Charge {index + 1}</Text>
        <Tooltip label="Remove this charge">
          <ActionIcon variant="subtle" color="red" onClick={onRemove} aria-label={`Remove charge ${index + 1}`}>
            <Trash2 size={16} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <Grid>
        <Grid.Col span={{ base: 12, sm: 7 }}>
          <Group align="flex-end" gap="xs" wrap="nowrap" data-metrics={metricsLoading ? 'loading' : metricsError ? 'typed' : 'list'}>
            {metricsError ? (
              <Autocomplete
                label="Metric code"
                placeholder="api_calls"
                data={metrics.map((m) => m.code)}
                value={c.metric ?? ''}
                onChange={(v) => set({ metric: v.trim() || null })}
                error={attempted && !c.metric ? 'Enter the metric code' : undefined}
                style={{ flex: 1 }}
                aria-label={`Charge ${index + 1} metric`}
              />
            ) : (
              <Select
                label="Metric"
                placeholder={metricsLoading ? 'Loading metrics…' : 'Choose a billable metric'}
                data={metrics.map((m) => ({ value: m.code, label: `${m.name} (${m.code})` }))}
                value={c.metric}
                onChange={(v) => set({ metric: v })}
                allowDeselect={false}
                nothingFoundMessage="No metric: create one"
                error={attempted && !c.metric ? 'Choose a metric' : undefined}
                style={{ flex: 1 }}
                aria-label={`Charge ${index + 1} metric`}
              />
            )}
            <Button variant="default" onClick={onNewMetric} leftSection={<Plus size={14} />}>
              Metric
            </Button>
          </Group>
          {metricsError ? (
            <Text size="xs" c="dimmed" mt={4}>
              The metric list could not be read (<Code>{metricsError.code}</Code>): type the metric code.
            </Text>
          ) : (
            metric &&
            metric.aggregation && (
              <Text size="xs" c="dimmed" mt={4}>
                {metric.aggregation}
                {metric.property ? ` of ${metric.property}` : ''} over events <code>{metric.event_type}</code>
              </Text>
            )
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, sm: 5 }}>
          <Select label="Asset" data={assets} value={c.asset} onChange={(v) => set({ asset: v })} allowDeselect={false} aria-label={`Charge ${index + 1} asset`} />
        </Grid.Col>
      </Grid>
      <Box mt="md">
        <Text size="sm" fw={500} mb={4}>
          Charge model
        </Text>
        <SegmentedControl
          fullWidth
          value={c.model}
          onChange={(v) => set({ model: v as ChargeModel })}
          data={CHARGE_MODELS.map((m) => ({ value: m, label: MODEL_INFO[m].label }))}
          aria-label={`Charge ${index + 1} model`}
        />
        <Group justify="space-between" mt={6} wrap="nowrap" align="flex-start">
          <Text size="xs" c="dimmed">
            {MODEL_INFO[c.model].example}
          </Text>
          {c.model !== 'dynamic' && (
            <Button size="compact-xs" variant="subtle" leftSection={<Sparkles size={12} />} onClick={useExample} style={{ flex: 'none' }}>
              Use example
            </Button>
          )}
        </Group>
      </Box>
      <Box mt="md">
        <ModelFields c={c} set={set} attempted={attempted} />
      </Box>
      <Divider my="md" />
      <Anchor component="button" type="button" size="sm" onClick={() => setMore((m) => !m)}>
        {more ? 'Hide' : 'Show'} allowance, filters and options
      </Anchor>
      <Collapse expanded={more}>
        <Stack mt="sm" gap="sm">
          <SimpleGrid cols={2}>
            <TextInput label="Included units per period (allowance)" placeholder="0" value={c.allowance} onChange={(e) => set({ allowance: e.currentTarget.value })} className="tg-tier-input" description="Priced as F(max(0, usage − allowance))." />
            <TextInput label="Invoice display name" placeholder={metric?.name ?? ''} value={c.displayName} onChange={(e) => set({ displayName: e.currentTarget.value })} />
          </SimpleGrid>
          <Checkbox label="Pay in advance" checked={c.payInAdvance} onChange={(e) => set({ payInAdvance: e.currentTarget.checked })} />
          <Box>
            <Group justify="space-between">
              <Text size="sm" fw={500}>
                Filters
              </Text>
              <Button size="compact-xs" variant="light" onClick={() => set({ filters: [...c.filters, { property: '', values: '' }] })} leftSection={<Plus size={12} />}>
                Add filter
              </Button>
            </Group>
            <Text size="xs" c="dimmed">
              Price only events whose property matches; the most specific matching charge wins.
            </Text>
            {c.filters.map((f, i) => (
              <Group key={i} mt={6} wrap="nowrap">
                <TextInput placeholder="model" aria-label="Filter property" value={f.property} onChange={(e) => set({ filters: c.filters.map((x, j) => (j === i ? { ...x, property: e.currentTarget.value } : x)) })} />
                <TextInput placeholder="gpt-4o, o3" aria-label="Filter values" value={f.values} style={{ flex: 1 }} onChange={(e) => set({ filters: c.filters.map((x, j) => (j === i ? { ...x, values: e.currentTarget.value } : x)) })} />
                <ActionIcon variant="subtle" color="gray" aria-label="Remove filter" onClick={() => set({ filters: c.filters.filter((_, j) => j !== i) })}>
                  <Trash2 size={14} />
                </ActionIcon>
              </Group>
            ))}
          </Box>
        </Stack>
      </Collapse>
    </Card>
  );
}

export function PlanEditorPage() {
  useTitle('New plan');
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const from = params.get('from');
  const assetMap = useAssets((s) => s.assets);
  const assets = useMemo(() => Object.keys(assetMap).sort(), [assetMap]);
  const metricsQ = useQuery(loadMetrics, []);
  const metrics = useMemo(() => metricsQ.data?.list ?? [], [metricsQ.data]);
  const [name, setName] = useState('');
  const [code, setCode] = useState('');
  const [codeTouched, setCodeTouched] = useState(false);
  const [description, setDescription] = useState('');
  const [interval, setInterval] = useState<'weekly' | 'monthly' | 'quarterly' | 'yearly'>('monthly');
  const [fee, setFee] = useState({ on: false, asset: 'USD' as string | null, amount: '', advance: true });
  const [trial, setTrial] = useState<string>('');
  const [commit, setCommit] = useState({ on: false, asset: 'USD' as string | null, amount: '' });
  const [charges, setCharges] = useState<ChargeDraft[]>(() => [emptyCharge('USD')]);
  const [features, setFeatures] = useState<FeatureDraft[]>([]);
  const [activeCharge, setActiveCharge] = useState(0);
  const [preview, setPreview] = useState<PreviewInput>({ quantity: '65000', events: '100', dynamicTotal: '12.50' });
  const [metricFor, setMetricFor] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [formErrors, setFormErrors] = useState<string[]>([]);
  /** Set by the first save: from then on every field shows its error, typed or not. */
  const [attempted, setAttempted] = useState(false);
  const [busy, setBusy] = useState(false);

  // Default asset and metric once known.
  useEffect(() => {
    if (!assets.length) return;
    setCharges((cs) => cs.map((c) => (c.asset && assets.includes(c.asset) ? c : { ...c, asset: assets.includes('USD') ? 'USD' : assets[0]! })));
  }, [assets]);
  useEffect(() => {
    if (metrics.length === 1) setCharges((cs) => cs.map((c) => (c.metric ? c : { ...c, metric: metrics[0]!.code })));
  }, [metrics]);
  // "New version": start from the stored plan.
  useEffect(() => {
    if (!from) return;
    call('getPlan', { code: from })
      .then((p) => {
        setName(p.name);
        setCode(p.code);
        setCodeTouched(true);
        setDescription(p.description ?? '');
        setInterval(p.interval);
        if (p.fixed_fee) setFee({ on: true, asset: p.fixed_fee.asset, amount: minorToDecimal(p.fixed_fee.amount, assetLike(p.fixed_fee.asset).scale), advance: p.fixed_fee.pay_in_advance });
        setTrial(p.trial_days ? String(p.trial_days) : '');
        if (p.minimum_commitment) setCommit({ on: true, asset: p.minimum_commitment.asset, amount: minorToDecimal(p.minimum_commitment.amount, assetLike(p.minimum_commitment.asset).scale) });
        setCharges(p.charges.length ? p.charges.map(draftFromCharge) : []);
        setFeatures(p.features.map((f) => ({ code: f.code, name: f.name ?? '', type: typeof f.value === 'boolean' ? 'boolean' : typeof f.value === 'number' ? 'number' : 'string', value: String(f.value) })));
      })
      .catch((e: ApiError) => setError(e));
  }, [from]);

  const feeParsed = fee.on && fee.asset ? parseAmountInput(fee.amount, assetLike(fee.asset), { allowZero: true }) : null;
  const commitParsed = commit.on && commit.asset ? parseAmountInput(commit.amount, assetLike(commit.asset)) : null;
  const current = charges[Math.min(activeCharge, charges.length - 1)];

  const submit = async () => {
    setAttempted(true);
    const problems: string[] = [];
    charges.forEach((c, i) => {
      if (!c.metric) problems.push(`Charge ${i + 1}: choose a metric`);
      const s = specOf(c);
      if (!s.ok) for (const e of s.errors) problems.push(`Charge ${i + 1}: ${summaryText(e)}`);
    });
    if (feeParsed && !feeParsed.ok) problems.push(`Fixed fee: ${feeParsed.error ?? 'enter an amount'}`);
    if (commitParsed && !commitParsed.ok) problems.push(`Minimum commitment: ${commitParsed.error ?? 'enter an amount'}`);
    const input = {
      code: code.trim(),
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      interval,
      ...(feeParsed?.ok && fee.asset ? { fixed_fee: { asset: fee.asset, amount: feeParsed.minor, pay_in_advance: fee.advance } } : {}),
      ...(trial.trim() ? { trial_days: Number(trial) } : {}),
      ...(commitParsed?.ok && commit.asset ? { minimum_commitment: { asset: commit.asset, amount: commitParsed.minor } } : {}),
      ...(features.length
        ? { features: features.map((f) => ({ code: f.code.trim(), ...(f.name.trim() ? { name: f.name.trim() } : {}), value: f.type === 'boolean' ? f.value === 'true' : f.type === 'number' ? Number(f.value) : f.value })) }
        : {}),
      charges: charges.map(chargeInput),
    };
    const parsed = CreatePlan.safeParse(input);
    if (!parsed.success) {
      // Friendly text only, one line per problem; a charge already named above is not repeated.
      const chargesNamed = new Set(problems.filter((p) => p.startsWith('Charge ')).map((p) => p.split(':')[0]));
      for (const i of parsed.error.issues) {
        const text = friendlyIssue(i.path, input);
        if (!text) continue;
        if (i.path[0] === 'charges' && typeof i.path[1] === 'number' && chargesNamed.has(`Charge ${i.path[1] + 1}`) && !text.includes('asset')) continue;
        problems.push(text);
      }
    }
    setFormErrors([...new Set(problems)]);
    if (problems.length) return;
    setBusy(true);
    setError(null);
    try {
      const p = await call('createPlan', input);
      notifications.show({ color: 'teal', title: `Plan ${p.name} saved`, message: `Version ${p.version} of ${p.code}` });
      navigate(`/plans/${encodeURIComponent(p.code)}`);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Breadcrumbs mb="sm">
        <Anchor component={Link} to="/plans" size="sm">
          Plans
        </Anchor>
        <Text size="sm">{from ? `New version of ${from}` : 'New plan'}</Text>
      </Breadcrumbs>
      <Group justify="space-between" mb="lg">
        <Title order={1} fz={26}>
          {from ? `New version of ${from}` : 'New plan'}
        </Title>
        <Group>
          <Button variant="default" component={Link} to="/plans">
            Cancel
          </Button>
          <Button onClick={submit} loading={busy} data-testid="save-plan">
            {from ? 'Save new version' : 'Create plan'}
          </Button>
        </Group>
      </Group>
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Stack gap="lg">
            <Card>
              <Title order={2} fz="md" mb="sm">
                Plan
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label="Name"
                  placeholder="Pro"
                  required
                  value={name}
                  error={attempted && !name.trim() ? 'Enter the plan name' : undefined}
                  onChange={(e) => {
                    setName(e.currentTarget.value);
                    if (!codeTouched) setCode(slug(e.currentTarget.value));
                  }}
                />
                <TextInput
                  label="Code"
                  placeholder="pro"
                  required
                  value={code}
                  error={attempted && !CreatePlan.shape.code.safeParse(code.trim()).success ? (code.trim() ? 'Letters, digits, _ . : - only' : 'Enter a code: letters, digits, _ . : -') : undefined}
                  onChange={(e) => {
                    setCode(e.currentTarget.value);
                    setCodeTouched(true);
                  }}
                  description={from ? 'Same code: saving creates a new version' : 'Subscriptions refer to the plan by its code'}
                />
                <Select
                  label="Billing interval"
                  value={interval}
                  onChange={(v) => v && setInterval(v as typeof interval)}
                  allowDeselect={false}
                  data={[
                    { value: 'weekly', label: 'Weekly' },
                    { value: 'monthly', label: 'Monthly' },
                    { value: 'quarterly', label: 'Quarterly' },
                    { value: 'yearly', label: 'Yearly' },
                  ]}
                />
                <NumberInput label="Trial days" placeholder="0" min={0} max={3650} allowDecimal={false} value={trial} onValueChange={({ value }) => setTrial(value)} description="No fixed fee during the trial; usage is still charged." />
              </SimpleGrid>
              <Textarea label="Description" mt="sm" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
            </Card>

            <Card>
              <Title order={2} fz="md" mb="sm">
                Fees and commitments
              </Title>
              <Stack>
                <Switch label="Fixed fee per period" checked={fee.on} onChange={(e) => setFee({ ...fee, on: e.currentTarget.checked })} />
                {fee.on && (
                  <SimpleGrid cols={3}>
                    <Select label="Asset" data={assets} value={fee.asset} onChange={(v) => setFee({ ...fee, asset: v })} allowDeselect={false} />
                    <TextInput label="Amount" placeholder="49.00" value={fee.amount} onChange={(e) => setFee({ ...fee, amount: e.currentTarget.value })} error={feeParsed && !feeParsed.ok ? feeParsed.error : undefined} className="tg-tier-input" />
                    <Checkbox label="Pay in advance" mt={28} checked={fee.advance} onChange={(e) => setFee({ ...fee, advance: e.currentTarget.checked })} />
                  </SimpleGrid>
                )}
                <Switch label="Minimum commitment per period" checked={commit.on} onChange={(e) => setCommit({ ...commit, on: e.currentTarget.checked })} />
                {commit.on && (
                  <SimpleGrid cols={3}>
                    <Select label="Asset" data={assets} value={commit.asset} onChange={(v) => setCommit({ ...commit, asset: v })} allowDeselect={false} />
                    <TextInput label="Amount" placeholder="100.00" value={commit.amount} onChange={(e) => setCommit({ ...commit, amount: e.currentTarget.value })} error={commitParsed && !commitParsed.ok ? commitParsed.error : undefined} className="tg-tier-input" />
                    <Text size="xs" c="dimmed" mt={28}>
                      A true-up is posted at close when fees and charges total less.
                    </Text>
                  </SimpleGrid>
                )}
              </Stack>
            </Card>

            <Group justify="space-between">
              <Title order={2} fz="lg">
                Usage charges
              </Title>
              <Button
                variant="light"
                leftSection={<Plus size={16} />}
                onClick={() => {
                  setCharges([...charges, { ...emptyCharge(assets.includes('USD') ? 'USD' : (assets[0] ?? null)), key: newKey() }]);
                  setActiveCharge(charges.length);
                }}
              >
                Add charge
              </Button>
            </Group>
            {charges.length === 0 && (
              <Text size="sm" c="dimmed">
                No usage charges: the plan bills its fixed fee only.
              </Text>
            )}
            {charges.map((c, i) => (
              <ChargeCard
                key={c.key}
                c={c}
                index={i}
                active={i === activeCharge}
                metrics={metrics}
                metricsError={metricsQ.data?.error ?? null}
                metricsLoading={metricsQ.loading}
                assets={assets}
                onChange={(n) => setCharges(charges.map((x, j) => (j === i ? n : x)))}
                onRemove={() => {
                  setCharges(charges.filter((_, j) => j !== i));
                  setActiveCharge(0);
                }}
                onFocus={() => setActiveCharge(i)}
                onNewMetric={() => setMetricFor(i)}
                attempted={attempted}
              />
            ))}

            <Card>
              <Group justify="space-between" mb="xs">
                <Box>
                  <Title order={2} fz="md">
                    Features
                  </Title>
                  <Text size="xs" c="dimmed">
                    Entitlements the plan grants: on/off, a number (seats, requests per minute) or text.
                  </Text>
                </Box>
                <Button size="xs" variant="light" leftSection={<Plus size={14} />} onClick={() => setFeatures([...features, { code: '', name: '', type: 'boolean', value: 'true' }])}>
                  Add feature
                </Button>
              </Group>
              {features.map((f, i) => (
                <Group key={i} mt="xs" wrap="nowrap" align="flex-end">
                  <TextInput label={i === 0 ? 'Code' : undefined} aria-label="Feature code" placeholder="sso" value={f.code} error={attempted && !/^[A-Za-z0-9_.:-]+$/.test(f.code.trim()) ? 'Enter a code' : undefined} onChange={(e) => setFeatures(features.map((x, j) => (j === i ? { ...x, code: e.currentTarget.value } : x)))} />
                  <TextInput label={i === 0 ? 'Name' : undefined} aria-label="Feature name" placeholder="Single sign-on" value={f.name} style={{ flex: 1 }} onChange={(e) => setFeatures(features.map((x, j) => (j === i ? { ...x, name: e.currentTarget.value } : x)))} />
                  <Select
                    label={i === 0 ? 'Type' : undefined}
                    aria-label="Feature type"
                    w={120}
                    data={[
                      { value: 'boolean', label: 'On/off' },
                      { value: 'number', label: 'Number' },
                      { value: 'string', label: 'Text' },
                    ]}
                    value={f.type}
                    allowDeselect={false}
                    onChange={(v) => setFeatures(features.map((x, j) => (j === i ? { ...x, type: (v as FeatureDraft['type']) ?? 'boolean', value: v === 'boolean' ? 'true' : '' } : x)))}
                  />
                  {f.type === 'boolean' ? (
                    <Select
                      label={i === 0 ? 'Value' : undefined}
                      aria-label="Feature value"
                      w={100}
                      data={[
                        { value: 'true', label: 'On' },
                        { value: 'false', label: 'Off' },
                      ]}
                      value={f.value}
                      allowDeselect={false}
                      onChange={(v) => setFeatures(features.map((x, j) => (j === i ? { ...x, value: v ?? 'true' } : x)))}
                    />
                  ) : (
                    <TextInput label={i === 0 ? 'Value' : undefined} aria-label="Feature value" w={100} value={f.value} onChange={(e) => setFeatures(features.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} />
                  )}
                  <ActionIcon variant="subtle" color="gray" aria-label="Remove feature" mb={4} onClick={() => setFeatures(features.filter((_, j) => j !== i))}>
                    <Trash2 size={14} />
                  </ActionIcon>
                </Group>
              ))}
            </Card>
            {formErrors.length > 0 && (
              <Card withBorder style={{ borderColor: 'var(--mantine-color-red-5)' }} role="alert">
                <Text fw={600} size="sm" c="red" mb={4}>
                  Fix these before saving
                </Text>
                {formErrors.map((e) => (
                  <Text key={e} size="sm">
                    {e}
                  </Text>
                ))}
              </Card>
            )}
            <InlineError error={error} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Box style={{ position: 'sticky', top: 76 }}>
            {current ? (
              <>
                {charges.length > 1 && (
                  <SegmentedControl
                    mb="sm"
                    fullWidth
                    value={String(Math.min(activeCharge, charges.length - 1))}
                    onChange={(v) => setActiveCharge(Number(v))}
                    data={charges.map((c, i) => ({ value: String(i), label: `${i + 1}. ${c.metric ?? 'charge'}` }))}
                    aria-label="Charge to preview"
                  />
                )}
                <PricePreview charge={current} input={preview} onInput={setPreview} attempted={attempted} />
              </>
            ) : (
              <Card>
                <Text size="sm" c="dimmed">
                  Add a usage charge to preview its price.
                </Text>
              </Card>
            )}
          </Box>
        </Grid.Col>
      </Grid>
      <CreateMetricDialog
        opened={metricFor !== null}
        onClose={() => setMetricFor(null)}
        onCreated={(m) => {
          const known = metricsQ.data ?? { list: [], error: null };
          metricsQ.setData({ ...known, list: [...known.list.filter((x) => x.code !== m.code), { code: m.code, name: m.name, aggregation: m.aggregation, property: m.property, event_type: m.event_type }] });
          if (metricFor !== null) setCharges(charges.map((c, j) => (j === metricFor ? { ...c, metric: m.code } : c)));
          setMetricFor(null);
          notifications.show({ color: 'teal', message: `Metric ${m.code} created` });
        }}
      />
    </>
  );
}

import { Alert, Button, Group, Modal, MultiSelect, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { Info } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { CreateCoupon } from '@shared/contract/pricing';
import { type ApiError, call, type InputOf, type OutputOf } from '../../api';
import { InlineError } from '../../components/states';
import { parseAmountInput } from '../../lib/amountInput';
import { formatAmount } from '../../lib/money';
import { useQuery } from '../../lib/useQuery';
import { assetLike, useAssets } from '../../state/assets';
import { durationHint, durationLabel, formatPercent } from './coupons';

type Kind = 'fixed' | 'percentage';
type Frequency = 'once' | 'recurring' | 'forever';

interface Values {
  kind: Kind;
  code: string;
  name: string;
  asset: string | null;
  amount: string;
  percentage: string;
  frequency: Frequency;
  periods: string;
  plans: string[];
  metrics: string[];
  expires: string;
}

/** Descriptions under the input, so inputs side by side stay aligned. */
const BELOW: ('label' | 'input' | 'description' | 'error')[] = ['label', 'input', 'description', 'error'];

/** A plan or metric in a picker: its name, and its code (what the pill and the API use). */
function CodeOption({ code, name }: { code: string; name: string | undefined }) {
  return (
    <Stack gap={0}>
      <Text size="sm">{name ?? code}</Text>
      <Text size="xs" c="dimmed" ff="monospace">
        {code}
      </Text>
    </Stack>
  );
}

const EMPTY: Values = { kind: 'fixed', code: '', name: '', asset: null, amount: '', percentage: '', frequency: 'once', periods: '3', plans: [], metrics: [], expires: '' };

/** "Spring promo 25" -> "spring_promo_25": a code suggested from the name until the code is typed. */
const codeFrom = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 100);

/** Fields the server's issues and error codes are shown on. */
const FIELDS = new Set(['code', 'name', 'asset', 'amount', 'percentage', 'frequency', 'periods', 'plans', 'metrics', 'expires_at']);

/**
 * The server's answer on the fields it names: `validation_failed` issues by path (an unknown plan
 * or metric code, `plans[1]`, on its picker; several on one field joined), a taken code on Code, an
 * unknown asset on Asset. Returns what could not be placed on a field (shown under the form).
 */
export function serverFieldErrors(e: ApiError): { fields: Record<string, string>; rest: ApiError | null } {
  const fields: Record<string, string> = {};
  if (e.code === 'already_exists') fields.code = e.message;
  else if (e.code === 'asset_not_found') fields.asset = e.message;
  else if (e.code === 'validation_failed' && Array.isArray(e.details.issues)) {
    const issues = e.details.issues as { path?: unknown[]; message?: string }[];
    for (const i of issues) {
      const key = String(i.path?.[0] ?? '');
      if (!FIELDS.has(key)) continue;
      // One issue: the message is the server's whole sentence ("percentage must be above 0 and at
      // most 100."), clearer than the issue's short text ("out of range"), less the path it starts
      // with ("percentage: ", "plans[1]: ").
      const text = issues.length === 1 ? e.message.replace(new RegExp(`^${key}(\\[\\d+\\])*: `), '') : (i.message ?? e.message);
      if (!fields[key]) fields[key] = text;
      else if (!fields[key].split('; ').includes(text)) fields[key] = `${fields[key]}; ${text}`;
    }
  }
  return { fields, rest: Object.keys(fields).length ? null : e };
}

/**
 * New coupon: the fields follow the kind (amount and asset for fixed, a percentage for percentage)
 * and the duration (periods only when recurring). Amounts are typed in major units and sent as the
 * API takes them: minor units as a string of digits; the percentage is sent as typed (a decimal string).
 */
export function CreateCouponDialog({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (c: OutputOf<'createCoupon'>) => void }) {
  const [v, setV] = useState<Values>(EMPTY);
  const [codeTouched, setCodeTouched] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const assets = useAssets((s) => s.assets);
  const assetCodes = useMemo(() => Object.keys(assets).sort(), [assets]);
  const plans = useQuery(() => call('listPlans', { limit: 500 }), [], { enabled: opened });
  const metrics = useQuery(() => call('listMetrics', { limit: 500 }), [], { enabled: opened });
  const planNames = useMemo(() => new Map((plans.data?.data ?? []).map((p) => [p.code, p.name])), [plans.data]);
  const metricNames = useMemo(() => new Map((metrics.data?.data ?? []).map((m) => [m.code, m.name])), [metrics.data]);

  useEffect(() => {
    if (!opened) return;
    setV(EMPTY);
    setCodeTouched(false);
    setErrors({});
    setError(null);
  }, [opened]);
  // A default asset once the list is known: USD if there is one.
  useEffect(() => {
    if (opened && !v.asset && assetCodes.length) setV((x) => ({ ...x, asset: assetCodes.includes('USD') ? 'USD' : assetCodes[0]! }));
  }, [opened, assetCodes, v.asset]);

  const set = <K extends keyof Values>(k: K, value: Values[K]) => {
    setV((x) => ({ ...x, [k]: value }));
    // A field's error goes away when it is edited.
    const key = k === 'expires' ? 'expires_at' : k;
    if (errors[key]) setErrors(({ [key]: _, ...rest }) => rest);
  };
  const code = codeTouched ? v.code : codeFrom(v.name);
  const asset = v.asset ? assetLike(v.asset, assets) : null;
  const amount = v.kind === 'fixed' && asset ? parseAmountInput(v.amount, asset) : null;
  const periods = v.periods.trim() === '' ? undefined : Number(v.periods);

  const input: InputOf<'createCoupon'> = {
    code: code.trim(),
    ...(v.name.trim() ? { name: v.name.trim() } : {}),
    kind: v.kind,
    ...(v.kind === 'fixed' ? { ...(v.asset ? { asset: v.asset } : {}), ...(amount?.ok ? { amount: amount.minor } : {}) } : {}),
    ...(v.kind === 'percentage' && v.percentage.trim() ? { percentage: v.percentage.trim() } : {}),
    frequency: v.frequency,
    ...(v.frequency === 'recurring' && periods !== undefined ? { periods } : {}),
    ...(v.plans.length ? { plans: v.plans } : {}),
    ...(v.metrics.length ? { metrics: v.metrics } : {}),
    ...(v.expires ? { expires_at: new Date(v.expires).toISOString() } : {}),
  };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const parsed = CreateCoupon.safeParse(input);
    if (!parsed.success) for (const i of parsed.error.issues) errs[String(i.path[0] ?? 'code')] ??= i.message;
    // Say it in the console's words (major units, the scale named) rather than the contract's.
    if (v.kind === 'fixed') {
      if (!v.asset) errs.asset = 'Choose the asset the amount is in';
      if (amount && !amount.ok) errs.amount = amount.error ?? 'Enter the amount off, such as 10.00';
      else if (!amount) delete errs.amount;
    }
    if (v.kind === 'percentage' && !v.percentage.trim()) errs.percentage = 'Enter the percent off, such as 15';
    if (!code.trim()) errs.code = 'Enter a code';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await call('createCoupon', input));
    } catch (err) {
      const { fields, rest } = serverFieldErrors(err as ApiError);
      setErrors(fields);
      setError(rest);
    } finally {
      setBusy(false);
    }
  };

  const preview = (() => {
    const off = v.kind === 'fixed' ? (amount?.ok && asset ? formatAmount(amount.minor, asset) : null) : /^\d+(\.\d+)?$/.test(v.percentage.trim()) ? formatPercent(v.percentage.trim()) : null;
    if (!off) return null;
    const when = v.frequency === 'recurring' ? (periods && Number.isInteger(periods) && periods > 0 ? `for ${durationLabel({ frequency: 'recurring', periods })}` : null) : durationLabel({ frequency: v.frequency, periods: null });
    if (!when) return null;
    const scope = v.metrics.length ? `the charges of ${v.metrics.join(', ')}` : 'fixed fees and postpaid usage';
    const hint = v.frequency === 'once' ? ` (${durationHint({ kind: v.kind, frequency: 'once' })})` : v.kind === 'fixed' ? ' (the whole amount each period)' : '';
    return `${off} off ${scope}, ${when}${hint}${v.plans.length ? `, for customers on ${v.plans.join(', ')}` : ''}.`;
  })();

  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>New coupon</Text>} size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            A coupon takes an amount or a percentage off a customer's fixed fees and postpaid usage, before tax. Apply it from the customer's Subscription tab.
          </Text>
          <SimpleGrid cols={2}>
            <TextInput label="Name" placeholder="Spring promotion" value={v.name} onChange={(e) => set('name', e.currentTarget.value)} error={errors.name} data-autofocus />
            <TextInput
              label="Code"
              placeholder="spring_promo"
              required
              value={code}
              onChange={(e) => {
                setCodeTouched(true);
                set('code', e.currentTarget.value);
              }}
              error={errors.code}
              description="Letters, digits and _ . : -"
              inputWrapperOrder={BELOW}
            />
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="coupon-kind-label">
              Discount
            </Text>
            <SegmentedControl
              aria-labelledby="coupon-kind-label"
              value={v.kind}
              onChange={(x) => set('kind', x as Kind)}
              data={[
                { value: 'fixed', label: 'Fixed amount' },
                { value: 'percentage', label: 'Percentage' },
              ]}
            />
          </Stack>
          {v.kind === 'fixed' ? (
            <SimpleGrid cols={2}>
              <Select label="Asset" data={assetCodes} value={v.asset} onChange={(x) => set('asset', x)} error={errors.asset} allowDeselect={false} searchable required />
              <TextInput
                label="Amount off"
                placeholder={asset && asset.scale > 0 ? `10.${'0'.repeat(asset.scale)}` : '1000'}
                required
                inputMode="decimal"
                value={v.amount}
                onChange={(e) => set('amount', e.currentTarget.value)}
                error={errors.amount}
                description={asset ? `In ${asset.code}, up to ${asset.scale} decimal${asset.scale === 1 ? '' : 's'}` : undefined}
                inputWrapperOrder={BELOW}
                classNames={{ input: 'tg-num' }}
              />
            </SimpleGrid>
          ) : (
            <SimpleGrid cols={2}>
              <TextInput
                label="Percentage off"
                placeholder="15"
                required
                inputMode="decimal"
                value={v.percentage}
                onChange={(e) => set('percentage', e.currentTarget.value)}
                error={errors.percentage}
                rightSection={<Text size="sm" c="dimmed">%</Text>}
                description="Above 0, at most 100"
                inputWrapperOrder={BELOW}
                classNames={{ input: 'tg-num' }}
              />
            </SimpleGrid>
          )}
          <SimpleGrid cols={2}>
            <Select
              label="Duration"
              value={v.frequency}
              onChange={(x) => set('frequency', (x as Frequency) ?? 'once')}
              allowDeselect={false}
              error={errors.frequency}
              data={[
                { value: 'once', label: v.kind === 'fixed' ? 'Once: until the amount is used up' : 'Once: one billing period' },
                { value: 'recurring', label: 'For a number of billing periods' },
                { value: 'forever', label: 'Forever' },
              ]}
            />
            {v.frequency === 'recurring' && (
              <NumberInput label="Billing periods" min={1} max={1200} allowDecimal={false} allowNegative={false} value={v.periods} onValueChange={({ value }) => set('periods', value)} error={errors.periods} required />
            )}
          </SimpleGrid>
          <SimpleGrid cols={2}>
            <MultiSelect
              label="Only for plans (optional)"
              placeholder={v.plans.length ? undefined : 'All plans'}
              data={(plans.data?.data ?? []).map((p) => ({ value: p.code, label: p.code }))}
              renderOption={({ option }) => <CodeOption code={option.value} name={planNames.get(option.value)} />}
              value={v.plans}
              onChange={(x) => set('plans', x)}
              error={errors.plans ?? (plans.error ? `Could not load plans: ${plans.error.message}` : undefined)}
              searchable
              clearable
            />
            <MultiSelect
              label="Only on metrics (optional)"
              placeholder={v.metrics.length ? undefined : 'All charges and fees'}
              data={(metrics.data?.data ?? []).map((m) => ({ value: m.code, label: m.code }))}
              renderOption={({ option }) => <CodeOption code={option.value} name={metricNames.get(option.value)} />}
              value={v.metrics}
              onChange={(x) => set('metrics', x)}
              error={errors.metrics ?? (metrics.error ? `Could not load metrics: ${metrics.error.message}` : undefined)}
              description={v.metrics.length ? 'Limited to metrics, it never discounts fixed fees' : undefined}
              inputWrapperOrder={BELOW}
              searchable
              clearable
            />
          </SimpleGrid>
          <SimpleGrid cols={2}>
            <TextInput label="Expires (optional)" type="datetime-local" value={v.expires} onChange={(e) => set('expires', e.currentTarget.value)} error={errors.expires_at} description="No new applications after it" inputWrapperOrder={BELOW} />
          </SimpleGrid>
          {preview && (
            <Alert variant="light" color="blue" icon={<Info size={16} />} py="xs" data-testid="coupon-preview">
              <Text size="sm">{preview}</Text>
            </Alert>
          )}
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create coupon
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

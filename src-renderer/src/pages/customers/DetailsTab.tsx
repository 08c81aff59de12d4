import { ActionIcon, Box, Button, Card, Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Plus, Trash2 } from 'lucide-react';
import { useMemo, useState } from 'react';
import { minorToDecimal } from '@shared/money';
import { UpdateCustomer } from '@shared/contract/ledger';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { InlineError } from '../../components/states';
import { parseAmountInput } from '../../lib/amountInput';
import { formatDateTime } from '../../lib/format';
import { Money } from '../../lib/money';
import { assetLike, useAssets } from '../../state/assets';
import { BillingDetailsCard } from './BillingDetails';
import { type BillingValues, billingExtraErrors, billingInput, billingValuesOf, customerIssueText } from './billing-values';

type Customer = OutputOf<'getCustomer'>;
interface LimitRow {
  asset: string | null;
  amount: string;
}
interface CapRow extends LimitRow {
  window: 'day' | 'month';
}

/** Edit a customer: overdraft limits, spend caps, billing mode, time zone, invoice details. Fields given replace the stored ones. */
export function DetailsTab({ customer, onSaved }: { customer: Customer; onSaved: (c: Customer) => void }) {
  const assets = useAssets((s) => s.assets);
  const assetCodes = useMemo(() => Object.keys(assets).sort(), [assets]);
  const [name, setName] = useState(customer.name ?? '');
  const [email, setEmail] = useState(customer.email ?? '');
  const [mode, setMode] = useState(customer.billing_mode);
  const [policy, setPolicy] = useState(customer.on_insufficient_funds);
  const [tz, setTz] = useState(customer.billing_timezone ?? '');
  const [limits, setLimits] = useState<LimitRow[]>(customer.overdraft_limits.map((l) => ({ asset: l.asset, amount: minorToDecimal(l.amount, assetLike(l.asset).scale) })));
  const [caps, setCaps] = useState<CapRow[]>(customer.spend_caps.map((c) => ({ asset: c.asset, window: c.window, amount: minorToDecimal(c.amount, assetLike(c.asset).scale) })));
  const [billing, setBilling] = useState(() => billingValuesOf(customer));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const limitParsed = limits.map((l) => (l.asset ? parseAmountInput(l.amount, assetLike(l.asset), { allowZero: true }) : { ok: false as const, error: 'Choose an asset' }));
  const capParsed = caps.map((c) => (c.asset ? parseAmountInput(c.amount, assetLike(c.asset), { allowZero: true }) : { ok: false as const, error: 'Choose an asset' }));
  const valid = limitParsed.every((p) => p.ok) && capParsed.every((p) => p.ok);

  /** An edited field loses its error: it is checked again on save. */
  const editBilling = (next: BillingValues) => {
    const changed = (Object.keys(next) as (keyof BillingValues)[]).filter((k) => next[k] !== billing[k]);
    setBilling(next);
    if (changed.some((k) => fieldErrors[k])) setFieldErrors(Object.fromEntries(Object.entries(fieldErrors).filter(([k]) => !changed.includes(k as keyof BillingValues))));
  };

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    if (!valid) return;
    const removedCaps = customer.spend_caps.filter((old) => !caps.some((c) => c.asset === old.asset && c.window === old.window)).map((old) => ({ asset: old.asset, window: old.window, amount: null }));
    const input = {
      external_id: customer.external_id,
      name: name.trim() || null,
      email: email.trim() || null,
      billing_mode: mode,
      on_insufficient_funds: policy,
      billing_timezone: tz.trim() || null,
      overdraft_limits: limits.map((l, i) => ({ asset: l.asset!, amount: (limitParsed[i] as { minor: string }).minor })),
      spend_caps: [...caps.map((c, i) => ({ asset: c.asset!, window: c.window, amount: (capParsed[i] as { minor: string }).minor })), ...removedCaps],
      ...billingInput(billing, customer),
    };
    const parsed = UpdateCustomer.safeParse(input);
    const errs: Record<string, string> = { ...billingExtraErrors(billing) };
    // The first issue of each field, in words, next to that field.
    if (!parsed.success) for (const i of parsed.error.issues) errs[String(i.path[0])] ??= customerIssueText(i, input);
    if (Object.keys(errs).length) {
      setFieldErrors(errs);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    setError(null);
    try {
      const c = await call('updateCustomer', input);
      onSaved(c);
      notifications.show({ color: 'teal', message: `${customer.external_id} saved` });
    } catch (err) {
      const apiError = toApiError(err);
      // The server's own field issues (an unknown time zone, say) go next to their fields too.
      const issues = apiError.code === 'validation_failed' && Array.isArray(apiError.details?.issues) ? (apiError.details.issues as { path?: unknown[]; message?: string }[]) : [];
      const byField: Record<string, string> = {};
      for (const i of issues) if (typeof i.path?.[0] === 'string' && i.message) byField[i.path[0]] ??= i.message[0]!.toUpperCase() + i.message.slice(1);
      setFieldErrors(byField);
      setError(apiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={save}>
      <Stack gap="lg" maw={920}>
        <Card>
          <Title order={2} fz="md" mb="sm">
            Customer
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fieldErrors.name} />
            <TextInput label="Email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fieldErrors.email} />
            <Select
              label="Billing mode"
              value={mode}
              onChange={(v) => v && setMode(v as Customer['billing_mode'])}
              allowDeselect={false}
              data={[
                { value: 'prepaid', label: 'Prepaid: usage draws on credit lots first' },
                { value: 'postpaid', label: 'Postpaid: usage goes to the receivable and is invoiced' },
              ]}
            />
            <Select
              label="When funds run out"
              value={policy}
              onChange={(v) => v && setPolicy(v as Customer['on_insufficient_funds'])}
              allowDeselect={false}
              data={[
                { value: 'refuse', label: 'Refuse the event (402)' },
                { value: 'record_as_debt', label: 'Record as debt, within the overdraft limit' },
              ]}
            />
            <TextInput label="Billing time zone" description="IANA zone for this customer's periods and spend caps; empty uses the operator's." placeholder="America/New_York" value={tz} onChange={(e) => setTz(e.currentTarget.value)} error={fieldErrors.billing_timezone} />
          </SimpleGrid>
        </Card>

        <BillingDetailsCard customer={customer} value={billing} onChange={editBilling} errors={fieldErrors} />

        <Card>
          <Group justify="space-between" mb="xs">
            <Box>
              <Title order={2} fz="md">
                Overdraft limits
              </Title>
              <Text size="xs" c="dimmed">
                How far below zero available may go, per asset (the credit limit of a postpaid customer). Default 0.
              </Text>
            </Box>
            <Button size="xs" variant="light" leftSection={<Plus size={14} />} onClick={() => setLimits([...limits, { asset: assetCodes.find((a) => !limits.some((l) => l.asset === a)) ?? null, amount: '' }])}>
              Add limit
            </Button>
          </Group>
          {limits.length === 0 ? (
            <Text size="sm" c="dimmed">
              No overdraft: available never goes below zero.
            </Text>
          ) : (
            <Table aria-label="Overdraft limits" withRowBorders={false}>
              <Table.Tbody>
                {limits.map((l, i) => (
                  <Table.Tr key={i}>
                    <Table.Td w={180}>
                      <Select aria-label="Asset" data={assetCodes} value={l.asset} onChange={(v) => setLimits(limits.map((x, j) => (j === i ? { ...x, asset: v } : x)))} />
                    </Table.Td>
                    <Table.Td>
                      <TextInput aria-label={`Overdraft limit in ${l.asset ?? 'asset'}`} value={l.amount} onChange={(e) => setLimits(limits.map((x, j) => (j === i ? { ...x, amount: e.currentTarget.value } : x)))} error={limitParsed[i]?.ok ? undefined : (limitParsed[i] as { error: string | null }).error ?? 'Enter an amount'} className="tg-tier-input" w={220} rightSection={<Text size="xs" c="dimmed">{l.asset}</Text>} rightSectionWidth={56} />
                    </Table.Td>
                    <Table.Td w={48}>
                      <ActionIcon variant="subtle" color="red" aria-label="Remove limit" onClick={() => setLimits(limits.filter((_, j) => j !== i))}>
                        <Trash2 size={16} />
                      </ActionIcon>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>

        <Card>
          <Group justify="space-between" mb="xs">
            <Box>
              <Title order={2} fz="md">
                Spend caps
              </Title>
              <Text size="xs" c="dimmed">
                Consumption beyond a daily or monthly cap is refused with spend_cap_exceeded.
              </Text>
            </Box>
            <Button size="xs" variant="light" leftSection={<Plus size={14} />} onClick={() => setCaps([...caps, { asset: assetCodes[0] ?? null, window: 'day', amount: '' }])}>
              Add cap
            </Button>
          </Group>
          {caps.length === 0 ? (
            <Text size="sm" c="dimmed">
              No spend caps.
            </Text>
          ) : (
            <Table aria-label="Spend caps" withRowBorders={false}>
              <Table.Tbody>
                {caps.map((c, i) => {
                  const stored = customer.spend_caps.find((s) => s.asset === c.asset && s.window === c.window);
                  return (
                    <Table.Tr key={i}>
                      <Table.Td w={160}>
                        <Select aria-label="Asset" data={assetCodes} value={c.asset} onChange={(v) => setCaps(caps.map((x, j) => (j === i ? { ...x, asset: v } : x)))} />
                      </Table.Td>
                      <Table.Td w={140}>
                        <Select
                          aria-label="Window"
                          data={[
                            { value: 'day', label: 'per day' },
                            { value: 'month', label: 'per month' },
                          ]}
                          value={c.window}
                          allowDeselect={false}
                          onChange={(v) => setCaps(caps.map((x, j) => (j === i ? { ...x, window: (v as 'day' | 'month') ?? 'day' } : x)))}
                        />
                      </Table.Td>
                      <Table.Td>
                        <TextInput aria-label={`Cap in ${c.asset ?? 'asset'}`} value={c.amount} onChange={(e) => setCaps(caps.map((x, j) => (j === i ? { ...x, amount: e.currentTarget.value } : x)))} error={capParsed[i]?.ok ? undefined : (capParsed[i] as { error: string | null }).error ?? 'Enter an amount'} className="tg-tier-input" w={200} rightSection={<Text size="xs" c="dimmed">{c.asset}</Text>} rightSectionWidth={56} />
                      </Table.Td>
                      <Table.Td>
                        {stored && (
                          <Text size="xs" c="dimmed">
                            spent <Money amount={stored.spent} asset={stored.asset} size="xs" /> since {formatDateTime(stored.window_start)}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td w={48}>
                        <ActionIcon variant="subtle" color="red" aria-label="Remove cap" onClick={() => setCaps(caps.filter((_, j) => j !== i))}>
                          <Trash2 size={16} />
                        </ActionIcon>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </Card>
        <InlineError error={error} />
        {Object.keys(fieldErrors).length > 0 && !error && (
          <Text size="sm" c="red" role="alert" data-testid="details-invalid">
            Not saved: correct the {Object.keys(fieldErrors).length === 1 ? 'field' : `${Object.keys(fieldErrors).length} fields`} marked in red.
          </Text>
        )}
        <Group justify="space-between">
          <Text size="xs" c="dimmed">
            Created {formatDateTime(customer.created_at)} · updated {formatDateTime(customer.updated_at)}
          </Text>
          <Button type="submit" loading={busy} disabled={!valid}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

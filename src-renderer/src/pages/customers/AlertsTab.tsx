import { ActionIcon, Badge, Box, Button, Group, Modal, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { BellRing, Plus, RefreshCcw, Trash2 } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { minorToDecimal } from '@shared/money';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorState, InlineError, NothingYet, TableSkeleton } from '../../components/states';
import { parseAmountInput } from '../../lib/amountInput';
import { formatDateTime, humanDuration, relative, formatQuantity } from '../../lib/format';
import { formatAmount, Money } from '../../lib/money';
import { alertText } from '../../lib/alerts';
import { useQuery, useThrottledEffect } from '../../lib/useQuery';
import { assetLike, useAssets } from '../../state/assets';
import { useLive } from '../../state/live';

type Rule = OutputOf<'listAlerts'>['rules'][number];
type AlertEvent = OutputOf<'listAlerts'>['events'][number];
type AutoTopUp = OutputOf<'listAutoTopUps'>['data'][number];

/** A rule's threshold in words: "USD available below $5.00", "tokens ≥ 1,000,000 units this period". */
export function ruleText(r: Pick<Rule, 'kind' | 'asset' | 'metric' | 'field' | 'threshold'>): string {
  if (r.kind === 'balance') return `${r.asset} ${r.field} below ${r.asset ? safeAmount(r.threshold, r.asset) : r.threshold}`;
  return `${r.metric} ${r.field === 'amount' ? 'amount' : 'usage'} reaches ${r.field === 'amount' ? `${formatQuantity(r.threshold)} (minor units)` : `${formatQuantity(r.threshold)} units`} this period`;
}
function safeAmount(threshold: string, asset: string): string {
  try {
    return formatAmount(threshold, assetLike(asset));
  } catch {
    return threshold;
  }
}

function NewAlertDialog({ customer, opened, onClose, onDone }: { customer: string; opened: boolean; onClose: () => void; onDone: () => void }) {
  const assetMap = useAssets((s) => s.assets);
  const assets = useMemo(() => Object.keys(assetMap).sort(), [assetMap]);
  const metrics = useQuery(() => call('listMetrics', { limit: 500 }), [], { enabled: opened });
  const [kind, setKind] = useState<'balance' | 'usage'>('balance');
  const [asset, setAsset] = useState<string | null>(null);
  const [field, setField] = useState<string>('available');
  const [metric, setMetric] = useState<string | null>(null);
  const [threshold, setThreshold] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!opened) return;
    setKind('balance');
    setAsset(assets.includes('USD') ? 'USD' : (assets[0] ?? null));
    setField('available');
    setMetric(null);
    setThreshold('');
    setName('');
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  // Balance thresholds are amounts (typed in major units, sent in minor units); usage thresholds are quantities.
  const amountThreshold = kind === 'balance' || field === 'amount';
  const thresholdAsset = kind === 'balance' ? asset : null;
  // A usage amount is compared in minor units of its charges' asset (which a metric does not name): whole ones.
  const wholeOnly = kind === 'usage' && field === 'amount';
  const parsed =
    amountThreshold && thresholdAsset
      ? parseAmountInput(threshold, assetLike(thresholdAsset), { allowZero: true })
      : (wholeOnly ? /^\d+$/ : /^\d+(\.\d+)?$/).test(threshold.trim())
        ? { ok: true as const, minor: threshold.trim() }
        : { ok: false as const, error: threshold ? (wholeOnly ? 'Whole minor units, such as 5000 for 50.00 USD' : 'A number such as 1000000') : null };
  const ready = parsed.ok && (kind === 'balance' ? !!asset : !!metric);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>New alert for {customer}</Text>} size="lg">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!ready || !parsed.ok) return;
          setBusy(true);
          setError(null);
          try {
            await call('createAlertRule', {
              customer,
              kind,
              threshold: parsed.minor,
              ...(kind === 'balance' ? { asset: asset!, field: field as 'available' | 'posted' } : { metric: metric!, field: field as 'units' | 'amount' }),
              ...(name.trim() ? { name: name.trim() } : {}),
            });
            onDone();
          } catch (err) {
            setError(toApiError(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <SegmentedControl
            value={kind}
            onChange={(v) => {
              setKind(v as 'balance' | 'usage');
              setField(v === 'balance' ? 'available' : 'units');
              setThreshold('');
            }}
            data={[
              { value: 'balance', label: 'Balance falls below' },
              { value: 'usage', label: 'Usage reaches' },
            ]}
          />
          {kind === 'balance' ? (
            <SimpleGrid cols={2}>
              <Select label="Wallet" data={assets} value={asset} onChange={setAsset} allowDeselect={false} />
              <Select
                label="Balance"
                data={[
                  { value: 'available', label: 'Available (after holds and debt)' },
                  { value: 'posted', label: 'Posted credit' },
                ]}
                value={field}
                onChange={(v) => setField(v ?? 'available')}
                allowDeselect={false}
              />
            </SimpleGrid>
          ) : (
            <SimpleGrid cols={2}>
              <Select label="Metric" data={(metrics.data?.data ?? []).map((m) => ({ value: m.code, label: `${m.name ?? m.code} (${m.code})` }))} value={metric} onChange={setMetric} searchable placeholder={metrics.loading ? 'Loading…' : 'Choose a metric'} />
              <Select
                label="Measure"
                data={[
                  { value: 'units', label: 'Units this period' },
                  { value: 'amount', label: 'Amount this period (minor units)' },
                ]}
                value={field}
                onChange={(v) => setField(v ?? 'units')}
                allowDeselect={false}
              />
            </SimpleGrid>
          )}
          <TextInput
            label="Threshold"
            value={threshold}
            onChange={(e) => setThreshold(e.currentTarget.value)}
            error={parsed.ok ? undefined : parsed.error}
            className="tg-tier-input"
            placeholder={kind === 'balance' ? '5.00' : '1000000'}
            rightSection={kind === 'balance' && asset ? <Text size="xs" c="dimmed">{asset}</Text> : undefined}
            rightSectionWidth={64}
            description={kind === 'balance' ? 'Fires once when the balance falls below it; re-arms when it goes back above.' : 'Fires once when this period’s usage reaches it.'}
            required
            data-autofocus
          />
          <TextInput label="Name (optional)" placeholder="Low balance" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!ready}>
              Create alert
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function AutoTopUpDialog({ customer, opened, onClose, onDone, existing }: { customer: string; opened: boolean; onClose: () => void; onDone: () => void; existing: AutoTopUp[] }) {
  const assetMap = useAssets((s) => s.assets);
  const assets = useMemo(() => Object.keys(assetMap).sort(), [assetMap]);
  const [asset, setAsset] = useState<string | null>(null);
  const [watch, setWatch] = useState<'available' | 'posted'>('available');
  const [mode, setMode] = useState<'target' | 'fixed'>('target');
  const [threshold, setThreshold] = useState('');
  const [amount, setAmount] = useState('');
  const [cap, setCap] = useState('');
  const [cooldown, setCooldown] = useState('300');
  const [ttl, setTtl] = useState('3600');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    if (!opened) return;
    const a = assets.includes('USD') ? 'USD' : (assets[0] ?? null);
    setAsset(a);
    const e = existing.find((x) => x.asset === a);
    setWatch(e?.watch ?? 'available');
    setMode(e?.mode ?? 'target');
    const scale = a ? assetLike(a).scale : 2;
    const dec = (v: string | null | undefined) => (v ? minorToDecimal(v, scale) : '');
    setThreshold(dec(e?.threshold));
    setAmount(dec(e?.amount));
    setCap(dec(e?.daily_cap));
    setCooldown(String(e?.cooldown_seconds ?? 300));
    setTtl(String(e?.payment_ttl_seconds ?? 3600));
    setError(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const a = asset ? assetLike(asset) : null;
  const pt = a ? parseAmountInput(threshold, a, { allowZero: true }) : { ok: false as const, error: null };
  const pa = a ? parseAmountInput(amount, a) : { ok: false as const, error: null };
  const pc = cap.trim() && a ? parseAmountInput(cap, a) : null;
  const targetBad = mode === 'target' && pt.ok && pa.ok && BigInt(pa.minor) <= BigInt(pt.minor);
  const ready = !!asset && pt.ok && pa.ok && (!pc || pc.ok) && !targetBad;
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Auto top-up for {customer}</Text>} size="lg">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!ready || !pt.ok || !pa.ok) return;
          setBusy(true);
          setError(null);
          try {
            await call('setAutoTopUp', {
              customer,
              asset: asset!,
              watch,
              mode,
              threshold: pt.minor,
              amount: pa.minor,
              cooldown_seconds: Number(cooldown),
              payment_ttl_seconds: Number(ttl),
              ...(pc && pc.ok ? { daily_cap: pc.minor } : {}),
            });
            onDone();
          } catch (err) {
            setError(toApiError(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <Text size="sm" c="dimmed">
            When the balance falls below the threshold, Tollgate requests one pending top-up and sends <code>top_up.requested</code> to your webhooks: your payment system charges the customer, then confirms it.
          </Text>
          <SimpleGrid cols={2}>
            <Select label="Wallet" data={assets} value={asset} onChange={setAsset} allowDeselect={false} />
            <Select
              label="Watch"
              data={[
                { value: 'available', label: 'Available' },
                { value: 'posted', label: 'Posted credit' },
              ]}
              value={watch}
              onChange={(v) => setWatch((v as 'available' | 'posted') ?? 'available')}
              allowDeselect={false}
            />
          </SimpleGrid>
          <SegmentedControl
            value={mode}
            onChange={(v) => setMode(v as 'target' | 'fixed')}
            data={[
              { value: 'target', label: 'Top up to a target' },
              { value: 'fixed', label: 'Top up a fixed amount' },
            ]}
          />
          <SimpleGrid cols={2}>
            <TextInput label="When below" value={threshold} onChange={(e) => setThreshold(e.currentTarget.value)} error={pt.ok ? undefined : pt.error} className="tg-tier-input" placeholder="5.00" required />
            <TextInput
              label={mode === 'target' ? 'Bring it up to' : 'Request'}
              value={amount}
              onChange={(e) => setAmount(e.currentTarget.value)}
              error={targetBad ? 'The target must be above the threshold' : pa.ok ? undefined : pa.error}
              className="tg-tier-input"
              placeholder="50.00"
              required
            />
          </SimpleGrid>
          <SimpleGrid cols={3}>
            <TextInput label="Daily cap (optional)" value={cap} onChange={(e) => setCap(e.currentTarget.value)} error={pc && !pc.ok ? pc.error : undefined} className="tg-tier-input" placeholder="200.00" />
            <Select
              label="Cooldown"
              data={[
                { value: '0', label: 'None' },
                { value: '300', label: '5 minutes' },
                { value: '3600', label: '1 hour' },
                { value: '86400', label: '1 day' },
              ]}
              value={cooldown}
              onChange={(v) => setCooldown(v ?? '300')}
              allowDeselect={false}
            />
            <Select
              label="Payment must arrive within"
              data={[
                { value: '600', label: '10 minutes' },
                { value: '3600', label: '1 hour' },
                { value: '86400', label: '1 day' },
              ]}
              value={ttl}
              onChange={(v) => setTtl(v ?? '3600')}
              allowDeselect={false}
            />
          </SimpleGrid>
          <InlineError error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!ready}>
              Save rule
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function AlertEventsTable({ events, showCustomer }: { events: AlertEvent[]; showCustomer?: boolean }) {
  if (events.length === 0)
    return (
      <Text size="sm" c="dimmed" py="xs">
        No alert has fired yet.
      </Text>
    );
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table aria-label="Recent alerts" verticalSpacing={6} data-testid="alert-events">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            {showCustomer && <Table.Th>Customer</Table.Th>}
            <Table.Th>Type</Table.Th>
            <Table.Th>Message</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((e) => (
            <Table.Tr key={e.id}>
              <Table.Td>
                <Tooltip label={formatDateTime(e.created_at)}>
                  <Text size="sm" tabIndex={0}>
                    {relative(e.created_at)}
                  </Text>
                </Tooltip>
              </Table.Td>
              {showCustomer && (
                <Table.Td>
                  <a href={`#/customers/${encodeURIComponent(e.customer)}/alerts`}>{e.customer}</a>
                </Table.Td>
              )}
              <Table.Td>
                <Badge variant="light" color={e.type.includes('depleted') || e.type.includes('expired') ? 'red' : 'yellow'} tt="none">
                  {e.type}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{alertText(e)}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** A customer's alert rules (balance and usage), the alerts they fired, and the auto top-up rules. */
export function AlertsTab({ customer }: { customer: string }) {
  const alerts = useQuery(() => call('listAlerts', { customer }), [customer]);
  const autos = useQuery(() => call('listAutoTopUps', { customer }), [customer]);
  const seq = useLive((s) => s.customerSeq[customer] ?? 0);
  useThrottledEffect(() => {
    alerts.reload();
    autos.reload();
  }, seq, 2000);
  const [creating, setCreating] = useState(false);
  const [auto, setAuto] = useState(false);
  const [deleting, setDeleting] = useState<Rule | null>(null);

  return (
    <Stack gap="xl">
      <Box>
        <Group justify="space-between" mb="xs">
          <Title order={2} fz="lg">
            Alert rules
          </Title>
          <Button size="xs" leftSection={<Plus size={14} />} onClick={() => setCreating(true)}>
            New alert
          </Button>
        </Group>
        {alerts.error ? (
          <ErrorState error={alerts.error} onRetry={alerts.reload} what="alerts" />
        ) : alerts.loading ? (
          <TableSkeleton rows={2} cols={4} />
        ) : alerts.data!.rules.length === 0 ? (
          <NothingYet icon={<BellRing size={28} />} title="No alert rules" description="An alert fires once when a wallet balance falls below a threshold, or a metric's usage this period reaches one; it shows here, in the console, and as a webhook." />
        ) : (
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label="Alert rules" data-testid="alert-rules">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>State</Table.Th>
                  <Table.Th>Last fired</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {alerts.data!.rules.map((r) => (
                  <Table.Tr key={r.id} data-testid="alert-rule">
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {r.name ?? ruleText(r)}
                      </Text>
                      {r.name && (
                        <Text size="xs" c="dimmed">
                          {ruleText(r)}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {r.fired ? (
                        <Badge color="yellow" variant="light">
                          fired, waiting to re-arm
                        </Badge>
                      ) : (
                        <Badge color="teal" variant="light">
                          armed
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{r.last_fired_at ? relative(r.last_fired_at) : <Text span size="sm" c="dimmed">never</Text>}</Table.Td>
                    <Table.Td className="tg-right">
                      <Tooltip label="Delete the rule">
                        <ActionIcon variant="subtle" color="red" onClick={() => setDeleting(r)} aria-label={`Delete the alert ${r.name ?? ruleText(r)}`}>
                          <Trash2 size={16} />
                        </ActionIcon>
                      </Tooltip>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Box>
      <Box>
        <Title order={2} fz="lg" mb="xs">
          Recent alerts
        </Title>
        {alerts.data && <AlertEventsTable events={alerts.data.events} />}
      </Box>
      <Box>
        <Group justify="space-between" mb="xs">
          <Title order={2} fz="lg">
            Auto top-up
          </Title>
          <Button size="xs" variant="default" leftSection={<RefreshCcw size={14} />} onClick={() => setAuto(true)}>
            {autos.data?.data.length ? 'Change a rule' : 'Set up auto top-up'}
          </Button>
        </Group>
        {autos.error ? (
          <ErrorState error={autos.error} onRetry={autos.reload} what="auto top-up rules" />
        ) : autos.loading ? (
          <TableSkeleton rows={1} cols={5} />
        ) : autos.data!.data.length === 0 ? (
          <Text size="sm" c="dimmed">
            No auto top-up. One rule per wallet requests a top-up from your payment system when the balance runs low.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={720}>
            <Table aria-label="Auto top-up rules" data-testid="auto-top-ups">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Wallet</Table.Th>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th className="tg-right">Daily cap</Table.Th>
                  <Table.Th>Pending request</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {autos.data!.data.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>{r.asset}</Table.Td>
                    <Table.Td>
                      <Text size="sm">
                        {r.watch} below <Money amount={r.threshold} asset={r.asset} size="sm" /> → {r.mode === 'target' ? 'up to ' : 'request '}
                        <Money amount={r.amount} asset={r.asset} size="sm" />
                      </Text>
                      <Text size="xs" c="dimmed">
                        cooldown {humanDuration(r.cooldown_seconds)} · payment within {humanDuration(r.payment_ttl_seconds)}
                      </Text>
                    </Table.Td>
                    <Table.Td className="tg-right">{r.daily_cap ? <Money amount={r.daily_cap} asset={r.asset} size="sm" /> : <Text span size="sm" c="dimmed">none</Text>}</Table.Td>
                    <Table.Td>{r.pending_top_up ? <Text size="sm" ff="monospace">{r.pending_top_up}</Text> : <Text size="sm" c="dimmed">{r.last_requested_at ? `last ${relative(r.last_requested_at)}` : 'none'}</Text>}</Table.Td>
                    <Table.Td>
                      <Switch
                        checked={r.enabled}
                        aria-label={`Auto top-up of ${r.asset} ${r.enabled ? 'enabled' : 'disabled'}`}
                        onChange={async (e) => {
                          const enabled = e.currentTarget.checked;
                          try {
                            await call('updateAutoTopUp', { id: r.id, enabled });
                            autos.reload();
                            notifications.show({ message: `Auto top-up of ${r.asset} ${enabled ? 'enabled' : 'disabled'}` });
                          } catch (err) {
                            const x = toApiError(err);
                            notifications.show({ color: 'red', title: x.code, message: x.message });
                          }
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Box>
      <NewAlertDialog
        customer={customer}
        opened={creating}
        onClose={() => setCreating(false)}
        onDone={() => {
          setCreating(false);
          alerts.reload();
          notifications.show({ color: 'teal', message: 'Alert rule created' });
        }}
      />
      <AutoTopUpDialog
        customer={customer}
        existing={autos.data?.data ?? []}
        opened={auto}
        onClose={() => setAuto(false)}
        onDone={() => {
          setAuto(false);
          autos.reload();
          notifications.show({ color: 'teal', message: 'Auto top-up rule saved' });
        }}
      />
      <ConfirmDialog
        opened={!!deleting}
        onClose={() => setDeleting(null)}
        title="Delete the alert rule"
        object={
          <>
            Delete <b>{deleting ? (deleting.name ?? ruleText(deleting)) : ''}</b>?
          </>
        }
        consequences={['It stops firing; alerts it fired stay in the history.']}
        confirmLabel="Delete the rule"
        onConfirm={async () => {
          await call('deleteAlertRule', { id: deleting!.id });
          alerts.reload();
        }}
      />
    </Stack>
  );
}

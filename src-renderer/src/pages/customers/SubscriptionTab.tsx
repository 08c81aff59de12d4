import { Anchor, Badge, Box, Button, Card, Group, List, Modal, Radio, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { CalendarClock, Tags } from 'lucide-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, call, type OutputOf, toApiError } from '../../api';
import { CopyId } from '../../components/common';
import { ErrorState, InlineError, NothingYet, TableSkeleton } from '../../components/states';
import { formatDate, formatDateTime, formatQuantity } from '../../lib/format';
import { Money } from '../../lib/money';
import { useQuery, useThrottledEffect } from '../../lib/useQuery';
import { assetLike } from '../../state/assets';
import { useLive } from '../../state/live';
import { formatUnitPrice } from '@shared/money';
import { AppliedCoupons } from './AppliedCoupons';
import { ChangePlanDialog, planLabel } from './ChangePlanDialog';
import { planVersionPath } from '../plans/PlanVersions';
import { periodText } from '../invoices/common';

type Usage = OutputOf<'getUsage'>;
type Subscription = OutputOf<'listSubscriptions'>['data'][number];

/** "1 unit", "161,750 units": grouped, singular for exactly one. */
export function unitsText(q: string, word = 'unit'): string {
  return `${formatQuantity(q)} ${/^1(\.0+)?$/.test(q) ? word : `${word}s`}`;
}

/** Terminate now (settled and prorated) or at the end of the period: the subscription named by plan and customer. */
function TerminateDialog({ sub, planName, customerName, onClose, onDone }: { sub: Subscription | null; planName: string | null; customerName: string; onClose: () => void; onDone: (at: 'now' | 'period_end') => void }) {
  const [at, setAt] = useState<'now' | 'period_end'>('period_end');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  if (sub && shown !== sub.id) {
    setShown(sub.id);
    setAt('period_end');
    setError(null);
  }
  const end = sub?.current_period ? formatDate(sub.current_period.end) : null;
  const plan = planName ? `${planName} (${sub?.plan})` : sub?.plan;
  const consequences =
    at === 'now'
      ? ['The period is settled and prorated now; unused fixed fees paid in advance are credited back.', 'Events after termination are refused until a new subscription starts.', 'This cannot be undone.']
      : [`Nothing changes until ${end ?? 'the end of the period'}: usage is priced and billed as usual.`, 'At the end of the period the subscription ends; later events are refused until a new subscription starts.'];
  return (
    <Modal opened={!!sub} onClose={onClose} title={<Text fw={600}>Terminate the subscription</Text>} centered size="md">
      <Stack gap="md">
        <Text size="sm" data-testid="terminate-object">
          End <b>{customerName}</b>'s subscription to <b>{plan}</b>?
        </Text>
        <Radio.Group value={at} onChange={(v) => setAt(v as 'now' | 'period_end')} label="When" data-testid="terminate-when">
          <Stack gap={6} mt={4}>
            <Radio value="period_end" label={end ? `At the end of the period (${end})` : 'At the end of the period'} />
            <Radio value="now" label="Now, settled and prorated" />
          </Stack>
        </Radio.Group>
        <List size="sm" spacing={4}>
          {consequences.map((c) => (
            <List.Item key={c}>{c}</List.Item>
          ))}
        </List>
        <InlineError error={error} />
        <Group justify="flex-end" gap="sm" wrap="nowrap">
          <Button variant="default" onClick={onClose} data-autofocus>
            Cancel
          </Button>
          <Button
            color="red"
            loading={busy}
            style={{ flexShrink: 0 }}
            onClick={async () => {
              if (!sub) return;
              setBusy(true);
              setError(null);
              try {
                await call('terminateSubscription', { id: sub.id, at });
                onDone(at);
              } catch (e) {
                setError(toApiError(e));
              } finally {
                setBusy(false);
              }
            }}
          >
            {at === 'now' ? 'Terminate now' : 'Terminate at period end'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function SubscribeDialog({ opened, onClose, customer, onDone }: { opened: boolean; onClose: () => void; customer: string; onDone: () => void }) {
  const plans = useQuery(() => call('listPlans', { limit: 500 }), [], { enabled: opened });
  const [plan, setPlan] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Subscribe {customer} to a plan</Text>}>
      <Stack>
        <Select label="Plan" data={(plans.data?.data ?? []).map((p) => ({ value: p.code, label: `${p.name} (${p.code})` }))} value={plan} onChange={setPlan} placeholder={plans.loading ? 'Loading plans…' : 'Choose a plan'} searchable />
        <Text size="xs" c="dimmed">
          The subscription starts now; usage before its start is refused.
        </Text>
        <InlineError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={!plan}
            loading={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                await call('createSubscription', { customer, plan: plan! });
                onDone();
              } catch (e) {
                setError(e as ApiError);
              } finally {
                setBusy(false);
              }
            }}
          >
            Subscribe
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function UsageTable({ usage, metricNames }: { usage: Usage; metricNames: Map<string, string> }) {
  if (!usage.subscription)
    return (
      <Text size="sm" c="dimmed" data-testid="usage-empty">
        No subscription: nothing is metered or priced for this customer.
      </Text>
    );
  if (usage.charges.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="usage-empty">
        The plan has no usage charges.
      </Text>
    );
  return (
    <Stack gap="md">
      {usage.charges.map((c) => {
        const a = assetLike(c.asset);
        return (
          <Card key={c.charge_id} padding="md">
            <Group justify="space-between" mb="xs">
              <Group gap="xs">
                <Text fw={600}>{metricNames.get(c.metric) ?? c.metric}</Text>
                {metricNames.has(c.metric) && metricNames.get(c.metric) !== c.metric && (
                  <Text size="xs" c="dimmed" ff="monospace">
                    {c.metric}
                  </Text>
                )}
                <Badge variant="light" color="gray" tt="none">
                  {c.model}
                </Badge>
                {c.time_based && (
                  <Badge variant="light" color="yellow" tt="none">
                    priced up to now
                  </Badge>
                )}
              </Group>
              <Group gap="xs">
                <Text size="sm" c="dimmed" data-testid="usage-units">
                  {unitsText(c.units)}
                  {c.held_units !== '0' ? ` (+${formatQuantity(c.held_units)} held)` : ''}
                </Text>
                <Money amount={c.amount} asset={c.asset} fw={700} />
              </Group>
            </Group>
            <Table fz="sm" verticalSpacing={4} aria-label={`Usage lines of ${metricNames.get(c.metric) ?? c.metric}`}>
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
                {c.lines.map((l, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{l.label}</Table.Td>
                    <Table.Td className="tg-right tg-num">{formatQuantity(l.units)}</Table.Td>
                    <Table.Td className="tg-right tg-num">{l.unit_price === null ? '—' : formatUnitPrice(l.unit_price, a)}</Table.Td>
                    <Table.Td className="tg-right tg-num">{formatUnitPrice(l.flat_fee, a)}</Table.Td>
                    <Table.Td className="tg-right tg-num">{formatUnitPrice(l.amount, a)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Group justify="space-between" mt={6}>
              <Text size="xs" c="dimmed">
                {c.billable_units !== c.units ? `${unitsText(c.billable_units, 'billable unit')} · ` : ''}exact {formatUnitPrice(c.exact_amount, a)}, rounded once to the minor unit
              </Text>
              <Text size="xs" c="dimmed">
                Posted so far <Money amount={c.posted} asset={c.asset} size="xs" />
              </Text>
            </Group>
          </Card>
        );
      })}
    </Stack>
  );
}

export function SubscriptionTab({ customer, customerName }: { customer: string; customerName?: string | null }) {
  const seq = useLive((s) => s.customerSeq[customer] ?? 0);
  const balanceTick = useLive((s) => {
    const w = s.balances[customer];
    return w ? Object.values(w).reduce((m, b) => Math.max(m, b.changedAt), 0) : 0;
  });
  const subs = useQuery(() => call('listSubscriptions', { customer, limit: 50 }), [customer]);
  const usage = useQuery(() => call('getUsage', { external_id: customer }), [customer]);
  const plans = useQuery(() => call('listPlans', { limit: 500 }), []);
  const ent = useQuery(() => call('getEntitlements', { external_id: customer }), [customer]);
  const metrics = useQuery(() => call('listMetrics', { limit: 500 }), []);
  const metricNames = new Map((metrics.data?.data ?? []).filter((m) => m.name).map((m) => [m.code, m.name as string]));
  // Coupons follow the customer's own changes (an application, a period closing), not every debit.
  const [couponTick, setCouponTick] = useState(0);
  useThrottledEffect(() => {
    subs.reload();
    usage.reload();
  }, `${seq}:${balanceTick}`, 2000);
  useThrottledEffect(() => setCouponTick((t) => t + 1), seq, 2000);
  const [subscribing, setSubscribing] = useState(false);
  const [terminating, setTerminating] = useState<Subscription | null>(null);
  const [changing, setChanging] = useState<Subscription | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [cancelError, setCancelError] = useState<ApiError | null>(null);

  if (subs.loading) return <TableSkeleton rows={4} cols={4} />;
  if (subs.error) return <ErrorState error={subs.error} onRetry={subs.reload} what="subscriptions" />;
  const list = subs.data?.data ?? [];
  const active = list.find((s) => s.status === 'active') ?? list.find((s) => s.status === 'pending');
  const planName = active ? (plans.data?.data.find((p) => p.code === active.plan)?.name ?? null) : null;
  const planList = plans.data?.data ?? [];
  // A subscription keeps the version it was moved to: when the plan has moved on, say so and link to the prices it pays.
  const latestVersion = active ? planList.find((p) => p.code === active.plan)?.version : undefined;
  const behind = active !== undefined && latestVersion !== undefined && active.plan_version < latestVersion;
  const who = customerName || customer;
  /** Cancels a scheduled plan change: asking for the current plan clears it (engine.changeSubscription). */
  const cancelChange = async () => {
    if (!active) return;
    setCancelling(true);
    setCancelError(null);
    try {
      await call('updateSubscription', { id: active.id, cancel_scheduled_change: true });
      notifications.show({ message: `${who} stays on ${planName ?? active.plan}: the scheduled change is cancelled` });
      subs.reload();
    } catch (e) {
      setCancelError(toApiError(e));
    } finally {
      setCancelling(false);
    }
  };
  return (
    <Stack gap="xl">
      {!active ? (
        <NothingYet
          icon={<Tags size={28} />}
          title="No active subscription"
          description="A subscription puts the customer on a plan: its charges price every event the customer sends."
          action={<Button onClick={() => setSubscribing(true)}>Subscribe to a plan</Button>}
        />
      ) : (
        <Card>
          <Group justify="space-between" align="flex-start">
            <Box>
              <Group gap="xs">
                <Title order={2} fz="lg">
                  <Link to={planVersionPath(active.plan, behind ? active.plan_version : null)} style={{ color: 'inherit' }}>
                    {planName ?? active.plan}
                  </Link>
                </Title>
                <Badge variant="light">v{active.plan_version}</Badge>
                <Badge variant="dot" color={active.status === 'active' ? 'teal' : 'yellow'}>
                  {active.status}
                </Badge>
              </Group>
              {behind && (
                <Text size="sm" c="dimmed" data-testid="plan-version-behind">
                  On version {active.plan_version} of {latestVersion}, not the latest:{' '}
                  <Anchor component={Link} to={planVersionPath(active.plan, active.plan_version)} size="sm">
                    see version {active.plan_version}'s charges
                  </Anchor>
                </Text>
              )}
              <CopyId value={active.id} label="subscription id" />
            </Box>
            <Group gap="xs">
              <Button variant="light" size="xs" onClick={() => setChanging(active)}>
                Change plan…
              </Button>
              <Button variant="subtle" color="red" size="xs" onClick={() => setTerminating(active)}>
                Terminate…
              </Button>
            </Group>
          </Group>
          <SimpleGrid cols={{ base: 2, md: 4 }} mt="md">
            <Box>
              <Text size="xs" c="dimmed">
                Current period
              </Text>
              {/* Days inclusive, as invoices print their periods. */}
              <Text size="sm">{active.current_period ? periodText(active.current_period) : '—'}</Text>
            </Box>
            <Box>
              <Text size="xs" c="dimmed">
                Started
              </Text>
              <Text size="sm">{formatDateTime(active.started_at)}</Text>
            </Box>
            <Box>
              <Text size="xs" c="dimmed">
                Billing time
              </Text>
              <Text size="sm" tt="capitalize">
                {active.billing_time}
              </Text>
            </Box>
            <Box>
              <Text size="xs" c="dimmed">
                Scheduled
              </Text>
              <Group gap={4} wrap="nowrap" align="flex-start">
                <CalendarClock size={14} aria-hidden style={{ marginTop: 3, flexShrink: 0 }} />
                <Text size="sm" data-testid="scheduled-change">
                  {active.terminate_at
                    ? `ends ${formatDate(active.terminate_at)}`
                    : active.next_plan
                      ? `moves to ${planLabel(active.next_plan, planList)}${active.current_period ? ` on ${formatDate(active.current_period.end)}` : ''}`
                      : 'nothing'}
                </Text>
              </Group>
              {active.next_plan && !active.terminate_at && (
                <Button variant="subtle" size="compact-xs" ml={14} onClick={cancelChange} loading={cancelling}>
                  Cancel the change
                </Button>
              )}
            </Box>
          </SimpleGrid>
          {cancelError && (
            <Box mt="sm">
              <InlineError error={cancelError} />
            </Box>
          )}
        </Card>
      )}
      <AppliedCoupons customer={customer} plan={active?.plan ?? null} reloadKey={couponTick} />
      <Box>
        <Group justify="space-between" mb="xs">
          <Title order={2} fz="lg">
            Usage this period
          </Title>
          {usage.data?.totals.map((t) => (
            <Group gap={6} key={t.asset}>
              <Text size="sm" c="dimmed">
                Total
              </Text>
              <Money amount={t.amount} asset={t.asset} fw={700} />
            </Group>
          ))}
        </Group>
        {usage.loading ? <TableSkeleton rows={3} cols={5} /> : usage.error ? <ErrorState error={usage.error} onRetry={usage.reload} what="usage" /> : usage.data && <UsageTable usage={usage.data} metricNames={metricNames} />}
      </Box>
      <Box>
        <Title order={2} fz="lg" mb="xs">
          Entitlements
        </Title>
        {ent.error ? (
          <ErrorState error={ent.error} onRetry={ent.reload} what="entitlements" />
        ) : (ent.data?.entitlements.length ?? 0) === 0 ? (
          <Text size="sm" c="dimmed" data-testid="entitlements-empty">
            {active ? 'The plan grants no features.' : 'No subscription: no features are granted.'}
          </Text>
        ) : (
          <Table aria-label="Entitlements">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Feature</Table.Th>
                <Table.Th>Value</Table.Th>
                <Table.Th>Source</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {ent.data!.entitlements.map((e) => (
                <Table.Tr key={e.code}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {e.name ?? e.code}
                    </Text>
                    <Text size="xs" c="dimmed" ff="monospace">
                      {e.code}
                    </Text>
                  </Table.Td>
                  <Table.Td>{typeof e.value === 'boolean' ? <Badge color={e.value ? 'teal' : 'gray'} variant="light">{e.value ? 'on' : 'off'}</Badge> : <Text size="sm" className="tg-num">{String(e.value)}</Text>}</Table.Td>
                  <Table.Td>
                    <Badge variant="outline" color={e.source === 'override' ? 'orange' : 'gray'}>
                      {e.source}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Box>
      {list.length > 1 && (
        <Box>
          <Title order={2} fz="lg" mb="xs">
            History
          </Title>
          <Table aria-label="Subscriptions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Subscription</Table.Th>
                <Table.Th>Plan</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Ended</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((s) => (
                <Table.Tr key={s.id}>
                  <Table.Td>
                    <CopyId value={s.id} />
                  </Table.Td>
                  <Table.Td>{s.plan}</Table.Td>
                  <Table.Td>{s.status}</Table.Td>
                  <Table.Td>{formatDate(s.started_at)}</Table.Td>
                  <Table.Td>{formatDate(s.terminated_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Box>
      )}
      <SubscribeDialog
        opened={subscribing}
        onClose={() => setSubscribing(false)}
        customer={customer}
        onDone={() => {
          setSubscribing(false);
          subs.reload();
          usage.reload();
          ent.reload();
        }}
      />
      <ChangePlanDialog
        sub={changing}
        plans={planList}
        plansLoading={plans.loading}
        customerName={who}
        onClose={() => setChanging(null)}
        onDone={(updated, timing) => {
          const to = planLabel(updated.next_plan ?? updated.plan, planList);
          notifications.show({ color: 'teal', message: updated.next_plan ? `${who} moves to ${to}${updated.current_period ? ` on ${formatDate(updated.current_period.end)}` : ' at the end of the period'}` : `${who} is now on ${to}${timing === 'now' ? ', the period prorated' : ''}` });
          setChanging(null);
          subs.reload();
          usage.reload();
          ent.reload();
        }}
      />
      <TerminateDialog
        sub={terminating}
        planName={planName}
        customerName={customerName || customer}
        onClose={() => setTerminating(null)}
        onDone={(at) => {
          const what = `${customerName || customer}'s subscription to ${planName ?? terminating?.plan}`;
          notifications.show({ message: at === 'now' ? `Terminated ${what}` : `${what} ends at the end of the period` });
          setTerminating(null);
          subs.reload();
          usage.reload();
          ent.reload();
        }}
      />
    </Stack>
  );
}

import { Anchor, Badge, Box, Breadcrumbs, Button, Card, Group, Menu, Progress, SimpleGrid, Skeleton, Stack, Table, Tabs, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Archive, ArchiveRestore, ChevronDown, Code2, Download, Eraser, Gift, Lock, Plus, Scale, Wallet, XCircle } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router';
import { call, type OutputOf, toApiError } from '../../api';
import { saveBytes } from '../../lib/bytes';
import { CopyId, InfoTip, Kbd, StatusBadge } from '../../components/common';
import { CreditUsed } from '../../components/WalletStatus';
import { type BillingMode, walletState } from '../../lib/wallet-state';
import { LiveAmount, useBalanceValue } from '../../components/LiveAmount';
import { ErrorState, NothingYet, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatDateTime, humanDuration, relative } from '../../lib/format';
import { usePageKey } from '../../lib/keys';
import { formatAmount, Money } from '../../lib/money';
import { useQuery, useThrottledEffect } from '../../lib/useQuery';
import { assetLike } from '../../state/assets';
import { type LiveAuthorization, useLive } from '../../state/live';
import { ActivityTab } from './ActivityTab';
import { DetailsTab } from './DetailsTab';
import { AlertsTab } from './AlertsTab';
import { InvoicesTab } from './InvoicesTab';
import { CloseCustomerDialog, EmbedDialog, EraseCustomerDialog } from './LifecycleDialogs';
import { AdjustmentDialog, TopUpDialog } from './MoneyDialogs';
import { SubscriptionTab } from './SubscriptionTab';

type Balances = OutputOf<'getBalances'>;
type Balance = Balances['balances'][number];
type Authorization = OutputOf<'getAuthorization'>;
type Monitor = OutputOf<'getWalletMonitor'>['wallets'][number];

/** Currencies first, then custom units, each by code. */
function sortAssets<T extends { asset: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => Number(assetLike(a.asset).kind === 'custom') - Number(assetLike(b.asset).kind === 'custom') || a.asset.localeCompare(b.asset));
}

type CustomerOut = OutputOf<'getCustomer'>;

/**
 * What happens when an event costs more than the wallet holds, stated as the engine applies it: an
 * event without an authorization may go below zero only down to minus the overdraft limit, and
 * only under `record_as_debt`. With a limit of 0 (the default) such an event is refused (402)
 * whatever the policy; debt then arises only from a capture beyond its hold.
 */
function fundsPolicyText(c: Pick<CustomerOut, 'on_insufficient_funds' | 'overdraft_limits'>): { label: string; help: string; color: string } {
  if (c.on_insufficient_funds === 'refuse') {
    return { label: 'refuses beyond balance', color: 'gray', help: 'An event that costs more than the available balance is refused (402), whatever the overdraft limit. Debt arises only from a capture beyond its hold.' };
  }
  const limits = sortAssets(c.overdraft_limits.filter((l) => l.amount !== '0'));
  if (limits.length === 0) {
    return {
      label: 'no overdraft: refuses beyond balance',
      color: 'gray',
      help: 'Policy record_as_debt, but the overdraft limit is 0: an event that costs more than the available balance is refused (402). Debt arises only from a capture beyond its hold. Set an overdraft limit on the Details tab to let events go below zero.',
    };
  }
  const amounts = limits.map((l) => formatAmount(l.amount, assetLike(l.asset)));
  return {
    label: limits.length === 1 ? `debt up to ${amounts[0]}` : `debt up to the overdraft limits (${limits.length} assets)`,
    color: 'orange',
    help: `Events may take available down to minus the overdraft limit (${limits.map((l, i) => `${l.asset} ${amounts[i]}`).join(', ')}); the excess is recorded as debt. Beyond the limit they are refused (402).`,
  };
}

function FundsPolicyBadge({ customer }: { customer: CustomerOut }) {
  const p = fundsPolicyText(customer);
  return (
    <Tooltip label={p.help} multiline w={340} withArrow>
      <Badge variant="light" color={p.color} tt="none" tabIndex={0} data-testid="funds-policy">
        {p.label}
      </Badge>
    </Tooltip>
  );
}

const TABS = [
  { value: 'wallet', label: 'Wallet & holds' },
  { value: 'activity', label: 'Activity' },
  { value: 'subscription', label: 'Subscription & usage' },
  { value: 'invoices', label: 'Invoices' },
  { value: 'alerts', label: 'Alerts & auto top-up' },
  { value: 'details', label: 'Details' },
] as const;

const CUSTOMER_STATUS: Record<string, { label: string; color: string }> = {
  archived: { label: 'archived', color: 'gray' },
  closed: { label: 'closed', color: 'red' },
};

function WalletCard({ customer, b, monitor, billingMode }: { customer: string; b: Balance; monitor: Monitor | undefined; billingMode: BillingMode }) {
  const live = useBalanceValue(customer, b.asset, b);
  const value = live ?? b;
  const postpaid = billingMode === 'postpaid';
  // The monitor's status while it was read at this available; else the same rule (lib/wallet-state) on the live value.
  const status = monitor && monitor.available === value.available ? monitor.status : walletState({ available: value.available, overdraft_limit: b.overdraft_limit, billing_mode: billingMode, burn_rate_per_hour: monitor?.burn_rate_per_hour }).status;
  const wallet = { available: value.available, overdraft_limit: b.overdraft_limit, billing_mode: billingMode };
  return (
    <Card data-testid={`wallet-${b.asset}`}>
      <Group justify="space-between" mb={4}>
        <Group gap={6}>
          <Wallet size={16} aria-hidden />
          <Text fw={650}>{b.asset}</Text>
        </Group>
        <StatusBadge status={status} />
      </Group>
      <Group gap={4}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          Available
        </Text>
        <InfoTip label="Posted credit minus pending holds minus debt. New consumption may take it down to minus the overdraft limit, never lower." />
      </Group>
      <LiveAmount customer={customer} asset={b.asset} fallback={b.available} scale={b.scale} className="tg-card-value" component="div" testId={`available-${b.asset}`} postpaid={postpaid} />
      <CreditUsed asset={b.asset} scale={b.scale} wallet={wallet} size="sm" />
      <Stack gap={4} mt="md">
        {(['posted', 'pending', 'debt'] as const).map((f) => (
          <Group key={f} justify="space-between" wrap="nowrap">
            <Text size="sm" c="dimmed">
              {f === 'pending' ? 'Held by holds' : f === 'posted' ? 'Posted credit' : 'Debt'}
            </Text>
            <LiveAmount customer={customer} asset={b.asset} field={f} fallback={b[f]} scale={b.scale} size="sm" fw={500} c={f === 'debt' && value.debt !== '0' && !postpaid ? 'red' : undefined} testId={`${f}-${b.asset}`} />
          </Group>
        ))}
      </Stack>
      <Group justify="space-between" mt="sm" gap="xs">
        <Text size="xs" c="dimmed">
          {postpaid ? 'Credit limit' : 'Overdraft limit'} {formatAmount(b.overdraft_limit, assetLike(b.asset, undefined, b.scale))}
        </Text>
        {monitor && (
          <Text size="xs" c="dimmed">
            burns {formatAmount(monitor.burn_rate_per_hour, assetLike(b.asset, undefined, b.scale))}/h ·{' '}
            {status === 'negative' ? 'below zero now' : status === 'empty' || (monitor.time_to_empty_seconds !== null && monitor.time_to_empty_seconds <= 0) ? (postpaid ? 'at its credit limit' : 'empty now') : monitor.time_to_empty_seconds === null ? 'not emptying' : postpaid ? `at its credit limit in ${humanDuration(monitor.time_to_empty_seconds)}` : `empty in ${humanDuration(monitor.time_to_empty_seconds)}`}
          </Text>
        )}
      </Group>
    </Card>
  );
}

function Lots({ balances }: { balances: Balance[] }) {
  const lots = balances.flatMap((b) => b.lots.map((l) => ({ ...l, asset: b.asset, scale: b.scale })));
  if (lots.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        No credit lots. A top-up or a grant adds one.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table aria-label="Credit lots">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Lot</Table.Th>
            <Table.Th>Kind</Table.Th>
            <Table.Th className="tg-right">Amount</Table.Th>
            <Table.Th className="tg-right">Left</Table.Th>
            <Table.Th w={140}>Used</Table.Th>
            <Table.Th className="tg-right">Reserved</Table.Th>
            <Table.Th className="tg-right">Priority</Table.Th>
            <Table.Th>Expires</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lots.map((l) => {
            const amount = BigInt(l.amount);
            const used = amount > 0n ? Number(((amount - BigInt(l.remaining)) * 1000n) / amount) / 10 : 0;
            return (
              <Table.Tr key={l.asset + l.id}>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    #{l.id}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {lotSource(l)} · {formatDateTime(l.created_at)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={l.kind === 'paid' ? 'brand' : 'grape'}>
                    {l.kind}
                  </Badge>
                </Table.Td>
                <Table.Td className="tg-right">
                  <Money amount={l.amount} asset={l.asset} scale={l.scale} size="sm" />
                </Table.Td>
                <Table.Td className="tg-right">
                  <Money amount={l.remaining} asset={l.asset} scale={l.scale} size="sm" fw={600} /> <Text span size="xs" c="dimmed">left</Text>
                </Table.Td>
                <Table.Td>
                  <Progress value={used} size="sm" aria-label={`${used}% used`} />
                </Table.Td>
                <Table.Td className="tg-right">
                  <Money amount={l.reserved} asset={l.asset} scale={l.scale} size="sm" c={l.reserved === '0' ? 'dimmed' : undefined} />
                </Table.Td>
                <Table.Td className="tg-right tg-num">{l.priority}</Table.Td>
                <Table.Td>
                  {l.expires_at ? (
                    <Tooltip label={formatDateTime(l.expires_at)}>
                      <Text size="sm" tabIndex={0}>
                        {relative(l.expires_at)}
                      </Text>
                    </Tooltip>
                  ) : (
                    <Text size="sm" c="dimmed">
                      never
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const HOLD_STATUS: Record<string, { label: string; color: string }> = {
  pending: { label: 'Held', color: 'blue' },
  captured: { label: 'Captured', color: 'teal' },
  voided: { label: 'Voided', color: 'gray' },
  expired: { label: 'Expired', color: 'orange' },
};

interface HoldRow {
  id: string;
  asset: string;
  status: string;
  amount: string;
  held: string;
  captured: string;
  expires_at: string | null;
  created_at: string | null;
  metric: string | null;
}

/**
 * Holds: authorizations found through the customer's recent hold transfers, merged with the live
 * feed's authorization changes (a new hold appears, then settles, without a reload).
 */
function useHolds(customer: string) {
  const seq = useLive((s) => s.customerSeq[customer] ?? 0);
  const liveAll = useLive((s) => s.authorizations);
  const q = useQuery(async () => {
    const transfers = await call('listTransfers', { customer, order: 'desc', limit: 300 });
    const ids = [...new Set(transfers.data.map((t) => t.authorization_id).filter((x): x is string => !!x))].slice(0, 20);
    const auths = await Promise.all(ids.map((id) => call('getAuthorization', { id }).catch(() => null)));
    return auths.filter((a): a is Authorization => a !== null);
  }, [customer]);
  useThrottledEffect(q.reload, seq, 2000);
  const rows = useMemo(() => {
    const byId = new Map<string, HoldRow>();
    for (const a of q.data ?? []) byId.set(a.id, { id: a.id, asset: a.asset, status: a.status, amount: a.amount, held: a.held, captured: a.captured, expires_at: a.expires_at, created_at: a.created_at, metric: a.metric });
    const live = Object.values(liveAll).filter((l: LiveAuthorization) => l.customer === customer);
    for (const l of live) {
      const prev = byId.get(l.id);
      byId.set(l.id, { id: l.id, asset: l.asset || prev?.asset || '', status: l.status, amount: l.amount, held: l.held, captured: l.captured, expires_at: l.expires_at ?? prev?.expires_at ?? null, created_at: prev?.created_at ?? new Date(l.changedAt).toISOString(), metric: prev?.metric ?? null });
    }
    const all = [...byId.values()];
    all.sort((a, b) => (a.status === 'pending' ? 0 : 1) - (b.status === 'pending' ? 0 : 1) || (b.created_at ?? '').localeCompare(a.created_at ?? ''));
    return all;
  }, [q.data, liveAll, customer]);
  return { rows, loading: q.loading, error: q.error, reload: q.reload };
}

function Holds({ customer }: { customer: string }) {
  const { rows, loading, error, reload } = useHolds(customer);
  const [, tick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => tick((x) => x + 1), 15_000);
    return () => clearInterval(t);
  }, []);
  if (loading) return <TableSkeleton rows={2} cols={6} />;
  if (error) return <ErrorState error={error} onRetry={reload} what="holds" />;
  const active = rows.filter((r) => r.status === 'pending');
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md">
        No holds. An app reserves credit with <code>POST /v1/authorizations</code> before an expensive action; the hold shows here until it is captured, voided or expires.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table aria-label="Holds" data-testid="holds-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Hold</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th className="tg-right">Held now</Table.Th>
            <Table.Th className="tg-right">Captured</Table.Th>
            <Table.Th className="tg-right">Authorized</Table.Th>
            <Table.Th>Expires</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((h) => {
            const s = HOLD_STATUS[h.status] ?? { label: h.status, color: 'gray' };
            return (
              <Table.Tr key={h.id} data-testid="hold-row" data-hold={h.id} data-status={h.status}>
                <Table.Td>
                  <CopyId value={h.id} label="hold id" />
                  {h.metric && (
                    <Text size="xs" c="dimmed">
                      priced from {h.metric}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={s.color} leftSection={h.status === 'pending' ? <Lock size={10} /> : undefined}>
                    {s.label}
                  </Badge>
                </Table.Td>
                <Table.Td className="tg-right">{h.asset && <Money amount={h.held} asset={h.asset} size="sm" fw={h.status === 'pending' ? 600 : 400} c={h.status === 'pending' ? undefined : 'dimmed'} />}</Table.Td>
                <Table.Td className="tg-right">{h.asset && <Money amount={h.captured} asset={h.asset} size="sm" />}</Table.Td>
                <Table.Td className="tg-right">{h.asset && <Money amount={h.amount} asset={h.asset} size="sm" c="dimmed" />}</Table.Td>
                <Table.Td>
                  <Text size="sm" c={h.status === 'pending' ? undefined : 'dimmed'}>
                    {h.status === 'pending' ? relative(h.expires_at) : '—'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt={4}>
        {active.length} active hold{active.length === 1 ? '' : 's'}; settled holds stay listed for reference.
      </Text>
    </Table.ScrollContainer>
  );
}

function WalletTab({ customer, balances, billingMode, onTopUp }: { customer: string; balances: Balances | undefined; billingMode: BillingMode | undefined; onTopUp: () => void }) {
  const monitor = useQuery(() => call('getWalletMonitor', { limit: 500 }), [], { refreshMs: 10_000 });
  if (!balances) return <Skeleton height={180} radius="md" />;
  const mon = (asset: string) => monitor.data?.wallets.find((w) => w.customer === customer && w.asset === asset);
  return (
    <Stack gap="xl">
      {balances.balances.length === 0 ? (
        <NothingYet icon={<Wallet size={28} />} title="No wallet yet" description="A wallet per asset appears with the first top-up, grant or usage." action={<Button onClick={onTopUp}>Top up</Button>} />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
          {sortAssets(balances.balances).map((b) => (
            <WalletCard key={b.asset} customer={customer} b={b} monitor={mon(b.asset)} billingMode={billingMode ?? mon(b.asset)?.billing_mode ?? 'prepaid'} />
          ))}
        </SimpleGrid>
      )}
      <Box>
        <Title order={2} fz="lg" mb="xs">
          Holds
        </Title>
        <Holds customer={customer} />
      </Box>
      <Box>
        <Group gap={6} mb="xs">
          <Title order={2} fz="lg">
            Credit lots
          </Title>
          <InfoTip label="Usage draws on lots by priority (lower first), then earliest expiry, then grants before paid credit, then oldest." />
        </Group>
        <Lots balances={balances.balances} />
      </Box>
    </Stack>
  );
}

/** Where a lot's credit came from, in words: a grant made with POST …/top-ups is a grant, not a top-up. */
function lotSource(l: { source: string; kind: string }): string {
  if (l.source === 'top_up') return l.kind === 'granted' ? 'grant' : 'top-up';
  if (l.source === 'credit_back') return 'credited back';
  return l.source.replace(/_/g, ' ');
}

export function CustomerPage() {
  const { id = '', tab } = useParams();
  const navigate = useNavigate();
  useTitle(id);
  const [dialog, setDialog] = useState<null | 'paid' | 'granted' | 'adjust' | 'close' | 'erase' | 'embed'>(null);
  const customerQ = useQuery(() => call('getCustomer', { external_id: id }), [id]);
  const seq = useLive((s) => s.customerSeq[id] ?? 0);
  const balanceTick = useLive((s) => {
    const w = s.balances[id];
    return w ? Object.values(w).reduce((m, b) => Math.max(m, b.changedAt), 0) : 0;
  });
  const balancesQ = useQuery(() => call('getBalances', { external_id: id }), [id]);
  // Lots and holds are not in the live message: re-read them at most every 1.5 s while the wallet moves.
  useThrottledEffect(balancesQ.reload, `${seq}:${balanceTick}`, 1500);
  const closedNow = customerQ.data?.status === 'closed';
  usePageKey({ t: () => !closedNow && setDialog('paid'), a: () => setDialog('adjust') });

  const exportData = async () => {
    try {
      const data = await call('exportCustomerData', { external_id: id });
      saveBytes(JSON.stringify(data, null, 2), `tollgate-customer-${id}-${new Date().toISOString().slice(0, 10)}.json`, 'application/json');
      notifications.show({ color: 'teal', message: `Everything Tollgate holds about ${id} was downloaded as JSON` });
    } catch (e) {
      const err = toApiError(e);
      notifications.show({ color: 'red', title: `Export failed: ${err.code}`, message: err.message });
    }
  };
  // Archiving is reversible: it runs at once and offers an undo.
  const setArchived = async (archived: boolean) => {
    try {
      const next = await call('updateCustomer', { external_id: id, status: archived ? 'archived' : 'active' });
      customerQ.setData(next);
      const nid = notifications.show({
        message: (
          <Group gap="sm" justify="space-between" wrap="nowrap">
            <Text size="sm">{archived ? `${id} archived: hidden from the default lists, still working.` : `${id} is active again.`}</Text>
            <Button
              size="compact-xs"
              variant="light"
              onClick={async () => {
                notifications.hide(nid);
                customerQ.setData(await call('updateCustomer', { external_id: id, status: archived ? 'active' : 'archived' }));
              }}
            >
              Undo
            </Button>
          </Group>
        ),
        autoClose: 8000,
      });
    } catch (e) {
      const err = toApiError(e);
      notifications.show({ color: 'red', title: err.code, message: err.message });
    }
  };

  if (!tab) return <Navigate to={`/customers/${encodeURIComponent(id)}/wallet`} replace />;
  const c = customerQ.data;
  const balances = balancesQ.data?.balances ?? [];

  if (customerQ.error && !c) {
    return (
      <>
        <Breadcrumbs mb="md">
          <Anchor component={Link} to="/customers">
            Customers
          </Anchor>
          <Text>{id}</Text>
        </Breadcrumbs>
        <ErrorState error={customerQ.error} onRetry={customerQ.reload} what={`customer ${id}`} />
      </>
    );
  }

  return (
    <>
      <Breadcrumbs mb="sm">
        <Anchor component={Link} to="/customers" size="sm">
          Customers
        </Anchor>
        <Text size="sm">{id}</Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-start" mb="md" wrap="wrap">
        <Box>
          {c ? (
            <>
              <Title order={1} fz={26}>
                {c.name ?? c.external_id}
              </Title>
              <Group gap="xs" mt={4}>
                <CopyId value={c.external_id} label="external id" size="sm" />
                {c.email && (
                  <Text size="sm" c="dimmed">
                    · {c.email}
                  </Text>
                )}
                {CUSTOMER_STATUS[c.status] && (
                  <Badge variant="filled" color={CUSTOMER_STATUS[c.status]!.color} tt="none" data-testid="customer-status">
                    {c.erased_at ? 'erased' : CUSTOMER_STATUS[c.status]!.label}
                  </Badge>
                )}
                <Badge variant="light" color="gray" tt="none">
                  {c.billing_mode}
                </Badge>
                <FundsPolicyBadge customer={c} />
              </Group>
            </>
          ) : (
            <Skeleton height={48} width={320} />
          )}
        </Box>
        <Group gap="xs">
          <Button leftSection={<Plus size={16} />} onClick={() => setDialog('paid')} rightSection={<Kbd>T</Kbd>} data-testid="open-topup" disabled={closedNow}>
            Top up
          </Button>
          <Menu position="bottom-end">
            <Menu.Target>
              <Button variant="default" rightSection={<ChevronDown size={14} />}>
                More
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<Gift size={14} />} onClick={() => setDialog('granted')}>
                Grant credit
              </Menu.Item>
              <Menu.Item leftSection={<Scale size={14} />} onClick={() => setDialog('adjust')} rightSection={<Kbd>A</Kbd>} disabled={closedNow}>
                Adjust balance
              </Menu.Item>
              <Menu.Divider />
              <Menu.Item leftSection={<Code2 size={14} />} onClick={() => setDialog('embed')} disabled={!!c?.erased_at}>
                Embed a live balance…
              </Menu.Item>
              <Menu.Item leftSection={<Download size={14} />} onClick={exportData}>
                Export customer data (JSON)
              </Menu.Item>
              {c?.status === 'active' && (
                <Menu.Item leftSection={<Archive size={14} />} onClick={() => setArchived(true)}>
                  Archive
                </Menu.Item>
              )}
              {c?.status === 'archived' && (
                <Menu.Item leftSection={<ArchiveRestore size={14} />} onClick={() => setArchived(false)}>
                  Unarchive
                </Menu.Item>
              )}
              <Menu.Divider />
              <Menu.Item color="red" leftSection={<XCircle size={14} />} onClick={() => setDialog('close')} disabled={closedNow}>
                Close customer…
              </Menu.Item>
              <Menu.Item color="red" leftSection={<Eraser size={14} />} onClick={() => setDialog('erase')} disabled={!!c?.erased_at}>
                Erase personal data…
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>
      {balancesQ.error && !balancesQ.data && <ErrorState error={balancesQ.error} onRetry={balancesQ.reload} what="balances" />}
      <Tabs value={tab} onChange={(v) => v && navigate(`/customers/${encodeURIComponent(id)}/${v}`)} keepMounted={false}>
        <Tabs.List mb="lg">
          {TABS.map((t) => (
            <Tabs.Tab key={t.value} value={t.value}>
              {t.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="wallet">
          <WalletTab customer={id} balances={balancesQ.data} billingMode={customerQ.data?.billing_mode} onTopUp={() => setDialog('paid')} />
        </Tabs.Panel>
        <Tabs.Panel value="activity">
          <ActivityTab customer={id} balances={balances} />
        </Tabs.Panel>
        <Tabs.Panel value="subscription">
          <SubscriptionTab customer={id} customerName={customerQ.data?.name} />
        </Tabs.Panel>
        <Tabs.Panel value="invoices">
          <InvoicesTab customer={id} />
        </Tabs.Panel>
        <Tabs.Panel value="alerts">
          <AlertsTab customer={id} />
        </Tabs.Panel>
        <Tabs.Panel value="details">{c && c.external_id === id && <DetailsTab key={`${c.external_id}:${c.updated_at}`} customer={c} onSaved={(n) => customerQ.setData(n)} />}</Tabs.Panel>
      </Tabs>
      <TopUpDialog
        opened={dialog === 'paid' || dialog === 'granted'}
        kind={dialog === 'granted' ? 'granted' : 'paid'}
        onClose={() => setDialog(null)}
        customer={id}
        balances={balances}
        onDone={(t) => {
          setDialog(null);
          notifications.show({ color: 'teal', title: t.kind === 'paid' ? 'Top-up recorded' : 'Credit granted', message: `${formatAmount(t.amount, assetLike(t.asset))} added to ${id}` });
          balancesQ.reload();
        }}
      />
      <CloseCustomerDialog
        customer={id}
        opened={dialog === 'close'}
        onClose={() => setDialog(null)}
        onDone={() => {
          setDialog(null);
          customerQ.reload();
          balancesQ.reload();
        }}
      />
      <EraseCustomerDialog
        customer={id}
        opened={dialog === 'erase'}
        onClose={() => setDialog(null)}
        onDone={(tombstone) => {
          setDialog(null);
          navigate(`/customers/${encodeURIComponent(tombstone)}/details`, { replace: true });
        }}
      />
      <EmbedDialog customer={id} opened={dialog === 'embed'} onClose={() => setDialog(null)} />
      <AdjustmentDialog
        opened={dialog === 'adjust'}
        onClose={() => setDialog(null)}
        customer={id}
        balances={balances}
        onDone={() => {
          setDialog(null);
          notifications.show({ color: 'teal', message: `Adjustment recorded for ${id}` });
          balancesQ.reload();
        }}
      />
    </>
  );
}

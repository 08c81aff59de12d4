import { Badge, Box, Button, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { ArrowDownLeft, ArrowUpRight, Clock } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, call, type OutputOf } from '../../api';
import { CopyId } from '../../components/common';
import { ErrorState, TableSkeleton } from '../../components/states';
import { formatDateTime, humanCode } from '../../lib/format';
import { Money } from '../../lib/money';
import { useQuery, useThrottledEffect } from '../../lib/useQuery';
import { useLive } from '../../state/live';
import { RefundDialog } from './MoneyDialogs';

type Transfer = OutputOf<'listTransfers'>['data'][number];
type Balance = OutputOf<'getBalances'>['balances'][number];
type TopUp = OutputOf<'getTopUp'>;

const KIND_COLOR: Record<string, string> = {
  top_up: 'teal',
  grant: 'grape',
  usage: 'brand',
  hold: 'blue',
  adjustment: 'orange',
  refund: 'red',
  chargeback: 'red',
  expiry: 'gray',
  breakage: 'gray',
  fee: 'cyan',
};

/**
 * The effect of a transfer on the customer, per account: the wallet (posted credit) and the
 * receivable (debt). `delta` is the change of what the customer can use: +credit, −debit, −debt.
 */
function effect(t: Transfer, customer: string): { account: 'wallet' | 'receivable' | 'other'; delta: bigint } {
  const wallet = `customer:${customer}:${t.asset}:wallet`;
  const receivable = `customer:${customer}:${t.asset}:receivable`;
  const amount = BigInt(t.amount);
  if (t.credit_account === wallet) return { account: 'wallet', delta: amount };
  if (t.debit_account === wallet) return { account: 'wallet', delta: -amount };
  if (t.debit_account === receivable) return { account: 'receivable', delta: -amount };
  if (t.credit_account === receivable) return { account: 'receivable', delta: amount };
  return { account: 'other', delta: 0n };
}

function TopUps({ customer, balances }: { customer: string; balances: Balance[] }) {
  const seq = useLive((s) => s.customerSeq[customer] ?? 0);
  const q = useQuery(() => call('listTopUps', { external_id: customer, limit: 50 }), [customer]);
  useThrottledEffect(q.reload, seq, 2000);
  const [refund, setRefund] = useState<TopUp | null>(null);
  if (q.loading) return <TableSkeleton rows={3} cols={6} />;
  if (q.error) return <ErrorState error={q.error} onRetry={q.reload} what="top-ups" />;
  const rows = q.data?.data ?? [];
  if (rows.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No top-ups or grants yet.
      </Text>
    );
  return (
    <>
      <Table.ScrollContainer minWidth={760}>
        <Table aria-label="Top-ups and grants">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Top-up</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th className="tg-right">Amount</Table.Th>
              <Table.Th className="tg-right">Refundable</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>
                  <CopyId value={t.id} label="top-up id" />
                  {t.reference && (
                    <Text size="xs" c="dimmed">
                      {t.reference}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge variant="light" color={t.kind === 'paid' ? 'brand' : 'grape'}>
                    {t.kind}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Badge variant="dot" color={t.status === 'succeeded' ? 'teal' : t.status === 'pending' ? 'yellow' : 'gray'}>
                    {t.status}
                  </Badge>
                </Table.Td>
                <Table.Td className="tg-right">
                  <Money amount={t.amount} asset={t.asset} size="sm" fw={500} />
                  {t.debt_repaid !== '0' && (
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      <Text size="xs" c="dimmed">
                        repaid debt
                      </Text>
                      <Money amount={t.debt_repaid} asset={t.asset} size="xs" c="dimmed" />
                    </Group>
                  )}
                </Table.Td>
                <Table.Td className="tg-right">
                  <Money amount={t.refundable} asset={t.asset} size="sm" c={t.refundable === '0' ? 'dimmed' : undefined} />
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatDateTime(t.created_at)}</Text>
                </Table.Td>
                <Table.Td className="tg-right">
                  {t.kind === 'paid' && t.status === 'succeeded' && t.refundable !== '0' && (
                    <Button size="compact-xs" variant="subtle" color="orange" onClick={() => setRefund(t)} aria-label={`Refund top-up ${t.id}`}>
                      Refund
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <RefundDialog
        opened={!!refund}
        topUp={refund}
        balances={balances}
        onClose={() => setRefund(null)}
        onDone={() => {
          setRefund(null);
          q.reload();
        }}
      />
    </>
  );
}

export function ActivityTab({ customer, balances }: { customer: string; balances: Balance[] }) {
  const [rows, setRows] = useState<Transfer[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [postedAtLoad, setPostedAtLoad] = useState<Record<string, string>>({});
  const epoch = useLive((s) => s.epoch);
  const seq = useLive((s) => s.customerSeq[customer] ?? 0);
  const balanceTick = useLive((s) => {
    const w = s.balances[customer];
    return w ? Object.values(w).reduce((m, b) => Math.max(m, b.changedAt), 0) : 0;
  });

  const load = () => {
    setError(null);
    // Balances first, then the newest transfers: "wallet after" walks back from the posted balance.
    call('getBalances', { external_id: customer })
      .then(async (b) => {
        const page = await call('listTransfers', { customer, order: 'desc', limit: 50 });
        setPostedAtLoad(Object.fromEntries(b.balances.map((x) => [x.asset, x.posted])));
        setRows(page.data);
        setCursor(page.next_cursor);
      })
      .catch((e: ApiError) => setError(e))
      .finally(() => setLoading(false));
  };
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(load, [customer, epoch]);
  useThrottledEffect(load, `${seq}:${balanceTick}`, 2500);

  const walletAfter = useMemo(() => {
    const running: Record<string, bigint> = Object.fromEntries(Object.entries(postedAtLoad).map(([a, v]) => [a, BigInt(v)]));
    const out = new Map<string, string>();
    for (const t of rows) {
      const e = effect(t, customer);
      if (t.phase !== 'posted' || e.account !== 'wallet' || running[t.asset] === undefined) continue;
      out.set(t.id, running[t.asset]!.toString());
      running[t.asset] = running[t.asset]! - e.delta;
    }
    return out;
  }, [rows, postedAtLoad, customer]);

  return (
    <Stack gap="xl">
      <Box>
        <Title order={2} fz="lg" mb="xs">
          Top-ups and grants
        </Title>
        <TopUps customer={customer} balances={balances} />
      </Box>
      <Box>
        <Group justify="space-between" mb="xs">
          <Title order={2} fz="lg">
            Ledger activity
          </Title>
          <Text size="xs" c="dimmed">
            Immutable double-entry transfers, newest first
          </Text>
        </Group>
        {loading ? (
          <TableSkeleton rows={8} cols={6} />
        ) : error && rows.length === 0 ? (
          <ErrorState error={error} onRetry={load} what="transfers" />
        ) : rows.length === 0 ? (
          <Text size="sm" c="dimmed">
            No transfers yet.
          </Text>
        ) : (
          <Table.ScrollContainer minWidth={860}>
            <Table aria-label="Ledger activity" data-testid="activity-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Type</Table.Th>
                  <Table.Th>Reference</Table.Th>
                  <Table.Th>Account</Table.Th>
                  <Table.Th className="tg-right">Amount</Table.Th>
                  <Table.Th className="tg-right">Wallet after</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rows.map((t) => {
                  const e = effect(t, customer);
                  const Icon = e.delta >= 0n ? ArrowDownLeft : ArrowUpRight;
                  const muted = t.phase !== 'posted';
                  return (
                    <Table.Tr key={t.id}>
                      <Table.Td>
                        <Text size="sm" className="tg-num">
                          {formatDateTime(t.created_at)}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <Group gap={6} wrap="nowrap">
                          <Badge variant="light" color={KIND_COLOR[t.kind] ?? 'gray'} tt="none">
                            {humanCode(t.kind)}
                          </Badge>
                          {t.phase !== 'posted' && (
                            <Tooltip label={t.phase === 'pending' ? 'Reserved by a hold, not yet posted' : 'Released: the hold gave this back'}>
                              <Badge variant="outline" color="gray" size="xs" leftSection={<Clock size={10} />}>
                                {t.phase}
                              </Badge>
                            </Tooltip>
                          )}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {t.transaction_id ? (
                          <Text size="xs" ff="monospace" component={Link} to={`/events?customer=${encodeURIComponent(customer)}&tx=${encodeURIComponent(t.transaction_id)}`} c="brand">
                            {t.transaction_id}
                          </Text>
                        ) : t.authorization_id ? (
                          <CopyId value={t.authorization_id} label="hold id" />
                        ) : t.ref ? (
                          <CopyId value={t.ref} label="reference" />
                        ) : (
                          <Text size="xs" c="dimmed">
                            —
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Text size="xs" c="dimmed">
                          {e.account === 'receivable' ? 'debt' : e.account === 'wallet' ? 'wallet' : `${t.debit_account} → ${t.credit_account}`}
                        </Text>
                      </Table.Td>
                      <Table.Td className="tg-right">
                        {muted ? (
                          <Money amount={t.amount} asset={t.asset} size="sm" c="dimmed" />
                        ) : (
                          <Group gap={4} justify="flex-end" wrap="nowrap">
                            <Icon size={14} aria-hidden color={e.delta >= 0n ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-red-6)'} />
                            <Money amount={e.delta.toString()} asset={t.asset} signed tone size="sm" fw={500} />
                          </Group>
                        )}
                      </Table.Td>
                      <Table.Td className="tg-right">{walletAfter.has(t.id) ? <Money amount={walletAfter.get(t.id)!} asset={t.asset} size="sm" c="dimmed" /> : <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            {cursor && (
              <Group justify="center" mt="sm">
                <Button
                  variant="default"
                  loading={more}
                  onClick={() => {
                    setMore(true);
                    call('listTransfers', { customer, order: 'desc', limit: 50, cursor })
                      .then((p) => {
                        setRows((r) => [...r, ...p.data]);
                        setCursor(p.next_cursor);
                      })
                      .catch((e: ApiError) => setError(e))
                      .finally(() => setMore(false));
                  }}
                >
                  Load older transfers
                </Button>
              </Group>
            )}
          </Table.ScrollContainer>
        )}
      </Box>
    </Stack>
  );
}

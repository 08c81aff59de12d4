import { ActionIcon, Alert, Anchor, Badge, Box, Button, Group, Modal, Select, Stack, Table, Text, Title, Tooltip, VisuallyHidden } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Info, Plus, TicketPercent, TicketX, TriangleAlert } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { type ApiError, call } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorState, InlineError, TableSkeleton } from '../../components/states';
import { formatDate, formatDateTime } from '../../lib/format';
import { formatAmount, Money } from '../../lib/money';
import type { QueryState } from '../../lib/useQuery';
import { useQuery } from '../../lib/useQuery';
import { assetLike } from '../../state/assets';
import { type AppliedCoupon, type Coupon, CouponDiscount, CouponLimits, couponSummary, durationLabel, isExpired, listAllCoupons } from '../plans/coupons';

const STATUS: Record<AppliedCoupon['status'], { color: string; label: string }> = {
  active: { color: 'teal', label: 'Active' },
  used: { color: 'gray', label: 'Used up' },
  removed: { color: 'red', label: 'Removed' },
};

const summary = (c: Coupon) => couponSummary(c, (a, asset) => formatAmount(a, assetLike(asset)));

function ApplyCouponDialog({
  opened,
  onClose,
  customer,
  plan,
  coupons,
  applied,
  onDone,
}: {
  opened: boolean;
  onClose: () => void;
  customer: string;
  /** The plan of the customer's active subscription, if any. */
  plan: string | null;
  coupons: QueryState<Coupon[]>;
  applied: AppliedCoupon[];
  onDone: (a: AppliedCoupon) => void;
}) {
  const [code, setCode] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const cust = useQuery(() => call('getCustomer', { external_id: customer }), [customer], { enabled: opened });
  useEffect(() => {
    if (!opened) return;
    setCode(null);
    setError(null);
    coupons.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);
  const active = useMemo(() => new Set(applied.filter((a) => a.status === 'active').map((a) => a.coupon)), [applied]);
  const now = Date.now();
  const list = coupons.data ?? [];
  const chosen = list.find((c) => c.code === code) ?? null;
  const planMismatch = chosen && chosen.plans.length > 0 && (!plan || !chosen.plans.includes(plan));
  const prepaid = cust.data?.billing_mode === 'prepaid';
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={600}>Apply a coupon to {customer}</Text>} size="lg">
      <Stack>
        {coupons.error ? (
          <ErrorState error={coupons.error} onRetry={coupons.reload} what="coupons" />
        ) : !coupons.loading && list.length === 0 ? (
          <Text size="sm">
            There are no coupons yet.{' '}
            <Anchor component={Link} to="/coupons?new=1">
              Create a coupon
            </Anchor>{' '}
            first.
          </Text>
        ) : (
          <Select
            label="Coupon"
            placeholder={coupons.loading ? 'Loading coupons…' : 'Choose a coupon'}
            data={list.map((c) => {
              const why = active.has(c.code) ? ' · already active' : isExpired(c, now) ? ' · expired' : '';
              return { value: c.code, label: `${c.name} (${c.code}) · ${summary(c)}${why}`, disabled: !!why };
            })}
            value={code}
            onChange={setCode}
            searchable
            nothingFoundMessage="No coupon matches"
            data-autofocus
          />
        )}
        {chosen && (
          <Box data-testid="apply-coupon-details">
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                Discount
              </Text>
              <CouponDiscount coupon={chosen} size="sm" fw={600} />
              <Text size="sm" c="dimmed">
                · {durationLabel(chosen)}
              </Text>
            </Group>
            <Group gap="xs" mt={4}>
              <Text size="sm" c="dimmed">
                Limited to
              </Text>
              <CouponLimits coupon={chosen} />
            </Group>
          </Box>
        )}
        {planMismatch && (
          <Alert variant="light" color="yellow" icon={<TriangleAlert size={16} />} py="xs">
            <Text size="sm">
              {chosen!.code} only discounts the plans {chosen!.plans.join(', ')}; {customer} is {plan ? `on ${plan}` : 'on no plan'}. It can be applied, but takes nothing off until the customer is on one of them.
            </Text>
          </Alert>
        )}
        {chosen && (
          <Text size="xs" c="dimmed">
            {prepaid
              ? `${customer} is prepaid: a coupon discounts its fixed fees (from the next one posted); its usage draws on credit and is not discounted. For prepaid promotions, grant credit instead.`
              : 'It discounts the fixed fees posted from now on and the usage of the periods that close from now on, before tax.'}
          </Text>
        )}
        <InlineError error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            disabled={!chosen}
            loading={busy}
            onClick={async () => {
              setBusy(true);
              setError(null);
              try {
                onDone(await call('applyCoupon', { external_id: customer, coupon: chosen!.code }));
              } catch (e) {
                setError(e as ApiError);
              } finally {
                setBusy(false);
              }
            }}
          >
            {chosen ? `Apply ${chosen.code}` : 'Apply'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** What removing an active coupon gives up, in the words of the engine's rules. */
function removalConsequences(a: AppliedCoupon, c: Coupon | undefined): string[] {
  const out = ['It discounts nothing from now on: fixed fees posted and periods closed from now on are billed without it.', 'What it already took off stays on the invoices.'];
  if (a.amount_left !== null && a.asset) out.push(`The ${formatAmount(a.amount_left, assetLike(a.asset))} left on it is given up.`);
  else if (a.periods_left !== null) out.push(`The ${a.periods_left} billing period${a.periods_left === 1 ? '' : 's'} left on it ${a.periods_left === 1 ? 'is' : 'are'} given up.`);
  else if (c?.frequency === 'forever') out.push('It was to discount every period, forever.');
  out.push('Applying the coupon again later starts it afresh.');
  return out;
}

/** A customer's coupons (status, periods left, amount left), "Apply coupon" and "Remove", on the Subscription tab. */
export function AppliedCoupons({ customer, plan, reloadKey }: { customer: string; plan: string | null; reloadKey: number }) {
  const applied = useQuery(() => call('listAppliedCoupons', { external_id: customer }), [customer]);
  const coupons = useQuery(() => listAllCoupons(), []);
  const [applying, setApplying] = useState(false);
  const [removing, setRemoving] = useState<AppliedCoupon | null>(null);
  useEffect(() => {
    if (reloadKey) applied.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reloadKey]);
  const byCode = useMemo(() => new Map((coupons.data ?? []).map((c) => [c.code, c])), [coupons.data]);
  const rows = applied.data?.data ?? [];
  // Active ones first, in the order they apply (the order they were applied); then the used and removed.
  const sorted = [...rows].sort((a, b) => Number(b.status === 'active') - Number(a.status === 'active') || a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  return (
    <Box>
      <Group justify="space-between" mb="xs">
        <Title order={2} fz="lg">
          Coupons
        </Title>
        {rows.length > 0 && (
          <Button size="xs" variant="light" leftSection={<Plus size={14} />} onClick={() => setApplying(true)}>
            Apply coupon
          </Button>
        )}
      </Group>
      {applied.loading ? (
        <TableSkeleton rows={2} cols={6} />
      ) : applied.error ? (
        <ErrorState error={applied.error} onRetry={applied.reload} what="coupons" />
      ) : rows.length === 0 ? (
        <Group justify="space-between" wrap="nowrap" p="md" style={{ border: '1px dashed var(--tg-border)', borderRadius: 'var(--mantine-radius-md)' }}>
          <Group gap="sm" wrap="nowrap">
            <TicketPercent size={20} aria-hidden color="var(--mantine-color-dimmed)" />
            <Text size="sm" c="dimmed">
              No coupons applied. A coupon takes an amount or a percentage off this customer's fixed fees and postpaid usage.
            </Text>
          </Group>
          <Button size="xs" variant="light" leftSection={<Plus size={14} />} onClick={() => setApplying(true)} style={{ flexShrink: 0 }}>
            Apply coupon
          </Button>
        </Group>
      ) : (
        <Table.ScrollContainer minWidth={860} type="native">
          <Table aria-label="Applied coupons" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Coupon</Table.Th>
                <Table.Th className="tg-right" w={130}>
                  Discount
                </Table.Th>
                <Table.Th w={110}>Status</Table.Th>
                <Table.Th className="tg-right" w={120}>
                  Periods left
                </Table.Th>
                <Table.Th className="tg-right" w={130}>
                  Amount left
                </Table.Th>
                <Table.Th>Limited to</Table.Th>
                <Table.Th w={120}>Applied</Table.Th>
                <Table.Th w={48}>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {sorted.map((a) => {
                const c = byCode.get(a.coupon);
                const s = STATUS[a.status];
                return (
                  <Table.Tr key={a.id} data-testid="applied-coupon-row" data-code={a.coupon} data-status={a.status}>
                    <Table.Td style={{ minWidth: 160 }}>
                      <Text size="sm" fw={600}>
                        {c?.name ?? a.coupon}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {a.coupon}
                      </Text>
                    </Table.Td>
                    <Table.Td className="tg-right" style={{ whiteSpace: 'nowrap' }}>
                      {c ? (
                        <Stack gap={0} align="flex-end">
                          <CouponDiscount coupon={c} size="sm" />
                          <Text size="xs" c="dimmed">
                            {durationLabel(c)}
                          </Text>
                        </Stack>
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={s.color} radius="sm" leftSection={<span className={`tg-dot tg-dot-${s.color}`} aria-hidden />}>
                        {s.label}
                      </Badge>
                    </Table.Td>
                    <Table.Td className="tg-right" data-testid="applied-periods-left">
                      {a.status === 'removed' ? (
                        <Text size="sm" c="dimmed" title="Removed: it has no periods left">
                          —
                        </Text>
                      ) : a.periods_left !== null ? (
                        <Text size="sm" className="tg-num" c={a.status === 'active' ? undefined : 'dimmed'}>
                          {a.periods_left}
                        </Text>
                      ) : (
                        <Text size="sm" c="dimmed">
                          {c?.frequency === 'forever' ? '∞' : '—'}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td className="tg-right" data-testid="applied-amount-left">
                      {a.status === 'removed' ? (
                        <Text size="sm" c="dimmed" title="Removed: nothing is left on it">
                          —
                        </Text>
                      ) : a.amount_left !== null && a.asset ? (
                        <Money amount={a.amount_left} asset={a.asset} size="sm" c={a.status === 'active' ? undefined : 'dimmed'} />
                      ) : (
                        <Text size="sm" c="dimmed">
                          —
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{c ? <CouponLimits coupon={c} /> : null}</Table.Td>
                    <Table.Td>
                      <Text size="sm" title={formatDateTime(a.created_at)}>
                        {formatDate(a.created_at)}
                      </Text>
                    </Table.Td>
                    <Table.Td className="tg-right">
                      {a.status === 'active' && (
                        <Tooltip label="Remove the coupon">
                          <ActionIcon variant="subtle" color="red" onClick={() => setRemoving(a)} aria-label={`Remove the coupon ${a.coupon}`}>
                            <TicketX size={16} />
                          </ActionIcon>
                        </Tooltip>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {rows.some((a) => a.status === 'active') && (
        <Group gap={6} mt={6}>
          <Info size={12} aria-hidden color="var(--mantine-color-dimmed)" />
          <Text size="xs" c="dimmed">
            Active coupons apply in the order listed (the order they were applied), each on what the one before left.
          </Text>
        </Group>
      )}
      <ConfirmDialog
        opened={!!removing}
        onClose={() => setRemoving(null)}
        title="Remove the coupon"
        object={
          <>
            Remove <b>{removing ? (byCode.get(removing.coupon)?.name ?? removing.coupon) : ''}</b> ({removing?.coupon}) from <b>{customer}</b>?
          </>
        }
        consequences={removing ? removalConsequences(removing, byCode.get(removing.coupon)) : []}
        confirmLabel={removing ? `Remove ${removing.coupon}` : 'Remove'}
        onConfirm={async () => {
          const r = await call('removeAppliedCoupon', { external_id: customer, coupon: removing!.coupon });
          notifications.show({ color: 'teal', title: `Coupon ${r.coupon} removed`, message: `It no longer discounts ${customer}.` });
          applied.reload();
        }}
      />
      <ApplyCouponDialog
        opened={applying}
        onClose={() => setApplying(false)}
        customer={customer}
        plan={plan}
        coupons={coupons}
        applied={rows}
        onDone={(a) => {
          setApplying(false);
          const c = byCode.get(a.coupon);
          notifications.show({ color: 'teal', title: `Coupon ${a.coupon} applied`, message: c ? `${summary(c)} for ${customer}` : `for ${customer}` });
          applied.reload();
        }}
      />
    </Box>
  );
}
